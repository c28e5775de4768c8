/* SPDX-License-Identifier: MIT */
/*
 * forward.h - NAT port forwards: Windows listens on ADDR:HOSTPORT (netsh
 * portproxy v4tov4, TCP only) and connects either to 127.0.0.1:WSLPORT,
 * where WSL's own localhost relay listens for the guest (the relay route:
 * WSL's address can change with no new rule), or to WSL's current address
 * (the direct route, which `forward sync` points at WSL again after it
 * changed).  A Windows Firewall rule lets the port in.  The forwards wanted
 * are kept in <state>/forwards (one per line, with the route chosen).
 */
#ifndef WB_FORWARD_H
#define WB_FORWARD_H

#include "observe/observe.h"
#include "vswitch/switch-plan.h"

enum forward_route { FWD_DIRECT = 0, FWD_RELAY = 1 };

struct forward {
	char *listen;			/* IPv4 address Windows listens on */
	unsigned host_port, wsl_port;
	enum forward_route route;
};

struct forwards {
	struct forward *f;
	size_t n;
};

/*
 * What a forward's route depends on, from one observation.  WSL's relay
 * (wslrelay.exe) listens on Windows' 127.0.0.1:P for every TCP port P the
 * guest binds on 0.0.0.0 or 127.0.0.1, in NAT mode unless
 * wsl2.localhostForwarding is false (tests/winhost/fakes/SOURCES.md).
 */
struct forward_env {
	const struct host_state *win;	/* NULL: Windows not read */
	const char *wsl_ip;		/* eth0's address, or NULL */
	bool relay;			/* the relay is on */
};
void forward_env_init(struct forward_env *e, const struct observation *o, const char *wsl_ip);

/* Why a route was chosen: FWD_WHY_RELAY means the relay route. */
enum forward_why { FWD_WHY_RELAY, FWD_WHY_RELAY_OFF, FWD_WHY_SELF_CLASH, FWD_WHY_RULE_CLASH };
/*
 * The route for f among the forwards fs (f itself may be in fs): the relay
 * unless it is off, or something on Windows' loopback would hold the port
 * the relay listens on (f itself: the same port on 0.0.0.0 or 127.0.0.1;
 * another rule or forward listening there).  *ret_clash (may be NULL) gets
 * the rule's "ADDR:PORT" for FWD_WHY_RULE_CLASH (allocated).
 */
enum forward_why forward_choose(const struct forward_env *e, const struct forwards *fs,
				const struct forward *f, char **ret_clash);
/* The route's sentence for people (allocated): "through WSL's localhost relay ...". */
char *forward_why_text(enum forward_why why, const struct forward *f, const char *clash);
/* Windows' LAN IPv4 addresses (allocated, NULL-terminated), for the relay route. */
char **forward_lan_addresses(const struct host_state *st);

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
/* Where f's rule connects: 127.0.0.1 (relay) or wsl_ip (direct, may be NULL). */
const char *forward_target(const struct forward *f, const char *wsl_ip);
/* What is wrong with f on Windows: NULL when all is right. */
char *forward_problem(const struct forward_env *e, const struct forward *f);
/* Actions that make f right: portproxy pointed at its target, firewall rule there. */
void forward_plan_sync(const struct host_state *st, const struct forward *f, const char *wsl_ip,
		       struct win_plan *p);
/* Whether every forward goes through the relay (nothing to sync when WSL's address changes). */
bool forwards_all_relay(const struct forwards *fs);
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
