/* SPDX-License-Identifier: MIT */
/* boot-hook.c - see boot-hook.h. */
#include "apply/boot-hook.h"
#include "base/atomic-file.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>
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

char *boot_previous_command(const struct ini_doc *wslconf, const char *conf_path)
{
	long at = ini_find(wslconf, "boot.command");
	struct buf b = BUF_INIT;
	char *line, *save = NULL, *r = NULL;

	if (at >= 0 && !strstr(wslconf->lines[at].value, vpn_script_path))
		return xstrdup(wslconf->lines[at].value);
	if (read_file(conf_path, &b, NULL) == 0)
		for (line = strtok_r(b.s, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			if (!strncmp(line, "PREVIOUS_COMMAND='", 18)) {
				/* undo our quoting: '...'\''...' */
				struct buf v = BUF_INIT;

				for (const char *s = line + 18; *s; s++) {
					if (!strncmp(s, "'\\''", 4)) {
						buf_addc(&v, '\'');
						s += 3;
					} else if (*s != '\'') {
						buf_addc(&v, *s);
					}
				}
				r = buf_detach(&v, NULL);
			}
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
