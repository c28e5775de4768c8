/* SPDX-License-Identifier: MIT */
/*
 * lock.h - the global lock: two wslbridge runs that change things never
 * interleave.  flock(2) on <state>/lock, so a crashed run never leaves it
 * held.  The holder's pid is written into the file for messages only.
 */
#ifndef WB_LOCK_H
#define WB_LOCK_H

#include <sys/types.h>

/*
 * Wait up to wait_s seconds.  on_wait(holder) is called once if we must
 * wait.  0 with *ret_fd set, -EWOULDBLOCK with *ret_holder when the wait
 * ran out, or another -errno (state dir not creatable, ...).
 */
int global_lock_take(const char *state_dir, double wait_s, void (*on_wait)(pid_t holder),
		     int *ret_fd, pid_t *ret_holder);
void global_lock_release(int fd);

#endif
