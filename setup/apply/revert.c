/* SPDX-License-Identifier: MIT */
/*
 * revert.c - the Windows side of `wslbridge undo` (see transaction.h):
 * one launch with each recorded undo not done yet; the intents of a run
 * interrupted during its own launch are first reconciled with what Windows
 * has now.  Each undo is "make it as it was", so running one again, or one
 * whose action never ran, changes nothing.
 */
#include "apply/transaction.h"
#include "apply/backup.h"
#include "base/fault.h"
#include "base/log.h"
#include "host/host.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The value of attribute name of u, or "". */
static const char *undo_attr(const struct backup_winundo *u, const char *name)
{
	for (size_t i = 0; i + 1 < u->nkv; i += 2)
		if (!strcmp(u->kv[i], name))
			return u->kv[i + 1];
	return "";
}

/* The switch a pending create made: named so, ours, and not among the ids before. */
static const char *pending_switch(const struct backup_winundo *u, const struct host_state *now)
{
	const char *before = undo_attr(u, "ids-before");

	for (size_t i = 0; i < now->nswitches; i++) {
		const struct host_switch *s = &now->switches[i];

		if (s->id && *s->id && s->name && !strcmp(s->name, undo_attr(u, "switch-name")) && s->notes &&
		    !strcmp(s->notes, "Created by wslbridge") && !strcasestr(before, s->id))
			return s->id;
	}
	return NULL;
}

/* u's attributes become name=value alone. */
static void undo_set_only(struct backup_winundo *u, const char *name, const char *value)
{
	for (size_t i = 0; i < u->nkv; i++)
		free(u->kv[i]);
	u->kv = xrealloc(u->kv, 2 * sizeof(char *));
	u->kv[0] = xstrdup(name);
	u->kv[1] = xstrdup(value);
	u->nkv = 2;
}

/*
 * Intents of a run interrupted during its launch, reconciled with what
 * Windows has now (observed again): a switch it created is found by name
 * (none: nothing to remove); any other undo sets back what was there, so it
 * is right whether or not the action ran.  skip[k]: nothing to undo for k.
 */
static int reconcile(struct host *h, struct backup_entry *e, bool *skip)
{
	struct host_state now;
	char *why = NULL;

	memset(&now, 0, sizeof(now));
	if (host_observe(h, &now, &why) < 0) {
		wb_error(WB_EXIT_FAIL, "could not look at Windows for the interrupted change: %s; nothing "
			 "was undone", why);
		free(why);
		return WB_EXIT_FAIL;
	}
	for (size_t k = 0; k < e->nwin; k++) {
		struct backup_winundo *u = &e->win[k];
		const char *id;

		if (!u->pending || strcmp(u->type, "remove-switch"))
			continue;
		if (!now.elevated && !now.hyperv_admin) {
			/* A.1: no switch is visible, so "none was made" cannot be told */
			wb_error(WB_EXIT_FAIL, "the interrupted change may have created a Hyper-V switch, "
				 "and this user cannot see Hyper-V's switches; nothing was undone");
			wb_hint("run `wslbridge undo` from WSL started as administrator, or as a member of "
				"Hyper-V Administrators");
			host_state_release(&now);
			return WB_EXIT_FAIL;
		}
		id = pending_switch(u, &now);
		skip[k] = !id;
		if (id)
			undo_set_only(u, "switch-id", id);
	}
	host_state_release(&now);
	return WB_EXIT_OK;
}

/* A history entry's Windows undo as actions (pointing into e), those not
 * skipped, in *n: NULL after saying so when it names a change this version
 * does not know. */
static struct host_action *undo_actions(const struct backup_entry *e, const bool *skip, size_t *n)
{
	struct host_action *a = xcalloc(e->nwin + 1, sizeof(*a));
	const size_t max = sizeof(a->attrs) / sizeof(a->attrs[0]) - 1;

	*n = 0;
	for (size_t k = 0; k < e->nwin; k++) {
		struct host_action *x = &a[*n];

		x->type = host_action_parse(e->win[k].type);
		if (x->type == HA_NONE) {
			/* a history written by another version, or by hand */
			wb_error(WB_EXIT_FAIL, "the history names a Windows change wslbridge does not "
				 "know ('%s'); nothing was undone", e->win[k].type);
			free(a);
			return NULL;
		}
		for (size_t i = 0, j = 0; i + 1 < e->win[k].nkv && j + 1 < max; i += 2) {
			/* a switch is removed by its id alone; its recorded name is only for people */
			if (x->type == HA_REMOVE_SWITCH && strcmp(e->win[k].kv[i], "switch-id"))
				continue;
			x->attrs[j++] = e->win[k].kv[i];
			x->attrs[j++] = e->win[k].kv[i + 1];
		}
		if (!skip[k])
			(*n)++;
		else
			memset(x, 0, sizeof(*x));
	}
	return a;
}

/* The facts beyond the basics these undos read (host.h enum host_facts):
 * the switches for a switch, the Hyper-V firewall for its rules. */
static unsigned undo_facts(const struct backup_entry *e)
{
	unsigned f = 0;

	for (size_t k = 0; k < e->nwin; k++) {
		f |= strstr(e->win[k].type, "switch") ? HOST_SWITCHES : 0;
		f |= !strncmp(e->win[k].type, "hvfw-", 5) ? HOST_HVFW : 0;
	}
	return f;
}

int transaction_revert_windows(struct wb_ctx *ctx, struct backup_entry *e)
{
	bool *skip = xcalloc(e->nwin + 1, sizeof(*skip)), pending = false;
	struct host_action *a = NULL;
	struct host h = { 0 };
	struct host_state st;
	char *why = NULL;
	size_t n = 0;
	int r, rc = WB_EXIT_OK;

	memset(&st, 0, sizeof(st));
	for (size_t k = 0; k < e->nwin; k++) {
		pending |= e->win[k].pending && !e->win[k].done;
		skip[k] = e->win[k].done;	/* an undo killed after its Windows step */
	}
	r = host_open(ctx, &h, &why);
	h.facts = undo_facts(e);
	if (r == 0 && pending && reconcile(&h, e, skip)) {
		rc = WB_EXIT_FAIL;
		goto out;
	}
	if (r == 0 && !(a = undo_actions(e, skip, &n))) {
		rc = WB_EXIT_FAIL;
		goto out;
	}
	if (r == 0 && n)
		r = host_apply(&h, a, n, &st, &why);
	if (r == 0 && st.error) {
		free(why);
		why = host_error_text(st.error);
		r = -EPERM;
	}
	if (r < 0)
		rc = wb_error(WB_EXIT_FAIL, "%s; nothing was undone", why);
	for (size_t k = 0; rc == WB_EXIT_OK && k < st.nresults && k < n; k++)
		if (st.results[k].status && !strcmp(st.results[k].status, "error"))
			rc = wb_error(WB_EXIT_FAIL, "could not undo '%s' on Windows (%s); the files "
				      "were left as they are", host_action_name(a[k].type),
				      host_failure_name(host_result_failure(&st.results[k])));
	for (size_t k = 0; rc == WB_EXIT_OK && k < e->nwin; k++)
		e->win[k].done = true;
	if (rc == WB_EXIT_OK && backup_commit(e) < 0)
		wb_warn("Windows was set back, but history entry #%u could not record it", e->seq);
	fault_point("Windows undone");
out:
	free(why);
	host_state_release(&st);
	if (h.ctx)
		host_close(&h);
	free(a);
	free(skip);
	return rc;
}
