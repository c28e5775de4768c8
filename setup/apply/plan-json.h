/* SPDX-License-Identifier: MIT */
/*
 * plan-json.h - the plan of a change as one JSON document, the same for
 * setup, repair, vpn apply and forward (`--dry-run --json`; schema
 * templates/json/plan.schema.json): the Windows actions in their one step,
 * each file with its diff, whether WSL must restart, and what is broken.
 */
#ifndef WB_PLAN_JSON_H
#define WB_PLAN_JSON_H

#include "apply/changeset.h"
#include "vswitch/switch-plan.h"

#include <stdbool.h>
#include <stddef.h>

struct plan_doc {
	const char *verb;		/* "setup", "forward add", "vpn apply", ... */
	bool pending;			/* something would change */
	const struct win_plan *wp;	/* NULL: no Windows step */
	bool elevated;			/* already elevated: no UAC prompt */
	const struct changeset *cs;	/* the files; NULL: none */
	bool restart;			/* WSL must restart for it to take effect */
	char *const *diagnosis;		/* what is broken, in words */
	size_t ndiag;
	const char *const *facts;	/* name, value, ...: what the plan is for; value NULL: null */
	size_t nfacts;			/* pairs */
};

/* d as JSON on stdout: 0, or WB_EXIT_FAIL after saying why. */
int plan_print_json(const struct plan_doc *d);

#endif
