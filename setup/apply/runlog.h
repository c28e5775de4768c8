/* SPDX-License-Identifier: MIT */
/*
 * runlog.h - <state>/runs.log: one line for every run that changed
 * something (time, the command, its exit status), newest last.
 */
#ifndef WB_RUNLOG_H
#define WB_RUNLOG_H

#include "base/ctx.h"

/* Note that this run changed something; main() logs it at the end. */
void runlog_changed(void);
/* Append the line if the run changed something: 0 or -errno. */
int runlog_finish(const struct wb_ctx *ctx, int exit_code);

#endif
