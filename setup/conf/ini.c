/* SPDX-License-Identifier: MIT */
/*
 * ini.c - the reader (see ini.h).  One pass over the bytes with a cursor,
 * mirroring WSL's character-by-character parser; each logical line becomes
 * a struct ini_line with its spans, so the editor never re-tokenises.
 */
#include "conf/ini.h"
#include "base/textcodec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct parser {
	struct ini_doc *doc;
	const char *s;
	size_t len, pos;
	unsigned lineno;
	struct buf sec;		/* WSL's key buffer: the section part */
	size_t seclen;		/* kept from the last *valid* header */
	long header;
};

static bool is_blank(char c) { return c == ' ' || c == '\t'; }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_alnum(char c) { return is_alpha(c) || (c >= '0' && c <= '9'); }

/* Length of the line terminator at pos: CRLF counts as one, so does a lone CR. */
static size_t nl_at(const struct parser *p, size_t pos)
{
	if (pos >= p->len)
		return 0;
	if (p->s[pos] == '\n')
		return 1;
	if (p->s[pos] == '\r')
		return pos + 1 < p->len && p->s[pos + 1] == '\n' ? 2 : 1;
	return 0;
}

static void skip_blanks(struct parser *p)
{
	while (p->pos < p->len && is_blank(p->s[p->pos]))
		p->pos++;
}

/* Move past the rest of the physical line and its terminator. */
static void finish_line(struct parser *p)
{
	size_t n;

	while (p->pos < p->len && !nl_at(p, p->pos))
		p->pos++;
	n = nl_at(p, p->pos);
	if (n) {
		p->pos += n;
		p->lineno++;
	}
}

static int fail(struct parser *p, struct ini_line *l, const char *msg)
{
	l->type = INI_INVALID;
	l->errpos = p->pos;
	l->error = xstrdup(msg);
	return -1;
}

static int parse_header(struct parser *p, struct ini_line *l)
{
	char c;

	p->pos++;	/* '[' */
	buf_reset(&p->sec);	/* WSL overwrites its key buffer from here on */
	if (p->pos >= p->len || !is_alpha(p->s[p->pos]))
		return fail(p, l, "Invalid section name");
	while (p->pos < p->len && is_alnum(p->s[p->pos]))
		buf_addc(&p->sec, p->s[p->pos++]);
	c = p->pos < p->len ? p->s[p->pos] : '\n';
	if (c != ']')
		return fail(p, l, nl_at(p, p->pos) || p->pos >= p->len ?
				  "Expected ']'" : "Invalid section name");
	p->pos++;
	skip_blanks(p);
	if (p->pos < p->len && !nl_at(p, p->pos) && p->s[p->pos] != '#')
		return fail(p, l, "Expected ' ' or '\\n'");
	l->type = INI_SECTION;
	l->section = xstrndup(p->sec.s, p->sec.len);
	p->seclen = p->sec.len;
	return 0;
}

/* Append one character of a value as WSL's 8-bit string sees it. */
static void take_char(struct parser *p, struct buf *v)
{
	const unsigned char *u = (const unsigned char *)p->s + p->pos;

	if (p->doc->kind == INI_WSLCONFIG && u[0] >= 0x80) {
		size_t n;
		/* The CRT decodes UTF-8; WSL keeps static_cast<char>(wchar). */
		unsigned cp = utf8_decode(u, p->len - p->pos, &n);

		buf_addc(v, (char)(cp & 0xFF));
		p->pos += n;
		return;
	}
	buf_addc(v, p->s[p->pos++]);
}

/* Length of the run of plain ASCII value bytes at the cursor. */
static size_t plain_run(const struct parser *p)
{
	size_t n = 0;

	for (const char *c = p->s + p->pos; p->pos + n < p->len; c++, n++) {
		unsigned char u = (unsigned char)*c;

		if (u >= 0x80 || u == '"' || u == '\\' || u == '#' || u == '\n' || u == '\r' ||
		    u == ' ' || u == '\t')
			break;
	}
	return n;
}

static int parse_escape(struct parser *p, struct ini_line *l, struct buf *v,
			size_t *raw_end, size_t *trim)
{
	char d;

	p->pos++;	/* the backslash */
	if (p->pos >= p->len) {
		p->doc->lone_backslash = true;
		return fail(p, l, "File ends in a backslash");
	}
	d = p->s[p->pos];
	if (d == '\r' && p->doc->kind == INI_WSLCONFIG && nl_at(p, p->pos) == 2)
		d = '\n';	/* the CRT turned CRLF into LF before WSL saw it */
	switch (d) {
	case '\\': case '"': buf_addc(v, d); break;
	case 'b': buf_addc(v, '\b'); break;
	case 'n': buf_addc(v, '\n'); break;
	case 't': buf_addc(v, '\t'); break;
	case '\r':	/* dropped; on Linux the LF after it then ends the line */
		*raw_end = p->pos;
		return 0;
	case '\n':	/* continuation: the next line's leading blanks are kept */
		p->pos += nl_at(p, p->pos);
		p->lineno++;
		*raw_end = p->pos;
		return 0;
	default: {
		char msg[64];

		p->pos--;
		snprintf(msg, sizeof(msg), "Invalid escaped character: '%c'", d);
		return fail(p, l, msg);
	}
	}
	p->pos++;
	*trim = v->len;
	*raw_end = p->pos;
	return 0;
}

static int parse_value(struct parser *p, struct ini_line *l)
{
	struct buf v = BUF_INIT;
	size_t trim = 0, raw_end;
	bool quoted = false;

	skip_blanks(p);
	l->val_begin = raw_end = p->pos;
	for (;;) {
		char c;

		if (p->pos >= p->len || nl_at(p, p->pos)) {
			if (quoted) {
				buf_release(&v);
				return fail(p, l, "Expected '\"'");
			}
			break;
		}
		c = p->s[p->pos];
		if (c == '#' && !quoted) {
			l->comment = p->pos;
			break;
		}
		if (c == '"') {
			quoted = !quoted;
			p->pos++;
			trim = v.len;	/* a quote is not a blank: it stops trimming */
			raw_end = p->pos;
		} else if (c == '\\') {
			if (parse_escape(p, l, &v, &raw_end, &trim) < 0) {
				buf_release(&v);
				return -1;
			}
		} else if (is_blank(c)) {
			buf_addc(&v, c);
			p->pos++;
			if (quoted) {
				trim = v.len;
				raw_end = p->pos;
			}
		} else {
			size_t run = plain_run(p);

			if (run) {	/* most values: copy the ASCII run at once */
				buf_add(&v, p->s + p->pos, run);
				p->pos += run;
			} else {
				take_char(p, &v);
			}
			trim = v.len;
			raw_end = p->pos;
		}
	}
	l->val_end = raw_end;
	l->value_len = trim;
	l->value = buf_detach(&v, NULL);
	l->value[trim] = '\0';
	return 0;
}

static int parse_entry(struct parser *p, struct ini_line *l)
{
	struct buf name = BUF_INIT;

	l->key_begin = p->pos;
	while (p->pos < p->len && is_alnum(p->s[p->pos]))
		p->pos++;
	l->key_end = p->pos;
	skip_blanks(p);
	if (p->pos >= p->len || p->s[p->pos] != '=')
		return fail(p, l, "Expected '='");
	p->pos++;
	if (parse_value(p, l) < 0)
		return -1;
	/* WSL: key buffer cut to the last valid section's length, then ".key". */
	if (p->seclen) {
		for (size_t i = 0; i < p->seclen; i++)
			buf_addc(&name, i < p->sec.len ? p->sec.s[i] : '?');
		buf_addc(&name, '.');
	}
	buf_add(&name, p->s + l->key_begin, l->key_end - l->key_begin);
	l->name = buf_detach(&name, NULL);
	l->type = INI_ENTRY;
	return 0;
}

static void parse_line(struct parser *p, struct ini_line *l)
{
	memset(l, 0, sizeof(*l));
	l->begin = p->pos;
	l->lineno = p->lineno;
	l->comment = (size_t)-1;
	l->header = p->header;
	skip_blanks(p);
	if (p->pos >= p->len || nl_at(p, p->pos)) {
		l->type = INI_BLANK;
	} else if (p->s[p->pos] == '#') {
		l->type = INI_COMMENT;
	} else if (p->s[p->pos] == '[') {
		if (parse_header(p, l) < 0)
			l->bad_header = true;
	} else if (is_alpha(p->s[p->pos])) {
		(void)parse_entry(p, l);
	} else {
		(void)fail(p, l, "Invalid key name");
	}
	finish_line(p);
	l->end = p->pos;
}

static void decode_text(struct ini_doc *doc, const char *data, size_t len, int *r)
{
	const unsigned char *u = (const unsigned char *)data;

	*r = 0;
	doc->enc = ENC_UTF8;
	/* Only the Windows CRT looks at BOMs; on Linux they are line-1 bytes. */
	if (doc->kind == INI_WSLCONFIG && len >= 2 && u[0] == 0xFF && u[1] == 0xFE) {
		doc->enc = ENC_UTF16LE;
		*r = utf16le_to_wtf8(u + 2, len - 2, &doc->text);
		return;
	}
	if (doc->kind == INI_WSLCONFIG && len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
		doc->enc = ENC_UTF8_BOM;
		data += 3;
		len -= 3;
	}
	buf_add(&doc->text, data, len);
}

int ini_load(struct ini_doc *doc, enum ini_kind kind, const char *data, size_t len)
{
	struct parser p = { doc, NULL, 0, 0, 1, BUF_INIT, 0, -1 };
	size_t alloc = 0;
	int r;

	doc->kind = kind;
	doc->stop = -1;
	decode_text(doc, data, len, &r);
	if (r < 0)
		return r;
	buf_grow(&doc->text, 0);	/* never NULL, even for an empty file */
	p.s = doc->text.s;
	p.len = doc->text.len;
	while (p.pos < p.len) {
		struct ini_line *l;

		if (doc->nlines == alloc) {
			alloc = alloc ? alloc * 2 : 32;
			doc->lines = xrealloc(doc->lines, alloc * sizeof(*doc->lines));
		}
		l = &doc->lines[doc->nlines];
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
	buf_release(&p.sec);
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
		}
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

/* One spelling per key: the table's name for known keys, else the name. */
static char *canon(enum ini_kind kind, const char *name)
{
	const struct key_def *def = keys_lookup(kind, name);
	char *c = def ? xasprintf("%s.%s", def->section, def->name) : xstrdup(name);

	for (char *p = c; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return c;
}

static size_t hash(const char *s)
{
	size_t h = 14695981039346656037u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	/* FNV's low bits are weak for names differing in digits: mix them. */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdu;
	h ^= h >> 33;
	return h;
}

static struct ini_index_slot *slot_for(const struct ini_index *idx, const char *key, size_t h)
{
	size_t i = h & (idx->cap - 1);

	/* The stored hash spares a strcmp (and a cache miss) per collision. */
	while (idx->slots[i].key && (idx->slots[i].hash != h || strcmp(idx->slots[i].key, key)))
		i = (i + 1) & (idx->cap - 1);
	return &idx->slots[i];
}

void ini_index_build(const struct ini_doc *doc, struct ini_index *idx)
{
	idx->cap = 16;
	while (idx->cap < 2 * doc->nlines + 2)
		idx->cap *= 2;
	idx->slots = xcalloc(idx->cap, sizeof(*idx->slots));
	for (size_t i = 0; i < doc->nlines; i++) {
		const struct ini_line *l = &doc->lines[i];
		struct ini_index_slot *s;
		char *key;
		size_t h;

		if (l->type != INI_ENTRY || l->ignored)
			continue;
		key = canon(doc->kind, l->name);
		h = hash(key);
		s = slot_for(idx, key, h);
		if (s->key) {
			free(key);	/* a later duplicate: the first one wins */
			continue;
		}
		s->key = key;
		s->hash = h;
		s->line = (long)i;
	}
}

long ini_index_get(const struct ini_index *idx, const struct ini_doc *doc, const char *name)
{
	char *key = canon(doc->kind, name);
	long r = ini_index_find(idx, key);

	free(key);
	return r;
}

long ini_index_find(const struct ini_index *idx, const char *folded)
{
	const struct ini_index_slot *s = slot_for(idx, folded, hash(folded));

	return s->key ? s->line : -1;
}

void ini_index_free(struct ini_index *idx)
{
	for (size_t i = 0; i < idx->cap; i++)
		free(idx->slots[i].key);
	free(idx->slots);
	idx->slots = NULL;
	idx->cap = 0;
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
