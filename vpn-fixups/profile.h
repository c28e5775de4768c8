/* SPDX-License-Identifier: MIT */
/*
 * profile.h - VPN profiles: XML in templates/vpn/ (schema profile.rng),
 * added to or overridden by /etc/wslbridge/vpn/NAME.xml.  A profile
 * recognises its client's Windows adapter by InterfaceDescription and says
 * how to fix MTU, DNS and Windows for it.
 */
#ifndef WB_PROFILE_H
#define WB_PROFILE_H

#include "base/ctx.h"
#include "targets/target.h"

#include <stdbool.h>
#include <stddef.h>

struct vpn_profile {
	char *name, *summary, *file;
	char **patterns;	/* PCRE2, matched whole, case-insensitive, " #N" allowed */
	size_t npatterns;
	bool mtu_probe;		/* strategy probe (else auto: the adapter's NlMtu) */
	int mtu_fallback;
	char *dns;		/* auto, tunnel or static */
	int metric;		/* interface-metric fix, or 0 */
	char *metric_note;
};

struct vpn_profiles {
	struct vpn_profile *p;
	size_t n;
};

/* 0, or -EINVAL with *err naming the broken file. */
int vpn_profiles_load(const struct wb_ctx *ctx, struct vpn_profiles *ps, struct target_error *err);
void vpn_profiles_release(struct vpn_profiles *ps);
const struct vpn_profile *vpn_profile_find(const struct vpn_profiles *ps, const char *name);
/* The profile whose pattern matches description, or NULL. */
const struct vpn_profile *vpn_profile_match(const struct vpn_profiles *ps, const char *description);
/* "anyconnect, checkpoint, ..." (allocated), for messages. */
char *vpn_profile_names(const struct vpn_profiles *ps);

#endif
