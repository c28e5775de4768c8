/* SPDX-License-Identifier: MIT */
/*
 * dns-query.c - DNS questions over UDP to one server each (dns-query.h).
 * Each question has its own connected socket, so an ICMP "port unreachable"
 * comes back to it as ECONNREFUSED and a reply from anyone else is dropped
 * by the kernel; the ID and the question are checked as well.
 */
#include "base/dns-query.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* What ICMP (or the routing table) says of a server no one can reach. */
static bool unreachable(int neg_errno)
{
	return neg_errno == -ECONNREFUSED || neg_errno == -EHOSTUNREACH || neg_errno == -ENETUNREACH;
}

/* The question (header and QNAME, QTYPE, QCLASS IN) into p: its length, or -EINVAL. */
static int encode(const char *name, int type, uint16_t id, unsigned char *p, size_t cap)
{
	size_t n = 12;
	const char *label = name;

	memset(p, 0, 12);
	p[0] = id >> 8;
	p[1] = id & 0xFF;
	p[2] = 0x01;		/* RD: recursion desired, as a stub resolver asks */
	p[5] = 1;		/* QDCOUNT */
	if (!*name || strlen(name) > 253)
		return -EINVAL;
	while (*label) {
		const char *dot = strchr(label, '.');
		size_t len = dot ? (size_t)(dot - label) : strlen(label);

		if (len == 0 || len > 63 || n + len + 1 + 5 > cap)
			return -EINVAL;
		p[n++] = (unsigned char)len;
		memcpy(p + n, label, len);
		n += len;
		label += len + (dot ? 1 : 0);
		if (dot && !*label)
			break;	/* a trailing dot: the root */
	}
	p[n++] = 0;
	p[n++] = (unsigned char)(type >> 8);
	p[n++] = (unsigned char)type;
	p[n++] = 0;
	p[n++] = 1;
	return (int)n;
}

static int open_query(const struct dns_query *q, const char *port)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV, .ai_socktype = SOCK_DGRAM };
	struct addrinfo *ai = NULL;
	int fd, r;

	r = getaddrinfo(q->server, port, &hints, &ai);
	if (r)
		return r == EAI_SYSTEM ? -errno : -EINVAL;
	fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		r = -errno;
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return r;
	}
	freeaddrinfo(ai);
	return fd;
}

/* Whether the reply in p answers the question asked in ask (ID, QR, the same question). */
static bool is_reply(const unsigned char *p, ssize_t n, const unsigned char *ask, int asklen)
{
	return n >= asklen && p[0] == ask[0] && p[1] == ask[1] && (p[2] & 0x80) &&
	       p[4] == 0 && p[5] == 1 && !memcmp(p + 12, ask + 12, (size_t)asklen - 12);
}

struct pending {
	unsigned char ask[300];
	int asklen;
};

static void take_reply(struct dns_query *q, struct pollfd *pfd, const struct pending *pd, long start)
{
	unsigned char p[1500];
	ssize_t n = recv(pfd->fd, p, sizeof(p), 0);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	q->ms = now_ms() - start;
	if (n < 0) {
		q->outcome = unreachable(-errno) ? DNS_UNREACHABLE : DNS_FAILED;
		q->err = -errno;
	} else if (is_reply(p, n, pd->ask, pd->asklen)) {
		q->outcome = DNS_REPLIED;
		q->rcode = p[3] & 0x0F;
		q->answers = p[6] << 8 | p[7];
	} else {
		return;	/* not ours: keep waiting */
	}
	close(pfd->fd);
	pfd->fd = -1;
}

static int send_all(struct dns_query *q, size_t n, struct pollfd *pfd, struct pending *pd)
{
	int open_ = 0;

	for (size_t i = 0; i < n; i++) {
		uint16_t id = 0;

		pfd[i].fd = -1;
		pfd[i].events = POLLIN;
		q[i].outcome = DNS_TIMEOUT;
		q[i].rcode = q[i].answers = q[i].err = 0;
		q[i].ms = 0;
		if (getrandom(&id, sizeof(id), 0) != sizeof(id))
			id = (uint16_t)(now_ms() + (long)i);
		pd[i].asklen = encode(q[i].name, q[i].type, id, pd[i].ask, sizeof(pd[i].ask));
		if (pd[i].asklen < 0 || (pfd[i].fd = open_query(&q[i], "53")) < 0) {
			q[i].err = pd[i].asklen < 0 ? pd[i].asklen : pfd[i].fd;
			q[i].outcome = unreachable(q[i].err) ? DNS_UNREACHABLE : DNS_FAILED;
			pfd[i].fd = -1;
			continue;
		}
		if (send(pfd[i].fd, pd[i].ask, (size_t)pd[i].asklen, 0) < 0) {
			q[i].outcome = unreachable(-errno) ? DNS_UNREACHABLE : DNS_FAILED;
			q[i].err = -errno;
			close(pfd[i].fd);
			pfd[i].fd = -1;
			continue;
		}
		open_++;
	}
	return open_;
}

int dns_ask(struct dns_query *q, size_t n, int timeout_ms)
{
	struct pollfd pfd[DNS_MAX_QUERIES];
	struct pending pd[DNS_MAX_QUERIES];
	long start = now_ms(), left;

	if (n > DNS_MAX_QUERIES)
		return -EINVAL;
	if (!send_all(q, n, pfd, pd))
		return 0;
	while ((left = start + timeout_ms - now_ms()) > 0) {
		int open_ = 0;

		if (poll(pfd, n, (int)left) < 0 && errno != EINTR)
			break;
		for (size_t i = 0; i < n; i++) {
			if (pfd[i].fd >= 0 && pfd[i].revents)
				take_reply(&q[i], &pfd[i], &pd[i], start);
			open_ += pfd[i].fd >= 0;
		}
		if (!open_)
			return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (pfd[i].fd >= 0) {
			q[i].ms = timeout_ms;
			close(pfd[i].fd);
		}
	return 0;
}

const char *dns_type_name(int type)
{
	return type == DNS_TYPE_A ? "A" : type == DNS_TYPE_AAAA ? "AAAA" : "?";
}

const char *dns_rcode_name(int rcode)
{
	static const char *const names[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED" };

	return rcode >= 0 && rcode < 6 ? names[rcode] : "an unknown code";
}
