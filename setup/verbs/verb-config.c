/* SPDX-License-Identifier: MIT */
/*
 * verb-config.c - `wslbridge config get|set|unset|list|lint|keys`: read and
 * edit .wslconfig and /etc/wsl.conf exactly as WSL reads them.
 */
#include "verbs/subverb.h"
#include "verbs/verbs.h"
#include "conf/ini-edit.h"
#include "host/host.h"
#include "conf/ini-lint.h"
#include "base/log.h"
#include "base/match.h"
#include "base/term.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>

struct config_opts {
	const char *file;
	int kind;		/* enum ini_kind, or -1: not given */
	bool force, fix;
};

struct target {
	enum ini_kind kind;
	char *path;
};

static void add_shown(struct buf *b, const char *v, size_t len)
{
	term_escape(b, v, len, TERM_NAMED);
}

static int kind_from_path(const char *path)
{
	const char *base = path_basename(path);

	/* ".wslconfig", "old.wslconfig", "wsl.conf", "backup.wsl.conf" */
	if (str_has_suffix(base, ".wslconfig"))
		return INI_WSLCONFIG;
	if (!strcmp(base, "wsl.conf") || str_has_suffix(base, ".wsl.conf"))
		return INI_WSLCONF;
	return -1;
}

/*
 * WSLBRIDGE_WSLCONFIG, else %USERPROFILE%\.wslconfig through the host layer
 * (its cache, or one cmd.exe the first time; never powershell.exe).
 */
static int wslconfig_path(const struct wb_ctx *ctx, char **ret)
{
	struct host h;
	char *why = NULL;
	int r;

	if ((*ret = host_wslconfig_path(NULL)))
		return 0;	/* WSLBRIDGE_WSLCONFIG: no need to ask Windows */
	r = host_open(ctx, &h, &why);
	*ret = r == 0 ? host_wslconfig_path(&h) : NULL;
	if (!*ret) {
		wb_error(WB_EXIT_USAGE, "cannot tell where the Windows user's .wslconfig is%s%s",
			 why ? ": " : "", why ? why : "");
		wb_hint("pass --file /mnt/c/Users/NAME/.wslconfig or set WSLBRIDGE_WSLCONFIG");
		r = -ENOENT;
	}
	free(why);
	host_close(&h);
	return r;
}

/* The key decides the file when only one of them knows it. */
/* Whether kind has a key in name's section ("wsl2" of "wsl2.memroy"). */
static bool kind_has_section(enum ini_kind kind, const char *name)
{
	size_t n = strcspn(name, ".");
	const struct key_def *d;

	for (size_t i = 0; name[n] && (d = keys_at(kind, i)); i++)
		if (strlen(d->section) == n && !strncasecmp(d->section, name, n))
			return true;
	return false;
}

static int kind_from_key(const char *name)
{
	bool a = keys_lookup(INI_WSLCONFIG, name), b = keys_lookup(INI_WSLCONF, name);

	if (!a && !b) {
		/* a typo in the key: its section still tells the file */
		a = kind_has_section(INI_WSLCONFIG, name);
		b = kind_has_section(INI_WSLCONF, name);
	}
	return a == b ? -1 : a ? INI_WSLCONFIG : INI_WSLCONF;
}

/*
 * Which file(s) a subcommand works on: --file (kind from --kind or its
 * name), else --kind, else the key's file, else (list, lint) both.
 */
static int resolve(const struct wb_ctx *ctx, const struct config_opts *o, const char *key,
		   bool both_ok, struct target *t, size_t *n)
{
	int kind = o->kind;

	*n = 0;
	if (o->file) {
		kind = kind >= 0 ? kind : kind_from_path(o->file);
		if (kind < 0)
			return wb_error(WB_EXIT_USAGE, "cannot tell whether '%s' is a .wslconfig "
					"or a wsl.conf; pass --kind wslconfig or --kind wslconf",
					o->file);
		t[0].kind = (enum ini_kind)kind;
		t[0].path = xstrdup(o->file);
		*n = 1;
		return 0;
	}
	if (kind < 0 && key)
		kind = kind_from_key(key);
	if (kind < 0 && !both_ok)
		return wb_error(WB_EXIT_USAGE, "cannot tell which file '%s' belongs to; pass "
				"--kind wslconfig or --kind wslconf", key);
	if (kind < 0 || kind == INI_WSLCONF) {
		t[*n].kind = INI_WSLCONF;
		t[(*n)++].path = wb_path(ctx, "/etc/wsl.conf");
	}
	if (kind < 0 || kind == INI_WSLCONFIG) {
		char *p;

		if (wslconfig_path(ctx, &p) < 0) {
			if (kind >= 0)
				return WB_EXIT_USAGE;
			wb_note("(.wslconfig skipped: its place is not known)");
			return 0;
		}
		t[*n].kind = INI_WSLCONFIG;
		t[(*n)++].path = p;
	}
	return 0;
}

static void targets_free(struct target *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(t[i].path);
}

/* Read and parse; a missing file is an empty one.  Exit code. */
static int load(const struct target *t, struct ini_doc *doc, struct buf *raw, bool *exists,
		mode_t *mode, struct stat *ret_st)
{
	struct stat st;
	int r = read_file(t->path, raw, &st);

	if (ret_st)
		*ret_st = st;
	*exists = r == 0;
	*mode = r == 0 ? st.st_mode & 07777 : 0644;
	if (r < 0 && r != -ENOENT)
		return wb_error(WB_EXIT_FAIL, "could not read '%s': %s", t->path, errstr(r));
	(void)ini_load(doc, t->kind, raw->s ? raw->s : "", raw->len);
	return 0;
}

/* SECTION.KEY with names WSL can read; known unless --force. */
static int check_name(enum ini_kind kind, const char *name, bool force)
{
	const char *dot = strchr(name, '.');
	char *why;

	if (!dot || !match(RE_NAME, name, (size_t)(dot - name)) ||
	    !match(RE_NAME, dot + 1, strlen(dot + 1)))
		return wb_error(WB_EXIT_USAGE, "'%s' is not SECTION.KEY: both names must start "
				"with a letter and hold only letters and digits, or WSL cannot "
				"read them", name);
	if (keys_lookup(kind, name) || force)
		return 0;
	why = keys_explain_unknown(kind, name);
	wb_error(WB_EXIT_USAGE, "%s", why);
	wb_hint("--force writes a key WSL does not know (for a newer WSL)");
	free(why);
	return WB_EXIT_USAGE;
}

static int cmd_get(const struct target *t, const char *name)
{
	struct ini_doc doc = INI_DOC_INIT;
	struct buf raw = BUF_INIT;
	bool exists;
	mode_t mode;
	long at;
	int rc = load(t, &doc, &raw, &exists, &mode, NULL);

	if (rc)
		goto out;
	at = ini_find(&doc, name);
	rc = WB_EXIT_FAIL;
	if (at >= 0) {
		const struct ini_line *l = &doc.lines[at];
		char *why = NULL;

		if (key_read_check(t->kind, keys_lookup(t->kind, name), l->value,
				   l->value_len, &why) == KR_REFUSED) {
			wb_error(WB_EXIT_FAIL, "%s:%u: %s; WSL uses its default", t->path,
				 l->lineno, why);
		} else {
			struct buf shown = BUF_INIT;

			/* raw bytes for a script; on a terminal no escape sequence from the file */
			if (isatty(STDOUT_FILENO))
				term_escape(&shown, l->value, l->value_len, TERM_NAMED);
			else
				buf_add(&shown, l->value, l->value_len);
			fwrite(shown.s ? shown.s : "", 1, shown.len, stdout);
			putchar('\n');
			buf_release(&shown);
			if (why)
				wb_note("%s:%u: %s", t->path, l->lineno, why);
			if (l->value_lossy || l->value_cut)
				wb_note("%s:%u: %s", t->path, l->lineno, l->value_cut ?
					"WSL reads the value only up to a NUL character (or one "
					"whose low 8 bits are 0)" : "WSL reads this value corrupted: "
					"it keeps 8 bits of each non-ASCII character");
			rc = WB_EXIT_OK;
		}
		free(why);
	}
out:
	ini_release(&doc);
	buf_release(&raw);
	return rc;
}

static void print_list(const struct target *t, const struct ini_doc *doc)
{
	struct ini_index idx;

	ini_index_build(doc, &idx);	/* first occurrences in linear time */
	for (size_t i = 0; i < doc->nlines; i++) {
		const struct ini_line *l = &doc->lines[i];
		const struct key_def *def;
		struct buf b = BUF_INIT;
		char *why = NULL;

		if (l->type != INI_ENTRY || l->ignored || ini_index_get(&idx, doc, l->name) != (long)i)
			continue;
		def = keys_lookup(t->kind, l->name);
		add_shown(&b, l->name, strlen(l->name));
		buf_addc(&b, '=');
		add_shown(&b, l->value, l->value_len);
		buf_addf(&b, "\t(line %u", l->lineno);
		if (!def)
			buf_adds(&b, ", unknown to WSL");
		else if (key_read_check(t->kind, def, l->value, l->value_len, &why) == KR_REFUSED)
			buf_adds(&b, ", invalid: WSL uses the default");
		else if (why)
			buf_adds(&b, ", WSL takes it changed: see lint");
		if (l->value_lossy || l->value_cut)
			buf_adds(&b, ", read corrupted: see lint");
		buf_adds(&b, ")\n");
		fputs(b.s, stdout);
		free(why);
		buf_release(&b);
	}
	ini_index_free(&idx);
}

static int cmd_list_lint(const struct target *t, size_t n, bool lint)
{
	int rc = WB_EXIT_OK;

	for (size_t k = 0; k < n; k++) {
		struct ini_doc doc = INI_DOC_INIT;
		struct buf raw = BUF_INIT;
		struct lint findings = { NULL, 0 };
		bool exists;
		mode_t mode;
		int r = load(&t[k], &doc, &raw, &exists, &mode, NULL);

		if (r) {
			rc = r;
		} else if (!lint) {
			if (n > 1)
				printf("# %s\n", t[k].path);
			print_list(&t[k], &doc);
		} else if (!exists) {
			printf("%s: does not exist; WSL uses its defaults\n", t[k].path);
		} else {
			static const char *const sev[] = { "note", "ignored", "error" };

			ini_lint(&doc, &findings);
			for (size_t i = 0; i < findings.n; i++) {
				const struct lint_item *it = &findings.items[i];

				printf("%s:%u:", t[k].path, it->line);
				if (it->col)
					printf("%u:", it->col);
				printf(" %s: %s\n", sev[it->sev], term_safe(it->msg));
			}
			if (lint_worst(&findings) >= LINT_IGNORED && rc == WB_EXIT_OK)
				rc = WB_EXIT_FAIL;
			lint_release(&findings);
		}
		ini_release(&doc);
		buf_release(&raw);
	}
	return rc;
}

static int cmd_keys(const struct target *t, size_t n)
{
	static const char *const types[] = {
		"bool", "int", "size", "enum", "mac", "string", "path", "ipv4", "ports" };

	for (size_t k = 0; k < n; k++) {
		const struct key_def *d;

		printf("# %s\n", ini_kind_file(t[k].kind));
		for (size_t i = 0; (d = keys_at(t[k].kind, i)); i++) {
			printf("%s.%s\t%s", d->section, d->name, types[d->type]);
			for (size_t v = 0; d->type == KT_ENUM && d->values[v]; v++)
				printf("%s%s", v ? "|" : " ", d->values[v]);
			if (d->flags & KEY_EXPERIMENTAL_ALIAS)
				printf("\t(also [experimental])");
			putchar('\n');
		}
	}
	return WB_EXIT_OK;
}

static void restart_hint(enum ini_kind kind)
{
	if (kind == INI_WSLCONFIG)
		wb_note("WSL reads .wslconfig when its VM starts: run `wsl.exe --shutdown` "
			"to apply; `wslbridge undo` reverts");
	else
		wb_note("WSL reads wsl.conf when the distribution starts: run `wsl.exe "
			"--terminate <distro>` (or --shutdown) to apply; `wslbridge undo` reverts");
}

static int edit_error(const struct target *t, int r, const char *why)
{
	wb_error(WB_EXIT_FAIL, "%s: %s; nothing was changed", t->path, why ? why : errstr(r));
	if (r == -EBADMSG)
		wb_hint("`wslbridge config lint --file %s` shows the problem; add --fix to "
			"repair it (the bad lines are kept as comments)", t->path);
	return WB_EXIT_FAIL;
}

static int cmd_edit(struct wb_ctx *ctx, const struct subverb *sv, const struct target *t,
		    const struct config_opts *o, const char *name, const char *value)
{
	struct ini_doc doc = INI_DOC_INIT;
	struct buf raw = BUF_INIT, out = BUF_INIT, shown = BUF_INIT;
	struct ini_edit_note notes = { NULL, 0 };
	char *why = NULL;
	struct stat st;
	bool exists;
	mode_t mode;
	int rc, r;

	rc = check_name(t->kind, name, o->force);
	if (rc == 0 && value &&
	    key_check_value(t->kind, keys_lookup(t->kind, name), value, strlen(value), &why) < 0)
		rc = wb_error(WB_EXIT_USAGE, "%s", why);
	if (rc == 0)
		rc = subverb_enter(ctx, "config", sv);
	if (rc == 0)
		rc = load(t, &doc, &raw, &exists, &mode, &st);
	if (rc) {
		if (rc == WB_EXIT_USAGE)
			wb_note("nothing was changed");
		goto out;
	}
	r = value ? ini_edit_set(&doc, name, value, strlen(value), o->fix ? INI_FIX : 0,
				 &out, &notes, &why)
		  : ini_edit_unset(&doc, name, o->fix ? INI_FIX : 0, &out, &notes, &why);
	if (r < 0) {
		rc = edit_error(t, r, why);
		goto out;
	}
	if (r > 0) {
		wb_note("%s: nothing to change: WSL already reads %s%s", t->path, name,
			value ? " with that value" : " as unset");
		goto out;
	}
	rc = transaction_write_file(ctx, t->path, &raw, exists ? &st : NULL, mode, &out);
	if (rc)
		goto out;
	for (size_t i = 0; i < notes.n; i++)
		wb_note("%s: %s", t->path, notes.lines[i]);
	if (value)
		add_shown(&shown, value, strlen(value));
	wb_note("%s: %s %s%s%s", t->path, value ? "set" : "removed", name,
		value ? " = " : "", value ? shown.s : "");
	restart_hint(t->kind);
out:
	free(why);
	ini_edit_note_release(&notes);
	ini_release(&doc);
	buf_release(&raw);
	buf_release(&out);
	buf_release(&shown);
	return rc;
}

/* permute: also take options that follow the positional arguments. */
static int parse_opts(int argc, char **argv, struct config_opts *o, bool permute)
{
	static const struct option longopts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "kind", required_argument, NULL, 'k' },
		{ "force", no_argument, NULL, 'F' },
		{ "fix", no_argument, NULL, 'X' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	verb_options_begin();
	while ((c = verb_next_option("config", argc, argv, permute ? "f:k:" : "+f:k:", longopts)) > 0) {
		switch (c) {
		case 'f': o->file = optarg; break;
		case 'F': o->force = true; break;
		case 'X': o->fix = true; break;
		case 'k':
			if (!strcmp(optarg, "wslconfig"))
				o->kind = INI_WSLCONFIG;
			else if (!strcmp(optarg, "wslconf"))
				o->kind = INI_WSLCONF;
			else
				return wb_error(WB_EXIT_USAGE, "unknown --kind '%s': use wslconfig "
						"(.wslconfig) or wslconf (/etc/wsl.conf)", optarg);
			break;
		}
	}
	if (c == 0)
		return WB_EXIT_USAGE;
	return 0;
}

int verb_config(int argc, char **argv, struct wb_ctx *ctx)
{
	static const struct subverb subs[] = {
		{ .name = "get", .min_args = 1, .max_args = 1 },
		{ .name = "set", .min_args = 2, .max_args = 2, .flags = SUB_LOCK },
		{ .name = "unset", .min_args = 1, .max_args = 1, .flags = SUB_LOCK },
		{ .name = "list" }, { .name = "lint" }, { .name = "keys" },
	};
	const struct subverb *sv;
	struct config_opts o = { NULL, -1, false, false };
	struct target t[2];
	size_t n = 0;
	const char *sub;
	int rc;

	/* Options may come before or after the subcommand: parse both runs. */
	rc = parse_opts(argc, argv, &o, false);
	if (rc)
		return rc;
	if (optind >= argc) {
		print_verb_usage("config");
		return WB_EXIT_USAGE;
	}
	sub = argv[optind];
	argc -= optind;
	argv += optind;
	rc = parse_opts(argc, argv, &o, true);
	if (rc)
		return rc;
	if (!(sv = subverb_find("config", subs, sizeof(subs) / sizeof(subs[0]), sub, argc - optind,
				argv + optind, &rc)))
		return rc;
	argv += optind;
	if (!strcmp(sub, "keys")) {
		/* The key table needs no file: --kind, else both. */
		t[0].kind = o.kind == INI_WSLCONF ? INI_WSLCONF : INI_WSLCONFIG;
		t[1].kind = INI_WSLCONF;
		return cmd_keys(t, o.kind < 0 ? 2 : 1);
	}
	rc = resolve(ctx, &o, sv->min_args ? argv[0] : NULL, sv->min_args == 0, t, &n);
	if (rc)
		goto out;
	if (!strcmp(sub, "get"))
		rc = cmd_get(&t[0], argv[0]);
	else if (!strcmp(sub, "set"))
		rc = cmd_edit(ctx, sv, &t[0], &o, argv[0], argv[1]);
	else if (!strcmp(sub, "unset"))
		rc = cmd_edit(ctx, sv, &t[0], &o, argv[0], NULL);
	else
		rc = cmd_list_lint(t, n, !strcmp(sub, "lint"));
out:
	targets_free(t, n);
	return rc;
}
