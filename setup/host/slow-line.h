/* SPDX-License-Identifier: MIT */
/*
 * slow-line.h - while powershell.exe runs for more than a second, one line
 * on the terminal that says so and counts ("reading Windows... 3 s"), and
 * what Ctrl-C did then: an observe is stopped (nothing was changed); an
 * apply is waited for once (so the history knows what Windows did), and
 * stopped by a second Ctrl-C.  Only when stderr is a terminal.
 */
#ifndef WB_SLOW_LINE_H
#define WB_SLOW_LINE_H

#include "host/stage.h"

#include <stdbool.h>

struct slow_line {
	struct stage *stage;	/* its UAC prompt holds the timeout (stage.h) */
	bool apply, on;
	long t0_ms;
	int shown_s;
};

void slow_line_begin(struct slow_line *l, struct stage *s, bool apply);
/* For spawn_opts: .hold = slow_line_hold, .stop = slow_line_stop, both with l. */
bool slow_line_hold(const void *l);
bool slow_line_stop(const void *l);
/* Clear the line, put Ctrl-C back; when the run was stopped, why (allocated). */
char *slow_line_end(struct slow_line *l, bool stopped);

#endif
