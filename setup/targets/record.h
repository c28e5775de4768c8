/* SPDX-License-Identifier: MIT */
/*
 * record.h - what the last setup chose: the target and its parameters, in
 * <state>/target.xml.  check and repair use it when no target is named.
 */
#ifndef WB_RECORD_H
#define WB_RECORD_H

#include "base/ctx.h"
#include "targets/target.h"
#include "base/util.h"

/* 0, -ENOENT when nothing is recorded, -EBADMSG for a damaged record;
 * the parameters are added to *params (release it in any case). */
int record_read(const struct wb_ctx *ctx, char **ret_target, struct target_params *params);
int record_write(const struct wb_ctx *ctx, const char *target, const struct target_params *params);
/* The record's bytes, for a transaction that writes it with its undo, and its path. */
void record_render(const char *target, const struct target_params *params, struct buf *out);
char *record_path(const struct wb_ctx *ctx);

#endif
