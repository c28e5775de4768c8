/* SPDX-License-Identifier: MIT */
/*
 * bench-edit.c - time of one `config set` on generated .wslconfig files of
 * 10 KB to 10 MB: the in-memory edit (parse, edit, re-read check, encode)
 * as the median of several runs, which is what the 15 ms/MB budget is about.
 * Prints one row per size and the time per MB, to show it stays linear.
 * Then `config lint`'s work in memory (parse and lint) of 40,000 keys and
 * of a 15 MB file, and each budget of issue 23 with "ok" or "OVER". Times
 * are this process's CPU time: the machine is shared, wall time is noise.
 *
 * The last lines are for scripts (tests/cli/t1006-config-speed.sh), one a
 * figure, fields separated by one space:
 *   budget NAME MEASURED LIMIT ok|OVER     (ms, or ms per MB)
 *   ratio edit-per-mb-10mb-over-1mb R      (1 when the edit is linear)
 */
#include "conf/ini-edit.h"
#include "conf/ini-lint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*
 * Realistic shape: sections, comments, known and unknown keys, CRLF; up to
 * size bytes or keys key lines, whichever comes first.
 */
static void generate(struct buf *b, size_t size, size_t keys)
{
	static const char *const known[] = { "memory", "swap", "processors", "vmSwitch" };
	size_t n = 0;

	buf_reset(b);
	for (size_t i = 0; b->len < size && n < keys; i++) {
		if (i % 50 == 0)
			buf_addf(b, "[%s]\r\n", i % 100 ? "experimental" : "wsl2");
		else if (i % 3 == 0)
			buf_addf(b, "# comment %zu with some words in it\r\n", i);
		else if (n++, i % 7 == 0)
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

static double median(double *t, int runs)
{
	qsort(t, (size_t)runs, sizeof(double), cmp);
	return t[runs / 2];
}

/* Median ms of parse + lint, as `config lint` does them. */
static double lint_ms(const struct buf *file, size_t *ret_findings)
{
	double t[5];

	for (int r = 0; r < 5; r++) {
		struct ini_doc d = INI_DOC_INIT;
		struct lint l = { NULL, 0 };
		double t0 = now_ms();

		ini_load(&d, INI_WSLCONFIG, file->s, file->len);
		ini_lint(&d, &l);
		t[r] = now_ms() - t0;
		*ret_findings = l.n;
		lint_release(&l);
		ini_release(&d);
	}
	return median(t, 5);
}

static const char *verdict(double got, double budget)
{
	return got <= budget ? "ok" : "OVER";
}

static void budget_line(const char *name, double got, double budget)
{
	printf("budget %s %.2f %.0f %s\n", name, got, budget, verdict(got, budget));
}

int main(void)
{
	static const size_t sizes[] = { 10 << 10, 100 << 10, 1 << 20, 10 << 20 };
	struct buf file = BUF_INIT, out = BUF_INIT;
	double per_mb_10 = 0, per_mb_1 = 0, lint_keys, lint_big;
	size_t findings;

	/* The edit is timed in memory: nothing is written, so nothing is fsynced. */
	printf("edit in memory (no file written, no fsync)\n");
	printf("%-10s %12s %12s\n", "size", "edit (ms)", "ms per MB");
	for (size_t s = 0; s < sizeof(sizes) / sizeof(*sizes); s++) {
		double t[7], m;
		int runs = sizes[s] > (5u << 20) ? 3 : 7;

		generate(&file, sizes[s], (size_t)-1);
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
		m = median(t, runs);
		per_mb_10 = m / ((double)file.len / (1 << 20));
		if (sizes[s] == 1 << 20)
			per_mb_1 = per_mb_10;
		printf("%-10zu %12.2f %12.2f\n", file.len, m, per_mb_10);
	}

	printf("\n%-30s %10s %10s %10s\n", "lint (parse + lint)", "bytes", "findings", "ms");
	generate(&file, (size_t)-1, 40000);
	lint_keys = lint_ms(&file, &findings);
	printf("%-30s %10zu %10zu %10.2f\n", "40,000 keys", file.len, findings, lint_keys);
	generate(&file, 15u << 20, (size_t)-1);
	lint_big = lint_ms(&file, &findings);
	printf("%-30s %10zu %10zu %10.2f\n", "15 MB", file.len, findings, lint_big);

	printf("\nbudgets: set at 10 MB <= 15 ms/MB: %s; lint of 40,000 keys <= 50 ms: %s; "
	       "lint of 15 MB <= 1000 ms: %s\n", verdict(per_mb_10, 15), verdict(lint_keys, 50),
	       verdict(lint_big, 1000));
	budget_line("set-10mb-ms-per-mb", per_mb_10, 15);
	budget_line("lint-40000-keys-ms", lint_keys, 50);
	budget_line("lint-15mb-ms", lint_big, 1000);
	printf("ratio edit-per-mb-10mb-over-1mb %.2f\n", per_mb_10 / per_mb_1);
	buf_release(&file);
	buf_release(&out);
	return 0;
}
