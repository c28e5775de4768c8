/* SPDX-License-Identifier: MIT */
/*
 * probes-windows.c - the probes that read Windows' part of the observation
 * (the table is compare.c's), and what WSL says when it leaves mirrored mode.
 * A Windows fact that could not be read is unknown here, or inferred where
 * the switches are concerned (host-infer.h), never a value of its own.
 */
#include "conf/wsl-versions.h"
#include "targets/probes.h"
#include "vswitch/adapter.h"
#include "vswitch/hvfw-plan.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


static char *yesno(bool b)
{
	return xstrdup(b ? "true" : "false");
}

/* ---- Windows-side probes ------------------------------------------------ */

static size_t switch_count(const struct host_state *st, const char *name, const struct host_switch **one)
{
	size_t n = 0;

	*one = NULL;
	for (size_t i = 0; name && i < st->nswitches; i++) {
		/* WSL compares vmSwitch with the switch name exactly (case too). */
		if (st->switches[i].name && !strcmp(st->switches[i].name, name)) {
			n++;
			*one = &st->switches[i];
		}
	}
	return n;
}

/* The adapter an expectation is about: named, else the switch's uplink, else the choice. */
static const struct host_adapter *resolve_adapter(const struct expectation *e, const struct host_state *st)
{
	const struct host_switch *sw;
	char *why = NULL;
	const struct host_adapter *a;

	if (e->adapter && *e->adapter && strcmp(e->adapter, "*"))
		return adapter_find(st, e->adapter);
	if (switch_count(st, e->sw, &sw) == 1 && sw->nuplinks)
		return host_adapter_by_guid(st, sw->uplinks[0]);
	if ((a = adapter_former_uplink(st)))
		return a;
	a = adapter_choose(st, &why);
	free(why);
	return a;
}

static const char inferred_basis[] = "inferred: Hyper-V's switches could not be read, so this comes from "
	"its vEthernet adapter and the uplink's bindings";

/* The switch probes; when Hyper-V's switches could not be read, from the
 * inferred ones (host-infer.h), and unknown where even that says nothing. */
void probe_switch(const struct expectation *e, const struct observation *o, struct probe_out *out)
{
	const struct host_state *st = &o->win;
	const struct host_unreadable *u = host_unreadable(st, "switches");
	const struct host_switch *sw;
	size_t n = switch_count(st, e->sw, &sw);
	const struct host_adapter *up;

	if (u && (n != 1 || (strcmp(e->probe, "switch.count") && strcmp(e->probe, "switch.allow-management-os") &&
			     sw->type < 0))) {
		char *why = host_unreadable_text(u);

		out->unknown = xasprintf("not readable (Get-VMSwitch: %s)%s", why, n ? "" :
					 ", and no vEthernet adapter shows a switch of this name");
		free(why);
		return;
	}
	out->basis = u ? inferred_basis : NULL;
	if (!strcmp(e->probe, "switch.count")) {
		out->value = xasprintf("%zu", n);
		return;
	}
	if (n == 0) {
		out->value = xstrdup("missing");
		return;
	}
	if (n > 1) {
		out->value = xasprintf("ambiguous (%zu switches have this name)", n);
		return;
	}
	if (!strcmp(e->probe, "switch.type")) {
		out->value = xstrdup(host_switch_type_name(sw->type));
		return;
	}
	if (!strcmp(e->probe, "switch.allow-management-os")) {
		out->value = yesno(sw->allow_mos);
		return;
	}
	/* switch.uplink-is */
	up = sw->nuplinks ? host_adapter_by_guid(st, sw->uplinks[0]) : NULL;
	if (!sw->nuplinks)
		out->value = xstrdup("false (bound to no adapter)");
	else if (!up)
		out->value = xstrdup("false (bound to an adapter that is gone)");
	else if (!e->adapter || !strcmp(e->adapter, "*"))
		out->value = adapter_is_physical(up) ? xstrdup("true") :
			     xasprintf("false (bound to %s, which is not a physical adapter)", up->name);
	else
		out->value = adapter_find(st, e->adapter) == up ? xstrdup("true") :
			     xasprintf("false (bound to %s)", up->name);
}

char *probe_adapter(const struct expectation *e, const struct observation *o)
{
	const struct host_adapter *a = resolve_adapter(e, &o->win);
	int b;

	if (!a)
		return xstrdup("no such adapter");
	if (!strcmp(e->probe, "adapter.status"))
		return xstrdup(a->status ? a->status : "unknown");
	b = host_adapter_binding(a, e->component ? e->component : "");
	return xstrdup(b < 0 ? "absent" : b ? "true" : "false");
}

/* Whether this WSL has a mode, from the version table, with the versions that do when not. */
static char *wsl_has_mode(const struct host_state *st, enum wsl_fact fact)
{
	enum wsl_answer a;
	char *versions, *out;

	if (!st->wsl_version || !*st->wsl_version)
		return xstrdup("false (inbox WSL, without networking modes)");
	a = wsl_fact_holds(fact, st->wsl_version);
	if (a == WSLA_YES)
		return xstrdup("true");
	versions = wsl_fact_versions_text(fact);
	out = a == WSLA_NO ?
	      xasprintf("false (WSL %s has no %s; WSL %s %s)", st->wsl_version, wsl_fact_row(fact)->what,
			versions, strchr(versions, ',') ? "have it" : "has it") :
	      xasprintf("false (WSL version '%s' could not be understood; %s needs WSL %s)", st->wsl_version,
			wsl_fact_row(fact)->what, versions);
	free(versions);
	return out;
}

char *probe_wsl_bridged(const struct expectation *e, const struct observation *o)
{
	(void)e;
	return wsl_has_mode(&o->win, WSLF_BRIDGED);
}

/* Mirrored mode needs Windows 11 22H2 from build 22621.2359 (§7.2); *ret_build/ubr say what it is. */
static bool mirrored_build(const struct host_state *st, long *ret_build, long *ret_ubr)
{
	*ret_build = st->build ? strtol(st->build, NULL, 10) : 0;
	*ret_ubr = st->ubr ? strtol(st->ubr, NULL, 10) : 0;
	return *ret_build > 22621 || (*ret_build == 22621 && *ret_ubr >= 2359);
}

/* Tcpip6 DisabledComponents=0xFF: IPv6 off in the way that makes WSL leave mirrored mode. */
static bool ipv6_disabled(const struct host_state *st)
{
	return st->ipv6_disabled && (strtol(st->ipv6_disabled, NULL, 0) & 0xFF) == 0xFF;
}

/* ... and it is not offered on Server. */
char *probe_mirrored(const struct expectation *e, const struct observation *o)
{
	const struct host_state *st = &o->win;
	long build, ubr;

	(void)e;
	if (!mirrored_build(st, &build, &ubr))
		return xasprintf("false (Windows version %ld.%ld does not have the required features; mirrored "
				 "mode needs Windows 11 22H2, build 22621.2359 or later)", build, ubr);
	if (st->installation && !strcasecmp(st->installation, "Server"))
		return xstrdup("false (Windows Server: mirrored mode is not offered there; WSL falls back with "
			       "0x803b0015 HCN_E_REQUEST_UNSUPPORTED)");
	return xstrdup("true");
}

char *probe_ipv6(const struct expectation *e, const struct observation *o)
{
	const struct host_state *st = &o->win;

	char *fact, *r;

	(void)e;
	if (!ipv6_disabled(st))
		return xstrdup("enabled");
	fact = wsl_fact_sentence(WSLF_MIRRORED_IPV6_FALLBACK);
	r = xasprintf("disabled (Tcpip6 DisabledComponents=0xff; %s)", fact);
	free(fact);
	return r;
}

char *probe_wsl_mirrored(const struct expectation *e, const struct observation *o)
{
	(void)e;
	return wsl_has_mode(&o->win, WSLF_MIRRORED);
}

char *probe_wsl_consomme(const struct expectation *e, const struct observation *o)
{
	(void)e;
	return wsl_has_mode(&o->win, WSLF_CONSOMME);
}

char *probe_hvfw_unopened(const struct expectation *e, const struct observation *o)
{
	return hvfw_unopened(&o->win, e->ports);
}

/* The module is proof; without it, Hyper-V's own ports (A.3: not for everyone). */
void probe_hyperv(const struct expectation *e, const struct observation *o, struct probe_out *out)
{
	const struct host_state *st = &o->win;
	const struct host_unreadable *u = host_unreadable(st, "external-ports");
	bool home = st->edition && !strncmp(st->edition, "Core", 4);

	(void)e;
	if (!st->hyperv_module && st->hypervisor_present && !home && u) {
		char *why = host_unreadable_text(u);

		out->unknown = xasprintf("not readable (no Hyper-V module, and Hyper-V's ports: %s)", why);
		free(why);
		return;
	}
	out->value = yesno(st->hyperv_module || (st->hypervisor_present && !home && st->nports));
}

char *probe_build(const struct expectation *e, const struct observation *o)
{
	const struct host_state *st = &o->win;

	(void)e;
	return xstrdup(st->build ? st->build : "unknown");
}

char *probe_policy_mode(const struct expectation *e, const struct observation *o)
{
	const struct host_state *st = &o->win;

	(void)e;
	if (!st->policy_allow_mode || strcmp(st->policy_allow_mode, "0"))
		return xstrdup("user");
	return xasprintf("forced:%s", host_policy_mode_name(st->policy_default_mode));
}

char *probe_forward_stale(const struct expectation *e, const struct observation *o)
{
	(void)e;
	return xstrdup(o->forward_stale ? o->forward_stale : "not read (target_gather was not called)");
}

/* E.22: portproxy rules are served by IP Helper; stopped, nothing listens. */
char *probe_ip_helper(const struct expectation *e, const struct observation *o)
{
	const struct host_state *st = &o->win;

	(void)e;
	if (!st->nportproxy)
		return xstrdup("not needed (no port forwards)");
	return xstrdup(st->ip_helper ? st->ip_helper : "unknown");
}

char *mirrored_fallback_reason(const struct observation *o)
{
	const struct host_state *st = &o->win;
	const char *kernel;
	char *why = NULL, *msg;
	const char *reason = NULL;
	int major = 0, minor = 0;
	long build, ubr;

	if (!o->have_windows)
		return NULL;
	if (st->installation && !strcasecmp(st->installation, "Server"))
		return xstrdup("The specified request is unsupported. Error code: CreateInstance/CreateVm/"
			       "ConfigureNetworking/0x803b0015 (Windows Server): falling back to networkingMode None");
	kernel = o->kernel ? o->kernel : "";
	if (sscanf(kernel, "%d.%d", &major, &minor) == 2 && (major < 5 || (major == 5 && minor < 10)))
		reason = "Linux Kernel version 5.10 or newer is required";
	if (!mirrored_build(st, &build, &ubr))
		why = xasprintf("Windows version %ld.%ld does not have the required features", build, ubr);
	else if (ipv6_disabled(st))
		reason = "IPv6 is disabled on the host in an unsupported way (HKLM\\SYSTEM\\CurrentControlSet\\"
			 "Services\\Tcpip6\\Parameters DisabledComponents=0xff)";
	if (!why && !reason)
		return NULL;
	msg = xasprintf("Mirrored networking mode is not supported: %s. Falling back to NAT networking.",
			why ? why : reason);
	free(why);
	return msg;
}
