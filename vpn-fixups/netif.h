/* SPDX-License-Identifier: MIT */
/*
 * netif.h - network interface operations straight through the kernel: set an
 * interface's MTU (SIOCSIFMTU), and measure the path MTU to an IPv4 address
 * with don't-fragment ICMP echo probes (a raw socket: needs root); and, for
 * doctor, whether a host answers a ping or a TCP connection.
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

/*
 * One ICMP echo to the IPv4 address target: 0 and *ret_ms when it came back,
 * -ETIMEDOUT, -EACCES when this user may not ping (not root, and outside
 * net.ipv4.ping_group_range), or another -errno.
 */
int netif_ping(const char *target, int timeout_ms, long *ret_ms);

/*
 * A TCP connection to host (a name, through the system's resolver, or an
 * address) and port, closed at once: 0 and *ret_ms when it opened,
 * -ECONNREFUSED when the host said no, -ETIMEDOUT, -ENOENT when the name
 * did not resolve, or another -errno.  *ret_addr (allocated, may be NULL)
 * gets the address tried last.
 */
int netif_tcp_connect(const char *host, const char *port, int timeout_ms, long *ret_ms, char **ret_addr);

#endif
