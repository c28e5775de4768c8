/* SPDX-License-Identifier: MIT */
/*
 * test-plans.c - the pure planners over a real observation (the fuzz
 * corpus holds real agent responses): what switch-plan and hvfw-plan ask
 * Windows to do, in which order, and how each step is undone.  No root, no
 * simulated host.
 */
#include "helpers.h"
#include "host/host-state.h"
#include "vswitch/adapter.h"
#include "vswitch/hvfw-plan.h"
#include "vswitch/switch-plan.h"

#define CORPUS "tests/fuzz/corpus/fuzz-host-response/"

static void load(const char *name, struct host_state *st)
{
	struct buf b = BUF_INIT;
	char *why = NULL;

	assert_int_equal(read_file(name, &b, NULL), 0);
	if (host_state_parse(b.s, b.len, st, &why) < 0)
		fail_msg("%s: %s", name, why);
	buf_release(&b);
}

static const char *attr(const struct host_action *a, const char *name)
{
	for (size_t i = 0; a->attrs[i]; i += 2)
		if (!strcmp(a->attrs[i], name))
			return a->attrs[i + 1];
	return NULL;
}

static void test_fresh_machine_creates_one_switch(void **state)
{
	struct host_state st;
	struct win_plan p;
	const struct host_adapter *eth;

	(void)state;
	load(CORPUS "observe-fresh-pro.xml", &st);
	eth = adapter_find(&st, "Ethernet");
	assert_non_null(eth);
	memset(&p, 0, sizeof(p));
	switch_plan(&st, eth, "WSL Bridge", NULL, &p);
	assert_null(p.refusal);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.actions[0].type, HA_CREATE_SWITCH);
	assert_string_equal(attr(&p.actions[0], "name"), "WSL Bridge");
	assert_string_equal(attr(&p.actions[0], "adapter-guid"), eth->guid);
	assert_string_equal(attr(&p.actions[0], "allow-management-os"), "true");
	/* its id is known only afterwards: the removal is recorded then */
	assert_int_equal(p.undo[0].type, HA_REMOVE_SWITCH);
	assert_string_equal(p.switch_name, "WSL Bridge");
	win_plan_release(&p);
	host_state_release(&st);
}

static void test_vmware_broken_is_mended_in_order(void **state)
{
	struct host_state st;
	struct win_plan p;
	const struct host_adapter *eth;
	size_t last;

	(void)state;
	load(CORPUS "observe-vmware-broken.xml", &st);
	eth = adapter_find(&st, "Ethernet");
	assert_non_null(eth);
	memset(&p, 0, sizeof(p));
	switch_plan(&st, eth, "WSL Bridge", NULL, &p);
	assert_null(p.refusal);
	assert_true(p.n >= 2);
	last = p.n - 1;
	/* bindings first, each undone by its opposite; the switch last, not undone */
	for (size_t i = 0; i < last; i++) {
		assert_int_equal(p.actions[i].type, HA_SET_BINDING);
		assert_int_equal(p.undo[i].type, HA_SET_BINDING);
		assert_string_not_equal(attr(&p.actions[i], "enabled"), attr(&p.undo[i], "enabled"));
	}
	assert_string_equal(attr(&p.actions[0], "component"), "vmware_bridge");
	assert_string_equal(attr(&p.actions[0], "enabled"), "false");
	assert_int_equal(p.actions[last].type, HA_BIND_SWITCH);
	assert_non_null(p.irreversible[last]);
	assert_true(p.ndiag > 0);
	win_plan_release(&p);
	host_state_release(&st);
}

static void test_duplicate_names_refuse(void **state)
{
	struct host_state st;
	struct win_plan p;
	const struct host_switch *dup = NULL;

	(void)state;
	load(CORPUS "observe-duplicate-switches.xml", &st);
	for (size_t i = 0; i < st.nswitches && !dup; i++)
		for (size_t k = i + 1; k < st.nswitches; k++)
			if (!strcmp(st.switches[i].name, st.switches[k].name))
				dup = &st.switches[i];
	assert_non_null(dup);
	memset(&p, 0, sizeof(p));
	switch_plan(&st, adapter_find(&st, "Ethernet"), dup->name, NULL, &p);
	assert_non_null(p.refusal);
	assert_int_equal(p.n, 0);
	win_plan_release(&p);
	host_state_release(&st);
}

static void test_hvfw_opens_only_what_is_closed(void **state)
{
	struct host_state st;
	struct win_plan p;
	struct port_spec ports[2];
	size_t n = 0;
	char *why = NULL;

	(void)state;
	load(CORPUS "observe-fresh-pro.xml", &st);
	assert_int_equal(port_list_parse("8080,5353/udp", ports, &n, &why), 0);
	memset(&p, 0, sizeof(p));
	hvfw_plan(&st, ports, n, &p);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.actions[0].type, HA_HVFW_ALLOW);
	assert_string_equal(attr(&p.actions[0], "name"), "wslbridge-allow-tcp-8080");
	assert_string_equal(attr(&p.actions[1], "protocol"), "UDP");
	assert_int_equal(p.undo[1].type, HA_HVFW_REMOVE);
	assert_string_equal(attr(&p.undo[1], "name"), "wslbridge-allow-udp-5353");
	win_plan_release(&p);
	host_state_release(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fresh_machine_creates_one_switch),
		cmocka_unit_test(test_vmware_broken_is_mended_in_order),
		cmocka_unit_test(test_duplicate_names_refuse),
		cmocka_unit_test(test_hvfw_opens_only_what_is_closed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
