/* SPDX-License-Identifier: MIT */
/*
 * diagram.h - the topology `wslbridge status` draws: the LAN, the Windows
 * host (the adapter WSL uses, the switch, a VPN), the WSL VM (mode, eth0,
 * address, MTU, route, DNS), with what is broken marked and said.
 */
#ifndef WB_DIAGRAM_H
#define WB_DIAGRAM_H

#include "host/host-state.h"
#include "observe/observe.h"

#include <stdio.h>

/* "Pro" for Professional, "Home" for Core, ... */
const char *diagram_edition(const char *edition_id);

/* The picture of o (Windows left out offline); the link between Windows and
 * the VM is labelled by the mode WSL runs (observation_mode).  Below it,
 * the verdict: nfail expectations of target (verdict.h) that fail. */
void diagram_print(FILE *f, const struct observation *o, const char *target, size_t nfail);

#endif
