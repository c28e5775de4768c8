/* SPDX-License-Identifier: MIT */
/* diff.c - see diff.h. */
#include "base/diff.h"
#include "base/term.h"

#include <stdlib.h>
#include <string.h>

#define CONTEXT 3

struct lines {
	const char **at;	/* start of each line */
	size_t *len;		/* its length, terminator included */
	size_t n;
};

static void split(const char *s, size_t len, struct lines *l)
{
	size_t cap = 16;

	l->n = 0;
	l->at = xmalloc(cap * sizeof(*l->at));
	l->len = xmalloc(cap * sizeof(*l->len));
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (s + i)) + 1 : len - i;

		if (l->n == cap) {
			cap *= 2;
			l->at = xrealloc(l->at, cap * sizeof(*l->at));
			l->len = xrealloc(l->len, cap * sizeof(*l->len));
		}
		l->at[l->n] = s + i;
		l->len[l->n++] = n;
		i += n;
	}
}

static bool same(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	return a->len[i] == b->len[j] && !memcmp(a->at[i], b->at[j], a->len[i]);
}

/* One line of the hunk; a missing final newline is said as diff(1) says it. */
static void emit(struct buf *out, char mark, const char *s, size_t n)
{
	size_t body = n;

	while (body && (s[body - 1] == '\n' || s[body - 1] == '\r'))
		body--;
	buf_addc(out, mark);
	term_escape(out, s, body, 0);	/* diffs are shown: a file's escapes are not */
	buf_addc(out, '\n');
	if (body == n)
		buf_adds(out, "\\ No newline at end of file\n");
}

void diff_unified(const char *name, const char *a, size_t alen, const char *b, size_t blen,
		  struct buf *out)
{
	struct lines x, y;
	size_t pre = 0, suf = 0, from, ato, bto;

	split(a, alen, &x);
	split(b, blen, &y);
	while (pre < x.n && pre < y.n && same(&x, pre, &y, pre))
		pre++;
	while (suf < x.n - pre && suf < y.n - pre && same(&x, x.n - 1 - suf, &y, y.n - 1 - suf))
		suf++;
	if (pre == x.n && pre == y.n)
		goto out;
	from = pre > CONTEXT ? pre - CONTEXT : 0;
	ato = x.n - suf + (suf > CONTEXT ? CONTEXT : suf);
	bto = y.n - suf + (suf > CONTEXT ? CONTEXT : suf);
	buf_addf(out, "--- a/%s\n+++ b/%s\n@@ -%zu,%zu +%zu,%zu @@\n", name, name,
		 ato > from ? from + 1 : from, ato - from, bto > from ? from + 1 : from, bto - from);
	for (size_t i = from; i < pre; i++)
		emit(out, ' ', x.at[i], x.len[i]);
	for (size_t i = pre; i < x.n - suf; i++)
		emit(out, '-', x.at[i], x.len[i]);
	for (size_t i = pre; i < y.n - suf; i++)
		emit(out, '+', y.at[i], y.len[i]);
	for (size_t i = x.n - suf; i < ato; i++)
		emit(out, ' ', x.at[i], x.len[i]);
out:
	free(x.at); free(x.len);
	free(y.at); free(y.len);
}

void diff_print(FILE *f, const char *indent, const struct buf *d)
{
	bool start = true;

	for (size_t i = 0; i < d->len; i++) {
		unsigned char ch = (unsigned char)d->s[i];

		if (start)
			fputs(indent, f);
		start = ch == '\n';
		if (ch == '\n' || ch == '\t' || (ch >= 0x20 && ch != 0x7f))
			fputc(ch, f);
		else
			fprintf(f, "\\x%02x", ch);
	}
}
