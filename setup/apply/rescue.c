/* SPDX-License-Identifier: MIT */
/* rescue.c - see rescue.h. */
#include "apply/rescue.h"
#include "apply/backup.h"
#include "base/log.h"
#include "base/sha256.h"
#include "base/xmlfile.h"
#include "host/host.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The folders below the profile, Windows' defaults (%LOCALAPPDATA% unmoved). */
static const char *const folders[] = { "AppData", "Local", "wslbridge" };

/*
 * <profile>/AppData/Local/wslbridge made where missing, each folder entered
 * without following a link (anyone can plant one on drvfs): its Linux path,
 * or NULL and *ret_err.
 */
static char *rescue_dir(const char *profile, int *ret_err)
{
	int fd = open(profile, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char *dir = xstrdup(profile);

	*ret_err = fd < 0 ? -errno : 0;
	for (size_t i = 0; fd >= 0 && i < sizeof(folders) / sizeof(folders[0]); i++) {
		int next = -1;
		char *p;

		if (mkdirat(fd, folders[i], 0755) == 0 || errno == EEXIST)
			next = openat(fd, folders[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		*ret_err = next < 0 ? -errno : 0;
		close(fd);
		fd = next;
		p = path_join(dir, folders[i]);
		free(dir);
		dir = p;
	}
	if (fd >= 0)
		close(fd);
	if (*ret_err) {
		free(dir);
		return NULL;
	}
	return dir;
}

/* The switch the entry's Windows part created: the id its undo removes. */
static const char *created_switch(const struct backup_entry *e)
{
	for (size_t k = 0; k < e->nwin; k++) {
		const struct backup_winundo *u = &e->win[k];

		if (u->pending || strcmp(u->type, "remove-switch"))
			continue;
		for (size_t i = 0; i + 1 < u->nkv; i += 2)
			if (!strcmp(u->kv[i], "switch-id"))
				return u->kv[i + 1];
	}
	return NULL;
}

static void render_record(const struct transaction *t, const struct rescue_change *rc, struct buf *out)
{
	const struct buf *b = rc->before;
	const char *id = created_switch(t->e);
	char hex[65], seq[16], len[24];
	struct xmlfile f;

	sha256_hex(b && b->s ? b->s : "", b ? b->len : 0, hex);
	snprintf(seq, sizeof(seq), "%u", t->e->seq);
	snprintf(len, sizeof(len), "%zu", b ? b->len : 0);
	xmlfile_begin(&f);
	xmlTextWriterStartElement(f.w, BAD_CAST "wslbridge-rescue");
	xmlTextWriterWriteAttribute(f.w, BAD_CAST "version", BAD_CAST "1");
	xmlTextWriterStartElement(f.w, BAD_CAST "change");
	xmlTextWriterWriteAttribute(f.w, BAD_CAST "entry", BAD_CAST seq);
	xmlTextWriterWriteAttribute(f.w, BAD_CAST "time", BAD_CAST(t->e->time ? t->e->time : ""));
	xmlTextWriterWriteAttribute(f.w, BAD_CAST "command",
				    BAD_CAST(t->ctx->command_line ? t->ctx->command_line : "wslbridge setup"));
	xmlTextWriterWriteAttribute(f.w, BAD_CAST "mode", BAD_CAST rc->mode);
	xmlTextWriterEndElement(f.w);
	xmlTextWriterStartElement(f.w, BAD_CAST "wslconfig");
	xmlTextWriterWriteAttribute(f.w, BAD_CAST "existed", BAD_CAST(rc->existed ? "true" : "false"));
	if (rc->existed) {
		xmlTextWriterWriteAttribute(f.w, BAD_CAST "bytes", BAD_CAST len);
		xmlTextWriterWriteAttribute(f.w, BAD_CAST "sha256", BAD_CAST hex);
	}
	xmlTextWriterEndElement(f.w);
	if (id && rc->switch_name) {
		xmlTextWriterStartElement(f.w, BAD_CAST "switch");
		xmlTextWriterWriteAttribute(f.w, BAD_CAST "id", BAD_CAST id);
		xmlTextWriterWriteAttribute(f.w, BAD_CAST "name", BAD_CAST rc->switch_name);
		xmlTextWriterEndElement(f.w);
	}
	xmlTextWriterEndElement(f.w);
	xmlfile_end(&f, out);
}

int rescue_prepare(const struct host *h, struct changeset *cs, char **ret_win)
{
	char *profile = h->profile_win ? wslenv_to_linux(h->ctx, &h->env, h->profile_win) : NULL, *dir;
	static const char *const names[] = { RESCUE_SCRIPT, "rescue.xml", "wslconfig.before" };
	int err = -ENOENT;

	*ret_win = NULL;
	dir = profile ? rescue_dir(profile, &err) : NULL;
	free(profile);
	if (!dir)
		return wb_error(WB_EXIT_FAIL, "could not make the rescue folder %s\\AppData\\Local\\wslbridge: %s; "
				"nothing was changed", h->profile_win ? h->profile_win : "%USERPROFILE%", errstr(err));
	/* Each read now, without following a link: what the files are replaced from. */
	for (size_t i = 0; i < 3; i++) {
		struct change *c = changeset_add(cs, path_join(dir, names[i]), names[i], 0644);

		if (c->read_err) {
			err = c->read_err;
			wb_error(WB_EXIT_FAIL, "cannot use '%s' for the rescue: %s; nothing was changed", c->path,
				 errstr(err));
			free(dir);
			changeset_release(cs);
			return WB_EXIT_FAIL;
		}
	}
	free(dir);
	*ret_win = xasprintf("%s\\AppData\\Local\\wslbridge\\" RESCUE_SCRIPT, h->profile_win);
	return 0;
}

int rescue_leave(struct transaction *t, const struct rescue_change *rc, struct changeset *cs)
{
	int r;

	/* Replaced whatever is there: the script as shipped, the record, the copy. */
	buf_reset(&cs->c[0].neu);
	buf_add(&cs->c[0].neu, wslbridge_rescue_ps1, wslbridge_rescue_ps1_len);
	buf_reset(&cs->c[1].neu);
	render_record(t, rc, &cs->c[1].neu);
	buf_reset(&cs->c[2].neu);
	if (rc->existed && rc->before)
		buf_add(&cs->c[2].neu, rc->before->s ? rc->before->s : "", rc->before->len);
	cs->c[2].remove = !rc->existed;
	r = transaction_files(t, cs);
	changeset_release(cs);
	return r;
}
