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

/* A code point as fgetwc() returns it: past U+FFFF, two UTF-16 units. */
static size_t put_cp(uint16_t *u, uint32_t *off, size_t n, unsigned cp, size_t at)
{
	if (cp >= 0x10000) {
		u[n] = (uint16_t)(0xD800 + ((cp - 0x10000) >> 10));
		off[n++] = (uint32_t)at;
		cp = 0xDC00 + ((cp - 0x10000) & 0x3FF);
	}
	u[n] = (uint16_t)cp;
	off[n++] = (uint32_t)at;
	return n;
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

void ini_src_init(struct ini_src *src, bool windows, bool units16, const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	const unsigned char *z = windows && len ? memchr(s, 0x1A, len) : NULL;

	memset(src, 0, sizeof(*src));
	if (len > UINT32_MAX - 2)
		abort();	/* offsets are 32 bits: never a file wslbridge reads */
	src->s = s;
	src->end = len;
	src->mode = !windows ? SRC_BYTES : units16 ? SRC_WTF8 : SRC_UTF8;
	/* In WTF-8 too a 0x1A byte is only ever U+001A: the CRT's end of file. */
	if (z) {
		src->end = (size_t)(z - s);
		src->why = STOP_CTRLZ;
	}
	if (src->mode == SRC_UTF8) {
		size_t readable = crt_utf8_readable(s, src->end);

		if (readable < src->end)
			src->why = STOP_BADUTF8;
		src->end = readable;
	}
}

/* The character at byte i as fgetwc() gives it, as a code point. */
static unsigned src_cp(const struct ini_src *src, size_t i, size_t *used)
{
	const unsigned char *s = src->s;
	unsigned char c = s[i];

	*used = 1;
	if (src->mode == SRC_BYTES || (c < 0x80 && c != '\r'))
		return c;
	if (c == '\r' && i + 1 < src->end && s[i + 1] == '\n') {
		*used = 2;	/* text mode: CRLF -> LF */
		return '\n';
	}
	if (src->mode == SRC_UTF8)
		return c < 0x80 ? c : utf8_decode_replacing(s + i, src->end - i, used);
	return utf8_decode(s + i, src->end - i, used);
}

unsigned ini_src_unit(const struct ini_src *src, size_t i, bool half, size_t *ret_used,
		      bool *ret_pair)
{
	uint16_t u[2];
	uint32_t off[2];
	unsigned cp = src_cp(src, i, ret_used);

	*ret_pair = put_cp(u, off, 0, cp, i) == 2;
	return u[*ret_pair && half];
}

size_t ini_src_fill(struct ini_src *src, uint16_t *u, uint32_t *off, size_t cap)
{
	const unsigned char *s = src->s;
	size_t i = src->i, end = src->end, n = 0;
	bool bytes = src->mode == SRC_BYTES;	/* not re-read per byte */

	while (i < end && n + 2 <= cap) {
		unsigned char c = s[i];
		size_t used;

		/* Bytes on Linux, and ASCII but CR on Windows: the bulk of every file. */
		if (bytes || (c < 0x80 && c != '\r')) {
			u[n] = c;
			off[n++] = (uint32_t)i++;
			continue;
		}
		n = put_cp(u, off, n, src_cp(src, i, &used), i);
		i += used;
	}
	src->i = i;
	return n;
}

void ini_stream_build(bool windows, bool units16, const char *text, size_t len,
		      struct ini_stream *st)
{
	struct ini_src src;

	memset(st, 0, sizeof(*st));
	ini_src_init(&src, windows, units16, text, len);
	/* No byte gives more than one unit (a 4-byte character gives two). */
	st->u = xmalloc((len + 2) * sizeof(*st->u));
	st->off = xmalloc((len + 2) * sizeof(*st->off));
	st->n = ini_src_fill(&src, st->u, st->off, len + 2);
	st->off[st->n] = (uint32_t)src.end;
	st->why = src.why;
}

void ini_stream_free(struct ini_stream *st)
{
	free(st->u);
	free(st->off);
	memset(st, 0, sizeof(*st));
}
