/* SPDX-License-Identifier: MIT */
/*
 * subverb.h - the one dispatcher of sub-verbs (`config get`, `vpn apply`,
 * `forward add`, ...): each verb lists its sub-verbs in a table with their
 * operand counts and whether they need root and the run's lock.  Finding
 * one answers "did you mean" and checks the count; entering one checks root
 * and takes the lock, after the verb has checked its own input.
 */
#ifndef WB_SUBVERB_H
#define WB_SUBVERB_H

#include "base/ctx.h"

#include <stddef.h>

enum {
	SUB_ROOT = 1,	/* changes root-owned files: refused otherwise */
	SUB_LOCK = 2,	/* changes things: runs under the global lock */
};

struct subverb {
	const char *name;
	int min_args, max_args;	/* operands after the sub-verb; max -1: any */
	const char *operands;	/* what a missing operand is, for the error */
	unsigned flags;
	const char *changes;	/* with SUB_ROOT: what it changes, for the refusal */
};

/*
 * The entry for argv[0] among the n of table (nargs operands follow it), or
 * NULL after saying what was wrong and printing verb's usage; *rc is then
 * the exit code.
 */
const struct subverb *subverb_find(const char *verb, const struct subverb *table, size_t n,
				   const char *sub, int nargs, char **operands, int *rc);

/* Root and the lock, as the entry's flags ask: an exit code. */
int subverb_enter(struct wb_ctx *ctx, const char *verb, const struct subverb *sv);

#endif
