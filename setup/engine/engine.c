/* SPDX-License-Identifier: MIT */
/*
 * engine.c - setup and repair: one engine (see engine.h).
 *
 *  1. observe once (one powershell.exe launch) and settle the parameters:
 *     switch, adapter (chosen and explained), macAddress;
 *  2. compare with the target of the mode (bridged, mirrored or nat): the
 *     same comparison as check; its
 *     failures decide what is planned, its environment side is preflight;
 *  3. plan: Windows actions (vswitch/switch-plan), .wslconfig edits with a
 *     diff, whether WSL must restart; print it; --dry-run stops here;
 *  4. confirm, then apply, recording each step in the journal before and
 *     after: all Windows actions in one launch (at most one UAC prompt),
 *     then the files (history entry first, so undo can revert both), then
 *     the record for check/repair;
 *  5. restart (exit 4, or `wsl.exe --shutdown` with --restart as the very
 *     last action) or verify the Linux side.
 */
#include "engine/engine.h"
#include "vswitch/adapter.h"
#include "base/atomic-file.h"
#include "apply/backup.h"
#include "targets/compare.h"
#include "base/diff.h"
#include "base/fault.h"
#include "forward/forward.h"
#include "vswitch/hvfw-plan.h"
#include "conf/ini-edit.h"
#include "engine/journal.h"
#include "base/log.h"
#include "apply/runlog.h"
#include "targets/record.h"
#include "base/sha256.h"
#include "base/spawn.h"
#include "vswitch/switch-plan.h"
#include "apply/transaction.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { S_PREFLIGHT, S_ADAPTER, S_WINDOWS, S_WSLCONFIG, S_WSLCONF, S_RESTART, S_VERIFY, S_COUNT };
static const char *const step_names[S_COUNT] = {
	"preflight", "adapter", "Windows", ".wslconfig", "wsl.conf", "restart", "verify",
};

struct run {
	struct wb_ctx *ctx;
	const struct engine_opts *o;
	const char *verb;
	const char *mode;		/* bridged, mirrored, nat */
	struct port_spec ports[PORTS_MAX];	/* mirrored: ports let in */
	size_t nports;
	char *loopback;			/* mirrored: hostAddressLoopback, or NULL */
	struct observation obs;
	struct target t;
	struct check_report rep;
	const struct host_adapter *adapter;
	char *adapter_why, *switch_name, *mac;
	struct win_plan wp;
	struct buf old, neu;		/* .wslconfig before and after */
	bool file_exists, file_changes, restart_needed;
	mode_t file_mode;
	struct journal j;
};

static void progress(struct run *r, int step, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void progress(struct run *r, int step, const char *fmt, ...)
{
	va_list ap;

	printf("[%d/%d] %s: ", step + 1, S_COUNT, step_names[step]);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	(void)r;
}

static void journal_step(struct run *r, int step, const char *state, const char *detail)
{
	journal_set_step(&r->j, (size_t)step, state, detail);
	if (journal_write(r->ctx, &r->j) < 0)
		wb_warn("could not write the journal in '%s'", r->ctx->state_dir);
	fault_point(step_names[step]);
}

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

static const char *const modes[] = { "bridged", "mirrored", "nat", NULL };

static const char *known_mode(const char *m)
{
	for (size_t i = 0; m && modes[i]; i++)
		if (!strcasecmp(m, modes[i]))
			return modes[i];
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
static int settle(struct run *r)
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
static size_t target_params(const struct run *r, char **params)
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

static int load_target(struct run *r)
{
	char *params[3] = { NULL, NULL, NULL };
	size_t np = target_params(r, params);
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

static bool failed(const struct run *r, const char *side, const char *fix)
{
	for (size_t i = 0; i < r->rep.n; i++) {
		const struct check_result *c = &r->rep.r[i];

		if (c->status == CHECK_FAIL && (!side || !strcmp(c->e->side, side)) &&
		    (!fix || (c->e->fix && !strcmp(c->e->fix, fix))))
			return true;
	}
	return false;
}

/* What a run cannot mend by itself (a .wslconfig edit it can). */
static bool blocking(const struct check_result *c)
{
	return !(c->e->fix && !strcmp(c->e->fix, "wslconfig"));
}

static void print_failures(const struct run *r, const char *side)
{
	for (size_t i = 0; i < r->rep.n; i++) {
		const struct check_result *c = &r->rep.r[i];

		if (c->status != CHECK_FAIL || strcmp(c->e->side, side) ||
		    (!strcmp(side, "environment") && !blocking(c)))
			continue;
		fprintf(stderr, "  - %s: observed %s\n", c->e->summary, *c->observed ? c->observed : "(unset)");
		if (c->e->remedy)
			fprintf(stderr, "    %s\n", c->e->remedy);
	}
}

/* What works here instead: the modes whose target's environment side holds. */
static void suggest_modes(const struct run *r)
{
	struct buf b = BUF_INIT;

	for (size_t m = 0; modes[m]; m++) {
		struct target t;
		struct target_error err;
		struct check_report rep;
		bool ok = true;

		if (!strcmp(modes[m], r->mode))
			continue;
		if (target_load(r->ctx, modes[m], NULL, 0, &t, &err) < 0) {
			target_error_release(&err);
			continue;
		}
		compare_target(&t, &r->obs, &rep);
		for (size_t i = 0; i < rep.n; i++)
			if (rep.r[i].status == CHECK_FAIL && !strcmp(rep.r[i].e->side, "environment") &&
			    blocking(&rep.r[i]))
				ok = false;
		if (ok)
			buf_addf(&b, "    `wslbridge setup --mode %s`%s\n", modes[m], !strcmp(modes[m], "mirrored") ?
				 ": WSL shares Windows' addresses; --allow-port PORT lets the LAN in" :
				 !strcmp(modes[m], "nat") ? ": then `sudo wslbridge forward add PORT` per port the LAN "
				 "must reach" : ": WSL gets its own address on the LAN");
		check_report_release(&rep);
		target_release(&t);
	}
	if (b.len)
		fprintf(stderr, "What works on this machine instead:\n%s", b.s);
	buf_release(&b);
}

/* Environment failures we cannot mend are a refusal: nothing is changed. */
static int preflight(struct run *r)
{
	bool stop = false;

	for (size_t i = 0; i < r->rep.n; i++) {
		const struct check_result *c = &r->rep.r[i];

		if (c->status == CHECK_FAIL && !strcmp(c->e->side, "environment") && blocking(c))
			stop = true;
	}
	if (!stop)
		return 0;
	wb_error(WB_EXIT_FAIL, "%s mode cannot work on this machine; nothing was changed:", r->mode);
	print_failures(r, "environment");
	suggest_modes(r);
	return WB_EXIT_FAIL;
}

static int edit(struct ini_doc *d, const char *key, const char *value)
{
	struct buf out = BUF_INIT;
	char *why = NULL;
	int rc = ini_edit_set(d, key, value, strlen(value), 0, &out, NULL, &why);

	if (rc == 0) {
		enum ini_kind k = d->kind;

		ini_release(d);
		rc = ini_load(d, k, out.s, out.len);
	} else if (rc > 0) {
		rc = 0;
	} else {
		wb_error(WB_EXIT_FAIL, ".wslconfig: %s", why ? why : "cannot be edited");
	}
	free(why);
	buf_release(&out);
	return rc;
}

static int plan_wslconfig(struct run *r)
{
	struct ini_doc d = INI_DOC_INIT;
	struct stat st;
	const char *name = r->wp.switch_name ? r->wp.switch_name : r->switch_name;
	int rc;

	r->file_exists = read_file(r->obs.wslconfig_path, &r->old, &st) == 0;
	r->file_mode = r->file_exists ? st.st_mode & 07777 : 0644;
	rc = ini_load(&d, INI_WSLCONFIG, r->old.s ? r->old.s : "", r->old.len);
	if (rc == 0 && !(ini_value(&d, "wsl2.networkingMode") &&
			 !strcasecmp(ini_value(&d, "wsl2.networkingMode"), r->mode)))
		rc = edit(&d, "wsl2.networkingMode", r->mode);
	if (strcmp(r->mode, "bridged")) {
		/* Mirrored: DNS through Windows (VPN- and NRPT-aware), as the issue and WSL's docs advise. */
		if (rc == 0 && !strcmp(r->mode, "mirrored"))
			rc = edit(&d, "wsl2.dnsTunneling", "true");
		if (rc == 0 && !strcmp(r->mode, "mirrored") && r->loopback)
			rc = edit(&d, "experimental.hostAddressLoopback", r->loopback);
		goto encode;
	}
	if (rc == 0)
		rc = edit(&d, "wsl2.vmSwitch", name);
	if (rc == 0)
		rc = edit(&d, "wsl2.macAddress", r->mac);
	if (rc == 0 && r->o->dhcp)
		rc = edit(&d, "wsl2.dhcp", r->o->dhcp);
	if (rc == 0 && r->o->ipv6)
		rc = edit(&d, "wsl2.ipv6", r->o->ipv6);
encode:
	if (rc == 0)
		rc = ini_encode(&d, d.text.s, d.text.len, &r->neu);
	r->file_changes = rc == 0 && (r->neu.len != r->old.len || memcmp(r->neu.s, r->old.s ? r->old.s : "", r->old.len));
	ini_release(&d);
	return rc < 0 ? WB_EXIT_FAIL : 0;
}

static void print_plan(struct run *r)
{
	struct buf d = BUF_INIT;

	if (r->adapter)
		printf("Plan for %s (target bridged: switch '%s', adapter %s, macAddress %s):\n", r->verb,
		       r->wp.switch_name ? r->wp.switch_name : r->switch_name, r->adapter->name, r->mac);
	else {
		char *ports = port_list_format(r->ports, r->nports);

		printf("Plan for %s (target %s%s%s):\n", r->verb, r->mode, *ports ? ", ports let in: " : "", ports);
		free(ports);
	}
	printf("  1. preflight: ok (Windows build %s.%s %s, WSL %s)\n", r->obs.win.build, r->obs.win.ubr ?
	       r->obs.win.ubr : "?", r->obs.win.edition, r->obs.win.wsl_version);
	if (r->adapter)
		printf("  2. adapter: %s\n", r->adapter_why);
	else
		printf("  2. adapter: none needed (%s mode uses Windows' own networking)\n", r->mode);
	if (r->wp.warning)
		printf("     warning: %s\n", r->wp.warning);
	if (!r->wp.n)
		printf("  3. Windows: nothing to change\n");
	else
		printf("  3. Windows, in one step (%s):\n", r->obs.win.elevated ? "already elevated" :
		       "one administrator (UAC) prompt");
	for (size_t i = 0; i < r->wp.n; i++)
		printf("       - %s\n", r->wp.describe[i]);
	for (size_t i = 0; !r->o->repair && i < r->wp.ndiag; i++)
		printf("       (%s)\n", r->wp.diagnosis[i]);
	if (r->file_changes) {
		printf("  4. .wslconfig (%s):\n", r->obs.wslconfig_path);
		diff_unified(".wslconfig", r->old.s ? r->old.s : "", r->old.len, r->neu.s, r->neu.len, &d);
		for (char *line = d.s, *nl; line && *line; line = nl + 1) {
			nl = strchr(line, '\n');
			printf("       %.*s\n", (int)(nl - line), line);
		}
	} else {
		printf("  4. .wslconfig: nothing to change\n");
	}
	printf("  5. wsl.conf: nothing to change (%s mode needs nothing there)\n", r->mode);
	printf("  6. restart WSL: %s%s%s\n", r->restart_needed ? "needed: " : "not needed",
	       r->restart_needed ? r->mode : "", r->restart_needed ? " mode takes effect after `wsl.exe --shutdown`" : "");
	printf("  7. verify: the Linux side%s\n", r->restart_needed ? ", after the restart" : "");
	buf_release(&d);
}

static void print_diagnosis(const struct run *r)
{
	if (!r->rep.fail)
		return;
	printf("What is broken:\n");
	for (size_t i = 0; i < r->wp.ndiag; i++)
		printf("  - %s\n", r->wp.diagnosis[i]);
	for (size_t i = 0; i < r->rep.n; i++) {
		const struct check_result *c = &r->rep.r[i];

		if (c->status == CHECK_FAIL && strcmp(c->e->side, "windows"))
			printf("  - %s: observed %s\n", c->e->summary, *c->observed ? c->observed : "(unset)");
	}
	putchar('\n');
}

/* A failed Windows action in words about this run's adapter (transaction_apply_windows). */
static char *failure_text(const struct host_result *res, const void *arg)
{
	const struct run *r = arg;
	const char *ad = r->adapter ? r->adapter->name : "the adapter";

	switch (host_result_failure(res)) {
	case HF_NO_HYPERV_MODULE:
		return xstrdup("the Hyper-V PowerShell module is not installed (Home edition, or the "
			       "Hyper-V management tools are turned off)");
	case HF_ADAPTER_IN_USE:
		return xasprintf("another external switch already uses %s", ad);
	case HF_BIND_FAILED:
		return xasprintf("Hyper-V could not bind %s (0x80070490): its driver may not support "
				 "bridging (common for Wi-Fi), or a stale binding remains; try another "
				 "adapter with --adapter", ad);
	case HF_SWITCH_NOT_FOUND:
		return xstrdup("the switch disappeared while wslbridge worked; run it again");
	case HF_PERMISSION:
		return xstrdup("Windows refused the change: it needs an administrator");
	default:
		return xasprintf("%s (%s%s%s)", res->fqid ? res->fqid : "failed",
				 res->hresult ? res->hresult : "", res->inner ? ", " : "",
				 res->inner ? res->inner : "");
	}
}

static int write_wslconfig(struct run *r, struct backup_entry *e)
{
	int rc;

	if (!r->file_changes)
		return 0;
	rc = backup_add(e, r->obs.wslconfig_path, &r->old, r->file_exists, r->file_mode, &r->neu, true);
	if (rc == 0)
		rc = backup_commit(e);
	if (rc == 0)
		rc = atomic_file_replace(r->obs.wslconfig_path, r->neu.s, r->neu.len, r->file_mode);
	if (rc < 0)
		return wb_error(WB_EXIT_FAIL, "could not write '%s': %s", r->obs.wslconfig_path, errstr(rc));
	return 0;
}

static void save_record(struct run *r)
{
	char *params[3] = { NULL, NULL, NULL }, *values[3];
	size_t n = target_params(r, params);

	for (size_t i = 0; i < n; i++) {
		values[i] = strchr(params[i], '=') + 1;
		values[i][-1] = '\0';
	}
	if (record_write(r->ctx, r->mode, params, values, n) < 0)
		wb_warn("could not record the target in '%s'; check and repair will infer it", r->ctx->state_dir);
	for (size_t i = 0; i < n; i++)
		free(params[i]);
}

static int restart_wsl(struct run *r)
{
	char *drive = NULL, *wsl = wslenv_windows_program(r->ctx, &r->obs.host.env,
							  "Windows/System32/wsl.exe", &drive);
	const char *argv[] = { wsl, "--shutdown", NULL };
	struct spawn_opts so = { argv, drive, 60000 };
	struct spawn_result res = { 0 };
	int rc;

	if (!wsl) {
		free(drive);
		return wb_error(WB_EXIT_RESTART, "wsl.exe not found: run `wsl.exe --shutdown` from Windows");
	}
	printf("Restarting WSL now (`wsl.exe --shutdown`): this shell ends. Start WSL again and run "
	       "`wslbridge %s` to verify.\n", r->verb);
	fflush(stdout);
	fflush(stderr);
	rc = spawn_run(&so, &res);
	spawn_result_release(&res);
	free(wsl);
	free(drive);
	return rc < 0 ? wb_error(WB_EXIT_RESTART, "could not run wsl.exe: %s", errstr(rc)) : WB_EXIT_RESTART;
}

static int verify(struct run *r)
{
	struct observation again;
	char *why = NULL;
	int rc = observation_gather(r->ctx, true, &again, &why);

	free(why);
	if (rc == 0) {
		/* Windows and files were just compared; the Linux side is what is left. */
		again.have_windows = false;
		check_report_release(&r->rep);
		compare_target(&r->t, &again, &r->rep);
	}
	observation_release(&again);
	if (failed(r, "linux", NULL)) {
		progress(r, S_VERIFY, "FAILED");
		wb_error(WB_EXIT_FAIL, "the Linux side does not match %s mode:", r->mode);
		print_failures(r, "linux");
		return WB_EXIT_FAIL;
	}
	progress(r, S_VERIFY, "ok: WSL runs in %s mode", r->mode);
	return WB_EXIT_OK;
}

static void journal_begin(struct run *r)
{
	char stamp[32];
	time_t now = time(NULL);

	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	r->j.verb = xstrdup(r->verb);
	r->j.state = xstrdup("applying");
	r->j.time = xstrdup(stamp);
	for (int i = 0; i < S_COUNT; i++)
		journal_add_step(&r->j, step_names[i]);
}

static void journal_end(struct run *r, const char *state)
{
	free(r->j.state);
	r->j.state = xstrdup(state);
	if (journal_write(r->ctx, &r->j) < 0)
		wb_warn("could not write the journal in '%s'", r->ctx->state_dir);
	fault_point("journal end");
}

static int apply(struct run *r)
{
	struct backup_entry *e = NULL;
	int rc;

	journal_begin(r);
	runlog_changed();
	for (int s = S_PREFLIGHT; s <= S_ADAPTER; s++)
		journal_step(r, s, "done", NULL);
	progress(r, S_PREFLIGHT, "ok");
	progress(r, S_ADAPTER, "%s", r->adapter ? r->adapter->name : "none needed");
	rc = backup_begin(r->ctx->state_dir, r->ctx->command_line, &e) < 0 ?
	     wb_error(WB_EXIT_FAIL, "could not save history in '%s'; nothing was changed", r->ctx->state_dir) : 0;
	if (rc == 0 && r->wp.n) {
		journal_step(r, S_WINDOWS, "started", NULL);
		rc = transaction_apply_windows(&r->obs.host, &r->obs.win, &r->wp, e, failure_text, r);
		if (e->nwin || e->nirr)
			(void)backup_commit(e);
		journal_step(r, S_WINDOWS, rc ? "failed" : "done", NULL);
		progress(r, S_WINDOWS, rc ? "FAILED" : "%zu change%s made", r->wp.n, r->wp.n == 1 ? "" : "s");
	} else if (rc == 0) {
		journal_step(r, S_WINDOWS, "skipped", "nothing to change");
		progress(r, S_WINDOWS, "nothing to change");
	}
	if (rc == 0) {
		journal_step(r, S_WSLCONFIG, "started", NULL);
		rc = write_wslconfig(r, e);
		journal_step(r, S_WSLCONFIG, rc ? "failed" : "done", NULL);
		progress(r, S_WSLCONFIG, rc ? "FAILED" : r->file_changes ? "written" : "nothing to change");
	}
	if (rc == 0) {
		journal_step(r, S_WSLCONF, "skipped", "nothing to change");
		progress(r, S_WSLCONF, "nothing to change");
		save_record(r);
	}
	if (e && !e->nfiles && !e->nwin && !e->nirr)
		(void)backup_discard(e);
	backup_entry_free(e);
	if (rc) {
		journal_end(r, "failed");
		return rc;
	}
	if (r->restart_needed) {
		journal_step(r, S_RESTART, "awaiting", NULL);
		journal_end(r, "awaiting-restart");
		progress(r, S_RESTART, "needed");
		if (r->o->restart)
			return restart_wsl(r);
		printf("\n%c%s mode takes effect when WSL restarts. From Windows (PowerShell or cmd), run:\n"
		       "    wsl.exe --shutdown\n"
		       "wait about 8 seconds, start WSL again, and run `wslbridge %s` to verify.\n"
		       "(`wslbridge %s --restart` does the shutdown itself, as its very last action.)\n",
		       toupper((unsigned char)r->mode[0]), r->mode + 1, r->verb, r->verb);
		return WB_EXIT_RESTART;
	}
	journal_step(r, S_RESTART, "skipped", "not needed");
	progress(r, S_RESTART, "not needed");
	rc = verify(r);
	journal_step(r, S_VERIFY, rc ? "failed" : "done", NULL);
	journal_end(r, rc ? "failed" : "done");
	return rc;
}

static void note_last_run(struct run *r)
{
	struct journal last;

	if (journal_read(r->ctx, &last) < 0)
		return;
	if (last.state && strcmp(last.state, "done")) {
		const char *at = "?";

		for (size_t i = 0; i < last.nsteps; i++)
			if (strcmp(last.steps[i].state, "done") && strcmp(last.steps[i].state, "skipped")) {
				at = last.steps[i].name;
				break;
			}
		wb_note("the last %s (%s) ended %s at step '%s'; this run continues from what it finds",
			last.verb, last.time, last.state, at);
	}
	journal_release(&last);
}

/* A run that ended (killed) after it began changing Windows or .wslconfig:
 * its changes, now in place, still wait for a WSL restart. */
static bool interrupted_after_changes(const struct journal *j)
{
	if (!strcmp(j->state, "done") || !strcmp(j->state, "awaiting-restart"))
		return false;
	for (size_t i = S_WINDOWS; i <= S_WSLCONFIG && i < j->nsteps; i++)
		if (strcmp(j->steps[i].state, "planned") && strcmp(j->steps[i].state, "skipped"))
			return true;
	return false;
}

/*
 * 1 when the WSL VM booted after the ISO time when (btime in /proc/stat is
 * the VM's boot: `wsl --shutdown` and a start renew it), 0 if not, -1 unknown.
 */
static int booted_since(const struct wb_ctx *ctx, const char *when)
{
	char *path = wb_path(ctx, "/proc/stat");
	struct buf b = BUF_INIT;
	struct tm tm;
	const char *bt;
	int r = -1;

	memset(&tm, 0, sizeof(tm));
	if (when && strptime(when, "%Y-%m-%dT%H:%M:%SZ", &tm) && read_file(path, &b, NULL) == 0 &&
	    (bt = strstr(b.s, "btime ")) && (bt == b.s || bt[-1] == '\n'))
		r = strtoll(bt + 6, NULL, 10) >= (long long)timegm(&tm);
	buf_release(&b);
	free(path);
	return r;
}

/* WSL restarted since .wslconfig asked for this mode, and applied another one. */
static int report_fallback(struct run *r)
{
	char *why = !strcmp(r->mode, "mirrored") ? mirrored_fallback_reason(&r->obs) : NULL;

	wb_error(WB_EXIT_FAIL, "WSL restarted (after the last %s, %s) but did not apply %s mode:", r->j.verb,
		 r->j.time, r->mode);
	print_failures(r, "linux");
	if (why)
		fprintf(stderr, "WSL's reason: %s\n", why);
	else
		fprintf(stderr, "WSL prints its reason on Windows when it starts (run `wsl.exe` from PowerShell "
			"to see it); nothing this tool can observe explains it.\n");
	free(why);
	return WB_EXIT_FAIL;
}

static int finish_unchanged(struct run *r)
{
	bool last, awaiting;

	if (!failed(r, "linux", NULL)) {
		if (r->adapter)
			printf("Nothing to change: this machine matches target bridged (switch '%s' on %s).\n",
			       r->wp.switch_name ? r->wp.switch_name : r->switch_name, r->adapter->name);
		else
			printf("Nothing to change: this machine matches target %s.\n", r->mode);
		if (journal_read(r->ctx, &r->j) == 0 && r->j.state && strcmp(r->j.state, "done")) {
			/* The restart this run found closes the last one's journal. */
			for (size_t i = 0; i < r->j.nsteps; i++)
				if (!strcmp(r->j.steps[i].state, "awaiting") ||
				    !strcmp(r->j.steps[i].state, "planned"))
					journal_set_step(&r->j, i, "done", "verified by a later run");
			journal_end(r, "done");
		}
		save_record(r);
		return WB_EXIT_OK;
	}
	/* The last run's journal: did it wait for a restart, and did one happen since? */
	last = journal_read(r->ctx, &r->j) == 0 && r->j.state;
	awaiting = last && !strcmp(r->j.state, "awaiting-restart");
	if (failed(r, "linux", "restart") && awaiting && booted_since(r->ctx, r->j.time) == 1)
		return report_fallback(r);
	if (failed(r, "linux", "restart")) {
		printf("Windows and .wslconfig are ready; WSL has not restarted into %s mode yet.\n", r->mode);
		r->restart_needed = true;
		journal_release(&r->j);	/* this run's journal replaces it */
		memset(&r->j, 0, sizeof(r->j));
		journal_begin(r);
		journal_end(r, "awaiting-restart");
		if (r->o->restart)
			return restart_wsl(r);
		printf("From Windows run `wsl.exe --shutdown`, start WSL again, and run `wslbridge %s`.\n",
		       r->verb);
		return WB_EXIT_RESTART;
	}
	if (awaiting || (last && interrupted_after_changes(&r->j))) {
		printf("Windows and .wslconfig are ready. WSL may not have restarted since the last %s "
		       "(%s): from Windows run `wsl.exe --shutdown`, start WSL, and run `wslbridge %s` "
		       "again.\n", r->j.verb, r->j.time, r->verb);
		fprintf(stderr, "If it did restart, this is what is still wrong:\n");
		print_failures(r, "linux");
		return WB_EXIT_RESTART;
	}
	wb_error(WB_EXIT_FAIL, "Windows and .wslconfig are ready, but the Linux side is not:");
	print_failures(r, "linux");
	return WB_EXIT_FAIL;
}

int engine_run(struct wb_ctx *ctx, const struct engine_opts *o)
{
	struct run r;
	char *why = NULL;
	int rc, yes;

	memset(&r, 0, sizeof(r));
	r.ctx = ctx;
	r.o = o;
	r.verb = o->repair ? "repair" : "setup";
	rc = transaction_lock(ctx);
	if (rc)
		return rc;
	note_last_run(&r);
	if (observation_gather(ctx, false, &r.obs, &why) < 0) {
		rc = wb_error(WB_EXIT_FAIL, "%s", why);
		goto out;
	}
	if ((rc = settle(&r)) || (rc = load_target(&r)) || (rc = preflight(&r)))
		goto out;
	if (!strcmp(r.mode, "bridged") && (failed(&r, "windows", NULL) || o->switch_id))
		switch_plan(&r.obs.win, r.adapter, r.switch_name, o->switch_id, &r.wp);
	else if (!strcmp(r.mode, "mirrored") && failed(&r, "windows", "hvfw"))
		hvfw_plan(&r.obs.win, r.ports, r.nports, &r.wp);
	else if (!strcmp(r.mode, "nat") && failed(&r, "windows", "forward"))
		wb_note("port forwards point at an old address of WSL: `sudo wslbridge forward sync` fixes them");
	if (r.wp.refusal) {
		rc = wb_error(WB_EXIT_FAIL, "%s; nothing was changed", r.wp.refusal);
		goto out;
	}
	if ((rc = load_target(&r)) || (rc = plan_wslconfig(&r)))
		goto out;
	if (r.file_changes && !r.wp.n && !failed(&r, NULL, "wslconfig") && !failed(&r, NULL, "switch"))
		r.restart_needed = true;	/* only --dhcp/--ipv6 changed */
	if (!r.wp.n && !r.file_changes) {
		if (o->dry_run)
			print_diagnosis(&r);
		rc = finish_unchanged(&r);
		goto out;
	}
	/* WSL reads .wslconfig and attaches a switch when it starts; Hyper-V
	 * firewall rules alone apply at once. */
	if (!strcmp(r.mode, "bridged") || r.file_changes || failed(&r, "linux", "restart"))
		r.restart_needed = true;
	if (o->repair)
		print_diagnosis(&r);
	print_plan(&r);
	if (o->dry_run) {
		printf("\n(--dry-run: nothing was changed)\n");
		goto out;
	}
	yes = ctx_confirm(ctx, "\nApply this plan?");
	if (yes == -ENOTTY) {
		rc = wb_error(WB_EXIT_USAGE, "%s changes Windows and files and there is no terminal to "
			      "confirm on; pass --yes", r.verb);
		goto out;
	}
	if (yes == 0) {
		rc = wb_error(WB_EXIT_FAIL, "%s cancelled; nothing was changed", r.verb);
		goto out;
	}
	rc = apply(&r);
out:
	free(why);
	win_plan_release(&r.wp);
	check_report_release(&r.rep);
	target_release(&r.t);
	observation_release(&r.obs);
	journal_release(&r.j);
	buf_release(&r.old);
	buf_release(&r.neu);
	free(r.adapter_why);
	free(r.loopback);
	free(r.switch_name);
	free(r.mac);
	return rc;
}
