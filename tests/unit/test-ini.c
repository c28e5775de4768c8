/* SPDX-License-Identifier: MIT */
/*
 * test-ini.c - the reader against every rule of WSL's parser (reference
 * wsl-config-and-networking.md §1.1, §1.2) and the editor: golden edits,
 * byte-exact round trips and a generated-file property test.
 */
#include "helpers.h"
#include "conf/ini-edit.h"
#include "conf/ini-lint.h"

#include <stdio.h>
#include <stdlib.h>

#define WC INI_WSLCONFIG
#define WF INI_WSLCONF

static void reads_as(enum ini_kind k, const char *file, const char *key, const char *want)
{
	struct ini_doc d = INI_DOC_INIT;
	const char *got;

	load_str(&d, k, file);
	got = read_key(&d, key);
	if (!want)
		assert_null(got);
	else {
		assert_non_null(got);
		assert_string_equal(got, want);
	}
	ini_release(&d);
}

static size_t count_type(const struct ini_doc *d, enum ini_line_type t)
{
	size_t n = 0;

	for (size_t i = 0; i < d->nlines; i++)
		n += d->lines[i].type == t;
	return n;
}

/* §1.1 comment char: only '#'; ';' is not a comment. */
static void test_comments(void **state)
{
	struct ini_doc d = INI_DOC_INIT;

	(void)state;
	load_str(&d, WC, "# c\n; not a comment\n  # indented\n[wsl2]\nmemory=1GB\n");
	assert_int_equal(d.lines[0].type, INI_COMMENT);
	assert_int_equal(d.lines[1].type, INI_INVALID);
	assert_string_equal(d.lines[1].error, "Invalid key name");
	assert_int_equal(d.lines[2].type, INI_COMMENT);
	assert_string_equal(read_key(&d, "wsl2.memory"), "1GB");
	ini_release(&d);
}

/* §1.1 inline comments end a value unless quoted; '#' after a header too. */
static void test_inline_comments(void **state)
{
	(void)state;
	reads_as(WC, "[wsl2] # hdr\nvmSwitch=a b # c\n", "wsl2.vmSwitch", "a b");
	reads_as(WC, "[wsl2]\nvmSwitch=\"a # b\" # c\n", "wsl2.vmSwitch", "a # b");
	reads_as(WC, "[wsl2]\nvmSwitch=a#b\n", "wsl2.vmSwitch", "a");
}

/* §1.1 section headers. */
static void test_section_headers(void **state)
{
	static const char *const bad[] = {
		"[ wsl2 ]\n", "[wsl2.x]\n", "[wsl2]x\n", "[wsl-2]\n", "[wsl_2]\n",
		"[1wsl]\n", "[]\n", "[wsl2\n",
	};
	struct ini_doc d = INI_DOC_INIT;

	(void)state;
	load_str(&d, WC, "  [wsl2]  \n[Boot]\t# c\n");
	assert_int_equal(count_type(&d, INI_SECTION), 2);
	ini_release(&d);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		load_str(&d, WC, bad[i]);
		assert_int_equal(d.lines[0].type, INI_INVALID);
		assert_true(d.lines[0].bad_header);
		ini_release(&d);
	}
	load_str(&d, WC, "[wsl2\n");
	assert_string_equal(d.lines[0].error, "Expected ']'");
	ini_release(&d);
	load_str(&d, WC, "[wsl2]x\n");
	assert_string_equal(d.lines[0].error, "Expected ' ' or '\\n'");
	ini_release(&d);
}

/* §1.1 key names: a letter, then letters/digits; '_' or '-' -> Expected '='. */
static void test_key_names(void **state)
{
	struct ini_doc d = INI_DOC_INIT;

	(void)state;
	load_str(&d, WC, "[wsl2]\n_x=1\nmy_key=1\nmy-key=1\nkey1=v\nnoequals\n");
	assert_string_equal(d.lines[1].error, "Invalid key name");
	assert_string_equal(d.lines[2].error, "Expected '='");
	assert_string_equal(d.lines[3].error, "Expected '='");
	assert_int_equal(d.lines[4].type, INI_ENTRY);
	assert_string_equal(d.lines[5].error, "Expected '='");
	ini_release(&d);
}

/* §1.1 values: blanks around '=', trimming, '=' and ';' literal, empty. */
static void test_values(void **state)
{
	(void)state;
	reads_as(WC, "[wsl2]\nvmSwitch \t=\t  a b  \t\n", "wsl2.vmSwitch", "a b");
	reads_as(WC, "[wsl2]\nvmSwitch=a=b;c\n", "wsl2.vmSwitch", "a=b;c");
	reads_as(WC, "[wsl2]\nvmSwitch=\n", "wsl2.vmSwitch", "");
	reads_as(WC, "[wsl2]\nvmSwitch=   \n", "wsl2.vmSwitch", "");
	reads_as(WC, "[wsl2]\nvmSwitch=x", "wsl2.vmSwitch", "x");
}

/* §1.1 quotes toggle anywhere and are removed; single quotes are literal. */
static void test_quotes(void **state)
{
	struct ini_doc d = INI_DOC_INIT;

	(void)state;
	reads_as(WC, "[wsl2]\nvmSwitch=pre\"  in  \"post\n", "wsl2.vmSwitch", "pre  in  post");
	reads_as(WC, "[wsl2]\nvmSwitch=\"  edge  \"\n", "wsl2.vmSwitch", "  edge  ");
	reads_as(WC, "[wsl2]\nvmSwitch= a \"  \"  \n", "wsl2.vmSwitch", "a   ");
	reads_as(WC, "[wsl2]\nvmSwitch='a b'\n", "wsl2.vmSwitch", "'a b'");
	load_str(&d, WC, "[wsl2]\nvmSwitch=\"open\n");
	assert_string_equal(d.lines[1].error, "Expected '\"'");
	ini_release(&d);
}

/* §1.1 escapes, and the invalid ones that void the whole line. */
static void test_escapes(void **state)
{
	struct ini_doc d = INI_DOC_INIT;

	(void)state;
	reads_as(WC, "[wsl2]\nkernel=C:\\\\k\\\"x\\tq\\nz\\b\n", "wsl2.kernel",
		     "C:\\k\"x\tq\nz\b");
	load_str(&d, WC, "[wsl2]\nkernel=C:\\Users\nswap=1GB\n");
	assert_int_equal(d.lines[1].type, INI_INVALID);
	assert_string_equal(d.lines[1].error, "Invalid escaped character: 'U'");
	assert_null(read_key(&d, "wsl2.kernel"));
	assert_string_equal(read_key(&d, "wsl2.swap"), "1GB");
	ini_release(&d);
	load_str(&d, WC, "[wsl2]\nkernel=a\\#b\n");
	assert_int_equal(d.lines[1].type, INI_INVALID);
	ini_release(&d);
}

/* §1.1 backslash-newline continues; the next line's leading blanks stay. */
static void test_continuation(void **state)
{
	struct ini_doc d = INI_DOC_INIT;

	(void)state;
	load_str(&d, WF, "[boot]\ncommand=echo a\\\n   b # c\n[network]\nhostname=h\n");
	assert_string_equal(read_key(&d, "boot.command"), "echo a   b");
	assert_int_equal(d.lines[1].lineno, 2);
	assert_int_equal(d.lines[2].lineno, 4);
	ini_release(&d);
	/* .wslconfig: the CRT turns CRLF into LF first, so it continues. */
	reads_as(WC, "[wsl2]\r\nkernelCommandLine=a\\\r\n b\r\n", "wsl2.kernelCommandLine", "a b");
}

/* §1.1 CRLF on Linux: a value ends at CR; "\\\r\n" does not continue. */
static void test_crlf_wslconf(void **state)
{
	struct ini_doc d = INI_DOC_INIT;

	(void)state;
	reads_as(WF, "[boot]\r\nsystemd=true\r\n", "boot.systemd", "true");
	load_str(&d, WF, "[boot]\r\ncommand=echo a \\\r\n  b\r\n[network]\r\nhostname=h\r\n");
	/* The blank before the backslash stays: the trim point moves there (755-758). */
	assert_string_equal(read_key(&d, "boot.command"), "echo a ");
	assert_int_equal(d.stop, 2);
	assert_null(read_key(&d, "network.hostname"));
	ini_release(&d);
}

/* §1.1 case-insensitive names; keys outside a section never match. */
static void test_case_and_no_section(void **state)
{
	(void)state;
	reads_as(WC, "[WSL2]\nMemory=2GB\n", "wsl2.memory", "2GB");
	reads_as(WC, "memory=2GB\n[wsl2]\n", "wsl2.memory", NULL);
	reads_as(WC, "memory=2GB\n", "memory", "2GB");
}

/* §1.1 first occurrence wins, aliases count, an invalid first value still wins. */
static void test_duplicates_and_aliases(void **state)
{
	(void)state;
	reads_as(WC, "[wsl2]\nmemory=1GB\nmemory=2GB\n", "wsl2.memory", "1GB");
	reads_as(WC, "[experimental]\nnetworkingMode=mirrored\n[wsl2]\nnetworkingMode=nat\n",
		     "wsl2.networkingMode", "mirrored");
	reads_as(WC, "[wsl2]\nnetworkingMode=nat\n[experimental]\nnetworkingMode=mirrored\n",
		     "experimental.networkingMode", "nat");
	reads_as(WC, "[wsl2]\ndhcp=yes\ndhcp=false\n", "wsl2.dhcp", "yes");
	/* sparseVhd is [experimental]-only: under [wsl2] it is another key. */
	reads_as(WC, "[wsl2]\nsparseVhd=true\n", "experimental.sparseVhd", NULL);
}

/* §1.1 invalid lines: skipped in .wslconfig, the end of reading in wsl.conf. */
static void test_invalid_lines(void **state)
{
	struct ini_doc d = INI_DOC_INIT;
	const char *f = "[boot]\nsystemd=true\n;comment\n[network]\nhostname=h\n";

	(void)state;
	load_str(&d, WC, f);
	assert_int_equal(d.stop, -1);
	assert_string_equal(read_key(&d, "network.hostname"), "h");
	ini_release(&d);
	load_str(&d, WF, f);
	assert_int_equal(d.stop, 2);
	assert_string_equal(read_key(&d, "boot.systemd"), "true");
	assert_null(read_key(&d, "network.hostname"));
	assert_true(d.lines[3].ignored);
	ini_release(&d);
	/* A bad value never stops parsing. */
	load_str(&d, WF, "[boot]\nsystemd=maybe\n[network]\nhostname=h\n");
	assert_int_equal(d.stop, -1);
	assert_string_equal(read_key(&d, "network.hostname"), "h");
	ini_release(&d);
}

/* §1.1 after an invalid header, keys get mangled names. */
static void test_mangled_after_bad_header(void **state)
{
	struct ini_doc d = INI_DOC_INIT;

	(void)state;
	load_str(&d, WC, "[wsl2]\nc=3\n[experimental x]\nd=4\n[wsl2]\ne=5\n");
	assert_string_equal(d.lines[1].name, "wsl2.c");
	assert_string_equal(d.lines[3].name, "expe.d");
	assert_string_equal(d.lines[5].name, "wsl2.e");
	ini_release(&d);
	/* A bad header that keeps the old prefix leaves keys where they were. */
	reads_as(WC, "[wsl2]\n[wsl2 ]\nmemory=1GB\n", "wsl2.memory", "1GB");
}

/* §1.1 BOM: the Windows CRT strips it; Linux reads it as line-1 bytes. */
static void test_bom(void **state)
{
	struct ini_doc d = INI_DOC_INIT;
	const char *f = "\xEF\xBB\xBF[boot]\nsystemd=true\n";

	(void)state;
	load_str(&d, WC, "\xEF\xBB\xBF[wsl2]\nmemory=1GB\n");
	assert_int_equal(d.enc, ENC_UTF8_BOM);
	assert_string_equal(read_key(&d, "wsl2.memory"), "1GB");
	ini_release(&d);
	load_str(&d, WF, f);
	assert_int_equal(d.stop, 0);
	assert_string_equal(d.lines[0].error, "Invalid key name");
	assert_null(read_key(&d, "boot.systemd"));
	ini_release(&d);
}

/* §1.1 UTF-16LE with BOM is decoded for .wslconfig. */
static void test_utf16(void **state)
{
	const char *ascii = "[wsl2]\r\nmemory=4GB\r\n";
	char raw[64];
	size_t n = 2;
	struct ini_doc d = INI_DOC_INIT;

	(void)state;
	raw[0] = (char)0xFF;
	raw[1] = (char)0xFE;
	for (const char *p = ascii; *p; p++) {
		raw[n++] = *p;
		raw[n++] = 0;
	}
	assert_int_equal(ini_load(&d, WC, raw, n), 0);
	assert_int_equal(d.enc, ENC_UTF16LE);
	assert_string_equal(read_key(&d, "wsl2.memory"), "4GB");
	ini_release(&d);
	/* An odd byte count: the CRT reads whole units and drops the last byte (E). */
	raw[n++] = 'x';
	assert_int_equal(ini_load(&d, WC, raw, n), 0);
	assert_true(d.odd_byte);
	assert_string_equal(read_key(&d, "wsl2.memory"), "4GB");
	ini_release(&d);
}

/* §1.1 non-ASCII: WSL keeps 8 bits of each character of a .wslconfig. */
static void test_non_ascii(void **state)
{
	(void)state;
	reads_as(WC, "[wsl2]\nvmSwitch=Caf\xC3\xA9\n", "wsl2.vmSwitch", "Caf\xE9");
	reads_as(WF, "[user]\ndefault=j\xC3\xB6rg\n", "user.default", "j\xC3\xB6rg");
}

/* §2 a wsl.conf ending in a lone backslash makes init throw (.wslconfig: test-ini-wsl). */
static void test_lone_backslash(void **state)
{
	struct ini_doc d = INI_DOC_INIT;
	struct lint l = { NULL, 0 };

	(void)state;
	load_str(&d, WF, "[boot]\ncommand=abc\\");
	assert_true(d.lone_backslash);
	ini_lint(&d, &l);
	assert_int_equal(lint_worst(&l), LINT_FATAL);
	lint_release(&l);
	ini_release(&d);
}

/* --- editor --------------------------------------------------------- */

static int do_set(enum ini_kind k, const char *in, const char *key, const char *val,
		  unsigned flags, struct buf *out)
{
	struct ini_doc d = INI_DOC_INIT;
	char *why = NULL;
	int r;

	load_str(&d, k, in);
	r = val ? ini_edit_set(&d, key, val, strlen(val), flags, out, NULL, &why)
		: ini_edit_unset(&d, key, flags, out, NULL, &why);
	free(why);
	ini_release(&d);
	return r;
}

static void expect_edit(enum ini_kind k, const char *in, const char *key, const char *val,
			const char *want)
{
	struct buf out = BUF_INIT;

	assert_int_equal(do_set(k, in, key, val, 0, &out), 0);
	assert_string_equal(out.s, want);
	buf_release(&out);
}

static void test_set_replace_in_place(void **state)
{
	(void)state;
	/* Only the value bytes move: spacing, case, comment, CRLF stay. */
	expect_edit(WC, "# top\r\n[WSL2]\r\n  Memory =  8GB   # half\r\nswap=0\r\n",
		    "wsl2.memory", "4GB",
		    "# top\r\n[WSL2]\r\n  Memory =  4GB   # half\r\nswap=0\r\n");
	/* The occurrence WSL reads is edited, even under [experimental]. */
	expect_edit(WC, "[experimental]\nnetworkingMode=nat\n[wsl2]\nnetworkingMode=mirrored\n",
		    "wsl2.networkingMode", "bridged",
		    "[experimental]\nnetworkingMode=bridged\n[wsl2]\nnetworkingMode=mirrored\n");
	/* A continued value collapses to one line. */
	expect_edit(WF, "[boot]\ncommand=a\\\n  b # c\n", "boot.command", "x",
		    "[boot]\ncommand=x # c\n");
	/* An empty value right before a comment gets a gap. */
	expect_edit(WC, "[wsl2]\nvmSwitch=# c\n", "wsl2.vmSwitch", "S",
		    "[wsl2]\nvmSwitch=S # c\n");
	/* No final newline stays that way. */
	expect_edit(WC, "[wsl2]\nmemory=1GB", "wsl2.memory", "2GB", "[wsl2]\nmemory=2GB");
}

static void test_set_insert(void **state)
{
	(void)state;
	/* After the last key of the first matching section, in its style. */
	expect_edit(WC, "[wsl2]\r\n  memory = 1GB\r\n\r\n# next\r\n[experimental]\r\n",
		    "wsl2.swap", "0",
		    "[wsl2]\r\n  memory = 1GB\r\n  swap = 0\r\n\r\n# next\r\n[experimental]\r\n");
	expect_edit(WC, "[wsl2]\n[general]\n", "wsl2.swap", "0", "[wsl2]\nswap=0\n[general]\n");
	expect_edit(WC, "[wsl2]", "wsl2.swap", "0", "[wsl2]\r\nswap=0");
	/* New section at the end, after a blank line. */
	expect_edit(WF, "[boot]\nsystemd=true\n", "network.generateResolvConf", "false",
		    "[boot]\nsystemd=true\n\n[network]\ngenerateResolvConf=false\n");
	expect_edit(WC, "", "wsl2.memory", "1GB", "[wsl2]\r\nmemory=1GB\r\n");
	expect_edit(WC, "# only", "wsl2.memory", "1GB", "# only\r\n\r\n[wsl2]\r\nmemory=1GB");
	/* A value continued onto EOF must not swallow the new line. */
	expect_edit(WC, "[wsl2]\nkernelCommandLine=abc\\\n", "wsl2.memory", "1GB",
		    "[wsl2]\nkernelCommandLine=abc\\\n\nmemory=1GB\n");
	/*
	 * A lone backslash at EOF: WSL on Windows warns and skips that line, so
	 * it stays as it is (a newline would make WSL read it); the key goes
	 * after the header.  wsl.conf (init throws) gets its newline first.
	 */
	expect_edit(WC, "[wsl2]\nkernelCommandLine=abc\\", "wsl2.memory", "1GB",
		    "[wsl2]\nmemory=1GB\nkernelCommandLine=abc\\");
	expect_edit(WF, "[boot]\ncommand=abc\\", "boot.systemd", "true",
		    "[boot]\ncommand=abc\\\n\nsystemd=true\n");
	/* Found by fuzzing: a .wslconfig that is only a UTF-16LE BOM. */
	{
		struct ini_doc d = INI_DOC_INIT;
		struct buf out = BUF_INIT;
		char *why = NULL;

		assert_int_equal(ini_load(&d, WC, "\xFF\xFE", 2), 0);
		assert_int_equal(ini_edit_set(&d, "wsl2.memory", "1GB", 3, 0, &out, NULL, &why), 0);
		assert_memory_equal(out.s, "\xFF\xFE[\0w\0s\0l\0" "2\0]\0\r\0\n\0", 18);
		free(why);
		buf_release(&out);
		ini_release(&d);
	}
	/* An absent alias key goes under its first name. */
	expect_edit(WC, "[experimental]\nsparseVhd=true\n", "wsl2.networkingMode", "Bridged",
		    "[experimental]\nsparseVhd=true\n\n[wsl2]\nnetworkingMode=Bridged\n");
}

static void test_set_quoting(void **state)
{
	(void)state;
	expect_edit(WC, "[wsl2]\n", "wsl2.vmSwitch", "a # b", "[wsl2]\nvmSwitch=\"a # b\"\n");
	expect_edit(WC, "[wsl2]\n", "wsl2.vmSwitch", " lead", "[wsl2]\nvmSwitch=\" lead\"\n");
	expect_edit(WC, "[wsl2]\n", "wsl2.vmSwitch", "q\"uote", "[wsl2]\nvmSwitch=q\\\"uote\n");
	expect_edit(WC, "[wsl2]\n", "wsl2.kernel", "C:\\k\\", "[wsl2]\nkernel=C:\\\\k\\\\\n");
	expect_edit(WF, "[boot]\n", "boot.command", "a\nb\tc", "[boot]\ncommand=a\\nb\tc\n");
}

static void test_set_same_is_noop(void **state)
{
	struct buf out = BUF_INIT;

	(void)state;
	assert_int_equal(do_set(WC, "[wsl2]\nvmSwitch=\"S\"\n", "wsl2.vmSwitch", "S", 0, &out), 1);
	buf_release(&out);
}

static void test_unset(void **state)
{
	struct buf out = BUF_INIT;

	(void)state;
	/* Every occurrence WSL would read goes; a trailing comment stays. */
	expect_edit(WC, "[wsl2]\nmemory=1GB # mine\nswap=0\nmemory=2GB\n[experimental]\n",
		    "wsl2.memory", NULL, "[wsl2]\n# mine\nswap=0\n[experimental]\n");
	expect_edit(WC, "[experimental]\nnetworkingMode=nat\n[wsl2]\nnetworkingMode=nat\n",
		    "wsl2.networkingMode", NULL, "[experimental]\n[wsl2]\n");
	expect_edit(WC, "[wsl2]\nswap=0\nmemory=1GB", "wsl2.memory", NULL, "[wsl2]\nswap=0");
	assert_int_equal(do_set(WC, "[wsl2]\n", "wsl2.memory", NULL, 0, &out), 1);
	buf_release(&out);
}

/* INI_DROP_EMPTY (vpn remove): a section left empty goes, with the blank line before it. */
static void test_unset_drop_empty(void **state)
{
	struct buf out = BUF_INIT;
	const char *added = "# mine\n[boot]\ncommand=x\n\n[network]\ngenerateResolvConf = false\n";

	(void)state;
	assert_int_equal(do_set(WF, added, "network.generateResolvConf", NULL, INI_DROP_EMPTY, &out), 0);
	assert_string_equal(out.s, "# mine\n[boot]\ncommand=x\n");
	/* what the user added after it stays */
	assert_int_equal(do_set(WF, "[boot]\ncommand=x\n\n[network]\ngenerateResolvConf = false\n[user]\n"
				"default=a\n", "network.generateResolvConf", NULL, INI_DROP_EMPTY, &out), 0);
	assert_string_equal(out.s, "[boot]\ncommand=x\n[user]\ndefault=a\n");
	/* a section with anything else in it stays */
	assert_int_equal(do_set(WF, "[network]\ngenerateResolvConf = false\nhostname=h\n",
				"network.generateResolvConf", NULL, INI_DROP_EMPTY, &out), 0);
	assert_string_equal(out.s, "[network]\nhostname=h\n");
	assert_int_equal(do_set(WF, "[network]\n# mine\ngenerateResolvConf = false\n",
				"network.generateResolvConf", NULL, INI_DROP_EMPTY, &out), 0);
	assert_string_equal(out.s, "[network]\n# mine\n");
	/* without the flag, the header stays */
	assert_int_equal(do_set(WF, added, "network.generateResolvConf", NULL, 0, &out), 0);
	assert_string_equal(out.s, "# mine\n[boot]\ncommand=x\n\n[network]\n");
	buf_release(&out);
}

static void test_wslconf_hazards(void **state)
{
	struct buf out = BUF_INIT;
	const char *stop = "[boot]\nsystemd=true\n;bad\n[network]\nhostname=h\n";

	(void)state;
	/* A BOM hides everything: refuse, or drop it with INI_FIX. */
	assert_int_equal(do_set(WF, "\xEF\xBB\xBF[boot]\n", "boot.systemd", "true", 0, &out), -EBADMSG);
	assert_int_equal(do_set(WF, "\xEF\xBB\xBF[boot]\n", "boot.systemd", "true", INI_FIX, &out), 0);
	assert_string_equal(out.s, "[boot]\nsystemd=true\n");
	/* Setting a key hidden behind the stop line: refuse, or fix. */
	assert_int_equal(do_set(WF, stop, "network.generateHosts", "false", 0, &out), -EBADMSG);
	assert_int_equal(do_set(WF, stop, "network.generateHosts", "false", INI_FIX, &out), 0);
	assert_string_equal(out.s, "[boot]\nsystemd=true\n# ;bad\n[network]\nhostname=h\n"
			    "generateHosts=false\n");
	/* Before the stop line the edit is seen: allowed. */
	assert_int_equal(do_set(WF, stop, "boot.command", "x", 0, &out), 0);
	assert_string_equal(out.s, "[boot]\nsystemd=true\ncommand=x\n;bad\n[network]\nhostname=h\n");
	buf_release(&out);
}

/* --- round trip and properties -------------------------------------- */

static void test_roundtrip(void **state)
{
#define F(s) { s, sizeof(s) - 1 }
	static const struct { const char *s; size_t len; } files[] = {
		F(""), F("\n"), F("[wsl2]"), F("\xEF\xBB\xBF[wsl2]\r\nmemory=1GB\r\n"),
		F("\xFF\xFE[\0w\0]\0\n\0"), F("# c\n;bad\n[x y]\n\tk = \"v # \" # c\r\n\\\n"),
		F("[boot]\ncommand=a\\\n b\n"), F("\x80\xFF\x00\x01 junk\r\r\n"),
		F("\xFF\xFE\x3D\xD8\x00\xDE=\0"),
	};
#undef F

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		for (int k = 0; k < 2; k++) {
			struct ini_doc d = INI_DOC_INIT;
			struct buf out = BUF_INIT;

			assert_int_equal(ini_load(&d, (enum ini_kind)k, files[i].s, files[i].len), 0);
			assert_int_equal(ini_encode(&d, d.text.s ? d.text.s : "", d.text.len, &out), 0);
			assert_int_equal(out.len, files[i].len);
			assert_memory_equal(out.s, files[i].s, files[i].len);
			buf_release(&out);
			ini_release(&d);
		}
	}
}

/* xorshift: a fixed, reproducible stream for the generated files. */
static uint32_t rng_state = 2463534242u;
static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state % n;
}

static const char *const gen_keys[] = {
	"memory", "swap", "vmSwitch", "kernel", "networkingMode", "dhcp", "Memory", "odd1",
};
static const char *const gen_sections[] = { "wsl2", "experimental", "general", "WSL2", "boot" };
static const char *const gen_values[] = {
	"1GB", "x", "\"a # b\"", "  spaced  ", "q\\\"q", "", "C:\\\\k", "nat", "1 # c",
};

static void gen_file(struct buf *b)
{
	const char *nl = rnd(2) ? "\r\n" : "\n";
	uint32_t n = 1 + rnd(14);

	buf_reset(b);
	for (uint32_t i = 0; i < n; i++) {
		switch (rnd(8)) {
		case 0: buf_addf(b, "# comment %u%s", i, nl); break;
		case 1: buf_adds(b, nl); break;
		case 2: case 3:
			buf_addf(b, "[%s]%s", gen_sections[rnd(5)], nl);
			break;
		case 4: buf_addf(b, ";junk %u%s", i, nl); break;
		default:
			buf_addf(b, "%s%s%s%s%s", rnd(3) ? "" : "  ", gen_keys[rnd(8)],
				 rnd(2) ? " = " : "=", gen_values[rnd(9)], nl);
		}
	}
	if (rnd(4) == 0 && b->len)
		b->len -= strlen(nl), b->s[b->len] = '\0';
}

/*
 * After set K V: WSL reads V for K, every other key as before, and the bytes
 * before and after K's line (or the insertion point) are untouched.
 */
static void check_property(const struct buf *in, const char *key, const char *val)
{
	struct ini_doc d = INI_DOC_INIT, after = INI_DOC_INIT;
	struct buf out = BUF_INIT;
	char *why = NULL;
	long at;
	size_t pre = 0, suf = 0;
	int r;

	assert_int_equal(ini_load(&d, WC, in->s, in->len), 0);
	at = ini_find(&d, key);
	r = ini_edit_set(&d, key, val, strlen(val), 0, &out, NULL, &why);
	if (r == 1) {
		assert_string_equal(read_key(&d, key), val);
		goto done;
	}
	if (r != 0)
		fail_msg("set %s=%s failed (%d: %s) on:\n%s", key, val, r, why, in->s);
	assert_int_equal(ini_load(&after, WC, out.s, out.len), 0);
	assert_string_equal(read_key(&after, key), val);
	for (size_t i = 0; i < d.nlines; i++) {
		const struct ini_line *l = &d.lines[i];

		if (l->type == INI_ENTRY && ini_find(&d, l->name) == (long)i &&
		    !keys_same(WC, l->name, key))
			assert_string_equal(read_key(&after, l->name), l->value);
	}
	while (pre < in->len && pre < out.len && in->s[pre] == out.s[pre])
		pre++;
	while (suf < in->len - pre && suf < out.len - pre &&
	       in->s[in->len - 1 - suf] == out.s[out.len - 1 - suf])
		suf++;
	if (at >= 0) {	/* only bytes inside K's line changed */
		assert_true(pre >= d.lines[at].begin);
		assert_true(in->len - suf <= d.lines[at].end);
	} else {	/* a pure insertion: no old byte changed */
		assert_true(pre + suf >= in->len ||
			    (in->len - suf - pre <= 2 && in->s[pre] != '['));
	}
done:
	free(why);
	buf_release(&out);
	ini_release(&after);
	ini_release(&d);
}

static void test_property_generated(void **state)
{
	static const char *const keys[] = {
		"wsl2.memory", "wsl2.vmSwitch", "wsl2.networkingMode", "experimental.sparseVhd",
		"wsl2.kernel", "general.instanceIdleTimeout",
	};
	static const char *const vals[] = { "2GB", "My Switch #2", "  x", "a\"b\\c", "", "5" };
	struct buf in = BUF_INIT;

	(void)state;
	for (int i = 0; i < 3000; i++) {
		gen_file(&in);
		check_property(&in, keys[rnd(6)], vals[rnd(6)]);
	}
	buf_release(&in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_inline_comments),
		cmocka_unit_test(test_section_headers),
		cmocka_unit_test(test_key_names),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_continuation),
		cmocka_unit_test(test_crlf_wslconf),
		cmocka_unit_test(test_case_and_no_section),
		cmocka_unit_test(test_duplicates_and_aliases),
		cmocka_unit_test(test_invalid_lines),
		cmocka_unit_test(test_mangled_after_bad_header),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_utf16),
		cmocka_unit_test(test_non_ascii),
		cmocka_unit_test(test_lone_backslash),
		cmocka_unit_test(test_set_replace_in_place),
		cmocka_unit_test(test_set_insert),
		cmocka_unit_test(test_set_quoting),
		cmocka_unit_test(test_set_same_is_noop),
		cmocka_unit_test(test_unset),
		cmocka_unit_test(test_unset_drop_empty),
		cmocka_unit_test(test_wslconf_hazards),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_property_generated),
	};

	return cmocka_run_group_tests_name("ini", tests, NULL, NULL);
}
