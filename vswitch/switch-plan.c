/* SPDX-License-Identifier: MIT */
/* switch-plan.c - see switch-plan.h. */
#include "vswitch/switch-plan.h"
#include "vswitch/adapter.h"
#include "base/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *win_plan_keep(struct win_plan *p, const char *s)
{
	p->strings = xrealloc(p->strings, (p->nstrings + 1) * sizeof(char *));
	return p->strings[p->nstrings++] = xstrdup(s);
}

static void diag(struct win_plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void diag(struct win_plan *p, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	if (p->ndiag < PLAN_MAX)
		p->diagnosis[p->ndiag++] = s;
	else
		free(s);
}

struct host_action *win_plan_add(struct win_plan *p, enum host_action_type type, char *describe)
{
	struct host_action *a = &p->actions[p->n];

	memset(a, 0, sizeof(*a));
	memset(&p->undo[p->n], 0, sizeof(p->undo[p->n]));
	a->type = type;
	p->describe[p->n] = describe;
	p->irreversible[p->n] = NULL;
	p->n++;
	return a;
}

static void set_binding(struct win_plan *p, const struct host_adapter *ad, const char *comp, bool on,
			const char *what)
{
	struct host_action *a = win_plan_add(p, HA_SET_BINDING, xasprintf("%s %s on %s  [admin]",
				    on ? "bind" : "unbind", what, ad->name));
	struct host_action *u = &p->undo[p->n - 1];

	a->attrs[0] = "adapter-guid"; a->attrs[1] = win_plan_keep(p, ad->guid);
	a->attrs[2] = "component"; a->attrs[3] = comp;
	a->attrs[4] = "enabled"; a->attrs[5] = on ? "true" : "false";
	*u = *a;
	u->attrs[5] = on ? "false" : "true";
}

static const struct host_switch *owner_of(const struct host_state *st, const struct host_adapter *ad)
{
	for (size_t i = 0; i < st->nswitches; i++) {
		const struct host_switch *s = &st->switches[i];

		/* an inferred one's name is its vEthernet adapter's: never written for it */
		if (!s->inferred && s->type == SWITCH_EXTERNAL && s->nuplinks && !strcasecmp(s->uplinks[0], ad->guid))
			return s;
	}
	return NULL;
}

/* Which switch named name to use: NULL if none; *ret_many when it is ambiguous. */
static const struct host_switch *named(const struct host_state *st, const char *name, const char *id,
				       size_t *ret_count, struct buf *ids)
{
	const struct host_switch *one = NULL;

	*ret_count = 0;
	for (size_t i = 0; i < st->nswitches; i++) {
		const struct host_switch *s = &st->switches[i];

		if (id ? (s->id && !strcasecmp(s->id, id)) : (s->name && !strcmp(s->name, name))) {
			one = s;
			(*ret_count)++;
			buf_addf(ids, "%s%s (%s)", ids->len ? ", " : "", s->id,
				 host_switch_type_name(s->type));
		}
	}
	return one;
}

static const char *why_not_ready(const struct host_state *st, const struct host_switch *sw,
				 const struct host_adapter *ad, struct buf *b)
{
	const struct host_adapter *up = sw->nuplinks ? host_adapter_by_guid(st, sw->uplinks[0]) : NULL;

	buf_reset(b);
	if (sw->type != SWITCH_EXTERNAL)
		buf_addf(b, "switch '%s' is %s, not External (bound to no adapter)", sw->name,
			 host_switch_type_name(sw->type));
	else if (!up)
		buf_addf(b, "switch '%s' is bound to an adapter that no longer exists", sw->name);
	else if (up != ad)
		buf_addf(b, "switch '%s' is bound to %s, not %s", sw->name, up->name, ad->name);
	else if (!sw->allow_mos)
		buf_addf(b, "switch '%s' does not share %s with Windows", sw->name, ad->name);
	else
		return NULL;
	return b->s;
}

static void plan_switch(const struct host_state *st, const struct host_adapter *ad, const char *name,
			const struct host_switch *sw, struct win_plan *p)
{
	const struct host_switch *own = owner_of(st, ad);
	struct buf b = BUF_INIT;
	struct host_action *a;

	if (own && own != sw) {
		diag(p, "the external switch '%s' already owns %s: it is reused (an adapter can "
		     "serve one external switch)", own->name, ad->name);
		p->switch_name = xstrdup(own->name);
		return;
	}
	/* An inferred switch that is not inferred ready is not known well enough to rebind. */
	if (sw && sw->inferred && why_not_ready(st, sw, ad, &b))
		sw = NULL;
	p->switch_name = xstrdup(sw ? sw->name : name);
	if (!sw && host_unreadable(st, "switches")) {
		char *why = host_unreadable_text(host_unreadable(st, "switches"));

		diag(p, "Hyper-V's switches could not be read (%s): the administrator step looks for '%s' "
		     "first and creates it only if it is missing", why, name);
		free(why);
	} else if (!sw) {
		diag(p, "there is no switch named '%s'", name);
	}
	if (!sw) {
		a = win_plan_add(p, HA_CREATE_SWITCH, xasprintf("create the external switch '%s' on %s, shared "
						      "with Windows  [admin]", name, ad->name));
		a->attrs[0] = "name"; a->attrs[1] = win_plan_keep(p, name);
		a->attrs[2] = "adapter-guid"; a->attrs[3] = win_plan_keep(p, ad->guid);
		a->attrs[4] = "allow-management-os"; a->attrs[5] = "true";
		/* Its id is known only afterwards: the caller records the removal. */
		p->undo[p->n - 1].type = HA_REMOVE_SWITCH;
		return;
	}
	if (!why_not_ready(st, sw, ad, &b)) {
		buf_release(&b);
		return;
	}
	diag(p, "%s", b.s);
	a = win_plan_add(p, HA_BIND_SWITCH, xasprintf("bind the switch '%s' to %s in place, shared with "
					    "Windows  [admin]", sw->name, ad->name));
	a->attrs[0] = "switch-id"; a->attrs[1] = win_plan_keep(p, sw->id);
	a->attrs[2] = "adapter-guid"; a->attrs[3] = win_plan_keep(p, ad->guid);
	a->attrs[4] = "allow-management-os"; a->attrs[5] = "true";
	p->irreversible[p->n - 1] = xasprintf("binding the existing switch '%s' in place is not "
					      "undone (it was not working before)", sw->name);
	buf_release(&b);
}

void switch_plan(const struct host_state *st, const struct host_adapter *ad, const char *name,
		 const char *switch_id, struct win_plan *p)
{
	struct buf ids = BUF_INIT;
	size_t count;
	const struct host_switch *sw;

	memset(p, 0, sizeof(*p));
	sw = named(st, name, switch_id, &count, &ids);
	if (switch_id && !sw && host_unreadable(st, "switches")) {
		p->refusal = xasprintf("Hyper-V's switches could not be read here, so the id %s cannot be "
				       "checked: run it from an elevated terminal, or without --switch-id", switch_id);
		goto out;
	}
	if (switch_id && !sw) {
		p->refusal = xasprintf("no switch has the id %s", switch_id);
		goto out;
	}
	if (count > 1) {
		p->refusal = xasprintf("%zu switches are named '%s': %s. WSL would take one of them "
				       "at random; run again with --switch-id ID to choose, or rename "
				       "the other in Hyper-V Manager", count, name, ids.s);
		goto out;
	}
	if (ad->physical_medium == 9)
		p->warning = xasprintf("'%s' is a wireless adapter: bridging Wi-Fi works with some "
				       "drivers and fails with others (0x80070490)", ad->name);
	if (host_adapter_binding(ad, "vmware_bridge") == 1) {
		diag(p, "VMware Bridge Protocol is bound to %s, which keeps Hyper-V from using it",
		     ad->name);
		set_binding(p, ad, "vmware_bridge", false, "VMware Bridge Protocol");
	}
	if (host_adapter_binding(ad, "vms_pp") == 0 && (host_adapter_binding(ad, "ms_tcpip") == 0 ||
							(sw && sw->type == SWITCH_EXTERNAL))) {
		diag(p, "the Hyper-V switch protocol is not bound to %s", ad->name);
		set_binding(p, ad, "vms_pp", true, "the Hyper-V switch protocol");
	}
	plan_switch(st, ad, name, sw, p);
out:
	buf_release(&ids);
}

void win_plan_release(struct win_plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->describe[i]);
		free(p->irreversible[i]);
	}
	for (size_t i = 0; i < p->ndiag; i++)
		free(p->diagnosis[i]);
	for (size_t i = 0; i < p->nstrings; i++)
		free(p->strings[i]);
	free(p->strings);
	free(p->switch_name);
	free(p->warning);
	free(p->refusal);
	memset(p, 0, sizeof(*p));
}
