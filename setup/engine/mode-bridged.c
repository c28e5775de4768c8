/* SPDX-License-Identifier: MIT */
/*
 * mode-bridged.c - bridged mode: WSL on the LAN through an external Hyper-V
 * switch.  Its parameters are the switch, the adapter and eth0's MAC; its
 * Windows plan is vswitch/switch-plan.c; WSL attaches the switch only when
 * it starts.
 */
#include "engine/mode.h"
#include "engine/run.h"
#include "base/log.h"
#include "base/sha256.h"
#include "conf/keys.h"
#include "conf/wsl-versions.h"
#include "vswitch/adapter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A locally administered unicast MAC from the machine's MachineGuid: stable per PC. */
static char *derive_mac(const char *machine_guid)
{
	char hex[65];
	unsigned b[6];

	sha256_hex(machine_guid ? machine_guid : "wslbridge", machine_guid ? strlen(machine_guid) : 9, hex);
	for (int i = 0; i < 6; i++)
		sscanf(hex + 2 * i, "%2x", &b[i]);
	b[0] = (b[0] & 0xFE) | 0x02;
	return xasprintf("%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
}

/* A refusal of the asked adapter names the ones that would do, also those down now. */
static int refuse_adapter(const struct run *r, const char *want)
{
	char *fit = adapter_others_that_fit(&r->obs.win, r->adapter);
	int e;

	if (!r->adapter)
		e = wb_error(r->o->adapter ? WB_EXIT_USAGE : WB_EXIT_FAIL, "no adapter '%s' (by name, description, "
			     "MAC or GUID); %s%s", want, fit ? "these would fit: " : "`wslbridge status` lists them",
			     fit ? fit : "");
	else
		e = wb_error(WB_EXIT_USAGE, "%s (%s) cannot be bridged: it is %s adapter%s%s", r->adapter->name,
			     r->adapter->description, adapter_is_vpn(r->adapter) ? "a VPN's" : "a virtual",
			     fit ? "; these would fit: " : "", fit ? fit : "");
	free(fit);
	return e;
}

static int pick_adapter(struct run *r, const char *recorded)
{
	const struct host_state *st = &r->obs.win;
	const struct host_switch *sw = NULL;
	const char *want = r->o->adapter ? r->o->adapter : recorded;

	if (want) {
		r->adapter = adapter_find(st, want);
		if (!r->adapter || !adapter_is_physical(r->adapter))
			return refuse_adapter(r, want);
		r->adapter_why = xasprintf("%s (%s), as %s", r->adapter->name, r->adapter->description,
					   r->o->adapter ? "asked" : "the last setup chose");
		return 0;
	}
	for (size_t i = 0; i < st->nswitches; i++)
		if (st->switches[i].name && !strcmp(st->switches[i].name, r->switch_name) &&
		    st->switches[i].type == SWITCH_EXTERNAL && st->switches[i].nuplinks)
			sw = &st->switches[i];
	if (sw && (r->adapter = host_adapter_by_guid(st, sw->uplinks[0])) && adapter_is_physical(r->adapter)) {
		r->adapter_why = xasprintf("%s (%s), which switch '%s' already uses", r->adapter->name,
					   r->adapter->description, sw->name);
		return 0;
	}
	if ((r->adapter = adapter_former_uplink(st))) {
		r->adapter_why = xasprintf("%s (%s): it was a switch's adapter (its IPv4 stack is "
					   "unbound)", r->adapter->name, r->adapter->description);
		return 0;
	}
	r->adapter = adapter_choose(st, &r->adapter_why);
	if (!r->adapter)
		return wb_error(WB_EXIT_FAIL, "cannot choose an adapter: %s", r->adapter_why);
	return 0;
}

static int settle(struct run *r, const struct target_params *rec)
{
	const char *rec_switch = target_params_get(rec, "switch"), *rec_adapter = target_params_get(rec, "adapter");
	const char *rec_mac = target_params_get(rec, "mac"), *cur;
	char *why = NULL;

	if (r->o->allow_ports || r->o->host_loopback)
		return wb_error(WB_EXIT_USAGE, "--allow-port and --host-loopback are for mirrored mode; add "
				"--mode mirrored");
	if (wsl_fact_holds(WSLF_BRIDGED_DEPRECATED_WARNING, r->obs.win.wsl_version) == WSLA_YES) {
		char *fact = wsl_fact_sentence(WSLF_BRIDGED_DEPRECATED_WARNING);

		/* a user who sees that warning should not give up on bridged mode for it */
		wb_note("WSL %s prints a warning about bridged mode: %s; `wsl.exe --update` makes it go",
			r->obs.win.wsl_version, fact);
		free(fact);
	}
	if (rec_adapter && !strcmp(rec_adapter, "*"))
		rec_adapter = NULL;
	if (rec_mac && !*rec_mac)
		rec_mac = NULL;
	r->switch_name = xstrdup(r->o->switch_name ? r->o->switch_name : rec_switch ? rec_switch :
				 (cur = ini_value(&r->obs.wslconfig, "wsl2.vmSwitch")) && *cur &&
				 r->o->repair ? cur : "WSL Bridge");
	cur = ini_value(&r->obs.wslconfig, "wsl2.macAddress");
	if (r->o->mac)
		r->mac = xstrdup(r->o->mac);
	else if (rec_mac)
		r->mac = xstrdup(rec_mac);
	else if (cur && key_check_value(INI_WSLCONFIG, keys_lookup(INI_WSLCONFIG, "wsl2.macAddress"),
					 cur, strlen(cur), &why) == 0)
		r->mac = xstrdup(cur);	/* the user's own choice stays */
	else
		r->mac = derive_mac(r->obs.win.machine_guid);
	free(why);
	return pick_adapter(r, rec_adapter);
}

static void params(const struct run *r, struct target_params *out)
{
	target_params_set(out, "switch", r->wp.switch_name ? r->wp.switch_name : r->switch_name);
	target_params_set(out, "adapter", r->adapter->guid);
	target_params_set(out, "mac", r->mac);
}

/*
 * In the one administrator step anyway: the user joins Hyper-V
 * Administrators, so that later runs read Hyper-V's switches without a
 * prompt (A.1).  It counts from the next sign-in (A.2).
 */
static void plan_hyperv_admin(struct run *r)
{
	const struct host_state *st = &r->obs.win;
	struct host_action *a;

	if (r->o->no_hyperv_admin || !r->wp.n || r->wp.refusal || st->hyperv_admin || !st->sid)
		return;
	a = win_plan_add(&r->wp, HA_HYPERV_ADMIN_ADD, xasprintf("add %s to Hyper-V Administrators, so that "
			 "wslbridge reads Hyper-V's switches without a prompt from your next sign-in on "
			 "(members can manage every virtual machine on this PC; --no-hyperv-admin leaves "
			 "this out)  [admin]", st->account && *st->account ? st->account : "you"));
	a->attrs[0] = "sid"; a->attrs[1] = win_plan_keep(&r->wp, st->sid);
	r->wp.undo[r->wp.n - 1] = *a;
	r->wp.undo[r->wp.n - 1].type = HA_HYPERV_ADMIN_REMOVE;
}

static void plan_windows(struct run *r)
{
	/* unknown too: the elevated step then looks before it changes anything */
	if (run_failed(r, SIDE_WINDOWS, FIX_NONE) || run_unknown(r, SIDE_WINDOWS) || r->o->switch_id)
		switch_plan(&r->obs.win, r->adapter, r->switch_name, r->o->switch_id, &r->wp);
	plan_hyperv_admin(r);
}

static int plan_wslconfig(struct run *r, struct ini_doc *d)
{
	int rc = run_edit_key(d, "wsl2.vmSwitch", r->wp.switch_name ? r->wp.switch_name : r->switch_name);

	if (rc == 0)
		rc = run_edit_key(d, "wsl2.macAddress", r->mac);
	if (rc == 0 && r->o->dhcp)
		rc = run_edit_key(d, "wsl2.dhcp", r->o->dhcp);
	if (rc == 0 && r->o->ipv6)
		rc = run_edit_key(d, "wsl2.ipv6", r->o->ipv6);
	return rc;
}

const struct mode_ops mode_bridged = {
	.name = "bridged",
	.instead = "WSL gets its own address on the LAN",
	.restart_always = true,
	.settle = settle,
	.params = params,
	.plan_windows = plan_windows,
	.plan_wslconfig = plan_wslconfig,
};
