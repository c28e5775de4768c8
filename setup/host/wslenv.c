/* SPDX-License-Identifier: MIT */
/* wslenv.c - see wslenv.h. */
#include "host/wslenv.h"
#include "conf/ini.h"
#include "base/spawn.h"
#include "base/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define PS_SUBPATH "Windows/System32/WindowsPowerShell/v1.0/powershell.exe"

static char *first_line(const struct wb_ctx *ctx, const char *abs)
{
	char *p = wb_path(ctx, abs), *nl;
	struct buf b = BUF_INIT;

	if (read_file(p, &b, NULL) < 0) {
		free(p);
		buf_release(&b);
		return NULL;
	}
	free(p);
	nl = memchr(b.s, '\n', b.len);
	if (nl)
		*nl = '\0';
	return buf_detach(&b, NULL);
}

/* The value WSL reads for key in <root>/etc/wsl.conf, or NULL. */
static char *wslconf_value(const struct wb_ctx *ctx, const char *key)
{
	char *p = wb_path(ctx, "/etc/wsl.conf"), *v = NULL;
	struct buf b = BUF_INIT;
	struct ini_doc d = INI_DOC_INIT;
	long at;

	if (read_file(p, &b, NULL) == 0 && ini_load(&d, INI_WSLCONF, b.s, b.len) == 0) {
		at = ini_find(&d, key);
		if (at >= 0)
			v = xstrdup(d.lines[at].value);
	}
	ini_release(&d);
	buf_release(&b);
	free(p);
	return v;
}

static void detect_kind(const struct wb_ctx *ctx, struct wsl_env *env)
{
	char *binfmt = wb_path(ctx, "/proc/sys/fs/binfmt_misc/WSLInterop");

	env->kernel = first_line(ctx, "/proc/version");
	if (env->kernel && strstr(env->kernel, "icrosoft")) {
		/* WSL2 kernels say "microsoft-standard"; WSL1 says "Microsoft". */
		env->kind = strstr(env->kernel, "microsoft-standard") || strstr(env->kernel, "WSL2")
			    ? WSL_TWO : WSL_ONE;
	} else {
		env->kind = WSL_NOT;
		env->not_wsl_why = xasprintf("%s does not name a Microsoft (WSL) kernel (%s), and %s %s",
			"/proc/version", env->kernel ? env->kernel : "unreadable", binfmt,
			access(binfmt, F_OK) == 0 ? "exists" : "does not exist");
	}
	free(binfmt);
}

static void detect_interop(const struct wb_ctx *ctx, struct wsl_env *env)
{
	char *state = first_line(ctx, "/proc/sys/fs/binfmt_misc/WSLInterop");
	char *conf = wslconf_value(ctx, "interop.enabled");
	bool conf_off = conf && (!strcasecmp(conf, "false") || !strcmp(conf, "0"));

	env->interop = state && !strcmp(state, "enabled");
	if (!env->interop && conf_off)
		env->interop_why = xstrdup("interop is turned off in /etc/wsl.conf ([interop] "
			"enabled=false); run `sudo wslbridge config unset interop.enabled`, then "
			"`wsl.exe --terminate <distro>` from Windows");
	else if (!env->interop && state)
		env->interop_why = xstrdup("the WSLInterop binfmt entry is disabled; run "
			"`echo 1 | sudo tee /proc/sys/fs/binfmt_misc/WSLInterop`");
	else if (!env->interop)
		env->interop_why = xstrdup("the WSLInterop binfmt entry is missing (often removed "
			"by systemd-binfmt); restart the distribution, and keep [boot] "
			"protectBinfmt=true in /etc/wsl.conf");
	else if (conf_off)
		env->interop_note = xstrdup("/etc/wsl.conf turns interop off at the next start "
					    "([interop] enabled=false): then no Windows program starts from WSL, "
					    "wslbridge's own Windows steps included; `sudo wslbridge config unset "
					    "interop.enabled` keeps it on");
	free(state);
	free(conf);
}

static void detect_mode(const struct wb_ctx *ctx, struct wsl_env *env)
{
	char *prog = wb_path(ctx, "/usr/bin/wslinfo");
	const char *argv[] = { prog, "--networking-mode", NULL };
	struct spawn_opts o = { .argv = argv, .timeout_ms = 5000 };
	struct spawn_result r;
	int rc;

	if (access(prog, X_OK) < 0) {
		env->mode_why = xasprintf("%s not found (WSL older than 2.0?)", prog);
		free(prog);
		return;
	}
	rc = spawn_run(&o, &r);
	if (rc == 0 && !r.timed_out && !r.signal && r.exit_code == 0 && r.out.len) {
		size_t n = strcspn(r.out.s, "\r\n");

		env->mode = xstrndup(r.out.s, n);
	} else {
		env->mode_why = xasprintf("`wslinfo --networking-mode` failed%s%s",
					  r.err.len ? ": " : "", r.err.len ? r.err.s : "");
	}
	spawn_result_release(&r);
	free(prog);
}

void wslenv_detect(const struct wb_ctx *ctx, struct wsl_env *env)
{
	char *root;

	memset(env, 0, sizeof(*env));
	detect_kind(ctx, env);
	root = wslconf_value(ctx, "automount.root");
	if (!root || root[0] != '/') {
		free(root);
		root = xstrdup("/mnt/");
	}
	env->automount_root = str_has_suffix(root, "/") ? root : xasprintf("%s/", root);
	if (env->automount_root != root)
		free(root);
	if (env->kind == WSL_NOT)
		return;
	detect_interop(ctx, env);
	detect_mode(ctx, env);
}

void wslenv_release(struct wsl_env *env)
{
	free(env->kernel);
	free(env->not_wsl_why);
	free(env->interop_why);
	free(env->interop_note);
	free(env->automount_root);
	free(env->mode);
	free(env->mode_why);
	memset(env, 0, sizeof(*env));
}

/* What is wrong with one part of a path (len bytes at p), or NULL. */
static const char *part_problem(const char *p, size_t len)
{
	if (!len)
		return "an empty part (\\\\ or a trailing \\)";
	if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
		return "a \".\" or \"..\" part";
	if (p[len - 1] == '.' || p[len - 1] == ' ')
		return "a part ending in a dot or a space, which Windows drops";
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f || strchr("<>:\"/|?*", p[i]))
			return "a control character or one of <>:\"/|?*";
	return NULL;
}

const char *wslenv_windows_path_problem(const char *win)
{
	const char *p, *end, *why = NULL;

	if (!win || !isalpha((unsigned char)win[0]) || win[1] != ':' || win[2] != '\\')
		return "it does not start with a drive (C:\\)";
	if (strlen(win) > 4096)
		return "it is longer than 4096 bytes";
	for (p = win + 3; *p && !why; p = *end ? end + 1 : end) {
		end = p + strcspn(p, "\\");
		why = part_problem(p, (size_t)(end - p));
		if (!why && *end && !end[1])
			why = part_problem(end + 1, 0);
	}
	return why;
}

char *wslenv_to_linux(const struct wb_ctx *ctx, const struct wsl_env *env, const char *win)
{
	char *mount, *r;
	struct buf b = BUF_INIT;

	if (wslenv_windows_path_problem(win))
		return NULL;
	mount = wb_path(ctx, env->automount_root);
	buf_adds(&b, mount);
	if (!str_has_suffix(mount, "/"))
		buf_addc(&b, '/');
	buf_addc(&b, (char)tolower((unsigned char)win[0]));
	for (const char *p = win + 2; *p; p++)
		buf_addc(&b, *p == '\\' ? '/' : *p);
	r = buf_detach(&b, NULL);
	free(mount);
	return r;
}

char *wslenv_to_windows(const struct wb_ctx *ctx, const struct wsl_env *env, const char *lin)
{
	char *mount = wb_path(ctx, env->automount_root);
	size_t n = strlen(mount);
	struct buf b = BUF_INIT;
	const char *p;

	while (n > 1 && mount[n - 1] == '/')
		n--;
	if (strncmp(lin, mount, n) || lin[n] != '/' || !isalpha((unsigned char)lin[n + 1]) ||
	    (lin[n + 2] != '/' && lin[n + 2] != '\0')) {
		free(mount);
		return NULL;
	}
	free(mount);
	p = lin + n + 1;
	buf_addf(&b, "%c:\\", toupper((unsigned char)p[0]));
	for (p += p[1] ? 2 : 1; *p; p++)
		buf_addc(&b, *p == '/' ? '\\' : *p);
	return buf_detach(&b, NULL);
}

char *wslenv_windows_program(const struct wb_ctx *ctx, const struct wsl_env *env,
			     const char *subpath, char **ret_drive)
{
	static const char drives[] = "cdefghijklmnopqrstuvwxyzab";
	char *mount = wb_path(ctx, env->automount_root);
	const char *sep = str_has_suffix(mount, "/") ? "" : "/";

	for (const char *d = drives; *d; d++) {
		char *p = xasprintf("%s%s%c/%s", mount, sep, *d, subpath);

		if (access(p, X_OK) == 0) {
			if (ret_drive)
				*ret_drive = xasprintf("%s%s%c", mount, sep, *d);
			free(mount);
			return p;
		}
		free(p);
	}
	free(mount);
	return NULL;
}

char *wslenv_powershell(const struct wb_ctx *ctx, const struct wsl_env *env)
{
	const char *over = getenv("WSLBRIDGE_POWERSHELL");

	if (over && *over)
		return xstrdup(over);
	return wslenv_windows_program(ctx, env, PS_SUBPATH, NULL);
}
