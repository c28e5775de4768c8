/* SPDX-License-Identifier: MIT */
/*
 * ini-index.c - the first occurrence of every key of a doc, hashed (see
 * ini.h): edits compare whole readings and lint finds duplicates in linear
 * time.
 */
#include "conf/ini.h"

#include <stdlib.h>
#include <string.h>

/* One spelling per key: the table's name for known keys, else the name. */
static char *canon(enum ini_kind kind, const char *name)
{
	const struct key_def *def = keys_lookup(kind, name);
	/* Joined without printf: this runs for every key of a big file (issue 23). */
	char *c = def ? xjoin(def->section, ".", def->name, (char *)NULL) : xstrdup(name);

	for (char *p = c; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return c;
}

static size_t hash(const char *s)
{
	size_t h = 14695981039346656037u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	/* FNV's low bits are weak for names differing in digits: mix them. */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdu;
	h ^= h >> 33;
	return h;
}

static struct ini_index_slot *slot_for(const struct ini_index *idx, const char *key, size_t h)
{
	size_t i = h & (idx->cap - 1);

	/* The stored hash spares a strcmp (and a cache miss) per collision. */
	while (idx->slots[i].key && (idx->slots[i].hash != h || strcmp(idx->slots[i].key, key)))
		i = (i + 1) & (idx->cap - 1);
	return &idx->slots[i];
}

static bool indexed(const struct ini_line *l)
{
	return l->type == INI_ENTRY && !l->ignored;
}

void ini_index_build(const struct ini_doc *doc, struct ini_index *idx)
{
	size_t keys = 0;

	for (size_t i = 0; i < doc->nlines; i++)
		keys += indexed(&doc->lines[i]);
	/* Sized by the keys, not the lines: comments need no slots (issue 23). */
	idx->cap = 16;
	while (idx->cap < 2 * keys + 2)
		idx->cap *= 2;
	idx->slots = xcalloc(idx->cap, sizeof(*idx->slots));
	idx->first = xmalloc((doc->nlines ? doc->nlines : 1) * sizeof(*idx->first));
	for (size_t i = 0; i < doc->nlines; i++) {
		const struct ini_line *l = &doc->lines[i];
		struct ini_index_slot *s;
		char *key;
		size_t h;

		idx->first[i] = -1;
		if (!indexed(l))
			continue;
		key = canon(doc->kind, l->name);
		h = hash(key);
		s = slot_for(idx, key, h);
		if (s->key) {
			free(key);	/* a later duplicate: the first one wins */
			idx->first[i] = s->line;
			continue;
		}
		s->key = key;
		s->hash = h;
		s->line = (long)i;
		idx->first[i] = (long)i;
	}
}

long ini_index_get(const struct ini_index *idx, const struct ini_doc *doc, const char *name)
{
	char *key = canon(doc->kind, name);
	long r = ini_index_find(idx, key);

	free(key);
	return r;
}

long ini_index_find(const struct ini_index *idx, const char *folded)
{
	const struct ini_index_slot *s = slot_for(idx, folded, hash(folded));

	return s->key ? s->line : -1;
}

void ini_index_free(struct ini_index *idx)
{
	for (size_t i = 0; i < idx->cap; i++)
		free(idx->slots[i].key);
	free(idx->slots);
	free(idx->first);
	idx->slots = NULL;
	idx->first = NULL;
	idx->cap = 0;
}
