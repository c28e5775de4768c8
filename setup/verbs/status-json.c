/* SPDX-License-Identifier: MIT */
/*
 * status-json.c - status's exit code and its --json document (status.h).
 */
#include "verbs/status.h"
#include "base/json-write.h"
#include "base/log.h"
#include "base/match.h"
#include "base/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void status_problems_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int status_report_problems(char *const *problems, size_t n)
{
	for (size_t i = 0; i < n; i++)
		wb_warn("broken: %s", problems[i]);
	if (n && log_level != LOG_QUIET)	/* the hint goes with the warnings -q drops */
		wb_hint("`wslbridge doctor` tests what works and says what to run");
	return n ? WB_EXIT_DRIFT : WB_EXIT_OK;
}

static void strings(struct json_writer *w, const char *key, char *const *v, size_t n)
{
	json_key(w, key);
	json_array_begin(w);
	for (size_t i = 0; i < n; i++)
		json_string(w, v[i]);
	json_array_end(w);
}

static void adapter(struct json_writer *w, const struct host_state *st, const struct host_adapter *a)
{
	bool route = false;

	for (size_t i = 0; i < st->nroutes; i++)
		route |= st->routes[i].ifindex == a->ifindex;
	json_object_begin(w);
	json_kstring(w, "name", a->name);
	json_kstring(w, "description", a->description);
	json_kstring(w, "status", a->status);
	json_kstring(w, "mac", a->mac);
	json_kint(w, "mtu", a->mtu);
	json_kint(w, "metric", a->metric);
	json_kbool(w, "virtual", a->is_virtual);
	json_kbool(w, "vpn", a->description && match(RE_VPN_ADAPTER, a->description, strlen(a->description)));
	json_kbool(w, "default_route", route);
	json_key(w, "ipv4");
	json_array_begin(w);
	for (size_t i = 0; i < a->nipv4; i++) {
		char *s = xasprintf("%s/%d", a->ipv4[i].address, a->ipv4[i].prefix);

		json_string(w, s);
		free(s);
	}
	json_array_end(w);
	strings(w, "dns", a->dns, a->ndns);
	json_kstring(w, "dns_suffix", a->dns_suffix);
	json_object_end(w);
}

static void windows(struct json_writer *w, const struct observation *o)
{
	const struct host_state *st = &o->win;

	json_key(w, "windows");
	if (!o->have_windows) {
		json_null(w);
		return;
	}
	json_object_begin(w);
	json_kstring(w, "build", st->build);
	json_kstring(w, "ubr", st->ubr);
	json_kstring(w, "edition", st->edition);
	json_kstring(w, "display_version", st->display_version);
	json_kstring(w, "wsl_version", st->wsl_version);
	json_kbool(w, "elevated", st->elevated);
	json_kbool(w, "hyperv_module", st->hyperv_module);
	json_key(w, "adapters");
	json_array_begin(w);
	for (size_t i = 0; i < st->nadapters; i++)
		adapter(w, st, &st->adapters[i]);
	json_array_end(w);
	json_key(w, "switches");
	json_array_begin(w);
	for (size_t i = 0; i < st->nswitches; i++) {
		const struct host_switch *s = &st->switches[i];

		json_object_begin(w);
		json_kstring(w, "name", s->name);
		json_kstring(w, "id", s->id);
		json_kstring(w, "type", s->type == SWITCH_EXTERNAL ? "external" : s->type == SWITCH_INTERNAL ?
			     "internal" : s->type == SWITCH_PRIVATE ? "private" : NULL);
		json_kbool(w, "inferred", s->inferred);
		json_object_end(w);
	}
	json_array_end(w);
	/* what Windows would not show (A.1): never read as empty */
	json_key(w, "unreadable");
	json_array_begin(w);
	for (size_t i = 0; i < st->nunreadable; i++) {
		const struct host_unreadable *u = &st->unreadable[i];

		json_object_begin(w);
		json_kstring(w, "section", u->section);
		json_kstring(w, "reason", u->reason);
		json_kstring(w, "fqid", u->fqid);
		json_kstring(w, "message", u->message);
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
}

static void file(struct json_writer *w, const char *key, const char *path, int err, const struct ini_doc *d)
{
	json_key(w, key);
	json_object_begin(w);
	json_kstring(w, "path", path);
	json_kbool(w, "present", path && err == 0);
	json_kstring(w, "error", path && err && err != -ENOENT ? errstr(err) : NULL);
	json_key(w, "settings");
	json_object_begin(w);
	for (size_t i = 0; path && !err && i < d->nlines; i++)
		if (d->lines[i].type == INI_ENTRY && d->lines[i].name && d->lines[i].value &&
		    ini_find(d, d->lines[i].name) == (long)i)	/* the line WSL takes the key from */
			json_kstring(w, d->lines[i].name, d->lines[i].value);
	json_object_end(w);
	json_object_end(w);
}

static void linux_side(struct json_writer *w, const struct linux_state *l)
{
	json_key(w, "linux");
	json_object_begin(w);
	json_key(w, "interface");
	json_object_begin(w);
	json_kstring(w, "name", l->ifname);
	json_kbool(w, "present", l->present);
	json_key(w, "mtu");
	if (l->present && l->mtu >= 0)
		json_int(w, l->mtu);
	else
		json_null(w);
	json_key(w, "carrier");
	if (l->present && l->carrier >= 0)
		json_bool(w, l->carrier == 1);
	else
		json_null(w);
	json_kstring(w, "operstate", l->present ? l->operstate : NULL);
	json_kstring(w, "mac", l->present ? l->mac : NULL);
	strings(w, "ipv4", l->addrs, l->naddrs);
	json_object_end(w);
	json_key(w, "default_route");
	if (l->gateway) {
		json_object_begin(w);
		json_kstring(w, "gateway", l->gateway);
		json_kstring(w, "dev", l->route_dev);
		json_object_end(w);
	} else {
		json_null(w);
	}
	json_key(w, "dns");
	json_object_begin(w);
	strings(w, "nameservers", l->nameservers, l->nns);
	strings(w, "search", l->search, l->nsearch);
	json_kbool(w, "written_by_wsl", l->resolv_by_wsl);
	json_object_end(w);
	json_object_end(w);
}

int status_print_json(const struct observation *o, char *const *problems, size_t n)
{
	struct json_writer w;
	const char *from, *mode = observation_mode(o, &from);
	char *wslconf = wb_path(o->ctx, "/etc/wsl.conf");

	json_init(&w);
	json_object_begin(&w);
	json_kint(&w, "version", 1);
	json_kstring(&w, "mode", mode);
	json_kstring(&w, "mode_from", from);
	json_kbool(&w, "offline", !o->have_windows);
	json_kstring(&w, "verdict", n ? "broken" : "ok");
	strings(&w, "problems", problems, n);
	windows(&w, o);
	json_key(&w, "files");
	json_object_begin(&w);
	file(&w, "wslconfig", o->wslconfig_path, o->wslconfig_err, &o->wslconfig);
	file(&w, "wslconf", wslconf, o->wslconf_err, &o->wslconf);
	json_object_end(&w);
	linux_side(&w, &o->lx);
	json_object_end(&w);
	free(wslconf);
	if (json_print(&w, stdout) < 0)
		return wb_error(WB_EXIT_FAIL, "could not make the JSON document");
	return WB_EXIT_OK;
}
