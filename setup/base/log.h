/* SPDX-License-Identifier: MIT */
/*
 * log.h - the one place that prints messages for people.
 *
 * Modules never print; verbs report an error once, where they decide what it
 * means, with wb_error() which returns the exit code it is given so that
 * `return wb_error(WB_EXIT_FAIL, "could not read '%s': %s", ...)` is the idiom.
 * Style: "wslbridge: could not write 'X': reason" (lowercase, no full stop).
 */
#ifndef WB_LOG_H
#define WB_LOG_H

#include <stdbool.h>

enum wb_exit {
	WB_EXIT_OK = 0,
	WB_EXIT_FAIL = 1,	/* something failed; nothing half-done */
	WB_EXIT_USAGE = 2,	/* the command line or a value was wrong */
	WB_EXIT_PENDING = 2,	/* --dry-run --detailed-exitcode: changes are pending */
	WB_EXIT_DRIFT = 3,	/* check: the machine differs from its target */
	WB_EXIT_RESTART = 4,	/* done, but WSL must restart to finish */
};

enum log_level { LOG_QUIET = 0, LOG_NORMAL = 1, LOG_VERBOSE = 2 };
extern enum log_level log_level;

int wb_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hidden by --quiet, as notes are. */
void wb_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A follow-up line telling the user what to do: "hint: ..." on stderr. */
void wb_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The one "needs root" refusal, in every verb: "WHAT needs root (WHY);
 * nothing was changed" and the command again with sudo.  WB_EXIT_FAIL. */
int wb_needs_root(const char *command_line, const char *what, const char *why);
/* Progress and notes on stderr; hidden by --quiet. */
void wb_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Only with --verbose. */
void wb_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
