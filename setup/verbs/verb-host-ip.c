/* SPDX-License-Identifier: MIT */
/*
 * verb-host-ip.c - `wslbridge host-ip`: the Windows host's address as seen
 * from WSL in the mode WSL applied (observation_host_ip: NAT, mirrored and
 * Consomme need no Windows launch, bridged needs one).
 */
#include "verbs/verbs.h"
#include "base/log.h"
#include "observe/observe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int verb_host_ip(int argc, char **argv, struct wb_ctx *ctx)
{
	struct observation o;
	const char *from, *mode;
	char *why = NULL, *addr = NULL, *how = NULL;
	int r;

	if (argc > 1) {
		wb_error(WB_EXIT_USAGE, "host-ip takes no arguments");
		print_verb_usage("host-ip");
		return WB_EXIT_USAGE;
	}
	(void)argv;
	(void)observation_gather(ctx, true, 0, &o, &why);
	free(why);
	/* outside WSL2 there is no host to name: refused as every verb refuses */
	if ((why = host_env_refusal(&o.env))) {
		wb_error(WB_EXIT_FAIL, "%s", why);
		free(why);
		observation_release(&o);
		return WB_EXIT_FAIL;
	}
	observation_add_interface(&o, LOOPBACK_RELAY_IF);	/* Consomme reaches Windows over it */
	mode = observation_mode(&o, &from);
	if (strcmp(from, "wslinfo"))
		wb_debug("wslinfo did not say which mode WSL applied; from %s: %s", from, mode);
	r = observation_host_ip(&o, &addr, &how);
	if (r == -ENOSYS) {
		observation_release(&o);
		if (observation_gather(ctx, false, 0, &o, &why) < 0) {
			wb_error(WB_EXIT_FAIL, "%s, and %s", how, why);
			free(why);
			free(how);
			return WB_EXIT_FAIL;
		}
		free(how);
		observation_add_interface(&o, LOOPBACK_RELAY_IF);
		r = observation_host_ip(&o, &addr, &how);
	}
	if (r == 0) {
		wb_debug("%s", how);
		printf("%s\n", addr);
	} else {
		wb_error(WB_EXIT_FAIL, "%s", how);
		if (o.have_windows)
			wb_hint("the switch may not be shared with Windows: `wslbridge check bridged` says more");
		else if (o.lx.gateway == NULL && strstr(how, "NAT"))
			wb_hint("`wslbridge check nat` says more");
	}
	free(addr);
	free(how);
	observation_release(&o);
	return r ? WB_EXIT_FAIL : WB_EXIT_OK;
}
