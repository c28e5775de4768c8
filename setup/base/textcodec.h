/* SPDX-License-Identifier: MIT */
/*
 * textcodec.h - convert a UTF-16LE .wslconfig to 8-bit text and back without
 * losing a byte.  Unpaired surrogates are carried as WTF-8 (the 3-byte form
 * UTF-8 forbids), so any even-length UTF-16LE input round-trips exactly.
 */
#ifndef WB_TEXTCODEC_H
#define WB_TEXTCODEC_H

#include "base/util.h"

/* in/len without the BOM.  0, or -EILSEQ for an odd number of bytes (the
 * caller drops the odd byte first, as the CRT does). */
int utf16le_to_wtf8(const unsigned char *in, size_t len, struct buf *out);
/* 0, or -EILSEQ when in is not WTF-8 (cannot be written as UTF-16LE). */
int wtf8_to_utf16le(const unsigned char *in, size_t len, struct buf *out);
/*
 * Decode one UTF-8 sequence at s (n bytes left): the code point, or the byte
 * itself for a malformed sequence; *ret_len is always >= 1.
 */
unsigned utf8_decode(const unsigned char *s, size_t n, size_t *ret_len);
/*
 * Decode one UTF-8 sequence the way Windows' MultiByteToWideChar(CP_UTF8, 0)
 * does: a malformed sequence becomes U+FFFD, one per maximal subpart (the
 * longest prefix that could start a valid sequence, at least one byte).
 */
unsigned utf8_decode_replacing(const unsigned char *s, size_t n, size_t *ret_len);

#endif
