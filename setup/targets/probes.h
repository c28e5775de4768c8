/* SPDX-License-Identifier: MIT */
/*
 * probes.h - the Windows-side probes (probes-windows.c) and the WSL-version ones
 * (probes-wsl.c), for compare.c's
 * probe table; each reduces the observation to a value, as compare.h says.
 */
#ifndef WB_PROBES_H
#define WB_PROBES_H

#include "targets/compare.h"

/* switch.*: inferred, or unknown, when Hyper-V's switches could not be read */
void probe_switch(const struct expectation *e, const struct observation *o, struct probe_out *out);
char *probe_adapter(const struct expectation *e, const struct observation *o);
char *probe_wsl_bridged(const struct expectation *e, const struct observation *o);
char *probe_mirrored(const struct expectation *e, const struct observation *o);
char *probe_ipv6(const struct expectation *e, const struct observation *o);
char *probe_wsl_mirrored(const struct expectation *e, const struct observation *o);
char *probe_wsl_consomme(const struct expectation *e, const struct observation *o);
char *probe_hvfw_unopened(const struct expectation *e, const struct observation *o);
void probe_hyperv(const struct expectation *e, const struct observation *o, struct probe_out *out);
char *probe_build(const struct expectation *e, const struct observation *o);
char *probe_policy_mode(const struct expectation *e, const struct observation *o);
char *probe_forward_stale(const struct expectation *e, const struct observation *o);
char *probe_ip_helper(const struct expectation *e, const struct observation *o);
/* probes-wsl.c: what WSL makes of a value, by its version */
char *probe_mac_fit(const struct expectation *e, const struct observation *o);
void probe_dns(const struct expectation *e, const struct observation *o, struct probe_out *out);

#endif
