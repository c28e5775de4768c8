/* SPDX-License-Identifier: MIT */
/* xmlfile.c - see xmlfile.h. */
#include "xmlfile.h"
#include "atomic-file.h"
#include "util.h"

void xmlfile_begin(struct xmlfile *f)
{
	f->buf = xmlBufferCreate();
	f->w = xmlNewTextWriterMemory(f->buf, 0);
	xmlTextWriterSetIndent(f->w, 1);
	xmlTextWriterStartDocument(f->w, NULL, "UTF-8", NULL);
}

int xmlfile_commit(struct xmlfile *f, const char *dir, const char *path, mode_t mode)
{
	int r;

	xmlTextWriterEndDocument(f->w);
	xmlFreeTextWriter(f->w);
	r = dir ? mkdir_p(dir, 0755) : 0;
	if (r == 0)
		r = atomic_file_replace(path, xmlBufferContent(f->buf), (size_t)xmlBufferLength(f->buf), mode);
	xmlBufferFree(f->buf);
	f->w = NULL;
	f->buf = NULL;
	return r < 0 ? r : 0;
}

char *xml_prop(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, BAD_CAST name);
	char *s = v ? xstrdup((const char *)v) : NULL;

	xmlFree(v);
	return s;
}
