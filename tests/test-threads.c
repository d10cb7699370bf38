/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive C tests: threads.  Eight threads, each with its own handle,
 * add drives in parallel; eight threads share one handle and each sees
 * only its own errors. */

#include <config.h>

#include <pthread.h>

#include "testlib.h"

#define NTHREADS 8
#define NDRIVES 2000

static struct test_dir dir;
static char disk[128];

struct worker {
  pthread_t thread;
  qdrive_h *shared;             /* NULL: make an own handle */
  int id;
  int failures;
};

/* Each thread's bad label is its own, so a message seen by the wrong
 * thread would show. */
static void *
work (void *arg)
{
  struct worker *w = arg;
  qdrive_h *g = w->shared ? w->shared : quiet_handle ();
  char label[32], want[160];
  int i;

  snprintf (label, sizeof label, "bad label %d", w->id);
  snprintf (want, sizeof want, "add_drive: label: \"%s\" is not valid; "
            "allowed: 1 to 20 characters, each a letter, a digit or _", label);
  for (i = 0; i < NDRIVES; ++i) {
    if (qdrive_add_drive_opts (g, disk,
                               QDRIVE_ADD_DRIVE_OPTS_READONLY, 1,
                               QDRIVE_ADD_DRIVE_OPTS_CACHEMODE,
                               i % 2 ? "unsafe" : "writeback", -1) == -1)
      w->failures++;
    if (qdrive_add_drive_opts (g, disk,
                               QDRIVE_ADD_DRIVE_OPTS_LABEL, label, -1) != -1 ||
        strcmp (qdrive_last_error (g), want) != 0)
      w->failures++;
  }
  if (!w->shared) {
    if (count_drives (g) != NDRIVES)
      w->failures++;
    qdrive_close (g);
  }
  return NULL;
}

static void
run_workers (qdrive_h *shared)
{
  struct worker w[NTHREADS];
  int i;

  for (i = 0; i < NTHREADS; ++i) {
    w[i] = (struct worker) { .shared = shared, .id = i };
    ck_assert_int_eq (pthread_create (&w[i].thread, NULL, work, &w[i]), 0);
  }
  for (i = 0; i < NTHREADS; ++i) {
    ck_assert_int_eq (pthread_join (w[i].thread, NULL), 0);
    ck_assert_int_eq (w[i].failures, 0);
  }
}

START_TEST (test_own_handles)
{
  test_dir_init (&dir);
  test_file (&dir, "disk.img", disk, sizeof disk);
  run_workers (NULL);
  test_dir_free (&dir);
}
END_TEST

START_TEST (test_shared_handle)
{
  qdrive_h *g;

  test_dir_init (&dir);
  test_file (&dir, "disk.img", disk, sizeof disk);
  g = quiet_handle ();
  run_workers (g);
  ck_assert_uint_eq (count_drives (g), NTHREADS * NDRIVES);
  /* This thread has made no failing call. */
  ck_assert_ptr_null (qdrive_last_error (g));
  qdrive_close (g);
  test_dir_free (&dir);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("threads");
  TCase *tc = tcase_create ("threads");

  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_own_handles);
  tcase_add_test (tc, test_shared_handle);
  suite_add_tcase (s, tc);
  return run_suite (s);
}
