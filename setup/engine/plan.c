/* SPDX-License-Identifier: MIT */
/*
 * plan.c - before anything changes: what failed and what cannot be
 * mended (a refusal), the .wslconfig edit, and the plan printed before asking.
 */
#include "engine/run.h"
#include "conf/ini-lint.h"
#include "apply/plan-json.h"
#include "base/diff.h"
#include "conf/ini-edit.h"
#include "base/log.h"
#include "base/term.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

bool run_failed(const struct run *r, enum target_side side, enum target_fix fix)
{
	for (size_t i = 0; i < r->rep.n; i++) {
		const struct check_result *c = &r->rep.r[i];

		if (c->status == CHECK_FAIL && (side == RUN_ANY_SIDE || c->e->side == side) && (fix == FIX_NONE || c->e->fix == fix))
			return true;
	}
	return false;
}

bool run_unknown(const struct run *r, enum target_side side)
{
	for (size_t i = 0; i < r->rep.n; i++)
		if (r->rep.r[i].status == CHECK_UNKNOWN && (side == RUN_ANY_SIDE || r->rep.r[i].e->side == side))
			return true;
	return false;
}

/* What a run cannot mend by itself (a .wslconfig edit it can). */
static bool blocking(const struct check_result *c)
{
	return c->e->fix != FIX_WSLCONFIG;
}

void run_print_failures(const struct run *r, enum target_side side)
{
	for (size_t i = 0; i < r->rep.n; i++) {
		const struct check_result *c = &r->rep.r[i];

		if (c->status != CHECK_FAIL || c->e->side != side ||
		    (side == SIDE_ENVIRONMENT && !blocking(c)))
			continue;
		fprintf(stderr, "  - %s: observed %s\n", c->e->summary, *c->observed ? c->observed : "(unset)");
		if (c->remedy || c->e->remedy)
			fprintf(stderr, "    %s\n", c->remedy ? c->remedy : c->e->remedy);
	}
}

/* What works here instead: the modes whose target's environment side holds. */
static void suggest_modes(struct run *r)
{
	struct buf b = BUF_INIT;

	for (size_t m = 0; modes[m]; m++) {
		struct target t;
		struct target_error err;
		struct check_report rep;
		bool ok = true;

		if (modes[m] == r->m)
			continue;
		if (target_load(r->ctx, modes[m]->name, NULL, 0, &t, &err) < 0) {
			target_error_release(&err);
			continue;
		}
		target_gather(&t, &r->obs);
		compare_target(&t, &r->obs, &rep);
		for (size_t i = 0; i < rep.n; i++)
			if (rep.r[i].status == CHECK_FAIL && rep.r[i].e->side == SIDE_ENVIRONMENT &&
			    blocking(&rep.r[i]))
				ok = false;
		if (ok)
			buf_addf(&b, "    `wslbridge setup --mode %s`: %s\n", modes[m]->name, modes[m]->instead);
		check_report_release(&rep);
		target_release(&t);
	}
	if (b.len)
		fprintf(stderr, "What works on this machine instead:\n%s", b.s);
	else
		fprintf(stderr, "No other mode passes its checks on this machine either (`wslbridge check "
			"MODE` shows each one's); the reasons above say what to change.\n");
	buf_release(&b);
}

/* Environment failures we cannot mend are a refusal: nothing is changed. */
int run_preflight(struct run *r)
{
	bool stop = false;

	if (observation_env(&r->obs)->interop_note)	/* before the plan: it decides whether any of it can run */
		wb_warn("%s", observation_env(&r->obs)->interop_note);
	for (size_t i = 0; i < r->rep.n; i++) {
		const struct check_result *c = &r->rep.r[i];

		if (c->status == CHECK_FAIL && c->e->side == SIDE_ENVIRONMENT && blocking(c))
			stop = true;
	}
	if (!stop)
		return 0;
	wb_error(WB_EXIT_FAIL, "%s mode cannot work on this machine; nothing was changed:", run_mode_word(r));
	run_print_failures(r, SIDE_ENVIRONMENT);
	suggest_modes(r);
	return WB_EXIT_FAIL;
}

int run_edit_key(struct ini_doc *d, const char *key, const char *value)
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

const char *run_mode_word(const struct run *r)
{
	return !strcmp(r->mode, "nat") ? "NAT" : !strcmp(r->mode, "consomme") ? "Consomme" :
	       !strcmp(r->mode, "virtioproxy") ? "VirtioProxy" : r->mode;
}

int run_plan_wslconfig(struct run *r)
{
	struct ini_doc d = INI_DOC_INIT;
	int rc = read_file(r->obs.wslconfig_path, &r->old, &r->file_st);
	struct buf with_mode = BUF_INIT;
	const char *applied;
	bool mode_only;

	if (rc < 0 && rc != -ENOENT)
		return wb_error(WB_EXIT_FAIL, "cannot use '%s': %s; nothing was changed",
				r->obs.wslconfig_path, errstr(rc));
	r->file_exists = rc == 0;
	r->file_mode = r->file_exists ? r->file_st.st_mode & 07777 : 0644;
	rc = ini_load(&d, INI_WSLCONFIG, r->old.s ? r->old.s : "", r->old.len);
	if (rc == 0) {
		const char *cur = ini_value(&d, "wsl2.networkingMode");
		const char *want = r->m->wslconfig_mode ? r->m->wslconfig_mode(r, cur) : r->mode;

		if (!(cur && !strcasecmp(cur, want)))
			rc = run_edit_key(&d, "wsl2.networkingMode", want);
	}
	buf_add(&with_mode, d.text.s ? d.text.s : "", d.text.len);
	if (rc == 0)
		rc = r->m->plan_wslconfig ? r->m->plan_wslconfig(r, &d) : 0;
	mode_only = rc == 0 && d.text.len == with_mode.len && !memcmp(d.text.s ? d.text.s : "", with_mode.s ? with_mode.s : "", d.text.len);
	buf_release(&with_mode);
	if (rc == 0)
		rc = ini_encode(&d, d.text.s, d.text.len, &r->neu);
	r->file_changes = rc == 0 && (r->neu.len != r->old.len || memcmp(r->neu.s, r->old.s ? r->old.s : "", r->old.len));
	/* Writing down the mode WSL already applies changes nothing WSL does:
	 * no restart for that (`setup --mode nat` on a NAT machine). */
	applied = observation_env(&r->obs)->mode;
	r->file_inert = r->file_changes && mode_only && applied && !strcasecmp(applied, r->mode);
	ini_release(&d);
	return rc < 0 ? WB_EXIT_FAIL : 0;
}

/* E.20: an external switch takes over the adapter, and Windows' own
 * addresses move to its vEthernet adapter: the link drops meanwhile. */
static void print_network_drop(const struct run *r)
{
	for (size_t i = 0; i < r->wp.n; i++)
		if (r->wp.actions[i].type == HA_CREATE_SWITCH || r->wp.actions[i].type == HA_BIND_SWITCH) {
			printf("       note: this drops Windows' own network on %s for a few seconds while the switch "
			       "takes the adapter over\n"
			       "       (a remote desktop or VPN session over it may drop and reconnect)\n",
			       r->adapter ? term_safe(r->adapter->name) : "the adapter");
			return;
		}
}

/* What `config lint` finds in .wslconfig as it will be: the plan does not
 * fix it, but says it is there. */
static void print_other_problems(const struct run *r)
{
	struct ini_doc d = INI_DOC_INIT;
	struct lint l = { NULL, 0 };
	const struct buf *text = r->file_changes ? &r->neu : &r->old;

	if (ini_load(&d, INI_WSLCONFIG, text->s ? text->s : "", text->len) == 0) {
		ini_lint(&d, &l);
		if (l.n)
			printf("     (%zu other problem%s in .wslconfig, left as %s: `wslbridge config lint`)\n",
			       l.n, l.n == 1 ? "" : "s", l.n == 1 ? "it is" : "they are");
		lint_release(&l);
	}
	ini_release(&d);
}

void run_print_plan(struct run *r)
{
	struct buf d = BUF_INIT;

	if (r->adapter)
		printf("Plan for %s (target bridged: switch '%s', adapter %s, macAddress %s):\n", r->verb,
		       term_safe(r->wp.switch_name ? r->wp.switch_name : r->switch_name), term_safe(r->adapter->name), r->mac);
	else {
		char *ports = port_list_format(r->ports, r->nports);

		printf("Plan for %s (target %s%s%s):\n", r->verb, r->mode, *ports ? ", ports let in: " : "", ports);
		free(ports);
	}
	printf("  1. preflight: ok (Windows build %s.%s %s, WSL %s)\n", term_safe(r->obs.win.build),
	       term_safe(r->obs.win.ubr ? r->obs.win.ubr : "?"), term_safe(host_edition_name(r->obs.win.edition)),
	       term_safe(r->obs.win.wsl_version));
	if (r->adapter)
		printf("  2. adapter: %s\n", term_safe(r->adapter_why));
	else
		printf("  2. adapter: none needed (%s mode uses Windows' own networking)\n", run_mode_word(r));
	if (r->wp.warning)
		printf("     warning: %s\n", term_safe(r->wp.warning));
	if (!r->wp.n)
		printf("  3. Windows: nothing to change\n");
	else
		printf("  3. Windows, in one step (%s):\n", r->obs.win.elevated ? "already elevated" :
		       "one administrator (UAC) prompt");
	for (size_t i = 0; i < r->wp.n; i++)
		printf("       - %s\n", term_safe(r->wp.describe[i]));	/* names come from Windows */
	for (size_t i = 0; !r->o->repair && i < r->wp.ndiag; i++)
		printf("       (%s)\n", term_safe(r->wp.diagnosis[i]));
	print_network_drop(r);
	if (r->file_changes) {
		printf("  4. .wslconfig (%s):\n", term_safe(r->obs.wslconfig_path));
		diff_unified(".wslconfig", r->old.s ? r->old.s : "", r->old.len, r->neu.s, r->neu.len, &d);
		diff_print(stdout, "       ", &d);
	} else {
		printf("  4. .wslconfig: nothing to change\n");
	}
	print_other_problems(r);
	printf("  5. wsl.conf: nothing to change (%s mode needs nothing there)\n", run_mode_word(r));
	printf("  6. restart WSL: %s%s%s\n", r->restart_needed ? "needed: " : "not needed",
	       r->restart_needed ? run_mode_word(r) : "", r->restart_needed ? " mode takes effect after `wsl.exe --shutdown`" : "");
	printf("  7. verify: the Linux side%s\n", r->restart_needed ? ", after the restart" : "");
	buf_release(&d);
}

void run_print_diagnosis(const struct run *r)
{
	if (!r->rep.fail)
		return;
	printf("What is broken:\n");
	for (size_t i = 0; i < r->wp.ndiag; i++)
		printf("  - %s\n", term_safe(r->wp.diagnosis[i]));
	for (size_t i = 0; i < r->rep.n; i++) {
		const struct check_result *c = &r->rep.r[i];

		if (c->status == CHECK_FAIL && c->e->side != SIDE_WINDOWS)
			printf("  - %s: observed %s\n", c->e->summary, *c->observed ? c->observed : "(unset)");
	}
	putchar('\n');
}

/* What is broken, in words, for the JSON plan: the Windows diagnosis, then each other failure. */
static size_t diagnosis(const struct run *r, char **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < r->wp.ndiag && n < max; i++)
		out[n++] = xstrdup(r->wp.diagnosis[i]);
	for (size_t i = 0; i < r->rep.n && n < max; i++) {
		const struct check_result *c = &r->rep.r[i];

		if (c->status == CHECK_FAIL && c->e->side != SIDE_WINDOWS)
			out[n++] = xasprintf("%s: observed %s", c->e->summary, *c->observed ? c->observed : "(unset)");
	}
	return n;
}

int run_print_plan_json(struct run *r, bool pending)
{
	char *diag[PLAN_MAX * 2], *ports = port_list_format(r->ports, r->nports);
	struct changeset cs = { .n = 0 };
	const char *facts[] = {
		"mode", r->mode, "target", r->t.name,
		"adapter", r->adapter ? r->adapter->name : NULL,
		"switch", r->adapter ? (r->wp.switch_name ? r->wp.switch_name : r->switch_name) : NULL,
		"mac", r->adapter ? r->mac : NULL, "ports", *ports ? ports : NULL,
	};
	struct plan_doc d = { .verb = r->verb, .pending = pending, .wp = &r->wp, .elevated = r->obs.win.elevated,
			      .cs = &cs, .restart = r->restart_needed, .diagnosis = diag, .facts = facts,
			      .nfacts = sizeof(facts) / sizeof(facts[0]) / 2 };
	int rc;

	if (r->file_changes && r->obs.wslconfig_path) {
		struct change *c = changeset_add(&cs, xstrdup(r->obs.wslconfig_path), ".wslconfig", r->file_mode);

		buf_reset(&c->neu);
		buf_add(&c->neu, r->neu.s ? r->neu.s : "", r->neu.len);
	}
	d.ndiag = diagnosis(r, diag, PLAN_MAX * 2);
	rc = plan_print_json(&d);
	for (size_t i = 0; i < d.ndiag; i++)
		free(diag[i]);
	changeset_release(&cs);
	free(ports);
	return rc;
}
