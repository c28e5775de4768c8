/* SPDX-License-Identifier: MIT */
/*
 * test-json.c - the JSON writer: layout, every escape RFC 8259 requires,
 * invalid UTF-8 replaced byte by byte, numbers, and misuse refused.
 */
#include "helpers.h"
#include "base/json-read.h"
#include "base/json-write.h"

#include <math.h>

/* s (n bytes) as one JSON string value, without the newline. */
static char *escaped(const char *s, size_t n)
{
	struct buf b = BUF_INIT;

	json_escape(&b, s, n);
	return buf_detach(&b, NULL);
}

static void expect_escape(const char *in, size_t n, const char *want)
{
	char *got = escaped(in, n);

	assert_string_equal(got, want);
	free(got);
}

static void test_escapes(void **state)
{
	(void)state;
	expect_escape("plain", 5, "\"plain\"");
	expect_escape("q\"b\\s/", 6, "\"q\\\"b\\\\s/\"");
	expect_escape("\b\f\n\r\t", 5, "\"\\b\\f\\n\\r\\t\"");
	expect_escape("\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"");
	expect_escape("a\0b", 3, "\"a\\u0000b\"");
	/* well-formed UTF-8 passes through: 2, 3 and 4 bytes */
	expect_escape("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9, "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
	expect_escape("\xe2\x80\xa8\xe2\x80\xa9", 6, "\"\\u2028\\u2029\"");
	/* each invalid byte becomes one U+FFFD: a lone continuation, a truncated
	 * sequence, overlong forms, a surrogate, above U+10FFFF, 0xFF */
	expect_escape("\x80", 1, "\"\\ufffd\"");
	expect_escape("a\xc3", 2, "\"a\\ufffd\"");
	expect_escape("\xc0\xaf", 2, "\"\\ufffd\\ufffd\"");
	expect_escape("\xe0\x80\xaf", 3, "\"\\ufffd\\ufffd\\ufffd\"");
	expect_escape("\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"");
	expect_escape("\xf4\x90\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	expect_escape("\xff" "x", 2, "\"\\ufffdx\"");
	expect_escape("\xe2\x82" "x", 3, "\"\\ufffd\\ufffdx\"");
}

static void test_document(void **state)
{
	struct json_writer w;

	(void)state;
	json_init(&w);
	json_object_begin(&w);
	json_kstring(&w, "name", "doctor");
	json_kint(&w, "n", -42);
	json_kbool(&w, "ok", false);
	json_key(&w, "none");
	json_null(&w);
	json_kstring(&w, "missing", NULL);
	json_key(&w, "list");
	json_array_begin(&w);
	json_int(&w, 1);
	json_double(&w, 0.5);
	json_double(&w, 0.1);
	json_double(&w, NAN);
	json_object_begin(&w);
	json_object_end(&w);
	json_array_begin(&w);
	json_array_end(&w);
	json_array_end(&w);
	json_object_end(&w);
	assert_int_equal(json_finish(&w), 0);
	assert_string_equal(w.out.s, "{\n  \"name\": \"doctor\",\n  \"n\": -42,\n  \"ok\": false,\n"
			    "  \"none\": null,\n  \"missing\": null,\n  \"list\": [\n    1,\n    0.5,\n    0.1,\n"
			    "    null,\n    {},\n    []\n  ]\n}\n");
	json_release(&w);
}

/* run(w): a sequence of calls that does not make one JSON value. */
static void expect_refused(void (*run)(struct json_writer *w))
{
	struct json_writer w;

	json_init(&w);
	run(&w);
	assert_int_equal(json_finish(&w), -EINVAL);
	assert_null(w.out.s);
	json_release(&w);
}

static void value_without_key(struct json_writer *w) { json_object_begin(w); json_int(w, 1); json_object_end(w); }
static void key_in_array(struct json_writer *w) { json_array_begin(w); json_key(w, "k"); json_int(w, 1); json_array_end(w); }
static void key_without_value(struct json_writer *w) { json_object_begin(w); json_key(w, "k"); json_object_end(w); }
static void unclosed(struct json_writer *w) { json_array_begin(w); }
static void wrong_close(struct json_writer *w) { json_array_begin(w); json_object_end(w); }
static void two_values(struct json_writer *w) { json_int(w, 1); json_int(w, 2); }
static void nothing(struct json_writer *w) { (void)w; }

static void too_deep(struct json_writer *w)
{
	for (int i = 0; i <= JSON_MAX_DEPTH; i++)
		json_array_begin(w);
	for (int i = 0; i <= JSON_MAX_DEPTH; i++)
		json_array_end(w);
}

static void test_misuse(void **state)
{
	(void)state;
	expect_refused(value_without_key);
	expect_refused(key_in_array);
	expect_refused(key_without_value);
	expect_refused(unclosed);
	expect_refused(wrong_close);
	expect_refused(two_values);
	expect_refused(nothing);
	expect_refused(too_deep);
}

static void test_scalars(void **state)
{
	struct json_writer w;

	(void)state;
	json_init(&w);
	json_string_n(&w, "a\"b", 3);
	assert_int_equal(json_finish(&w), 0);
	assert_string_equal(w.out.s, "\"a\\\"b\"\n");
	json_release(&w);
	json_init(&w);
	json_double(&w, INFINITY);
	assert_int_equal(json_finish(&w), 0);
	assert_string_equal(w.out.s, "null\n");
	json_release(&w);
}

static void test_print(void **state)
{
	struct json_writer w;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(f);
	json_init(&w);
	json_array_begin(&w);
	json_bool(&w, true);
	json_array_end(&w);
	assert_int_equal(json_print(&w, f), 0);
	json_init(&w);
	json_array_begin(&w);
	assert_int_equal(json_print(&w, f), -EINVAL);	/* unbalanced: nothing written */
	fclose(f);
	assert_string_equal(text, "[\n  true\n]\n");
	free(text);
}

/* The strict reader: what it takes, and what it refuses with where and why. */
static void test_read(void **state)
{
	static const char *const bad[][2] = {
		{ "{\"a\":1,}", "line 1, column 8: expected a member name" },
		{ "[1,2", "expected ',' or ']'" },
		{ "{\"a\":1,\"a\":2}", "a member name given twice" },
		{ "\"\\u0000\"", "NUL" },
		{ "\"\\ud800\"", "high surrogate" },
		{ "\"\xc3\x28\"", "not UTF-8" },
		{ "\"\xed\xa0\x80\"", "not UTF-8" },	/* an encoded surrogate */
		{ "01", "leading zeros" },
		{ "1.", "decimal point" },
		{ "// c\n{}", "expected a value" },
		{ "{} {}", "more after the value" },
		{ "\"a\nb\"", "control character" },
		{ "", "found the end" },
		{ "[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]", "nested too deeply" },
	};
	struct json_value v;
	char *why = NULL;

	(void)state;
	assert_int_equal(json_parse("\xef\xbb\xbf {\"m\": \"br\\u00e9\\ud83d\\ude00\", \"n\": [-1.5e3, true, null]}\n",
				    61, &v, &why), 0);
	assert_int_equal(v.type, JSON_OBJECT);
	assert_string_equal(json_member(&v, "m")->s, "br\xc3\xa9\xf0\x9f\x98\x80");
	assert_int_equal(json_member(&v, "n")->n, 3);
	assert_string_equal(json_member(&v, "n")->items[0].s, "-1.5e3");
	assert_true(json_member(&v, "n")->items[1].b);
	assert_null(json_member(&v, "x"));
	json_value_release(&v);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = json_parse(bad[i][0], strlen(bad[i][0]), &v, &why);

		if (r == 0 || !strstr(why, bad[i][1]))
			fail_msg("'%s': %d, %s", bad[i][0], r, r ? why : "accepted");
		free(why);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_document),
		cmocka_unit_test(test_misuse),
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
