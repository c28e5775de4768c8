/* SPDX-License-Identifier: MIT */
/*
 * net-proof.h - whether WSL's network works right now, in three steps a
 * person would check: an IPv4 address on the interface, a default route,
 * and a DNS answer from a nameserver resolv.conf names (doctor's own
 * parts: linux-observe.h and dns-query.h).  For `setup --try`, whose boot
 * hook keeps a new network only once it proves itself.
 */
#ifndef WB_NET_PROOF_H
#define WB_NET_PROOF_H

#include "base/ctx.h"

/* 0 when all three hold, else -1 with *ret_why (allocated): the first that
 * does not, in words.  Waits at most timeout_ms for DNS. */
int net_proof(const struct wb_ctx *ctx, const char *ifname, const char *name, int timeout_ms, char **ret_why);

#endif
