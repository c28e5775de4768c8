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
#include "engine/run.h"
#include "base/fault.h"
#include "vswitch/hvfw-plan.h"
#include "base/log.h"
#include "apply/runlog.h"
#include "targets/record.h"
#include "base/spawn.h"
#include "apply/transaction.h"
#include "apply/rescue.h"
#include "base/sha256.h"
#include "base/term.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char *const step_names[S_COUNT] = {
	"preflight", "adapter", "Windows", ".wslconfig", "wsl.conf", "restart", "verify",
};

void run_progress(struct run *r, int step, const char *fmt, ...)
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

void run_journal_step(struct run *r, int step, enum journal_state state, const char *detail)
{
	journal_set_step(&r->j, (size_t)step, state, detail);
	if (journal_write(r->ctx, &r->j) < 0)
		wb_warn("could not write the journal in '%s'", r->ctx->state_dir);
	fault_point(step_names[step]);
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

static int write_wslconfig(struct run *r, struct transaction *t)
{
	if (!r->file_changes)
		return 0;
	return transaction_file(t, r->obs.wslconfig_path, &r->old, r->file_exists ? &r->file_st : NULL,
				r->file_mode, &r->neu);
}

static void save_record(struct run *r)
{
	struct target_params params = { NULL, NULL, 0 };

	if (r->m->params)
		r->m->params(r, &params);
	if (record_write(r->ctx, r->mode, &params) < 0)
		wb_warn("could not record the target in '%s'; check and repair will infer it", r->ctx->state_dir);
	target_params_release(&params);
}

/* The record in the setup's own history entry, so undo takes it back too. */
static int record_in(struct run *r, struct transaction *t)
{
	struct target_params params = { NULL, NULL, 0 };
	struct buf old = BUF_INIT, neu = BUF_INIT;
	char *path = record_path(r->ctx);
	struct stat st;
	bool existed = read_file(path, &old, &st) == 0;
	int rc;

	if (r->m->params)
		r->m->params(r, &params);
	record_render(r->mode, &params, &neu);
	rc = transaction_file(t, path, &old, existed ? &st : NULL, 0644, &neu);
	target_params_release(&params);
	buf_release(&old);
	buf_release(&neu);
	free(path);
	return rc;
}

static int restart_wsl(struct run *r)
{
	char *drive = NULL, *wsl = wslenv_windows_program(r->ctx, &r->obs.host.env,
							  "Windows/System32/wsl.exe", &drive);
	const char *argv[] = { wsl, "--shutdown", NULL };
	struct spawn_opts so = { .argv = argv, .cwd = drive, .timeout_ms = 60000 };
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
	int rc = observation_gather(r->ctx, true, 0, &again, &why);

	free(why);
	if (rc == 0) {
		/* Windows and files were just compared; the Linux side is what is left. */
		again.have_windows = false;
		check_report_release(&r->rep);
		target_gather(&r->t, &again);
		compare_target(&r->t, &again, &r->rep);
	}
	observation_release(&again);
	if (run_failed(r, SIDE_LINUX, FIX_NONE)) {
		run_progress(r, S_VERIFY, "FAILED");
		wb_error(WB_EXIT_FAIL, "the Linux side does not match %s mode:", run_mode_word(r));
		run_print_failures(r, SIDE_LINUX);
		return WB_EXIT_FAIL;
	}
	run_progress(r, S_VERIFY, "ok: WSL runs in %s mode", run_mode_word(r));
	return WB_EXIT_OK;
}

/*
 * The way back from Windows (apply/rescue.h): its files are read before
 * anything changes and written before .wslconfig is, so that a change that
 * could cut WSL off is made only with the rescue in place.
 */
static bool wants_rescue(const struct run *r)
{
	bool creates = false;

	/* what the rescue can take back: .wslconfig, and a switch this run makes */
	for (size_t i = 0; i < r->wp.n; i++)
		creates |= r->wp.actions[i].type == HA_CREATE_SWITCH;
	return (creates || r->file_changes) && r->obs.host.profile_win;
}

static int leave_rescue(struct run *r, struct transaction *t)
{
	struct rescue_change rc = { .mode = r->mode, .switch_name = r->wp.switch_name, .before = &r->old,
				    .existed = r->file_exists };

	return wants_rescue(r) ? rescue_leave(t, &rc, &r->rescue) : 0;
}

static void print_rescue(const struct run *r)
{
	char hex[65];

	if (!r->rescue_win)
		return;
	sha256_hex(wslbridge_rescue_ps1, wslbridge_rescue_ps1_len, hex);
	printf("If WSL no longer starts or has no network, revert this from Windows, in PowerShell:\n"
	       "    powershell -ExecutionPolicy Bypass -File \"%s\" -Revert\n"
	       "(as administrator to remove the switch too; the script's SHA-256 is %s)\n",
	       term_safe(r->rescue_win), hex);
}

static void journal_begin(struct run *r)
{
	char stamp[32];
	time_t now = time(NULL);

	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	r->j.verb = xstrdup(r->verb);
	r->j.state = JS_APPLYING;
	r->j.time = xstrdup(stamp);
	for (int i = 0; i < S_COUNT; i++)
		journal_add_step(&r->j, step_names[i]);
}

static void journal_end(struct run *r, enum journal_state state)
{
	r->j.state = state;
	if (journal_write(r->ctx, &r->j) < 0)
		wb_warn("could not write the journal in '%s'", r->ctx->state_dir);
	fault_point("journal end");
}

static int apply(struct run *r)
{
	struct transaction t = { 0 };
	int rc;

	journal_begin(r);
	runlog_changed();
	for (int s = S_PREFLIGHT; s <= S_ADAPTER; s++)
		run_journal_step(r, s, JS_DONE, NULL);
	run_progress(r, S_PREFLIGHT, "ok");
	run_progress(r, S_ADAPTER, "%s", r->adapter ? r->adapter->name : "none needed");
	rc = wants_rescue(r) ? rescue_prepare(&r->obs.host, &r->rescue, &r->rescue_win) : 0;
	if (rc == 0)
		rc = transaction_begin(r->ctx, &t);
	if (rc == 0 && r->wp.n) {
		run_journal_step(r, S_WINDOWS, JS_STARTED, NULL);
		rc = transaction_windows(&t, &r->obs.host, &r->obs.win, &r->wp, failure_text, r);
		run_journal_step(r, S_WINDOWS, rc ? JS_FAILED : JS_DONE, NULL);
		run_progress(r, S_WINDOWS, rc ? "FAILED" : "%zu change%s made", r->wp.n, r->wp.n == 1 ? "" : "s");
	} else if (rc == 0) {
		run_journal_step(r, S_WINDOWS, JS_SKIPPED, "nothing to change");
		run_progress(r, S_WINDOWS, "nothing to change");
	}
	if (rc == 0)
		rc = leave_rescue(r, &t);
	if (rc == 0 && r->o->try_seconds && r->restart_needed)
		rc = r->o->try_files(r->ctx, &t, r->o->try_seconds);
	if (rc == 0) {
		run_journal_step(r, S_WSLCONFIG, JS_STARTED, NULL);
		rc = write_wslconfig(r, &t);
		run_journal_step(r, S_WSLCONFIG, rc ? JS_FAILED : JS_DONE, NULL);
		run_progress(r, S_WSLCONFIG, rc ? "FAILED" : r->file_changes ? "written" : "nothing to change");
	}
	if (rc == 0) {
		run_journal_step(r, S_WSLCONF, JS_SKIPPED, "nothing to change");
		run_progress(r, S_WSLCONF, "nothing to change");
		if (record_in(r, &t))
			wb_warn("could not record the target in '%s'; check and repair will infer it",
				r->ctx->state_dir);
	}
	transaction_end(&t);
	changeset_release(&r->rescue);	/* when not written: the Windows step failed */
	if (rc) {
		journal_end(r, JS_FAILED);
		return rc;
	}
	if (r->restart_needed) {
		run_journal_step(r, S_RESTART, JS_AWAITING, NULL);
		journal_end(r, JS_AWAITING_RESTART);
		run_progress(r, S_RESTART, "needed");
		if (r->o->try_seconds)
			printf("--try: after the restart the new network has %us to prove itself (address, "
			       "route, DNS) and to be confirmed with `sudo wslbridge confirm`; else the boot "
			       "hook puts the previous .wslconfig back.\n", r->o->try_seconds);
		if (r->o->restart) {
			print_rescue(r);
			return restart_wsl(r);
		}
		printf("\n%c%s mode takes effect when WSL restarts. From Windows (PowerShell or cmd), run:\n"
		       "    wsl.exe --shutdown\n"
		       "wait about 8 seconds, start WSL again, and run `wslbridge %s` to verify.\n"
		       "(`wslbridge %s --restart` does the shutdown itself, as its very last action.)\n",
		       toupper((unsigned char)run_mode_word(r)[0]), run_mode_word(r) + 1, r->verb, r->verb);
		print_rescue(r);
		return WB_EXIT_RESTART;
	}
	run_journal_step(r, S_RESTART, JS_SKIPPED, "not needed");
	run_progress(r, S_RESTART, "not needed");
	rc = verify(r);
	print_rescue(r);
	run_journal_step(r, S_VERIFY, rc ? JS_FAILED : JS_DONE, NULL);
	journal_end(r, rc ? JS_FAILED : JS_DONE);
	return rc;
}

static int booted_since(const struct run *r, const char *when);

static void note_last_run(struct run *r)
{
	struct journal last;

	int e = journal_read(r->ctx, &last);

	if (e == -EBADMSG)
		wb_warn("'%s/journal.xml' is not a journal this wslbridge wrote (a step or the run has no "
			"state it knows); it is ignored", r->ctx->state_dir);
	if (e < 0)
		return;
	if (last.state == JS_AWAITING_RESTART) {
		/* the normal second run of a setup, not a recovery */
		if (booted_since(r, last.time) == 1)
			wb_note("verifying after the restart the last %s (%s) asked for", last.verb, last.time);
		else
			wb_note("the last %s (%s) is waiting for WSL to restart", last.verb, last.time);
	} else if (last.state != JS_UNKNOWN && last.state != JS_DONE) {
		const char *at = "?";

		for (size_t i = 0; i < last.nsteps; i++)
			if (last.steps[i].state != JS_DONE && last.steps[i].state != JS_SKIPPED) {
				at = last.steps[i].name;
				break;
			}
		wb_note("the last %s (%s) ended %s at step '%s'; this run continues from what it finds",
			last.verb, last.time, journal_state_name(last.state), at);
	}
	journal_release(&last);
}

/* A run that ended (killed) after it began changing Windows or .wslconfig:
 * its changes, now in place, still wait for a WSL restart. */
static bool interrupted_after_changes(const struct journal *j)
{
	if (j->state == JS_DONE || j->state == JS_AWAITING_RESTART)
		return false;
	for (size_t i = S_WINDOWS; i <= S_WSLCONFIG && i < j->nsteps; i++)
		if (j->steps[i].state != JS_PLANNED && j->steps[i].state != JS_SKIPPED)
			return true;
	return false;
}

/* 1 when the WSL VM booted after the ISO time when, 0 if not, -1 unknown. */
static int booted_since(const struct run *r, const char *when)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (r->obs.boot_time < 0 || !when || !strptime(when, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return -1;
	return r->obs.boot_time >= (long long)timegm(&tm);
}

/* WSL restarted since .wslconfig asked for this mode, and applied another one. */
static int report_fallback(struct run *r)
{
	char *why = r->m->fallback_reason ? r->m->fallback_reason(r) : NULL;

	wb_error(WB_EXIT_FAIL, "WSL restarted (after the last %s, %s) but did not apply %s mode:", r->j.verb,
		 r->j.time, r->mode);
	run_print_failures(r, SIDE_LINUX);
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

	if (!run_failed(r, SIDE_LINUX, FIX_NONE)) {
		if (r->adapter)
			printf("Nothing to change: this machine matches target bridged (switch '%s' on %s).\n",
			       r->wp.switch_name ? r->wp.switch_name : r->switch_name, r->adapter->name);
		else
			printf("Nothing to change: this machine matches target %s.\n", r->mode);
		if (journal_read(r->ctx, &r->j) == 0 && r->j.state != JS_UNKNOWN && r->j.state != JS_DONE) {
			/* The restart this run found closes the last one's journal. */
			for (size_t i = 0; i < r->j.nsteps; i++)
				if (r->j.steps[i].state == JS_AWAITING || r->j.steps[i].state == JS_PLANNED)
					journal_set_step(&r->j, i, JS_DONE, "verified by a later run");
			journal_end(r, JS_DONE);
		}
		save_record(r);
		return WB_EXIT_OK;
	}
	/* The last run's journal: did it wait for a restart, and did one happen since? */
	last = journal_read(r->ctx, &r->j) == 0 && r->j.state != JS_UNKNOWN;
	awaiting = last && r->j.state == JS_AWAITING_RESTART;
	if (run_failed(r, SIDE_LINUX, FIX_RESTART) && awaiting && booted_since(r, r->j.time) == 1)
		return report_fallback(r);
	if (run_failed(r, SIDE_LINUX, FIX_RESTART)) {
		printf("Windows and .wslconfig are ready; WSL has not restarted into %s mode yet.\n", run_mode_word(r));
		r->restart_needed = true;
		journal_release(&r->j);	/* this run's journal replaces it */
		memset(&r->j, 0, sizeof(r->j));
		journal_begin(r);
		journal_end(r, JS_AWAITING_RESTART);
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
		run_print_failures(r, SIDE_LINUX);
		return WB_EXIT_RESTART;
	}
	wb_error(WB_EXIT_FAIL, "Windows and .wslconfig are ready, but the Linux side is not:");
	run_print_failures(r, SIDE_LINUX);
	return WB_EXIT_FAIL;
}

/*
 * --dry-run --json with nothing to change: the empty plan, and the exit code
 * finish_unchanged() would give (0 verified, 4 waiting for WSL's restart, 1
 * the Linux side wrong), without its writes: a dry run records nothing.
 */
static int dry_run_unchanged_json(struct run *r)
{
	int rc = run_print_plan_json(r, false);

	if (rc || !run_failed(r, SIDE_LINUX, FIX_NONE))
		return rc;
	return run_failed(r, SIDE_LINUX, FIX_RESTART) ? WB_EXIT_RESTART : WB_EXIT_FAIL;
}

static void run_release(struct run *r)
{
	win_plan_release(&r->wp);
	check_report_release(&r->rep);
	target_release(&r->t);
	observation_release(&r->obs);
	journal_release(&r->j);
	buf_release(&r->old);
	buf_release(&r->neu);
	free(r->adapter_why);
	free(r->rescue_win);
	free(r->loopback);
	free(r->switch_name);
	free(r->mac);
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
	if (observation_gather(ctx, false, run_guess_facts(ctx, o), &r.obs, &why) < 0) {
		rc = wb_error(WB_EXIT_FAIL, "%s", why);
		goto out;
	}
	/* the real .wslconfig may pick a mode whose facts the guess left out */
	if (observation_ask_more(&r.obs, run_mode_facts(ctx, o, &r.obs), &why) < 0) {
		rc = wb_error(WB_EXIT_FAIL, "%s", why);
		goto out;
	}
	note_last_run(&r);	/* after the observation: it knows when WSL booted */
	if ((rc = run_settle(&r)) || (rc = run_load_target(&r)) || (rc = run_preflight(&r)))
		goto out;
	if (r.m->plan_windows)
		r.m->plan_windows(&r);
	if (r.wp.refusal) {
		rc = wb_error(WB_EXIT_FAIL, "%s; nothing was changed", r.wp.refusal);
		goto out;
	}
	if ((rc = run_load_target(&r)) || (rc = run_plan_wslconfig(&r)))
		goto out;
	if (r.file_changes && !r.file_inert && !r.wp.n && !run_failed(&r, RUN_ANY_SIDE, FIX_WSLCONFIG) &&
	    !run_failed(&r, RUN_ANY_SIDE, FIX_SWITCH))
		r.restart_needed = true;	/* only --dhcp/--ipv6 changed */
	if (!r.wp.n && !r.file_changes) {
		if (o->dry_run && o->json) {
			rc = dry_run_unchanged_json(&r);
			goto out;
		}
		if (o->dry_run)
			run_print_diagnosis(&r);
		rc = finish_unchanged(&r);
		goto out;
	}
	/* WSL reads .wslconfig and attaches a switch when it starts; Hyper-V
	 * firewall rules alone apply at once. */
	if (r.m->restart_always || (r.file_changes && !r.file_inert) || run_failed(&r, SIDE_LINUX, FIX_RESTART))
		r.restart_needed = true;
	if (o->dry_run && o->json) {
		rc = run_print_plan_json(&r, true);
		rc = rc ? rc : o->detailed_exitcode ? WB_EXIT_PENDING : WB_EXIT_OK;
		goto out;
	}
	if (o->repair)
		run_print_diagnosis(&r);
	run_print_plan(&r);
	if (o->dry_run) {
		printf("\n(--dry-run: nothing was changed)\n");
		rc = o->detailed_exitcode ? WB_EXIT_PENDING : WB_EXIT_OK;
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
	run_release(&r);
	return rc;
}
