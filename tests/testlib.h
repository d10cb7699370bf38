/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive C tests: small helpers shared by the Check suites. */

#ifndef QDRIVE_TESTLIB_H
#define QDRIVE_TESTLIB_H

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "qdrive.h"

/* expr (a call returning -1 on failure) succeeds. */
#define OK(g, expr) \
  ck_assert_msg ((expr) != -1, "%s: %s", #expr, qdrive_last_error (g))

#define LAUNCH(g) OK (g, qdrive_launch (g))

/* The error of the last call contains want. */
#define ERROR_HAS(g, want) do {                                         \
    const char *e_ = qdrive_last_error (g);                             \
    ck_assert_msg (e_ != NULL && strstr (e_, (want)) != NULL,           \
                   "error \"%s\" does not contain \"%s\"",              \
                   e_ ? e_ : "(none)", (want));                         \
  } while (0)

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

/* For a suite whose every test wants a fresh private directory: the
 * directory, dir, and dir_setup and dir_teardown, the checked fixture
 * that makes and removes it around each test. */
#define TEST_DIR_FIXTURE                                        \
  static struct test_dir dir;                                   \
  static void dir_setup (void) { test_dir_init (&dir); }        \
  static void dir_teardown (void) { test_dir_free (&dir); }

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

/* The launched handle's block_info, which must succeed and list n
 * drives.  Free with qdrive_free_block_info_list. */
static inline struct qdrive_block_info_list *
block_info_of (qdrive_h *g, size_t n)
{
  struct qdrive_block_info_list *l = qdrive_block_info (g);

  ck_assert_msg (l != NULL, "block_info: %s", qdrive_last_error (g));
  ck_assert_uint_eq (l->len, n);
  return l;
}

/* Asserts that the last error on g is exactly msg. */
#define ck_assert_error(g, msg) \
  ck_assert_str_eq (qdrive_last_error (g), (msg))

/* Runs one suite and returns the exit status for the test driver;
 * each test in a process of its own unless in_one_process. */
static inline int
run_suite_forking (Suite *s, bool in_one_process)
{
  SRunner *sr = srunner_create (s);
  int failed;

  if (in_one_process)
    srunner_set_fork_status (sr, CK_NOFORK);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

static inline int
run_suite (Suite *s)
{
  return run_suite_forking (s, false);
}

/* Every test in this process: for a suite whose tests share what an
 * unchecked fixture made once (a launched handle, a booted guest). */
static inline int
run_suite_in_one_process (Suite *s)
{
  return run_suite_forking (s, true);
}

/* One test in a case of its own, with its fixture and timeout: each
 * test in a process of its own, with a fresh fixture. */
static inline void
add_case (Suite *s, const char *name, const TTest *test, SFun setup,
          SFun teardown, int timeout)
{
  TCase *tc = tcase_create (name);

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_set_timeout (tc, timeout);
  tcase_add_test (tc, test);
  suite_add_tcase (s, tc);
}

/* ---- what the library prints ---------------------------------------- */

/* stderr goes to a temporary file between stderr_capture_begin and
 * stderr_capture_end, which returns what was written (malloc'd).  One
 * capture at a time. */
static char stderr_capture_path[] = "/tmp/qdrive-stderr.XXXXXX";
static int stderr_capture_saved = -1;

static inline void
stderr_capture_begin (void)
{
  int fd;

  strcpy (stderr_capture_path, "/tmp/qdrive-stderr.XXXXXX");
  fd = mkstemp (stderr_capture_path);
  ck_assert_int_ge (fd, 0);
  fflush (stderr);
  stderr_capture_saved = dup (2);
  ck_assert_int_ge (stderr_capture_saved, 0);
  ck_assert_int_eq (dup2 (fd, 2), 2);
  close (fd);
}

static inline char *
stderr_capture_end (void)
{
  char *text = NULL;
  size_t len = 0;
  FILE *f;

  fflush (stderr);
  dup2 (stderr_capture_saved, 2);
  close (stderr_capture_saved);
  stderr_capture_saved = -1;
  f = fopen (stderr_capture_path, "re");
  ck_assert_msg (f != NULL, "%s: %s", stderr_capture_path, strerror (errno));
  if (getdelim (&text, &len, '\0', f) == -1) {
    free (text);
    text = strdup ("");
  }
  ck_assert_ptr_nonnull (text);
  fclose (f);
  unlink (stderr_capture_path);
  return text;
}

/* ---- launched handles ------------------------------------------------ */

/* Seconds on the monotonic clock. */
static inline double
now (void)
{
  struct timespec t;

  clock_gettime (CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

/* FNV-1a over the whole file: enough to see any byte change. */
static inline uint64_t
checksum (const char *path)
{
  uint64_t h = 0xcbf29ce484222325ULL;
  unsigned char buf[65536];
  size_t n, i;
  FILE *f = fopen (path, "r");

  ck_assert_msg (f != NULL, "%s: %s", path, strerror (errno));
  while ((n = fread (buf, 1, sizeof buf, f)) > 0)
    for (i = 0; i < n; ++i)
      h = (h ^ buf[i]) * 0x100000001b3ULL;
  fclose (f);
  return h;
}

/* The handle's private directory, from the QMP socket argument. */
static inline char *
private_dir (qdrive_h *g)
{
  char **cmd = qdrive_get_qemu_command_line (g), *r = NULL, *p;
  size_t i;

  ck_assert_msg (cmd != NULL, "%s", qdrive_last_error (g));
  for (i = 0; cmd[i] != NULL && r == NULL; ++i) {
    if (strncmp (cmd[i], "socket,id=qmp,path=", 19) == 0) {
      r = strdup (cmd[i] + 19);
      p = strstr (r, "/qmp.sock");
      ck_assert (p != NULL);
      *p = '\0';
    }
  }
  qdrive_free_string_list (cmd);
  ck_assert (r != NULL);
  return r;
}

/* How many processes (this one aside) have s in their command line;
 * *first (if not NULL) is the first found, or 0. */
static inline int
processes_with (const char *s, pid_t *first)
{
  DIR *d = opendir ("/proc");
  struct dirent *e;
  char path[300], buf[16384];
  ssize_t n, i;
  int fd, count = 0;

  ck_assert (d != NULL);
  if (first != NULL)
    *first = 0;
  while ((e = readdir (d)) != NULL) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9' ||
        atoi (e->d_name) == getpid ())
      continue;
    snprintf (path, sizeof path, "/proc/%s/cmdline", e->d_name);
    fd = open (path, O_RDONLY);
    if (fd == -1)
      continue;
    n = read (fd, buf, sizeof buf - 1);
    close (fd);
    if (n <= 0)
      continue;
    for (i = 0; i < n; ++i)
      if (buf[i] == '\0')
        buf[i] = ' ';
    buf[n] = '\0';
    if (strstr (buf, s) == NULL)
      continue;
    if (count++ == 0 && first != NULL)
      *first = atoi (e->d_name);
  }
  closedir (d);
  return count;
}

/* The pid of the qemu whose QMP socket is in tmpdir, or 0. */
static inline pid_t
qemu_pid_of (const char *tmpdir)
{
  char *want;
  pid_t pid;

  ck_assert (asprintf (&want, "path=%s/qmp.sock", tmpdir) != -1);
  processes_with (want, &pid);
  free (want);
  return pid;
}

static inline bool
exists_in (const char *dir, const char *name)
{
  char *p;
  bool r;

  ck_assert (asprintf (&p, "%s%s%s", dir, name ? "/" : "", name ? name : "")
             != -1);
  r = access (p, F_OK) == 0;
  free (p);
  return r;
}

/* The path of a qemu that also serves an HMP monitor on sock: a shell
 * script in dir that runs qemu-system-x86_64 with the arguments it is
 * given and -monitor.  (config refuses -monitor, with which anyone could
 * add drives; the tests add one behind the library's back, to make
 * qemu write to its drives.)  Malloc'd. */
static inline char *
qemu_with_hmp (const char *dir, const char *sock)
{
  char *path;
  FILE *f;

  ck_assert (asprintf (&path, "%s/qemu-with-hmp", dir) != -1);
  f = fopen (path, "w");
  ck_assert_msg (f != NULL, "%s: %s", path, strerror (errno));
  fprintf (f, "#!/bin/sh\nexec qemu-system-x86_64 \"$@\" -monitor "
           "'unix:%s,server=on,wait=off'\n", sock);
  ck_assert (fclose (f) == 0);
  ck_assert (chmod (path, 0700) == 0);
  return path;
}

/* Nothing left behind by a handle that failed to launch or was shut
 * down: no child process (qemu or watcher), no socket; after close
 * (done here), no private directory. */
static inline void
assert_nothing_left (qdrive_h *g, char *tmpdir)
{
  errno = 0;
  ck_assert_msg (waitpid (-1, NULL, WNOHANG) == -1 && errno == ECHILD,
                 "a child process (qemu or its watcher) was left behind");
  ck_assert_msg (qemu_pid_of (tmpdir) == 0, "a qemu is still running");
  ck_assert_msg (!exists_in (tmpdir, "qmp.sock"), "the QMP socket was left");
  ck_assert_msg (!exists_in (tmpdir, "qga.sock"),
                 "the guest agent's socket was left");
  qdrive_close (g);
  ck_assert_msg (!exists_in (tmpdir, NULL), "%s was left", tmpdir);
  free (tmpdir);
}

#endif /* QDRIVE_TESTLIB_H */
