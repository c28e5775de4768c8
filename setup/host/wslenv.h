/* SPDX-License-Identifier: MIT */
/*
 * wslenv.h - where we are running: WSL2, WSL1 or not WSL; whether Windows
 * programs can be started (interop); where the Windows drives are mounted;
 * the networking mode WSL actually applied; and mapping Windows paths to
 * Linux paths and back.  Reads files under ctx->root (tests) and runs
 * <root>/usr/bin/wslinfo.  Never prints: problems come back as text.
 */
#ifndef WB_WSLENV_H
#define WB_WSLENV_H

#include "base/ctx.h"

#include <stdbool.h>

enum wsl_kind { WSL_NOT, WSL_ONE, WSL_TWO };

struct wsl_env {
	enum wsl_kind kind;
	char *kernel;		/* first line of /proc/version, or NULL */
	char *not_wsl_why;	/* what was checked, when kind == WSL_NOT */
	bool interop;		/* Windows programs can be started now */
	char *interop_why;	/* why not, and how to fix it */
	char *interop_note;	/* works now, but wsl.conf will turn it off */
	char *automount_root;	/* "/mnt/" or wsl.conf [automount] root, ends in '/' */
	char *mode;		/* wslinfo --networking-mode, or NULL */
	char *mode_why;		/* why the mode is unknown */
};

void wslenv_detect(const struct wb_ctx *ctx, struct wsl_env *env);
void wslenv_release(struct wsl_env *env);

/*
 * NULL when win is a plain absolute Windows path on a drive ("C:\x\y": no
 * ".", ".." or empty parts, no trailing dot or space, none of <>:"/|?* or
 * control characters), else what is wrong with it, in words.  Only such a
 * path maps to a place under the automount root.
 */
const char *wslenv_windows_path_problem(const char *win);
/*
 * "C:\x\y" -> <root><automount>c/x/y (allocated), or NULL if it is not a
 * plain drive path (wslenv_windows_path_problem).
 */
char *wslenv_to_linux(const struct wb_ctx *ctx, const struct wsl_env *env, const char *win);
/* The reverse, for paths under the drive mount; NULL otherwise. */
char *wslenv_to_windows(const struct wb_ctx *ctx, const struct wsl_env *env, const char *lin);
/*
 * powershell.exe by absolute path: WSLBRIDGE_POWERSHELL, else the first
 * drive (c: first) holding Windows\System32\WindowsPowerShell\v1.0.  NULL
 * when none is found.
 */
char *wslenv_powershell(const struct wb_ctx *ctx, const struct wsl_env *env);
/*
 * The Linux path of a program under a Windows drive ("Windows/System32/
 * cmd.exe"), searching drives c: first; NULL when absent.  *ret_drive (may
 * be NULL) gets the drive's Linux path, to run the program from.
 */
char *wslenv_windows_program(const struct wb_ctx *ctx, const struct wsl_env *env,
			     const char *subpath, char **ret_drive);

#endif
