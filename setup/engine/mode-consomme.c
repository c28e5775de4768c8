/* SPDX-License-Identifier: MIT */
/*
 * mode-consomme.c - Consomme (VirtioProxy before WSL 2.9.0): WSL's user-mode
 * NAT, which copies Windows' own address and gateway into the guest.  It
 * has no parameters and nothing to plan on Windows; its one need is
 * wsl2.virtio, without which WSL falls back (the target's preflight).
 */
#include "engine/mode.h"
#include "engine/run.h"
#include "conf/wsl-versions.h"
#include "base/log.h"

#include <string.h>
#include <strings.h>

/* No parameters; mirrored's options do not apply. */
static int settle(struct run *r, const struct target_params *rec)
{
	(void)rec;
	if (r->o->allow_ports || r->o->host_loopback)
		return wb_error(WB_EXIT_USAGE, "--allow-port and --host-loopback are for mirrored mode: in Consomme "
				"mode WSL binds a port on Windows for each one a server in WSL listens on");
	return 0;
}

/* The spelling this WSL reads: VirtioProxy before 2.9.0; either from then on. */
static const char *wslconfig_mode(const struct run *r, const char *cur)
{
	bool named = wsl_fact_holds(WSLF_CONSOMME_NAME, r->obs.win.wsl_version) == WSLA_YES;

	if (cur && (!strcasecmp(cur, "virtioproxy") || (named && !strcasecmp(cur, "consomme"))))
		return cur;
	return named ? "Consomme" : "VirtioProxy";
}

static char *fallback_reason(const struct run *r)
{
	return consomme_fallback_reason(&r->obs);
}

const struct mode_ops mode_consomme = {
	.name = "consomme",
	.instead = "WSL's user-mode NAT on Windows' own address (often works where mirrored fails behind a VPN)",
	.settle = settle,
	.wslconfig_mode = wslconfig_mode,
	.fallback_reason = fallback_reason,
};
