/* SPDX-License-Identifier: MIT */
/*
 * engine.h - the step engine behind `wslbridge setup` and `wslbridge repair`
 * for bridged, mirrored and NAT mode: observe, compare with the target, plan, confirm, apply
 * (one Windows launch), restart or verify.  setup and repair differ only in
 * where the parameters come from and in repair's diagnosis.  Reports its own
 * errors; returns an exit code.
 */
#ifndef WB_ENGINE_H
#define WB_ENGINE_H

#include "base/ctx.h"

#include <stdbool.h>

struct transaction;

struct engine_opts {
	bool repair, dry_run, restart;
	const char *switch_name, *switch_id, *adapter, *mac;
	const char *dhcp, *ipv6;	/* NULL: leave as they are */
	const char *mode;		/* bridged, mirrored, nat; NULL: recorded, else bridged */
	const char *allow_ports;	/* mirrored: ports to let in ("8080,5353/udp") */
	const char *host_loopback;	/* mirrored: experimental.hostAddressLoopback */
	bool no_hyperv_admin;		/* bridged: leave Hyper-V Administrators alone */
	bool detailed_exitcode;		/* --dry-run: exit 2 when changes are pending (as terraform) */
	bool json;			/* --dry-run: the plan as JSON, nothing else on stdout */
	/* --try: when WSL must restart, try_files(t, try_seconds) adds the boot
	 * hook's files to the run's transaction before .wslconfig is written */
	unsigned try_seconds;
	int (*try_files)(struct wb_ctx *ctx, struct transaction *t, unsigned seconds);
};

int engine_run(struct wb_ctx *ctx, const struct engine_opts *o);

#endif
