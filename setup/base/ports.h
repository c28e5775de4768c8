/* SPDX-License-Identifier: MIT */
/*
 * ports.h - port numbers as users write them: "8080", "8080/tcp",
 * "5353/udp", and comma lists of them ("8080,5353/udp").  One parser for
 * --allow-port, forward specs and target parameters.
 */
#ifndef WB_PORTS_H
#define WB_PORTS_H

#include <stdbool.h>
#include <stddef.h>

struct port_spec {
	unsigned port;		/* 1..65535 */
	bool udp;
};

#define PORTS_MAX 32

/* 0, or -EINVAL with *ret_why (allocated) saying what is wrong. */
int port_spec_parse(const char *s, struct port_spec *p, char **ret_why);
/* Parses csv into ps[PORTS_MAX] (duplicates dropped); 0 or -EINVAL with *ret_why. */
int port_list_parse(const char *csv, struct port_spec *ps, size_t *n, char **ret_why);
/* Adds p to ps[PORTS_MAX] unless it is there: 0, or -E2BIG when full. */
int port_list_add(struct port_spec *ps, size_t *n, struct port_spec p);
/* "8080,5353/udp" (allocated); "" for none. */
char *port_list_format(const struct port_spec *ps, size_t n);
/* One port number "1".."65535" with nothing else; 0 if s is not one. */
unsigned port_number(const char *s, size_t len);

#endif
