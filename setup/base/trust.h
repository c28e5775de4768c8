/* SPDX-License-Identifier: MIT */
/*
 * trust.h - whether root may rely on a file or folder nobody else controls:
 * a binary the boot command runs as root at every start, and the state
 * directory whose history says which files undo restores.
 */
#ifndef WB_TRUST_H
#define WB_TRUST_H

/*
 * 0 when path is a regular file (not a link) owned by root that nobody
 * else can write, in folders owned by root that nobody else can write (a
 * sticky one such as /tmp is allowed: others cannot replace root's entries
 * there); else -EPERM and *ret_why (allocated) says which part and why.
 */
int trust_root_only(const char *path, char **ret_why);

/*
 * 0 when dir does not exist yet or is a folder owned by the running user
 * that neither its group nor others can write; else -EPERM and *ret_why
 * (allocated) says why.
 */
int trust_state_dir(const char *dir, char **ret_why);

#endif
