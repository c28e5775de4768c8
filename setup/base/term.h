/* SPDX-License-Identifier: MIT */
/*
 * term.h - whether to dress output up: colours and Unicode symbols only on
 * a terminal with a UTF-8 locale, never with NO_COLOR set (no-color.org) or
 * TERM=dumb.
 */
#ifndef WB_TERM_H
#define WB_TERM_H

#include <stdbool.h>
#include <stdio.h>

bool term_fancy(FILE *f);
/* --color: 1 always (colours and symbols even when piped), 0 never, -1 auto. */
void term_force_color(int on);
/* Before stdout goes to a pager: keep the terminal's width and whether it
 * is dressed up, for what is written to the pager. */
void term_keep_for_pager(void);

/* f's width in columns: the terminal's, else $COLUMNS, else 80. */
int term_width(FILE *f);

/*
 * Text from a file or from Windows, made safe to print: a terminal control
 * character (C0 but tab, DEL, and C1 in UTF-8 or as a raw byte) becomes
 * \xNN, so an escape sequence planted in .wslconfig or in an adapter's
 * name cannot move the cursor, recolour or hide what root is reviewing.
 * TERM_KEEP_NEWLINES keeps '\n' (multi-line messages); TERM_NAMED shows
 * newline and tab as \n and \t (a value on one line, as config shows it).
 */
enum { TERM_KEEP_NEWLINES = 1, TERM_NAMED = 2 };
struct buf;
void term_escape(struct buf *out, const char *s, size_t n, unsigned flags);
/* The same for one string in a printf argument list: the result lives until
 * 16 more calls (NULL stays NULL). */
const char *term_safe(const char *s);

#endif
