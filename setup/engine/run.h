/* SPDX-License-Identifier: MIT */
/*
 * run.h - the state of one setup or repair run, shared by the engine's
 * files along the flow: settle.c (the mode, the adapter, the target),
 * plan.c (preflight, the .wslconfig plan, what is printed before asking)
 * and engine.c (confirm, apply, restart, verify).  Private to engine/.
 */
#ifndef WB_ENGINE_RUN_H
#define WB_ENGINE_RUN_H

#include "engine/engine.h"
#include "engine/mode.h"
#include "engine/journal.h"
#include "apply/changeset.h"
#include "observe/observe.h"
#include "targets/compare.h"
#include "targets/gather.h"
#include "targets/target.h"
#include "vswitch/switch-plan.h"
#include "base/ports.h"

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

enum { S_PREFLIGHT, S_ADAPTER, S_WINDOWS, S_WSLCONFIG, S_WSLCONF, S_RESTART, S_VERIFY, S_COUNT };

struct run {
	struct wb_ctx *ctx;
	const struct engine_opts *o;
	const char *verb;
	const struct mode_ops *m;	/* the mode (mode.h) */
	const char *mode;		/* its name: bridged, mirrored, nat */
	struct port_spec ports[PORTS_MAX];	/* mirrored: ports let in */
	size_t nports;
	char *loopback;			/* mirrored: hostAddressLoopback, or NULL */
	struct observation obs;
	struct target t;
	struct check_report rep;
	const struct host_adapter *adapter;
	char *adapter_why, *switch_name, *mac;
	char *rescue_win;		/* the rescue script left on Windows (apply/rescue.h) */
	struct changeset rescue;	/* its files as read before the change */
	struct win_plan wp;
	struct buf old, neu;		/* .wslconfig before and after */
	bool file_exists, file_changes, restart_needed;
	bool file_inert;		/* the change only writes down the mode WSL runs */
	mode_t file_mode;
	struct stat file_st;		/* the .wslconfig old was read from */
	struct journal j;
};

/* "[N/7] step: ..." on stdout, flushed (progress arrives even when piped). */
void run_progress(struct run *r, int step, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Record step's state in the journal, then the kill test's fault point. */
void run_journal_step(struct run *r, int step, enum journal_state state, const char *detail);

/* The mode as people write it: "NAT" for nat, else its name. */
const char *run_mode_word(const struct run *r);

/* settle.c: the mode, ports, switch, adapter and MAC; the target loaded. */
int run_settle(struct run *r);
int run_load_target(struct run *r);
/* The facts (host.h enum host_facts) the target of the mode run_settle will
 * pick reads, from the options, the record and obs's .wslconfig; guessed:
 * the same from what is known without Windows (the cached .wslconfig), which
 * the first observation asks for. */
unsigned run_mode_facts(const struct wb_ctx *ctx, const struct engine_opts *o, const struct observation *obs);
unsigned run_guess_facts(const struct wb_ctx *ctx, const struct engine_opts *o);

/* plan.c: what failed, the refusal before anything changes, the plan. */
#define RUN_ANY_SIDE SIDE_COUNT
bool run_failed(const struct run *r, enum target_side side, enum target_fix fix);
/* Whether an expectation on side could not be read (CHECK_UNKNOWN). */
bool run_unknown(const struct run *r, enum target_side side);
void run_print_failures(const struct run *r, enum target_side side);
int run_preflight(struct run *r);
int run_plan_wslconfig(struct run *r);
void run_print_plan(struct run *r);
void run_print_diagnosis(const struct run *r);
/* --dry-run --json: the plan as JSON (apply/plan-json.h); pending: something would change. */
int run_print_plan_json(struct run *r, bool pending);

#endif
