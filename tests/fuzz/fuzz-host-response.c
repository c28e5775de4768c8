/* SPDX-License-Identifier: MIT */
/*
 * fuzz-host-response.c - libFuzzer target for the reader of the host
 * agent's response (the XML that comes back from Windows), schema check
 * included: the corpus is real responses (t2006 checks they follow
 * templates/host-protocol.rng).  Beyond crashes:
 * a response that parses has every count consistent with its arrays, and
 * parsing the same bytes twice gives the same counts.
 */
#include "host/host-state.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct host_state a, b;
	int ra = host_state_parse((const char *)data, size, &a, NULL);
	int rb = host_state_parse((const char *)data, size, &b, NULL);

	if ((ra < 0) != (rb < 0))
		abort();
	if (ra >= 0) {
		if (a.nadapters != b.nadapters || a.nswitches != b.nswitches || a.nresults != b.nresults)
			abort();
		if ((a.nadapters && !a.adapters) || (a.nswitches && !a.switches) ||
		    (a.nresults && !a.results))
			abort();
		for (size_t i = 0; i < a.nswitches; i++)
			if (a.switches[i].nuplinks && !a.switches[i].uplinks)
				abort();
		for (size_t i = 0; i < a.nresults; i++)
			(void)host_result_failure(&a.results[i]);
	}
	if (ra >= 0)
		host_state_release(&a);
	if (rb >= 0)
		host_state_release(&b);
	return 0;
}
