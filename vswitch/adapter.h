/* SPDX-License-Identifier: MIT */
/*
 * adapter.h - which Windows adapter a bridge should use: by name,
 * description, MAC or GUID when the user says; otherwise the physical, Up
 * adapter that carries the default route, wired before Wi-Fi, lowest metric.
 * Virtual and VPN adapters are never chosen.
 */
#ifndef WB_ADAPTER_H
#define WB_ADAPTER_H

#include "host/host-state.h"

#include <stdbool.h>

/* A physical NIC Hyper-V could bind (not virtual, not a VPN's). */
bool adapter_is_physical(const struct host_adapter *a);
bool adapter_is_vpn(const struct host_adapter *a);

/*
 * The adapter named by want (GUID with or without braces, MAC with any
 * separators, Name or InterfaceDescription, case-insensitive), or NULL.
 */
const struct host_adapter *adapter_find(const struct host_state *st, const char *want);

/*
 * A physical adapter that was a switch's uplink and lost it: IPv4 unbound
 * (Hyper-V moves the host stack to the vNIC) or VMware's bridge bound.
 * NULL when none looks like that.
 */
const struct host_adapter *adapter_former_uplink(const struct host_state *st);

/*
 * The best adapter for a bridge, or NULL.  *ret_why (allocated) says why it
 * was taken, or why none could be.
 */
const struct host_adapter *adapter_choose(const struct host_state *st, char **ret_why);

/*
 * The physical adapters a bridge could use other than except (may be NULL),
 * each "NAME (DESCRIPTION)", with "; STATUS now" for one that is not up:
 * "Wi-Fi (Intel(R) Wi-Fi 6 AX201 160MHz), Ethernet 2 (Realtek ...; Disconnected now)".
 * Allocated; NULL when there is none.
 */
char *adapter_others_that_fit(const struct host_state *st, const struct host_adapter *except);

#endif
