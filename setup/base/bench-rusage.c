/* SPDX-License-Identifier: MIT */
/*
 * bench-rusage.c - what `make bench` reads of one run: its own CPU time and
 * peak memory, appended to the file $WSLBRIDGE_BENCH_RUSAGE names.
 */
#include "base/bench-rusage.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

/* The peak RSS of this program image: VmHWM of /proc/self/status. Not
 * getrusage's ru_maxrss, which Linux carries across execve(2) from the image
 * before (here the simulator's Python that forked us, about 15 MB). */
static long peak_rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[128];
	long kb = -1;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

/* `make bench`: this process's own CPU time and peak RSS (children, such
 * as powershell.exe, excluded), appended to $WSLBRIDGE_BENCH_RUSAGE. */
void bench_rusage(void)
{
	const char *path = getenv("WSLBRIDGE_BENCH_RUSAGE");
	struct rusage ru;
	FILE *f;

	if (!path || !*path || getrusage(RUSAGE_SELF, &ru) < 0 || !(f = fopen(path, "a")))
		return;
	fprintf(f, "cpu_ms=%ld maxrss_kb=%ld\n",
		(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000L +
			(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000L, peak_rss_kb());
	fclose(f);
}
