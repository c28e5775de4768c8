/* SPDX-License-Identifier: MIT */
/*
 * ini-doc.c - what a loaded doc answers (see ini.h): its bytes in the
 * file's encoding, the line a key is read from, where and why WSL stops,
 * line numbers and terminators.  ini.c is the reader that builds it.
 */
#include "conf/ini.h"
#include "conf/ini-stream.h"
#include "base/textcodec.h"

#include <string.h>
#include <strings.h>

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
