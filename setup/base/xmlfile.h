/* SPDX-License-Identifier: MIT */
/*
 * xmlfile.h - the small libxml2 helpers every XML-writing or -reading module
 * shares: a writer into memory that ends in one atomic file write, reading
 * an attribute as an owned string, and validating against a RELAX NG schema.
 */
#ifndef WB_XMLFILE_H
#define WB_XMLFILE_H

#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>
#include <sys/types.h>

struct xmlfile {
	xmlBufferPtr buf;
	xmlTextWriterPtr w;
};

/* An indented UTF-8 document in memory; write elements to f->w. */
void xmlfile_begin(struct xmlfile *f);
/* End it, create dir, and replace path atomically: 0 or -errno. */
int xmlfile_commit(struct xmlfile *f, const char *dir, const char *path, mode_t mode);

/* The attribute's value as a new string, or NULL. */
char *xml_prop(xmlNodePtr n, const char *name);

/* Why a document failed its schema: the first error that names an element. */
struct xml_invalid {
	int line;
	char *element, *msg;
};

/* The schema pc reads, compiled (pc is used up and freed), or NULL. */
xmlRelaxNGPtr xml_schema_compile(xmlRelaxNGParserCtxtPtr pc);
/*
 * Validate doc against schema: 0 valid, 1 invalid (why filled in; release
 * it), -1 no schema (it could not be compiled).
 */
int xml_validate(xmlDocPtr doc, xmlRelaxNGPtr schema, struct xml_invalid *why);
void xml_invalid_release(struct xml_invalid *why);

#endif
