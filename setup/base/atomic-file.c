/* SPDX-License-Identifier: MIT */
/* atomic-file.c - see atomic-file.h. */
#include "base/atomic-file.h"
#include "base/fault.h"
#include "base/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

/*
 * Unlink lock (in dfd) if no writer holds it and it is at least min_ms old:
 * 1 when removed, 0 when kept, -errno when it cannot be opened.  The name is
 * unlinked only while it is still the file we flocked: another breaker may
 * have removed it and a live writer made a new one meanwhile.
 */
static int unlink_if_unheld(int dfd, const char *lock, long min_ms)
{
	struct stat st, now;
	int fd = openat(dfd, lock, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK), r = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && age_ms(&st.st_mtim) >= min_ms &&
	    flock(fd, LOCK_EX | LOCK_NB) == 0 &&
	    fstatat(dfd, lock, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
	    now.st_dev == st.st_dev && now.st_ino == st.st_ino)
		r = unlinkat(dfd, lock, 0) == 0;
	close(fd);
	return r;
}

/* The folder of a file we write, held open so every step names the same one. */
struct place {
	int dfd;
	const char *name;	/* the final component, in path */
	char *lock;		/* the lock's full path, for the exit handler */
	const char *lock_name;	/* its final component, in lock */
	const char *path;
};

static int place_open(struct place *pl, const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');

	pl->path = path;
	pl->name = slash ? path + (slash - dir) + 1 : path;
	pl->lock = atomic_file_lock_name(path);
	pl->lock_name = path_basename(pl->lock);
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	pl->dfd = !*pl->name || !strcmp(pl->name, ".") || !strcmp(pl->name, "..") ? -2 :
		  open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (pl->dfd == -2)
		return -EISDIR;
	return pl->dfd < 0 ? -errno : 0;
}

static void place_close(struct place *pl)
{
	if (pl->dfd >= 0)
		close(pl->dfd);
	free(pl->lock);
}

static int open_lock(const struct place *pl)
{
	double waited = 0, limit = lock_wait_seconds();
	int fd, r;

	for (;;) {
		r = fault_check("open", pl->path);
		if (r < 0)
			return r;
		fd = openat(pl->dfd, pl->lock_name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0) {
			/* Held while we write, so a killed writer's lock can be told apart. */
			(void)flock(fd, LOCK_EX | LOCK_NB);
			return fd;
		}
		if (errno != EEXIST)
			return -errno;
		r = unlink_if_unheld(pl->dfd, pl->lock_name, 500);
		if (r == 1 || r == -ENOENT)
			continue;	/* removed, or gone meanwhile: try again */
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

static int fsync_dir(const struct place *pl)
{
	int r = fault_check("dirsync", pl->path);

	return r < 0 ? r : do_fsync(pl->dfd, pl->path);
}

/*
 * What is at the name now, under our lock: *ret_st filled and 1 for a
 * regular file, 0 for none; a link or anything else is refused.  With was,
 * it must still be the file the plan was made from, byte for byte.
 */
static int check_current(const struct place *pl, const struct atomic_was *was, struct stat *ret_st)
{
	struct buf cur = BUF_INIT;
	int fd = openat(pl->dfd, pl->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC), r;

	if (fd < 0 && errno == ENOENT)
		return was && was->exists ? -ESTALE : 0;
	if (fd < 0)	/* a link planted after the plan was read is a change too */
		return was && (errno == ELOOP || errno == ENXIO) ? -ESTALE : -errno;
	if (was)
		r = read_fd(fd, &cur, ret_st);
	else if ((r = fstat(fd, ret_st) < 0 ? -errno : 0) == 0 && !S_ISREG(ret_st->st_mode))
		r = S_ISDIR(ret_st->st_mode) ? -EISDIR : -ENOTREG;
	close(fd);
	if (was && (r == -ENOTREG || r == -EISDIR || r == -EFBIG))
		r = -ESTALE;
	if (r == 0 && was &&
	    (!was->exists || ((was->dev || was->ino) && (was->dev != ret_st->st_dev || was->ino != ret_st->st_ino)) ||
	     was->len != cur.len || (cur.len && memcmp(was->bytes, cur.s, cur.len))))
		r = -ESTALE;
	buf_release(&cur);
	return r < 0 ? r : 1;
}

/* The owner a file root writes gets: the old file's, else its folder's (a
 * Windows user's profile keeps files its user owns). */
static int write_lock(int fd, const void *buf, size_t len, mode_t mode, const struct stat *old,
		      const struct place *pl)
{
	struct stat dir;
	int r = fault_check("write", pl->path);

	if (!old && fstat(pl->dfd, &dir) == 0 && geteuid() == 0 && dir.st_uid != 0)
		old = &dir;
	if (r == 0)
		r = write_all(fd, buf, len);
	if (r == 0 && fchmod(fd, old && S_ISREG(old->st_mode) ? old->st_mode & 07777 : mode) < 0)
		r = -errno;
	if (r == 0 && old && (old->st_uid != geteuid() || old->st_gid != getegid()) &&
	    fchown(fd, old->st_uid, old->st_gid) < 0)
		r = -errno;
	if (r == 0)
		r = do_fsync(fd, pl->path);
	return r;
}

/* The new bytes into the lock, then the lock renamed over the name. */
static int replace_in(const struct place *pl, int fd, const struct atomic_was *was,
		      const void *buf, size_t len, mode_t mode, bool *ret_not_durable)
{
	struct stat st;
	int have_old = check_current(pl, was, &st), r, rc;

	r = have_old < 0 ? have_old : write_lock(fd, buf, len, mode, have_old ? &st : NULL, pl);
	rc = close(fd);
	if (r == 0 && rc < 0)
		r = -errno;	/* 9p/drvfs may only report EIO here */
	if (r == 0)
		r = fault_check("close", pl->path);
	if (r == 0)
		r = fault_check("rename", pl->path);
	fault_point("written, before rename");
	/* plain renameat(2): flagged renameat2 fails on 9p/drvfs; a link planted
	 * at the name meanwhile is replaced, never followed */
	if (r == 0 && renameat(pl->dfd, pl->lock_name, pl->dfd, pl->name) < 0)
		r = -errno;
	if (r == 0) {
		track(pl->lock, 0);
		fault_point("renamed");
		if (fsync_dir(pl) < 0 && ret_not_durable)
			*ret_not_durable = true;	/* in place; durability not confirmed */
	} else {
		(void)unlinkat(pl->dfd, pl->lock_name, 0);
		track(pl->lock, 0);
	}
	return r;
}

int atomic_file_replace_planned(const char *path, const struct atomic_was *was, const void *buf,
				size_t len, mode_t mode, bool *ret_not_durable)
{
	struct place pl;
	int fd, r = place_open(&pl, path);

	install_handlers();
	if (r == 0 && (fd = open_lock(&pl)) < 0)
		r = fd;		/* EEXIST: another writer's lock, not ours */
	else if (r == 0) {
		track(pl.lock, 1);
		r = replace_in(&pl, fd, was, buf, len, mode, ret_not_durable);
	}
	place_close(&pl);
	return r;
}

int atomic_file_replace(const char *path, const void *buf, size_t len, mode_t mode,
			bool *ret_not_durable)
{
	return atomic_file_replace_planned(path, NULL, buf, len, mode, ret_not_durable);
}

int atomic_file_remove_planned(const char *path, const struct atomic_was *was, bool *ret_not_durable)
{
	struct place pl;
	struct stat st;
	int fd, r = place_open(&pl, path);

	install_handlers();
	if (r == 0 && (fd = open_lock(&pl)) < 0)	/* held so no writer races the unlink */
		r = fd;
	else if (r == 0) {
		track(pl.lock, 1);
		close(fd);
		r = fault_check("rename", path);
		if (r == 0 && was)
			r = check_current(&pl, was, &st);
		fault_point("locked, before unlink");
		if (r >= 0 && unlinkat(pl.dfd, pl.name, 0) < 0 && errno != ENOENT)
			r = -errno;
		fault_point("unlinked");
		(void)unlinkat(pl.dfd, pl.lock_name, 0);
		track(pl.lock, 0);
		if (r >= 0 && fsync_dir(&pl) < 0 && ret_not_durable)
			*ret_not_durable = true;
	}
	place_close(&pl);
	return r < 0 ? r : 0;
}

int atomic_file_remove(const char *path, bool *ret_not_durable)
{
	return atomic_file_remove_planned(path, NULL, ret_not_durable);
}

/* Lock files under dfd nobody holds an flock on: left by a killed writer.
 * Folders are entered without following a link (O_NOFOLLOW). */
static void sweep_at(int dfd, int depth)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;

	if (!d) {
		close(dfd);
		return;
	}
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		int sub;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;	/* .wslconfig's lock is a dot name too */
		if (n > sizeof(LOCK_SUFFIX) - 1 && !strcmp(de->d_name + n - (sizeof(LOCK_SUFFIX) - 1), LOCK_SUFFIX))
			(void)unlink_if_unheld(dirfd(d), de->d_name, 0);
		else if (depth > 0 && de->d_type == DT_DIR &&
			 (sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) >= 0)
			sweep_at(sub, depth - 1);
	}
	closedir(d);
}

void atomic_file_sweep_stale(const char *dir, int depth)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dfd >= 0)
		sweep_at(dfd, depth);
}
