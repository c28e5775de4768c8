/* SPDX-License-Identifier: MIT */
/* fault.c - see fault.h. */
#include "base/fault.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const struct { const char *name; int err; } errnos[] = {
	{ "EIO", EIO }, { "ENOSPC", ENOSPC }, { "EPERM", EPERM },
	{ "EACCES", EACCES }, { "EROFS", EROFS },
};

/* "ERR" or "ERR@text": the errno, if path contains text (or no text). */
static int parse_err(const char *p, size_t len, const char *path)
{
	const char *at = memchr(p, '@', len);
	size_t elen = at ? (size_t)(at - p) : len;

	if (at) {
		char *want = strndup(at + 1, len - elen - 1);
		bool hit = want && path && strstr(path, want);

		free(want);
		if (!hit)
			return 0;
	}
	for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (strlen(errnos[i].name) == elen && !strncmp(p, errnos[i].name, elen))
			return -errnos[i].err;
	return -EIO;
}

int fault_check(const char *op, const char *path)
{
	const char *spec = getenv("WSLBRIDGE_TEST_FAIL");
	size_t oplen = strlen(op);

	for (const char *p = spec; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len > oplen && !strncmp(p, op, oplen) && p[oplen] == ':') {
			int r = parse_err(p + oplen + 1, len - oplen - 1, path);

			if (r)
				return r;
		}
		p = end ? end + 1 : NULL;
	}
	return 0;
}

void fault_point(const char *where)
{
	static long reached;
	const char *spec = getenv("WSLBRIDGE_TEST_KILL");
	long want;

	if (!spec || !*spec)
		return;
	want = strtol(spec, NULL, 10);
	reached++;
	if (want == 0) {
		fprintf(stderr, "kill-point %ld %s\n", reached, where);
		return;
	}
	if (reached == want) {
		const char *how = getenv("WSLBRIDGE_TEST_SIGNAL");

		fflush(NULL);
		/* INT and TERM run the handlers, as Ctrl-C and a shutdown would */
		raise(how && !strcmp(how, "INT") ? SIGINT : how && !strcmp(how, "TERM") ? SIGTERM : SIGKILL);
		raise(SIGKILL);	/* a handler that returned */
	}
}
