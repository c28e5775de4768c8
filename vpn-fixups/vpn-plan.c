/* SPDX-License-Identifier: MIT */
/*
 * vpn-plan.c - decide what `vpn apply` does: the profile and its adapter,
 * the MTU (the VPN adapter's NlMtu, a probe, or a number), the DNS strategy
 * (static resolv.conf or WSL's DNS tunneling, chosen by mode and versions
 * when auto, with the reason), and the file contents: the boot script's
 * settings and the edited wsl.conf / .wslconfig.
 */
#include "vpn-fixups/vpn.h"
#include "conf/wsl-versions.h"
#include "vswitch/adapter.h"
#include "conf/ini-edit.h"
#include "base/log.h"
#include "vpn-fixups/netif.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


/* The VPN adapter of the profile: connected ones first. */
static const struct host_adapter *profile_adapter(const struct host_state *st, const struct vpn_profiles *ps,
						  const struct vpn_profile *want)
{
	const struct host_adapter *best = NULL;

	for (size_t i = 0; i < st->nadapters; i++) {
		const struct host_adapter *a = &st->adapters[i];
		const struct vpn_profile *p = vpn_profile_match(ps, a->description);

		if (!p || (want && p != want))
			continue;
		if (!best || (a->status && !strcmp(a->status, "Up")))
			best = a;
	}
	return best;
}

/* A planner's failure: the exit code, and why in *ret_why (the verb says it). */
static int fail(char **ret_why, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char **ret_why, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*ret_why = xvasprintf(fmt, ap);
	va_end(ap);
	return code;
}

int vpn_choose_profile(const struct vpn_opts *o, const struct host_state *st, const struct vpn_profiles *ps,
		       struct vpn_plan *p, char **ret_why)
{
	char *names = vpn_profile_names(ps);
	int rc = 0;

	if (o->profile) {
		p->profile = vpn_profile_find(ps, o->profile);
		if (!p->profile)
			rc = fail(ret_why, WB_EXIT_USAGE, "no VPN profile '%s'; the profiles are: %s", o->profile, names);
		else
			p->adapter = profile_adapter(st, ps, p->profile);
	} else if ((p->adapter = profile_adapter(st, ps, NULL))) {
		p->profile = vpn_profile_match(ps, p->adapter->description);
		p->found = true;
	} else {
		rc = fail(ret_why, WB_EXIT_FAIL, "no VPN adapter recognised on Windows; name a profile "
			      "(%s), or use generic with --mtu and --dns", names);
	}
	free(names);
	return rc;
}

int vpn_choose_mtu(const struct vpn_opts *o, const struct linux_state *lx, struct vpn_plan *p, char **ret_why)
{
	bool probe = o->mtu ? !strcmp(o->mtu, "probe") : p->profile->mtu_probe;
	struct mtu_probe res;
	const char *target = o->probe_target;
	int r;

	if (o->mtu && strcmp(o->mtu, "auto") && strcmp(o->mtu, "probe")) {
		p->mtu = atoi(o->mtu);
		p->mtu_why = xasprintf("as asked");
		return 0;
	}
	if (!probe) {
		if (p->adapter && p->adapter->status && !strcmp(p->adapter->status, "Up") && p->adapter->mtu >= 576) {
			p->mtu = p->adapter->mtu;
			p->mtu_why = xasprintf("the MTU of %s on Windows (NlMtu)", p->adapter->name);
		} else {
			p->mtu = p->profile->mtu_fallback;
			p->mtu_why = xasprintf("%s's usual value (its adapter is not connected)", p->profile->name);
		}
		return 0;
	}
	if (!target && p->adapter && p->adapter->ndns)
		target = p->adapter->dns[0];
	if (!target)
		return fail(ret_why, WB_EXIT_USAGE, "--mtu probe needs an address behind the VPN: pass --probe-target ADDR");
	r = netif_probe_mtu(target, lx->present && lx->mtu > 576 ? lx->mtu : 1500, 1000, &res);
	if (r < 0)
		return fail(ret_why, WB_EXIT_FAIL, "probing the path MTU to %s failed: %s%s", target, strerror(-r),
				r == -EHOSTUNREACH ? " (not even 576 bytes got an answer)" : "");
	p->mtu = res.mtu;
	p->mtu_why = xasprintf("measured to %s: %d probes in %ld ms%s", target, res.probes, res.ms,
			       res.icmp_reported ? ", a router reported its MTU" : "");
	return 0;
}

/* Why WSL would not tunnel DNS here, or NULL: GSA, or VirtioProxy before Consomme had it. */
static char *no_tunnel_why(const struct observation *obs, const char *mode)
{
	const char *ver = obs->win.wsl_version;

	if (obs->win.gsa_running)
		return xstrdup("Global Secure Access runs (GlobalSecureAccessTunnelingService), and WSL turns DNS "
			       "tunneling off while it does");
	if ((!strcasecmp(mode, "consomme") || !strcasecmp(mode, "virtioproxy")) &&
	    wsl_fact_holds(WSLF_CONSOMME_DNS_TUNNEL, ver) != WSLA_YES)
		return xasprintf("WSL %s turns DNS tunneling off in %s mode (Consomme has it from WSL 2.9.0)",
				 ver && *ver ? ver : "(version unknown)", mode);
	return NULL;
}

/* Tunnelling chosen: is it on by itself in this WSL, or must dnsTunneling=true be written? */
static void tunnel_default(const struct observation *obs, struct vpn_plan *p)
{
	char *why = p->dns_why;

	p->dns_write = wsl_fact_holds(WSLF_DNS_TUNNEL_DEFAULT, obs->win.wsl_version) != WSLA_YES;
	p->dns_why = xasprintf("%s%s%s", why ? why : "as asked", why ? "; " : " ", p->dns_write ?
			       "written as dnsTunneling=true: this WSL does not turn it on by default" :
			       "on by default in this WSL");
	free(why);
}

int vpn_choose_dns(const struct vpn_opts *o, const struct observation *obs, struct vpn_plan *p, char **ret_why)
{
	const char *want = o->dns ? o->dns : p->profile->dns;
	const char *mode = observation_mode(obs, NULL);
	bool bridged = !strcasecmp(mode, "bridged");
	int build = obs->win.build ? atoi(obs->win.build) : 0;
	char *no = no_tunnel_why(obs, mode);

	if (!strcmp(want, "auto")) {
		if (bridged) {
			want = "static";
			p->dns_why = xstrdup("bridged mode has no DNS tunneling: the VPN's servers go in resolv.conf");
		} else if (no) {
			want = "static";
			p->dns_why = xasprintf("%s: the VPN's servers go in resolv.conf", no);
		} else if (build >= 22000 && obs->win.wsl_version && *obs->win.wsl_version &&
			   strncmp(obs->win.wsl_version, "1.", 2)) {
			want = "tunnel";
			p->dns_why = xasprintf("%s mode on Windows 11 with WSL %s: WSL's DNS tunneling asks Windows, "
					       "which knows the VPN's servers and domains", mode, obs->win.wsl_version);
		} else {
			want = "static";
			p->dns_why = xstrdup("DNS tunneling needs Windows 11 and WSL 2: the VPN's servers go in resolv.conf");
		}
	} else if (!strcmp(want, "tunnel") && bridged) {
		free(no);
		return fail(ret_why, WB_EXIT_USAGE, "WSL turns DNS tunneling off in bridged mode: use --dns SERVER,... instead");
	} else if (!strcmp(want, "tunnel") && no) {
		int rc = fail(ret_why, WB_EXIT_FAIL, "%s: --dns tunnel would leave WSL with DNS that does not go "
			      "through the VPN; use --dns static (the VPN adapter's servers) or --dns SERVER,...", no);

		free(no);
		return rc;
	}
	free(no);
	p->dns_tunnel = !strcmp(want, "tunnel");
	if (p->dns_tunnel) {
		tunnel_default(obs, p);
		return 0;
	}
	if (strcmp(want, "static") && strcmp(want, "auto")) {
		char *copy = xstrdup(want), *save = NULL;

		/* Validated by the verb: IPv4 addresses, at most three. */
		for (char *w = strtok_r(copy, ",", &save); w && p->nservers < 3; w = strtok_r(NULL, ",", &save))
			p->servers[p->nservers++] = xstrdup(w);
		free(copy);
	}
	if (!p->nservers && p->adapter)
		for (size_t i = 0; i < p->adapter->ndns && p->nservers < 3; i++)
			p->servers[p->nservers++] = xstrdup(p->adapter->dns[i]);
	if (!p->nservers)
		return fail(ret_why, WB_EXIT_USAGE, "static DNS needs servers: the VPN adapter has none; pass --dns SERVER,...");
	if (!p->dns_why)
		p->dns_why = xstrdup(o->dns ? "as asked" : "the profile asks for static DNS");
	return 0;
}
