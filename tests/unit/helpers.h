/* SPDX-License-Identifier: MIT */
/* helpers.h - small shared pieces for the cmocka unit tests. */
#ifndef WB_TEST_HELPERS_H
#define WB_TEST_HELPERS_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "conf/ini.h"
#include "base/util.h"

/* Parse s (NUL-terminated) as kind; the caller releases. */
static inline void load_str(struct ini_doc *d, enum ini_kind kind, const char *s)
{
	assert_int_equal(ini_load(d, kind, s, strlen(s)), 0);
}

/* The value WSL reads for name, or NULL. */
static inline const char *read_key(const struct ini_doc *d, const char *name)
{
	long at = ini_find(d, name);

	return at < 0 ? NULL : d->lines[at].value;
}

/* A fresh temporary folder per test file, removed afterwards. */
static inline int tmpdir_setup(char *tmpl)
{
	setenv("WSLBRIDGE_TEST_FSYNC", "0", 1);
	return mkdtemp(tmpl) ? 0 : -1;
}

static inline int tmpdir_teardown(const char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	int r = system(cmd);

	free(cmd);
	return r;
}

#endif
