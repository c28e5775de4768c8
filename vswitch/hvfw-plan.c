/* SPDX-License-Identifier: MIT */
/* hvfw-plan.c - see hvfw-plan.h. */
#include "vswitch/hvfw-plan.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* LocalPorts as Windows lists them: "Any", or numbers and ranges "a-b", comma-joined. */
static bool ports_cover(const char *list, unsigned port)
{
	if (!list || !strcasecmp(list, "Any"))
		return list != NULL;
	for (const char *w = list; *w;) {
		size_t len = strcspn(w, ",");
		const char *dash = memchr(w, '-', len);
		unsigned lo = port_number(w, dash ? (size_t)(dash - w) : len);
		unsigned hi = dash ? port_number(dash + 1, len - (size_t)(dash + 1 - w)) : lo;

		if (lo && port >= lo && port <= hi)
			return true;
		w += len + (w[len] == ',');
	}
	return false;
}

bool hvfw_port_open(const struct host_state *st, const struct port_spec *p)
{
	const char *proto = p->udp ? "UDP" : "TCP";

	if (st->hvfw_default_inbound && !strcasecmp(st->hvfw_default_inbound, "Allow"))
		return true;
	for (size_t i = 0; i < st->nhvfw_rules; i++) {
		const struct host_hvfw_rule *r = &st->hvfw_rules[i];

		if (r->direction && !strcasecmp(r->direction, "Inbound") && r->action &&
		    !strcasecmp(r->action, "Allow") && r->enabled && !strcasecmp(r->enabled, "True") &&
		    r->protocol && (!strcasecmp(r->protocol, proto) || !strcasecmp(r->protocol, "Any")) &&
		    ports_cover(r->local_ports, p->port))
			return true;
	}
	return false;
}

char *hvfw_unopened(const struct host_state *st, const char *ports_csv)
{
	struct port_spec ps[PORTS_MAX];
	size_t n = 0;
	char *why = NULL;
	struct buf b = BUF_INIT;

	if (port_list_parse(ports_csv, ps, &n, &why) < 0)
		return why;
	if (!st->hvfw_present)
		return xstrdup("no Hyper-V firewall on this Windows");
	for (size_t i = 0; i < n; i++)
		if (!hvfw_port_open(st, &ps[i]))
			buf_addf(&b, "%s%u%s", b.len ? " " : "", ps[i].port, ps[i].udp ? "/udp" : "");
	return b.len ? buf_detach(&b, NULL) : xstrdup("none");
}

void hvfw_plan(const struct host_state *st, const struct port_spec *ps, size_t n, struct win_plan *p)
{
	const struct host_unreadable *u = host_unreadable(st, "hyperv-firewall");

	if (u && n) {	/* unreadable is not missing: nothing is planned from it */
		char *why = host_unreadable_text(u);

		p->refusal = xasprintf("the Hyper-V firewall's rules could not be read (%s)", why);
		free(why);
		return;
	}
	if (!st->hvfw_present && n) {
		p->refusal = xstrdup("this Windows has no Hyper-V firewall (New-NetFirewallHyperVRule), so "
				     "--allow-port cannot open ports into WSL");
		return;
	}
	for (size_t i = 0; i < n && p->n < PLAN_MAX; i++) {
		const char *proto = ps[i].udp ? "UDP" : "TCP";
		char name[64], display[80], port[8];
		struct host_action *a;

		if (hvfw_port_open(st, &ps[i]))
			continue;
		snprintf(name, sizeof(name), "wslbridge-allow-%s-%u", ps[i].udp ? "udp" : "tcp", ps[i].port);
		snprintf(port, sizeof(port), "%u", ps[i].port);
		snprintf(display, sizeof(display), "wslbridge: %s %u into WSL", proto, ps[i].port);
		a = win_plan_add(p, HA_HVFW_ALLOW, xasprintf("let %s port %u into WSL through the Hyper-V "
							     "firewall (rule %s)  [admin]", proto, ps[i].port, name));
		a->attrs[0] = "name"; a->attrs[1] = win_plan_keep(p, name);
		a->attrs[2] = "display-name"; a->attrs[3] = win_plan_keep(p, display);
		a->attrs[4] = "protocol"; a->attrs[5] = proto;
		a->attrs[6] = "port"; a->attrs[7] = win_plan_keep(p, port);
		p->undo[p->n - 1].type = HA_HVFW_REMOVE;
		p->undo[p->n - 1].attrs[0] = "name";
		p->undo[p->n - 1].attrs[1] = a->attrs[1];
	}
}
