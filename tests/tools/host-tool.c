/* SPDX-License-Identifier: MIT */
/*
 * host-tool.c - drives the host layer directly for the end-to-end tests
 * (as git's test-tool does), until setup and repair use it:
 *   host-tool observe [none|switches|hyperv-firewall]...  (the facts asked; all by default)
 *   host-tool apply TYPE key=value... [-- TYPE key=value...]...
 *   host-tool parse FILE      (the response reader alone, on a saved response)
 * Prints one line per switch (observe) or per action result (apply):
 *   result ID STATUS FAILURE [switch-id=ID] [effect=E] [settled=false]
 *   switch NAME type=T uplinks=N [inferred]
 *   unreadable SECTION REASON    and "error KIND" for a failed call.
 * Exit 0 when the call itself worked, 1 when it did not.
 */
#include "host/host.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int print_state(const struct host_state *st)
{
	for (size_t i = 0; i < st->nresults; i++) {
		const struct host_result *r = &st->results[i];

		printf("result %s %s %s", r->id, r->status, host_failure_name(host_result_failure(r)));
		if (r->switch_id)
			printf(" switch-id=%s", r->switch_id);
		if (r->effect)
			printf(" effect=%s", r->effect);
		if (r->settled && !strcmp(r->settled, "false"))
			printf(" settled=false");
		printf("\n");
	}
	for (size_t i = 0; i < st->nswitches; i++)
		printf("switch %s type=%d uplinks=%zu%s\n", st->switches[i].name, st->switches[i].type,
		       st->switches[i].nuplinks, st->switches[i].inferred ? " inferred" : "");
	for (size_t i = 0; i < st->nunreadable; i++)
		printf("unreadable %s %s\n", st->unreadable[i].section, st->unreadable[i].reason);
	if (st->error)
		printf("error %s\n", st->error->kind);
	return 0;
}

/* argv: TYPE k=v ... [-- TYPE k=v ...]; keys and values point into argv. */
static size_t parse_actions(int argc, char **argv, struct host_action *a, size_t max)
{
	size_t n = 0, k = 0;

	for (int i = 0; i < argc && n < max; i++) {
		char *eqs;

		if (!strcmp(argv[i], "--")) {
			n++;
			k = 0;
			continue;
		}
		if (k == 0 && a[n].type == HA_NONE) {
			a[n].type = host_action_parse(argv[i]);
			if (a[n].type == HA_NONE) {
				fprintf(stderr, "host-tool: unknown action type '%s'\n", argv[i]);
				exit(2);
			}
			continue;
		}
		eqs = strchr(argv[i], '=');
		if (!eqs || k + 2 >= sizeof(a[n].attrs) / sizeof(a[n].attrs[0]))
			continue;
		*eqs = '\0';
		a[n].attrs[k++] = argv[i];
		a[n].attrs[k++] = eqs + 1;
	}
	return a[n].type != HA_NONE ? n + 1 : n;
}

int main(int argc, char **argv)
{
	struct wb_ctx ctx = { NULL, NULL, true, NULL };
	struct host_action actions[16];
	struct host h;
	struct host_state st;
	char *why = NULL;
	int r;

	if (argc < 2)
		return 2;
	if (!strcmp(argv[1], "parse") && argc == 3) {
		struct buf b = BUF_INIT;

		r = read_file(argv[2], &b, NULL);
		if (r == 0 && host_state_parse(b.s, b.len, &st, &why) == 0) {
			print_state(&st);
			host_state_release(&st);
		} else {
			fprintf(stderr, "host-tool: %s: %s\n", argv[2], why ? why : strerror(-r));
			r = -1;
		}
		free(why);
		buf_release(&b);
		return r < 0;
	}
	memset(actions, 0, sizeof(actions));
	ctx_init(&ctx, NULL, NULL);
	r = host_open(&ctx, &h, &why);
	if (r == 0 && !strcmp(argv[1], "observe")) {
		for (int i = 2; i < argc; i++)
			h.facts = (i == 2 ? 0 : h.facts) | (!strcmp(argv[i], "switches") ? HOST_SWITCHES :
				  !strcmp(argv[i], "hyperv-firewall") ? HOST_HVFW : 0);
		r = host_observe(&h, &st, &why);
	}
	else if (r == 0)
		r = host_apply(&h, actions, parse_actions(argc - 2, argv + 2, actions, 16), &st, &why);
	if (r < 0) {
		fprintf(stderr, "host-tool: %s\n", why ? why : "failed");
		free(why);
		if (h.ctx)
			host_close(&h);
		ctx_release(&ctx);
		return 1;
	}
	print_state(&st);
	printf("launches %d\n", h.launches);
	host_state_release(&st);
	host_close(&h);
	ctx_release(&ctx);
	return 0;
}
