/* SPDX-License-Identifier: MIT */
/*
 * dns-query.h - ask DNS servers questions over UDP (RFC 1035), all at once,
 * and time each answer.  For doctor: whether a nameserver answers, is slow,
 * refuses or stays silent.  No resolver library: the questions go exactly
 * to the server named, never through the system's resolver or its cache.
 */
#ifndef WB_DNS_QUERY_H
#define WB_DNS_QUERY_H

#include <stddef.h>

enum { DNS_TYPE_A = 1, DNS_TYPE_AAAA = 28 };
enum { DNS_RCODE_NOERROR = 0, DNS_RCODE_SERVFAIL = 2, DNS_RCODE_NXDOMAIN = 3, DNS_RCODE_REFUSED = 5 };

enum dns_outcome {
	DNS_REPLIED,		/* a reply came: see rcode and answers */
	DNS_UNREACHABLE,	/* ICMP said no one listens there (port or host unreachable) */
	DNS_TIMEOUT,		/* nothing came back in time */
	DNS_FAILED,		/* the question could not be asked: see err */
};

struct dns_query {
	/* in */
	const char *server;	/* a numeric IPv4 or IPv6 address */
	const char *name;
	int type;
	/* out */
	enum dns_outcome outcome;
	int rcode, answers, err;	/* err: -errno when DNS_FAILED */
	long ms;			/* until the reply (or the outcome) */
};

/*
 * and wait at most timeout_ms for the replies.  Fills each query's
 * outcome; returns 0 or -EINVAL when n is over DNS_MAX_QUERIES.
 */
#define DNS_MAX_QUERIES 64
int dns_ask(struct dns_query *q, size_t n, int timeout_ms);

/* The name of a type, a response code and an outcome, for reports. */
const char *dns_type_name(int type);
const char *dns_rcode_name(int rcode);

#endif
