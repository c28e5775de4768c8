/* SPDX-License-Identifier: MIT */
/* subverb.c - see subverb.h. */
#include "verbs/subverb.h"
#include "apply/transaction.h"
#include "base/log.h"
#include "base/util.h"
#include "verbs/verbs.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const struct subverb *subverb_find(const char *verb, const struct subverb *table, size_t n,
				   const char *sub, int nargs, char **operands, int *rc)
{
	const char *names[16];
	const struct subverb *sv = NULL;
	size_t k;

	for (k = 0; k < n; k++)
		if (!strcmp(sub, table[k].name))
			sv = &table[k];
	*rc = WB_EXIT_USAGE;
	if (!sv) {
		const char *near;

		for (k = 0; k < n && k < 16; k++)
			names[k] = table[k].name;
		near = nearest_word(sub, names, k);
		wb_error(WB_EXIT_USAGE, "unknown %s command '%s'%s%s%s", verb, sub,
			 near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
		if (near) {	/* the suggestion, not a screen of usage */
			wb_hint("`wslbridge help %s` shows its commands", verb);
			return NULL;
		}
	} else if (nargs < sv->min_args) {
		if (sv->operands)
			wb_error(WB_EXIT_USAGE, "%s %s needs %s", verb, sub, sv->operands);
		else
			wb_error(WB_EXIT_USAGE, "%s %s takes %s%d argument%s, not %d", verb, sub,
				 sv->min_args == sv->max_args ? "" : "at least ", sv->min_args,
				 sv->min_args == 1 ? "" : "s", nargs);
	} else if (sv->max_args >= 0 && nargs > sv->max_args) {
		if (sv->min_args == sv->max_args && sv->max_args > 0)
			wb_error(WB_EXIT_USAGE, "%s %s takes %d argument%s, not %d", verb, sub,
				 sv->max_args, sv->max_args == 1 ? "" : "s", nargs);
		else
			wb_error(WB_EXIT_USAGE, "%s %s: unexpected argument '%s'", verb, sub,
				 operands[sv->max_args]);
	} else {
		*rc = WB_EXIT_OK;
		return sv;
	}
	print_verb_usage(verb);
	return NULL;
}

/* 0 as root; else why root is needed (what the sub-verb changes). */
static int need_root(const struct wb_ctx *ctx, const char *verb, const char *sub, const char *changes)
{
	char *what, *why;

	if (geteuid() == 0)
		return WB_EXIT_OK;
	what = xasprintf("%s %s", verb, sub);
	why = xasprintf("it changes %s", changes);
	wb_needs_root(ctx->command_line, what, why);
	free(what);
	free(why);
	return WB_EXIT_FAIL;
}

int subverb_enter(struct wb_ctx *ctx, const char *verb, const struct subverb *sv)
{
	int rc = WB_EXIT_OK;

	if (sv->flags & SUB_ROOT)
		rc = need_root(ctx, verb, sv->name, sv->changes);
	if (rc == WB_EXIT_OK && (sv->flags & SUB_LOCK))
		rc = transaction_lock(ctx);
	return rc;
}
