/* SPDX-License-Identifier: MIT */
/*
 * switch-plan.h - what must happen on Windows so that a switch named NAME is
 * External on ADAPTER and shared with Windows, in the order that works:
 * VMware's bridge protocol off, the Hyper-V switch protocol on where an old
 * uplink lost it, then create the switch or rebind it in place.  An external
 * switch that already owns the adapter is reused (with its name).  Several
 * switches with NAME stop the plan unless one is chosen by id.  Nothing is
 * ever removed here, and no netcfg or registry surgery exists at all.
 */
#ifndef WB_SWITCH_PLAN_H
#define WB_SWITCH_PLAN_H

#include "host/host.h"

#define PLAN_MAX 40

struct win_plan {
	struct host_action actions[PLAN_MAX];
	char *describe[PLAN_MAX];	/* one line per action, for the plan */
	size_t n;
	struct host_action undo[PLAN_MAX];	/* inverse of actions[i], type HA_NONE if none */
	char *irreversible[PLAN_MAX];	/* why actions[i] cannot be undone, or NULL */
	char *diagnosis[PLAN_MAX];	/* what is broken, in words */
	size_t ndiag;
	char *switch_name;		/* the name .wslconfig must carry */
	char *warning;			/* e.g. bridging Wi-Fi */
	char *refusal;			/* non-NULL: stop, and say this */
	char **strings;			/* storage for the action attributes */
	size_t nstrings;
};

void switch_plan(const struct host_state *st, const struct host_adapter *adapter,
		 const char *name, const char *switch_id, struct win_plan *p);
void win_plan_release(struct win_plan *p);
/* A copy of s kept as long as the plan (for action attributes). */
const char *win_plan_keep(struct win_plan *p, const char *s);
/* Appends an action (describe is taken over); its undo starts empty. */
struct host_action *win_plan_add(struct win_plan *p, enum host_action_type type, char *describe);

#endif
