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

struct journal_step {
	char *name, *state, *detail;	/* state: planned, started, done, failed, skipped */
};

struct journal {
	char *verb, *state, *time, *message;
	struct journal_step *steps;
	size_t nsteps;
};

/* 0, or -ENOENT when there is no journal. */
int journal_read(const struct wb_ctx *ctx, struct journal *j);
int journal_write(const struct wb_ctx *ctx, const struct journal *j);
void journal_set_step(struct journal *j, size_t i, const char *state, const char *detail);
void journal_add_step(struct journal *j, const char *name);
void journal_release(struct journal *j);

#endif
