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

int rescue_leave(struct transaction *t, const struct host *h, const struct rescue_change *rc, char **ret_win)
{
	char *profile = h->profile_win ? wslenv_to_linux(h->ctx, &h->env, h->profile_win) : NULL, *dir;
	struct changeset cs = { .n = 0 };
	struct change *c;
	int err = -ENOENT, r;

	*ret_win = NULL;
	dir = profile ? rescue_dir(profile, &err) : NULL;
	free(profile);
	if (!dir)
		return wb_error(WB_EXIT_FAIL, "could not make the rescue folder %s\\AppData\\Local\\wslbridge: %s",
				h->profile_win ? h->profile_win : "%USERPROFILE%", errstr(err));
	/* Replaced whatever is there: the script as shipped, the record, the copy. */
	c = changeset_add(&cs, path_join(dir, RESCUE_SCRIPT), "the rescue script", 0644);
	buf_add(&c->neu, wslbridge_rescue_ps1, wslbridge_rescue_ps1_len);
	c = changeset_add(&cs, path_join(dir, "rescue.xml"), "the rescue record", 0644);
	render_record(t, rc, &c->neu);
	c = changeset_add(&cs, path_join(dir, "wslconfig.before"), "the saved .wslconfig", 0644);
	if (rc->existed && rc->before)
		buf_add(&c->neu, rc->before->s ? rc->before->s : "", rc->before->len);
	c->remove = !rc->existed;
	r = transaction_files(t, &cs);
	changeset_release(&cs);
	free(dir);
	if (r == 0)
		*ret_win = xasprintf("%s\\AppData\\Local\\wslbridge\\" RESCUE_SCRIPT, h->profile_win);
	return r;
}
