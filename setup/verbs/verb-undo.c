/* SPDX-License-Identifier: MIT */
/*
 * verb-undo.c - `wslbridge undo [--list] [--force]`: put back the bytes of
 * the latest change that is still applied.  A file that changed again since
 * is not overwritten unless --force, and even then its bytes are kept.
 */
#include "verbs/verbs.h"
#include "apply/backup.h"
#include "base/log.h"

#include "base/term.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum file_state { F_AS_WRITTEN, F_ALREADY_OLD, F_CHANGED_SINCE };

static const char *kv_get(const struct backup_winundo *u, const char *name)
{
	for (size_t i = 0; i + 1 < u->nkv; i += 2)
		if (!strcmp(u->kv[i], name))
			return u->kv[i + 1];
	return NULL;
}

/* What undo will do on Windows, in people's words (the history keeps the
 * action's own name and attributes). */
static char *describe_undo(const struct backup_winundo *u)
{
	const char *name = kv_get(u, "name"), *sw = kv_get(u, "switch-name"), *id = kv_get(u, "switch-id");
	const char *comp = kv_get(u, "component"), *on = kv_get(u, "enabled");

	if (!strcmp(u->type, "remove-switch"))
		return sw ? xasprintf("remove the switch '%s' this change created", term_safe(sw)) :
			xasprintf("remove the Hyper-V switch this change created (id %s)", term_safe(id ? id : "?"));
	if (!strcmp(u->type, "fwrule-delete"))
		return xasprintf("delete the Windows Firewall rule '%s'", term_safe(name ? name : "?"));
	if (!strcmp(u->type, "portproxy-delete") || !strcmp(u->type, "portproxy-set"))
		return xasprintf("%s the port forward %s:%s (netsh portproxy)",
				 u->type[10] == 'd' ? "delete" : "put back",
				 term_safe(kv_get(u, "listen-address") ? kv_get(u, "listen-address") : "?"),
				 term_safe(kv_get(u, "listen-port") ? kv_get(u, "listen-port") : "?"));
	if (!strcmp(u->type, "hvfw-remove"))
		return xasprintf("delete the Hyper-V firewall rule '%s'", term_safe(name ? name : "?"));
	if (!strcmp(u->type, "set-binding"))
		return xasprintf("turn the binding %s %s again", term_safe(comp ? comp : "?"),
				 on && !strcmp(on, "true") ? "on" : "off");
	if (!strcmp(u->type, "set-metric"))
		return xasprintf("set the VPN adapter's interface metric back to %s",
				 term_safe(kv_get(u, "metric") ? kv_get(u, "metric") : "?"));
	if (!strcmp(u->type, "hyperv-admin-remove"))
		return xstrdup("take you out of Hyper-V Administrators again");
	return xasprintf("%s", term_safe(u->type));
}

static int list(struct backup_entry **v, size_t n)
{
	if (!n) {
		printf("no changes recorded\n");
		return WB_EXIT_OK;
	}
	for (size_t i = n; i-- > 0;) {
		printf("#%u  %s  %-7s  %s\n", v[i]->seq, v[i]->time, v[i]->state, v[i]->what);
		for (size_t k = 0; k < v[i]->nwin; k++) {
			char *what = describe_undo(&v[i]->win[k]);

			printf("      Windows: undo will %s%s\n", what,
			       v[i]->win[k].pending ? " (interrupted before its result came back)" : "");
			free(what);
		}
		for (size_t k = 0; k < v[i]->nfiles; k++)
			printf("      %s%s\n", v[i]->files[k].path,
			       v[i]->files[k].old_exists ? "" : " (created)");
	}
	return WB_EXIT_OK;
}

static bool same_bytes(const struct buf *a, const struct buf *b)
{
	return a->len == b->len && (!a->len || !memcmp(a->s, b->s, a->len));
}

/* How each file compares with what the change left there. */
static int classify(const struct backup_entry *e, size_t k, enum file_state *st,
		    struct buf *cur, bool *cur_exists)
{
	const struct backup_file *f = &e->files[k];
	struct buf old = BUF_INIT, neu = BUF_INIT;
	int r = read_file(f->path, cur, NULL);

	*cur_exists = r == 0;
	if (r < 0 && r != -ENOENT)
		return r;
	r = backup_bytes(e, k, "old", &old);
	if (r == 0)
		r = backup_bytes(e, k, "new", &neu);
	if (r == 0) {
		if (*cur_exists == f->new_exists && (!*cur_exists || same_bytes(cur, &neu)))
			*st = F_AS_WRITTEN;
		else if (*cur_exists == f->old_exists && (!*cur_exists || same_bytes(cur, &old)))
			*st = F_ALREADY_OLD;
		else
			*st = F_CHANGED_SINCE;
	}
	buf_release(&old);
	buf_release(&neu);
	return r;
}

/* Check every file first, so a refusal changes nothing at all. */
static int check_all(struct backup_entry *e, bool force, enum file_state *st)
{
	int rc = WB_EXIT_OK;

	for (size_t k = 0; k < e->nfiles; k++) {
		struct buf cur = BUF_INIT;
		bool exists;
		int r = classify(e, k, &st[k], &cur, &exists);

		if (r < 0)
			rc = wb_error(WB_EXIT_FAIL, "could not compare '%s' with history entry #%u: %s",
				      e->files[k].path, e->seq, errstr(r));
		else if (st[k] == F_CHANGED_SINCE && !force) {
			rc = wb_error(WB_EXIT_FAIL, "'%s' changed after wslbridge wrote it (#%u); "
				      "undo would lose those changes, so nothing was changed",
				      e->files[k].path, e->seq);
			wb_hint("`wslbridge undo --force` restores it anyway and keeps the "
				"current bytes in the history folder");
		} else if (st[k] == F_CHANGED_SINCE) {
			char *kept = NULL;

			r = backup_keep_overwritten(e, k, &cur, &kept);
			if (r < 0)
				rc = wb_error(WB_EXIT_FAIL, "could not keep the current '%s': %s; "
					      "nothing was changed", e->files[k].path, errstr(r));
			else
				wb_note("the current '%s' is kept as '%s'", e->files[k].path, kept);
			free(kept);
		}
		buf_release(&cur);
	}
	return rc;
}

/*
 * WSL reads .wslconfig and wsl.conf only when it starts: said when undo put
 * one back, and exit 4 when that undid a setup or repair (they record the
 * target): its networking mode is still running until the restart.
 */
static int say_restart(const struct backup_entry *e, const bool *skip)
{
	const char *which = NULL;
	bool setup = false;

	for (size_t k = 0; k < e->nfiles; k++) {
		const char *base = path_basename(e->files[k].path);

		setup |= !strcmp(base, "target.xml");
		if (!skip[k] && (!strcmp(base, ".wslconfig") || !strcmp(base, "wsl.conf")))
			which = which && strcmp(which, base) ? ".wslconfig and wsl.conf" : base;
	}
	if (!which)
		return WB_EXIT_OK;
	wb_note("WSL reads %s only when it starts: from Windows run `wsl.exe --shutdown` and start "
		"WSL again for what undo put back to take effect", which);
	return setup && strstr(which, ".wslconfig") ? WB_EXIT_RESTART : WB_EXIT_OK;
}

int verb_undo_entry(struct wb_ctx *ctx, struct backup_entry *e, bool force)
{
	enum file_state *st = xcalloc(e->nfiles, sizeof(*st));
	bool *skip = xcalloc(e->nfiles, sizeof(*skip));
	int rc = check_all(e, force, st), r;

	if (rc)
		goto out;
	wb_note("undo #%u from %s: %s", e->seq, e->time, e->what);
	for (size_t k = 0; k < e->nwin; k++)
		wb_note("  Windows: %s%s%s%s", e->win[k].type, e->win[k].nkv > 1 ? " " : "",
			e->win[k].nkv > 1 ? e->win[k].kv[1] : "", e->win[k].done ? " (done already)" :
			e->win[k].pending ? " (interrupted: Windows is looked at first)" : "");
	for (size_t k = 0; k < e->nfiles; k++)
		wb_note("  %s %s", e->files[k].old_exists ? "restore" : "remove", e->files[k].path);
	for (size_t k = 0; k < e->nirr; k++)
		wb_note("  not undone: %s", e->irreversible[k]);
	r = ctx_confirm(ctx, "Undo this change?");
	if (r == -ENOTTY) {
		rc = wb_error(WB_EXIT_USAGE, "undo changes files and there is no terminal to "
			      "confirm on; pass --yes");
		goto out;
	}
	if (r == 0) {
		rc = wb_error(WB_EXIT_FAIL, "undo cancelled; nothing was changed");
		goto out;
	}
	for (size_t k = 0; k < e->nfiles; k++)
		skip[k] = st[k] == F_ALREADY_OLD;
	if ((rc = transaction_revert(ctx, e, skip, force)))
		goto out;
	wb_note("undone #%u", e->seq);
	rc = say_restart(e, skip);
out:
	free(skip);
	free(st);
	return rc;
}

int verb_undo(int argc, char **argv, struct wb_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "force", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	struct backup_entry **v = NULL;
	size_t n = 0;
	bool do_list = false, force = false;
	int c, rc;

	verb_options_begin();
	while ((c = verb_next_option("undo", argc, argv, "l", longopts)) > 0) {
		if (c == 'l')
			do_list = true;
		else if (c == 'F')
			force = true;
	}
	if (c == 0)
		return WB_EXIT_USAGE;
	if (optind != argc) {
		print_verb_usage("undo");
		return WB_EXIT_USAGE;
	}
	(void)backup_list(ctx->state_dir, &v, &n);
	if (do_list) {
		rc = list(v, n);
	} else {
		size_t i = n;

		while (i > 0 && strcmp(v[i - 1]->state, "applied"))
			i--;
		if (i == 0)
			rc = wb_error(WB_EXIT_FAIL, "nothing to undo: no applied change in '%s'",
				      ctx->state_dir);
		else
			rc = verb_undo_entry(ctx, v[i - 1], force);
	}
	backup_entries_free(v, n);
	return rc;
}
