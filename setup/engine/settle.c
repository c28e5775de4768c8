/* SPDX-License-Identifier: MIT */
/*
 * settle.c - the run's parameters: the mode (the table of modes.h), the
 * mode's own parameters, then the target loaded with them.
 */
#include "engine/run.h"
#include "engine/mode.h"
#include "base/log.h"
#include "targets/compare.h"
#include "targets/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct mode_ops *const modes[] = { &mode_bridged, &mode_mirrored, &mode_consomme, &mode_nat, NULL };

const struct mode_ops *mode_find(const char *name)
{
	if (name && !strcasecmp(name, "virtioproxy"))	/* Consomme's name before WSL 2.9.0 */
		return &mode_consomme;
	for (size_t i = 0; name && modes[i]; i++)
		if (!strcasecmp(name, modes[i]->name))
			return modes[i];
	return NULL;
}

/* The mode: --mode, else the recorded target, else what .wslconfig says (cur;
 * repair: any; setup: mirrored or consomme, which someone chose by hand),
 * else bridged.  NULL: repair has nothing to go by. */
static const struct mode_ops *pick_mode(const struct engine_opts *o, const char *recorded, const char *cur)
{
	const struct mode_ops *m = mode_find(o->mode ? o->mode : recorded);

	if (!m && o->repair)
		return cur && *cur ? mode_find(cur) : NULL;
	if (!m && cur && (!strcasecmp(cur, "mirrored") || mode_find(cur) == &mode_consomme))
		m = mode_find(cur);	/* the user's own choice, made by hand */
	return m ? m : &mode_bridged;
}

static int settle_mode(struct run *r, const char *recorded)
{
	const char *cur = ini_value(&r->obs.wslconfig, "wsl2.networkingMode");

	r->m = pick_mode(r->o, recorded, cur);
	if (!r->m && (!cur || !*cur)) {
		wb_error(WB_EXIT_FAIL, "nothing to repair: no setup was recorded and .wslconfig sets no "
			 "networking mode");
		wb_hint("run `wslbridge setup` (bridged), or `wslbridge setup --mode mirrored|consomme|nat`");
		return WB_EXIT_FAIL;
	}
	if (!r->m)
		return wb_error(WB_EXIT_FAIL, "nothing to repair: .wslconfig asks for networking mode '%s', "
				"which wslbridge does not set up", cur);
	r->mode = r->m->name;
	return 0;
}

unsigned run_mode_facts(const struct wb_ctx *ctx, const struct engine_opts *o, const struct observation *obs)
{
	struct target_params rec = { NULL, NULL, 0 };
	const struct mode_ops *m;
	char *recorded = NULL;
	unsigned f = HOST_SWITCHES;	/* repair with nothing to go by: bridged's */

	(void)record_read(ctx, &recorded, &rec);
	m = pick_mode(o, recorded, ini_value(&obs->wslconfig, "wsl2.networkingMode"));
	if (m)
		f = target_facts_of(ctx, m->name, NULL, 0, f);
	target_params_release(&rec);
	free(recorded);
	return f;
}

unsigned run_guess_facts(const struct wb_ctx *ctx, const struct engine_opts *o)
{
	struct observation local;
	char *why = NULL;
	unsigned f;

	/* offline never fails; before a first run has learnt where .wslconfig
	 * is, pick_mode gives bridged, setup's default */
	(void)observation_gather(ctx, true, 0, &local, &why);
	f = run_mode_facts(ctx, o, &local);
	observation_release(&local);
	free(why);
	return f;
}

/* The mode, then its own parameters: options, else what was recorded for it. */
int run_settle(struct run *r)
{
	static const struct target_params none = { NULL, NULL, 0 };
	struct target_params rec = { NULL, NULL, 0 };
	char *target = NULL;
	int rc;

	(void)record_read(r->ctx, &target, &rec);
	rc = settle_mode(r, target);
	if (rc == 0)	/* another mode's recorded parameters do not apply */
		rc = r->m->settle ? r->m->settle(r, target && strcmp(target, r->mode) ? &none : &rec) : 0;
	free(target);
	target_params_release(&rec);
	return rc;
}

int run_load_target(struct run *r)
{
	struct target_params params = { NULL, NULL, 0 };
	struct target_error err;
	int rc = 0;

	if (r->m->params)
		r->m->params(r, &params);
	target_release(&r->t);
	check_report_release(&r->rep);
	if (target_load_params(r->ctx, r->mode, &params, &r->t, &err) < 0) {
		rc = wb_error(WB_EXIT_FAIL, "%s: %s", err.file, err.msg);
		target_error_release(&err);
	} else {
		target_gather(&r->t, &r->obs);
		compare_target(&r->t, &r->obs, &r->rep);
	}
	target_params_release(&params);
	return rc;
}
