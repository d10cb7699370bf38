/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive: launch, block_info and shutdown against real qemu.
 *
 * Every test starts qemu-system-x86_64 paused (-S, small memory) and
 * asks it over QMP, through block_info, what it made of the drives.
 * The accelerator is the handle's default ($QDRIVE_ACCEL, else
 * kvm:tcg), so the suite passes with and without KVM.
 *
 * Check runs each test in a child process of its own, so "no process
 * left behind" is checked as "this process has no children left". */

#include <config.h>

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "qdrive.h"
#include "testlib.h"

/* ---- helpers ---------------------------------------------------------- */

static char workdir[] = "/tmp/qdrive-test-launch.XXXXXX";
static char *workdir_made;

/* A fresh directory per test (each test is its own process). */
static void
setup (void)
{
  strcpy (workdir, "/tmp/qdrive-test-launch.XXXXXX");
  workdir_made = mkdtemp (workdir);
  ck_assert_msg (workdir_made != NULL, "mkdtemp: %s", strerror (errno));
}

static void
teardown (void)
{
  char cmd[256];

  if (workdir_made) {
    snprintf (cmd, sizeof cmd, "rm -rf '%s'", workdir);
    if (system (cmd) != 0)
      fprintf (stderr, "cannot remove %s\n", workdir);
  }
}

static char *
path_of (const char *name)
{
  char *p;

  ck_assert (asprintf (&p, "%s/%s", workdir, name) != -1);
  return p;
}

/* A raw file of size bytes, filled with byte fill. */
static char *
make_raw (const char *name, size_t size, int fill)
{
  char *p = path_of (name);
  char buf[4096];
  FILE *f = fopen (p, "w");
  size_t n;

  ck_assert_msg (f != NULL, "%s: %s", p, strerror (errno));
  memset (buf, fill, sizeof buf);
  for (n = 0; n < size; n += sizeof buf)
    ck_assert (fwrite (buf, 1, sizeof buf, f) == sizeof buf);
  ck_assert (fclose (f) == 0);
  return p;
}

static char *
make_qcow2 (const char *name)
{
  char *p = path_of (name), *cmd;

  ck_assert (asprintf (&cmd, "qemu-img create -q -f qcow2 '%s' 1M", p) != -1);
  ck_assert_msg (system (cmd) == 0, "%s failed", cmd);
  free (cmd);
  return p;
}

static qdrive_h *
new_handle (void)
{
  qdrive_h *g = qdrive_create ();

  ck_assert_msg (g != NULL, "qdrive_create: %s", strerror (errno));
  qdrive_set_error_handler (g, NULL, NULL);
  ck_assert (qdrive_set_memsize (g, 128) == 0);
  ck_assert (qdrive_set_launch_timeout (g, 30) == 0);
  return g;
}

/* Launches g with one scratch disk and returns its qemu's pid. */
static pid_t
launch_scratch (qdrive_h *g, const char *tmpdir)
{
  pid_t pid;

  OK (g, qdrive_add_drive_scratch (g, 1 << 20, -1));
  LAUNCH (g);
  pid = qemu_pid_of (tmpdir);
  ck_assert (pid > 0);
  return pid;
}

/* What block_info must say about one drive. */
struct expect {
  const char *file, *format;
  bool ro, wb, direct, noflush;
};

static void
assert_block_info (qdrive_h *g, const struct expect *want, size_t n)
{
  struct qdrive_block_info_list *l = block_info_of (g, n);
  size_t i;
  char id[16];

  for (i = 0; i < n; ++i) {
    const struct qdrive_block_info *b = &l->val[i];
    snprintf (id, sizeof id, "hd%zu", i);
    ck_assert_str_eq (b->id, id);
    ck_assert_msg (strcmp (b->filename, want[i].file) == 0,
                   "%s: filename %s, want %s", id, b->filename, want[i].file);
    ck_assert_msg (strcmp (b->format, want[i].format) == 0,
                   "%s: format %s, want %s", id, b->format, want[i].format);
    ck_assert_msg (b->readonly == want[i].ro, "%s: readonly %d", id, b->readonly);
    ck_assert_msg (b->cache_writeback == want[i].wb,
                   "%s: cache_writeback %d", id, b->cache_writeback);
    ck_assert_msg (b->cache_direct == want[i].direct,
                   "%s: cache_direct %d", id, b->cache_direct);
    ck_assert_msg (b->cache_no_flush == want[i].noflush,
                   "%s: cache_no_flush %d", id, b->cache_no_flush);
  }
  qdrive_free_block_info_list (l);
}

/* ---- what qemu made of the drives ------------------------------------ */

/* One launch for every kind of drive: each cachemode with raw and
 * qcow2, read-only (also the same file twice with different cache
 * modes), discard, copy-on-read, a comma in the name, a scratch disk. */
START_TEST (test_drive_kinds)
{
  qdrive_h *g = new_handle ();
  char *raw_wb = make_raw ("wb.img", 1 << 20, 0);
  char *raw_un = make_raw ("unsafe.img", 1 << 20, 0);
  char *q_wb = make_qcow2 ("wb.qcow2");
  char *q_un = make_qcow2 ("unsafe.qcow2");
  char *ro = make_raw ("ro.img", 1 << 20, 0x5a);
  char *dis = make_raw ("discard.img", 1 << 20, 0);
  char *dbe = make_qcow2 ("discard-be.qcow2");
  char *cor = make_qcow2 ("cor.qcow2");
  char *comma = make_raw ("a,b,,c.img", 1 << 20, 0);
  char *base = make_qcow2 ("base.qcow2"), *top = path_of ("top.qcow2"), *cmd;
  char *tmpdir = private_dir (g), *scratch;

  /* A qcow2 with a backing file, added read-only (writeback): qemu's
   * overlay sits on a chain of two. */
  ck_assert (asprintf (&cmd, "qemu-img create -q -f qcow2 -F qcow2 -b '%s' "
                       "'%s'", base, top) != -1);
  ck_assert_msg (system (cmd) == 0, "%s failed", cmd);
  free (cmd);

  OK (g, qdrive_add_drive_opts (g, raw_wb, QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                                QDRIVE_ADD_DRIVE_OPTS_CACHEMODE, "writeback", -1));
  OK (g, qdrive_add_drive_opts (g, raw_un, QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                                QDRIVE_ADD_DRIVE_OPTS_CACHEMODE, "unsafe", -1));
  OK (g, qdrive_add_drive_opts (g, q_wb, QDRIVE_ADD_DRIVE_OPTS_FORMAT, "qcow2",
                                -1));
  OK (g, qdrive_add_drive_opts (g, q_un, QDRIVE_ADD_DRIVE_OPTS_FORMAT, "qcow2",
                                QDRIVE_ADD_DRIVE_OPTS_CACHEMODE, "unsafe", -1));
  OK (g, qdrive_add_drive_opts (g, ro, QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                                QDRIVE_ADD_DRIVE_OPTS_READONLY, 1, -1));
  OK (g, qdrive_add_drive_opts (g, ro, QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                                QDRIVE_ADD_DRIVE_OPTS_READONLY, 1,
                                QDRIVE_ADD_DRIVE_OPTS_CACHEMODE, "unsafe", -1));
  OK (g, qdrive_add_drive_opts (g, dis, QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                                QDRIVE_ADD_DRIVE_OPTS_DISCARD, "enable", -1));
  OK (g, qdrive_add_drive_opts (g, dbe, QDRIVE_ADD_DRIVE_OPTS_FORMAT, "qcow2",
                                QDRIVE_ADD_DRIVE_OPTS_DISCARD, "besteffort",
                                QDRIVE_ADD_DRIVE_OPTS_CACHEMODE, "unsafe", -1));
  OK (g, qdrive_add_drive_opts (g, cor, QDRIVE_ADD_DRIVE_OPTS_FORMAT, "qcow2",
                                QDRIVE_ADD_DRIVE_OPTS_COPYONREAD, 1, -1));
  OK (g, qdrive_add_drive_opts (g, comma, QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                                QDRIVE_ADD_DRIVE_OPTS_IFACE, "virtio", -1));
  OK (g, qdrive_add_drive_scratch (g, 1 << 20, -1));
  ck_assert (asprintf (&scratch, "%s/scratch0.img", tmpdir) != -1);
  OK (g, qdrive_add_drive_opts (g, top, QDRIVE_ADD_DRIVE_OPTS_FORMAT, "qcow2",
                                QDRIVE_ADD_DRIVE_OPTS_READONLY, 1, -1));

  LAUNCH (g);
  {
    const struct expect want[] = {
      { raw_wb, "raw", false, true, false, false },
      { raw_un, "raw", false, true, false, true },
      { q_wb, "qcow2", false, true, false, false },
      { q_un, "qcow2", false, true, false, true },
      /* Read-only: the caller's file, opened read-only by qemu under
       * its throw-away overlay, with the drive's own cache mode. */
      { ro, "raw", true, true, false, false },
      { ro, "raw", true, true, false, true },
      { dis, "raw", false, true, false, false },
      { dbe, "qcow2", false, true, false, true },
      { cor, "qcow2", false, true, false, false },
      { comma, "raw", false, true, false, false },
      { scratch, "raw", false, true, false, true },
      { top, "qcow2", true, true, false, false },
    };
    assert_block_info (g, want, sizeof want / sizeof want[0]);
    /* Asking twice gives the same answer. */
    assert_block_info (g, want, sizeof want / sizeof want[0]);
  }
  ck_assert_msg (qemu_pid_of (tmpdir) != 0, "no qemu runs while launched");
  OK (g, qdrive_shutdown (g));
  assert_nothing_left (g, tmpdir);
  free (scratch);
  free (raw_wb); free (raw_un); free (q_wb); free (q_un); free (ro);
  free (dis); free (dbe); free (cor); free (comma); free (base); free (top);
}
END_TEST

START_TEST (test_16_drives)
{
  qdrive_h *g = new_handle ();
  struct expect want[16];
  char *files[16], name[32];
  char *tmpdir = private_dir (g);
  size_t i;

  for (i = 0; i < 16; ++i) {
    snprintf (name, sizeof name, "d%zu.img", i);
    files[i] = make_raw (name, 1 << 16, 0);
    OK (g, qdrive_add_drive_opts (g, files[i],
                                  QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                                  QDRIVE_ADD_DRIVE_OPTS_CACHEMODE,
                                  i % 2 ? "unsafe" : "writeback",
                                  QDRIVE_ADD_DRIVE_OPTS_READONLY, i % 4 == 3,
                                  -1));
    want[i] = (struct expect) { files[i], "raw", i % 4 == 3, true, false,
                                i % 2 == 1 };
  }
  LAUNCH (g);
  assert_block_info (g, want, 16);
  OK (g, qdrive_shutdown (g));
  assert_nothing_left (g, tmpdir);
  for (i = 0; i < 16; ++i)
    free (files[i]);
}
END_TEST

static void hmp_wait_prompt (int fd);

/* An HMP monitor on a second socket (qemu_with_hmp): the test's own
 * way to make qemu write to its drives.  Returns the connected fd. */
static int
connect_hmp (const char *path)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_STREAM, 0);

  strncpy (addr.sun_path, path, sizeof addr.sun_path - 1);
  ck_assert (fd >= 0);
  ck_assert_msg (connect (fd, (struct sockaddr *) &addr, sizeof addr) == 0,
                 "connect %s: %s", path, strerror (errno));
  hmp_wait_prompt (fd);         /* the banner */
  return fd;
}

/* Reads from the HMP monitor up to its next prompt. */
static void
hmp_wait_prompt (int fd)
{
  char out[65536];
  size_t len = 0;
  ssize_t n;

  for (;;) {
    out[len] = '\0';
    if (strstr (out, "(qemu) ") != NULL)
      return;
    ck_assert (len < sizeof out - 1);
    n = read (fd, out + len, sizeof out - 1 - len);
    ck_assert_msg (n > 0, "HMP: read: %s", n ? strerror (errno) : "EOF");
    len += n;
  }
}

/* Runs an HMP command and waits for it to finish. */
static void
hmp (int fd, const char *command)
{
  ck_assert (write (fd, command, strlen (command)) == (ssize_t) strlen (command));
  ck_assert (write (fd, "\n", 1) == 1);
  hmp_wait_prompt (fd);
}

/* A read-only drive's file is unchanged after the guest side wrote to
 * it; the same write reaches a writable drive's file (the control). */
START_TEST (test_readonly_unchanged)
{
  qdrive_h *g = new_handle ();
  char *ro = make_raw ("ro.img", 1 << 20, 0x11);
  char *rw = make_raw ("rw.img", 1 << 20, 0x11);
  char *tmpdir = private_dir (g), *hmp_path, *hv;
  uint64_t ro_before = checksum (ro), rw_before = checksum (rw);
  int fd;

  ck_assert (asprintf (&hmp_path, "%s/hmp.sock", workdir) != -1);
  hv = qemu_with_hmp (workdir, hmp_path);
  OK (g, qdrive_set_hv (g, hv));
  OK (g, qdrive_add_drive_opts (g, ro, QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                                QDRIVE_ADD_DRIVE_OPTS_READONLY, 1, -1));
  OK (g, qdrive_add_drive_opts (g, rw, QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                                -1));
  LAUNCH (g);

  /* qemu 7.2 prints qemu-io's report on its stdout, not the monitor:
   * the files themselves show what was written. */
  fd = connect_hmp (hmp_path);
  hmp (fd, "qemu-io hd0 \"write -P 0xab 0 65536\"");
  hmp (fd, "qemu-io hd1 \"write -P 0xab 0 65536\"");
  close (fd);

  OK (g, qdrive_shutdown (g));
  ck_assert_msg (checksum (ro) == ro_before, "the read-only file changed");
  ck_assert_msg (checksum (rw) != rw_before,
                 "the writable file did not change: the test proves nothing");
  assert_nothing_left (g, tmpdir);
  free (hmp_path);
  free (hv);
  free (ro);
  free (rw);
}
END_TEST

/* ---- the handle's states ---------------------------------------------- */

START_TEST (test_states)
{
  qdrive_h *g = new_handle ();
  char *disk = make_raw ("d.img", 1 << 20, 0);
  char *tmpdir = private_dir (g);

  ck_assert (qdrive_block_info (g) == NULL);
  ERROR_HAS (g, "block_info: the virtual machine is not launched; "
             "call launch first");
  ck_assert (qdrive_shutdown (g) == -1);
  ERROR_HAS (g, "shutdown: the virtual machine is not launched");

  OK (g, qdrive_add_drive_opts (g, disk, QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw", -1));
  LAUNCH (g);

  ck_assert (qdrive_launch (g) == -1);
  ERROR_HAS (g, "launch: the virtual machine is already launched");
  ck_assert (qdrive_add_drive (g, disk) == -1);
  ERROR_HAS (g, "add_drive: the virtual machine is already launched; this "
             "call must come before launch");
  ck_assert (qdrive_add_drive_scratch (g, 1 << 20, -1) == -1);
  ERROR_HAS (g, "add_drive_scratch: the virtual machine is already launched");
  ck_assert (qdrive_config (g, "-no-reboot", NULL) == -1);
  ERROR_HAS (g, "config: the virtual machine is already launched");
  ck_assert (qdrive_set_memsize (g, 512) == -1);
  ERROR_HAS (g, "set_memsize: the virtual machine is already launched");
  ck_assert (qdrive_set_hv (g, "qemu-kvm") == -1);
  ERROR_HAS (g, "set_hv: the virtual machine is already launched");
  ck_assert (qdrive_set_launch_timeout (g, 5) == -1);
  ERROR_HAS (g, "set_launch_timeout: the virtual machine is already launched");
  /* The refused calls changed nothing, and qemu still answers. */
  ck_assert_int_eq (qdrive_get_memsize (g), 128);
  {
    const struct expect want[] = { { disk, "raw", false, true, false, false } };
    assert_block_info (g, want, 1);
  }

  OK (g, qdrive_shutdown (g));
  ck_assert (qdrive_block_info (g) == NULL);
  ERROR_HAS (g, "block_info: the virtual machine was shut down; use a new "
             "handle");
  ck_assert (qdrive_shutdown (g) == -1);
  ERROR_HAS (g, "shutdown: the virtual machine was shut down");
  ck_assert (qdrive_launch (g) == -1);
  ERROR_HAS (g, "launch: the virtual machine was shut down");
  assert_nothing_left (g, tmpdir);
  free (disk);
}
END_TEST

/* close on a launched handle stops qemu. */
START_TEST (test_close_launched)
{
  qdrive_h *g = new_handle ();
  char *tmpdir = private_dir (g);
  pid_t pid;

  pid = launch_scratch (g, tmpdir);
  qdrive_close (g);
  ck_assert_msg (kill (pid, 0) == -1 && errno == ESRCH,
                 "qemu (pid %d) survived close", (int) pid);
  errno = 0;
  ck_assert (waitpid (-1, NULL, WNOHANG) == -1 && errno == ECHILD);
  ck_assert (!exists_in (tmpdir, NULL));
  free (tmpdir);
}
END_TEST

/* A handle with no drive launches too. */
START_TEST (test_no_drives)
{
  qdrive_h *g = new_handle ();
  char *tmpdir = private_dir (g);

  LAUNCH (g);
  qdrive_free_block_info_list (block_info_of (g, 0));
  OK (g, qdrive_shutdown (g));
  assert_nothing_left (g, tmpdir);
}
END_TEST

/* ---- failure paths ----------------------------------------------------- */

START_TEST (test_hv_not_in_path)
{
  qdrive_h *g = new_handle ();
  char *tmpdir = private_dir (g);

  OK (g, qdrive_set_hv (g, "qdrive-no-such-qemu"));
  ck_assert (qdrive_launch (g) == -1);
  ERROR_HAS (g, "launch: cannot run qemu: \"qdrive-no-such-qemu\" was not "
             "found in PATH");
  ck_assert_int_eq (qdrive_last_errno (g), ENOENT);
  assert_nothing_left (g, tmpdir);
}
END_TEST

START_TEST (test_hv_missing_path)
{
  qdrive_h *g = new_handle ();
  char *tmpdir = private_dir (g), *hv = path_of ("no-qemu-here");

  OK (g, qdrive_set_hv (g, hv));
  ck_assert (qdrive_launch (g) == -1);
  ERROR_HAS (g, "launch: cannot run qemu \"");
  ERROR_HAS (g, "no-qemu-here\" (set with set_hv or $QDRIVE_HV): No such "
             "file or directory");
  assert_nothing_left (g, tmpdir);
  free (hv);
}
END_TEST

START_TEST (test_corrupt_qcow2)
{
  qdrive_h *g = new_handle ();
  char *tmpdir = private_dir (g), *q = make_qcow2 ("bad.qcow2");
  int fd = open (q, O_WRONLY);

  ck_assert (fd >= 0 && write (fd, "XXXX", 4) == 4 && close (fd) == 0);
  OK (g, qdrive_add_drive_opts (g, q, QDRIVE_ADD_DRIVE_OPTS_FORMAT, "qcow2", -1));
  ck_assert (qdrive_launch (g) == -1);
  ERROR_HAS (g, "launch: qemu exited with status 1 before it was ready; "
             "its last messages:\\n");
  ERROR_HAS (g, "Image is not in qcow2 format");
  assert_nothing_left (g, tmpdir);
  free (q);
}
END_TEST

START_TEST (test_unknown_format)
{
  qdrive_h *g = new_handle ();
  char *tmpdir = private_dir (g), *d = make_raw ("d.img", 1 << 20, 0);

  OK (g, qdrive_add_drive_opts (g, d, QDRIVE_ADD_DRIVE_OPTS_FORMAT,
                                "nosuchformat", -1));
  ck_assert (qdrive_launch (g) == -1);
  ERROR_HAS (g, "launch: qemu exited with status 1 before it was ready");
  ERROR_HAS (g, "Unknown driver 'nosuchformat'");
  assert_nothing_left (g, tmpdir);
  free (d);
}
END_TEST

/* A qemu that never greets on its QMP socket (a program posing as
 * qemu: a real one greets at once). */
START_TEST (test_qmp_timeout)
{
  qdrive_h *g = new_handle ();
  char *tmpdir = private_dir (g), *script = path_of ("script");
  FILE *f = fopen (script, "w");
  double t0;

  ck_assert (f != NULL && fputs ("greeting silent\n", f) >= 0 &&
             fclose (f) == 0);
  ck_assert (setenv ("FAKE_QEMU_SCRIPT", script, 1) == 0);
  OK (g, qdrive_set_hv (g, FAKE_QEMU));
  OK (g, qdrive_set_launch_timeout (g, 1));
  t0 = now ();
  ck_assert (qdrive_launch (g) == -1);
  ck_assert_msg (now () - t0 < 3, "launch took %.1f s", now () - t0);
  ERROR_HAS (g, "launch: qemu did not answer on its QMP socket (greeting) "
             "within 1 second");
  ck_assert_int_eq (qdrive_last_errno (g), ETIMEDOUT);
  assert_nothing_left (g, tmpdir);
  free (script);
}
END_TEST

/* The file went away after add_drive: launch says so before starting
 * qemu, and works once it is back. */
START_TEST (test_drive_removed)
{
  qdrive_h *g = new_handle ();
  char *tmpdir = private_dir (g), *d = make_raw ("gone.img", 1 << 20, 0), *want;

  OK (g, qdrive_add_drive_opts (g, d, QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw", -1));
  ck_assert (unlink (d) == 0);
  ck_assert (qdrive_launch (g) == -1);
  ck_assert (asprintf (&want, "launch: drive hd0: \"%s\" cannot be used any "
                       "more (it could when it was added): No such file or "
                       "directory", d) != -1);
  ERROR_HAS (g, want);
  ck_assert_int_eq (qdrive_last_errno (g), ENOENT);
  errno = 0;
  ck_assert (waitpid (-1, NULL, WNOHANG) == -1 && errno == ECHILD);
  ck_assert (!exists_in (tmpdir, "qmp.sock"));

  free (make_raw ("gone.img", 1 << 20, 0));
  LAUNCH (g);
  OK (g, qdrive_shutdown (g));
  assert_nothing_left (g, tmpdir);
  free (d);
  free (want);
}
END_TEST

/* The file was replaced by a FIFO after add_drive (which refuses one):
 * launch says so instead of starting a qemu that would wait on it. */
START_TEST (test_drive_replaced_by_fifo)
{
  qdrive_h *g = new_handle ();
  char *tmpdir = private_dir (g), *d = make_raw ("d.img", 1 << 20, 0), *want;

  OK (g, qdrive_add_drive_opts (g, d, QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw", -1));
  ck_assert (unlink (d) == 0 && mkfifo (d, 0600) == 0);
  ck_assert (qdrive_launch (g) == -1);
  ck_assert (asprintf (&want, "launch: drive hd0: \"%s\" is a FIFO (named "
                       "pipe); allowed: a regular file or a block device",
                       d) != -1);
  ERROR_HAS (g, want);
  assert_nothing_left (g, tmpdir);
  free (d);
  free (want);
}
END_TEST

/* qemu killed behind the handle's back: the next call says so. */
START_TEST (test_qemu_died)
{
  qdrive_h *g = new_handle ();
  char *tmpdir = private_dir (g);
  pid_t pid;

  pid = launch_scratch (g, tmpdir);
  ck_assert (kill (pid, SIGKILL) == 0);
  usleep (100000);
  ck_assert (qdrive_block_info (g) == NULL);
  ERROR_HAS (g, "block_info: qemu stopped unexpectedly: it was killed by "
             "signal 9");
  ck_assert (qdrive_block_info (g) == NULL);
  ERROR_HAS (g, "block_info: qemu stopped unexpectedly");
  /* Already reported: shutdown just cleans up. */
  OK (g, qdrive_shutdown (g));
  assert_nothing_left (g, tmpdir);
}
END_TEST

/* Dying unnoticed, then shutdown: shutdown reports it. */
START_TEST (test_qemu_died_shutdown)
{
  qdrive_h *g = new_handle ();
  char *tmpdir = private_dir (g);
  pid_t pid;

  LAUNCH (g);
  pid = qemu_pid_of (tmpdir);
  ck_assert (pid > 0 && kill (pid, SIGKILL) == 0);
  usleep (100000);
  ck_assert (qdrive_shutdown (g) == -1);
  ERROR_HAS (g, "shutdown: qemu stopped unexpectedly: it was killed by "
             "signal 9");
  assert_nothing_left (g, tmpdir);
}
END_TEST

/* ---- no orphans ---------------------------------------------------------- */

/* A child process launches qemu, then is killed with SIGKILL (loop 0)
 * or exits without closing the handle (loop 1): qemu must go within a
 * few seconds, and the handle's directory with it.  This process is made a subreaper, so the orphaned qemu
 * becomes our child and its end is observed exactly. */
START_TEST (test_no_orphan)
{
  int p[2], go[2];
  pid_t child, qemu, w;
  char tmpdir[4096];
  ssize_t n;
  int status;
  double t0;

  ck_assert (prctl (PR_SET_CHILD_SUBREAPER, 1) == 0);
  ck_assert (pipe (p) == 0 && pipe (go) == 0);
  child = fork ();
  ck_assert (child >= 0);
  if (child == 0) {
    qdrive_h *g = qdrive_create ();
    char *t;

    char c;

    close (p[0]);
    close (go[1]);
    if (g == NULL || qdrive_set_memsize (g, 128) == -1 ||
        (t = private_dir (g)) == NULL || qdrive_launch (g) == -1)
      _exit (1);
    if (write (p[1], t, strlen (t)) == -1)
      _exit (1);
    close (p[1]);
    /* Wait until the parent has seen qemu, then end as loop _i says. */
    if (read (go[0], &c, 1) == 0 && _i == 1)
      _exit (0);                /* no close, no shutdown */
    pause ();
    _exit (0);
  }
  close (p[1]);
  close (go[0]);
  n = read (p[0], tmpdir, sizeof tmpdir - 1);
  ck_assert_msg (n > 0, "the child could not launch");
  tmpdir[n] = '\0';
  close (p[0]);
  qemu = qemu_pid_of (tmpdir);
  ck_assert (qemu > 0);

  if (_i == 0)
    ck_assert (kill (child, SIGKILL) == 0);
  close (go[1]);
  ck_assert (waitpid (child, NULL, 0) == child);
  t0 = now ();
  for (;;) {
    w = waitpid (qemu, &status, WNOHANG);
    if (w == qemu)
      break;
    if (now () - t0 >= 5) {
      kill (qemu, SIGKILL);     /* leave nothing running, even failing */
      ck_abort_msg ("qemu (pid %d) still runs 5 s after its owner %s",
                    (int) qemu, _i == 0 ? "was killed" : "exited");
    }
    usleep (10000);
  }
  ck_assert_msg (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL,
                 "qemu ended with status 0x%x, not killed by the watcher",
                 status);
  /* The watcher has exited too; reap it (it is ours now as well). */
  t0 = now ();
  while (waitpid (-1, NULL, WNOHANG) != -1 || errno != ECHILD) {
    ck_assert_msg (now () - t0 < 5, "the watcher still runs");
    usleep (10000);
  }
  ck_assert (qemu_pid_of (tmpdir) == 0);
  /* The handle was never closed: the watcher removed its directory. */
  ck_assert_msg (!exists_in (tmpdir, NULL), "%s was left", tmpdir);
}
END_TEST

static void *
launch_thread (void *gv)
{
  qdrive_h *g = gv;

  return (void *) (intptr_t) qdrive_launch (g);
}

/* launch from a thread that then ends: qemu must stay (the reason the
 * watcher is not PR_SET_PDEATHSIG, which fires when the forking thread
 * exits). */
START_TEST (test_launch_from_thread)
{
  qdrive_h *g = new_handle ();
  char *tmpdir = private_dir (g);
  pthread_t t;
  void *r;

  OK (g, qdrive_add_drive_scratch (g, 1 << 20, -1));
  ck_assert (pthread_create (&t, NULL, launch_thread, g) == 0);
  ck_assert (pthread_join (t, &r) == 0);
  ck_assert_msg ((intptr_t) r == 0, "launch failed");
  usleep (200000);
  {
    char *scratch;
    ck_assert (asprintf (&scratch, "%s/scratch0.img", tmpdir) != -1);
    const struct expect want[] = { { scratch, "raw", false, true, false, true } };
    assert_block_info (g, want, 1);
    free (scratch);
  }
  OK (g, qdrive_shutdown (g));
  assert_nothing_left (g, tmpdir);
}
END_TEST

/* ---- cancelling ------------------------------------------------------------ */

/* A real qemu that waits for ever: its drive is on an NBD server (a
 * unix socket listening in the work directory) that never answers, so
 * qemu blocks opening it, before its main loop.  Returns the socket. */
static int
add_hung_nbd_drive (qdrive_h *g)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  char *sock = path_of ("hung.sock"), *server;
  char *servers[2];
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

  ck_assert (fd >= 0);
  snprintf (addr.sun_path, sizeof addr.sun_path, "%s", sock);
  ck_assert (bind (fd, (struct sockaddr *) &addr, sizeof addr) == 0);
  ck_assert (listen (fd, 8) == 0);
  ck_assert (asprintf (&server, "unix:%s", sock) != -1);
  servers[0] = server;
  servers[1] = NULL;
  OK (g, qdrive_add_drive_opts (g, "", QDRIVE_ADD_DRIVE_OPTS_PROTOCOL, "nbd",
                                QDRIVE_ADD_DRIVE_OPTS_SERVER, servers,
                                QDRIVE_ADD_DRIVE_OPTS_READONLY, 1, -1));
  free (server);
  free (sock);
  return fd;
}

static void *
cancel_later (void *gv)
{
  usleep (500000);
  qdrive_user_cancel (gv);
  return NULL;
}

static qdrive_h *alarm_handle;

static void
cancel_on_alarm (int sig)
{
  qdrive_user_cancel (alarm_handle);
}

/* A cancelled launch fails at once, however long its timeout, and
 * leaves nothing behind: from another thread, from a signal handler,
 * and when the request came before launch started waiting. */
START_TEST (test_cancel)
{
  qdrive_h *g = new_handle ();
  char *tmpdir = private_dir (g);
  int sock = add_hung_nbd_drive (g);
  struct sigaction sa = { .sa_handler = cancel_on_alarm };
  struct itimerval half = { .it_value = { 0, 500000 } };
  pthread_t t;
  double t0;

  /* From another thread. */
  ck_assert (pthread_create (&t, NULL, cancel_later, g) == 0);
  t0 = now ();
  ck_assert (qdrive_launch (g) == -1);
  ck_assert_msg (now () - t0 < 2, "launch took %.1f s", now () - t0);
  ck_assert (pthread_join (t, NULL) == 0);
  ck_assert_str_eq (qdrive_last_error (g), "launch: cancelled");
  ck_assert_int_eq (qdrive_last_errno (g), ECANCELED);
  ck_assert_msg (waitpid (-1, NULL, WNOHANG) == -1 && errno == ECHILD,
                 "a child process (qemu or its watcher) was left behind");
  ck_assert_msg (qemu_pid_of (tmpdir) == 0, "a qemu is still running");
  ck_assert_msg (!exists_in (tmpdir, "qmp.sock"), "the QMP socket was left");

  /* From a signal handler, in the thread that waits. */
  alarm_handle = g;
  sigemptyset (&sa.sa_mask);
  ck_assert (sigaction (SIGALRM, &sa, NULL) == 0);
  ck_assert (setitimer (ITIMER_REAL, &half, NULL) == 0);
  t0 = now ();
  ck_assert (qdrive_launch (g) == -1);
  ck_assert_msg (now () - t0 < 2, "launch took %.1f s", now () - t0);
  ck_assert_str_eq (qdrive_last_error (g), "launch: cancelled");

  /* Before launch: the request waits for it. */
  qdrive_user_cancel (g);
  t0 = now ();
  ck_assert (qdrive_launch (g) == -1);
  ck_assert_msg (now () - t0 < 2, "launch took %.1f s", now () - t0);
  ck_assert_str_eq (qdrive_last_error (g), "launch: cancelled");
  close (sock);
  assert_nothing_left (g, tmpdir);
}
END_TEST

/* A request is used up by the launch it cancels: the next one works. */
START_TEST (test_cancel_used_up)
{
  qdrive_h *g = new_handle ();
  char *tmpdir = private_dir (g);

  qdrive_user_cancel (g);
  qdrive_user_cancel (g);       /* two requests are one */
  OK (g, qdrive_add_drive_scratch (g, 1 << 20, -1));
  ck_assert (qdrive_launch (g) == -1);
  ck_assert_str_eq (qdrive_last_error (g), "launch: cancelled");
  LAUNCH (g);
  OK (g, qdrive_shutdown (g));
  assert_nothing_left (g, tmpdir);
}
END_TEST

/* ---- verbose --------------------------------------------------------------- */

/* Runs launch (and shutdown) with stderr sent to a file; returns what
 * was printed. */
static char *
launch_capturing (qdrive_h *g, int *launch_r)
{
  stderr_capture_begin ();
  *launch_r = qdrive_launch (g);
  if (*launch_r == 0)
    qdrive_shutdown (g);
  return stderr_capture_end ();
}

START_TEST (test_verbose)
{
  qdrive_h *g = new_handle ();
  char *tmpdir = private_dir (g), *d = make_raw ("it's.img", 1 << 20, 0);
  char *text, *want;
  int r;

  OK (g, qdrive_set_verbose (g, 1));
  OK (g, qdrive_add_drive_opts (g, d, QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw", -1));
  text = launch_capturing (g, &r);
  ck_assert_msg (r == 0, "%s", qdrive_last_error (g));
  /* The command line, shell-quoted. */
  ck_assert_msg (strstr (text, "qdrive: running: qemu-system-x86_64 -S ") != NULL,
                 "%s", text);
  ck_assert (asprintf (&want, " -drive 'file=%s/it'\\''s.img,cache=writeback,"
                       "format=raw,id=hd0,if=none' ", workdir) != -1);
  ck_assert_msg (strstr (text, want) != NULL, "%s\nwant %s", text, want);
  ck_assert_msg (strstr (text, "qdrive: qemu (pid ") != NULL, "%s", text);
  free (text);
  free (want);
  qdrive_close (g);
  free (tmpdir);

  /* qemu's own messages. */
  g = new_handle ();
  OK (g, qdrive_set_verbose (g, 1));
  OK (g, qdrive_add_drive_opts (g, d, QDRIVE_ADD_DRIVE_OPTS_FORMAT,
                                "nosuchformat", -1));
  text = launch_capturing (g, &r);
  ck_assert (r == -1);
  ck_assert_msg (strstr (text, "Unknown driver 'nosuchformat'\n") != NULL,
                 "%s", text);
  free (text);
  qdrive_close (g);
  free (d);
}
END_TEST

/* ---- the suite --------------------------------------------------------------- */

static bool
in_path (const char *prog)
{
  char *cmd;
  int r;

  if (asprintf (&cmd, "command -v %s >/dev/null", prog) == -1)
    return false;
  r = system (cmd);
  free (cmd);
  return r == 0;
}

static Suite *
launch_suite (void)
{
  Suite *s = suite_create ("launch");
  TCase *tc;

#define ADD(name, fn) add_case (s, name, fn, setup, teardown, 60)

  ADD ("drive kinds", test_drive_kinds);
  ADD ("16 drives", test_16_drives);
  ADD ("readonly unchanged", test_readonly_unchanged);
  ADD ("states", test_states);
  ADD ("close launched", test_close_launched);
  ADD ("no drives", test_no_drives);
  ADD ("hv not in PATH", test_hv_not_in_path);
  ADD ("hv missing path", test_hv_missing_path);
  ADD ("corrupt qcow2", test_corrupt_qcow2);
  ADD ("unknown format", test_unknown_format);
  ADD ("QMP timeout", test_qmp_timeout);
  ADD ("drive removed", test_drive_removed);
  ADD ("drive replaced by a FIFO", test_drive_replaced_by_fifo);
  ADD ("qemu died", test_qemu_died);
  ADD ("qemu died, shutdown", test_qemu_died_shutdown);
  tc = tcase_create ("no orphan");
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_set_timeout (tc, 60);
  tcase_add_loop_test (tc, test_no_orphan, 0, 2);
  suite_add_tcase (s, tc);
  ADD ("launch from thread", test_launch_from_thread);
  ADD ("verbose", test_verbose);
  ADD ("cancel", test_cancel);
  ADD ("cancel used up", test_cancel_used_up);
  return s;
}

int
main (void)
{
  if (!in_path ("qemu-system-x86_64") || !in_path ("qemu-img")) {
    fprintf (stderr, "test-launch: qemu-system-x86_64 and qemu-img are "
             "needed: apt-get install qemu-system-x86 qemu-utils (or run "
             "./quickstart)\n");
    return EXIT_FAILURE;
  }
  return run_suite (launch_suite ());
}
