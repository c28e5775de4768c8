/* SPDX-License-Identifier: MIT */
/* verb-common.c - helpers shared by the verbs (see verbs.h). */
#include "verbs/verbs.h"
#include "base/log.h"
#include "targets/target.h"

#include <unistd.h>

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

int verb_need_root(const char *verb, const char *sub, const char *changes)
{
	if (geteuid() == 0)
		return WB_EXIT_OK;
	wb_error(WB_EXIT_FAIL, "%s %s changes %s; nothing was changed", verb, sub, changes);
	wb_hint("run it with sudo");
	return WB_EXIT_FAIL;
}
