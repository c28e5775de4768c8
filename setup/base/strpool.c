/* SPDX-License-Identifier: MIT */
/* strpool.c - see strpool.h. */
#include "base/strpool.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

#define BLOCK_BYTES (64u << 10)

struct strpool_block {
	struct strpool_block *next;
	size_t used, cap;
	char data[];
};

static struct strpool_block *new_block(size_t cap, struct strpool_block *next)
{
	struct strpool_block *b = xmalloc(sizeof(*b) + cap);

	b->next = next;
	b->used = 0;
	b->cap = cap;
	return b;
}

char *strpool_dup(struct strpool *p, const char *s, size_t n)
{
	struct strpool_block *b = p->head;
	char *r;

	if (n + 1 < n)
		abort();
	if (n + 1 > BLOCK_BYTES / 4) {
		/* A long string gets a block of its own, behind the one being filled. */
		b = new_block(n + 1, b ? b->next : NULL);
		if (p->head)
			p->head->next = b;
		else
			p->head = b;
	} else if (!b || b->cap - b->used < n + 1) {
		b = p->head = new_block(BLOCK_BYTES, b);
	}
	r = b->data + b->used;
	b->used += n + 1;
	if (n)
		memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

void strpool_release(struct strpool *p)
{
	while (p->head) {
		struct strpool_block *next = p->head->next;

		free(p->head);
		p->head = next;
	}
}
