/* SPDX-License-Identifier: MIT */
/* ini-lint.c - see ini-lint.h. */
#include "conf/ini-lint.h"
#include "conf/wsl-versions.h"

#include <stdlib.h>
#include <string.h>

void lint_add(struct lint *out, unsigned line, unsigned col, enum lint_sev sev, char *msg)
{
	struct lint_item *it;

	/* Room doubles at each power of two: linear in findings (issue 23). */
	if (!(out->n & (out->n - 1)))
		out->items = xrealloc(out->items, (out->n ? 2 * out->n : 1) * sizeof(*out->items));
	it = &out->items[out->n++];
	it->line = line;
	it->col = col;
	it->sev = sev;
	it->msg = msg;
}

static unsigned last_line(const struct ini_doc *doc)
{
	return doc->nlines ? doc->lines[doc->nlines - 1].lineno : 1;
}

static bool prev_ends_crlf_continuation(const struct ini_doc *doc, size_t i)
{
	const struct ini_line *p;

	if (i == 0)
		return false;
	p = &doc->lines[i - 1];
	return p->end >= 3 && !memcmp(doc->text.s + p->end - 3, "\\\r\n", 3);
}

static void lint_invalid(const struct ini_doc *doc, size_t i, struct lint *out)
{
	const struct ini_line *l = &doc->lines[i];
	unsigned line = l->lineno, col = 1;
	struct buf m = BUF_INIT;

	/* Walk from the line's start: ini_line_of() would rescan the file. */
	for (size_t p = l->begin; p < l->errpos; p++) {
		char c = doc->text.s[p];

		if (c == '\n' || (c == '\r' && doc->text.s[p + 1] != '\n')) {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	buf_adds(&m, l->error);
	if (doc->kind == INI_WSLCONFIG)
		buf_adds(&m, "; WSL skips this line");
	else if ((long)i == doc->stop)
		buf_addf(&m, "; WSL stops reading wsl.conf here and ignores lines %u-%u",
			 l->lineno, last_line(doc));
	else
		buf_adds(&m, " (already ignored: WSL stopped reading earlier)");
	if (doc->kind == INI_WSLCONF && prev_ends_crlf_continuation(doc, i))
		buf_adds(&m, "; a backslash continuation does not work with CRLF line "
			 "endings in wsl.conf");
	if (l->bad_header && !l->ignored && !strcmp(l->error, "Invalid section name"))
		buf_adds(&m, "; keys below it stay in the section before it");
	else if (l->bad_header && !l->ignored)
		buf_adds(&m, "; keys below it up to the next valid [section] get "
			 "mangled names");
	if (l->begin == 0 && doc->text.len >= 3 && !memcmp(doc->text.s, "\xEF\xBB\xBF", 3))
		buf_adds(&m, "; the file starts with a UTF-8 byte order mark, which "
			 "WSL reads as part of line 1");
	lint_add(out, line, col,
	    doc->lone_backslash && l->end == doc->text.len ? LINT_FATAL : LINT_IGNORED,
	    buf_detach(&m, NULL));
}

static void lint_value(const struct ini_doc *doc, const struct ini_line *l,
		       const struct key_def *def, struct lint *out)
{
	char *why = NULL;
	enum key_read kr = key_read_check(doc->kind, def, l->value, l->value_len, &why);

	if (kr == KR_REFUSED) {
		bool fatal = def->type == KT_MAC;

		/* A bad MAC's message already says WSL will not start. */
		lint_add(out, l->lineno, 0, fatal ? LINT_FATAL : LINT_IGNORED,
		    fatal ? why : xasprintf("%s; WSL ignores it and keeps the default", why));
		if (!fatal)
			free(why);
		return;
	}
	if (kr == KR_CHANGED)
		lint_add(out, l->lineno, 0, LINT_NOTE, why);
	if (kr == KR_OK && def->type == KT_MAC && (why = key_mac_unfit(l->value))) {
		lint_add(out, l->lineno, 0, LINT_NOTE, xasprintf("WSL takes it, but %s", why));
		free(why);
	}
	if (def->type == KT_INT && !(def->flags & KEY_OCTAL_NATURAL)) {
		const char *v = l->value;

		while (*v == '+' || *v == '-')
			v++;
		if (v[0] == '0' && v[1] >= '0' && v[1] <= '7')
			lint_add(out, l->lineno, 0, LINT_NOTE,
			    xasprintf("'%s' starts with 0, so WSL reads it as octal (%ld)",
				      l->value, strtol(l->value, NULL, 0)));
	}
}

/* What WSL's 8-bit, NUL-ended value strings do to what the line says. */
static void lint_chars(const struct ini_line *l, struct lint *out)
{
	if (l->value_cut)
		lint_add(out, l->lineno, 0, LINT_IGNORED,
		    xasprintf("WSL reads only '%s': the value ends at a NUL character, or at "
			      "one whose low 8 bits are 0 (WSL keeps 8 bits of each "
			      "character)", l->value));
	else if (l->value_lossy) {
		char *versions = wsl_fact_versions_text(WSLF_WSLCONFIG_8BIT);

		lint_add(out, l->lineno, 0, LINT_IGNORED,
		    xasprintf("WSL %s reads this value corrupted: it keeps only the low 8 bits of "
			      "each non-ASCII character (and of each half of one past U+FFFF); later "
			      "versions fixed their handling of non-ASCII in ways not known here "
			      "(%s); use ASCII only", versions, wsl_fact_row(WSLF_WSLCONFIG_8BIT)->source));
		free(versions);
	}
}

/* Where wsl.exe says a line is, as it prints it: the full Windows path, or /etc/wsl.conf. */
static const char *wsl_shown_path(enum ini_kind kind)
{
	return kind == INI_WSLCONFIG ? "C:\\Users\\<you>\\.wslconfig" : "/etc/wsl.conf";
}

/*
 * configfile.cpp SetConfig, MessageConfigUnknownKey: the words the user saw.
 * Joined without printf: a big file may be all unknown keys (issue 23).
 */
static void lint_unknown(const struct ini_doc *doc, const struct ini_line *l, struct lint *out)
{
	char *why = keys_explain_unknown(doc->kind, l->name);
	char num[12], *d = num + sizeof(num);
	unsigned n = l->lineno;

	*--d = '\0';
	do
		*--d = (char)('0' + n % 10);
	while (n /= 10);
	lint_add(out, l->lineno, 0, LINT_IGNORED,
	    xjoin(why, "; WSL warns: \"Unknown key '", l->name, "' in ", wsl_shown_path(doc->kind),
		  ":", d, "\"", (char *)NULL));
	free(why);
}

static void lint_entry(const struct ini_doc *doc, const struct ini_index *idx, size_t i,
		       struct lint *out)
{
	const struct ini_line *l = &doc->lines[i];
	const struct key_def *def = keys_lookup(doc->kind, l->name);
	long first = idx->first[i];	/* not looked up again: issue 23 */

	if (l->header >= 0 && doc->lines[l->header].bad_header) {
		const struct ini_line *h = &doc->lines[l->header];
		bool kept = !strcmp(h->error, "Invalid section name");

		lint_add(out, l->lineno, 0, def ? LINT_NOTE : LINT_IGNORED,
		    xasprintf("WSL reads this key as '%s' because the section header on "
			      "line %u is invalid%s", l->name, h->lineno,
			      kept ? " (it fails at its first character, so WSL keeps the "
			      "section before it)" : ""));
		if (!def)
			return;
	}
	if (first != (long)i) {
		const struct ini_line *f = &doc->lines[first];
		const char *path = wsl_shown_path(doc->kind);

		/* configfile.cpp ConfigKey::Parse, MessageConfigKeyDuplicated */
		lint_add(out, l->lineno, 0, LINT_IGNORED,
		    xasprintf("duplicate key '%s': WSL uses line %u and ignores this one; WSL warns: "
			      "\"Duplicated config key '%s' in %s:%u (Conflicting key: '%s' in %s:%u)\"",
			      l->name, f->lineno, l->name, path, l->lineno, f->name, path, f->lineno));
		return;
	}
	lint_chars(l, out);
	if (!def) {
		lint_unknown(doc, l, out);
		return;
	}
	lint_value(doc, l, def, out);
}

/* Where WSL stops reading a .wslconfig, and a UTF-16LE file's odd byte. */
static void lint_file(const struct ini_doc *doc, struct lint *out)
{
	if (doc->enc == ENC_UTF16BE) {
		lint_add(out, 1, 0, LINT_IGNORED,
		    xstrdup("the file starts with a UTF-16 big-endian byte order mark (FE FF): "
			    "Windows cannot open it, so WSL warns \"Failed to open config "
			    "file\" and uses its defaults; save it as UTF-8"));
		return;
	}
	if (doc->odd_byte)
		lint_add(out, last_line(doc), 0, LINT_NOTE,
		    xstrdup("the UTF-16 file has an odd number of bytes: WSL reads it without "
			    "the last byte"));
	if (doc->kind == INI_WSLCONFIG && doc->stop >= 0)
		lint_add(out, doc->lines[doc->stop].lineno, 0, LINT_IGNORED,
		    xasprintf("WSL stops reading the file here%s and ignores the rest",
			      ini_stop_reason(doc)));
}

/* Many NULs mean UTF-16 without a BOM; a stray one only cuts a value (lint_chars). */
static size_t nul_bytes(const struct ini_doc *doc)
{
	size_t n = 0;

	for (size_t i = 0; i < doc->text.len; i++)
		n += doc->text.s[i] == '\0';
	return n;
}

/* Insertion sort by line, stable: findings added late go to their place. */
static void sort_by_line(struct lint *out, size_t from)
{
	for (size_t i = from + 1; i < out->n; i++) {
		struct lint_item it = out->items[i];
		size_t j = i;

		for (; j > from && out->items[j - 1].line > it.line; j--)
			out->items[j] = out->items[j - 1];
		out->items[j] = it;
	}
}

void ini_lint(const struct ini_doc *doc, struct lint *out)
{
	size_t from = out->n;

	struct ini_index idx;

	lint_file(doc, out);
	if (doc->enc == ENC_UTF16BE)
		return;
	if (nul_bytes(doc) * 4 >= doc->text.len && doc->text.len)
		lint_add(out, 1, 0, LINT_IGNORED,
		    xstrdup("the file contains NUL bytes: is it UTF-16 without a byte order "
			    "mark? WSL cannot read it; save it as UTF-8"));
	/* One index for the duplicate checks: lint stays linear (issue 23). */
	ini_index_build(doc, &idx);
	for (size_t i = 0; i < doc->nlines; i++) {
		const struct ini_line *l = &doc->lines[i];

		if (l->type == INI_INVALID && (!l->ignored || doc->kind == INI_WSLCONFIG))
			lint_invalid(doc, i, out);
		else if (l->type == INI_ENTRY && !l->ignored)
			lint_entry(doc, &idx, i, out);
	}
	ini_lint_wsl(doc, &idx, out);
	ini_index_free(&idx);
	sort_by_line(out, from);
}

void lint_release(struct lint *lint)
{
	for (size_t i = 0; i < lint->n; i++)
		free(lint->items[i].msg);
	free(lint->items);
	lint->items = NULL;
	lint->n = 0;
}

int lint_worst(const struct lint *lint)
{
	int worst = -1;

	for (size_t i = 0; i < lint->n; i++)
		if ((int)lint->items[i].sev > worst)
			worst = (int)lint->items[i].sev;
	return worst;
}
