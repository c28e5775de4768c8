/* SPDX-License-Identifier: MIT */
/*
 * wsl-model.h - a second, deliberately naive model of WSL's parser for the
 * differential tests: one character at a time, in the order of WSL's
 * ParseConfigFile (configfile.cpp at 3e27a6a5, parse mode only), with a
 * single key buffer and the same jumps.  It shares nothing with ini.c but
 * the character stream (ini-stream.c: what the CRT hands to fgetwc), and
 * records what SetConfig() would receive, first occurrence first.
 */
#ifndef WB_WSL_MODEL_H
#define WB_WSL_MODEL_H

#include "conf/ini.h"
#include "conf/ini-stream.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct model {
	char *name[256], *value[256];
	size_t n;
	bool threw;		/* wsl.conf ending in a backslash: init throws */
};

struct model_in {
	const struct ini_stream *st;
	size_t i;
	bool eof;
};

static inline unsigned m_get(struct model_in *in)
{
	if (in->i < in->st->n)
		return in->st->u[in->i++];
	in->eof = true;
	return UNIT_EOF;
}

static inline bool m_blank(unsigned c) { return c == ' ' || c == '\t'; }
static inline bool m_alpha(unsigned c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }
static inline bool m_alnum(unsigned c) { return m_alpha(c) || (c >= '0' && c <= '9'); }

/* SetConfig: the first occurrence of a key (aliases folded) wins. */
static inline void m_set(struct model *m, enum ini_kind k, const char *name, const char *value)
{
	for (size_t i = 0; i < m->n; i++)
		if (keys_same(k, m->name[i], name))
			return;
	if (m->n < 256) {
		m->name[m->n] = xstrdup(name);
		m->value[m->n++] = xstrdup(value);
	}
}

/* Value after '=': 0 to go on, 1 for an invalid line, -1 when init throws. */
static inline int m_value(struct model_in *in, enum ini_kind k, unsigned *pch, struct buf *v)
{
	unsigned ch = *pch;
	size_t trim = 0;
	bool q = false;

	while (ch != UNIT_EOF && ch != '\n' && ch != '\r') {
		if (ch == '"') {
			q = !q;
		} else if (ch == '\\') {
			unsigned c2 = m_get(in);

			if (c2 == '\\' || c2 == '"')
				buf_addc(v, (char)c2);
			else if (c2 == 'b' || c2 == 'n' || c2 == 't')
				buf_addc(v, c2 == 'b' ? '\b' : c2 == 'n' ? '\n' : '\t');
			else if (c2 != '\r' && c2 != '\n') {
				*pch = '\\';	/* WSL skips the rest of the line from here */
				return c2 == UNIT_EOF && k == INI_WSLCONF ? -1 : 1;
			}
		} else if (ch == '#' && !q) {
			break;
		} else {
			buf_addc(v, (char)(ch & 0xFF));
		}
		if (!m_blank(ch))
			trim = v->len;
		ch = m_get(in);
	}
	*pch = ch;
	if (q)
		return 1;
	v->len = trim;
	v->s[trim] = '\0';
	return 0;
}

static inline void wsl_model(enum ini_kind k, const struct ini_stream *st, struct model *m)
{
	struct model_in in = { st, 0, false };
	struct buf key = BUF_INIT, v = BUF_INIT;
	size_t seclen = 0;
	unsigned ch = 0;
	int r;

	memset(m, 0, sizeof(*m));
	buf_addc(&key, '\0');
	for (;;) {
newline:
		if (ch == '#')
			do
				ch = m_get(&in);
			while (ch != '\n' && ch != UNIT_EOF);
		if (in.eof)
			break;
		do
			ch = m_get(&in);
		while (m_blank(ch));
		if (ch == '\r') {
			if (m_get(&in) != '\n' && !in.eof)
				in.i--;
			continue;
		}
		if (ch == UNIT_EOF || ch == '\n' || ch == '#')
			continue;
		if (ch == '[') {
			ch = m_get(&in);
			if (!m_alpha(ch))
				goto invalid;
			buf_reset(&key);
			do {
				buf_addc(&key, (char)ch);
				ch = m_get(&in);
			} while (m_alnum(ch));
			if (ch != ']')
				goto invalid;
			do
				ch = m_get(&in);
			while (m_blank(ch));
			if (ch != UNIT_EOF && ch != '\n' && ch != '\r' && ch != '#')
				goto invalid;
			seclen = key.len;
			continue;
		}
		if (!m_alpha(ch))
			goto invalid;
		key.len = key.len < seclen ? key.len : seclen;
		while (key.len < seclen)
			buf_addc(&key, '\0');
		if (seclen)
			buf_addc(&key, '.');
		do {
			buf_addc(&key, (char)ch);
			ch = m_get(&in);
		} while (m_alnum(ch));
		while (m_blank(ch))
			ch = m_get(&in);
		if (ch != '=')
			goto invalid;
		do
			ch = m_get(&in);
		while (m_blank(ch));
		buf_reset(&v);
		buf_grow(&v, 1);
		r = m_value(&in, k, &ch, &v);
		if (r < 0) {
			m->threw = true;
			break;
		}
		if (r > 0)
			goto invalid;
		m_set(m, k, key.s, v.s);
		continue;
invalid:
		if (k == INI_WSLCONF)
			break;	/* init does not pass CFG_SKIP_INVALID_LINES */
		while (ch != UNIT_EOF && ch != '\n')
			ch = m_get(&in);
		goto newline;
	}
	buf_release(&key);
	buf_release(&v);
}

/* The model's value for name (first occurrence, aliases folded), or NULL. */
static inline const char *model_value(const struct model *m, enum ini_kind k, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (keys_same(k, m->name[i], name))
			return m->value[i];
	return NULL;
}

static inline void model_free(struct model *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->name[i]);
		free(m->value[i]);
	}
	m->n = 0;
}

/* Run the model on raw file bytes, decoding them as the doc's loader does. */
static inline void model_of_bytes(enum ini_kind k, const char *data, size_t len, struct model *m)
{
	struct ini_doc d = INI_DOC_INIT;
	struct ini_stream st;

	(void)ini_load(&d, k, data, len);
	if (d.enc == ENC_UTF16BE) {
		memset(m, 0, sizeof(*m));	/* the CRT cannot open it */
	} else {
		ini_stream_build(k == INI_WSLCONFIG, d.enc == ENC_UTF16LE, d.text.s, d.text.len, &st);
		wsl_model(k, &st, m);
		ini_stream_free(&st);
	}
	ini_release(&d);
}

#endif
