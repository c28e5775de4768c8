/* SPDX-License-Identifier: MIT */
/*
 * verbs.h - verb entry points (one file each) and the helpers they share.
 * Verbs return an exit code (log.h) and report their own errors once.
 */
#ifndef WB_VERBS_H
#define WB_VERBS_H

#include "ctx.h"
#include "util.h"

#include <stdbool.h>
#include <sys/types.h>

int verb_config(int argc, char **argv, struct wb_ctx *ctx);
int verb_undo(int argc, char **argv, struct wb_ctx *ctx);
int verb_status(int argc, char **argv, struct wb_ctx *ctx);
int verb_check(int argc, char **argv, struct wb_ctx *ctx);
int verb_setup(int argc, char **argv, struct wb_ctx *ctx);
int verb_repair(int argc, char **argv, struct wb_ctx *ctx);
int verb_vpn(int argc, char **argv, struct wb_ctx *ctx);

/* Print the usage of a verb (stdout), as `wslbridge help VERB` does. */
void print_verb_usage(const char *verb);

/* Take the global lock for this run (released at exit): exit code. */
int verb_lock(struct wb_ctx *ctx);

/* Report a target or VPN profile that did not load (file:line:col when it
 * is about a place), release err, and return the exit code. */
struct target_error;
int verb_report_load_error(struct target_error *err);

/*
 * Replace path with new_ bytes, saving old ones first so undo can restore
 * them: backup entry, then atomic write; the entry is dropped again if the
 * write fails.  Reports errors itself; returns an exit code.
 */
int verb_write_file(struct wb_ctx *ctx, const char *path, const struct buf *old,
		    bool old_exists, mode_t mode, const struct buf *new_);

/*
 * Make a plan's Windows actions in one host agent launch (at most one UAC
 * prompt); the undo of each action that succeeded (or why it cannot be
 * undone) goes into e, if not NULL; before is the observation the plan was
 * made from.  A failed action is said in explain's words (allocated; arg is
 * passed on), or NULL: Windows' own.  Reports a failure itself; returns an
 * exit code.
 */
struct host;
struct host_result;
struct host_state;
struct win_plan;
struct backup_entry;
typedef char *(*verb_failure_text)(const struct host_result *res, const void *arg);
int verb_apply_windows(struct host *h, const struct host_state *before, const struct win_plan *wp,
		       struct backup_entry *e, verb_failure_text explain, const void *arg);

int verb_forward(int argc, char **argv, struct wb_ctx *ctx);
int verb_host_ip(int argc, char **argv, struct wb_ctx *ctx);

/* strerror for a -errno. */
const char *errstr(int neg_errno);

#endif
