/* SPDX-License-Identifier: MIT */
/*
 * forward-route.c - which way a forward reaches WSL (forward.h): through
 * WSL's localhost relay on Windows' 127.0.0.1, or straight to WSL's
 * address.  The facts about the relay are in tests/winhost/fakes/SOURCES.md
 * ("WSL's localhost relay").
 */
#include "forward/forward.h"
#include "base/util.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void forward_env_init(struct forward_env *e, const struct observation *o, const char *wsl_ip)
{
	const char *mode = observation_mode(o, NULL);
	const char *lf = ini_value(&o->wslconfig, "wsl2.localhostForwarding");

	e->win = o->have_windows ? &o->win : NULL;
	e->wsl_ip = wsl_ip;
	/* WSL's default is on (WslCoreConfig.h EnableLocalhostRelay = true); it
	 * relays in NAT mode; mirrored shares the ports anyway. */
	e->relay = (!mode || !strcmp(mode, "nat")) && !(lf && (!strcasecmp(lf, "false") || !strcmp(lf, "0")));
}

/* Whether a listen on addr takes Windows' 127.0.0.1 (the wildcard does too). */
static bool takes_loopback(const char *addr)
{
	return addr && (!strcmp(addr, "0.0.0.0") || !strcmp(addr, "*") || !strncmp(addr, "127.", 4));
}

enum forward_why forward_choose(const struct forward_env *e, const struct forwards *fs,
				const struct forward *f, char **ret_clash)
{
	char port[8];

	if (!e->relay)
		return FWD_WHY_RELAY_OFF;
	if (takes_loopback(f->listen) && f->host_port == f->wsl_port)
		return FWD_WHY_SELF_CLASH;
	snprintf(port, sizeof(port), "%u", f->wsl_port);
	for (size_t i = 0; e->win && i < e->win->nportproxy; i++) {
		const struct host_portproxy *r = &e->win->portproxy[i];

		/* a rule on loopback at the relay's port holds it (f's own rule is on another port) */
		if (!r->listen_port || strcmp(r->listen_port, port) || !takes_loopback(r->listen_address))
			continue;
		if (ret_clash)
			*ret_clash = xasprintf("%s:%s", r->listen_address, r->listen_port);
		return FWD_WHY_RULE_CLASH;
	}
	for (size_t i = 0; fs && i < fs->n; i++) {
		const struct forward *g = &fs->f[i];

		if (g == f || g->host_port != f->wsl_port || !takes_loopback(g->listen))
			continue;
		if (ret_clash)
			*ret_clash = xasprintf("%s:%u", g->listen, g->host_port);
		return FWD_WHY_RULE_CLASH;
	}
	return FWD_WHY_RELAY;
}

char *forward_why_text(enum forward_why why, const struct forward *f, const char *clash)
{
	switch (why) {
	case FWD_WHY_RELAY:
		return xasprintf("through WSL's localhost relay (127.0.0.1:%u): no new rule and no prompt when "
				 "WSL's address changes", f->wsl_port);
	case FWD_WHY_RELAY_OFF:
		return xstrdup("straight to WSL's address: WSL's localhost relay is off "
			       "(.wslconfig: wsl2.localhostForwarding=false), so the boot script re-points it "
			       "when WSL's address changes");
	case FWD_WHY_SELF_CLASH:
		return xasprintf("straight to WSL's address: listening on %s:%u would take 127.0.0.1:%u, where "
				 "WSL's localhost relay listens, so the boot script re-points it when WSL's address "
				 "changes", f->listen, f->host_port, f->wsl_port);
	case FWD_WHY_RULE_CLASH:
		break;
	}
	return xasprintf("straight to WSL's address: portproxy %s holds 127.0.0.1:%u, where WSL's localhost relay "
			 "would listen, so the boot script re-points it when WSL's address changes",
			 clash ? clash : "?", f->wsl_port);
}

/*
 * Addresses the LAN reaches Windows at: adapters that are up with IPv4,
 * physical ones and the vEthernet of an external switch (which holds the
 * uplink's address), never link-local.  WSL's own vEthernet is internal.
 */
char **forward_lan_addresses(const struct host_state *st)
{
	char **out = xcalloc(1, sizeof(*out));
	size_t n = 0;

	for (size_t i = 0; i < st->nadapters; i++) {
		const struct host_adapter *a = &st->adapters[i];
		bool lan = !a->is_virtual;

		for (size_t s = 0; !lan && a->name && s < st->nswitches; s++) {
			char *v = xasprintf("vEthernet (%s)", st->switches[s].name ? st->switches[s].name : "");

			lan = st->switches[s].type == SWITCH_EXTERNAL && !strcmp(v, a->name);
			free(v);
		}
		if (!lan || !a->status || strcmp(a->status, "Up"))
			continue;
		for (size_t k = 0; k < a->nipv4; k++) {
			struct in_addr v4;

			/* a Windows value: only a well-formed address goes into a rule */
			if (!a->ipv4[k].address || inet_pton(AF_INET, a->ipv4[k].address, &v4) != 1 ||
			    !strncmp(a->ipv4[k].address, "169.254.", 8))
				continue;
			out = xrealloc(out, (n + 2) * sizeof(*out));
			out[n++] = xstrdup(a->ipv4[k].address);
			out[n] = NULL;
		}
	}
	return out;
}

const char *forward_target(const struct forward *f, const char *wsl_ip)
{
	return f->route == FWD_RELAY ? "127.0.0.1" : wsl_ip;
}

bool forwards_all_relay(const struct forwards *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		if (fs->f[i].route != FWD_RELAY)
			return false;
	return true;
}
