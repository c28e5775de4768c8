/* SPDX-License-Identifier: MIT */
/* match.c - see match.h. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "base/match.h"
#include "base/util.h"

#include <errno.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>

static struct {
	const char *name, *pattern;
	pcre2_code *code;
} table[RE__COUNT] = {
	[RE_MAC] = { "mac", "[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\\1[0-9A-Fa-f]{2}){4}", NULL },
	[RE_NAME] = { "name", "[A-Za-z][A-Za-z0-9]*", NULL },
	/* reference windows-hyperv-vpn.md §6.7; the VPN profiles refine this. */
	[RE_VPN_ADAPTER] = { "vpn-adapter", "(?i)(?:Cisco (?:AnyConnect|Secure Client)|PANGP Virtual"
		"|Fortinet (?:SSL VPN )?Virtual|Juniper Networks Virtual|Pulse Secure"
		"|Check Point Virtual Network|F5 Networks VPN|SonicWall|Zscaler Network"
		"|TAP-Win|TAP-\\w+ Windows|OpenVPN|WireGuard Tunnel|Wintun|NordLynx"
		"|ExpressVPN|Private Internet Access|Mullvad|Cloudflare WARP|Tailscale"
		"|ZeroTier|LogMeIn Hamachi|Sangfor|Citrix Virtual Adapter).*?(?: #[0-9]+)?", NULL },
};

static int compile_one(int i, size_t *ret_offset)
{
	int err;
	PCRE2_SIZE off;

	if (table[i].code)
		return 0;
	/* Anchored at both ends: callers always mean "the whole value". */
	table[i].code = pcre2_compile((PCRE2_SPTR)table[i].pattern,
				      PCRE2_ZERO_TERMINATED,
				      PCRE2_ANCHORED | PCRE2_ENDANCHORED,
				      &err, &off, NULL);
	if (!table[i].code) {
		*ret_offset = off;
		return -EINVAL;
	}
	return 0;
}

int match_check_all(const char **ret_name, size_t *ret_offset)
{
	for (int i = 0; i < RE__COUNT; i++) {
		size_t off = 0;

		if (compile_one(i, &off) < 0) {
			*ret_name = table[i].name;
			*ret_offset = off;
			return -EINVAL;
		}
	}
	return 0;
}

bool match(enum match_id id, const char *s, size_t len)
{
	pcre2_match_data *md;
	size_t off = 0;
	int rc;

	if (compile_one(id, &off) < 0) {
		fprintf(stderr, "wslbridge: BUG: pattern '%s' does not compile at offset %zu\n",
			table[id].name, off);
		abort();
	}
	md = pcre2_match_data_create_from_pattern(table[id].code, NULL);
	if (!md)
		abort();
	rc = pcre2_match(table[id].code, (PCRE2_SPTR)s, len, 0, 0, md, NULL);
	pcre2_match_data_free(md);
	return rc >= 0;
}

int match_user(const char *pattern, bool nocase, const char *s, char **ret_why)
{
	pcre2_match_data *md;
	pcre2_code *code;
	PCRE2_SIZE off;
	int err, rc;

	code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
			     PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_UTF | (nocase ? PCRE2_CASELESS : 0),
			     &err, &off, NULL);
	if (!code) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(err, msg, sizeof(msg));
		*ret_why = xasprintf("pattern '%s' does not compile at offset %zu: %s", pattern,
				     (size_t)off, (const char *)msg);
		return -EINVAL;
	}
	md = pcre2_match_data_create_from_pattern(code, NULL);
	rc = pcre2_match(code, (PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED, 0, 0, md, NULL);
	pcre2_match_data_free(md);
	pcre2_code_free(code);
	return rc >= 0;
}

void match_free_all(void)
{
	for (int i = 0; i < RE__COUNT; i++) {
		pcre2_code_free(table[i].code);
		table[i].code = NULL;
	}
}
