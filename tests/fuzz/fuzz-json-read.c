/* SPDX-License-Identifier: MIT */
/*
 * fuzz-json-read.c - libFuzzer target for the strict JSON reader
 * (setup/base/json-read.c).  Beyond crashes and leaks it checks the
 * promises: a failure always says why; what was read, written again with
 * the JSON writer, reads back as the same value.
 */
#include "base/json-read.h"
#include "base/json-write.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void write_value(struct json_writer *w, const struct json_value *v)
{
	switch (v->type) {
	case JSON_NULL: json_null(w); break;
	case JSON_BOOL: json_bool(w, v->b); break;
	case JSON_NUMBER: json_string(w, v->s); break;	/* its text, compared as text */
	case JSON_STRING: json_string(w, v->s); break;
	case JSON_ARRAY:
	case JSON_OBJECT:
		if (v->type == JSON_ARRAY)
			json_array_begin(w);
		else
			json_object_begin(w);
		for (size_t i = 0; i < v->n; i++) {
			if (v->type == JSON_OBJECT)
				json_key(w, v->keys[i]);
			write_value(w, &v->items[i]);
		}
		if (v->type == JSON_ARRAY)
			json_array_end(w);
		else
			json_object_end(w);
	}
}

static int same(const struct json_value *a, const struct json_value *b)
{
	if (a->type == JSON_NUMBER)	/* written as a string of its text */
		return b->type == JSON_STRING && !strcmp(a->s, b->s);
	if (a->type != b->type || a->n != b->n || (a->type == JSON_BOOL && a->b != b->b))
		return 0;
	if (a->type == JSON_STRING && strcmp(a->s, b->s))
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if ((a->keys && strcmp(a->keys[i], b->keys[i])) || !same(&a->items[i], &b->items[i]))
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_value v, back;
	struct json_writer w;
	char *why = NULL;

	if (json_parse((const char *)data, size, &v, &why) < 0) {
		if (!why || !*why)
			abort();	/* a failure must say why */
		free(why);
		return 0;
	}
	json_init(&w);
	write_value(&w, &v);
	if (json_finish(&w) < 0)
		abort();
	if (json_parse(w.out.s, w.out.len, &back, &why) < 0 || !same(&v, &back))
		abort();	/* what was read must read back the same */
	json_value_release(&back);
	json_release(&w);
	json_value_release(&v);
	return 0;
}
