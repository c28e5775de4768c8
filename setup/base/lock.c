/* SPDX-License-Identifier: MIT */
/* lock.c - see lock.h. */
#include "base/lock.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static pid_t read_holder(int fd)
{
	char b[32] = "";
	ssize_t n = pread(fd, b, sizeof(b) - 1, 0);

	return n > 0 ? (pid_t)atol(b) : 0;
}

int global_lock_take(const char *state_dir, double wait_s, void (*on_wait)(pid_t holder),
		     int *ret_fd, pid_t *ret_holder)
{
	char *path = path_join(state_dir, "lock");
	double waited = 0;
	struct stat st;
	int fd = -1, r;

	r = mkdir_p(state_dir, 0755);
	if (r < 0)
		goto out;
	/* no link followed, no FIFO waited on: the lock is a plain file of ours */
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		r = -ENOTREG;
		goto out;
	}
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		if (errno != EWOULDBLOCK && errno != EINTR) {
			r = -errno;
			goto out;
		}
		if (waited >= wait_s) {
			*ret_holder = read_holder(fd);
			r = -EWOULDBLOCK;
			goto out;
		}
		if (waited == 0 && on_wait)
			on_wait(read_holder(fd));
		nanosleep(&ts, NULL);
		waited += 0.1;
	}
	{
		char pid[32];
		int n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());

		if (ftruncate(fd, 0) == 0)
			(void)!pwrite(fd, pid, (size_t)n, 0);
	}
	*ret_fd = fd;
	fd = -1;
	r = 0;
out:
	if (fd >= 0)
		close(fd);
	free(path);
	return r;
}

void global_lock_release(int fd)
{
	if (fd >= 0)
		close(fd);	/* closing the descriptor drops the flock */
}
