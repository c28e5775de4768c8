/* SPDX-License-Identifier: MIT */
/*
 * verb-dsc.c - `wslbridge dsc get|test|set`: the command resource
 * WslBridge/Network of Microsoft DSC v3 (templates/dsc/).  DSC writes the
 * instance as JSON on stdin and reads the state as one JSON object on
 * stdout; everything for people goes to stderr, and nothing ever asks (DSC
 * has no terminal).
 *
 * get prints the observed state; test adds _inDesiredState; set tests
 * first (implementsPretest) and changes only what differs, through the verbs
 * that own the change: setup's engine and transaction for the mode, `forward
 * add` for the forwards.  So set is idempotent, recorded in the history like
 * any run, and `wslbridge undo` reverts it.
 */
#include "verbs/dsc-state.h"
#include "verbs/subverb.h"
#include "verbs/verbs.h"
#include "base/json-read.h"
#include "base/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* stdin is a pipe from DSC: read it to the end, bounded (json-read.h). */
static int read_instance(struct dsc_want *w)
{
	struct buf in = BUF_INIT;
	int rc;

	while (in.len <= JSON_READ_MAX_BYTES) {
		ssize_t n;

		buf_grow(&in, 65536);
		n = read(STDIN_FILENO, in.s + in.len, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = errno;
			buf_release(&in);
			return wb_error(WB_EXIT_FAIL, "could not read the instance from stdin: %s", strerror(rc));
		}
		if (n == 0)
			break;
		in.len += (size_t)n;
	}
	if (!in.len)	/* get without an instance: every property */
		buf_adds(&in, "{}");
	rc = dsc_want_parse(in.s, in.len, w);	/* too long: the reader says so */
	buf_release(&in);
	return rc;
}

static int observe(struct wb_ctx *ctx, struct observation *o)
{
	char *why = NULL;

	/* get and test report the mode, the switch and adapter, forwards and the
	 * VPN profile: the switches beyond the basics, never the Hyper-V firewall */
	if (observation_gather(ctx, false, HOST_SWITCHES, o, &why) < 0) {
		wb_error(WB_EXIT_FAIL, "%s", why);
		free(why);
		return WB_EXIT_FAIL;
	}
	return 0;
}

/* One JSON object on stdout, compact and on one line, as DSC reads it. */
static int print_state(const struct observation *o, int in_desired, bool reboot)
{
	struct json_writer w;
	int rc;

	json_init(&w);
	w.compact = true;
	json_object_begin(&w);
	dsc_write_state(o, &w);
	if (in_desired >= 0)
		json_kbool(&w, "_inDesiredState", in_desired);
	if (reboot)
		json_kbool(&w, "_rebootRequested", true);
	json_object_end(&w);
	rc = json_print(&w, stdout);
	return rc < 0 ? wb_error(WB_EXIT_FAIL, "could not write the state as JSON") : WB_EXIT_OK;
}

/* A verb run inside set, its stdout (plans, results) sent to stderr: DSC's
 * stdout holds only the state. */
static int run_verb(int (*fn)(int, char **, struct wb_ctx *), char **argv, struct wb_ctx *ctx)
{
	int argc = 0, saved, rc;

	while (argv[argc])
		argc++;
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	if (saved < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
		if (saved >= 0)
			close(saved);
		return wb_error(WB_EXIT_FAIL, "could not send the output of %s to stderr: %s", argv[0], strerror(errno));
	}
	rc = fn(argc, argv, ctx);
	fflush(stdout);
	if (dup2(saved, STDOUT_FILENO) < 0)
		rc = wb_error(WB_EXIT_FAIL, "could not restore stdout: %s", strerror(errno));
	close(saved);
	return rc;
}

static void free_argv(char **argv)
{
	for (size_t i = 0; argv[i]; i++)
		free(argv[i]);
	free(argv);
}

static int cmd_set(struct wb_ctx *ctx, const struct dsc_want *w, struct observation *o, struct dsc_verdict *v)
{
	bool reboot = false;
	char **argv;
	int rc = 0;

	if (v->network_ok && v->forwards_ok)	/* pretest: nothing to do */
		return print_state(o, -1, false);
	wb_note("dsc set: %s", v->why);
	ctx->yes = true;	/* DSC has no terminal: the instance is the confirmation */
	if (!v->network_ok) {
		argv = dsc_setup_argv(w);
		rc = run_verb(verb_setup, argv, ctx);
		free_argv(argv);
		reboot = rc == WB_EXIT_RESTART;
		if (reboot)
			rc = 0;
	}
	if (rc == 0 && !v->forwards_ok) {
		argv = xcalloc(v->nmissing + 3, sizeof(*argv));
		argv[0] = xstrdup("forward");
		argv[1] = xstrdup("add");
		for (size_t i = 0; i < v->nmissing; i++)
			argv[i + 2] = xstrdup(v->missing[i]);
		rc = run_verb(verb_forward, argv, ctx);
		free_argv(argv);
	}
	if (rc)
		return wb_error(rc == WB_EXIT_USAGE ? WB_EXIT_USAGE : WB_EXIT_FAIL,
				"dsc set did not reach the desired state (see above); `wslbridge undo` reverts what was done");
	observation_release(o);
	if ((rc = observe(ctx, o)))
		return rc;
	/* WSL applies a new mode at its next start: a reboot (or `wsl --shutdown`) finishes it */
	return print_state(o, -1, reboot);
}

int verb_dsc(int argc, char **argv, struct wb_ctx *ctx)
{
	static const struct subverb subs[] = {
		{ .name = "get" }, { .name = "test" },
		{ .name = "set", .flags = SUB_ROOT | SUB_LOCK,
		  .changes = "what setup and forward change (.wslconfig, /etc/wsl.conf, Windows)" },
	};
	const struct subverb *sv;
	struct dsc_want w;
	struct dsc_verdict v = { .why = NULL };
	struct observation o;
	int rc;

	if (argc != 2) {
		print_verb_usage("dsc");
		return WB_EXIT_USAGE;
	}
	sv = subverb_find("dsc", subs, sizeof(subs) / sizeof(subs[0]), argv[1], 0, argv + 2, &rc);
	if (!sv)
		return rc;
	if ((rc = subverb_enter(ctx, "dsc", sv)) || (rc = read_instance(&w)))
		return rc;
	memset(&o, 0, sizeof(o));
	if ((rc = observe(ctx, &o)))
		goto out;
	if (!strcmp(sv->name, "get")) {
		rc = print_state(&o, -1, false);
		goto out;
	}
	if ((rc = dsc_compare(ctx, &o, &w, &v)))
		goto out;
	if (!strcmp(sv->name, "test")) {
		if (v.why)
			wb_note("dsc test: %s", v.why);
		rc = print_state(&o, v.network_ok && v.forwards_ok, false);
	} else {
		rc = cmd_set(ctx, &w, &o, &v);
	}
out:
	dsc_verdict_release(&v);
	observation_release(&o);
	dsc_want_release(&w);
	return rc;
}
