/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive benchmark: launch-to-ready through a libvirt daemon, next to
 * the direct backend's.
 *
 *   tests/private-libvirtd.sh ./run bench/bench-libvirt [ROUNDS [AROUNDS]]
 *                              (defaults 20 and 3; bench/run does this)
 *
 * It needs the private daemon of tests/private-libvirtd.sh (its URIs
 * and image directory come from the environment).  The daemon has
 * probed qemu before this starts, so every launch here is warm; the
 * first launch on a fresh daemon waits some seconds more for that.
 *
 * Each round launches the same handle setup (one raw drive, 128 MiB,
 * paused) three ways, in a rotating order so that none always runs on
 * another's warm caches:
 *
 *   direct  the direct backend: qemu started by the library, QMP
 *   unix    libvirt over the daemon's unix socket (qemu+unix://)
 *   tcp     libvirt over its remote protocol on 127.0.0.1 (qemu+tcp://)
 *
 * and times qdrive_launch (call to return: connection, capabilities,
 * domain created and qemu started by the daemon, disks checked), the
 * first qdrive_block_info after it (through libvirt: QMP pass-through),
 * and qdrive_shutdown.  Then AROUNDS rounds the same with guest
 * "appliance" (TCG): launch is then the boot until the guest agent
 * answers and the drive is found in the guest (through libvirt: the
 * kernel and initramfs uploaded to the daemon's storage first).  It
 * prints the median (min, max) of each, and the ratios of the launch
 * medians to the direct backend's. */

#include <config.h>

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qdrive.h"
#define BENCH_NAME "bench-libvirt"
#include "table.h"

#define N_WAYS 3

static const char *const way_names[N_WAYS] = { "direct", "unix", "tcp" };

static const char *
need_env (const char *name)
{
  const char *v = getenv (name);

  if (v == NULL || *v == '\0') {
    fprintf (stderr, "bench-libvirt: $%s is not set: run me as "
             "tests/private-libvirtd.sh ./run bench/bench-libvirt\n", name);
    exit (EXIT_FAILURE);
  }
  return v;
}

struct sample {
  double launch, info, shutdown;
};

static void
once (const char *backend, bool appliance, const char *disk,
      struct sample *s)
{
  qdrive_h *g = bench_handle ();
  struct qdrive_block_info_list *l;
  double t0;

  if (qdrive_set_backend (g, backend) == -1 ||
      qdrive_set_memsize (g, appliance ? 256 : 128) == -1 ||
      (appliance && (qdrive_set_guest (g, "appliance") == -1 ||
                     qdrive_set_accel (g, "tcg") == -1 ||
                     qdrive_set_launch_timeout (g, 120) == -1)) ||
      qdrive_add_drive_opts (g, disk, QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                             -1) == -1)
    bench_die ("configuring the handle", g);
  t0 = bench_now ();
  if (qdrive_launch (g) == -1)
    bench_die ("launch", g);
  s->launch = bench_now () - t0;
  t0 = bench_now ();
  l = qdrive_block_info (g);
  if (l == NULL || l->len != 1 || !l->val[0].cache_writeback)
    bench_die ("block_info", g);
  s->info = bench_now () - t0;
  qdrive_free_block_info_list (l);
  t0 = bench_now ();
  if (qdrive_shutdown (g) == -1)
    bench_die ("shutdown", g);
  s->shutdown = bench_now () - t0;
  qdrive_close (g);
}

/* rounds rounds of each way, with guest "appliance" or "stopped";
 * prints the figures under title and adds the launch rows (what) to
 * the table. */
static void
measure (char **backends, const char *disk, bool appliance, int rounds,
         const char *title, const char *what_launch)
{
  struct sample *s[N_WAYS], warm;
  double *v, med[N_WAYS][3];
  char what[96];
  int i, w, p;

  for (w = 0; w < N_WAYS; ++w) {
    s[w] = calloc (rounds, sizeof *s[w]);
    if (s[w] == NULL)
      bench_die ("calloc", NULL);
    once (backends[w], appliance, disk, &warm); /* unmeasured: caches */
  }
  for (i = 0; i < rounds; ++i)
    for (w = 0; w < N_WAYS; ++w) {
      int k = (w + i) % N_WAYS;
      once (backends[k], appliance, disk, &s[k][i]);
    }

  v = calloc (rounds, sizeof *v);
  if (v == NULL)
    bench_die ("calloc", NULL);
  printf ("%s, %d rounds:\n", title, rounds);
  for (w = 0; w < N_WAYS; ++w) {
    static const char *const parts[3] = { "launch", "block_info", "shutdown" };
    for (p = 0; p < 3; ++p) {
      for (i = 0; i < rounds; ++i)
        v[i] = p == 0 ? s[w][i].launch : p == 1 ? s[w][i].info
          : s[w][i].shutdown;
      snprintf (what, sizeof what, "%s: %s", way_names[w], parts[p]);
      med[w][p] = bench_report_ms (what, v, rounds);
    }
  }
  for (w = 1; w < N_WAYS; ++w) {
    printf ("  launch %s / direct: %.2f (%+.1f ms)\n", way_names[w],
            med[w][0] / med[0][0], (med[w][0] - med[0][0]) * 1000);
    snprintf (what, sizeof what, "%s through libvirt (%s)", what_launch,
              w == 1 ? "qemu+unix" : "qemu+tcp");
    bench_table_row ("libvirt", what, med[w][0] * 1000,
                     "direct backend's", med[0][0] * 1000, "ms");
  }
  if (!appliance)
    bench_table_row ("libvirt", "block_info through libvirt (qemu+unix)",
                     med[1][1] * 1000, "direct backend's", med[0][1] * 1000,
                     "ms");
  for (w = 0; w < N_WAYS; ++w)
    free (s[w]);
  free (v);
}

int
main (int argc, char *argv[])
{
  int rounds = argc > 1 ? atoi (argv[1]) : 20;
  int arounds = argc > 2 ? atoi (argv[2]) : 3;
  const char *images = need_env ("QDRIVE_TEST_LIBVIRTD_IMAGES");
  char *backends[N_WAYS], disk[4096];
  int fd, w;

  if (rounds < 1 || arounds < 0) {
    fprintf (stderr, "usage: %s [ROUNDS [APPLIANCE_ROUNDS]]\n", argv[0]);
    exit (EXIT_FAILURE);
  }
  backends[0] = strdup ("direct");
  if (asprintf (&backends[1], "libvirt:%s",
                need_env ("QDRIVE_TEST_LIBVIRTD_UNIX")) == -1 ||
      asprintf (&backends[2], "libvirt:%s",
                need_env ("QDRIVE_TEST_LIBVIRTD_TCP")) == -1)
    bench_die ("asprintf", NULL);
  /* In the daemon's image directory, readable and writable by its
   * qemu. */
  snprintf (disk, sizeof disk, "%s/bench-libvirt.%d.img", images,
            (int) getpid ());
  fd = open (disk, O_WRONLY | O_CREAT | O_EXCL, 0666);
  if (fd == -1 || fchmod (fd, 0666) == -1 || ftruncate (fd, 1 << 20) == -1 ||
      close (fd) == -1)
    bench_die (disk, NULL);

  measure (backends, disk, false, rounds,
           "qemu paused, one raw drive, 128 MiB", "launch to ready");
  if (arounds > 0)
    measure (backends, disk, true, arounds,
             "guest \"appliance\" (TCG), one raw drive, 256 MiB",
             "appliance launch to agent ready");

  unlink (disk);
  for (w = 0; w < N_WAYS; ++w)
    free (backends[w]);
  return 0;
}
