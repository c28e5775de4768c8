/* SPDX-License-Identifier: MIT */
/* journal.c - see journal.h. */
#include "engine/journal.h"
#include "base/xmlfile.h"
#include "base/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

static char *journal_path(const struct wb_ctx *ctx)
{
	return path_join(ctx->state_dir, "journal.xml");
}

static const char *const state_names[] = {
	[JS_UNKNOWN] = "unknown", [JS_PLANNED] = "planned", [JS_STARTED] = "started",
	[JS_AWAITING] = "awaiting", [JS_DONE] = "done", [JS_FAILED] = "failed", [JS_SKIPPED] = "skipped",
	[JS_APPLYING] = "applying", [JS_AWAITING_RESTART] = "awaiting-restart",
};

const char *journal_state_name(enum journal_state st)
{
	return (size_t)st < sizeof(state_names) / sizeof(state_names[0]) ? state_names[st] : "unknown";
}

static enum journal_state read_state(xmlNodePtr n)
{
	char *v = xml_prop(n, "state");
	enum journal_state st = JS_UNKNOWN;

	for (size_t i = 1; v && i < sizeof(state_names) / sizeof(state_names[0]); i++)
		if (!strcmp(v, state_names[i]))
			st = (enum journal_state)i;
	free(v);
	return st;
}

int journal_read(const struct wb_ctx *ctx, struct journal *j)
{
	char *path = journal_path(ctx), *why = NULL;
	xmlDocPtr doc = xml_read_path(path, XML_PARSE_NOERROR | XML_PARSE_NOWARNING, &why);
	xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
	bool bad = false;

	memset(j, 0, sizeof(*j));
	free(why);
	free(path);
	if (!root) {
		xmlFreeDoc(doc);
		return -ENOENT;
	}
	j->verb = xml_prop(root, "verb");
	j->state = read_state(root);
	j->time = xml_prop(root, "time");
	j->message = xml_prop(root, "message");
	for (xmlNodePtr n = root->children; n; n = n->next) {
		char *name;

		if (n->type != XML_ELEMENT_NODE || xmlStrcmp(n->name, BAD_CAST "step"))
			continue;
		name = xml_prop(n, "name");
		journal_add_step(j, name ? name : "?");
		free(name);
		j->steps[j->nsteps - 1].state = read_state(n);
		j->steps[j->nsteps - 1].detail = xml_prop(n, "detail");
		bad |= j->steps[j->nsteps - 1].state == JS_UNKNOWN;
	}
	xmlFreeDoc(doc);
	if (bad || j->state == JS_UNKNOWN || !j->verb) {
		journal_release(j);
		return -EBADMSG;
	}
	return 0;
}

int journal_write(const struct wb_ctx *ctx, const struct journal *j)
{
	struct xmlfile f;
	xmlTextWriterPtr w;
	char *path = journal_path(ctx);
	int r;

	xmlfile_begin(&f);
	w = f.w;
	xmlTextWriterStartElement(w, BAD_CAST "journal");
	xmlTextWriterWriteAttribute(w, BAD_CAST "verb", BAD_CAST j->verb);
	xmlTextWriterWriteAttribute(w, BAD_CAST "state", BAD_CAST journal_state_name(j->state));
	xmlTextWriterWriteAttribute(w, BAD_CAST "time", BAD_CAST (j->time ? j->time : ""));
	if (j->message)
		xmlTextWriterWriteAttribute(w, BAD_CAST "message", BAD_CAST j->message);
	for (size_t i = 0; i < j->nsteps; i++) {
		xmlTextWriterStartElement(w, BAD_CAST "step");
		xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST j->steps[i].name);
		xmlTextWriterWriteAttribute(w, BAD_CAST "state", BAD_CAST journal_state_name(j->steps[i].state));
		if (j->steps[i].detail)
			xmlTextWriterWriteAttribute(w, BAD_CAST "detail", BAD_CAST j->steps[i].detail);
		xmlTextWriterEndElement(w);
	}
	r = xmlfile_commit(&f, ctx->state_dir, path, 0644);
	free(path);
	return r;
}

void journal_add_step(struct journal *j, const char *name)
{
	j->steps = xrealloc(j->steps, (j->nsteps + 1) * sizeof(*j->steps));
	j->steps[j->nsteps].name = xstrdup(name);
	j->steps[j->nsteps].state = JS_PLANNED;
	j->steps[j->nsteps++].detail = NULL;
}

void journal_set_step(struct journal *j, size_t i, enum journal_state state, const char *detail)
{
	free(j->steps[i].detail);
	j->steps[i].state = state;
	j->steps[i].detail = detail ? xstrdup(detail) : NULL;
}

void journal_release(struct journal *j)
{
	for (size_t i = 0; i < j->nsteps; i++) {
		free(j->steps[i].name);
		free(j->steps[i].detail);
	}
	free(j->steps);
	free(j->verb); free(j->time); free(j->message);
	memset(j, 0, sizeof(*j));
}
