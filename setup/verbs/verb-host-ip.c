/* SPDX-License-Identifier: MIT */
/*
 * verb-host-ip.c - `wslbridge host-ip`: the Windows host's address as seen
 * from WSL in the mode WSL applied (wslinfo; else what .wslconfig says):
 * NAT: eth0's default gateway; mirrored: 127.0.0.1 (WSL shares the host's
 * loopback); bridged: the address of the switch's vEthernet adapter on the
 * LAN, which needs one Windows launch.  NAT and mirrored need none.
 */
#include "verbs/verbs.h"
#include "base/log.h"
#include "observe/observe.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int bridged_address(struct wb_ctx *ctx)
{
	struct observation o;
	char *why = NULL, *name;
	const char *sw;
	int rc = WB_EXIT_FAIL;

	if (observation_gather(ctx, false, &o, &why) < 0) {
		wb_error(WB_EXIT_FAIL, "bridged mode: the host's LAN address is known only to Windows, and %s", why);
		free(why);
		return WB_EXIT_FAIL;
	}
	sw = ini_value(&o.wslconfig, "wsl2.vmSwitch");
	name = xasprintf("vEthernet (%s)", sw ? sw : "");
	for (size_t i = 0; i < o.win.nadapters; i++) {
		const struct host_adapter *a = &o.win.adapters[i];

		if (a->name && !strcmp(a->name, name) && a->nipv4) {
			wb_debug("bridged mode: the address of %s, Windows' side of switch '%s'", name, sw);
			printf("%s\n", a->ipv4[0].address);
			rc = WB_EXIT_OK;
			break;
		}
	}
	if (rc)
		wb_error(WB_EXIT_FAIL, "bridged mode, but Windows has no IPv4 address on '%s'", name);
	if (rc)
		wb_hint("the switch may not be shared with Windows: `wslbridge check bridged` says more");
	free(name);
	observation_release(&o);
	return rc;
}

int verb_host_ip(int argc, char **argv, struct wb_ctx *ctx)
{
	struct observation o;
	const char *mode, *from;
	char *why = NULL;
	int rc;

	if (argc > 1) {
		wb_error(WB_EXIT_USAGE, "host-ip takes no arguments");
		print_verb_usage("host-ip");
		return WB_EXIT_USAGE;
	}
	(void)argv;
	(void)observation_gather(ctx, true, &o, &why);
	free(why);
	mode = observation_mode(&o, &from);
	if (strcmp(from, "wslinfo"))
		wb_debug("wslinfo did not say which mode WSL applied; from %s: %s", from, mode);
	/* .wslconfig's value is case-insensitive, as WSL reads it */
	if (!strcasecmp(mode, "mirrored")) {
		wb_debug("mirrored mode: WSL shares Windows' loopback");
		printf("127.0.0.1\n");
		rc = WB_EXIT_OK;
	} else if (!strcasecmp(mode, "nat") || !strcasecmp(mode, "virtioproxy") || !strcasecmp(mode, "consomme")) {
		if (o.lx.gateway) {
			wb_debug("%s mode: eth0's default gateway is Windows", mode);
			printf("%s\n", o.lx.gateway);
			rc = WB_EXIT_OK;
		} else {
			rc = wb_error(WB_EXIT_FAIL, "NAT mode, but eth0 has no default gateway: WSL's network is not up");
			wb_hint("`wslbridge check nat` says more");
		}
	} else if (!strcasecmp(mode, "bridged")) {
		rc = bridged_address(ctx);
	} else {
		rc = wb_error(WB_EXIT_FAIL, "WSL's networking mode is '%s': there is no network to the host", mode);
	}
	observation_release(&o);
	return rc;
}
