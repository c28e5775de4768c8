/* SPDX-License-Identifier: MIT */
/* keys.c - see keys.h. */
#include "conf/keys.h"
#include "conf/wsl-versions.h"
#include "base/match.h"
#include "base/util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const networking_modes[] = {
	"None", "Nat", "Bridged", "Mirrored", "Consomme", "VirtioProxy", NULL };
static const char *const reclaim_modes[] = { "Gradual", "DropCache", "Disabled", NULL };
static const char *const cgroup_versions[] = { "v1", "v2", NULL };

#define K(sec, name, type) { sec, name, type, NULL, 0 }
#define KF(sec, name, type, flags) { sec, name, type, NULL, flags }
#define KE(sec, name, vals, flags) { sec, name, KT_ENUM, vals, flags }

/* .wslconfig: WslCoreConfig.cpp:72-131 (reference §3.1). */
static const struct key_def wslconfig_keys[] = {
	K("wsl2", "kernel", KT_PATH), K("wsl2", "kernelModules", KT_PATH),
	K("wsl2", "systemDistro", KT_PATH), K("wsl2", "swapFile", KT_PATH),
	K("wsl2", "debugConsoleLogFile", KT_PATH), K("wsl2", "crashDumpFolder", KT_PATH),
	K("wsl2", "kernelCommandLine", KT_STRING),
	K("wsl2", "memory", KT_MEMSIZE), K("wsl2", "swap", KT_MEMSIZE),
	K("wsl2", "defaultVhdSize", KT_MEMSIZE),
	K("wsl2", "processors", KT_INT),
	K("wsl2", "localhostForwarding", KT_BOOL), K("wsl2", "nestedVirtualization", KT_BOOL),
	K("wsl2", "virtio", KT_BOOL), K("wsl2", "virtiofs", KT_BOOL), K("wsl2", "virtio9p", KT_BOOL),
	K("wsl2", "gpuSupport", KT_BOOL), K("wsl2", "guiApplications", KT_BOOL),
	K("wsl2", "hostFileSystemAccess", KT_BOOL),
	K("wsl2", "hardwarePerformanceCounters", KT_BOOL),
	K("wsl2", "debugConsole", KT_BOOL), K("wsl2", "earlyBootLogging", KT_BOOL),
	K("wsl2", "safeMode", KT_BOOL), K("wsl2", "telemetry", KT_BOOL),
	K("wsl2", "kernelDebugPort", KT_INT), K("wsl2", "maxCrashDumpCount", KT_INT),
	K("wsl2", "vmIdleTimeout", KT_INT), K("wsl2", "kernelBootTimeout", KT_INT),
	K("wsl2", "distributionStartTimeout", KT_INT), K("wsl2", "mountDeviceTimeout", KT_INT),
	K("wsl2", "loadDefaultKernelModules", KT_BOOL), K("wsl2", "loadKernelModules", KT_STRING),
	K("wsl2", "isolateDistroCgroup", KT_BOOL),
	KE("wsl2", "networkingMode", networking_modes, KEY_EXPERIMENTAL_ALIAS),
	K("wsl2", "vmSwitch", KT_STRING), K("wsl2", "macAddress", KT_MAC),
	K("wsl2", "dhcp", KT_BOOL), K("wsl2", "dhcpTimeout", KT_INT), K("wsl2", "ipv6", KT_BOOL),
	K("wsl2", "dnsProxy", KT_BOOL),
	KF("wsl2", "dnsTunneling", KT_BOOL, KEY_EXPERIMENTAL_ALIAS),
	KF("wsl2", "firewall", KT_BOOL, KEY_EXPERIMENTAL_ALIAS),
	KF("wsl2", "autoProxy", KT_BOOL, KEY_EXPERIMENTAL_ALIAS),
	KE("experimental", "autoMemoryReclaim", reclaim_modes, 0),
	K("experimental", "sparseVhd", KT_BOOL),
	K("experimental", "bestEffortDnsParsing", KT_BOOL),
	K("experimental", "dnsTunnelingIpAddress", KT_IPV4),
	K("experimental", "initialAutoProxyTimeout", KT_INT),
	K("experimental", "ignoredPorts", KT_PORTS),
	K("experimental", "hostAddressLoopback", KT_BOOL),
	K("experimental", "setVersionDebug", KT_BOOL),
	K("experimental", "swiotlb", KT_MEMSIZE),
	K("experimental", "virtioFsAggregateShares", KT_BOOL),
	K("general", "distributionInstallPath", KT_PATH),
	K("general", "instanceIdleTimeout", KT_INT),
	{ NULL, NULL, KT_STRING, NULL, 0 },
};

/* /etc/wsl.conf: WslDistributionConfig.cpp:25-60 (reference §3.2). */
static const struct key_def wslconf_keys[] = {
	K("boot", "command", KT_STRING), K("boot", "systemd", KT_BOOL),
	K("boot", "initTimeout", KT_INT), K("boot", "protectBinfmt", KT_BOOL),
	K("network", "generateResolvConf", KT_BOOL), K("network", "generateHosts", KT_BOOL),
	K("network", "hostname", KT_STRING),
	K("interop", "enabled", KT_BOOL), K("interop", "appendWindowsPath", KT_BOOL),
	K("automount", "enabled", KT_BOOL), K("automount", "root", KT_STRING),
	K("automount", "options", KT_STRING), K("automount", "mountFsTab", KT_BOOL),
	K("automount", "ldconfig", KT_BOOL),
	KE("automount", "cgroups", cgroup_versions, 0),
	KF("filesystem", "umask", KT_INT, KEY_OCTAL_NATURAL),
	K("fileServer", "enabled", KT_BOOL), K("fileServer", "logFile", KT_STRING),
	K("fileServer", "logLevel", KT_INT), K("fileServer", "logTruncate", KT_BOOL),
	K("gpu", "enabled", KT_BOOL), K("gpu", "appendLibPath", KT_BOOL),
	K("time", "useWindowsTimezone", KT_BOOL),
	K("user", "default", KT_STRING),
	K("general", "guiApplications", KT_BOOL),
	{ NULL, NULL, KT_STRING, NULL, 0 },
};

static const struct key_def *table_of(enum ini_kind kind)
{
	return kind == INI_WSLCONFIG ? wslconfig_keys : wslconf_keys;
}

const char *ini_kind_name(enum ini_kind kind)
{
	return kind == INI_WSLCONFIG ? "wslconfig" : "wslconf";
}

const char *ini_kind_file(enum ini_kind kind)
{
	return kind == INI_WSLCONFIG ? ".wslconfig" : "/etc/wsl.conf";
}

const struct key_def *keys_at(enum ini_kind kind, size_t i)
{
	const struct key_def *t = table_of(kind);

	return t[i].name ? &t[i] : NULL;
}

/* Split "a.b" at the first dot; false when there is none. */
static bool split_name(const char *full, size_t *ret_seclen, const char **ret_key)
{
	const char *dot = strchr(full, '.');

	if (!dot)
		return false;
	*ret_seclen = (size_t)(dot - full);
	*ret_key = dot + 1;
	return true;
}

static bool section_is(const char *full, size_t seclen, const char *section)
{
	return strlen(section) == seclen && !strncasecmp(full, section, seclen);
}

/*
 * The table's entries chained by the first letter of their name, built once
 * per table: chain[c & 31] is the first entry for letter c, chain[32 + i]
 * the entry after i with the same letter; -1 ends a chain.
 */
#define CHAIN_MAX 256
static const short *letter_chains(enum ini_kind kind)
{
	static short chains[2][32 + CHAIN_MAX];
	static bool built[2];
	short *c = chains[kind == INI_WSLCONFIG];
	const struct key_def *t = table_of(kind);
	size_t n = 0;

	if (built[kind == INI_WSLCONFIG])
		return c;
	while (t[n].name)
		n++;
	if (n > CHAIN_MAX)
		abort();	/* the tables are ours: raise CHAIN_MAX */
	for (size_t i = 0; i < 32 + CHAIN_MAX; i++)
		c[i] = -1;
	for (size_t i = n; i-- > 0;) {	/* backwards, so chains keep table order */
		unsigned b = (unsigned)tolower((unsigned char)t[i].name[0]) & 31;

		c[32 + i] = c[b];
		c[b] = (short)i;
	}
	built[kind == INI_WSLCONFIG] = true;
	return c;
}

const struct key_def *keys_lookup(enum ini_kind kind, const char *fullname)
{
	const struct key_def *t = table_of(kind);
	const char *key;
	size_t seclen;

	const short *chain;

	if (!split_name(fullname, &seclen, &key))
		return NULL;
	/* Only the names with key's first letter: this runs for every line of big files. */
	chain = letter_chains(kind);
	for (short i = chain[tolower((unsigned char)key[0]) & 31]; i >= 0; i = chain[32 + i]) {
		if (strcasecmp(key, t[i].name))
			continue;
		if (section_is(fullname, seclen, t[i].section))
			return &t[i];
		if ((t[i].flags & KEY_EXPERIMENTAL_ALIAS) &&
		    section_is(fullname, seclen, "experimental"))
			return &t[i];
	}
	return NULL;
}

bool keys_same(enum ini_kind kind, const char *a, const char *b)
{
	const struct key_def *da = keys_lookup(kind, a);

	if (da)
		return da == keys_lookup(kind, b);
	return !strcasecmp(a, b);
}

/*
 * The letter classes a name has (case folded, 64 of them). Each edit adds or
 * removes at most one class, so the classes one name has and the other lacks
 * bound the edit distance from below: most keys are rejected without it.
 */
static uint64_t letters(const char *s)
{
	uint64_t m = 0;

	for (; *s; s++) {
		int c = tolower((unsigned char)*s);

		/* letters and digits apart; the rest share what is left */
		m |= (uint64_t)1 << (c >= 'a' && c <= 'z' ? c - 'a' :
				     c >= '0' && c <= '9' ? 26 + c - '0' : 36 + c % 28);
	}
	return m;
}

/* More than lim (at most 3) classes in m?  No loop, no branch: it runs 50 times a key. */
static bool more_classes(uint64_t m, size_t lim)
{
	uint64_t cleared[4];

	cleared[0] = m;
	for (size_t k = 1; k < 4; k++)
		cleared[k] = cleared[k - 1] & (cleared[k - 1] - 1);
	return cleared[lim] != 0;
}

/* Each key's classes as "section.name", computed once per table (CHAIN_MAX keys at most). */
static const uint64_t *table_letters(enum ini_kind kind)
{
	static uint64_t cache[2][CHAIN_MAX];
	static bool built[2];
	uint64_t *c = cache[kind == INI_WSLCONFIG];
	const struct key_def *t = table_of(kind);

	if (built[kind == INI_WSLCONFIG])
		return c;
	(void)letter_chains(kind);	/* checks the table fits */
	for (size_t i = 0; t[i].name; i++)
		c[i] = letters(t[i].section) | letters(".") | letters(t[i].name);
	built[kind == INI_WSLCONFIG] = true;
	return c;
}

char *keys_explain_unknown(enum ini_kind kind, const char *fullname)
{
	enum ini_kind other = kind == INI_WSLCONFIG ? INI_WSLCONF : INI_WSLCONFIG;
	const struct key_def *t = table_of(kind), *best = NULL;
	size_t seclen, best_d = SIZE_MAX;
	uint64_t nm = letters(fullname);
	const uint64_t *masks = table_letters(kind);
	const char *key;
	char *full, *r;

	if (!split_name(fullname, &seclen, &key))
		return xasprintf("'%s' is not inside a [section], so WSL never reads it",
				 fullname);
	/* Only a [wsl2] key can be an [experimental] one misplaced: no name built else. */
	if (section_is(fullname, seclen, "wsl2")) {
		full = xjoin("experimental.", key, (char *)NULL);
		r = keys_lookup(kind, full) ? xasprintf("'%s' is read only under [experimental]: "
							 "use '%s'", fullname, full) : NULL;
		free(full);
		if (r)
			return r;
	}
	if (keys_lookup(other, fullname))
		return xasprintf("'%s' is a %s key, not a %s key", fullname,
				 ini_kind_file(other), ini_kind_file(kind));
	for (size_t i = 0; t[i].name && best_d; i++) {
		/* Only a distance of 3 or less names a key: stop past it. */
		size_t lim = best_d <= 3 ? best_d - 1 : 3, d;
		uint64_t cm = masks[i];
		char *cand;

		if (more_classes(nm & ~cm, lim) || more_classes(cm & ~nm, lim))
			continue;
		cand = xjoin(t[i].section, ".", t[i].name, (char *)NULL);
		d = edit_distance_max(fullname, cand, lim);
		if (d < best_d) {
			best_d = d;
			best = &t[i];
		}
		free(cand);
	}
	if (best && best_d <= 3)
		return xasprintf("WSL does not know the key '%s'; did you mean '%s.%s'?",
				 fullname, best->section, best->name);
	return xjoin("WSL does not know the key '", fullname, "' (see `wslbridge config keys`)",
		     (char *)NULL);
}

/*
 * WSL's int (configfile.cpp:75-87): strtol(v, &end, 0) must take all of a
 * non-empty value and fit in an int.  On Windows long has 32 bits, so a
 * number too big saturates at LONG_MAX and passes; Linux's 64-bit long
 * lets the range check refuse it.
 */
static enum key_read read_int(enum ini_kind kind, const struct key_def *def, const char *v,
			      const char *what, char **why)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 0);
	if (!*v || *end) {
		*why = xasprintf("invalid integer '%s' for %s: write a decimal number, 0x for "
				 "hex; note a leading 0 means octal to WSL (010 is 8, 08 is "
				 "invalid)", v, what);
		return KR_REFUSED;
	}
	if (kind == INI_WSLCONF && (errno == ERANGE || n < INT_MIN || n > INT_MAX)) {
		*why = xasprintf("integer '%s' for %s is out of range", v, what);
		return KR_REFUSED;
	}
	if (errno == ERANGE || n < INT_MIN || n > INT_MAX) {
		n = n < 0 ? INT_MIN : INT_MAX;
		*why = xasprintf("integer '%s' for %s is out of range: Windows' strtol stops at "
				 "%lld, and WSL takes that", v, what, n);
	}
	if (!strcmp(def->name, "processors") && (n <= 0 || n > 4096)) {
		char *was = *why;

		/* WslCoreConfig.cpp:295-305: 0 or less means all, more is cut down. */
		*why = n <= 0 ? xasprintf("wsl2.processors=%lld: WSL uses all logical processors", n)
			: xasprintf("%s%sWSL clamps it to the number of logical processors and warns "
				    "\"wsl2.processors cannot exceed the number of logical processors "
				    "on the system (%lld > N)\"", was ? was : "", was ? "; " : "", n);
		free(was);
	}
	if (!strcmp(def->name, "dhcpTimeout") && n < 500) {
		char *was = *why, *rounding = wsl_fact_sentence(WSLF_DHCP_TIMEOUT_ROUNDED);

		/* BridgedNetworking.cpp: seconds for dhcpcd's "timeout", whose 0 never ends */
		*why = xasprintf("%s%swsl2.dhcpTimeout=%lld ms: %s, so WSL's DHCP client waits forever "
				 "for an address in bridged mode; write 1000 or more (milliseconds)",
				 was ? was : "", was ? "; " : "", n, rounding);
		free(was);
		free(rounding);
	}
	return *why ? KR_CHANGED : KR_OK;
}

/* stringshared.h:543-591: strtoull(v, &end, 10), then a unit; 0 only as "0". */
static uint64_t mem_factor(const char *unit, bool *ok)
{
	static const char *const units[] = { "B", "K", "M", "G", "T" };

	*ok = true;
	if (!*unit)
		return 1;
	for (size_t i = 0; i < 5; i++)
		if (unit[0] == units[i][0] && (!unit[1] || (unit[1] == 'B' && !unit[2])))
			return (uint64_t)1 << (10 * i);
	*ok = false;
	return 0;
}

static enum key_read read_memsize(const struct key_def *def, const char *v, const char *what,
				  char **why)
{
	char *end;
	unsigned long long n;
	uint64_t factor, bytes;
	bool ok, wrapped;
	const char *p = v;

	errno = 0;
	n = strtoull(v, &end, 10);
	wrapped = errno == ERANGE;
	factor = mem_factor(end, &ok);
	if ((n == 0 && !(v[0] == '0' && end == v + 1)) || strlen(end) > 2 || !ok) {
		*why = xasprintf("invalid size '%s' for %s: a whole number with an optional unit "
				 "B, K, KB, M, MB, G, GB, T or TB in uppercase, no space (for "
				 "example 8GB)%s", v, what, n == 0 && *v == '0' ?
				 "; WSL takes a zero only as \"0\" or \"0\" and a unit" : "");
		return KR_REFUSED;
	}
	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	wrapped |= *p == '-' || (factor > 1 && n > UINT64_MAX / factor);
	bytes = (uint64_t)n * factor;	/* WSL multiplies without a check: it wraps */
	if (wrapped)
		*why = xasprintf("size '%s' for %s overflows: WSL reads it as %llu bytes", v, what,
				 (unsigned long long)bytes);
	else if (!strcmp(def->name, "memory") && bytes == 0)
		*why = xasprintf("%s=0: WSL uses its default, half of the memory", what);
	else if (!strcmp(def->name, "memory") && bytes < (256u << 20))
		*why = xasprintf("%s=%s is below 256MB: WSL raises it to 256MB", what, v);
	return *why ? KR_CHANGED : KR_OK;
}

/*
 * ignoredPorts (WslCoreConfig.cpp:36-50): split at ',' (empty parts
 * dropped), std::stoi on each part; a part stoi refuses or outside 1-65535
 * is warned about and skipped, the others count.  stoi reads a leading
 * number and ignores what follows it.
 */
static enum key_read read_ports(const char *v, const char *what, char **why)
{
	struct buf bad = BUF_INIT, junk = BUF_INIT;
	size_t good = 0;
	enum key_read r;

	for (const char *p = v; *p;) {
		size_t n = strcspn(p, ",");
		char *part = xstrndup(p, n), *end;
		long long port;

		p += n + (p[n] == ',');
		if (!n) {
			free(part);
			continue;
		}
		errno = 0;
		port = strtoll(part, &end, 10);
		if (end == part || errno == ERANGE || port < INT_MIN || port > INT_MAX ||
		    port <= 0 || port > 65535)
			buf_addf(&bad, "%s'%s'", bad.len ? ", " : "", part);
		else if (good++, end[strspn(end, " \t\n\v\f\r")])
			buf_addf(&junk, "%s'%s' as %lld", junk.len ? ", " : "", part, port);
		free(part);
	}
	if (bad.len)
		*why = xasprintf("%s: WSL warns \"Invalid integer value\" and skips %s%s%s", what,
				 bad.s, junk.len ? "; it reads " : "", junk.len ? junk.s : "");
	else if (junk.len)
		*why = xasprintf("%s: WSL reads %s (what follows the number is ignored)", what,
				 junk.s);
	r = !*why ? KR_OK : bad.len && !good ? KR_REFUSED : KR_CHANGED;
	buf_release(&bad);
	buf_release(&junk);
	return r;
}

static char *enum_forms(const struct key_def *def)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; def->values[i]; i++)
		buf_addf(&b, "%s%s", i ? ", " : "", def->values[i]);
	return buf_detach(&b, NULL);
}

static const char *closest_enum(const struct key_def *def, const char *v)
{
	const char *best = NULL;
	size_t best_d = 3;

	for (size_t i = 0; def->values[i]; i++) {
		size_t d = edit_distance(v, def->values[i]);

		if (d < best_d) {
			best_d = d;
			best = def->values[i];
		}
	}
	return best;
}

static int check_enum(const struct key_def *def, const char *v, char **ret_why,
		      const char *what)
{
	const char *near;
	char *forms;

	for (size_t i = 0; def->values[i]; i++)
		if (!strcasecmp(v, def->values[i]))
			return 0;
	forms = enum_forms(def);
	near = closest_enum(def, v);
	*ret_why = xasprintf("invalid value '%s' for %s: one of %s (any case)%s%s%s",
			     v, what, forms, near ? " (did you mean '" : "",
			     near ? near : "", near ? "'?)" : "");
	free(forms);
	return -EINVAL;
}

/* Bytes no escape in WSL's parser can carry, or that WSL would corrupt. */
static int check_chars(enum ini_kind kind, const char *v, size_t len, char **ret_why)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c >= 0x80 && kind == INI_WSLCONFIG) {
			char *versions = wsl_fact_versions_text(WSLF_WSLCONFIG_8BIT);

			/* refused on every version: what 3.0.1 changed is not known */
			*ret_why = xasprintf("non-ASCII characters in a .wslconfig value: WSL %s "
					     "truncates each character to 8 bits and corrupts it, and "
					     "what later versions do is not known; use ASCII only", versions);
			free(versions);
			return -EINVAL;
		}
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\b') || c == 0x7f) {
			*ret_why = xasprintf("the value contains the control character 0x%02x, "
					     "which WSL's parser cannot read back; only tab, "
					     "newline and backspace can be written", c);
			return -EINVAL;
		}
	}
	return 0;
}

enum key_read key_read_check(enum ini_kind kind, const struct key_def *def,
			     const char *v, size_t len, char **ret_why)
{
	enum key_read r = KR_OK;
	char *what;

	(void)len;
	*ret_why = NULL;
	if (!def)
		return KR_OK;
	what = xasprintf("%s.%s", def->section, def->name);
	switch (def->type) {
	case KT_BOOL:
		if (strcasecmp(v, "true") && strcasecmp(v, "false") &&
		    strcmp(v, "1") && strcmp(v, "0"))
			*ret_why = xasprintf("invalid boolean '%s' for %s: WSL accepts only "
					     "true, false, 1 or 0 (not yes/no/on/off)", v, what);
		break;
	case KT_INT:
		r = read_int(kind, def, v, what, ret_why);
		break;
	case KT_MEMSIZE:
		r = read_memsize(def, v, what, ret_why);
		break;
	case KT_ENUM:
		(void)check_enum(def, v, ret_why, what);
		break;
	case KT_MAC:
		if (!match(RE_MAC, v, strlen(v)))
			*ret_why = xasprintf("invalid MAC address '%s' for %s: six hex pairs "
					     "separated by ':' or '-' (for example "
					     "02:15:5d:12:34:56); WSL will not start with a bad "
					     "one", v, what);
		break;
	case KT_IPV4: {
		unsigned char a[4];

		if (inet_pton(AF_INET, v, a) != 1)
			*ret_why = xasprintf("invalid IPv4 address '%s' for %s", v, what);
		break;
	}
	case KT_PORTS:
		r = read_ports(v, what, ret_why);
		break;
	case KT_STRING:
	case KT_PATH:
		break;
	}
	free(what);
	if (*ret_why && r == KR_OK)
		r = KR_REFUSED;
	return r;
}

int key_check_value(enum ini_kind kind, const struct key_def *def,
		    const char *v, size_t len, char **ret_why)
{
	int r;

	*ret_why = NULL;
	r = check_chars(kind, v, len, ret_why);
	if (r < 0 || !def)
		return r;
	switch (key_read_check(kind, def, v, len, ret_why)) {
	case KR_OK:
		/* WSL takes these MACs; a LAN does not */
		if (def->type == KT_MAC && (*ret_why = key_mac_unfit(v)))
			return -EINVAL;
		return 0;
	case KR_CHANGED: {
		char *w = *ret_why;

		*ret_why = xasprintf("%s; write the value WSL should read", w);
		free(w);
		return -EINVAL;
	}
	case KR_REFUSED:
		break;
	}
	return -EINVAL;
}
