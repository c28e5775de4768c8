/* SPDX-License-Identifier: MIT */
/*
 * transaction.h - the one way wslbridge changes things.  Setup, repair,
 * vpn, forward, config and undo change Windows and files only through here,
 * so that every change is recorded before it is made:
 *
 *   transaction_lock()                     the run's global lock
 *   transaction_begin()                    a history entry (apply/backup.h)
 *   transaction_windows()                  a plan's actions, one agent launch,
 *                                          the undo of each that succeeded
 *   transaction_files()                    the files: all recorded, then written
 *   transaction_end()                      keep the entry if anything changed
 *   transaction_revert()                   what undo does to an entry
 *
 * Each function that returns int reports its own errors once and returns
 * an exit code (base/log.h).  The resolv.conf that vpn writes "now" is not
 * here on purpose: WSL or the boot hook rewrites it at every start.
 */
#ifndef WB_TRANSACTION_H
#define WB_TRANSACTION_H

#include "apply/changeset.h"
#include "base/ctx.h"
#include "base/util.h"

#include <stdbool.h>
#include <sys/types.h>

struct backup_entry;
struct host;
struct host_result;
struct host_state;
struct win_plan;

struct transaction {
	struct wb_ctx *ctx;
	struct backup_entry *e;
	size_t written;		/* files written so far */
};

/* Take the global lock for this run (released at exit). */
int transaction_lock(struct wb_ctx *ctx);

/* Open the history entry this change goes into. */
int transaction_begin(struct wb_ctx *ctx, struct transaction *t);

/*
 * Make a plan's Windows actions in one host agent launch (at most one UAC
 * prompt); the undo of each action that succeeded (or why it cannot be
 * undone) is recorded, and the entry saved, before anything else happens.
 * t NULL: nothing to record (forward sync restores a declared state).
 * before is the observation the plan was made from.  A failed action is
 * said in explain's words (allocated; arg is passed on), or NULL: Windows'.
 */
typedef char *(*transaction_failure_text)(const struct host_result *res, const void *arg);
int transaction_windows(struct transaction *t, struct host *h, const struct host_state *before,
			const struct win_plan *wp, transaction_failure_text explain, const void *arg);

/* The changes in cs that differ: old and new bytes into the entry, saved,
 * then each file written (or removed) in order; stops at the first failure. */
int transaction_files(struct transaction *t, struct changeset *cs);

/* Drop the entry if nothing was changed after all, and free it. */
void transaction_end(struct transaction *t);

/* One file of the transaction: old bytes (read from the file old_st
 * describes; NULL: there was none) replaced by new_ (borrowed), only if the
 * file is still that one with those bytes. */
struct stat;
int transaction_file(struct transaction *t, const char *path, const struct buf *old,
		     const struct stat *old_st, mode_t mode, const struct buf *new_);
/* One file, in a transaction of its own (config set/unset). */
int transaction_write_file(struct wb_ctx *ctx, const char *path, const struct buf *old,
			   const struct stat *old_st, mode_t mode, const struct buf *new_);

/*
 * Undo entry e: its Windows undo in one launch (nothing else is touched if
 * that fails), then each file not skipped put back (removed if it did not
 * exist) if it still holds what wslbridge wrote (any bytes when force), then
 * the entry marked undone.
 */
int transaction_revert(struct wb_ctx *ctx, struct backup_entry *e, const bool *skip, bool force);
/* File k of e alone put back if it still holds what wslbridge wrote (the
 * boot hook's revert of a `setup --try`: Windows and the rest wait for undo,
 * which finds this file already restored and skips it). */
int transaction_revert_file(struct backup_entry *e, size_t k);
/* The Windows side of it (revert.c), recorded per action as done. */
int transaction_revert_windows(struct wb_ctx *ctx, struct backup_entry *e);

/* What Ctrl-C or SIGTERM prints from now on (copied; NULL: nothing). */
void transaction_interrupt_note(const char *text);

#endif
