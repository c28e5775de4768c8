/* SPDX-License-Identifier: MIT */
/*
 * vpn.h - `wslbridge vpn`: the plan (vpn-plan.c) and the verb (verb-vpn.c).
 */
#ifndef WB_VPN_H
#define WB_VPN_H

#include "observe/observe.h"
#include "vpn-fixups/profile.h"

#include <stdbool.h>

#include "apply/boot-hook.h"

struct vpn_opts {
	const char *profile, *mtu, *dns, *search, *probe_target;
	bool boot_only, force;
	bool dry_run, json;	/* apply: print the plan (as JSON) and stop */
};

struct vpn_plan {
	const struct vpn_profile *profile;
	const struct host_adapter *adapter;	/* the VPN's Windows adapter, or NULL */
	bool found;			/* the profile was chosen from that adapter */
	int mtu;
	char *mtu_why, *dns_why;
	bool dns_tunnel;
	bool dns_write;			/* tunnelling is not on by default in this WSL: write dnsTunneling=true */
	char *servers[3];
	size_t nservers;
};

/*
 * The planners: they never print.  Each returns 0, or an exit code with
 * *ret_why saying why (allocated), which the verb reports once.
 */
int vpn_choose_profile(const struct vpn_opts *o, const struct host_state *st, const struct vpn_profiles *ps,
		       struct vpn_plan *p, char **ret_why);
int vpn_choose_mtu(const struct vpn_opts *o, const struct linux_state *lx, struct vpn_plan *p, char **ret_why);
int vpn_choose_dns(const struct vpn_opts *o, const struct observation *obs, struct vpn_plan *p, char **ret_why);

/* `vpn remove` (vpn-remove.c): an exit code. */
struct subverb;
int vpn_remove(struct wb_ctx *ctx, const struct subverb *sv, bool force);

#endif
