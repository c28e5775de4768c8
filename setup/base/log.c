/* SPDX-License-Identifier: MIT */
/* log.c - see log.h. */
#include "base/log.h"
#include "base/term.h"
#include "base/util.h"

#include <stdarg.h>
#include <stdio.h>

enum log_level log_level = LOG_NORMAL;

static void vemit(const char *prefix, const char *fmt, va_list ap)
{
	struct buf msg = BUF_INIT, safe = BUF_INIT;

	fflush(stdout);	/* keep stdout and stderr in order on a terminal */
	buf_vaddf(&msg, fmt, ap);
	/* messages quote files and Windows: no control character reaches the terminal */
	term_escape(&safe, msg.s ? msg.s : "", msg.len, TERM_KEEP_NEWLINES);
	fputs(prefix, stderr);
	fwrite(safe.s ? safe.s : "", 1, safe.len, stderr);
	fputc('\n', stderr);
	buf_release(&msg);
	buf_release(&safe);
}

int wb_error(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vemit("wslbridge: ", fmt, ap);
	va_end(ap);
	return code;
}

void wb_warn(const char *fmt, ...)
{
	va_list ap;

	if (log_level < LOG_NORMAL)
		return;	/* --quiet: only errors */
	va_start(ap, fmt);
	vemit("wslbridge: warning: ", fmt, ap);
	va_end(ap);
}

void wb_hint(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vemit("hint: ", fmt, ap);
	va_end(ap);
}

void wb_note(const char *fmt, ...)
{
	va_list ap;

	if (log_level < LOG_NORMAL)
		return;
	va_start(ap, fmt);
	vemit("", fmt, ap);
	va_end(ap);
}

void wb_debug(const char *fmt, ...)
{
	va_list ap;

	if (log_level < LOG_VERBOSE)
		return;
	va_start(ap, fmt);
	vemit("wslbridge: debug: ", fmt, ap);
	va_end(ap);
}

int wb_needs_root(const char *command_line, const char *what, const char *why)
{
	wb_error(WB_EXIT_FAIL, "%s needs root (%s); nothing was changed", what, why);
	wb_hint("run it again as `sudo %s`", command_line ? command_line : "wslbridge ...");
	return WB_EXIT_FAIL;
}
