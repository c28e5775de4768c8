/* SPDX-License-Identifier: MIT */
/*
 * backup.h - the history behind `wslbridge undo`.
 *
 * Each change is a numbered folder <state>/history/NNNNNN/ with change.xml
 * (what ran, when, state applied|undone, and per file its path, whether it
 * existed, its mode) and the exact bytes before (K.old) and after (K.new).
 *
 * Calling sequence (caller holds the global lock):
 *   backup_begin() -> backup_add() per file -> backup_commit()  [write-ahead]
 *   then write the files; if that fails, backup_discard() removes the entry.
 * All functions return 0 or -errno and never print.
 */
#ifndef WB_BACKUP_H
#define WB_BACKUP_H

#include "base/util.h"

#include <stdbool.h>
#include <sys/types.h>

struct backup_file {
	char *path;
	bool old_exists, new_exists;
	mode_t mode;		/* of the old file (or the new one if none) */
};

/* A change on Windows that undo makes: type and name/value pairs. */
struct backup_winundo {
	char *type;
	char **kv;		/* name, value, name, value, ... */
	size_t nkv;
	bool pending;		/* intent: written before the action ran, its result not
				   yet known (undo looks at Windows first) */
	bool done;		/* undo made it (recorded before the files, so an undo
				   run again after a kill goes on from there) */
};

struct backup_entry {
	unsigned seq;
	char *dir, *time, *what, *state;
	struct backup_file *files;
	size_t nfiles;
	struct backup_winundo *win;	/* in the order undo runs them */
	size_t nwin;
	char **irreversible;		/* what undo cannot revert, and why */
	size_t nirr;
};

int backup_begin(const char *state_dir, const char *what, struct backup_entry **ret);
int backup_add(struct backup_entry *e, const char *path, const struct buf *old,
	       bool old_exists, mode_t mode, const struct buf *new_, bool new_exists);
/* attrs: name/value pairs ending in NULL.  Saved by the next commit. */
void backup_add_windows_undo(struct backup_entry *e, const char *type, const char *const *attrs);
/* The same, as an intent (pending). */
void backup_add_windows_intent(struct backup_entry *e, const char *type, const char *const *attrs);
/* Forget the Windows undo from index n on (the intents, once results are known). */
void backup_drop_windows_undo(struct backup_entry *e, size_t n);
void backup_add_irreversible(struct backup_entry *e, const char *why);
int backup_commit(struct backup_entry *e);
int backup_discard(struct backup_entry *e);

/* Every entry, oldest first. */
int backup_list(const char *state_dir, struct backup_entry ***ret, size_t *ret_n);
/* The saved bytes of file k: which is "old" or "new". */
int backup_bytes(const struct backup_entry *e, size_t k, const char *which, struct buf *out);
/* Rewrite change.xml with a new state ("undone"). */
int backup_set_state(struct backup_entry *e, const char *state);
/* Keep bytes that undo --force overwrote, as K.overwritten: 0 or -errno. */
int backup_keep_overwritten(const struct backup_entry *e, size_t k, const struct buf *bytes,
			    char **ret_path);

void backup_entry_free(struct backup_entry *e);
void backup_entries_free(struct backup_entry **v, size_t n);

#endif
