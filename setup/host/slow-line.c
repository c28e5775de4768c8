/* SPDX-License-Identifier: MIT */
/* slow-line.c - see slow-line.h. */
#include "host/slow-line.h"
#include "base/log.h"
#include "base/util.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t interrupts;
static struct sigaction saved;

static void on_sigint(int sig)
{
	(void)sig;
	interrupts++;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

void slow_line_begin(struct slow_line *l, struct stage *s, bool apply)
{
	struct sigaction sa;

	memset(l, 0, sizeof(*l));
	l->stage = s;
	l->apply = apply;
	l->t0_ms = now_ms();
	l->on = isatty(STDERR_FILENO) && log_level != LOG_QUIET;
	interrupts = 0;
	if (!l->on)
		return;	/* scripts keep the default Ctrl-C */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;	/* no SA_RESTART: poll() wakes up */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &saved);
}

bool slow_line_hold(const void *arg)
{
	struct slow_line *l = (struct slow_line *)arg;
	int s = (int)((now_ms() - l->t0_ms) / 1000);

	if (l->on && s >= 1 && s != l->shown_s && !interrupts) {
		fprintf(stderr, "\r%s Windows\u2026 %d s", l->apply ? "changing" : "reading", s);
		fflush(stderr);
		l->shown_s = s;
	}
	return stage_prompt_pending(l->stage);
}

bool slow_line_stop(const void *arg)
{
	struct slow_line *l = (struct slow_line *)arg;

	if (!interrupts)
		return false;
	if (!l->apply || interrupts > 1)
		return true;
	if (l->shown_s >= 0) {
		fprintf(stderr, "\r\033[K%s", "Windows is making the changes now: waiting for its answer, so "
			"that the history knows what was done (Ctrl-C again stops waiting)\n");
		l->shown_s = -1;	/* said once; no more counting over it */
	}
	return false;
}

char *slow_line_end(struct slow_line *l, bool stopped)
{
	long s = (now_ms() - l->t0_ms) / 1000;

	if (l->on) {
		if (l->shown_s > 0)
			fputs("\r\033[K", stderr);
		sigaction(SIGINT, &saved, NULL);
	}
	if (!stopped)
		return NULL;
	if (!l->apply)
		return xasprintf("interrupted (Ctrl-C) while reading Windows, after %ld s: nothing was changed", s);
	return xasprintf("interrupted (Ctrl-C) while Windows made the changes, after %ld s: the history "
			 "holds them as intended, and `wslbridge undo` looks at Windows and reverts what "
			 "was done", s);
}
