/* SPDX-License-Identifier: MIT */
/*
 * forward.h - NAT port forwards: Windows listens on ADDR:HOSTPORT (netsh
 * portproxy v4tov4, TCP only) and connects to WSL's current address on
 * WSLPORT; a Windows Firewall rule lets the port in.  The forwards wanted
 * are kept in <state>/forwards (one per line); `forward sync` points the
 * rules at WSL's address again after it changed.
 */
#ifndef WB_FORWARD_H
#define WB_FORWARD_H

#include "observe/observe.h"
#include "vswitch/switch-plan.h"

struct forward {
	char *listen;			/* IPv4 address Windows listens on */
	unsigned host_port, wsl_port;
};

struct forwards {
	struct forward *f;
	size_t n;
};

char *forward_store_path(const struct wb_ctx *ctx);
/* A missing file is no forwards; 0, or -EBADMSG with *ret_why (file:line). */
int forwards_load(const char *path, struct forwards *fs, char **ret_why);
void forwards_render(const struct forwards *fs, struct buf *out);
void forwards_release(struct forwards *fs);
/* Appends a copy of f. */
void forwards_add(struct forwards *fs, const struct forward *f);
/* Index of the forward listening on listen:host_port, or -1. */
long forwards_find(const struct forwards *fs, const char *listen, unsigned host_port);

/* "HOSTPORT[:WSLPORT][/tcp]" and --listen; -EINVAL with *ret_why, or
 * -EPROTONOSUPPORT for UDP (portproxy forwards TCP only). */
int forward_parse(const char *spec, const char *listen, struct forward *f, char **ret_why);
void forward_release(struct forward *f);

/* The portproxy rule for f's listening address and port, or NULL. */
const struct host_portproxy *forward_rule(const struct host_state *st, const struct forward *f);
/* Whether f's rules on Windows are wslbridge's: its firewall rule (named so
 * only by wslbridge) is there, e.g. after an add was interrupted. */
bool forward_is_ours(const struct host_state *st, const struct forward *f);
/* The Windows Firewall rule name for f (allocated). */
char *forward_fw_name(const struct forward *f);
/* What is wrong with f on Windows for WSL at wsl_ip: NULL when all is right. */
char *forward_problem(const struct host_state *st, const struct forward *f, const char *wsl_ip);
/* Actions that make f right: portproxy pointed at wsl_ip, firewall rule there. */
void forward_plan_sync(const struct host_state *st, const struct forward *f, const char *wsl_ip,
		       struct win_plan *p);
/* Actions that take f's rules away (only what exists). */
void forward_plan_remove(const struct host_state *st, const struct forward *f, struct win_plan *p);

/* eth0's IPv4 address without the prefix (allocated), or NULL. */
char *forward_wsl_address(const struct linux_state *lx);
/* The probe forward.stale: "none", or which forwards are wrong and how. */
char *forward_stale(const struct observation *o);

/* `forward list` with none: says so, and how to add one only in NAT mode. */
struct wb_ctx;
void forward_print_none(const struct wb_ctx *ctx);

#endif
