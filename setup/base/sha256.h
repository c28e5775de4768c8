/* SPDX-License-Identifier: MIT */
/*
 * sha256.h - SHA-256 (FIPS 180-4), for telling the elevated host agent which
 * agent and request files it may trust.  Written from the standard.
 */
#ifndef WB_SHA256_H
#define WB_SHA256_H

#include <stddef.h>

/* Lowercase hex digest of data into hex[65] (NUL-terminated). */
void sha256_hex(const void *data, size_t len, char hex[65]);

#endif
