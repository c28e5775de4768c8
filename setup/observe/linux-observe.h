/* SPDX-License-Identifier: MIT */
/*
 * linux-observe.h - the distribution's side of the network, read from the
 * kernel (sysfs, getifaddrs, /proc/net/route: WSLBRIDGE_SYSFS and
 * WSLBRIDGE_PROCFS move them for tests) and from <root>/etc/resolv.conf.
 */
#ifndef WB_LINUX_OBSERVE_H
#define WB_LINUX_OBSERVE_H

#include "base/ctx.h"

#include <stdbool.h>
#include <stddef.h>

struct linux_state {
	char *ifname;
	bool present;
	char *mac, *operstate;
	int mtu, carrier;		/* -1: unknown */
	char **addrs;			/* IPv4 "a.b.c.d/len" */
	size_t naddrs;
	char *gateway, *route_dev;	/* the IPv4 default route */
	char **nameservers, **search;
	size_t nns, nsearch;
	char *resolv_link;		/* symlink target of resolv.conf, or NULL */
	bool resolv_by_wsl;		/* WSL's generated header is there */
	int resolv_err;			/* 0, or -errno: resolv.conf could not be read */
};

void linux_observe(const struct wb_ctx *ctx, const char *ifname, struct linux_state *st);
void linux_state_release(struct linux_state *st);

#endif
