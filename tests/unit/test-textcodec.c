/* SPDX-License-Identifier: MIT */
/* test-textcodec.c - UTF-16LE <-> WTF-8 must round-trip every even input. */
#include "helpers.h"
#include "base/textcodec.h"

static void roundtrip(const unsigned char *in, size_t len)
{
	struct buf mid = BUF_INIT, back = BUF_INIT;

	assert_int_equal(utf16le_to_wtf8(in, len, &mid), 0);
	assert_int_equal(wtf8_to_utf16le((const unsigned char *)mid.s, mid.len, &back), 0);
	assert_int_equal(back.len, len);
	assert_memory_equal(back.s, in, len);
	buf_release(&mid);
	buf_release(&back);
}

static void test_cases(void **state)
{
	static const unsigned char ascii[] = { 'a', 0, '\r', 0, '\n', 0 };
	static const unsigned char bmp[] = { 0xE9, 0x00, 0xAC, 0x20 };		/* é € */
	static const unsigned char pair[] = { 0x3D, 0xD8, 0x00, 0xDE };		/* U+1F600 */
	static const unsigned char lone_hi[] = { 0x3D, 0xD8, 'x', 0 };
	static const unsigned char lone_lo[] = { 0x00, 0xDE };
	struct buf out = BUF_INIT;

	(void)state;
	roundtrip(ascii, sizeof(ascii));
	roundtrip(bmp, sizeof(bmp));
	roundtrip(pair, sizeof(pair));
	roundtrip(lone_hi, sizeof(lone_hi));
	roundtrip(lone_lo, sizeof(lone_lo));
	assert_int_equal(utf16le_to_wtf8(pair, sizeof(pair), &out), 0);
	assert_memory_equal(out.s, "\xF0\x9F\x98\x80", 4);
	assert_int_equal(utf16le_to_wtf8(ascii, 3, &out), -EILSEQ);
	assert_int_equal(wtf8_to_utf16le((const unsigned char *)"\xC0\x80", 2, &out), -EILSEQ);
	buf_release(&out);
}

static void test_all_units(void **state)
{
	unsigned char in[2];

	(void)state;
	for (unsigned u = 0; u < 0x10000; u++) {
		in[0] = u & 0xFF;
		in[1] = (unsigned char)(u >> 8);
		roundtrip(in, 2);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_all_units),
	};

	return cmocka_run_group_tests_name("textcodec", tests, NULL, NULL);
}
