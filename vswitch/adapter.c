/* SPDX-License-Identifier: MIT */
/* adapter.c - see adapter.h. */
#include "vswitch/adapter.h"
#include "base/match.h"
#include "base/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool adapter_is_vpn(const struct host_adapter *a)
{
	return a->description && match(RE_VPN_ADAPTER, a->description, strlen(a->description));
}

bool adapter_is_physical(const struct host_adapter *a)
{
	return (a->hardware || a->connector) && !a->is_virtual && !adapter_is_vpn(a);
}

/* Hex digits only, lowercase: "00-1B-21-3A-4F-5C", "001b213a4f5c" and GUIDs compare. */
static void squash(const char *s, char *out, size_t n)
{
	size_t k = 0;

	for (; s && *s && k + 1 < n; s++)
		if (isxdigit((unsigned char)*s))
			out[k++] = (char)tolower((unsigned char)*s);
	out[k] = '\0';
}

static bool same_id(const char *a, const char *b)
{
	char x[64], y[64];

	squash(a, x, sizeof(x));
	squash(b, y, sizeof(y));
	return *x && !strcmp(x, y);
}

const struct host_adapter *adapter_find(const struct host_state *st, const char *want)
{
	char w[64];

	squash(want, w, sizeof(w));
	for (size_t i = 0; want && i < st->nadapters; i++) {
		const struct host_adapter *a = &st->adapters[i];

		if ((strlen(w) == 32 && same_id(a->guid, want)) ||
		    (strlen(w) == 12 && same_id(a->mac, want)) ||
		    (a->name && !strcasecmp(a->name, want)) ||
		    (a->description && !strcasecmp(a->description, want)))
			return a;
	}
	return NULL;
}

static bool routes_default(const struct host_state *st, const struct host_adapter *a)
{
	for (size_t i = 0; i < st->nroutes; i++)
		if (st->routes[i].ifindex == a->ifindex)
			return true;
	return false;
}

/* Higher is better: default route, then wired, then a lower metric. */
static long score(const struct host_state *st, const struct host_adapter *a)
{
	return (routes_default(st, a) ? 1L << 20 : 0) + (a->physical_medium == 14 ? 1L << 19 : 0) -
	       (a->metric > 0 ? a->metric : 0);
}

const struct host_adapter *adapter_former_uplink(const struct host_state *st)
{
	for (size_t i = 0; i < st->nadapters; i++) {
		const struct host_adapter *a = &st->adapters[i];

		if (adapter_is_physical(a) && (host_adapter_binding(a, "ms_tcpip") == 0 ||
					       host_adapter_binding(a, "vmware_bridge") == 1))
			return a;
	}
	return NULL;
}

const struct host_adapter *adapter_choose(const struct host_state *st, char **ret_why)
{
	const struct host_adapter *best = NULL;
	size_t fit = 0;

	for (size_t i = 0; i < st->nadapters; i++) {
		const struct host_adapter *a = &st->adapters[i];

		if (!adapter_is_physical(a) || !a->status || strcmp(a->status, "Up"))
			continue;
		fit++;
		if (!best || score(st, a) > score(st, best))
			best = a;
	}
	if (!best) {
		char *down = adapter_others_that_fit(st, NULL);

		*ret_why = xasprintf("no physical adapter is up (virtual and VPN adapters cannot be bridged); %s%s%s",
				     down ? "these would fit once connected: " : "Windows shows no physical adapter at all",
				     down ? down : "", down ? " (or name one with --adapter)" : "");
		free(down);
		return NULL;
	}
	*ret_why = xasprintf("%s (%s): %s%s, %s%s", best->name, best->description,
			     fit > 1 ? "of the adapters that fit, " : "",
			     routes_default(st, best) ? "it carries the default route" : "it is up",
			     best->physical_medium == 14 ? "wired" : best->physical_medium == 9 ? "Wi-Fi" : "other",
			     fit > 1 && best->physical_medium == 14 ? " (wired before Wi-Fi)" : "");
	return best;
}

char *adapter_others_that_fit(const struct host_state *st, const struct host_adapter *except)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < st->nadapters; i++) {
		const struct host_adapter *a = &st->adapters[i];
		bool up = a->status && !strcmp(a->status, "Up");

		if (a == except || !adapter_is_physical(a))
			continue;
		buf_addf(&b, "%s%s (%s%s%s%s)", b.len ? ", " : "", a->name ? a->name : "?",
			 a->description ? a->description : "?", up ? "" : "; ",
			 up ? "" : a->status ? a->status : "status unknown", up ? "" : " now");
	}
	return b.len ? buf_detach(&b, NULL) : (buf_release(&b), NULL);
}
