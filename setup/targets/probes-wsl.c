/* SPDX-License-Identifier: MIT */
/*
 * probes-wsl.c - probes whose meaning depends on what WSL does with a value
 * or on its version (conf/wsl-versions.h), for compare.c's probe table.
 */
#include "conf/keys.h"
#include "conf/wsl-versions.h"
#include "targets/probes.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* wslconfig.mac: "fit", "(unset)", or why WSL or a LAN cannot use it. */
char *probe_mac_fit(const struct expectation *e, const struct observation *o)
{
	const struct key_def *def = keys_lookup(INI_WSLCONFIG, "wsl2.macAddress");
	const char *v = ini_value(&o->wslconfig, "wsl2.macAddress");
	char *why = NULL, *out;

	(void)e;
	if (!v || !*v)
		return xstrdup("(unset: WSL's default 5e:bb:f6:9e:ee:fa, the same on every PC)");
	if (key_check_value(INI_WSLCONFIG, def, v, strlen(v), &why) == 0)
		return xstrdup("fit");
	out = xasprintf("unfit (%s)", why);
	free(why);
	return out;
}

/*
 * "; Windows' vEthernet (SWITCH) uses DNS a, b, which `sudo wslbridge vpn
 * apply generic ...` writes into resolv.conf at every start": the servers of
 * the switch's host adapter and the existing boot hook's command for them
 * (its MTU eth0's own, so only DNS changes).  Only address literals count: a
 * Windows value goes into a command line.
 */
static char *switch_dns(const struct expectation *e, const struct observation *o)
{
	char *name = e->sw ? xasprintf("vEthernet (%s)", e->sw) : NULL, *r;
	struct buf list = BUF_INIT;
	unsigned char a[16];
	size_t n = 0;

	for (size_t i = 0; name && o->have_windows && i < o->win.nadapters; i++) {
		const struct host_adapter *ad = &o->win.adapters[i];

		if (!ad->name || strcmp(ad->name, name))
			continue;
		for (size_t k = 0; k < ad->ndns && n < 3; k++)
			if (inet_pton(AF_INET, ad->dns[k], a) == 1 || inet_pton(AF_INET6, ad->dns[k], a) == 1)
				buf_addf(&list, "%s%s", n++ ? "," : "", ad->dns[k]);
		break;
	}
	r = n ? xasprintf("; Windows' %s uses DNS %s, which `sudo wslbridge vpn apply generic --mtu %d "
			  "--dns %s` writes into resolv.conf now and at every start (through the boot hook)",
			  name, list.s, o->lx.mtu > 0 ? o->lx.mtu : 1500, list.s) : xstrdup("");
	buf_release(&list);
	free(name);
	return r;
}

/*
 * linux.dns: "true" when resolv.conf names a nameserver; else "false" with
 * the likely cause.  In bridged mode on the WSL versions whose DHCP client
 * asks for no DNS servers, that is the cause (wsl-versions.c says which).
 */
void probe_dns(const struct expectation *e, const struct observation *o, struct probe_out *out)
{
	const char *version = o->have_windows ? o->win.wsl_version : NULL;
	const char *mode = observation_env(o)->mode;
	enum wsl_answer a = wsl_fact_holds(WSLF_BRIDGED_DHCP_NO_DNS, version);
	char *sentence, *windows_dns;

	if (o->lx.nns) {
		out->value = xstrdup("true");
		return;
	}
	if (o->lx.resolv_err && o->lx.resolv_err != -ENOENT) {
		out->unknown = xasprintf("not readable (/etc/resolv.conf: %s)", strerror(-o->lx.resolv_err));
		return;
	}
	if (!mode || strcasecmp(mode, "bridged")) {
		/* the DHCP regression is bridged mode's: elsewhere WSL writes resolv.conf itself */
		out->value = xasprintf("false (resolv.conf names no nameserver; WSL runs %s mode)",
				       mode ? mode : "an unknown");
		return;
	}
	sentence = wsl_fact_sentence(WSLF_BRIDGED_DHCP_NO_DNS);
	windows_dns = switch_dns(e, o);
	if (a == WSLA_YES)
		out->value = xasprintf("false (resolv.conf names no nameserver; this WSL, %s, is affected: %s%s)",
				       version, sentence, windows_dns);
	else if (a == WSLA_UNKNOWN)
		out->value = xasprintf("false (resolv.conf names no nameserver; the WSL version is not known: "
				       "if it is affected, that is the cause: %s%s)", sentence, windows_dns);
	else
		out->value = xasprintf("false (resolv.conf names no nameserver: the LAN's DHCP server "
				       "sent none; WSL %s is not affected by the DHCP regression)", version);
	free(sentence);
	free(windows_dns);
}
