/* SPDX-License-Identifier: MIT */
/*
 * doctor-conf.c - doctor's report, and its checks that are not packets:
 * the proxy environment against autoProxy, interop and what lint finds in
 * both files, and Windows' own view (the adapter with the default route,
 * the VPN) from the one observe launch.
 */
#include "verbs/doctor.h"
#include "base/match.h"
#include "base/util.h"
#include "conf/ini-lint.h"
#include "vpn-fixups/netif.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const group_titles[DG_COUNT] = { "Windows", "DNS", "Reachability", "MTU", "Proxy", "Config" };
static const char *const group_names[DG_COUNT] = { "windows", "dns", "reach", "mtu", "proxy", "config" };

const char *doc_group_title(enum doc_group g) { return group_titles[g]; }
const char *doc_group_name(enum doc_group g) { return group_names[g]; }

const char *doc_status_name(enum doc_status s)
{
	return s == DOC_PASS ? "pass" : s == DOC_FAIL ? "fail" : "skip";
}

const char *dns_verdict_name(int v)
{
	static const char *const names[] = { "answering", "slow", "refusing", "silent" };

	return v >= 0 && v <= DNS_SILENT ? names[v] : NULL;
}

struct doc_check *doc_add(struct doc_report *r, enum doc_group g, const char *id, enum doc_status st,
			  char *subject, char *detail)
{
	struct doc_check *c;

	r->c = xrealloc(r->c, (r->n + 1) * sizeof(*r->c));
	c = &r->c[r->n++];
	memset(c, 0, sizeof(*c));
	c->group = g;
	c->id = id;
	c->status = st;
	c->subject = subject;
	c->detail = detail;
	c->verdict = -1;
	return c;
}

void doc_report_release(struct doc_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		struct doc_check *c = &r->c[i];

		free(c->subject);
		free(c->detail);
		free(c->remedy);
		free(c->server);
		for (size_t k = 0; k < c->nqueries; k++)
			free((char *)c->queries[k].name);
		free(c->queries);
	}
	free(r->c);
	memset(r, 0, sizeof(*r));
}

static bool is_vpn(const struct host_adapter *a)
{
	return a->description && match(RE_VPN_ADAPTER, a->description, strlen(a->description));
}

bool doc_vpn_seen(const struct observation *o)
{
	for (size_t i = 0; o->have_windows && i < o->win.nadapters; i++)
		if (is_vpn(&o->win.adapters[i]))
			return true;
	return false;
}

const char *doc_vpn_apply(const struct observation *o)
{
	return doc_vpn_seen(o) ? "wslbridge vpn apply" : "wslbridge vpn apply generic";
}

/* "http://user:pw@host:3128/" -> "host:3128" (allocated); NULL when it names no port. */
static char *proxy_endpoint(const char *url)
{
	const char *p = strstr(url, "://"), *at, *end;

	p = p ? p + 3 : url;
	end = p + strcspn(p, "/?#");
	at = memchr(p, '@', (size_t)(end - p));
	if (at)
		p = at + 1;
	if (end == p || !memchr(p, ':', (size_t)(end - p)))
		return NULL;
	return xstrndup(p, (size_t)(end - p));
}

static void proxy_check(struct doc_report *r, const struct observation *o, const struct doctor_opts *op,
			const char *var, const char *url, bool auto_proxy)
{
	char *ep = proxy_endpoint(url), *host = NULL, *port = NULL;
	struct doc_check *c;
	long ms = 0;
	int e = -EINVAL;

	if (ep && doctor_split_endpoint(ep, &host, &port) == 0)
		e = netif_tcp_connect(host, port, op->timeout_ms, &ms, NULL);
	if (e == 0)
		c = doc_add(r, DG_PROXY, "proxy.env", DOC_PASS, xasprintf("%s=%s", var, url),
			    xasprintf("the proxy accepts a connection in %ld ms", ms));
	else
		c = doc_add(r, DG_PROXY, "proxy.env", DOC_FAIL, xasprintf("%s=%s", var, url),
			    e == -EINVAL ? xstrdup("names no HOST:PORT to connect to") :
			    xasprintf("the proxy does not accept a connection: %s", errstr(e)));
	if (e)
		/* autoProxy copies Windows' proxy, which may be on Windows' own loopback */
		c->remedy = auto_proxy ? xstrdup("wslbridge config set wsl2.autoProxy false") :
			    xasprintf("unset %s (or correct it)", var);
	(void)o;
	free(ep);
	free(host);
	free(port);
}

void doctor_proxy(struct doc_report *r, const struct observation *o, const struct doctor_opts *op)
{
	static const char *const vars[] = { "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
					    "all_proxy", "ALL_PROXY" };
	const char *ap = ini_value(&o->wslconfig, "wsl2.autoProxy");
	bool auto_proxy = !ap || strcasecmp(ap, "false");	/* WSL's default is true */
	const char *seen[6];
	size_t n = 0;

	for (size_t i = 0; i < 6; i++) {
		const char *v = getenv(vars[i]);
		bool dup = false;

		if (!v || !*v)
			continue;
		for (size_t k = 0; k < n; k++)
			dup |= !strcmp(seen[k], v);
		if (dup)
			continue;
		seen[n++] = v;
		proxy_check(r, o, op, vars[i], v, auto_proxy);
	}
	if (!n)
		doc_add(r, DG_PROXY, "proxy.env", DOC_PASS, xstrdup("proxy environment"),
			xasprintf("no proxy set (autoProxy %s%s)", auto_proxy ? "on" : "off",
				  ap ? "" : ", WSL's default"));
}

static void lint_check(struct doc_report *r, const char *id, const char *what, const char *path, int err,
		       const struct ini_doc *d, const char *kind)
{
	struct lint l = { NULL, 0 };
	struct ini_index idx;
	size_t bad = 0;
	const struct lint_item *first = NULL;
	struct doc_check *c;

	if (!path) {
		doc_add(r, DG_CONFIG, id, DOC_SKIP, xstrdup(what), xstrdup("not located without Windows (--offline)"));
		return;
	}
	if (err == -ENOENT || err) {
		doc_add(r, DG_CONFIG, id, err == -ENOENT ? DOC_PASS : DOC_FAIL, xasprintf("%s %s", what, path),
			err == -ENOENT ? xstrdup("not present: WSL uses its defaults") :
			xasprintf("could not be read: %s", errstr(err)));
		return;
	}
	ini_lint(d, &l);
	ini_index_build(d, &idx);
	ini_lint_wsl(d, &idx, &l);
	ini_index_free(&idx);
	for (size_t i = 0; i < l.n; i++)
		if (l.items[i].sev != LINT_NOTE && bad++ == 0)
			first = &l.items[i];
	if (!bad) {
		doc_add(r, DG_CONFIG, id, DOC_PASS, xasprintf("%s %s", what, path),
			l.n ? xasprintf("WSL reads it all (%zu note%s)", l.n, l.n == 1 ? "" : "s") :
			xstrdup("WSL reads it all"));
	} else {
		c = doc_add(r, DG_CONFIG, id, DOC_FAIL, xasprintf("%s %s", what, path),
			    xasprintf("%zu finding%s WSL ignores or fails on; line %u: %s", bad, bad == 1 ? "" : "s",
				      first->line, first->msg));
		c->remedy = xasprintf("wslbridge config lint --kind %s", kind);
	}
	lint_release(&l);
}

void doctor_config(struct doc_report *r, const struct observation *o)
{
	const struct wsl_env *env = observation_env(o);
	char *wslconf = wb_path(o->ctx, "/etc/wsl.conf");
	struct doc_check *c;

	if (env->interop && !env->interop_note) {
		doc_add(r, DG_CONFIG, "config.interop", DOC_PASS, xstrdup("interop"),
			xstrdup("Windows programs can be started from WSL"));
	} else {
		c = doc_add(r, DG_CONFIG, "config.interop", DOC_FAIL, xstrdup("interop"),
			    xstrdup(env->interop ? env->interop_note : env->interop_why ? env->interop_why :
				    env->not_wsl_why ? env->not_wsl_why : "off"));
		if (ini_value(&o->wslconf, "interop.enabled"))
			c->remedy = xstrdup("wslbridge config unset interop.enabled");
	}
	lint_check(r, "config.wslconfig", ".wslconfig", o->wslconfig_path, o->wslconfig_err, &o->wslconfig,
		   "wslconfig");
	lint_check(r, "config.wslconf", "wsl.conf", wslconf, o->wslconf_err, &o->wslconf, "wslconf");
	free(wslconf);
}

static const struct host_adapter *route_adapter(const struct host_state *st)
{
	const struct host_route *best = NULL;

	for (size_t i = 0; i < st->nroutes; i++)
		if (!best || st->routes[i].metric < best->metric)
			best = &st->routes[i];
	for (size_t i = 0; best && i < st->nadapters; i++)
		if (st->adapters[i].ifindex == best->ifindex)
			return &st->adapters[i];
	return NULL;
}

void doctor_windows(struct doc_report *r, const struct observation *o, const char *why_not)
{
	const struct host_adapter *a;
	struct doc_check *c;

	if (r->offline)
		return;
	if (!o->have_windows) {
		c = doc_add(r, DG_WINDOWS, "windows.observe", DOC_FAIL, xstrdup("Windows' view"),
			    xasprintf("not observed: %s", why_not ? why_not : "unknown"));
		c->remedy = xstrdup("wslbridge doctor --offline");
		return;
	}
	a = route_adapter(&o->win);
	if (a) {
		doc_add(r, DG_WINDOWS, "windows.route", DOC_PASS, xstrdup("Windows' default route"),
			xasprintf("through %s (%s), %s", a->name ? a->name : "?", a->description ? a->description : "?",
				  a->status ? a->status : "?"));
	} else {
		c = doc_add(r, DG_WINDOWS, "windows.route", DOC_FAIL, xstrdup("Windows' default route"),
			    xstrdup("none: Windows itself is not on a network"));
		c->remedy = xstrdup("wslbridge status");
	}
	for (size_t i = 0; i < o->win.nadapters; i++) {
		a = &o->win.adapters[i];
		if (is_vpn(a))
			doc_add(r, DG_WINDOWS, "windows.vpn", DOC_PASS, xasprintf("VPN %s", a->name ? a->name : "?"),
				xasprintf("%s, %s, MTU %d", a->description, a->status ? a->status : "?", a->mtu));
	}
}
