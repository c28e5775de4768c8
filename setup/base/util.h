/* SPDX-License-Identifier: MIT */
/*
 * util.h - growable byte buffers, allocation that aborts on OOM, whole-file
 * reads, and small string helpers shared by every module.
 *
 * struct buf is always NUL-terminated (buf.s[buf.len] == 0) so it can be
 * used as a C string when it holds text; it may also hold NUL bytes.
 * BUF_INIT makes an empty buffer that buf_release() accepts.
 */
#ifndef WB_UTIL_H
#define WB_UTIL_H

#include <stddef.h>
#include <stdbool.h>
#include <errno.h>
#include <sys/types.h>

struct buf {
	char *s;
	size_t len, alloc;
};
#define BUF_INIT { NULL, 0, 0 }

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#include <stdarg.h>
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
/*
 * The strings joined, up to a NULL: for messages made once per line of a
 * big file, where printf's cost showed (issue 23).
 */
char *xjoin(const char *first, ...) __attribute__((sentinel));

void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *data, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void buf_reset(struct buf *b);
void buf_release(struct buf *b);
/* Hand the bytes to the caller (never NULL) and reset b. */
char *buf_detach(struct buf *b, size_t *ret_len);

/*
 * Read a whole file, the one way wslbridge reads what a user or Windows may
 * have put there: a link as the final component is not followed (-ELOOP),
 * anything but a regular file is refused unread (-ENOTREG, -EISDIR; a FIFO
 * does not hang the open), and more than READ_FILE_MAX bytes is -EFBIG.
 * Returns 0 and fills out (reset first), -ENOENT when it does not exist, or
 * another -errno.  ret_st (may be NULL) is the file that was read.
 */
#define READ_FILE_MAX (4u << 20)
#define READ_FILE_MAX_WORDS "4 MiB"
#define ENOTREG EMEDIUMTYPE	/* not a regular file: an errno nothing else here returns */
struct stat;
int read_file(const char *path, struct buf *out, struct stat *ret_st);
/* The same, following a final link: only for system files that are links
 * by design and that only root can change (/etc/resolv.conf). */
int read_file_follow(const char *path, struct buf *out, struct stat *ret_st);
/* The same from an open descriptor (not closed). */
int read_fd(int fd, struct buf *out, struct stat *ret_st);

/* Write all of buf to fd, retrying short writes: 0 or -errno. */
int write_all(int fd, const void *data, size_t len);

/* Levenshtein distance, case-insensitive, for "did you mean" hints. */
size_t edit_distance(const char *a, const char *b);
/* The same, or max + 1 as soon as it is known to exceed max (cheap). */
size_t edit_distance_max(const char *a, const char *b, size_t max);
/* The one of the n names word was most likely meant as, or NULL. */
const char *nearest_word(const char *word, const char *const *names, size_t n);

bool str_has_suffix(const char *s, const char *suffix);
/* The final component of a path (no allocation). */
const char *path_basename(const char *path);
/* A new string with dir and name joined by exactly one '/'. */
char *path_join(const char *dir, const char *name);
/* mkdir -p with mode for each created component: 0 or -errno. */
int mkdir_p(const char *path, mode_t mode);

/* strerror for a -errno. */
const char *errstr(int neg_errno);

#endif
