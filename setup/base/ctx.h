/* SPDX-License-Identifier: MIT */
/*
 * ctx.h - what every verb gets: where "/" is, where state lives, and the
 * options common to all verbs.  Every path the tool touches on the Linux
 * side goes through wb_path() so tests can redirect it with --root.
 */
#ifndef WB_CTX_H
#define WB_CTX_H

#include <stdbool.h>

struct wb_ctx {
	char *root;		/* "" for the real /, else a directory */
	char *state_dir;	/* backups, history, the global lock */
	bool yes;		/* --yes: do not ask for confirmation */
	char *command_line;	/* what the user ran, for the history */
};

/* A new string: abs (which starts with '/') placed under ctx->root. */
char *wb_path(const struct wb_ctx *ctx, const char *abs);

/* Fill root and state_dir from options and the environment: 0 or -errno. */
int ctx_init(struct wb_ctx *ctx, const char *root_opt, const char *state_opt);
/* Remember what the user ran (for the history shown by undo --list). */
void ctx_set_command(struct wb_ctx *ctx, int argc, char **argv);
void ctx_release(struct wb_ctx *ctx);

/*
 * Ask "PROMPT [y/N] " on the terminal unless ctx->yes.  Returns 1 for yes,
 * 0 for no, and -ENOTTY when there is no terminal to ask (callers tell the
 * user to pass --yes).
 */
int ctx_confirm(const struct wb_ctx *ctx, const char *prompt);

#endif
