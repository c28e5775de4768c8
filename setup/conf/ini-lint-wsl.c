/* SPDX-License-Identifier: MIT */
/*
 * ini-lint-wsl.c - the warnings WSL itself prints about combinations of
 * settings that the file alone decides, quoted from its en-US strings
 * (localization/strings/en-US/Resources.resw).  Warnings that depend on
 * the machine (policies, the Windows build, the kernel, running services)
 * are not predicted here.
 */
#include "conf/ini-lint.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The line WSL takes name from, when it accepts the value; else NULL. */
static const struct ini_line *taken(const struct ini_doc *doc, const struct ini_index *idx,
				    const char *name)
{
	long at = ini_index_get(idx, doc, name);
	const struct ini_line *l;
	char *why = NULL;
	enum key_read r;

	if (at < 0)
		return NULL;
	l = &doc->lines[at];
	r = key_read_check(doc->kind, keys_lookup(doc->kind, name), l->value, l->value_len, &why);
	free(why);
	return r == KR_REFUSED ? NULL : l;
}

static bool is_true(const struct ini_line *l)
{
	return l && (!strcasecmp(l->value, "true") || !strcmp(l->value, "1"));
}

static bool is_false(const struct ini_line *l)
{
	return l && (!strcasecmp(l->value, "false") || !strcmp(l->value, "0"));
}

static bool mode_is(const struct ini_line *l, const char *mode)
{
	return l && !strcasecmp(l->value, mode);
}

static void warn(struct lint *out, const struct ini_line *l, enum lint_sev sev, const char *msg)
{
	lint_add(out, l->lineno, 0, sev, xasprintf("WSL warns: \"%s\"", msg));
}

/* WslCoreConfig.cpp:424-458 (safe mode, virtio) and WslCoreVm.cpp:2961-2965. */
static void lint_wslconfig(const struct ini_doc *doc, const struct ini_index *idx,
			   struct lint *out)
{
	const struct ini_line *safe = taken(doc, idx, "wsl2.safeMode");
	const struct ini_line *virtio = taken(doc, idx, "wsl2.virtio");
	const struct ini_line *v9p = taken(doc, idx, "wsl2.virtio9p");
	const struct ini_line *mode = taken(doc, idx, "wsl2.networkingMode");
	const struct ini_line *lf = taken(doc, idx, "wsl2.localhostForwarding");

	if (is_true(safe)) {
		/* Safe mode turns virtio off and networking to None before anything else. */
		warn(out, safe, LINT_NOTE, "SAFE MODE ENABLED - many features will be disabled");
		return;
	}
	if (is_false(virtio) && (mode_is(mode, "Consomme") || mode_is(mode, "VirtioProxy")))
		warn(out, mode, LINT_IGNORED, "Consomme networking is not supported when "
		     "wsl2.virtio is disabled; falling back to networkingMode Nat.");
	if (is_true(v9p) && !is_false(virtio))
		warn(out, v9p, LINT_IGNORED,
		     "wsl2.virtio9p is disabled, falling back to 9p with vsock transport.");
	if (lf && mode_is(mode, "Mirrored"))
		warn(out, lf, LINT_IGNORED, "The wsl2.localhostForwarding setting has no effect "
		     "when using mirrored networking mode");
}

/* src/linux/init/config.cpp:1845-1848; isolateDistroCgroup is on by default. */
static void lint_wslconf(const struct ini_doc *doc, const struct ini_index *idx,
			 struct lint *out)
{
	const struct ini_line *cg = taken(doc, idx, "automount.cgroups");

	if (mode_is(cg, "v1"))
		lint_add(out, cg->lineno, 0, LINT_NOTE,
			 xstrdup("unless .wslconfig sets wsl2.isolateDistroCgroup=false, WSL "
				 "warns: \"Cgroup v1 is incompatible with per-distribution cgroup "
				 "isolation. To use cgroup v1, set isolateDistroCgroup=false under "
				 "[wsl2] in .wslconfig, then run wsl --shutdown.\""));
}

void ini_lint_wsl(const struct ini_doc *doc, const struct ini_index *idx, struct lint *out)
{
	if (doc->kind == INI_WSLCONFIG)
		lint_wslconfig(doc, idx, out);
	else
		lint_wslconf(doc, idx, out);
}
