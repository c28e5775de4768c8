/* SPDX-License-Identifier: MIT */
/* host.c - see host.h. */
#include "host/host.h"
#include "host/host-check.h"
#include "host/stage.h"
#include "host/slow-line.h"
#include "base/atomic-file.h"
#include "base/sha256.h"
#include "base/fault.h"
#include "base/spawn.h"
#include "base/log.h"
#include "base/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libxml/xmlwriter.h>

#define PS_SUBPATH "Windows/System32/WindowsPowerShell/v1.0/powershell.exe"
#define CMD_SUBPATH "Windows/System32/cmd.exe"
/* cmd.exe prints in the OEM code page unless told otherwise. */
#define CMD_ECHO "chcp 65001>nul&echo %TEMP%&echo %USERPROFILE%"

static int timeout_ms(void)
{
	const char *t = getenv("WSLBRIDGE_PS_TIMEOUT");

	return t && atoi(t) > 0 ? atoi(t) * 1000 : 120 * 1000;
}

static char *cache_path(const struct host *h)
{
	return path_join(h->ctx->state_dir, "windows-paths");
}

static void strip_crlf(char *s)
{
	s[strcspn(s, "\r\n")] = '\0';
}

static int read_cache(struct host *h)
{
	char *p = cache_path(h), *line, *save = NULL;
	struct buf b = BUF_INIT;
	int r = read_file(p, &b, NULL);

	for (line = r == 0 ? strtok_r(b.s, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "temp=", 5))
			h->temp_win = xstrdup(line + 5);
		else if (!strncmp(line, "profile=", 8))
			h->profile_win = xstrdup(line + 8);
	}
	buf_release(&b);
	free(p);
	if (h->temp_win && h->profile_win && (wslenv_windows_path_problem(h->temp_win) ||
					      wslenv_windows_path_problem(h->profile_win))) {
		free(h->temp_win);
		free(h->profile_win);
		h->temp_win = h->profile_win = NULL;
	}
	return h->temp_win && h->profile_win ? 0 : -ENOENT;
}

static void write_cache(struct host *h)
{
	char *p = cache_path(h), *s = xasprintf("temp=%s\nprofile=%s\n", h->temp_win, h->profile_win);

	/* Only an optimisation: without it the next run asks cmd.exe again. */
	if (mkdir_p(h->ctx->state_dir, 0755) == 0)
		(void)atomic_file_replace(p, s, strlen(s), 0644, NULL);
	free(s);
	free(p);
}

/* Windows' word for where root will write is checked before it is used. */
static int paths_check(struct host *h, const char *from, char **ret_why)
{
	char *why = host_path_check("%USERPROFILE%", h->profile_win);

	if (!why)
		why = host_path_check("%TEMP%", h->temp_win);
	if (!why)
		return 0;
	*ret_why = xasprintf("%s (as %s told it); wslbridge will not use it", why, from);
	free(why);
	free(h->profile_win);
	free(h->temp_win);
	h->profile_win = h->temp_win = NULL;
	return -EPROTO;
}

/* %TEMP% and %USERPROFILE% from cmd.exe, run from the drive (no UNC warning). */
static int ask_cmd(struct host *h, char **ret_why)
{
	char *drive = NULL, *cmd = wslenv_windows_program(h->ctx, &h->env, CMD_SUBPATH, &drive);
	const char *argv[] = { cmd, "/d", "/c", CMD_ECHO, NULL };
	struct spawn_opts o = { .argv = argv, .cwd = drive, .timeout_ms = 30000 };
	struct spawn_result r = { 0 };
	char *second;
	int rc = cmd ? spawn_run(&o, &r) : -ENOENT;

	if (!cmd) {
		*ret_why = xasprintf("cmd.exe not found under %s?/" CMD_SUBPATH, h->env.automount_root);
	} else if (rc < 0) {
		*ret_why = xasprintf("could not start %s: %s", cmd, strerror(-rc));
	} else if (r.timed_out || r.exit_code || !r.out.len || !(second = strchr(r.out.s, '\n'))) {
		*ret_why = xasprintf("%s did not tell %%TEMP%% and %%USERPROFILE%%", cmd);
		rc = -EIO;
	} else {
		h->profile_win = xstrdup(second + 1);
		strip_crlf(h->profile_win);
		strip_crlf(r.out.s);
		h->temp_win = xstrdup(r.out.s);
		rc = paths_check(h, cmd, ret_why);
		if (rc == 0)
			write_cache(h);
	}
	spawn_result_release(&r);
	free(cmd);
	free(drive);
	return rc;
}

char *host_env_refusal(const struct wsl_env *env)
{
	if (env->kind == WSL_NOT)
		return xasprintf("wslbridge runs inside WSL2, and this is not WSL: %s", env->not_wsl_why);
	if (env->kind == WSL_ONE)
		return xstrdup("this distribution runs under WSL1; wslbridge needs WSL2 "
			       "(from Windows: `wsl.exe --set-version <distro> 2`)");
	return NULL;
}

int host_open(const struct wb_ctx *ctx, struct host *h, char **ret_why)
{
	char *temp;
	struct stat st;

	memset(h, 0, sizeof(*h));
	h->ctx = ctx;
	h->timeout_ms = timeout_ms();
	h->facts = HOST_ALL_FACTS;
	*ret_why = NULL;
	wslenv_detect(ctx, &h->env);
	if ((*ret_why = host_env_refusal(&h->env)))
		return h->env.kind == WSL_NOT ? -ENOSYS : -EOPNOTSUPP;
	if (!h->env.interop) {
		*ret_why = xasprintf("cannot start Windows programs: %s", h->env.interop_why);
		return -ENOEXEC;
	}
	h->powershell = wslenv_powershell(ctx, &h->env);
	if (!h->powershell) {
		*ret_why = xasprintf("powershell.exe not found under %s?/" PS_SUBPATH " (is the "
				     "Windows drive mounted?); set WSLBRIDGE_POWERSHELL to its path",
				     h->env.automount_root);
		return -ENOENT;
	}
	if (read_cache(h) == 0) {
		temp = wslenv_to_linux(ctx, &h->env, h->temp_win);
		if (temp && stat(temp, &st) == 0 && S_ISDIR(st.st_mode)) {
			free(temp);
			return 0;
		}
		free(temp);
		free(h->temp_win);
		free(h->profile_win);
		h->temp_win = h->profile_win = NULL;
	}
	return ask_cmd(h, ret_why);
}

void host_close(struct host *h)
{
	wslenv_release(&h->env);
	free(h->powershell);
	free(h->temp_win);
	free(h->profile_win);
	memset(h, 0, sizeof(*h));
}

char *host_wslconfig_path(const struct host *h)
{
	const char *override = getenv("WSLBRIDGE_WSLCONFIG");
	char *win, *lin;

	if (override && *override)
		return xstrdup(override);
	if (!h || !h->profile_win)
		return NULL;
	win = xasprintf("%s\\.wslconfig", h->profile_win);
	lin = wslenv_to_linux(h->ctx, &h->env, win);
	free(win);
	return lin;
}

char *host_wslconfig_path_offline(const struct wb_ctx *ctx, const struct wsl_env *env)
{
	struct host h;
	char *p = host_wslconfig_path(NULL);

	if (p)
		return p;
	memset(&h, 0, sizeof(h));
	h.ctx = ctx;
	h.env = *env;	/* borrowed: not released here */
	if (read_cache(&h) == 0)
		p = host_wslconfig_path(&h);
	free(h.temp_win);
	free(h.profile_win);
	return p;
}

static const char *const action_names[] = {
	[HA_CREATE_SWITCH] = "create-switch", [HA_BIND_SWITCH] = "bind-switch",
	[HA_REMOVE_SWITCH] = "remove-switch", [HA_SET_BINDING] = "set-binding", [HA_SET_METRIC] = "set-metric",
	[HA_HVFW_ALLOW] = "hvfw-allow", [HA_HVFW_REMOVE] = "hvfw-remove", [HA_PORTPROXY_SET] = "portproxy-set",
	[HA_PORTPROXY_DELETE] = "portproxy-delete", [HA_FWRULE_ADD] = "fwrule-add",
	[HA_FWRULE_DELETE] = "fwrule-delete", [HA_HYPERV_ADMIN_ADD] = "hyperv-admin-add",
	[HA_HYPERV_ADMIN_REMOVE] = "hyperv-admin-remove",
};

const char *host_action_name(enum host_action_type t)
{
	return (size_t)t < sizeof(action_names) / sizeof(action_names[0]) ? action_names[t] : NULL;
}

enum host_action_type host_action_parse(const char *name)
{
	for (size_t t = 1; name && t < sizeof(action_names) / sizeof(action_names[0]); t++)
		if (!strcmp(name, action_names[t]))
			return (enum host_action_type)t;
	return HA_NONE;
}

static void request_xml(const struct host *h, const char *op, const struct host_action *a, size_t n,
			struct buf *out)
{
	xmlBufferPtr xb = xmlBufferCreate();
	xmlTextWriterPtr w = xmlNewTextWriterMemory(xb, 0);
	char id[24];

	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
	xmlTextWriterStartElement(w, BAD_CAST "request");
	xmlTextWriterWriteAttribute(w, BAD_CAST "version", BAD_CAST "1");
	if ((h->facts & HOST_ALL_FACTS) != HOST_ALL_FACTS)
		xmlTextWriterWriteAttribute(w, BAD_CAST "facts", BAD_CAST
			(h->facts & HOST_SWITCHES ? "switches" : h->facts & HOST_HVFW ? "hyperv-firewall" : ""));
	xmlTextWriterWriteAttribute(w, BAD_CAST "op", BAD_CAST op);
	/* B.7: an elevated copy may run as another account; these stay the user's */
	if (n && h->profile_win && h->temp_win) {
		xmlTextWriterWriteAttribute(w, BAD_CAST "caller-profile", BAD_CAST h->profile_win);
		xmlTextWriterWriteAttribute(w, BAD_CAST "caller-temp", BAD_CAST h->temp_win);
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "%zu", i + 1);
		xmlTextWriterStartElement(w, BAD_CAST "action");
		xmlTextWriterWriteAttribute(w, BAD_CAST "id", BAD_CAST id);
		xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST host_action_name(a[i].type));
		for (size_t k = 0; a[i].attrs[k] && a[i].attrs[k + 1]; k += 2)
			xmlTextWriterWriteAttribute(w, BAD_CAST a[i].attrs[k], BAD_CAST a[i].attrs[k + 1]);
		xmlTextWriterEndElement(w);
	}
	xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);
	buf_reset(out);
	buf_add(out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
	xmlBufferFree(xb);
}

static char *first_lines(const struct buf *b)
{
	struct buf o = BUF_INIT;
	int lines = 0;

	for (size_t i = 0; i < b->len && lines < 4; i++) {
		if (b->s[i] == '\r')
			continue;
		buf_addc(&o, b->s[i]);
		lines += b->s[i] == '\n';
	}
	while (o.len && (o.s[o.len - 1] == '\n' || o.s[o.len - 1] == ' '))
		o.s[--o.len] = '\0';
	return buf_detach(&o, NULL);
}

/* Why powershell.exe ran no agent (C.11, C.12): its exit code, never its words. */
static const char *no_response_meaning(int code)
{
	if (code == 5)
		return "; application control (App Control for Business or AppLocker) runs unsigned scripts "
		       "in ConstrainedLanguage mode here, so the agent stopped before doing anything. An "
		       "administrator can allow it: sign it, or allow its hash (README: Managed machines)";
	if (code == 1)
		return "; where Group Policy sets an execution policy (such as AllSigned), it overrides "
		       "-ExecutionPolicy Bypass and PowerShell does not start the agent: an administrator "
		       "can sign it (README: Managed machines)";
	return "";
}

static int run_agent(struct host *h, struct stage *s, const struct buf *req, char **ret_why)
{
	char ha[65], hr[65], *win = wslenv_to_windows(h->ctx, &h->env, s->dir);
	char *agent_win = xasprintf("%s\\" STAGE_AGENT, win), *req_win = xasprintf("%s\\" STAGE_REQUEST, win);
	char *resp_win = xasprintf("%s\\" STAGE_RESPONSE, win);
	const char *argv[16];
	struct slow_line line;
	struct spawn_opts o = { .argv = argv, .cwd = s->dir, .timeout_ms = h->timeout_ms,
				.hold = slow_line_hold, .hold_arg = &line, .stop = slow_line_stop, .stop_arg = &line };
	struct spawn_result r;
	char *stopped;
	size_t i = 0;
	int rc;

	sha256_hex(host_agent_ps1, host_agent_ps1_len, ha);
	sha256_hex(req->s, req->len, hr);
	argv[i++] = h->powershell;
	argv[i++] = "-NoProfile"; argv[i++] = "-NonInteractive";
	argv[i++] = "-ExecutionPolicy"; argv[i++] = "Bypass";
	argv[i++] = "-File"; argv[i++] = agent_win;
	argv[i++] = "-Request"; argv[i++] = req_win;
	argv[i++] = "-Response"; argv[i++] = resp_win;
	argv[i++] = "-AgentSha256"; argv[i++] = ha;
	argv[i++] = "-RequestSha256"; argv[i++] = hr;
	argv[i] = NULL;
	{
		struct timespec t0, t1;

		fault_point("before powershell.exe");
		slow_line_begin(&line, s, strstr(req->s, "op=\"apply\"") != NULL);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		rc = spawn_run(&o, &r);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		stopped = slow_line_end(&line, rc == 0 && r.stopped);
		fault_point("after powershell.exe");
		wb_debug("powershell.exe (%s): %ld ms", strstr(req->s, "op=\"apply\"") ? "apply" : "observe",
			 (t1.tv_sec - t0.tv_sec) * 1000L + (t1.tv_nsec - t0.tv_nsec) / 1000000L);
	}
	h->launches++;
	if (stopped) {
		*ret_why = stopped;
		rc = -EINTR;
	} else if (rc < 0) {
		*ret_why = xasprintf("could not start %s: %s%s", h->powershell, strerror(-rc),
				     rc == -ENOEXEC ? " (is WSL interop on?)" : "");
	} else if (r.timed_out) {
		*ret_why = xasprintf("powershell.exe did not answer within %d s (the very first "
				     "start on a machine can take longer; raise WSLBRIDGE_PS_TIMEOUT)",
				     h->timeout_ms / 1000);
		rc = -ETIMEDOUT;
	} else if (!stage_has_response(s)) {
		char *err = first_lines(r.err.len ? &r.err : &r.out);

		*ret_why = xasprintf("powershell.exe exited with %s %d and wrote no response%s%s%s",
				     r.signal ? "signal" : "code", r.signal ? r.signal : r.exit_code,
				     *err ? ": " : "", err, r.signal ? "" : no_response_meaning(r.exit_code));
		free(err);
		rc = -EPROTO;
	}
	spawn_result_release(&r);
	free(agent_win);
	free(req_win);
	free(resp_win);
	free(win);
	return rc;
}

static int host_call(struct host *h, const char *op, const struct host_action *a, size_t n,
		     struct host_state *st, char **ret_why)
{
	struct buf req = BUF_INIT, resp = BUF_INIT;
	struct stage s;
	char *bad = NULL, *temp;
	int r;

	*ret_why = NULL;
	memset(st, 0, sizeof(*st));
	request_xml(h, op, a, n, &req);
	temp = wslenv_to_linux(h->ctx, &h->env, h->temp_win);
	r = stage_create(temp, host_agent_ps1, host_agent_ps1_len, &req, &s, ret_why);
	free(temp);
	if (r == 0)
		r = run_agent(h, &s, &req, ret_why);
	if (r == 0)
		r = stage_read_response(&s, &resp, ret_why);
	if (r == 0 && (r = host_state_parse(resp.s, resp.len, st, &bad)) < 0) {
		*ret_why = xasprintf("the host agent's response does not follow the protocol (%s)", bad);
		free(bad);
	}
	if (r == 0)
		st->raw = buf_detach(&resp, &st->raw_len);
	stage_remove(&s);
	buf_release(&req);
	buf_release(&resp);
	if (r == 0 && st->profile && st->temp && (strcmp(st->profile, h->profile_win) ||
						  strcmp(st->temp, h->temp_win))) {
		free(h->profile_win);
		free(h->temp_win);
		h->profile_win = xstrdup(st->profile);
		h->temp_win = xstrdup(st->temp);
		write_cache(h);
	}
	return r;
}

int host_observe(struct host *h, struct host_state *st, char **ret_why)
{
	return host_call(h, "observe", NULL, 0, st, ret_why);
}

int host_apply(struct host *h, const struct host_action *a, size_t n,
	       struct host_state *st, char **ret_why)
{
	return host_call(h, "apply", a, n, st, ret_why);
}

char *host_error_text(const struct host_error *e)
{
	const char *k = e->kind ? e->kind : "";

	if (!strcmp(k, "uac-declined"))
		return xstrdup("the Windows administrator (UAC) prompt was declined or cancelled (an "
			       "account that is not an administrator needs an administrator's password "
			       "there); nothing was changed on Windows");
	if (!strcmp(k, "elevation-failed"))
		return xasprintf("Windows did not allow administrator rights (error %s): this "
				 "account cannot elevate; ask an administrator to run it",
				 e->win32 ? e->win32 : "?");
	if (!strcmp(k, "hash-mismatch"))
		return xstrdup("the host agent or its request was changed in %TEMP% before it "
			       "ran; nothing was done");
	if (!strcmp(k, "elevated-no-response"))
		return xstrdup("the elevated host agent ended without an answer");
	if (!strcmp(k, "constrained-language"))
		return xstrdup("the administrator step runs in ConstrainedLanguage mode: application control (App "
			       "Control for Business or AppLocker) runs every command line constrained, so this "
			       "version of wslbridge cannot change Windows here; nothing was changed (README: "
			       "Managed machines)");
	if (!strcmp(k, "not-elevated"))
		return xstrdup("Windows started the administrator step without administrator rights (UAC is "
			       "turned off and this account is a standard user); nothing was changed. Sign in "
			       "as an administrator, or ask one to turn UAC on");
	return xasprintf("the host agent failed (%s%s%s)", k, e->fqid ? ": " : "",
			 e->fqid ? e->fqid : "");
}
