/* SPDX-License-Identifier: MIT */
/*
 * mode-nat.c - NAT mode, WSL's default: no parameters and nothing to plan on
 * Windows; stale port forwards are `wslbridge forward sync`'s to mend.
 */
#include "engine/mode.h"
#include "engine/run.h"
#include "base/log.h"

#include <strings.h>

static void plan_windows(struct run *r)
{
	if (run_failed(r, SIDE_WINDOWS, FIX_FORWARD))
		wb_note("port forwards point at an old address of WSL: `sudo wslbridge forward sync` fixes them");
}

const struct mode_ops mode_nat = {
	.name = "nat",
	.instead = "then `sudo wslbridge forward add PORT` per port the LAN must reach",
	.plan_windows = plan_windows,
};
