/* SPDX-License-Identifier: MIT */
/* atomic-file.c - see atomic-file.h. */
#include "base/atomic-file.h"
#include "base/fault.h"
#include "base/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/file.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LOCK_SUFFIX ".wslbridge-lock"

/* Locks we hold right now, for the exit and signal handlers. */
#define MAX_LIVE 8
static char *live[MAX_LIVE];
static volatile sig_atomic_t handlers_installed;

static void remove_live_locks(void)
{
	for (int i = 0; i < MAX_LIVE; i++)
		if (live[i])
			(void)unlink(live[i]);	/* async-signal-safe */
}

/* A handler installed before ours (the transaction's message) runs after it. */
static struct sigaction prev[3];
static const int caught[3] = { SIGINT, SIGTERM, SIGHUP };

static void on_signal(int sig)
{
	remove_live_locks();
	for (int i = 0; i < 3; i++)
		if (caught[i] == sig && prev[i].sa_handler != SIG_DFL && prev[i].sa_handler != SIG_IGN &&
		    !(prev[i].sa_flags & SA_SIGINFO))
			prev[i].sa_handler(sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_handlers(void)
{
	if (handlers_installed)
		return;
	handlers_installed = 1;
	atexit(remove_live_locks);
	for (int i = 0; i < 3; i++) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		(void)sigaction(caught[i], &sa, &prev[i]);
	}
}

static void track(char *lock, int on)
{
	for (int i = 0; i < MAX_LIVE; i++) {
		if (on && !live[i]) {
			live[i] = lock;
			return;
		}
		if (!on && live[i] == lock) {
			live[i] = NULL;
			return;
		}
	}
}

char *atomic_file_lock_name(const char *path)
{
	return xasprintf("%s" LOCK_SUFFIX, path);
}

static double lock_wait_seconds(void)
{
	const char *w = getenv("WSLBRIDGE_LOCK_WAIT");

	return w && *w ? atof(w) : 5.0;
}

/*
 * A lock file nobody holds an flock on, older than half a second (so not one
 * being created this instant), was left by a killed writer: remove it.
 * Where flock is not supported the lock is never taken for stale.
 */
static long age_ms(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return (now.tv_sec - t->tv_sec) * 1000L + (now.tv_nsec - t->tv_nsec) / 1000000L;
}

/* Unlink lock if no writer holds it and it is at least min_ms old: 1 when
 * removed, 0 when kept, -errno when it cannot be opened. */
static int unlink_if_unheld(const char *lock, long min_ms)
{
	struct stat st;
	int fd = open(lock, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), r = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) == 0 && age_ms(&st.st_mtim) >= min_ms && flock(fd, LOCK_EX | LOCK_NB) == 0)
		r = unlink(lock) == 0;
	close(fd);
	return r;
}

static bool remove_stale(const char *lock)
{
	int r = unlink_if_unheld(lock, 500);

	return r == 1 || r == -ENOENT;	/* removed, or gone meanwhile: try again */
}

static int open_lock(const char *lock, const char *target)
{
	double waited = 0, limit = lock_wait_seconds();
	int fd, r;

	for (;;) {
		r = fault_check("open", target);
		if (r < 0)
			return r;
		fd = open(lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0) {
			/* Held while we write, so a killed writer's lock can be told apart. */
			(void)flock(fd, LOCK_EX | LOCK_NB);
			return fd;
		}
		if (errno != EEXIST)
			return -errno;
		if (remove_stale(lock))
			continue;
		if (waited >= limit)
			return -EEXIST;
		{
			struct timespec ts = { 0, 50 * 1000 * 1000 };

			nanosleep(&ts, NULL);
			waited += 0.05;
		}
	}
}

static int do_fsync(int fd, const char *target)
{
	const char *t = getenv("WSLBRIDGE_TEST_FSYNC");
	int r = fault_check("fsync", target);

	if (r < 0)
		return r;
	if (t && !strcmp(t, "0"))
		return 0;
	return fsync(fd) < 0 ? -errno : 0;
}

static int fsync_dir_of(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int fd, r = fault_check("dirsync", path);

	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	if (r == 0) {
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			r = -errno;
		else {
			r = do_fsync(fd, path);
			close(fd);
		}
	}
	free(dir);
	return r;
}

/* Follow symlinks so a linked /etc/wsl.conf is replaced at its target. */
static char *resolve(const char *path)
{
	char *real = realpath(path, NULL);

	return real ? real : xstrdup(path);
}

static int write_lock(int fd, const void *buf, size_t len, mode_t mode, const struct stat *old,
		      const char *target)
{
	int r = fault_check("write", target);

	if (r == 0)
		r = write_all(fd, buf, len);
	if (r == 0 && fchmod(fd, old ? old->st_mode & 07777 : mode) < 0)
		r = -errno;
	if (r == 0 && old && (old->st_uid != geteuid() || old->st_gid != getegid()) &&
	    fchown(fd, old->st_uid, old->st_gid) < 0)
		r = -errno;
	if (r == 0)
		r = do_fsync(fd, target);
	return r;
}

int atomic_file_replace(const char *path, const void *buf, size_t len, mode_t mode,
			bool *ret_not_durable)
{
	char *target = resolve(path), *lock = atomic_file_lock_name(target);
	struct stat st;
	bool have_old = stat(target, &st) == 0;
	int fd, r, rc;

	install_handlers();
	fd = open_lock(lock, target);
	if (fd < 0) {
		r = fd;		/* EEXIST: another writer's lock, not ours */
		goto out;
	}
	track(lock, 1);
	r = write_lock(fd, buf, len, mode, have_old ? &st : NULL, target);
	rc = close(fd);
	if (r == 0 && rc < 0)
		r = -errno;	/* 9p/drvfs may only report EIO here */
	if (r == 0)
		r = fault_check("close", target);
	if (r == 0)
		r = fault_check("rename", target);
	fault_point("written, before rename");
	if (r == 0 && rename(lock, target) < 0)	/* plain rename(2) */
		r = -errno;
	if (r == 0) {
		track(lock, 0);
		fault_point("renamed");
		if (fsync_dir_of(target) < 0 && ret_not_durable)
			*ret_not_durable = true;	/* in place; durability not confirmed */
	} else {
		(void)unlink(lock);
		track(lock, 0);
	}
out:
	free(lock);
	free(target);
	return r;
}

int atomic_file_remove(const char *path, bool *ret_not_durable)
{
	char *target = resolve(path), *lock = atomic_file_lock_name(target);
	int fd, r;

	install_handlers();
	fd = open_lock(lock, target);	/* hold the lock so no writer races the unlink */
	if (fd < 0) {
		r = fd;
		goto out;
	}
	track(lock, 1);
	close(fd);
	r = fault_check("rename", target);
	fault_point("locked, before unlink");
	if (r == 0 && unlink(target) < 0 && errno != ENOENT)
		r = -errno;
	fault_point("unlinked");
	(void)unlink(lock);
	track(lock, 0);
	if (r == 0 && fsync_dir_of(target) < 0 && ret_not_durable)
		*ret_not_durable = true;
out:
	free(lock);
	free(target);
	return r;
}

/* Lock files under dir nobody holds an flock on: left by a killed writer. */
void atomic_file_sweep_stale(const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		char *p;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;	/* .wslconfig's lock is a dot name too */
		p = path_join(dir, de->d_name);
		if (n > sizeof(LOCK_SUFFIX) - 1 && !strcmp(de->d_name + n - (sizeof(LOCK_SUFFIX) - 1), LOCK_SUFFIX))
			(void)unlink_if_unheld(p, 0);
		else if (depth > 0 && de->d_type == DT_DIR)
			atomic_file_sweep_stale(p, depth - 1);
		free(p);
	}
	if (d)
		closedir(d);
}
