/* SPDX-License-Identifier: MIT */
/*
 * record.h - what the last setup chose: the target and its parameters, in
 * <state>/target.xml.  check and repair use it when no target is named.
 */
#ifndef WB_RECORD_H
#define WB_RECORD_H

#include "base/ctx.h"

#include <stddef.h>

/* 0, -ENOENT when nothing is recorded, -EBADMSG for a damaged record.
 * *ret_params are "name=value" strings. */
int record_read(const struct wb_ctx *ctx, char **ret_target, char ***ret_params, size_t *ret_n);
int record_write(const struct wb_ctx *ctx, const char *target, char *const *names,
		 char *const *values, size_t n);
void record_params_free(char **params, size_t n);

#endif
