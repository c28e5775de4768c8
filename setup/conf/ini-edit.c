/* SPDX-License-Identifier: MIT */
/*
 * ini-edit.c - the editor (see ini-edit.h).
 *
 * Every edit is a list of splices over doc->text.  The steps:
 *  1. with INI_FIX, repair what hides wsl.conf from WSL and re-read;
 *  2. compute splices: replace the value span of the occurrence WSL reads,
 *     or insert after the last key of the section, or append the section;
 *  3. apply them, re-read the result and check that the key now reads as
 *     asked and every other key reads exactly as before;
 *  4. re-encode in the file's own encoding.
 */
#include "conf/ini-edit.h"
#include "conf/ini-stream.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct splice {
	size_t pos, del;
	struct buf ins;
};

struct edit {
	struct splice *sp;
	size_t n;
};

static void add_splice(struct edit *e, size_t pos, size_t del, const char *ins, size_t len)
{
	struct splice *s;

	e->sp = xrealloc(e->sp, (e->n + 1) * sizeof(*e->sp));
	s = &e->sp[e->n++];
	s->pos = pos;
	s->del = del;
	memset(&s->ins, 0, sizeof(s->ins));
	buf_add(&s->ins, ins, len);
}

static void edit_release(struct edit *e)
{
	for (size_t i = 0; i < e->n; i++)
		buf_release(&e->sp[i].ins);
	free(e->sp);
	e->sp = NULL;
	e->n = 0;
}

/* Splices are added in file order and never overlap. */
static void apply(const struct buf *text, const struct edit *e, struct buf *out)
{
	size_t at = 0, len = text->len;

	buf_reset(out);
	for (size_t i = 0; i < e->n; i++)
		len += e->sp[i].ins.len - e->sp[i].del;	/* wraps back: the total is >= 0 */
	buf_grow(out, len);	/* once: a big file is not copied as it grows */
	for (size_t i = 0; i < e->n; i++) {
		buf_add(out, text->s + at, e->sp[i].pos - at);
		buf_add(out, e->sp[i].ins.s, e->sp[i].ins.len);
		at = e->sp[i].pos + e->sp[i].del;
	}
	buf_add(out, text->s + at, text->len - at);
}

void ini_render_value(const char *v, size_t len, struct buf *out)
{
	/* Quote when '#' would start a comment or edge blanks would be trimmed. */
	bool quote = len && (memchr(v, '#', len) || v[0] == ' ' || v[0] == '\t' ||
			     v[len - 1] == ' ' || v[len - 1] == '\t');

	buf_reset(out);
	if (quote)
		buf_addc(out, '"');
	for (size_t i = 0; i < len; i++) {
		switch (v[i]) {
		case '\\': buf_adds(out, "\\\\"); break;
		case '"': buf_adds(out, "\\\""); break;
		case '\n': buf_adds(out, "\\n"); break;
		case '\b': buf_adds(out, "\\b"); break;
		default: buf_addc(out, v[i]); break;
		}
	}
	if (quote)
		buf_addc(out, '"');
}

void ini_edit_note_release(struct ini_edit_note *notes)
{
	if (!notes)
		return;
	for (size_t i = 0; i < notes->n; i++)
		free(notes->lines[i]);
	free(notes->lines);
	notes->lines = NULL;
	notes->n = 0;
}

static void note(struct ini_edit_note *notes, char *msg)
{
	if (!notes) {
		free(msg);
		return;
	}
	notes->lines = xrealloc(notes->lines, (notes->n + 1) * sizeof(char *));
	notes->lines[notes->n++] = msg;
}

/*
 * The terminator WSL ends line l at: a lone CR ends a value or a header,
 * but not a comment or an invalid line, which run on to the next LF.
 */
static const char *honoured_terminator(const struct ini_doc *doc, const struct ini_line *l)
{
	const char *t = ini_line_terminator(doc, l);
	bool cr_ends = (l->type == INI_ENTRY && l->comment == INI_NO_COMMENT) ||
		       l->type == INI_BLANK || (l->type == INI_SECTION &&
		       l->end > l->begin && doc->text.s[l->end - 1] != '#');

	return strcmp(t, "\r") || cr_ends ? t : "";
}

/* The line terminator new lines should use: the file's first LF or CRLF. */
static const char *doc_newline(const struct ini_doc *doc)
{
	for (size_t i = 0; i < doc->nlines; i++) {
		const char *t = ini_line_terminator(doc, &doc->lines[i]);

		if (*t && strcmp(t, "\r"))
			return t;
	}
	return doc->kind == INI_WSLCONFIG ? "\r\n" : "\n";
}

static bool line_start(const char *s, size_t p)
{
	return p > 0 && (s[p - 1] == '\n' || (s[p - 1] == '\r' && s[p] != '\n'));
}

/* INI_FIX, first pass: a BOM makes WSL's init ignore all of wsl.conf. */
static void fix_bom(const struct ini_doc *doc, struct edit *e, struct ini_edit_note *notes)
{
	if (doc->text.len >= 3 && !memcmp(doc->text.s, "\xEF\xBB\xBF", 3)) {
		add_splice(e, 0, 3, "", 0);
		note(notes, xstrdup("removed the UTF-8 byte order mark that made WSL "
				    "ignore the whole file"));
	}
}

/* INI_FIX, second pass: "# " before each physical line of an invalid line. */
static void fix_invalid(const struct ini_doc *doc, struct edit *e, struct ini_edit_note *notes)
{
	for (size_t i = 0; i < doc->nlines; i++) {
		const struct ini_line *l = &doc->lines[i];

		if (l->type != INI_INVALID)
			continue;
		note(notes, xasprintf("line %u: commented out (%s); WSL %s", l->lineno,
				      l->error, (long)i == doc->stop ?
				      "stopped reading the file there" :
				      "would have stopped there next"));
		for (size_t p = l->begin; p < l->end; p++)
			if (p == l->begin || line_start(doc->text.s, p))
				add_splice(e, p, 0, "# ", 2);
	}
}

/* Where the first valid, read [section] is, or -1. */
static long find_section(const struct ini_doc *doc, const char *section, size_t seclen)
{
	for (size_t i = 0; i < doc->nlines; i++) {
		const struct ini_line *l = &doc->lines[i];

		if (l->type == INI_SECTION && !l->ignored && strlen(l->section) == seclen &&
		    !strncasecmp(l->section, section, seclen))
			return (long)i;
	}
	return -1;
}

/* Style for a new "key=value": separator and indent copied from the file. */
static void render_entry(const struct ini_doc *doc, long like, const char *key,
			 const char *value, size_t len, struct buf *out)
{
	const struct ini_line *ref = like >= 0 ? &doc->lines[like] : NULL;
	struct buf v = BUF_INIT;
	const char *sep = "=";
	size_t seplen = 1;

	for (size_t i = 0; !ref && i < doc->nlines; i++)
		if (doc->lines[i].type == INI_ENTRY)
			ref = &doc->lines[i];
	if (ref) {
		sep = doc->text.s + ref->key_end;
		seplen = ref->val_begin - ref->key_end;
	}
	if (like >= 0)
		buf_add(out, doc->text.s + ref->begin, ref->key_begin - ref->begin);
	ini_render_value(value, len, &v);
	buf_adds(out, key);
	buf_add(out, sep, seplen);
	buf_add(out, v.s, v.len);
	buf_release(&v);
}

/* A new [section] with the key, after the last line WSL reads. */
static void append_section(const struct ini_doc *doc, const char *section, size_t seclen,
			   const char *key, const char *value, size_t len, struct edit *e)
{
	size_t last = doc->stop >= 0 ? (size_t)doc->stop : doc->nlines;
	size_t at = doc->stop >= 0 ? doc->lines[doc->stop].begin : doc->text.len;
	const char *nl = doc_newline(doc);
	bool had_nl = at && last && *honoured_terminator(doc, &doc->lines[last - 1]);
	struct buf b = BUF_INIT;

	if (at && !had_nl)
		buf_adds(&b, nl);
	if (at && last && doc->lines[last - 1].type != INI_BLANK)
		buf_adds(&b, nl);
	buf_addf(&b, "[%.*s]%s", (int)seclen, section, nl);
	render_entry(doc, -1, key, value, len, &b);
	if (had_nl || !at || at < doc->text.len)
		buf_adds(&b, nl);
	add_splice(e, at, 0, b.s, b.len);
	buf_release(&b);
}

static int plan_set(const struct ini_doc *doc, const char *fullname, const char *key,
		    const char *value, size_t len, struct edit *e, char **ret_why)
{
	const char *dot = strchr(fullname, '.');
	const struct key_def *def = keys_lookup(doc->kind, fullname);
	const char *section = def ? def->section : fullname;
	size_t seclen = def ? strlen(def->section) : (size_t)(dot - fullname);
	long at = ini_find(doc, fullname), sec, last;
	const char *nl = doc_newline(doc);
	struct buf b = BUF_INIT;

	if (at >= 0) {
		const struct ini_line *l = &doc->lines[at];

		ini_render_value(value, len, &b);
		/* "key=  # c" has an empty value right before '#': keep a gap. */
		if (l->val_end < doc->text.len && doc->text.s[l->val_end] == '#' && b.len)
			buf_addc(&b, ' ');
		add_splice(e, l->val_begin, l->val_end - l->val_begin, b.s, b.len);
		buf_release(&b);
		return 0;
	}
	sec = find_section(doc, section, seclen);
	if (sec >= 0) {
		const struct ini_line *l;
		const char *t;

		last = sec;
		for (size_t i = (size_t)sec + 1; i < doc->nlines && !doc->lines[i].ignored &&
		     doc->lines[i].type != INI_SECTION && !doc->lines[i].bad_header; i++)
			if (doc->lines[i].type == INI_ENTRY)
				last = (long)i;
		l = &doc->lines[last];
		t = honoured_terminator(doc, l);
		if (!*t)
			buf_adds(&b, nl);
		/* A value continued onto EOF would swallow our line: end it first. */
		if (*t && l->type == INI_ENTRY && l->val_end == l->end)
			buf_adds(&b, t);
		render_entry(doc, last == sec ? -1 : last, key, value, len, &b);
		if (*t)
			buf_adds(&b, t);
		add_splice(e, l->end, 0, b.s, b.len);
		buf_release(&b);
		return 0;
	}
	/* A Ctrl-Z ends the file for Windows: the new section goes before it. */
	if (doc->stop >= 0 && !(doc->kind == INI_WSLCONFIG && doc->stop_why == STOP_CTRLZ)) {
		*ret_why = xasprintf("WSL stops reading %s at line %u%s, so a new [%.*s] "
				     "section at the end would be ignored",
				     doc->kind == INI_WSLCONF ? "wsl.conf" : ".wslconfig",
				     doc->lines[doc->stop].lineno,
				     ini_stop_reason(doc), (int)seclen, section);
		return -EBADMSG;
	}
	append_section(doc, section, seclen, key, value, len, e);
	return 0;
}

static void plan_unset(const struct ini_doc *doc, const char *fullname, struct edit *e)
{
	const char *s = doc->text.s;

	for (size_t i = 0; i < doc->nlines; i++) {
		const struct ini_line *l = &doc->lines[i];
		struct buf keep = BUF_INIT;
		size_t from = l->begin;

		if (l->type != INI_ENTRY || l->ignored || !keys_same(doc->kind, l->name, fullname))
			continue;
		if (l->comment != INI_NO_COMMENT) {
			/* The user's trailing comment stays, on a line of its own. */
			buf_add(&keep, s + l->begin, l->key_begin - l->begin);
			buf_add(&keep, s + l->comment, l->end - l->comment);
		} else if (l->end == doc->text.len && !*ini_line_terminator(doc, l) && i > 0) {
			/* Last line had no newline: drop the one before it instead. */
			from -= strlen(ini_line_terminator(doc, &doc->lines[i - 1]));
			if (e->n && e->sp[e->n - 1].pos + e->sp[e->n - 1].del > from)
				from = e->sp[e->n - 1].pos + e->sp[e->n - 1].del;
		}
		add_splice(e, from, l->end - from, keep.s ? keep.s : "", keep.len);
		buf_release(&keep);
	}
}

/* INI_DROP_EMPTY: the key alone under its [section], which goes with it. */
static bool drop_section(const struct ini_doc *doc, const char *fullname, struct edit *e)
{
	long at = ini_find(doc, fullname), h = at >= 0 ? doc->lines[at].header : -1, from;

	if (h < 0 || at != h + 1 || (at + 1 < (long)doc->nlines && doc->lines[at + 1].type != INI_SECTION &&
				     doc->lines[at + 1].type != INI_BLANK))
		return false;
	for (size_t i = (size_t)at + 1; i < doc->nlines; i++)
		if (doc->lines[i].type == INI_ENTRY && keys_same(doc->kind, doc->lines[i].name, fullname))
			return false;	/* another occurrence: plan_unset's */
	from = h > 0 && doc->lines[h - 1].type == INI_BLANK ? h - 1 : h;
	add_splice(e, doc->lines[from].begin, doc->lines[at].end - doc->lines[from].begin, "", 0);
	return true;
}

/*
 * Everything WSL reads, except key: the other keys an edit must not touch.
 * Walks the two indexes' slots, so each line's name is folded only once.
 */
static bool same_reading_full(const struct ini_doc *a, const struct ini_doc *b, const char *key)
{
	struct ini_index ia, ib;
	long skip_a, skip_b;
	bool same = true;

	ini_index_build(a, &ia);
	ini_index_build(b, &ib);
	skip_a = ini_index_get(&ia, a, key);
	skip_b = ini_index_get(&ib, b, key);
	for (size_t i = 0; same && i < ia.cap; i++) {
		const struct ini_index_slot *s = &ia.slots[i];
		const struct ini_line *l, *m;
		long j;

		if (!s->key || s->line == skip_a)
			continue;
		j = ini_index_find(&ib, s->key);
		l = &a->lines[s->line];
		m = j >= 0 ? &b->lines[j] : NULL;
		same = m && m->value_len == l->value_len && !memcmp(m->value, l->value, l->value_len);
	}
	for (size_t i = 0; same && i < ib.cap; i++) {
		const struct ini_index_slot *s = &ib.slots[i];

		if (s->key && s->line != skip_b && ini_index_find(&ia, s->key) < 0)
			same = false;
	}
	ini_index_free(&ia);
	ini_index_free(&ib);
	return same;
}

static bool same_line(const struct ini_line *x, const struct ini_line *y)
{
	if (x->type != y->type || x->ignored != y->ignored)
		return false;
	if (x->type != INI_ENTRY)
		return true;
	return x->value_len == y->value_len && !strcmp(x->name, y->name) &&
	       !memcmp(x->value, y->value, x->value_len);
}

/* Keys named on lines [from, to) of d read the same in a and b. */
static bool same_keys_in(const struct ini_doc *d, size_t from, size_t to,
			 const struct ini_doc *a, const struct ini_doc *b, const char *key)
{
	for (size_t i = from; i < to; i++) {
		const struct ini_line *l = &d->lines[i];
		long x, y;

		if (l->type != INI_ENTRY || keys_same(d->kind, l->name, key))
			continue;
		x = ini_find(a, l->name);
		y = ini_find(b, l->name);
		if ((x < 0) != (y < 0) || (x >= 0 && (a->lines[x].value_len != b->lines[y].value_len ||
		    memcmp(a->lines[x].value, b->lines[y].value, a->lines[x].value_len))))
			return false;
	}
	return true;
}

/*
 * Fast path of the check: lines before the first splice parse identically
 * in a and b; if the lines after the last one also match pairwise, only the
 * keys on the edited lines can read differently.  Otherwise, the full walk.
 */
static bool same_reading(const struct ini_doc *a, const struct ini_doc *b, const char *key,
			 const struct edit *e)
{
	size_t lo = e->n ? e->sp[0].pos : a->text.len, hi, shift, pa = 0, sa, sb, n;

	/*
	 * Where the CRT stops early (Ctrl-Z, a failed UTF-8 read), text after an
	 * edit can change how everything before it reads: compare it all.
	 */
	if (!e->n || a->stop_why != STOP_NONE || b->stop_why != STOP_NONE)
		return same_reading_full(a, b, key);
	hi = e->sp[e->n - 1].pos + e->sp[e->n - 1].del;
	shift = b->text.len - a->text.len;	/* unsigned wrap is fine: added back */
	/* A line ending right at the edit may read on into it (a backslash, a CR). */
	while (pa < a->nlines && a->lines[pa].end < lo)
		pa++;
	for (sa = pa; sa < a->nlines && a->lines[sa].begin < hi; sa++)
		;
	for (sb = pa; sb < b->nlines && b->lines[sb].begin < hi + shift; sb++)
		;
	n = a->nlines - sa;
	if (b->nlines - sb != n || (n && b->lines[sb].begin != a->lines[sa].begin + shift))
		return same_reading_full(a, b, key);
	for (size_t i = 0; i < n; i++)
		if (!same_line(&a->lines[sa + i], &b->lines[sb + i]))
			return same_reading_full(a, b, key);
	return same_keys_in(a, pa, sa, a, b, key) && same_keys_in(b, pa, sb, a, b, key);
}

static int finish(const struct ini_doc *doc, const struct edit *e, const char *fullname,
		  const char *value, size_t len, struct buf *out, char **ret_why)
{
	struct ini_doc after = INI_DOC_INIT;
	struct buf text = BUF_INIT;
	const struct buf *result;
	long at;
	int r = 0;

	apply(&doc->text, e, &text);
	/* The result is re-read where it lies: a big file is not copied again. */
	result = ini_load_buf(&after, doc->kind, &text) ? &after.text : &text;
	after.enc = doc->enc;
	at = ini_find(&after, fullname);
	if (value ? (at < 0 || after.lines[at].value_len != len ||
		     memcmp(after.lines[at].value, value, len)) : at >= 0) {
		*ret_why = xasprintf("re-reading the edited file did not give %s the %s value; "
				     "nothing was written", fullname, value ? "new" : "removed");
		r = -EPROTO;
		goto out;
	}
	if (!same_reading(doc, &after, fullname, e)) {
		*ret_why = xasprintf("the edit of %s would change how WSL reads other keys; "
				     "nothing was written", fullname);
		r = -EPROTO;
		goto out;
	}
	if (doc->enc == ENC_UTF8 && result == &after.text) {
		/* UTF-8 is written as it is read: the bytes move to out. */
		buf_release(out);
		*out = after.text;
		after.text = (struct buf)BUF_INIT;
	} else if ((r = ini_encode(doc, result->s, result->len, out)) < 0) {
		*ret_why = xstrdup("the result cannot be written in the file's encoding");
	}
out:
	ini_release(&after);
	buf_release(&text);
	return r;
}

/* Always: a wsl.conf ending in an unfinished escape makes init throw. */
static void fix_lone_backslash(const struct ini_doc *doc, struct edit *e,
			       struct ini_edit_note *notes)
{
	if (!doc->lone_backslash)
		return;
	add_splice(e, doc->text.len, 0, doc_newline(doc), strlen(doc_newline(doc)));
	note(notes, xstrdup("added a final newline: the file ended in a backslash, "
			    "which makes WSL's parser fail"));
}

/* Run one fix pass over *cur; on a change *cur becomes the re-read result. */
static void fix_pass(void (*pass)(const struct ini_doc *, struct edit *, struct ini_edit_note *),
		     struct ini_doc *slot, const struct ini_doc **cur, struct ini_edit_note *notes)
{
	struct edit e = { NULL, 0 };
	struct buf text = BUF_INIT;

	pass(*cur, &e, notes);
	if (e.n) {
		struct ini_doc next = INI_DOC_INIT;

		apply(&(*cur)->text, &e, &text);
		(void)ini_load_buf(&next, (*cur)->kind, &text);
		next.enc = (*cur)->enc;
		ini_release(slot);
		*slot = next;
		*cur = slot;
	}
	edit_release(&e);
	buf_release(&text);
}

/* The edit would land where WSL does not read wsl.conf. */
static int check_visible(const struct ini_doc *doc, char **ret_why)
{
	if (doc->enc == ENC_UTF16BE) {
		*ret_why = xstrdup("the file starts with a UTF-16 big-endian byte order mark "
				   "(FE FF): WSL cannot open it and uses its defaults; save it "
				   "as UTF-8");
		return -EBADMSG;
	}
	if (doc->kind == INI_WSLCONF && doc->text.len >= 3 &&
	    !memcmp(doc->text.s, "\xEF\xBB\xBF", 3)) {
		*ret_why = xstrdup("the file starts with a UTF-8 byte order mark, so WSL "
				   "ignores all of it");
		return -EBADMSG;
	}
	return 0;
}

/*
 * Apply the repairs (INI_FIX and the always-on ones) first; *use is then the
 * repaired doc (held in *fixed).  Fails when WSL would not see the edit.
 */
static int prepare(const struct ini_doc *doc, unsigned flags, struct ini_doc *fixed,
		   const struct ini_doc **use, struct ini_edit_note *notes, char **ret_why)
{
	*ret_why = NULL;
	*use = doc;
	fix_pass(fix_lone_backslash, fixed, use, notes);
	if ((flags & INI_FIX) && doc->kind == INI_WSLCONF) {
		fix_pass(fix_bom, fixed, use, notes);
		fix_pass(fix_invalid, fixed, use, notes);
	}
	return check_visible(*use, ret_why);
}

int ini_edit_set(const struct ini_doc *doc, const char *fullname,
		 const char *value, size_t len, unsigned flags,
		 struct buf *out, struct ini_edit_note *notes, char **ret_why)
{
	struct ini_doc fixed = INI_DOC_INIT;
	const struct ini_doc *use;
	const struct key_def *def = keys_lookup(doc->kind, fullname);
	const char *key = def ? def->name : strchr(fullname, '.') + 1;
	struct edit e = { NULL, 0 };
	long at;
	int r;

	r = prepare(doc, flags, &fixed, &use, notes, ret_why);
	if (r < 0)
		goto out;
	at = ini_find(use, fullname);
	if (at >= 0 && use->lines[at].value_len == len &&
	    !memcmp(use->lines[at].value, value, len)) {
		if (use == doc) {
			r = 1;	/* WSL already reads exactly this */
			goto out;
		}
	} else {
		r = plan_set(use, fullname, key, value, len, &e, ret_why);
	}
	if (r == 0)
		r = finish(use, &e, fullname, value, len, out, ret_why);
out:
	edit_release(&e);
	ini_release(&fixed);
	return r;
}

int ini_edit_unset(const struct ini_doc *doc, const char *fullname, unsigned flags,
		   struct buf *out, struct ini_edit_note *notes, char **ret_why)
{
	struct ini_doc fixed = INI_DOC_INIT;
	const struct ini_doc *use;
	struct edit e = { NULL, 0 };
	int r;

	r = prepare(doc, flags, &fixed, &use, notes, ret_why);
	if (r < 0)
		goto out;
	if (ini_find(use, fullname) < 0 && use == doc) {
		r = 1;
		goto out;
	}
	if (!(flags & INI_DROP_EMPTY) || !drop_section(use, fullname, &e))
		plan_unset(use, fullname, &e);
	r = finish(use, &e, fullname, NULL, 0, out, ret_why);
out:
	edit_release(&e);
	ini_release(&fixed);
	return r;
}
