/* SPDX-License-Identifier: MIT */
/*
 * try-state.h - what `setup --try` leaves for the boot hook, and what the
 * hook's waiter decided.  `sudo wslbridge setup --try` runs as root, so the
 * history entry, the try and its outcome are all root's: the hook (root)
 * never reads a file a user could write.
 *
 *   /etc/wslbridge/try.conf   in setup's own history entry (undo removes
 *                             it): the entry, SECONDS, the state folder and
 *                             the wslbridge the hook runs; sourced by the
 *                             boot script
 *   <state>/try-result        the waiter's and confirm's outcome: watching
 *                             (until a deadline), confirmed or reverted
 *   /var/log/wslbridge/try-notice  what a revert says at the next shell start
 */
#ifndef WB_TRY_STATE_H
#define WB_TRY_STATE_H

#include "apply/backup.h"
#include "base/ctx.h"

#include <stdbool.h>
#include <time.h>

#define TRY_CONF "/etc/wslbridge/try.conf"
#define TRY_PROFILE "/etc/profile.d/wslbridge-try.sh"
#define TRY_NOTICE "/var/log/wslbridge/try-notice"
#define TRY_DNS_NAME "www.msftconnecttest.com"

struct try_rec {
	unsigned entry, seconds;
	char *state_dir;
};

enum try_state { TRY_NONE, TRY_WATCHING, TRY_CONFIRMED, TRY_REVERTED };

struct try_result {
	unsigned entry;
	enum try_state state;
	long long deadline;
	char *time, *reason;
};

/* The try setup recorded (root's file, checked so): 1, 0 when none, <0 after reporting. */
int try_read(const struct wb_ctx *ctx, struct try_rec *rec);
void try_rec_release(struct try_rec *rec);
/* The outcome for rec's entry (TRY_NONE: none yet). */
void try_result_read(const struct try_rec *rec, struct try_result *res);
int try_result_write(const struct try_rec *rec, enum try_state st, long long deadline, const char *reason);
void try_result_release(struct try_result *res);
/* rec's history entry, still applied, or NULL. */
struct backup_entry *try_entry(const struct try_rec *rec, struct backup_entry ***all, size_t *n);
/*
 * The rest of a reverted try (the switch on Windows, the hook's files):
 * undone through `undo`'s own path, once.  0 when nothing was queued.
 */
int try_run_queued(struct wb_ctx *ctx);
/* Confirm a try that is being watched, as root (setup verified it, or
 * `confirm`): 0 kept, else an exit code after saying why. */
int try_confirm(struct wb_ctx *ctx, bool quiet_if_none);
/* For the engine (engine_opts.try_files): the hook's files and try.conf. */
struct transaction;
int try_files(struct wb_ctx *ctx, struct transaction *t, unsigned seconds);

#endif
