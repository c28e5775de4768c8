/* SPDX-License-Identifier: MIT */
/* textcodec.c - see textcodec.h. */
#include "base/textcodec.h"

#include <errno.h>

static void put_utf8(struct buf *out, unsigned cp)
{
	unsigned char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xC0 | (cp >> 6));
		b[1] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xE0 | (cp >> 12));
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xF0 | (cp >> 18));
		b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	buf_add(out, b, n);
}

int utf16le_to_wtf8(const unsigned char *in, size_t len, struct buf *out)
{
	buf_reset(out);
	if (len % 2)
		return -EILSEQ;
	for (size_t i = 0; i < len; i += 2) {
		unsigned u = in[i] | (unsigned)in[i + 1] << 8;

		if (u >= 0xD800 && u < 0xDC00 && i + 3 < len) {
			unsigned lo = in[i + 2] | (unsigned)in[i + 3] << 8;

			if (lo >= 0xDC00 && lo < 0xE000) {
				put_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
				i += 2;
				continue;
			}
		}
		put_utf8(out, u);	/* lone surrogates too: that is WTF-8 */
	}
	return 0;
}

/* Strict decoder for the round trip: only shortest forms are accepted. */
static int wtf8_next(const unsigned char *s, size_t n, unsigned *cp, size_t *used)
{
	unsigned c = s[0];
	size_t need;
	unsigned v, min;

	if (c < 0x80) {
		*cp = c;
		*used = 1;
		return 0;
	}
	if ((c & 0xE0) == 0xC0) { need = 2; v = c & 0x1F; min = 0x80; }
	else if ((c & 0xF0) == 0xE0) { need = 3; v = c & 0x0F; min = 0x800; }
	else if ((c & 0xF8) == 0xF0) { need = 4; v = c & 0x07; min = 0x10000; }
	else return -EILSEQ;
	if (need > n)
		return -EILSEQ;
	for (size_t k = 1; k < need; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return -EILSEQ;
		v = v << 6 | (s[k] & 0x3F);
	}
	if (v < min || v > 0x10FFFF)
		return -EILSEQ;
	*cp = v;
	*used = need;
	return 0;
}

int wtf8_to_utf16le(const unsigned char *in, size_t len, struct buf *out)
{
	buf_reset(out);
	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t used;
		unsigned char b[4];

		if (wtf8_next(in + i, len - i, &cp, &used) < 0)
			return -EILSEQ;
		i += used;
		if (cp >= 0x10000) {
			unsigned hi = 0xD800 + ((cp - 0x10000) >> 10);
			unsigned lo = 0xDC00 + ((cp - 0x10000) & 0x3FF);

			b[0] = hi & 0xFF; b[1] = (unsigned char)(hi >> 8);
			b[2] = lo & 0xFF; b[3] = (unsigned char)(lo >> 8);
			buf_add(out, b, 4);
		} else {
			b[0] = cp & 0xFF; b[1] = (unsigned char)(cp >> 8);
			buf_add(out, b, 2);
		}
	}
	return 0;
}

unsigned utf8_decode(const unsigned char *s, size_t n, size_t *ret_len)
{
	unsigned cp;
	size_t used;

	if (wtf8_next(s, n, &cp, &used) < 0) {
		*ret_len = 1;
		return s[0];
	}
	*ret_len = used;
	return cp;
}

/* The second byte's range for a lead byte (Unicode Table 3-7), or 0 if invalid. */
static int utf8_second(unsigned c, unsigned char *lo, unsigned char *hi, size_t *need)
{
	*lo = 0x80;
	*hi = 0xBF;
	if (c >= 0xC2 && c <= 0xDF)
		*need = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		*need = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		*need = 4;
	else
		return 0;
	if (c == 0xE0)
		*lo = 0xA0;
	else if (c == 0xED)
		*hi = 0x9F;
	else if (c == 0xF0)
		*lo = 0x90;
	else if (c == 0xF4)
		*hi = 0x8F;
	return 1;
}

unsigned utf8_decode_replacing(const unsigned char *s, size_t n, size_t *ret_len)
{
	unsigned char lo, hi;
	size_t need, k;
	unsigned v;

	*ret_len = 1;
	if (s[0] < 0x80)
		return s[0];
	if (!utf8_second(s[0], &lo, &hi, &need))
		return 0xFFFD;
	v = s[0] & (need == 2 ? 0x1F : need == 3 ? 0x0F : 0x07);
	for (k = 1; k < need; k++) {
		if (k >= n || s[k] < lo || s[k] > hi) {
			*ret_len = k;	/* the maximal subpart becomes one U+FFFD */
			return 0xFFFD;
		}
		v = v << 6 | (s[k] & 0x3F);
		lo = 0x80;
		hi = 0xBF;
	}
	*ret_len = need;
	return v;
}
