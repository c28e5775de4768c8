/* SPDX-License-Identifier: MIT */
/* spawn.c - see spawn.h. */
#include "base/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const env_allow[] = {
	"PATH", "HOME", "LANG", "LC_ALL", "TERM", "USER", "LOGNAME", "TMPDIR",
	"WSL_INTEROP", "WSL_DISTRO_NAME", "WSLENV", NULL,
};

static char **child_env(void)
{
	char **env = xcalloc(sizeof(env_allow) / sizeof(env_allow[0]), sizeof(char *));
	size_t n = 0;

	for (size_t i = 0; env_allow[i]; i++) {
		const char *v = getenv(env_allow[i]);

		if (v)
			env[n++] = xasprintf("%s=%s", env_allow[i], v);
	}
	return env;
}

static void free_env(char **env)
{
	for (size_t i = 0; env[i]; i++)
		free(env[i]);
	free(env);
}

/* In the child: report errno through the CLOEXEC pipe and die. */
static void child(const struct spawn_opts *o, char **env, int out, int err, int report)
{
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC), e;

	setpgid(0, 0);	/* its own group, so a timeout kills its children too */
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0 ||
	    (o->cwd && chdir(o->cwd) < 0)) {
		e = errno;
		(void)!write(report, &e, sizeof(e));
		_exit(127);
	}
	signal(SIGPIPE, SIG_DFL);
	execve(o->argv[0], (char *const *)o->argv, env);
	e = errno;
	(void)!write(report, &e, sizeof(e));
	_exit(127);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Read both pipes until both close or the deadline passes (o->hold moves it). */
static bool collect(int out, int err, struct spawn_result *r, const struct spawn_opts *o)
{
	long deadline = o->timeout_ms > 0 ? now_ms() + o->timeout_ms : 0;
	struct pollfd fds[2] = { { out, POLLIN, 0 }, { err, POLLIN, 0 } };
	struct buf *bufs[2] = { &r->out, &r->err };
	char chunk[8192];
	int open_fds = 2;

	while (open_fds) {
		long left;
		int n;

		if (deadline && o->hold && o->hold(o->hold_arg))
			deadline = now_ms() + o->timeout_ms;
		if (o->stop && o->stop(o->stop_arg)) {
			r->stopped = true;
			return false;
		}
		left = deadline ? deadline - now_ms() : -1;
		if (deadline && left <= 0)
			return false;
		if ((o->hold || o->stop) && (left < 0 || left > 250))
			left = 250;
		n = poll(fds, 2, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return true;
		for (int i = 0; i < 2; i++) {
			ssize_t got;

			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			got = read(fds[i].fd, chunk, sizeof(chunk));
			if (got > 0) {
				buf_add(bufs[i], chunk, (size_t)got);
			} else if (got == 0 || errno != EINTR) {
				fds[i].fd = -1;
				open_fds--;
			}
		}
	}
	return true;
}

int spawn_run(const struct spawn_opts *o, struct spawn_result *r)
{
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, pr[2] = { -1, -1 }, status = 0, e = 0;
	char **env = child_env();
	pid_t pid;
	ssize_t got;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0 || pipe2(pr, O_CLOEXEC) < 0) {
		rc = -errno;
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		goto out;
	}
	if (pid == 0)
		child(o, env, po[1], pe[1], pr[1]);
	close(po[1]); close(pe[1]); close(pr[1]);
	po[1] = pe[1] = pr[1] = -1;
	got = read(pr[0], &e, sizeof(e));
	if (got == (ssize_t)sizeof(e)) {	/* exec (or chdir) failed */
		waitpid(pid, &status, 0);
		rc = -e;
		goto out;
	}
	if (!collect(po[0], pe[0], r, o)) {
		r->timed_out = !r->stopped;
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(status))
		r->signal = WTERMSIG(status);
	else
		r->exit_code = WEXITSTATUS(status);
out:
	for (int i = 0; i < 2; i++) {
		if (po[i] >= 0) close(po[i]);
		if (pe[i] >= 0) close(pe[i]);
		if (pr[i] >= 0) close(pr[i]);
	}
	free_env(env);
	return rc;
}

void spawn_result_release(struct spawn_result *r)
{
	buf_release(&r->out);
	buf_release(&r->err);
}

/* Where a program named without a slash is, along PATH (allocated), or NULL. */
static char *path_lookup(const char *name)
{
	const char *path = getenv("PATH");

	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? xstrdup(name) : NULL;
	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		size_t n = strcspn(p, ":");
		char *full = xasprintf("%.*s/%s", (int)n, p, name);

		if (n && access(full, X_OK) == 0)
			return full;
		free(full);
		p += n + (p[n] == ':');
	}
	return NULL;
}

static pid_t pager_pid = -1;

int spawn_pager(const char *cmdline)
{
	char *words = xstrdup(cmdline), *argv[16], *save = NULL, *prog;
	int fds[2], argc = 0;
	pid_t pid;

	/* split on blanks, as git and systemd read $PAGER; never a shell */
	for (char *w = strtok_r(words, " \t", &save); w && argc < 15; w = strtok_r(NULL, " \t", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	prog = argc ? path_lookup(argv[0]) : NULL;
	if (!prog || pipe(fds) < 0) {
		free(prog);
		free(words);
		return -ENOENT;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(fds[1]);
		if (dup2(fds[0], 0) < 0)
			_exit(127);
		close(fds[0]);
		if (!getenv("LESS"))
			setenv("LESS", "FRX", 1);	/* as systemctl: quit when it fits, keep colours */
		signal(SIGPIPE, SIG_DFL);
		execv(prog, argv);
		_exit(127);
	}
	close(fds[0]);
	free(prog);
	free(words);
	if (pid < 0 || dup2(fds[1], STDOUT_FILENO) < 0) {
		close(fds[1]);
		return pid < 0 ? -errno : -EIO;
	}
	close(fds[1]);
	pager_pid = pid;
	signal(SIGPIPE, SIG_IGN);	/* a pager quit early is not a failure to write */
	return 0;
}

void spawn_pager_wait(void)
{
	int st, devnull;

	if (pager_pid < 0)
		return;
	fflush(stdout);
	/* the pager's end of the pipe closes (it sees the end), and stdout stays
	 * a valid descriptor for whatever is flushed later */
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (devnull < 0 || dup2(devnull, STDOUT_FILENO) < 0)
		close(STDOUT_FILENO);
	if (devnull >= 0)
		close(devnull);
	while (waitpid(pager_pid, &st, 0) < 0 && errno == EINTR)
		;
	pager_pid = -1;
}
