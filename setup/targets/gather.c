/* SPDX-License-Identifier: MIT */
/* gather.c - see gather.h. */
#include "targets/gather.h"
#include "forward/forward.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

void target_gather(const struct target *t, struct observation *o)
{
	for (size_t i = 0; i < t->nexp; i++) {
		const struct expectation *e = &t->exp[i];

		if (e->skipped)
			continue;
		if ((!strcmp(e->probe, "linux.carrier") || !strcmp(e->probe, "linux.mtu")) && e->ifname)
			observation_add_interface(o, e->ifname);
		else if (!strcmp(e->probe, "linux.file-secure")) {
			char *p = wb_path(o->ctx, e->path ? e->path : "");

			observation_add_file(o, p);
			free(p);
		} else if (!strcmp(e->probe, "forward.stale") && o->have_windows && !o->forward_stale)
			o->forward_stale = forward_stale(o);	/* reads the forwards store */
	}
}
