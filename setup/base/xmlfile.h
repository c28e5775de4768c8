/* SPDX-License-Identifier: MIT */
/*
 * xmlfile.h - the small libxml2 helpers every XML-writing or -reading module
 * shares: a writer into memory that ends in one atomic file write, the one
 * way to parse what we read (no DOCTYPE, a size cap), reading an attribute
 * as an owned string, and validating against a RELAX NG schema.
 */
#ifndef WB_XMLFILE_H
#define WB_XMLFILE_H

#include "base/util.h"

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
/* End it, its bytes into out (a change of a transaction). */
struct buf;
void xmlfile_end(struct xmlfile *f, struct buf *out);
/* End it, create dir, and replace path atomically: 0 or -errno. */
int xmlfile_commit(struct xmlfile *f, const char *dir, const char *path, mode_t mode);

/*
 * Every XML document we read is small: responses from Windows, targets,
 * profiles and state files.  Anything larger is refused unread.
 */
#define XML_READ_MAX READ_FILE_MAX	/* base/util.h: read_fd() caps XML too */
#define XML_READ_MAX_WORDS READ_FILE_MAX_WORDS

/*
 * Parse len bytes of XML named name (for messages) with libxml2 options
 * (XML_PARSE_NONET is always added).  A DOCTYPE is refused before its
 * internal subset is read, so no entity is ever declared or expanded, and
 * more than XML_READ_MAX bytes are refused.  NULL and *ret_why (why, in
 * words) on failure; libxml2's own syntax errors still go to its error
 * handlers, so a caller can collect them.
 */
xmlDocPtr xml_read_memory(const char *data, size_t len, const char *name, int options, char **ret_why);
/* The same for a file (not a FIFO or a device: they are refused unread). */
xmlDocPtr xml_read_path(const char *path, int options, char **ret_why);
/*
 * The bytes of an XML document from fd into out: 0; -EINVAL when fd is not
 * a regular file; -EFBIG past XML_READ_MAX; another -errno.
 */
int xml_read_fd(int fd, struct buf *out);
/* What xml_read_fd's (or an O_NOFOLLOW open's) -errno means, in words. */
const char *xml_read_fd_error(int r);

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
