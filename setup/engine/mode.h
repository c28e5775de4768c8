/* SPDX-License-Identifier: MIT */
/*
 * mode.h - what differs between the networking modes setup and repair set
 * up, one table entry (and one file) per mode: mode-bridged.c,
 * mode-mirrored.c, mode-nat.c, mode-consomme.c.  The engine asks the mode, never compares
 * its name.  Private to engine/.
 */
#ifndef WB_ENGINE_MODE_H
#define WB_ENGINE_MODE_H

#include "conf/ini.h"
#include "targets/target.h"

#include <stdbool.h>
#include <stddef.h>

struct run;

struct mode_ops {
	const char *name;		/* as .wslconfig's networkingMode and the target say it */
	const char *instead;		/* why to choose it, when another mode cannot work */
	bool restart_always;		/* WSL applies the Windows change only when it starts */
	/* The hooks below may be NULL: the mode has none of that. */
	/* The mode's own parameters, from the options and rec, what was recorded. */
	int (*settle)(struct run *r, const struct target_params *rec);
	/* The target's parameters, added to out; also what is recorded. */
	void (*params)(const struct run *r, struct target_params *out);
	/* The Windows plan (r->wp), when the target says Windows needs one. */
	void (*plan_windows)(struct run *r);
	/* The mode's own .wslconfig keys, after networkingMode: 0 or -errno. */
	int (*plan_wslconfig)(struct run *r, struct ini_doc *d);
	/* The networkingMode value to write, given the current one (NULL: none); NULL: name. */
	const char *(*wslconfig_mode)(const struct run *r, const char *cur);
	/* Why WSL did not apply the mode after a restart, if it can be told; or NULL. */
	char *(*fallback_reason)(const struct run *r);
};

extern const struct mode_ops mode_bridged, mode_mirrored, mode_nat, mode_consomme;
/* Every mode, NULL-ended, in the order setup suggests them. */
extern const struct mode_ops *const modes[];

/* The mode named name (any case), or NULL. */
const struct mode_ops *mode_find(const char *name);

/* Set key to value in d unless WSL already reads exactly that (plan.c). */
int run_edit_key(struct ini_doc *d, const char *key, const char *value);

#endif
