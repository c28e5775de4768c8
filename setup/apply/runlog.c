/* SPDX-License-Identifier: MIT */
/* runlog.c - see runlog.h. */
#include "apply/runlog.h"
#include "base/atomic-file.h"
#include "base/util.h"

#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

static bool changed;

void runlog_changed(void)
{
	changed = true;
}

int runlog_finish(const struct wb_ctx *ctx, int exit_code)
{
	char *path, stamp[32];
	struct buf b = BUF_INIT;
	time_t now = time(NULL);
	int r;

	if (!changed || !ctx->state_dir)
		return 0;
	path = path_join(ctx->state_dir, "runs.log");
	(void)read_file(path, &b, NULL);	/* the one writer rewrites, never appends in place */
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	buf_addf(&b, "%s  exit %d  %s\n", stamp, exit_code, ctx->command_line);
	r = mkdir_p(ctx->state_dir, 0755);
	if (r == 0)
		r = atomic_file_replace(path, b.s, b.len, 0644, NULL);
	buf_release(&b);
	free(path);
	return r < 0 ? r : 0;
}
