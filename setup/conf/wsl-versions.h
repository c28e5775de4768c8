/* SPDX-License-Identifier: MIT */
/*
 * wsl-versions.h - the one table of WSL behaviour that depends on the WSL
 * version (lint, check and setup all ask it).  Each row names the versions
 * it holds for and its source, so a message can say both.  Pure data and
 * predicates; nothing prints.
 */
#ifndef WB_WSL_VERSIONS_H
#define WB_WSL_VERSIONS_H

#include <stdbool.h>

/* A WSL package version as `wsl --version` prints it: 2.7.1.0. */
struct wsl_version {
	int part[4];
};

/* 0, or -EINVAL when s is not 1 to 4 dot-separated decimal numbers. */
int wsl_version_parse(const char *s, struct wsl_version *ret);
int wsl_version_cmp(const struct wsl_version *a, const struct wsl_version *b);

enum wsl_fact {
	WSLF_BRIDGED,		/* networkingMode=bridged exists */
	WSLF_MIRRORED,		/* networkingMode=mirrored exists */
	/* bridged DHCP, mirrored ports, how WSL reads its files, withdrawn warnings */
	WSLF_BRIDGED_DHCP_NO_DNS,	/* bridged DHCP asks for no DNS servers, domain or MTU */
	WSLF_MIRRORED_PORTS_DYNAMIC,	/* mirrored: no guest binds in the host's dynamic range */
	WSLF_MIRRORED_PORTS_DYNAMIC_HALF,	/* mirrored: at most half of that range */
	WSLF_MIRRORED_IPV6_FALLBACK,	/* mirrored falls back to NAT when IPv6 is off on the host */
	WSLF_DHCP_TIMEOUT_ROUNDED,	/* dhcpTimeout rounded to seconds: below 500 is 0 */
	WSLF_WSLCONFIG_8BIT,		/* .wslconfig values keep 8 bits of each character */
	WSLF_BRIDGED_DEPRECATED_WARNING,	/* printed "bridged will be deprecated" (withdrawn) */
	/* modes and DNS */
	WSLF_CONSOMME,		/* the user-mode NAT mode exists (as VirtioProxy, later Consomme) */
	WSLF_CONSOMME_NAME,	/* it is spelled Consomme (virtioproxy still accepted) */
	WSLF_DNS_TUNNEL_DEFAULT,	/* dnsTunneling is on unless .wslconfig says false */
	WSLF_CONSOMME_DNS_TUNNEL,	/* DNS tunnelling works in Consomme (was forced off for VirtioProxy) */
	WSLF_FACT_COUNT
};

enum wsl_answer { WSLA_NO, WSLA_YES, WSLA_UNKNOWN };

struct wsl_fact_row {
	enum wsl_fact fact;
	const char *what;	/* one phrase: "bridged mode" */
	/*
	 * Where the fact holds: space-separated ranges "A..B" (both included;
	 * a B of two parts, "2.7", takes in every 2.7.x), "A.." (A and later),
	 * "..B" (up to B), "A" (that version only, any build).  Versions
	 * outside every range do not have it.
	 */
	const char *holds;
	const char *source;	/* commit, issue or doc that says so */
	const char *note;	/* what it means for the user, one sentence; NULL: nothing more */
	bool withdrawn;		/* a warning WSL printed and later took back: it no longer holds */
};

const struct wsl_fact_row *wsl_fact_row(enum wsl_fact fact);

/*
 * Does fact hold for the WSL version text `version` (as observed: NULL or ""
 * when unknown)?  WSLA_UNKNOWN when the version is unknown or unparsable.
 */
enum wsl_answer wsl_fact_holds(enum wsl_fact fact, const char *version);

/* The versions it holds for, in words: "2.0.0 to 2.5.3, 2.5.5 and later".  Allocated. */
char *wsl_fact_versions_text(enum wsl_fact fact);

/*
 * One sentence for a message: "<what> (WSL <versions>; <source>)", and the
 * row's note after it when it has one.  Allocated.
 */
char *wsl_fact_sentence(enum wsl_fact fact);

#endif
