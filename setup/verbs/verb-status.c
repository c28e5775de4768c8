/* SPDX-License-Identifier: MIT */
/*
 * verb-status.c - `wslbridge status [--offline] [--xml]`: everything that is
 * observed, for a person or (--xml) as one document.  Exactly one
 * powershell.exe launch; --offline makes none and shows the Linux side.
 */
#include "verbs/verbs.h"
#include "verbs/diagram.h"
#include "verbs/verdict.h"
#include "verbs/status.h"
#include "host/host.h"
#include "conf/ini.h"
#include "observe/observe.h"
#include "base/log.h"
#include "base/match.h"
#include "base/term.h"
#include "base/spawn.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

/* The .wslconfig and wsl.conf keys that decide networking. */
static const char *const wslconfig_keys[] = {
	"wsl2.networkingMode", "wsl2.vmSwitch", "wsl2.macAddress", "wsl2.dhcp", "wsl2.ipv6",
	"wsl2.dnsTunneling", "wsl2.dnsProxy", "wsl2.firewall", "wsl2.autoProxy",
	"experimental.hostAddressLoopback", NULL,
};
static const char *const wslconf_keys[] = {
	"boot.command", "boot.systemd", "network.generateResolvConf", "network.hostname",
	"interop.enabled", "automount.root", NULL,
};

/* WSL's NetworkingMode numbering, as the DefaultNetworkingMode policy stores it. */
static const char *medium_name(int m)
{
	return m == 14 ? "wired" : m == 9 ? "Wi-Fi" : m == 8 ? "mobile" : "other";
}

static bool is_vpn(const struct host_adapter *a)
{
	return a->description && match(RE_VPN_ADAPTER, a->description, strlen(a->description));
}

static bool has_default_route(const struct host_state *st, int ifindex)
{
	for (size_t i = 0; i < st->nroutes; i++)
		if (st->routes[i].ifindex == ifindex)
			return true;
	return false;
}

/* Windows' and files' words, escaped for the terminal (base/term.h). */
#define T(s, dflt) term_safe((s) ? (s) : (dflt))

static void print_windows(const struct host_state *st, const struct wsl_env *env)
{
	int build = st->build ? atoi(st->build) : 0;
	bool server = st->installation && !strcasecmp(st->installation, "Server");

	printf("Windows\n  %s %s %s (build %s.%s)\n", server ? "Windows" : build >= 22000 ?
	       "Windows 11" : "Windows 10", T(diagram_edition(st->edition), "?"),
	       T(st->display_version, ""), T(st->build, "?"),
	       T(st->ubr, "?"));
	printf("  user profile %s; %s%s\n", T(st->profile, "?"),
	       st->elevated ? "elevated" : "not elevated",
	       st->elevated ? "" : st->admin_member ? " (an administrator: one UAC prompt to change things)" :
	       " (not an administrator)");
	printf("  Hyper-V: %s, hypervisor %s, vmms %s\n",
	       st->hyperv_module ? "PowerShell module present" : "no Hyper-V PowerShell module",
	       st->hypervisor_present ? "running" : "not running", T(st->vmms, "?"));
	if (st->wsl_version && *st->wsl_version)
		printf("  WSL %s, kernel %s\n", T(st->wsl_version, "?"), T(st->wsl_kernel, "?"));
	else
		printf("  WSL: the inbox version (no `wsl.exe --version`): install WSL from the Store\n");
	printf("  networking mode in use: %s\n", env->mode ? env->mode : "unknown");
	if (st->policy_allow_mode && !strcmp(st->policy_allow_mode, "0"))
		printf("  policy: the computer policy sets the networking mode (%s); .wslconfig "
		       "cannot change it\n", host_policy_mode_name(st->policy_default_mode));
}

/* The mode WSL runs against the one .wslconfig asks for; what Consomme means for addresses. */
static void print_mode_notes(const struct observation *o)
{
	const char *asked = NULL, *runs = observation_env(o)->mode;
	int fell = observation_fell_back(o, &asked);

	if (fell == 1)
		printf("  WSL fell back: .wslconfig asks for %s, and WSL restarted after it was written but runs "
		       "%s (WSL printed why on the Windows console when it started; `wslbridge check` says what "
		       "it can see)\n", T(asked, "?"), T(runs, "?"));
	else if (fell == 0 && asked)
		printf("  .wslconfig asks for %s: WSL applies it at its next restart (`wsl.exe --shutdown`)\n",
		       T(asked, "?"));
	if (runs && (!strcmp(runs, "consomme") || !strcmp(runs, "virtioproxy")))
		printf("  Consomme: eth0 carries Windows' own address and gateway (the LAN's router, not "
		       "Windows); Windows is 127.0.0.1 from here (`wslbridge host-ip`)\n");
}

static void print_adapter(const struct host_state *st, const struct host_adapter *a)
{
	printf("  %-20s %s\n", T(a->name, "?"), T(a->description, "?"));
	printf("  %-20s %s, %s%s, MTU %d, metric %d, MAC %s%s\n", "", T(a->status, "?"),
	       a->is_virtual ? "virtual " : "", medium_name(a->physical_medium), a->mtu, a->metric,
	       T(a->mac, "?"), has_default_route(st, a->ifindex) ? ", default route" : "");
	for (size_t i = 0; i < a->nipv4; i++)
		printf("  %-20s IPv4 %s/%d\n", "", T(a->ipv4[i].address, "?"), a->ipv4[i].prefix);
	if (a->nbindings) {
		printf("  %-20s bindings:", "");
		for (size_t i = 0; i < a->nbindings; i++)
			printf(" %s %s", T(a->bindings[i].component, "?"), a->bindings[i].enabled ? "on" : "off");
		putchar('\n');
	}
}

static void print_adapters(const struct host_state *st)
{
	printf("\nAdapters\n");
	for (size_t i = 0; i < st->nadapters; i++)
		if (!is_vpn(&st->adapters[i]))
			print_adapter(st, &st->adapters[i]);
	printf("\nVPN adapters\n");
	for (size_t i = 0, n = 0; i < st->nadapters || !n; i++) {
		const struct host_adapter *a = i < st->nadapters ? &st->adapters[i] : NULL;

		if (!a) {
			printf("  none\n");
			break;
		}
		if (!is_vpn(a))
			continue;
		n++;
		print_adapter(st, a);
		printf("  %-20s DNS", "");
		for (size_t k = 0; k < a->ndns; k++)
			printf(" %s", T(a->dns[k], "?"));
		printf("%s%s%s\n", a->ndns ? "" : " none", a->dns_suffix ? ", suffix " : "",
		       T(a->dns_suffix, ""));
	}
}

static void print_switch(const struct host_state *st, const struct host_switch *s)
{
	const struct host_adapter *up = s->nuplinks ? host_adapter_by_guid(st, s->uplinks[0]) : NULL;
	size_t vms = 0;

	for (size_t k = 0; k < st->nvmnics; k++)
		vms += st->vmnics[k].switch_id && s->id && !strcasecmp(st->vmnics[k].switch_id, s->id);
	printf("  %-24s %s", T(s->name, "?"), s->inferred && s->type < 0 ? "type unknown" :
	       host_switch_type_name(s->type));
	if (s->type == SWITCH_EXTERNAL)
		printf(" on %s", T(up ? up->name : NULL, "an unknown adapter"));
	if (s->allow_mos && (s->type == SWITCH_EXTERNAL || s->inferred))
		printf(", shared with Windows");
	if (vms)
		printf(", used by %zu VM adapter%s", vms, vms == 1 ? "" : "s");
	if (s->notes && !strcmp(s->notes, "Created by wslbridge"))
		printf(" (created by wslbridge)");
	if (s->inferred)
		printf(" (inferred)\n");
	else
		printf("\n  %-24s id %s\n", "", T(s->id, "?"));
}

static void print_switches(const struct host_state *st)
{
	const struct host_unreadable *u = host_unreadable(st, "switches");

	printf("\nSwitches\n");
	if (host_unasked(st, "switches")) {
		printf("  not read: the target checked does not need Hyper-V's list (`wslbridge check bridged` reads it)\n");
		if (st->nswitches)
			printf("  inferred from the vEthernet adapters and the uplinks' bindings:\n");
	} else if (u) {
		char *why = host_unreadable_text(u);

		printf("  could not be read: %s\n", term_safe(why));
		printf("  fix: join Hyper-V Administrators (`wslbridge setup` adds you; it counts from your next "
		       "sign-in), or start WSL from an elevated terminal\n");
		printf("  %s\n", st->nswitches ? "inferred from the vEthernet adapters and the uplinks' bindings:" :
		       "no vEthernet adapter shows a switch shared with Windows");
		free(why);
	} else if (!st->hyperv_module) {
		printf("  (not visible without the Hyper-V PowerShell module)\n");
	} else if (!st->nswitches) {
		printf("  none\n");
	}
	for (size_t i = 0; i < st->nswitches; i++)
		print_switch(st, &st->switches[i]);
}

/* Every other part of Windows' answer that could not be read, and why. */
static void print_unreadable(const struct host_state *st)
{
	bool header = false;

	for (size_t i = 0; i < st->nunreadable; i++) {
		const struct host_unreadable *u = &st->unreadable[i];
		char *why;

		if (!strcmp(u->section, "switches") || (u->reason && !strcmp(u->reason, "unasked")))
			continue;
		if (!header)
			printf("\nCould not be read on Windows (nothing is planned from these)\n");
		header = true;
		why = host_unreadable_text(u);
		printf("  %-16s %s\n", T(u->section, "?"), term_safe(why));
		free(why);
	}
}

static void print_file(const char *path, int err, const struct ini_doc *d, const char *const *keys)
{
	int shown = 0;

	printf("  %s\n", T(path, "(unknown place)"));
	if (!path || err == -ENOENT) {
		printf("    not present: WSL uses its defaults\n");
		return;
	}
	if (err) {
		printf("    could not be read: %s\n", errstr(err));
		return;
	}
	for (size_t i = 0; keys[i]; i++) {
		long at = ini_find(d, keys[i]);

		if (at >= 0) {
			printf("    %s = %s\n", keys[i], T(d->lines[at].value, ""));
			shown++;
		}
	}
	if (d->stop >= 0)
		printf("    warning: WSL stops reading at line %u (`wslbridge config lint`)\n",
		       d->lines[d->stop].lineno);
	if (!shown)
		printf("    no networking settings: WSL uses its defaults\n");
}

static void print_linux(const struct linux_state *lx)
{
	printf("\nThis distribution\n");
	if (!lx->present) {
		printf("  %s: not present\n", T(lx->ifname, "?"));
	} else {
		printf("  %s: %s, carrier %s, MTU %d, MAC %s\n", T(lx->ifname, "?"), T(lx->operstate, "?"),
		       lx->carrier == 1 ? "yes" : lx->carrier == 0 ? "NO" : "?", lx->mtu,
		       T(lx->mac, "?"));
		for (size_t i = 0; i < lx->naddrs; i++)
			printf("  %-6s IPv4 %s\n", "", T(lx->addrs[i], "?"));
	}
	if (lx->gateway)
		printf("  default route: via %s on %s\n", T(lx->gateway, "?"), T(lx->route_dev, "?"));
	else
		printf("  default route: none\n");
	printf("  DNS:");
	for (size_t i = 0; i < lx->nns; i++)
		printf(" %s", T(lx->nameservers[i], "?"));
	if (!lx->nns)
		printf(" no nameserver");
	for (size_t i = 0; i < lx->nsearch; i++)
		printf("%s%s", i ? " " : "; search ", T(lx->search[i], "?"));
	printf("%s\n", lx->resolv_by_wsl ? " (written by WSL)" : "");
}

/* What lets the LAN in: Hyper-V firewall rules for WSL (mirrored), portproxy rules (NAT). */
static void print_ports(const struct host_state *st)
{
	printf("\nPorts into WSL\n");
	if (host_unasked(st, "hyperv-firewall"))
		printf("  Hyper-V firewall: not read (only mirrored mode uses it)\n");
	else if (!st->hvfw_present)
		printf("  Hyper-V firewall: not on this Windows (mirrored mode needs Windows 11 22H2)\n");
	else
		printf("  Hyper-V firewall for WSL: %s, inbound default %s, %zu rule%s\n",
		       T(st->hvfw_enabled, "?"), T(st->hvfw_default_inbound, "?"),
		       st->nhvfw_rules, st->nhvfw_rules == 1 ? "" : "s");
	for (size_t i = 0; i < st->nhvfw_rules; i++) {
		const struct host_hvfw_rule *r = &st->hvfw_rules[i];

		printf("    %s: %s %s %s %s%s\n", T(r->name, "?"), T(r->direction, "?"),
		       T(r->action, "?"), T(r->protocol, "?"), T(r->local_ports, "?"),
		       r->enabled && !strcasecmp(r->enabled, "True") ? "" : " (disabled)");
	}
	if (st->nportproxy)
		printf("  portproxy (NAT forwards): %zu rule%s%s\n", st->nportproxy, st->nportproxy == 1 ? "" : "s",
		       st->ip_helper && strcmp(st->ip_helper, "Running") ?
		       "; the IP Helper service that serves them is not running" : "");
	else
		printf("  portproxy (NAT forwards): none\n");
	for (size_t i = 0; i < st->nportproxy; i++) {
		const struct host_portproxy *p = &st->portproxy[i];

		printf("    %s:%s -> %s:%s\n", T(p->listen_address, "?"), T(p->listen_port, "?"), T(p->connect_address, "?"),
		       T(p->connect_port, "?"));
	}
}

static void print_text(const struct observation *o, const struct wb_ctx *ctx, const char *target,
		       size_t nfail)
{
	char *wslconf = wb_path(ctx, "/etc/wsl.conf");

	diagram_print(stdout, o, target, nfail);
	putchar('\n');
	if (o->have_windows) {
		print_windows(&o->win, &o->host.env);
		print_mode_notes(o);
		print_adapters(&o->win);
		print_switches(&o->win);
		print_ports(&o->win);
		print_unreadable(&o->win);
	} else {
		printf("Windows\n  not observed (--offline)\n  networking mode in use: %s\n",
		       o->env.mode ? o->env.mode : "unknown");
		print_mode_notes(o);
	}
	printf("\nFiles\n");
	if (o->have_windows || o->wslconfig_path)	/* offline: the place an earlier run learnt */
		print_file(o->wslconfig_path, o->wslconfig_err, &o->wslconfig, wslconfig_keys);
	print_file(wslconf, o->wslconf_err, &o->wslconf, wslconf_keys);
	free(wslconf);
	print_linux(&o->lx);
}

static void xml_list(xmlNodePtr parent, const char *name, char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		xmlNewProp(xmlNewChild(parent, NULL, BAD_CAST name, NULL), BAD_CAST "value", BAD_CAST v[i]);
}

static int print_xml(const struct observation *o)
{
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0"), resp = NULL;
	xmlNodePtr root = xmlNewNode(NULL, BAD_CAST "status"), lx, n;
	const struct linux_state *l = &o->lx;
	const char *mode = observation_env(o)->mode;
	xmlChar *out = NULL;
	int len = 0;
	char num[16];

	xmlDocSetRootElement(doc, root);
	xmlNewProp(root, BAD_CAST "version", BAD_CAST "1");
	n = xmlNewChild(root, NULL, BAD_CAST "wsl", NULL);
	if (mode)
		xmlNewProp(n, BAD_CAST "mode", BAD_CAST mode);
	if (o->have_windows && o->win.raw) {
		resp = xmlReadMemory(o->win.raw, (int)o->win.raw_len, NULL, NULL, XML_PARSE_NONET);
		for (n = resp ? xmlDocGetRootElement(resp)->children : NULL; n; n = n->next)
			if (n->type == XML_ELEMENT_NODE && !xmlStrcmp(n->name, BAD_CAST "host"))
				xmlAddChild(root, xmlDocCopyNode(n, doc, 1));
	}
	lx = xmlNewChild(root, NULL, BAD_CAST "linux", NULL);
	n = xmlNewChild(lx, NULL, BAD_CAST "interface", NULL);
	xmlNewProp(n, BAD_CAST "name", BAD_CAST l->ifname);
	xmlNewProp(n, BAD_CAST "present", BAD_CAST (l->present ? "true" : "false"));
	if (l->present) {
		snprintf(num, sizeof(num), "%d", l->mtu);
		xmlNewProp(n, BAD_CAST "mtu", BAD_CAST num);
		xmlNewProp(n, BAD_CAST "carrier", BAD_CAST (l->carrier == 1 ? "true" : "false"));
		xmlNewProp(n, BAD_CAST "operstate", BAD_CAST l->operstate);
	}
	xml_list(n, "ipv4", l->addrs, l->naddrs);
	if (l->gateway) {
		n = xmlNewChild(lx, NULL, BAD_CAST "default-route", NULL);
		xmlNewProp(n, BAD_CAST "gateway", BAD_CAST l->gateway);
		xmlNewProp(n, BAD_CAST "dev", BAD_CAST l->route_dev);
	}
	n = xmlNewChild(lx, NULL, BAD_CAST "dns", NULL);
	xml_list(n, "nameserver", l->nameservers, l->nns);
	xml_list(n, "search", l->search, l->nsearch);
	xmlDocDumpFormatMemoryEnc(doc, &out, &len, "UTF-8", 1);
	fwrite(out, 1, (size_t)len, stdout);
	xmlFree(out);
	xmlFreeDoc(resp);
	xmlFreeDoc(doc);
	return WB_EXIT_OK;
}

/*
 * On a terminal, the text goes through $PAGER (else less, as LESS=FRX:
 * gone at once when it fits), as systemctl does; never when piped.
 */
static bool start_pager(void)
{
	const char *p = getenv("PAGER");

	if (!isatty(STDOUT_FILENO) || (p && (!*p || !strcmp(p, "cat"))))
		return false;
	term_keep_for_pager();
	return spawn_pager(p ? p : "less") == 0;
}

int verb_status(int argc, char **argv, struct wb_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "offline", no_argument, NULL, 'o' },
		{ "xml", no_argument, NULL, 'x' },
		{ "json", no_argument, NULL, 'j' },
		{ "no-pager", no_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	bool pager = true;
	struct observation o;
	struct verdict_params params = { NULL, 0 };
	struct target t;
	struct check_report rep = { .r = NULL };
	bool offline = false, xml = false, json = false, paged = false;
	char *why = NULL, **problems;
	size_t nproblems;
	int c, r;

	verb_options_begin();
	while ((c = verb_next_option("status", argc, argv, "", longopts)) > 0) {
		if (c == 'o')
			offline = true;
		else if (c == 'x')
			xml = true;
		else if (c == 'j')
			json = true;
		else if (c == 'P')
			pager = false;
	}
	if (c == 0)
		return WB_EXIT_USAGE;
	if (optind != argc)
		return wb_error(WB_EXIT_USAGE, "status takes no arguments");
	memset(&t, 0, sizeof(t));
	r = observation_gather(ctx, offline, offline ? 0 : verdict_facts(ctx, NULL, &params), &o, &why);
	if (r < 0) {
		wb_error(WB_EXIT_FAIL, "%s", why ? why : errstr(r));
		if (r != -ENOSYS)
			wb_hint("`wslbridge status --offline` shows the Linux side without Windows");
		free(why);
		observation_release(&o);
		return WB_EXIT_FAIL;
	}
	r = verdict_compare(ctx, &o, NULL, &params, true, &t, &rep);
	if (r) {
		observation_release(&o);
		verdict_params_release(&params);
		return r;
	}
	nproblems = verdict_problems(&rep, &problems);
	if (json)
		r = status_print_json(&o, problems, nproblems);
	else if (xml)
		r = print_xml(&o);
	else {
		paged = pager && start_pager();
		print_text(&o, ctx, t.name, nproblems);
	}
	if (paged)	/* the picture first, then the warnings under it */
		spawn_pager_wait();
	if (r == 0)
		r = status_report_problems(problems, nproblems);
	status_problems_free(problems, nproblems);
	check_report_release(&rep);
	target_release(&t);
	verdict_params_release(&params);
	observation_release(&o);
	return r;
}
