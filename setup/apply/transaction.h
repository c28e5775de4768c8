/* SPDX-License-Identifier: MIT */
/*
 * transaction.h - the one way wslbridge changes things: the run's lock, a
 * file replaced with its history entry first, and a plan's Windows actions
 * in one agent launch with the undo of each recorded.  Setup, repair, vpn,
 * forward, config and undo change things only through here (issue 14 folds
 * the remaining callers of the history in).  Each reports its own errors
 * once and returns an exit code (base/log.h).
 */
#ifndef WB_TRANSACTION_H
#define WB_TRANSACTION_H

#include "base/ctx.h"
#include "base/util.h"

#include <stdbool.h>
#include <sys/types.h>

/* Say that path's change is in place but not known to be on disk, if nd. */
void transaction_warn_not_durable(const char *path, bool nd);

/* Take the global lock for this run (released at exit): exit code. */
int transaction_lock(struct wb_ctx *ctx);

/*
 * Replace path with new_ bytes, saving old ones first so undo can restore
 * them: backup entry, then atomic write; the entry is dropped again if the
 * write fails.
 */
int transaction_write_file(struct wb_ctx *ctx, const char *path, const struct buf *old,
			   bool old_exists, mode_t mode, const struct buf *new_);

/*
 * Make a plan's Windows actions in one host agent launch (at most one UAC
 * prompt); the undo of each action that succeeded (or why it cannot be
 * undone) goes into e, if not NULL; before is the observation the plan was
 * made from.  A failed action is said in explain's words (allocated; arg is
 * passed on), or NULL: Windows' own.
 */
struct host;
struct host_result;
struct host_state;
struct win_plan;
struct backup_entry;
typedef char *(*transaction_failure_text)(const struct host_result *res, const void *arg);
int transaction_apply_windows(struct host *h, const struct host_state *before, const struct win_plan *wp,
			      struct backup_entry *e, transaction_failure_text explain, const void *arg);

#endif
