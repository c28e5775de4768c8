/* SPDX-License-Identifier: MIT */
/* xmlfile.c - see xmlfile.h. */
#include "base/xmlfile.h"
#include "base/atomic-file.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>

void xmlfile_begin(struct xmlfile *f)
{
	f->buf = xmlBufferCreate();
	f->w = xmlNewTextWriterMemory(f->buf, 0);
	xmlTextWriterSetIndent(f->w, 1);
	xmlTextWriterStartDocument(f->w, NULL, "UTF-8", NULL);
}

void xmlfile_end(struct xmlfile *f, struct buf *out)
{
	xmlTextWriterEndDocument(f->w);
	xmlFreeTextWriter(f->w);
	buf_add(out, (const char *)xmlBufferContent(f->buf), (size_t)xmlBufferLength(f->buf));
	xmlBufferFree(f->buf);
	f->w = NULL;
	f->buf = NULL;
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

/*
 * SAX: the DOCTYPE's name has been read, its internal subset not yet.
 * Stopping here means no entity declaration is ever seen (the quadratic
 * blow-up of many references to one big entity needs one).
 */
static void refuse_doctype(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
	xmlParserCtxtPtr c = ctx;

	(void)name;
	(void)ext;
	(void)sys;
	c->_private = (void *)"it has a DOCTYPE, which wslbridge never writes nor reads";
	xmlStopParser(c);
}

xmlDocPtr xml_read_memory(const char *data, size_t len, const char *name, int options, char **ret_why)
{
	xmlParserCtxtPtr c;
	xmlDocPtr doc = NULL;

	*ret_why = NULL;
	if (len > XML_READ_MAX) {
		*ret_why = xasprintf("it is %zu bytes, more than the " XML_READ_MAX_WORDS " wslbridge reads", len);
		return NULL;
	}
	c = xmlNewParserCtxt();
	if (!c) {
		*ret_why = xstrdup("out of memory");
		return NULL;
	}
	c->sax->internalSubset = refuse_doctype;
	c->_private = NULL;
	doc = xmlCtxtReadMemory(c, data, (int)len, name, NULL,
				(options | XML_PARSE_NONET) & ~(XML_PARSE_NOENT | XML_PARSE_DTDLOAD |
								XML_PARSE_DTDATTR | XML_PARSE_DTDVALID));
	if (c->_private) {
		xmlFreeDoc(doc);
		doc = NULL;
		*ret_why = xstrdup(c->_private);
	} else if (!doc) {
		*ret_why = xstrdup("it is not well-formed XML");
	}
	xmlFreeParserCtxt(c);
	return doc;
}

int xml_read_fd(int fd, struct buf *out)
{
	int r = read_fd(fd, out, NULL);	/* the same cap: READ_FILE_MAX is XML_READ_MAX */

	return r == -ENOTREG || r == -EISDIR ? -EINVAL : r;
}

const char *xml_read_fd_error(int r)
{
	if (r == -EINVAL || r == -ELOOP)
		return "it is not a regular file (a link, a folder or a device?)";
	if (r == -EFBIG)
		return "it is larger than the " XML_READ_MAX_WORDS " wslbridge reads";
	return strerror(-r);
}

xmlDocPtr xml_read_path(const char *path, int options, char **ret_why)
{
	struct buf b = BUF_INIT;
	xmlDocPtr doc = NULL;
	int r = read_file(path, &b, NULL);	/* no link followed, no FIFO waited on, capped */

	*ret_why = NULL;
	if (r < 0)
		*ret_why = xstrdup(r == -ENOTREG || r == -EISDIR ? xml_read_fd_error(-EINVAL) : xml_read_fd_error(r));
	else
		doc = xml_read_memory(b.s ? b.s : "", b.len, path, options, ret_why);
	buf_release(&b);
	return doc;
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
