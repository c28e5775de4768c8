/* SPDX-License-Identifier: MIT */
/* diagram.c - see diagram.h. */
#include "verbs/diagram.h"
#include "vswitch/adapter.h"
#include "base/term.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define WIDTH 72

struct box {
	FILE *f;
	bool fancy;
	int broken;
	char **problems;	/* when not NULL: each broken row, "text: why" */
};

/* Display width in code points (the symbols used are one column wide). */
static size_t cols(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static void rule(struct box *b, const char *left, const char *title, const char *right)
{
	size_t used;

	title = term_safe(title);	/* names from Windows and files */
	used = 2 + (title ? cols(title) + 2 : 0);
	fputs(left, b->f);
	fputs(b->fancy ? "\u2500" : "-", b->f);
	if (title)
		fprintf(b->f, " %s ", title);
	for (size_t i = used; i < WIDTH - 1; i++)
		fputs(b->fancy ? "\u2500" : "-", b->f);
	fprintf(b->f, "%s\n", right);
}

/* One line inside a box; bad != NULL marks it broken and says why.  The
 * mark is two columns wide on screen, whatever its escape codes' length. */
static void row(struct box *b, const char *text, const char *bad)
{
	struct buf line = BUF_INIT;
	const char *mark = !bad ? "  " : b->fancy ? "\033[31m\u2718\033[0m " : "X ";
	const size_t room = WIDTH - 5;	/* "| " + mark + text + "|" */

	term_escape(&line, text, strlen(text), 0);	/* names from Windows and files */
	if (bad) {
		buf_adds(&line, ": ");
		term_escape(&line, bad, strlen(bad), 0);
	}
	/* Too long for the box: cut at a character boundary, say so with "..." */
	while (cols(line.s) > room) {
		size_t n = line.len - 1;

		while (n && ((unsigned char)line.s[n] & 0xC0) == 0x80)
			n--;
		line.len = n;
		line.s[n] = '\0';
		if (cols(line.s) <= room - 3) {
			buf_adds(&line, "...");
			break;
		}
	}
	fprintf(b->f, "%s %s%s", b->fancy ? "\u2502" : "|", mark, line.s);
	for (size_t i = cols(line.s); i < room; i++)
		fputc(' ', b->f);
	fprintf(b->f, "%s\n", b->fancy ? "\u2502" : "|");
	if (bad && b->problems && b->broken < DIAGRAM_MAX_ROWS)
		b->problems[b->broken] = xasprintf("%s: %s", text, bad);
	b->broken += bad != NULL;
	buf_release(&line);
}

static void top(struct box *b, const char *title)
{
	rule(b, b->fancy ? "\u250c" : "+", title, b->fancy ? "\u2510" : "+");
}

static void bottom(struct box *b)
{
	rule(b, b->fancy ? "\u2514" : "+", NULL, b->fancy ? "\u2518" : "+");
}

static void link_line(struct box *b, const char *label)
{
	fprintf(b->f, "%*s%s %s\n", 10, "", b->fancy ? "\u2502" : "|", label ? term_safe(label) : "");
}

static const char *cfg(const struct ini_doc *d, const char *key)
{
	return d ? ini_value(d, key) : NULL;
}

const char *diagram_edition(const char *e)
{
	static const char *const map[][2] = {
		{ "Core", "Home" }, { "CoreSingleLanguage", "Home" }, { "Professional", "Pro" },
		{ "ProfessionalWorkstation", "Pro for Workstations" }, { "Enterprise", "Enterprise" },
		{ "Education", "Education" }, { "ServerStandard", "Server Standard" },
		{ "ServerDatacenter", "Server Datacenter" },
	};

	for (size_t i = 0; e && i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(e, map[i][0]))
			return map[i][1];
	return e ? e : "?";
}

static const struct host_switch *switch_named(const struct host_state *st, const char *name)
{
	for (size_t i = 0; name && i < st->nswitches; i++)
		if (st->switches[i].name && !strcmp(st->switches[i].name, name))
			return &st->switches[i];
	return NULL;
}

static int vpn_mtu(const struct host_state *st, struct box *b)
{
	int mtu = 0;

	for (size_t i = 0; i < st->nadapters; i++) {
		const struct host_adapter *a = &st->adapters[i];
		char *t;

		if (!adapter_is_vpn(a))
			continue;
		t = xasprintf("VPN %s: %s, MTU %d", a->name, a->status ? a->status : "?", a->mtu);
		row(b, t, NULL);
		free(t);
		if (a->status && !strcmp(a->status, "Up") && (!mtu || a->mtu < mtu))
			mtu = a->mtu;
	}
	return mtu;
}

static void windows_box(struct box *b, const struct host_state *st, bool bridged, const char *want_sw,
			int *ret_vpn_mtu)
{
	const struct host_switch *sw = switch_named(st, want_sw);
	const struct host_adapter *up = sw && sw->nuplinks ? host_adapter_by_guid(st, sw->uplinks[0]) : NULL;
	char *t, *title = xasprintf("Windows %s (build %s)", diagram_edition(st->edition), st->build ? st->build : "?");

	top(b, title);
	free(title);
	if (!up)
		up = adapter_former_uplink(st);	/* the adapter a broken switch lost */
	if (!up && !bridged) {
		char *why = NULL;

		up = adapter_choose(st, &why);
		free(why);
	}
	if (up) {
		t = xasprintf("%s (%s): %s%s%s", up->name, up->description, up->status ? up->status : "?",
			      up->nipv4 ? ", " : "", up->nipv4 ? up->ipv4[0].address : "");
		row(b, t, up->status && strcmp(up->status, "Up") ? "not connected" : NULL);
		free(t);
		if (bridged && host_adapter_binding(up, "vmware_bridge") == 1)
			row(b, "VMware Bridge Protocol bound", "Hyper-V cannot use the adapter");
	}
	if (bridged) {
		t = xasprintf("switch '%s'%s%s", want_sw ? want_sw : "?", sw ? ": " : "",
			      sw ? host_switch_type_name(sw->type) : "");
		row(b, t, !want_sw ? "vmSwitch is not set" : !sw ? "missing (WSL falls back to None)" :
			  sw->type != SWITCH_EXTERNAL ? "not External: eth0 gets no carrier" :
			  !up ? "bound to no adapter" : NULL);
		free(t);
	} else {
		row(b, "WSL's NAT (vEthernet (WSL))", NULL);
	}
	*ret_vpn_mtu = vpn_mtu(st, b);
	bottom(b);
}

static void vm_box(struct box *b, const char *mode, const char *asked, const struct linux_state *lx, int vpn_mtu)
{
	char *t, *title = xasprintf("WSL VM: networking mode %s", mode ? mode : "unknown");
	bool none = mode && !strcmp(mode, "none");

	top(b, title);
	free(title);
	if (none || (asked && mode && strcasecmp(asked, mode))) {
		t = xasprintf(".wslconfig asks for %s", asked ? asked : "nat");
		row(b, t, none ? "WSL fell back to None" : "WSL applied another mode");
		free(t);
	}
	if (!lx->present) {
		row(b, "eth0", "missing");
	} else {
		t = xasprintf("eth0 %s, MTU %d, carrier %s", lx->naddrs ? lx->addrs[0] : "(no address)", lx->mtu,
			      lx->carrier == 1 ? "yes" : "no");
		row(b, t, lx->carrier != 1 ? "no carrier" : !lx->naddrs ? "no address" :
			  vpn_mtu && lx->mtu > vpn_mtu ? "MTU above the VPN's" : NULL);
		free(t);
	}
	t = xasprintf("route: %s%s", lx->gateway ? "default via " : "none", lx->gateway ? lx->gateway : "");
	row(b, t, lx->gateway ? NULL : "no default route");
	free(t);
	t = xasprintf("DNS: %s%s", lx->nns ? lx->nameservers[0] : "none", lx->nns > 1 ? " ..." : "");
	row(b, t, lx->nns ? NULL : "no nameserver");
	free(t);
	bottom(b);
}

/* What the link between Windows and the VM is, in the mode WSL runs. */
static const char *link_label(const char *mode)
{
	if (!strcasecmp(mode, "bridged"))
		return "bridged: the VM is on the LAN";
	if (!strcasecmp(mode, "mirrored"))
		return "mirrored: the VM shares Windows' addresses";
	if (!strcasecmp(mode, "virtioproxy") || !strcasecmp(mode, "consomme"))
		return "Consomme (virtioproxy): the VM uses Windows' network stack";
	if (!strcasecmp(mode, "none"))
		return "none: the VM has no network";
	return "NAT: the VM is behind Windows";
}

static void draw(struct box *b, const struct observation *o)
{
	const char *asked = cfg(&o->wslconfig, "wsl2.networkingMode");
	bool bridged = asked && !strcasecmp(asked, "bridged");
	int vpn = 0;

	fprintf(b->f, "%*sLAN / Internet\n", 6, "");
	link_line(b, NULL);
	if (o->have_windows)
		windows_box(b, &o->win, bridged, cfg(&o->wslconfig, "wsl2.vmSwitch"), &vpn);
	else
		fprintf(b->f, "  (Windows not observed: --offline)\n");
	link_line(b, link_label(observation_mode(o, NULL)));
	vm_box(b, observation_env(o)->mode, asked, &o->lx, vpn);
}

void diagram_print(FILE *f, const struct observation *o)
{
	struct box b = { f, term_fancy(f), 0, NULL };

	draw(&b, o);
	if (b.broken)
		fprintf(f, "%d thing%s broken: `wslbridge check` says more, `wslbridge repair` fixes bridged mode\n",
			b.broken, b.broken == 1 ? " is" : "s are");
}

size_t diagram_problems(const struct observation *o, char ***ret)
{
	char *pic = NULL;
	size_t len = 0;
	/* the picture is drawn and dropped: what it marks is the one notion of broken */
	struct box b = { open_memstream(&pic, &len), false, 0, NULL };

	*ret = NULL;
	if (!b.f)
		return 0;
	b.problems = xcalloc(DIAGRAM_MAX_ROWS, sizeof(char *));
	draw(&b, o);
	fclose(b.f);
	free(pic);
	*ret = b.problems;
	return b.broken < DIAGRAM_MAX_ROWS ? (size_t)b.broken : DIAGRAM_MAX_ROWS;
}
