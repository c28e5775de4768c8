/* SPDX-License-Identifier: MIT */
/* diagram.c - see diagram.h. */
#include "verbs/diagram.h"
#include "vswitch/adapter.h"
#include "base/term.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The box fits the terminal, within these columns: wider is hard to read. */
#define MIN_WIDTH 40
#define MAX_WIDTH 100

struct box {
	FILE *f;
	bool fancy;
	int width;
	int broken;
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
	for (size_t i = used; i < (size_t)b->width - 1; i++)
		fputs(b->fancy ? "\u2500" : "-", b->f);
	fprintf(b->f, "%s\n", right);
}

/* Where to end the first piece of s that fits in room columns: after the
 * last space that fits, else (one long word) at room columns.  Never cuts
 * anything off: what does not fit goes on the next line. */
static size_t fit(const char *s, size_t room, size_t *skip)
{
	size_t n = 0, at = 0, space = 0;

	for (; s[at] && n < room; at++) {
		if (((unsigned char)s[at] & 0xC0) == 0x80)
			continue;
		if (s[at] == ' ')
			space = at;
		n++;
	}
	while (s[at] && ((unsigned char)s[at] & 0xC0) == 0x80)
		at++;
	*skip = 0;
	if (!s[at])
		return at;
	if (s[at] == ' ') {
		*skip = 1;
		return at;
	}
	if (space) {
		*skip = 1;
		return space;
	}
	return at;
}

/* One row inside a box; bad != NULL marks it broken and says why.  The
 * mark is two columns wide on screen, whatever its escape codes' length;
 * a row too long for the box wraps, indented, so no address is ever cut. */
static void row(struct box *b, const char *text, const char *bad)
{
	struct buf line = BUF_INIT;
	const char *mark = !bad ? "  " : b->fancy ? "\033[31m\u2718\033[0m " : "X ";
	const char *side = b->fancy ? "\u2502" : "|";
	const size_t room = (size_t)b->width - 5;	/* "| " + mark + text + "|" */
	const char *p;

	term_escape(&line, text, strlen(text), 0);	/* names from Windows and files */
	if (bad) {
		buf_adds(&line, ": ");
		term_escape(&line, bad, strlen(bad), 0);
	}
	p = line.s;
	for (bool first = true; first || *p; first = false) {
		size_t skip, indent = first ? 0 : 2, n = fit(p, room - indent, &skip), used;

		fprintf(b->f, "%s %s%*s%.*s", side, first ? mark : "  ", (int)indent, "", (int)n, p);
		used = indent;
		for (size_t k = 0; k < n; k++)
			used += ((unsigned char)p[k] & 0xC0) != 0x80;
		for (size_t i = used; i < room; i++)
			fputc(' ', b->f);
		fprintf(b->f, "%s\n", side);
		p += n + skip;
	}
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
	return host_edition_name(e);
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
		char prefix[16] = "";

		if (up->nipv4)
			snprintf(prefix, sizeof(prefix), "/%d", up->ipv4[0].prefix);
		t = xasprintf("%s (%s): %s%s%s%s", up->name, up->description, up->status ? up->status : "?",
			      up->nipv4 ? ", " : "", up->nipv4 ? up->ipv4[0].address : "", prefix);
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

static void vm_box(struct box *b, const char *mode, const char *from, const char *asked,
		   const struct linux_state *lx, int vpn_mtu)
{
	/* the one mode the link above is labelled with; said where it came from
	 * when WSL itself did not tell */
	char *t, *title = xasprintf("WSL VM: networking mode %s%s%s", mode,
				    strcmp(from, "wslinfo") ? ", as " : "", !strcmp(from, "wslinfo") ? "" :
				    !strcmp(from, "default") ? "WSL's default" : ".wslconfig asks");
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
	const char *from, *mode = observation_mode(o, &from);
	int vpn = 0;

	fprintf(b->f, "%*sLAN / Internet\n", 6, "");
	link_line(b, NULL);
	if (o->have_windows)
		windows_box(b, &o->win, bridged, cfg(&o->wslconfig, "wsl2.vmSwitch"), &vpn);
	else
		fprintf(b->f, "  (Windows not observed: --offline)\n");
	link_line(b, link_label(mode));
	vm_box(b, mode, from, asked, &o->lx, vpn);
}

void diagram_print(FILE *f, const struct observation *o, const char *target, size_t nfail)
{
	int w = term_width(f);
	struct box b = { f, term_fancy(f), w < MIN_WIDTH ? MIN_WIDTH : w > MAX_WIDTH ? MAX_WIDTH : w, 0 };

	draw(&b, o);
	/* the verdict is check's, not the picture's own: the marks only show where */
	if (nfail)
		fprintf(f, "%zu thing%s broken (target %s): `wslbridge check` says what, `wslbridge repair` fixes it\n",
			nfail, nfail == 1 ? " is" : "s are", target);
	else if (b.broken)
		fprintf(f, "target %s holds; the marks above are outside it (`wslbridge doctor` tests them)\n", target);
}
