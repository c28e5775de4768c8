/* SPDX-License-Identifier: MIT */
/*
 * json-read.h - a small, strict JSON reader (RFC 8259) for what arrives on
 * stdin (`wslbridge dsc`): one value, UTF-8 only, no comments, no trailing
 * commas, no duplicate keys, strings without NUL; at most JSON_READ_MAX_BYTES
 * JSON_READ_MAX_DEPTH levels and JSON_READ_MAX_ITEMS in one array or object.  A failure says where (line:column) and what.
 */
#ifndef WB_JSON_READ_H
#define WB_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>

#define JSON_READ_MAX_BYTES (1024 * 1024)
#define JSON_READ_MAX_DEPTH 16
#define JSON_READ_MAX_ITEMS 4096

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json_value {
	enum json_type type;
	bool b;			/* JSON_BOOL */
	char *s;		/* JSON_STRING: UTF-8, NUL-terminated; JSON_NUMBER: its text */
	size_t n;		/* JSON_ARRAY, JSON_OBJECT: how many items */
	struct json_value *items;
	char **keys;		/* JSON_OBJECT: items[i] is keys[i]'s value */
};

/* 0 and *out, or -EBADMSG (-E2BIG: too large or too deep) with *ret_why. */
int json_parse(const char *text, size_t len, struct json_value *out, char **ret_why);
void json_value_release(struct json_value *v);
/* An object's member, or NULL (also when v is not an object). */
const struct json_value *json_member(const struct json_value *v, const char *key);
/* "null", "a boolean", "a number", "a string", "an array", "an object". */
const char *json_type_name(enum json_type t);

#endif
