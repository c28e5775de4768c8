/* SPDX-License-Identifier: MIT */
/*
 * fuzz-json.c - libFuzzer target for the JSON writer.  The input is a list
 * of calls (one byte each; a string's bytes follow its length byte).  Beyond
 * crashes it checks the promises: what json_finish() accepts is one valid
 * RFC 8259 document in valid UTF-8 (checked by the strict reader below),
 * any string is valid UTF-8 (as libxml2 reads it), and a string that needed
 * no U+FFFD reads back as exactly its bytes.
 */
#include "base/json-write.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlstring.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct rd { const unsigned char *s; size_t i, n; struct buf str; };

static void ws(struct rd *r)
{
	while (r->i < r->n && strchr(" \t\n\r", r->s[r->i]) && r->s[r->i])
		r->i++;
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
		char c = r->i < r->n ? (char)r->s[r->i] : 0;
		const char *h = strchr("0123456789abcdef", c | 0x20);

		if (!c || !h)
			return -1;
		*cp = *cp << 4 | (uint32_t)(h - "0123456789abcdef");
	}
	return 0;
}

/* A string; its decoded bytes in r->str.  The writer emits raw UTF-8 as it
 * came, so only the escapes need decoding (surrogate pairs included). */
static int string(struct rd *r)
{
	uint32_t cp, lo;

	buf_reset(&r->str);
	if (r->s[r->i++] != '"')
		return -1;
	while (r->i < r->n && r->s[r->i] != '"') {
		unsigned char c = r->s[r->i++];

		if (c < 0x20)
			return -1;
		if (c != '\\') {
			buf_addc(&r->str, (char)c);
			continue;
		}
		if (r->i >= r->n)
			return -1;
		c = r->s[r->i++];
		if (c == 'u') {
			if (hex4(r, &cp) < 0)
				return -1;
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				if (r->i + 1 >= r->n || r->s[r->i] != '\\' || r->s[r->i + 1] != 'u')
					return -1;
				r->i += 2;
				if (hex4(r, &lo) < 0 || lo < 0xDC00 || lo > 0xDFFF)
					return -1;
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
				return -1;
			}
			put_utf8(&r->str, cp);
		} else {
			const char *e = strchr("\"\\/bfnrt", c), *v = "\"\\/\b\f\n\r\t";

			if (!c || !e)
				return -1;
			buf_addc(&r->str, v[e - "\"\\/bfnrt"]);
		}
	}
	if (r->i >= r->n)
		return -1;
	r->i++;
	return 0;
}

static int value(struct rd *r, int depth);

static int members(struct rd *r, int depth, char close, int keyed)
{
	r->i++;
	ws(r);
	if (r->i < r->n && r->s[r->i] == close) {
		r->i++;
		return 0;
	}
	for (;;) {
		ws(r);
		if (keyed) {
			if (r->i >= r->n || r->s[r->i] != '"' || string(r) < 0)
				return -1;
			ws(r);
			if (r->i >= r->n || r->s[r->i++] != ':')
				return -1;
		}
		if (value(r, depth + 1) < 0)
			return -1;
		ws(r);
		if (r->i >= r->n)
			return -1;
		if (r->s[r->i] == close) {
			r->i++;
			return 0;
		}
		if (r->s[r->i++] != ',')
			return -1;
	}
}

static int value(struct rd *r, int depth)
{
	static const char *const words[] = { "true", "false", "null" };
	char *end;

	ws(r);
	if (r->i >= r->n || depth > JSON_MAX_DEPTH)
		return -1;
	switch (r->s[r->i]) {
	case '{': return members(r, depth, '}', 1);
	case '[': return members(r, depth, ']', 0);
	case '"': return string(r);
	}
	for (size_t k = 0; k < 3; k++)
		if (!strncmp((const char *)r->s + r->i, words[k], strlen(words[k]))) {
			r->i += strlen(words[k]);
			return 0;
		}
	if (r->s[r->i] != '-' && (r->s[r->i] < '0' || r->s[r->i] > '9'))
		return -1;
	(void)strtod((const char *)r->s + r->i, &end);
	r->i = (size_t)(end - (const char *)r->s);
	return 0;
}

/* The writer's calls, one per byte; a string takes the next byte as its length. */
static void drive(struct json_writer *w, const uint8_t *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t len;
		int op = d[i] % 10;

		switch (op) {
		case 0: json_object_begin(w); break;
		case 1: json_object_end(w); break;
		case 2: json_array_begin(w); break;
		case 3: json_array_end(w); break;
		case 4: case 5:
			len = i + 1 < n ? d[++i] % 32 : 0;
			len = len > n - i - 1 ? n - i - 1 : len;
			if (op == 4) {
				char *k = strndup((const char *)d + i + 1, len);

				json_key(w, k);
				free(k);
			} else {
				json_string_n(w, (const char *)d + i + 1, len);
			}
			i += len;
			break;
		case 6: json_int(w, (long long)d[i] * -1234567891LL); break;
		case 7: json_double(w, d[i] / 7.0); break;
		case 8: json_bool(w, d[i] & 0x80); break;
		default: json_null(w);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_writer w;
	struct buf one = BUF_INIT;
	struct rd r = { NULL, 0, 0, BUF_INIT };

	json_init(&w);
	drive(&w, data, size);
	if (json_finish(&w) == 0) {
		r.s = (const unsigned char *)w.out.s;
		r.n = w.out.len;
		if (value(&r, 0) < 0 || (ws(&r), r.i != r.n))
			abort();	/* accepted, but not one JSON document */
	}
	json_release(&w);
	/* The whole input as one string: valid UTF-8 reads back as it was. */
	json_escape(&one, (const char *)data, size);
	r.s = (const unsigned char *)one.s;
	r.n = one.len;
	r.i = 0;
	if (string(&r) < 0 || r.i != r.n)
		abort();
	if (!xmlCheckUTF8((const xmlChar *)one.s))
		abort();	/* libxml2's own reading of UTF-8 */
	if (!strstr(one.s, "\\ufffd") && (r.str.len != size || memcmp(r.str.s ? r.str.s : "", data, size)))
		abort();	/* nothing was replaced, so it must be the same bytes */
	buf_release(&r.str);
	buf_release(&one);
	return 0;
}
