/* SPDX-License-Identifier: MIT */
/* stage.c - see stage.h. */
#include "host/stage.h"
#include "base/atomic-file.h"
#include "base/fault.h"
#include "base/xmlfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const ours[] = {
	STAGE_AGENT, STAGE_REQUEST, STAGE_RESPONSE, STAGE_RESPONSE ".part", STAGE_RESPONSE ".err",
	STAGE_ELEVATING, STAGE_ANSWERED,
};

/*
 * Staging folders of runs that were killed (their pid is gone): remove the
 * files we put there and the folder.  Only our own names are touched.
 */
static void stage_sweep(const char *temp)
{
	DIR *d = opendir(temp);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		char hex[13];
		long pid;
		int end = 0;

		if (sscanf(de->d_name, "wslbridge-%ld-%12[0-9a-f]%n", &pid, hex, &end) != 2 ||
		    de->d_name[end] || strlen(hex) != 12 || pid <= 0 || pid == (long)getpid() ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++) {
			char *f = xasprintf("%s/%s/%s", temp, de->d_name, ours[i]);
			char *lock = atomic_file_lock_name(f);

			(void)unlink(f);
			(void)unlink(lock);
			free(lock);
			free(f);
		}
		{
			char *dir = path_join(temp, de->d_name);

			(void)rmdir(dir);
			free(dir);
		}
	}
	if (d)
		closedir(d);
}

/* A new file name in the folder, never one that exists: 0 or -errno. */
static int write_new(const struct stage *s, const char *name, const void *data, size_t len)
{
	char *path = path_join(s->dir, name);
	int r = fault_check("open", path), fd = -1;

	if (r == 0)
		fd = openat(s->dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (r == 0 && fd < 0)
		r = -errno;
	if (r == 0)
		r = fault_check("write", path);
	if (r == 0)
		r = write_all(fd, data, len);
	if (fd >= 0 && close(fd) < 0 && r == 0)
		r = -errno;
	free(path);
	return r;
}

int stage_create(const char *temp, const void *agent, size_t agent_len, const struct buf *req,
		 struct stage *s, char **ret_why)
{
	unsigned char rnd[6] = { 0 };
	int r = 0;

	s->dfd = -1;
	s->dir = NULL;
	if (!temp) {
		*ret_why = xstrdup("%TEMP% is not a folder on a Windows drive");
		return -EINVAL;
	}
	stage_sweep(temp);
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		rnd[0] = (unsigned char)getpid();
	s->dir = xasprintf("%s/wslbridge-%ld-%02x%02x%02x%02x%02x%02x", temp, (long)getpid(),
			   rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5]);
	/* mkdir never follows a name that exists; the folder is then used only through dfd. */
	if (mkdir(s->dir, 0700) < 0 ||
	    (s->dfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		r = -errno;
		*ret_why = xasprintf("could not create a staging folder %s: %s", s->dir, strerror(-r));
		free(s->dir);
		s->dir = NULL;
		return r;
	}
	r = write_new(s, STAGE_AGENT, agent, agent_len);
	if (r == 0)
		r = write_new(s, STAGE_REQUEST, req->s, req->len);
	if (r < 0)
		*ret_why = xasprintf("could not write to the staging folder %s: %s%s", s->dir, strerror(-r),
				     r == -EEXIST || r == -ELOOP ? " (something else put a file there first; "
				     "nothing was written through it)" : "");
	return r;
}

bool stage_has_response(const struct stage *s)
{
	return faccessat(s->dfd, STAGE_RESPONSE, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

int stage_read_response(const struct stage *s, struct buf *out, char **ret_why)
{
	int fd = openat(s->dfd, STAGE_RESPONSE, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	int r = fd < 0 ? -errno : xml_read_fd(fd, out);

	if (fd >= 0)
		close(fd);
	if (r < 0)
		*ret_why = xasprintf("could not read %s/%s: %s; nothing was done with it", s->dir, STAGE_RESPONSE,
				     xml_read_fd_error(r));
	return r;
}

bool stage_prompt_pending(const void *stage)
{
	const struct stage *s = stage;

	return faccessat(s->dfd, STAGE_ELEVATING, F_OK, AT_SYMLINK_NOFOLLOW) == 0 &&
	       faccessat(s->dfd, STAGE_ANSWERED, F_OK, AT_SYMLINK_NOFOLLOW) != 0;
}

void stage_remove(struct stage *s)
{
	const char *keep = getenv("WSLBRIDGE_KEEP_STAGING");

	if (s->dfd >= 0 && !(keep && !strcmp(keep, "1"))) {
		for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
			(void)unlinkat(s->dfd, ours[i], 0);
		(void)rmdir(s->dir);
	}
	if (s->dfd >= 0)
		close(s->dfd);
	free(s->dir);
	s->dfd = -1;
	s->dir = NULL;
}
