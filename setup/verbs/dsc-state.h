/* SPDX-License-Identifier: MIT */
/*
 * dsc-state.h - the WslBridge/Network instance of `wslbridge dsc`
 * (templates/dsc/wslbridge.dsc.resource.json holds its JSON Schema): what
 * DSC asks for, read from its JSON; what this machine has, observed; and
 * whether the two agree, by the same comparison as `check` for the mode and
 * by `forward list`'s for the forwards.
 */
#ifndef WB_DSC_STATE_H
#define WB_DSC_STATE_H

#include "base/json-write.h"
#include "observe/observe.h"

#include <stdbool.h>

/* The properties DSC gives; NULL or 0: not asked for. */
struct dsc_want {
	char *mode, *sw, *adapter, *mac;
	char **forwards;	/* "HOSTPORT[:WSLPORT]" */
	size_t nforwards;
	bool has_forwards;
};

/* What differs, and why, for people (stderr) and for set. */
struct dsc_verdict {
	bool network_ok, forwards_ok;
	char *why;		/* NULL when both are right */
	char **missing;		/* forwards to add */
	size_t nmissing;
};

/* 0, or an exit code after saying what was wrong with the instance. */
int dsc_want_parse(const char *json, size_t len, struct dsc_want *w);
void dsc_want_release(struct dsc_want *w);
/* setup's arguments for w's mode part (NULL-terminated, allocated strings). */
char **dsc_setup_argv(const struct dsc_want *w);

/* 0, or an exit code after saying why the comparison could not be made. */
int dsc_compare(struct wb_ctx *ctx, struct observation *o, const struct dsc_want *w, struct dsc_verdict *v);
void dsc_verdict_release(struct dsc_verdict *v);

/* The observed instance's properties into w (inside an object). */
void dsc_write_state(const struct observation *o, struct json_writer *w);

#endif
