/* SPDX-License-Identifier: MIT */
/*
 * verb-vpn.c - `wslbridge vpn list|detect|apply|status|remove`.
 *
 * apply: check the input, need root, observe once, choose profile, MTU and
 * DNS (vpn-plan.c), compute every file (the boot script, its settings,
 * wsl.conf, .wslconfig), print the plan, confirm, then make the Windows fix
 * (one launch), save the originals once (for remove), write the files in
 * one history entry, and apply MTU and resolv.conf now unless --boot-only.
 * remove is vpn-remove.c.
 */
#include "vpn-fixups/vpn.h"
#include "host/host-check.h"
#include "apply/boot-hook.h"
#include "apply/changeset.h"
#include "apply/plan-json.h"
#include "base/atomic-file.h"
#include "apply/transaction.h"
#include "vswitch/switch-plan.h"
#include "conf/ini-edit.h"
#include "base/log.h"
#include "base/term.h"
#include "vpn-fixups/netif.h"
#include "verbs/subverb.h"
#include "verbs/verbs.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>




/* The settings the boot script sources. */
static void render_conf(const struct vpn_plan *p, const struct vpn_opts *o, const char *prev, struct buf *b)
{
	struct buf words = BUF_INIT;

	buf_adds(b, "# Written by `wslbridge vpn apply`; read by boot-fixups at every start.\n");
	buf_addf(b, "IFACE=eth0\nWAIT=30\nMTU=%d\nRESOLV=%s\nNAMESERVERS=", p->mtu,
		 p->dns_tunnel ? "wsl" : "static");
	for (size_t i = 0; i < p->nservers; i++)
		buf_addf(&words, "%s%s", i ? " " : "", p->servers[i]);
	sh_quote_add(b, words.s ? words.s : "");
	buf_reset(&words);
	if (!p->dns_tunnel && p->adapter && p->adapter->dns_suffix && *p->adapter->dns_suffix)
		buf_adds(&words, p->adapter->dns_suffix);
	for (const char *w = o->search; w && *w;) {
		size_t n = strcspn(w, ",");

		if (n)
			buf_addf(&words, "%s%.*s", words.len ? " " : "", (int)n, w);
		w += n + (w[n] == ',');
	}
	buf_adds(b, "\nSEARCH=");
	sh_quote_add(b, words.s ? words.s : "");
	buf_adds(b, "\nPREVIOUS_COMMAND=");
	sh_quote_add(b, prev ? prev : "");
	buf_addc(b, '\n');
	buf_release(&words);
}




/* resolv.conf as it was (a symlink into WSL's share, or a file), once. */
static void snapshot_resolv(const struct wb_ctx *ctx, const char *resolv)
{
	char *link = boot_state_file(ctx, "resolv.link"), *file = boot_state_file(ctx, "resolv.conf"), target[4096];
	struct buf b = BUF_INIT;
	ssize_t n;

	if (access(link, F_OK) < 0 && access(file, F_OK) < 0) {
		n = readlink(resolv, target, sizeof(target) - 1);
		if (n > 0)
			(void)atomic_file_replace(link, target, (size_t)n, 0600, NULL);
		else if (read_file(resolv, &b, NULL) == 0)
			(void)atomic_file_replace(file, b.s, b.len, 0600, NULL);
	}
	buf_release(&b);
	free(link);
	free(file);
}


static int plan_files(struct wb_ctx *ctx, const struct observation *obs, const struct vpn_plan *p,
		      const struct vpn_opts *o, struct changeset *a)
{
	struct change *script = changeset_add(a, wb_path(ctx, vpn_script_path), "boot script", 0755);
	struct change *conf = changeset_add(a, wb_path(ctx, vpn_conf_path), "boot settings", 0644);
	struct change *wslconf = changeset_add(a, wb_path(ctx, "/etc/wsl.conf"), "/etc/wsl.conf", 0644);
	char *prev = boot_previous_command(&obs->wslconf, conf->path);
	long at = ini_find(&obs->wslconf, "network.generateResolvConf");
	bool resolv_off = at >= 0 && (!strcasecmp(obs->wslconf.lines[at].value, "false") ||
				      !strcmp(obs->wslconf.lines[at].value, "0"));
	const char *kv[] = {
		"boot.command", vpn_script_path,
		"network.generateResolvConf", p->dns_tunnel ? NULL : "false",
		NULL,
	};
	int r;

	buf_add(&script->neu, boot_fixups, boot_fixups_len);
	render_conf(p, o, prev, &conf->neu);
	free(prev);
	if (p->dns_tunnel && !resolv_off)
		kv[2] = NULL;	/* WSL writes resolv.conf already: leave the key alone */
	r = changeset_edit_ini(&wslconf->old, INI_WSLCONF, kv, &wslconf->neu);
	if (r == 0 && p->dns_tunnel && obs->wslconfig_path) {
		long t = ini_find(&obs->wslconfig, "wsl2.dnsTunneling");

		/* off in the file, or unset where this WSL's default is off: write it */
		if (t >= 0 ? strcasecmp(obs->wslconfig.lines[t].value, "true") && strcmp(obs->wslconfig.lines[t].value, "1") :
		    p->dns_write) {
			struct change *cfg = changeset_add(a, xstrdup(obs->wslconfig_path), ".wslconfig", 0644);
			const char *kv2[] = { "wsl2.dnsTunneling", "true", NULL };

			r = changeset_edit_ini(&cfg->old, INI_WSLCONFIG, kv2, &cfg->neu);
		}
	}
	return r < 0 ? WB_EXIT_FAIL : 0;
}


static void print_plan(const struct vpn_plan *p, const struct changeset *a, const struct win_plan *wp)
{
	printf("Plan for vpn apply (profile %s: %s):\n", p->profile->name, p->profile->summary);
	printf("  MTU %d: %s\n", p->mtu, term_safe(p->mtu_why));
	if (p->dns_tunnel) {
		printf("  DNS: WSL's DNS tunneling: %s\n", term_safe(p->dns_why));
	} else {
		printf("  DNS: static, nameserver");
		for (size_t i = 0; i < p->nservers; i++)
			printf(" %s", term_safe(p->servers[i]));
		printf(": %s\n", term_safe(p->dns_why));
	}
	for (size_t i = 0; i < wp->n; i++)
		printf("  Windows, in one step (one administrator prompt): %s\n", term_safe(wp->describe[i]));
	for (size_t i = 0; i < a->n; i++) {
		const struct change *c = &a->c[i];

		if (!change_differs(c)) {
			printf("  %s (%s): nothing to change\n", c->label, c->path);
			continue;
		}
		printf("  %s (%s):\n", c->label, c->path);
		if (c == &a->c[0]) {
			printf("       install it, root-owned, mode 0755\n");
			continue;
		}
		change_print_diff(c);
	}
}


/* Replace /etc/resolv.conf itself (not the file a symlink points to). */
static int write_resolv(const struct wb_ctx *ctx, const struct vpn_plan *p, const char *search)
{
	char *path = wb_path(ctx, "/etc/resolv.conf"), *tmp = xasprintf("%s.wslbridge-tmp", path);
	struct buf b = BUF_INIT;
	int r;

	buf_adds(&b, "# Written by wslbridge boot-fixups at every start; `wslbridge vpn remove` undoes it.\n");
	for (size_t i = 0; i < p->nservers; i++)
		buf_addf(&b, "nameserver %s\n", p->servers[i]);
	if (search && *search)
		buf_addf(&b, "search %s\n", search);
	snapshot_resolv(ctx, path);
	(void)unlink(tmp);
	r = atomic_file_replace(tmp, b.s, b.len, 0644, NULL);
	if (r >= 0 && rename(tmp, path) < 0)
		r = -errno;
	buf_release(&b);
	free(path);
	free(tmp);
	return r < 0 ? r : 0;
}

static const char *conf_search(const struct changeset *a)
{
	const char *s = a->c[1].neu.s ? strstr(a->c[1].neu.s, "\nSEARCH='") : NULL;
	static char words[512];

	if (!s)
		return "";
	snprintf(words, sizeof(words), "%.*s", (int)strcspn(s + 9, "'"), s + 9);
	return words;
}

static int apply_now(struct wb_ctx *ctx, const struct observation *obs, const struct vpn_plan *p,
		     const struct changeset *a)
{
	int r = 0;

	if (obs->lx.present && obs->lx.mtu != p->mtu) {
		r = netif_set_mtu("eth0", p->mtu);
		if (r < 0)
			wb_warn("could not set eth0's MTU now: %s (it is set at the next start)", errstr(r));
		else
			wb_note("eth0: MTU %d now", p->mtu);
	}
	if (!p->dns_tunnel) {
		r = write_resolv(ctx, p, conf_search(a));
		if (r < 0)
			wb_warn("could not write /etc/resolv.conf now: %s", errstr(r));
		else
			wb_note("/etc/resolv.conf written now");
	}
	return 0;
}

/* The VPN profile's interface metric on its adapter, and how undo sets it back. */
static void plan_metric(const struct vpn_plan *p, struct win_plan *wp)
{
	struct host_action *a;
	char metric[16];

	if (!p->profile->metric || !p->adapter || p->adapter->metric == p->profile->metric)
		return;
	snprintf(metric, sizeof(metric), "%d", p->profile->metric);
	a = win_plan_add(wp, HA_SET_METRIC, xasprintf("set the interface metric of %s to %s (so WSL's "
				"traffic is routed right)  [admin]", p->adapter->name, metric));
	a->attrs[0] = "adapter-guid"; a->attrs[1] = win_plan_keep(wp, p->adapter->guid);
	a->attrs[2] = "metric"; a->attrs[3] = win_plan_keep(wp, metric);
	if (p->adapter->automatic_metric) {
		/* the agent sets a fixed metric only; say how to give Windows the choice back */
		wp->irreversible[wp->n - 1] = xasprintf("the interface metric of %s was automatic: in an "
			"administrator PowerShell, `Set-NetIPInterface -InterfaceIndex %d -AutomaticMetric "
			"Enabled`", p->adapter->name, p->adapter->ifindex);
		return;
	}
	snprintf(metric, sizeof(metric), "%d", p->adapter->metric);
	wp->undo[wp->n - 1] = *a;
	wp->undo[wp->n - 1].attrs[3] = win_plan_keep(wp, metric);
}

static void plan_release(struct vpn_plan *p)
{
	for (size_t i = 0; i < p->nservers; i++)
		free(p->servers[i]);
	free(p->mtu_why);
	free(p->dns_why);
}

/* Profile, MTU and DNS (vpn-plan.c, which never prints): an exit code, said once. */
static int choose(const struct vpn_opts *o, const struct observation *obs, const struct vpn_profiles *ps,
		  struct vpn_plan *p)
{
	char *why = NULL;
	int rc = vpn_choose_profile(o, &obs->win, ps, p, &why);

	if (rc == 0 && p->found)
		wb_note("VPN: %s, from the adapter %s (%s)", p->profile->name, p->adapter->name,
			p->adapter->description);
	if (rc == 0)
		rc = vpn_choose_mtu(o, &obs->lx, p, &why);
	if (rc == 0)
		rc = vpn_choose_dns(o, obs, p, &why);
	if (rc)
		wb_error(rc, "%s", why);
	free(why);
	return rc;
}

/* apply --dry-run: the plan, as text or (--json) as the JSON plan, and nothing changed. */
static int dry_run(const struct vpn_opts *o, const struct observation *obs, const struct vpn_plan *p,
		   const struct changeset *a, const struct win_plan *wp, bool pending)
{
	char mtu[16];
	const char *facts[] = { "profile", p->profile->name, "adapter", p->adapter ? p->adapter->name : NULL,
				"mtu", mtu, "dns", p->dns_tunnel ? "tunnel" : "static" };
	struct plan_doc d = { .verb = "vpn apply", .pending = pending, .wp = wp, .elevated = obs->win.elevated,
			      .cs = a, .restart = p->dns_tunnel, .facts = facts, .nfacts = 4 };

	snprintf(mtu, sizeof(mtu), "%d", p->mtu);
	if (o->json)
		return plan_print_json(&d);
	if (!pending)
		printf("Nothing to change: the %s fixes are in place (MTU %d, DNS %s).\n", p->profile->name,
		       p->mtu, p->dns_tunnel ? "tunneling" : "static");
	else
		print_plan(p, a, wp);
	printf("\n(--dry-run: nothing was changed)\n");
	return WB_EXIT_OK;
}

static int cmd_apply(struct wb_ctx *ctx, const struct subverb *sv, const struct vpn_opts *o)
{
	struct observation obs;
	struct vpn_profiles ps = { NULL, 0 };
	struct vpn_plan p;
	struct changeset a = { .n = 0 };
	struct win_plan wp;
	struct transaction t;
	struct target_error err;
	char *why = NULL;
	int rc, yes;
	bool any = false;

	memset(&obs, 0, sizeof(obs));
	memset(&p, 0, sizeof(p));
	memset(&wp, 0, sizeof(wp));
	if ((rc = subverb_enter(ctx, "vpn", sv)))
		return rc;
	if (vpn_profiles_load(ctx, &ps, &err) < 0)
		return verb_report_load_error(&err);
	if (observation_gather(ctx, false, 0, &obs, &why) < 0) {	/* adapters and DNS: basics */
		rc = wb_error(WB_EXIT_FAIL, "%s", why);
		goto out;
	}
	if ((rc = choose(o, &obs, &ps, &p)) || (rc = plan_files(ctx, &obs, &p, o, &a)))
		goto out;
	plan_metric(&p, &wp);
	for (size_t i = 0; i < a.n; i++)
		any |= change_differs(&a.c[i]);
	if (o->dry_run) {
		rc = dry_run(o, &obs, &p, &a, &wp, any || wp.n);
		goto out;
	}
	if (!any && !wp.n) {
		printf("Nothing to change: the %s fixes are in place (MTU %d, DNS %s).\n", p.profile->name,
		       p.mtu, p.dns_tunnel ? "tunneling" : "static");
		if (!o->boot_only)
			rc = apply_now(ctx, &obs, &p, &a);
		goto out;
	}
	print_plan(&p, &a, &wp);
	yes = ctx_confirm(ctx, "\nApply this plan?");
	if (yes <= 0) {
		rc = yes == -ENOTTY ? wb_error(WB_EXIT_USAGE, "vpn apply changes files and there is no terminal to "
					       "confirm on; pass --yes")
				    : wb_error(WB_EXIT_FAIL, "cancelled; nothing was changed");
		goto out;
	}
	/* the originals first: `vpn remove` puts them back, so they must exist before any change */
	for (size_t i = 2; i < a.n; i++)
		if (change_differs(&a.c[i]) && boot_snapshot(ctx, i == 2 ? "wsl.conf" : "wslconfig", &a.c[i]) < 0) {
			rc = wb_error(WB_EXIT_FAIL, "could not save the original %s in '%s'; nothing was changed",
				      a.c[i].label, ctx->state_dir);
			goto out;
		}
	if ((rc = transaction_begin(ctx, &t)) == 0 && wp.n)
		rc = transaction_windows(&t, &obs.host, &obs.win, &wp, NULL, NULL);
	if (rc == 0)
		rc = transaction_files(&t, &a);
	transaction_end(&t);
	if (rc)
		goto out;
	if (!o->boot_only)
		rc = apply_now(ctx, &obs, &p, &a);
	printf("The fixes run at every start of this distribution (WSL runs %s as root).\n", vpn_script_path);
	if (p.dns_tunnel)
		printf("DNS tunneling takes effect after `wsl.exe --shutdown`.\n");
	if (wp.n && p.profile->metric_note)
		printf("Note: %s.\n", p.profile->metric_note);
out:
	free(why);
	plan_release(&p);
	win_plan_release(&wp);
	changeset_release(&a);
	observation_release(&obs);
	vpn_profiles_release(&ps);
	return rc;
}

static int cmd_list(const struct wb_ctx *ctx)
{
	struct vpn_profiles ps;
	struct target_error err;

	if (vpn_profiles_load(ctx, &ps, &err) < 0)
		return verb_report_load_error(&err);
	for (size_t i = 0; i < ps.n; i++) {
		const struct vpn_profile *p = &ps.p[i];

		printf("%-14s %s\n", p->name, p->summary);
		printf("%-14s   MTU %s (else %d), DNS %s%s\n", "", p->mtu_probe ? "probe" : "the adapter's",
		       p->mtu_fallback, p->dns, p->metric ? ", Windows interface metric" : "");
	}
	vpn_profiles_release(&ps);
	return WB_EXIT_OK;
}

static int cmd_detect(struct wb_ctx *ctx, bool status_only)
{
	struct observation obs;
	struct vpn_profiles ps;
	struct target_error err;
	char *why = NULL;
	int rc = WB_EXIT_OK;
	size_t found = 0;

	if (vpn_profiles_load(ctx, &ps, &err) < 0)
		return verb_report_load_error(&err);
	if (observation_gather(ctx, false, 0, &obs, &why) < 0) {	/* adapters and DNS: basics */
		rc = wb_error(WB_EXIT_FAIL, "%s", why);
		free(why);
		observation_release(&obs);
		vpn_profiles_release(&ps);
		return rc;
	}
	for (size_t i = 0; i < obs.win.nadapters; i++) {
		const struct host_adapter *ad = &obs.win.adapters[i];
		const struct vpn_profile *p = vpn_profile_match(&ps, ad->description);

		if (!p)
			continue;
		found++;
		printf("%s: %s (%s), %s, MTU %d, metric %d, DNS", p->name, ad->name, ad->description,
		       ad->status && !strcmp(ad->status, "Up") ? "connected" : "not connected", ad->mtu, ad->metric);
		for (size_t k = 0; k < ad->ndns; k++)
			printf(" %s", ad->dns[k]);
		printf("%s%s\n", ad->dns_suffix ? ", suffix " : "", ad->dns_suffix ? ad->dns_suffix : "");
	}
	if (!found)
		printf("no VPN adapter recognised\n");
	if (status_only) {
		printf("\nIn this distribution:\n  eth0: MTU %d\n  DNS:", obs.lx.mtu);
		for (size_t k = 0; k < obs.lx.nns; k++)
			printf(" %s", obs.lx.nameservers[k]);
		{
			long at = ini_find(&obs.wslconf, "boot.command");

			printf("\n  boot command: %s\n", at >= 0 ? obs.wslconf.lines[at].value : "(none)");
		}
	}
	observation_release(&obs);
	vpn_profiles_release(&ps);
	return rc;
}

static int cmd_probe(const struct wb_ctx *ctx, const char *target)
{
	struct mtu_probe res;
	int r = netif_probe_mtu(target, 1500, 1000, &res);

	if (r == -EPERM || r == -EACCES)
		return wb_needs_root(ctx->command_line, "vpn probe", "it sends don't-fragment pings on a raw socket");
	if (r < 0)
		return wb_error(WB_EXIT_FAIL, "probing %s failed: %s%s", target, strerror(-r),
				r == -EHOSTUNREACH ? " (not even 576 bytes got an answer)" : "");
	printf("path MTU to %s: %d (%d probes, %ld ms%s)\n", target, res.mtu, res.probes, res.ms,
	       res.icmp_reported ? "; a router reported its MTU" : "; no router reported an MTU");
	return WB_EXIT_OK;
}

static int check_input(const struct vpn_opts *o)
{
	if (o->mtu && strcmp(o->mtu, "auto") && strcmp(o->mtu, "probe")) {
		char *end;
		long n = strtol(o->mtu, &end, 10);

		if (*end || end == o->mtu || n < 576 || n > 9000)
			return wb_error(WB_EXIT_USAGE, "--mtu takes auto, probe or a number from 576 to 9000, "
					"not '%s'; nothing was changed", o->mtu);
	}
	if (o->dns && strcmp(o->dns, "auto") && strcmp(o->dns, "tunnel") && strcmp(o->dns, "static")) {
		char *copy = xstrdup(o->dns), *save = NULL;
		unsigned char addr[4];
		int n = 0, rc = 0;

		for (char *w = strtok_r(copy, ",", &save); w && !rc; w = strtok_r(NULL, ",", &save), n++)
			if (inet_pton(AF_INET, w, addr) != 1)
				rc = wb_error(WB_EXIT_USAGE, "--dns: '%s' is not an IPv4 address; nothing was changed", w);
		free(copy);
		if (!rc && (n == 0 || n > 3))
			rc = wb_error(WB_EXIT_USAGE, "--dns takes auto, tunnel, static or 1 to 3 server addresses "
				      "(glibc reads at most 3); nothing was changed");
		if (rc)
			return rc;
	}
	for (const char *w = o->search; w && *w;) {
		size_t n = strcspn(w, ",");
		char *d = xstrndup(w, n);
		bool ok = host_domain_valid(d, false);

		if (!ok) {
			wb_error(WB_EXIT_USAGE, "--search: '%s' is not a domain name; nothing was changed", d);
			free(d);
			return WB_EXIT_USAGE;
		}
		free(d);
		w += n + (w[n] == ',');
	}
	return 0;
}

int verb_vpn(int argc, char **argv, struct wb_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "mtu", required_argument, NULL, 'm' }, { "dns", required_argument, NULL, 'd' },
		{ "search", required_argument, NULL, 's' }, { "probe-target", required_argument, NULL, 't' },
		{ "boot-only", no_argument, NULL, 'b' }, { "force", no_argument, NULL, 'f' },
		{ "dry-run", no_argument, NULL, 'n' }, { "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	static const char changes[] = "/etc/wsl.conf and installs a root-owned boot script";
	static const struct subverb subs[] = {
		{ .name = "list" }, { .name = "detect" }, { .name = "status" },
		{ .name = "probe", .min_args = 1, .max_args = 1, .operands = "one IPv4 address" },
		{ .name = "apply", .max_args = 1, .flags = SUB_ROOT | SUB_LOCK, .changes = changes },
		{ .name = "remove", .flags = SUB_ROOT | SUB_LOCK, .changes = changes },
	};
	struct vpn_opts o = { .profile = NULL };
	const struct subverb *sv;
	const char *sub;
	int c, rc;

	verb_options_begin();
	while ((c = verb_next_option("vpn", argc, argv, "", longopts)) > 0) {
		switch (c) {
		case 'm': o.mtu = optarg; break;
		case 'd': o.dns = optarg; break;
		case 's': o.search = optarg; break;
		case 't': o.probe_target = optarg; break;
		case 'b': o.boot_only = true; break;
		case 'f': o.force = true; break;
		case 'n': o.dry_run = true; break;
		case 'j': o.json = true; break;
		}
	}
	if (c == 0)
		return WB_EXIT_USAGE;
	if (o.json && !o.dry_run)
		return wb_error(WB_EXIT_USAGE, "--json goes with --dry-run (vpn apply)");
	if (optind >= argc) {
		print_verb_usage("vpn");
		return WB_EXIT_USAGE;
	}
	sub = argv[optind++];
	if (!(sv = subverb_find("vpn", subs, sizeof(subs) / sizeof(subs[0]), sub, argc - optind,
				argv + optind, &rc)))
		return rc;
	if (!strcmp(sub, "probe"))
		return cmd_probe(ctx, argv[optind]);
	if (!strcmp(sub, "apply") && optind < argc)
		o.profile = argv[optind++];
	if ((rc = check_input(&o)))
		return rc;
	if (!strcmp(sub, "list"))
		return cmd_list(ctx);
	if (!strcmp(sub, "detect"))
		return cmd_detect(ctx, false);
	if (!strcmp(sub, "status"))
		return cmd_detect(ctx, true);
	if (!strcmp(sub, "apply"))
		return cmd_apply(ctx, sv, &o);
	return vpn_remove(ctx, sv, o.force);
}
