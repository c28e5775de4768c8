/* SPDX-License-Identifier: MIT */
/*
 * observe.h - one observation of the whole machine: Windows (one host agent
 * launch, unless offline), the WSL environment, the Linux network state and
 * the two config files as WSL reads them.  check, setup and repair all
 * compare a target against this.
 */
#ifndef WB_OBSERVE_H
#define WB_OBSERVE_H

#include "host/host.h"
#include "conf/ini.h"
#include "observe/linux-observe.h"

#include <stdbool.h>

struct observation {
	const struct wb_ctx *ctx;
	bool have_windows;
	struct host host;		/* open when have_windows */
	struct host_state win;
	struct wsl_env env;		/* offline: detected here */
	struct linux_state lx;		/* eth0 */
	char *wslconfig_path;		/* NULL: unknown (offline, no override) */
	struct ini_doc wslconfig, wslconf;
};

/*
 * 0, or -errno with *ret_why when Windows could not be observed (offline
 * never fails).  WSLBRIDGE_WSLCONFIG overrides where .wslconfig is.
 */
int observation_gather(const struct wb_ctx *ctx, bool offline, struct observation *o,
		       char **ret_why);
void observation_release(struct observation *o);
const struct wsl_env *observation_env(const struct observation *o);
/*
 * The one answer to "which mode is WSL in": what wslinfo says it applied,
 * else what .wslconfig asks for, else WSL's default (nat).  *ret_from (if
 * not NULL) says which of "wslinfo", ".wslconfig" or "default" it is.
 */
const char *observation_mode(const struct observation *o, const char **ret_from);

#endif
