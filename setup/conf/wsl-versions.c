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

/* Does the "A..B" / "A.." / "A" range starting at r (length len) hold v? */
static bool range_holds(const char *r, size_t len, const struct wsl_version *v)
{
	char buf[64], *dots;
	struct wsl_version lo, hi;

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
	if (wsl_version_parse(buf, &lo) < 0 || wsl_version_cmp(v, &lo) < 0)
		return false;
	if (!dots[2])
		return true;
	if (wsl_version_parse(dots + 2, &hi) < 0)
		return false;
	hi.part[3] = 1000000;	/* "..2.5.3" includes every build of 2.5.3 */
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
		const char *dots = memmem(p, len, "..", 2);
		char *next;

		if (!dots)
			next = xasprintf("%s%s%.*s", out, *out ? ", " : "", (int)len, p);
		else if (dots + 2 == p + len)
			next = xasprintf("%s%s%.*s and later", out, *out ? ", " : "", (int)(dots - p), p);
		else
			next = xasprintf("%s%s%.*s to %.*s", out, *out ? ", " : "", (int)(dots - p), p,
					 (int)(p + len - dots - 2), dots + 2);
		free(out);
		out = next;
		p += len;
		p += strspn(p, " ");
	}
	return out;
}
