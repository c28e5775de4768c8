/* SPDX-License-Identifier: MIT */
/*
 * ini.c - the reader (see ini.h).  One pass over the bytes with a cursor,
 * mirroring WSL's character-by-character parser; each logical line becomes
 * a struct ini_line with its spans, so the editor never re-tokenises.
 */
#include "conf/ini.h"
#include "conf/ini-stream.h"
#include "base/textcodec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct parser {
	struct ini_doc *doc;
	struct ini_src src;	/* what fgetwc() gives WSL, decoded as the cursor moves */
	size_t pos;		/* index of the cursor's unit in the whole stream */
	size_t base, n;		/* the window holds units [base, base + n) */
	uint16_t u[4096];
	uint32_t off[4096];
	struct buf key;		/* WSL's key buffer, NULs included */
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

static bool is_blank(unsigned c) { return c == ' ' || c == '\t'; }
static bool is_alpha(unsigned c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_alnum(unsigned c) { return is_alpha(c) || (c >= '0' && c <= '9'); }

/*
 * The window moves on when the cursor reaches its end, keeping the unit
 * before the cursor (a backslash's offset is read after it is consumed).
 */
__attribute__((noinline)) static bool more(struct parser *p)
{
	size_t cap = sizeof(p->u) / sizeof(*p->u);

	if (p->src.i >= p->src.end)
		return false;
	if (p->n) {
		p->u[0] = p->u[p->n - 1];
		p->off[0] = p->off[p->n - 1];
		p->base += p->n - 1;
		p->n = 1;
	}
	p->n += ini_src_fill(&p->src, p->u + p->n, p->off + p->n, cap - p->n);
	return true;
}

/* Inlined everywhere: only moving the window is a call, once per 4095 units. */
static inline unsigned at(struct parser *p)
{
	if (p->pos - p->base >= p->n && !more(p))
		return UNIT_EOF;
	return p->u[p->pos - p->base];
}

static size_t off(struct parser *p)
{
	return at(p) == UNIT_EOF ? p->src.end : p->off[p->pos - p->base];
}

/* fgetwc(): the next character, consumed. */
static unsigned next(struct parser *p)
{
	unsigned c = at(p);

	if (c != UNIT_EOF)
		p->pos++;
	return c;
}

/* Physical line of text offset o (as ini_line_of counts), moving forward only. */
static unsigned lineno_at(struct parser *p, size_t o)
{
	const char *s = p->doc->text.s;
	size_t len = p->doc->text.len;

	size_t i = p->line_at;
	unsigned n = p->lineno;

	for (; i < o; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c > '\r')
			continue;	/* one test for almost every byte (issue 23) */
		if (c == '\n' || (c == '\r' && (i + 1 >= len || s[i + 1] != '\n')))
			n++;
	}
	p->line_at = i;
	p->lineno = n;
	return n;
}

static void skip_blanks(struct parser *p)
{
	while (is_blank(at(p)))
		p->pos++;
}

/* After a value, a header or nothing, WSL's line ends at LF, CR or CRLF. */
static void end_line(struct parser *p)
{
	unsigned c = at(p);

	if (c == '\n') {
		p->pos++;
	} else if (c == '\r') {
		p->pos++;
		if (at(p) == '\n')
			p->pos++;
	}
}

/* From a '#', WSL reads to the first LF: a CR does not end a comment (304-326). */
static void skip_comment(struct parser *p)
{
	unsigned c;

	do
		c = next(p);
	while (c != '\n' && c != UNIT_EOF);
}

/* WSL's InvalidLine (814-825): from the character read last, on to the first LF. */
static void skip_invalid(struct parser *p, unsigned c)
{
	while (c != '\n' && c != UNIT_EOF)
		c = next(p);
}

/* The character at the cursor is wrong: WSL reads it, then skips the line. */
static int invalid(struct parser *p, struct ini_line *l, const char *msg)
{
	l->type = INI_INVALID;
	l->errpos = off(p);
	l->error = xstrdup(msg);
	skip_invalid(p, next(p));
	return -1;
}

static int parse_header(struct parser *p, struct ini_line *l)
{
	unsigned c;

	p->pos++;	/* '[' */
	/* Failing here leaves WSL's key buffer alone: the section stays (456-478). */
	if (!is_alpha(at(p)))
		return invalid(p, l, "Invalid section name");
	buf_reset(&p->key);
	while (is_alnum(at(p)))
		buf_addc(&p->key, (char)next(p));
	if (at(p) != ']')
		return invalid(p, l, "Expected ']'");
	p->pos++;
	skip_blanks(p);
	c = at(p);
	if (c == '#')
		skip_comment(p);
	else if (c == '\n' || c == '\r' || c == UNIT_EOF)
		end_line(p);
	else
		return invalid(p, l, "Expected ' ' or '\\n'");
	l->type = INI_SECTION;
	l->section = xstrndup(p->key.s, p->key.len);
	p->seclen = p->key.len;
	return 0;
}

static int parse_escape(struct parser *p, struct ini_line *l, struct buf *v)
{
	size_t bs = p->off[p->pos - 1 - p->base];
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
	l->error = xstrdup(msg);
	skip_invalid(p, '\\');
	return -1;
}

static int parse_value(struct parser *p, struct ini_line *l)
{
	struct buf v = BUF_INIT;
	size_t trim = 0, raw_end;
	bool quoted = false;
	unsigned c;

	skip_blanks(p);
	l->val_begin = raw_end = off(p);
	while ((c = at(p)) != UNIT_EOF && c != '\n' && c != '\r') {
		if (c == '#' && !quoted) {
			l->comment = off(p);
			skip_comment(p);
			goto done;
		}
		p->pos++;
		if (c == '"') {
			quoted = !quoted;
		} else if (c == '\\') {
			if (parse_escape(p, l, &v) < 0) {
				buf_release(&v);
				return -1;
			}
		} else {
			addc(&v, (char)(c & 0xFF));	/* static_cast<char> (749) */
			if (c >= 0x80 && p->doc->kind == INI_WSLCONFIG)
				l->value_lossy = true;
		}
		/* Any non-blank, a quote or a backslash too, moves the trim point (755-758). */
		if (!is_blank(c)) {
			trim = v.len;
			raw_end = off(p);
		}
	}
	if (quoted) {
		buf_release(&v);
		return invalid(p, l, "Expected '\"'");
	}
	end_line(p);
done:
	l->val_end = raw_end;
	l->value = buf_detach(&v, NULL);
	l->value[trim] = '\0';
	l->value_len = strlen(l->value);	/* c_str() (802) */
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
	while (is_alnum(at(p)))
		addc(&p->key, (char)next(p));
	l->key_end = off(p);
	skip_blanks(p);
	if (at(p) != '=')
		return invalid(p, l, "Expected '='");
	p->pos++;
	if (parse_value(p, l) < 0)
		return -1;
	l->name = xstrdup(p->key.s);	/* c_str(): up to a NUL of the padding */
	l->type = INI_ENTRY;
	return 0;
}

static void parse_line(struct parser *p, struct ini_line *l)
{
	unsigned c;

	memset(l, 0, sizeof(*l));
	l->begin = off(p);
	l->lineno = lineno_at(p, l->begin);
	l->comment = (size_t)-1;
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

static void decode_text(struct ini_doc *doc, const char *data, size_t len)
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
		return;
	} else if (doc->kind == INI_WSLCONFIG && len >= 3 && u[0] == 0xEF && u[1] == 0xBB &&
		   u[2] == 0xBF) {
		doc->enc = ENC_UTF8_BOM;
		data += 3;
		len -= 3;
	}
	buf_add(&doc->text, data, len);
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
	l->comment = (size_t)-1;
	l->header = p->header;
	l->ignored = true;
	doc->stop = (long)doc->nlines++;
}

int ini_load(struct ini_doc *doc, enum ini_kind kind, const char *data, size_t len)
{
	struct parser p = { .doc = doc, .key = BUF_INIT, .header = -1, .lineno = 1 };
	size_t alloc = 0;

	doc->kind = kind;
	doc->stop = -1;
	decode_text(doc, data, len);
	buf_grow(&doc->text, 0);	/* never NULL, even for an empty file */
	buf_addc(&p.key, '\0');	/* std::string key = {0} */
	if (doc->enc == ENC_UTF16BE) {
		add_unread(&p, 0, &alloc);
		buf_release(&p.key);
		return 0;
	}
	ini_src_init(&p.src, kind == INI_WSLCONFIG, doc->enc == ENC_UTF16LE, doc->text.s,
		     doc->text.len);
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
	return 0;
}

void ini_release(struct ini_doc *doc)
{
	for (size_t i = 0; i < doc->nlines; i++) {
		free(doc->lines[i].section);
		free(doc->lines[i].name);
		free(doc->lines[i].value);
		free(doc->lines[i].error);
	}
	free(doc->lines);
	buf_release(&doc->text);
	doc->lines = NULL;
	doc->nlines = 0;
	doc->stop = -1;
	doc->lone_backslash = false;
	doc->stop_why = 0;
	doc->odd_byte = false;
}

int ini_encode(const struct ini_doc *doc, const char *text, size_t len, struct buf *out)
{
	struct buf tmp = BUF_INIT;
	int r = 0;

	buf_reset(out);
	switch (doc->enc) {
	case ENC_UTF8:
		buf_add(out, text, len);
		break;
	case ENC_UTF8_BOM:
		buf_add(out, "\xEF\xBB\xBF", 3);
		buf_add(out, text, len);
		break;
	case ENC_UTF16LE:
		r = wtf8_to_utf16le((const unsigned char *)text, len, &tmp);
		if (r == 0) {
			buf_add(out, "\xFF\xFE", 2);
			buf_add(out, tmp.s, tmp.len);
			if (doc->odd_byte)	/* the byte the CRT never read stays */
				buf_addc(out, (char)doc->odd);
		}
		break;
	case ENC_UTF16BE:
		buf_add(out, text, len);
		break;
	}
	buf_release(&tmp);
	return r;
}

/* Cheap reject before keys_lookup: the part after the first dot must match. */
static bool key_part_is(const char *name, const char *key)
{
	const char *dot = strchr(name, '.');

	return dot && !strcasecmp(dot + 1, key);
}

long ini_find(const struct ini_doc *doc, const char *fullname)
{
	const struct key_def *def = keys_lookup(doc->kind, fullname);

	for (size_t i = 0; i < doc->nlines; i++) {
		const struct ini_line *l = &doc->lines[i];

		if (l->type != INI_ENTRY || l->ignored)
			continue;
		if (def ? key_part_is(l->name, def->name) && keys_lookup(doc->kind, l->name) == def
			: !strcasecmp(l->name, fullname))
			return (long)i;
	}
	return -1;
}

const char *ini_value(const struct ini_doc *doc, const char *fullname)
{
	long at = ini_find(doc, fullname);

	return at >= 0 ? doc->lines[at].value : NULL;
}

const char *ini_stop_reason(const struct ini_doc *doc)
{
	if (doc->kind != INI_WSLCONFIG || doc->stop < 0)
		return "";
	if (doc->enc == ENC_UTF16BE)
		return " (a UTF-16BE file: Windows cannot open it)";
	if (doc->stop_why == STOP_CTRLZ)
		return " (a Ctrl-Z character, which ends the file for Windows)";
	return " (bytes that are not UTF-8 where Windows reads the file in pieces, "
	       "so the read fails)";
}

unsigned ini_line_of(const struct ini_doc *doc, size_t pos, unsigned *ret_col)
{
	unsigned line = 1;
	size_t start = 0;

	for (size_t i = 0; i < pos && i < doc->text.len; i++) {
		char c = doc->text.s[i];

		if (c == '\n' || (c == '\r' && (i + 1 >= doc->text.len || doc->text.s[i + 1] != '\n'))) {
			line++;
			start = i + 1;
		}
	}
	if (ret_col)
		*ret_col = (unsigned)(pos - start) + 1;
	return line;
}

const char *ini_line_terminator(const struct ini_doc *doc, const struct ini_line *l)
{
	const char *s = doc->text.s;

	if (l->end >= 2 && l->end - 2 >= l->begin && s[l->end - 2] == '\r' && s[l->end - 1] == '\n')
		return "\r\n";
	if (l->end >= 1 && l->end - 1 >= l->begin && s[l->end - 1] == '\n')
		return "\n";
	if (l->end >= 1 && l->end - 1 >= l->begin && s[l->end - 1] == '\r')
		return "\r";
	return "";
}
