/* SPDX-License-Identifier: MIT */
/*
 * compare.h - the one comparison of a target with an observation.  check
 * prints it; setup and repair turn its failures (by their fix) into a plan.
 * Each expectation runs its probe, which reduces the observation to a value
 * (text), and compares that with equals, min/max or pattern.
 */
#ifndef WB_COMPARE_H
#define WB_COMPARE_H

#include "observe/observe.h"
#include "targets/target.h"

/* UNKNOWN: a fact it needs could not be read, nor inferred (never a failure
 * to plan from, never a pass). */
enum check_status { CHECK_PASS, CHECK_FAIL, CHECK_SKIP, CHECK_UNKNOWN };

struct check_result {
	const struct expectation *e;
	enum check_status status;
	char *observed;		/* the probe's value, or why it was skipped or is unknown */
	char *expected;		/* for people: "bridged", "between 576 and 9000", ... */
	const char *basis;	/* non-NULL: the value was inferred, from this */
	char *remedy;		/* non-NULL: what to do instead of the expectation's remedy */
};

struct check_report {
	struct check_result *r;
	size_t n, pass, fail, skip, unknown;
};

void compare_target(const struct target *t, const struct observation *o, struct check_report *rep);
/* "pass", "fail", "skip", "unknown" (the reports' words). */
const char *check_status_name(enum check_status s);
/* "drift" when something failed, else "unknown" when something could not be read, else "ok". */
const char *check_verdict(const struct check_report *rep);
void check_report_release(struct check_report *rep);

/* What a probe made of the observation: its value; or NULL, when it needs
 * Windows and the observation is offline (skip), or needs a fact Windows
 * would not give (unknown), with why.  basis: the value was inferred. */
struct probe_out {
	char *value, *skip, *unknown;
	const char *basis;
	char *remedy;		/* what the observation says to do, over the expectation's remedy */
};
/* An unknown probe is a value that fails every expectation, never another probe. */
void probe_run(const struct expectation *e, const struct observation *o, struct probe_out *out);
/* The value alone; NULL with *ret_skip saying why it was skipped or is unknown. */
char *probe_value(const struct expectation *e, const struct observation *o, char **ret_skip);
/* The probes this wslbridge knows, for the test that holds them to target.rng. */
/* The facts beyond the basics (host.h enum host_facts) t's probes read. */
unsigned target_facts(const struct target *t);
/* The same of target name loaded with params, or dflt when it does not load
 * (the run that loads it for real reports why). */
unsigned target_facts_of(const struct wb_ctx *ctx, const char *name, char *const *params,
			 size_t nparams, unsigned dflt);
size_t probe_count(void);
const char *probe_name(size_t i);

/* What WSL says when it cannot use mirrored mode here ("Mirrored networking
 * mode is not supported: ..."), from what Windows and Linux show; NULL when
 * nothing observable stops it (or offline). */
char *mirrored_fallback_reason(const struct observation *o);
/* The same for Consomme: "Consomme networking is not supported when wsl2.virtio is disabled ..." */
char *consomme_fallback_reason(const struct observation *o);

#endif
