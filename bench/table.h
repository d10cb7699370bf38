/* qdrive benchmarks: one row of bench/run's summary table.  When
 * $BENCH_TABLE names a file, each benchmark appends its key figures
 * there, one markdown row each:
 *   | benchmark | what | qdrive | compared with | that | ratio |
 * (the Python, Perl and OCaml benchmarks write the same rows). */

#ifndef QDRIVE_BENCH_TABLE_H
#define QDRIVE_BENCH_TABLE_H

#include <stdio.h>
#include <stdlib.h>

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

#endif /* QDRIVE_BENCH_TABLE_H */
