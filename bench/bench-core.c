/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive benchmark: the C library's own costs, beside libguestfs's
 * where it was found at configure time (Debian's libguestfs-dev, which
 * the benchmark alone uses).
 *
 *   ./run bench/bench-core [--quick]
 *
 * Every figure is the median of repeated samples taken in this one
 * run, so the ratios compare like with like on a noisy machine.  Times
 * are the thread's CPU time (user + system), not wall time: on a
 * shared machine a sample that was preempted would otherwise count the
 * other programs' time, and the longer samples (10,000 drives) are
 * preempted far more often than the short ones.
 */

#include <config.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "qdrive.h"
#define BENCH_NAME "bench-core"
#include "table.h"

#ifdef HAVE_GUESTFS_H
#include <guestfs.h>
#endif

static int quick;
static char disk[] = "/tmp/qdrive-bench.XXXXXX";

static double
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* One sample: the time per call of `calls` calls of fn on a fresh
 * handle made by make and freed by drop (neither timed). */
typedef void *(*make_fn) (void);
typedef void (*drop_fn) (void *);
typedef void (*call_fn) (void *, int);

static double
sample (make_fn make, drop_fn drop, call_fn fn, int calls)
{
  void *h = make ();
  double t0, t1;
  int i;

  t0 = now_ns ();
  for (i = 0; i < calls; ++i)
    fn (h, i);
  t1 = now_ns ();
  drop (h);
  return (t1 - t0) / calls;
}

static double
median_of (make_fn make, drop_fn drop, call_fn fn, int calls, int samples)
{
  double v[101];
  int i;

  sample (make, drop, fn, calls);       /* warm-up */
  for (i = 0; i < samples; ++i)
    v[i] = sample (make, drop, fn, calls);
  return bench_median (v, samples);
}

/* qdrive */

static void *
qd_make (void)
{
  return bench_handle ();
}

static void qd_drop (void *g) { qdrive_close (g); }

/* Readonly: qdrive gives a file to several drives only if all are
 * readonly (qemu refuses the others at launch).  libguestfs takes the
 * file writable many times, and makes an overlay with qemu-img at each
 * readonly add, so its side adds writable drives, with discard in
 * place of readonly as its third option. */
static void
qd_add (void *g, int i)
{
  if (qdrive_add_drive_opts (g, disk,
                             QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                             QDRIVE_ADD_DRIVE_OPTS_CACHEMODE, "unsafe",
                             QDRIVE_ADD_DRIVE_OPTS_READONLY, 1,
                             -1) == -1) {
    fprintf (stderr, "qdrive: %s\n", qdrive_last_error (g));
    exit (EXIT_FAILURE);
  }
}

static void
qd_reject (void *g, int i)
{
  if (qdrive_add_drive_opts (g, disk,
                             QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                             QDRIVE_ADD_DRIVE_OPTS_CACHEMODE, "none",
                             -1) != -1)
    exit (EXIT_FAILURE);
}

#ifdef HAVE_GUESTFS_H
static void *
gf_make (void)
{
  guestfs_h *g = guestfs_create ();

  if (g == NULL) {
    perror ("guestfs_create");
    exit (EXIT_FAILURE);
  }
  guestfs_set_error_handler (g, NULL, NULL);
  return g;
}

static void gf_drop (void *g) { guestfs_close (g); }

static void
gf_add (void *g, int i)
{
  if (guestfs_add_drive_opts (g, disk,
                              GUESTFS_ADD_DRIVE_OPTS_FORMAT, "raw",
                              GUESTFS_ADD_DRIVE_OPTS_CACHEMODE, "unsafe",
                              GUESTFS_ADD_DRIVE_OPTS_DISCARD, "besteffort",
                              -1) == -1) {
    fprintf (stderr, "libguestfs: %s\n", guestfs_last_error (g));
    exit (EXIT_FAILURE);
  }
}

static void
gf_reject (void *g, int i)
{
  if (guestfs_add_drive_opts (g, disk,
                              GUESTFS_ADD_DRIVE_OPTS_FORMAT, "raw",
                              GUESTFS_ADD_DRIVE_OPTS_CACHEMODE, "none",
                              -1) != -1)
    exit (EXIT_FAILURE);
}
#endif

/* The floor both libraries pay on every accepted add_drive: one
 * access(2) of the file; and qdrive's one stat(2) of it, for what kind
 * of file it is and which (drives may share a file only readonly). */
static void *floor_make (void) { return disk; }
static void floor_drop (void *p) { }
static void
floor_access (void *p, int i)
{
  if (access (p, R_OK | W_OK) == -1)
    exit (EXIT_FAILURE);
}

static void
floor_stat (void *p, int i)
{
  struct stat st;

  if (stat (p, &st) == -1)
    exit (EXIT_FAILURE);
}

/* Resident memory in bytes. */
static long
rss (void)
{
  long size, resident = 0;
  FILE *f = fopen ("/proc/self/statm", "r");

  if (f == NULL || fscanf (f, "%ld %ld", &size, &resident) != 2)
    resident = 0;
  if (f)
    fclose (f);
  return resident * sysconf (_SC_PAGESIZE);
}

/* RSS growth of n drives added to one handle, measured in a child
 * process so each library starts from the same clean allocator. */
static double
rss_growth_mb (make_fn make, call_fn add, int n)
{
  int fds[2];
  pid_t pid;
  double mb = -1;

  if (pipe (fds) == -1)
    return -1;
  pid = fork ();
  if (pid == 0) {
    void *h = make ();
    long before;
    int i;

    add (h, 0);                 /* first allocations out of the way */
    before = rss ();
    for (i = 1; i <= n; ++i)
      add (h, i);
    mb = (rss () - before) / 1e6;
    if (write (fds[1], &mb, sizeof mb) != sizeof mb)
      _exit (1);
    _exit (0);
  }
  close (fds[1]);
  if (read (fds[0], &mb, sizeof mb) != sizeof mb)
    mb = -1;
  close (fds[0]);
  waitpid (pid, NULL, 0);
  return mb;
}

/* Per-drive cost of get_qemu_command_line with n drives. */
static double
cmdline_per_drive (int n, int samples)
{
  qdrive_h *g = qd_make ();
  double v[101], t0;
  char **argv;
  int i;

  for (i = 0; i < n; ++i)
    qd_add (g, i);
  qdrive_free_string_list (qdrive_get_qemu_command_line (g));
  for (i = 0; i < samples; ++i) {
    t0 = now_ns ();
    argv = qdrive_get_qemu_command_line (g);
    qdrive_free_string_list (argv);
    v[i] = (now_ns () - t0) / n;
  }
  qdrive_close (g);
  return bench_median (v, samples);
}

static void
row (const char *what, double qd, double gf, const char *unit)
{
  if (gf > 0)
    printf ("| %-44s | %10.1f %-3s | %10.1f %-3s | %5.2f |\n",
            what, qd, unit, gf, unit, qd / gf);
  else
    printf ("| %-44s | %10.1f %-3s | %14s | %5s |\n",
            what, qd, unit, "not installed", "-");
}

int
main (int argc, char *argv[])
{
  int samples, calls, fd;
  double gf_add_ns = 0, gf_rej_ns = 0, gf_rss = 0;
  double c10, c1000, c10000;

  quick = argc > 1 && strcmp (argv[1], "--quick") == 0;
  samples = quick ? 5 : 31;
  calls = quick ? 200 : 1000;

  fd = mkstemp (disk);
  if (fd == -1 || ftruncate (fd, 1 << 20) == -1) {
    perror (disk);
    exit (EXIT_FAILURE);
  }
  close (fd);

  double qd_add_ns = median_of (qd_make, qd_drop, qd_add, calls, samples);
  double qd_rej_ns = median_of (qd_make, qd_drop, qd_reject, calls, samples);
  double access_ns = median_of (floor_make, floor_drop, floor_access, calls,
                                samples);
  double stat_ns = median_of (floor_make, floor_drop, floor_stat, calls,
                              samples);
#ifdef HAVE_GUESTFS_H
  gf_add_ns = median_of (gf_make, gf_drop, gf_add, calls, samples);
  gf_rej_ns = median_of (gf_make, gf_drop, gf_reject, calls, samples);
#endif
  double qd_rss = rss_growth_mb (qd_make, qd_add, 100000);
#ifdef HAVE_GUESTFS_H
  gf_rss = rss_growth_mb (gf_make, gf_add, 100000);
#endif
  c10 = cmdline_per_drive (10, quick ? 5 : 101);
  c1000 = cmdline_per_drive (1000, quick ? 5 : 31);
  c10000 = cmdline_per_drive (10000, quick ? 3 : 11);

  printf ("qdrive core benchmark: medians of %d samples (%d calls each), "
          "thread CPU time\n\n", samples, calls);
  printf ("| %-44s | %14s | %14s | %5s |\n", "what", "qdrive",
          "libguestfs", "ratio");
  printf ("|%s|%s|%s|%s|\n", "----------------------------------------------",
          "----------------", "----------------", "-------");
  row ("add_drive_opts, 3 optargs (ns/call)", qd_add_ns, gf_add_ns, "ns");
  row ("add_drive_opts less syscalls (ns/call)",
       qd_add_ns - access_ns - stat_ns,
       gf_add_ns > 0 ? gf_add_ns - access_ns : 0, "ns");
  row ("rejected call, bad cachemode (ns/call)", qd_rej_ns, gf_rej_ns, "ns");
  row ("RSS growth, 100,000 drives (MB)", qd_rss, gf_rss, "MB");
#ifdef HAVE_GUESTFS_H
  const char *gf_name = "libguestfs 1.48 C";
#else
  const char *gf_name = "libguestfs 1.48 C (not installed)";
#endif
  bench_table_row ("C core", "add_drive_opts, 3 optargs", qd_add_ns,
                   gf_name, gf_add_ns, "ns");
  bench_table_row ("C core", "add_drive_opts less its system calls "
                   "(qdrive: access, stat; libguestfs: access)",
                   qd_add_ns - access_ns - stat_ns, gf_name,
                   gf_add_ns > 0 ? gf_add_ns - access_ns : 0, "ns");
  bench_table_row ("C core", "one access(2), paid by both", access_ns,
                   "-", 0, "ns");
  bench_table_row ("C core", "one stat(2), paid by qdrive", stat_ns,
                   "-", 0, "ns");
  bench_table_row ("C core", "rejected call (bad cachemode)", qd_rej_ns,
                   gf_name, gf_rej_ns, "ns");
  bench_table_row ("C core", "RSS growth, 100,000 drives", qd_rss,
                   gf_name, gf_rss, "MB");
  bench_table_row ("C core", "get_qemu_command_line per drive, 10 drives",
                   c10, "itself at 10 drives", c10, "ns");
  bench_table_row ("C core", "get_qemu_command_line per drive, 1,000 drives",
                   c1000, "itself at 10 drives", c10, "ns");
  bench_table_row ("C core", "get_qemu_command_line per drive, 10,000 drives",
                   c10000, "itself at 10 drives", c10, "ns");
  printf ("\nget_qemu_command_line, ns per drive: %.1f at 10, %.1f at 1,000, "
          "%.1f at 10,000 drives (10,000 / 10 ratio %.2f; 1.0 is linear)\n",
          c10, c1000, c10000, c10000 / c10);
  unlink (disk);
  return 0;
}
