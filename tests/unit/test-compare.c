/* SPDX-License-Identifier: MIT */
/*
 * test-compare.c - the probe table: it names exactly the probes target.rng
 * allows (so a target can name no probe the code lacks, and the code has
 * none a target cannot reach), and an unknown probe fails as itself rather
 * than falling through to another probe.
 */
#include "helpers.h"
#include "targets/compare.h"
#include "host/host-infer.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

/* The <value>s of attribute attr's <choice> in target.rng. */
static size_t schema_values(const char *rng, const char *attr, char **names, size_t max)
{
	xmlDocPtr doc = xmlReadFile(rng, NULL, XML_PARSE_NONET);
	xmlXPathContextPtr x = doc ? xmlXPathNewContext(doc) : NULL;
	xmlXPathObjectPtr r;
	size_t n = 0;

	assert_non_null(x);
	xmlXPathRegisterNs(x, BAD_CAST "rng", BAD_CAST "http://relaxng.org/ns/structure/1.0");
	{
		char *xp = xasprintf("//rng:attribute[@name='%s']/rng:choice/rng:value", attr);

		r = xmlXPathEvalExpression(BAD_CAST xp, x);
		free(xp);
	}
	assert_non_null(r);
	for (int i = 0; r->nodesetval && i < r->nodesetval->nodeNr && n < max; i++)
		names[n++] = (char *)xmlNodeGetContent(r->nodesetval->nodeTab[i]);
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(x);
	xmlFreeDoc(doc);
	return n;
}

static void test_table_matches_schema(void **state)
{
	char *names[64];
	size_t n = schema_values("templates/targets/target.rng", "probe", names, 64);

	(void)state;
	assert_true(n >= 20);
	assert_int_equal(n, probe_count());
	for (size_t i = 0; i < n; i++) {
		bool known = false;

		for (size_t k = 0; k < probe_count(); k++)
			known |= !strcmp(names[i], probe_name(k));
		if (!known)
			fail_msg("target.rng allows the probe '%s', which compare.c does not have", names[i]);
		xmlFree(names[i]);
	}
	assert_null(probe_name(probe_count()));
}

/* The side and fix names: the schema's, and each parses back to itself. */
static void test_side_and_fix_names(void **state)
{
	char *names[16];
	size_t n = schema_values("templates/targets/target.rng", "fix", names, 16);

	(void)state;
	assert_int_equal(n, FIX_COUNT - 1);
	for (size_t i = 0; i < n; i++) {
		enum target_fix f = target_fix_parse(names[i]);

		if (f == FIX_COUNT)
			fail_msg("target.rng allows the fix '%s', which target.c does not have", names[i]);
		assert_string_equal(target_fix_name(f), names[i]);
		xmlFree(names[i]);
	}
	assert_int_equal(target_fix_parse(NULL), FIX_NONE);
	assert_int_equal(target_fix_parse("format-disk"), FIX_COUNT);
	n = schema_values("templates/targets/target.rng", "name", names, 16);
	assert_int_equal(n, SIDE_COUNT);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(target_side_parse(names[i]), (enum target_side)i);
		assert_string_equal(target_side_name((enum target_side)i), names[i]);
		xmlFree(names[i]);
	}
	assert_int_equal(target_side_parse("kitchen"), SIDE_COUNT);
}

static void test_unknown_probe(void **state)
{
	struct expectation e = { 0 };
	struct observation o;
	char *skip = NULL, *v;

	(void)state;
	memset(&o, 0, sizeof(o));
	e.probe = (char *)"adapter.nonsense";
	v = probe_value(&e, &o, &skip);
	assert_non_null(v);
	assert_null(skip);
	assert_string_equal(v, "unknown probe 'adapter.nonsense' (this wslbridge does not know it)");
	free(v);
	/* a known Windows probe offline is a skip, not a value */
	e.probe = (char *)"switch.count";
	assert_null(probe_value(&e, &o, &skip));
	assert_string_equal(skip, "needs Windows (offline)");
	free(skip);
}

/* The probes answer from the observation's facts alone (gather.c read them). */
static void test_probes_read_facts(void **state)
{
	struct expectation e = { 0 };
	struct observation o;
	struct observed_file f = { .path = (char *)"/usr/local/lib/wslbridge/boot-fixups", .mode = S_IFREG | 0775 };
	struct linux_state other = { .ifname = (char *)"eth1", .present = true, .mtu = 1380 };
	struct wb_ctx ctx = { 0 };
	char *skip = NULL, *v;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.ctx = &ctx;
	e.probe = (char *)"linux.file-secure";
	e.path = f.path;
	v = probe_value(&e, &o, &skip);
	assert_string_equal(v, "not read (target_gather was not called)");
	free(v);
	o.files = &f;
	o.nfiles = 1;
	v = probe_value(&e, &o, &skip);
	assert_string_equal(v, "writable by group or others");
	free(v);
	f.uid = 1000;
	v = probe_value(&e, &o, &skip);
	assert_string_equal(v, "owned by uid 1000, not root");
	free(v);
	e.probe = (char *)"linux.mtu";
	e.ifname = (char *)"eth1";
	o.others = &other;
	o.nothers = 1;
	v = probe_value(&e, &o, &skip);
	assert_string_equal(v, "1380");
	free(v);
	e.probe = (char *)"linux.kernel";
	o.kernel = (char *)"6.6.87.2-microsoft-standard-WSL2";
	v = probe_value(&e, &o, &skip);
	assert_string_equal(v, o.kernel);
	free(v);
}

/* A.1/A.4: unreadable switches are inferred where Windows shows enough, else unknown. */
/* The probes whose answer depends on WSL's version or what it does with a value (probes-wsl.c). */
static void test_wsl_probes(void **state)
{
	static const char cfg[] = "[wsl2]\nmacAddress=5e:bb:f6:9e:ee:fa\n", fit[] = "[wsl2]\nmacAddress=02:15:5d:12:34:56\n";
	char *dns_list[] = { (char *)"192.168.1.1" }, *dns[] = { (char *)"192.168.1.1" };
	struct host_adapter vnic = { .name = (char *)"vEthernet (LAN)", .dns = dns, .ndns = 1 };
	struct expectation e = { 0 };
	struct observation o;
	struct wb_ctx ctx = { 0 };
	char *skip = NULL, *v;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.ctx = &ctx;
	o.wslconfig_path = (char *)"/c/Users/u/.wslconfig";
	assert_int_equal(ini_load(&o.wslconfig, INI_WSLCONFIG, cfg, sizeof(cfg) - 1), 0);
	e.probe = (char *)"wslconfig.mac";
	v = probe_value(&e, &o, &skip);
	assert_non_null(strstr(v, "unfit (5e:bb:f6:9e:ee:fa is WSL's own default MAC"));
	free(v);
	ini_release(&o.wslconfig);
	assert_int_equal(ini_load(&o.wslconfig, INI_WSLCONFIG, fit, sizeof(fit) - 1), 0);
	v = probe_value(&e, &o, &skip);
	assert_string_equal(v, "fit");
	free(v);
	ini_release(&o.wslconfig);

	/* linux.dns: bridged, an affected WSL, no nameserver: the regression, and Windows' servers */
	e.probe = (char *)"linux.dns";
	e.sw = (char *)"LAN";
	o.have_windows = true;
	o.host.env.mode = (char *)"bridged";
	o.win.wsl_version = (char *)"2.7.11.0";
	o.win.adapters = &vnic;
	o.win.nadapters = 1;
	v = probe_value(&e, &o, &skip);
	assert_non_null(strstr(v, "false (resolv.conf names no nameserver; this WSL, 2.7.11.0, is affected"));
	assert_non_null(strstr(v, "d27b64883"));
	assert_non_null(strstr(v, "Windows' vEthernet (LAN) uses DNS 192.168.1.1"));
	free(v);
	o.win.wsl_version = (char *)"2.6.1.0";
	v = probe_value(&e, &o, &skip);
	assert_non_null(strstr(v, "the LAN's DHCP server sent none; WSL 2.6.1.0 is not affected"));
	free(v);
	o.host.env.mode = (char *)"nat";
	v = probe_value(&e, &o, &skip);
	assert_string_equal(v, "false (resolv.conf names no nameserver; WSL runs nat mode)");
	free(v);
	o.lx.nameservers = dns_list;
	o.lx.nns = 1;
	v = probe_value(&e, &o, &skip);
	assert_string_equal(v, "true");
	free(v);
	/* unreadable is not missing */
	o.lx.nns = 0;
	o.lx.resolv_err = -EACCES;
	assert_null(probe_value(&e, &o, &skip));
	assert_non_null(strstr(skip, "not readable (/etc/resolv.conf"));
	free(skip);
}

static void test_unreadable_switches(void **state)
{
	struct host_binding up_b[] = { { (char *)"vms_pp", true }, { (char *)"ms_tcpip", false } };
	struct host_adapter ad[] = {
		{ .name = (char *)"Ethernet", .description = (char *)"Intel(R) I219-V", .guid = (char *)"{A}",
		  .mac = (char *)"00-1B-21-3A-4F-5C", .hardware = true, .bindings = up_b, .nbindings = 2 },
		{ .name = (char *)"vEthernet (WSL Bridge)", .description = (char *)"Hyper-V Virtual Ethernet Adapter #3",
		  .guid = (char *)"{B}", .mac = (char *)"00-1b-21-3a-4f-5c", .is_virtual = true },
		{ .name = (char *)"vEthernet (Default Switch)", .description = (char *)"Hyper-V Virtual Ethernet Adapter",
		  .guid = (char *)"{C}", .mac = (char *)"00-15-5D-A1-B2-01", .is_virtual = true },
	};
	struct host_unreadable u = { .section = (char *)"switches", .reason = (char *)"permission" };
	struct expectation e = { 0 };
	struct observation o;
	struct probe_out out;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.have_windows = true;
	o.win.adapters = ad;
	o.win.nadapters = 3;
	o.win.unreadable = &u;
	o.win.nunreadable = 1;
	host_state_infer_switches(&o.win);
	assert_int_equal(o.win.nswitches, 2);
	e.sw = (char *)"WSL Bridge";
	e.adapter = (char *)"Ethernet";
	for (const char *const *p = (const char *const[]){ "switch.count", "switch.type", "switch.uplink-is",
							   "switch.allow-management-os", NULL }; *p; p++) {
		e.probe = (char *)*p;
		probe_run(&e, &o, &out);
		assert_non_null(out.value);
		assert_non_null(out.basis);
		free(out.value);
	}
	/* the Default Switch: seen, but its type cannot be told; another name: unknown */
	e.sw = (char *)"Default Switch";
	e.probe = (char *)"switch.type";
	probe_run(&e, &o, &out);
	assert_null(out.value);
	assert_non_null(strstr(out.unknown, "permission denied"));
	free(out.unknown);
	e.sw = (char *)"Other";
	e.probe = (char *)"switch.count";
	probe_run(&e, &o, &out);
	assert_null(out.value);
	assert_non_null(strstr(out.unknown, "no vEthernet adapter shows a switch of this name"));
	free(out.unknown);
	/* an adapter probe needs the adapters, which were read */
	e.probe = (char *)"adapter.binding";
	e.component = (char *)"vms_pp";
	probe_run(&e, &o, &out);
	assert_string_equal(out.value, "true");
	free(out.value);
	for (size_t i = 0; i < o.win.nswitches; i++) {
		free(o.win.switches[i].name);
		for (size_t k = 0; k < o.win.switches[i].nuplinks; k++)
			free(o.win.switches[i].uplinks[k]);
		free(o.win.switches[i].uplinks);
	}
	free(o.win.switches);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_matches_schema),
		cmocka_unit_test(test_side_and_fix_names),
		cmocka_unit_test(test_unknown_probe),
		cmocka_unit_test(test_probes_read_facts),
		cmocka_unit_test(test_unreadable_switches),
		cmocka_unit_test(test_wsl_probes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
