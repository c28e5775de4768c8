/* SPDX-License-Identifier: MIT */
/* fault.c - see fault.h. */
#include "fault.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const struct { const char *name; int err; } errnos[] = {
	{ "EIO", EIO }, { "ENOSPC", ENOSPC }, { "EPERM", EPERM },
	{ "EACCES", EACCES }, { "EROFS", EROFS },
};

int fault_check(const char *op)
{
	const char *spec = getenv("WSLBRIDGE_TEST_FAIL");
	size_t oplen = strlen(op);

	for (const char *p = spec; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len > oplen && !strncmp(p, op, oplen) && p[oplen] == ':') {
			for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
				if (strlen(errnos[i].name) == len - oplen - 1 &&
				    !strncmp(p + oplen + 1, errnos[i].name, len - oplen - 1))
					return -errnos[i].err;
			return -EIO;
		}
		p = end ? end + 1 : NULL;
	}
	return 0;
}
