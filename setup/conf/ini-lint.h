/* SPDX-License-Identifier: MIT */
/*
 * ini-lint.h - what WSL would warn about, ignore, or fail on in a parsed
 * file, in file order, as data for the verb to print.
 */
#ifndef WB_INI_LINT_H
#define WB_INI_LINT_H

#include "conf/ini.h"

enum lint_sev {
	LINT_NOTE,	/* WSL reads it, but maybe not as meant */
	LINT_IGNORED,	/* WSL ignores something the file says */
	LINT_FATAL,	/* WSL fails to start or to parse the file */
};

struct lint_item {
	unsigned line, col;	/* col 0: the whole line */
	enum lint_sev sev;
	char *msg;
};

struct lint {
	struct lint_item *items;
	size_t n;
};

void ini_lint(const struct ini_doc *doc, struct lint *out);
/* Append one finding (msg allocated, taken over). */
void lint_add(struct lint *out, unsigned line, unsigned col, enum lint_sev sev, char *msg);
/*
 * WSL's own warnings about combinations of settings, in WSL's words
 * (ini-lint-wsl.c); idx is ini_index_build(doc).
 */
void ini_lint_wsl(const struct ini_doc *doc, const struct ini_index *idx, struct lint *out);
void lint_release(struct lint *lint);
/* The worst severity present, or -1 for a clean file. */
int lint_worst(const struct lint *lint);

#endif
