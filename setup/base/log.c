/* SPDX-License-Identifier: MIT */
/* log.c - see log.h. */
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>

enum log_level log_level = LOG_NORMAL;

static void vemit(const char *prefix, const char *fmt, va_list ap)
{
	fflush(stdout);	/* keep stdout and stderr in order on a terminal */
	fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
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
