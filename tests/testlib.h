/* qdrive C tests: small helpers shared by the Check suites. */

#ifndef QDRIVE_TESTLIB_H
#define QDRIVE_TESTLIB_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qdrive.h"

/* A private directory for the test's files, removed by test_dir_free. */
struct test_dir {
  char path[64];
};

static inline void
test_dir_init (struct test_dir *d)
{
  strcpy (d->path, "/tmp/qdrive-test.XXXXXX");
  ck_assert_ptr_nonnull (mkdtemp (d->path));
}

/* Creates (or truncates) NAME in the directory, SIZE bytes, and
 * returns its path in a static buffer of the caller's. */
static inline const char *
test_file (struct test_dir *d, const char *name, char *buf, size_t len)
{
  FILE *f;

  snprintf (buf, len, "%s/%s", d->path, name);
  f = fopen (buf, "w");
  ck_assert_ptr_nonnull (f);
  ck_assert_int_eq (ftruncate (fileno (f), 1024 * 1024), 0);
  fclose (f);
  return buf;
}

static inline void
test_dir_free (struct test_dir *d)
{
  char cmd[128];

  snprintf (cmd, sizeof cmd, "rm -rf '%s'", d->path);
  ck_assert_int_eq (system (cmd), 0);
}

/* A handle that reports errors only through qdrive_last_error. */
static inline qdrive_h *
quiet_handle (void)
{
  qdrive_h *g = qdrive_create ();

  ck_assert_ptr_nonnull (g);
  qdrive_set_error_handler (g, NULL, NULL);
  return g;
}

/* The arguments after the virtio-scsi controller, which precedes the
 * drives, joined with spaces (NULL-free: an empty string if none). */
static inline char *
drive_args (qdrive_h *g)
{
  char **argv = qdrive_get_qemu_command_line (g);
  char *buf = NULL;
  size_t len, i;
  int seen = 0;
  FILE *f = open_memstream (&buf, &len);

  ck_assert_ptr_nonnull (argv);
  for (i = 0; argv[i] != NULL; ++i) {
    if (seen)
      fprintf (f, "%s%s", seen++ > 1 ? " " : "", argv[i]);
    else if (strcmp (argv[i], "virtio-scsi-pci,id=scsi0") == 0)
      seen = 1;
  }
  fclose (f);
  qdrive_free_string_list (argv);
  return buf;
}

static inline size_t
count_drives (qdrive_h *g)
{
  struct qdrive_drive_list *l = qdrive_list_drives (g);
  size_t n;

  ck_assert_ptr_nonnull (l);
  n = l->len;
  qdrive_free_drive_list (l);
  return n;
}

/* Asserts that the last error on g is exactly msg. */
#define ck_assert_error(g, msg) \
  ck_assert_str_eq (qdrive_last_error (g), (msg))

/* Runs one suite and returns the exit status for the test driver. */
static inline int
run_suite (Suite *s)
{
  SRunner *sr = srunner_create (s);
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif /* QDRIVE_TESTLIB_H */
