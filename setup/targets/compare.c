/* SPDX-License-Identifier: MIT */
/*
 * compare.c - probes and the comparison (see compare.h).  A probe never
 * fails: what cannot be found is a value too ("missing", "absent", "none",
 * "(unset)"), so a report always says what was seen.
 */
#include "targets/compare.h"
#include "vswitch/adapter.h"
#include "forward/forward.h"
#include "vswitch/hvfw-plan.h"
#include "base/match.h"
#include "base/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/utsname.h>

/* Known WSL versions without bridged mode (reference §6: 2.5.4 removed it). */
static const char *const bridged_bad_versions[] = { "2.5.4", NULL };

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

static char *probe_switch(const struct expectation *e, const struct host_state *st)
{
	const struct host_switch *sw;
	size_t n = switch_count(st, e->sw, &sw);
	const struct host_adapter *up;

	if (!strcmp(e->probe, "switch.count"))
		return xasprintf("%zu", n);
	if (n == 0)
		return xstrdup("missing");
	if (n > 1)
		return xasprintf("ambiguous (%zu switches have this name)", n);
	if (!strcmp(e->probe, "switch.type"))
		return xstrdup(host_switch_type_name(sw->type));
	if (!strcmp(e->probe, "switch.allow-management-os"))
		return yesno(sw->allow_mos);
	/* switch.uplink-is */
	up = sw->nuplinks ? host_adapter_by_guid(st, sw->uplinks[0]) : NULL;
	if (!sw->nuplinks)
		return xstrdup("false (bound to no adapter)");
	if (!up)
		return xstrdup("false (bound to an adapter that is gone)");
	if (!e->adapter || !strcmp(e->adapter, "*"))
		return adapter_is_physical(up) ? xstrdup("true") :
		       xasprintf("false (bound to %s, which is not a physical adapter)", up->name);
	return adapter_find(st, e->adapter) == up ? xstrdup("true") :
	       xasprintf("false (bound to %s)", up->name);
}

static char *probe_adapter(const struct expectation *e, const struct host_state *st)
{
	const struct host_adapter *a = resolve_adapter(e, st);
	int b;

	if (!a)
		return xstrdup("no such adapter");
	if (!strcmp(e->probe, "adapter.status"))
		return xstrdup(a->status ? a->status : "unknown");
	b = host_adapter_binding(a, e->component ? e->component : "");
	return xstrdup(b < 0 ? "absent" : b ? "true" : "false");
}

static char *probe_wsl_bridged(const struct host_state *st)
{
	int major = 0, minor = 0, patch = 0;

	if (!st->wsl_version || !*st->wsl_version)
		return xstrdup("false (inbox WSL, without networking modes)");
	for (size_t i = 0; bridged_bad_versions[i]; i++)
		if (!strncmp(st->wsl_version, bridged_bad_versions[i], strlen(bridged_bad_versions[i])))
			return xasprintf("false (WSL %s removed bridged mode)", st->wsl_version);
	if (sscanf(st->wsl_version, "%d.%d.%d", &major, &minor, &patch) < 1 || major < 2)
		return xasprintf("false (WSL %s is older than 2.0)", st->wsl_version);
	return xstrdup("true");
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
static char *probe_mirrored(const struct host_state *st)
{
	long build, ubr;

	if (!mirrored_build(st, &build, &ubr))
		return xasprintf("false (Windows version %ld.%ld does not have the required features; mirrored "
				 "mode needs Windows 11 22H2, build 22621.2359 or later)", build, ubr);
	if (st->installation && !strcasecmp(st->installation, "Server"))
		return xstrdup("false (Windows Server: mirrored mode is not offered there; WSL falls back with "
			       "0x803b0015 HCN_E_REQUEST_UNSUPPORTED)");
	return xstrdup("true");
}

static char *probe_windows(const struct expectation *e, const struct host_state *st)
{
	const char *p = e->probe;

	if (!strcmp(p, "windows.supports-mirrored"))
		return probe_mirrored(st);
	if (!strcmp(p, "windows.ipv6"))
		return xstrdup(ipv6_disabled(st) ? "disabled (Tcpip6 DisabledComponents=0xff)" : "enabled");
	if (!strcmp(p, "wsl.supports-mirrored")) {
		int major = st->wsl_version ? atoi(st->wsl_version) : 0;

		return major >= 2 ? xstrdup("true") : xasprintf("false (%s)", st->wsl_version && *st->wsl_version ?
				    "WSL older than 2.0" : "inbox WSL, without networking modes");
	}
	if (!strcmp(p, "hvfw.unopened"))
		return hvfw_unopened(st, e->ports);

	if (!strcmp(p, "windows.hyperv")) {
		bool home = st->edition && !strncmp(st->edition, "Core", 4);

		return yesno(st->hyperv_module || (st->hypervisor_present && !home && st->nports));
	}
	if (!strcmp(p, "windows.build"))
		return xstrdup(st->build ? st->build : "unknown");
	if (!strcmp(p, "wsl.supports-bridged"))
		return probe_wsl_bridged(st);
	if (!strcmp(p, "policy.networking-mode")) {
		if (!st->policy_allow_mode || strcmp(st->policy_allow_mode, "0"))
			return xstrdup("user");
		return xasprintf("forced:%s", host_policy_mode_name(st->policy_default_mode));
	}
	if (!strncmp(p, "switch.", 7))
		return probe_switch(e, st);
	return probe_adapter(e, st);
}

/* ---- files and Linux ---------------------------------------------------- */

/* An unset key is the empty value (a report shows it as "(unset)"). */
static char *probe_file(const struct ini_doc *d, const char *key)
{
	const char *v = key ? ini_value(d, key) : NULL;

	return xstrdup(v ? v : "");
}

static char *probe_ignored(const struct ini_doc *d)
{
	if (d->stop < 0)
		return xstrdup("none");
	return xasprintf("line %u (%s)", d->lines[d->stop].lineno, d->lines[d->stop].error);
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
 * "lan" or "nat": NAT when eth0's address lies in the subnet of Windows'
 * vEthernet (WSL...) adapter; offline, when it lies in 172.16.0.0/12, where
 * WSL usually puts its NAT network.
 */
static char *probe_address_kind(const struct observation *o)
{
	char addr[64];
	const struct host_state *st = &o->win;

	if (!o->lx.naddrs)
		return xstrdup("none");
	snprintf(addr, sizeof(addr), "%s", o->lx.addrs[0]);
	addr[strcspn(addr, "/")] = '\0';
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

static char *probe_file_secure(const struct observation *o, const char *path)
{
	char *p = wb_path(o->ctx, path ? path : "");
	struct stat st;
	char *r;

	if (stat(p, &st) < 0)
		r = xstrdup("missing");
	else if (!S_ISREG(st.st_mode))
		r = xstrdup("not a regular file");
	else if (st.st_uid != 0)
		r = xasprintf("owned by uid %u, not root", (unsigned)st.st_uid);
	else if (st.st_mode & (S_IWGRP | S_IWOTH))
		r = xstrdup("writable by group or others");
	else if (!(st.st_mode & S_IXUSR))
		r = xstrdup("not executable");
	else
		r = xstrdup("ok");
	free(p);
	return r;
}

/* The running kernel's release (<root>/proc/sys/kernel/osrelease, so tests can move it). */
static char *probe_kernel(const struct observation *o)
{
	char *p = wb_path(o->ctx, "/proc/sys/kernel/osrelease");
	struct buf b = BUF_INIT;
	struct utsname u;
	char *r;

	if (read_file(p, &b, NULL) == 0 && b.len)
		r = xstrndup(b.s, strcspn(b.s, "\n"));
	else
		r = xstrdup(uname(&u) == 0 ? u.release : "unknown");
	buf_release(&b);
	free(p);
	return r;
}

static char *join(char **v, size_t n)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < n; i++)
		buf_addf(&b, "%s%s", i ? " " : "", v[i]);
	return buf_detach(&b, NULL);
}

char *mirrored_fallback_reason(const struct observation *o)
{
	const struct host_state *st = &o->win;
	char *kernel, *why = NULL, *msg;
	const char *reason = NULL;
	int major = 0, minor = 0;
	long build, ubr;

	if (!o->have_windows)
		return NULL;
	if (st->installation && !strcasecmp(st->installation, "Server"))
		return xstrdup("The specified request is unsupported. Error code: CreateInstance/CreateVm/"
			       "ConfigureNetworking/0x803b0015 (Windows Server): falling back to networkingMode None");
	kernel = probe_kernel(o);
	if (sscanf(kernel, "%d.%d", &major, &minor) == 2 && (major < 5 || (major == 5 && minor < 10)))
		reason = "Linux Kernel version 5.10 or newer is required";
	free(kernel);
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

static char *probe_linux(const struct expectation *e, const struct observation *o)
{
	const char *p = e->probe;
	const struct wsl_env *env = observation_env(o);
	struct linux_state other;
	const struct linux_state *lx = &o->lx;
	char *r;

	if (!strcmp(p, "linux.mode")) {
		const char *want = o->wslconfig_path ? ini_value(&o->wslconfig, "wsl2.networkingMode") : NULL;
		char *why = env->mode && want && !strcasecmp(want, "mirrored") && strcmp(env->mode, "mirrored") &&
			    e->equals && !strcmp(e->equals, "mirrored") ?
			    mirrored_fallback_reason(o) : NULL;

		/* WSL says why only on the Windows console; the same checks tell it here. */
		r = why ? xasprintf("%s (WSL fell back: %s)", env->mode, why) : xstrdup(env->mode ? env->mode : "unknown");
		free(why);
		return r;
	}
	if (!strcmp(p, "linux.default-route"))
		return xstrdup(o->lx.route_dev ? o->lx.route_dev : "none");
	if (!strcmp(p, "linux.nameservers"))
		return join(o->lx.nameservers, o->lx.nns);
	if (!strcmp(p, "linux.file-secure"))
		return probe_file_secure(o, e->path);
	if (!strcmp(p, "linux.address-kind"))
		return probe_address_kind(o);
	if (!strcmp(p, "linux.kernel"))
		return probe_kernel(o);
	if (e->ifname && strcmp(e->ifname, "eth0")) {
		linux_observe(o->ctx, e->ifname, &other);
		lx = &other;
	}
	if (!lx->present)
		r = xstrdup("no such interface");
	else if (!strcmp(p, "linux.carrier"))
		r = xstrdup(lx->carrier == 1 ? "true" : "false");
	else
		r = xasprintf("%d", lx->mtu);
	if (lx != &o->lx)
		linux_state_release(&other);
	return r;
}

static bool needs_windows(const struct expectation *e)
{
	return !strncmp(e->probe, "windows.", 8) || !strncmp(e->probe, "wsl.", 4) ||
	       !strncmp(e->probe, "policy.", 7) || !strncmp(e->probe, "switch.", 7) ||
	       !strncmp(e->probe, "adapter.", 8) || !strncmp(e->probe, "hvfw.", 5) ||
	       !strncmp(e->probe, "forward.", 8);
}

char *probe_value(const struct expectation *e, const struct observation *o, char **ret_skip)
{
	*ret_skip = NULL;
	if (needs_windows(e) && !o->have_windows) {
		*ret_skip = xstrdup("needs Windows (offline)");
		return NULL;
	}
	if (!strcmp(e->probe, "wslconfig") && !o->wslconfig_path) {
		*ret_skip = xstrdup("the place of .wslconfig is not known offline");
		return NULL;
	}
	if (!strcmp(e->probe, "forward.stale"))
		return forward_stale(o);
	if (needs_windows(e))
		return probe_windows(e, &o->win);
	if (!strcmp(e->probe, "wslconfig"))
		return probe_file(&o->wslconfig, e->key);
	if (!strcmp(e->probe, "wslconf"))
		return probe_file(&o->wslconf, e->key);
	if (!strcmp(e->probe, "wslconf.ignored-from"))
		return probe_ignored(&o->wslconf);
	return probe_linux(e, o);
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
		char *skip = NULL, *v;

		r->e = &t->exp[i];
		if (r->e->skipped) {
			r->status = CHECK_SKIP;
			r->observed = xstrdup("not asked for");
			rep->skip++;
			continue;
		}
		v = probe_value(r->e, o, &skip);
		if (!v) {
			r->status = CHECK_SKIP;
			r->observed = skip;
			rep->skip++;
			continue;
		}
		r->observed = v;
		r->status = holds(r->e, v, &r->expected) ? CHECK_PASS : CHECK_FAIL;
		if (r->status == CHECK_PASS)
			rep->pass++;
		else
			rep->fail++;
	}
}

void check_report_release(struct check_report *rep)
{
	for (size_t i = 0; i < rep->n; i++) {
		free(rep->r[i].observed);
		free(rep->r[i].expected);
	}
	free(rep->r);
	memset(rep, 0, sizeof(*rep));
}
