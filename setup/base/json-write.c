/* SPDX-License-Identifier: MIT */
/*
 * json-write.c - the JSON writer (json-write.h).
 */
#include "base/json-write.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void json_init(struct json_writer *w)
{
	memset(w, 0, sizeof(*w));
}

void json_release(struct json_writer *w)
{
	buf_release(&w->out);
}

static void indent(struct json_writer *w)
{
	if (w->compact)
		return;
	buf_addc(&w->out, '\n');
	for (int i = 0; i < w->depth; i++)
		buf_adds(&w->out, "  ");
}

/* Before any value: the comma and indentation, or an error when misplaced. */
static bool value_begins(struct json_writer *w)
{
	if (w->error)
		return false;
	if (w->depth == 0) {
		if (w->out.len) {	/* one value per document */
			w->error = true;
			return false;
		}
		return true;
	}
	if (w->in_object[w->depth - 1]) {
		if (!w->key_given) {
			w->error = true;
			return false;
		}
		w->key_given = false;
		return true;
	}
	if (w->has_items[w->depth - 1])
		buf_addc(&w->out, ',');
	w->has_items[w->depth - 1] = true;
	indent(w);
	return true;
}

static void container_begin(struct json_writer *w, char c, bool object)
{
	if (!value_begins(w))
		return;
	if (w->depth == JSON_MAX_DEPTH) {
		w->error = true;
		return;
	}
	buf_addc(&w->out, c);
	w->in_object[w->depth] = object;
	w->has_items[w->depth] = false;
	w->depth++;
}

static void container_end(struct json_writer *w, char c, bool object)
{
	if (w->error || w->depth == 0 || w->in_object[w->depth - 1] != object || w->key_given) {
		w->error = true;
		return;
	}
	w->depth--;
	if (w->has_items[w->depth])
		indent(w);
	buf_addc(&w->out, c);
}

void json_object_begin(struct json_writer *w) { container_begin(w, '{', true); }
void json_object_end(struct json_writer *w) { container_end(w, '}', true); }
void json_array_begin(struct json_writer *w) { container_begin(w, '[', false); }
void json_array_end(struct json_writer *w) { container_end(w, ']', false); }

void json_key(struct json_writer *w, const char *key)
{
	if (w->error || !w->depth || !w->in_object[w->depth - 1] || w->key_given || !key) {
		w->error = true;
		return;
	}
	if (w->has_items[w->depth - 1])
		buf_addc(&w->out, ',');
	w->has_items[w->depth - 1] = true;
	indent(w);
	json_escape(&w->out, key, strlen(key));
	buf_adds(&w->out, ": ");
	w->key_given = true;
}

/*
 * The length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0.
 */
static size_t utf8_len(const unsigned char *s, size_t n, uint32_t *ret_cp)
{
	size_t len = s[0] < 0x80 ? 1 : s[0] >= 0xC2 && s[0] <= 0xDF ? 2 :
		     s[0] >= 0xE0 && s[0] <= 0xEF ? 3 : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : 0;
	uint32_t cp;

	if (!len || len > n)
		return 0;
	cp = len == 1 ? s[0] : s[0] & (0x7F >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	*ret_cp = cp;
	return len;
}

void json_escape(struct buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp = 0;

	buf_addc(out, '"');
	for (size_t i = 0; i < n;) {
		size_t len = utf8_len(p + i, n - i, &cp);

		if (!len) {
			buf_adds(out, "\\ufffd");	/* one replacement per invalid byte */
			i++;
			continue;
		}
		switch (cp) {
		case '"': buf_adds(out, "\\\""); break;
		case '\\': buf_adds(out, "\\\\"); break;
		case '\b': buf_adds(out, "\\b"); break;
		case '\f': buf_adds(out, "\\f"); break;
		case '\n': buf_adds(out, "\\n"); break;
		case '\r': buf_adds(out, "\\r"); break;
		case '\t': buf_adds(out, "\\t"); break;
		default:
			/* U+2028/9 too: JavaScript that embeds the output breaks on them raw */
			if (cp < 0x20 || cp == 0x7F || cp == 0x2028 || cp == 0x2029)
				buf_addf(out, "\\u%04x", (unsigned)cp);
			else
				buf_add(out, p + i, len);
		}
		i += len;
	}
	buf_addc(out, '"');
}

void json_string_n(struct json_writer *w, const char *s, size_t n)
{
	if (!s) {
		json_null(w);
		return;
	}
	if (value_begins(w))
		json_escape(&w->out, s, n);
}

void json_string(struct json_writer *w, const char *s)
{
	json_string_n(w, s, s ? strlen(s) : 0);
}

void json_int(struct json_writer *w, long long v)
{
	if (value_begins(w))
		buf_addf(&w->out, "%lld", v);
}

void json_double(struct json_writer *w, double v)
{
	char num[40];

	if (!isfinite(v)) {
		json_null(w);
		return;
	}
	if (!value_begins(w))
		return;
	/* the shortest of 15 or 17 digits that reads back as v */
	snprintf(num, sizeof(num), "%.15g", v);
	if (strtod(num, NULL) != v)
		snprintf(num, sizeof(num), "%.17g", v);
	for (char *c = num; *c; c++)
		if (*c == ',')	/* a locale's decimal comma */
			*c = '.';
	buf_adds(&w->out, num);
}

void json_bool(struct json_writer *w, bool v)
{
	if (value_begins(w))
		buf_adds(&w->out, v ? "true" : "false");
}

void json_null(struct json_writer *w)
{
	if (value_begins(w))
		buf_adds(&w->out, "null");
}

void json_kstring(struct json_writer *w, const char *key, const char *s)
{
	json_key(w, key);
	json_string(w, s);
}

void json_kint(struct json_writer *w, const char *key, long long v)
{
	json_key(w, key);
	json_int(w, v);
}

void json_kbool(struct json_writer *w, const char *key, bool v)
{
	json_key(w, key);
	json_bool(w, v);
}

int json_finish(struct json_writer *w)
{
	if (w->error || w->depth || !w->out.len) {
		buf_release(&w->out);
		w->error = true;
		return -EINVAL;
	}
	buf_addc(&w->out, '\n');
	return 0;
}

int json_print(struct json_writer *w, FILE *f)
{
	int r = json_finish(w);

	if (r == 0 && fwrite(w->out.s, 1, w->out.len, f) != w->out.len)
		r = -EIO;
	json_release(w);
	return r;
}
