/* SPDX-License-Identifier: MIT */
/*
 * bench-edit.c - time of one `config set` on generated .wslconfig files of
 * 10 KB to 10 MB: the in-memory edit (parse, edit, re-read check, encode)
 * as the median of several runs, which is what the 20 ms budget is about.
 * Prints one row per size and the time per MB, to show it stays linear.
 */
#include "conf/ini-edit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Realistic shape: sections, comments, known and unknown keys, CRLF. */
static void generate(struct buf *b, size_t size)
{
	static const char *const known[] = { "memory", "swap", "processors", "vmSwitch" };

	buf_reset(b);
	for (size_t i = 0; b->len < size; i++) {
		if (i % 50 == 0)
			buf_addf(b, "[%s]\r\n", i % 100 ? "experimental" : "wsl2");
		else if (i % 3 == 0)
			buf_addf(b, "# comment %zu with some words in it\r\n", i);
		else if (i % 7 == 0)
			buf_addf(b, "%s = %zu\r\n", known[i % 4], i);
		else
			buf_addf(b, "custom%zu = \"value %zu # kept\"\r\n", i, i);
	}
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(void)
{
	static const size_t sizes[] = { 10 << 10, 100 << 10, 1 << 20, 10 << 20 };
	struct buf file = BUF_INIT, out = BUF_INIT;

	printf("%-10s %12s %12s\n", "size", "edit (ms)", "ms per MB");
	for (size_t s = 0; s < sizeof(sizes) / sizeof(*sizes); s++) {
		double t[7];
		int runs = sizes[s] > (5u << 20) ? 3 : 7;

		generate(&file, sizes[s]);
		for (int r = 0; r < runs; r++) {
			struct ini_doc d = INI_DOC_INIT;
			char *why = NULL;
			double t0 = now_ms();

			if (ini_load(&d, INI_WSLCONFIG, file.s, file.len) < 0 ||
			    ini_edit_set(&d, "wsl2.networkingMode", "Bridged", 7, 0, &out, NULL,
					 &why) != 0) {
				fprintf(stderr, "bench: edit failed: %s\n", why ? why : "load");
				return 1;
			}
			t[r] = now_ms() - t0;
			free(why);
			ini_release(&d);
		}
		qsort(t, (size_t)runs, sizeof(double), cmp);
		printf("%-10zu %12.2f %12.2f\n", file.len, t[runs / 2],
		       t[runs / 2] / ((double)file.len / (1 << 20)));
	}
	buf_release(&file);
	buf_release(&out);
	return 0;
}
