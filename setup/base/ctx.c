/* SPDX-License-Identifier: MIT */
/* ctx.c - see ctx.h. */
#include "base/ctx.h"
#include "base/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *wb_path(const struct wb_ctx *ctx, const char *abs)
{
	if (!ctx->root || !*ctx->root)
		return xstrdup(abs);
	return path_join(ctx->root, abs);
}

/*
 * The state directory: --state-dir, WSLBRIDGE_STATE_DIR, <root>/var/lib/
 * wslbridge when --root is given or we are root, else the XDG state home.
 * A user editing their own .wslconfig needs no root, so their backups must
 * not need root either.
 */
static char *default_state_dir(const struct wb_ctx *ctx, bool root_given)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

	if (root_given || geteuid() == 0)
		return wb_path(ctx, "/var/lib/wslbridge");
	if (xdg && *xdg == '/')
		return path_join(xdg, "wslbridge");
	if (home && *home == '/')
		return xasprintf("%s/.local/state/wslbridge", home);
	return NULL;
}

void ctx_set_command(struct wb_ctx *ctx, int argc, char **argv)
{
	struct buf cmd = BUF_INIT;

	for (int i = 0; i < argc; i++) {
		if (i)
			buf_addc(&cmd, ' ');
		buf_adds(&cmd, i == 0 ? "wslbridge" : argv[i]);
	}
	free(ctx->command_line);
	ctx->command_line = buf_detach(&cmd, NULL);
}

int ctx_init(struct wb_ctx *ctx, const char *root_opt, const char *state_opt)
{
	const char *root = root_opt ? root_opt : getenv("WSLBRIDGE_ROOT");
	const char *state = state_opt ? state_opt : getenv("WSLBRIDGE_STATE_DIR");

	ctx->root = xstrdup(root ? root : "");
	if (state && *state)
		ctx->state_dir = xstrdup(state);
	else
		ctx->state_dir = default_state_dir(ctx, root && *root);
	return ctx->state_dir ? 0 : -ENOENT;
}

void ctx_release(struct wb_ctx *ctx)
{
	free(ctx->root);
	free(ctx->state_dir);
	free(ctx->command_line);
	memset(ctx, 0, sizeof(*ctx));
}

int ctx_confirm(const struct wb_ctx *ctx, const char *prompt)
{
	char line[64];

	if (ctx->yes)
		return 1;
	if (!isatty(STDIN_FILENO))
		return -ENOTTY;
	fprintf(stderr, "%s [y/N] ", prompt);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	return line[0] == 'y' || line[0] == 'Y';
}
