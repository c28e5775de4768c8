/* SPDX-License-Identifier: MIT */
/* profile.c - see profile.h. */
#include "vpn-fixups/profile.h"
#include "base/datadir.h"
#include "base/match.h"
#include "base/util.h"
#include "base/xmlfile.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

static bool is(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !xmlStrcmp(n->name, BAD_CAST name);
}

static void parse(xmlNodePtr root, const char *file, struct vpn_profile *p)
{
	memset(p, 0, sizeof(*p));
	p->name = xml_prop(root, "name");
	p->summary = xml_prop(root, "summary");
	p->file = xstrdup(file);
	for (xmlNodePtr n = root->children; n; n = n->next) {
		char *v;

		if (is(n, "match")) {
			p->patterns = xrealloc(p->patterns, (p->npatterns + 1) * sizeof(char *));
			p->patterns[p->npatterns++] = xml_prop(n, "description");
		} else if (is(n, "mtu")) {
			v = xml_prop(n, "strategy");
			p->mtu_probe = v && !strcmp(v, "probe");
			free(v);
			v = xml_prop(n, "fallback");
			p->mtu_fallback = v ? atoi(v) : 1400;
			free(v);
		} else if (is(n, "dns")) {
			p->dns = xml_prop(n, "strategy");
		} else if (is(n, "windows-fix")) {
			v = xml_prop(n, "metric");
			p->metric = v ? atoi(v) : 0;
			free(v);
			p->metric_note = xml_prop(n, "note");
		}
	}
}

static void free_profile(struct vpn_profile *p)
{
	for (size_t i = 0; i < p->npatterns; i++)
		free(p->patterns[i]);
	free(p->patterns);
	free(p->name); free(p->summary); free(p->file); free(p->dns); free(p->metric_note);
}

/* Every NAME.xml in dir; a later directory's NAME replaces an earlier one's.
 * shipped: wslbridge's own, validated at build time, so not again. */
static int load_dir(const char *dir, bool shipped, struct vpn_profiles *ps, struct target_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int r = 0;

	while (r == 0 && d && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char *file;
		xmlDocPtr doc;
		struct vpn_profile p;
		size_t i;

		if (len < 5 || strcmp(de->d_name + len - 4, ".xml"))
			continue;
		file = path_join(dir, de->d_name);
		doc = xml_read_validated(file, "vpn/profile.rng", shipped, err);
		if (!doc) {
			free(file);
			r = -EINVAL;
			break;
		}
		parse(xmlDocGetRootElement(doc), file, &p);
		xmlFreeDoc(doc);
		free(file);
		for (i = 0; i < ps->n && strcmp(ps->p[i].name, p.name); i++)
			;
		if (i < ps->n) {
			free_profile(&ps->p[i]);
		} else {
			ps->p = xrealloc(ps->p, (ps->n + 1) * sizeof(*ps->p));
			ps->n++;
		}
		ps->p[i] = p;
	}
	if (d)
		closedir(d);
	return r;
}

static int cmp_profiles(const void *a, const void *b)
{
	return strcmp(((const struct vpn_profile *)a)->name, ((const struct vpn_profile *)b)->name);
}

int vpn_profiles_load(const struct wb_ctx *ctx, struct vpn_profiles *ps, struct target_error *err)
{
	char *shipped = datadir_path("vpn"), *user = wb_path(ctx, "/etc/wslbridge/vpn");
	int r;

	memset(ps, 0, sizeof(*ps));
	memset(err, 0, sizeof(*err));
	r = load_dir(shipped, true, ps, err);
	if (r == 0)
		r = load_dir(user, false, ps, err);
	if (ps->n)
		qsort(ps->p, ps->n, sizeof(*ps->p), cmp_profiles);
	free(shipped);
	free(user);
	if (r < 0)
		vpn_profiles_release(ps);
	return r;
}

void vpn_profiles_release(struct vpn_profiles *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		free_profile(&ps->p[i]);
	free(ps->p);
	memset(ps, 0, sizeof(*ps));
}

const struct vpn_profile *vpn_profile_find(const struct vpn_profiles *ps, const char *name)
{
	for (size_t i = 0; name && i < ps->n; i++)
		if (!strcmp(ps->p[i].name, name))
			return &ps->p[i];
	return NULL;
}

const struct vpn_profile *vpn_profile_match(const struct vpn_profiles *ps, const char *description)
{
	for (size_t i = 0; description && i < ps->n; i++) {
		for (size_t k = 0; k < ps->p[i].npatterns; k++) {
			/* Windows numbers further instances " #2", " #3": accept them all. */
			char *pat = xasprintf("(?:%s)(?: #[0-9]+)?", ps->p[i].patterns[k]), *err = NULL;
			int m = match_user(pat, true, description, &err);

			free(pat);
			free(err);
			if (m == 1)
				return &ps->p[i];
		}
	}
	return NULL;
}

char *vpn_profile_names(const struct vpn_profiles *ps)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < ps->n; i++)
		buf_addf(&b, "%s%s", i ? ", " : "", ps->p[i].name);
	return buf_detach(&b, NULL);
}
