/* SPDX-License-Identifier: MIT */
/* term.c - see term.h. */
#include "base/term.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
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

static int forced = -1;	/* --color: -1 auto, 0 never, 1 always */
static int width_kept;		/* the terminal's width before stdout went to a pager */

void term_force_color(int on)
{
	forced = on;
}

void term_keep_for_pager(void)
{
	width_kept = term_width(stdout);
	if (forced < 0)
		forced = term_fancy(stdout);	/* the pager shows what the terminal would */
}

bool term_fancy(FILE *f)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (forced >= 0)
		return forced == 1;
	return isatty(fileno(f)) && !(nc && *nc) && !(term && !strcmp(term, "dumb")) && locale_utf8();
}

int term_width(FILE *f)
{
	struct winsize ws;
	const char *c = getenv("COLUMNS");
	long n = c && *c ? strtol(c, NULL, 10) : 0;

	/* the terminal's own answer first; COLUMNS (as less and ls take it) when piped */
	if (width_kept && f == stdout)
		return width_kept;
	if (isatty(fileno(f)) && ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return n > 0 && n < 10000 ? (int)n : 80;
}

/* The length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len = s[0] >= 0xf0 && s[0] < 0xf5 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : 0;

	if (!len || len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

void term_escape(struct buf *out, const char *s, size_t n, unsigned flags)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		size_t len = u[i] < 0x80 ? 1 : utf8_len(u + i, n - i);

		if (len == 1 && (flags & TERM_NAMED) && (u[i] == '\n' || u[i] == '\t'))
			buf_adds(out, u[i] == '\n' ? "\\n" : "\\t");
		else if (len == 1 && ((u[i] < 0x20 && u[i] != '\t' && !((flags & TERM_KEEP_NEWLINES) && u[i] == '\n')) ||
				      u[i] == 0x7f))
			buf_addf(out, "\\x%02x", u[i]);
		else if (len == 2 && u[i] == 0xc2 && u[i + 1] < 0xa0)	/* U+0080..U+009F: C1 */
			buf_addf(out, "\\u%04x", u[i + 1]);
		else if (len == 0)	/* not UTF-8: a raw byte some terminals take for C1 */
			buf_addf(out, "\\x%02x", u[i]);
		else
			buf_add(out, s + i, len);
		i += len ? len : 1;
	}
}

const char *term_safe(const char *s)
{
	static struct buf ring[16];
	static unsigned next;
	struct buf *b;

	if (!s)
		return NULL;
	b = &ring[next++ % 16];
	buf_reset(b);
	term_escape(b, s, strlen(s), 0);
	buf_grow(b, 0);
	return b->s;
}
