/* SPDX-License-Identifier: MIT */
/*
 * verb-setup.c - `wslbridge setup` and `wslbridge repair`: their options;
 * the work is the engine's (engine.c).
 */
#include "verbs/verbs.h"
#include "verbs/try-state.h"
#include "engine/engine.h"
#include "conf/keys.h"
#include "base/log.h"

#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static int check_options(const struct engine_opts *oo, int argc, char **argv, const char *verb);

/* The modes --mode takes, for its errors (the completion lists them from verbs). */
#define MODE_WORDS "bridged, mirrored, consomme or nat"

/* --mode in any case, as WSL reads networkingMode: "NAT" is nat. */
static const char *mode_lower(const char *v, char *buf, size_t size)
{
	size_t i;

	for (i = 0; v[i] && i + 1 < size; i++)
		buf[i] = (char)tolower((unsigned char)v[i]);
	buf[i] = '\0';
	return v[i] ? v : buf;	/* too long to be a mode: the error shows it as given */
}

/* --try SECONDS: the boot hook that keeps the timer runs as root, and reads only root's files. */
static int try_option(struct engine_opts *o, const char *arg, const char *verb)
{
	char *end = NULL;
	unsigned long n = strtoul(arg, &end, 10);

	if (!isdigit((unsigned char)*arg) || *end || n < 1 || n > 3600)
		return wb_error(WB_EXIT_USAGE, "--try takes a number of seconds from 1 to 3600, not '%s'", arg);
	if (geteuid() != 0)
		return wb_error(WB_EXIT_USAGE, "--try needs root: the boot hook that reverts an unconfirmed "
				"change runs as root and keeps the try with root's history (run `sudo wslbridge "
				"%s --try`)", verb);
	o->try_seconds = (unsigned)n;
	o->try_files = try_files;
	return 0;
}

static int run(int argc, char **argv, struct wb_ctx *ctx, bool repair)
{
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' }, { "restart", no_argument, NULL, 'r' },
		{ "switch", required_argument, NULL, 's' }, { "switch-id", required_argument, NULL, 'i' },
		{ "adapter", required_argument, NULL, 'a' }, { "mac", required_argument, NULL, 'm' },
		{ "dhcp", required_argument, NULL, 'd' }, { "ipv6", required_argument, NULL, '6' },
		{ "mode", required_argument, NULL, 'M' }, { "allow-port", required_argument, NULL, 'p' },
		{ "host-loopback", optional_argument, NULL, 'L' },
		{ "no-hyperv-admin", no_argument, NULL, 'H' },
		{ "detailed-exitcode", no_argument, NULL, 'D' }, { "json", no_argument, NULL, 'j' },
		{ "try", optional_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	struct engine_opts o = { .repair = repair };
	struct buf ports = BUF_INIT;
	const char *try_arg = NULL;
	int rc;
	const char *verb = repair ? "repair" : "setup";
	char mode_buf[16];
	int c;

	verb_options_begin();
	while ((c = verb_next_option(verb, argc, argv, "n", longopts)) > 0) {
		switch (c) {
		case 'n': o.dry_run = true; break;
		case 'r': o.restart = true; break;
		case 's': o.switch_name = optarg; break;
		case 'i': o.switch_id = optarg; break;
		case 'a': o.adapter = optarg; break;
		case 'm': o.mac = optarg; break;
		case 'd': o.dhcp = optarg; break;
		case '6': o.ipv6 = optarg; break;
		case 'M': o.mode = mode_lower(optarg, mode_buf, sizeof(mode_buf)); break;
		case 'p': buf_addf(&ports, "%s%s", ports.len ? "," : "", optarg); break;	/* repeatable */
		case 'L':	/* "--host-loopback false", "--host-loopback=false", or bare: true */
			if (!optarg && optind < argc && (!strcmp(argv[optind], "true") || !strcmp(argv[optind], "false")))
				optarg = argv[optind++];
			o.host_loopback = optarg ? optarg : "true";
			break;
		case 'H': o.no_hyperv_admin = true; break;
		case 'D': o.detailed_exitcode = true; break;
		case 'j': o.json = true; break;
		case 'T':	/* --try, --try=N or --try N */
			try_arg = optarg ? optarg : optind < argc && isdigit((unsigned char)argv[optind][0]) ?
				  argv[optind++] : "120";
			break;
		}
	}
	if (c == 0) {
		buf_release(&ports);
		return WB_EXIT_USAGE;
	}
	o.allow_ports = ports.s;
	rc = check_options(&o, argc, argv, verb);
	if (rc == 0 && try_arg)
		rc = try_option(&o, try_arg, verb);
	if (rc == 0 && !o.dry_run && geteuid() == 0)
		rc = try_run_queued(ctx);	/* a reverted try's Windows side first */
	if (rc == 0)
		rc = engine_run(ctx, &o);
	if (rc == 0 && !o.dry_run && !try_arg && geteuid() == 0)
		rc = try_confirm(ctx, true);	/* verified: a try waiting for it is confirmed */
	buf_release(&ports);
	return rc;
}

static int check_options(const struct engine_opts *oo, int argc, char **argv, const char *verb)
{
	const struct engine_opts o = *oo;
	char *why = NULL;

	if (optind != argc && !strcasecmp(argv[optind], "bridged") + !strcasecmp(argv[optind], "mirrored") +
	    !strcasecmp(argv[optind], "nat") + !strcasecmp(argv[optind], "consomme") +
	    !strcasecmp(argv[optind], "virtioproxy")) {
		wb_error(WB_EXIT_USAGE, "%s takes no arguments ('%s')", verb, argv[optind]);
		wb_hint("the mode is an option: `wslbridge %s --mode %s`", verb, argv[optind]);
		return WB_EXIT_USAGE;
	}
	if (optind != argc)
		return wb_error(WB_EXIT_USAGE, "%s takes no arguments ('%s')", verb, argv[optind]);
	if (o.repair && (o.mode || o.allow_ports || o.host_loopback || o.mac || o.dhcp || o.ipv6 || o.no_hyperv_admin))
		return wb_error(WB_EXIT_USAGE, "repair keeps what setup chose: --mode, --allow-port, "
				"--host-loopback, --mac, --dhcp, --ipv6 and --no-hyperv-admin are for "
				"`wslbridge setup`");
	if ((o.detailed_exitcode || o.json) && !o.dry_run)
		return wb_error(WB_EXIT_USAGE, "--%s goes with --dry-run", o.json ? "json" : "detailed-exitcode");
	if (o.mode && strcmp(o.mode, "bridged") && strcmp(o.mode, "mirrored") && strcmp(o.mode, "consomme") &&
	    strcmp(o.mode, "virtioproxy") && strcmp(o.mode, "nat"))
		return wb_error(WB_EXIT_USAGE, "--mode takes %s, not '%s'", MODE_WORDS, o.mode);
	if (o.mode && strcmp(o.mode, "bridged") && (o.switch_name || o.switch_id || o.adapter || o.mac || o.dhcp || o.ipv6))
		return wb_error(WB_EXIT_USAGE, "--switch, --switch-id, --adapter, --mac, --dhcp and --ipv6 are for "
				"bridged mode, not %s", o.mode);
	if (o.host_loopback && strcmp(o.host_loopback, "true") && strcmp(o.host_loopback, "false"))
		return wb_error(WB_EXIT_USAGE, "--host-loopback takes true or false");
	if (o.switch_name && (!*o.switch_name ||
	    key_check_value(INI_WSLCONFIG, keys_lookup(INI_WSLCONFIG, "wsl2.vmSwitch"),
			    o.switch_name, strlen(o.switch_name), &why) < 0)) {
		wb_error(WB_EXIT_USAGE, "switch name '%s' cannot be used: %s", o.switch_name,
			 why ? why : "it is empty");
		free(why);
		return WB_EXIT_USAGE;
	}
	if (o.mac && key_check_value(INI_WSLCONFIG, keys_lookup(INI_WSLCONFIG, "wsl2.macAddress"),
				     o.mac, strlen(o.mac), &why) < 0) {
		wb_error(WB_EXIT_USAGE, "%s", why);
		free(why);
		return WB_EXIT_USAGE;
	}
	for (int i = 0; i < 2; i++) {
		const char *v = i ? o.ipv6 : o.dhcp;

		if (v && key_check_value(INI_WSLCONFIG, keys_lookup(INI_WSLCONFIG, i ? "wsl2.ipv6" : "wsl2.dhcp"),
					 v, strlen(v), &why) < 0) {
			wb_error(WB_EXIT_USAGE, "--%s: %s", i ? "ipv6" : "dhcp", why);
			free(why);
			return WB_EXIT_USAGE;
		}
	}
	return 0;
}

int verb_setup(int argc, char **argv, struct wb_ctx *ctx)
{
	return run(argc, argv, ctx, false);
}

int verb_repair(int argc, char **argv, struct wb_ctx *ctx)
{
	return run(argc, argv, ctx, true);
}
