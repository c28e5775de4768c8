/* SPDX-License-Identifier: MIT */
/*
 * ini.c - the reader (see ini.h).  One pass over the bytes with a cursor,
 * mirroring WSL's character-by-character parser; each logical line becomes
 * a struct ini_line with its spans, so the editor never re-tokenises.
 */
#include "conf/ini.h"
#include "conf/ini-stream.h"
#include "base/textcodec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
	struct ini_doc *doc;
	struct ini_src src;	/* what fgetwc() gives WSL, decoded where the cursor is */
	size_t i;		/* the cursor: the byte its unit starts at */
	bool half;		/*   and on the second unit of a character past U+FFFF */
	bool bytes;		/* wsl.conf: every byte is a unit */
	struct buf key;		/* WSL's key buffer, NULs included */
	struct buf val;		/* the value being read, reused line after line */
	size_t seclen;		/* its section part: set by valid headers only */
	long header;
	size_t line_at;		/* lineno counts physical lines up to here */
	unsigned lineno;
};

/* buf_addc without the call for each character of a value (issue 23). */
static void addc(struct buf *v, char c)
{
	if (v->len + 2 > v->alloc)
		buf_grow(v, 1);
	v->s[v->len++] = c;
	v->s[v->len] = '\0';
}

/* The lines' strings live in the doc's pool, freed with it. */
static char *pool_str(struct parser *p, const char *s, size_t n)
{
	return strpool_dup(&p->doc->strings, s ? s : "", n);
}

static bool is_blank(unsigned c) { return c == ' ' || c == '\t'; }
static bool is_alpha(unsigned c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_alnum(unsigned c) { return is_alpha(c) || (c >= '0' && c <= '9'); }

/*
 * The parser reads the text where it lies (issue 23: no copy of the units,
 * which cost 6 bytes and a store per byte): a byte that is its own unit is
 * read inline, anything else (CR, non-ASCII) is decoded by ini_src_unit().
 */
static inline bool own_unit(const struct parser *p, unsigned char c)
{
	return (c < 0x80 && c != '\r') || p->bytes;
}

/* Windows reads a CR before an LF as one LF unit, another CR as itself. */
static inline bool crlf(const struct parser *p)
{
	return p->i + 1 < p->src.end && p->src.s[p->i + 1] == '\n';
}

__attribute__((noinline)) static unsigned at_decoded(const struct parser *p)
{
	size_t used;
	bool pair;

	return ini_src_unit(&p->src, p->i, p->half, &used, &pair);
}

static inline unsigned at(const struct parser *p)
{
	unsigned char c;

	if (p->i >= p->src.end)
		return UNIT_EOF;
	c = p->src.s[p->i];
	if (own_unit(p, c))
		return c;
	if (c == '\r')
		return crlf(p) ? '\n' : '\r';
	return at_decoded(p);
}

__attribute__((noinline)) static void step_decoded(struct parser *p)
{
	size_t used;
	bool pair;

	(void)ini_src_unit(&p->src, p->i, p->half, &used, &pair);
	if (pair && !p->half) {
		p->half = true;
	} else {
		p->i += used;
		p->half = false;
	}
}

/* Past the unit at the cursor (never at EOF). */
static inline void step(struct parser *p)
{
	unsigned char c = p->src.s[p->i];

	if (own_unit(p, c))
		p->i++;
	else if (c == '\r')
		p->i += crlf(p) ? 2 : 1;
	else
		step_decoded(p);
}

/* The offset of the cursor's unit; where reading stops at EOF. */
static size_t off(const struct parser *p)
{
	return p->i;
}

/* fgetwc(): the next character, consumed. */
static unsigned next(struct parser *p)
{
	unsigned c = at(p);

	if (c != UNIT_EOF)
		step(p);
	return c;
}

/*
 * Past the next LF unit, or to EOF.  An LF unit is always an LF byte (or
 * the CRLF ending at one), and no decoded character holds an LF byte, so
 * memchr finds it (issue 23: comments are a third of a big file).
 */
static void skip_past_lf(struct parser *p)
{
	const unsigned char *q = memchr(p->src.s + p->i, '\n', p->src.end - p->i);

	p->i = q ? (size_t)(q - p->src.s) + 1 : p->src.end;
	p->half = false;
}

/*
 * The bytes of w below 0x0E (LF, CR and the controls before them) flagged
 * in their top bits; the lowest flag is exact (a borrow only flags bytes
 * above a true one), so the first such byte is found at once.
 */
static uint64_t low_bytes(uint64_t w)
{
	return (w - 0x0E0E0E0E0E0E0E0Eu) & ~w & 0x8080808080808080u;
}

/* Physical line of text offset o (as ini_line_of counts), moving forward only. */
static unsigned lineno_at(struct parser *p, size_t o)
{
	const char *s = p->doc->text.s;
	size_t len = p->doc->text.len;

	size_t i = p->line_at;
	unsigned n = p->lineno;

	while (i < o) {
		unsigned char c;
		uint64_t w, m;

		/* Eight bytes a test, to the first that may end a line (issue 23). */
		if (o - i >= 8) {
			memcpy(&w, s + i, 8);
			m = low_bytes(w);
			if (!m) {
				i += 8;
				continue;
			}
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			i += (size_t)__builtin_ctzll(m) / 8;	/* s[i] is that byte */
#endif
		}
		c = (unsigned char)s[i];
		if (c == '\n' || (c == '\r' && (i + 1 >= len || s[i + 1] != '\n')))
			n++;
		i++;
	}
	p->line_at = i;
	p->lineno = n;
	return n;
}

/*
 * Blanks, letters and digits are ASCII, so always units of their own: their
 * runs are read straight from the bytes (and no decoded unit is one).
 */
static void skip_blanks(struct parser *p)
{
	while (p->i < p->src.end && is_blank(p->src.s[p->i]))
		p->i++;
}

/* The letters and digits at the cursor appended to the key, and passed. */
static void take_alnum(struct parser *p)
{
	size_t from = p->i;

	while (p->i < p->src.end && is_alnum(p->src.s[p->i]))
		p->i++;
	buf_add(&p->key, p->src.s + from, p->i - from);
}

/* After a value, a header or nothing, WSL's line ends at LF, CR or CRLF. */
static void end_line(struct parser *p)
{
	unsigned c = at(p);

	if (c == '\n') {
		step(p);
	} else if (c == '\r') {
		step(p);
		if (at(p) == '\n')
			step(p);
	}
}

/* From a '#', WSL reads to the first LF: a CR does not end a comment (304-326). */
static void skip_comment(struct parser *p)
{
	skip_past_lf(p);
}

/* WSL's InvalidLine (814-825): from the character read last, on to the first LF. */
static void skip_invalid(struct parser *p, unsigned c)
{
	if (c != '\n' && c != UNIT_EOF)
		skip_past_lf(p);
}

/* The character at the cursor is wrong: WSL reads it, then skips the line. */
static int invalid(struct parser *p, struct ini_line *l, const char *msg)
{
	l->type = INI_INVALID;
	l->errpos = off(p);
	l->error = pool_str(p, msg, strlen(msg));
	skip_invalid(p, next(p));
	return -1;
}

static int parse_header(struct parser *p, struct ini_line *l)
{
	unsigned c;

	step(p);	/* '[' */
	/* Failing here leaves WSL's key buffer alone: the section stays (456-478). */
	if (!is_alpha(at(p)))
		return invalid(p, l, "Invalid section name");
	buf_reset(&p->key);
	take_alnum(p);
	if (at(p) != ']')
		return invalid(p, l, "Expected ']'");
	step(p);
	skip_blanks(p);
	c = at(p);
	if (c == '#')
		skip_comment(p);
	else if (c == '\n' || c == '\r' || c == UNIT_EOF)
		end_line(p);
	else
		return invalid(p, l, "Expected ' ' or '\\n'");
	l->type = INI_SECTION;
	l->section = pool_str(p, p->key.s, p->key.len);	/* letters and digits only */
	p->seclen = p->key.len;
	return 0;
}

/* bs: the offset of the backslash, just read. */
static int parse_escape(struct parser *p, struct ini_line *l, struct buf *v, size_t bs)
{
	unsigned d = next(p);
	char msg[80];

	switch (d) {
	case '\\': case '"': buf_addc(v, (char)d); return 0;
	case 'b': buf_addc(v, '\b'); return 0;
	case 'n': buf_addc(v, '\n'); return 0;
	case 't': buf_addc(v, '\t'); return 0;
	case '\r':	/* dropped, and the value goes on (712-713) */
	case '\n':	/* continuation: the next line's leading blanks are kept */
		return 0;
	}
	if (d == UNIT_EOF && p->doc->kind == INI_WSLCONF) {
		/* init formats WEOF as a character and throws; Windows just warns. */
		p->doc->lone_backslash = true;
		snprintf(msg, sizeof(msg), "File ends in a backslash");
	} else if (d == UNIT_EOF) {
		snprintf(msg, sizeof(msg), "Invalid escaped character: the file ends in a backslash");
	} else if (d < 0x80) {
		snprintf(msg, sizeof(msg), "Invalid escaped character: '%c'", (char)d);
	} else {
		snprintf(msg, sizeof(msg), "Invalid escaped character: U+%04X", d);
	}
	l->type = INI_INVALID;
	l->errpos = bs;
	l->error = pool_str(p, msg, strlen(msg));
	skip_invalid(p, '\\');
	return -1;
}

/*
 * What a byte is to plain_run: plain ASCII, a blank, or one it stops at
 * (0, so that every byte not listed, all of 0x80-0xFF, goes the slow way).
 */
enum { STOP, BLANK, PLAIN };
#define P PLAIN
#define P16 P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, P
static const unsigned char value_byte[256] = {
	P, P, P, P, P, P, P, P, P, BLANK, STOP, P, P, STOP, P, P,	/* 0x00: \t \n \r */
	P16,
	BLANK, P, STOP, STOP, P, P, P, P, P, P, P, P, P, P, P, P,	/* 0x20: ' ' '"' '#' */
	P16, P16,
	P, P, P, P, P, P, P, P, P, P, P, P, STOP, P, P, P,		/* 0x50: '\\' */
	P16, P16,
};
#undef P16
#undef P

/*
 * A run of ASCII that is nothing but itself in a value, taken at once
 * (issue 23: a value cost a dozen tests a character): the same bytes, trim
 * point and raw end as the loop in parse_value would give.  False if none.
 */
static bool plain_run(struct parser *p, struct buf *v, size_t *trim, size_t *raw_end)
{
	const unsigned char *s = p->src.s;
	size_t i = p->i, last = (size_t)-1;

	for (; i < p->src.end && value_byte[s[i]] != STOP; i++)
		if (value_byte[s[i]] == PLAIN)
			last = i;	/* blanks do not move the trim point */
	if (i == p->i)
		return false;
	buf_add(v, s + p->i, i - p->i);
	if (last != (size_t)-1) {
		*trim = v->len - (i - last - 1);
		*raw_end = last + 1;
	}
	p->i = i;
	return true;
}

static int parse_value(struct parser *p, struct ini_line *l)
{
	struct buf *v = &p->val;
	size_t trim = 0, raw_end, o;
	bool quoted = false;
	unsigned c;

	buf_reset(v);
	skip_blanks(p);
	l->val_begin = raw_end = off(p);
	while ((c = at(p)) != UNIT_EOF && c != '\n' && c != '\r') {
		if (plain_run(p, v, &trim, &raw_end))
			continue;
		if (c == '#' && !quoted) {
			l->comment = off(p);
			skip_comment(p);
			goto done;
		}
		o = off(p);
		step(p);
		if (c == '"') {
			quoted = !quoted;
		} else if (c == '\\') {
			if (parse_escape(p, l, v, o) < 0)
				return -1;
		} else {
			addc(v, (char)(c & 0xFF));	/* static_cast<char> (749) */
			if (c >= 0x80 && p->doc->kind == INI_WSLCONFIG)
				l->value_lossy = true;
		}
		/* Any non-blank, a quote or a backslash too, moves the trim point (755-758). */
		if (!is_blank(c)) {
			trim = v->len;
			raw_end = off(p);
		}
	}
	if (quoted)
		return invalid(p, l, "Expected '\"'");
	end_line(p);
done:
	l->val_end = raw_end;
	l->value_len = v->s ? strnlen(v->s, trim) : 0;	/* c_str() (802) */
	l->value = pool_str(p, v->s, l->value_len);
	l->value_cut = l->value_len < trim;
	return 0;
}

static int parse_entry(struct parser *p, struct ini_line *l)
{
	/* WSL: the key buffer resized (NUL-padded) to the last valid header's length, '.', the key. */
	if (p->key.len > p->seclen)
		p->key.len = p->seclen;
	while (p->key.len < p->seclen)
		buf_addc(&p->key, '\0');
	if (p->seclen)
		buf_addc(&p->key, '.');
	l->key_begin = off(p);
	take_alnum(p);
	l->key_end = off(p);
	skip_blanks(p);
	if (at(p) != '=')
		return invalid(p, l, "Expected '='");
	step(p);
	if (parse_value(p, l) < 0)
		return -1;
	l->name = pool_str(p, p->key.s, strlen(p->key.s));	/* c_str(): up to a NUL of the padding */
	l->type = INI_ENTRY;
	return 0;
}

static void parse_line(struct parser *p, struct ini_line *l)
{
	unsigned c;

	memset(l, 0, sizeof(*l));
	l->begin = off(p);
	l->lineno = lineno_at(p, l->begin);
	l->comment = INI_NO_COMMENT;
	l->header = p->header;
	skip_blanks(p);
	c = at(p);
	if (c == UNIT_EOF || c == '\n' || c == '\r') {
		l->type = INI_BLANK;
		end_line(p);
	} else if (c == '#') {
		l->type = INI_COMMENT;
		skip_comment(p);
	} else if (c == '[') {
		if (parse_header(p, l) < 0)
			l->bad_header = true;
	} else if (is_alpha(c)) {
		(void)parse_entry(p, l);
	} else {
		(void)invalid(p, l, "Invalid key name");
	}
	l->end = off(p);
}

/* What the parser reads; take (or NULL): a buffer of these bytes to use as they are. */
static bool decode_text(struct ini_doc *doc, const char *data, size_t len, struct buf *take)
{
	const unsigned char *u = (const unsigned char *)data;

	doc->enc = ENC_UTF8;
	/* Only the Windows CRT looks at BOMs; on Linux they are line-1 bytes. */
	if (doc->kind == INI_WSLCONFIG && len >= 2 && u[0] == 0xFE && u[1] == 0xFF) {
		doc->enc = ENC_UTF16BE;	/* _wfopen fails: kept as bytes, never read */
	} else if (doc->kind == INI_WSLCONFIG && len >= 2 && u[0] == 0xFF && u[1] == 0xFE) {
		doc->enc = ENC_UTF16LE;
		/* The CRT reads whole units: an odd last byte is never seen. */
		doc->odd_byte = len % 2 == 1;
		doc->odd = doc->odd_byte ? u[len - 1] : 0;
		(void)utf16le_to_wtf8(u + 2, len - 2 - doc->odd_byte, &doc->text);
		return false;
	} else if (doc->kind == INI_WSLCONFIG && len >= 3 && u[0] == 0xEF && u[1] == 0xBB &&
		   u[2] == 0xBF) {
		doc->enc = ENC_UTF8_BOM;
		data += 3;
		len -= 3;
	}
	if (take && doc->enc == ENC_UTF8 && !doc->text.s) {
		doc->text = *take;
		*take = (struct buf)BUF_INIT;
		return true;
	}
	buf_add(&doc->text, data, len);
	return false;
}

static struct ini_line *new_line(struct ini_doc *doc, size_t *alloc)
{
	if (doc->nlines == *alloc) {
		*alloc = *alloc ? *alloc * 2 : 32;
		doc->lines = xrealloc(doc->lines, *alloc * sizeof(*doc->lines));
	}
	return &doc->lines[doc->nlines];
}

/* The bytes WSL never reads (after Ctrl-Z, a failed read, or all of a UTF-16BE file). */
static void add_unread(struct parser *p, size_t from, size_t *alloc)
{
	struct ini_doc *doc = p->doc;
	struct ini_line *l;

	if (from >= doc->text.len && doc->enc != ENC_UTF16BE)
		return;
	l = new_line(doc, alloc);
	memset(l, 0, sizeof(*l));
	l->type = INI_UNREAD;
	l->begin = from;
	l->end = doc->text.len;
	l->lineno = lineno_at(p, from);
	l->comment = INI_NO_COMMENT;
	l->header = p->header;
	l->ignored = true;
	doc->stop = (long)doc->nlines++;
}

static void load(struct ini_doc *doc, enum ini_kind kind)
{
	struct parser p = { .doc = doc, .key = BUF_INIT, .val = BUF_INIT, .header = -1, .lineno = 1 };
	size_t alloc = 0;

	buf_grow(&doc->text, 0);	/* never NULL, even for an empty file */
	if (doc->text.len > UINT32_MAX - 2)
		abort();	/* offsets are 32 bits: never a file wslbridge reads */
	buf_addc(&p.key, '\0');	/* std::string key = {0} */
	if (doc->enc == ENC_UTF16BE) {
		add_unread(&p, 0, &alloc);
		buf_release(&p.key);
		return;
	}
	ini_src_init(&p.src, kind == INI_WSLCONFIG, doc->enc == ENC_UTF16LE, doc->text.s,
		     doc->text.len);
	p.bytes = p.src.mode == SRC_BYTES;
	doc->stop_why = p.src.why;
	while (at(&p) != UNIT_EOF) {
		struct ini_line *l = new_line(doc, &alloc);

		parse_line(&p, l);
		l->ignored = doc->stop >= 0;
		if (l->type == INI_SECTION)
			p.header = (long)doc->nlines;
		if (l->type == INI_INVALID && kind == INI_WSLCONF && doc->stop < 0)
			doc->stop = (long)doc->nlines;	/* wsl.conf: init stops here */
		if (l->bad_header)
			p.header = (long)doc->nlines;
		doc->nlines++;
	}
	add_unread(&p, p.src.end, &alloc);
	buf_release(&p.key);
	buf_release(&p.val);
}

int ini_load(struct ini_doc *doc, enum ini_kind kind, const char *data, size_t len)
{
	doc->kind = kind;
	doc->stop = -1;
	(void)decode_text(doc, data, len, NULL);
	load(doc, kind);
	return 0;
}

bool ini_load_buf(struct ini_doc *doc, enum ini_kind kind, struct buf *text)
{
	bool taken;

	doc->kind = kind;
	doc->stop = -1;
	taken = decode_text(doc, text->s, text->len, text);
	load(doc, kind);
	return taken;
}

void ini_release(struct ini_doc *doc)
{
	strpool_release(&doc->strings);
	free(doc->lines);
	buf_release(&doc->text);
	doc->lines = NULL;
	doc->nlines = 0;
	doc->stop = -1;
	doc->lone_backslash = false;
	doc->stop_why = 0;
	doc->odd_byte = false;
}
