/* SPDX-License-Identifier: MIT */
/*
 * verb-doctor.c - `wslbridge doctor [--offline] [--json] [--endpoint HOST:PORT]
 * [--name NAME] [--timeout MS]`: one report of real connectivity, a line
 * per check with a remedy for each that fails; exit 0, or 3 when one fails.
 * Needs no setup; at most one Windows launch (the observation), none with
 * --offline.
 */
#include "verbs/verbs.h"
#include "verbs/doctor.h"
#include "verbs/verdict.h"
#include "base/json-write.h"
#include "base/log.h"
#include "base/term.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Windows' own connectivity check: a network that lets Windows out lets this through. */
#define DEFAULT_ENDPOINT "www.msftconnecttest.com:80"
#define DEFAULT_NAME "www.msftconnecttest.com"

static void print_text(const struct doc_report *r)
{
	bool tty = term_fancy(stdout);
	const char *ok = tty ? "\033[32m\u2714\033[0m" : "ok  ", *bad = tty ? "\033[31m\u2718\033[0m" : "FAIL";
	const char *skip = tty ? "-" : "skip";
	size_t pass = 0, fail = 0, skipped = 0;

	printf("wslbridge doctor: %s mode (%s)%s\n", r->mode, r->mode_from, r->offline ? ", offline" : "");
	for (int g = 0; g < DG_COUNT; g++) {
		bool header = false;

		for (size_t i = 0; i < r->n; i++) {
			const struct doc_check *c = &r->c[i];

			if (c->group != (enum doc_group)g)
				continue;
			if (!header)
				printf("\n%s\n", doc_group_title(c->group));
			header = true;
			printf("  %s %s: %s\n", c->status == DOC_PASS ? ok : c->status == DOC_FAIL ? bad : skip,
			       c->subject, c->detail);
			if (c->remedy)
				printf("       remedy: %s\n", c->remedy);
			pass += c->status == DOC_PASS;
			fail += c->status == DOC_FAIL;
			skipped += c->status == DOC_SKIP;
		}
	}
	printf("\n%zu of %zu checks pass", pass, pass + fail);
	if (skipped)
		printf(" (%zu skipped)", skipped);
	if (fail)
		printf("; %zu fail%s", fail, fail == 1 ? "s" : "");
	printf("\n");
}

static void json_dns(struct json_writer *w, const struct doc_check *c)
{
	static const char *const outcomes[] = { "replied", "unreachable", "timeout", "failed" };

	json_key(w, "dns");
	json_object_begin(w);
	json_kstring(w, "server", c->server);
	json_kstring(w, "verdict", dns_verdict_name(c->verdict));
	json_key(w, "queries");
	json_array_begin(w);
	for (size_t i = 0; i < c->nqueries; i++) {
		const struct dns_query *q = &c->queries[i];

		json_object_begin(w);
		json_kstring(w, "name", q->name);
		json_kstring(w, "type", dns_type_name(q->type));
		json_kstring(w, "outcome", outcomes[q->outcome]);
		json_key(w, "rcode");
		if (q->outcome == DNS_REPLIED)
			json_string(w, dns_rcode_name(q->rcode));
		else
			json_null(w);
		json_kint(w, "answers", q->answers);
		json_kint(w, "ms", q->ms);
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
}

static int print_json(const struct doc_report *r)
{
	struct json_writer w;
	size_t fail = 0;

	json_init(&w);
	json_object_begin(&w);
	json_kint(&w, "version", 1);
	json_kstring(&w, "mode", r->mode);
	json_kstring(&w, "mode_from", r->mode_from);
	json_kbool(&w, "offline", r->offline);
	for (size_t i = 0; i < r->n; i++)
		fail += r->c[i].status == DOC_FAIL;
	json_kstring(&w, "verdict", fail ? "broken" : "ok");
	json_key(&w, "checks");
	json_array_begin(&w);
	for (size_t i = 0; i < r->n; i++) {
		const struct doc_check *c = &r->c[i];

		json_object_begin(&w);
		json_kstring(&w, "group", doc_group_name(c->group));
		json_kstring(&w, "id", c->id);
		json_kstring(&w, "subject", c->subject);
		json_kstring(&w, "status", doc_status_name(c->status));
		json_kstring(&w, "detail", c->detail);
		json_kstring(&w, "remedy", c->remedy);
		if (c->verdict >= 0)
			json_dns(&w, c);
		json_object_end(&w);
	}
	json_array_end(&w);
	json_object_end(&w);
	if (json_print(&w, stdout) < 0)
		return wb_error(WB_EXIT_FAIL, "could not make the JSON report");
	return WB_EXIT_OK;
}

static int parse(int argc, char **argv, struct doctor_opts *o)
{
	static const struct option longopts[] = {
		{ "offline", no_argument, NULL, 'o' }, { "json", no_argument, NULL, 'j' },
		{ "endpoint", required_argument, NULL, 'e' }, { "name", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' }, { NULL, 0, NULL, 0 },
	};
	char *host, *port, *end;
	int c;

	verb_options_begin();
	while ((c = verb_next_option("doctor", argc, argv, "", longopts)) > 0) {
		switch (c) {
		case 'o': o->offline = true; break;
		case 'j': o->json = true; break;
		case 'e': o->endpoint = optarg; break;
		case 'n': o->name = optarg; break;
		case 't':
			o->timeout_ms = (int)strtol(optarg, &end, 10);
			if (*end || end == optarg || o->timeout_ms < 100 || o->timeout_ms > 60000)
				return wb_error(WB_EXIT_USAGE, "--timeout takes milliseconds, 100 to 60000, not '%s'",
						optarg);
			break;
		}
	}
	if (c == 0)
		return WB_EXIT_USAGE;
	if (optind != argc)
		return wb_error(WB_EXIT_USAGE, "doctor takes no arguments");
	if (doctor_split_endpoint(o->endpoint, &host, &port) < 0)
		return wb_error(WB_EXIT_USAGE, "--endpoint takes HOST:PORT (or [IPV6]:PORT), not '%s'", o->endpoint);
	free(host);
	free(port);
	if (!*o->name || strlen(o->name) > 253 || strchr(o->name, ' '))
		return wb_error(WB_EXIT_USAGE, "--name takes a domain name, not '%s'", o->name);
	return 0;
}

int verb_doctor(int argc, char **argv, struct wb_ctx *ctx)
{
	struct doctor_opts o = { false, false, DEFAULT_ENDPOINT, DEFAULT_NAME, 3000 };
	struct doc_report r;
	struct observation obs;
	char *why = NULL, *endpoint_addr = NULL, *none = NULL;
	struct verdict_params none_params = { NULL, 0 };
	int rc = parse(argc, argv, &o);
	size_t fail = 0;

	if (rc)
		return rc;
	memset(&r, 0, sizeof(r));
	memset(&obs, 0, sizeof(obs));
	/* Windows' view when it can be had; the checks of this side whatever happens */
	if (o.offline || observation_gather(ctx, false, verdict_facts(ctx, NULL, &none_params), &obs, &why) < 0) {
		observation_release(&obs);
		(void)observation_gather(ctx, true, 0, &obs, &none);
	}
	r.offline = o.offline;
	r.mode = observation_mode(&obs, &r.mode_from);
	doctor_windows(&r, &obs, why);
	doctor_dns(&r, &obs, &o);
	doctor_reach(&r, &obs, &o, &endpoint_addr);
	doctor_mtu(&r, &obs, endpoint_addr);
	doctor_proxy(&r, &obs, &o);
	doctor_config(&r, &obs);
	if (o.json)
		rc = print_json(&r);
	else
		print_text(&r);
	for (size_t i = 0; i < r.n; i++)
		fail += r.c[i].status == DOC_FAIL;
	doc_report_release(&r);
	observation_release(&obs);
	free(endpoint_addr);
	free(why);
	return rc ? rc : fail ? WB_EXIT_DRIFT : WB_EXIT_OK;
}
