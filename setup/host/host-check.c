/* SPDX-License-Identifier: MIT */
/* host-check.c - see host-check.h. */
#include "host/host-check.h"
#include "host/wslenv.h"
#include "base/util.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* A DNS name as resolv.conf takes it: labels of letters, digits, - and _. */
bool host_domain_valid(const char *d, bool underscore)
{
	size_t label = 0, total = strlen(d);

	if (!total || total > 253 || d[total - 1] == '-')
		return false;
	for (const char *p = d; *p; p++) {
		if (*p == '.' && label && p[-1] != '-') {
			label = 0;
		} else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			   (*p == '_' && underscore) || (*p == '-' && label)) {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
	}
	return label > 0;
}

static bool ipv4_ok(const char *s)
{
	struct in_addr a;

	return inet_pton(AF_INET, s, &a) == 1;
}

/* The value as it would be printed in an error: control characters shown. */
static char *shown(const char *v)
{
	struct buf b = BUF_INIT;

	for (const unsigned char *p = (const unsigned char *)v; *p && b.len < 200; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '\\' || *p == '"')
			buf_addf(&b, *p == '\\' || *p == '"' ? "\\%c" : "\\x%02x", *p);
		else
			buf_addc(&b, (char)*p);
	}
	return buf_detach(&b, NULL);
}

static char *refuse(const char *what, const char *value, const char *why)
{
	char *v = shown(value), *r = xasprintf("%s \"%s\" %s", what, v, why);

	free(v);
	return r;
}

char *host_path_check(const char *what, const char *win)
{
	const char *why = win ? wslenv_windows_path_problem(win) : NULL;
	char *because, *r;

	if (!why)
		return NULL;
	because = xasprintf("is not a plain Windows path (%s), so it could lead outside the Windows drive", why);
	r = refuse(what, win, because);
	free(because);
	return r;
}

char *host_state_check(const struct host_state *st)
{
	char *why = host_path_check("the user profile folder", st->profile);

	if (!why)
		why = host_path_check("the TEMP folder", st->temp);
	for (size_t i = 0; !why && i < st->nadapters; i++) {
		const struct host_adapter *a = &st->adapters[i];

		for (size_t k = 0; !why && k < a->ndns; k++)
			if (!ipv4_ok(a->dns[k]))
				why = refuse("the DNS server", a->dns[k], "is not an IPv4 address");
		if (!why && a->dns_suffix && *a->dns_suffix && !host_domain_valid(a->dns_suffix, true))
			why = refuse("the DNS suffix", a->dns_suffix, "is not a domain name");
	}
	for (size_t i = 0; !why && i < st->ndns_search; i++)
		if (!host_domain_valid(st->dns_search[i], true))
			why = refuse("the DNS search suffix", st->dns_search[i], "is not a domain name");
	return why;
}
