/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive C tests: 8 threads, each creating, filling and closing 1,000
 * handles in parallel, with errors along the way.  Run by make check,
 * and under helgrind by make check-valgrind, which is where data races
 * between handles (shared state in the library) would show. */

#include <config.h>

#include <pthread.h>

#include "testlib.h"

#define NTHREADS 8
#define NHANDLES 1000

static char disk[128], disk2[128];  /* a writable drive and a readonly one */

static void *
work (void *arg)
{
  long failures = 0;
  int i;

  for (i = 0; i < NHANDLES; ++i) {
    qdrive_h *g = qdrive_create ();
    char **argv;

    if (g == NULL)
      return (void *) -1L;
    qdrive_set_error_handler (g, NULL, NULL);
    if (qdrive_add_drive_opts (g, disk,
                               QDRIVE_ADD_DRIVE_OPTS_CACHEMODE, "unsafe",
                               QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw", -1) == -1 ||
        qdrive_add_drive_ro (g, disk2) == -1 ||
        qdrive_add_drive_opts (g, disk,
                               QDRIVE_ADD_DRIVE_OPTS_CACHEMODE, "none", -1) != -1 ||
        qdrive_last_error (g) == NULL)
      failures++;
    if (i % 10 == 0 && qdrive_add_drive_scratch (g, 1 << 20, -1) == -1)
      failures++;
    argv = qdrive_get_qemu_command_line (g);
    if (argv == NULL)
      failures++;
    qdrive_free_string_list (argv);
    qdrive_close (g);
  }
  return (void *) failures;
}

START_TEST (test_parallel_handles)
{
  struct test_dir dir;
  pthread_t t[NTHREADS];
  void *r;
  int i;

  test_dir_init (&dir);
  test_file (&dir, "disk.img", disk, sizeof disk);
  test_file (&dir, "disk2.img", disk2, sizeof disk2);
  for (i = 0; i < NTHREADS; ++i)
    ck_assert_int_eq (pthread_create (&t[i], NULL, work, NULL), 0);
  for (i = 0; i < NTHREADS; ++i) {
    ck_assert_int_eq (pthread_join (t[i], &r), 0);
    ck_assert_int_eq ((long) r, 0);
  }
  test_dir_free (&dir);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("concurrency");
  TCase *tc = tcase_create ("concurrency");

  tcase_set_timeout (tc, 600);
  tcase_add_test (tc, test_parallel_handles);
  suite_add_tcase (s, tc);
  return run_suite (s);
}
