/* SPDX-License-Identifier: MIT */
/*
 * target.h - target states: XML files that say what this machine should
 * look like, validated against templates/targets/target.rng.
 *
 * target_load() finds NAME in <root>/etc/wslbridge/targets/ (users add or
 * override targets there) and then in the data directory (or takes a path),
 * validates it, fills parameters (given ones, else defaults), expands
 * <include>s and replaces {param} in every attribute.  Errors come back as
 * file:line:col plus a message naming the element or the parameter.
 */
#ifndef WB_TARGET_H
#define WB_TARGET_H

#include "base/ctx.h"

#include <stdbool.h>
#include <stddef.h>

/* The sides of a target, in the order check reports them. */
enum target_side { SIDE_ENVIRONMENT, SIDE_WINDOWS, SIDE_FILES, SIDE_LINUX, SIDE_COUNT };

/* What setup and repair do about a failed expectation (target.rng lists the same). */
enum target_fix {
	FIX_NONE, FIX_BINDINGS, FIX_FORWARD, FIX_HVFW, FIX_RESTART, FIX_SWITCH, FIX_VPN,
	FIX_WSLCONF_FIX, FIX_WSLCONFIG, FIX_COUNT,
};

/* The names in target files ("environment", "wslconf-fix", ...); NULL for none. */
const char *target_side_name(enum target_side s);
const char *target_fix_name(enum target_fix f);
/* name -> value: SIDE_COUNT / FIX_COUNT when unknown. */
enum target_side target_side_parse(const char *name);
enum target_fix target_fix_parse(const char *name);

struct expectation {
	enum target_side side;
	enum target_fix fix;
	char *probe, *summary, *remedy;
	char *sw, *adapter, *component, *key, *ifname, *path, *ports;	/* probe arguments */
	char *equals, *pattern;
	long min, max;
	bool has_min, has_max, nocase;
	bool skipped;		/* its "when" parameter is empty */
	char *file;
	unsigned line;
};

struct target {
	char *name, *summary, *file;
	struct expectation *exp;
	size_t nexp;
	char **param_names, **param_values;	/* as used, for reports and records */
	size_t nparams;
};

struct target_error {
	char *file;
	int line, col;		/* 0: not about a place in the file */
	char *msg;
	bool usage;		/* caused by the command line (a parameter) */
};

/* A target's parameters as name/value pairs (also what setup records). */
struct target_params {
	char **names, **values;
	size_t n;
};

/* The value of name, or NULL. */
const char *target_params_get(const struct target_params *p, const char *name);
/* Add name=value (copied). */
void target_params_set(struct target_params *p, const char *name, const char *value);
void target_params_release(struct target_params *p);

/* given may be NULL. 0, or -EINVAL with *err. */
int target_load_params(const struct wb_ctx *ctx, const char *name, const struct target_params *given,
		       struct target *t, struct target_error *err);
/* params: "name=value" strings from the command line (may be NULL/0). */
int target_load(const struct wb_ctx *ctx, const char *name, char *const *params,
		size_t nparams, struct target *t, struct target_error *err);
void target_release(struct target *t);
void target_error_release(struct target_error *err);
/*
 * Parse file (no network, no entities) and validate it with the schema at
 * schema_sub in the data directory, unless shipped (one of wslbridge's own
 * files, validated when it was built): the doc, or NULL with *err
 * (file:line:col of the first syntax error, or the element that breaks the
 * schema).
 */
struct _xmlDoc;
struct _xmlDoc *xml_read_validated(const char *file, const char *schema_sub, bool shipped,
				   struct target_error *err);

/* The names of the targets a user can pick (shipped and added), sorted. */
char **target_list(const struct wb_ctx *ctx, size_t *ret_n);

#endif
