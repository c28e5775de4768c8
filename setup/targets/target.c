/* SPDX-License-Identifier: MIT */
/*
 * target.c - see target.h.  Steps of target_load():
 *  1. find the file (a path, <root>/etc/wslbridge/targets, the data dir);
 *  2. parse it (no network, no entities) and validate it with the schema;
 *  3. settle the parameters: given, else default, else an error;
 *  4. expand <include>s (depth-limited) and every {param};
 *  5. turn each <expect> into a struct expectation.
 */
#include "targets/target.h"
#include "base/datadir.h"
#include "base/util.h"
#include "base/xmlfile.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

static int fail(struct target_error *err, const char *file, int line, int col, char *msg)
{
	err->file = xstrdup(file);
	err->line = line;
	err->col = col;
	err->msg = msg;
	return -EINVAL;
}

/* The file of target name; *shipped: it is one of wslbridge's own, which
 * `make` validated (build/validated.stamp) and run time trusts. */
static char *find_file(const struct wb_ctx *ctx, const char *name, bool *shipped_out)
{
	char *user, *shipped, *rel;

	*shipped_out = false;
	if (strchr(name, '/'))
		return xstrdup(name);
	rel = xasprintf("/etc/wslbridge/targets/%s.xml", name);
	user = wb_path(ctx, rel);
	free(rel);
	if (access(user, F_OK) == 0)
		return user;
	free(user);
	rel = xasprintf("targets/%s.xml", name);
	shipped = datadir_path(rel);
	free(rel);
	if (access(shipped, F_OK) == 0) {
		*shipped_out = true;
		return shipped;
	}
	free(shipped);
	return NULL;
}

/* Column of "<name" on line (1-based) of file, for schema errors. */
static int column_of(const char *file, int line, const char *name)
{
	struct buf b = BUF_INIT;
	const char *p, *hit;
	char *tag = xasprintf("<%s", name ? name : "");
	int col = 1;

	if (read_file(file, &b, NULL) == 0) {
		p = b.s;
		for (int l = 1; l < line && p; l++) {
			p = strchr(p, '\n');
			p = p ? p + 1 : NULL;
		}
		if (p) {
			const char *eol = strchr(p, '\n');

			hit = strstr(p, tag);
			if (hit && (!eol || hit < eol))
				col = (int)(hit - p) + 1;
		}
	}
	free(tag);
	buf_release(&b);
	return col;
}

static int validate(const char *file, xmlDocPtr doc, const char *schema_sub, struct target_error *err)
{
	char *rng = datadir_path(schema_sub);
	xmlRelaxNGPtr schema = xml_schema_compile(xmlRelaxNGNewParserCtxt(rng));
	struct xml_invalid f;
	int r = xml_validate(doc, schema, &f);

	if (r < 0)
		r = fail(err, rng, 0, 0, xstrdup("cannot load the target schema"));
	else if (r > 0)
		r = fail(err, file, f.line, column_of(file, f.line, f.element),
			 xasprintf("element <%s>: %s", f.element ? f.element : "?", f.msg));
	xml_invalid_release(&f);
	xmlRelaxNGFree(schema);
	free(rng);
	return r;
}

static bool is(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !xmlStrcmp(n->name, BAD_CAST name);
}

const char *target_params_get(const struct target_params *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->names[i], name))
			return p->values[i];
	return NULL;
}

void target_params_set(struct target_params *p, const char *name, const char *value)
{
	p->names = xrealloc(p->names, (p->n + 1) * sizeof(char *));
	p->values = xrealloc(p->values, (p->n + 1) * sizeof(char *));
	p->names[p->n] = xstrdup(name);
	p->values[p->n++] = xstrdup(value);
}

void target_params_release(struct target_params *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->names[i]);
		free(p->values[i]);
	}
	free(p->names);
	free(p->values);
	memset(p, 0, sizeof(*p));
}

/* Replace {name} by its value; NULL (and *err) for an unknown name. */
static char *subst(const char *s, const struct target_params *p, const char *file, xmlNodePtr n,
		   const char *attr, struct target_error *err)
{
	struct buf b = BUF_INIT;

	while (s && *s) {
		const char *open = strchr(s, '{'), *close = open ? strchr(open, '}') : NULL;
		char *name;
		const char *v;

		if (!open || !close) {
			buf_adds(&b, s);
			break;
		}
		buf_add(&b, s, (size_t)(open - s));
		name = xstrndup(open + 1, (size_t)(close - open - 1));
		v = target_params_get(p, name);
		/* Only {word} is a parameter; other braces (regex counts) pass through. */
		if (!v && strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") == strlen(name) && *name) {
			fail(err, file, (int)xmlGetLineNo(n), column_of(file, (int)xmlGetLineNo(n),
			     (const char *)n->name), xasprintf("unknown parameter {%s} in attribute "
			     "'%s' of <%s>", name, attr, (const char *)n->name));
			free(name);
			buf_release(&b);
			return NULL;
		}
		buf_adds(&b, v ? v : "");
		if (!v)
			buf_add(&b, open, (size_t)(close - open + 1));
		free(name);
		s = close + 1;
	}
	return buf_detach(&b, NULL);
}

static int load_one(const struct wb_ctx *ctx, const char *name, const struct target_params *given,
		    bool lenient, int depth, struct target *t, struct target_error *err);

/* Parameters: every given one must be declared (unless lenient); defaults fill the rest. */
static int settle_params(xmlNodePtr root, const char *file, const char *tname,
			 const struct target_params *given, bool lenient, struct target_params *out,
			 struct target_error *err)
{
	struct buf known = BUF_INIT;

	for (xmlNodePtr n = root->children; n; n = n->next) {
		char *pn, *def;
		const char *v;

		if (!is(n, "param"))
			continue;
		pn = xml_prop(n, "name");
		def = xml_prop(n, "default");
		v = target_params_get(given, pn);
		buf_addf(&known, "%s%s", known.len ? ", " : "", pn);
		if (!v && !def) {
			char *summary = xml_prop(n, "summary");

			fail(err, file, (int)xmlGetLineNo(n), column_of(file, (int)xmlGetLineNo(n), "param"),
			     xasprintf("target '%s' needs the parameter '%s' (%s): pass --param %s=VALUE",
				       tname, pn, summary ? summary : "", pn));
			err->usage = true;
			free(summary);
			free(pn);
			buf_release(&known);
			return -EINVAL;
		}
		target_params_set(out, pn, v ? v : def);
		free(pn);
		free(def);
	}
	for (size_t i = 0; !lenient && i < given->n; i++) {
		if (!target_params_get(out, given->names[i])) {
			fail(err, file, 0, 0, xasprintf("unknown parameter '%s' for target '%s' (it takes: %s)",
							given->names[i], tname, known.len ? known.s : "none"));
			err->usage = true;
			buf_release(&known);
			return -EINVAL;
		}
	}
	buf_release(&known);
	return 0;
}

static const char *const side_names[SIDE_COUNT] = { "environment", "windows", "files", "linux" };
static const char *const fix_names[FIX_COUNT] = {
	NULL, "bindings", "forward", "hvfw", "restart", "switch", "vpn", "wslconf-fix", "wslconfig",
};

const char *target_side_name(enum target_side s)
{
	return s < SIDE_COUNT ? side_names[s] : NULL;
}

const char *target_fix_name(enum target_fix f)
{
	return f < FIX_COUNT ? fix_names[f] : NULL;
}

enum target_side target_side_parse(const char *name)
{
	size_t i = 0;

	while (i < SIDE_COUNT && (!name || strcmp(name, side_names[i])))
		i++;
	return (enum target_side)i;
}

enum target_fix target_fix_parse(const char *name)
{
	size_t i = 1;

	if (!name)
		return FIX_NONE;
	while (i < FIX_COUNT && strcmp(name, fix_names[i]))
		i++;
	return (enum target_fix)i;
}

static int add_expect(xmlNodePtr n, enum target_side side, const char *file, const struct target_params *p,
		      struct target *t, struct target_error *err)
{
	static const char *const attrs[] = {
		"probe", "summary", "remedy", "fix", "switch", "adapter", "component", "key",
		"ifname", "path", "equals", "pattern", "ports",
	};
	char *v[13] = { NULL };
	struct expectation *e;
	char *when, *num;

	for (size_t i = 0; i < 13; i++) {
		char *raw = xml_prop(n, attrs[i]);

		if (raw && !(v[i] = subst(raw, p, file, n, attrs[i], err))) {
			free(raw);
			for (size_t k = 0; k < i; k++)
				free(v[k]);
			return -EINVAL;
		}
		free(raw);
	}
	if (target_fix_parse(v[3]) == FIX_COUNT) {	/* only a {param} can get past the schema */
		int r = fail(err, file, xmlGetLineNo(n), 0, xasprintf("expect: unknown fix '%s'", v[3]));

		for (size_t k = 0; k < 13; k++)
			free(v[k]);
		return r;
	}
	t->exp = xrealloc(t->exp, (t->nexp + 1) * sizeof(*t->exp));
	e = &t->exp[t->nexp++];
	memset(e, 0, sizeof(*e));
	e->side = side;
	e->fix = target_fix_parse(v[3]);
	free(v[3]);
	e->probe = v[0]; e->summary = v[1]; e->remedy = v[2];
	e->sw = v[4]; e->adapter = v[5]; e->component = v[6]; e->key = v[7];
	e->ifname = v[8]; e->path = v[9]; e->equals = v[10]; e->pattern = v[11]; e->ports = v[12];
	if ((num = xml_prop(n, "min"))) {
		e->has_min = true;
		e->min = strtol(num, NULL, 10);
		free(num);
	}
	if ((num = xml_prop(n, "max"))) {
		e->has_max = true;
		e->max = strtol(num, NULL, 10);
		free(num);
	}
	num = xml_prop(n, "nocase");
	e->nocase = num && (!strcmp(num, "true") || !strcmp(num, "1"));
	free(num);
	when = xml_prop(n, "when");
	e->skipped = when && (!target_params_get(p, when) || !*target_params_get(p, when));
	if (e->skipped && e->key) {
		/* the summary names the empty parameter's value: say what is not checked */
		free(e->summary);
		e->summary = xasprintf("%s %s (no --param %s=...)", e->probe, e->key, when);
	}
	free(when);
	e->file = xstrdup(file);
	e->line = (unsigned)xmlGetLineNo(n);
	return 0;
}

static int walk(const struct wb_ctx *ctx, xmlNodePtr root, const char *file, const struct target_params *p,
		int depth, struct target *t, struct target_error *err)
{
	for (xmlNodePtr n = root->children; n; n = n->next) {
		if (is(n, "include")) {
			char *raw = xml_prop(n, "target"), *name = subst(raw, p, file, n, "target", err);
			struct target inc;
			int r;

			free(raw);
			if (!name)
				return -EINVAL;
			memset(&inc, 0, sizeof(inc));
			r = depth >= 4 ? fail(err, file, (int)xmlGetLineNo(n), 1,
					      xasprintf("<include> nests too deep (a loop?) at '%s'", name))
				       : load_one(ctx, name, p, true, depth + 1, &inc, err);
			free(name);
			if (r < 0) {
				target_release(&inc);
				return r;
			}
			t->exp = xrealloc(t->exp, (t->nexp + inc.nexp) * sizeof(*t->exp));
			memcpy(t->exp + t->nexp, inc.exp, inc.nexp * sizeof(*t->exp));
			t->nexp += inc.nexp;
			inc.nexp = 0;
			target_release(&inc);
		} else if (is(n, "side")) {
			char *name = xml_prop(n, "name");
			enum target_side side = target_side_parse(name);

			free(name);	/* the schema allows only the four */
			for (xmlNodePtr e = n->children; side < SIDE_COUNT && e; e = e->next)
				if (is(e, "expect") && add_expect(e, side, file, p, t, err) < 0)
					return -EINVAL;
		}
	}
	return 0;
}

struct syntax_error {
	int line, col;
	char *msg;
};

static void on_syntax_error(void *data, xmlErrorPtr e)
{
	struct syntax_error *f = data;

	if (f->msg)
		return;	/* the first one is where the file goes wrong */
	f->line = e->line;
	f->col = e->int2;
	f->msg = xstrdup(e->message ? e->message : "not well-formed");
	f->msg[strcspn(f->msg, "\n")] = '\0';
}

/* Parse (no network, no DOCTYPE, capped); the first syntax error goes to *err. */
static xmlDocPtr read_xml(const char *file, struct target_error *err)
{
	struct syntax_error f = { 0, 0, NULL };
	xmlDocPtr doc;
	char *why = NULL;

	xmlSetStructuredErrorFunc(&f, on_syntax_error);
	doc = xml_read_path(file, XML_PARSE_NOWARNING, &why);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (!doc && f.msg) {
		free(why);
		fail(err, file, f.line, f.col, f.msg);
	} else if (!doc) {
		fail(err, file, 0, 0, xasprintf("%s: %s; it was not read", file, why));
		free(why);
	} else {
		free(f.msg);
	}
	return doc;
}

xmlDocPtr xml_read_validated(const char *file, const char *schema_sub, bool shipped,
			     struct target_error *err)
{
	xmlDocPtr doc;

	memset(err, 0, sizeof(*err));
	doc = read_xml(file, err);
	/* a schema costs about 1 MB and a compile each time: only for files a
	 * user wrote; the shipped ones were validated when wslbridge was built */
	if (doc && !shipped && validate(file, doc, schema_sub, err) < 0) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	return doc;
}

static int load_one(const struct wb_ctx *ctx, const char *name, const struct target_params *given,
		    bool lenient, int depth, struct target *t, struct target_error *err)
{
	bool shipped;
	char *file = find_file(ctx, name, &shipped);
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	struct target_params p = { NULL, NULL, 0 };
	int r;

	memset(t, 0, sizeof(*t));
	if (!file) {
		fail(err, name, 0, 0, xasprintf("no target named '%s' (see `wslbridge check --list`)", name));
		err->usage = true;
		return -EINVAL;
	}
	doc = xml_read_validated(file, "targets/target.rng", shipped, err);
	if (!doc) {
		r = -EINVAL;
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	t->name = xml_prop(root, "name");
	t->summary = xml_prop(root, "summary");
	t->file = xstrdup(file);
	r = settle_params(root, file, t->name, given, lenient, &p, err);
	if (r == 0)
		r = walk(ctx, root, file, &p, depth, t, err);
	t->param_names = p.names;
	t->param_values = p.values;
	t->nparams = p.n;
	p.names = p.values = NULL;	/* now the target's */
	p.n = 0;
out:
	target_params_release(&p);
	xmlFreeDoc(doc);
	free(file);
	return r;
}

int target_load_params(const struct wb_ctx *ctx, const char *name, const struct target_params *given,
		       struct target *t, struct target_error *err)
{
	static const struct target_params none = { NULL, NULL, 0 };
	int r;

	memset(err, 0, sizeof(*err));
	r = load_one(ctx, name, given ? given : &none, false, 0, t, err);
	if (r < 0)
		target_release(t);
	return r;
}

int target_load(const struct wb_ctx *ctx, const char *name, char *const *params,
		size_t nparams, struct target *t, struct target_error *err)
{
	struct target_params given = { NULL, NULL, 0 };
	int r;

	memset(err, 0, sizeof(*err));
	for (size_t i = 0; i < nparams; i++) {
		const char *eq = strchr(params[i], '=');
		char *n;

		if (!eq) {
			target_params_release(&given);
			fail(err, name, 0, 0, xasprintf("parameter '%s' is not NAME=VALUE", params[i]));
			err->usage = true;
			return -EINVAL;
		}
		n = xstrndup(params[i], (size_t)(eq - params[i]));
		target_params_set(&given, n, eq + 1);
		free(n);
	}
	r = target_load_params(ctx, name, &given, t, err);
	target_params_release(&given);
	return r;
}

static void free_expect(struct expectation *e)
{
	char **f[] = { &e->probe, &e->summary, &e->remedy, &e->sw, &e->adapter,
		       &e->component, &e->key, &e->ifname, &e->path, &e->equals, &e->pattern, &e->file, &e->ports };

	for (size_t i = 0; i < sizeof(f) / sizeof(*f); i++)
		free(*f[i]);
}

void target_release(struct target *t)
{
	for (size_t i = 0; i < t->nexp; i++)
		free_expect(&t->exp[i]);
	free(t->exp);
	for (size_t i = 0; i < t->nparams; i++) {
		free(t->param_names[i]);
		free(t->param_values[i]);
	}
	free(t->param_names);
	free(t->param_values);
	free(t->name);
	free(t->summary);
	free(t->file);
	memset(t, 0, sizeof(*t));
}

void target_error_release(struct target_error *err)
{
	free(err->file);
	free(err->msg);
	memset(err, 0, sizeof(*err));
}

static void add_names(const char *dir, char ***v, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		bool dup = false;
		char *name;

		if (len < 5 || strcmp(de->d_name + len - 4, ".xml"))
			continue;
		name = xstrndup(de->d_name, len - 4);
		for (size_t i = 0; i < *n; i++)
			dup |= !strcmp((*v)[i], name);
		if (dup) {
			free(name);
			continue;
		}
		*v = xrealloc(*v, (*n + 1) * sizeof(char *));
		(*v)[(*n)++] = name;
	}
	if (d)
		closedir(d);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **target_list(const struct wb_ctx *ctx, size_t *ret_n)
{
	char *user = wb_path(ctx, "/etc/wslbridge/targets"), *shipped = datadir_path("targets");
	char **v = NULL;
	size_t n = 0;

	add_names(user, &v, &n);
	add_names(shipped, &v, &n);
	if (n)
		qsort(v, n, sizeof(char *), cmp_str);
	free(user);
	free(shipped);
	*ret_n = n;
	return v;
}
