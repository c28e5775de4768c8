/* SPDX-License-Identifier: MIT */
/*
 * ini-edit.h - change one key the way WSL will read it, moving no other byte.
 *
 * Calling sequence: load a doc (ini.h), call ini_edit_set() or
 * ini_edit_unset(); on 0 the file's new bytes (in its own encoding) are in
 * *out; on 1 WSL already reads what was asked and nothing needs writing.
 *
 * Errors (negative, *ret_why allocated with the explanation):
 *   -EBADMSG  wsl.conf: WSL would not see the edit (a BOM, or an invalid
 *             line before the place of the edit); INI_FIX repairs that
 *   -EILSEQ   the file's encoding cannot carry the result
 *   -EPROTO   re-reading the result did not give exactly the intended
 *             change (a guard: the edit is refused rather than written)
 * Values are not validated here; see key_check_value().
 */
#ifndef WB_INI_EDIT_H
#define WB_INI_EDIT_H

#include "conf/ini.h"

enum ini_edit_flags {
	INI_FIX = 1 << 0,	/* wsl.conf: drop a BOM, comment out invalid lines */
	INI_DROP_EMPTY = 1 << 1,	/* unset: a [section] left empty goes too, with the
					   blank line a new section is put after */
};

struct ini_edit_note {
	char **lines;		/* what --fix did, for the user; may be empty */
	size_t n;
};

int ini_edit_set(const struct ini_doc *doc, const char *fullname,
		 const char *value, size_t len, unsigned flags,
		 struct buf *out, struct ini_edit_note *notes, char **ret_why);
int ini_edit_unset(const struct ini_doc *doc, const char *fullname,
		   unsigned flags, struct buf *out,
		   struct ini_edit_note *notes, char **ret_why);
void ini_edit_note_release(struct ini_edit_note *notes);

/* Quote and escape value so WSL's parser reads back exactly those bytes. */
void ini_render_value(const char *value, size_t len, struct buf *out);

#endif
