/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive benchmark: the appliance (guest "appliance").
 *
 *   ./run bench/bench-appliance [--quick]
 *
 * 1. Building: the first build of the appliance (an empty cache
 *    directory), and what a launch with a current cached appliance
 *    pays to check it, both timed as launch with qemu replaced by
 *    /bin/false (which fails at once, after the appliance is ready),
 *    against the same launch of a stopped guest.
 * 2. Boot, with TCG: launch to ready (the agent answers and every drive
 *    is found) against its floor, bare qemu started with the same argv
 *    until /init prints its first line on the console; and libguestfs's
 *    launch where it is installed.  Rounds alternate the order.  The
 *    accelerator is fixed: the floor runs get_qemu_command_line's argv
 *    as it is, without launch's fallback from KVM to TCG.
 * 3. KVM or TCG: launch to ready with accel kvm:tcg in a cache
 *    directory without a KVM verdict (where KVM cannot boot the
 *    appliance, this launch falls back to TCG), then again with the
 *    verdict it left, next to a launch with accel tcg.
 * 4. Round trip: sh "true" and command "/bin/true".
 * 5. The cache modes: bench/fsync-job.sh (N appends of 4 KiB, each
 *    followed by fsync) on a fresh 256 MB ext4 on a writeback drive and
 *    on an unsafe drive of one appliance, interleaved; the time in the
 *    guest, and the flushes and their total time from blockstats.
 *    4 and 5 run with the default accelerator.
 *
 * Every figure is a median.  Full run: 5 boots, 3 rounds of 3, 50
 * round trips, 4,000 appends x 3 rounds; --quick: 3, 1, 20, 500 x 1. */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_GUESTFS_H
#include <guestfs.h>
#endif

#include "qdrive.h"
#define BENCH_NAME "bench-appliance"
#include "table.h"

extern char **environ;

static char dir[] = "/tmp/qdrive-bench-appliance.XXXXXX";

static char *
file_of (const char *name, size_t mib)
{
  char *p;
  FILE *f;

  if (asprintf (&p, "%s/%s", dir, name) == -1)
    bench_die ("asprintf", NULL);
  f = fopen (p, "w");
  if (f == NULL || ftruncate (fileno (f), (off_t) mib << 20) == -1 ||
      fclose (f) != 0)
    bench_die (p, NULL);
  return p;
}

/* A handle for the appliance with the given drives; accel NULL for the
 * default. */
static qdrive_h *
appliance (const char *guest, const char *accel, const char *wb,
           const char *unsafe)
{
  qdrive_h *g = bench_handle ();

  if (qdrive_set_guest (g, guest) == -1 ||
      (accel != NULL && qdrive_set_accel (g, accel) == -1) ||
      qdrive_add_drive_opts (g, wb, QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                             QDRIVE_ADD_DRIVE_OPTS_LABEL, "WB", -1) == -1 ||
      (unsafe && qdrive_add_drive_opts (g, unsafe,
                                        QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                                        QDRIVE_ADD_DRIVE_OPTS_LABEL, "UNSAFE",
                                        QDRIVE_ADD_DRIVE_OPTS_CACHEMODE,
                                        "unsafe", -1) == -1))
    bench_die ("configuring the handle", g);
  /* The private directory now, outside the timed part. */
  qdrive_free_string_list (qdrive_get_qemu_command_line (g));
  return g;
}

/* The status of the shell command made from fmt. */
static int __attribute__ ((format (printf, 1, 2)))
shell (const char *fmt, ...)
{
  va_list args;
  char *cmd;
  int r;

  va_start (args, fmt);
  r = vasprintf (&cmd, fmt, args);
  va_end (args);
  if (r == -1)
    bench_die ("vasprintf", NULL);
  r = system (cmd);
  free (cmd);
  return r;
}

/* ---- 1. building ------------------------------------------------------ */

/* launch with qemu as /bin/false: everything before qemu, then its
 * failure. */
static double
false_launch (const char *guest, const char *cachedir, const char *disk)
{
  qdrive_h *g = appliance (guest, NULL, disk, NULL);
  double t0, t;

  if (qdrive_set_hv (g, "/bin/false") == -1 ||
      (cachedir && qdrive_set_cachedir (g, cachedir) == -1))
    bench_die ("configuring the handle", g);
  t0 = bench_now ();
  if (qdrive_launch (g) != -1)
    bench_die ("launch with /bin/false succeeded", NULL);
  t = bench_now () - t0;
  if (strstr (qdrive_last_error (g), "exited with status 1") == NULL)
    bench_die ("launch with /bin/false", g);
  qdrive_close (g);
  return t;
}

static void
bench_build (int rounds, const char *disk)
{
  double build[rounds], cached[rounds], stopped[rounds], mb, mc, ms;
  char *cache;
  int i;

  for (i = 0; i < rounds; ++i) {
    if (asprintf (&cache, "%s/cache%d", dir, i) == -1)
      bench_die ("asprintf", NULL);
    build[i] = false_launch ("appliance", cache, disk);
    cached[i] = false_launch ("appliance", cache, disk);
    stopped[i] = false_launch ("stopped", NULL, disk);
    if (shell ("rm -rf '%s'", cache) != 0)
      bench_die ("rm", NULL);
    free (cache);
  }
  mb = bench_median (build, rounds);
  mc = bench_median (cached, rounds);
  ms = bench_median (stopped, rounds);
  printf ("building (launch with qemu as /bin/false), %d rounds:\n", rounds);
  printf ("  first build:               %7.1f ms\n", mb * 1000);
  printf ("  cached, current:           %7.1f ms\n", mc * 1000);
  printf ("  stopped guest (no appliance): %4.1f ms\n", ms * 1000);
  printf ("  checking the cache costs   %7.1f ms\n", (mc - ms) * 1000);
  bench_table_row ("appliance", "first build of the appliance",
                   (mb - ms) * 1000, "-", 0, "ms");
  bench_table_row ("appliance", "a cached launch's check of the cache",
                   (mc - ms) * 1000, "-", 0, "ms");
}

/* ---- 2. boot ---------------------------------------------------------- */

/* Bare qemu with the handle's argv, until the console shows /init's
 * first line. */
static double
floor_once (const char *disk)
{
  static const char mark[] = "qdrive: appliance init";
  qdrive_h *g = appliance ("appliance", "tcg", disk, NULL);
  char **argv = qdrive_get_qemu_command_line (g), buf[65536];
  posix_spawn_file_actions_t fa;
  int out[2];
  size_t len = 0;
  ssize_t n;
  double t0, t = -1;
  pid_t pid;

  if (argv == NULL)
    bench_die ("get_qemu_command_line", g);
  if (pipe (out) == -1)
    bench_die ("pipe", NULL);
  posix_spawn_file_actions_init (&fa);
  posix_spawn_file_actions_addopen (&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2 (&fa, out[1], 1);
  posix_spawn_file_actions_adddup2 (&fa, out[1], 2);
  posix_spawn_file_actions_addclose (&fa, out[0]);
  t0 = bench_now ();
  if (posix_spawnp (&pid, argv[0], &fa, NULL, argv, environ) != 0)
    bench_die ("posix_spawnp", NULL);
  close (out[1]);
  while (t < 0 && len < sizeof buf - 1 &&
         (n = read (out[0], buf + len, sizeof buf - 1 - len)) > 0) {
    len += (size_t) n;
    buf[len] = '\0';
    if (strstr (buf, mark) != NULL)
      t = bench_now () - t0;
  }
  close (out[0]);
  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
  if (t < 0)
    bench_die ("bare qemu never reached /init", NULL);
  posix_spawn_file_actions_destroy (&fa);
  qdrive_free_string_list (argv);
  qdrive_close (g);
  return t;
}

/* launch to ready with accel (and cachedir, NULL for the default). */
static double
launch_once (const char *disk, const char *accel, const char *cachedir)
{
  qdrive_h *g = appliance ("appliance", accel, disk, NULL);
  double t0, t;

  if (cachedir != NULL && qdrive_set_cachedir (g, cachedir) == -1)
    bench_die ("set_cachedir", g);
  t0 = bench_now ();
  if (qdrive_launch (g) == -1)
    bench_die ("launch", g);
  t = bench_now () - t0;
  if (qdrive_shutdown (g) == -1)
    bench_die ("shutdown", g);
  qdrive_close (g);
  return t;
}

#ifdef HAVE_GUESTFS_H
static double
guestfs_once (const char *disk)
{
  guestfs_h *g = guestfs_create ();
  double t0, t;

  /* The same footing as qdrive's launch here: the direct backend and
   * TCG.  libguestfs's default, KVM where /dev/kvm exists, hangs on
   * machines whose /dev/kvm cannot boot a guest. */
  char *settings[] = { (char *) "force_tcg", NULL };

  if (g == NULL || guestfs_set_backend (g, "direct") == -1 ||
      guestfs_set_backend_settings (g, settings) == -1 ||
      guestfs_add_drive_opts (g, disk, GUESTFS_ADD_DRIVE_OPTS_FORMAT,
                              "raw", -1) == -1)
    bench_die ("guestfs", NULL);
  t0 = bench_now ();
  if (guestfs_launch (g) == -1)
    bench_die ("guestfs_launch", NULL);
  t = bench_now () - t0;
  guestfs_close (g);
  return t;
}
#endif

static void
bench_boot (int rounds, const char *disk)
{
  double fl[rounds], la[rounds], mf, ml;
  int i;

  launch_once (disk, "tcg", NULL); /* unmeasured: caches warm */
  for (i = 0; i < rounds; ++i) {
    if (i % 2 == 0) {
      fl[i] = floor_once (disk);
      la[i] = launch_once (disk, "tcg", NULL);
    }
    else {
      la[i] = launch_once (disk, "tcg", NULL);
      fl[i] = floor_once (disk);
    }
  }
  mf = bench_median (fl, rounds);
  ml = bench_median (la, rounds);
  printf ("boot (one drive, 256 MiB, TCG), %d rounds:\n", rounds);
  printf ("  floor: bare qemu to /init's first line  %7.1f ms\n", mf * 1000);
  printf ("  qdrive_launch to ready                  %7.1f ms\n", ml * 1000);
  printf ("  launch / floor: %.2f (target 1.2)\n", ml / mf);
  bench_table_row ("appliance", "launch to ready", ml * 1000,
                   "bare qemu to /init (target 1.2x)", mf * 1000, "ms");
#ifdef HAVE_GUESTFS_H
  {
    double gf[rounds], mg;
    for (i = 0; i < rounds; ++i)
      gf[i] = guestfs_once (disk);
    mg = bench_median (gf, rounds);
    printf ("  libguestfs launch                       %7.1f ms\n", mg * 1000);
    printf ("  launch / libguestfs: %.2f (target 0.3)\n", ml / mg);
    bench_table_row ("appliance", "launch to ready", ml * 1000,
                     "libguestfs launch (target 0.3x)", mg * 1000, "ms");
  }
#else
  printf ("  libguestfs: not installed (configure found no guestfs.h)\n");
#endif
}

/* ---- 3. KVM or TCG ----------------------------------------------------- */

static void
bench_kvm_fallback (int rounds, const char *disk)
{
  double first[rounds], cached[rounds], tcg[rounds], mf, mc, mt;
  char *cache;
  int i, fallbacks = 0;

  if (asprintf (&cache, "%s/kvm-cache", dir) == -1)
    bench_die ("asprintf", NULL);
  false_launch ("appliance", cache, disk);      /* builds it, untimed */
  for (i = 0; i < rounds; ++i) {
    if (shell ("rm -f '%s'/kvm-fails-*", cache) != 0)
      bench_die ("rm", NULL);
    first[i] = launch_once (disk, "kvm:tcg", cache);
    /* Left by a fallback only. */
    fallbacks += shell ("ls '%s'/kvm-fails-* >/dev/null 2>&1", cache) == 0;
    cached[i] = launch_once (disk, "kvm:tcg", cache);
    tcg[i] = launch_once (disk, "tcg", cache);
  }
  if (shell ("rm -rf '%s'", cache) != 0)
    bench_die ("rm", NULL);
  free (cache);
  mf = bench_median (first, rounds);
  mc = bench_median (cached, rounds);
  mt = bench_median (tcg, rounds);
  printf ("KVM or TCG: launch to ready (one drive, 256 MiB), %d rounds; "
          "KVM %s here (%d of %d first launches fell back to TCG):\n",
          rounds, fallbacks ? "cannot boot the appliance" : "boots it",
          fallbacks, rounds);
  printf ("  kvm:tcg, first launch (no verdict)  %7.1f ms\n", mf * 1000);
  printf ("  kvm:tcg, later launch               %7.1f ms\n", mc * 1000);
  printf ("  tcg                                 %7.1f ms\n", mt * 1000);
  bench_table_row ("appliance", fallbacks ? "kvm:tcg, first launch (falls "
                   "back to TCG)" : "kvm:tcg, first launch (KVM)",
                   mf * 1000, "tcg", mt * 1000, "ms");
  bench_table_row ("appliance", fallbacks ? "kvm:tcg, later launch (TCG "
                   "from the verdict)" : "kvm:tcg, later launch (KVM)",
                   mc * 1000, "tcg", mt * 1000, "ms");
}

/* ---- 4. round trip and 5. the cache modes ---------------------------- */

static void
bench_round_trip (qdrive_h *g, int n)
{
  double sh[n], cmd[n], t0;
  char *const argv[] = { "/bin/true", NULL };
  char *out;
  int i;

  for (i = 0; i < n; ++i) {
    t0 = bench_now ();
    if ((out = qdrive_sh (g, "true")) == NULL)
      bench_die ("sh", g);
    sh[i] = bench_now () - t0;
    free (out);
    t0 = bench_now ();
    if ((out = qdrive_command (g, argv)) == NULL)
      bench_die ("command", g);
    cmd[i] = bench_now () - t0;
    free (out);
  }
  printf ("round trip, %d each:\n", n);
  printf ("  sh \"true\"            %6.1f ms (target 25)\n",
          bench_median (sh, n) * 1000);
  printf ("  command \"/bin/true\"  %6.1f ms\n", bench_median (cmd, n) * 1000);
  bench_table_row ("appliance", "sh \"true\" round trip (target 25 ms)",
                   bench_median (sh, n) * 1000, "-", 0, "ms");
}

static char *
read_job (void)
{
  static char text[8192];
  FILE *f = fopen (FSYNC_JOB, "r");
  size_t n;

  if (f == NULL)
    bench_die (FSYNC_JOB, NULL);
  n = fread (text, 1, sizeof text - 1, f);
  fclose (f);
  text[n] = '\0';
  return text;
}

struct job {
  double guest_s;               /* the job's time in the guest */
  double flushes;
  double flush_ms;
};

static struct qdrive_blockstats
stats (qdrive_h *g, size_t i)
{
  struct qdrive_blockstats_list *l = qdrive_blockstats (g);
  struct qdrive_blockstats r;

  if (l == NULL || l->len <= i)
    bench_die ("blockstats", g);
  r = l->val[i];
  r.drive_id = NULL;
  qdrive_free_blockstats_list (l);
  return r;
}

static struct job
run_job (qdrive_h *g, size_t i, const char *label, const char *appends)
{
  char *cmd, *file, *out;
  char *argv[] = { "/bin/busybox", "sh", "-c", read_job (), "job", NULL,
                   (char *) appends, NULL };
  struct qdrive_blockstats before, after;
  struct job j;

  if (asprintf (&cmd, "mke2fs -q -t ext4 -E lazy_itable_init=0,"
                "lazy_journal_init=0 /dev/disk/qdrive/%s && mkdir -p /mnt/%s "
                "&& mount -o commit=600 /dev/disk/qdrive/%s /mnt/%s",
                label, label, label, label) == -1 ||
      asprintf (&file, "/mnt/%s/job", label) == -1)
    bench_die ("asprintf", NULL);
  if ((out = qdrive_sh (g, cmd)) == NULL)
    bench_die ("mke2fs", g);
  free (out);
  free (cmd);
  argv[5] = file;
  before = stats (g, i);
  if ((out = qdrive_command (g, argv)) == NULL)
    bench_die ("the job", g);
  after = stats (g, i);
  j.guest_s = atof (out);
  j.flushes = after.flush_operations - before.flush_operations;
  j.flush_ms = (after.flush_total_time_ns - before.flush_total_time_ns) / 1e6;
  free (out);
  if (asprintf (&cmd, "umount /mnt/%s", label) == -1)
    bench_die ("asprintf", NULL);
  if ((out = qdrive_sh (g, cmd)) == NULL)
    bench_die ("umount", g);
  free (out);
  free (cmd);
  free (file);
  return j;
}

static void
bench_cache_modes (qdrive_h *g, int rounds, const char *appends)
{
  double wt[rounds], wf[rounds], wm[rounds], ut[rounds], uf[rounds],
    um[rounds], mwt, mut, mwm, mum;
  struct job j;
  int i;

  for (i = 0; i < rounds; ++i) {
    /* Interleaved, the first drive alternating. */
    if (i % 2 == 0) {
      j = run_job (g, 0, "WB", appends);
      wt[i] = j.guest_s; wf[i] = j.flushes; wm[i] = j.flush_ms;
    }
    j = run_job (g, 1, "UNSAFE", appends);
    ut[i] = j.guest_s; uf[i] = j.flushes; um[i] = j.flush_ms;
    if (i % 2 == 1) {
      j = run_job (g, 0, "WB", appends);
      wt[i] = j.guest_s; wf[i] = j.flushes; wm[i] = j.flush_ms;
    }
    fprintf (stderr, "bench-appliance: round %d: writeback %.2f s, %.0f "
             "flushes, %.1f ms; unsafe %.2f s, %.0f flushes, %.1f ms\n",
             i + 1, wt[i], wf[i], wm[i], ut[i], uf[i], um[i]);
  }
  mwt = bench_median (wt, rounds);
  mut = bench_median (ut, rounds);
  mwm = bench_median (wm, rounds);
  mum = bench_median (um, rounds);
  printf ("the cache modes: %s appends of 4 KiB, each followed by fsync, "
          "on a fresh 256 MB ext4, %d round%s:\n", appends, rounds,
          rounds == 1 ? "" : "s");
  printf ("                 time in guest   flushes   flush time\n");
  printf ("  writeback      %8.2f s     %7.0f   %8.1f ms\n", mwt,
          bench_median (wf, rounds), mwm);
  printf ("  unsafe         %8.2f s     %7.0f   %8.1f ms\n", mut,
          bench_median (uf, rounds), mum);
  printf ("  unsafe / writeback: time %.2f (target 0.8), flush time %.3f "
          "(target 0.05)\n", mut / mwt, mum / mwm);
  bench_table_row ("appliance (C)", "fsync job, time in guest, unsafe "
                   "(target 0.8x)", mut, "writeback", mwt, "s");
  bench_table_row ("appliance (C)", "fsync job, flush time, unsafe "
                   "(target 0.05x)", mum, "writeback", mwm, "ms");
}

int
main (int argc, char *argv[])
{
  bool quick = argc > 1 && strcmp (argv[1], "--quick") == 0;
  char *small, *wb, *unsafe;
  qdrive_h *g;

  if (mkdtemp (dir) == NULL)
    bench_die ("mkdtemp", NULL);
  small = file_of ("small.img", 16);
  wb = file_of ("wb.img", 256);
  unsafe = file_of ("unsafe.img", 256);

  bench_build (quick ? 3 : 5, small);
  bench_boot (quick ? 3 : 5, small);
  bench_kvm_fallback (quick ? 1 : 3, small);

  g = appliance ("appliance", NULL, wb, unsafe);
  if (qdrive_launch (g) == -1)
    bench_die ("launch", g);
  bench_round_trip (g, quick ? 20 : 50);
  bench_cache_modes (g, quick ? 1 : 3, quick ? "500" : "4000");
  if (qdrive_shutdown (g) == -1)
    bench_die ("shutdown", g);
  qdrive_close (g);

  unlink (small);
  unlink (wb);
  unlink (unsafe);
  rmdir (dir);
  free (small);
  free (wb);
  free (unsafe);
  return 0;
}
