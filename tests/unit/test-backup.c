/* SPDX-License-Identifier: MIT */
/* test-backup.c - the undo history: entries, saved bytes, states. */
#include "helpers.h"
#include "apply/backup.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char dir[] = "/tmp/wb-backup-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return tmpdir_setup(dir);
}

static int teardown(void **state)
{
	(void)state;
	return tmpdir_teardown(dir);
}

static struct buf lit(const char *s, size_t n)
{
	struct buf b = BUF_INIT;

	buf_add(&b, s, n);
	return b;
}

static void test_history(void **state)
{
	struct backup_entry *e = NULL, **v = NULL;
	struct buf old = lit("a\0b\r\n", 5), neu = lit("new", 3), got = BUF_INIT;
	size_t n = 0;

	(void)state;
	assert_int_equal(backup_begin(dir, "wslbridge config set <x> \"&'", &e), 0);
	assert_int_equal(backup_add(e, "/p/with\nnewline & <xml>", &old, true, 0640, &neu, true), 0);
	assert_int_equal(backup_commit(e), 0);
	assert_int_equal(e->seq, 1);
	backup_entry_free(e);

	assert_int_equal(backup_begin(dir, "second", &e), 0);
	assert_int_equal(e->seq, 2);
	assert_int_equal(backup_add(e, "/q", &neu, false, 0644, &old, true), 0);
	assert_int_equal(backup_commit(e), 0);
	backup_entry_free(e);

	/* An entry that was begun but never committed is not history. */
	assert_int_equal(backup_begin(dir, "crashed", &e), 0);
	backup_entry_free(e);

	assert_int_equal(backup_list(dir, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0]->what, "wslbridge config set <x> \"&'");
	assert_string_equal(v[0]->files[0].path, "/p/with\nnewline & <xml>");
	assert_int_equal(v[0]->files[0].mode, 0640);
	assert_true(v[0]->files[0].old_exists);
	assert_false(v[1]->files[0].old_exists);
	assert_string_equal(v[0]->state, "applied");
	assert_int_equal(backup_bytes(v[0], 0, "old", &got), 0);
	assert_int_equal(got.len, 5);
	assert_memory_equal(got.s, "a\0b\r\n", 5);
	assert_int_equal(backup_set_state(v[0], "undone"), 0);
	backup_entries_free(v, n);

	assert_int_equal(backup_list(dir, &v, &n), 0);
	assert_string_equal(v[0]->state, "undone");
	assert_int_equal(backup_discard(v[1]), 0);
	backup_entries_free(v, n);
	assert_int_equal(backup_list(dir, &v, &n), 0);
	assert_int_equal(n, 1);
	backup_entries_free(v, n);
	buf_release(&old);
	buf_release(&neu);
	buf_release(&got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_history),
	};

	return cmocka_run_group_tests_name("backup", tests, setup, teardown);
}
