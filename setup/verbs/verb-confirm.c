/* SPDX-License-Identifier: MIT */
/*
 * verb-confirm.c - `wslbridge confirm`: keep the network a `setup --try`
 * changed.  Also the two halves the try leaves behind:
 *   --boot    the waiter the boot script starts in the background (root):
 *             gives the new network SECONDS to prove itself and to be
 *             confirmed, else puts the previous .wslconfig back from the
 *             history entry, only if it still holds what setup wrote, and
 *             leaves the notice; the rest (Windows, the hook) waits for the
 *             next setup, undo or confirm, one UAC prompt, through undo;
 *   --notice  what the shell-start script prints, once per user.
 */
#include "verbs/verbs.h"
#include "verbs/try-state.h"
#include "apply/backup.h"
#include "base/atomic-file.h"
#include "base/lock.h"
#include "base/log.h"
#include "base/term.h"
#include "observe/net-proof.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The waiter's own messages go to the boot log (its stdout). */
static void __attribute__((format(printf, 1, 2))) boot_log(const char *fmt, ...)
{
	char stamp[32];
	time_t now = time(NULL);
	va_list ap;

	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	printf("%s boot-fixups: setup --try: ", stamp);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void write_notice(const struct wb_ctx *ctx, const struct try_rec *rec, const char *reason)
{
	char *p = wb_path(ctx, TRY_NOTICE), stamp[32];
	struct buf b = BUF_INIT;
	time_t now = time(NULL);

	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	buf_addf(&b, "wslbridge: at %s the boot hook put the previous .wslconfig back: %s.\n"
		 "The network `setup --try` (#%u) made was not kept.  WSL still runs it until it restarts:\n"
		 "    wsl.exe --shutdown        (from Windows, or here), then start WSL again\n"
		 "and run `sudo wslbridge confirm` (or `sudo wslbridge undo`) to remove what setup\n"
		 "created on Windows (one UAC prompt).\n", stamp, reason, rec->entry);
	if (atomic_file_replace(p, b.s, b.len, 0644, NULL) < 0)
		boot_log("could not leave the notice in %s", p);
	buf_release(&b);
	free(p);
}

/* The previous .wslconfig back from the entry; 0, or <0 after logging. */
static int revert_wslconfig(const struct try_rec *rec, const char *reason)
{
	struct backup_entry **all;
	size_t n;
	struct backup_entry *e = try_entry(rec, &all, &n);
	int r = -1;

	for (size_t i = 0; e && i < e->nfiles && r < 0; i++)
		if (!strcmp(path_basename(e->files[i].path), ".wslconfig"))
			r = transaction_revert_file(e, i) ? -1 : 0;
	if (r < 0)
		boot_log("could not put the previous .wslconfig back (%s); run `wslbridge undo`", reason);
	else
		boot_log("reverted .wslconfig: %s", reason);
	backup_entries_free(all, n);
	return r;
}

static int watch(struct wb_ctx *ctx)
{
	struct try_rec rec;
	struct try_result res;
	struct backup_entry **all;
	size_t n;
	char *why = NULL, *reason;
	bool proven = false, applied;
	long long deadline;
	int fd = -1;

	if (try_read(ctx, &rec) <= 0)
		return WB_EXIT_OK;
	try_result_read(&rec, &res);
	applied = try_entry(&rec, &all, &n) != NULL;
	backup_entries_free(all, n);
	if (res.state == TRY_CONFIRMED || res.state == TRY_REVERTED || !applied) {
		try_result_release(&res);
		try_rec_release(&rec);
		return WB_EXIT_OK;	/* settled at an earlier start, or undone since */
	}
	/* a start after one that ended during its try goes on with that deadline */
	deadline = res.state == TRY_WATCHING ? res.deadline : (long long)time(NULL) + rec.seconds;
	if (res.state != TRY_WATCHING)
		(void)try_result_write(&rec, TRY_WATCHING, deadline, NULL);
	boot_log("watching for %us: the network must prove itself and be confirmed", rec.seconds);
	for (;;) {
		try_result_release(&res);
		try_result_read(&rec, &res);
		if (res.state == TRY_CONFIRMED)
			break;
		if ((long long)time(NULL) >= deadline)
			break;
		if (!proven) {
			free(why);
			why = NULL;
			proven = net_proof(ctx, "eth0", TRY_DNS_NAME, 1000, &why) == 0;
		}
		sleep(1);
	}
	/* confirm writes under the same lock: one of the two decides */
	if (global_lock_take(rec.state_dir, 30, NULL, &fd, &(pid_t){ 0 }) == 0) {
		try_result_release(&res);
		try_result_read(&rec, &res);
	}
	if (res.state == TRY_CONFIRMED) {
		boot_log("confirmed: the new network stays");
	} else {
		reason = !proven ? xasprintf("the new network did not prove itself within %us: %s", rec.seconds,
					     why ? why : "WSL stopped before it was checked") :
			 xasprintf("nobody confirmed within %us", rec.seconds);
		(void)revert_wslconfig(&rec, reason);
		(void)try_result_write(&rec, TRY_REVERTED, deadline, reason);
		write_notice(ctx, &rec, reason);
		free(reason);
	}
	if (fd >= 0)
		global_lock_release(fd);
	free(why);
	try_result_release(&res);
	try_rec_release(&rec);
	return WB_EXIT_OK;
}

/* The notice, once per user: its first line (the time) is what was seen. */
static int notice(struct wb_ctx *ctx)
{
	char *p = wb_path(ctx, TRY_NOTICE), *seen = path_join(ctx->state_dir, "try-notice-seen");
	struct buf b = BUF_INIT, s = BUF_INIT;
	size_t first;

	if (read_file(p, &b, NULL) == 0 && b.len) {
		first = (size_t)(strchrnul(b.s, '\n') - b.s);
		(void)read_file(seen, &s, NULL);
		if (s.len != first || memcmp(s.s, b.s, first)) {
			/* root wrote it, but a terminal gets no escape from it */
			fputs(term_safe(b.s), stderr);
			if (mkdir_p(ctx->state_dir, 0700) < 0 || atomic_file_replace(seen, b.s, first, 0600, NULL) < 0)
				wb_warn("could not record that this was shown (in '%s')", ctx->state_dir);
		}
	}
	buf_release(&b);
	buf_release(&s);
	free(seen);
	free(p);
	return WB_EXIT_OK;
}

int verb_confirm(int argc, char **argv, struct wb_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "boot", no_argument, NULL, 'B' }, { "notice", no_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 },
	};
	struct try_rec rec;
	int c, mode = 0, rc;

	verb_options_begin();
	while ((c = verb_next_option("confirm", argc, argv, "", longopts)) > 0)
		mode = c;
	if (c == 0)
		return WB_EXIT_USAGE;
	if (optind != argc)
		return wb_error(WB_EXIT_USAGE, "confirm takes no arguments ('%s')", argv[optind]);
	if (mode == 'N')
		return notice(ctx);
	if (geteuid() != 0)
		return wb_error(WB_EXIT_USAGE, "confirm needs root: the try and its history are root's "
				"(run `sudo wslbridge confirm`)");
	if (mode == 'B')
		return watch(ctx);
	rc = try_read(ctx, &rec);
	if (rc > 0) {
		/* the try's history and lock are where setup --try kept them */
		free(ctx->state_dir);
		ctx->state_dir = rec.state_dir;
		rec.state_dir = NULL;
	}
	try_rec_release(&rec);
	if (rc > 0 && (rc = transaction_lock(ctx)))
		return rc;
	rc = try_confirm(ctx, false);
	if (rc == WB_EXIT_FAIL && try_run_queued(ctx))
		return WB_EXIT_FAIL;
	return rc;
}
