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
#include <sys/types.h>

/* stat(2) of a file a target names (linux.file-secure). */
struct observed_file {
	char *path;		/* under the root */
	int err;		/* 0, or -errno */
	mode_t mode;
	uid_t uid;
};

struct observation {
	const struct wb_ctx *ctx;
	bool have_windows;
	struct host host;		/* open when have_windows */
	struct host_state win;
	struct wsl_env env;		/* offline: detected here */
	struct linux_state lx;		/* eth0 */
	char *wslconfig_path;		/* NULL: unknown (offline, no override) */
	struct ini_doc wslconfig, wslconf;	/* WSL's defaults when not read */
	int wslconfig_err, wslconf_err;		/* 0, or -errno why not (-ENOENT: missing) */
	char *kernel;			/* the running kernel's release */
	/* When the VM booted (/proc/stat btime: `wsl --shutdown` and a start renew it) and when
	 * .wslconfig was last written, in seconds since the epoch; -1: unknown. */
	long long boot_time, wslconfig_mtime;
	/* What only some targets need, read before they are compared (targets/gather.c). */
	struct linux_state *others;	/* interfaces other than eth0 */
	size_t nothers;
	struct observed_file *files;
	size_t nfiles;
	char *forward_stale;		/* forward.stale's answer; NULL: not read */
};

/*
 * 0, or -errno with *ret_why when Windows could not be observed (offline
 * never fails).  facts: what beyond the basics to ask Windows for (host.h
 * enum host_facts; the sections left out come back unreadable, "unasked").
 * WSLBRIDGE_WSLCONFIG overrides where .wslconfig is.
 */
int observation_gather(const struct wb_ctx *ctx, bool offline, unsigned facts,
		       struct observation *o, char **ret_why);
/* Observe Windows again, for exactly facts, when facts holds some the
 * observation did not ask for (a guess from local files that turned out
 * wrong): 0, or as above. */
int observation_ask_more(struct observation *o, unsigned facts, char **ret_why);
void observation_release(struct observation *o);
const struct wsl_env *observation_env(const struct observation *o);
/*
 * The one answer to "which mode is WSL in": what wslinfo says it applied,
 * else what .wslconfig asks for, else WSL's default (nat).  *ret_from (if
 * not NULL) says which of "wslinfo", ".wslconfig" or "default" it is.
 */
const char *observation_mode(const struct observation *o, const char **ret_from);

/*
 * WSL restarted after .wslconfig was last written and runs another mode than
 * it asks for (virtioproxy and consomme are one): WSL fell back.  Then
 * *ret_asked is .wslconfig's mode (not allocated) and the result is 1; 0 when
 * not (or a restart is still pending); -1 when the times are unknown.
 */
int observation_fell_back(const struct observation *o, const char **ret_asked);

/* The device WSL relays the guest's 127.0.0.1 to Windows over (mirrored and Consomme). */
#define LOOPBACK_RELAY_IF "loopback0"

/*
 * The Windows host's address as seen from WSL in the mode WSL applied
 * (observation_mode): NAT: eth0's default gateway; mirrored: 127.0.0.1 (WSL
 * shares the host's loopback); Consomme: 127.0.0.1 over loopback0 unless
 * localhostForwarding is off or loopback0 is missing (when o read it:
 * observation_add_interface), never eth0's gateway, which is the LAN's
 * router there; bridged: the IPv4 address of the switch's
 * vEthernet adapter on the LAN, which only Windows knows.  0 and *ret_addr;
 * -ENOSYS when bridged and o has no Windows view; else -ENETUNREACH.  Either
 * way *ret_how (allocated) says how it was found, or why there is none.
 */
int observation_host_ip(const struct observation *o, char **ret_addr, char **ret_how);

/* Read the interface ifname / the file path too, once (the I/O of a target's probes). */
void observation_add_interface(struct observation *o, const char *ifname);
void observation_add_file(struct observation *o, const char *path);
/* What was read of them, or NULL when it was not asked for. */
const struct linux_state *observation_interface(const struct observation *o, const char *ifname);
const struct observed_file *observation_file(const struct observation *o, const char *path);

#endif
