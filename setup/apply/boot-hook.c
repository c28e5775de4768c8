/* SPDX-License-Identifier: MIT */
/* boot-hook.c - see boot-hook.h. */
#include "apply/boot-hook.h"
#include "base/atomic-file.h"
#include "base/log.h"
#include "conf/ini-edit.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

const char *const vpn_script_path = "/usr/local/lib/wslbridge/boot-fixups";
const char *const vpn_conf_path = "/etc/wslbridge/boot-fixups.conf";
const char *const forward_conf_path = "/etc/wslbridge/forward-sync.conf";

char *boot_state_file(const struct wb_ctx *ctx, const char *name)
{
	char *dir = path_join(ctx->state_dir, "vpn"), *p = path_join(dir, name);

	free(dir);
	return p;
}

/* The value sh_quote_add wrote from s (just after its opening quote): '\'' is a quote. */
static char *sh_unquote(const char *s)
{
	struct buf v = BUF_INIT;

	for (; *s; s++) {
		if (!strncmp(s, "'\\''", 4)) {
			buf_addc(&v, '\'');
			s += 3;
		} else if (*s == '\'') {
			break;	/* the closing quote: a command's newlines are inside */
		} else {
			buf_addc(&v, *s);
		}
	}
	return buf_detach(&v, NULL);
}

char *boot_previous_command(const struct ini_doc *wslconf, const char *conf_path)
{
	long at = ini_find(wslconf, "boot.command");
	struct buf b = BUF_INIT;
	char *r = NULL;

	if (at >= 0 && !strstr(wslconf->lines[at].value, vpn_script_path))
		return xstrdup(wslconf->lines[at].value);
	if (read_file(conf_path, &b, NULL) == 0)
		for (const char *p = b.s; p && !r; p = *p ? strchr(p + 1, '\n') : NULL)
			if (!strncmp(p + (p != b.s), "PREVIOUS_COMMAND='", 18))
				r = sh_unquote(p + (p != b.s) + 18);	/* the first: ours */
	buf_release(&b);
	return r;
}

int boot_snapshot(const struct wb_ctx *ctx, const char *name, const struct change *c)
{
	char *p = boot_state_file(ctx, name), *absent = xasprintf("%s.absent", p), *dir = path_join(ctx->state_dir, "vpn");
	int r = 0;

	if (access(p, F_OK) < 0 && access(absent, F_OK) < 0) {
		/* where it was, too: .wslconfig's place is known only while Windows answers */
		char *where = xasprintf("%s.path", p);

		r = mkdir_p(dir, 0700);
		if (r == 0)
			r = atomic_file_replace(where, c->path, strlen(c->path), 0600, NULL);
		if (r == 0)
			r = c->existed ? atomic_file_replace(p, c->old.s ? c->old.s : "", c->old.len, 0600, NULL)
				       : atomic_file_replace(absent, "", 0, 0600, NULL);
		free(where);
	}
	free(p);
	free(absent);
	free(dir);
	return r < 0 ? r : 0;
}

int boot_restore_saved(struct wb_ctx *ctx, const char *name, char *path, struct changeset *a, const char *label)
{
	char *saved = boot_state_file(ctx, name), *absent = xasprintf("%s.absent", saved);
	struct change *c;

	if (access(saved, F_OK) < 0 && access(absent, F_OK) < 0) {
		free(saved);
		free(absent);
		free(path);
		return 0;
	}
	c = changeset_add(a, path, label, 0644);
	c->remove = access(absent, F_OK) == 0;
	if (!c->remove && read_file(saved, &c->neu, NULL) < 0)
		c->remove = false;
	free(saved);
	free(absent);
	return 1;
}

void boot_neutral_conf(const char *prev, struct buf *b)
{
	buf_adds(b, "# Written by wslbridge: no VPN fixes; the script runs `forward sync` and the previous command.\n"
		 "IFACE=eth0\nWAIT=30\nMTU=\nRESOLV=wsl\nNAMESERVERS=''\nSEARCH=''\nPREVIOUS_COMMAND=");
	sh_quote_add(b, prev ? prev : "");
	buf_addc(b, '\n');
}

bool boot_conf_has_vpn(const char *conf_text)
{
	const char *m = conf_text ? strstr(conf_text, "\nMTU=") : NULL;

	return m && m[5] && m[5] != '\n';
}

char *boot_saved_path(const struct wb_ctx *ctx, const char *name)
{
	char *p = boot_state_file(ctx, name), *where = xasprintf("%s.path", p);
	struct buf b = BUF_INIT;
	char *r = NULL;

	/* our own state (root's folder); a path with a newline or not absolute is not ours */
	if (read_file(where, &b, NULL) == 0 && b.len && b.s[0] == '/' && !memchr(b.s, '\n', b.len))
		r = buf_detach(&b, NULL);
	buf_release(&b);
	free(where);
	free(p);
	return r;
}

void boot_forget_saved(const struct wb_ctx *ctx, bool wslconfig, bool wsl_conf)
{
	static const char *const suffixes[] = { "", ".absent", ".path" };

	for (size_t i = 0; i < 6; i++) {
		char *name, *p;

		if (!(i < 3 ? wslconfig : wsl_conf))
			continue;
		name = xasprintf("%s%s", i < 3 ? "wslconfig" : "wsl.conf", suffixes[i % 3]);
		p = boot_state_file(ctx, name);
		(void)unlink(p);
		free(p);
		free(name);
	}
}

static bool reads_false(const char *v)
{
	return v && (!strcasecmp(v, "false") || !strcmp(v, "0"));
}

/* kv (3 pairs at most): the keys the hook changed, with the values of d. */
static void hook_keys(const struct ini_doc *d, const char **kv, bool resolv)
{
	size_t n = 0;

	kv[n++] = "boot.command";
	kv[n++] = ini_value(d, "boot.command");
	if (resolv) {
		kv[n++] = "network.generateResolvConf";
		kv[n++] = ini_value(d, "network.generateResolvConf");
	}
	kv[n] = NULL;
}

int boot_unhook_wslconf(const struct wb_ctx *ctx, struct change *c, bool keep_hook, bool resolv,
			bool force, bool *whole)
{
	char *saved = boot_state_file(ctx, "wsl.conf"), *absent = xasprintf("%s.absent", saved);
	struct ini_doc orig = INI_DOC_INIT, now = INI_DOC_INIT;
	struct buf o = BUF_INIT, back = BUF_INIT;
	const char *want[7], *had[7];
	char *why = NULL;
	bool saved_absent = access(absent, F_OK) == 0;
	int r = 0;

	free(absent);
	if (!saved_absent && read_file(saved, &o, NULL) < 0) {
		free(saved);
		return 0;
	}
	free(saved);
	(void)ini_load(&orig, INI_WSLCONF, o.s ? o.s : "", o.len);
	(void)ini_load(&now, INI_WSLCONF, c->old.s ? c->old.s : "", c->old.len);
	hook_keys(&orig, want, resolv);
	hook_keys(&now, had, resolv);
	if (keep_hook)
		want[1] = vpn_script_path;
	else if (!force && !(had[1] && strstr(had[1], vpn_script_path)))
		want[1] = had[1];	/* the user's own boot command now: it stays */
	/* a generateResolvConf that is not false now is not one we set: it stays */
	if (resolv && !(reads_false(had[3]) && !reads_false(want[3])))
		want[2] = NULL;
	/* nothing else changed: our edit of the original gives the file as it is now */
	*whole = force || !c->existed ||
		 (changeset_edit_keys(&o, INI_WSLCONF, had, 0, &back, &why) == 0 && back.len == c->old.len &&
		  !memcmp(back.s ? back.s : "", c->old.s ? c->old.s : "", back.len));
	buf_release(&back);
	free(why);
	why = NULL;
	buf_reset(&c->neu);
	r = changeset_edit_keys(*whole ? &o : &c->old, INI_WSLCONF, want, INI_DROP_EMPTY, &c->neu, &why);
	if (r < 0)
		wb_error(WB_EXIT_FAIL, "/etc/wsl.conf: %s; nothing was changed", why ? why : "cannot be edited");
	free(why);
	/* the file was not there before and nothing of the user's is left */
	c->remove = r == 0 && saved_absent && (*whole || c->neu.len == 0) && !keep_hook;
	ini_release(&orig);
	ini_release(&now);
	buf_release(&o);
	return r < 0 ? r : 1;
}

bool boot_command_is_original(const struct wb_ctx *ctx, const struct buf *now)
{
	char *saved = boot_state_file(ctx, "wsl.conf");
	struct ini_doc a = INI_DOC_INIT, b = INI_DOC_INIT;
	struct buf o = BUF_INIT;
	const char *x, *y;
	bool same;

	(void)read_file(saved, &o, NULL);	/* none: wsl.conf was absent */
	(void)ini_load(&a, INI_WSLCONF, o.s ? o.s : "", o.len);
	(void)ini_load(&b, INI_WSLCONF, now->s ? now->s : "", now->len);
	x = ini_value(&a, "boot.command");
	y = ini_value(&b, "boot.command");
	same = x && y ? !strcmp(x, y) : x == y;
	ini_release(&a);
	ini_release(&b);
	buf_release(&o);
	free(saved);
	return same;
}
