/* SPDX-License-Identifier: MIT */
/* try-state.c - see try-state.h. */
#include "verbs/try-state.h"
#include "verbs/forward-hook.h"
#include "verbs/verbs.h"
#include "apply/changeset.h"
#include "apply/transaction.h"
#include "base/atomic-file.h"
#include "base/log.h"
#include "base/trust.h"
#include "observe/net-proof.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The value of NAME= in text (up to the line's end, quotes stripped), or NULL. */
static char *field(const char *text, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, name, n) && p[n] == '=') {
			const char *v = p + n + 1, *e = strchrnul(v, '\n');

			if (*v == '\'' && e > v + 1 && e[-1] == '\'')
				return xstrndup(v + 1, (size_t)(e - v - 2));
			return xstrndup(v, (size_t)(e - v));
		}
	return NULL;
}

/* NAME=digits below max, else 0. */
static long long number_below(const char *text, const char *name, long long max)
{
	char *v = field(text, name), *end = NULL;
	long long n = v && *v >= '0' && *v <= '9' ? strtoll(v, &end, 10) : 0;

	n = end && !*end && n < max ? n : 0;
	free(v);
	return n;
}

static unsigned number(const char *text, const char *name)
{
	return (unsigned)number_below(text, name, 100000000);
}

int try_read(const struct wb_ctx *ctx, struct try_rec *rec)
{
	char *p = wb_path(ctx, TRY_CONF), *why = NULL;
	struct buf b = BUF_INIT;
	int r = read_file(p, &b, NULL);

	memset(rec, 0, sizeof(*rec));
	if (r == -ENOENT) {
		free(p);
		return 0;
	}
	/* root acts on it: only a file root alone could have written */
	if (r == 0 && trust_root_only(p, &why) < 0)
		r = -EPERM;
	if (r == 0) {
		rec->entry = number(b.s, "TRY_ENTRY");
		rec->seconds = number(b.s, "TRY_SECONDS");
		rec->state_dir = field(b.s, "TRY_STATE");
	}
	if (r == 0 && (!rec->entry || !rec->seconds || !rec->state_dir || rec->state_dir[0] != '/'))
		r = -EBADMSG;
	if (r < 0)
		wb_error(WB_EXIT_FAIL, "%s: %s; the try is not acted on", p,
			 why ? why : r == -EBADMSG ? "not a try wslbridge wrote" : errstr(r));
	free(why);
	free(p);
	buf_release(&b);
	if (r < 0)
		try_rec_release(rec);
	return r < 0 ? r : 1;
}

void try_rec_release(struct try_rec *rec)
{
	free(rec->state_dir);
	memset(rec, 0, sizeof(*rec));
}

static const char *const state_names[] = { "none", "watching", "confirmed", "reverted" };

void try_result_read(const struct try_rec *rec, struct try_result *res)
{
	char *p = path_join(rec->state_dir, "try-result"), *st;
	struct buf b = BUF_INIT;

	memset(res, 0, sizeof(*res));
	if (read_file(p, &b, NULL) == 0 && number(b.s, "entry") == rec->entry && (st = field(b.s, "state"))) {
		for (int i = TRY_WATCHING; i <= TRY_REVERTED; i++)
			if (!strcmp(st, state_names[i]))
				res->state = (enum try_state)i;
		free(st);
		res->entry = rec->entry;
		res->deadline = number_below(b.s, "deadline", 1LL << 40);
		res->time = field(b.s, "time");
		res->reason = field(b.s, "reason");
	}
	buf_release(&b);
	free(p);
}

int try_result_write(const struct try_rec *rec, enum try_state st, long long deadline, const char *reason)
{
	char *p = path_join(rec->state_dir, "try-result"), stamp[32];
	struct buf b = BUF_INIT;
	time_t now = time(NULL);
	int r;

	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	buf_addf(&b, "entry=%u\nstate=%s\ndeadline=%lld\ntime=%s\n", rec->entry, state_names[st], deadline, stamp);
	if (reason) {
		buf_adds(&b, "reason=");
		for (const char *s = reason; *s; s++)
			buf_addc(&b, *s == '\n' ? ' ' : *s);
		buf_addc(&b, '\n');
	}
	r = atomic_file_replace(p, b.s, b.len, 0644, NULL);
	buf_release(&b);
	free(p);
	return r;
}

void try_result_release(struct try_result *res)
{
	free(res->time);
	free(res->reason);
	memset(res, 0, sizeof(*res));
}

struct backup_entry *try_entry(const struct try_rec *rec, struct backup_entry ***all, size_t *n)
{
	*all = NULL;
	*n = 0;
	(void)backup_list(rec->state_dir, all, n);
	for (size_t i = 0; i < *n; i++)
		if ((*all)[i]->seq == rec->entry && !strcmp((*all)[i]->state, "applied"))
			return (*all)[i];
	return NULL;
}

int try_run_queued(struct wb_ctx *ctx)
{
	struct try_rec rec;
	struct try_result res;
	struct backup_entry **all, *e;
	size_t n;
	int rc = 0;

	if (try_read(ctx, &rec) <= 0)
		return 0;
	try_result_read(&rec, &res);
	if (res.state == TRY_REVERTED && strcmp(rec.state_dir, ctx->state_dir))
		wb_note("the boot hook reverted a `setup --try`; run `sudo wslbridge confirm` to remove "
			"what it created on Windows");
	else if (res.state == TRY_REVERTED && (e = try_entry(&rec, &all, &n))) {
		wb_note("the boot hook put the previous .wslconfig back (%s: %s); now the rest of #%u: "
			"what setup created on Windows, and its files", res.time ? res.time : "?",
			res.reason ? res.reason : "?", rec.entry);
		rc = verb_undo_entry(ctx, e, false);
		backup_entries_free(all, n);
	} else if (res.state == TRY_REVERTED) {
		backup_entries_free(all, n);
	}
	try_result_release(&res);
	try_rec_release(&rec);
	return rc;
}

int try_confirm(struct wb_ctx *ctx, bool quiet_if_none)
{
	struct try_rec rec;
	struct try_result res;
	char *why = NULL;
	int rc = try_read(ctx, &rec);

	if (rc <= 0)
		return rc < 0 ? WB_EXIT_FAIL : quiet_if_none ? 0 :
		       wb_error(WB_EXIT_FAIL, "nothing to confirm: no `setup --try` is waiting");
	try_result_read(&rec, &res);
	if (res.state == TRY_CONFIRMED) {
		rc = 0;
		if (!quiet_if_none)
			printf("The network of setup #%u was confirmed already (%s).\n", rec.entry, res.time);
	} else if (res.state == TRY_REVERTED) {
		rc = quiet_if_none ? 0 : wb_error(WB_EXIT_FAIL, "too late: the boot hook put the previous .wslconfig back at %s (%s)",
			      res.time ? res.time : "?", res.reason ? res.reason : "?");
	} else if (res.state == TRY_NONE) {
		rc = quiet_if_none ? 0 : wb_error(WB_EXIT_RESTART, "WSL has not restarted into the tried "
						  "change (#%u) yet: run `wsl.exe --shutdown`, start WSL, "
						  "then confirm", rec.entry);
	} else if (time(NULL) >= res.deadline) {
		rc = wb_error(WB_EXIT_FAIL, "too late: the %us to confirm are over; the boot hook puts the "
			      "previous .wslconfig back", rec.seconds);
	} else if (net_proof(ctx, "eth0", TRY_DNS_NAME, 2000, &why) < 0) {
		rc = wb_error(WB_EXIT_FAIL, "the new network has not proven itself: %s; not confirmed (the "
			      "boot hook reverts it in %llds unless it comes up and you confirm)",
			      why, res.deadline - (long long)time(NULL));
	} else if ((rc = try_result_write(&rec, TRY_CONFIRMED, res.deadline, NULL)) < 0) {
		rc = wb_error(WB_EXIT_FAIL, "could not record the confirmation in '%s': %s", rec.state_dir,
			      errstr(rc));
	} else {
		printf("Confirmed: the network of setup #%u stays (address, route and DNS answer).\n", rec.entry);
	}
	free(why);
	try_result_release(&res);
	try_rec_release(&rec);
	return rc;
}

/* The hook's files, try.conf and the shell-start notice's script, in t. */
int try_files(struct wb_ctx *ctx, struct transaction *t, unsigned seconds)
{
	struct changeset cs = { .n = 0 };
	struct ini_doc wc = INI_DOC_INIT;
	struct buf b = BUF_INIT;
	char *p = wb_path(ctx, "/etc/wsl.conf"), self[4096];
	struct change *c;
	int rc;

	if (strpbrk(ctx->state_dir, "'\n")) {
		free(p);
		return wb_error(WB_EXIT_FAIL, "--try: the state folder's name '%s' has a quote or a newline, "
				"which the boot script cannot be given; nothing was changed", ctx->state_dir);
	}
	(void)read_file(p, &b, NULL);
	(void)ini_load(&wc, INI_WSLCONF, b.s ? b.s : "", b.len);
	free(p);
	rc = forward_hook_install(ctx, &wc, &cs, self, sizeof(self));
	if (rc == 0) {
		c = changeset_add(&cs, wb_path(ctx, TRY_CONF), TRY_CONF, 0644);
		buf_addf(&c->neu, "# Written by `wslbridge setup --try` (history entry #%u): at WSL's next start\n"
			 "# the boot script runs TRY_WSLBRIDGE confirm --boot, which keeps the change\n"
			 "# only if the network proves itself and someone confirms within TRY_SECONDS.\n"
			 "TRY_ENTRY=%u\nTRY_SECONDS=%u\nTRY_STATE='%s'\nTRY_WSLBRIDGE=", t->e->seq, t->e->seq,
			 seconds, ctx->state_dir);
		sh_quote_add(&c->neu, self);
		buf_addc(&c->neu, '\n');
		c = changeset_add(&cs, wb_path(ctx, TRY_PROFILE), TRY_PROFILE, 0644);
		buf_adds(&c->neu, "# Written by `wslbridge setup --try`: at a shell's start, says once when the\n"
			 "# boot hook put the previous .wslconfig back, and what to run.\n"
			 "[ -r " TRY_NOTICE " ] && ");
		sh_quote_add(&c->neu, self);
		buf_adds(&c->neu, " confirm --notice\n");
		rc = transaction_files(t, &cs);
	}
	changeset_release(&cs);
	ini_release(&wc);
	buf_release(&b);
	return rc;
}
