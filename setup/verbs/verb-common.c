/* SPDX-License-Identifier: MIT */
/* verb-common.c - helpers shared by the verbs (see verbs.h). */
#include "verbs/verbs.h"
#include "base/log.h"
#include "targets/target.h"

#include <getopt.h>

int verb_report_load_error(struct target_error *err)
{
	int rc = err->usage ? WB_EXIT_USAGE : WB_EXIT_FAIL;

	if (err->line)
		wb_error(rc, "%s:%d:%d: %s", err->file, err->line, err->col, err->msg);
	else
		wb_error(rc, "%s", err->msg);
	target_error_release(err);
	return rc;
}

void verb_options_begin(void)
{
	opterr = 0;
	optind = 0;	/* 0, not 1: glibc then resets its whole state */
}

int verb_next_option(const char *verb, int argc, char **argv, const char *opts,
		     const struct option *longopts)
{
	int c = getopt_long(argc, argv, opts, longopts, NULL);

	if (c != '?' && c != ':')
		return c;
	wb_error(WB_EXIT_USAGE, "unknown option '%s' for %s", argv[optind - 1], verb);
	print_verb_usage(verb);
	return 0;
}
