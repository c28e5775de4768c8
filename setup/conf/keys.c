/* SPDX-License-Identifier: MIT */
/* keys.c - see keys.h. */
#include "conf/keys.h"
#include "base/match.h"
#include "base/util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
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

const struct key_def *keys_lookup(enum ini_kind kind, const char *fullname)
{
	const struct key_def *t = table_of(kind);
	const char *key;
	size_t seclen;

	if (!split_name(fullname, &seclen, &key))
		return NULL;
	for (size_t i = 0; t[i].name; i++) {
		/* First letters first: this runs once per line of big files. */
		if (tolower((unsigned char)key[0]) != tolower((unsigned char)t[i].name[0]) ||
		    strcasecmp(key, t[i].name))
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

char *keys_explain_unknown(enum ini_kind kind, const char *fullname)
{
	enum ini_kind other = kind == INI_WSLCONFIG ? INI_WSLCONF : INI_WSLCONFIG;
	const struct key_def *t = table_of(kind), *best = NULL;
	size_t seclen, best_d = SIZE_MAX;
	const char *key;
	char *full, *r;

	if (!split_name(fullname, &seclen, &key))
		return xasprintf("'%s' is not inside a [section], so WSL never reads it",
				 fullname);
	full = xasprintf("experimental.%s", key);
	if (section_is(fullname, seclen, "wsl2") && keys_lookup(kind, full)) {
		r = xasprintf("'%s' is read only under [experimental]: use '%s'",
			      fullname, full);
		free(full);
		return r;
	}
	free(full);
	if (keys_lookup(other, fullname))
		return xasprintf("'%s' is a %s key, not a %s key", fullname,
				 ini_kind_file(other), ini_kind_file(kind));
	for (size_t i = 0; t[i].name; i++) {
		char *cand = xasprintf("%s.%s", t[i].section, t[i].name);
		size_t d = edit_distance(fullname, cand);

		if (d < best_d) {
			best_d = d;
			best = &t[i];
		}
		free(cand);
	}
	if (best && best_d <= 3)
		return xasprintf("WSL does not know the key '%s'; did you mean '%s.%s'?",
				 fullname, best->section, best->name);
	return xasprintf("WSL does not know the key '%s' (see `wslbridge config keys`)",
			 fullname);
}

static int check_int(const char *v, size_t len)
{
	long n;

	if (!match(RE_INTEGER, v, len))
		return -EINVAL;
	errno = 0;
	n = strtol(v, NULL, 0);
	if (errno == ERANGE || n < INT_MIN || n > INT_MAX)
		return -ERANGE;
	return 0;
}

static int check_memsize(const char *v, size_t len)
{
	uint64_t n = 0;

	if (!match(RE_MEMSIZE, v, len))
		return -EINVAL;
	for (size_t i = 0; i < len && v[i] >= '0' && v[i] <= '9'; i++) {
		if (n > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		n = n * 10 + (uint64_t)(v[i] - '0');
	}
	/* The largest unit is T (2^40): the product must fit in 64 bits. */
	if (n > (UINT64_MAX >> 40) && strchr(v, 'T'))
		return -ERANGE;
	return 0;
}

static int check_ports(const char *v, size_t len)
{
	if (!match(RE_PORTLIST, v, len))
		return -EINVAL;
	for (const char *p = v; p < v + len;) {
		long port = strtol(p, (char **)&p, 10);

		if (port < 1 || port > 65535)
			return -ERANGE;
		if (*p == ',')
			p++;
	}
	return 0;
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
			*ret_why = xstrdup("non-ASCII characters in a .wslconfig value: WSL "
					   "truncates each character to 8 bits and corrupts it; "
					   "use ASCII only");
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

int key_check_value(enum ini_kind kind, const struct key_def *def,
		    const char *v, size_t len, char **ret_why)
{
	char *what;
	int r = 0;

	*ret_why = NULL;
	r = check_chars(kind, v, len, ret_why);
	if (r < 0 || !def)
		return r;
	what = xasprintf("%s.%s", def->section, def->name);
	switch (def->type) {
	case KT_BOOL:
		if (strcasecmp(v, "true") && strcasecmp(v, "false") &&
		    strcmp(v, "1") && strcmp(v, "0"))
			*ret_why = xasprintf("invalid boolean '%s' for %s: WSL accepts only "
					     "true, false, 1 or 0 (not yes/no/on/off)", v, what);
		break;
	case KT_INT:
		r = check_int(v, len);
		if (r == -ERANGE)
			*ret_why = xasprintf("integer '%s' for %s is out of range", v, what);
		else if (r < 0)
			*ret_why = xasprintf("invalid integer '%s' for %s: write a decimal "
					     "number, 0x for hex; note a leading 0 means "
					     "octal to WSL (010 is 8, 08 is invalid)", v, what);
		break;
	case KT_MEMSIZE:
		r = check_memsize(v, len);
		if (r == -ERANGE)
			*ret_why = xasprintf("size '%s' for %s is too large", v, what);
		else if (r < 0)
			*ret_why = xasprintf("invalid size '%s' for %s: a whole number with "
					     "an optional unit B, K, KB, M, MB, G, GB, T or TB "
					     "in uppercase, no space (for example 8GB)", v, what);
		break;
	case KT_ENUM:
		r = check_enum(def, v, ret_why, what);
		break;
	case KT_MAC:
		if (!match(RE_MAC, v, len))
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
		if (check_ports(v, len) < 0)
			*ret_why = xasprintf("invalid port list '%s' for %s: numbers 1-65535 "
					     "separated by commas, no spaces", v, what);
		break;
	case KT_STRING:
	case KT_PATH:
		break;
	}
	free(what);
	return *ret_why ? -EINVAL : 0;
}
