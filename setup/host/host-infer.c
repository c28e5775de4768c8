/* SPDX-License-Identifier: MIT */
/* host-infer.c - see host-infer.h; and which sections could not be read. */
#include "host/host-infer.h"
#include "base/util.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const struct host_unreadable *host_unreadable(const struct host_state *st, const char *section)
{
	for (size_t i = 0; i < st->nunreadable; i++)
		if (st->unreadable[i].section && !strcmp(st->unreadable[i].section, section))
			return &st->unreadable[i];
	return NULL;
}

bool host_unasked(const struct host_state *st, const char *section)
{
	const struct host_unreadable *u = host_unreadable(st, section);

	return u && u->reason && !strcmp(u->reason, "unasked");
}

char *host_unreadable_text(const struct host_unreadable *u)
{
	bool hyperv = u->section && (!strcmp(u->section, "switches") || !strcmp(u->section, "external-ports"));

	if (u->reason && !strcmp(u->reason, "unasked"))
		return xstrdup("not read: what this run checks does not need it");
	if (u->reason && !strcmp(u->reason, "permission"))
		return xasprintf("permission denied: this Windows process is not elevated%s",
				 hyperv ? " and its user is not in Hyper-V Administrators" : "");
	return xasprintf("%s [%s]", u->message && *u->message ? u->message : "it failed",
			 u->fqid && *u->fqid ? u->fqid : "no error id");
}

/* "NAME" of an adapter "vEthernet (NAME)" of Hyper-V, or NULL (allocated). */
static char *vnic_switch_name(const struct host_adapter *a)
{
	size_t n;

	if (!a->name || !a->description || strncmp(a->name, "vEthernet (", 11) ||
	    strncmp(a->description, "Hyper-V Virtual Ethernet Adapter", 32))
		return NULL;
	n = strlen(a->name);
	if (n < 13 || a->name[n - 1] != ')')
		return NULL;
	return xstrndup(a->name + 11, n - 12);
}

/* The physical adapter bound as an uplink (vms_pp on, IPv4 off) with vnic's MAC. */
static const struct host_adapter *uplink_of(const struct host_state *st, const struct host_adapter *vnic)
{
	for (size_t i = 0; vnic->mac && i < st->nadapters; i++) {
		const struct host_adapter *a = &st->adapters[i];

		if (a != vnic && a->hardware && a->mac && !strcasecmp(a->mac, vnic->mac) &&
		    host_adapter_binding(a, "vms_pp") == 1 && host_adapter_binding(a, "ms_tcpip") == 0)
			return a;
	}
	return NULL;
}

void host_state_infer_switches(struct host_state *st)
{
	for (size_t i = 0; i < st->nadapters; i++) {
		char *name = vnic_switch_name(&st->adapters[i]);
		const struct host_adapter *up;
		struct host_switch *s;

		if (!name)
			continue;
		up = uplink_of(st, &st->adapters[i]);
		st->switches = xrealloc(st->switches, (st->nswitches + 1) * sizeof(*st->switches));
		s = &st->switches[st->nswitches++];
		memset(s, 0, sizeof(*s));
		s->name = name;
		s->inferred = true;
		s->allow_mos = true;	/* a vEthernet adapter exists only when shared */
		s->type = up ? SWITCH_EXTERNAL : -1;
		if (up) {
			s->uplinks = xcalloc(1, sizeof(char *));
			s->uplinks[0] = xstrdup(up->guid);
			s->nuplinks = 1;
		}
	}
}
