/* SPDX-License-Identifier: MIT */
/*
 * mode-mirrored.c - mirrored mode: WSL shares Windows' interfaces.  Its
 * parameters are the ports let in from the LAN and hostAddressLoopback; its
 * Windows plan is Hyper-V firewall rules (vswitch/hvfw-plan.c), which apply
 * at once; DNS goes through Windows (dnsTunneling).
 */
#include "engine/mode.h"
#include "engine/run.h"
#include "base/log.h"
#include "conf/wsl-versions.h"
#include "vswitch/hvfw-plan.h"

#include <stdlib.h>
#include <string.h>

/* Whether experimental.ignoredPorts names port: WSL lets the guest bind those unasked. */
static bool ignored_port(const struct ini_doc *wslconfig, unsigned port)
{
	const char *v = ini_value(wslconfig, "experimental.ignoredPorts");

	for (const char *p = v; p && *p;) {
		size_t n = strcspn(p, ",");

		if (port_number(p, n) == port)
			return true;
		p += n + (p[n] == ',');
	}
	return false;
}

/*
 * Mirrored WSL limits guest binds inside Windows' dynamic port range
 * (wsl-versions.c says from which version, and how).  A port the user asks
 * for there is refused where WSL refuses every such bind, else warned
 * about; a recorded one is only warned about.  An unread range or version
 * only warns: nothing is decided from a fact not read.
 */
static int check_dynamic_port(const struct run *r, struct port_spec p, bool asked)
{
	const struct host_state *st = &r->obs.win;
	const char *v = st->wsl_version, *proto = p.udp ? "UDP" : "TCP";
	int start = p.udp ? st->dyn_udp_start : st->dyn_tcp_start, count = p.udp ? st->dyn_udp_count : st->dyn_tcp_count;
	enum wsl_answer deny = wsl_fact_holds(WSLF_MIRRORED_PORTS_DYNAMIC, v);
	enum wsl_answer half = wsl_fact_holds(WSLF_MIRRORED_PORTS_DYNAMIC_HALF, v);
	bool known = start > 0 && count > 0, inside = known && p.port >= (unsigned)start &&
		     p.port <= (unsigned)start + (unsigned)count - 1;
	char *fact, *range;
	int rc = 0;

	if (p.port == 53 || ignored_port(&r->obs.wslconfig, p.port) || (deny == WSLA_NO && half == WSLA_NO) ||
	    (known && !inside))
		return 0;
	fact = wsl_fact_sentence(deny == WSLA_YES || half != WSLA_YES ? WSLF_MIRRORED_PORTS_DYNAMIC :
				 WSLF_MIRRORED_PORTS_DYNAMIC_HALF);
	range = known ? xasprintf("%d-%d", start, start + count - 1) : NULL;
	if (!known)
		wb_warn("port %u/%s: Windows' dynamic %s port range could not be read (its default is "
			"49152-65535); %s", p.port, p.udp ? "udp" : "tcp", proto, fact);
	else if (deny == WSLA_YES && asked)
		rc = wb_error(WB_EXIT_USAGE, "--allow-port %u%s: it lies in Windows' dynamic %s port range %s, and "
			      "in WSL %s %s; choose a port outside %s, or move Windows' range (netsh int ipv4 "
			      "set dynamicport %s start=N num=M, as an administrator)", p.port, p.udp ? "/udp" : "",
			      proto, range, v, fact, range, p.udp ? "udp" : "tcp");
	else
		wb_warn("port %u/%s lies in Windows' dynamic %s port range %s: %s%s%s", p.port,
			p.udp ? "udp" : "tcp", proto, range, fact, v && *v ? "; this WSL is " : "",
			v && *v ? v : "");
	free(fact);
	free(range);
	return rc;
}

/* Mirrored: ports (recorded ones and --allow-port), hostAddressLoopback. */
static int settle(struct run *r, const struct target_params *rec)
{
	const char *ports = target_params_get(rec, "ports"), *loopback = target_params_get(rec, "loopback");
	char *why = NULL;
	struct port_spec more[PORTS_MAX];
	size_t nmore = 0;

	if (ports && port_list_parse(ports, r->ports, &r->nports, &why) < 0) {
		wb_warn("the recorded ports are not usable (%s); using --allow-port only", why);
		free(why);
		why = NULL;
		r->nports = 0;
	}
	if (loopback && *loopback)
		r->loopback = xstrdup(loopback);
	if (port_list_parse(r->o->allow_ports, more, &nmore, &why) < 0) {
		wb_error(WB_EXIT_USAGE, "--allow-port: %s", why);
		free(why);
		return WB_EXIT_USAGE;
	}
	for (size_t i = 0; i < r->nports; i++)
		(void)check_dynamic_port(r, r->ports[i], false);
	for (size_t i = 0; i < nmore; i++) {
		int rc = check_dynamic_port(r, more[i], true);

		if (rc)
			return rc;
		if (port_list_add(r->ports, &r->nports, more[i]) < 0)
			return wb_error(WB_EXIT_USAGE, "--allow-port: more than %d ports in all", PORTS_MAX);
	}
	if (r->o->host_loopback) {
		free(r->loopback);
		r->loopback = xstrdup(r->o->host_loopback);
	}
	return 0;
}

static void params(const struct run *r, struct target_params *out)
{
	char *ports = port_list_format(r->ports, r->nports);

	target_params_set(out, "ports", ports);
	target_params_set(out, "loopback", r->loopback ? r->loopback : "");
	free(ports);
}

static void plan_windows(struct run *r)
{
	if (run_failed(r, SIDE_WINDOWS, FIX_HVFW))
		hvfw_plan(&r->obs.win, r->ports, r->nports, &r->wp);
}

/* DNS through Windows (VPN- and NRPT-aware), as WSL's docs advise for mirrored. */
static int plan_wslconfig(struct run *r, struct ini_doc *d)
{
	int rc = run_edit_key(d, "wsl2.dnsTunneling", "true");

	if (rc == 0 && r->loopback)
		rc = run_edit_key(d, "experimental.hostAddressLoopback", r->loopback);
	return rc;
}

static char *fallback_reason(const struct run *r)
{
	return mirrored_fallback_reason(&r->obs);
}

const struct mode_ops mode_mirrored = {
	.name = "mirrored",
	.instead = "WSL shares Windows' addresses; --allow-port PORT lets the LAN in",
	.settle = settle,
	.params = params,
	.plan_windows = plan_windows,
	.plan_wslconfig = plan_wslconfig,
	.fallback_reason = fallback_reason,
};
