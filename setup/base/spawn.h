/* SPDX-License-Identifier: MIT */
/*
 * spawn.h - the one way this program starts another program: an argv vector
 * (never a shell), stdin from /dev/null, a working directory, an allowlisted
 * environment, a timeout, and stdout/stderr collected together with poll()
 * so a chatty stderr cannot block the child.
 */
#ifndef WB_SPAWN_H
#define WB_SPAWN_H

#include "base/util.h"

#include <stdbool.h>

struct spawn_opts {
	const char *const *argv;	/* argv[0] is the program's path */
	const char *cwd;		/* NULL: unchanged */
	int timeout_ms;			/* <= 0: no limit */
	/* Asked about 4 times a second: while it says true, the timeout does not
	 * run (it starts again from the full length), e.g. while Windows waits
	 * for an answer to the UAC prompt.  NULL: never. */
	bool (*hold)(const void *arg);
	const void *hold_arg;
	/* Asked as often as hold (with its own arg): true stops the program
	 * (killed, result.stopped set), e.g. after Ctrl-C.  NULL: never. */
	bool (*stop)(const void *arg);
	const void *stop_arg;
};

struct spawn_result {
	int exit_code;		/* valid when !timed_out && !signal */
	int signal;		/* the signal that ended it, or 0 */
	bool timed_out;		/* killed after timeout_ms */
	bool stopped;		/* killed because o->stop said so */
	struct buf out, err;
};

/*
 * Run and wait.  0 when the program ran (whatever its exit status), or
 * -errno when it could not be started (ENOENT, EACCES, ...).  The child gets
 * only PATH, HOME, LANG, LC_ALL, TERM, USER, LOGNAME, TMPDIR and the WSL
 * interop variables (WSL_INTEROP, WSL_DISTRO_NAME, WSLENV) from our
 * environment.
 */
int spawn_run(const struct spawn_opts *o, struct spawn_result *r);

/*
 * Send the rest of stdout through a pager, cmdline split on blanks (no
 * shell; LESS=FRX unless LESS is set): 0, or -errno when it cannot start
 * (stdout unchanged).  spawn_pager_wait() closes stdout and waits for it.
 */
int spawn_pager(const char *cmdline);
void spawn_pager_wait(void);
void spawn_result_release(struct spawn_result *r);

#endif
