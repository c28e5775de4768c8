/* SPDX-License-Identifier: MIT */
/*
 * stage.h - the staging folder of one host agent call, under the Windows
 * user's %TEMP%: a folder made fresh for the call, the agent and request.xml
 * created in it as new files, response.xml read back, the folder removed.
 *
 * The folder is on a drive every Windows process of the user (and, through
 * drvfs, every Linux user) can write, and root writes there: so every file
 * is opened relative to the folder's own descriptor, created with
 * O_EXCL|O_NOFOLLOW (a name planted in advance, symlink or not, makes the
 * call fail instead of redirecting the write), and read with O_NOFOLLOW,
 * only when it is a regular file, and at most XML_READ_MAX bytes.
 */
#ifndef WB_STAGE_H
#define WB_STAGE_H

#include "base/util.h"

#include <stdbool.h>
#include <stddef.h>

struct stage {
	int dfd;		/* the folder, opened O_DIRECTORY|O_NOFOLLOW; -1 when none */
	char *dir;		/* its Linux path */
};

#define STAGE_AGENT "host-agent.ps1"
#define STAGE_REQUEST "request.xml"
#define STAGE_RESPONSE "response.xml"
/* The agent's marks around the UAC prompt: made before it, and once answered. */
#define STAGE_ELEVATING "elevating"
#define STAGE_ANSWERED "answered"

/*
 * Make a new folder wslbridge-<pid>-<random> under the Linux folder temp
 * (after sweeping those of runs that are gone) and write the agent and the
 * request into it: 0, or -errno with *ret_why.
 */
int stage_create(const char *temp, const void *agent, size_t agent_len, const struct buf *req,
		 struct stage *s, char **ret_why);
/* Whether the agent left a response (of any kind: it is checked on reading). */
bool stage_has_response(const struct stage *s);
/* The UAC prompt is up: the agent marked it, and no answer came yet (a spawn hold). */
bool stage_prompt_pending(const void *stage);
/* The response's bytes: 0, or -errno with *ret_why. */
int stage_read_response(const struct stage *s, struct buf *out, char **ret_why);
/* Remove our files and the folder (kept with WSLBRIDGE_KEEP_STAGING=1). */
void stage_remove(struct stage *s);

#endif
