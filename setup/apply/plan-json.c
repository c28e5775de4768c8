/* SPDX-License-Identifier: MIT */
/*
 * plan-json.c - a plan as JSON (plan-json.h).
 */
#include "apply/plan-json.h"
#include "base/diff.h"
#include "base/json-write.h"
#include "base/log.h"
#include "host/host.h"

#include <stdio.h>

static void action(struct json_writer *w, const struct win_plan *wp, size_t i)
{
	const struct host_action *a = &wp->actions[i];

	json_object_begin(w);
	json_kstring(w, "type", host_action_name(a->type));
	json_kstring(w, "describe", wp->describe[i]);
	json_key(w, "attrs");
	json_object_begin(w);
	for (size_t k = 0; k + 1 < 13 && a->attrs[k]; k += 2)
		json_kstring(w, a->attrs[k], a->attrs[k + 1]);
	json_object_end(w);
	json_kstring(w, "undo", wp->undo[i].type == HA_NONE ? NULL : host_action_name(wp->undo[i].type));
	json_kstring(w, "irreversible", wp->irreversible[i]);
	json_object_end(w);
}

static void file(struct json_writer *w, const struct change *c)
{
	struct buf d = BUF_INIT;

	json_object_begin(w);
	json_kstring(w, "path", c->path);
	json_kstring(w, "action", c->remove ? "remove" : c->existed ? "modify" : "create");
	json_key(w, "mode");
	if (c->remove) {
		json_null(w);
	} else {
		char mode[8];

		snprintf(mode, sizeof(mode), "%04o", (unsigned)(c->mode & 07777));
		json_string(w, mode);
	}
	json_key(w, "diff");
	if (c->remove) {
		json_null(w);
	} else {
		diff_unified(path_basename(c->path), c->old.s ? c->old.s : "", c->old.len, c->neu.s ? c->neu.s : "",
			     c->neu.len, &d);
		json_string_n(w, d.s ? d.s : "", d.len);
	}
	json_object_end(w);
	buf_release(&d);
}

int plan_print_json(const struct plan_doc *d)
{
	struct json_writer w;

	json_init(&w);
	json_object_begin(&w);
	json_kint(&w, "version", 1);
	json_kstring(&w, "verb", d->verb);
	json_kbool(&w, "pending", d->pending);
	json_key(&w, "for");
	json_object_begin(&w);
	for (size_t i = 0; i < d->nfacts; i++)
		json_kstring(&w, d->facts[2 * i], d->facts[2 * i + 1]);
	json_object_end(&w);
	json_key(&w, "diagnosis");
	json_array_begin(&w);
	for (size_t i = 0; i < d->ndiag; i++)
		json_string(&w, d->diagnosis[i]);
	json_array_end(&w);
	json_key(&w, "windows");
	json_object_begin(&w);
	json_kstring(&w, "elevation", !d->wp || !d->wp->n ? "none" : d->elevated ? "elevated" : "uac");
	json_key(&w, "actions");
	json_array_begin(&w);
	for (size_t i = 0; d->wp && i < d->wp->n; i++)
		action(&w, d->wp, i);
	json_array_end(&w);
	json_object_end(&w);
	json_key(&w, "files");
	json_array_begin(&w);
	for (size_t i = 0; d->cs && i < d->cs->n; i++)
		if (change_differs(&d->cs->c[i]))
			file(&w, &d->cs->c[i]);
	json_array_end(&w);
	json_kbool(&w, "restart", d->restart);
	json_object_end(&w);
	if (json_print(&w, stdout) < 0)
		return wb_error(WB_EXIT_FAIL, "could not make the JSON document of the plan");
	return WB_EXIT_OK;
}
