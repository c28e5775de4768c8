/* SPDX-License-Identifier: MIT */
/*
 * verbs.h - verb entry points (one file each) and the helpers they share.
 * Verbs return an exit code (log.h) and report their own errors once.
 */
#ifndef WB_VERBS_H
#define WB_VERBS_H

#include "apply/transaction.h"
#include "base/ctx.h"
#include "base/util.h"

#include <stdbool.h>
#include <sys/types.h>

int verb_config(int argc, char **argv, struct wb_ctx *ctx);
int verb_undo(int argc, char **argv, struct wb_ctx *ctx);
/* Undo one history entry as `undo` does (asks first): an exit code. */
struct backup_entry;
int verb_undo_entry(struct wb_ctx *ctx, struct backup_entry *e, bool force);
int verb_confirm(int argc, char **argv, struct wb_ctx *ctx);
int verb_status(int argc, char **argv, struct wb_ctx *ctx);
int verb_check(int argc, char **argv, struct wb_ctx *ctx);
int verb_doctor(int argc, char **argv, struct wb_ctx *ctx);
int verb_setup(int argc, char **argv, struct wb_ctx *ctx);
int verb_repair(int argc, char **argv, struct wb_ctx *ctx);
int verb_vpn(int argc, char **argv, struct wb_ctx *ctx);

/* Print the usage of a verb (stdout), as `wslbridge help VERB` does. */
void print_verb_usage(const char *verb);
/* The verb's usage text (main.c's verbs table), or NULL. */
const char *verb_usage(const char *verb);
/* The words an option takes ("--mode": bridged, mirrored, nat), NULL-ended;
 * NULL when it takes any value.  For errors and completion. */
const char *const *option_values(const char *verb, const char *opt);

/* Report a target or VPN profile that did not load (file:line:col when it
 * is about a place), release err, and return the exit code. */
struct target_error;
int verb_report_load_error(struct target_error *err);

/*
 * The options of verb, as getopt_long(3) reads them, after
 * verb_options_begin(): the next option, -1 at the end, or 0 after saying
 * which option was unknown (or lacks its value) and printing verb's usage.
 */
void verb_options_begin(void);
struct option;
int verb_next_option(const char *verb, int argc, char **argv, const char *opts,
		     const struct option *longopts);

/* The i-th verb of the verbs table (main.c), NULL past the end; *summary
 * gets its summary.  The same for the help topics (`help troubleshooting`). */
const char *verb_at(size_t i, const char **summary);
const char *help_topic_at(size_t i, const char **summary);
/* The options every verb takes, as `wslbridge help` shows them. */
const char *verb_common_usage(void);
/* `wslbridge __complete WORD... CURRENT` (complete.c): the candidates for
 * the shell wrappers in templates/completion.  An exit code. */
int verb_complete(int nwords, char **words);

int verb_forward(int argc, char **argv, struct wb_ctx *ctx);
int verb_host_ip(int argc, char **argv, struct wb_ctx *ctx);
int verb_dsc(int argc, char **argv, struct wb_ctx *ctx);

#endif
