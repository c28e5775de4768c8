/* SPDX-License-Identifier: MIT */
/*
 * settle.c - the run's parameters: the mode (and mirrored ports), the
 * switch, the adapter and its MAC, then the target loaded with them.
 */
#include "engine/run.h"
#include "vswitch/adapter.h"
#include "base/log.h"
#include "targets/record.h"
#include "base/sha256.h"

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

static int pick_adapter(struct run *r, const char *recorded)
{
	const struct host_state *st = &r->obs.win;
	const struct host_switch *sw = NULL;
	const char *want = r->o->adapter ? r->o->adapter : recorded;

	if (want) {
		r->adapter = adapter_find(st, want);
		if (!r->adapter)
			return wb_error(r->o->adapter ? WB_EXIT_USAGE : WB_EXIT_FAIL, "no adapter '%s' "
					"(by name, description, MAC or GUID); `wslbridge status` lists them", want);
		if (!adapter_is_physical(r->adapter))
			return wb_error(WB_EXIT_USAGE, "%s (%s) cannot be bridged: it is %s adapter", r->adapter->name,
					r->adapter->description, adapter_is_vpn(r->adapter) ? "a VPN's" : "a virtual");
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

const char *const run_modes[] = { "bridged", "mirrored", "nat", NULL };

static const char *known_mode(const char *m)
{
	for (size_t i = 0; m && run_modes[i]; i++)
		if (!strcasecmp(m, run_modes[i]))
			return run_modes[i];
	return NULL;
}

/* The mode: --mode, else the recorded target, else what .wslconfig says (repair: any;
 * setup: mirrored, which someone chose by hand), else bridged. */
static int settle_mode(struct run *r, const char *recorded)
{
	const char *cur = ini_value(&r->obs.wslconfig, "wsl2.networkingMode");

	r->mode = known_mode(r->o->mode ? r->o->mode : recorded);
	if (!r->mode && r->o->repair) {
		if (!cur || !*cur) {
			wb_error(WB_EXIT_FAIL, "nothing to repair: no setup was recorded and .wslconfig sets no "
				 "networking mode");
			wb_hint("run `wslbridge setup` (bridged), or `wslbridge setup --mode mirrored|nat`");
			return WB_EXIT_FAIL;
		}
		r->mode = known_mode(cur);
		if (!r->mode)
			return wb_error(WB_EXIT_FAIL, "nothing to repair: .wslconfig asks for networking mode '%s', "
					"which wslbridge does not set up", cur);
	}
	if (!r->mode && cur && !strcasecmp(cur, "mirrored"))
		r->mode = "mirrored";	/* the user's own choice, made by hand */
	if (!r->mode)
		r->mode = "bridged";
	return 0;
}

/* Mirrored: ports (recorded ones and --allow-port), hostAddressLoopback. */
static int settle_mirrored(struct run *r, char **rec, size_t nrec)
{
	char *why = NULL;
	struct port_spec more[PORTS_MAX];
	size_t nmore = 0;

	for (size_t i = 0; i < nrec; i++) {
		if (!strncmp(rec[i], "ports=", 6) && port_list_parse(rec[i] + 6, r->ports, &r->nports, &why) < 0) {
			wb_warn("the recorded ports are not usable (%s); using --allow-port only", why);
			free(why);
			why = NULL;
			r->nports = 0;
		}
		if (!strncmp(rec[i], "loopback=", 9) && rec[i][9])
			r->loopback = xstrdup(rec[i] + 9);
	}
	if (port_list_parse(r->o->allow_ports, more, &nmore, &why) < 0) {
		wb_error(WB_EXIT_USAGE, "--allow-port: %s", why);
		free(why);
		return WB_EXIT_USAGE;
	}
	for (size_t i = 0; i < nmore; i++)
		if (port_list_add(r->ports, &r->nports, more[i]) < 0)
			return wb_error(WB_EXIT_USAGE, "--allow-port: more than %d ports in all", PORTS_MAX);
	if (r->o->host_loopback) {
		free(r->loopback);
		r->loopback = xstrdup(r->o->host_loopback);
	}
	return 0;
}

/* switch, adapter, mac: options, else what was recorded, else what is there. */
int run_settle(struct run *r)
{
	char *target = NULL, **rec = NULL;
	size_t nrec = 0;
	const char *rec_switch = NULL, *rec_adapter = NULL, *rec_mac = NULL, *cur;
	int rc;

	(void)record_read(r->ctx, &target, &rec, &nrec);
	if ((rc = settle_mode(r, target)))
		goto out;
	if (strcmp(r->mode, "bridged")) {
		/* another mode's recorded parameters do not apply */
		rc = strcmp(r->mode, "mirrored") ? 0 : settle_mirrored(r, rec, target && strcmp(target, r->mode) ? 0 : nrec);
		goto out;
	}
	if (r->o->allow_ports || r->o->host_loopback) {
		rc = wb_error(WB_EXIT_USAGE, "--allow-port and --host-loopback are for mirrored mode; add "
			      "--mode mirrored");
		goto out;
	}
	for (size_t i = 0; i < nrec; i++) {
		if (!strncmp(rec[i], "switch=", 7)) rec_switch = rec[i] + 7;
		if (!strncmp(rec[i], "adapter=", 8) && strcmp(rec[i] + 8, "*")) rec_adapter = rec[i] + 8;
		if (!strncmp(rec[i], "mac=", 4) && rec[i][4]) rec_mac = rec[i] + 4;
	}
	r->switch_name = xstrdup(r->o->switch_name ? r->o->switch_name : rec_switch ? rec_switch :
				 (cur = ini_value(&r->obs.wslconfig, "wsl2.vmSwitch")) && *cur &&
				 r->o->repair ? cur : "WSL Bridge");
	cur = ini_value(&r->obs.wslconfig, "wsl2.macAddress");
	if (r->o->mac)
		r->mac = xstrdup(r->o->mac);
	else if (rec_mac)
		r->mac = xstrdup(rec_mac);
	else if (cur && key_check_value(INI_WSLCONFIG, keys_lookup(INI_WSLCONFIG, "wsl2.macAddress"),
					 cur, strlen(cur), &target) == 0)
		r->mac = xstrdup(cur);	/* the user's own choice stays */
	else
		r->mac = derive_mac(r->obs.win.machine_guid);
	rc = pick_adapter(r, rec_adapter);
out:
	free(target);
	record_params_free(rec, nrec);
	return rc;
}

/* The target's parameters for this run ("name=value"), also what is recorded. */
size_t run_target_params(const struct run *r, char **params)
{
	if (!strcmp(r->mode, "bridged")) {
		params[0] = xasprintf("switch=%s", r->wp.switch_name ? r->wp.switch_name : r->switch_name);
		params[1] = xasprintf("adapter=%s", r->adapter->guid);
		params[2] = xasprintf("mac=%s", r->mac);
		return 3;
	}
	if (!strcmp(r->mode, "mirrored")) {
		char *ports = port_list_format(r->ports, r->nports);

		params[0] = xasprintf("ports=%s", ports);
		params[1] = xasprintf("loopback=%s", r->loopback ? r->loopback : "");
		free(ports);
		return 2;
	}
	return 0;
}

int run_load_target(struct run *r)
{
	char *params[3] = { NULL, NULL, NULL };
	size_t np = run_target_params(r, params);
	struct target_error err;
	int rc = 0;

	target_release(&r->t);
	check_report_release(&r->rep);
	if (target_load(r->ctx, r->mode, params, np, &r->t, &err) < 0) {
		rc = wb_error(WB_EXIT_FAIL, "%s: %s", err.file, err.msg);
		target_error_release(&err);
	} else {
		compare_target(&r->t, &r->obs, &r->rep);
	}
	for (size_t i = 0; i < np; i++)
		free(params[i]);
	return rc;
}
