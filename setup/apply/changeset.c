/* SPDX-License-Identifier: MIT */
/* changeset.c - see changeset.h. */
#include "apply/changeset.h"
#include "conf/ini-edit.h"
#include "base/diff.h"
#include "base/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct change *changeset_add(struct changeset *a, char *path, const char *label, mode_t mode)
{
	struct change *c = &a->c[a->n++];
	struct stat st;

	memset(c, 0, sizeof(*c));
	c->path = path;
	c->label = label;
	c->read_err = read_file(path, &c->old, &st);
	c->existed = c->read_err == 0;
	if (c->read_err == -ENOENT)
		c->read_err = 0;
	c->mode = c->existed ? st.st_mode & 07777 : mode;
	c->dev = c->existed ? st.st_dev : 0;
	c->ino = c->existed ? st.st_ino : 0;
	return c;
}

bool change_differs(const struct change *c)
{
	return c->remove ? c->existed : !c->existed || c->old.len != c->neu.len ||
	       memcmp(c->old.s, c->neu.s, c->neu.len);
}

void changeset_release(struct changeset *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->c[i].path);
		buf_release(&a->c[i].old);
		buf_release(&a->c[i].neu);
	}
	a->n = 0;
}

void change_print_diff(const struct change *c)
{
	struct buf d = BUF_INIT;

	diff_unified(path_basename(c->path), c->old.s ? c->old.s : "", c->old.len, c->neu.s ? c->neu.s : "",
		     c->neu.len, &d);
	diff_print(stdout, "       ", &d);
	buf_release(&d);
}

int changeset_edit_keys(const struct buf *in, enum ini_kind kind, const char *const *kv, unsigned flags,
			struct buf *out, char **ret_why)
{
	struct ini_doc d = INI_DOC_INIT;
	int r = ini_load(&d, kind, in->s ? in->s : "", in->len);

	for (size_t i = 0; r == 0 && kv[i]; i += 2) {
		struct buf tmp = BUF_INIT;

		r = kv[i + 1] ? ini_edit_set(&d, kv[i], kv[i + 1], strlen(kv[i + 1]), flags, &tmp, NULL, ret_why)
			      : ini_edit_unset(&d, kv[i], flags, &tmp, NULL, ret_why);
		if (r == 0) {
			ini_release(&d);
			r = ini_load(&d, kind, tmp.s, tmp.len);
		} else if (r > 0) {
			r = 0;
		}
		buf_release(&tmp);
	}
	if (r == 0)
		r = ini_encode(&d, d.text.s, d.text.len, out);
	ini_release(&d);
	return r;
}

int changeset_edit_ini(const struct buf *in, enum ini_kind kind, const char *const *kv, struct buf *out)
{
	char *why = NULL;
	int r = changeset_edit_keys(in, kind, kv, 0, out, &why);

	if (r < 0) {
		wb_error(WB_EXIT_FAIL, "%s: %s", kind == INI_WSLCONF ? "/etc/wsl.conf" : ".wslconfig",
			 why ? why : "cannot be edited");
		if (r == -EBADMSG)
			wb_hint("`sudo wslbridge config set --fix ...` repairs it first");
	}
	free(why);
	return r;
}

void sh_quote_add(struct buf *b, const char *s)
{
	buf_addc(b, '\'');
	for (; s && *s; s++) {
		if (*s == '\'')
			buf_adds(b, "'\\''");
		else
			buf_addc(b, *s);
	}
	buf_addc(b, '\'');
}
