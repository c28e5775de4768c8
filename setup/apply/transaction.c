/* SPDX-License-Identifier: MIT */
/*
 * transaction.c - see transaction.h: the run's lock, a file change with its
 * history entry, and a plan's Windows actions with their undo.
 */
#include "apply/transaction.h"
#include "apply/backup.h"
#include "apply/runlog.h"
#include "base/atomic-file.h"
#include "base/lock.h"
#include "base/log.h"
#include "host/host.h"
#include "vswitch/switch-plan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int held_lock = -1;

void transaction_warn_not_durable(const char *path, bool nd)
{
	if (nd)
		wb_warn("'%s' was written but its folder could not be flushed to disk", path);
}

static void say_waiting(pid_t holder)
{
	wb_note("waiting for another wslbridge run (pid %ld) to finish...", (long)holder);
}

int transaction_lock(struct wb_ctx *ctx)
{
	const char *w = getenv("WSLBRIDGE_LOCK_WAIT");
	pid_t holder = 0;
	int r;

	if (held_lock >= 0)
		return WB_EXIT_OK;
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
	return WB_EXIT_OK;
}

static int report_write_error(const char *path, int r)
{
	char *lock = atomic_file_lock_name(path);

	if (r == -EEXIST) {
		wb_error(WB_EXIT_FAIL, "'%s' is locked by another writer; nothing was changed",
			 path);
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

int transaction_write_file(struct wb_ctx *ctx, const char *path, const struct buf *old,
		    bool old_exists, mode_t mode, const struct buf *new_)
{
	bool nd = false;
	struct backup_entry *e = NULL;
	char *abs = absolute(path);
	int r;

	r = backup_begin(ctx->state_dir, ctx->command_line, &e);
	if (r == 0)
		r = backup_add(e, abs, old, old_exists, mode, new_, true);
	free(abs);
	if (r == 0)
		r = backup_commit(e);
	if (r < 0) {
		if (e)
			(void)backup_discard(e);
		backup_entry_free(e);
		wb_error(WB_EXIT_FAIL, "could not save a backup in '%s': %s; nothing was "
			 "changed", ctx->state_dir, errstr(r));
		wb_hint("run with sudo, or choose another place with --state-dir");
		return WB_EXIT_FAIL;
	}
	r = atomic_file_replace(path, new_->s ? new_->s : "", new_->len, mode, &nd);
	if (r < 0) {
		(void)backup_discard(e);
		backup_entry_free(e);
		return report_write_error(path, r);
	}
	transaction_warn_not_durable(path, nd);
	runlog_changed();
	wb_debug("history entry %u saved in '%s'", e->seq, e->dir);
	backup_entry_free(e);
	return WB_EXIT_OK;
}

/* The id of the switch the plan created: named so, ours, and not there before. */
static const char *created_id(const struct win_plan *wp, const struct host_state *before,
			      const struct host_state *after)
{
	for (size_t i = 0; wp->switch_name && i < after->nswitches; i++) {
		const struct host_switch *s = &after->switches[i];
		bool old = false;

		if (!s->name || strcmp(s->name, wp->switch_name) || !s->notes ||
		    strcmp(s->notes, "Created by wslbridge"))
			continue;
		for (size_t k = 0; k < before->nswitches; k++)
			old |= before->switches[k].id && !strcasecmp(before->switches[k].id, s->id);
		if (!old)
			return s->id;
	}
	return NULL;
}

/* Undo what succeeded, newest first. */
static void record_windows_undo(const struct win_plan *wp, const struct host_state *before,
				const struct host_state *after, struct backup_entry *e)
{
	for (size_t i = wp->n; i-- > 0;) {
		const struct host_result *res = i < after->nresults ? &after->results[i] : NULL;

		if (!res || !res->status || strcmp(res->status, "ok"))
			continue;
		if (wp->irreversible[i])
			backup_add_irreversible(e, wp->irreversible[i]);
		else if (wp->undo[i].type == HA_REMOVE_SWITCH) {
			/* the new switch's id is known only now */
			const char *id = created_id(wp, before, after);
			const char *kv[] = { "switch-id", id, NULL };

			if (id)
				backup_add_windows_undo(e, "remove-switch", kv);
		} else if (wp->undo[i].type != HA_NONE) {
			backup_add_windows_undo(e, host_action_name(wp->undo[i].type), wp->undo[i].attrs);
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

int transaction_apply_windows(struct host *h, const struct host_state *before, const struct win_plan *wp,
		       struct backup_entry *e, transaction_failure_text explain, const void *arg)
{
	struct host_state after;
	char *why = NULL;
	int rc = WB_EXIT_OK;

	memset(&after, 0, sizeof(after));
	if (host_apply(h, wp->actions, wp->n, &after, &why) < 0) {
		rc = wb_error(WB_EXIT_FAIL, "%s; nothing was changed", why);
		goto out;
	}
	if (after.error) {
		why = host_error_text(after.error);
		rc = wb_error(WB_EXIT_FAIL, "%s", why);
		goto out;
	}
	if (e)
		record_windows_undo(wp, before, &after, e);
	for (size_t i = 0; i < after.nresults && i < wp->n; i++)
		wb_debug("Windows: %s: %s in %d ms", wp->describe[i], after.results[i].status, after.results[i].ms);
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
	free(why);
	host_state_release(&after);
	return rc;
}
