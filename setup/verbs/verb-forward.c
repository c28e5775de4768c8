/* SPDX-License-Identifier: MIT */
/*
 * verb-forward.c - `wslbridge forward add|list|remove|sync`: NAT port
 * forwards from Windows to WSL (forward.c holds the rules).
 *
 * add and remove change Windows (one launch, one UAC prompt) and the files
 * in one history entry, so `wslbridge undo` reverts both: the list of
 * forwards, the boot hook that runs `forward sync` at every start, and
 * /etc/wsl.conf the first time.  sync only points the rules at WSL's
 * current address again; the boot script runs it in the background.
 */
#include "verbs/forward-hook.h"
#include "verbs/subverb.h"
#include "verbs/verbs.h"
#include "apply/boot-hook.h"
#include "apply/changeset.h"
#include "apply/plan-json.h"
#include "forward/forward.h"
#include "base/log.h"
#include "base/ports.h"
#include "base/term.h"
#include "base/trust.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct fwd_opts {
	const char *listen;
	bool dry_run, all, boot, offline, json;
};

struct run {
	struct wb_ctx *ctx;
	const struct fwd_opts *o;
	const struct subverb *sv;	/* the sub-verb running */
	struct observation obs;
	struct forwards fs;
	char *store, *ip;
	struct win_plan wp;
	struct changeset cs;
	struct forward_env env;
	struct buf said;		/* add: each forward's route and why */
	bool observed;
};

static void run_release(struct run *r)
{
	if (r->observed)
		observation_release(&r->obs);
	forwards_release(&r->fs);
	win_plan_release(&r->wp);
	changeset_release(&r->cs);
	free(r->store);
	free(r->ip);
	buf_release(&r->said);
}

/* Forwards exist for NAT: say what to do instead in the other modes.  And
 * nothing is planned from Windows' rules when they could not be read. */
static int mode_refusal(const struct run *r)
{
	const char *m = observation_env(&r->obs)->mode;
	static const char *const needed[] = { "portproxy", "firewall-rules" };

	for (size_t i = 0; r->obs.have_windows && i < 2; i++) {
		const struct host_unreadable *u = host_unreadable(&r->obs.win, needed[i]);
		char *why = u ? host_unreadable_text(u) : NULL;

		if (!u)
			continue;
		wb_error(WB_EXIT_FAIL, "Windows' %s could not be read (%s); nothing was changed", needed[i], why);
		free(why);
		return WB_EXIT_FAIL;
	}
	if (!m || !strcmp(m, "nat"))
		return 0;
	if (!strcmp(m, "mirrored"))
		wb_error(WB_EXIT_FAIL, "WSL runs in mirrored mode: Windows and WSL share their ports, so no "
			 "forward is needed (a server in WSL on 0.0.0.0:PORT is reachable at Windows' addresses)");
	else if (!strcmp(m, "bridged"))
		wb_error(WB_EXIT_FAIL, "WSL runs in bridged mode with its own LAN address%s%s: connect to it "
			 "directly; forwards are for NAT mode", r->ip ? " " : "", r->ip ? r->ip : "");
	else
		wb_error(WB_EXIT_FAIL, "WSL's networking mode is '%s': forwards need NAT mode", m);
	if (!strcmp(m, "mirrored"))
		wb_hint("to let the LAN in: `wslbridge setup --mode mirrored --allow-port PORT`");
	else
		wb_hint("`wslbridge setup --mode nat` switches to NAT");
	return WB_EXIT_FAIL;
}

static int load_store(struct run *r)
{
	char *why = NULL;

	r->store = forward_store_path(r->ctx);
	if (forwards_load(r->store, &r->fs, &why) < 0) {
		wb_error(WB_EXIT_FAIL, "%s", why);
		free(why);
		return WB_EXIT_FAIL;
	}
	return 0;
}

static int observe(struct run *r, bool offline)
{
	char *why = NULL;

	/* portproxy and adapters are basics; an external switch is inferred from them */
	if (observation_gather(r->ctx, offline, 0, &r->obs, &why) < 0) {
		wb_error(WB_EXIT_FAIL, "%s", why);
		free(why);
		return WB_EXIT_FAIL;
	}
	r->observed = true;
	r->ip = forward_wsl_address(&r->obs.lx);
	return 0;
}

static int need_address(const struct run *r)
{
	if (r->ip)
		return 0;
	wb_error(WB_EXIT_FAIL, "eth0 has no IPv4 address, so there is nothing to forward to; nothing was changed");
	wb_hint("`wslbridge check nat` shows what is wrong with WSL's network");
	return WB_EXIT_FAIL;
}

static void print_plan(const struct run *r, const char *what)
{
	printf("Plan for forward %s:\n", what);
	if (r->said.len)
		printf("  Routes:\n%s", r->said.s);
	if (r->wp.n)
		printf("  Windows, in one step (%s):\n", r->obs.win.elevated ? "already elevated" :
		       "one administrator (UAC) prompt");
	else
		printf("  Windows: nothing to change\n");
	for (size_t i = 0; i < r->wp.n; i++)
		printf("       - %s\n", term_safe(r->wp.describe[i]));
	for (size_t i = 0; i < r->cs.n; i++) {
		const struct change *c = &r->cs.c[i];

		if (!change_differs(c))
			continue;
		if (c->remove) {
			printf("  %s: remove it\n", c->path);
			continue;
		}
		if (!strcmp(c->label, vpn_script_path)) {
			printf("  %s: install it, root-owned, mode 0755\n", c->path);
			continue;
		}
		printf("  %s:\n", c->path);
		change_print_diff(c);
	}
}

/* --dry-run --json: the plan of forward WHAT as JSON (apply/plan-json.h); -1 as a dry run's confirm. */
static int plan_json(const struct run *r, const char *what, bool pending)
{
	char *verb = xasprintf("forward %s", what);
	const char *facts[] = { "wsl_address", r->ip, "listen", r->o->listen ? r->o->listen : "0.0.0.0" };
	struct plan_doc d = { .verb = verb, .pending = pending, .wp = &r->wp,
			      .elevated = r->observed && r->obs.win.elevated, .cs = &r->cs, .facts = facts, .nfacts = 2 };
	int rc = plan_print_json(&d);

	free(verb);
	return rc ? rc : -1;
}

static int confirm(const struct run *r, const char *what)
{
	int yes;

	if (r->o->dry_run && r->o->json)
		return plan_json(r, what, true);
	print_plan(r, what);
	if (r->o->dry_run) {
		printf("\n(--dry-run: nothing was changed)\n");
		return -1;
	}
	yes = ctx_confirm(r->ctx, "\nApply this plan?");
	if (yes == -ENOTTY)
		return wb_error(WB_EXIT_USAGE, "forward %s changes Windows and files and there is no terminal "
				"to confirm on; pass --yes", what);
	if (yes == 0)
		return wb_error(WB_EXIT_FAIL, "forward %s cancelled; nothing was changed", what);
	return 0;
}

/* Windows first (its undo goes into the entry), then the files, one history entry. */
static int apply(struct run *r)
{
	struct transaction t;
	int rc = transaction_begin(r->ctx, &t);

	if (rc == 0 && r->wp.n)
		rc = transaction_windows(&t, &r->obs.host, &r->obs.win, &r->wp, NULL, NULL);
	for (size_t i = 0; rc == 0 && i < r->cs.n; i++)
		if (!strcmp(r->cs.c[i].label, "/etc/wsl.conf") && !r->cs.c[i].remove &&
		    change_differs(&r->cs.c[i]) && boot_snapshot(r->ctx, "wsl.conf", &r->cs.c[i]) < 0)
			rc = wb_error(WB_EXIT_FAIL, "could not save the original /etc/wsl.conf in '%s'",
				      r->ctx->state_dir);
	if (rc == 0)
		rc = transaction_files(&t, &r->cs);
	transaction_end(&t);
	return rc;
}

/* Puts forward f into the store, as one forward or (the default listen on
 * the same port, which would take the relay's 127.0.0.1:P) one per LAN
 * address; marks each in asked. */
static int add_one(struct run *r, const struct forward *f, bool **asked)
{
	char **lan = NULL;
	int rc = 0;

	if (forward_choose(&r->env, &r->fs, f, NULL) == FWD_WHY_SELF_CLASH && !r->o->listen && r->obs.have_windows)
		lan = forward_lan_addresses(&r->obs.win);
	for (size_t k = 0; rc == 0 && (lan ? lan[k] != NULL : k == 0); k++) {
		struct forward g = *f;
		const struct host_portproxy *pp;
		long at;

		if (lan)
			g.listen = lan[k];
		at = forwards_find(&r->fs, g.listen, g.host_port);
		pp = forward_rule(&r->obs.win, &g);
		if (at < 0 && pp && !forward_is_ours(&r->obs.win, &g)) {
			rc = wb_error(WB_EXIT_FAIL, "Windows already forwards %s:%u (to %s:%s) and wslbridge did not "
				      "make that rule; nothing was changed", g.listen, g.host_port,
				      pp->connect_address ? pp->connect_address : "?", pp->connect_port ? pp->connect_port : "?");
			wb_hint("choose another port, or delete it from an administrator prompt: `netsh interface "
				"portproxy delete v4tov4 listenport=%u listenaddress=%s`", g.host_port, pp->listen_address);
			break;
		}
		if (at < 0) {
			forwards_add(&r->fs, &g);
			at = (long)r->fs.n - 1;
		}
		r->fs.f[at].wsl_port = g.wsl_port;
		*asked = xrealloc(*asked, r->fs.n * sizeof(**asked));
		(*asked)[at] = true;
	}
	for (size_t k = 0; lan && lan[k]; k++)
		free(lan[k]);
	free(lan);
	return rc;
}

/*
 * Every forward's route, chosen with all of them in place (two new ones can
 * hold each other's relay port), and the rules that makes: a forward asked
 * for, or one whose route changes, is said.
 */
static void plan_routes(struct run *r, const bool *asked)
{
	for (size_t i = 0; i < r->fs.n; i++) {
		struct forward *f = &r->fs.f[i];
		char *clash = NULL, *text;
		enum forward_why why = forward_choose(&r->env, &r->fs, f, &clash);
		enum forward_route route = why == FWD_WHY_RELAY ? FWD_RELAY : FWD_DIRECT;

		if (asked[i] || route != f->route) {
			text = forward_why_text(why, f, clash);
			buf_addf(&r->said, "  %s:%u -> WSL port %u, %s.\n", f->listen, f->host_port, f->wsl_port, text);
			free(text);
		}
		f->route = route;
		free(clash);
		forward_plan_sync(&r->obs.win, f, r->ip, &r->wp);
	}
}

static int cmd_add(struct run *r, char **specs, size_t nspecs)
{
	struct forward f[PORTS_MAX];
	size_t nf = 0;
	char *why = NULL;
	bool *asked = NULL;
	int rc = 0;

	for (size_t i = 0; i < nspecs; i++) {
		int e = nf < PORTS_MAX ? forward_parse(specs[i], r->o->listen, &f[nf], &why) : -E2BIG;

		if (e < 0) {
			rc = wb_error(WB_EXIT_USAGE, "%s", e == -E2BIG ? "too many forwards at once" : why);
			if (e == -EPROTONOSUPPORT)
				wb_hint("mirrored mode shares ports with Windows, UDP too (`wslbridge setup --mode "
					"mirrored --allow-port PORT/udp`); in NAT mode a UDP relay must run on Windows");
			free(why);
			goto out;
		}
		nf++;
	}
	if ((rc = subverb_enter(r->ctx, "forward", r->sv)) || (rc = load_store(r)) ||
	    (rc = observe(r, false)) || (rc = mode_refusal(r)) || (rc = need_address(r)))
		goto out;
	forward_env_init(&r->env, &r->obs, r->ip);
	asked = xcalloc(r->fs.n + 1, sizeof(*asked));
	for (size_t i = 0; i < nf && !rc; i++)
		rc = add_one(r, &f[i], &asked);
	if (rc)
		goto out;
	plan_routes(r, asked);
	forwards_render(&r->fs, &changeset_add(&r->cs, xstrdup(r->store), "forwards", 0644)->neu);
	if ((rc = forward_plan_hook(r->ctx, &r->obs.wslconf, &r->cs, true)))
		goto out;
	if (!r->wp.n) {
		bool files = false;

		for (size_t i = 0; i < r->cs.n; i++)
			files |= change_differs(&r->cs.c[i]);
		if (!files && r->o->dry_run && r->o->json) {
			rc = plan_json(r, "add", false);
			goto out;
		}
		if (!files) {
			printf("Nothing to change: Windows already forwards %s to WSL (%s).\n",
			       nf == 1 ? "this port" : "these ports", r->ip);
			goto out;
		}
	}
	if ((rc = confirm(r, "add")))
		goto out;
	if ((rc = apply(r)))
		goto out;
	printf("Forwarding from Windows to WSL at %s (TCP):\n%s", r->ip, r->said.s);
	if (!forwards_all_relay(&r->fs))
		printf("WSL's address can change when it restarts: the boot script runs `wslbridge forward sync` at "
		       "every start (Windows asks for administrator rights then only if the address changed).\n");
	printf("`wslbridge undo` reverts this; `wslbridge forward remove PORT` removes a forward.\n");
out:
	if (rc < 0)
		rc = WB_EXIT_OK;	/* --dry-run */
	free(asked);
	for (size_t i = 0; i < nf; i++)
		forward_release(&f[i]);
	return rc;
}

static int cmd_remove(struct run *r, char **specs, size_t nspecs)
{
	struct forwards keep = { NULL, 0 };
	bool *gone = NULL;
	int rc;

	if ((rc = subverb_enter(r->ctx, "forward", r->sv)) || (rc = load_store(r)))
		return rc;
	gone = xcalloc(r->fs.n + 1, sizeof(*gone));
	for (size_t i = 0; i < r->fs.n; i++)
		gone[i] = r->o->all;
	for (size_t i = 0; i < nspecs; i++) {
		struct forward f;
		char *why = NULL;
		long at;

		if (forward_parse(specs[i], r->o->listen, &f, &why) < 0) {
			rc = wb_error(WB_EXIT_USAGE, "%s", why);
			free(why);
			goto out;
		}
		at = forwards_find(&r->fs, f.listen, f.host_port);
		/* without --listen, the port on every address (the relay's forwards are per LAN address) */
		for (size_t k = 0; !r->o->listen && k < r->fs.n; k++)
			if (r->fs.f[k].host_port == f.host_port)
				gone[k] = true, at = (long)k;
		if (at < 0)
			rc = wb_error(WB_EXIT_FAIL, "no forward on %s%s%u (`wslbridge forward list` shows them); "
				      "nothing was changed", r->o->listen ? f.listen : "port", r->o->listen ? ":" : " ",
				      f.host_port);
		else
			gone[at] = true;
		forward_release(&f);
		if (rc)
			goto out;
	}
	if (!nspecs && !r->o->all) {
		rc = wb_error(WB_EXIT_USAGE, "forward remove needs HOSTPORT (or --all)");
		goto out;
	}
	/* no forwards: nothing on Windows to look at, only the hook's files */
	if ((rc = observe(r, !r->fs.n)))
		goto out;
	if (!r->fs.n && !(r->o->all && forward_hook_left(r->ctx, &r->obs.wslconf))) {
		if (r->o->dry_run && r->o->json)
			rc = plan_json(r, "remove", false);
		else
			printf("Nothing to remove: there are no forwards.\n");
		goto out;
	}
	for (size_t i = 0; i < r->fs.n; i++) {
		if (gone[i])
			forward_plan_remove(&r->obs.win, &r->fs.f[i], &r->wp);
		else
			forwards_add(&keep, &r->fs.f[i]);
	}
	forwards_render(&keep, &changeset_add(&r->cs, xstrdup(r->store), "forwards", 0644)->neu);
	rc = forward_plan_hook(r->ctx, &r->obs.wslconf, &r->cs, keep.n > 0);
	if (rc == 0)
		rc = confirm(r, "remove");
	if (rc == 0)
		rc = apply(r);
	if (rc == 0) {
		bool unhooked = false;

		for (size_t i = 0; i < r->cs.n; i++)
			unhooked |= !strcmp(r->cs.c[i].label, vpn_script_path) && r->cs.c[i].remove;
		if (unhooked)
			boot_forget_saved(r->ctx, true, true);
		printf("Removed. %s\n", keep.n ? "The other forwards stay." : unhooked ?
		       "No forwards are left: /etc/wsl.conf runs your own boot command again." :
		       "No forwards are left (the boot script stays for the VPN fixes).");
	}
out:
	free(gone);
	forwards_release(&keep);
	return rc < 0 ? WB_EXIT_OK : rc;
}

/* At start, eth0 gets its address from WSL a little after the boot command runs. */
static void wait_for_address(struct run *r)
{
	for (int i = 0; i < 30; i++) {
		struct linux_state lx;
		char *ip;
		bool up;

		linux_observe(r->ctx, "eth0", &lx);
		ip = forward_wsl_address(&lx);
		up = ip != NULL;
		linux_state_release(&lx);
		free(ip);
		if (up)
			return;
		sleep(1);
	}
}

static int cmd_sync(struct run *r)
{
	time_t now = time(NULL);
	char stamp[32];
	int rc;

	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	if (r->o->boot)
		printf("%s forward sync (at start):\n", stamp);
	if ((rc = subverb_enter(r->ctx, "forward", r->sv)) || (rc = load_store(r)))
		return rc;
	if (!r->fs.n) {
		printf("No forwards to sync.\n");
		return WB_EXIT_OK;
	}
	if (r->o->boot && forwards_all_relay(&r->fs)) {
		/* their rules point at 127.0.0.1: WSL's new address needs nothing on Windows */
		printf("Forwards go through WSL's localhost relay: nothing to sync (%zu forward%s).\n", r->fs.n,
		       r->fs.n == 1 ? "" : "s");
		return WB_EXIT_OK;
	}
	if (r->o->boot)
		wait_for_address(r);
	if ((rc = observe(r, false)) || (rc = mode_refusal(r)) || (rc = need_address(r)))
		return rc;
	for (size_t i = 0; i < r->fs.n; i++)
		forward_plan_sync(&r->obs.win, &r->fs.f[i], r->ip, &r->wp);
	if (!r->wp.n) {
		printf("Forwards are in sync: %zu forward%s to WSL at %s.\n", r->fs.n, r->fs.n == 1 ? "" : "s", r->ip);
		return WB_EXIT_OK;
	}
	if (r->o->boot)
		r->ctx->yes = true;	/* the forwards were confirmed when they were added */
	if ((rc = confirm(r, "sync")))
		return rc < 0 ? WB_EXIT_OK : rc;
	/* No history entry: sync restores the state the forwards declare. */
	rc = transaction_windows(NULL, &r->obs.host, &r->obs.win, &r->wp, NULL, NULL);
	if (rc == 0)
		printf("Forwards point at WSL %s again (%zu change%s).\n", r->ip, r->wp.n, r->wp.n == 1 ? "" : "s");
	return rc;
}

static int cmd_list(struct run *r)
{
	int rc;

	if ((rc = load_store(r)))
		return rc;
	if (!r->fs.n) {
		forward_print_none(r->ctx);
		return WB_EXIT_OK;
	}
	if ((rc = observe(r, r->o->offline)))
		return rc;
	forward_env_init(&r->env, &r->obs, r->ip);
	printf("Forwards from Windows to WSL%s%s (TCP, netsh portproxy):\n", r->ip ? " at " : "", r->ip ? r->ip : "");
	rc = WB_EXIT_OK;
	for (size_t i = 0; i < r->fs.n; i++) {
		const struct forward *f = &r->fs.f[i];
		char *p = r->obs.have_windows ? forward_problem(&r->env, f) : NULL;

		printf("  %s:%u -> WSL port %u%s  %s\n", f->listen, f->host_port, f->wsl_port,
		       f->route == FWD_RELAY ? " (through WSL's localhost relay)" : "",
		       !r->obs.have_windows ? "(not checked: --offline)" : p ? p : "ok");
		if (p)
			rc = WB_EXIT_DRIFT;
		free(p);
	}
	if (rc == WB_EXIT_DRIFT)
		wb_hint("`sudo wslbridge forward sync` points them at WSL again");
	return rc;
}

int verb_forward(int argc, char **argv, struct wb_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' }, { "dry-run", no_argument, NULL, 'n' },
		{ "all", no_argument, NULL, 'a' }, { "boot", no_argument, NULL, 'b' },
		{ "offline", no_argument, NULL, 'o' }, { "udp", no_argument, NULL, 'u' },
		{ "json", no_argument, NULL, 'j' }, { NULL, 0, NULL, 0 },
	};
	struct fwd_opts o = { .listen = NULL };
	struct run r = { .ctx = NULL };
	static const char changes[] = "the forwards this distribution keeps (and the boot command in "
				      "/etc/wsl.conf that syncs them at every start)";
	static const struct subverb subs[] = {
		{ .name = "add", .min_args = 1, .max_args = -1, .operands = "HOSTPORT[:WSLPORT]",
		  .flags = SUB_ROOT | SUB_LOCK, .changes = changes },
		{ .name = "remove", .max_args = -1, .flags = SUB_ROOT | SUB_LOCK, .changes = changes },
		{ .name = "list" },
		{ .name = "sync", .flags = SUB_ROOT | SUB_LOCK, .changes = changes },
	};
	bool udp = false;
	const char *sub;
	int c, rc;

	verb_options_begin();
	while ((c = verb_next_option("forward", argc, argv, "", longopts)) > 0) {
		switch (c) {
		case 'l': o.listen = optarg; break;
		case 'n': o.dry_run = true; break;
		case 'a': o.all = true; break;
		case 'b': o.boot = true; break;
		case 'o': o.offline = true; break;
		case 'u': udp = true; break;
		case 'j': o.json = true; break;
		}
	}
	if (c == 0)
		return WB_EXIT_USAGE;
	if (o.json && !o.dry_run)
		return wb_error(WB_EXIT_USAGE, "--json goes with --dry-run (add, remove)");
	if (optind >= argc) {
		print_verb_usage("forward");
		return WB_EXIT_USAGE;
	}
	sub = argv[optind++];
	if (udp) {
		wb_error(WB_EXIT_USAGE, "netsh portproxy forwards TCP only, so UDP cannot be forwarded in NAT mode");
		wb_hint("mirrored mode shares ports with Windows, UDP too (`wslbridge setup --mode mirrored "
			"--allow-port PORT/udp`)");
		return WB_EXIT_USAGE;
	}
	r.sv = subverb_find("forward", subs, sizeof(subs) / sizeof(subs[0]), sub, argc - optind,
			    argv + optind, &rc);
	if (!r.sv)
		return rc;
	r.ctx = ctx;
	r.o = &o;
	if (!strcmp(sub, "add"))
		rc = cmd_add(&r, argv + optind, (size_t)(argc - optind));
	else if (!strcmp(sub, "remove"))
		rc = cmd_remove(&r, argv + optind, (size_t)(argc - optind));
	else if (!strcmp(sub, "list"))
		rc = cmd_list(&r);
	else
		rc = cmd_sync(&r);
	run_release(&r);
	return rc;
}
