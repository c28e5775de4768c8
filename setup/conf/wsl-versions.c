/* SPDX-License-Identifier: MIT */
/* wsl-versions.c - the version table and the range logic behind it. */
#include "conf/wsl-versions.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* Sources: ../shared/reference/wsl-2026.md and reference §6/§7 (the rows say which). */
static const struct wsl_fact_row rows[WSLF_FACT_COUNT] = {
	[WSLF_BRIDGED] = { WSLF_BRIDGED, "bridged mode", "2.0.0..2.5.3 2.5.5..",
			   "reference §6: 2.5.4 removed bridged mode, 2.5.6 brought it back" },
	[WSLF_MIRRORED] = { WSLF_MIRRORED, "mirrored mode", "2.0.0..",
			    "reference §7.2: networkingMode=mirrored from WSL 2.0.0" },
	/* bridged DHCP, mirrored ports, how WSL reads its files, withdrawn warnings */
	[WSLF_BRIDGED_DHCP_NO_DNS] = { WSLF_BRIDGED_DHCP_NO_DNS,
		"bridged mode's DHCP client (dhcpcd) asks the LAN for no DNS servers, domain or MTU", "2.7.1..",
		"microsoft/WSL d27b64883 (src/linux/init/main.cpp:1003) and #41539; the fix (PR #41538, "
		"merged 2026-09-09) is in no release known to wslbridge",
		"DHCP servers that answer only what was asked (dnsmasq, Pi-hole, Kea, ISC dhcpd) leave "
		"resolv.conf without a nameserver", false },
	[WSLF_MIRRORED_PORTS_DYNAMIC] = { WSLF_MIRRORED_PORTS_DYNAMIC,
		"in mirrored mode the guest may not bind ports inside the host's dynamic port range",
		"2.8.7..2.9.4", "microsoft/WSL d19366134 (#40597)",
		"such a bind fails with EADDRINUSE, so a firewall rule for the port opens a port nothing "
		"in WSL can listen on", false },
	[WSLF_MIRRORED_PORTS_DYNAMIC_HALF] = { WSLF_MIRRORED_PORTS_DYNAMIC_HALF,
		"in mirrored mode the guest may bind at most half of the host's dynamic port range",
		"2.9.5..", "microsoft/WSL 86b51fcfe (#41085), merged after 2.9.4; that the next "
		"releases have it is assumed",
		"a bind there fails with EADDRINUSE once the guest holds that many of them", false },
	[WSLF_MIRRORED_IPV6_FALLBACK] = { WSLF_MIRRORED_IPV6_FALLBACK,
		"mirrored mode falls back to NAT when IPv6 is disabled on the host in an unsupported way "
		"(Tcpip6 DisabledComponents=0xFF)", "2.7.2..2.7 2.8.5..",
		"microsoft/WSL 8e6584385 (#40235), in 2.7.2 and 2.8.5 on", NULL, false },
	[WSLF_DHCP_TIMEOUT_ROUNDED] = { WSLF_DHCP_TIMEOUT_ROUNDED,
		"wsl2.dhcpTimeout is rounded to whole seconds", "2.7.2..2.7 2.8.5..",
		"microsoft/WSL 58bd525af, BridgedNetworking.cpp: round(ms / 1000.0)",
		"below 500 ms that is 0 seconds (before, ms / 1000 made all below 1000 0), which dhcpcd "
		"takes as \"wait forever\"", false },
	[WSLF_WSLCONFIG_8BIT] = { WSLF_WSLCONFIG_8BIT,
		"WSL keeps only the low 8 bits of each character of a .wslconfig value", "..3.0.0",
		"reference §3 (configfile.cpp reads wide characters into char); 3.0.1 \"Fix config's "
		"handling of non-ascii characters\" (microsoft/WSL#41657, only the title is known)",
		"non-ASCII text arrives corrupted", false },
	[WSLF_BRIDGED_DEPRECATED_WARNING] = { WSLF_BRIDGED_DEPRECATED_WARNING,
		"WSL warned that bridged networking will be deprecated", "2.4.5..2.5.3",
		"2.4.5 release notes \"Add user warning letting users know bridged networking will be "
		"deprecated\" (luxzg/WSL2-fixes#9); withdrawn: microsoft/WSL#12743 (2025-04-02, \"we will "
		"*not* be deprecating bridged networking mode\"), 2.5.6 \"Bring back bridged networking "
		"mode\"; learn.microsoft.com still says \"deprecated since 2.4.5\"",
		"that no longer holds: WSL kept bridged mode, and no later version prints the warning", true },
	/* modes and DNS */
	[WSLF_CONSOMME] = { WSLF_CONSOMME, "Consomme (VirtioProxy) mode", "2.3.25..",
			    "windows-hyperv-vpn.md: NAT falls back to VirtioProxy since 2.3.25 (the earliest "
			    "version known to have the mode)" },
	[WSLF_CONSOMME_NAME] = { WSLF_CONSOMME_NAME, "the name Consomme", "2.9.0..",
				 "wsl-2026.md: b9e1d7044 (#40873) renamed VirtioProxy to Consomme in 2.9.0" },
	[WSLF_DNS_TUNNEL_DEFAULT] = { WSLF_DNS_TUNNEL_DEFAULT, "DNS tunnelling on by default", "2.2.1..",
				      "windows-hyperv-vpn.md §6: documented on by default on Windows 11 22H2+; "
				      "the default since WSL 2.2.1 (community gist)" },
	[WSLF_CONSOMME_DNS_TUNNEL] = { WSLF_CONSOMME_DNS_TUNNEL, "DNS tunnelling in Consomme mode", "2.9.0..",
				       "wsl-2026.md: 2.9.0 no longer forces DNS tunnelling off for Consomme "
				       "(WslCoreConfig.cpp, WslCoreVm.cpp:613)" },
};

int wsl_version_parse(const char *s, struct wsl_version *ret)
{
	int n = 0;

	memset(ret, 0, sizeof(*ret));
	if (!s)
		return -EINVAL;
	while (n < 4) {
		char *end;
		long v;

		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		errno = 0;
		v = strtol(s, &end, 10);
		if (errno || v > 1000000)
			return -EINVAL;
		ret->part[n++] = (int)v;
		s = end;
		if (*s != '.')
			break;
		s++;
	}
	return *s ? -EINVAL : 0;
}

int wsl_version_cmp(const struct wsl_version *a, const struct wsl_version *b)
{
	for (int i = 0; i < 4; i++)
		if (a->part[i] != b->part[i])
			return a->part[i] < b->part[i] ? -1 : 1;
	return 0;
}

const struct wsl_fact_row *wsl_fact_row(enum wsl_fact fact)
{
	return (unsigned)fact < WSLF_FACT_COUNT ? &rows[fact] : NULL;
}

/* The number of dot-separated parts of a version text. */
static int version_parts(const char *s)
{
	int n = 1;

	for (; *s; s++)
		n += *s == '.';
	return n;
}

/* Does the "A..B" / "A.." / "..B" / "A" range starting at r (length len) hold v? */
static bool range_holds(const char *r, size_t len, const struct wsl_version *v)
{
	char buf[64], *dots;
	struct wsl_version lo, hi;
	int parts;

	if (len >= sizeof(buf))
		return false;
	memcpy(buf, r, len);
	buf[len] = '\0';
	dots = strstr(buf, "..");
	if (!dots) {
		/* One version: the same first three parts, any build. */
		if (wsl_version_parse(buf, &lo) < 0)
			return false;
		return lo.part[0] == v->part[0] && lo.part[1] == v->part[1] && lo.part[2] == v->part[2];
	}
	*dots = '\0';
	if (*buf && (wsl_version_parse(buf, &lo) < 0 || wsl_version_cmp(v, &lo) < 0))
		return false;
	if (!dots[2])
		return true;
	if (wsl_version_parse(dots + 2, &hi) < 0)
		return false;
	/* "..2.5.3" includes every build of 2.5.3, "..2.7" every 2.7.x */
	for (parts = version_parts(dots + 2); parts < 4; parts++)
		hi.part[parts] = 1000000;
	return wsl_version_cmp(v, &hi) <= 0;
}

enum wsl_answer wsl_fact_holds(enum wsl_fact fact, const char *version)
{
	const struct wsl_fact_row *row = wsl_fact_row(fact);
	struct wsl_version v;
	const char *p;

	if (!row || !version || !*version || wsl_version_parse(version, &v) < 0)
		return WSLA_UNKNOWN;
	for (p = row->holds; *p;) {
		size_t len = strcspn(p, " ");

		if (len && range_holds(p, len, &v))
			return WSLA_YES;
		p += len;
		p += strspn(p, " ");
	}
	return WSLA_NO;
}

char *wsl_fact_versions_text(enum wsl_fact fact)
{
	const struct wsl_fact_row *row = wsl_fact_row(fact);
	char *out = xstrdup("");
	const char *p;

	if (!row)
		return out;
	for (p = row->holds; *p;) {
		size_t len = strcspn(p, " ");
		const char *dots = memmem(p, len, "..", 2), *sep = *out ? ", " : "";
		int hi_len = dots ? (int)(p + len - dots - 2) : 0, hi_dots = 0;
		char *next;

		for (int i = 0; i < hi_len; i++)
			hi_dots += dots[2 + i] == '.';
		if (!dots)
			next = xasprintf("%s%s%.*s", out, sep, (int)len, p);
		else if (!hi_len)
			next = xasprintf("%s%s%.*s and later", out, sep, (int)(dots - p), p);
		else if (dots == p)
			next = xasprintf("%s%sup to %.*s", out, sep, hi_len, dots + 2);
		else if (hi_dots == 1)
			next = xasprintf("%s%s%.*s and later %.*s.x", out, sep, (int)(dots - p), p, hi_len,
					 dots + 2);
		else
			next = xasprintf("%s%s%.*s to %.*s", out, sep, (int)(dots - p), p, hi_len, dots + 2);
		free(out);
		out = next;
		p += len;
		p += strspn(p, " ");
	}
	return out;
}

char *wsl_fact_sentence(enum wsl_fact fact)
{
	const struct wsl_fact_row *row = wsl_fact_row(fact);
	char *versions, *out;

	if (!row)
		return xstrdup("");
	versions = wsl_fact_versions_text(fact);
	out = xasprintf("%s (WSL %s; %s)%s%s", row->what, versions, row->source, row->note ? ": " : "",
			row->note ? row->note : "");
	free(versions);
	return out;
}
