/* SPDX-License-Identifier: MIT */
/*
 * fuzz-target.c - libFuzzer target for the loaders of XML files a user may
 * write: target states (byte 0 even) and VPN profiles (byte 0 odd), both
 * parsed and validated against their RELAX NG schemas from templates/.
 * Beyond crashes: a failure always says why, and where it is about a place
 * in the file the line is inside it.
 */
#include "base/ctx.h"
#include "targets/target.h"
#include "base/util.h"
#include "vpn-fixups/profile.h"

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

/* Each input's file is removed after it; these are the folders left. */
static void cleanup(void)
{
	static const char *const sub[] = { "/etc/wslbridge/vpn", "/etc/wslbridge", "/etc", "" };

	for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		char *d = xasprintf("%s%s", root, sub[i]);

		(void)rmdir(d);
		free(d);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("WSLBRIDGE_DATADIR", FUZZ_DATADIR, 1);
	snprintf(root, sizeof(root), "/tmp/fuzz-target.%ld", (long)getpid());
	if (mkdir_p(root, 0700) < 0)
		abort();
	ctx.root = root;
	ctx.state_dir = root;
	atexit(cleanup);
	return 0;
}

static void check_error(const struct target_error *err, size_t lines)
{
	if (!err->msg || !*err->msg)
		abort();
	if (err->line < 0 || (size_t)err->line > lines + 1)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct target_error err = { 0 };
	size_t lines = 0;
	char *dir, *file;
	FILE *f;

	if (size < 1)
		return 0;
	dir = xasprintf("%s/etc/wslbridge/vpn", root);
	for (size_t i = 1; i < size; i++)
		lines += data[i] == '\n';
	if (mkdir_p(dir, 0700) < 0)
		abort();
	file = data[0] & 1 ? xasprintf("%s/fuzz.xml", dir) : xasprintf("%s/target.xml", root);
	f = fopen(file, "wb");
	if (!f || fwrite(data + 1, 1, size - 1, f) != size - 1 || fclose(f) != 0)
		abort();
	if (data[0] & 1) {
		struct vpn_profiles ps = { 0 };

		if (vpn_profiles_load(&ctx, &ps, &err) < 0)
			check_error(&err, lines);
		else
			vpn_profiles_release(&ps);
	} else {
		struct target t = { 0 };

		if (target_load(&ctx, file, NULL, 0, &t, &err) < 0)
			check_error(&err, lines);
		else
			target_release(&t);
	}
	target_error_release(&err);
	unlink(file);
	free(file);
	free(dir);
	return 0;
}
