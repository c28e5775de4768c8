/* SPDX-License-Identifier: MIT */
/* trust.c - see trust.h. */
#include "base/trust.h"
#include "base/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Why one component may be changed by someone other than root, or NULL. */
static char *component_why(const char *p, const struct stat *st, int is_leaf)
{
	if (S_ISLNK(st->st_mode))
		return xasprintf("'%s' is a symbolic link", p);
	if (is_leaf ? !S_ISREG(st->st_mode) : !S_ISDIR(st->st_mode))
		return xasprintf("'%s' is not a %s", p, is_leaf ? "regular file" : "folder");
	if (st->st_uid != 0)
		return xasprintf("'%s' belongs to uid %u, not root", p, (unsigned)st->st_uid);
	if ((st->st_mode & 022) && !(!is_leaf && (st->st_mode & S_ISVTX)))
		return xasprintf("'%s' can be written by %s (mode %04o)", p,
				 st->st_mode & 002 ? "everyone" : "its group", (unsigned)(st->st_mode & 07777));
	return NULL;
}

int trust_root_only(const char *path, char **ret_why)
{
	char *p = xstrdup(path), *slash;
	struct stat st;
	int leaf = 1;

	*ret_why = NULL;
	if (*p != '/')
		*ret_why = xasprintf("'%s' is not an absolute path", path);
	while (!*ret_why) {
		if (lstat(*p ? p : "/", &st) < 0)
			*ret_why = xasprintf("'%s': %s", *p ? p : "/", strerror(errno));
		else
			*ret_why = component_why(*p ? p : "/", &st, leaf);
		if (!*p)
			break;
		slash = strrchr(p, '/');
		*slash = '\0';	/* up one folder: "" is / */
		leaf = 0;
	}
	free(p);
	return *ret_why ? -EPERM : 0;
}

int trust_state_dir(const char *dir, char **ret_why)
{
	struct stat st;

	*ret_why = NULL;
	if (lstat(dir, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (S_ISLNK(st.st_mode) && stat(dir, &st) < 0)
		return -errno;	/* a link the user chose as --state-dir: its folder counts */
	if (!S_ISDIR(st.st_mode))
		*ret_why = xstrdup("it is not a folder");
	else if (st.st_uid != geteuid())
		*ret_why = xasprintf("it belongs to uid %u, not to uid %u that runs wslbridge, so its "
				     "history could tell this run what to write where",
				     (unsigned)st.st_uid, (unsigned)geteuid());
	else if (st.st_mode & 022)
		*ret_why = xasprintf("its group or others can write it (mode %04o), so they could plant "
				     "history or links in it", (unsigned)(st.st_mode & 07777));
	return *ret_why ? -EPERM : 0;
}
