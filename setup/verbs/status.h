/* SPDX-License-Identifier: MIT */
/*
 * status.h - the parts of `wslbridge status` beyond its text (status-json.c):
 * the exit code (3 when check's verdict fails) and the --json
 * document.  Kept apart from
 * verb-status.c so that the text and the machine outputs change separately.
 */
#ifndef WB_STATUS_H
#define WB_STATUS_H

#include "observe/observe.h"

#include <stddef.h>

/* What is broken is what check's verdict fails (verdict_problems); this frees it. */
void status_problems_free(char **v, size_t n);
/* Each problem as a warning on stderr; WB_EXIT_DRIFT (3) when there is one, else 0. */
int status_report_problems(char *const *problems, size_t n);
/* o (and the problems) as one JSON document on stdout (templates/json/status.schema.json). */
int status_print_json(const struct observation *o, char *const *problems, size_t n);

#endif
