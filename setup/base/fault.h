/* SPDX-License-Identifier: MIT */
/*
 * fault.h - fault injection for the write paths, driven by the environment
 * so tests can prove that a failing write, fsync, close or rename leaves
 * every file as it was:  WSLBRIDGE_TEST_FAIL=fsync:EIO,rename:EPERM@.wslconfig
 * (op names: open, write, fsync, close, rename, dirsync; errno names: EIO,
 * ENOSPC, EPERM, EACCES, EROFS; "@TEXT" limits it to paths containing TEXT).
 * Unset, it costs one getenv per call.
 */
#ifndef WB_FAULT_H
#define WB_FAULT_H

/* 0, or the -errno the test asked op on path to fail with. */
int fault_check(const char *op, const char *path);

/*
 * A step boundary, named for tests: WSLBRIDGE_TEST_KILL=N kills the process
 * (SIGKILL, no cleanup) at the Nth boundary reached; WSLBRIDGE_TEST_KILL=0
 * prints "kill-point N WHERE" to stderr at each one instead, so a test can
 * count them and then try every one.  WSLBRIDGE_TEST_SIGNAL=INT or TERM
 * raises that signal there instead, so the handlers run (Ctrl-C, SIGTERM).
 */
void fault_point(const char *where);

#endif
