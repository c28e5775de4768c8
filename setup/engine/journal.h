/* SPDX-License-Identifier: MIT */
/*
 * journal.h - the write-ahead journal of a setup or repair run, in
 * <state>/journal.xml: the run's verb and state (applying, awaiting-restart,
 * done, failed) and each step with its state, written *before* a step runs
 * and again after, through the atomic writer.  The next run reads it to say
 * where the last one stopped; because every run recomputes its plan from
 * what it observes, "continue" is simply running again.
 */
#ifndef WB_JOURNAL_H
#define WB_JOURNAL_H

#include "base/ctx.h"

#include <stddef.h>

/* The states of a run and of its steps, with one name table (journal.c). */
enum journal_state {
	JS_UNKNOWN = 0,		/* missing or unreadable in the file */
	JS_PLANNED, JS_STARTED, JS_AWAITING, JS_DONE, JS_FAILED, JS_SKIPPED,	/* steps */
	JS_APPLYING, JS_AWAITING_RESTART,	/* runs (and done, failed) */
};

const char *journal_state_name(enum journal_state s);

struct journal_step {
	char *name, *detail;
	enum journal_state state;
};

struct journal {
	char *verb, *time, *message;
	enum journal_state state;
	struct journal_step *steps;
	size_t nsteps;
};

/* 0, -ENOENT when there is no journal, or -EBADMSG when it lacks the verb or
 * a state, or names one this version does not know (j is then empty). */
int journal_read(const struct wb_ctx *ctx, struct journal *j);
int journal_write(const struct wb_ctx *ctx, const struct journal *j);
void journal_set_step(struct journal *j, size_t i, enum journal_state state, const char *detail);
void journal_add_step(struct journal *j, const char *name);
void journal_release(struct journal *j);

#endif
