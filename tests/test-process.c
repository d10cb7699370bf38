/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive: the processes and files a handle makes, whatever the
 * program around it does: ignores SIGCHLD, uses a relative TMPDIR,
 * changes directory, forks, exits without closing, is killed with
 * SIGKILL, or runs qemu through a wrapper script.  Real qemu, paused.
 *
 * Check runs each test in a child process of its own, so "no process
 * left behind" is "this process has no children left". */

#include <config.h>

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testlib.h"

TEST_DIR_FIXTURE

static qdrive_h *
new_handle (void)
{
  qdrive_h *g = quiet_handle ();

  OK (g, qdrive_set_memsize (g, 128));
  OK (g, qdrive_set_launch_timeout (g, 30));
  return g;
}

/* ---- SIGCHLD ignored -------------------------------------------------- */

/* With SIGCHLD ignored the kernel reaps qemu itself, and its exit status
 * is lost: a clean shutdown is still a success, and a qemu killed
 * behind the handle's back is still reported. */
START_TEST (test_sigchld_ignored)
{
  qdrive_h *g = new_handle ();
  char *tmpdir = private_dir (g);
  pid_t pid;

  ck_assert (signal (SIGCHLD, SIG_IGN) != SIG_ERR);
  OK (g, qdrive_add_drive_scratch (g, 1 << 20, -1));
  LAUNCH (g);
  OK (g, qdrive_shutdown (g));
  assert_nothing_left (g, tmpdir);

  g = new_handle ();
  tmpdir = private_dir (g);
  LAUNCH (g);
  pid = qemu_pid_of (tmpdir);
  ck_assert (pid > 0 && kill (pid, SIGKILL) == 0);
  usleep (100000);
  ck_assert (qdrive_shutdown (g) == -1);
  ERROR_HAS (g, "shutdown: qemu stopped unexpectedly");
  assert_nothing_left (g, tmpdir);
  signal (SIGCHLD, SIG_DFL);    /* for system () in teardown */
}
END_TEST

/* ---- a relative TMPDIR, and chdir between calls ------------------------ */

/* A relative TMPDIR is taken from the directory current when the
 * private directory is made; the directory, the scratch disk and the
 * QMP socket are absolute (a relative "nbd:..." file name is an NBD
 * server to qemu), so a chdir before launch changes nothing. */
START_TEST (test_relative_tmpdir)
{
  qdrive_h *g;
  char *tmpdir, *want, *scratch;
  struct qdrive_block_info_list *l;

  ck_assert (chdir (dir.path) == 0);
  ck_assert (mkdir ("nbd:localhost:10809", 0700) == 0);
  ck_assert (setenv ("TMPDIR", "nbd:localhost:10809", 1) == 0);
  g = new_handle ();
  OK (g, qdrive_add_drive_scratch (g, 1 << 20, -1));
  tmpdir = private_dir (g);
  ck_assert (asprintf (&want, "%s/nbd:localhost:10809/qdrive.", dir.path) != -1);
  ck_assert_msg (strncmp (tmpdir, want, strlen (want)) == 0,
                 "the private directory is %s", tmpdir);
  ck_assert (asprintf (&scratch, "%s/scratch0.img", tmpdir) != -1);

  ck_assert (chdir ("/") == 0);
  LAUNCH (g);
  l = block_info_of (g, 1);
  ck_assert_str_eq (l->val[0].filename, scratch);
  ck_assert_str_eq (l->val[0].protocol, "file");
  qdrive_free_block_info_list (l);
  OK (g, qdrive_shutdown (g));
  assert_nothing_left (g, tmpdir);
  unsetenv ("TMPDIR");
  free (want);
  free (scratch);
}
END_TEST

/* ---- close while another thread is inside a call ------------------- */

struct launcher {
  qdrive_h *g;
  int started, r;
  double returned;              /* when launch returned */
};

static void *
launch_and_time (void *lv)
{
  struct launcher *l = lv;

  __atomic_store_n (&l->started, 1, __ATOMIC_SEQ_CST);
  l->r = qdrive_launch (l->g);
  l->returned = now ();
  return NULL;
}

/* close waits for the launch in progress in another thread (it used to
 * free the handle under it), then shuts the machine down. */
START_TEST (test_close_during_launch)
{
  struct launcher l = { .g = new_handle () };
  char *tmpdir = private_dir (l.g);
  pthread_t t;
  double closed;

  OK (l.g, qdrive_add_drive_scratch (l.g, 1 << 20, -1));
  ck_assert (pthread_create (&t, NULL, launch_and_time, &l) == 0);
  while (!__atomic_load_n (&l.started, __ATOMIC_SEQ_CST))
    usleep (1000);
  usleep (50000);               /* well inside launch */
  qdrive_close (l.g);
  closed = now ();
  ck_assert (pthread_join (t, NULL) == 0);
  ck_assert_msg (closed >= l.returned, "close returned %.3f s before the "
                 "launch it closed under", l.returned - closed);
  ck_assert_int_eq (l.r, 0);
  ck_assert_msg (qemu_pid_of (tmpdir) == 0, "qemu survived close");
  ck_assert_msg (!exists_in (tmpdir, NULL), "%s was left", tmpdir);
  errno = 0;
  ck_assert (waitpid (-1, NULL, WNOHANG) == -1 && errno == ECHILD);
  free (tmpdir);
}
END_TEST

/* ---- fork ----------------------------------------------------------- */

/* Runs child_fn (g) in a child made by fork, which then ends with
 * exit (0) (so that exit handlers run), and returns its exit status;
 * the child's failures show as status 1. */
static int
in_child (qdrive_h *g, int (*child_fn) (qdrive_h *))
{
  pid_t pid = fork ();
  int status;

  ck_assert (pid >= 0);
  if (pid == 0)
    exit (child_fn (g) == 0 ? 0 : 1);
  ck_assert (waitpid (pid, &status, 0) == pid);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

/* In the child: every call on the parent's handle is refused. */
static int
child_calls (qdrive_h *g)
{
  struct qdrive_block_info_list *l = qdrive_block_info (g);
  const char *e = qdrive_last_error (g);
  char want[200];

  snprintf (want, sizeof want, "block_info: the handle belongs to process %d, "
            "and this is process %d", (int) getppid (), (int) getpid ());
  if (l != NULL || e == NULL || strncmp (e, want, strlen (want)) != 0 ||
      qdrive_last_errno (g) != EPERM) {
    fprintf (stderr, "child: block_info: %s\n", e ? e : "succeeded");
    return -1;
  }
  if (qdrive_shutdown (g) != -1 || qdrive_get_memsize (g) != -1 ||
      qdrive_add_drive_scratch (g, 1 << 20, -1) != -1) {
    fprintf (stderr, "child: a call on the parent's handle worked\n");
    return -1;
  }
  qdrive_user_cancel (g);       /* would cancel the parent's next wait */
  return 0;
}

static int
child_closes (qdrive_h *g)
{
  qdrive_close (g);
  return 0;
}

static int
child_leaves (qdrive_h *g)
{
  return 0;                     /* exit's handlers meet the handle */
}

/* A child made by fork cannot use its copy of the parent's handle,
 * and closing it, or exiting with it open, leaves the parent's qemu and
 * private directory alone. */
START_TEST (test_fork)
{
  qdrive_h *g = new_handle ();
  char *tmpdir = private_dir (g), *scratch;
  pid_t qemu;

  OK (g, qdrive_add_drive_scratch (g, 1 << 20, -1));
  ck_assert (asprintf (&scratch, "%s/scratch0.img", tmpdir) != -1);
  LAUNCH (g);
  qemu = qemu_pid_of (tmpdir);
  ck_assert (qemu > 0);

  ck_assert_int_eq (in_child (g, child_calls), 0);
  ck_assert_int_eq (in_child (g, child_closes), 0);
  ck_assert_int_eq (in_child (g, child_leaves), 0);

  ck_assert_msg (exists_in (scratch, NULL), "the child removed %s", scratch);
  ck_assert_msg (exists_in (tmpdir, "qmp.sock"), "the child removed the socket");
  ck_assert_msg (qemu_pid_of (tmpdir) == qemu, "the child stopped qemu");
  qdrive_free_block_info_list (block_info_of (g, 1));
  OK (g, qdrive_shutdown (g));
  assert_nothing_left (g, tmpdir);
  free (scratch);

  /* The child's qdrive_user_cancel did not reach this launch. */
  g = new_handle ();
  tmpdir = private_dir (g);
  ck_assert_int_eq (in_child (g, child_calls), 0);
  LAUNCH (g);
  OK (g, qdrive_shutdown (g));
  assert_nothing_left (g, tmpdir);
}
END_TEST

/* ---- exit without close ------------------------------------------------ */

/* A child process makes a handle with a scratch disk, launches it if
 * told to, and exits without closing it: exit closes it, so qemu is
 * stopped and the private directory removed by the time the child is
 * gone. */
static void
exit_without_close (bool launch)
{
  int p[2];
  char tmpdir[4096];
  ssize_t n;
  pid_t child;
  int status;

  ck_assert (pipe (p) == 0);
  child = fork ();
  ck_assert (child >= 0);
  if (child == 0) {
    qdrive_h *g = qdrive_create ();
    char *t;

    close (p[0]);
    if (g == NULL || qdrive_set_memsize (g, 128) == -1 ||
        qdrive_add_drive_scratch (g, 1 << 20, -1) == -1 ||
        (t = private_dir (g)) == NULL || (launch && qdrive_launch (g) == -1) ||
        write (p[1], t, strlen (t)) == -1)
      _exit (1);
    exit (0);                   /* no close, no shutdown */
  }
  close (p[1]);
  n = read (p[0], tmpdir, sizeof tmpdir - 1);
  close (p[0]);
  ck_assert (waitpid (child, &status, 0) == child);
  ck_assert_msg (n > 0 && WIFEXITED (status) && WEXITSTATUS (status) == 0,
                 "the child failed");
  tmpdir[n] = '\0';
  ck_assert_msg (qemu_pid_of (tmpdir) == 0, "qemu outlived its owner's exit");
  ck_assert_msg (!exists_in (tmpdir, NULL), "%s was left", tmpdir);
}

START_TEST (test_exit_without_close)
{
  exit_without_close (false);
  exit_without_close (true);
}
END_TEST

/* ---- qemu through a wrapper script ------------------------------------ */

/* Waits up to 5 s for no process to have s in its command line,
 * reaping what ends up ours. */
static bool
none_left (const char *s)
{
  double t0 = now ();

  while (processes_with (s, NULL) > 0) {
    while (waitpid (-1, NULL, WNOHANG) > 0)
      ;
    if (now () - t0 > 5)
      return false;
    usleep (10000);
  }
  return true;
}

/* A hv that runs qemu as its child (no exec), and, first, a process
 * in the background that writes its pid to dir/sleeper.pid. */
static char *
wrapper_script (void)
{
  char *path;
  FILE *f;

  ck_assert (asprintf (&path, "%s/qemu-wrapper", dir.path) != -1);
  f = fopen (path, "w");
  ck_assert (f != NULL);
  fprintf (f, "#!/bin/sh\n"
           "sleep 1000 &\n"
           "echo $! > '%s/sleeper.pid'\n"
           "qemu-system-x86_64 \"$@\"\n", dir.path);
  ck_assert (fclose (f) == 0);
  ck_assert (chmod (path, 0700) == 0);
  return path;
}

/* The background process of wrapper_script is gone (the caller has
 * reaped it if it was made its child). */
static void
assert_sleeper_gone (void)
{
  char *path;
  FILE *f;
  int pid = 0;
  double t0;

  ck_assert (asprintf (&path, "%s/sleeper.pid", dir.path) != -1);
  f = fopen (path, "r");
  ck_assert_msg (f != NULL && fscanf (f, "%d", &pid) == 1, "no %s", path);
  fclose (f);
  /* Killed, it may be a zombie for a moment, until init reaps it. */
  t0 = now ();
  while (kill (pid, 0) == 0 && now () - t0 < 5) {
    while (waitpid (-1, NULL, WNOHANG) > 0)
      ;
    usleep (10000);
  }
  ck_assert_msg (kill (pid, 0) == -1 && errno == ESRCH,
                 "the wrapper's background process %d survived", pid);
  unlink (path);
  free (path);
}

/* A unix socket that listens and never answers: an NBD server that
 * qemu waits on for ever, before its main loop. */
static int
hung_server (char *path, size_t len)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

  snprintf (path, len, "%s/hung.sock", dir.path);
  ck_assert (strlen (path) < sizeof addr.sun_path);
  memcpy (addr.sun_path, path, strlen (path) + 1);
  ck_assert (fd >= 0);
  ck_assert (bind (fd, (struct sockaddr *) &addr, sizeof addr) == 0);
  ck_assert (listen (fd, 8) == 0);
  return fd;
}

/* Through a wrapper that does not exec qemu: a clean shutdown, a close
 * while running, and a launch that fails (qemu hangs on a drive) leave
 * no qemu, no wrapper and nothing the wrapper started. */
START_TEST (test_wrapper_no_exec)
{
  char *hv = wrapper_script (), *tmpdir, sock[200], server[220];
  char *servers[] = { server, NULL };
  qdrive_h *g;
  int fd;

  /* Shut down. */
  g = new_handle ();
  tmpdir = private_dir (g);
  OK (g, qdrive_set_hv (g, hv));
  LAUNCH (g);
  ck_assert_int_eq (processes_with (tmpdir, NULL), 2);   /* wrapper, qemu */
  OK (g, qdrive_shutdown (g));
  qdrive_close (g);
  ck_assert_msg (none_left (tmpdir), "a process of the machine survived");
  assert_sleeper_gone ();
  free (tmpdir);

  /* Closed while running. */
  g = new_handle ();
  tmpdir = private_dir (g);
  OK (g, qdrive_set_hv (g, hv));
  LAUNCH (g);
  qdrive_close (g);
  ck_assert_msg (none_left (tmpdir), "a process of the machine survived");
  assert_sleeper_gone ();
  free (tmpdir);

  /* A launch that times out. */
  fd = hung_server (sock, sizeof sock);
  snprintf (server, sizeof server, "unix:%s", sock);
  g = new_handle ();
  tmpdir = private_dir (g);
  OK (g, qdrive_set_hv (g, hv));
  OK (g, qdrive_set_launch_timeout (g, 2));
  OK (g, qdrive_add_drive_opts (g, "", QDRIVE_ADD_DRIVE_OPTS_PROTOCOL, "nbd",
                                QDRIVE_ADD_DRIVE_OPTS_SERVER, servers,
                                QDRIVE_ADD_DRIVE_OPTS_READONLY, 1, -1));
  ck_assert (qdrive_launch (g) == -1);
  ERROR_HAS (g, "launch: qemu did not answer");
  ck_assert_msg (none_left (tmpdir), "a process of the failed launch "
                 "survived");
  assert_sleeper_gone ();
  close (fd);
  assert_nothing_left (g, tmpdir);
  free (hv);
}
END_TEST

/* ---- the owner killed ---------------------------------------------------- */

/* A child process launches qemu through a wrapper that does not exec
 * it, with a scratch disk, forks a process of its own that keeps
 * running (with copies of the child's descriptors), and is killed with
 * SIGKILL: qemu, the wrapper and what it started go, and the watcher
 * removes the private directory. */
START_TEST (test_owner_killed)
{
  char *hv = wrapper_script (), tmpdir[4096];
  int p[2];
  pid_t owner, grandchild = 0;
  ssize_t n;

  ck_assert (pipe (p) == 0);
  owner = fork ();
  ck_assert (owner >= 0);
  if (owner == 0) {
    qdrive_h *g = qdrive_create ();
    char *t, msg[4200];
    pid_t gc;

    close (p[0]);
    if (g == NULL || qdrive_set_memsize (g, 128) == -1 ||
        qdrive_set_hv (g, hv) == -1 ||
        qdrive_add_drive_scratch (g, 1 << 20, -1) == -1 ||
        (t = private_dir (g)) == NULL || qdrive_launch (g) == -1)
      _exit (1);
    gc = fork ();
    if (gc == 0) {
      pause ();
      _exit (0);
    }
    snprintf (msg, sizeof msg, "%d %s", (int) gc, t);
    if (write (p[1], msg, strlen (msg)) == -1)
      _exit (1);
    pause ();
    _exit (0);
  }
  close (p[1]);
  n = read (p[0], tmpdir, sizeof tmpdir - 1);
  close (p[0]);
  ck_assert_msg (n > 0, "the child could not launch");
  tmpdir[n] = '\0';
  grandchild = atoi (tmpdir);
  memmove (tmpdir, strchr (tmpdir, ' ') + 1, strlen (strchr (tmpdir, ' ')));
  ck_assert_int_eq (processes_with (tmpdir, NULL), 2);   /* wrapper, qemu */

  ck_assert (kill (owner, SIGKILL) == 0);
  ck_assert (waitpid (owner, NULL, 0) == owner);
  ck_assert_msg (none_left (tmpdir), "qemu or its wrapper outlived their "
                 "owner (while a process it forked ran)");
  assert_sleeper_gone ();
  ck_assert (kill (grandchild, SIGKILL) == 0);
  /* The watcher removes the directory once qemu is gone. */
  {
    double t0 = now ();
    while (exists_in (tmpdir, NULL) && now () - t0 < 5)
      usleep (10000);
  }
  ck_assert_msg (!exists_in (tmpdir, NULL), "%s was left", tmpdir);
  free (hv);
}
END_TEST

/* ---- the suite ---------------------------------------------------------- */

int
main (void)
{
  Suite *s = suite_create ("process");

#define ADD(name, fn) add_case (s, name, fn, dir_setup, dir_teardown, 60)

  ADD ("SIGCHLD ignored", test_sigchld_ignored);
  ADD ("relative TMPDIR", test_relative_tmpdir);
  ADD ("close during launch", test_close_during_launch);
  ADD ("fork", test_fork);
  ADD ("exit without close", test_exit_without_close);
  ADD ("wrapper without exec", test_wrapper_no_exec);
  ADD ("owner killed", test_owner_killed);
  return run_suite (s);
}
