/* SPDX-License-Identifier: MIT */
/*
 * compare.c - probes and the comparison (see compare.h).  A probe never
 * fails: what cannot be found is a value too ("missing", "absent", "none",
 * "(unset)"), so a report always says what was seen.
 */
#include "targets/compare.h"
#include "targets/probes.h"
#include "base/match.h"
#include "base/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* ---- files and Linux ---------------------------------------------------- */

/* An unset key is the empty value (a report shows it as "(unset)"). */
static char *probe_file(const struct ini_doc *d, const char *key)
{
	const char *v = key ? ini_value(d, key) : NULL;

	return xstrdup(v ? v : "");
}

static bool in_subnet(const char *addr, const char *net, int prefix)
{
	struct in_addr a, n;
	uint32_t mask;

	if (inet_pton(AF_INET, addr, &a) != 1 || inet_pton(AF_INET, net, &n) != 1 || prefix < 0)
		return false;
	mask = prefix ? htonl(~0u << (32 - prefix)) : 0;
	return (a.s_addr & mask) == (n.s_addr & mask);
}

/*
 * Consomme (ex-VirtioProxy) copies Windows' own address into eth0
 * (ConsommeNetworking.cpp, BuildVirtioNetConfig): "host ...", never "lan".
 */
static char *consomme_kind(const char *addr, const struct observation *o)
{
	const struct host_state *st = &o->win;

	if (!o->have_windows)
		return xasprintf("host (%s: Consomme copies Windows' own address; not compared offline)", addr);
	for (size_t i = 0; i < st->nadapters; i++)
		for (size_t k = 0; k < st->adapters[i].nipv4; k++)
			if (st->adapters[i].name && !strcmp(st->adapters[i].ipv4[k].address, addr))
				return xasprintf("host (%s is Windows' own address on %s: Consomme copies it)", addr,
						 st->adapters[i].name);
	return xasprintf("consomme (%s is none of Windows' addresses: Windows' network changed since)", addr);
}

/*
 * "lan", "nat", "host" (Consomme) or "link-local": NAT when eth0's address
 * lies in the subnet of Windows' vEthernet (WSL...) adapter; offline, when
 * it lies in 172.16.0.0/12, where WSL usually puts its NAT network.
 */
static char *probe_address_kind(const struct expectation *e, const struct observation *o)
{
	char addr[64];
	const struct host_state *st = &o->win;
	const char *mode = observation_env(o)->mode;

	(void)e;
	if (!o->lx.naddrs)
		return xstrdup("none");
	snprintf(addr, sizeof(addr), "%s", o->lx.addrs[0]);
	addr[strcspn(addr, "/")] = '\0';
	/* RFC 3927: what a host takes when no DHCP server answered; no network gave it */
	if (in_subnet(addr, "169.254.0.0", 16))
		return xasprintf("link-local (%s: no DHCP server answered, this is not a LAN address)", addr);
	if (mode && (!strcasecmp(mode, "consomme") || !strcasecmp(mode, "virtioproxy")))
		return consomme_kind(addr, o);
	for (size_t i = 0; o->have_windows && i < st->nadapters; i++) {
		const struct host_adapter *a = &st->adapters[i];

		/* WSL's NAT vNIC, not a user's "vEthernet (WSL Bridge)". */
		if (!a->name || (strcmp(a->name, "vEthernet (WSL)") &&
				 strcmp(a->name, "vEthernet (WSL (Hyper-V firewall))")))
			continue;
		for (size_t k = 0; k < a->nipv4; k++)
			if (in_subnet(addr, a->ipv4[k].address, a->ipv4[k].prefix))
				return xasprintf("nat (%s is in WSL's NAT network)", addr);
	}
	if (!o->have_windows && in_subnet(addr, "172.16.0.0", 12))
		return xasprintf("nat (%s is in 172.16.0.0/12)", addr);
	return xstrdup("lan");
}

static char *probe_file_secure(const struct expectation *e, const struct observation *o)
{
	char *p = wb_path(o->ctx, e->path ? e->path : "");
	const struct observed_file *f = observation_file(o, p);

	free(p);
	if (!f)
		return xstrdup("not read (target_gather was not called)");
	if (f->err)
		return xstrdup("missing");
	if (!S_ISREG(f->mode))
		return xstrdup("not a regular file");
	if (f->uid != 0)
		return xasprintf("owned by uid %u, not root", (unsigned)f->uid);
	if (f->mode & (S_IWGRP | S_IWOTH))
		return xstrdup("writable by group or others");
	if (!(f->mode & S_IXUSR))
		return xstrdup("not executable");
	return xstrdup("ok");
}

static char *probe_kernel(const struct expectation *e, const struct observation *o)
{
	(void)e;
	return xstrdup(o->kernel ? o->kernel : "unknown");
}

static char *join(char **v, size_t n)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < n; i++)
		buf_addf(&b, "%s%s", i ? " " : "", v[i]);
	return buf_detach(&b, NULL);
}

char *consomme_fallback_reason(const struct observation *o)
{
	const char *v = ini_value(&o->wslconfig, "wsl2.virtio");

	/* WslCoreConfig.cpp: NAT, or None when Consomme is the policy's default */
	if (v && (!strcasecmp(v, "false") || !strcmp(v, "0")))
		return xstrdup("Consomme networking is not supported when wsl2.virtio is disabled; falling back "
			       "to networkingMode Nat.");
	return NULL;
}

/* What WSL said when it left the mode asked for, as far as it shows from here. */
static char *fallback_reason(const struct observation *o, const char *asked)
{
	if (!strcasecmp(asked, "mirrored"))
		return mirrored_fallback_reason(o);
	if (!strcasecmp(asked, "consomme") || !strcasecmp(asked, "virtioproxy"))
		return consomme_fallback_reason(o);
	return NULL;
}

/*
 * The mode WSL applied; when it restarted after .wslconfig was written and
 * runs another mode, it fell back: then another restart changes nothing, and
 * the remedy says where WSL printed why.
 */
static void p_linux_mode(const struct expectation *e, const struct observation *o, struct probe_out *out)
{
	const struct wsl_env *env = observation_env(o);
	const char *asked = NULL;
	int fell = observation_fell_back(o, &asked);
	const char *want = o->wslconfig_path ? ini_value(&o->wslconfig, "wsl2.networkingMode") : NULL;
	char *why = NULL;

	if (!env->mode) {
		out->value = xstrdup("unknown");
		return;
	}
	if (fell == 1)
		why = fallback_reason(o, asked);
	else if (want && !strcasecmp(want, "mirrored") && strcmp(env->mode, "mirrored") && e->equals &&
		 !strcmp(e->equals, "mirrored"))
		why = mirrored_fallback_reason(o);	/* a restart may be pending: the reason it will meet */
	/* WSL says why only on the Windows console; the same checks tell it here. */
	if (why)
		out->value = xasprintf("%s (WSL fell back: %s)", env->mode, why);
	else if (fell == 1)
		out->value = xasprintf("%s (WSL fell back: .wslconfig asks for %s)", env->mode, asked);
	else
		out->value = xstrdup(env->mode);
	if (fell == 1)
		out->remedy = xasprintf("WSL restarted after .wslconfig was written and runs %s, not %s: another "
					"restart will not change that. WSL printed its reason on the Windows console "
					"when it started (run `wsl.exe` in PowerShell to see it again)%s", env->mode,
					asked, why ? "; it is quoted above" : "; the environment checks above say "
					"what can be seen from here");
	free(why);
}

static char *p_default_route(const struct expectation *e, const struct observation *o)
{
	(void)e;
	return xstrdup(o->lx.route_dev ? o->lx.route_dev : "none");
}

static char *p_nameservers(const struct expectation *e, const struct observation *o)
{
	(void)e;
	return join(o->lx.nameservers, o->lx.nns);
}

/* linux.carrier and linux.mtu, of eth0 or the interface the expectation names. */
static char *p_interface(const struct expectation *e, const struct observation *o)
{
	const struct linux_state *lx = observation_interface(o, e->ifname);

	if (!lx)
		return xstrdup("not read (target_gather was not called)");
	if (!lx->present)
		return xstrdup("no such interface");
	if (!strcmp(e->probe, "linux.carrier"))
		return xstrdup(lx->carrier == 1 ? "true" : "false");
	return xasprintf("%d", lx->mtu);
}

static char *p_wslconfig(const struct expectation *e, const struct observation *o)
{
	return probe_file(&o->wslconfig, e->key);
}

static char *p_wslconf(const struct expectation *e, const struct observation *o)
{
	return probe_file(&o->wslconf, e->key);
}

static char *p_ignored_from(const struct expectation *e, const struct observation *o)
{
	const struct ini_doc *d = &o->wslconf;

	(void)e;
	if (d->stop < 0)
		return xstrdup("none");
	return xasprintf("line %u (%s)", d->lines[d->stop].lineno, d->lines[d->stop].error);
}

enum { NEEDS_WINDOWS = 1, NEEDS_WSLCONFIG = 2 };

/*
 * Every probe a target can name (target.rng lists the same; test-compare
 * holds them).  sections: the parts of Windows' answer it reads; when one
 * could not be read, its value is unknown, unless the probe infers (read_ex).
 */
static const char *const hyperv_s[] = { "hyperv", NULL };
static const char *const windows_s[] = { "windows", NULL };
static const char *const wsl_s[] = { "wsl", NULL };
static const char *const policy_s[] = { "policy", NULL };
static const char *const adapters_s[] = { "adapters", NULL };
static const char *const switch_s[] = { "switches", "adapters", NULL };
static const char *const hvfw_s[] = { "hyperv-firewall", NULL };
static const char *const forward_s[] = { "portproxy", "firewall-rules", NULL };
static const char *const services_s[] = { "services", "portproxy", NULL };

static const struct probe {
	const char *name;
	unsigned needs;
	const char *const *sections;
	char *(*read)(const struct expectation *e, const struct observation *o);
	void (*read_ex)(const struct expectation *e, const struct observation *o, struct probe_out *out);
} probes[] = {
	{ "windows.hyperv", NEEDS_WINDOWS, hyperv_s, NULL, probe_hyperv },
	{ "windows.build", NEEDS_WINDOWS, windows_s, probe_build, NULL },
	{ "windows.supports-mirrored", NEEDS_WINDOWS, windows_s, probe_mirrored, NULL },
	{ "windows.ipv6", NEEDS_WINDOWS, windows_s, probe_ipv6, NULL },
	{ "wsl.supports-bridged", NEEDS_WINDOWS, wsl_s, probe_wsl_bridged, NULL },
	{ "wsl.supports-mirrored", NEEDS_WINDOWS, wsl_s, probe_wsl_mirrored, NULL },
	{ "wsl.supports-consomme", NEEDS_WINDOWS, wsl_s, probe_wsl_consomme, NULL },
	{ "policy.networking-mode", NEEDS_WINDOWS, policy_s, probe_policy_mode, NULL },
	{ "switch.count", NEEDS_WINDOWS, switch_s, NULL, probe_switch },
	{ "switch.type", NEEDS_WINDOWS, switch_s, NULL, probe_switch },
	{ "switch.uplink-is", NEEDS_WINDOWS, switch_s, NULL, probe_switch },
	{ "switch.allow-management-os", NEEDS_WINDOWS, switch_s, NULL, probe_switch },
	{ "adapter.binding", NEEDS_WINDOWS, adapters_s, probe_adapter, NULL },
	{ "adapter.status", NEEDS_WINDOWS, adapters_s, probe_adapter, NULL },
	{ "hvfw.unopened", NEEDS_WINDOWS, hvfw_s, probe_hvfw_unopened, NULL },
	{ "forward.stale", NEEDS_WINDOWS, forward_s, probe_forward_stale, NULL },
	{ "forward.ip-helper", NEEDS_WINDOWS, services_s, probe_ip_helper, NULL },
	{ "wslconfig", NEEDS_WSLCONFIG, NULL, p_wslconfig, NULL },
	{ "wslconf", 0, NULL, p_wslconf, NULL },
	{ "wslconf.ignored-from", 0, NULL, p_ignored_from, NULL },
	{ "linux.mode", 0, NULL, NULL, p_linux_mode },
	{ "linux.carrier", 0, NULL, p_interface, NULL },
	{ "linux.mtu", 0, NULL, p_interface, NULL },
	{ "linux.address-kind", 0, adapters_s, probe_address_kind, NULL },
	{ "linux.default-route", 0, NULL, p_default_route, NULL },
	{ "linux.nameservers", 0, NULL, p_nameservers, NULL },
	{ "linux.dns", 0, NULL, NULL, probe_dns },
	{ "wslconfig.mac", NEEDS_WSLCONFIG, NULL, probe_mac_fit, NULL },
	{ "linux.file-secure", 0, NULL, probe_file_secure, NULL },
	{ "linux.kernel", 0, NULL, probe_kernel, NULL },
};

#define N_PROBES (sizeof(probes) / sizeof(probes[0]))

unsigned target_facts(const struct target *t)
{
	unsigned f = 0;

	for (size_t i = 0; i < t->nexp; i++)
		for (size_t k = 0; k < N_PROBES; k++) {
			if (strcmp(t->exp[i].probe, probes[k].name))
				continue;
			for (size_t j = 0; probes[k].sections && probes[k].sections[j]; j++) {
				f |= !strcmp(probes[k].sections[j], "switches") ? HOST_SWITCHES : 0;
				f |= !strcmp(probes[k].sections[j], "hyperv-firewall") ? HOST_HVFW : 0;
			}
		}
	return f;
}

unsigned target_facts_of(const struct wb_ctx *ctx, const char *name, char *const *params,
			 size_t nparams, unsigned dflt)
{
	struct target_error err;
	struct target t;
	unsigned f = dflt;

	memset(&t, 0, sizeof(t));	/* a bad parameter returns before the load touches t */
	if (target_load(ctx, name, params, nparams, &t, &err) == 0)
		f = target_facts(&t);
	else
		target_error_release(&err);
	target_release(&t);
	return f;
}

size_t probe_count(void)
{
	return N_PROBES;
}

const char *probe_name(size_t i)
{
	return i < N_PROBES ? probes[i].name : NULL;
}

void probe_run(const struct expectation *e, const struct observation *o, struct probe_out *out)
{
	const struct probe *p = NULL;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < N_PROBES && !p; i++)
		if (!strcmp(e->probe, probes[i].name))
			p = &probes[i];
	if (!p) {	/* the schema lets none through: never a fallthrough */
		out->value = xasprintf("unknown probe '%s' (this wslbridge does not know it)", e->probe);
		return;
	}
	if ((p->needs & NEEDS_WINDOWS) && !o->have_windows) {
		out->skip = xstrdup("needs Windows (offline)");
		return;
	}
	if ((p->needs & NEEDS_WSLCONFIG) && !o->wslconfig_path) {
		out->skip = xstrdup("the place of .wslconfig is not known offline until a run "
				     "without --offline has learnt it (or set WSLBRIDGE_WSLCONFIG)");
		return;
	}
	for (size_t i = 0; p->sections && o->have_windows && p->sections[i]; i++) {
		const struct host_unreadable *u = host_unreadable(&o->win, p->sections[i]);
		char *why;

		/* the switch probes infer what they can (they say when they cannot) */
		if (!u || (p->read_ex && !strcmp(p->sections[i], "switches")))
			continue;
		why = host_unreadable_text(u);
		out->unknown = xasprintf("not readable (Windows' %s: %s)", p->sections[i], why);
		free(why);
		return;
	}
	if (p->read_ex)
		p->read_ex(e, o, out);
	else
		out->value = p->read(e, o);
}

char *probe_value(const struct expectation *e, const struct observation *o, char **ret_skip)
{
	struct probe_out out;

	probe_run(e, o, &out);
	*ret_skip = out.skip ? out.skip : out.unknown;
	return out.value;
}

/* ---- comparison --------------------------------------------------------- */

static bool holds(const struct expectation *e, const char *v, char **expected)
{
	char *err = NULL;
	int m;

	if (e->equals) {
		*expected = xstrdup(*e->equals ? e->equals : "(unset/empty)");
		return e->nocase ? !strcasecmp(v, e->equals) : !strcmp(v, e->equals);
	}
	if (e->pattern) {
		*expected = xasprintf("matching /%s/", e->pattern);
		m = match_user(e->pattern, e->nocase, v, &err);
		if (m < 0) {
			free(*expected);
			*expected = err;
		}
		return m == 1;
	}
	if (e->has_min && e->has_max)
		*expected = xasprintf("between %ld and %ld", e->min, e->max);
	else if (e->has_min)
		*expected = xasprintf("at least %ld", e->min);
	else
		*expected = xasprintf("at most %ld", e->max);
	{
		char *end;
		long n = strtol(v, &end, 10);

		if (end == v || *end)
			return false;
		return (!e->has_min || n >= e->min) && (!e->has_max || n <= e->max);
	}
}

void compare_target(const struct target *t, const struct observation *o, struct check_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	rep->r = xcalloc(t->nexp ? t->nexp : 1, sizeof(*rep->r));
	for (size_t i = 0; i < t->nexp; i++) {
		struct check_result *r = &rep->r[rep->n++];
		struct probe_out out;

		r->e = &t->exp[i];
		if (r->e->skipped) {
			r->status = CHECK_SKIP;
			r->observed = xstrdup("not asked for");
			rep->skip++;
			continue;
		}
		probe_run(r->e, o, &out);
		r->basis = out.basis;
		if (!out.value) {
			r->status = out.skip ? CHECK_SKIP : CHECK_UNKNOWN;
			r->observed = out.skip ? out.skip : out.unknown;
			if (out.skip)
				rep->skip++;
			else
				rep->unknown++;
			continue;
		}
		r->observed = out.value;
		r->status = holds(r->e, out.value, &r->expected) ? CHECK_PASS : CHECK_FAIL;
		if (r->status == CHECK_FAIL)
			r->remedy = out.remedy;
		else
			free(out.remedy);
		if (r->status == CHECK_PASS)
			rep->pass++;
		else
			rep->fail++;
	}
}

const char *check_status_name(enum check_status s)
{
	static const char *const names[] = {
		[CHECK_PASS] = "pass", [CHECK_FAIL] = "fail", [CHECK_SKIP] = "skip", [CHECK_UNKNOWN] = "unknown",
	};

	return names[s];
}

const char *check_verdict(const struct check_report *rep)
{
	return rep->fail ? "drift" : rep->unknown ? "unknown" : "ok";
}

void check_report_release(struct check_report *rep)
{
	for (size_t i = 0; i < rep->n; i++) {
		free(rep->r[i].observed);
		free(rep->r[i].expected);
		free(rep->r[i].remedy);
	}
	free(rep->r);
	memset(rep, 0, sizeof(*rep));
}
