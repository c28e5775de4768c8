/* SPDX-License-Identifier: MIT */
/*
 * match.h - every regular expression the program itself contains, in one
 * table, compiled once with PCRE2 on first use.  A pattern that does not
 * compile is a bug in this file; match_check_all() lets a unit test prove
 * that none does.
 */
#ifndef WB_MATCH_H
#define WB_MATCH_H

#include <stdbool.h>
#include <stddef.h>

enum match_id {
	RE_MAC,		/* WSL MAC: 6 hex pairs, one separator ':' or '-' */
	RE_NAME,	/* a section or key name WSL can read */
	RE_VPN_ADAPTER,	/* InterfaceDescription of a known VPN client's adapter */
	RE__COUNT
};

/* Whole-string match of s[0..len) against pattern id (case-insensitive for
 * RE_VPN_ADAPTER, which also accepts Windows' " #N" instance suffix). */
bool match(enum match_id id, const char *s, size_t len);
/* Compile every pattern: 0, or -EINVAL with *ret_name and *ret_offset set. */
int match_check_all(const char **ret_name, size_t *ret_offset);
void match_free_all(void);

/*
 * A pattern from data (a target file): compiled here, matched against the
 * whole of s.  1 match, 0 no match, -EINVAL with *ret_why (allocated,
 * naming the offset) when the pattern does not compile.
 */
int match_user(const char *pattern, bool nocase, const char *s, char **ret_why);

#endif
