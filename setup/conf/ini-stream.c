/* SPDX-License-Identifier: MIT */
/* ini-stream.c - see ini-stream.h. */
#include "conf/ini-stream.h"
#include "base/textcodec.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/*
 * The CRT's FILE buffer is 4096 bytes; for UTF-8 it reads half of that
 * (2048 bytes) per _read() so that the UTF-16 result fits.
 */
#define CRT_UTF8_CHUNK 2048

static void put(struct ini_stream *st, size_t *alloc, unsigned u, size_t off)
{
	if (st->n + 1 >= *alloc) {
		*alloc = *alloc ? *alloc * 2 : 64;
		st->u = xrealloc(st->u, *alloc * sizeof(*st->u));
		st->off = xrealloc(st->off, *alloc * sizeof(*st->off));
	}
	st->u[st->n] = (uint16_t)u;
	st->off[st->n++] = (uint32_t)off;
}

/* A code point as fgetwc() returns it: past U+FFFF, two UTF-16 units. */
static void put_cp(struct ini_stream *st, size_t *alloc, unsigned cp, size_t off)
{
	if (cp >= 0x10000) {
		put(st, alloc, 0xD800 + ((cp - 0x10000) >> 10), off);
		put(st, alloc, 0xDC00 + ((cp - 0x10000) & 0x3FF), off);
	} else {
		put(st, alloc, cp, off);
	}
}

/* ucrt's _lookuptrailbytes: C0-DF 1, E0-EF 2, F0-F7 3, anything else 0. */
static unsigned trail_bytes(unsigned char c)
{
	return c >= 0xF8 ? 0 : c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
}

/*
 * How far the CRT's UTF-8 reads get before one fails: each read of up to
 * 2048 bytes that does not end in ASCII walks back up to four bytes to a
 * lead byte; no lead byte there is EILSEQ, an incomplete character is read
 * again next time, and a read left with nothing to convert fails too.
 */
static size_t crt_utf8_readable(const unsigned char *s, size_t end)
{
	size_t pos = 0;

	while (pos < end) {
		size_t k = end - pos < CRT_UTF8_CHUNK ? end - pos : CRT_UTF8_CHUNK, p = k - 1;
		const unsigned char *c = s + pos;
		unsigned counter = 1;

		if (c[p] < 0x80) {
			pos += k;
			continue;
		}
		while (!trail_bytes(c[p]) && counter <= 4 && p > 0) {
			p--;
			counter++;
		}
		/* Walking off the buffer's start reads a byte we cannot know: EILSEQ. */
		if (!trail_bytes(c[p]))
			return pos;
		if (trail_bytes(c[p]) + 1 == counter) {
			pos += k;
			continue;
		}
		if (p == 0)
			return pos;	/* nothing left to convert: the read fails */
		pos += p;
	}
	return pos;
}

static void utf8_units(const unsigned char *s, size_t end, struct ini_stream *st, size_t *alloc)
{
	uint16_t *u = st->u;
	uint32_t *off = st->off;
	size_t n = st->n;

	for (size_t i = 0; i < end;) {
		size_t used = 1;
		unsigned cp;

		/* ASCII but CR, the bulk of every file: stored in place, no call (issue 23). */
		if (s[i] < 0x80 && s[i] != '\r') {
			u[n] = s[i];
			off[n++] = (uint32_t)i++;
			continue;
		}
		st->n = n;
		if (s[i] == '\r' && i + 1 < end && s[i + 1] == '\n') {
			put(st, alloc, '\n', i);	/* text mode: CRLF -> LF */
			i += 2;
		} else {
			cp = s[i] < 0x80 ? s[i] : utf8_decode_replacing(s + i, end - i, &used);
			put_cp(st, alloc, cp, i);
			i += used;
		}
		n = st->n;
		u = st->u;
		off = st->off;
	}
	st->n = n;
}

static void utf16_units(const unsigned char *s, size_t len, struct ini_stream *st, size_t *alloc)
{
	for (size_t i = 0; i < len;) {
		size_t used;
		unsigned cp = utf8_decode(s + i, len - i, &used);

		if (cp == 0x1A) {
			st->why = STOP_CTRLZ;
			st->off[st->n] = i;
			return;
		}
		if (cp == '\r' && i + 1 < len && s[i + 1] == '\n') {
			put(st, alloc, '\n', i);
			i += 2;
			continue;
		}
		put_cp(st, alloc, cp, i);
		i += used;
	}
	st->off[st->n] = len;
}

void ini_stream_build(bool windows, bool units16, const char *text, size_t len,
		      struct ini_stream *st)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t alloc = 0, end = len, readable;
	const unsigned char *z;

	memset(st, 0, sizeof(*st));
	if (len > UINT32_MAX - 2)
		abort();	/* offsets are 32 bits: never a file wslbridge reads */
	/* No byte gives more than one unit (a 4-byte character gives two): one
	 * allocation, no copies as it grows (issue 23). */
	alloc = len + 2;
	st->u = xmalloc(alloc * sizeof(*st->u));
	st->off = xmalloc(alloc * sizeof(*st->off));
	put(st, &alloc, 0, 0);	/* make room for off[n] */
	st->n = 0;
	if (!windows) {
		for (size_t i = 0; i < len; i++) {
			st->u[i] = s[i];
			st->off[i] = (uint32_t)i;
		}
		st->n = len;
		st->off[len] = (uint32_t)len;
		return;
	}
	if (units16) {
		utf16_units(s, len, st, &alloc);
		return;
	}
	z = len ? memchr(s, 0x1A, len) : NULL;
	if (z) {
		end = (size_t)(z - s);
		st->why = STOP_CTRLZ;
	}
	readable = crt_utf8_readable(s, end);
	if (readable < end)
		st->why = STOP_BADUTF8;
	utf8_units(s, readable, st, &alloc);
	st->off[st->n] = readable;
}

void ini_stream_free(struct ini_stream *st)
{
	free(st->u);
	free(st->off);
	memset(st, 0, sizeof(*st));
}
