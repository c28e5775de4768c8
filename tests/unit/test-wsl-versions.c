/* SPDX-License-Identifier: MIT */
/* test-wsl-versions.c - version parsing, the ranges of the table, and their words. */
#include "helpers.h"
#include "conf/wsl-versions.h"

static void test_parse(void **state)
{
	struct wsl_version a, b;

	(void)state;
	assert_int_equal(wsl_version_parse("2.7.1.0", &a), 0);
	assert_int_equal(a.part[1], 7);
	assert_int_equal(wsl_version_parse("2.7.1", &b), 0);
	assert_int_equal(wsl_version_cmp(&a, &b), 0);
	assert_int_equal(wsl_version_parse("2.10.0", &b), 0);
	assert_int_equal(wsl_version_cmp(&a, &b), -1);
	for (const char *const *bad = (const char *const[]){ "", "2.", "x", "2.7.1.0.1", "2..7", "2.7a", "-2", NULL };
	     *bad; bad++)
		if (wsl_version_parse(*bad, &a) != -EINVAL)
			fail_msg("'%s' accepted", *bad);
}

static void test_holds(void **state)
{
	(void)state;
	assert_int_equal(wsl_fact_holds(WSLF_BRIDGED, "2.5.4.0"), WSLA_NO);
	assert_int_equal(wsl_fact_holds(WSLF_BRIDGED, "2.5.3.12"), WSLA_YES);
	assert_int_equal(wsl_fact_holds(WSLF_BRIDGED, "2.5.5"), WSLA_YES);
	assert_int_equal(wsl_fact_holds(WSLF_BRIDGED, "3.0.1.0"), WSLA_YES);
	assert_int_equal(wsl_fact_holds(WSLF_BRIDGED, "1.2.5.0"), WSLA_NO);
	assert_int_equal(wsl_fact_holds(WSLF_BRIDGED, ""), WSLA_UNKNOWN);
	assert_int_equal(wsl_fact_holds(WSLF_BRIDGED, "garbage"), WSLA_UNKNOWN);
	assert_int_equal(wsl_fact_holds(WSLF_FACT_COUNT, "2.0.0"), WSLA_UNKNOWN);
	/* "2.7.2..2.7 2.8.5..": every later 2.7.x, not 2.8.0-2.8.4 (58bd525af is not in them) */
	assert_int_equal(wsl_fact_holds(WSLF_DHCP_TIMEOUT_ROUNDED, "2.7.1.0"), WSLA_NO);
	assert_int_equal(wsl_fact_holds(WSLF_DHCP_TIMEOUT_ROUNDED, "2.7.2.0"), WSLA_YES);
	assert_int_equal(wsl_fact_holds(WSLF_DHCP_TIMEOUT_ROUNDED, "2.7.14.3"), WSLA_YES);
	assert_int_equal(wsl_fact_holds(WSLF_DHCP_TIMEOUT_ROUNDED, "2.8.4.0"), WSLA_NO);
	assert_int_equal(wsl_fact_holds(WSLF_DHCP_TIMEOUT_ROUNDED, "2.8.5.0"), WSLA_YES);
	assert_int_equal(wsl_fact_holds(WSLF_MIRRORED_IPV6_FALLBACK, "3.0.2"), WSLA_YES);
	/* "..3.0.0": up to every build of 3.0.0 */
	assert_int_equal(wsl_fact_holds(WSLF_WSLCONFIG_8BIT, "0.70.0"), WSLA_YES);
	assert_int_equal(wsl_fact_holds(WSLF_WSLCONFIG_8BIT, "3.0.0.7"), WSLA_YES);
	assert_int_equal(wsl_fact_holds(WSLF_WSLCONFIG_8BIT, "3.0.1.0"), WSLA_NO);
	assert_int_equal(wsl_fact_holds(WSLF_BRIDGED_DHCP_NO_DNS, "2.7.0.0"), WSLA_NO);
	assert_int_equal(wsl_fact_holds(WSLF_BRIDGED_DHCP_NO_DNS, "2.7.1.0"), WSLA_YES);
	assert_int_equal(wsl_fact_holds(WSLF_MIRRORED_PORTS_DYNAMIC, "2.7.11.0"), WSLA_NO);
	assert_int_equal(wsl_fact_holds(WSLF_MIRRORED_PORTS_DYNAMIC, "2.8.7.0"), WSLA_YES);
	assert_int_equal(wsl_fact_holds(WSLF_MIRRORED_PORTS_DYNAMIC, "2.9.4.0"), WSLA_YES);
	assert_int_equal(wsl_fact_holds(WSLF_MIRRORED_PORTS_DYNAMIC, "3.0.1.0"), WSLA_NO);
	assert_int_equal(wsl_fact_holds(WSLF_MIRRORED_PORTS_DYNAMIC_HALF, "3.0.1.0"), WSLA_YES);
	assert_int_equal(wsl_fact_holds(WSLF_MIRRORED_PORTS_DYNAMIC_HALF, "2.8.12.0"), WSLA_NO);
	assert_int_equal(wsl_fact_holds(WSLF_BRIDGED_DEPRECATED_WARNING, "2.4.4"), WSLA_NO);
	assert_int_equal(wsl_fact_holds(WSLF_BRIDGED_DEPRECATED_WARNING, "2.5.3.1"), WSLA_YES);
	assert_int_equal(wsl_fact_holds(WSLF_BRIDGED_DEPRECATED_WARNING, "2.5.6"), WSLA_NO);
}

static void test_words_and_sources(void **state)
{
	char *s;

	(void)state;
	s = wsl_fact_versions_text(WSLF_BRIDGED);
	assert_string_equal(s, "2.0.0 to 2.5.3, 2.5.5 and later");
	free(s);
	s = wsl_fact_versions_text(WSLF_DHCP_TIMEOUT_ROUNDED);
	assert_string_equal(s, "2.7.2 and later 2.7.x, 2.8.5 and later");
	free(s);
	s = wsl_fact_versions_text(WSLF_WSLCONFIG_8BIT);
	assert_string_equal(s, "up to 3.0.0");
	free(s);
	s = wsl_fact_sentence(WSLF_BRIDGED_DEPRECATED_WARNING);
	assert_non_null(strstr(s, "(WSL 2.4.5 to 2.5.3; 2.4.5 release notes"));
	assert_non_null(strstr(s, "no longer holds"));
	free(s);
	assert_true(wsl_fact_row(WSLF_BRIDGED_DEPRECATED_WARNING)->withdrawn);
	assert_false(wsl_fact_row(WSLF_BRIDGED)->withdrawn);
	/* Every row cites its source and says what it is. */
	for (int f = 0; f < WSLF_FACT_COUNT; f++) {
		const struct wsl_fact_row *r = wsl_fact_row((enum wsl_fact)f);

		assert_non_null(r);
		assert_int_equal(r->fact, f);
		assert_true(r->what && *r->what && r->source && *r->source && r->holds && *r->holds);
		/* a withdrawn warning says that it no longer holds */
		assert_true(!r->withdrawn || (r->note && strstr(r->note, "no longer holds")));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_holds),
		cmocka_unit_test(test_words_and_sources),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
