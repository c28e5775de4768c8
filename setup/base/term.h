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

#endif
