/* SPDX-License-Identifier: MIT */
/* datadir.c - see datadir.h. */
#include "base/datadir.h"
#include "base/util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef WSLBRIDGE_DATADIR
#define WSLBRIDGE_DATADIR "/usr/local/share/wslbridge"
#endif

char *datadir_path(const char *sub)
{
	const char *env = getenv("WSLBRIDGE_DATADIR");
	char exe[PATH_MAX], *p;
	ssize_t n;

	if (env && *env)
		return path_join(env, sub);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash, *dir;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		/* In the source tree, then installed: PREFIX/bin -> PREFIX/share/wslbridge. */
		for (int i = 0; i < 2; i++) {
			dir = path_join(exe, i ? "../share/wslbridge" : "templates");
			p = path_join(dir, sub);
			free(dir);
			if (access(p, F_OK) == 0)
				return p;
			free(p);
		}
	}
	return path_join(WSLBRIDGE_DATADIR, sub);
}
