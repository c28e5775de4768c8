/* SPDX-License-Identifier: MIT */
/*
 * atomic-file.h - the only way this program writes a file.
 *
 * atomic_file_replace(path, buf, len, mode):
 *   1. opens the folder of path and does every step relative to it, never
 *      following a link at the final component: a symlink planted there
 *      (a Windows profile is writable by its user, on drvfs by everyone) is
 *      refused (-ELOOP), as is anything but a regular file (-ENOTREG, no
 *      FIFO waited on);
 *   2. creates "<path>.wslbridge-lock" with O_EXCL|O_NOFOLLOW: it is both
 *      the lock and the new content; if another writer holds it, retries for
 *      up to WSLBRIDGE_LOCK_WAIT seconds (default 5), then returns -EEXIST;
 *      a lock file no process holds an flock(2) on (its writer was killed)
 *      is removed as stale, by inode (never a live writer's new lock);
 *   3. writes, fchmod()s to the old file's mode (or mode for a new file),
 *      fchown()s to the old owner when that differs (a new file root makes
 *      in a folder someone else owns is theirs), fsync()s, close()s and
 *      checks the result (drvfs and 9p may report EIO only at close);
 *   4. renameat(2)s over the name (plain: flagged renameat2 fails on
 *      9p/drvfs) and fsync()s the folder.
 * atomic_file_replace_planned() also checks, under the lock, that the file
 * is still the one the change was planned from (same device and inode, same
 * bytes, or still absent): else -ESTALE, "changed since the plan", and
 * nothing is written.
 * On failure before the rename the file is untouched and the lock removed
 * (only a lock this call created).  Returns 0 or -errno; never prints.
 * When the new content is in place but the final directory fsync failed,
 * the call succeeded and *ret_not_durable (if not NULL) is set: the caller
 * may warn, and carries on with everything else it had to write.  Live
 * locks are removed on exit and on SIGINT/SIGTERM/SIGHUP.
 * WSLBRIDGE_TEST_FSYNC=0 skips fsync (tests only).
 */
#ifndef WB_ATOMIC_FILE_H
#define WB_ATOMIC_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* A file as it was read when a change was planned (read_file's stat). */
struct atomic_was {
	bool exists;
	dev_t dev;		/* dev and ino both 0: unknown, the bytes alone are compared */
	ino_t ino;
	const void *bytes;
	size_t len;
};

int atomic_file_replace(const char *path, const void *buf, size_t len, mode_t mode,
			bool *ret_not_durable);
int atomic_file_replace_planned(const char *path, const struct atomic_was *was, const void *buf,
				size_t len, mode_t mode, bool *ret_not_durable);
/* Remove path the same careful way (lock, unlink, fsync dir): 0 or -errno;
 * _planned only if it is still the file was describes. */
int atomic_file_remove(const char *path, bool *ret_not_durable);
int atomic_file_remove_planned(const char *path, const struct atomic_was *was, bool *ret_not_durable);
/* Remove the lock files under dir (depth levels of folders down, entered
 * without following links) that no writer holds: for the state directory,
 * under the global lock. */
void atomic_file_sweep_stale(const char *dir, int depth);
/* The lock file name for path (allocated), for messages. */
char *atomic_file_lock_name(const char *path);

#endif
