/* SPDX-License-Identifier: MIT */
/* verb-common.c - helpers shared by the verbs (see verbs.h). */
#include "verbs/verbs.h"
#include "base/log.h"
#include "targets/target.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int verb_report_load_error(struct target_error *err)
{
	int rc = err->usage ? WB_EXIT_USAGE : WB_EXIT_FAIL;

	if (err->line)
		wb_error(rc, "%s:%d:%d: %s", err->file, err->line, err->col, err->msg);
	else
		wb_error(rc, "%s", err->msg);
	target_error_release(err);
	return rc;
}

void verb_options_begin(void)
{
	opterr = 0;
	optind = 0;	/* 0, not 1: glibc then resets its whole state */
}

const char *const *option_values(const char *verb, const char *opt)
{
	static const char *const modes[] = { "bridged", "mirrored", "consomme", "nat", NULL };
	static const char *const bools[] = { "true", "false", NULL };
	static const char *const kinds[] = { "wslconfig", "wslconf", NULL };
	static const char *const mtu[] = { "auto", "probe", "N", NULL };
	static const char *const dns[] = { "auto", "tunnel", "static", "SERVER,...", NULL };
	static const char *const when[] = { "auto", "always", "never", NULL };
	static const struct { const char *verb, *opt; const char *const *values; } table[] = {
		{ NULL, "--mode", modes }, { NULL, "--dhcp", bools }, { NULL, "--ipv6", bools },
		{ NULL, "--host-loopback", bools }, { NULL, "--kind", kinds },
		{ "vpn", "--mtu", mtu }, { "vpn", "--dns", dns }, { NULL, "--color", when },
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!strcmp(table[i].opt, opt) && (!table[i].verb || (verb && !strcmp(table[i].verb, verb))))
			return table[i].values;
	return NULL;
}

/* What an option's value is, for "needs a value": the values it takes, else
 * the word the verb's usage puts after it ("--listen ADDR"), else NULL. */
static char *value_words(const char *verb, const char *opt)
{
	const char *const *v = option_values(verb, opt);
	const char *u = verb_usage(verb), *at;
	struct buf b = BUF_INIT;
	size_t n = strlen(opt);

	for (size_t i = 0; v && v[i]; i++)
		buf_addf(&b, "%s%s", i ? ", " : "", v[i]);
	for (at = u; !b.len && at && (at = strstr(at, opt)); at += n)
		if (at[n] == ' ' && at[n + 1] != '[' && at[n + 1] != '-' && at[n + 1] != ' ')
			buf_add(&b, at + n + 1, strcspn(at + n + 1, " ]\n"));
	if (!b.len)
		return NULL;
	return buf_detach(&b, NULL);
}

int verb_next_option(const char *verb, int argc, char **argv, const char *opts,
		     const struct option *longopts)
{
	/* ':' (after a '+' or '-') tells a missing value from an unknown option */
	char *colon = *opts == '+' || *opts == '-' ? xasprintf("%c:%s", *opts, opts + 1) : xasprintf(":%s", opts);
	int c = getopt_long(argc, argv, colon, longopts, NULL);
	const char *arg = argv[optind - 1];

	free(colon);
	if (c != '?' && c != ':')
		return c;
	if (c == ':') {
		char opt[64];
		char *words;

		snprintf(opt, sizeof(opt), "%.*s", (int)strcspn(arg, "="), arg);
		words = value_words(verb, opt);
		wb_error(WB_EXIT_USAGE, "option '%s' needs a value%s%s%s", opt, words ? " (" : "",
			 words ? words : "", words ? ")" : "");
		free(words);
	} else {
		const char *names[64], *near = NULL;
		size_t n = 0;
		char opt[64];

		snprintf(opt, sizeof(opt), "%.*s", (int)strcspn(arg, "="), arg);
		for (; longopts[n].name && n < 64; n++)
			names[n] = longopts[n].name;
		if (!strncmp(opt, "--", 2))
			near = nearest_word(opt + 2, names, n);
		if (near)
			wb_error(WB_EXIT_USAGE, "unknown option '%s' for %s; did you mean '--%s'?", opt, verb, near);
		else
			wb_error(WB_EXIT_USAGE, "unknown option '%s' for %s", arg, verb);
	}
	wb_hint("`wslbridge help %s` shows its options", verb);
	return 0;
}
