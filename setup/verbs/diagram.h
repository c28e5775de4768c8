/* SPDX-License-Identifier: MIT */
/*
 * diagram.h - the topology `wslbridge status` draws: the LAN, the Windows
 * host (the adapter WSL uses, the switch, a VPN), the WSL VM (mode, eth0,
 * address, MTU, route, DNS), with what is broken marked and said.
 */
#ifndef WB_DIAGRAM_H
#define WB_DIAGRAM_H

#include "host/host-state.h"
#include "conf/ini.h"
#include "observe/linux-observe.h"

#include <stdio.h>

/* "Pro" for Professional, "Home" for Core, ... */
const char *diagram_edition(const char *edition_id);

/* st may be NULL (offline); mode is what wslinfo says (or NULL). */
void diagram_print(FILE *f, const struct host_state *st, const char *mode,
		   const struct linux_state *lx, const struct ini_doc *wslconfig);

#endif
