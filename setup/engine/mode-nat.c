/* SPDX-License-Identifier: MIT */
/*
 * mode-nat.c - NAT mode, WSL's default: no parameters and nothing to plan on
 * Windows; stale port forwards are `wslbridge forward sync`'s to mend.
 */
#include "engine/mode.h"
#include "engine/run.h"
#include "base/log.h"

#include <strings.h>

static int settle(struct run *r, const struct target_params *rec)
{
	(void)r;
	(void)rec;
	return 0;
}

static void params(const struct run *r, struct target_params *out)
{
	(void)r;
	(void)out;
}

static void plan_windows(struct run *r)
{
	if (run_failed(r, SIDE_WINDOWS, FIX_FORWARD))
		wb_note("port forwards point at an old address of WSL: `sudo wslbridge forward sync` fixes them");
}

static int plan_wslconfig(struct run *r, struct ini_doc *d)
{
	(void)r;
	(void)d;
	return 0;
}

const struct mode_ops mode_nat = {
	.name = "nat",
	.instead = "then `sudo wslbridge forward add PORT` per port the LAN must reach",
	.settle = settle,
	.params = params,
	.plan_windows = plan_windows,
	.plan_wslconfig = plan_wslconfig,
};
