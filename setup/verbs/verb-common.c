/* SPDX-License-Identifier: MIT */
/* verb-common.c - helpers shared by the verbs (see verbs.h). */
#include "verbs/verbs.h"
#include "base/log.h"
#include "targets/target.h"

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
