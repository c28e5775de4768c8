/* SPDX-License-Identifier: MIT */
/*
 * host-infer.h - what a standard user's observation still tells about
 * Hyper-V's switches when Windows would not list them (A.1).  Windows
 * shows every user the `vEthernet (NAME)` adapter of a switch shared with
 * it, and the bindings of the physical adapters: the uplink of an external
 * switch has the Hyper-V switch protocol (vms_pp) on and IPv4 (ms_tcpip)
 * off (A.4), and the host's vEthernet adapter carries the uplink's MAC
 * (LabBuilder#196 matches them so; windows-hyperv-vpn.md).  Switches found
 * this way are marked inferred; what cannot be inferred stays unknown.
 */
#ifndef WB_HOST_INFER_H
#define WB_HOST_INFER_H

#include "host/host-state.h"

/* Adds st's inferred switches (st->switches must be unreadable, hence empty). */
void host_state_infer_switches(struct host_state *st);

#endif
