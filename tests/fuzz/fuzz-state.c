/* SPDX-License-Identifier: MIT */
/*
 * fuzz-state.c - libFuzzer target for every reader of wslbridge's own state
 * files, which a crash, another version or a hand edit may leave in any
 * shape: byte 0 chooses the journal (journal.xml), the target record
 * (target.xml), a history entry (history/000001/change.xml, through the
 * history listing), the boot settings (the previous command kept in
 * boot-fixups.conf, a saved original's place) or the forwards store; the
 * rest is the file.  Beyond crashes: a reader that accepts the file returns
 * what it promises (states it knows, a target name, paths it may use).
 */
#include "apply/backup.h"
#include "apply/boot-hook.h"
#include "base/ctx.h"
#include "base/util.h"
#include "engine/journal.h"
#include "forward/forward.h"
#include "targets/record.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root[64];
static struct wb_ctx ctx;

static void put(const char *path, const uint8_t *data, size_t size)
{
	char *dir = xstrdup(path);
	FILE *f;

	*strrchr(dir, '/') = '\0';
	if (mkdir_p(dir, 0700) < 0)
		abort();
	free(dir);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(root, sizeof(root), "/tmp/fuzz-state.%ld", (long)getpid());
	if (mkdir_p(root, 0700) < 0)
		abort();
	ctx.root = root;
	ctx.state_dir = root;
	return 0;
}

static void journal(void)
{
	struct journal j;

	if (journal_read(&ctx, &j) == 0) {
		if (!j.verb || j.state == JS_UNKNOWN)
			abort();
		for (size_t i = 0; i < j.nsteps; i++)
			if (j.steps[i].state == JS_UNKNOWN || !j.steps[i].name)
				abort();
		journal_release(&j);
	}
}

static void record(void)
{
	struct target_params p = { NULL, NULL, 0 };
	char *t = NULL;

	if (record_read(&ctx, &t, &p) == 0 && !t)
		abort();
	free(t);
	target_params_release(&p);
}

static void history(void)
{
	struct backup_entry **v;
	size_t n;

	(void)backup_list(root, &v, &n);
	for (size_t i = 0; i < n; i++) {
		if (!v[i]->state || !v[i]->time || !v[i]->what)
			abort();
		for (size_t k = 0; k < v[i]->nwin; k++)
			if (!v[i]->win[k].type || v[i]->win[k].nkv % 2)
				abort();
		for (size_t k = 0; k < v[i]->nfiles; k++)
			if (!v[i]->files[k].path)
				abort();
	}
	backup_entries_free(v, n);
}

static void boot_settings(const char *conf)
{
	struct ini_doc none = INI_DOC_INIT;
	char *prev, *where;

	(void)ini_load(&none, INI_WSLCONF, "", 0);
	prev = boot_previous_command(&none, conf);
	free(prev);
	where = boot_saved_path(&ctx, "wsl.conf");
	if (where && (where[0] != '/' || strchr(where, '\n')))
		abort();
	free(where);
	ini_release(&none);
}

static void forwards(const char *path)
{
	struct forwards fs = { NULL, 0 };
	char *why = NULL;

	if (forwards_load(path, &fs, &why) < 0 && (!why || !*why))
		abort();
	free(why);
	forwards_release(&fs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "journal.xml", "target.xml", "history/000001/change.xml",
					     "boot-fixups.conf", "vpn/wsl.conf.path", "forwards" };
	char *path;
	int which;

	if (size < 1)
		return 0;
	which = data[0] % 6;
	path = path_join(root, names[which]);
	put(path, data + 1, size - 1);
	switch (which) {
	case 0: journal(); break;
	case 1: record(); break;
	case 2: history(); break;
	case 3: case 4: boot_settings(path); break;
	default: forwards(path); break;
	}
	unlink(path);
	free(path);
	return 0;
}
