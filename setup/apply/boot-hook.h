/* SPDX-License-Identifier: MIT */
/*
 * boot-hook.h - the one boot command WSL runs (/etc/wsl.conf [boot]
 * command), shared by `vpn apply` and `forward add`: both make it run the
 * boot-fixups script, which keeps the user's previous command and runs it.
 * The originals of the files it changes are saved once (state dir, vpn/)
 * so that taking the hook away restores them byte for byte.
 */
#ifndef WB_BOOT_HOOK_H
#define WB_BOOT_HOOK_H

#include "apply/changeset.h"

extern const char *const vpn_script_path;	/* in the distribution */
extern const char *const vpn_conf_path;
extern const char *const forward_conf_path;	/* forward sync's settings for the script */
extern const unsigned char boot_fixups[];	/* templates/boot-fixups, built in */
extern const size_t boot_fixups_len;

/* <state>/vpn/NAME, where the originals are kept. */
char *boot_state_file(const struct wb_ctx *ctx, const char *name);
/* The user's boot command before wslbridge: from wsl.conf, or kept in our settings. */
char *boot_previous_command(const struct ini_doc *wslconf, const char *conf_path);
/* Save c's old bytes (or that it was absent) as NAME, once. */
int boot_snapshot(const struct wb_ctx *ctx, const char *name, const struct change *c);
/* Add a change restoring the saved NAME to path (taken over); 1 if one was saved. */
int boot_restore_saved(struct wb_ctx *ctx, const char *name, char *path, struct changeset *a, const char *label);
/* The settings of a hook without VPN fixes: only the previous command. */
void boot_neutral_conf(const char *prev, struct buf *b);
/* Whether conf (the script's settings) holds VPN fixes (an MTU). */
bool boot_conf_has_vpn(const char *conf_text);
/* Where the file saved as NAME was (allocated), or NULL if not recorded. */
char *boot_saved_path(const struct wb_ctx *ctx, const char *name);
/*
 * The inverse of the hook's edit of /etc/wsl.conf: c (old: wsl.conf now)
 * gets as new bytes the file now with only our keys put back as the saved
 * original has them: [boot] command (or, keep_hook, still ours), and with
 * resolv [network] generateResolvConf where we set it to false.  Every other
 * byte stays; when nothing else changed since, the saved bytes come back
 * whole (an emptied [boot] section we added goes too), which *whole says.
 * force: the saved bytes whatever changed.  1 when an original is saved
 * (c set), 0 when none is (c untouched), or <0 after reporting.
 */
int boot_unhook_wslconf(const struct wb_ctx *ctx, struct change *c, bool keep_hook, bool resolv,
			bool force, bool *whole);
/* Whether wsl.conf (now) runs the boot command the saved original ran. */
bool boot_command_is_original(const struct wb_ctx *ctx, const struct buf *now);
/* Remove the saved originals of .wslconfig and /etc/wsl.conf, as asked,
 * after they were restored. */
void boot_forget_saved(const struct wb_ctx *ctx, bool wslconfig, bool wsl_conf);

#endif
