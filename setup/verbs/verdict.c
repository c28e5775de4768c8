/* SPDX-License-Identifier: MIT */
/* verdict.c - see verdict.h. */
#include "verbs/verdict.h"
#include "verbs/verbs.h"
#include "targets/gather.h"
#include "targets/record.h"
#include "conf/ini.h"
#include "base/log.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void verdict_param(struct verdict_params *p, const char *name, const char *value)
{
	p->v = xrealloc(p->v, (p->n + 1) * sizeof(char *));
	p->v[p->n++] = name ? xasprintf("%s=%s", name, value) : xstrdup(value);
}

void verdict_params_release(struct verdict_params *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

static void say(bool quiet, const char *what)
{
	if (!quiet)
		wb_note("%s", what);
}

static char *choose_target(const struct wb_ctx *ctx, const struct observation *obs,
			   const char *named, struct verdict_params *p, bool quiet)
{
	struct target_params rec = { NULL, NULL, 0 };
	char *t = NULL;
	long at;

	if (named)
		return xstrdup(named);
	if (record_read(ctx, &t, &rec) == 0) {
		for (size_t i = 0; i < rec.n; i++)
			verdict_param(p, rec.names[i], rec.values[i]);
		target_params_release(&rec);
		if (!quiet)
			wb_note("target: %s, as the last setup recorded", t);
		return t;
	}
	at = ini_find(&obs->wslconfig, "wsl2.networkingMode");
	if (at >= 0 && !strcasecmp(obs->wslconfig.lines[at].value, "bridged")) {
		long sw = ini_find(&obs->wslconfig, "wsl2.vmSwitch");
		long mac = ini_find(&obs->wslconfig, "wsl2.macAddress");

		if (sw >= 0)
			verdict_param(p, "switch", obs->wslconfig.lines[sw].value);
		if (mac >= 0)
			verdict_param(p, "mac", obs->wslconfig.lines[mac].value);
		say(quiet, "target: bridged, as .wslconfig implies (no setup recorded)");
		return xstrdup("bridged");
	}
	if (at >= 0 && !strcasecmp(obs->wslconfig.lines[at].value, "mirrored")) {
		say(quiet, "target: mirrored, as .wslconfig implies (no setup recorded)");
		return xstrdup("mirrored");
	}
	if (at >= 0 && (!strcasecmp(obs->wslconfig.lines[at].value, "consomme") ||
			!strcasecmp(obs->wslconfig.lines[at].value, "virtioproxy"))) {
		say(quiet, "target: consomme, as .wslconfig implies (no setup recorded)");
		return xstrdup("consomme");
	}
	say(quiet, "target: nat, as .wslconfig implies (no setup recorded)");
	return xstrdup("nat");
}

static bool has_record(const struct wb_ctx *ctx)
{
	struct target_params rec = { NULL, NULL, 0 };
	char *t = NULL;
	bool r = record_read(ctx, &t, &rec) == 0;

	free(t);
	target_params_release(&rec);
	return r;
}

unsigned verdict_facts(const struct wb_ctx *ctx, const char *named, const struct verdict_params *p)
{
	struct verdict_params q = { NULL, 0 };
	struct observation local;
	unsigned f;
	char *why = NULL, *name;

	for (size_t i = 0; i < p->n; i++)
		verdict_param(&q, NULL, p->v[i]);
	(void)observation_gather(ctx, true, 0, &local, &why);	/* offline never fails */
	name = choose_target(ctx, &local, named, &q, true);
	/* Before a first run has learnt where .wslconfig is, a guess from it
	 * would be a guess from nothing: then the switches, as for bridged
	 * (setup's default), and Windows is asked again if that falls short. */
	if (!named && !local.wslconfig_path && !has_record(ctx))
		f = HOST_SWITCHES;
	else
		f = target_facts_of(ctx, name, q.v, q.n, HOST_ALL_FACTS);
	free(name);
	free(why);
	observation_release(&local);
	verdict_params_release(&q);
	return f;
}

int verdict_compare(const struct wb_ctx *ctx, struct observation *obs, const char *named,
		    struct verdict_params *p, bool quiet, struct target *t, struct check_report *rep)
{
	struct target_error err;
	char *name = choose_target(ctx, obs, named, p, quiet), *why = NULL;
	int r = target_load(ctx, name, p->v, p->n, t, &err);

	free(name);
	if (r < 0)
		return verb_report_load_error(&err);
	if (observation_ask_more(obs, target_facts(t), &why) < 0) {
		r = wb_error(WB_EXIT_FAIL, "%s", why);
		free(why);
		return r;
	}
	if (observation_env(obs)->interop_note)
		wb_warn("%s", observation_env(obs)->interop_note);
	target_gather(t, obs);
	compare_target(t, obs, rep);
	return 0;
}

size_t verdict_problems(const struct check_report *rep, char ***ret)
{
	size_t n = 0;

	*ret = xcalloc(rep->fail + rep->unknown + 1, sizeof(char *));
	for (size_t i = 0; i < rep->n; i++) {
		const struct check_result *r = &rep->r[i];

		if (r->status == CHECK_FAIL)
			(*ret)[n++] = xasprintf("%s: observed %s, expected %s", r->e->summary,
						*r->observed ? r->observed : "(nothing)", r->expected);
		else if (r->status == CHECK_UNKNOWN)
			(*ret)[n++] = xasprintf("%s: unknown, %s", r->e->summary, r->observed);
	}
	return n;
}
