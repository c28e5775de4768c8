/* SPDX-License-Identifier: MIT */
/* forward.c - see forward.h. */
#include "forward/forward.h"
#include "observe/observe.h"
#include "base/ports.h"
#include "base/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

char *forward_store_path(const struct wb_ctx *ctx)
{
	char *p = path_join(ctx->state_dir, "forwards"), *root;

	/* Forwards are root's (the boot script reads them): a user who only
	 * looks (`forward list`) sees those. */
	if (geteuid() != 0 && access(p, F_OK) < 0) {
		root = wb_path(ctx, "/var/lib/wslbridge/forwards");
		if (access(root, R_OK) == 0) {
			free(p);
			return root;
		}
		free(root);
	}
	return p;
}

static bool valid_ipv4(const char *s)
{
	struct in_addr a;

	return s && inet_pton(AF_INET, s, &a) == 1;
}

void forward_release(struct forward *f)
{
	free(f->listen);
	f->listen = NULL;
}

void forwards_release(struct forwards *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		forward_release(&fs->f[i]);
	free(fs->f);
	fs->f = NULL;
	fs->n = 0;
}

void forwards_add(struct forwards *fs, const struct forward *f)
{
	fs->f = xrealloc(fs->f, (fs->n + 1) * sizeof(*fs->f));
	fs->f[fs->n] = *f;
	fs->f[fs->n++].listen = xstrdup(f->listen);
}

long forwards_find(const struct forwards *fs, const char *listen, unsigned host_port)
{
	for (size_t i = 0; i < fs->n; i++)
		if (fs->f[i].host_port == host_port && !strcmp(fs->f[i].listen, listen))
			return (long)i;
	return -1;
}

/* Lines "tcp LISTEN HOSTPORT WSLPORT [relay|direct]" (no route: direct, as
 * before routes were chosen); # starts a comment line. */
int forwards_load(const char *path, struct forwards *fs, char **ret_why)
{
	struct buf b = BUF_INIT;
	unsigned lineno = 0;
	char *save = NULL;
	int r = read_file(path, &b, NULL);

	memset(fs, 0, sizeof(*fs));
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		*ret_why = xasprintf("%s: %s", path, strerror(-r));
		return r;
	}
	for (char *line = b.s ? strtok_r(b.s, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
		char proto[8], listen[64], hp[8], wp[8], route[8] = "direct", extra;
		struct forward f;
		int n;

		lineno++;
		if (*line == '#' || !line[strspn(line, " \t")])
			continue;
		n = sscanf(line, "%7s %63s %7s %7s %7s %c", proto, listen, hp, wp, route, &extra);
		f.route = !strcmp(route, "relay") ? FWD_RELAY : FWD_DIRECT;
		if ((n != 4 && n != 5) || strcmp(proto, "tcp") || (strcmp(route, "relay") && strcmp(route, "direct")) ||
		    !valid_ipv4(listen) || !(f.host_port = port_number(hp, strlen(hp))) ||
		    !(f.wsl_port = port_number(wp, strlen(wp)))) {
			*ret_why = xasprintf("%s:%u: not a forward (expected: tcp LISTEN-ADDRESS HOST-PORT WSL-PORT "
					 "[relay|direct]); fix or remove the line", path, lineno);
			forwards_release(fs);
			buf_release(&b);
			return -EBADMSG;
		}
		f.listen = listen;
		forwards_add(fs, &f);
	}
	buf_release(&b);
	return 0;
}

void forwards_render(const struct forwards *fs, struct buf *out)
{
	buf_adds(out, "# wslbridge forwards (`wslbridge forward list`): protocol listen-address host-port wsl-port "
		 "route\n");
	for (size_t i = 0; i < fs->n; i++)
		buf_addf(out, "tcp %s %u %u %s\n", fs->f[i].listen, fs->f[i].host_port, fs->f[i].wsl_port,
			 fs->f[i].route == FWD_RELAY ? "relay" : "direct");
}

int forward_parse(const char *spec, const char *listen, struct forward *f, char **ret_why)
{
	const char *slash = strchr(spec, '/'), *colon = strchr(spec, ':');
	size_t end = slash ? (size_t)(slash - spec) : strlen(spec);

	memset(f, 0, sizeof(*f));
	if (slash && !strcasecmp(slash + 1, "udp")) {
		*ret_why = xstrdup("netsh portproxy forwards TCP only, so UDP cannot be forwarded in NAT mode");
		return -EPROTONOSUPPORT;
	}
	if (slash && strcasecmp(slash + 1, "tcp")) {
		*ret_why = xasprintf("'%s': the protocol after '/' must be tcp", spec);
		return -EINVAL;
	}
	if (colon && (size_t)(colon - spec) > end)
		colon = NULL;
	f->host_port = port_number(spec, colon ? (size_t)(colon - spec) : end);
	f->wsl_port = colon ? port_number(colon + 1, end - (size_t)(colon + 1 - spec)) : f->host_port;
	if (!f->host_port || !f->wsl_port) {
		*ret_why = xasprintf("'%s' is not HOSTPORT[:WSLPORT] (ports are numbers from 1 to 65535)", spec);
		return -EINVAL;
	}
	if (!valid_ipv4(listen ? listen : "0.0.0.0")) {
		*ret_why = xasprintf("--listen '%s' is not an IPv4 address (portproxy v4tov4 listens on IPv4)", listen);
		return -EINVAL;
	}
	f->listen = xstrdup(listen ? listen : "0.0.0.0");
	return 0;
}

const struct host_portproxy *forward_rule(const struct host_state *st, const struct forward *f)
{
	char port[8];

	snprintf(port, sizeof(port), "%u", f->host_port);
	for (size_t i = 0; i < st->nportproxy; i++) {
		const struct host_portproxy *p = &st->portproxy[i];

		/* netsh keeps what it was given: "*" is also a way to say any address. */
		if (p->listen_port && !strcmp(p->listen_port, port) && p->listen_address &&
		    (!strcmp(p->listen_address, f->listen) ||
		     (!strcmp(f->listen, "0.0.0.0") && !strcmp(p->listen_address, "*"))))
			return p;
	}
	return NULL;
}

char *forward_fw_name(const struct forward *f)
{
	return xasprintf("wslbridge-forward-tcp-%s-%u", f->listen, f->host_port);
}

static const struct host_fwrule *fw_rule(const struct host_state *st, const char *name)
{
	for (size_t i = 0; i < st->nfwrules; i++)
		if (st->fwrules[i].name && !strcmp(st->fwrules[i].name, name))
			return &st->fwrules[i];
	return NULL;
}

bool forward_is_ours(const struct host_state *st, const struct forward *f)
{
	char *name = forward_fw_name(f);
	bool ours = fw_rule(st, name) != NULL;

	free(name);
	return ours;
}

static bool points_at(const struct host_portproxy *r, const struct forward *f, const char *ip)
{
	char port[8];

	snprintf(port, sizeof(port), "%u", f->wsl_port);
	return r && ip && r->connect_address && !strcmp(r->connect_address, ip) && r->connect_port &&
	       !strcmp(r->connect_port, port);
}

char *forward_problem(const struct forward_env *e, const struct forward *f)
{
	const struct host_portproxy *r = forward_rule(e->win, f);
	const char *to = forward_target(f, e->wsl_ip);
	char *name = forward_fw_name(f), *clash = NULL;
	const struct host_fwrule *fw = fw_rule(e->win, name);
	char *why = NULL;

	free(name);
	if (!r)
		why = xstrdup("no portproxy rule");
	else if (!points_at(r, f, to))
		why = xasprintf("points at %s:%s, %s %s:%u", r->connect_address ? r->connect_address : "?",
				r->connect_port ? r->connect_port : "?", f->route == FWD_RELAY ?
				"WSL's localhost relay is at" : "WSL is at", to ? to : "(no address)", f->wsl_port);
	else if (f->route == FWD_RELAY && !e->relay)
		why = xstrdup("it goes through WSL's localhost relay, which .wslconfig turns off "
			      "(wsl2.localhostForwarding=false)");
	else if (f->route == FWD_RELAY && forward_choose(e, NULL, f, &clash) == FWD_WHY_RULE_CLASH)
		why = xasprintf("portproxy %s holds 127.0.0.1:%u, where WSL's localhost relay must listen", clash,
				f->wsl_port);
	else if (!fw)
		why = xstrdup("no Windows Firewall rule");
	else if (!fw->enabled)
		why = xstrdup("its Windows Firewall rule is disabled");
	free(clash);
	return why;
}

void forward_plan_sync(const struct host_state *st, const struct forward *f, const char *wsl_ip,
		       struct win_plan *p)
{
	const struct host_portproxy *r = forward_rule(st, f);
	char *name = forward_fw_name(f), hp[8], wp[8];
	const struct host_fwrule *fw = fw_rule(st, name);
	struct host_action *a, *u;

	wsl_ip = forward_target(f, wsl_ip);
	snprintf(hp, sizeof(hp), "%u", f->host_port);
	snprintf(wp, sizeof(wp), "%u", f->wsl_port);
	if (!points_at(r, f, wsl_ip) && p->n < PLAN_MAX) {
		a = win_plan_add(p, HA_PORTPROXY_SET, r ?
				 xasprintf("point portproxy %s:%s at %s %s:%s (it points at %s:%s)  [admin]",
					   f->listen, hp, f->route == FWD_RELAY ? "WSL's localhost relay" : "WSL",
					   wsl_ip, wp, r->connect_address, r->connect_port) :
				 xasprintf("add portproxy %s:%s -> %s %s:%s  [admin]", f->listen, hp,
					   f->route == FWD_RELAY ? "WSL's localhost relay" : "WSL", wsl_ip, wp));
		a->attrs[0] = "listen-address"; a->attrs[1] = win_plan_keep(p, r ? r->listen_address : f->listen);
		a->attrs[2] = "listen-port"; a->attrs[3] = win_plan_keep(p, hp);
		a->attrs[4] = "connect-address"; a->attrs[5] = win_plan_keep(p, wsl_ip);
		a->attrs[6] = "connect-port"; a->attrs[7] = win_plan_keep(p, wp);
		u = &p->undo[p->n - 1];
		*u = *a;
		if (r) {	/* back to where it pointed */
			u->attrs[5] = win_plan_keep(p, r->connect_address ? r->connect_address : "");
			u->attrs[7] = win_plan_keep(p, r->connect_port ? r->connect_port : "");
		} else {
			u->type = HA_PORTPROXY_DELETE;
			u->attrs[4] = NULL;
		}
	}
	if ((!fw || !fw->enabled) && p->n < PLAN_MAX) {
		a = win_plan_add(p, HA_FWRULE_ADD, xasprintf("allow TCP %s:%s in through the Windows Firewall "
							    "(rule %s)  [admin]", f->listen, hp, name));
		a->attrs[0] = "name"; a->attrs[1] = win_plan_keep(p, name);
		a->attrs[2] = "port"; a->attrs[3] = win_plan_keep(p, hp);
		a->attrs[4] = "listen-address"; a->attrs[5] = win_plan_keep(p, f->listen);
		u = &p->undo[p->n - 1];
		u->type = HA_FWRULE_DELETE;
		u->attrs[0] = "name"; u->attrs[1] = a->attrs[1];
	}
	free(name);
}

void forward_plan_remove(const struct host_state *st, const struct forward *f, struct win_plan *p)
{
	const struct host_portproxy *r = forward_rule(st, f);
	char *name = forward_fw_name(f), hp[8];
	struct host_action *a, *u;

	snprintf(hp, sizeof(hp), "%u", f->host_port);
	if (r && p->n < PLAN_MAX) {
		a = win_plan_add(p, HA_PORTPROXY_DELETE, xasprintf("delete portproxy %s:%s (-> %s:%s)  [admin]",
				 r->listen_address, hp, r->connect_address, r->connect_port));
		a->attrs[0] = "listen-address"; a->attrs[1] = win_plan_keep(p, r->listen_address);
		a->attrs[2] = "listen-port"; a->attrs[3] = win_plan_keep(p, hp);
		u = &p->undo[p->n - 1];
		*u = *a;
		u->type = HA_PORTPROXY_SET;
		u->attrs[4] = "connect-address"; u->attrs[5] = win_plan_keep(p, r->connect_address ? r->connect_address : "");
		u->attrs[6] = "connect-port"; u->attrs[7] = win_plan_keep(p, r->connect_port ? r->connect_port : "");
	}
	if (fw_rule(st, name) && p->n < PLAN_MAX) {
		a = win_plan_add(p, HA_FWRULE_DELETE, xasprintf("delete the Windows Firewall rule %s  [admin]", name));
		a->attrs[0] = "name"; a->attrs[1] = win_plan_keep(p, name);
		u = &p->undo[p->n - 1];
		u->type = HA_FWRULE_ADD;
		u->attrs[0] = "name"; u->attrs[1] = a->attrs[1];
		u->attrs[2] = "port"; u->attrs[3] = win_plan_keep(p, hp);
		u->attrs[4] = "listen-address"; u->attrs[5] = win_plan_keep(p, f->listen);
	}
	free(name);
}

char *forward_wsl_address(const struct linux_state *lx)
{
	if (!lx->present || !lx->naddrs)
		return NULL;
	return xstrndup(lx->addrs[0], strcspn(lx->addrs[0], "/"));
}

char *forward_stale(const struct observation *o)
{
	struct forwards fs;
	char *path = forward_store_path(o->ctx), *why = NULL, *ip = forward_wsl_address(&o->lx);
	struct buf b = BUF_INIT;
	struct forward_env e;

	if (forwards_load(path, &fs, &why) < 0) {
		free(path);
		free(ip);
		return why;
	}
	forward_env_init(&e, o, ip);
	for (size_t i = 0; i < fs.n; i++) {
		char *p = forward_problem(&e, &fs.f[i]);

		if (p)
			buf_addf(&b, "%s%s:%u (%s)", b.len ? "; " : "", fs.f[i].listen, fs.f[i].host_port, p);
		free(p);
	}
	forwards_release(&fs);
	free(path);
	free(ip);
	return b.len ? buf_detach(&b, NULL) : xstrdup("none");
}

void forward_print_none(const struct wb_ctx *ctx)
{
	struct observation o;
	char *why = NULL;
	/* told without a Windows launch */
	char *mode = xstrdup(observation_gather(ctx, true, 0, &o, &why) == 0 ? observation_mode(&o, NULL) : "nat");
	bool nat = !strcasecmp(mode, "nat");

	/* outside NAT, no suggestion that `forward add` would then refuse */
	printf("No forwards%s%s%s\n", nat ? ". Add one with `sudo wslbridge forward add PORT`." :
	       ": WSL runs in ", nat ? "" : mode, nat ? "" : " mode, which needs none (they are for NAT)");
	free(mode);
	free(why);
	observation_release(&o);
}
