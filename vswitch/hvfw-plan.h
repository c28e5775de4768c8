/* SPDX-License-Identifier: MIT */
/*
 * hvfw-plan.h - Hyper-V firewall rules that let chosen ports into WSL in
 * mirrored mode (rules for WSL's VM creator id; Windows 11 22H2+).  Rules
 * wslbridge makes are named wslbridge-allow-PROTO-PORT; it removes no other.
 */
#ifndef WB_HVFW_PLAN_H
#define WB_HVFW_PLAN_H

#include "base/ports.h"
#include "vswitch/switch-plan.h"

/* Whether an enabled inbound Allow rule (or an Allow default) lets p in. */
bool hvfw_port_open(const struct host_state *st, const struct port_spec *p);
/* For the probe hvfw.unopened: "none", or the asked ports not let in. */
char *hvfw_unopened(const struct host_state *st, const char *ports_csv);
/* One hvfw-allow action per port not yet let in, each undone by hvfw-remove. */
void hvfw_plan(const struct host_state *st, const struct port_spec *ps, size_t n, struct win_plan *p);

#endif
