/* SPDX-License-Identifier: MIT */
/* record.c - see record.h. */
#include "targets/record.h"
#include "base/xmlfile.h"
#include "base/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

char *record_path(const struct wb_ctx *ctx)
{
	return path_join(ctx->state_dir, "target.xml");
}

int record_read(const struct wb_ctx *ctx, char **ret_target, struct target_params *params)
{
	char *path = record_path(ctx), *why = NULL;
	xmlDocPtr doc;
	xmlNodePtr root;
	xmlChar *t;

	*ret_target = NULL;
	if (access(path, F_OK) < 0) {
		free(path);
		return -ENOENT;
	}
	doc = xml_read_path(path, XML_PARSE_NOERROR | XML_PARSE_NOWARNING, &why);
	free(why);
	free(path);
	root = doc ? xmlDocGetRootElement(doc) : NULL;
	t = root ? xmlGetProp(root, BAD_CAST "target") : NULL;
	if (!t || xmlStrcmp(root->name, BAD_CAST "recorded")) {
		xmlFree(t);
		xmlFreeDoc(doc);
		return -EBADMSG;
	}
	*ret_target = xstrdup((const char *)t);
	xmlFree(t);
	for (xmlNodePtr n = root->children; n; n = n->next) {
		xmlChar *name, *value;

		if (n->type != XML_ELEMENT_NODE || xmlStrcmp(n->name, BAD_CAST "param"))
			continue;
		name = xmlGetProp(n, BAD_CAST "name");
		value = xmlGetProp(n, BAD_CAST "value");
		if (name && value)
			target_params_set(params, (const char *)name, (const char *)value);
		xmlFree(name);
		xmlFree(value);
	}
	xmlFreeDoc(doc);
	return 0;
}

/* The document, without writing it. */
static void record_start(struct xmlfile *f, const char *target, const struct target_params *params)
{
	xmlTextWriterPtr w;

	xmlfile_begin(f);
	w = f->w;
	xmlTextWriterStartElement(w, BAD_CAST "recorded");
	xmlTextWriterWriteAttribute(w, BAD_CAST "target", BAD_CAST target);
	for (size_t i = 0; i < params->n; i++) {
		xmlTextWriterStartElement(w, BAD_CAST "param");
		xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST params->names[i]);
		xmlTextWriterWriteAttribute(w, BAD_CAST "value", BAD_CAST params->values[i]);
		xmlTextWriterEndElement(w);
	}
}

void record_render(const char *target, const struct target_params *params, struct buf *out)
{
	struct xmlfile f;

	record_start(&f, target, params);
	xmlfile_end(&f, out);
}

int record_write(const struct wb_ctx *ctx, const char *target, const struct target_params *params)
{
	struct xmlfile f;
	char *path = record_path(ctx);
	int r;

	record_start(&f, target, params);
	r = xmlfile_commit(&f, ctx->state_dir, path, 0644);
	free(path);
	return r;
}
