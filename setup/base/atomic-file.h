/* SPDX-License-Identifier: MIT */
/*
 * atomic-file.h - the only way this program writes a file.
 *
 * atomic_file_replace(path, buf, len, mode):
 *   1. resolves symlinks (the link stays, its target is replaced);
 *   2. creates "<path>.wslbridge-lock" with O_EXCL: it is both the lock and
 *      the new content; if another writer holds it, retries for up to
 *      WSLBRIDGE_LOCK_WAIT seconds (default 5), then returns -EEXIST; a
 *      lock file no process holds an flock(2) on (its writer was killed)
 *      is removed as stale;
 *   3. writes, fchmod()s to the old file's mode (or mode for a new file),
 *      fchown()s to the old owner when that differs, fsync()s, close()s and
 *      checks the result (drvfs and 9p may report EIO only at close);
 *   4. rename(2)s over the file (plain rename: flagged renameat2 fails on
 *      9p/drvfs) and fsync()s the directory.
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

int atomic_file_replace(const char *path, const void *buf, size_t len, mode_t mode,
			bool *ret_not_durable);
/* Remove path the same careful way (lock, unlink, fsync dir): 0 or -errno. */
int atomic_file_remove(const char *path, bool *ret_not_durable);
/* Remove the lock files under dir (depth levels of folders down) that no
 * writer holds: for the state directory, under the global lock. */
void atomic_file_sweep_stale(const char *dir, int depth);
/* The lock file name for path (allocated), for messages. */
char *atomic_file_lock_name(const char *path);

#endif
