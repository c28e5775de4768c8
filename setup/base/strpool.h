/* SPDX-License-Identifier: MIT */
/*
 * strpool.h - strings that are freed all at once: a parsed file's names and
 * values.  One bump allocation each instead of a malloc and a free per
 * string (issue 23: a 10 MB file has 200,000 lines, and two mallocs a line
 * were a fifth of its load).
 */
#ifndef WB_STRPOOL_H
#define WB_STRPOOL_H

#include <stddef.h>

struct strpool {
	struct strpool_block *head;	/* the block strings are cut from */
};
#define STRPOOL_INIT { NULL }

/* A copy of n bytes of s and a NUL, valid until strpool_release(). */
char *strpool_dup(struct strpool *p, const char *s, size_t n);
void strpool_release(struct strpool *p);

#endif
