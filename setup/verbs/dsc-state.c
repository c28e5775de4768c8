/* SPDX-License-Identifier: MIT */
/* dsc-state.c - see dsc-state.h. */
#include "verbs/dsc-state.h"
#include "verbs/verbs.h"
#include "base/json-read.h"
#include "base/log.h"
#include "forward/forward.h"
#include "targets/compare.h"
#include "targets/gather.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const modes[] = { "bridged", "mirrored", "nat", "consomme" };
#define NMODES (sizeof(modes) / sizeof(modes[0]))

static int bad(const char *what, const char *hint)
{
	wb_error(WB_EXIT_USAGE, "the instance DSC gave: %s; nothing was changed", what);
	if (hint)
		wb_hint("%s", hint);
	return WB_EXIT_USAGE;
}

static int take_string(const struct json_value *v, const char *key, char **out)
{
	char *what;

	if (v->type == JSON_STRING && *v->s) {
		*out = xstrdup(v->s);
		return 0;
	}
	what = xasprintf("'%s' is %s; it must be a non-empty string", key,
			 v->type == JSON_STRING ? "empty" : json_type_name(v->type));
	bad(what, NULL);
	free(what);
	return WB_EXIT_USAGE;
}

static int take_forwards(const struct json_value *v, struct dsc_want *w)
{
	w->has_forwards = true;
	if (v->type != JSON_ARRAY)
		return bad("'forwards' must be an array of \"HOSTPORT[:WSLPORT]\" strings", NULL);
	w->forwards = xcalloc(v->n + 1, sizeof(*w->forwards));
	for (size_t i = 0; i < v->n; i++) {
		struct forward f;
		char *why = NULL, *what;
		int r = v->items[i].type == JSON_STRING ? forward_parse(v->items[i].s, NULL, &f, &why) : -EINVAL;

		if (r < 0) {
			what = xasprintf("forwards[%zu]: %s", i, why ? why : "not a string");
			bad(what, "a forward is \"HOSTPORT\" or \"HOSTPORT:WSLPORT\", as `wslbridge forward add` takes it");
			free(what);
			free(why);
			return WB_EXIT_USAGE;
		}
		forward_release(&f);
		w->forwards[w->nforwards++] = xstrdup(v->items[i].s);
	}
	return 0;
}

int dsc_want_parse(const char *json, size_t len, struct dsc_want *w)
{
	struct json_value doc;
	char *why = NULL;
	int rc = 0;

	memset(w, 0, sizeof(*w));
	if (json_parse(json, len, &doc, &why) < 0) {
		wb_error(WB_EXIT_USAGE, "the instance DSC gave is not JSON: %s; nothing was changed", why);
		free(why);
		return WB_EXIT_USAGE;
	}
	if (doc.type != JSON_OBJECT)
		rc = bad("it must be a JSON object of the resource's properties", NULL);
	for (size_t i = 0; rc == 0 && i < doc.n; i++) {
		const char *k = doc.keys[i];
		const struct json_value *v = &doc.items[i];

		if (!strcmp(k, "mode"))
			rc = take_string(v, k, &w->mode);
		else if (!strcmp(k, "switch"))
			rc = take_string(v, k, &w->sw);
		else if (!strcmp(k, "adapter"))
			rc = take_string(v, k, &w->adapter);
		else if (!strcmp(k, "mac"))
			rc = take_string(v, k, &w->mac);
		else if (!strcmp(k, "forwards"))
			rc = take_forwards(v, w);
		else if (strcmp(k, "_inDesiredState") && strcmp(k, "_rebootRequested")) {
			char *what = xasprintf("unknown property '%s'", k);

			/* the read-only canonical ones come back from DSC as we printed them */
			rc = bad(what, "the properties are mode, switch, adapter, mac and forwards "
				 "(templates/dsc/wslbridge.dsc.resource.json)");
			free(what);
		}
	}
	if (rc == 0 && w->mode) {
		size_t m = 0;

		while (m < NMODES && strcmp(w->mode, modes[m]))
			m++;
		if (m == NMODES)
			rc = bad("'mode' must be bridged, mirrored, nat or consomme", NULL);
	}
	if (rc == 0 && (w->sw || w->adapter || w->mac) && (!w->mode || strcmp(w->mode, "bridged")))
		rc = bad("switch, adapter and mac go with \"mode\": \"bridged\"", NULL);
	json_value_release(&doc);
	if (rc)
		dsc_want_release(w);
	return rc;
}

void dsc_want_release(struct dsc_want *w)
{
	free(w->mode);
	free(w->sw);
	free(w->adapter);
	free(w->mac);
	for (size_t i = 0; i < w->nforwards; i++)
		free(w->forwards[i]);
	free(w->forwards);
	memset(w, 0, sizeof(*w));
}

char **dsc_setup_argv(const struct dsc_want *w)
{
	const char *pairs[][2] = { { "--mode", w->mode }, { "--switch", w->sw }, { "--adapter", w->adapter },
				   { "--mac", w->mac } };
	char **argv = xcalloc(10, sizeof(*argv));
	size_t n = 0;

	argv[n++] = xstrdup("setup");
	for (size_t i = 0; i < 4; i++)
		if (pairs[i][1]) {
			argv[n++] = xstrdup(pairs[i][0]);
			argv[n++] = xstrdup(pairs[i][1]);
		}
	return argv;
}

/* The mode part: the target of w's mode with its parameters, compared as `check` does. */
static int compare_network(struct wb_ctx *ctx, struct observation *o, const struct dsc_want *w,
			   struct dsc_verdict *v, struct buf *why)
{
	const char *names[] = { "switch", "adapter", "mac" }, *vals[] = { w->sw, w->adapter, w->mac };
	char *params[3];
	size_t np = 0;
	struct target t;
	struct target_error err;
	struct check_report rep = { .r = NULL };

	v->network_ok = true;
	if (!w->mode)
		return 0;
	for (size_t i = 0; i < 3; i++)
		if (vals[i])
			params[np++] = xasprintf("%s=%s", names[i], vals[i]);
	memset(&t, 0, sizeof(t));
	if (target_load(ctx, w->mode, params, np, &t, &err) < 0) {
		for (size_t i = 0; i < np; i++)
			free(params[i]);
		return verb_report_load_error(&err);
	}
	target_gather(&t, o);
	compare_target(&t, o, &rep);
	v->network_ok = !rep.fail && !rep.unknown;
	for (size_t i = 0; i < rep.n; i++)
		if (rep.r[i].status == CHECK_FAIL || rep.r[i].status == CHECK_UNKNOWN)
			buf_addf(why, "%s%s: %s (observed: %s)", why->len ? "; " : "", w->mode, rep.r[i].e->summary,
				 rep.r[i].observed ? rep.r[i].observed : "?");
	check_report_release(&rep);
	target_release(&t);
	for (size_t i = 0; i < np; i++)
		free(params[i]);
	return 0;
}

int dsc_compare(struct wb_ctx *ctx, struct observation *o, const struct dsc_want *w, struct dsc_verdict *v)
{
	struct buf why = BUF_INIT;
	struct forwards fs;
	struct forward_env e;
	char *path, *err = NULL, *ip;
	int rc;

	memset(v, 0, sizeof(*v));
	if ((rc = compare_network(ctx, o, w, v, &why))) {
		buf_release(&why);
		return rc;
	}
	path = forward_store_path(ctx);
	rc = forwards_load(path, &fs, &err);
	free(path);
	if (rc < 0) {
		wb_error(WB_EXIT_FAIL, "%s", err);
		free(err);
		buf_release(&why);
		return WB_EXIT_FAIL;
	}
	ip = forward_wsl_address(&o->lx);
	forward_env_init(&e, o, ip);
	v->forwards_ok = true;
	for (size_t i = 0; i < w->nforwards; i++) {
		struct forward want;
		size_t found = 0, right = 0;

		(void)forward_parse(w->forwards[i], NULL, &want, &err);	/* checked when read */
		for (size_t k = 0; k < fs.n; k++) {
			char *p;

			if (fs.f[k].host_port != want.host_port || fs.f[k].wsl_port != want.wsl_port)
				continue;
			found++;
			p = e.win ? forward_problem(&e, &fs.f[k]) : NULL;
			right += !p;
			free(p);
		}
		forward_release(&want);
		if (found && found == right)
			continue;
		v->forwards_ok = false;
		buf_addf(&why, "%sforward %s: %s", why.len ? "; " : "", w->forwards[i],
			 found ? "its rules on Windows are not right" : "not there");
		v->missing = xrealloc(v->missing, (v->nmissing + 1) * sizeof(*v->missing));
		v->missing[v->nmissing++] = xstrdup(w->forwards[i]);
	}
	forwards_release(&fs);
	free(ip);
	v->why = why.len ? buf_detach(&why, NULL) : NULL;
	buf_release(&why);
	return 0;
}

void dsc_verdict_release(struct dsc_verdict *v)
{
	free(v->why);
	for (size_t i = 0; i < v->nmissing; i++)
		free(v->missing[i]);
	free(v->missing);
	memset(v, 0, sizeof(*v));
}

/* The adapter the switch .wslconfig names is bound to, by name, or NULL. */
static const char *bound_adapter(const struct observation *o, const char *sw)
{
	for (size_t i = 0; sw && o->have_windows && i < o->win.nswitches; i++) {
		const struct host_switch *s = &o->win.switches[i];

		if (!s->name || strcmp(s->name, sw) || !s->nuplinks)
			continue;
		for (size_t k = 0; k < o->win.nadapters; k++)
			if (o->win.adapters[k].guid && !strcasecmp(o->win.adapters[k].guid, s->uplinks[0]))
				return o->win.adapters[k].name;
	}
	return NULL;
}

void dsc_write_state(const struct observation *o, struct json_writer *w)
{
	const char *mode = observation_mode(o, NULL);
	const char *sw = ini_value(&o->wslconfig, "wsl2.vmSwitch");
	const char *mac = ini_value(&o->wslconfig, "wsl2.macAddress");
	const char *adapter = bound_adapter(o, sw);
	char *path = forward_store_path(o->ctx), *why = NULL;
	struct forwards fs;

	/* As the schema spells it: WSL takes any case, and VirtioProxy is Consomme's old name. */
	mode = !mode ? "nat" : !strcasecmp(mode, "virtioproxy") ? "consomme" : mode;
	for (size_t m = 0; m < NMODES; m++)
		if (!strcasecmp(mode, modes[m]))
			mode = modes[m];
	json_kstring(w, "mode", mode);
	if (!strcmp(mode, "bridged")) {
		if (sw)
			json_kstring(w, "switch", sw);
		if (adapter)
			json_kstring(w, "adapter", adapter);
		if (mac)
			json_kstring(w, "mac", mac);
	}
	json_key(w, "forwards");
	json_array_begin(w);
	if (forwards_load(path, &fs, &why) == 0) {
		for (size_t i = 0; i < fs.n; i++) {
			bool seen = false;
			char *spec;

			/* the relay's forwards are one per LAN address: one port, once */
			for (size_t k = 0; k < i; k++)
				seen |= fs.f[k].host_port == fs.f[i].host_port && fs.f[k].wsl_port == fs.f[i].wsl_port;
			if (seen)
				continue;
			spec = fs.f[i].host_port == fs.f[i].wsl_port ? xasprintf("%u", fs.f[i].host_port) :
			       xasprintf("%u:%u", fs.f[i].host_port, fs.f[i].wsl_port);
			json_string(w, spec);
			free(spec);
		}
		forwards_release(&fs);
	}
	free(why);
	free(path);
	json_array_end(w);
}
