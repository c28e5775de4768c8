/* SPDX-License-Identifier: MIT */
/*
 * forward-hook.c - the files of the boot hook that runs `forward sync` at
 * every start (the boot script, its settings, forward-sync.conf and
 * /etc/wsl.conf), planned as changes of one changeset for verb-forward.c.
 */
#include "verbs/forward-hook.h"
#include "verbs/verbs.h"
#include "apply/boot-hook.h"
#include "base/log.h"
#include "base/trust.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool forward_hook_left(const struct wb_ctx *ctx, const struct ini_doc *wslconf)
{
	char *p = wb_path(ctx, forward_conf_path), *c = wb_path(ctx, vpn_conf_path);
	long at = ini_find(wslconf, "boot.command");
	struct buf conf = BUF_INIT;
	bool left = access(p, F_OK) == 0;

	if (!left && at >= 0 && strstr(wslconf->lines[at].value, vpn_script_path))
		left = read_file(c, &conf, NULL) < 0 || !boot_conf_has_vpn(conf.s);
	buf_release(&conf);
	free(p);
	free(c);
	return left;
}

int forward_hook_install(struct wb_ctx *ctx, const struct ini_doc *wslconf, struct changeset *cs,
			 char *self, size_t size)
{
	long at = ini_find(wslconf, "boot.command");
	bool hooked = at >= 0 && strstr(wslconf->lines[at].value, vpn_script_path);
	char *why = NULL;
	ssize_t n = readlink("/proc/self/exe", self, size - 1);

	if (n <= 0)
		return wb_error(WB_EXIT_FAIL, "cannot tell where this wslbridge is (/proc/self/exe), which the "
				"boot script must run; nothing was changed");
	self[n] = '\0';
	if (trust_root_only(self, &why) < 0) {
		/* root runs it at every start: whoever can replace it would get root */
		wb_error(WB_EXIT_FAIL, "the boot command would run this wslbridge as root at every start, "
			 "but %s; nothing was changed", why);
		wb_hint("install wslbridge (make install, or the .deb) and run that one: its folders "
			"and the binary must be root's and writable by no one else");
		free(why);
		return WB_EXIT_FAIL;
	}
	buf_add(&changeset_add(cs, wb_path(ctx, vpn_script_path), vpn_script_path, 0755)->neu,
		boot_fixups, boot_fixups_len);
	if (!hooked) {
		struct change *conf = changeset_add(cs, wb_path(ctx, vpn_conf_path), vpn_conf_path, 0644);
		struct change *wc = changeset_add(cs, wb_path(ctx, "/etc/wsl.conf"), "/etc/wsl.conf", 0644);
		const char *kv[] = { "boot.command", vpn_script_path, NULL };
		char *prev = boot_previous_command(wslconf, conf->path);

		boot_neutral_conf(prev, &conf->neu);
		free(prev);
		if (changeset_edit_ini(&wc->old, INI_WSLCONF, kv, &wc->neu) < 0)
			return WB_EXIT_FAIL;
	}
	return 0;
}

/* The hook's files: the boot script, its settings, forward-sync.conf, wsl.conf. */
int forward_plan_hook(struct wb_ctx *ctx, const struct ini_doc *wslconf, struct changeset *cs, bool keep)
{
	struct change *fconf = changeset_add(cs, wb_path(ctx, forward_conf_path), forward_conf_path, 0644);
	long at = ini_find(wslconf, "boot.command");
	bool hooked = at >= 0 && strstr(wslconf->lines[at].value, vpn_script_path);
	char self[4096];

	if (!keep) {
		struct change *conf = changeset_add(cs, wb_path(ctx, vpn_conf_path), vpn_conf_path, 0644);

		fconf->remove = true;
		/* no settings but still hooked: a run killed half-way; finish it */
		if (conf->existed ? !boot_conf_has_vpn(conf->old.s) : hooked) {
			/* The hook was ours alone: WSL's boot command goes back to what it was. */
			conf->remove = true;
			changeset_add(cs, wb_path(ctx, vpn_script_path), vpn_script_path, 0755)->remove = true;
			struct change *wc = changeset_add(cs, wb_path(ctx, "/etc/wsl.conf"), "/etc/wsl.conf", 0644);
			bool whole;
			int u = boot_unhook_wslconf(ctx, wc, false, false, false, &whole);

			if (u < 0)
				return WB_EXIT_FAIL;
			if (u == 0) {
				wb_warn("the original /etc/wsl.conf was not saved; its boot command stays");
				buf_add(&wc->neu, wc->old.s, wc->old.len);
			}
		} else if (conf->existed) {
			buf_add(&conf->neu, conf->old.s, conf->old.len);	/* the VPN fixes stay */
		} else {
			conf->remove = true;	/* nothing there: nothing to keep or create */
		}
		return 0;
	}
	if (forward_hook_install(ctx, wslconf, cs, self, sizeof(self)))
		return WB_EXIT_FAIL;
	buf_adds(&fconf->neu, "# Written by `wslbridge forward add`; the boot script runs\n"
		 "# `$WSLBRIDGE forward sync --boot` at every start.\nWSLBRIDGE=");
	sh_quote_add(&fconf->neu, self);
	buf_addc(&fconf->neu, '\n');
	return 0;
}
