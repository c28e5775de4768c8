/* SPDX-License-Identifier: MIT */
/*
 * doctor-net.c - doctor's network checks: every nameserver WSL uses, asked
 * A and AAAA and through the search suffixes, timed; the default gateway,
 * the Windows host and an internet endpoint; path-MTU black holes.
 */
#include "verbs/doctor.h"
#include "base/util.h"
#include "targets/compare.h"
#include "vpn-fixups/netif.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_SERVERS 4
#define MAX_SUFFIXES 3
#define TUNNEL_DEFAULT "10.255.255.254"

/* WSL's DNS tunnelling listener, when tunnelling is on (.wslconfig, else whether resolv.conf names it). */
static const char *tunnel_address(const struct observation *o)
{
	const char *on = ini_value(&o->wslconfig, "wsl2.dnsTunneling");
	const char *addr = ini_value(&o->wslconfig, "experimental.dnsTunnelingIpAddress");

	addr = addr ? addr : TUNNEL_DEFAULT;
	if (on && !strcasecmp(on, "true"))
		return addr;
	if (on && !strcasecmp(on, "false"))
		return NULL;
	for (size_t i = 0; i < o->lx.nns; i++)
		if (!strcmp(o->lx.nameservers[i], addr))
			return addr;
	return NULL;
}

/* "www.example.com" -> "www": the short name a search suffix completes. */
static char *short_name(const char *name)
{
	const char *dot = strchr(name, '.');

	return dot ? xstrndup(name, (size_t)(dot - name)) : xstrdup(name);
}

/* The questions for one server: A and AAAA of the name, A of its short name with each suffix. */
static size_t questions(const struct observation *o, const char *server, const char *name,
			struct dns_query *q, char **owned)
{
	size_t n = 0;
	char *label = short_name(name);

	q[n++] = (struct dns_query){ .server = server, .name = name, .type = DNS_TYPE_A };
	q[n++] = (struct dns_query){ .server = server, .name = name, .type = DNS_TYPE_AAAA };
	for (size_t i = 0; i < o->lx.nsearch && i < MAX_SUFFIXES; i++) {
		owned[i] = xasprintf("%s.%s", label, o->lx.search[i]);
		q[n++] = (struct dns_query){ .server = server, .name = owned[i], .type = DNS_TYPE_A };
	}
	free(label);
	return n;
}

static int query_verdict(const struct dns_query *q)
{
	if (q->outcome == DNS_TIMEOUT)
		return DNS_SILENT;
	if (q->outcome != DNS_REPLIED || (q->rcode != DNS_RCODE_NOERROR && q->rcode != DNS_RCODE_NXDOMAIN))
		return DNS_REFUSING;
	return q->ms > DOCTOR_SLOW_MS ? DNS_SLOW : DNS_ANSWERING;
}

static void describe_query(struct buf *b, const struct dns_query *q)
{
	buf_addf(b, "%s%s %s ", b->len ? "; " : "", dns_type_name(q->type), q->name);
	if (q->outcome == DNS_TIMEOUT)
		buf_addf(b, "no reply in %ld ms", q->ms);
	else if (q->outcome == DNS_UNREACHABLE)
		buf_addf(b, "unreachable (%s)", errstr(q->err));
	else if (q->outcome == DNS_FAILED)
		buf_addf(b, "not asked (%s)", errstr(q->err));
	else if (q->rcode == DNS_RCODE_NOERROR)
		buf_addf(b, "in %ld ms (%d answer%s)", q->ms, q->answers, q->answers == 1 ? "" : "s");
	else
		buf_addf(b, "in %ld ms (%s)", q->ms, dns_rcode_name(q->rcode));
}

/* What fixes a failing server: away from the tunnel when it is the tunnel, else through it. */
static char *dns_remedy(const struct observation *o, const struct doc_check *c, const char *tunnel,
			bool suffix_only)
{
	struct buf good = BUF_INIT;

	if (tunnel && !strcmp(c->server, tunnel))
		return xasprintf("%s --dns static", doc_vpn_apply(o));
	if (!suffix_only)
		return xasprintf("%s --dns tunnel", doc_vpn_apply(o));
	for (size_t i = 2; i < c->nqueries; i++)
		if (query_verdict(&c->queries[i]) == DNS_ANSWERING)
			buf_addf(&good, "%s%s", good.len ? "," : "", o->lx.search[i - 2]);
	if (!good.len)
		return xasprintf("%s --dns static", doc_vpn_apply(o));
	{
		char *res = xasprintf("%s --dns static --search %s", doc_vpn_apply(o), good.s);

		buf_release(&good);
		return res;
	}
}

static void server_check(struct doc_report *r, const struct observation *o, const char *server,
			 const char *source, struct dns_query *q, size_t n, const char *tunnel)
{
	struct buf b = BUF_INIT;
	int worst = DNS_ANSWERING;
	bool suffix_only = true;
	struct doc_check *c;

	for (size_t i = 0; i < n; i++) {
		int v = query_verdict(&q[i]);

		describe_query(&b, &q[i]);
		if (v > worst)
			worst = v;
		if (v != DNS_ANSWERING && i < 2)
			suffix_only = false;
	}
	c = doc_add(r, DG_DNS, "dns.server", worst == DNS_ANSWERING ? DOC_PASS : DOC_FAIL,
		    xasprintf("nameserver %s (%s)", server, source),
		    xasprintf("%s: %s", dns_verdict_name(worst), b.s ? b.s : ""));
	buf_release(&b);
	c->server = xstrdup(server);
	c->verdict = worst;
	c->queries = xmalloc(n * sizeof(*q));
	c->nqueries = n;
	for (size_t i = 0; i < n; i++) {
		c->queries[i] = q[i];
		c->queries[i].server = c->server;
		c->queries[i].name = xstrdup(q[i].name);
	}
	if (worst != DNS_ANSWERING)
		c->remedy = dns_remedy(o, c, tunnel, suffix_only);
}

void doctor_dns(struct doc_report *r, const struct observation *o, const struct doctor_opts *op)
{
	const char *servers[MAX_SERVERS], *sources[MAX_SERVERS], *tunnel = tunnel_address(o);
	struct dns_query q[MAX_SERVERS * (2 + MAX_SUFFIXES)];
	char *owned[MAX_SERVERS][MAX_SUFFIXES] = { { NULL } };
	size_t ns = 0, nq = 0, per[MAX_SERVERS];
	bool listed = false;

	for (size_t i = 0; i < o->lx.nns && ns < MAX_SERVERS - 1; i++) {
		listed |= tunnel && !strcmp(o->lx.nameservers[i], tunnel);
		sources[ns] = tunnel && !strcmp(o->lx.nameservers[i], tunnel) ? "resolv.conf, DNS tunnelling" :
			      "resolv.conf";
		servers[ns++] = o->lx.nameservers[i];
	}
	if (tunnel && !listed) {
		sources[ns] = "DNS tunnelling, not in resolv.conf";
		servers[ns++] = tunnel;
	}
	if (!ns && r->mode && !strcasecmp(r->mode, "bridged")) {
		/* DNS tunnelling is not for bridged mode: check's probe names the cause and the fix */
		const char *sw = ini_value(&o->wslconfig, "wsl2.vmSwitch");
		struct expectation e = { .probe = (char *)"linux.dns", .sw = (char *)(sw ? sw : "WSL Bridge") };
		char *skip = NULL, *v = probe_value(&e, o, &skip);
		struct doc_check *c = doc_add(r, DG_DNS, "dns.servers", DOC_FAIL, xstrdup("nameservers"),
					      v ? v : skip);

		c->remedy = xstrdup(strstr(c->detail, "sudo wslbridge vpn apply") ? "the `sudo wslbridge vpn "
				    "apply ...` command above, until a WSL release has the fix (microsoft/WSL#41539)" :
				    "make the LAN's DHCP server send DNS servers");
		return;
	}
	if (!ns) {
		struct doc_check *c = doc_add(r, DG_DNS, "dns.servers", DOC_FAIL, xstrdup("nameservers"),
					      xstrdup("resolv.conf names no nameserver and DNS tunnelling is off"));

		c->remedy = xasprintf("%s --dns tunnel", doc_vpn_apply(o));
		return;
	}
	for (size_t s = 0; s < ns; s++) {
		per[s] = questions(o, servers[s], op->name, q + nq, owned[s]);
		nq += per[s];
	}
	(void)dns_ask(q, nq, op->timeout_ms);
	for (size_t s = 0, at = 0; s < ns; at += per[s], s++)
		server_check(r, o, servers[s], sources[s], q + at, per[s], tunnel);
	for (size_t s = 0; s < ns; s++)
		for (size_t k = 0; k < MAX_SUFFIXES; k++)
			free(owned[s][k]);
}

/* A ping to addr as a check: whether it answers, and in how long. */
static struct doc_check *ping_check(struct doc_report *r, const char *id, char *subject, const char *addr,
				    const struct doctor_opts *op)
{
	long ms = 0;
	int e = netif_ping(addr, op->timeout_ms, &ms);

	if (e == -EACCES || e == -EPERM)
		return doc_add(r, DG_REACH, id, DOC_SKIP, subject,
			       xstrdup("this user may not ping (net.ipv4.ping_group_range): run doctor as root"));
	if (e == 0)
		return doc_add(r, DG_REACH, id, DOC_PASS, subject, xasprintf("answers ping in %ld ms", ms));
	return doc_add(r, DG_REACH, id, DOC_FAIL, subject,
		       e == -ETIMEDOUT ? xasprintf("no answer to ping in %d ms", op->timeout_ms) :
		       xasprintf("ping failed: %s", errstr(e)));
}

/* HOST:PORT, [V6]:PORT -> host and port (allocated); -EINVAL when it is not one. */
int doctor_split_endpoint(const char *ep, char **ret_host, char **ret_port)
{
	const char *colon = strrchr(ep, ':'), *h = ep, *he;
	char *end;
	long port;

	if (!colon || colon == ep)
		return -EINVAL;
	port = strtol(colon + 1, &end, 10);
	if (*end || end == colon + 1 || port < 1 || port > 65535)
		return -EINVAL;
	he = colon;
	if (*ep == '[') {
		if (colon[-1] != ']')
			return -EINVAL;
		h = ep + 1;
		he = colon - 1;
	} else if (memchr(ep, ':', (size_t)(colon - ep))) {
		return -EINVAL;	/* an IPv6 address needs its brackets */
	}
	if (he == h)
		return -EINVAL;
	*ret_host = xstrndup(h, (size_t)(he - h));
	*ret_port = xstrdup(colon + 1);
	return 0;
}

static void endpoint_check(struct doc_report *r, const struct observation *o, const struct doctor_opts *op,
			   char **ret_addr)
{
	char *host = NULL, *port = NULL, *addr = NULL;
	long ms = 0;
	int e;
	struct doc_check *c;

	*ret_addr = NULL;
	if (doctor_split_endpoint(op->endpoint, &host, &port) < 0)
		return;	/* parsed already by the verb */
	e = netif_tcp_connect(host, port, op->timeout_ms, &ms, &addr);
	if (e == 0) {
		c = doc_add(r, DG_REACH, "reach.endpoint", DOC_PASS, xasprintf("internet endpoint %s", op->endpoint),
			    xasprintf("TCP connection to %s opened in %ld ms", addr, ms));
		*ret_addr = addr;
		addr = NULL;
	} else {
		c = doc_add(r, DG_REACH, "reach.endpoint", DOC_FAIL, xasprintf("internet endpoint %s", op->endpoint),
			    e == -ENOENT ? xasprintf("the name %s does not resolve", host) :
			    e == -ETIMEDOUT ? xasprintf("no TCP answer from %s in %d ms", addr ? addr : host, op->timeout_ms) :
			    xasprintf("TCP connection to %s: %s", addr ? addr : host, errstr(e)));
		c->remedy = e == -ENOENT ? xasprintf("%s --dns tunnel", doc_vpn_apply(o)) :
			    strcasecmp(r->mode, "mirrored") && doc_vpn_seen(o) ?
			    xstrdup("wslbridge setup --mode mirrored") : xstrdup("wslbridge repair");
	}
	free(addr);
	free(host);
	free(port);
}

void doctor_reach(struct doc_report *r, const struct observation *o, const struct doctor_opts *op,
		  char **ret_endpoint_addr)
{
	struct doc_check *c;
	char *addr = NULL, *how = NULL;
	int e;

	if (!o->lx.gateway) {
		c = doc_add(r, DG_REACH, "reach.gateway", DOC_FAIL, xstrdup("default gateway"),
			    xstrdup("eth0 has no IPv4 default route: WSL's network is not up"));
		c->remedy = xstrdup("wslbridge repair");
	} else if ((c = ping_check(r, "reach.gateway", xasprintf("default gateway %s", o->lx.gateway),
				   o->lx.gateway, op))->status == DOC_FAIL) {
		c->remedy = xstrdup("wslbridge repair");
	}
	e = observation_host_ip(o, &addr, &how);
	if (e == -ENOSYS) {
		doc_add(r, DG_REACH, "reach.host", DOC_SKIP, xstrdup("Windows host"),
			xasprintf("%s (not asked: --offline)", how));
	} else if (e < 0) {
		c = doc_add(r, DG_REACH, "reach.host", DOC_FAIL, xstrdup("Windows host"), xstrdup(how));
		c->remedy = xstrdup("wslbridge repair");
	} else if ((c = ping_check(r, "reach.host", xasprintf("Windows host %s (host-ip)", addr), addr, op))->status ==
		   DOC_FAIL) {
		c->remedy = xstrdup("wslbridge repair");
	}
	free(addr);
	free(how);
	endpoint_check(r, o, op, ret_endpoint_addr);
}

void doctor_mtu(struct doc_report *r, const struct observation *o, const char *target)
{
	struct mtu_probe p;
	int hi = o->lx.mtu > 576 ? o->lx.mtu : 1500, e;
	struct doc_check *c;
	char *subject;

	if (!target || !strchr(target, '.') || strchr(target, ':')) {
		doc_add(r, DG_MTU, "mtu.path", DOC_SKIP, xstrdup("path MTU"),
			xstrdup("no IPv4 address to probe: the internet endpoint did not answer"));
		return;
	}
	subject = xasprintf("path MTU to %s", target);
	e = netif_probe_mtu(target, hi, 800, &p);
	if (e == -EPERM || e == -EACCES) {
		doc_add(r, DG_MTU, "mtu.path", DOC_SKIP, subject,
			xstrdup("the don't-fragment probe needs a raw socket: run doctor as root"));
	} else if (e == -EHOSTUNREACH) {
		doc_add(r, DG_MTU, "mtu.path", DOC_SKIP, subject, xasprintf("%s does not answer pings", target));
	} else if (e < 0) {
		doc_add(r, DG_MTU, "mtu.path", DOC_SKIP, subject, xasprintf("the probe failed: %s", errstr(e)));
	} else if (p.mtu >= hi) {
		doc_add(r, DG_MTU, "mtu.path", DOC_PASS, subject,
			xasprintf("%d, eth0's MTU (%d probes, %ld ms)", p.mtu, p.probes, p.ms));
	} else if (p.icmp_reported) {
		doc_add(r, DG_MTU, "mtu.path", DOC_PASS, subject,
			xasprintf("%d, below eth0's %d, and a router says so (fragmentation needed: %d)",
				  p.mtu, hi, p.icmp_reported));
	} else {
		c = doc_add(r, DG_MTU, "mtu.path", DOC_FAIL, subject,
			    xasprintf("a black hole: packets over %d bytes vanish without \"fragmentation "
				      "needed\" (eth0's MTU is %d)", p.mtu, hi));
		c->remedy = xasprintf("%s --mtu %d", doc_vpn_apply(o), p.mtu);
	}
}
