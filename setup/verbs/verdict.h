/* SPDX-License-Identifier: MIT */
/*
 * verdict.h - the one verdict on this machine: its target (named, else what
 * setup recorded, else what .wslconfig implies) compared with an
 * observation.  check prints it in full; status draws its picture and
 * exits by the same verdict, so the two never disagree.
 */
#ifndef WB_VERDICT_H
#define WB_VERDICT_H

#include "base/ctx.h"
#include "observe/observe.h"
#include "targets/compare.h"
#include "targets/target.h"

#include <stdbool.h>
#include <stddef.h>

struct verdict_params {
	char **v;	/* "NAME=VALUE" */
	size_t n;
};

/* Add a parameter; name NULL: value is already "NAME=VALUE". */
void verdict_param(struct verdict_params *p, const char *name, const char *value);
void verdict_params_release(struct verdict_params *p);

/*
 * The facts (host.h enum host_facts) the target verdict_compare would choose
 * reads, judged from what is known here without Windows (the record, the
 * cached .wslconfig): what to ask Windows for.  verdict_compare asks again
 * if the guess was short.
 */
unsigned verdict_facts(const struct wb_ctx *ctx, const char *named, const struct verdict_params *p);

/*
 * Load the target (named, or chosen as above; quiet: no note saying which),
 * gather and compare: 0 with *t and *rep filled (release both), else the
 * exit code after the load error was reported.
 */
int verdict_compare(const struct wb_ctx *ctx, struct observation *obs, const char *named,
		    struct verdict_params *p, bool quiet, struct target *t, struct check_report *rep);

/* Each failed or unknown expectation as "summary: observed X, expected Y"
 * (allocated, the array too: status_problems_free); the count. */
size_t verdict_problems(const struct check_report *rep, char ***ret);

#endif
