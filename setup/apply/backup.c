/* SPDX-License-Identifier: MIT */
/* backup.c - see backup.h. */
#include "apply/backup.h"
#include "base/atomic-file.h"
#include "base/xmlfile.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

static char *history_dir(const char *state_dir)
{
	return path_join(state_dir, "history");
}

static char *file_name(const struct backup_entry *e, size_t k, const char *which)
{
	return xasprintf("%s/%zu.%s", e->dir, k, which);
}

static unsigned next_seq(const char *hist)
{
	DIR *d = opendir(hist);
	struct dirent *de;
	unsigned max = 0;

	while (d && (de = readdir(d))) {
		char *end;
		unsigned long n = strtoul(de->d_name, &end, 10);

		if (*end == '\0' && end != de->d_name && n > max)
			max = (unsigned)n;
	}
	if (d)
		closedir(d);
	return max + 1;
}

int backup_begin(const char *state_dir, const char *what, struct backup_entry **ret)
{
	char *hist = history_dir(state_dir);
	struct backup_entry *e = xcalloc(1, sizeof(*e));
	char stamp[32];
	time_t now = time(NULL);
	int r;

	r = mkdir_p(hist, 0700);
	if (r < 0)
		goto fail;
	e->seq = next_seq(hist);
	e->dir = xasprintf("%s/%06u", hist, e->seq);
	if (mkdir(e->dir, 0700) < 0) {
		r = -errno;
		goto fail;
	}
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	e->time = xstrdup(stamp);
	e->what = xstrdup(what);
	e->state = xstrdup("applied");
	free(hist);
	*ret = e;
	return 0;
fail:
	free(hist);
	backup_entry_free(e);
	return r;
}

int backup_add(struct backup_entry *e, const char *path, const struct buf *old,
	       bool old_exists, mode_t mode, const struct buf *new_, bool new_exists)
{
	size_t k = e->nfiles;
	char *o = file_name(e, k, "old"), *n = file_name(e, k, "new");
	struct backup_file *f;
	int r;

	r = atomic_file_replace(o, old->s ? old->s : "", old->len, 0600, NULL);
	if (r == 0)
		r = atomic_file_replace(n, new_->s ? new_->s : "", new_->len, 0600, NULL);
	free(o);
	free(n);
	if (r < 0)
		return r;
	e->files = xrealloc(e->files, (k + 1) * sizeof(*e->files));
	f = &e->files[k];
	f->path = xstrdup(path);
	f->old_exists = old_exists;
	f->new_exists = new_exists;
	f->mode = mode & 07777;
	e->nfiles++;
	return 0;
}

static int write_xml(const struct backup_entry *e)
{
	struct xmlfile doc;
	xmlTextWriterPtr w;
	char *path = path_join(e->dir, "change.xml"), seq[16], mode[16];
	int r;

	xmlfile_begin(&doc);
	w = doc.w;
	snprintf(seq, sizeof(seq), "%u", e->seq);
	xmlTextWriterStartElement(w, BAD_CAST "change");
	xmlTextWriterWriteAttribute(w, BAD_CAST "seq", BAD_CAST seq);
	xmlTextWriterWriteAttribute(w, BAD_CAST "time", BAD_CAST e->time);
	xmlTextWriterWriteAttribute(w, BAD_CAST "state", BAD_CAST e->state);
	xmlTextWriterWriteElement(w, BAD_CAST "what", BAD_CAST e->what);
	for (size_t k = 0; k < e->nwin; k++) {
		xmlTextWriterStartElement(w, BAD_CAST "windows-undo");
		xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST e->win[k].type);
		if (e->win[k].pending)
			xmlTextWriterWriteAttribute(w, BAD_CAST "pending", BAD_CAST "yes");
		if (e->win[k].done)
			xmlTextWriterWriteAttribute(w, BAD_CAST "done", BAD_CAST "yes");
		for (size_t i = 0; i + 1 < e->win[k].nkv; i += 2) {
			xmlTextWriterStartElement(w, BAD_CAST "attr");
			xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST e->win[k].kv[i]);
			xmlTextWriterWriteAttribute(w, BAD_CAST "value", BAD_CAST e->win[k].kv[i + 1]);
			xmlTextWriterEndElement(w);
		}
		xmlTextWriterEndElement(w);
	}
	for (size_t k = 0; k < e->nirr; k++)
		xmlTextWriterWriteElement(w, BAD_CAST "irreversible", BAD_CAST e->irreversible[k]);
	for (size_t k = 0; k < e->nfiles; k++) {
		const struct backup_file *f = &e->files[k];

		snprintf(mode, sizeof(mode), "%04o", (unsigned)f->mode);
		xmlTextWriterStartElement(w, BAD_CAST "file");
		xmlTextWriterWriteAttribute(w, BAD_CAST "old-exists", BAD_CAST (f->old_exists ? "yes" : "no"));
		xmlTextWriterWriteAttribute(w, BAD_CAST "new-exists", BAD_CAST (f->new_exists ? "yes" : "no"));
		xmlTextWriterWriteAttribute(w, BAD_CAST "mode", BAD_CAST mode);
		xmlTextWriterWriteString(w, BAD_CAST f->path);
		xmlTextWriterEndElement(w);
	}
	r = xmlfile_commit(&doc, NULL, path, 0600);
	free(path);
	return r;
}

void backup_add_windows_undo(struct backup_entry *e, const char *type, const char *const *attrs)
{
	struct backup_winundo *u;

	e->win = xrealloc(e->win, (e->nwin + 1) * sizeof(*e->win));
	u = &e->win[e->nwin++];
	u->type = xstrdup(type);
	u->kv = NULL;
	u->nkv = 0;
	u->pending = false;
	u->done = false;
	for (size_t i = 0; attrs && attrs[i] && attrs[i + 1]; i += 2) {
		u->kv = xrealloc(u->kv, (u->nkv + 2) * sizeof(char *));
		u->kv[u->nkv++] = xstrdup(attrs[i]);
		u->kv[u->nkv++] = xstrdup(attrs[i + 1]);
	}
}

void backup_add_windows_intent(struct backup_entry *e, const char *type, const char *const *attrs)
{
	backup_add_windows_undo(e, type, attrs);
	e->win[e->nwin - 1].pending = true;
}

void backup_drop_windows_undo(struct backup_entry *e, size_t n)
{
	for (; e->nwin > n; e->nwin--) {
		struct backup_winundo *u = &e->win[e->nwin - 1];

		for (size_t i = 0; i < u->nkv; i++)
			free(u->kv[i]);
		free(u->kv);
		free(u->type);
	}
}

void backup_add_irreversible(struct backup_entry *e, const char *why)
{
	e->irreversible = xrealloc(e->irreversible, (e->nirr + 1) * sizeof(char *));
	e->irreversible[e->nirr++] = xstrdup(why);
}

int backup_commit(struct backup_entry *e)
{
	return write_xml(e);
}

int backup_set_state(struct backup_entry *e, const char *state)
{
	free(e->state);
	e->state = xstrdup(state);
	return write_xml(e);
}

static int remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int r = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char *p;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		p = path_join(dir, de->d_name);
		if (unlink(p) < 0 && r == 0)
			r = -errno;
		free(p);
	}
	closedir(d);
	if (rmdir(dir) < 0 && r == 0)
		r = -errno;
	return r;
}

int backup_discard(struct backup_entry *e)
{
	return remove_tree(e->dir);
}

/* An attribute, "" when absent. */
static char *attr(xmlNodePtr n, const char *name)
{
	char *s = xml_prop(n, name);

	return s ? s : xstrdup("");
}

static char *text_of(xmlNodePtr n)
{
	xmlChar *v = xmlNodeGetContent(n);
	char *s = xstrdup(v ? (const char *)v : "");

	xmlFree(v);
	return s;
}

static int load_entry(const char *dir, unsigned seq, struct backup_entry **ret)
{
	char *path = path_join(dir, "change.xml"), *bad = NULL;
	xmlDocPtr doc = xml_read_path(path, XML_PARSE_NOERROR | XML_PARSE_NOWARNING, &bad);
	xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
	struct backup_entry *e;

	free(bad);
	free(path);
	if (!root || xmlStrcmp(root->name, BAD_CAST "change")) {
		xmlFreeDoc(doc);
		return -EBADMSG;
	}
	e = xcalloc(1, sizeof(*e));
	e->seq = seq;
	e->dir = xstrdup(dir);
	e->time = attr(root, "time");
	e->state = attr(root, "state");
	for (xmlNodePtr n = root->children; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!xmlStrcmp(n->name, BAD_CAST "windows-undo")) {
			char *type = attr(n, "type");
			const char *kv[32];
			char *vals[32];
			size_t k = 0;

			for (xmlNodePtr c = n->children; c && k + 2 < 32; c = c->next) {
				if (c->type != XML_ELEMENT_NODE)
					continue;
				vals[k] = attr(c, "name");
				vals[k + 1] = attr(c, "value");
				kv[k] = vals[k];
				kv[k + 1] = vals[k + 1];
				k += 2;
			}
			kv[k] = NULL;
			backup_add_windows_undo(e, type, kv);
			free(type);
			type = attr(n, "pending");
			e->win[e->nwin - 1].pending = !strcmp(type, "yes");
			free(type);
			type = attr(n, "done");
			e->win[e->nwin - 1].done = !strcmp(type, "yes");
			for (size_t i = 0; i < k; i++)
				free(vals[i]);
			free(type);
		} else if (!xmlStrcmp(n->name, BAD_CAST "irreversible")) {
			char *why = text_of(n);

			backup_add_irreversible(e, why);
			free(why);
		} else if (!xmlStrcmp(n->name, BAD_CAST "what")) {
			free(e->what);
			e->what = text_of(n);
		} else if (!xmlStrcmp(n->name, BAD_CAST "file")) {
			struct backup_file *f;
			char *v;

			e->files = xrealloc(e->files, (e->nfiles + 1) * sizeof(*e->files));
			f = &e->files[e->nfiles++];
			f->path = text_of(n);
			v = attr(n, "old-exists");
			f->old_exists = !strcmp(v, "yes");
			free(v);
			v = attr(n, "new-exists");
			f->new_exists = !strcmp(v, "yes");
			free(v);
			v = attr(n, "mode");
			f->mode = (mode_t)strtoul(v, NULL, 8);
			free(v);
		}
	}
	if (!e->what)
		e->what = xstrdup("");
	xmlFreeDoc(doc);
	*ret = e;
	return 0;
}

static int cmp_entries(const void *a, const void *b)
{
	const struct backup_entry *x = *(struct backup_entry *const *)a;
	const struct backup_entry *y = *(struct backup_entry *const *)b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int backup_list(const char *state_dir, struct backup_entry ***ret, size_t *ret_n)
{
	char *hist = history_dir(state_dir);
	DIR *d = opendir(hist);
	struct backup_entry **v = NULL;
	struct dirent *de;
	size_t n = 0;

	*ret = NULL;
	*ret_n = 0;
	while (d && (de = readdir(d))) {
		char *end, *dir;
		unsigned long seq = strtoul(de->d_name, &end, 10);
		struct backup_entry *e;

		if (*end || end == de->d_name)
			continue;
		dir = path_join(hist, de->d_name);
		/* An entry without change.xml was never committed: skip it. */
		if (load_entry(dir, (unsigned)seq, &e) == 0) {
			v = xrealloc(v, (n + 1) * sizeof(*v));
			v[n++] = e;
		}
		free(dir);
	}
	if (d)
		closedir(d);
	free(hist);
	if (n)
		qsort(v, n, sizeof(*v), cmp_entries);
	*ret = v;
	*ret_n = n;
	return 0;
}

int backup_bytes(const struct backup_entry *e, size_t k, const char *which, struct buf *out)
{
	char *p = file_name(e, k, which);
	int r = read_file(p, out, NULL);

	free(p);
	return r;
}

int backup_keep_overwritten(const struct backup_entry *e, size_t k, const struct buf *bytes,
			    char **ret_path)
{
	char *p = file_name(e, k, "overwritten");
	int r = atomic_file_replace(p, bytes->s ? bytes->s : "", bytes->len, 0600, NULL);

	if (r == 0)
		*ret_path = p;
	else
		free(p);
	return r;
}

void backup_entry_free(struct backup_entry *e)
{
	if (!e)
		return;
	for (size_t k = 0; k < e->nwin; k++) {
		for (size_t i = 0; i < e->win[k].nkv; i++)
			free(e->win[k].kv[i]);
		free(e->win[k].kv);
		free(e->win[k].type);
	}
	free(e->win);
	for (size_t k = 0; k < e->nirr; k++)
		free(e->irreversible[k]);
	free(e->irreversible);
	for (size_t k = 0; k < e->nfiles; k++)
		free(e->files[k].path);
	free(e->files);
	free(e->dir);
	free(e->time);
	free(e->what);
	free(e->state);
	free(e);
}

void backup_entries_free(struct backup_entry **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		backup_entry_free(v[i]);
	free(v);
}
