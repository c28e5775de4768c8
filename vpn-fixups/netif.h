/* SPDX-License-Identifier: MIT */
/*
 * netif.h - network interface operations straight through the kernel: set an
 * interface's MTU (SIOCSIFMTU), and measure the path MTU to an IPv4 address
 * with don't-fragment ICMP echo probes (a raw socket: needs root).
 */
#ifndef WB_NETIF_H
#define WB_NETIF_H

/* 0 or -errno. */
int netif_set_mtu(const char *ifname, int mtu);

struct mtu_probe {
	int mtu;		/* the largest packet that got through, IP header included */
	int probes;		/* echo requests sent */
	int icmp_reported;	/* an MTU a router reported (frag needed), or 0 */
	long ms;		/* time taken */
};

/*
 * Binary search between 576 and hi for the largest DF packet that comes
 * back from target; a silent drop counts as "too big" (VPN black holes).
 * At most about 12 probes, each waiting timeout_ms.  0, -EHOSTUNREACH when
 * not even 576 bytes get through, or another -errno.
 */
int netif_probe_mtu(const char *target, int hi, int timeout_ms, struct mtu_probe *res);

#endif
