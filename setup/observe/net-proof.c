/* SPDX-License-Identifier: MIT */
/* net-proof.c - see net-proof.h. */
#include "observe/net-proof.h"
#include "observe/linux-observe.h"
#include "base/dns-query.h"
#include "base/util.h"

#include <string.h>

#define PROOF_SERVERS 4

int net_proof(const struct wb_ctx *ctx, const char *ifname, const char *name, int timeout_ms, char **ret_why)
{
	struct dns_query q[PROOF_SERVERS];
	struct linux_state st;
	size_t n = 0;
	int r = -1;

	memset(&st, 0, sizeof(st));
	linux_observe(ctx, ifname, &st);
	*ret_why = NULL;
	if (!st.present)
		*ret_why = xasprintf("%s is missing", ifname);
	else if (!st.naddrs)
		*ret_why = xasprintf("%s has no IPv4 address (no DHCP lease)", ifname);
	else if (!st.gateway)
		*ret_why = xasprintf("%s has no IPv4 default route", ifname);
	else if (!st.nns)
		*ret_why = xstrdup("resolv.conf names no nameserver");
	if (*ret_why)
		goto out;
	for (; n < st.nns && n < PROOF_SERVERS; n++)
		q[n] = (struct dns_query){ .server = st.nameservers[n], .name = name, .type = DNS_TYPE_A };
	(void)dns_ask(q, n, timeout_ms);
	for (size_t i = 0; i < n && r < 0; i++)
		if (q[i].outcome == DNS_REPLIED && (q[i].rcode == DNS_RCODE_NOERROR || q[i].rcode == DNS_RCODE_NXDOMAIN))
			r = 0;
	if (r < 0)
		*ret_why = xasprintf("no nameserver answered (%s%s asked for %s)", st.nameservers[0],
				     n > 1 ? " and others" : "", name);
out:
	linux_state_release(&st);
	return r;
}
