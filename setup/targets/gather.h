/* SPDX-License-Identifier: MIT */
/*
 * gather.h - the reading a target needs beyond the common observation: the
 * files it names, interfaces other than eth0, the port forwards.  All the
 * I/O of the probes is here, so that comparing (compare.h) is a pure
 * function of the observation.
 */
#ifndef WB_GATHER_H
#define WB_GATHER_H

#include "observe/observe.h"
#include "targets/target.h"

/* Read what t's expectations need into o (idempotent). */
void target_gather(const struct target *t, struct observation *o);

#endif
