/* SPDX-License-Identifier: MIT */
/* forward-hook.h - the boot hook's files for `wslbridge forward`. */
#ifndef WB_FORWARD_HOOK_H
#define WB_FORWARD_HOOK_H

#include "apply/changeset.h"
#include "base/ctx.h"
#include "conf/ini.h"

#include <stdbool.h>

/*
 * No forwards left but forward's part of the hook still there (its settings,
 * or wsl.conf running the script without VPN fixes): a remove --all killed
 * half-way, to finish.
 */
bool forward_hook_left(const struct wb_ctx *ctx, const struct ini_doc *wslconf);
/*
 * The boot script and, unless already, wsl.conf running it (with the
 * previous command kept) into cs; self (size bytes) gets this wslbridge,
 * which the hook will run as root: refused unless root's alone.
 */
int forward_hook_install(struct wb_ctx *ctx, const struct ini_doc *wslconf, struct changeset *cs,
			 char *self, size_t size);
/* The hook's files into cs: installed and kept (keep), or taken away. */
int forward_plan_hook(struct wb_ctx *ctx, const struct ini_doc *wslconf, struct changeset *cs, bool keep);

#endif
