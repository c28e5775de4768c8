/* SPDX-License-Identifier: MIT */
/*
 * test-atomic.c - the one writer: content, mode, links refused, FIFOs, the
 * plan check, the lock, and a failure injected at each step leaving the old
 * file and no lock behind.
 */
#include "helpers.h"
#include "base/atomic-file.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/wb-atomic-XXXXXX";

static char *path_in(const char *name)
{
	return path_join(dir, name);
}

static void put(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(s, f);
	fclose(f);
}

static void assert_content(const char *path, const char *want)
{
	struct buf b = BUF_INIT;

	assert_int_equal(read_file(path, &b, NULL), 0);
	assert_string_equal(b.s ? b.s : "", want);
	buf_release(&b);
}

static int setup(void **state)
{
	(void)state;
	setenv("WSLBRIDGE_LOCK_WAIT", "0", 1);
	return tmpdir_setup(dir);
}

static int teardown(void **state)
{
	(void)state;
	return tmpdir_teardown(dir);
}

static void test_create_and_replace(void **state)
{
	char *p = path_in("a.conf");
	struct stat st;

	(void)state;
	assert_int_equal(atomic_file_replace(p, "one\n", 4, 0640, NULL), 0);
	assert_content(p, "one\n");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	chmod(p, 0604);
	assert_int_equal(atomic_file_replace(p, "two\n", 4, 0600, NULL), 0);
	assert_content(p, "two\n");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0604);	/* the old mode is kept */
	free(p);
}

/* A link at the name (planted by whoever can write the folder) is refused,
 * never followed: the file it points to keeps its bytes. */
static void test_symlink_refused(void **state)
{
	char *target = path_in("real.conf"), *link = path_in("link.conf");
	struct buf b = BUF_INIT;
	struct stat st;

	(void)state;
	put(target, "old\n");
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(atomic_file_replace(link, "new\n", 4, 0644, NULL), -ELOOP);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_content(target, "old\n");
	assert_int_equal(read_file(link, &b, NULL), -ELOOP);
	assert_int_equal(read_file_follow(link, &b, NULL), 0);
	buf_release(&b);
	unlink(link);
	free(target);
	free(link);
}

/* A FIFO neither hangs the reader nor the writer. */
static void test_fifo_refused(void **state)
{
	char *p = path_in("fifo.conf");
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(mkfifo(p, 0666), 0);
	assert_int_equal(read_file(p, &b, NULL), -ENOTREG);
	assert_int_equal(atomic_file_replace(p, "x", 1, 0644, NULL), -ENOTREG);
	unlink(p);
	free(p);
}

/* _planned writes only over the file the plan was made from. */
static void test_planned(void **state)
{
	char *p = path_in("plan.conf"), *q = path_in("other.conf");
	struct buf b = BUF_INIT;
	struct stat st;
	struct atomic_was was;

	(void)state;
	put(p, "planned\n");
	assert_int_equal(read_file(p, &b, &st), 0);
	was = (struct atomic_was){ true, st.st_dev, st.st_ino, b.s, b.len };
	put(p, "edited!\n");	/* same length, other bytes */
	assert_int_equal(atomic_file_replace_planned(p, &was, "new\n", 4, 0644, NULL), -ESTALE);
	assert_content(p, "edited!\n");
	put(q, "planned\n");	/* the same bytes in another file */
	assert_int_equal(rename(q, p), 0);
	assert_int_equal(atomic_file_replace_planned(p, &was, "new\n", 4, 0644, NULL), -ESTALE);
	assert_content(p, "planned\n");
	assert_int_equal(stat(p, &st), 0);
	was.dev = st.st_dev;
	was.ino = st.st_ino;
	assert_int_equal(atomic_file_replace_planned(p, &was, "new\n", 4, 0644, NULL), 0);
	assert_content(p, "new\n");
	was = (struct atomic_was){ false, 0, 0, NULL, 0 };	/* planned as absent */
	assert_int_equal(atomic_file_replace_planned(p, &was, "x", 1, 0644, NULL), -ESTALE);
	assert_int_equal(atomic_file_remove_planned(p, &was, NULL), -ESTALE);
	assert_content(p, "new\n");
	buf_release(&b);
	free(p);
	free(q);
}

static void test_foreign_lock(void **state)
{
	char *p = path_in("locked.conf"), *lock = atomic_file_lock_name(p);

	(void)state;
	put(p, "keep\n");
	put(lock, "someone else\n");
	assert_int_equal(atomic_file_replace(p, "x", 1, 0644, NULL), -EEXIST);
	assert_content(p, "keep\n");
	assert_content(lock, "someone else\n");	/* not ours: left alone */
	unlink(lock);
	free(lock);
	free(p);
}

static void test_faults_leave_old_file(void **state)
{
	static const char *const ops[] = { "open", "write", "fsync", "close", "rename" };
	static const char *const errs[] = { "EIO", "ENOSPC", "EPERM" };
	char *p = path_in("fault.conf"), *lock = atomic_file_lock_name(p);

	(void)state;
	put(p, "original\n");
	for (size_t i = 0; i < sizeof(ops) / sizeof(*ops); i++) {
		for (size_t j = 0; j < sizeof(errs) / sizeof(*errs); j++) {
			char *spec = xasprintf("%s:%s", ops[i], errs[j]);

			setenv("WSLBRIDGE_TEST_FAIL", spec, 1);
			assert_true(atomic_file_replace(p, "changed\n", 8, 0644, NULL) < 0);
			assert_content(p, "original\n");
			assert_int_equal(access(lock, F_OK), -1);
			free(spec);
		}
	}
	/* After the rename only durability is in doubt: success, new content,
	 * and the out-flag says so (never a positive return a caller could
	 * take for an error or stop at). */
	setenv("WSLBRIDGE_TEST_FAIL", "dirsync:EIO", 1);
	{
		bool nd = false;

		assert_int_equal(atomic_file_replace(p, "changed\n", 8, 0644, &nd), 0);
		assert_true(nd);
		assert_content(p, "changed\n");
		nd = false;
		assert_int_equal(atomic_file_replace(p, "again\n", 6, 0644, NULL), 0);
		assert_content(p, "again\n");
		unsetenv("WSLBRIDGE_TEST_FAIL");
		assert_int_equal(atomic_file_replace(p, "changed\n", 8, 0644, &nd), 0);
		assert_false(nd);
	}
	unsetenv("WSLBRIDGE_TEST_FAIL");
	free(lock);
	free(p);
}

static void test_remove(void **state)
{
	char *p = path_in("gone.conf");

	(void)state;
	put(p, "x");
	assert_int_equal(atomic_file_remove(p, NULL), 0);
	assert_int_equal(access(p, F_OK), -1);
	assert_int_equal(atomic_file_remove(p, NULL), 0);	/* already gone is fine */
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_and_replace),
		cmocka_unit_test(test_symlink_refused),
		cmocka_unit_test(test_fifo_refused),
		cmocka_unit_test(test_planned),
		cmocka_unit_test(test_foreign_lock),
		cmocka_unit_test(test_faults_leave_old_file),
		cmocka_unit_test(test_remove),
	};

	return cmocka_run_group_tests_name("atomic-file", tests, setup, teardown);
}
