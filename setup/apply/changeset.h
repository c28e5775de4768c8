/* SPDX-License-Identifier: MIT */
/*
 * changeset.h - a few files changed together: each change holds the old and
 * new bytes (or a removal); transaction_files() (apply/transaction.h)
 * records them all in one history entry first, so `wslbridge undo` reverts
 * them together, then writes each.  Used by vpn, forward and setup.
 */
#ifndef WB_CHANGESET_H
#define WB_CHANGESET_H

#include "base/ctx.h"
#include "conf/ini.h"
#include "base/util.h"

#include <stdbool.h>
#include <sys/types.h>

struct change {
	char *path;		/* under the root */
	const char *label;
	struct buf old, neu;
	bool existed, remove;
	mode_t mode;
	dev_t dev;		/* the file old was read from: replaced only if */
	ino_t ino;		/* it still is that file with those bytes */
	int read_err;		/* why it could not be read (not ENOENT), or 0 */
};

#define MAX_CHANGES 8

struct changeset {
	struct change c[MAX_CHANGES];
	size_t n;
};

/* Adds a change of path (taken over; its current bytes are read, without
 * following a link: transaction_files() refuses one that could not be). */
struct change *changeset_add(struct changeset *a, char *path, const char *label, mode_t mode);
bool change_differs(const struct change *c);
void changeset_release(struct changeset *a);
/* The change as a unified diff, each line indented for a plan. */
void change_print_diff(const struct change *c);
/* The same, with ini-edit.h's flags, not reporting: 0 or <0 and *ret_why. */
int changeset_edit_keys(const struct buf *in, enum ini_kind kind, const char *const *kv, unsigned flags,
			struct buf *out, char **ret_why);
/* in edited: kv = key, value (NULL: unset), ..., NULL; 0 or <0 after reporting. */
int changeset_edit_ini(const struct buf *in, enum ini_kind kind, const char *const *kv, struct buf *out);
/* 'text' for sh, which sources settings files. */
void sh_quote_add(struct buf *b, const char *s);

#endif
