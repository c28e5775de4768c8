/* SPDX-License-Identifier: MIT */
/*
 * ini.h - .wslconfig and /etc/wsl.conf as WSL reads them, with every line
 * kept as a byte span so that edits move only the bytes they must.
 *
 * The reader follows WSL's own parser (reference wsl-config-and-networking.md
 * §1): '#' comments, [section] and key=value with quotes and the escapes
 * \\ \" \b \n \t and backslash-newline, first occurrence wins, the
 * [experimental] aliases, invalid lines skipped in .wslconfig but ending the
 * read of wsl.conf, keys after a bad [header] getting mangled names, CRLF
 * (converted by the Windows CRT, raw on Linux), BOMs and UTF-16LE.  What the
 * CRT does to a .wslconfig before WSL sees it (Ctrl-Z, bad UTF-8, UTF-16
 * units) is in ini-stream.h; values keep 8 bits of each character and end
 * at the first NUL, as WSL's std::string and c_str() do.
 *
 * Calling sequence: ini_load() (bytes -> doc), then ini_get()/ini_find(),
 * the editor in ini-edit.h, and ini_release().  Nothing here prints.
 */
#ifndef WB_INI_H
#define WB_INI_H

#include "conf/keys.h"
#include "base/strpool.h"
#include "base/util.h"

#include <stdbool.h>
#include <stdint.h>

enum ini_encoding {
	ENC_UTF8,	/* or plain bytes; for wsl.conf always this */
	ENC_UTF8_BOM,	/* .wslconfig with EF BB BF (the CRT strips it) */
	ENC_UTF16LE,	/* .wslconfig with FF FE (the CRT decodes it) */
	ENC_UTF16BE,	/* .wslconfig with FE FF: the CRT refuses to open it */
};

/*
 * INI_UNREAD: the bytes after the point where WSL's reading of a .wslconfig
 * ends (doc->stop_why says why); the whole file for a UTF-16BE one.
 */
enum ini_line_type { INI_BLANK, INI_COMMENT, INI_SECTION, INI_ENTRY, INI_INVALID, INI_UNREAD };

/*
 * Offsets are 32 bits (the reader takes texts below 4 GiB) and the small
 * fields come first: 88 bytes a line, not 144, for the line arrays of a
 * big file and of an edit's re-read (issue 23).
 */
#define INI_NO_COMMENT UINT32_MAX
struct ini_line {
	enum ini_line_type type;
	unsigned lineno;	/* physical line of begin, 1-based */
	bool ignored;		/* wsl.conf: WSL stopped reading before it */
	bool value_cut;		/* INI_ENTRY: a NUL (or a character ending in 00) cut it */
	bool value_lossy;	/* .wslconfig: a non-ASCII character cut to 8 bits */
	bool bad_header;	/* INI_INVALID: an invalid [section] line */
	uint32_t begin, end;	/* [begin, end) in doc->text, terminator included */
	/* INI_ENTRY */
	uint32_t key_begin, key_end;	/* key as written */
	uint32_t val_begin, val_end;	/* raw value text, edge blanks excluded */
	uint32_t comment;	/* offset of a trailing '#', or INI_NO_COMMENT */
	uint32_t value_len;	/* up to the first NUL: WSL passes c_str() on */
	/* INI_INVALID */
	uint32_t errpos;	/* offset of the offending byte */
	long header;		/* index of the [header] line above, or -1 */
	char *section;		/* INI_SECTION: the name as written */
	char *name;		/* INI_ENTRY: "section.key" as WSL computes it */
	char *value;		/* INI_ENTRY: decoded as WSL reads it */
	char *error;		/* INI_INVALID: WSL's message, e.g. "Expected '='" */
};

struct ini_doc {
	enum ini_kind kind;
	enum ini_encoding enc;
	struct buf text;	/* what the parser reads (BOM/UTF-16 removed) */
	struct ini_line *lines;
	size_t nlines;
	long stop;		/* wsl.conf: first invalid line; .wslconfig: the
				   INI_UNREAD line; or -1 */
	bool lone_backslash;	/* wsl.conf ends in an unfinished escape: WSL throws */
	int stop_why;		/* .wslconfig: enum ini_stop_why (ini-stream.h) */
	bool odd_byte;		/* UTF-16LE with an odd byte count: the CRT drops */
	unsigned char odd;	/*   the last byte; kept here, written back */
	struct strpool strings;	/* the lines' section, name, value and error */
};
#define INI_DOC_INIT { INI_WSLCONFIG, ENC_UTF8, BUF_INIT, NULL, 0, -1, false, 0, false, 0, \
		       STRPOOL_INIT }

/* Parse bytes.  0 (every file can be read: WSL reads something or nothing). */
int ini_load(struct ini_doc *doc, enum ini_kind kind, const char *data, size_t len);
/*
 * The same for the bytes in text, which doc takes over instead of copying
 * when the parser reads them as they are (true; text is then empty): an
 * edit re-reads its whole result (issue 23).
 */
bool ini_load_buf(struct ini_doc *doc, enum ini_kind kind, struct buf *text);
void ini_release(struct ini_doc *doc);
/* The file's bytes for doc->text in the file's own encoding. */
int ini_encode(const struct ini_doc *doc, const char *text, size_t len, struct buf *out);

/* Index of the line WSL takes fullname from, or -1. */
long ini_find(const struct ini_doc *doc, const char *fullname);
/* The value WSL reads for fullname, or NULL. */
const char *ini_value(const struct ini_doc *doc, const char *fullname);
/*
 * Index of the first occurrence of every key (aliases and case folded), for
 * comparing whole readings in linear time.  ini_index_get: line or -1.
 */
struct ini_index {
	struct ini_index_slot { char *key; size_t hash; long line; } *slots;
	size_t cap;
	long *first;	/* per line of the doc: the line WSL takes its key from, or -1 */
};
void ini_index_build(const struct ini_doc *doc, struct ini_index *idx);
long ini_index_get(const struct ini_index *idx, const struct ini_doc *doc, const char *name);
/* The same, for a key already folded as the index folds it (slot keys). */
long ini_index_find(const struct ini_index *idx, const char *folded);
void ini_index_free(struct ini_index *idx);

/*
 * Why WSL stops reading at doc->stop, as a phrase to put after "line N"
 * (" (a Ctrl-Z character ends the file for Windows)"), or "".
 */
const char *ini_stop_reason(const struct ini_doc *doc);

/* The physical line number of byte offset pos, and its column (1-based). */
unsigned ini_line_of(const struct ini_doc *doc, size_t pos, unsigned *ret_col);
/* The terminator ("\n", "\r\n" or "\r") a line ends with, "" at EOF. */
const char *ini_line_terminator(const struct ini_doc *doc, const struct ini_line *l);

#endif
