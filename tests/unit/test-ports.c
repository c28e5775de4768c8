/* SPDX-License-Identifier: MIT */
/*
 * test-ports.c - port specs and lists, forward specs and the forwards file,
 * which Hyper-V firewall rules let a port in, and which forwards are stale.
 */
#include "helpers.h"
#include "forward/forward.h"
#include "vswitch/hvfw-plan.h"
#include "base/ports.h"

#include <stdio.h>
#include <unistd.h>

static void test_port_specs(void **state)
{
	struct port_spec p, ps[PORTS_MAX];
	size_t n = 0;
	char *why = NULL, *s;

	(void)state;
	assert_int_equal(port_spec_parse("8080", &p, &why), 0);
	assert_int_equal(p.port, 8080);
	assert_false(p.udp);
	assert_int_equal(port_spec_parse("53/UDP", &p, &why), 0);
	assert_true(p.udp);
	assert_int_equal(port_spec_parse("65535/tcp", &p, &why), 0);
	for (const char *const *bad = (const char *const[]){ "0", "65536", "080", "-1", "", "80/sctp", "8o", "1e3", NULL };
	     *bad; bad++) {
		if (port_spec_parse(*bad, &p, &why) != -EINVAL)
			fail_msg("'%s' accepted", *bad);
		assert_non_null(why);
		free(why);
		why = NULL;
	}
	assert_int_equal(port_list_parse("8080,53/udp,8080,,53/tcp", ps, &n, &why), 0);
	assert_int_equal(n, 3);
	s = port_list_format(ps, n);
	assert_string_equal(s, "8080,53/udp,53");
	free(s);
	assert_int_equal(port_list_parse("1,x", ps, &n, &why), -EINVAL);
	free(why);
}

static void test_forward_specs(void **state)
{
	struct forward f;
	char *why = NULL;

	(void)state;
	assert_int_equal(forward_parse("8080", NULL, &f, &why), 0);
	assert_string_equal(f.listen, "0.0.0.0");
	assert_int_equal(f.host_port, 8080);
	assert_int_equal(f.wsl_port, 8080);
	forward_release(&f);
	assert_int_equal(forward_parse("3000:3001/tcp", "127.0.0.1", &f, &why), 0);
	assert_int_equal(f.wsl_port, 3001);
	assert_string_equal(f.listen, "127.0.0.1");
	forward_release(&f);
	assert_int_equal(forward_parse("5353/udp", NULL, &f, &why), -EPROTONOSUPPORT);
	assert_non_null(strstr(why, "TCP only"));
	free(why);
	for (const char *const *bad = (const char *const[]){ "0", "80:", ":80", "80:70000", "a:b", "80/x", NULL }; *bad; bad++) {
		why = NULL;
		if (forward_parse(*bad, NULL, &f, &why) != -EINVAL)
			fail_msg("'%s' accepted", *bad);
		free(why);
	}
	why = NULL;
	assert_int_equal(forward_parse("80", "::1", &f, &why), -EINVAL);
	free(why);
}

static void test_forwards_file(void **state)
{
	char path[] = "/tmp/wb-forwards-XXXXXX";
	int fd = mkstemp(path);
	struct forwards fs;
	struct buf out = BUF_INIT;
	char *why = NULL;
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("# comment\ntcp 0.0.0.0 8080 80\n\ntcp 127.0.0.1 3000 3000 relay\n", f);
	fclose(f);
	assert_int_equal(forwards_load(path, &fs, &why), 0);
	assert_int_equal(fs.n, 2);
	assert_int_equal(fs.f[0].route, FWD_DIRECT);	/* before routes: direct */
	assert_int_equal(fs.f[1].route, FWD_RELAY);
	assert_int_equal(forwards_find(&fs, "127.0.0.1", 3000), 1);
	assert_int_equal(forwards_find(&fs, "0.0.0.0", 3000), -1);
	forwards_render(&fs, &out);
	assert_non_null(strstr(out.s, "\ntcp 0.0.0.0 8080 80 direct\ntcp 127.0.0.1 3000 3000 relay\n"));
	forwards_release(&fs);
	buf_release(&out);
	f = fopen(path, "w");
	fputs("tcp 0.0.0.0 8080 80\nudp 0.0.0.0 53 53\n", f);
	fclose(f);
	assert_int_equal(forwards_load(path, &fs, &why), -EBADMSG);
	assert_non_null(strstr(why, ":2: not a forward"));
	free(why);
	f = fopen(path, "w");
	fputs("tcp 0.0.0.0 8080 80 sideways\n", f);
	fclose(f);
	assert_int_equal(forwards_load(path, &fs, &why), -EBADMSG);
	assert_non_null(strstr(why, ":1: not a forward"));
	free(why);
	unlink(path);
	assert_int_equal(forwards_load(path, &fs, &why), 0);	/* missing: none */
	assert_int_equal(fs.n, 0);
}

static void test_hvfw_and_stale(void **state)
{
	struct host_hvfw_rule rules[] = {
		{ (char *)"a", (char *)"Inbound", (char *)"TCP", (char *)"80,8000-8100", (char *)"Allow", (char *)"True" },
		{ (char *)"b", (char *)"Inbound", (char *)"UDP", (char *)"53", (char *)"Allow", (char *)"False" },
		{ (char *)"c", (char *)"Outbound", (char *)"TCP", (char *)"22", (char *)"Allow", (char *)"True" },
	};
	struct host_portproxy pp = { (char *)"0.0.0.0", (char *)"8080", (char *)"172.20.20.5", (char *)"80" };
	struct host_fwrule fw = { (char *)"wslbridge-forward-tcp-0.0.0.0-8080", true };
	struct host_state st;
	struct port_spec p = { 8050, false };
	struct forward f = { (char *)"0.0.0.0", 8080, 80, FWD_DIRECT };
	struct forward_env e = { &st, "172.20.20.5", false };
	char *s;

	(void)state;
	memset(&st, 0, sizeof(st));
	st.hvfw_present = true;
	st.hvfw_rules = rules;
	st.nhvfw_rules = 3;
	assert_true(hvfw_port_open(&st, &p));
	p.port = 8101;
	assert_false(hvfw_port_open(&st, &p));
	s = hvfw_unopened(&st, "80,8100,53/udp,22");
	assert_string_equal(s, "53/udp 22");	/* disabled, outbound */
	free(s);
	s = forward_problem(&e, &f);
	assert_string_equal(s, "no portproxy rule");
	free(s);
	st.portproxy = &pp;
	st.nportproxy = 1;
	s = forward_problem(&e, &f);
	assert_string_equal(s, "no Windows Firewall rule");
	free(s);
	st.fwrules = &fw;
	st.nfwrules = 1;
	assert_null(forward_problem(&e, &f));
	e.wsl_ip = "172.20.30.7";
	s = forward_problem(&e, &f);
	assert_string_equal(s, "points at 172.20.20.5:80, WSL is at 172.20.30.7:80");
	free(s);
	e.wsl_ip = "172.20.20.5";
	fw.enabled = false;
	s = forward_problem(&e, &f);
	assert_non_null(strstr(s, "disabled"));
	free(s);
}

/* The route: the relay unless it is off or Windows' loopback port it needs is held. */
static void test_forward_route(void **state)
{
	struct host_portproxy pp = { (char *)"127.0.0.1", (char *)"3001", (char *)"10.0.0.9", (char *)"22" };
	struct host_state st;
	struct forward_env e = { &st, "172.20.20.5", true };
	struct forward same = { (char *)"0.0.0.0", 8080, 8080, FWD_DIRECT };
	struct forward lan = { (char *)"192.168.1.23", 8080, 8080, FWD_DIRECT };
	struct forward other = { (char *)"0.0.0.0", 3000, 3001, FWD_DIRECT };
	struct forward held = { (char *)"0.0.0.0", 2222, 8080, FWD_DIRECT };
	struct forwards fs = { &same, 1 };
	char *clash = NULL;

	(void)state;
	memset(&st, 0, sizeof(st));
	assert_int_equal(forward_choose(&e, NULL, &lan, NULL), FWD_WHY_RELAY);
	assert_int_equal(forward_choose(&e, NULL, &other, NULL), FWD_WHY_RELAY);
	assert_int_equal(forward_choose(&e, NULL, &same, NULL), FWD_WHY_SELF_CLASH);
	lan.listen = (char *)"127.0.0.1";
	assert_int_equal(forward_choose(&e, NULL, &lan, NULL), FWD_WHY_SELF_CLASH);
	st.portproxy = &pp;
	st.nportproxy = 1;
	assert_int_equal(forward_choose(&e, NULL, &other, &clash), FWD_WHY_RULE_CLASH);
	assert_string_equal(clash, "127.0.0.1:3001");
	free(clash);
	pp.listen_address = (char *)"192.168.1.23";	/* not loopback: the relay's port stays free */
	assert_int_equal(forward_choose(&e, NULL, &other, NULL), FWD_WHY_RELAY);
	assert_int_equal(forward_choose(&e, &fs, &held, NULL), FWD_WHY_RULE_CLASH);	/* a forward holds it */
	e.relay = false;
	assert_int_equal(forward_choose(&e, NULL, &other, NULL), FWD_WHY_RELAY_OFF);
	other.route = FWD_RELAY;
	assert_string_equal(forward_target(&other, "172.20.20.5"), "127.0.0.1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_port_specs),
		cmocka_unit_test(test_forward_specs),
		cmocka_unit_test(test_forwards_file),
		cmocka_unit_test(test_hvfw_and_stale),
		cmocka_unit_test(test_forward_route),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
