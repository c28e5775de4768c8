/* SPDX-License-Identifier: MIT */
/*
 * ini-stream.h - the characters WSL's parser gets from fgetwc(), in order,
 * each with the offset of its bytes in the file text.
 *
 * .wslconfig is read by the Windows CRT in text mode ("rt,ccs=UTF-8",
 * ucrt lowio/read.cpp): CRLF becomes LF (a lone CR stays), Ctrl-Z (0x1A)
 * ends the file, UTF-8 is decoded by MultiByteToWideChar (bad bytes become
 * U+FFFD, characters past U+FFFF two UTF-16 units), and a read whose last
 * bytes do not end a UTF-8 character the CRT can place fails with EILSEQ,
 * which ends WSL's reading at the start of that read.  wsl.conf is read by
 * init on Linux: each byte is one character, nothing is translated.
 */
#ifndef WB_INI_STREAM_H
#define WB_INI_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UNIT_EOF 0xFFFFFFFFu

enum ini_stop_why {
	STOP_NONE,	/* WSL reads to the end */
	STOP_CTRLZ,	/* a Ctrl-Z character: the CRT's end of file */
	STOP_BADUTF8,	/* the CRT's read failed with EILSEQ */
};

/* 6 bytes a unit, not 12: a 10 MB file costs 60 MB here, not 120 (issue 23). */
struct ini_stream {
	uint16_t *u;	/* what fgetwc returns; UTF-16 units on Windows, bytes on Linux */
	uint32_t *off;	/* off[i]: offset of unit i in the text; off[n]: where reading stops
			   (texts are below 4 GiB: wslbridge reads up to READ_FILE_MAX) */
	size_t n;
	enum ini_stop_why why;
};

/*
 * The same units decoded piece by piece, for the parser's window: a 10 MB
 * file would otherwise cost 60 MB of fresh pages per read (issue 23).
 * init: where reading stops (end) and why are known at once; fill: up to
 * cap (at least 2) more units, 0 once all are given.
 */
enum ini_src_mode {
	SRC_BYTES,	/* wsl.conf: a unit a byte */
	SRC_UTF8,	/* .wslconfig as the CRT decodes UTF-8 */
	SRC_WTF8,	/* .wslconfig that was UTF-16LE (held as WTF-8) */
};
struct ini_src {
	const unsigned char *s;
	size_t i, end;		/* next byte to decode; where reading stops */
	enum ini_src_mode mode;
	enum ini_stop_why why;
};
void ini_src_init(struct ini_src *src, bool windows, bool units16, const char *text, size_t len);
size_t ini_src_fill(struct ini_src *src, uint16_t *u, uint32_t *off, size_t cap);

/*
 * One unit where it is, for a reader that walks the text itself (the
 * parser): a unit starts at byte i < src->end; half picks the second unit
 * of a character past U+FFFF.  *ret_used: the bytes of the character (a
 * CRLF is one), *ret_pair: it gives two units.  Bytes below 0x80 but CR,
 * and every byte in SRC_BYTES, are their own unit: callers test for them
 * first and call this for the rest.
 */
unsigned ini_src_unit(const struct ini_src *src, size_t i, bool half, size_t *ret_used,
		      bool *ret_pair);

/*
 * The whole stream at once (the unit tests' model of WSL reads it).
 * windows: the CRT reads the text (.wslconfig); units16: the text is the
 * WTF-8 form of a UTF-16LE file (so no UTF-8 decoding happens).
 */
void ini_stream_build(bool windows, bool units16, const char *text, size_t len,
		      struct ini_stream *st);
void ini_stream_free(struct ini_stream *st);

#endif
