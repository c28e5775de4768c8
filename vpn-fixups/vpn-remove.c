/* SPDX-License-Identifier: MIT */
/*
 * vpn-remove.c - `wslbridge vpn remove`: put back what `vpn apply` changed:
 * in wsl.conf only the keys it set, as the original saved once had them
 * (every other byte the user changed since stays; the whole original when
 * nothing else changed), .wslconfig from its saved original, resolv.conf or
 * its link; or, while `wslbridge forward` still needs the boot hook, keep
 * the hook without the VPN fixes.
 */
#include "vpn-fixups/vpn.h"
#include "apply/boot-hook.h"
#include "apply/transaction.h"
#include "base/atomic-file.h"
#include "base/log.h"
#include "conf/ini-edit.h"
#include "host/host.h"
#include "verbs/subverb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void restore_resolv(const struct wb_ctx *ctx)
{
	char *link = boot_state_file(ctx, "resolv.link"), *file = boot_state_file(ctx, "resolv.conf");
	char *resolv = wb_path(ctx, "/etc/resolv.conf"), *tmp = xasprintf("%s.wslbridge-tmp", resolv);
	struct buf b = BUF_INIT;

	if (read_file(link, &b, NULL) == 0) {
		(void)unlink(tmp);
		if (symlink(b.s, tmp) == 0 && rename(tmp, resolv) == 0)
			wb_note("/etc/resolv.conf points to %s again", b.s);
	} else if (read_file(file, &b, NULL) == 0) {
		(void)atomic_file_replace(tmp, b.s, b.len, 0644, NULL);
		if (rename(tmp, resolv) == 0)
			wb_note("/etc/resolv.conf restored");
	}
	(void)unlink(link);
	(void)unlink(file);
	buf_release(&b);
	free(link); free(file); free(resolv); free(tmp);
}

/* Whether the originals saved as NAME or ALT (in <state>/vpn) exist. */
static bool saved_either(const struct wb_ctx *ctx, const char *name, const char *alt)
{
	char *p = boot_state_file(ctx, name), *q = boot_state_file(ctx, alt);
	bool r = !access(p, F_OK) || !access(q, F_OK);

	free(p);
	free(q);
	return r;
}

/* Whether `vpn apply` left anything here: its files or its saved originals. */
static bool applied_here(const struct wb_ctx *ctx)
{
	char *script = wb_path(ctx, vpn_script_path), *conf = wb_path(ctx, vpn_conf_path);
	char *s1 = boot_state_file(ctx, "wsl.conf"), *s2 = boot_state_file(ctx, "wsl.conf.absent");
	bool applied = !access(script, F_OK) || !access(conf, F_OK) || !access(s1, F_OK) ||
		       !access(s2, F_OK);

	free(script); free(conf); free(s1); free(s2);
	return applied;
}

/*
 * `forward sync` still needs the hook: the script's settings without the
 * VPN fixes.  1 when there is something to change, 0 when no VPN fix is
 * applied (said so).
 */
static int keep_hook(struct wb_ctx *ctx, struct changeset *a, const struct buf *wslconf, bool force)
{
	struct ini_doc doc = INI_DOC_INIT;
	struct change *conf = changeset_add(a, wb_path(ctx, vpn_conf_path), vpn_conf_path, 0644);
	char *prev;

	if (!boot_conf_has_vpn(conf->old.s) && !force) {
		printf("Nothing to remove: no VPN fixes are applied (the boot script is there for "
		       "`wslbridge forward`).\n");
		return 0;
	}
	(void)ini_load(&doc, INI_WSLCONF, wslconf->s ? wslconf->s : "", wslconf->len);
	prev = boot_previous_command(&doc, conf->path);
	boot_neutral_conf(prev, &conf->neu);
	free(prev);
	ini_release(&doc);
	return 1;
}

/* wsl.conf: only our keys put back (the diff shown); 1 if changed, <0 after reporting. */
static int unhook(struct wb_ctx *ctx, struct changeset *a, char *wslconf, bool forwards, bool force,
		  bool *whole)
{
	struct change *c = changeset_add(a, wslconf, "/etc/wsl.conf", 0644);
	int r = boot_unhook_wslconf(ctx, c, forwards, true, force, whole);

	if (r <= 0 || !change_differs(c))
		return r < 0 ? r : 0;
	if (c->remove) {
		printf("  %s: remove it (it did not exist before `vpn apply`)\n", c->path);
		return 1;
	}
	printf("  %s:\n", c->path);
	change_print_diff(c);
	if (!*whole)
		printf("  (only the keys `vpn apply` set are put back: what else changed in %s since "
		       "is kept)\n", c->label);
	return 1;
}

static void say_removed(bool forwards, bool whole)
{
	if (forwards)
		printf("The boot script stays, without the VPN fixes: it syncs the port forwards at "
		       "every start (`wslbridge forward remove --all` takes it away).\n");
	printf("Removed: %s%s; the MTU and DNS fixes end at "
	       "the next start. A Windows interface metric is not reset (the VPN client sets "
	       "its own at the next connect).\n", whole ? "wsl.conf is as it was before `vpn apply`" :
	       "wsl.conf has the keys `vpn apply` set as they were before it, and your other changes",
	       forwards ? ", with the boot command kept" : "");
}

int vpn_remove(struct wb_ctx *ctx, const struct subverb *sv, bool force)
{
	struct changeset a = { .n = 0 };
	struct transaction t;
	struct buf cur = BUF_INIT;
	char *wslconf = wb_path(ctx, "/etc/wsl.conf"), *cfg = host_wslconfig_path(NULL);
	char *fwd = wb_path(ctx, forward_conf_path);
	bool forwards = access(fwd, F_OK) == 0, keep_cfg = false, whole = true;
	int rc, n = 0;

	free(fwd);
	if ((rc = subverb_enter(ctx, "vpn", sv)))
		goto out;
	if (!applied_here(ctx))
		goto nothing;
	/* the original's command back already: a remove killed half-way, to finish */
	if (read_file(wslconf, &cur, NULL) == 0 && !strstr(cur.s, vpn_script_path) && !force &&
	    !boot_command_is_original(ctx, &cur)) {
		rc = wb_error(WB_EXIT_FAIL, "/etc/wsl.conf no longer runs the boot script: it changed since "
			      "`vpn apply`; nothing was changed");
		wb_hint("`wslbridge vpn remove --force` restores the saved original anyway");
		goto out;
	}
	if (forwards && (n = keep_hook(ctx, &a, &cur, force)) == 0)
		goto out;
	if ((rc = unhook(ctx, &a, wslconf, forwards, force, &whole)) < 0) {
		rc = WB_EXIT_FAIL;
		wslconf = NULL;		/* the change set owns it */
		goto out;
	}
	n += rc;
	rc = 0;
	wslconf = NULL;
	/* where apply found it (WSLBRIDGE_WSLCONFIG overrides, as everywhere) */
	if (!cfg)
		cfg = boot_saved_path(ctx, "wslconfig");
	if (cfg)
		n += boot_restore_saved(ctx, "wslconfig", cfg, &a, ".wslconfig");
	else if ((keep_cfg = saved_either(ctx, "wslconfig", "wslconfig.absent")))
		wb_warn("the original .wslconfig is saved in '%s/vpn' but where it belongs is not "
			"recorded (an older wslbridge); it was kept, not restored", ctx->state_dir);
	cfg = NULL;
	for (const char *p = vpn_script_path; !forwards && p; p = p == vpn_script_path ? vpn_conf_path : NULL) {
		struct change *c = changeset_add(&a, wb_path(ctx, p), p, 0644);

		c->remove = true;
		n += c->existed;
	}
	n += saved_either(ctx, "resolv.link", "resolv.conf");	/* a remove killed before it put resolv.conf back */
	if (!n)
		goto nothing;
	if ((rc = transaction_begin(ctx, &t)) == 0)
		rc = transaction_files(&t, &a);
	transaction_end(&t);
	if (rc == 0) {
		restore_resolv(ctx);
		boot_forget_saved(ctx, !keep_cfg, !forwards);	/* forward remove still needs wsl.conf's */
		say_removed(forwards, whole);
	}
	goto out;
nothing:
	printf("Nothing to remove: `wslbridge vpn apply` has not been run here.\n");
out:
	buf_release(&cur);
	free(wslconf);
	free(cfg);
	changeset_release(&a);
	return rc;
}
