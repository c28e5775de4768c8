/* SPDX-License-Identifier: MIT */
/*
 * doctor.h - `wslbridge doctor`: real connectivity checks for anyone, in any
 * mode, with or without a setup.  The checks (doctor-net.c: DNS,
 * reachability, MTU; doctor-conf.c: proxy, config, Windows) fill a report
 * that verb-doctor.c prints as text or JSON.  Checks never print.
 */
#ifndef WB_DOCTOR_H
#define WB_DOCTOR_H

#include "base/dns-query.h"
#include "observe/observe.h"

#include <stdbool.h>
#include <stddef.h>

enum doc_group { DG_WINDOWS, DG_DNS, DG_REACH, DG_MTU, DG_PROXY, DG_CONFIG, DG_COUNT };
enum doc_status { DOC_PASS, DOC_FAIL, DOC_SKIP };

/* What doctor learned of one nameserver (a DNS check's data). */
enum dns_verdict { DNS_ANSWERING, DNS_SLOW, DNS_REFUSING, DNS_SILENT };
#define DOCTOR_SLOW_MS 1000

struct doc_check {
	enum doc_group group;
	const char *id;		/* a stable name for programs: "dns.server", "reach.gateway" ... */
	char *subject;		/* what was checked: "nameserver 10.255.255.254 (resolv.conf)" */
	enum doc_status status;
	char *detail;		/* what was seen */
	char *remedy;		/* when it fails: the command that fixes it, or NULL */
	/* DNS checks only */
	char *server;
	int verdict;		/* enum dns_verdict, or -1 */
	struct dns_query *queries;
	size_t nqueries;
};

struct doc_report {
	struct doc_check *c;
	size_t n;
	const char *mode, *mode_from;	/* observation_mode() */
	bool offline;
};

struct doctor_opts {
	bool offline, json;
	const char *endpoint;		/* HOST:PORT */
	const char *name;		/* the name the DNS checks resolve */
	int timeout_ms;
};

/* Add a check to r (subject and detail allocated, taken over); the new check. */
struct doc_check *doc_add(struct doc_report *r, enum doc_group g, const char *id, enum doc_status st,
			  char *subject, char *detail);
void doc_report_release(struct doc_report *r);
const char *doc_group_title(enum doc_group g);
const char *doc_group_name(enum doc_group g);
const char *doc_status_name(enum doc_status s);
const char *dns_verdict_name(int v);
/* Whether Windows showed a VPN client's adapter. */
bool doc_vpn_seen(const struct observation *o);
/* HOST:PORT or [IPV6]:PORT -> host and port (allocated); -EINVAL when it is not one. */
int doctor_split_endpoint(const char *ep, char **ret_host, char **ret_port);
/* "wslbridge vpn apply" with the VPN's profile, or "... apply generic" when Windows showed no VPN. */
const char *doc_vpn_apply(const struct observation *o);

void doctor_dns(struct doc_report *r, const struct observation *o, const struct doctor_opts *op);
void doctor_reach(struct doc_report *r, const struct observation *o, const struct doctor_opts *op,
		  char **ret_endpoint_addr);
void doctor_mtu(struct doc_report *r, const struct observation *o, const char *target);
void doctor_proxy(struct doc_report *r, const struct observation *o, const struct doctor_opts *op);
void doctor_config(struct doc_report *r, const struct observation *o);
void doctor_windows(struct doc_report *r, const struct observation *o, const char *why_not);

#endif
