/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive benchmarks: one row of bench/run's summary table, the median
 * of samples, and what the C benchmarks share besides (stopping on a
 * failure, a handle).  When
 * $BENCH_TABLE names a file, each benchmark appends its key figures
 * there, one markdown row each:
 *   | benchmark | what | qdrive | compared with | that | ratio |
 * (the Python, Perl and OCaml benchmarks write the same rows).
 *
 * A program defines BENCH_NAME (its name, for its messages) before
 * including this. */

#ifndef QDRIVE_BENCH_TABLE_H
#define QDRIVE_BENCH_TABLE_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "qdrive.h"

static inline void
bench_table_row (const char *bench, const char *what, double qdrive,
                 const char *other_name, double other, const char *unit)
{
  const char *path = getenv ("BENCH_TABLE");
  FILE *f;

  if (path == NULL || (f = fopen (path, "a")) == NULL)
    return;
  if (other > 0)
    fprintf (f, "| %s | %s | %.1f %s | %s | %.1f %s | %.2f |\n", bench, what,
             qdrive, unit, other_name, other, unit, qdrive / other);
  else
    fprintf (f, "| %s | %s | %.1f %s | %s | - | - |\n", bench, what,
             qdrive, unit, other_name);
  fclose (f);
}

/* Seconds on the monotonic clock. */
static inline double
bench_now (void)
{
  struct timespec t;

  clock_gettime (CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

/* The median of n samples (sorts them). */
static inline int
bench_cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static inline double
bench_median (double *v, int n)
{
  qsort (v, n, sizeof *v, bench_cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* "  WHAT  median M ms  min .. max ..", v in seconds (sorted here);
 * returns the median. */
static inline double
bench_report_ms (const char *what, double *v, int n)
{
  double m = bench_median (v, n);

  printf ("  %-32s median %7.1f ms   min %7.1f   max %7.1f\n",
          what, m * 1000, v[0] * 1000, v[n - 1] * 1000);
  return m;
}

/* Stops the benchmark: what failed, and g's error (or errno's if g is
 * NULL). */
static inline void __attribute__ ((noreturn))
bench_die (const char *what, qdrive_h *g)
{
  fprintf (stderr, "%s: %s: %s\n", BENCH_NAME, what,
           g ? qdrive_last_error (g) : strerror (errno));
  exit (EXIT_FAILURE);
}

/* A new handle whose errors go only to qdrive_last_error. */
static inline qdrive_h *
bench_handle (void)
{
  qdrive_h *g = qdrive_create ();

  if (g == NULL)
    bench_die ("qdrive_create", NULL);
  qdrive_set_error_handler (g, NULL, NULL);
  return g;
}

#endif /* QDRIVE_BENCH_TABLE_H */
