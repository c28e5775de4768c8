/* SPDX-License-Identifier: MIT */
#ifndef WB_BENCH_RUSAGE_H
#define WB_BENCH_RUSAGE_H

/* Append "cpu_ms=N maxrss_kb=N" for this process to $WSLBRIDGE_BENCH_RUSAGE,
 * if it is set; silent otherwise and on any error (a bench aid only). */
void bench_rusage(void);

#endif
