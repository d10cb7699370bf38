/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive benchmark: launch-to-ready time against its floor.
 *
 *   ./run bench/bench-launch [ROUNDS]      (default 20)
 *
 * Each round measures both, one after the other (in alternating order)
 * so both see the same machine load:
 *
 *   qdrive   qdrive_launch on a handle with one raw drive, paused,
 *            128 MiB: from the call to its return (qemu started, QMP
 *            greeting read, capabilities negotiated, query-block
 *            checked), then qdrive_shutdown (quit, qemu reaped).
 *   floor    the same argv (get_qemu_command_line of an identical
 *            handle) started by posix_spawn, from the spawn until qemu's
 *            QMP greeting has been read, connecting with the same 1 ms
 *            retry the library uses;
 *   floor2   the same spawn, continued until qemu has answered
 *            qmp_capabilities and query-block: the same protocol work
 *            launch does, without the library.  qemu sends its greeting
 *            from its monitor thread before the machine is even built,
 *            and answers commands only from its main loop, once it is:
 *            floor2 is the earliest moment anyone can know that qemu
 *            has the drives.  Then SIGKILL.
 *
 * It prints the median (and min, max) of each and the ratios of the
 * medians.  The accelerator is the handle's default ($QDRIVE_ACCEL,
 * else kvm:tcg). */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "qdrive.h"
#define BENCH_NAME "bench-launch"
#include "table.h"

extern char **environ;

static qdrive_h *
make_handle (const char *disk)
{
  qdrive_h *g = bench_handle ();

  if (qdrive_set_memsize (g, 128) == -1 ||
      qdrive_add_drive_opts (g, disk, QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                             -1) == -1)
    bench_die ("configuring the handle", g);
  return g;
}

/* Reads one line (one QMP message: qemu ends each with a newline). */
static void
read_line (int fd)
{
  char c;

  do
    if (read (fd, &c, 1) != 1)
      bench_die ("reading from qemu's QMP socket", NULL);
  while (c != '\n');
}

static void
send_line (int fd, const char *s)
{
  if (write (fd, s, strlen (s)) != (ssize_t) strlen (s))
    bench_die ("writing to qemu's QMP socket", NULL);
}

/* The floors: bare qemu with the handle's argv, until its greeting
 * (*greet), and until it has answered what launch asks (*ready). */
static void
floor_once (const char *disk, double *greet, double *ready)
{
  qdrive_h *g = make_handle (disk);
  char **argv = qdrive_get_qemu_command_line (g);
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  posix_spawn_file_actions_t fa;
  const char *path = NULL;
  double t0;
  pid_t pid;
  size_t i;
  int fd;

  if (argv == NULL)
    bench_die ("get_qemu_command_line", g);
  for (i = 0; argv[i] != NULL; ++i)
    if (strncmp (argv[i], "socket,id=qmp,path=", 19) == 0)
      path = argv[i] + 19;
  if (path == NULL)
    bench_die ("no QMP socket in the command line", NULL);
  snprintf (addr.sun_path, sizeof addr.sun_path, "%.*s",
            (int) (strstr (path, ",server") - path), path);

  /* qemu's messages are dropped, as the library reads them. */
  posix_spawn_file_actions_init (&fa);
  posix_spawn_file_actions_addopen (&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen (&fa, 2, "/dev/null", O_WRONLY, 0);

  t0 = bench_now ();
  if (posix_spawnp (&pid, argv[0], &fa, NULL, argv, environ) != 0)
    bench_die ("posix_spawnp", NULL);
  for (;;) {
    fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (connect (fd, (struct sockaddr *) &addr, sizeof addr) == 0)
      break;
    close (fd);
    if (waitpid (pid, NULL, WNOHANG) == pid)
      bench_die ("qemu exited (run the demo to see why)", NULL);
    usleep (1000);
  }
  read_line (fd);
  *greet = bench_now () - t0;
  send_line (fd, "{\"execute\":\"qmp_capabilities\"}\n");
  read_line (fd);
  send_line (fd, "{\"execute\":\"query-block\"}\n");
  read_line (fd);
  *ready = bench_now () - t0;

  close (fd);
  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
  posix_spawn_file_actions_destroy (&fa);
  qdrive_free_string_list (argv);
  qdrive_close (g);
}

static void
qdrive_once (const char *disk, double *launch, double *shutdown)
{
  qdrive_h *g = make_handle (disk);
  double t0;

  /* Make the private directory now, as the floor's handle does, so
   * that both time only qemu's start. */
  qdrive_free_string_list (qdrive_get_qemu_command_line (g));
  t0 = bench_now ();
  if (qdrive_launch (g) == -1)
    bench_die ("launch", g);
  *launch = bench_now () - t0;
  t0 = bench_now ();
  if (qdrive_shutdown (g) == -1)
    bench_die ("shutdown", g);
  *shutdown = bench_now () - t0;
  qdrive_close (g);
}

int
main (int argc, char *argv[])
{
  int rounds = argc > 1 ? atoi (argv[1]) : 20, i;
  char dir[] = "/tmp/qdrive-bench.XXXXXX", disk[64], *accel;
  double *fl, *f2, *la, *sh, mf, m2, ml;
  qdrive_h *g;
  FILE *f;

  if (rounds < 1) {
    fprintf (stderr, "usage: %s [ROUNDS]\n", argv[0]);
    exit (EXIT_FAILURE);
  }
  if (mkdtemp (dir) == NULL)
    bench_die ("mkdtemp", NULL);
  snprintf (disk, sizeof disk, "%s/disk.img", dir);
  f = fopen (disk, "w");
  if (f == NULL || ftruncate (fileno (f), 1 << 20) == -1 || fclose (f) != 0)
    bench_die (disk, NULL);

  g = make_handle (disk);
  accel = qdrive_get_accel (g);
  qdrive_close (g);

  fl = calloc (rounds, sizeof *fl);
  f2 = calloc (rounds, sizeof *f2);
  la = calloc (rounds, sizeof *la);
  sh = calloc (rounds, sizeof *sh);
  /* One round of each first, unmeasured: page cache, qemu's modules. */
  floor_once (disk, &fl[0], &f2[0]);
  qdrive_once (disk, &la[0], &sh[0]);
  /* The order alternates, so neither always runs on the other's warm
   * caches. */
  for (i = 0; i < rounds; ++i) {
    if (i % 2 == 0) {
      floor_once (disk, &fl[i], &f2[i]);
      qdrive_once (disk, &la[i], &sh[i]);
    }
    else {
      qdrive_once (disk, &la[i], &sh[i]);
      floor_once (disk, &fl[i], &f2[i]);
    }
  }

  printf ("qemu paused (-S), one raw drive, 128 MiB, accel %s, %d rounds:\n",
          accel, rounds);
  bench_report_ms ("floor: spawn to greeting", fl, rounds);
  bench_report_ms ("floor2: spawn to query-block", f2, rounds);
  bench_report_ms ("qdrive_launch", la, rounds);
  bench_report_ms ("qdrive_shutdown", sh, rounds);
  mf = bench_median (fl, rounds);
  m2 = bench_median (f2, rounds);
  ml = bench_median (la, rounds);
  printf ("  launch / floor:  %.3f (%+.1f ms)\n", ml / mf, (ml - mf) * 1000);
  printf ("  launch / floor2: %.3f (%+.1f ms)\n", ml / m2, (ml - m2) * 1000);
  bench_table_row ("launch", "launch to ready (paused, 1 drive)", ml * 1000,
                   "bare qemu to its QMP greeting", mf * 1000, "ms");
  bench_table_row ("launch", "launch to ready (paused, 1 drive)", ml * 1000,
                   "bare qemu to query-block answered", m2 * 1000, "ms");
  bench_table_row ("launch", "shutdown", bench_median (sh, rounds) * 1000,
                   "-", 0, "ms");

  unlink (disk);
  rmdir (dir);
  free (accel);
  free (fl);
  free (f2);
  free (la);
  free (sh);
  return 0;
}
