/* SPDX-License-Identifier: MIT */
/*
 * rescue.h - the way back from Windows (templates/wslbridge-rescue.ps1):
 * when setup changes .wslconfig or creates a switch, it leaves in
 * %USERPROFILE%\AppData\Local\wslbridge (the default %LOCALAPPDATA%) the
 * script, byte for byte as shipped (so it can be signed), rescue.xml (the
 * change: history entry, time, command, mode, the switch it created) and
 * wslconfig.before (the .wslconfig it replaced), all three as changes of
 * the setup's own transaction: `wslbridge undo` takes them back too.
 */
#ifndef WB_RESCUE_H
#define WB_RESCUE_H

#include "apply/transaction.h"

extern const unsigned char wslbridge_rescue_ps1[];	/* built in */
extern const size_t wslbridge_rescue_ps1_len;

#define RESCUE_SCRIPT "wslbridge-rescue.ps1"

struct rescue_change {
	const char *mode;		/* the mode setup set up */
	const char *switch_name;	/* of the switch it may have created, or NULL */
	const struct buf *before;	/* .wslconfig as it was (NULL or empty: none) */
	bool existed;			/* whether there was a .wslconfig */
};

/*
 * Before anything changes: make the folder (each part entered without
 * following a link) and read what is there into cs (3 changes), which the
 * rescue replaces only if still so: 0, or an exit code after reporting.
 * *ret_win (allocated) is the script's Windows path.
 */
int rescue_prepare(const struct host *h, struct changeset *cs, char **ret_win);
/*
 * Write the rescue for the change in t's entry (its Windows part already
 * recorded) through t, from cs (released): 0, or an exit code after reporting.
 */
int rescue_leave(struct transaction *t, const struct rescue_change *rc, struct changeset *cs);

#endif
