/* SPDX-License-Identifier: MIT */
/*
 * verb-check.c - `wslbridge check [TARGET]`: does this machine match its
 * target, and if not, exactly what differs.  Observe (one launch, none with
 * --offline), compare, print; exit 0 when everything holds, 3 on drift.
 */
#include "verbs/verbs.h"
#include "verbs/verdict.h"
#include "targets/compare.h"
#include "targets/gather.h"
#include "base/log.h"
#include "targets/record.h"
#include "base/term.h"
#include "base/json-write.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libxml/tree.h>

static const char *const side_titles[SIDE_COUNT] = { "Environment", "Windows", "Files", "Linux (this distribution)" };

struct check_opts {
	bool offline, xml, json, list;
	struct verdict_params params;
};

/* The observation's own remedy (a fallback after a restart), else the target's. */
static const char *remedy(const struct check_result *r)
{
	return r->remedy ? r->remedy : r->e->remedy;
}

static void print_text(const struct target *t, const struct check_report *rep)
{
	bool tty = term_fancy(stdout);
	const char *ok = tty ? "\033[32m\u2714\033[0m" : "ok  ", *bad = tty ? "\033[31m\u2718\033[0m" : "FAIL";
	const char *skip = tty ? "-" : "skip", *unknown = tty ? "?" : "??? ";
	bool unreadable_switches = false;

	printf("Target %s: %s\n", t->name, t->summary);
	for (size_t s = 0; s < SIDE_COUNT; s++) {
		bool header = false;

		for (size_t i = 0; i < rep->n; i++) {
			const struct check_result *r = &rep->r[i];

			if (r->e->side != s)
				continue;
			if (!header)
				printf("\n%s\n", side_titles[s]);
			header = true;
			if (r->status == CHECK_PASS)
				printf("  %s %s%s\n", ok, r->e->summary, r->basis ? " (inferred)" : "");
			else if (r->status == CHECK_UNKNOWN) {
				printf("  %s %s: unknown, %s\n", unknown, r->e->summary, r->observed);
				unreadable_switches |= !strncmp(r->e->probe, "switch.", 7);
			} else if (r->status == CHECK_SKIP)
				printf("  %s %s: skipped, %s\n", skip, r->e->summary, r->observed);
			else
				printf("  %s %s: observed %s, expected %s\n%s%s%s", bad, r->e->summary,
				       *r->observed ? r->observed : !strncmp(r->e->probe, "wslconf", 7) ?
				       "(unset)" : "(nothing)", r->expected,
				       remedy(r) ? "       remedy: " : "", remedy(r) ? remedy(r) : "",
				       remedy(r) ? "\n" : "");
		}
	}
	printf("\n%zu of %zu expectations hold", rep->pass, rep->n - rep->skip);
	if (rep->skip)
		printf(" (%zu skipped)", rep->skip);
	if (rep->fail)
		printf("; %zu differ%s", rep->fail, rep->fail == 1 ? "s" : "");
	if (rep->unknown)
		printf("; %zu could not be read", rep->unknown);
	printf("\n");
	for (size_t i = 0; i < rep->n; i++)
		if (rep->r[i].basis) {
			printf("(inferred: Hyper-V's switches could not be read; they were told from the vEthernet "
			       "adapter and the uplink's bindings)\n");
			break;
		}
	if (unreadable_switches)
		printf("To read Hyper-V's switches, join Hyper-V Administrators (`wslbridge setup` adds you; it "
		       "counts from your next sign-in) or start WSL from an elevated terminal.\n");
}

static void xml_attr(xmlNodePtr n, const char *name, const char *v)
{
	if (v)
		xmlNewProp(n, BAD_CAST name, BAD_CAST v);
}

static void print_xml(const struct target *t, const struct check_report *rep)
{
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr root = xmlNewNode(NULL, BAD_CAST "check");
	xmlChar *out = NULL;
	char line[16];
	int len = 0;

	xmlDocSetRootElement(doc, root);
	xml_attr(root, "target", t->name);
	xml_attr(root, "file", t->file);
	xml_attr(root, "verdict", check_verdict(rep));
	for (size_t i = 0; i < t->nparams; i++) {
		xmlNodePtr p = xmlNewChild(root, NULL, BAD_CAST "param", NULL);

		xml_attr(p, "name", t->param_names[i]);
		xml_attr(p, "value", t->param_values[i]);
	}
	for (size_t i = 0; i < rep->n; i++) {
		const struct check_result *r = &rep->r[i];
		xmlNodePtr e = xmlNewChild(root, NULL, BAD_CAST "expect", NULL);

		xml_attr(e, "side", target_side_name(r->e->side));
		xml_attr(e, "probe", r->e->probe);
		xml_attr(e, "status", check_status_name(r->status));
		xml_attr(e, "summary", r->e->summary);
		xml_attr(e, "observed", r->observed);
		xml_attr(e, "expected", r->expected);
		xml_attr(e, "basis", r->basis ? "inferred" : NULL);
		xml_attr(e, "remedy", remedy(r));
		xml_attr(e, "fix", target_fix_name(r->e->fix));
		snprintf(line, sizeof(line), "%u", r->e->line);
		xml_attr(e, "line", line);
	}
	xmlDocDumpFormatMemoryEnc(doc, &out, &len, "UTF-8", 1);
	fwrite(out, 1, (size_t)len, stdout);
	xmlFree(out);
	xmlFreeDoc(doc);
}

/* The same report as print_xml, as JSON (templates/json/check.schema.json). */
static int print_json(const struct target *t, const struct check_report *rep)
{
	struct json_writer w;

	json_init(&w);
	json_object_begin(&w);
	json_kint(&w, "version", 1);
	json_kstring(&w, "target", t->name);
	json_kstring(&w, "file", t->file);
	json_kstring(&w, "verdict", check_verdict(rep));
	json_key(&w, "params");
	json_object_begin(&w);
	for (size_t i = 0; i < t->nparams; i++)
		json_kstring(&w, t->param_names[i], t->param_values[i]);
	json_object_end(&w);
	json_key(&w, "expectations");
	json_array_begin(&w);
	for (size_t i = 0; i < rep->n; i++) {
		const struct check_result *r = &rep->r[i];

		json_object_begin(&w);
		json_kstring(&w, "side", target_side_name(r->e->side));
		json_kstring(&w, "probe", r->e->probe);
		json_kstring(&w, "status", check_status_name(r->status));
		json_kstring(&w, "basis", r->basis ? "inferred" : NULL);
		json_kstring(&w, "summary", r->e->summary);
		json_kstring(&w, "observed", r->observed);
		json_kstring(&w, "expected", r->expected);
		json_kstring(&w, "remedy", remedy(r));
		json_kstring(&w, "fix", target_fix_name(r->e->fix));
		json_kint(&w, "line", r->e->line);
		json_object_end(&w);
	}
	json_array_end(&w);
	json_object_end(&w);
	if (json_print(&w, stdout) < 0)
		return wb_error(WB_EXIT_FAIL, "could not make the JSON document");
	return 0;
}

static int list_targets(const struct wb_ctx *ctx)
{
	size_t n;
	char **v = target_list(ctx, &n);

	for (size_t i = 0; i < n; i++) {
		struct target t;
		struct target_error err;

		if (target_load(ctx, v[i], NULL, 0, &t, &err) == 0) {
			printf("%-10s %s\n", t.name, t.summary);
			for (size_t k = 0; k < t.nparams; k++)
				printf("%-10s   --param %s=%s\n", "", t.param_names[k], t.param_values[k]);
			target_release(&t);
		} else {
			printf("%-10s (broken: %s)\n", v[i], err.msg);
			target_error_release(&err);
		}
		free(v[i]);
	}
	free(v);
	return WB_EXIT_OK;
}

static int parse(int argc, char **argv, struct check_opts *o, const char **ret_target)
{
	static const struct option longopts[] = {
		{ "offline", no_argument, NULL, 'o' }, { "xml", no_argument, NULL, 'x' },
		{ "json", no_argument, NULL, 'j' },
		{ "list", no_argument, NULL, 'l' }, { "param", required_argument, NULL, 'p' },
		{ "switch", required_argument, NULL, 's' }, { "adapter", required_argument, NULL, 'a' },
		{ "mac", required_argument, NULL, 'm' }, { "mtu", required_argument, NULL, 'M' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	verb_options_begin();
	while ((c = verb_next_option("check", argc, argv, "p:", longopts)) > 0) {
		switch (c) {
		case 'o': o->offline = true; break;
		case 'x': o->xml = true; break;
		case 'j': o->json = true; break;
		case 'l': o->list = true; break;
		case 'p': verdict_param(&o->params, NULL, optarg); break;
		case 's': verdict_param(&o->params, "switch", optarg); break;
		case 'a': verdict_param(&o->params, "adapter", optarg); break;
		case 'm': verdict_param(&o->params, "mac", optarg); break;
		case 'M': verdict_param(&o->params, "mtu", optarg); break;
		}
	}
	if (c == 0)
		return WB_EXIT_USAGE;
	if (argc - optind > 1)
		return wb_error(WB_EXIT_USAGE, "check takes at most one TARGET");
	*ret_target = optind < argc ? argv[optind] : NULL;
	return 0;
}

int verb_check(int argc, char **argv, struct wb_ctx *ctx)
{
	struct check_opts o = { false, false, false, false, { NULL, 0 } };
	struct observation obs;
	struct target t;
	struct check_report rep = { .r = NULL };
	const char *named = NULL;
	char *why = NULL;
	int rc = parse(argc, argv, &o, &named), r;

	memset(&obs, 0, sizeof(obs));
	memset(&t, 0, sizeof(t));
	if (rc || o.list) {
		rc = rc ? rc : list_targets(ctx);
		goto out;
	}
	r = observation_gather(ctx, o.offline, o.offline ? 0 : verdict_facts(ctx, named, &o.params), &obs, &why);
	if (r < 0) {
		rc = wb_error(WB_EXIT_FAIL, "%s", why);
		wb_hint("`wslbridge check --offline` checks what needs no Windows launch");
		goto out;
	}
	rc = verdict_compare(ctx, &obs, named, &o.params, false, &t, &rep);
	if (rc)
		goto out;
	if (o.json)
		rc = print_json(&t, &rep);
	else if (o.xml)
		print_xml(&t, &rep);
	else
		print_text(&t, &rep);
	/* what could not be read does not hold either: the target is not confirmed */
	rc = rc ? rc : rep.fail || rep.unknown ? WB_EXIT_DRIFT : WB_EXIT_OK;
out:
	check_report_release(&rep);
	target_release(&t);
	observation_release(&obs);
	verdict_params_release(&o.params);
	free(why);
	return rc;
}
