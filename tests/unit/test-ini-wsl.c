/* SPDX-License-Identifier: MIT */
/*
 * test-ini-wsl.c - issue 18: the odd files, read exactly as WSL reads them
 * (causes A-J and the lone backslash, each through the reader and through
 * the editor), and a differential test of reader and editor against the
 * naive model of WSL's parser (wsl-model.h) on generated files full of the
 * triggers: lone CR, Ctrl-Z, invalid UTF-8, odd UTF-16, the UTF-16BE BOM,
 * failing headers, NUL and 8-bit truncation, blanks before continuations.
 */
#include "helpers.h"
#include "wsl-model.h"
#include "conf/ini-edit.h"
#include "conf/ini-lint.h"

#include <stdio.h>
#include <unistd.h>

#define WC INI_WSLCONFIG
#define WF INI_WSLCONF

static void load_n(struct ini_doc *d, enum ini_kind k, const char *s, size_t n)
{
	assert_int_equal(ini_load(d, k, s, n), 0);
}

/* key reads as want (NULL: not at all), by the reader and by the model. */
static void reads_n(enum ini_kind k, const char *file, size_t n, const char *key,
		    const char *want)
{
	struct ini_doc d = INI_DOC_INIT;
	struct model m;
	const char *got, *mv;

	load_n(&d, k, file, n);
	got = ini_value(&d, key);
	model_of_bytes(k, file, n, &m);
	mv = model_value(&m, k, key);
	if (!want) {
		assert_null(got);
		assert_null(mv);
	} else {
		assert_non_null(got);
		assert_string_equal(got, want);
		assert_non_null(mv);
		assert_string_equal(mv, want);
	}
	model_free(&m);
	ini_release(&d);
}

#define READS(k, lit, key, want) reads_n(k, lit, sizeof(lit) - 1, key, want)

/*
 * set (val) or unset (val NULL) key on the file: 0 with the new bytes equal
 * to want and the model reading exactly val; 1 (nothing to change); or a
 * refusal whose reason contains want.
 */
static void edit_n(enum ini_kind k, const char *file, size_t n, const char *key,
		   const char *val, int want_r, const char *want, size_t want_n)
{
	struct ini_doc d = INI_DOC_INIT;
	struct buf out = BUF_INIT;
	char *why = NULL;
	int r;

	load_n(&d, k, file, n);
	r = val ? ini_edit_set(&d, key, val, strlen(val), 0, &out, NULL, &why)
		: ini_edit_unset(&d, key, 0, &out, NULL, &why);
	if (r != want_r)
		fail_msg("%s %s: got %d (%s), want %d", val ? "set" : "unset", key, r,
			 why ? why : "", want_r);
	if (r == 0) {
		struct model m;
		const char *mv;

		assert_int_equal(out.len, want_n);
		assert_memory_equal(out.s, want, want_n);
		model_of_bytes(k, out.s, out.len, &m);
		mv = model_value(&m, k, key);
		if (val) {
			assert_non_null(mv);
			assert_string_equal(mv, val);
		} else {
			assert_null(mv);
		}
		model_free(&m);
	} else if (r < 0) {
		assert_non_null(why);
		if (!strstr(why, want))
			fail_msg("reason '%s' does not say '%s'", why, want);
	}
	free(why);
	buf_release(&out);
	ini_release(&d);
}

#define EDIT(k, lit, key, val, wlit) edit_n(k, lit, sizeof(lit) - 1, key, val, 0, wlit, sizeof(wlit) - 1)
#define NOCHANGE(k, lit, key, val) edit_n(k, lit, sizeof(lit) - 1, key, val, 1, NULL, 0)
#define REFUSED(k, lit, key, val, r, why) edit_n(k, lit, sizeof(lit) - 1, key, val, r, why, 0)

/* A: a header failing at its first character keeps the section (456-478). */
static void test_a_header_fails_at_first_char(void **state)
{
	(void)state;
	READS(WC, "[wsl2]\n[ x]\nmemory=4GB\n", "wsl2.memory", "4GB");
	READS(WC, "[wsl2]\nswap=0\n[ experimental ]\nnetworkingMode=mirrored\n",
	      "wsl2.networkingMode", "mirrored");
	READS(WC, "[ x]\nmemory=4GB\n", "memory", "4GB");
	EDIT(WC, "[wsl2]\n[ x]\nmemory=4GB\n", "wsl2.memory", "8GB",
	     "[wsl2]\n[ x]\nmemory=8GB\n");
	EDIT(WC, "[wsl2]\n[ x]\nmemory=4GB\n", "wsl2.memory", NULL, "[wsl2]\n[ x]\n");
	EDIT(WC, "[wsl2]\nswap=0\n[ experimental ]\nnetworkingMode=mirrored\n",
	     "wsl2.networkingMode", "Nat",
	     "[wsl2]\nswap=0\n[ experimental ]\nnetworkingMode=Nat\n");
}

/* B: blanks before a backslash-newline stay (the trim point moves, 755-758). */
static void test_b_blanks_before_continuation(void **state)
{
	(void)state;
	READS(WC, "[wsl2]\nkernelCommandLine=a \\\n\n", "wsl2.kernelCommandLine", "a ");
	READS(WF, "[boot]\r\ncommand=echo hi \\\r\n", "boot.command", "echo hi ");
	READS(WC, "[wsl2]\nkernelCommandLine=a \\\n  b \n", "wsl2.kernelCommandLine", "a   b");
	NOCHANGE(WC, "[wsl2]\nkernelCommandLine=a \\\n\n", "wsl2.kernelCommandLine", "a ");
	EDIT(WC, "[wsl2]\nkernelCommandLine=a \\\n\n", "wsl2.kernelCommandLine", "a",
	     "[wsl2]\nkernelCommandLine=a\n");
	EDIT(WF, "[boot]\r\ncommand=echo hi \\\r\n", "boot.command", NULL, "[boot]\r\n");
}

/* C: Ctrl-Z ends a .wslconfig (CRT text mode); wsl.conf reads it as a byte. */
static void test_c_ctrl_z(void **state)
{
	(void)state;
	READS(WC, "[wsl2]\nmemory=4GB\n\x1a\nswap=0\n", "wsl2.memory", "4GB");
	READS(WC, "[wsl2]\nmemory=4GB\n\x1a\nswap=0\n", "wsl2.swap", NULL);
	READS(WC, "[wsl2]\nvmSwitch=a\x1a" "b\n", "wsl2.vmSwitch", "a");
	READS(WF, "[boot]\ncommand=a\x1a" "b\n", "boot.command", "a\x1a" "b");
	EDIT(WC, "[wsl2]\nmemory=4GB\n\x1a\nswap=0\n", "wsl2.swap", "1GB",
	     "[wsl2]\nmemory=4GB\nswap=1GB\n\x1a\nswap=0\n");
	NOCHANGE(WC, "[wsl2]\nmemory=4GB\n\x1a\nswap=0\n", "wsl2.swap", NULL);
	/* A new section goes before the Ctrl-Z, where WSL still reads. */
	EDIT(WC, "[wsl2]\nmemory=4GB\n\x1a\nswap=0\n", "experimental.sparseVhd", "true",
	     "[wsl2]\nmemory=4GB\n\n[experimental]\nsparseVhd=true\n\x1a\nswap=0\n");
	EDIT(WC, "[wsl2]\nvmSwitch=a\x1a" "b", "experimental.sparseVhd", "true",
	     "[wsl2]\nvmSwitch=a\n\n[experimental]\nsparseVhd=true\n\x1a" "b");
}

/* D: invalid UTF-8 becomes U+FFFD (cut to 0xFD); some endings fail the read. */
static void test_d_invalid_utf8(void **state)
{
	struct ini_doc d = INI_DOC_INIT;

	(void)state;
	READS(WC, "[wsl2]\nvmSwitch=caf\xe9 x\n", "wsl2.vmSwitch", "caf\xfd x");
	READS(WC, "[wsl2]\nswap=0\nvmSwitch=x\x80", "wsl2.swap", NULL);
	READS(WC, "[wsl2]\nswap=0\nvmSwitch=x\xc3", "wsl2.swap", "0");	/* dropped */
	READS(WC, "[wsl2]\nswap=0\nvmSwitch=x\xc3", "wsl2.vmSwitch", "x");
	READS(WC, "[wsl2]\nswap=0\nvmSwitch=\xc3\xa9", "wsl2.vmSwitch", "\xe9");
	READS(WC, "[wsl2]\nvmSwitch=a\xed\xa0\x80z\n", "wsl2.vmSwitch", "a\xfd\xfd\xfdz");
	READS(WF, "[user]\ndefault=caf\xe9\n", "user.default", "caf\xe9");
	load_str(&d, WC, "[wsl2]\nvmSwitch=caf\xe9 x\n");
	assert_true(d.lines[1].value_lossy);
	ini_release(&d);
	EDIT(WC, "[wsl2]\nvmSwitch=caf\xe9 x\n", "wsl2.vmSwitch", "cafe",
	     "[wsl2]\nvmSwitch=cafe\n");
	REFUSED(WC, "[wsl2]\nswap=0\nvmSwitch=x\x80", "wsl2.swap", "1GB", -EBADMSG,
		"bytes that are not UTF-8");
}

/* E: UTF-16LE with an odd byte count: the CRT drops the byte, WSL reads on. */
static void test_e_odd_utf16(void **state)
{
	static const char f[] = "\xff\xfe[\0w\0s\0l\0" "2\0]\0\n\0s\0w\0a\0p\0=\0" "0\0\n\0Q";

	(void)state;
	READS(WC, f, "wsl2.swap", "0");
	EDIT(WC, f, "wsl2.swap", "1",
	     "\xff\xfe[\0w\0s\0l\0" "2\0]\0\n\0s\0w\0a\0p\0=\0" "1\0\n\0Q");
	EDIT(WC, f, "wsl2.swap", NULL, "\xff\xfe[\0w\0s\0l\0" "2\0]\0\n\0Q");
}

/* F: a lone CR ends no comment and no invalid line; backslash-CR is dropped. */
static void test_f_lone_cr(void **state)
{
	(void)state;
	READS(WC, "[wsl2]\n# note\rmemory=4GB\n", "wsl2.memory", NULL);
	READS(WC, "[wsl2]\nkernelCommandLine=a\\\rb\n", "wsl2.kernelCommandLine", "ab");
	READS(WF, "# note\rbad line\n[boot]\nsystemd=true\n", "boot.systemd", "true");
	READS(WC, "[wsl2]\nmemory=4GB\rswap=0\n", "wsl2.swap", "0");	/* a value ends at CR */
	READS(WC, "[wsl2]\nmemory=4GB # c\rswap=0\n", "wsl2.swap", NULL);
	READS(WC, "[wsl2]\nbad line\rswap=0\n", "wsl2.swap", NULL);
	EDIT(WC, "[wsl2]\n# note\rmemory=4GB\n", "wsl2.memory", "8GB",
	     "[wsl2]\nmemory=8GB\n# note\rmemory=4GB\n");
	NOCHANGE(WC, "[wsl2]\n# note\rmemory=4GB\n", "wsl2.memory", NULL);
	EDIT(WF, "# note\rbad line\n[boot]\nsystemd=true\n", "boot.systemd", "false",
	     "# note\rbad line\n[boot]\nsystemd=false\n");
}

/* G: a character whose low 8 bits are 0 ends the value (749, 802). */
static void test_g_nul_ends_value(void **state)
{
	(void)state;
	READS(WC, "[wsl2]\nvmSwitch=A\xc4\x80" "B\n", "wsl2.vmSwitch", "A");
	READS(WC, "[wsl2]\nvmSwitch=A\xe4\xb8\x80" "B\n", "wsl2.vmSwitch", "A");	/* U+4E00 */
	READS(WC, "[wsl2]\nvmSwitch=A\xe3\x80\x80" "B\n", "wsl2.vmSwitch", "A");	/* U+3000 */
	READS(WF, "[boot]\ncommand=ab\0cd\n", "boot.command", "ab");
	READS(WC, "[wsl2]\nvmSwitch=A\xc4\xa3" "B\n", "wsl2.vmSwitch", "A#B");	/* U+0123 */
	NOCHANGE(WC, "[wsl2]\nvmSwitch=A\xc4\x80" "B\n", "wsl2.vmSwitch", "A");
	EDIT(WF, "[boot]\ncommand=ab\0cd\n", "boot.command", "abcd", "[boot]\ncommand=abcd\n");
}

/* H: past U+FFFF, two UTF-16 units, each cut to 8 bits. */
static void test_h_outside_bmp(void **state)
{
	(void)state;
	READS(WC, "[wsl2]\nvmSwitch=x\xf0\x9f\x98\x81y\n", "wsl2.vmSwitch", "x=\x01y");
	EDIT(WC, "[wsl2]\nvmSwitch=x\xf0\x9f\x98\x81y\n", "wsl2.vmSwitch", "xy",
	     "[wsl2]\nvmSwitch=xy\n");
}

/* I: a UTF-16BE BOM: the CRT cannot open the file; WSL uses its defaults. */
static void test_i_utf16be(void **state)
{
	static const char f[] = "\xfe\xff\0[\0w\0s\0l\0" "2\0]\0\n\0m\0=\0" "1\0\n";
	struct ini_doc d = INI_DOC_INIT;
	struct lint l = { NULL, 0 };

	(void)state;
	READS(WC, f, "wsl2.m", NULL);
	REFUSED(WC, f, "wsl2.swap", "0", -EBADMSG, "big-endian");
	REFUSED(WC, f, "wsl2.swap", NULL, -EBADMSG, "cannot open it");
	load_n(&d, WC, f, sizeof(f) - 1);
	ini_lint(&d, &l);
	assert_int_equal(l.n, 1);
	assert_non_null(strstr(l.items[0].msg, "Failed to open config file"));
	lint_release(&l);
	ini_release(&d);
	READS(WF, "\xfe\xff[boot]\nsystemd=true\n", "boot.systemd", NULL);	/* stop at line 1 */
}

/* J: after a header failing later, keys are named by its letters so far. */
static void test_j_mangled_names(void **state)
{
	struct ini_doc d = INI_DOC_INIT;

	(void)state;
	load_str(&d, WC, "[wsl2]\n[ab x]\nc=1\n[wsl2]\n[experimental x]\nd=4\n");
	assert_string_equal(d.lines[2].name, "ab");
	assert_string_equal(d.lines[5].name, "expe.d");
	ini_release(&d);
	READS(WC, "[wsl2]\n[ab x]\nc=1\n", "ab", "1");
	READS(WC, "[ab x]\nc=1\n", "c", "1");	/* no section before: no prefix */
	EDIT(WC, "[wsl2]\n[ab x]\nc=1\n", "wsl2.memory", "1GB", "[wsl2]\nmemory=1GB\n[ab x]\nc=1\n");
}

/* The lone backslash: Windows warns and skips the line; init throws. */
static void test_lone_backslash_wsl(void **state)
{
	struct ini_doc d = INI_DOC_INIT;
	struct lint l = { NULL, 0 };

	(void)state;
	READS(WC, "[wsl2]\nswap=0\nkernel=abc\\", "wsl2.kernel", NULL);
	READS(WC, "[wsl2]\nswap=0\nkernel=abc\\", "wsl2.swap", "0");
	load_str(&d, WC, "[wsl2]\nkernel=abc\\");
	assert_false(d.lone_backslash);
	assert_int_equal(d.lines[1].type, INI_INVALID);
	ini_lint(&d, &l);
	assert_int_equal(lint_worst(&l), LINT_IGNORED);
	lint_release(&l);
	ini_release(&d);
	load_str(&d, WF, "[boot]\ncommand=abc\\");
	assert_true(d.lone_backslash);
	ini_lint(&d, &l);
	assert_int_equal(lint_worst(&l), LINT_FATAL);
	lint_release(&l);
	ini_release(&d);
	EDIT(WC, "[wsl2]\nkernel=abc\\", "wsl2.kernel", "x", "[wsl2]\nkernel=x\nkernel=abc\\");
	NOCHANGE(WC, "[wsl2]\nkernel=abc\\", "wsl2.kernel", NULL);
}

/* The CRT's reads of 2048 bytes: a bad ending far into the file keeps the start. */
static void test_crt_reads_in_pieces(void **state)
{
	struct buf f = BUF_INIT;
	struct ini_doc d = INI_DOC_INIT;

	(void)state;
	buf_adds(&f, "[wsl2]\nswap=0\n");
	while (f.len < 3000)
		buf_adds(&f, "# padding padding padding padding padding\n");
	buf_adds(&f, "memory=4GB\nvmSwitch=x\x80");
	load_n(&d, WC, f.s, f.len);
	assert_string_equal(ini_value(&d, "wsl2.swap"), "0");
	assert_null(ini_value(&d, "wsl2.memory"));
	assert_int_equal(d.stop_why, STOP_BADUTF8);
	ini_release(&d);
	buf_release(&f);
}

/*
 * The reader decodes 4096 units at a time: a CRLF, a continuation, a
 * character past U+FFFF and a bad escape on each side of the window's edge
 * read as the model reads them, and the bad escape's offset is its byte's.
 */
static void test_window_edges(void **state)
{
	static const char tail[] = "swap=1\\\r\n 2\r\nvmSwitch=\xF0\x9F\x98\x80x\r\n"
				   "kernel=a\\q\r\nmemory=3\r\n";

	(void)state;
	for (size_t pad = 4060; pad < 4110; pad++) {
		for (int k = 0; k < 2; k++) {
			enum ini_kind kind = k ? WC : INI_WSLCONF;
			struct buf f = BUF_INIT;
			struct ini_doc d = INI_DOC_INIT;
			const char *bad;

			buf_adds(&f, "[wsl2]\r\n#");
			while (f.len < pad)
				buf_addc(&f, 'p');
			buf_adds(&f, "\r\n");
			buf_adds(&f, tail);
			/* wsl.conf: the CR after the backslash is dropped, " 2" stops init. */
			reads_n(kind, f.s, f.len, "wsl2.swap", kind == WC ? "1 2" : "1");
			/* U+1F600 is D83D DE00 to the CRT: 8 bits each, and 00 ends it. */
			reads_n(kind, f.s, f.len, "wsl2.vmSwitch", kind == WC ? "=" : NULL);
			reads_n(kind, f.s, f.len, "wsl2.memory", kind == WC ? "3" : NULL);
			load_n(&d, kind, f.s, f.len);
			bad = strstr(f.s, "\\q");
			for (size_t i = 0; i < d.nlines; i++)
				if (d.lines[i].type == INI_INVALID && d.lines[i].error[0] == 'I' &&
				    strstr(d.lines[i].error, "escaped"))
					assert_int_equal(d.lines[i].errpos, (size_t)(bad - f.s));
			ini_release(&d);
			buf_release(&f);
		}
	}
}

/* WSL's combination warnings, in its words. */
static void test_lint_wsl_warnings(void **state)
{
	static const struct { enum ini_kind k; const char *file, *says; } cases[] = {
		{ WC, "[wsl2]\nnetworkingMode=mirrored\nlocalhostForwarding=true\n",
		  ":3:The wsl2.localhostForwarding setting has no effect when using mirrored "
		  "networking mode" },
		{ WC, "[wsl2]\nsafeMode=true\n", ":2:SAFE MODE ENABLED - many features will be disabled" },
		{ WC, "[wsl2]\nvirtio=false\nnetworkingMode=Consomme\n",
		  ":3:Consomme networking is not supported when wsl2.virtio is disabled; falling "
		  "back to networkingMode Nat." },
		{ WC, "[wsl2]\nvirtio9p=true\n",
		  ":2:wsl2.virtio9p is disabled, falling back to 9p with vsock transport." },
		{ WF, "[automount]\ncgroups=v1\n", ":2:Cgroup v1 is incompatible with "
		  "per-distribution cgroup isolation." },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct ini_doc d = INI_DOC_INIT;
		struct lint l = { NULL, 0 };
		const char *want = strchr(cases[i].says + 1, ':') + 1;
		unsigned line = (unsigned)atoi(cases[i].says + 1);
		bool found = false;

		load_str(&d, cases[i].k, cases[i].file);
		ini_lint(&d, &l);
		for (size_t j = 0; j < l.n; j++)
			found |= l.items[j].line == line && strstr(l.items[j].msg, want);
		if (!found)
			fail_msg("no '%s' on line %u for:\n%s", want, line, cases[i].file);
		lint_release(&l);
		ini_release(&d);
	}
}

#include "test-ini-gen.h"

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_header_fails_at_first_char),
		cmocka_unit_test(test_b_blanks_before_continuation),
		cmocka_unit_test(test_c_ctrl_z),
		cmocka_unit_test(test_d_invalid_utf8),
		cmocka_unit_test(test_e_odd_utf16),
		cmocka_unit_test(test_f_lone_cr),
		cmocka_unit_test(test_g_nul_ends_value),
		cmocka_unit_test(test_h_outside_bmp),
		cmocka_unit_test(test_i_utf16be),
		cmocka_unit_test(test_j_mangled_names),
		cmocka_unit_test(test_lone_backslash_wsl),
		cmocka_unit_test(test_crt_reads_in_pieces),
		cmocka_unit_test(test_window_edges),
		cmocka_unit_test(test_lint_wsl_warnings),
		cmocka_unit_test(test_generated_reads),
		cmocka_unit_test(test_generated_edits),
		cmocka_unit_test(test_real_configs),
	};

	return cmocka_run_group_tests_name("ini-wsl", tests, NULL, NULL);
}
