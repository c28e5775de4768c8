/* SPDX-License-Identifier: MIT */
/*
 * keys.h - the keys WSL reads from .wslconfig and /etc/wsl.conf, their value
 * types, and the checks WSL applies to values (reference: WslCoreConfig.cpp
 * and WslDistributionConfig.cpp key tables).  Pure data and predicates: no
 * printing; messages are returned as allocated strings.
 */
#ifndef WB_KEYS_H
#define WB_KEYS_H

#include <stdbool.h>
#include <stddef.h>

enum ini_kind { INI_WSLCONFIG, INI_WSLCONF };

enum key_type {
	KT_BOOL, KT_INT, KT_MEMSIZE, KT_ENUM, KT_MAC, KT_STRING, KT_PATH,
	KT_IPV4, KT_PORTS,
};

enum key_flags {
	KEY_EXPERIMENTAL_ALIAS = 1 << 0,	/* also read as [experimental] name */
	KEY_OCTAL_NATURAL = 1 << 1,		/* a leading 0 (octal) is expected */
};

struct key_def {
	const char *section, *name;
	enum key_type type;
	const char *const *values;	/* KT_ENUM: canonical spellings, NULL-ended */
	unsigned flags;
};

/* "wslconfig" / "wslconf" and the user-facing file name for messages. */
const char *ini_kind_name(enum ini_kind kind);
const char *ini_kind_file(enum ini_kind kind);

/*
 * Find the key WSL means by "section.key" (case-insensitive, [experimental]
 * aliases included).  NULL when WSL does not know it.
 */
const struct key_def *keys_lookup(enum ini_kind kind, const char *fullname);
/* True when a and b name the same key for WSL (aliases and case folded). */
bool keys_same(enum ini_kind kind, const char *a, const char *b);

/*
 * Why WSL does not know fullname, as one sentence: a did-you-mean, "only
 * under [experimental]", or "belongs in the other file".  Allocated.
 */
char *keys_explain_unknown(enum ini_kind kind, const char *fullname);

/*
 * How WSL takes a value it has read for def (its per-type rules): KR_OK as
 * it is; KR_CHANGED it takes it but not as written (clamped, wrapped,
 * partly skipped: *ret_why says how); KR_REFUSED it warns and keeps its
 * default (*ret_why says why).  *ret_why is allocated, or NULL for KR_OK.
 */
enum key_read { KR_OK, KR_CHANGED, KR_REFUSED };
enum key_read key_read_check(enum ini_kind kind, const struct key_def *def,
			     const char *value, size_t len, char **ret_why);

/*
 * May `set` write value (len bytes) for def?  Only when WSL reads it back
 * exactly and takes it as it is (key_read_check() gives KR_OK), and a MAC
 * only when it is fit for a LAN (key_mac_unfit()).  0 when it would; -EINVAL with
 * an allocated *ret_why naming the accepted forms otherwise.  Non-ASCII in a
 * .wslconfig value and characters no escape can carry are refused for every
 * key (def may be NULL for an unknown key).
 */
int key_check_value(enum ini_kind kind, const struct key_def *def,
		    const char *value, size_t len, char **ret_why);

/*
 * Why a MAC WSL accepts is still unfit for eth0 on a LAN: WSL's own default
 * (the same on every PC), multicast, broadcast or all zeros.  Allocated, or
 * NULL when it is fit (or not a MAC at all: key_read_check says that).
 */
char *key_mac_unfit(const char *mac);

/* Iterate the table: returns NULL past the end. */
const struct key_def *keys_at(enum ini_kind kind, size_t i);

#endif
