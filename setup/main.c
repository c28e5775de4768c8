/* SPDX-License-Identifier: MIT */
/*
 * main.c - the verbs table, options common to every verb, and main(), the
 * only place that turns a result into an exit status.
 */
#include "base/bench-rusage.h"
#include "base/ctx.h"
#include "base/log.h"
#include "apply/runlog.h"
#include "base/match.h"
#include "base/term.h"
#include "base/util.h"
#include "verbs/verbs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#ifndef WSLBRIDGE_VERSION
#define WSLBRIDGE_VERSION "0.1.0"
#endif

/* V_LOCK: dispatch takes the run's lock first, unless an option of readonly is given. */
enum { V_LOCK = 1 };

struct verb {
	const char *name;
	int (*run)(int argc, char **argv, struct wb_ctx *ctx);
	unsigned flags;
	const char *readonly[3];	/* options that make the verb only read */
	const char *summary;
	const char *usage;
};

static int verb_help(int argc, char **argv, struct wb_ctx *ctx);
static int verb_version(int argc, char **argv, struct wb_ctx *ctx);

static const struct verb verbs[] = {
	{ .name = "setup", .run = verb_setup, .flags = V_LOCK,
	  .summary = "set WSL's networking up (bridged, mirrored, Consomme or NAT) and verify it",
	  .usage = "wslbridge setup [--mode bridged] [--adapter ADAPTER] [--switch NAME] [--switch-id ID]\n"
	  "                [--mac MAC] [--dhcp true|false] [--ipv6 true|false] [--no-hyperv-admin]\n"
	  "                [--dry-run] [--restart] [--try [SECONDS]] [--yes]\n"
	  "       wslbridge setup --mode mirrored [--allow-port PORT[/udp]]... [--host-loopback true|false]\n"
	  "                [--dry-run] [--restart] [--yes]\n"
	  "       wslbridge setup --mode consomme|nat [--dry-run] [--restart] [--yes]\n"
	  "\n"
	  "  --mode MODE        bridged (WSL on the LAN through an external Hyper-V switch),\n"
	  "                     mirrored (WSL shares Windows' interfaces; Windows 11 22H2+),\n"
	  "                     consomme (WSL's user-mode NAT on Windows' own address; WSL\n"
	  "                     2.3.25+, written VirtioProxy before 2.9.0; needs wsl2.virtio)\n"
	  "                     or nat (WSL's default; forward ports with `wslbridge forward`);\n"
	  "                     default: the mode set up last, else mirrored or consomme if .wslconfig\n"
	  "                     asks for it, else bridged; where a mode\n"
	  "                     cannot work, setup says which ones do\n"
	  "  --allow-port PORT  mirrored: let PORT (TCP, or PORT/udp) from the LAN into WSL\n"
	  "                     through the Hyper-V firewall; repeatable or comma-separated;\n"
	  "                     refused inside Windows' dynamic port range where WSL\n"
	  "                     (2.8.7 to 2.9.4) refuses binds there, else warned about\n"
	  "  --host-loopback true|false  mirrored: experimental.hostAddressLoopback (reach\n"
	  "                     Windows at its LAN address from WSL and back)\n"
	  "  --adapter ADAPTER  the physical adapter to bridge, by name, description, MAC\n"
	  "                     or GUID (default: the one with the default route, wired\n"
	  "                     before Wi-Fi)\n"
	  "  --switch NAME      the external switch's name (default \"WSL Bridge\")\n"
	  "  --switch-id ID     which switch, when several have the name\n"
	  "  --mac MAC          eth0's MAC (default: derived from this PC's MachineGuid);\n"
	  "                     not WSL's default 5e:bb:f6:9e:ee:fa, multicast, broadcast or 0\n"
	  "  --dhcp true|false  wsl2.dhcp (default: left as it is; WSL's default is true)\n"
	  "  --ipv6 true|false  wsl2.ipv6 (default: left as it is; WSL's default is false)\n"
	  "  --no-hyperv-admin  bridged: do not add you to Hyper-V Administrators in the\n"
	  "                     administrator step (which lets later runs read Hyper-V's\n"
	  "                     switches without a prompt, from your next sign-in on)\n"
	  "  -n, --dry-run      print the plan and stop\n"
	  "  --detailed-exitcode  with --dry-run: exit 0 when nothing would change,\n"
	  "                     2 when changes are pending (as terraform plan does)\n"
	  "  --json             with --dry-run: the plan as JSON (templates/json/plan.schema.json)\n"
	  "  --restart          run `wsl.exe --shutdown` as the very last action\n"
	  "  --try [SECONDS]    after the restart, keep the change only if the network\n"
	  "                     works and `sudo wslbridge confirm` comes within SECONDS\n"
	  "                     (default 120); else the boot hook reverts .wslconfig.\n"
	  "                     Needs root (sudo)\n"
	  "\n"
	  "Prints a plan (Windows actions, a diff of .wslconfig), asks once, makes all\n"
	  "Windows changes in one step (at most one UAC prompt), writes .wslconfig and\n"
	  "exits 4 until WSL restarts; run it again afterwards to verify (a fallback\n"
	  "to another mode is reported with WSL's reason).  `wslbridge undo` reverts it;\n"
	  "if WSL no longer starts, the script it leaves in %LOCALAPPDATA%\\wslbridge\n"
	  "reverts it from Windows (wslbridge-rescue.ps1 -Revert)." },
	{ .name = "repair", .run = verb_repair, .flags = V_LOCK,
	  .summary = "find and fix what broke WSL's networking (VMware, updates)",
	  .usage = "wslbridge repair [--adapter ADAPTER] [--switch NAME] [--switch-id ID] [-n|--dry-run]\n"
	  "                 [--detailed-exitcode] [--restart] [--yes]\n"
	  "\n"
	  "  --adapter, --switch, --switch-id  as for setup: which adapter and switch\n"
	  "  -n, --dry-run      print the diagnosis and the plan, and stop\n"
	  "  --detailed-exitcode  with --dry-run: exit 0 when nothing would change,\n"
	  "                     2 when changes are pending\n"
	  "  --json             with --dry-run: the plan as JSON\n"
	  "\n"
	  "The same engine as setup, with the mode and target the last setup recorded\n"
	  "(or what .wslconfig says): says what is broken and why, then fixes only that." },
	{ .name = "check", .run = verb_check,
	  .summary = "compare this machine with its target state",
	  .usage = "wslbridge check [TARGET] [--offline] [--xml | --json] [--param NAME=VALUE]...\n"
	  "       wslbridge check --list\n"
	  "\n"
	  "  TARGET              bridged, mirrored, consomme, nat, vpn, or a target in /etc/wslbridge/targets\n"
	  "                      or a path; default: what setup recorded, else what\n"
	  "                      .wslconfig implies\n"
	  "  --param NAME=VALUE  a target parameter (--switch, --adapter, --mac and --mtu\n"
	  "                      are short for the usual ones)\n"
	  "  --offline           no Windows launch: check only the files and Linux\n"
	  "  --xml               a machine-readable report\n"
	  "  --json              the same as JSON (templates/json/check.schema.json)\n"
	  "  --list              the targets and their parameters\n"
	  "\n"
	  "One line per expectation, grouped by side, with what was observed, what was\n"
	  "expected and a remedy.  Exit 0 when all hold, 3 when something differs." },
	{ .name = "status", .run = verb_status,
	  .summary = "show what is observed on Windows and in WSL",
	  .usage = "wslbridge status [--offline] [--xml | --json] [--no-pager]\n"
	  "\n"
	  "  --offline   do not start powershell.exe: show the Linux side only\n"
	  "  --no-pager  on a terminal, print straight out instead of through $PAGER\n"
	  "              (else `less`, with LESS=FRX unless LESS is set; never when piped)\n"
	  "  --xml       the same as one XML document\n"
	  "  --json      the same as one JSON document (templates/json/status.schema.json)\n"
	  "\n"
	  "Windows build and edition, WSL version and the networking mode in use,\n"
	  "adapters with their bindings, Hyper-V switches, VPN adapters, the .wslconfig\n"
	  "and wsl.conf settings that matter, and eth0, the default route and DNS in\n"
	  "this distribution.  Exactly one powershell.exe launch.  Exit 3 when the\n"
	  "picture marks something broken, each named on stderr." },
	{ .name = "doctor", .run = verb_doctor,
	  .summary = "test DNS, reachability, MTU, proxy and config for real, with remedies",
	  .usage = "wslbridge doctor [--offline] [--json] [--endpoint HOST:PORT] [--name NAME]\n"
	  "                 [--timeout MS]\n"
	  "\n"
	  "  --offline          no Windows launch: only what this side can test\n"
	  "  --json             the report as one JSON document (templates/json/doctor.schema.json)\n"
	  "  --endpoint HOST:PORT  the internet endpoint to open a TCP connection to\n"
	  "                     (default www.msftconnecttest.com:80, Windows' own check)\n"
	  "  --name NAME        the name to resolve (default www.msftconnecttest.com)\n"
	  "  --timeout MS       how long to wait for each answer (default 3000)\n"
	  "\n"
	  "Asks every nameserver WSL uses (resolv.conf, and the DNS tunnelling address\n"
	  "when tunnelling is on) for A and AAAA and through the search suffixes, and\n"
	  "says whether each is answering, slow (over 1 s), refusing or silent; pings\n"
	  "the default gateway and the Windows host (as host-ip finds it), connects to\n"
	  "the endpoint, probes the path MTU to it for black holes (as root), compares\n"
	  "the proxy environment with autoProxy, and lints .wslconfig and wsl.conf.\n"
	  "Works in every mode, with or without a setup.  One line per check with a\n"
	  "remedy for each that fails; exit 0 when all pass, 3 when one fails." },
	{ .name = "vpn", .run = verb_vpn,
	  .summary = "MTU and DNS fixes for VPN clients",
	  .usage = "wslbridge vpn list\n"
	  "       wslbridge vpn detect\n"
	  "       wslbridge vpn apply [PROFILE] [--mtu auto|probe|N] [--dns auto|tunnel|static|SERVER,...]\n"
	  "                           [--search DOMAIN,...] [--probe-target ADDR] [--boot-only]\n"
	  "                           [--dry-run [--json]] [--yes]\n"
	  "       wslbridge vpn status\n"
	  "       wslbridge vpn remove [--force] [--yes]\n"
	  "       wslbridge vpn probe ADDR\n"
	  "\n"
	  "  PROFILE        a VPN profile (`vpn list`); default: the one whose adapter is found\n"
	  "  --mtu          auto: the VPN adapter's MTU on Windows; probe: measure the path\n"
	  "                 MTU from here (don't-fragment pings); or a number 576-9000\n"
	  "  --dns          auto: DNS tunneling where WSL supports it, else static; tunnel;\n"
	  "                 static (the VPN adapter's servers); or up to 3 server addresses\n"
	  "  --search       search domains for a static resolv.conf\n"
	  "  --boot-only    only at the next start, not now\n"
	  "  --dry-run      print the plan and stop; --json: as JSON (templates/json/plan.schema.json)\n"
	  "  probe ADDR     measure the path MTU to ADDR (needs root)\n"
	  "\n"
	  "apply installs a root-owned boot script run from /etc/wsl.conf [boot] command\n"
	  "(your previous boot command still runs), sets the MTU and resolv.conf now, and\n"
	  "makes the profile's Windows fix (one UAC prompt).  remove takes out of wsl.conf\n"
	  "only what apply set, keeping your other edits.  apply and remove need root." },
	{ .name = "forward", .run = verb_forward,
	  .summary = "forward Windows ports to WSL in NAT mode",
	  .usage = "wslbridge forward add [--listen ADDR] HOSTPORT[:WSLPORT]... [--dry-run [--json]] [--yes]\n"
	  "       wslbridge forward list [--offline]\n"
	  "       wslbridge forward remove [--listen ADDR] HOSTPORT... | --all [--dry-run [--json]] [--yes]\n"
	  "       wslbridge forward sync [--boot] [--yes]\n"
	  "\n"
	  "  --listen ADDR  the Windows IPv4 address to listen on (default 0.0.0.0: all;\n"
	  "                 through WSL's relay on the same port: each LAN address)\n"
	  "  --all          remove every forward\n"
	  "  --json         with --dry-run: the plan as JSON (templates/json/plan.schema.json)\n"
	  "  --offline      list without asking Windows whether each forward is right\n"
	  "  --boot         wait for eth0's address first (the boot script's way)\n"
	  "\n"
	  "Each forward is a netsh portproxy rule (TCP only: UDP is refused with what\n"
	  "to do instead) plus a Windows Firewall rule.  Where WSL's localhost relay\n"
	  "works the rule connects to 127.0.0.1 and WSL's changing address needs no\n"
	  "sync; where it does not (localhostForwarding=false, the relay's port taken\n"
	  "on loopback) it connects to WSL's current address, and the boot script runs\n"
	  "`forward sync` at every start.  add says which route each forward takes.\n"
	  "list exits 3 when a forward is\n"
	  "out of date.  add, remove and sync need root; `wslbridge undo` reverts\n"
	  "add and remove." },
	{ .name = "host-ip", .run = verb_host_ip,
	  .summary = "print the Windows host's address as seen from WSL",
	  .usage = "wslbridge host-ip\n"
	  "\n"
	  "NAT: eth0's default gateway; mirrored: 127.0.0.1; Consomme: 127.0.0.1, which\n"
	  "WSL relays to Windows over loopback0 (eth0's gateway there is the LAN's router,\n"
	  "never printed; without loopback0, as with localhostForwarding=false, it says\n"
	  "so and exits 1); bridged: the address of the switch's vEthernet adapter on\n"
	  "the LAN (one Windows launch).  Only the address is printed, for scripts;\n"
	  "--verbose says how it was found." },
	{ .name = "dsc", .run = verb_dsc,
	  .summary = "the WslBridge/Network resource of Microsoft DSC v3 (fleets)",
	  .usage = "wslbridge dsc get|test|set   (the instance as JSON on stdin)\n"
	  "\n"
	  "  get   print this machine's state: mode, switch, adapter, mac, forwards\n"
	  "  test  the same with _inDesiredState: whether it matches the instance\n"
	  "        (the mode as `check` compares it, the forwards as `forward list`)\n"
	  "  set   test first, then change only what differs, through setup and\n"
	  "        `forward add` (one history entry each; `wslbridge undo` reverts);\n"
	  "        never asks; _rebootRequested when WSL must restart to finish\n"
	  "\n"
	  "Run by DSC through templates/dsc/wslbridge.dsc.resource.json (installed in\n"
	  "/usr/share/wslbridge/dsc/).  Output: one JSON object on stdout; messages on\n"
	  "stderr.  Exit 0 done, 1 failed, 2 the instance was wrong (nothing changed)." },
	{ .name = "config", .run = verb_config,
	  .summary = "read and edit .wslconfig and /etc/wsl.conf losslessly",
	  .usage = "wslbridge config get   [--file PATH] [--kind wslconfig|wslconf] SECTION.KEY\n"
	  "       wslbridge config set   [--file PATH] [--kind KIND] [--force] [--fix] SECTION.KEY VALUE\n"
	  "       wslbridge config unset [--file PATH] [--kind KIND] [--fix] SECTION.KEY\n"
	  "       wslbridge config list  [--file PATH] [--kind KIND]\n"
	  "       wslbridge config lint  [--file PATH] [--kind KIND]\n"
	  "       wslbridge config keys  [--kind KIND]\n"
	  "\n"
	  "  --file PATH   the file to use (default: /etc/wsl.conf under --root, or the\n"
	  "                Windows user's %USERPROFILE%\\.wslconfig; WSLBRIDGE_WSLCONFIG\n"
	  "                overrides it)\n"
	  "  --kind KIND   wslconfig (.wslconfig) or wslconf (/etc/wsl.conf); otherwise\n"
	  "                taken from the file name or the key\n"
	  "  --force       allow a key WSL does not know (never an invalid value)\n"
	  "  --fix         wsl.conf: remove a byte order mark and comment out invalid\n"
	  "                lines, which make WSL ignore the rest of the file\n"
	  "\n"
	  "get prints the value WSL reads and exits 1 when it reads none; list shows\n"
	  "every key WSL reads with its line; lint shows what WSL would warn about or\n"
	  "ignore, quoting the warning wsl.exe prints for unknown and duplicate keys,\n"
	  "and exits 1 if it ignores anything; keys lists the keys WSL knows." },
	{ .name = "undo", .run = verb_undo, .flags = V_LOCK, .readonly = { "-l", "--list" },
	  .summary = "revert the latest change: its files and what it did on Windows",
	  .usage = "wslbridge undo [--list] [--force] [--yes]\n"
	  "\n"
	  "Reverts the newest change in the history: the files it wrote get their\n"
	  "earlier bytes back, a file it created is removed, and what it did on Windows\n"
	  "(a switch it created, firewall rules, port forwards, bindings) is undone in\n"
	  "one step.  Run it again for the change before.\n"
	  "\n"
	  "  --list    show the history of changes, newest first\n"
	  "  --force   restore even a file that changed since wslbridge wrote it (its\n"
	  "            current bytes are kept in the history folder)" },
	{ .name = "confirm", .run = verb_confirm,
	  .summary = "keep the network a `setup --try` changed",
	  .usage = "sudo wslbridge confirm\n"
	  "\n"
	  "  --notice  print, once, what the boot hook reverted (the shell-start script\n"
	  "            /etc/profile.d/wslbridge-try.sh runs it)\n"
	  "  --boot    the boot hook's waiter (the boot script starts it)\n"
	  "\n"
	  "After `sudo wslbridge setup --try [SECONDS]` and WSL's restart, the new network\n"
	  "must prove itself (an address on eth0, a default route, a DNS answer) and be\n"
	  "confirmed, with this or a `sudo wslbridge setup` that verifies, within SECONDS;\n"
	  "else the boot hook puts the previous .wslconfig back.  Exit 1 when the network\n"
	  "has not proven itself or it is too late (then it also removes what setup\n"
	  "created on Windows, through undo), 4 when WSL has not restarted yet." },
	{ .name = "version", .run = verb_version,
	  .summary = "print the version", .usage = "wslbridge version" },
	{ .name = "help", .run = verb_help,
	  .summary = "show help for wslbridge or a verb", .usage = "wslbridge help [VERB]" },
};
#define N_VERBS (sizeof(verbs) / sizeof(verbs[0]))

static const char common_usage[] =
	"common options (before or after the verb):\n"
	"  --root DIR        act on DIR as if it were / (tests, chroots); also WSLBRIDGE_ROOT\n"
	"  --state-dir DIR   where history and backups live (default /var/lib/wslbridge\n"
	"                    as root, else $XDG_STATE_HOME/wslbridge); also WSLBRIDGE_STATE_DIR\n"
	"  -y, --yes         do not ask for confirmation\n"
	"  -q, --quiet       print only errors (the exit code says the rest)\n"
	"  --color=WHEN      colours and symbols: auto (on a terminal, unless NO_COLOR\n"
	"                    or TERM=dumb), always or never\n"
	"  -v, --verbose     print more detail\n"
	"  -h, --help        show help\n"
	"  -V, --version     print the version (as `wslbridge version`)\n";

/* Help that is not a verb's: README's sections, embedded at build time. */
extern const unsigned char troubleshooting_txt[];
extern const size_t troubleshooting_txt_len;
static const struct { const char *name, *summary; const unsigned char *text; const size_t *len; } topics[] = {
	{ "troubleshooting", "what WSL's errors mean and what to run (README's Troubleshooting)",
	  troubleshooting_txt, &troubleshooting_txt_len },
};

const char *verb_at(size_t i, const char **summary)
{
	if (i >= N_VERBS)
		return NULL;
	*summary = verbs[i].summary;
	return verbs[i].name;
}

const char *help_topic_at(size_t i, const char **summary)
{
	if (i >= sizeof(topics) / sizeof(topics[0]))
		return NULL;
	*summary = topics[i].summary;
	return topics[i].name;
}

const char *verb_common_usage(void)
{
	return common_usage;
}

static const struct verb *find_verb(const char *name)
{
	for (size_t i = 0; i < N_VERBS; i++)
		if (!strcmp(verbs[i].name, name))
			return &verbs[i];
	return NULL;
}

const char *verb_usage(const char *name)
{
	const struct verb *v = find_verb(name);

	return v ? v->usage : NULL;
}

void print_verb_usage(const char *name)
{
	const struct verb *v = find_verb(name);

	if (v)
		printf("usage: %s\n\n%s.\n", v->usage, v->summary);
}

static void print_main_usage(FILE *f)
{
	fprintf(f, "usage: wslbridge [OPTIONS] VERB [ARGS]\n\nverbs:\n");
	for (size_t i = 0; i < N_VERBS; i++)
		fprintf(f, "  %-8s %s\n", verbs[i].name, verbs[i].summary);
	fprintf(f, "\n%s\nexit codes: 0 ok, 1 failed, 2 usage error, 3 check found drift,\n"
		"4 done but WSL must restart to finish\n\n"
		"`wslbridge help VERB` or `wslbridge VERB --help` shows a verb's usage;\n"
		"`wslbridge help troubleshooting`, what WSL's errors mean and what to run.\n",
		common_usage);
}

static int verb_help(int argc, char **argv, struct wb_ctx *ctx)
{
	(void)ctx;
	if (argc < 2) {
		print_main_usage(stdout);
		return WB_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(topics) / sizeof(topics[0]); i++)
		if (!strcmp(argv[1], topics[i].name)) {
			fwrite(topics[i].text, 1, *topics[i].len, stdout);
			return WB_EXIT_OK;
		}
	if (!find_verb(argv[1]))
		return wb_error(WB_EXIT_USAGE, "no help for unknown verb '%s'", argv[1]);
	print_verb_usage(argv[1]);
	return WB_EXIT_OK;
}

static int verb_version(int argc, char **argv, struct wb_ctx *ctx)
{
	(void)argc; (void)argv; (void)ctx;
	printf("wslbridge %s\n", WSLBRIDGE_VERSION);
	return WB_EXIT_OK;
}

static const char *nearest_verb(const char *name)
{
	const char *names[N_VERBS];

	for (size_t i = 0; i < N_VERBS; i++)
		names[i] = verbs[i].name;
	return nearest_word(name, names, N_VERBS);
}

struct common {
	const char *root, *state;
	bool help, yes, version;
	enum log_level level;
};

/* Value of "--opt VALUE" or "--opt=VALUE" at argv[*i]; NULL if not this opt. */
static const char *opt_value(int argc, char **argv, int *i, const char *opt, int *err)
{
	size_t n = strlen(opt);

	if (strncmp(argv[*i], opt, n))
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		*err = wb_error(WB_EXIT_USAGE, "option '%s' needs a value", opt);
		return NULL;
	}
	return argv[++*i];
}

/*
 * Take the common options out of argv, wherever they are before "--", so
 * every verb accepts them without knowing them.  Returns an exit code.
 */
static int take_common(int *argc, char **argv, struct common *c)
{
	int out = 1, err = 0;

	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i], *v;

		if (!strcmp(a, "--")) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		if ((v = opt_value(*argc, argv, &i, "--root", &err)))
			c->root = v;
		else if ((v = opt_value(*argc, argv, &i, "--state-dir", &err)))
			c->state = v;
		else if (err)
			return err;
		else if (!strncmp(a, "--color", 7) && (!a[7] || a[7] == '=')) {
			const char *w = a[7] ? a + 8 : "always";	/* bare --color: always, as ls */

			if (strcmp(w, "auto") && strcmp(w, "always") && strcmp(w, "never"))
				return wb_error(WB_EXIT_USAGE, "--color takes auto, always or never, not '%s'", w);
			term_force_color(!strcmp(w, "always") ? 1 : !strcmp(w, "never") ? 0 : -1);
		}
		else if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			c->help = true;
		else if ((!strcmp(a, "-V") || !strcmp(a, "--version")) && out == 1)
			c->version = true;	/* before a verb only: a verb's own -V stays its own */
		else if (!strcmp(a, "-y") || !strcmp(a, "--yes"))
			c->yes = true;
		else if (!strcmp(a, "-q") || !strcmp(a, "--quiet"))
			c->level = LOG_QUIET;
		else if (!strcmp(a, "-v") || !strcmp(a, "--verbose"))
			c->level = LOG_VERBOSE;
		else
			argv[out++] = argv[i];
	}
	argv[out] = NULL;
	*argc = out;
	return 0;
}

/* Whether one of the verb's read-only options is given (before a "--"). */
static bool only_reads(const struct verb *v, int argc, char **argv)
{
	for (int i = 2; i < argc && strcmp(argv[i], "--"); i++)
		for (size_t k = 0; k < 3 && v->readonly[k]; k++)
			if (!strcmp(argv[i], v->readonly[k]))
				return true;
	return false;
}

/*
 * -q, for every verb in one place: what a verb prints on stdout (reports,
 * plans, documents) goes to /dev/null; errors and their hints still reach
 * stderr (log.c drops notes and warnings), and the exit code tells the rest.
 */
static int quiet_stdout(void)
{
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	fflush(stdout);
	if (dup2(fd, STDOUT_FILENO) < 0)
		r = -errno;
	close(fd);
	return r;
}

static int dispatch(int argc, char **argv, const struct common *c, struct wb_ctx *ctx)
{
	const struct verb *v;
	const char *near;

	if (c->version && argc < 2)
		return verb_version(argc, argv, ctx);
	if (argc < 2) {
		if (c->help) {
			print_main_usage(stdout);
			return WB_EXIT_OK;
		}
		print_main_usage(stderr);
		return WB_EXIT_USAGE;
	}
	v = find_verb(argv[1]);
	if (!v) {
		near = nearest_verb(argv[1]);
		wb_error(WB_EXIT_USAGE, "unknown verb '%s'%s%s%s", argv[1],
			 near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
		wb_hint("`wslbridge help` lists the verbs");
		return WB_EXIT_USAGE;
	}
	/* --help works whatever else is wrong, as in git. */
	if (c->help) {
		print_verb_usage(v->name);
		return WB_EXIT_OK;
	}
	if (!ctx->state_dir)
		return wb_error(WB_EXIT_FAIL, "cannot choose a state directory: HOME is not "
				"set; pass --state-dir");
	if (c->level == LOG_QUIET && quiet_stdout() < 0)
		return wb_error(WB_EXIT_FAIL, "--quiet: could not open /dev/null: %s", strerror(errno));
	if ((v->flags & V_LOCK) && !only_reads(v, argc, argv)) {
		int rc = transaction_lock(ctx);

		if (rc)
			return rc;
	}
	return v->run(argc - 1, argv + 1, ctx);
}

/* Catch a failed write of stdout (a full disk, a closed pipe), as git does. */
static int finish_stdout(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout))
		return rc ? rc : wb_error(WB_EXIT_FAIL, "could not write the output: %s",
					  strerror(errno));
	return rc;
}

int main(int argc, char **argv)
{
	struct common c = { NULL, NULL, false, false, false, LOG_NORMAL };
	struct wb_ctx ctx = { NULL, NULL, false, NULL };
	int rc;

	/* The shells' completion: before everything else, so it reads only
	 * the tables and local files, takes no lock and leaves no history. */
	if (argc > 1 && !strcmp(argv[1], "__complete")) {
		rc = verb_complete(argc - 2, argv + 2);
		xmlCleanupParser();
		return rc;
	}
	ctx_set_command(&ctx, argc, argv);
	rc = take_common(&argc, argv, &c);
	if (rc) {
		ctx_release(&ctx);
		return rc;
	}
	log_level = c.level;
	(void)ctx_init(&ctx, c.root, c.state);
	ctx.yes = c.yes;
	rc = dispatch(argc, argv, &c, &ctx);
	rc = finish_stdout(rc);
	if (runlog_finish(&ctx, rc) < 0)
		wb_warn("could not add this run to '%s/runs.log'", ctx.state_dir);
	bench_rusage();
	ctx_release(&ctx);
	match_free_all();
	xmlCleanupParser();
	return rc;
}
