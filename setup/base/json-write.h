/* SPDX-License-Identifier: MIT */
/*
 * json-write.h - a small JSON (RFC 8259) writer into a struct buf: objects,
 * arrays, strings, numbers, booleans and null, two-space indented.  The
 * product's runtime libraries are C11, libxml2 and PCRE2 only, hence no JSON
 * library.  Strings are escaped in full (", \, every control character) and
 * invalid UTF-8 becomes U+FFFD, so the output is always valid UTF-8 JSON.
 *
 * Misuse (a value where a key is due, an unbalanced end) is remembered and
 * reported once by json_finish(), as the writer's only error.
 */
#ifndef WB_JSON_WRITE_H
#define WB_JSON_WRITE_H

#include "base/util.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json_writer {
	struct buf out;
	int depth;
	bool error;
	bool in_object[JSON_MAX_DEPTH];	/* at each depth: an object (keys due) or an array */
	bool has_items[JSON_MAX_DEPTH];
	bool key_given;			/* in an object: a key is written, its value is due */
	bool compact;			/* set after json_init: one line, no indentation (JSON Lines) */
};

void json_init(struct json_writer *w);
void json_object_begin(struct json_writer *w);
void json_object_end(struct json_writer *w);
void json_array_begin(struct json_writer *w);
void json_array_end(struct json_writer *w);
/* The key of the next member of the object being written. */
void json_key(struct json_writer *w, const char *key);
/* A string value; NULL writes null. */
void json_string(struct json_writer *w, const char *s);
void json_string_n(struct json_writer *w, const char *s, size_t n);
void json_int(struct json_writer *w, long long v);
/* A non-finite number (JSON has none) is written as null. */
void json_double(struct json_writer *w, double v);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);

/* Shorthands for an object's member: key then value. */
void json_kstring(struct json_writer *w, const char *key, const char *s);
void json_kint(struct json_writer *w, const char *key, long long v);
void json_kbool(struct json_writer *w, const char *key, bool v);

/*
 * End the document with a newline: 0 and the text in w->out (the caller owns
 * it: buf_release), or -EINVAL (and nothing) when the calls did not make one
 * complete value.
 */
int json_finish(struct json_writer *w);
void json_release(struct json_writer *w);
/* json_finish(), then the document onto f, then json_release(): 0, -EINVAL, or -EIO. */
int json_print(struct json_writer *w, FILE *f);

/* Append s (n bytes) to out as a JSON string, quotes included. */
void json_escape(struct buf *out, const char *s, size_t n);

#endif
