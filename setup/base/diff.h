/* SPDX-License-Identifier: MIT */
/*
 * diff.h - a unified diff of two versions of a file, for plans.  Our edits
 * are splices, so one hunk from the first to the last changed line (with
 * three lines of context) describes them; linear in the file size.
 */
#ifndef WB_DIFF_H
#define WB_DIFF_H

#include "base/util.h"

#include <stdio.h>

/* Appends "--- a/NAME\n+++ b/NAME\n@@ ... @@\n..." to out; nothing if equal. */
void diff_unified(const char *name, const char *a, size_t alen, const char *b, size_t blen,
		  struct buf *out);

/* Print a diff (from diff_unified), each line indented; control bytes such
 * as a NUL or an ESC are shown as \xNN, so any bytes print safely. */
void diff_print(FILE *f, const char *indent, const struct buf *d);

#endif
