/* SPDX-License-Identifier: MIT */
/*
 * complete.c - `wslbridge __complete WORD... CURRENT`, what the bash, zsh
 * and fish wrappers in templates/completion ask.  The answers come from the
 * tables the verbs themselves use: the verbs table and its usage texts (the
 * sub-verbs and options each synopsis names), option_values(), the keys
 * table, the targets' parameters and the VPN profiles.  Only local files are
 * read: never Windows, the network, the lock or the history.
 *
 * Output: a first line saying what to offer ("words", or "files" or "dirs"
 * for the shell's own path completion), then one candidate a line, as
 * "WORD" or "WORD<TAB>DESCRIPTION", only those starting with CURRENT.  A
 * candidate ending in '=' wants no space after it.
 */
#include "verbs/verbs.h"
#include "base/log.h"
#include "base/util.h"
#include "conf/keys.h"
#include "targets/target.h"
#include "vpn-fixups/profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the words before the current one say. */
struct cline {
	const char *verb, *sub, *root, *opt;	/* opt: an option whose value is current */
	const char *operand[2];			/* the first operands after verb (and sub) */
	int noperands, kind;			/* kind: an ini_kind, or -1 */
	const char *cur;
	struct buf said;			/* the words printed, "\n"-separated */
};

static void offer(struct cline *c, const char *word, size_t len, const char *desc)
{
	char *key;

	if (len < strlen(c->cur) || strncmp(word, c->cur, strlen(c->cur)))
		return;
	if (!c->said.len)
		buf_addc(&c->said, '\n');
	key = xasprintf("\n%.*s\n", (int)len, word);
	if (!strstr(c->said.s, key)) {
		printf("%.*s%s%s\n", (int)len, word, desc && *desc ? "\t" : "", desc ? desc : "");
		buf_adds(&c->said, key + 1);
	}
	free(key);
}

/* The word a usage text puts after opt ("--file PATH": PATH), or 0. */
static size_t usage_value(const char *usage, const char *opt, const char **ret)
{
	size_t n = strlen(opt);

	for (const char *at = usage; at && (at = strstr(at, opt)); at += n) {
		const char *w = at + n + 1;

		if ((at > usage && (at[-1] == '-' || (at[-1] >= 'a' && at[-1] <= 'z'))) || at[n] != ' ')
			continue;
		if ((*w >= 'A' && *w <= 'Z') || memchr(w, '|', strcspn(w, " ]\n"))) {
			*ret = w;
			return strcspn(w, " ]\n");
		}
	}
	return 0;
}

/* Whether opt takes a value (as the next word) for verb. */
static bool takes_value(const char *verb, const char *opt)
{
	const char *w;
	char *eq = xasprintf("%s=", opt);
	bool inline_only = strstr(verb_common_usage(), eq) != NULL;	/* "--color=WHEN" */

	free(eq);
	if (inline_only)
		return false;
	return option_values(verb, opt) || usage_value(verb_common_usage(), opt, &w) ||
	       (verb && verb_usage(verb) && usage_value(verb_usage(verb), opt, &w));
}

/* The synopsis of a usage text: up to its first empty line. */
static size_t synopsis_len(const char *usage)
{
	const char *end = strstr(usage, "\n\n");

	return end ? (size_t)(end - usage) : strlen(usage);
}

/*
 * Each synopsis form of verb ("wslbridge VERB SUB ...", with its
 * continuation lines) in turn: fn gets the sub-verb word (may be
 * "get|test|set"; len 0 without one) and the form's text.
 */
static void each_form(const char *verb, void (*fn)(void *, const char *, size_t, const char *, size_t),
		      void *arg)
{
	const char *u = verb_usage(verb), *end, *p;

	if (!u)
		return;
	end = u + synopsis_len(u);
	for (p = u; p < end;) {
		const char *form = strstr(p, "wslbridge "), *next, *w;
		size_t wl;

		if (!form || form >= end)
			break;
		next = strstr(form + 10, "wslbridge ");
		if (!next || next > end)
			next = end;
		w = form + 10 + strlen(verb);
		w += strspn(w, " ");
		wl = strspn(w, "abcdefghijklmnopqrstuvwxyz|-");
		if (!wl || *w == '-' || (w[wl] != ' ' && w[wl] != '\n' && w + wl != end))
			wl = 0;
		fn(arg, w, wl, form, (size_t)(next - form));
		p = next;
	}
}

/* Whether the sub-verb list "a|b|c" (len bytes) holds name. */
static bool in_list(const char *list, size_t len, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; p < list + len; p += strcspn(p, "|") + 1)
		if ((size_t)strcspn(p, "|") >= n && !strncmp(p, name, n) &&
		    (p + n == list + len || p[n] == '|'))
			return true;
	return false;
}

struct subs_arg {
	struct cline *c;
	bool any;
	const char *name;
};

static void offer_subs(void *arg, const char *w, size_t wl, const char *form, size_t len)
{
	struct subs_arg *a = arg;

	(void)form; (void)len;
	for (const char *p = w; p < w + wl; p += strcspn(p, "|") + 1) {
		a->any = true;
		if (a->c)
			offer(a->c, p, strcspn(p, "|") < (size_t)(w + wl - p) ? strcspn(p, "|") :
			      (size_t)(w + wl - p), NULL);
	}
}

static bool has_subs(const char *verb)
{
	struct subs_arg a = { NULL, false, NULL };

	each_form(verb, offer_subs, &a);
	return a.any;
}

/* Offer every "--option" (and "--option=") that text names. */
static void offer_options_in(struct cline *c, const char *text, size_t len)
{
	for (const char *p = text; p + 2 < text + len; p++) {
		size_t n;

		if (p[0] != '-' || p[1] != '-' || (p > text && !strchr(" [|(,\n", p[-1])))
			continue;
		n = 2 + strspn(p + 2, "abcdefghijklmnopqrstuvwxyz0123456789-");
		/* --version is the program's only before a verb */
		if (n > 2 && p + n <= text + len && !(c->verb && n == 9 && !strncmp(p, "--version", 9)))
			offer(c, p, n + (p[n] == '='), NULL);
		p += n - 1;
	}
}

static void offer_form_options(void *arg, const char *w, size_t wl, const char *form, size_t len)
{
	struct subs_arg *a = arg;

	if (wl && in_list(w, wl, a->name))
		offer_options_in(a->c, form, len);
}

static void complete_options(struct cline *c)
{
	const char *u = c->verb ? verb_usage(c->verb) : NULL;

	if (u && c->sub) {
		struct subs_arg a = { c, false, c->sub };

		each_form(c->verb, offer_form_options, &a);
	} else if (u) {
		offer_options_in(c, u, strlen(u));
	}
	offer_options_in(c, verb_common_usage(), strlen(verb_common_usage()));
}

/* "NAME=" for each parameter of the target named (else of every target). */
static void complete_params(struct cline *c, const struct wb_ctx *ctx, const char *named)
{
	size_t n = 0;
	char **v = named ? NULL : target_list(ctx, &n);

	for (size_t i = 0; i < (named ? 1 : n); i++) {
		struct target t;
		struct target_error err;

		if (target_load(ctx, named ? named : v[i], NULL, 0, &t, &err) == 0) {
			for (size_t k = 0; k < t.nparams; k++) {
				char *w = xasprintf("%s=", t.param_names[k]);
				char *d = xasprintf("default: %s", *t.param_values[k] ? t.param_values[k] : "empty");

				offer(c, w, strlen(w), d);
				free(w);
				free(d);
			}
			target_release(&t);
		} else {
			target_error_release(&err);
		}
		if (v)
			free(v[i]);
	}
	free(v);
}

/* The values of opt: "words" (printed), or "files"/"dirs" for the shell. */
static const char *complete_value(struct cline *c, const struct wb_ctx *ctx, const char *opt)
{
	const char *const *vals = option_values(c->verb, opt);
	const char *w = NULL, *u = c->verb ? verb_usage(c->verb) : NULL;
	size_t n = usage_value(verb_common_usage(), opt, &w);

	if (!n && u)
		n = usage_value(u, opt, &w);
	if (n == 4 && !strncmp(w, "PATH", 4))
		return "files";
	if (n == 3 && !strncmp(w, "DIR", 3))
		return "dirs";
	printf("words\n");
	if (!strcmp(opt, "--param"))
		complete_params(c, ctx, c->verb && !strcmp(c->verb, "check") ? c->operand[0] : NULL);
	for (size_t i = 0; vals && vals[i]; i++)
		if (!(vals[i][0] >= 'A' && vals[i][0] <= 'Z'))	/* "N", "SERVER,...": no word */
			offer(c, vals[i], strlen(vals[i]), NULL);
	return NULL;
}

static const char *key_type_name(enum key_type t)
{
	static const char *const names[] = { "true or false", "a number", "a size (4GB)", "one of its values",
		"a MAC address", "a string", "a path", "an IPv4 address", "ports" };

	return names[t];
}

static void complete_keys(struct cline *c)
{
	for (int k = INI_WSLCONFIG; k <= INI_WSLCONF; k++) {
		const struct key_def *d;

		if (c->kind >= 0 && c->kind != k)
			continue;
		for (size_t i = 0; (d = keys_at((enum ini_kind)k, i)); i++) {
			char *w = xasprintf("%s.%s", d->section, d->name);
			char *desc = xasprintf("%s, %s", ini_kind_file((enum ini_kind)k), key_type_name(d->type));

			offer(c, w, strlen(w), desc);
			free(w);
			free(desc);
		}
	}
}

static void complete_key_values(struct cline *c, const char *name)
{
	for (int k = INI_WSLCONFIG; k <= INI_WSLCONF; k++) {
		const struct key_def *d = c->kind < 0 || c->kind == k ? keys_lookup((enum ini_kind)k, name) : NULL;
		static const char *const bools[] = { "true", "false", NULL };
		const char *const *v = !d ? NULL : d->type == KT_BOOL ? bools : d->type == KT_ENUM ? d->values : NULL;

		for (size_t i = 0; v && v[i]; i++)
			offer(c, v[i], strlen(v[i]), NULL);
	}
}

static void complete_operand(struct cline *c, const struct wb_ctx *ctx)
{
	const char *verb = c->verb, *sub = c->sub ? c->sub : "";
	const char *name, *summary;

	if (!verb || !strcmp(verb, "help")) {
		for (size_t i = 0; !(verb && c->noperands) && (name = verb_at(i, &summary)); i++)
			offer(c, name, strlen(name), summary);
		for (size_t i = 0; verb && !c->noperands && (name = help_topic_at(i, &summary)); i++)
			offer(c, name, strlen(name), summary);
	} else if (has_subs(verb) && !c->sub) {
		struct subs_arg a = { c, false, NULL };

		each_form(verb, offer_subs, &a);
	} else if (!strcmp(verb, "config") && strstr("|get|set|unset|", sub) && *sub && c->noperands == 0) {
		complete_keys(c);
	} else if (!strcmp(verb, "config") && !strcmp(sub, "set") && c->noperands == 1) {
		complete_key_values(c, c->operand[0]);
	} else if (!strcmp(verb, "check") && c->noperands == 0) {
		size_t n;
		char **v = target_list(ctx, &n);

		for (size_t i = 0; i < n; i++) {
			offer(c, v[i], strlen(v[i]), NULL);
			free(v[i]);
		}
		free(v);
	} else if (!strcmp(verb, "vpn") && !strcmp(sub, "apply") && c->noperands == 0) {
		struct vpn_profiles ps;
		struct target_error err;

		if (vpn_profiles_load(ctx, &ps, &err) < 0) {
			target_error_release(&err);
			return;
		}
		for (size_t i = 0; i < ps.n; i++)
			offer(c, ps.p[i].name, strlen(ps.p[i].name), ps.p[i].summary);
		vpn_profiles_release(&ps);
	}
}

/* Note what an option (at words[*i]) says; *i moves past its value. */
static void take_option(struct cline *c, int n, char **words, int *i)
{
	const char *w = words[*i], *eq = strchr(w, '=');
	char opt[64];
	const char *val = NULL;

	snprintf(opt, sizeof(opt), "%.*s", (int)(eq ? (size_t)(eq - w) : strlen(w)), w);
	if (eq)
		val = eq + 1;
	else if (takes_value(c->verb, opt) && *i + 1 < n - 1)
		val = words[++*i];
	else if (takes_value(c->verb, opt))
		c->opt = w;	/* its value is the current word */
	if (val && !strcmp(opt, "--root"))
		c->root = val;
	if (val && !strcmp(opt, "--kind"))
		c->kind = !strcmp(val, "wslconfig") ? INI_WSLCONFIG : !strcmp(val, "wslconf") ? INI_WSLCONF : -1;
}

static void read_line(struct cline *c, int n, char **words)
{
	bool dashdash = false;

	for (int i = 0; i < n - 1; i++) {
		const char *w = words[i];

		if (!dashdash && !strcmp(w, "--"))
			dashdash = true;
		else if (!dashdash && w[0] == '-' && w[1])
			take_option(c, n, words, &i);
		else if (!c->verb)
			c->verb = w;
		else if (!c->sub && has_subs(c->verb))
			c->sub = w;
		else if (c->noperands++ < 2)
			c->operand[c->noperands - 1] = w;
	}
	if (c->noperands > 2)
		c->noperands = 2;
}

int verb_complete(int n, char **words)
{
	struct cline c = { .kind = -1, .cur = n > 0 ? words[n - 1] : "", .said = BUF_INIT };
	struct wb_ctx ctx = { NULL, NULL, false, NULL };
	const char *kind = NULL;
	const char *eq = strchr(c.cur, '=');

	read_line(&c, n, words);
	(void)ctx_init(&ctx, c.root, NULL);
	if (c.opt) {
		kind = complete_value(&c, &ctx, c.opt);
	} else if (!strncmp(c.cur, "--", 2) && eq) {
		char *opt = xasprintf("%.*s", (int)(eq - c.cur), c.cur);
		const char *const *vals = option_values(c.verb, opt);

		printf("words\n");
		for (size_t i = 0; vals && vals[i]; i++) {
			char *w = xasprintf("%s=%s", opt, vals[i]);

			if (!(vals[i][0] >= 'A' && vals[i][0] <= 'Z'))
				offer(&c, w, strlen(w), NULL);
			free(w);
		}
		free(opt);
	} else if (c.cur[0] == '-') {
		printf("words\n");
		complete_options(&c);
	} else {
		printf("words\n");
		complete_operand(&c, &ctx);
	}
	if (kind)
		printf("%s\n", kind);
	buf_release(&c.said);
	ctx_release(&ctx);
	return fflush(stdout) ? WB_EXIT_FAIL : WB_EXIT_OK;
}
