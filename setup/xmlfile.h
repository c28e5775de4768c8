/* SPDX-License-Identifier: MIT */
/*
 * xmlfile.h - the small libxml2 helpers every XML-writing or -reading module
 * shares: a writer into memory that ends in one atomic file write, and
 * reading an attribute as an owned string.
 */
#ifndef WB_XMLFILE_H
#define WB_XMLFILE_H

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

#endif
