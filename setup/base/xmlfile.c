/* SPDX-License-Identifier: MIT */
/* xmlfile.c - see xmlfile.h. */
#include "base/xmlfile.h"
#include "base/atomic-file.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

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
		r = atomic_file_replace(path, xmlBufferContent(f->buf), (size_t)xmlBufferLength(f->buf), mode, NULL);
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

/*
 * Keep the first error that points at an element: libxml2 first reports a
 * summary with no node ("failed to validate attributes"), then the cause.
 */
static void on_schema_error(void *data, xmlErrorPtr e)
{
	struct xml_invalid *f = data;
	size_t n;

	if (f->msg && (f->line || !e->node))
		return;
	free(f->msg);
	free(f->element);
	f->line = e->line;
	f->element = e->node ? xstrdup((const char *)((xmlNodePtr)e->node)->name) : NULL;
	f->msg = xstrdup(e->message ? e->message : "invalid");
	n = strlen(f->msg);
	while (n && (f->msg[n - 1] == '\n' || f->msg[n - 1] == ' '))
		f->msg[--n] = '\0';
}

static void ignore_error(void *data, xmlErrorPtr e)
{
	(void)data;
	(void)e;
}

xmlRelaxNGPtr xml_schema_compile(xmlRelaxNGParserCtxtPtr pc)
{
	xmlRelaxNGPtr schema;

	if (!pc)
		return NULL;
	xmlRelaxNGSetParserStructuredErrors(pc, ignore_error, NULL);
	schema = xmlRelaxNGParse(pc);
	xmlRelaxNGFreeParserCtxt(pc);
	return schema;
}

int xml_validate(xmlDocPtr doc, xmlRelaxNGPtr schema, struct xml_invalid *why)
{
	xmlRelaxNGValidCtxtPtr vc = schema ? xmlRelaxNGNewValidCtxt(schema) : NULL;
	int r = -1;

	memset(why, 0, sizeof(*why));
	if (vc) {
		xmlRelaxNGSetValidStructuredErrors(vc, on_schema_error, why);
		r = xmlRelaxNGValidateDoc(vc, doc) != 0;
		if (r && !why->msg)
			why->msg = xstrdup("does not match the schema");
	}
	xmlRelaxNGFreeValidCtxt(vc);
	return r;
}

void xml_invalid_release(struct xml_invalid *why)
{
	free(why->element);
	free(why->msg);
	memset(why, 0, sizeof(*why));
}
