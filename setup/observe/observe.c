/* SPDX-License-Identifier: MIT */
/* observe.c - see observe.h. */
#include "observe/observe.h"
#include "base/log.h"
#include "base/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/utsname.h>

static int load_file(const char *path, enum ini_kind kind, struct ini_doc *d, long long *ret_mtime)
{
	struct buf b = BUF_INIT;
	struct stat st;
	int r = path ? read_file(path, &b, &st) : -ENOENT;

	if (ret_mtime)
		*ret_mtime = r == 0 ? (long long)st.st_mtime : -1;

	if (r == 0)
		r = ini_load(d, kind, b.s, b.len);
	if (r < 0) {
		ini_release(d);
		(void)ini_load(d, kind, "", 0);	/* WSL's defaults; the error says why */
	}
	buf_release(&b);
	return r < 0 ? r : 0;
}

const struct wsl_env *observation_env(const struct observation *o)
{
	return o->have_windows ? &o->host.env : &o->env;
}

const char *observation_mode(const struct observation *o, const char **ret_from)
{
	const char *m = observation_env(o)->mode, *from = "wslinfo";

	if (!m) {
		m = ini_value(&o->wslconfig, "wsl2.networkingMode");
		from = ".wslconfig";
		if (!m || !*m) {
			m = "nat";
			from = "default";
		}
	}
	if (ret_from)
		*ret_from = from;
	return m;
}

/* <root>/proc/sys/kernel/osrelease, so tests can move it; else uname(2). */
static char *read_kernel(const struct wb_ctx *ctx)
{
	char *p = wb_path(ctx, "/proc/sys/kernel/osrelease");
	struct buf b = BUF_INIT;
	struct utsname u;
	char *r;

	if (read_file(p, &b, NULL) == 0 && b.len)
		r = xstrndup(b.s, strcspn(b.s, "\n"));
	else
		r = xstrdup(uname(&u) == 0 ? u.release : "unknown");
	buf_release(&b);
	free(p);
	return r;
}

/* btime in <root>/proc/stat, or -1. */
static long long read_boot_time(const struct wb_ctx *ctx)
{
	char *path = wb_path(ctx, "/proc/stat");
	struct buf b = BUF_INIT;
	const char *bt;
	long long r = -1;

	if (read_file(path, &b, NULL) == 0 && (bt = strstr(b.s, "btime ")) && (bt == b.s || bt[-1] == '\n'))
		r = strtoll(bt + 6, NULL, 10);
	buf_release(&b);
	free(path);
	return r;
}

static bool is_consomme(const char *mode)
{
	return !strcasecmp(mode, "consomme") || !strcasecmp(mode, "virtioproxy");
}

int observation_fell_back(const struct observation *o, const char **ret_asked)
{
	const char *runs = observation_env(o)->mode, *asked = ini_value(&o->wslconfig, "wsl2.networkingMode");

	*ret_asked = NULL;
	if (!runs || !o->wslconfig_path || o->wslconfig_err)
		return -1;
	if (!asked || !*asked)
		asked = "nat";
	if (!strcasecmp(runs, asked) || (is_consomme(runs) && is_consomme(asked)))
		return 0;
	if (o->boot_time < 0 || o->wslconfig_mtime < 0)
		return -1;
	*ret_asked = asked;
	return o->boot_time >= o->wslconfig_mtime;	/* whole seconds: a same-second write counts as read */
}

const struct linux_state *observation_interface(const struct observation *o, const char *ifname)
{
	if (!ifname || !strcmp(ifname, "eth0"))
		return &o->lx;
	for (size_t i = 0; i < o->nothers; i++)
		if (!strcmp(o->others[i].ifname, ifname))
			return &o->others[i];
	return NULL;
}

void observation_add_interface(struct observation *o, const char *ifname)
{
	if (observation_interface(o, ifname))
		return;
	o->others = xrealloc(o->others, (o->nothers + 1) * sizeof(*o->others));
	linux_observe(o->ctx, ifname, &o->others[o->nothers++]);
}

const struct observed_file *observation_file(const struct observation *o, const char *path)
{
	for (size_t i = 0; i < o->nfiles; i++)
		if (!strcmp(o->files[i].path, path))
			return &o->files[i];
	return NULL;
}

void observation_add_file(struct observation *o, const char *path)
{
	struct observed_file *f;
	struct stat st;

	if (observation_file(o, path))
		return;
	o->files = xrealloc(o->files, (o->nfiles + 1) * sizeof(*o->files));
	f = &o->files[o->nfiles++];
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(path);
	if (stat(path, &st) < 0) {
		f->err = -errno;
		return;
	}
	f->mode = st.st_mode;
	f->uid = st.st_uid;
}

static int observe_windows(struct observation *o, char **ret_why)
{
	int r = host_observe(&o->host, &o->win, ret_why);

	if (r == 0 && o->win.error) {
		*ret_why = host_error_text(o->win.error);
		r = -EPROTO;
	}
	return r;
}

int observation_ask_more(struct observation *o, unsigned facts, char **ret_why)
{
	*ret_why = NULL;
	if (!o->have_windows || !(facts & ~o->host.facts & HOST_ALL_FACTS))
		return 0;
	o->host.facts = facts & HOST_ALL_FACTS;	/* what the guess asked is no longer needed */
	wb_debug("asking Windows again, for facts the first observation left out");
	host_state_release(&o->win);
	return observe_windows(o, ret_why);
}

int observation_gather(const struct wb_ctx *ctx, bool offline, unsigned facts,
		       struct observation *o, char **ret_why)
{
	char *wslconf;
	int r = 0;

	memset(o, 0, sizeof(*o));
	o->ctx = ctx;
	*ret_why = NULL;
	if (offline) {
		wslenv_detect(ctx, &o->env);
	} else {
		r = host_open(ctx, &o->host, ret_why);
		o->host.facts = facts & HOST_ALL_FACTS;
		if (r == 0)
			r = observe_windows(o, ret_why);
		if (r < 0)
			return r;
		o->have_windows = true;
	}
	o->wslconfig_path = o->have_windows ? host_wslconfig_path(&o->host) :
		host_wslconfig_path_offline(ctx, &o->env);
	o->wslconfig_err = load_file(o->wslconfig_path, INI_WSLCONFIG, &o->wslconfig, &o->wslconfig_mtime);
	wslconf = wb_path(ctx, "/etc/wsl.conf");
	o->wslconf_err = load_file(wslconf, INI_WSLCONF, &o->wslconf, NULL);
	free(wslconf);
	linux_observe(ctx, "eth0", &o->lx);
	o->kernel = read_kernel(ctx);
	o->boot_time = read_boot_time(ctx);
	return 0;
}

void observation_release(struct observation *o)
{
	if (o->host.ctx)
		host_close(&o->host);
	host_state_release(&o->win);
	wslenv_release(&o->env);
	linux_state_release(&o->lx);
	ini_release(&o->wslconfig);
	ini_release(&o->wslconf);
	free(o->wslconfig_path);
	free(o->kernel);
	for (size_t i = 0; i < o->nothers; i++)
		linux_state_release(&o->others[i]);
	free(o->others);
	for (size_t i = 0; i < o->nfiles; i++)
		free(o->files[i].path);
	free(o->files);
	free(o->forward_stale);
	memset(o, 0, sizeof(*o));
}

static int bridged_host_ip(const struct observation *o, char **ret_addr, char **ret_how)
{
	const char *sw = ini_value(&o->wslconfig, "wsl2.vmSwitch"), *link_local = NULL;
	char *name = xasprintf("vEthernet (%s)", sw ? sw : "");
	int r = -ENETUNREACH;

	for (size_t i = 0; r && i < o->win.nadapters; i++) {
		const struct host_adapter *a = &o->win.adapters[i];

		for (size_t k = 0; r && a->name && !strcmp(a->name, name) && k < a->nipv4; k++) {
			/* 169.254/16 is what Windows gives itself when DHCP did not
			 * answer: no address the LAN can reach (RFC 3927) */
			if (a->ipv4[k].address && !strncmp(a->ipv4[k].address, "169.254.", 8)) {
				link_local = a->ipv4[k].address;
				continue;
			}
			*ret_how = xasprintf("bridged mode: the address of %s, Windows' side of switch '%s'",
					     name, sw ? sw : "");
			*ret_addr = xstrdup(a->ipv4[k].address);
			r = 0;
		}
	}
	if (r && link_local)
		*ret_how = xasprintf("bridged mode, but Windows has only the link-local address %s on '%s': "
				     "no DHCP server answered it on the LAN", link_local, name);
	else if (r)
		*ret_how = xasprintf("bridged mode, but Windows has no IPv4 address on '%s'", name);
	free(name);
	return r;
}

/*
 * Consomme: eth0's gateway is the LAN's router (Windows' own gateway, copied).
 * Windows is reached through loopback0 instead: with localhostForwarding on
 * (the default) WSL adds that device and routes 127.0.0.1 over it to the
 * host's loopback (ConsommeNetworking.cpp SetupLoopbackDevice, WslCoreVm.cpp
 * LocalhostRelay; guest side NetworkManager.cpp, as in mirrored mode).
 */
static int consomme_host_ip(const struct observation *o, const char *mode, char **ret_addr, char **ret_how)
{
	const char *fwd = ini_value(&o->wslconfig, "wsl2.localhostForwarding");
	const struct linux_state *lo = observation_interface(o, LOOPBACK_RELAY_IF);

	if (fwd && (!strcasecmp(fwd, "false") || !strcmp(fwd, "0"))) {
		*ret_how = xasprintf("%s mode with wsl2.localhostForwarding=false: WSL gives the guest no way to "
				     "Windows (eth0's gateway is the LAN's router, not Windows), so the host's "
				     "address cannot be known", mode);
		return -ENETUNREACH;
	}
	if (lo && !lo->present) {
		*ret_how = xasprintf("%s mode, but %s (WSL's relay to Windows' loopback) is missing, and eth0's "
				     "gateway is the LAN's router, not Windows: the host's address cannot be known",
				     mode, LOOPBACK_RELAY_IF);
		return -ENETUNREACH;
	}
	*ret_how = xasprintf("%s mode: WSL relays 127.0.0.1 to Windows' loopback over %s (eth0's gateway is "
			     "the LAN's router)", mode, LOOPBACK_RELAY_IF);
	*ret_addr = xstrdup("127.0.0.1");
	return 0;
}

int observation_host_ip(const struct observation *o, char **ret_addr, char **ret_how)
{
	const char *from, *mode = observation_mode(o, &from);

	*ret_addr = NULL;
	/* .wslconfig's value is case-insensitive, as WSL reads it */
	if (!strcasecmp(mode, "mirrored")) {
		*ret_how = xstrdup("mirrored mode: WSL shares Windows' loopback");
		*ret_addr = xstrdup("127.0.0.1");
		return 0;
	}
	if (is_consomme(mode))
		return consomme_host_ip(o, mode, ret_addr, ret_how);
	if (!strcasecmp(mode, "nat")) {
		if (!o->lx.gateway) {
			*ret_how = xstrdup("NAT mode, but eth0 has no default gateway: WSL's network is not up");
			return -ENETUNREACH;
		}
		*ret_how = xasprintf("%s mode: eth0's default gateway is Windows", mode);
		*ret_addr = xstrdup(o->lx.gateway);
		return 0;
	}
	if (!strcasecmp(mode, "bridged")) {
		if (!o->have_windows) {
			*ret_how = xstrdup("bridged mode: the host's LAN address is known only to Windows");
			return -ENOSYS;
		}
		return bridged_host_ip(o, ret_addr, ret_how);
	}
	*ret_how = xasprintf("WSL's networking mode is '%s': there is no network to the host", mode);
	return -ENETUNREACH;
}
