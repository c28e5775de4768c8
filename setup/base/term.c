/* SPDX-License-Identifier: MIT */
/* term.c - see term.h. */
#include "base/term.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* The locale's charset from the environment, as setlocale() would pick it;
 * not setlocale() itself, which would change how the parsers see bytes. */
static bool locale_utf8(void)
{
	const char *vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);

		if (v && *v)
			return strcasestr(v, "utf-8") || strcasestr(v, "utf8");
	}
	return false;
}

bool term_fancy(FILE *f)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	return isatty(fileno(f)) && !(nc && *nc) && !(term && !strcmp(term, "dumb")) && locale_utf8();
}
