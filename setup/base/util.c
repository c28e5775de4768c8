/* SPDX-License-Identifier: MIT */
/* util.c - see util.h. */
#include "base/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void *check_alloc(void *p)
{
	if (!p) {
		/* Nothing sensible can be done without memory; files are untouched. */
		fputs("wslbridge: out of memory\n", stderr);
		abort();
	}
	return p;
}

void *xmalloc(size_t n) { return check_alloc(malloc(n ? n : 1)); }
void *xcalloc(size_t n, size_t size) { return check_alloc(calloc(n ? n : 1, size ? size : 1)); }
void *xrealloc(void *p, size_t n) { return check_alloc(realloc(p, n ? n : 1)); }
char *xstrdup(const char *s) { return check_alloc(strdup(s)); }
char *xstrndup(const char *s, size_t n) { return check_alloc(strndup(s, n)); }

/*
 * Formatted on the stack first: lint's messages (100-300 bytes, one per
 * finding) then take one vsnprintf pass and an exact allocation; only a
 * longer one is formatted twice (issue 23).
 */
char *xvasprintf(const char *fmt, va_list ap)
{
	char tmp[512];
	va_list ap2;
	char *s;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap2);
	va_end(ap2);
	if (n < 0)
		abort();
	s = xmalloc((size_t)n + 1);
	if ((size_t)n < sizeof(tmp))
		memcpy(s, tmp, (size_t)n + 1);
	else
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *xjoin(const char *first, ...)
{
	size_t len = 0, at = 0;
	va_list ap;
	char *r;

	va_start(ap, first);
	for (const char *p = first; p; p = va_arg(ap, const char *))
		len += strlen(p);
	va_end(ap);
	r = xmalloc(len + 1);
	va_start(ap, first);
	for (const char *p = first; p; p = va_arg(ap, const char *)) {
		size_t n = strlen(p);

		memcpy(r + at, p, n);
		at += n;
	}
	va_end(ap);
	r[at] = '\0';
	return r;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

void buf_grow(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need < b->len)
		abort();
	if (need <= b->alloc)
		return;
	b->alloc = b->alloc ? b->alloc : 64;
	while (b->alloc < need)
		b->alloc *= 2;
	b->s = xrealloc(b->s, b->alloc);
	b->s[b->len] = '\0';	/* the promise of util.h, even before the first add */
}

void buf_add(struct buf *b, const void *data, size_t n)
{
	buf_grow(b, n);
	if (n)
		memcpy(b->s + b->len, data, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void buf_adds(struct buf *b, const char *s) { buf_add(b, s, strlen(s)); }
void buf_addc(struct buf *b, char c)
{
	if (b->len + 2 > b->alloc)
		buf_grow(b, 1);
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	size_t room = b->alloc > b->len ? b->alloc - b->len : 0;

	/* One pass when it fits the room left, a second only when it does not. */
	va_copy(ap2, ap);
	n = vsnprintf(room ? b->s + b->len : NULL, room, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		abort();
	if ((size_t)n >= room) {
		buf_grow(b, (size_t)n);
		vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	}
	b->len += (size_t)n;
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

void buf_release(struct buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->alloc = 0;
}

char *buf_detach(struct buf *b, size_t *ret_len)
{
	char *s;

	buf_grow(b, 0);
	s = b->s;
	if (ret_len)
		*ret_len = b->len;
	b->s = NULL;
	b->len = b->alloc = 0;
	return s;
}

int read_fd(int fd, struct buf *out, struct stat *ret_st)
{
	struct stat st;

	buf_reset(out);
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return S_ISDIR(st.st_mode) ? -EISDIR : -ENOTREG;
	/* st_size is only a hint: the file may grow while it is read */
	buf_grow(out, st.st_size > 0 && st.st_size <= READ_FILE_MAX ? (size_t)st.st_size : 0);
	while (out->len <= READ_FILE_MAX) {
		ssize_t n;

		buf_grow(out, 65536);
		n = read(fd, out->s + out->len, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0) {
			if (ret_st)
				*ret_st = st;
			return 0;
		}
		out->len += (size_t)n;
		out->s[out->len] = '\0';
	}
	return -EFBIG;
}

/* O_NONBLOCK: a FIFO planted in the file's place must not hang the open. */
static int read_with(const char *path, int flags, struct buf *out, struct stat *ret_st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | flags), r;

	buf_reset(out);
	if (fd < 0)
		return -errno;
	r = read_fd(fd, out, ret_st);
	close(fd);
	if (r < 0)
		buf_reset(out);
	return r;
}

int read_file(const char *path, struct buf *out, struct stat *ret_st)
{
	return read_with(path, O_NOFOLLOW, out, ret_st);
}

int read_file_follow(const char *path, struct buf *out, struct stat *ret_st)
{
	return read_with(path, 0, out, ret_st);
}

int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

size_t edit_distance_max(const char *a, const char *b, size_t max)
{
	size_t la = strlen(a), lb = strlen(b), small[64], *row = small, inf, r;

	/* The distance is at least the difference in length. */
	if ((la > lb ? la - lb : lb - la) > max)
		return max + 1;
	/* Only cells within max of the diagonal can be max or less (Ukkonen). */
	inf = max + 1;
	if (lb >= sizeof(small) / sizeof(*small))
		row = xcalloc(lb + 1, sizeof(*row));
	for (size_t j = 0; j <= lb; j++)
		row[j] = j < inf ? j : inf;
	for (size_t i = 1; i <= la; i++) {
		size_t lo = i > max ? i - max : 1, hi = i + max < lb ? i + max : lb;
		size_t diag = row[lo - 1], low = inf;

		row[lo - 1] = lo == 1 && i < inf ? i : inf;
		if (row[lo - 1] < low)
			low = row[lo - 1];
		for (size_t j = lo; j <= hi; j++) {
			size_t up = row[j];
			size_t best = diag + (tolower((unsigned char)a[i - 1]) !=
					      tolower((unsigned char)b[j - 1]));

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			if (best > inf)
				best = inf;
			row[j] = best;
			diag = up;
			if (best < low)
				low = best;
		}
		/* A row never goes below its minimum: past max already. */
		if (low > max)
			break;
	}
	r = row[lb] > max ? max + 1 : row[lb];
	if (row != small)
		free(row);
	return r;
}

size_t edit_distance(const char *a, const char *b)
{
	/* No distance exceeds the longer length. */
	return edit_distance_max(a, b, strlen(a) + strlen(b));
}

bool str_has_suffix(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && !strcmp(s + ls - lx, suffix);
}

const char *path_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

char *path_join(const char *dir, const char *name)
{
	size_t ld = strlen(dir);

	while (ld > 1 && dir[ld - 1] == '/')
		ld--;
	while (*name == '/')
		name++;
	if (ld == 1 && dir[0] == '/')
		return xasprintf("/%s", name);
	return xasprintf("%.*s/%s", (int)ld, dir, name);
}

int mkdir_p(const char *path, mode_t mode)
{
	char *p = xstrdup(path);
	int r = 0;

	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		{
			char saved = *s;

			*s = '\0';
			if (mkdir(p, mode) < 0 && errno != EEXIST) {
				r = -errno;
				break;
			}
			*s = saved;
		}
		if (*s == '\0')
			break;
	}
	free(p);
	return r;
}

const char *errstr(int neg_errno)
{
	int e = neg_errno < 0 ? -neg_errno : neg_errno;

	/* the errors of the no-follow reader and writer, in words */
	if (e == ELOOP)
		return "it is a symbolic link, and wslbridge follows no link there";
	if (e == ENOTREG)
		return "it is not a regular file (a FIFO, a device or a socket?)";
	if (e == EFBIG)
		return "it is larger than the " READ_FILE_MAX_WORDS " wslbridge reads";
	if (e == ESTALE)
		return "it changed since the plan was made";
	return strerror(e);
}

const char *nearest_word(const char *word, const char *const *names, size_t n)
{
	const char *best = NULL;
	size_t best_d = 3;

	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(word, names[i]);

		/* close in spelling, or the start of a name (3 letters or more) */
		if (d < best_d || (strlen(word) >= 3 && !strncmp(names[i], word, strlen(word)))) {
			best_d = d < best_d ? d : best_d;
			best = names[i];
		}
	}
	return best;
}
