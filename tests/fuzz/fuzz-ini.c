/* SPDX-License-Identifier: MIT */
/*
 * fuzz-ini.c - libFuzzer target for the INI reader, linter and editor.
 * Beyond crashes it checks the promises: an unedited file re-encodes to the
 * same bytes, and a successful set reads back exactly the value asked for.
 * Input: byte 0 picks the file kind and key, byte 1 the value, rest = file.
 */
#include "conf/ini-edit.h"
#include "conf/ini-lint.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const keys[] = {
	"wsl2.memory", "wsl2.vmSwitch", "wsl2.networkingMode", "boot.command",
	"network.hostname", "experimental.sparseVhd", "x.y", "wsl2.kernel",
};
static const char *const values[] = {
	"1GB", "a # b", " edge ", "q\"\\x", "", "line\nnext", "Bridged", "\t",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ini_doc d = INI_DOC_INIT, after = INI_DOC_INIT;
	struct buf out = BUF_INIT;
	struct lint l = { NULL, 0 };
	const char *key, *val;
	enum ini_kind kind;
	char *why = NULL;
	long at;
	int r;

	if (size < 2)
		return 0;
	kind = (data[0] & 1) ? INI_WSLCONF : INI_WSLCONFIG;
	key = keys[(data[0] >> 1) % 8];
	val = values[data[1] % 8];
	if (ini_load(&d, kind, (const char *)data + 2, size - 2) < 0)
		goto out;
	if (ini_encode(&d, d.text.s ? d.text.s : "", d.text.len, &out) < 0 ||
	    out.len != size - 2 || memcmp(out.s ? out.s : "", data + 2, size - 2))
		abort();	/* parse-then-write must be the identity */
	ini_lint(&d, &l);
	r = (data[1] & 0x80) ? ini_edit_unset(&d, key, data[1] & 0x40 ? INI_FIX : 0, &out, NULL, &why)
			     : ini_edit_set(&d, key, val, strlen(val), data[1] & 0x40 ? INI_FIX : 0,
					    &out, NULL, &why);
	if (r == 0) {
		if (ini_load(&after, kind, out.s, out.len) < 0)
			abort();
		at = ini_find(&after, key);
		if (data[1] & 0x80 ? at >= 0 : (at < 0 || strcmp(after.lines[at].value, val)))
			abort();	/* the edit must read back as asked */
	}
out:
	free(why);
	lint_release(&l);
	buf_release(&out);
	ini_release(&after);
	ini_release(&d);
	return 0;
}
