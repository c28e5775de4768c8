/* SPDX-License-Identifier: MIT */
/*
 * test-vpn-plan.c - the vpn planners over a real observation (the agent's
 * response for vpn-anyconnect in the fuzz corpus): which profile, which
 * MTU, which DNS, and why; they never print and never probe unless asked.
 */
#include "helpers.h"
#include "host/host-state.h"
#include "base/log.h"
#include "vpn-fixups/vpn.h"

#define CORPUS "tests/fuzz/corpus/fuzz-host-response/"

static struct wb_ctx ctx = { (char *)"/nonexistent-root", NULL, false, NULL };

/* An observation of name's Windows side, WSL running mode. */
static void observe(const char *name, const char *mode, struct observation *o)
{
	struct buf b = BUF_INIT;
	char *why = NULL;

	memset(o, 0, sizeof(*o));
	o->ctx = &ctx;
	o->have_windows = true;
	assert_int_equal(read_file(name, &b, NULL), 0);
	if (host_state_parse(b.s, b.len, &o->win, &why) < 0)
		fail_msg("%s: %s", name, why);
	buf_release(&b);
	o->host.env.mode = xstrdup(mode);
	assert_int_equal(ini_load(&o->wslconfig, INI_WSLCONFIG, "", 0), 0);
	o->lx.present = true;
	o->lx.mtu = 1500;
}

static void release(struct observation *o, struct vpn_plan *p)
{
	for (size_t i = 0; i < p->nservers; i++)
		free(p->servers[i]);
	free(p->mtu_why);
	free(p->dns_why);
	memset(p, 0, sizeof(*p));
	free(o->host.env.mode);
	host_state_release(&o->win);
	ini_release(&o->wslconfig);
}

static void load_profiles(struct vpn_profiles *ps)
{
	struct target_error err;

	assert_int_equal(vpn_profiles_load(&ctx, ps, &err), 0);
	assert_true(ps->n > 1);
}

static void test_anyconnect_found_mtu_and_tunnel(void **state)
{
	struct vpn_opts o = { 0 };
	struct vpn_profiles ps;
	struct observation obs;
	struct vpn_plan p = { 0 };
	char *why = NULL;

	(void)state;
	load_profiles(&ps);
	observe(CORPUS "observe-vpn-anyconnect.xml", "nat", &obs);
	if (vpn_choose_profile(&o, &obs.win, &ps, &p, &why))
		fail_msg("%s", why);
	assert_true(p.found);
	assert_string_equal(p.profile->name, "anyconnect");
	assert_string_equal(p.adapter->name, "Ethernet 3");
	assert_int_equal(vpn_choose_mtu(&o, &obs.lx, &p, &why), 0);
	assert_int_equal(p.mtu, 1300);
	assert_string_equal(p.mtu_why, "the MTU of Ethernet 3 on Windows (NlMtu)");
	assert_int_equal(vpn_choose_dns(&o, &obs, &p, &why), 0);
	assert_true(p.dns_tunnel);
	assert_non_null(strstr(p.dns_why, "nat mode on Windows 11"));
	assert_null(why);
	release(&obs, &p);
	vpn_profiles_release(&ps);
}

static void test_bridged_and_gsa_get_static_dns(void **state)
{
	struct vpn_opts o = { 0 };
	struct vpn_profiles ps;
	struct observation obs;
	struct vpn_plan p = { 0 };
	char *why = NULL;

	(void)state;
	load_profiles(&ps);
	observe(CORPUS "observe-vpn-anyconnect.xml", "bridged", &obs);
	assert_int_equal(vpn_choose_profile(&o, &obs.win, &ps, &p, &why), 0);
	assert_int_equal(vpn_choose_dns(&o, &obs, &p, &why), 0);
	assert_false(p.dns_tunnel);
	assert_int_equal(p.nservers, 2);
	assert_string_equal(p.servers[0], "10.10.0.10");
	assert_string_equal(p.servers[1], "10.10.0.11");
	assert_non_null(strstr(p.dns_why, "bridged mode has no DNS tunneling"));
	/* asking for tunneling in bridged mode is a usage error, with the way out */
	release(&obs, &p);
	observe(CORPUS "observe-vpn-anyconnect.xml", "bridged", &obs);
	o.dns = "tunnel";
	assert_int_equal(vpn_choose_profile(&o, &obs.win, &ps, &p, &why), 0);
	assert_int_equal(vpn_choose_dns(&o, &obs, &p, &why), WB_EXIT_USAGE);
	assert_non_null(strstr(why, "use --dns SERVER"));
	free(why);
	why = NULL;
	release(&obs, &p);
	observe(CORPUS "observe-vpn-anyconnect.xml", "nat", &obs);
	obs.win.gsa_running = true;
	o.dns = NULL;
	assert_int_equal(vpn_choose_profile(&o, &obs.win, &ps, &p, &why), 0);
	assert_int_equal(vpn_choose_dns(&o, &obs, &p, &why), 0);
	assert_false(p.dns_tunnel);
	assert_non_null(strstr(p.dns_why, "Global Secure Access"));
	release(&obs, &p);
	vpn_profiles_release(&ps);
}

static void test_asked_values_and_fallbacks(void **state)
{
	struct vpn_opts o = { .profile = "anyconnect", .mtu = "1400", .dns = "10.1.1.1,10.1.1.2" };
	struct vpn_profiles ps;
	struct observation obs;
	struct vpn_plan p = { 0 };
	char *why = NULL;

	(void)state;
	load_profiles(&ps);
	observe(CORPUS "observe-vpn-anyconnect.xml", "nat", &obs);
	assert_int_equal(vpn_choose_profile(&o, &obs.win, &ps, &p, &why), 0);
	assert_false(p.found);
	assert_int_equal(vpn_choose_mtu(&o, &obs.lx, &p, &why), 0);
	assert_int_equal(p.mtu, 1400);
	assert_string_equal(p.mtu_why, "as asked");
	assert_int_equal(vpn_choose_dns(&o, &obs, &p, &why), 0);
	assert_int_equal(p.nservers, 2);
	assert_string_equal(p.servers[1], "10.1.1.2");
	assert_string_equal(p.dns_why, "as asked");
	release(&obs, &p);
	/* the VPN not connected: the profile's usual MTU, said so */
	observe(CORPUS "observe-vpn-anyconnect.xml", "nat", &obs);
	o.mtu = NULL;
	assert_int_equal(vpn_choose_profile(&o, &obs.win, &ps, &p, &why), 0);
	free(((struct host_adapter *)p.adapter)->status);
	((struct host_adapter *)p.adapter)->status = xstrdup("Disconnected");
	assert_int_equal(vpn_choose_mtu(&o, &obs.lx, &p, &why), 0);
	assert_int_equal(p.mtu, p.profile->mtu_fallback);
	assert_non_null(strstr(p.mtu_why, "its adapter is not connected"));
	release(&obs, &p);
	vpn_profiles_release(&ps);
}

static void test_refusals(void **state)
{
	struct vpn_opts o = { 0 };
	struct vpn_profiles ps;
	struct observation obs;
	struct vpn_plan p = { 0 };
	char *why = NULL;

	(void)state;
	load_profiles(&ps);
	observe(CORPUS "observe-fresh-pro.xml", "nat", &obs);
	assert_int_equal(vpn_choose_profile(&o, &obs.win, &ps, &p, &why), WB_EXIT_FAIL);
	assert_non_null(strstr(why, "no VPN adapter recognised on Windows"));
	free(why);
	why = NULL;
	o.profile = "nosuch";
	assert_int_equal(vpn_choose_profile(&o, &obs.win, &ps, &p, &why), WB_EXIT_USAGE);
	assert_non_null(strstr(why, "no VPN profile 'nosuch'; the profiles are: "));
	assert_non_null(strstr(why, "anyconnect"));
	free(why);
	why = NULL;
	/* generic, probing, with nothing to probe: asks for a target, probes nothing */
	o.profile = "generic";
	assert_int_equal(vpn_choose_profile(&o, &obs.win, &ps, &p, &why), 0);
	assert_int_equal(vpn_choose_mtu(&o, &obs.lx, &p, &why), WB_EXIT_USAGE);
	assert_non_null(strstr(why, "pass --probe-target ADDR"));
	free(why);
	release(&obs, &p);
	vpn_profiles_release(&ps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_anyconnect_found_mtu_and_tunnel),
		cmocka_unit_test(test_bridged_and_gsa_get_static_dns),
		cmocka_unit_test(test_asked_values_and_fallbacks),
		cmocka_unit_test(test_refusals),
	};

	setenv("WSLBRIDGE_DATADIR", "templates", 1);	/* the shipped profiles */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
