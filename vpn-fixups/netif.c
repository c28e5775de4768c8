/* SPDX-License-Identifier: MIT */
/* netif.c - see netif.h. */
#include "vpn-fixups/netif.h"
#include "base/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int netif_set_mtu(const char *ifname, int mtu)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r = 0;

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_mtu = mtu;
	if (ioctl(fd, SIOCSIFMTU, &ifr) < 0)
		r = -errno;
	close(fd);
	return r;
}

static uint16_t checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/*
 * One DF echo of `size` bytes (IP header included): 1 a reply came, 0 no
 * reply in time or a router said it is too big (*reported set), <0 error.
 */
static int probe(int fd, const struct sockaddr_in *to, int size, uint16_t seq, int timeout_ms,
		 int *reported)
{
	uint8_t pkt[9000], in[9100];
	struct icmphdr *h = (struct icmphdr *)pkt;
	size_t len = (size_t)size - 20;
	long deadline = now_ms() + timeout_ms;
	uint16_t id = (uint16_t)getpid();

	memset(pkt, 0xA5, len);
	memset(h, 0, sizeof(*h));
	h->type = ICMP_ECHO;
	h->un.echo.id = htons(id);
	h->un.echo.sequence = htons(seq);
	h->checksum = checksum(pkt, len);
	if (sendto(fd, pkt, len, 0, (const struct sockaddr *)to, sizeof(*to)) < 0)
		return errno == EMSGSIZE ? 0 : -errno;	/* bigger than a known MTU */
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return 0;
		n = recv(fd, in, sizeof(in), 0);
		if (n < (ssize_t)(20 + sizeof(struct icmphdr)))
			continue;
		{
			const struct iphdr *ip = (const struct iphdr *)in;
			const struct icmphdr *r = (const struct icmphdr *)(in + ip->ihl * 4);

			if (r->type == ICMP_ECHOREPLY && ntohs(r->un.echo.id) == id &&
			    ntohs(r->un.echo.sequence) == seq)
				return 1;
			if (r->type == ICMP_DEST_UNREACH && r->code == ICMP_FRAG_NEEDED) {
				*reported = ntohs(r->un.frag.mtu);
				return 0;
			}
		}
	}
}

int netif_probe_mtu(const char *target, int hi, int timeout_ms, struct mtu_probe *res)
{
	struct sockaddr_in to = { 0 };
	int fd, lo = 576, val = IP_PMTUDISC_PROBE, r = 0;
	long t0 = now_ms();
	uint16_t seq = 1;

	memset(res, 0, sizeof(*res));
	to.sin_family = AF_INET;
	if (inet_pton(AF_INET, target, &to.sin_addr) != 1)
		return -EINVAL;
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (fd < 0)
		return -errno;
	/* DF on, and ignore the kernel's cached PMTU: every size is really sent. */
	if (setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &val, sizeof(val)) < 0) {
		r = -errno;
		goto out;
	}
	r = probe(fd, &to, lo, seq++, timeout_ms, &res->icmp_reported);
	res->probes++;
	if (r <= 0) {
		r = r < 0 ? r : -EHOSTUNREACH;
		goto out;
	}
	while (lo < hi) {	/* lo gets through; find the largest that does */
		int mid = lo + (hi - lo + 1) / 2;

		r = probe(fd, &to, mid, seq++, timeout_ms, &res->icmp_reported);
		res->probes++;
		if (r < 0)
			goto out;
		if (r)
			lo = mid;
		else
			hi = mid - 1;
	}
	res->mtu = lo;
	r = 0;
out:
	res->ms = now_ms() - t0;
	close(fd);
	return r;
}

/* An unprivileged ICMP socket: the kernel sets the ID and checksum and hands back only ICMP. */
static int ping_dgram(const struct sockaddr_in *to, int timeout_ms)
{
	struct icmphdr h = { .type = ICMP_ECHO }, in;
	long deadline = now_ms() + timeout_ms;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMP), r = -ETIMEDOUT;

	if (fd < 0)
		return -errno;
	h.un.echo.sequence = htons(1);
	if (sendto(fd, &h, sizeof(h), 0, (const struct sockaddr *)to, sizeof(*to)) < 0)
		r = -errno;
	while (r == -ETIMEDOUT) {
		struct pollfd p = { fd, POLLIN, 0 };
		long left = deadline - now_ms();

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			break;
		if (recv(fd, &in, sizeof(in), 0) < 0)
			r = errno == EAGAIN ? r : -errno;
		else if (in.type == ICMP_ECHOREPLY)
			r = 0;
	}
	close(fd);
	return r;
}

int netif_ping(const char *target, int timeout_ms, long *ret_ms)
{
	struct sockaddr_in to = { 0 };
	long t0 = now_ms();
	int fd, r, reported = 0;

	to.sin_family = AF_INET;
	if (inet_pton(AF_INET, target, &to.sin_addr) != 1)
		return -EINVAL;
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (fd >= 0) {
		r = probe(fd, &to, 84, 1, timeout_ms, &reported);
		close(fd);
		r = r > 0 ? 0 : r < 0 ? r : -ETIMEDOUT;
	} else {
		r = ping_dgram(&to, timeout_ms);
	}
	*ret_ms = now_ms() - t0;
	return r;
}

/* One non-blocking connect to ai, waiting at most timeout_ms: 0 or -errno. */
static int connect_one(const struct addrinfo *ai, int timeout_ms)
{
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), r = 0;
	struct pollfd p = { fd, POLLOUT, 0 };
	socklen_t len = sizeof(r);

	if (fd < 0)
		return -errno;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		if (errno != EINPROGRESS)
			r = -errno;
		else if (poll(&p, 1, timeout_ms) <= 0)
			r = -ETIMEDOUT;
		else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &r, &len) < 0)
			r = -errno;
		else
			r = -r;
	}
	close(fd);
	return r;
}

int netif_tcp_connect(const char *host, const char *port, int timeout_ms, long *ret_ms, char **ret_addr)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	long t0 = now_ms();
	int r = getaddrinfo(host, port, &hints, &res);

	if (ret_addr)
		*ret_addr = NULL;
	if (r) {
		*ret_ms = now_ms() - t0;
		return r == EAI_SYSTEM ? -errno : -ENOENT;
	}
	r = -EHOSTUNREACH;
	for (struct addrinfo *ai = res; ai && r; ai = ai->ai_next) {
		char addr[NI_MAXHOST];

		r = connect_one(ai, timeout_ms);
		if (ret_addr && !getnameinfo(ai->ai_addr, ai->ai_addrlen, addr, sizeof(addr), NULL, 0,
					     NI_NUMERICHOST)) {
			free(*ret_addr);
			*ret_addr = xstrdup(addr);
		}
	}
	freeaddrinfo(res);
	*ret_ms = now_ms() - t0;
	return r;
}
