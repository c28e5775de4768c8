/* SPDX-License-Identifier: MIT */
/*
 * transaction.c - see transaction.h: the run's lock, a file change with its
 * history entry, and a plan's Windows actions with their undo.
 */
#include "apply/transaction.h"
#include "apply/backup.h"
#include "apply/runlog.h"
#include "base/atomic-file.h"
#include "base/fault.h"
#include "base/lock.h"
#include "base/log.h"
#include "base/trust.h"
#include "host/host.h"
#include "vswitch/switch-plan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <strings.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static int held_lock = -1;

/*
 * What an interruption (Ctrl-C, SIGTERM) says: written ahead at each step,
 * so the handler only write(2)s it.  The locks go by atomic-file's handler,
 * which runs this one after it, or before it if it came first.
 */
static char intr_note[2048];
static struct sigaction intr_prev[2];
static const int intr_signals[2] = { SIGINT, SIGTERM };

static void on_interrupt(int sig)
{
	size_t len = strlen(intr_note);

	if (len)
		(void)!write(STDERR_FILENO, intr_note, len);
	for (int i = 0; i < 2; i++)
		if (intr_signals[i] == sig && intr_prev[i].sa_handler != SIG_DFL &&
		    intr_prev[i].sa_handler != SIG_IGN && !(intr_prev[i].sa_flags & SA_SIGINFO))
			intr_prev[i].sa_handler(sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

void transaction_interrupt_note(const char *text)
{
	static bool installed;

	if (!installed) {
		installed = true;
		for (int i = 0; i < 2; i++) {
			struct sigaction sa;

			memset(&sa, 0, sizeof(sa));
			sa.sa_handler = on_interrupt;
			sigemptyset(&sa.sa_mask);
			(void)sigaction(intr_signals[i], &sa, &intr_prev[i]);
		}
	}
	snprintf(intr_note, sizeof(intr_note), "%s", text ? text : "");
}

static void say_on_interrupt(const struct transaction *t, const char *done, const char *next)
{
	char note[sizeof(intr_note)];

	if (done)
		snprintf(note, sizeof(note), "\nwslbridge: interrupted %s (history entry #%u).\n%s\n",
			 done, t->e ? t->e->seq : 0, next);
	transaction_interrupt_note(done ? note : NULL);
}

static void say_next(const struct transaction *t, const char *done)
{
	char next[1024];

	snprintf(next, sizeof(next), "Run `wslbridge undo` to revert what was recorded (it looks at Windows "
		 "again first), or `%s` again to finish.", t->ctx->command_line ? t->ctx->command_line : "wslbridge");
	say_on_interrupt(t, done, next);
}

static void say_waiting(pid_t holder)
{
	wb_note("waiting for another wslbridge run (pid %ld) to finish...", (long)holder);
}

int transaction_lock(struct wb_ctx *ctx)
{
	static const char *const swept[] = { "/etc", "/etc/wslbridge", "/usr/local/lib/wslbridge" };
	const char *w = getenv("WSLBRIDGE_LOCK_WAIT");
	pid_t holder = 0;
	char *why = NULL;
	int r;

	if (held_lock >= 0)
		return WB_EXIT_OK;
	if (trust_state_dir(ctx->state_dir, &why) < 0 && why) {
		wb_error(WB_EXIT_FAIL, "will not use the state directory '%s': %s; nothing was changed",
			 ctx->state_dir, why);
		wb_hint("if it is yours, `chown -R %u '%s'` and `chmod go-w '%s'`; otherwise choose "
			"another with --state-dir or WSLBRIDGE_STATE_DIR", (unsigned)geteuid(),
			ctx->state_dir, ctx->state_dir);
		free(why);
		return WB_EXIT_FAIL;
	}
	r = global_lock_take(ctx->state_dir, w && *w ? atof(w) : 30.0, say_waiting,
			     &held_lock, &holder);
	if (r == -EWOULDBLOCK) {
		wb_error(WB_EXIT_FAIL, "another wslbridge run (pid %ld) is still changing "
			 "things; nothing was changed", (long)holder);
		wb_hint("try again when it has finished");
		return WB_EXIT_FAIL;
	}
	if (r < 0) {
		wb_error(WB_EXIT_FAIL, "could not use the state directory '%s': %s",
			 ctx->state_dir, errstr(r));
		wb_hint("run with sudo, or choose another place with --state-dir or "
			"WSLBRIDGE_STATE_DIR");
		return WB_EXIT_FAIL;
	}
	atomic_file_sweep_stale(ctx->state_dir, 2);	/* a killed run's, now that we hold the lock */
	/* and next to the distribution's files we change (a file removed with its lock left) */
	for (size_t i = 0; i < sizeof(swept) / sizeof(swept[0]); i++) {
		char *dir = wb_path(ctx, swept[i]);

		atomic_file_sweep_stale(dir, 0);
		free(dir);
	}
	return WB_EXIT_OK;
}

static int report_write_error(const char *path, int r)
{
	char *lock = atomic_file_lock_name(path);

	if (r == -ESTALE) {
		wb_error(WB_EXIT_FAIL, "'%s' changed since the plan was made; it was left as it was", path);
		wb_hint("run the command again to plan from what is there now");
	} else if (r == -EEXIST) {
		wb_error(WB_EXIT_FAIL, "'%s' is locked by another writer; it was left as it was", path);
		wb_hint("if no wslbridge is running, a run was killed: remove '%s'", lock);
	} else {
		wb_error(WB_EXIT_FAIL, "could not write '%s': %s; it was left as it was",
			 path, errstr(r));
		if (r == -EPERM || r == -EACCES)
			wb_hint("check that you may write to it and its folder (on /mnt/c, "
				"that it is not read-only in Windows)");
	}
	free(lock);
	return WB_EXIT_FAIL;
}

static void warn_not_durable(const char *path, bool nd)
{
	if (nd)
		wb_warn("'%s' was written but its folder could not be flushed to disk", path);
}

/* The history needs a path that still works from another directory. */
static char *absolute(const char *path)
{
	char *copy = xstrdup(path), *slash = strrchr(copy, '/'), *dir, *r;

	if (slash)
		*slash = '\0';
	dir = realpath(slash ? (*copy ? copy : "/") : ".", NULL);
	r = dir ? path_join(dir, path_basename(path)) : xstrdup(path);
	free(dir);
	free(copy);
	return r;
}

static int history_failed(const struct transaction *t, int r)
{
	wb_error(WB_EXIT_FAIL, "could not save history in '%s': %s; nothing was changed",
		 t->ctx->state_dir, errstr(r));
	wb_hint("run with sudo, or choose another place with --state-dir or WSLBRIDGE_STATE_DIR");
	return WB_EXIT_FAIL;
}

int transaction_begin(struct wb_ctx *ctx, struct transaction *t)
{
	int r;

	memset(t, 0, sizeof(*t));
	t->ctx = ctx;
	r = backup_begin(ctx->state_dir, ctx->command_line, &t->e);
	if (r < 0)
		return history_failed(t, r);
	runlog_changed();
	say_on_interrupt(t, "before anything was changed", "Nothing needs undoing; run the command again.");
	return WB_EXIT_OK;
}

void transaction_end(struct transaction *t)
{
	if (t->e && !t->written && !t->e->nwin && !t->e->nirr)
		(void)backup_discard(t->e);
	else if (t->e)
		say_on_interrupt(t, "after the change was made and recorded",
				 "`wslbridge undo` reverts it; `wslbridge undo --list` shows it.");
	if (!t->e || (!t->written && !t->e->nwin && !t->e->nirr))
		say_on_interrupt(t, NULL, NULL);
	backup_entry_free(t->e);
	t->e = NULL;
}

/* A killed run's lock next to path, which no run may write again (its file
 * was removed, or is already as undo wants it): the global lock is held. */
static void sweep_next_to(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');

	if (slash) {
		*slash = '\0';
		atomic_file_sweep_stale(*dir ? dir : "/", 0);
	}
	free(dir);
}

/* Write (or remove) one planned file: 0 or -errno, said once. */
static int write_one(struct transaction *t, const struct change *c)
{
	const struct atomic_was was = { c->existed, c->dev, c->ino, c->old.s, c->old.len };
	char *dir = xstrdup(c->path), *slash = strrchr(dir, '/');
	bool nd = false;
	int r = 0;

	if (slash && slash != dir && !c->remove) {
		*slash = '\0';
		r = mkdir_p(dir, 0755);
	}
	free(dir);
	if (r == 0)
		r = c->remove ? atomic_file_remove_planned(c->path, &was, &nd)
			      : atomic_file_replace_planned(c->path, &was, c->neu.s ? c->neu.s : "", c->neu.len,
							    c->mode, &nd);
	if (r < 0)
		return report_write_error(c->path, r);
	warn_not_durable(c->path, nd);
	t->written++;
	return 0;
}

int transaction_files(struct transaction *t, struct changeset *cs)
{
	int r = 0;

	for (size_t i = 0; i < cs->n; i++)
		if (cs->c[i].read_err)
			return wb_error(WB_EXIT_FAIL, "cannot use '%s': %s; nothing was changed",
					cs->c[i].path, errstr(cs->c[i].read_err));
	for (size_t i = 0; r == 0 && i < cs->n; i++) {
		const struct change *c = &cs->c[i];
		char *abs = change_differs(c) ? absolute(c->path) : NULL;

		if (abs)
			r = backup_add(t->e, abs, &c->old, c->existed, c->mode, &c->neu, !c->remove);
		free(abs);
	}
	if (r == 0)
		r = backup_commit(t->e);	/* write-ahead: recorded before anything is written */
	if (r < 0)
		return history_failed(t, r);
	for (size_t i = 0; i < cs->n; i++) {
		char done[512];

		sweep_next_to(cs->c[i].path);
		if (!change_differs(&cs->c[i]))
			continue;
		snprintf(done, sizeof(done), "while writing the files: %zu written so far, each whole; "
			 "next was %s", t->written, cs->c[i].path);
		say_next(t, done);
		if (write_one(t, &cs->c[i]))
			return WB_EXIT_FAIL;
	}
	return WB_EXIT_OK;
}

int transaction_file(struct transaction *t, const char *path, const struct buf *old,
		     const struct stat *old_st, mode_t mode, const struct buf *new_)
{
	struct changeset cs = { .n = 1 };

	memset(&cs.c[0], 0, sizeof(cs.c[0]));
	cs.c[0].path = (char *)path;
	cs.c[0].old = *old;
	cs.c[0].existed = old_st != NULL;
	cs.c[0].dev = old_st ? old_st->st_dev : 0;
	cs.c[0].ino = old_st ? old_st->st_ino : 0;
	cs.c[0].mode = mode;
	cs.c[0].neu = *new_;
	return transaction_files(t, &cs);	/* cs borrows the bytes: nothing to release */
}

int transaction_write_file(struct wb_ctx *ctx, const char *path, const struct buf *old,
			   const struct stat *old_st, mode_t mode, const struct buf *new_)
{
	struct transaction t;
	int rc = transaction_begin(ctx, &t);

	if (rc == 0)
		rc = transaction_file(&t, path, old, old_st, mode, new_);
	transaction_end(&t);
	return rc;
}

/* Undo what succeeded, newest first. */
static void record_windows_undo(const struct win_plan *wp, const struct host_state *after,
				struct backup_entry *e)
{
	for (size_t i = wp->n; i-- > 0;) {
		const struct host_result *res = i < after->nresults ? &after->results[i] : NULL;

		/* effect none: it was so already, so there is nothing of ours to undo */
		if (!res || !res->status || strcmp(res->status, "ok") || (res->effect && !strcmp(res->effect, "none")))
			continue;
		if (wp->irreversible[i])
			backup_add_irreversible(e, wp->irreversible[i]);
		else if (wp->undo[i].type == HA_REMOVE_SWITCH) {
			/* the new switch's id is known only now; one that was there
			 * already (effect none) was not made by this run; its name is
			 * for undo --list only (revert acts on the id) */
			const char *kv[] = { "switch-id", res->switch_id, wp->switch_name ? "switch-name" : NULL,
					     wp->switch_name, NULL };

			if (res->switch_id && res->effect && !strcmp(res->effect, "changed"))
				backup_add_windows_undo(e, "remove-switch", kv);
		} else if (wp->undo[i].type != HA_NONE) {
			backup_add_windows_undo(e, host_action_name(wp->undo[i].type), wp->undo[i].attrs);
		}
	}
}

/*
 * The intent, before the launch: each action's undo, pending.  A switch's id
 * is not known yet: its name and the ids that were there before stand for
 * it, so undo can find it on Windows.
 */
static void record_intent(const struct win_plan *wp, const struct host_state *before, struct backup_entry *e)
{
	for (size_t i = wp->n; i-- > 0;) {
		if (wp->irreversible[i] || wp->undo[i].type == HA_NONE)
			continue;
		if (wp->undo[i].type == HA_REMOVE_SWITCH) {
			struct buf ids = BUF_INIT;
			const char *kv[] = { "switch-name", wp->switch_name, "ids-before", NULL, NULL };

			for (size_t k = 0; k < before->nswitches; k++)
				buf_addf(&ids, "%s%s", ids.len ? " " : "", before->switches[k].id ? before->switches[k].id : "");
			kv[3] = ids.s ? ids.s : "";
			if (wp->switch_name)
				backup_add_windows_intent(e, "remove-switch", kv);
			buf_release(&ids);
		} else {
			backup_add_windows_intent(e, host_action_name(wp->undo[i].type), wp->undo[i].attrs);
		}
	}
}

/* Windows' own (localized) words, and the facts it was classified by. */
static char *default_failure_text(const struct host_result *r)
{
	return xasprintf("%s [%s%s%s]", r->message && *r->message ? r->message :
			 host_failure_name(host_result_failure(r)), r->fqid ? r->fqid : "",
			 r->hresult ? ", " : "", r->hresult ? r->hresult : "");
}

int transaction_windows(struct transaction *t, struct host *h, const struct host_state *before,
			const struct win_plan *wp, transaction_failure_text explain, const void *arg)
{
	struct backup_entry *e = t ? t->e : NULL;
	struct host_state after;
	char *why = NULL;
	int rc = WB_EXIT_OK;

	size_t had = e ? e->nwin : 0;

	memset(&after, 0, sizeof(after));
	runlog_changed();
	/* B.9: without a window handle the prompt may open behind the terminal */
	if (!before->elevated && wp->n)
		wb_note("Windows now asks for an administrator (UAC): the prompt may be behind this terminal "
			"or flashing in the taskbar");
	if (e) {
		/* write-ahead: an interruption during the launch leaves what undo needs */
		record_intent(wp, before, e);
		if (e->nwin > had && backup_commit(e) < 0) {
			backup_drop_windows_undo(e, had);
			return history_failed(t, -EIO);
		}
		say_next(t, "while Windows was being changed: the planned actions are recorded");
	}
	fault_point("intent recorded");
	if ((rc = host_apply(h, wp->actions, wp->n, &after, &why)) < 0) {
		/* after a timeout the elevated step may have done part of it */
		rc = wb_error(WB_EXIT_FAIL, "%s; %s", why, rc == -ETIMEDOUT ? "Windows may have been changed in "
			      "part: `wslbridge status` shows what it has" : "nothing was changed");
		goto out;
	}
	if (after.error) {
		why = host_error_text(after.error);
		rc = wb_error(WB_EXIT_FAIL, "%s", why);
		goto out;
	}
	if (e) {
		backup_drop_windows_undo(e, had);	/* the results replace the intent */
		record_windows_undo(wp, &after, e);
	}
	if (e && backup_commit(e) < 0)
		wb_warn("Windows was changed, but its undo could not be saved in '%s'", t->ctx->state_dir);
	if (e)
		say_next(t, "after Windows was changed (its undo is recorded)");
	for (size_t i = 0; i < after.nresults && i < wp->n; i++) {
		wb_debug("Windows: %s: %s in %d ms", wp->describe[i], after.results[i].status, after.results[i].ms);
		if (after.results[i].settled && !strcmp(after.results[i].settled, "false"))
			wb_warn("Windows' own network is still settling: 20 s after '%s' its vEthernet adapter had "
				"no IPv4 address and default route back (with DHCP it can take longer); "
				"`wslbridge status` shows when it is back, `wslbridge undo` reverts the change",
				wp->describe[i]);
	}
	for (size_t i = 0; i < after.nresults && i < wp->n; i++) {
		const struct host_result *r = &after.results[i];

		if (r->status && !strcmp(r->status, "error")) {
			why = explain ? explain(r, arg) : default_failure_text(r);
			rc = wb_error(WB_EXIT_FAIL, "Windows: could not %s: %s", wp->describe[i], why);
			if (e && e->nwin)
				wb_hint("what succeeded before it is recorded: `wslbridge undo` reverts it");
			break;
		}
	}
out:
	if (e && e->nwin > had && rc && !after.nresults) {
		/* the agent did not run or answered nothing: no intent came true */
		backup_drop_windows_undo(e, had);
		(void)backup_commit(e);
	}
	free(why);
	host_state_release(&after);
	return rc;
}

/* Put back file k of e as it was before the change: only if it still holds
 * what wslbridge wrote (undo checked that before its prompts; unless forced). */
static int revert_file(const struct backup_entry *e, size_t k, bool force)
{
	const struct backup_file *f = &e->files[k];
	struct buf old = BUF_INIT, neu = BUF_INIT;
	struct atomic_was was = { .exists = f->new_exists };
	bool nd = false;
	int r = force ? 0 : backup_bytes(e, k, "new", &neu);

	was.bytes = neu.s ? neu.s : "";
	was.len = neu.len;
	if (r == 0 && !f->old_exists)
		r = atomic_file_remove_planned(f->path, force ? NULL : &was, &nd);
	else if (r == 0 && (r = backup_bytes(e, k, "old", &old)) == 0)
		r = atomic_file_replace_planned(f->path, force ? NULL : &was, old.s ? old.s : "", old.len,
						f->mode, &nd);
	buf_release(&old);
	buf_release(&neu);
	if (r < 0)
		return wb_error(WB_EXIT_FAIL, "could not restore '%s': %s", f->path, r == -ESTALE ?
				"it changed while undo was running; it was left as it was" : errstr(r));
	warn_not_durable(f->path, nd);
	return 0;
}

int transaction_revert_file(struct backup_entry *e, size_t k)
{
	return revert_file(e, k, false);
}

int transaction_revert(struct wb_ctx *ctx, struct backup_entry *e, const bool *skip, bool force)
{
	int r;

	char note[256];

	snprintf(note, sizeof(note), "\nwslbridge: interrupted during the undo of #%u; what it did is "
		 "recorded.\nRun `wslbridge undo` again to finish it.\n", e->seq);
	transaction_interrupt_note(note);
	if (e->nwin && transaction_revert_windows(ctx, e))
		return WB_EXIT_FAIL;
	runlog_changed();
	for (size_t k = 0; k < e->nfiles; k++) {
		sweep_next_to(e->files[k].path);
		if (!skip[k] && revert_file(e, k, force))
			return WB_EXIT_FAIL;
	}
	r = backup_set_state(e, "undone");
	if (r < 0)
		wb_warn("files restored, but history entry #%u could not be marked undone: %s",
			e->seq, errstr(r));
	return WB_EXIT_OK;
}
