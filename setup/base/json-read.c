/* SPDX-License-Identifier: MIT */
/* json-read.c - see json-read.h.  Recursive descent, bounded by depth. */
#include "base/json-read.h"
#include "base/util.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct rd {
	const unsigned char *s;
	size_t i, n;
	char *why;
	int err;
};

static int fail(struct rd *r, int err, const char *what)
{
	unsigned line = 1, col = 1;

	if (r->why)
		return -1;
	for (size_t k = 0; k < r->i && k < r->n; k++) {
		if (r->s[k] == '\n')
			line++, col = 1;
		else
			col++;
	}
	r->why = xasprintf("line %u, column %u: %s", line, col, what);
	r->err = err;
	return -1;
}

static void ws(struct rd *r)
{
	while (r->i < r->n && (r->s[r->i] == ' ' || r->s[r->i] == '\t' || r->s[r->i] == '\n' || r->s[r->i] == '\r'))
		r->i++;
}

static bool lit(struct rd *r, const char *word)
{
	size_t l = strlen(word);

	if (r->n - r->i < l || memcmp(r->s + r->i, word, l))
		return false;
	r->i += l;
	return true;
}

static void put_utf8(struct buf *b, uint32_t cp)
{
	if (cp < 0x80) {
		buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		buf_addc(b, (char)(0xC0 | cp >> 6));
		buf_addc(b, (char)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		buf_addc(b, (char)(0xE0 | cp >> 12));
		buf_addc(b, (char)(0x80 | (cp >> 6 & 0x3F)));
		buf_addc(b, (char)(0x80 | (cp & 0x3F)));
	} else {
		buf_addc(b, (char)(0xF0 | cp >> 18));
		buf_addc(b, (char)(0x80 | (cp >> 12 & 0x3F)));
		buf_addc(b, (char)(0x80 | (cp >> 6 & 0x3F)));
		buf_addc(b, (char)(0x80 | (cp & 0x3F)));
	}
}

static int hex4(struct rd *r, uint32_t *cp)
{
	*cp = 0;
	for (int k = 0; k < 4; k++, r->i++) {
		int c = r->i < r->n ? r->s[r->i] : -1;

		*cp <<= 4;
		if (c >= '0' && c <= '9')
			*cp |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*cp |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*cp |= (uint32_t)(c - 'A' + 10);
		else
			return fail(r, -EBADMSG, "\\u needs four hex digits");
	}
	return 0;
}

/* One UTF-8 sequence at r->i (not ASCII), copied: overlong forms, surrogates
 * and code points above U+10FFFF are refused, as RFC 3629 says. */
static int utf8_seq(struct rd *r, struct buf *b)
{
	unsigned char c = r->s[r->i];
	size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
	uint32_t cp = len == 4 ? c & 0x07u : len == 3 ? c & 0x0Fu : c & 0x1Fu;

	if (!len || c > 0xF4 || r->n - r->i < len)
		return fail(r, -EBADMSG, "not UTF-8");
	for (size_t k = 1; k < len; k++) {
		if ((r->s[r->i + k] & 0xC0) != 0x80)
			return fail(r, -EBADMSG, "not UTF-8");
		cp = cp << 6 | (r->s[r->i + k] & 0x3Fu);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return fail(r, -EBADMSG, "not UTF-8");
	buf_add(b, (const char *)r->s + r->i, len);
	r->i += len;
	return 0;
}

static int escape(struct rd *r, struct buf *b)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *at;
	uint32_t cp, lo;

	if (r->i >= r->n)
		return fail(r, -EBADMSG, "the string is not closed");
	if (r->s[r->i] != 'u') {
		at = r->s[r->i] ? strchr(from, r->s[r->i]) : NULL;
		if (!at)
			return fail(r, -EBADMSG, "unknown escape (JSON has \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
		buf_addc(b, to[at - from]);
		r->i++;
		return 0;
	}
	r->i++;
	if (hex4(r, &cp) < 0)
		return -1;
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		if (!lit(r, "\\u") || hex4(r, &lo) < 0 || lo < 0xDC00 || lo > 0xDFFF)
			return fail(r, -EBADMSG, "a \\u high surrogate without its low half");
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
	} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
		return fail(r, -EBADMSG, "a \\u low surrogate on its own");
	}
	if (cp == 0)
		return fail(r, -EBADMSG, "\\u0000 (NUL) is not accepted in a string");
	put_utf8(b, cp);
	return 0;
}

static int string(struct rd *r, char **out)
{
	struct buf b = BUF_INIT;

	r->i++;	/* the opening quote */
	while (r->i < r->n && r->s[r->i] != '"') {
		unsigned char c = r->s[r->i];
		int e = 0;

		if (c < 0x20)
			e = fail(r, -EBADMSG, "a control character in a string (write it as \\n, \\t or \\u00XX)");
		else if (c == '\\')
			r->i++, e = escape(r, &b);
		else if (c >= 0x80)
			e = utf8_seq(r, &b);
		else
			buf_addc(&b, (char)c), r->i++;
		if (e < 0) {
			buf_release(&b);
			return -1;
		}
	}
	if (r->i >= r->n) {
		buf_release(&b);
		return fail(r, -EBADMSG, "the string is not closed");
	}
	r->i++;
	*out = buf_detach(&b, NULL);
	return 0;
}

static size_t digits(struct rd *r)
{
	size_t start = r->i;

	while (r->i < r->n && r->s[r->i] >= '0' && r->s[r->i] <= '9')
		r->i++;
	return r->i - start;
}

static int number(struct rd *r, struct json_value *v)
{
	size_t start = r->i, d;

	if (r->s[r->i] == '-')
		r->i++;
	d = digits(r);
	if (!d || (d > 1 && r->s[r->i - d] == '0'))
		return fail(r, -EBADMSG, "not a number (no leading zeros, digits needed)");
	if (r->i < r->n && r->s[r->i] == '.' && (r->i++, !digits(r)))
		return fail(r, -EBADMSG, "digits must follow the decimal point");
	if (r->i < r->n && (r->s[r->i] == 'e' || r->s[r->i] == 'E')) {
		r->i++;
		if (r->i < r->n && (r->s[r->i] == '+' || r->s[r->i] == '-'))
			r->i++;
		if (!digits(r))
			return fail(r, -EBADMSG, "digits must follow the exponent");
	}
	v->type = JSON_NUMBER;
	v->s = xstrndup((const char *)r->s + start, r->i - start);
	return 0;
}

static int value(struct rd *r, struct json_value *v, unsigned depth);

/* An array or an object: items separated by commas, between open and close. */
static int container(struct rd *r, struct json_value *v, unsigned depth)
{
	bool obj = r->s[r->i] == '{';
	char close = obj ? '}' : ']';
	size_t cap = 0;

	v->type = obj ? JSON_OBJECT : JSON_ARRAY;
	if (depth >= JSON_READ_MAX_DEPTH)
		return fail(r, -E2BIG, "nested too deeply");
	r->i++;
	ws(r);
	if (r->i < r->n && r->s[r->i] == close) {
		r->i++;
		return 0;
	}
	for (;;) {
		char *key = NULL;

		ws(r);
		if (obj) {
			if (r->i >= r->n || r->s[r->i] != '"')
				return fail(r, -EBADMSG, "expected a member name in double quotes");
			if (string(r, &key) < 0)
				return -1;
			for (size_t k = 0; k < v->n; k++)
				if (!strcmp(v->keys[k], key)) {
					free(key);
					return fail(r, -EBADMSG, "a member name given twice");
				}
			ws(r);
			if (r->i >= r->n || r->s[r->i] != ':') {
				free(key);
				return fail(r, -EBADMSG, "expected ':' after the member name");
			}
			r->i++;
		}
		if (v->n == JSON_READ_MAX_ITEMS) {
			free(key);
			return fail(r, -E2BIG, "more items than are read in one array or object");
		}
		if (v->n == cap) {
			cap = cap ? cap * 2 : 4;
			v->items = xrealloc(v->items, cap * sizeof(*v->items));
			if (obj)
				v->keys = xrealloc(v->keys, cap * sizeof(*v->keys));
		}
		memset(&v->items[v->n], 0, sizeof(v->items[v->n]));
		if (obj)
			v->keys[v->n] = key;
		v->n++;
		if (value(r, &v->items[v->n - 1], depth + 1) < 0)
			return -1;
		ws(r);
		if (r->i < r->n && r->s[r->i] == ',') {
			r->i++;
			continue;
		}
		if (r->i < r->n && r->s[r->i] == close) {
			r->i++;
			return 0;
		}
		return fail(r, -EBADMSG, obj ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static int value(struct rd *r, struct json_value *v, unsigned depth)
{
	ws(r);
	if (r->i >= r->n)
		return fail(r, -EBADMSG, "expected a value, found the end");
	switch (r->s[r->i]) {
	case '{':
	case '[':
		return container(r, v, depth);
	case '"':
		v->type = JSON_STRING;
		return string(r, &v->s);
	case 't':
	case 'f':
		v->type = JSON_BOOL;
		v->b = r->s[r->i] == 't';
		if (lit(r, v->b ? "true" : "false"))
			return 0;
		break;
	case 'n':
		v->type = JSON_NULL;
		if (lit(r, "null"))
			return 0;
		break;
	default:
		if (r->s[r->i] == '-' || (r->s[r->i] >= '0' && r->s[r->i] <= '9'))
			return number(r, v);
	}
	return fail(r, -EBADMSG, "expected a value (an object, array, string, number, true, false or null)");
}

int json_parse(const char *text, size_t len, struct json_value *out, char **ret_why)
{
	struct rd r = { (const unsigned char *)text, 0, len, NULL, 0 };

	memset(out, 0, sizeof(*out));
	if (len > JSON_READ_MAX_BYTES) {
		*ret_why = xasprintf("the JSON is %zu bytes; at most %d are read", len, JSON_READ_MAX_BYTES);
		return -E2BIG;
	}
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		r.i = 3;	/* RFC 8259 8.1: a reader may ignore a byte order mark */
	if (value(&r, out, 0) == 0) {
		ws(&r);
		if (r.i < r.n)
			fail(&r, -EBADMSG, "more after the value (one JSON value is expected)");
	}
	if (r.why) {
		json_value_release(out);
		*ret_why = r.why;
		return r.err;
	}
	return 0;
}

void json_value_release(struct json_value *v)
{
	for (size_t i = 0; i < v->n; i++) {
		json_value_release(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->s);
	memset(v, 0, sizeof(*v));
}

const struct json_value *json_member(const struct json_value *v, const char *key)
{
	for (size_t i = 0; v && v->type == JSON_OBJECT && i < v->n; i++)
		if (!strcmp(v->keys[i], key))
			return &v->items[i];
	return NULL;
}

const char *json_type_name(enum json_type t)
{
	static const char *const names[] = { "null", "a boolean", "a number", "a string", "an array", "an object" };

	return (size_t)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}
