/* SPDX-License-Identifier: MIT */
/*
 * host.h - talking to Windows through the host agent.
 *
 * Calling sequence: host_open() checks that we are in WSL2 with interop,
 * finds powershell.exe and learns %TEMP% and %USERPROFILE% (cached in the
 * state directory; the first time, one `cmd.exe /c echo` answers); then
 * host_observe() or host_apply(), each one powershell.exe launch; then
 * host_close().
 *
 * Each call writes the agent (embedded in this binary, so it always matches)
 * and request.xml into a fresh folder under %TEMP%, runs
 *   powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass
 *     -File <agent> -Request <req> -Response <resp> -AgentSha256 <h> -RequestSha256 <h>
 * with stdin from /dev/null and the folder as working directory, reads
 * response.xml and removes the folder.  User values travel only inside
 * request.xml.  Returns 0 or -errno with *ret_why explaining; a failure the
 * agent itself reports (declined UAC, ...) is st->error with 0 returned.
 */
#ifndef WB_HOST_H
#define WB_HOST_H

#include "base/ctx.h"
#include "host/host-state.h"
#include "host/wslenv.h"

#include <stddef.h>

extern const unsigned char host_agent_ps1[];
extern const size_t host_agent_ps1_len;

/* One change on Windows: type and attribute name/value pairs, NULL-ended. */
/* What the agent can be asked to do (templates/host-protocol.rng). */
enum host_action_type {
	HA_NONE = 0, HA_CREATE_SWITCH, HA_BIND_SWITCH, HA_REMOVE_SWITCH, HA_SET_BINDING, HA_SET_METRIC,
	HA_HVFW_ALLOW, HA_HVFW_REMOVE, HA_PORTPROXY_SET, HA_PORTPROXY_DELETE, HA_FWRULE_ADD, HA_FWRULE_DELETE,
	HA_HYPERV_ADMIN_ADD, HA_HYPERV_ADMIN_REMOVE,
};

struct host_action {
	enum host_action_type type;
	const char *attrs[13];	/* name, value, ..., NULL */
};

/* The protocol's name of an action type ("create-switch", ...), or NULL. */
const char *host_action_name(enum host_action_type t);
/* The action type of a protocol name, or HA_NONE. */
enum host_action_type host_action_parse(const char *name);

/*
 * The facts beyond the basics a run asks Windows for: each costs the agent a
 * module import (switches: Hyper-V; the Hyper-V firewall: NetSecurity), so a
 * run asks only for what its mode reads (observe.h observation_wants).  A
 * section not asked for comes back unreadable, reason "unasked".
 */
enum host_facts { HOST_SWITCHES = 1u << 0, HOST_HVFW = 1u << 1, HOST_ALL_FACTS = HOST_SWITCHES | HOST_HVFW };

struct host {
	const struct wb_ctx *ctx;
	struct wsl_env env;
	char *powershell;	/* Linux path of powershell.exe */
	char *temp_win, *profile_win;
	int timeout_ms;
	int launches;		/* powershell.exe starts made through this handle */
	unsigned facts;		/* enum host_facts asked in observe and apply (all after host_open) */
};

/* Why wslbridge cannot work here (not WSL, or WSL1), allocated; NULL when it can. */
char *host_env_refusal(const struct wsl_env *env);
int host_open(const struct wb_ctx *ctx, struct host *h, char **ret_why);
int host_observe(struct host *h, struct host_state *st, char **ret_why);
int host_apply(struct host *h, const struct host_action *a, size_t n,
	       struct host_state *st, char **ret_why);
void host_close(struct host *h);

/*
 * The one place that says where .wslconfig is (allocated), or NULL:
 * WSLBRIDGE_WSLCONFIG when set, else the Linux path of
 * %USERPROFILE%\.wslconfig of host h (h may be NULL: not opened).
 */
char *host_wslconfig_path(const struct host *h);
/* The same without starting anything on Windows (--offline): from the
 * %USERPROFILE% an earlier run cached, else NULL. */
char *host_wslconfig_path_offline(const struct wb_ctx *ctx, const struct wsl_env *env);
/* A sentence for a failure the agent reported (st->error). */
char *host_error_text(const struct host_error *e);

#endif
