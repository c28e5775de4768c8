/* SPDX-License-Identifier: MIT */
/* ports.c - see ports.h. */
#include "base/ports.h"
#include "base/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

unsigned port_number(const char *s, size_t len)
{
	unsigned long v = 0;

	if (!len || len > 5 || *s == '0')
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v <= 65535 ? (unsigned)v : 0;
}

int port_spec_parse(const char *s, struct port_spec *p, char **ret_why)
{
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);

	p->udp = false;
	if (slash && !strcasecmp(slash + 1, "udp"))
		p->udp = true;
	else if (slash && strcasecmp(slash + 1, "tcp")) {
		*ret_why = xasprintf("'%s': the protocol after '/' must be tcp or udp", s);
		return -EINVAL;
	}
	p->port = port_number(s, len);
	if (!p->port) {
		*ret_why = xasprintf("'%s' is not a port: use a number from 1 to 65535, optionally with /tcp or /udp", s);
		return -EINVAL;
	}
	return 0;
}

int port_list_add(struct port_spec *ps, size_t *n, struct port_spec p)
{
	for (size_t i = 0; i < *n; i++)
		if (ps[i].port == p.port && ps[i].udp == p.udp)
			return 0;
	if (*n == PORTS_MAX)
		return -E2BIG;
	ps[(*n)++] = p;
	return 0;
}

int port_list_parse(const char *csv, struct port_spec *ps, size_t *n, char **ret_why)
{
	*n = 0;
	for (const char *w = csv ? csv : ""; *w;) {
		size_t len = strcspn(w, ",");
		char *one = xstrndup(w, len);
		struct port_spec p;
		int r = len ? port_spec_parse(one, &p, ret_why) : 0;

		free(one);
		if (r < 0)
			return r;
		if (len && port_list_add(ps, n, p) < 0) {
			*ret_why = xasprintf("more than %d ports: open a range in the Hyper-V firewall yourself",
					 PORTS_MAX);
			return -EINVAL;
		}
		w += len + (w[len] == ',');
	}
	return 0;
}

char *port_list_format(const struct port_spec *ps, size_t n)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, "");
	for (size_t i = 0; i < n; i++)
		buf_addf(&b, "%s%u%s", i ? "," : "", ps[i].port, ps[i].udp ? "/udp" : "");
	return buf_detach(&b, NULL);
}
