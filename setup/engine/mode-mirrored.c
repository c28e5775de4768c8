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
#include "vswitch/hvfw-plan.h"

#include <stdlib.h>
#include <string.h>

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
	for (size_t i = 0; i < nmore; i++)
		if (port_list_add(r->ports, &r->nports, more[i]) < 0)
			return wb_error(WB_EXIT_USAGE, "--allow-port: more than %d ports in all", PORTS_MAX);
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
