/* SPDX-License-Identifier: MIT */
/*
 * host-check.h - what the host agent's response says is data from Windows,
 * and Windows is not trusted with root's files: the folders it names must be
 * plain Windows paths (so they map under the automount root, never to
 * C:\..\..\etc), DNS servers IPv4 addresses and DNS suffixes domain names
 * (so no newline or other text reaches resolv.conf or the boot settings).
 */
#ifndef WB_HOST_CHECK_H
#define WB_HOST_CHECK_H

#include "host/host-state.h"

/* NULL when the Windows path win (what it is: "the TEMP folder") is plain, else why not. */
char *host_path_check(const char *what, const char *win);
/* Whether d is a domain name: labels of letters, digits and inner '-' (and
 * '_', which Windows' suffixes may carry, if underscore), at most 63 each, 253 in all. */
bool host_domain_valid(const char *d, bool underscore);
/* NULL when st can be used, else what is wrong, in words (free it). */
char *host_state_check(const struct host_state *st);

#endif
