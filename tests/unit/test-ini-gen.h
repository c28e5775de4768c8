/* SPDX-License-Identifier: MIT */
/*
 * test-ini-gen.h - generated files with every trigger of issue 18, for
 * test-ini-wsl.c: the reader must agree with the model of WSL's parser on
 * every key, and each edit must leave a file the model reads as asked
 * (or be refused with a reason, the file untouched).
 */
#include "base/textcodec.h"

static uint32_t gen_state = 0x18181818u;

static uint32_t grnd(uint32_t n)
{
	gen_state ^= gen_state << 13;
	gen_state ^= gen_state >> 17;
	gen_state ^= gen_state << 5;
	return gen_state % n;
}

#define PICK(a) (a)[grnd(sizeof(a) / sizeof(*(a)))]

static const char *const g_heads[] = {
	"[wsl2]", "[experimental]", "[boot]", "[network]", "[WSL2]", "[ x]", "[ab x]",
	"[wsl2 ]", "[experimental x]", "[ experimental ]", "[wsl2]x", "[wsl2] # c",
};
static const char *const g_keys[] = {
	"memory", "swap", "vmSwitch", "networkingMode", "kernelCommandLine", "sparseVhd",
	"systemd", "command", "hostname", "c", "Memory",
};
/* Values with the triggers: NUL and 8-bit cuts, bad UTF-8, CR, continuations. */
static const char *const g_vals[] = {
	"1GB", "x", "\"a # b\"", "  sp  ", "q\\\"q", "", "a \\", "v\xe9 w", "A\xc4\x80" "B",
	"A\xe4\xb8\x80" "B", "x\xf0\x9f\x98\x81y", "a\\\rb", "1 # c\rnext=1", "n\\ul",
	"mirrored", "e\x1a" "f", "t\x80", "\"open", "bad\\q", "p\xc3", "u\xe3\x80\x80v",
};
static const char *const g_nls[] = { "\n", "\r\n", "\r", "\n", "\r\n" };

static void gen_text(struct buf *b)
{
	uint32_t n = 1 + grnd(12);
	const char *nl = PICK(g_nls);

	buf_reset(b);
	for (uint32_t i = 0; i < n; i++) {
		if (grnd(6) == 0)
			nl = PICK(g_nls);
		switch (grnd(9)) {
		case 0: buf_addf(b, "# comment %u%s", i, grnd(4) ? "" : "\rx=1"); break;
		case 1: break;
		case 2: case 3: buf_adds(b, PICK(g_heads)); break;
		case 4: buf_adds(b, grnd(2) ? ";junk" : "bad line"); break;
		default:
			buf_addf(b, "%s%s%s%s", grnd(3) ? "" : "  ", PICK(g_keys),
				 grnd(2) ? " = " : "=", PICK(g_vals));
			if (grnd(10) == 0)
				buf_add(b, "\0z", 2);	/* a NUL byte */
		}
		buf_adds(b, nl);
	}
	if (grnd(5) == 0 && b->len)
		b->len -= strlen(nl);	/* no final newline */
	if (grnd(12) == 0)
		buf_addc(b, '\\');	/* the lone backslash */
}

/* The bytes of a file: UTF-8 mostly, else with a BOM, UTF-16LE (odd too), UTF-16BE. */
static void gen_file_bytes(enum ini_kind k, struct buf *out)
{
	struct buf t = BUF_INIT, u = BUF_INIT;
	uint32_t e = grnd(20);

	gen_text(&t);
	buf_reset(out);
	if (e == 0) {
		buf_add(out, "\xEF\xBB\xBF", 3);
	} else if (e <= 3 && wtf8_to_utf16le((const unsigned char *)t.s, t.len, &u) == 0) {
		buf_add(out, "\xFF\xFE", 2);
		buf_add(out, u.s, u.len);
		if (e == 3)
			buf_addc(out, 'Q');	/* odd byte count */
		goto done;
	} else if (e == 4 && k == INI_WSLCONFIG) {
		buf_add(out, "\xFE\xFF", 2);
	}
	buf_add(out, t.s, t.len);
done:
	buf_release(&t);
	buf_release(&u);
}

/* Every key either side reads must read the same on the other side. */
static void compare_reads(enum ini_kind k, const struct buf *f)
{
	struct ini_doc d = INI_DOC_INIT;
	struct model m;

	assert_int_equal(ini_load(&d, k, f->s, f->len), 0);
	model_of_bytes(k, f->s, f->len, &m);
	if (m.threw)
		assert_true(d.lone_backslash);
	for (size_t i = 0; !m.threw && i < m.n; i++) {
		const char *got = ini_value(&d, m.name[i]);

		if (!got || strcmp(got, m.value[i]))
			fail_msg("'%s': WSL reads '%s', wslbridge '%s'", m.name[i], m.value[i],
				 got ? got : "(nothing)");
	}
	for (size_t i = 0; !m.threw && i < d.nlines; i++) {
		const struct ini_line *l = &d.lines[i];

		if (l->type == INI_ENTRY && !l->ignored && !model_value(&m, k, l->name))
			fail_msg("wslbridge reads '%s' on line %u, WSL does not", l->name, l->lineno);
	}
	model_free(&m);
	ini_release(&d);
}

static void test_generated_reads(void **state)
{
	struct buf f = BUF_INIT;

	(void)state;
	for (int i = 0; i < 12000; i++) {
		enum ini_kind k = i % 3 ? INI_WSLCONFIG : INI_WSLCONF;

		gen_file_bytes(k, &f);
		compare_reads(k, &f);
	}
	buf_release(&f);
}

/* A file's bytes, escaped, for a failure message. */
static const char *shown(const char *s, size_t n)
{
	static struct buf b;

	buf_reset(&b);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\\')
			buf_adds(&b, "\\\\");
		else if (c >= 0x20 && c < 0x7f)
			buf_addc(&b, (char)c);
		else
			buf_addf(&b, "\\x%02x", c);
	}
	return b.s ? b.s : "";
}

static const struct buf *g_in, *g_out;

#define edit_fail(...) do { \
	fprintf(stderr, "#  in: %s\n", shown(g_in->s, g_in->len)); \
	fprintf(stderr, "# out: %s\n", shown(g_out->s, g_out->len)); \
	fail_msg(__VA_ARGS__); } while (0)

/* The model's reading of b equals a's, except for key. */
static void same_others(enum ini_kind k, const struct model *a, const struct model *b,
			const char *key)
{
	for (size_t i = 0; i < a->n; i++) {
		const char *v = model_value(b, k, a->name[i]);

		if (!keys_same(k, a->name[i], key) && (!v || strcmp(v, a->value[i])))
			edit_fail("the edit of %s changed how WSL reads %s", key, a->name[i]);
	}
	for (size_t i = 0; i < b->n; i++)
		if (!keys_same(k, b->name[i], key) && !model_value(a, k, b->name[i]))
			edit_fail("the edit of %s made WSL read %s", key, b->name[i]);
}

static int edit_checked(enum ini_kind k, const struct buf *f, const char *key, const char *val)
{
	struct ini_doc d = INI_DOC_INIT;
	struct buf out = BUF_INIT;
	struct model before, after;
	char *why = NULL;
	int r;

	assert_int_equal(ini_load(&d, k, f->s, f->len), 0);
	r = val ? ini_edit_set(&d, key, val, strlen(val), 0, &out, NULL, &why)
		: ini_edit_unset(&d, key, 0, &out, NULL, &why);
	model_of_bytes(k, f->s, f->len, &before);
	if (r == 0) {
		const char *v;

		model_of_bytes(k, out.s, out.len, &after);
		v = model_value(&after, k, key);
		g_in = f;
		g_out = &out;
		if (val ? !v || strcmp(v, val) : v != NULL)
			edit_fail("%s %s reported success, but WSL reads %s", val ? "set" : "unset",
				 key, v ? v : "nothing");
		if (!before.threw)
			same_others(k, &before, &after, key);
		model_free(&after);
	} else if (r == 1) {
		const char *v = model_value(&before, k, key);

		assert_true(val ? v && !strcmp(v, val) : !v);
	} else {
		assert_non_null(why);
		if (getenv("GEN_WHY"))
			fprintf(stderr, "WHY %d %s\n  IN %s %s=%s\n", r, why, shown(f->s, f->len), key, val ? val : "(unset)");
		assert_true(r == -EBADMSG || r == -EPROTO || r == -EILSEQ);
	}
	model_free(&before);
	free(why);
	buf_release(&out);
	ini_release(&d);
	return r;
}

static void test_generated_edits(void **state)
{
	static const char *const wc_keys[] = {
		"wsl2.memory", "wsl2.vmSwitch", "wsl2.networkingMode", "experimental.sparseVhd",
		"wsl2.kernelCommandLine", "wsl2.swap",
	};
	static const char *const wf_keys[] = { "boot.command", "boot.systemd", "network.hostname" };
	static const char *const vals[] = { "2GB", "My Switch #2", "  x", "a\"b\\c", "", "5", "Nat" };
	struct buf f = BUF_INIT;
	int refused = 0, n = 8000;

	(void)state;
	for (int i = 0; i < n; i++) {
		enum ini_kind k = i % 3 ? INI_WSLCONFIG : INI_WSLCONF;
		const char *key = k == INI_WSLCONFIG ? PICK(wc_keys) : PICK(wf_keys);

		gen_file_bytes(k, &f);
		refused += edit_checked(k, &f, key, grnd(4) ? PICK(vals) : NULL) < 0;
	}
	printf("# %d of %d generated edits refused with a reason\n", refused, n);
	buf_release(&f);
}

/*
 * Real users' files (tests/fixtures/real-configs/README.md): the reader
 * agrees with the model on each, and unsetting or changing each key it
 * reads, or adding one, leaves a file the model reads as asked.
 */
static void test_real_configs(void **state)
{
	const char *dir = getenv("WSLBRIDGE_REAL_CONFIGS");
	char *index;
	int files = 0, edits = 0;

	(void)state;
	dir = dir ? dir : "/work/shared/data/real-configs";
	index = xasprintf("%s/INDEX.md", dir);
	if (access(index, R_OK) != 0) {
		free(index);
		if (getenv("CI") && !strcmp(getenv("CI"), "true"))
			fail_msg("real users' files not found at %s", dir);
		printf("# real users' files not found at %s: skipped\n", dir);
		skip();
	}
	free(index);
	for (int i = 1; i < 1000; i++) {
		for (int k = 0; k < 2; k++) {
			char *p = xasprintf("%s/%d.%s", dir, i, k ? "wsl.conf" : "wslconfig");
			enum ini_kind kind = k ? INI_WSLCONF : INI_WSLCONFIG;
			struct buf f = BUF_INIT;
			struct model m;

			if (read_file(p, &f, NULL) == 0) {
				struct ini_doc d = INI_DOC_INIT;
				/* Only where WSL stops reading may an edit be refused. */
				int least;

				assert_int_equal(ini_load(&d, kind, f.s, f.len), 0);
				least = d.stop >= 0 ? -EBADMSG : 0;
				ini_release(&d);
				files++;
				compare_reads(kind, &f);
				model_of_bytes(kind, f.s, f.len, &m);
				for (size_t j = 0; j < m.n; j++) {
					edits += 2;
					assert_true(edit_checked(kind, &f, m.name[j], NULL) >= least);
					assert_true(edit_checked(kind, &f, m.name[j], "x y") >= least);
				}
				edits++;
				assert_true(edit_checked(kind, &f, kind ? "boot.command" :
							 "wsl2.swap", "0") >= least);
				model_free(&m);
			}
			buf_release(&f);
			free(p);
		}
	}
	printf("# %d real files, %d edits checked against the model\n", files, edits);
	assert_int_equal(files, 61);
}
