/* SPDX-License-Identifier: MIT */
/* test-keys.c - WSL's key table and value checks (reference §1.2, §3). */
#include "helpers.h"
#include "conf/keys.h"
#include "base/match.h"

#include <stdlib.h>

static int check(enum ini_kind k, const char *name, const char *v)
{
	char *msg = NULL;
	int r = key_check_value(k, keys_lookup(k, name), v, strlen(v), &msg);

	if (r < 0)
		assert_non_null(msg);
	free(msg);
	return r;
}

#define OK(k, n, v) assert_int_equal(check(k, n, v), 0)
#define BAD(k, n, v) assert_int_equal(check(k, n, v), -EINVAL)

static void test_patterns_compile(void **state)
{
	const char *name = NULL;
	size_t off = 0;

	(void)state;
	assert_int_equal(match_check_all(&name, &off), 0);
}

static void test_lookup(void **state)
{
	(void)state;
	assert_non_null(keys_lookup(INI_WSLCONFIG, "WSL2.MEMORY"));
	assert_ptr_equal(keys_lookup(INI_WSLCONFIG, "experimental.networkingMode"),
			 keys_lookup(INI_WSLCONFIG, "wsl2.networkingmode"));
	assert_null(keys_lookup(INI_WSLCONFIG, "wsl2.sparseVhd"));
	assert_null(keys_lookup(INI_WSLCONFIG, "experimental.memory"));
	assert_null(keys_lookup(INI_WSLCONFIG, "boot.systemd"));
	assert_non_null(keys_lookup(INI_WSLCONF, "boot.systemd"));
	assert_null(keys_lookup(INI_WSLCONF, "memory"));
	assert_true(keys_same(INI_WSLCONFIG, "experimental.dnsTunneling", "wsl2.dnstunneling"));
	assert_true(keys_same(INI_WSLCONFIG, "foo.Bar", "FOO.bar"));
	assert_false(keys_same(INI_WSLCONFIG, "wsl2.memory", "wsl2.swap"));
}

static void test_explain_unknown(void **state)
{
	char *m;

	(void)state;
	m = keys_explain_unknown(INI_WSLCONFIG, "wsl2.memroy");
	assert_non_null(strstr(m, "did you mean 'wsl2.memory'"));
	free(m);
	m = keys_explain_unknown(INI_WSLCONFIG, "wsl2.sparseVhd");
	assert_non_null(strstr(m, "experimental.sparseVhd"));
	free(m);
	m = keys_explain_unknown(INI_WSLCONFIG, "boot.systemd");
	assert_non_null(strstr(m, "/etc/wsl.conf key"));
	free(m);
	m = keys_explain_unknown(INI_WSLCONFIG, "memory");
	assert_non_null(strstr(m, "not inside a [section]"));
	free(m);
}

/* The bounded distance is the distance, or max + 1 once it exceeds max. */
static void test_edit_distance_max(void **state)
{
	static const char *const w[] = { "", "a", "ab", "ba", "abc", "wsl2.memory",
		"WSL2.Memroy", "wsl2.swap", "experimental.dnsTunneling", "wsl2.custom123" };

	(void)state;
	for (size_t i = 0; i < sizeof(w) / sizeof(*w); i++)
		for (size_t j = 0; j < sizeof(w) / sizeof(*w); j++)
			for (size_t max = 0; max < 6; max++) {
				size_t d = edit_distance(w[i], w[j]);

				assert_int_equal(edit_distance_max(w[i], w[j], max),
						 d > max ? max + 1 : d);
			}
	assert_int_equal(edit_distance("kitten", "sitting"), 3);
}

/*
 * The letter filter before the distance never changes the suggestion: for
 * one to three letters added to every key, the key suggested is one at the
 * least distance of all keys (found here without the filter).
 */
static void test_explain_unknown_nearest(void **state)
{
	static const char *const slips[] = { "q", "qz", "qzj" };

	(void)state;
	for (int k = 0; k < 6; k++) {
		enum ini_kind kind = k % 2 ? INI_WSLCONF : INI_WSLCONFIG;
		const struct key_def *def;

		for (size_t i = 0; (def = keys_at(kind, i)); i++) {
			char *name = xasprintf("%s.%s%s", def->section, def->name, slips[k / 2]);
			char *m = keys_explain_unknown(kind, name), *hint = strstr(m, "did you mean '");
			size_t best = SIZE_MAX;

			for (size_t j = 0; keys_at(kind, j); j++) {
				const struct key_def *c = keys_at(kind, j);
				char *cand = xasprintf("%s.%s", c->section, c->name);
				size_t d = edit_distance(name, cand);

				best = d < best ? d : best;
				free(cand);
			}
			assert_true(best <= 3);
			assert_non_null(hint);
			hint += strlen("did you mean '");
			*strchr(hint, '\'') = '\0';
			assert_int_equal(edit_distance(name, hint), best);
			free(name);
			free(m);
		}
	}
}

static void test_bool(void **state)
{
	(void)state;
	OK(INI_WSLCONFIG, "wsl2.dhcp", "true");
	OK(INI_WSLCONFIG, "wsl2.dhcp", "FALSE");
	OK(INI_WSLCONFIG, "wsl2.dhcp", "1");
	OK(INI_WSLCONFIG, "wsl2.dhcp", "0");
	BAD(INI_WSLCONFIG, "wsl2.dhcp", "yes");
	BAD(INI_WSLCONFIG, "wsl2.dhcp", "on");
	BAD(INI_WSLCONFIG, "wsl2.dhcp", "t");
	BAD(INI_WSLCONFIG, "wsl2.dhcp", "");
}

static void test_int(void **state)
{
	(void)state;
	OK(INI_WSLCONFIG, "wsl2.processors", "4");
	OK(INI_WSLCONFIG, "wsl2.processors", "0x10");
	OK(INI_WSLCONFIG, "wsl2.processors", "010");
	OK(INI_WSLCONFIG, "wsl2.kernelDebugPort", "-3");
	BAD(INI_WSLCONFIG, "wsl2.processors", "-3");	/* WSL would use all of them */
	BAD(INI_WSLCONFIG, "wsl2.processors", "08");
	BAD(INI_WSLCONFIG, "wsl2.processors", "4x");
	BAD(INI_WSLCONFIG, "wsl2.processors", "");
	BAD(INI_WSLCONFIG, "wsl2.processors", "99999999999");
	OK(INI_WSLCONF, "filesystem.umask", "0022");
}

static void test_memsize(void **state)
{
	static const char *const good[] = { "8GB", "8G", "512MB", "1T", "1024", "4B", "2KB" };
	static const char *const bad[] = { "8gb", "8 GB", "1.5GB", "GB", "8GiB", "-1GB",
					   "99999999999999999999", "20000000T", "00", "00GB",
					   "100MB" };

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		OK(INI_WSLCONFIG, "wsl2.swap", good[i]);	/* memory: below 256MB is raised */
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		BAD(INI_WSLCONFIG, "wsl2.memory", bad[i]);
	OK(INI_WSLCONFIG, "experimental.swiotlb", "64MB");
}

static void test_enum(void **state)
{
	(void)state;
	OK(INI_WSLCONFIG, "wsl2.networkingMode", "bridged");
	OK(INI_WSLCONFIG, "experimental.networkingMode", "MIRRORED");
	OK(INI_WSLCONFIG, "wsl2.networkingMode", "virtioproxy");
	BAD(INI_WSLCONFIG, "wsl2.networkingMode", "bridge");
	OK(INI_WSLCONFIG, "experimental.autoMemoryReclaim", "dropcache");
	BAD(INI_WSLCONFIG, "experimental.autoMemoryReclaim", "off");
	OK(INI_WSLCONF, "automount.cgroups", "v1");
	BAD(INI_WSLCONF, "automount.cgroups", "v3");
}

static void test_mac(void **state)
{
	(void)state;
	OK(INI_WSLCONFIG, "wsl2.macAddress", "02:15:5d:12:34:56");
	OK(INI_WSLCONFIG, "wsl2.macAddress", "02-15-5D-12-34-56");
	BAD(INI_WSLCONFIG, "wsl2.macAddress", "02:15-5d:12:34:56");
	BAD(INI_WSLCONFIG, "wsl2.macAddress", "02155d123456");
	BAD(INI_WSLCONFIG, "wsl2.macAddress", "02:15:5d:12:34:5g");
	BAD(INI_WSLCONFIG, "wsl2.macAddress", "02:15:5d:12:34:567");
}

static void test_other_types(void **state)
{
	(void)state;
	OK(INI_WSLCONFIG, "experimental.dnsTunnelingIpAddress", "10.255.255.254");
	BAD(INI_WSLCONFIG, "experimental.dnsTunnelingIpAddress", "10.255.255");
	OK(INI_WSLCONFIG, "experimental.ignoredPorts", "22,8080");
	OK(INI_WSLCONFIG, "experimental.ignoredPorts", "22, 80");	/* stoi skips blanks */
	BAD(INI_WSLCONFIG, "experimental.ignoredPorts", "80abc");
	BAD(INI_WSLCONFIG, "experimental.ignoredPorts", "0,80");
	BAD(INI_WSLCONFIG, "experimental.ignoredPorts", "70000");
	OK(INI_WSLCONFIG, "wsl2.kernel", "C:\\x\\bzImage");
}

static void test_characters(void **state)
{
	(void)state;
	BAD(INI_WSLCONFIG, "wsl2.vmSwitch", "Caf\xC3\xA9");	/* WSL truncates it */
	OK(INI_WSLCONF, "user.default", "j\xC3\xB6rg");		/* Linux keeps bytes */
	BAD(INI_WSLCONF, "boot.command", "a\rb");
	OK(INI_WSLCONF, "boot.command", "a\nb\tc");
}

static void rc_is(enum ini_kind k, const char *name, const char *v, enum key_read want,
		  const char *says)
{
	char *why = NULL;
	enum key_read r = key_read_check(k, keys_lookup(k, name), v, strlen(v), &why);

	if (r != want)
		fail_msg("%s=%s: got %d, want %d (%s)", name, v, r, want, why ? why : "");
	if (says)
		assert_non_null(strstr(why, says));
	if (want == KR_OK)
		assert_null(why);
	free(why);
}

/* Issue 18: what WSL does with a value it read: takes, changes or refuses it. */
static void test_read_rules(void **state)
{
	(void)state;
	/* ParseMemorySize: 0 only as "0"; strtoull takes blanks, signs, overflow. */
	rc_is(INI_WSLCONFIG, "wsl2.memory", "00", KR_REFUSED, "invalid size");
	rc_is(INI_WSLCONFIG, "wsl2.swap", "00GB", KR_REFUSED, "invalid size");
	rc_is(INI_WSLCONFIG, "wsl2.swap", "0", KR_OK, NULL);
	rc_is(INI_WSLCONFIG, "wsl2.swap", "0GB", KR_OK, NULL);
	rc_is(INI_WSLCONFIG, "wsl2.memory", "+8GB", KR_OK, NULL);
	rc_is(INI_WSLCONFIG, "wsl2.memory", " 8GB", KR_OK, NULL);
	rc_is(INI_WSLCONFIG, "wsl2.swap", "-1GB", KR_CHANGED, "18446744072635809792 bytes");
	rc_is(INI_WSLCONFIG, "wsl2.swap", "99999999999999999999", KR_CHANGED, "overflows");
	rc_is(INI_WSLCONFIG, "wsl2.swap", "20000000T", KR_CHANGED, "overflows");
	rc_is(INI_WSLCONFIG, "wsl2.memory", "100MB", KR_CHANGED, "raises it to 256MB");
	rc_is(INI_WSLCONFIG, "wsl2.memory", "0", KR_CHANGED, "default");
	/* strtol: 32-bit long on Windows saturates and passes; 64-bit Linux refuses. */
	rc_is(INI_WSLCONFIG, "wsl2.processors", "99999999999", KR_CHANGED,
	      "cannot exceed the number of logical processors");
	rc_is(INI_WSLCONFIG, "wsl2.kernelDebugPort", "99999999999", KR_CHANGED, "2147483647");
	rc_is(INI_WSLCONF, "boot.initTimeout", "99999999999", KR_REFUSED, "out of range");
	rc_is(INI_WSLCONFIG, "wsl2.processors", " 4", KR_OK, NULL);
	rc_is(INI_WSLCONFIG, "wsl2.processors", "08", KR_REFUSED, "octal");
	/* ignoredPorts: split at ',', stoi each, bad parts skipped. */
	rc_is(INI_WSLCONFIG, "experimental.ignoredPorts", "80, 443", KR_OK, NULL);
	rc_is(INI_WSLCONFIG, "experimental.ignoredPorts", "80,,443", KR_OK, NULL);
	rc_is(INI_WSLCONFIG, "experimental.ignoredPorts", "80abc", KR_CHANGED, "'80abc' as 80");
	rc_is(INI_WSLCONFIG, "experimental.ignoredPorts", "0,80", KR_CHANGED, "skips '0'");
	rc_is(INI_WSLCONFIG, "experimental.ignoredPorts", "x,70000", KR_REFUSED, "skips 'x'");
	/* Strings take anything WSL read, control characters too. */
	rc_is(INI_WSLCONFIG, "wsl2.kernelCommandLine", "a\x01b", KR_OK, NULL);
	rc_is(INI_WSLCONF, "boot.command", "a\rb", KR_OK, NULL);
	rc_is(INI_WSLCONFIG, "wsl2.vmSwitch", "Caf\xE9", KR_OK, NULL);
	rc_is(INI_WSLCONFIG, "wsl2.dhcp", "yes", KR_REFUSED, "invalid boolean");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_patterns_compile),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_explain_unknown),
		cmocka_unit_test(test_edit_distance_max),
		cmocka_unit_test(test_explain_unknown_nearest),
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_read_rules),
		cmocka_unit_test(test_memsize),
		cmocka_unit_test(test_enum),
		cmocka_unit_test(test_mac),
		cmocka_unit_test(test_other_types),
		cmocka_unit_test(test_characters),
	};

	return cmocka_run_group_tests_name("keys", tests, NULL, NULL);
}
