/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive: guest "appliance" when things go wrong, each a clear error
 * with nothing left behind (no qemu, no socket, no temporary file):
 * no kernel, a kernel module missing or broken, an appliance that never
 * answers, one that panics, an unusable cache directory, the owner
 * killed with SIGKILL; and the cache itself: reused while its files are
 * unchanged, rebuilt when one changes, built once by two processes at
 * the same time, the other appliances removed by a build unless a
 * launch is using them.
 *
 * Check runs each case in a process of its own, so "no process left"
 * is "this process has no children left".  Kernels with a module
 * missing, broken or replaced are made by fake-kernel-root.sh from the
 * host's kernel.  Builds that need no boot run qemu as /bin/false. */

#include <config.h>

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "qdrive.h"
#include "appliance-testlib.h"

TEST_DIR_FIXTURE

static char *
path_in (const char *name)
{
  char *p;

  ck_assert (asprintf (&p, "%s/%s", dir.path, name) != -1);
  return p;
}

/* The kernel the library chooses by itself, from the command line. */
static char *
host_kernel (void)
{
  qdrive_h *g = appliance_handle ();
  char **cmd = qdrive_get_qemu_command_line (g), *k = NULL;
  size_t i;

  ck_assert_msg (cmd != NULL, "%s", qdrive_last_error (g));
  for (i = 0; cmd[i] != NULL && k == NULL; ++i)
    if (strcmp (cmd[i], "-kernel") == 0)
      k = strdup (cmd[i + 1]);
  qdrive_free_string_list (cmd);
  qdrive_close (g);
  ck_assert_ptr_nonnull (k);
  return k;
}

/* ROOT (in the test's directory) with the host's kernel and a module
 * missing, broken or replaced (fake-kernel-root.sh); the kernel's path
 * in it. */
static char *
fake_kernel (const char *how, const char *module, const char *other)
{
  char *kernel = host_kernel (), *cmd, *k;
  const char *base = strrchr (kernel, '/') + 1;

  ck_assert (asprintf (&cmd, "%s '%s/root' '%s' %s %s %s", FAKE_KERNEL_ROOT,
                       dir.path, kernel, how, module, other ? other : "")
             != -1);
  ck_assert_msg (system (cmd) == 0, "%s failed", cmd);
  ck_assert (asprintf (&k, "%s/root/boot/%s", dir.path, base) != -1);
  free (cmd);
  free (kernel);
  return k;
}

/* A handle for the appliance with one drive, and the cache directory
 * in the test's directory (or, shared, the default one, which the
 * other appliance tests use). */
static qdrive_h *
handle_with_drive (bool shared_cache)
{
  qdrive_h *g = appliance_handle ();
  char *cache = path_in ("cache"), *disk;

  disk = make_file (&dir, "disk.img", 16, 0);
  if (!shared_cache)
    OK (g, qdrive_set_cachedir (g, cache));
  OK (g, qdrive_add_drive_opts (g, disk, QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                                -1));
  free (cache);
  free (disk);
  return g;
}

/* handle_with_drive, with its own cache, and the kernel fake_kernel
 * makes; *tmp is the handle's private directory. */
static qdrive_h *
handle_with_fake_kernel (const char *how, const char *module,
                         const char *other, char **tmp)
{
  qdrive_h *g = handle_with_drive (false);
  char *k = fake_kernel (how, module, other);

  *tmp = private_dir (g);
  OK (g, qdrive_set_kernel (g, k));
  free (k);
  return g;
}

/* The names in the cache directory, one per line, sorted ("" if there
 * is no cache). */
static char *
cache_listing (void)
{
  char *path, *l;

  ck_assert (asprintf (&path, "%s/cache", dir.path) != -1);
  l = dir_listing (path);
  free (path);
  return l != NULL ? l : strdup ("");
}

/* The cache holds one appliance and nothing else (no temporary file). */
static void
assert_one_appliance (void)
{
  char *l = cache_listing ();

  ck_assert_msg (strncmp (l, "appliance-", 10) == 0 &&
                 strstr (l, ".img\n") == l + strlen (l) - 5,
                 "the cache holds: %s", l);
  free (l);
}

/* The path of the first file in the cache (malloc'd). */
static char *
first_in_cache (void)
{
  char *l = cache_listing (), *p;

  *strchr (l, '\n') = '\0';
  ck_assert (asprintf (&p, "%s/cache/%s", dir.path, l) != -1);
  free (l);
  return p;
}

static ino_t
appliance_inode (void)
{
  char *p = first_in_cache ();
  struct stat st;

  ck_assert (stat (p, &st) == 0);
  free (p);
  return st.st_ino;
}

/* ---- no kernel --------------------------------------------------------- */

START_TEST (test_no_kernel)
{
  qdrive_h *g = handle_with_drive (false);
  char *tmp = private_dir (g), *empty = path_in ("boot"), *want;

  ck_assert (mkdir (empty, 0755) == 0);
  OK (g, qdrive_set_kernel (g, empty));
  ck_assert_int_eq (qdrive_launch (g), -1);
  ck_assert (asprintf (&want, "launch: no kernel for the appliance: %s has "
                       "no readable vmlinuz-VERSION with its modules "
                       "installed; install one (Debian: apt-get install "
                       "linux-image-cloud-amd64), or name one with "
                       "set_kernel or $QDRIVE_KERNEL", empty) != -1);
  ck_assert_str_eq (qdrive_last_error (g), want);
  ck_assert_int_eq (qdrive_last_errno (g), ENOENT);
  free (want);

  OK (g, qdrive_set_kernel (g, "/nonexistent/vmlinuz-1"));
  ck_assert_int_eq (qdrive_launch (g), -1);
  ck_assert_str_eq (qdrive_last_error (g), "launch: kernel: cannot read "
                    "\"/nonexistent/vmlinuz-1\": No such file or directory");
  OK (g, qdrive_set_kernel (g, "/etc/passwd"));
  ck_assert_int_eq (qdrive_launch (g), -1);
  ck_assert_str_eq (qdrive_last_error (g), "launch: kernel: \"/etc/passwd\" "
                    "is not a Linux kernel image (no bzImage header); "
                    "allowed: a file such as /boot/vmlinuz-VERSION");
  ck_assert (!exists_in (dir.path, "cache"));
  assert_nothing_left (g, tmp);
  free (empty);
}
END_TEST

/* ---- kernel modules ---------------------------------------------------- */

/* A module the appliance needs is not in the kernel's modules: the
 * build fails naming it, and leaves no file in the cache. */
START_TEST (test_module_missing)
{
  char *tmp;
  qdrive_h *g = handle_with_fake_kernel ("missing", "virtio_scsi", NULL, &tmp);

  ck_assert_int_eq (qdrive_launch (g), -1);
  ERROR_HAS (g, "launch: appliance: kernel ");
  ERROR_HAS (g, " has no module virtio_scsi in ");
  ERROR_HAS (g, "(modprobe says: modprobe: FATAL: Module virtio_scsi not "
             "found in directory ");
  ERROR_HAS (g, "); the appliance needs it");
  {
    char *l = cache_listing ();
    ck_assert_msg (*l == '\0', "the cache holds: %s", l);
    free (l);
  }
  assert_nothing_left (g, tmp);
}
END_TEST

/* A module that cannot be loaded: the appliance stops at once, and the
 * error has its console's lines saying which. */
START_TEST (test_module_broken)
{
  char *tmp;
  qdrive_h *g = handle_with_fake_kernel ("broken", "virtio_console", NULL,
                                         &tmp);

  ck_assert_int_eq (qdrive_launch (g), -1);
  ERROR_HAS (g, "launch: the appliance stopped before it was ready (qemu "
             "exited with status 0); the last lines of its console:\\n");
  ERROR_HAS (g, "qdrive: cannot load the kernel module /lib/modules/");
  ERROR_HAS (g, "/virtio_console.ko; stopping");
  assert_nothing_left (g, tmp);
}
END_TEST

/* The agent's port never appears (virtio_console is another module
 * under its name): launch times out, and the console says what /init
 * was waiting for. */
START_TEST (test_never_answers)
{
  char *tmp;
  qdrive_h *g = handle_with_fake_kernel ("replaced", "virtio_console",
                                         "virtio-rng", &tmp);
  time_t t0 = time (NULL);

  OK (g, qdrive_set_launch_timeout (g, 20));
  ck_assert_int_eq (qdrive_launch (g), -1);
  ck_assert_int_le (time (NULL) - t0, 30);
  ERROR_HAS (g, "launch: the appliance did not answer within 20 seconds; the "
             "last lines of its console:\n");
  ERROR_HAS (g, "qdrive: waiting: 1 of 1 disks, agent port: missing");
  ck_assert_int_eq (qdrive_last_errno (g), ETIMEDOUT);
  assert_nothing_left (g, tmp);
}
END_TEST

/* ---- a panic ----------------------------------------------------------- */

/* The guest panics while a command runs: the command fails with the
 * console's last lines; shutdown and close leave nothing. */
START_TEST (test_panic)
{
  qdrive_h *g = handle_with_drive (true);
  char *tmp = private_dir (g);

  OK (g, qdrive_launch (g));
  ck_assert_ptr_null (qdrive_sh (g, "echo c > /proc/sysrq-trigger"));
  ERROR_HAS (g, "sh: the appliance stopped unexpectedly (qemu exited with "
             "status 0); the last lines of its console:\\n");
  ERROR_HAS (g, "Kernel panic - not syncing: sysrq triggered crash");
  /* Every later call says the same, until shutdown. */
  ck_assert_ptr_null (qdrive_blockstats (g));
  ERROR_HAS (g, "blockstats: the appliance stopped unexpectedly");
  OK (g, qdrive_shutdown (g));
  assert_nothing_left (g, tmp);
}
END_TEST

/* ---- the cache directory ----------------------------------------------- */

START_TEST (test_cache_unusable)
{
  qdrive_h *g = handle_with_drive (false);
  char *tmp = private_dir (g), *file = make_file (&dir, "file", 0, 0);
  char *below, *open_dir = path_in ("open"), *want;

  /* Under a file: it cannot be made. */
  ck_assert (asprintf (&below, "%s/cache", file) != -1);
  OK (g, qdrive_set_cachedir (g, below));
  ck_assert_int_eq (qdrive_launch (g), -1);
  ck_assert (asprintf (&want, "launch: cannot create the appliance cache "
                       "directory %s (choose another with set_cachedir or "
                       "$QDRIVE_CACHEDIR): Not a directory", below) != -1);
  ck_assert_str_eq (qdrive_last_error (g), want);
  free (want);
  /* A file, not a directory. */
  OK (g, qdrive_set_cachedir (g, file));
  ck_assert_int_eq (qdrive_launch (g), -1);
  ck_assert (asprintf (&want, "launch: the appliance cache directory %s is "
                       "not a directory (choose another with set_cachedir "
                       "or $QDRIVE_CACHEDIR)", file) != -1);
  ck_assert_str_eq (qdrive_last_error (g), want);
  ck_assert_int_eq (qdrive_last_errno (g), ENOTDIR);
  free (want);
  /* Writable by others: an appliance from there could be anyone's. */
  ck_assert (mkdir (open_dir, 0777) == 0 && chmod (open_dir, 0777) == 0);
  OK (g, qdrive_set_cachedir (g, open_dir));
  ck_assert_int_eq (qdrive_launch (g), -1);
  ERROR_HAS (g, "is writable by others; it must be owned by you");
  ck_assert_int_eq (qdrive_last_errno (g), EPERM);
  assert_nothing_left (g, tmp);
  free (below);
  free (file);
  free (open_dir);
}
END_TEST

/* ---- the owner killed -------------------------------------------------- */

START_TEST (test_owner_killed)
{
  int p[2];
  pid_t child, qemu = 0;
  char tmp[4096];
  ssize_t n;
  time_t t0;

  ck_assert (prctl (PR_SET_CHILD_SUBREAPER, 1) == 0);
  ck_assert (pipe (p) == 0);
  child = fork ();
  ck_assert (child >= 0);
  if (child == 0) {
    /* The shared cache: this test is about qemu, not building. */
    qdrive_h *g = handle_with_drive (true);
    char *t = private_dir (g);

    close (p[0]);
    if (write (p[1], t, strlen (t)) == -1)
      _exit (1);
    close (p[1]);
    qdrive_launch (g);
    pause ();
    _exit (0);
  }
  close (p[1]);
  n = read (p[0], tmp, sizeof tmp - 1);
  ck_assert (n > 0);
  tmp[n] = '\0';
  close (p[0]);
  /* Kill the owner while the appliance boots: once qemu has run for a
   * moment (its watcher starts just after it). */
  t0 = time (NULL);
  while ((qemu = qemu_pid_of (tmp)) == 0) {
    ck_assert_msg (time (NULL) - t0 < 60, "qemu never started");
    usleep (10000);
  }
  usleep (500000);
  ck_assert (kill (child, SIGKILL) == 0);
  ck_assert (waitpid (child, NULL, 0) == child);
  t0 = time (NULL);
  while (waitpid (-1, NULL, WNOHANG) != -1 || errno != ECHILD) {
    if (time (NULL) - t0 >= 5) {
      kill (qemu, SIGKILL);
      ck_abort_msg ("qemu (pid %d) still runs 5 s after its owner was "
                    "killed", (int) qemu);
    }
    usleep (10000);
  }
  ck_assert (qemu_pid_of (tmp) == 0);
  {
    /* The handle was never closed: its directory is ours to remove. */
    char *cmd;
    ck_assert (asprintf (&cmd, "rm -rf '%s'", tmp) != -1);
    ck_assert (system (cmd) == 0);
    free (cmd);
  }
}
END_TEST

/* ---- the cache --------------------------------------------------------- */

/* launch with qemu as /bin/false: the appliance is made, then qemu
 * fails. */
static void
build_only (const char *kernel)
{
  qdrive_h *g = handle_with_drive (false);

  OK (g, qdrive_set_hv (g, "/bin/false"));
  OK (g, qdrive_set_kernel (g, kernel));
  ck_assert_int_eq (qdrive_launch (g), -1);
  ERROR_HAS (g, "launch: the appliance stopped before it was ready (qemu "
             "exited with status 1)");
  qdrive_close (g);
}

/* Reused while its files are unchanged; rebuilt (a new file renamed into
 * place) when one changes. */
START_TEST (test_cache_rebuilt)
{
  char *k = fake_kernel ("intact", "virtio_scsi", NULL), *dep;
  ino_t first;

  build_only (k);
  assert_one_appliance ();
  first = appliance_inode ();
  build_only (k);
  assert_one_appliance ();
  ck_assert_msg (appliance_inode () == first, "rebuilt for nothing");
  ck_assert (asprintf (&dep, "touch %s/root/lib/modules/*/modules.dep",
                       dir.path) != -1);
  ck_assert (system (dep) == 0);
  build_only (k);
  assert_one_appliance ();
  ck_assert_msg (appliance_inode () != first, "not rebuilt after a change");
  free (dep);
  free (k);
}
END_TEST

/* Two processes building at once: one builds, the other waits for it
 * and uses what it built; one appliance, readable, nothing else. */
START_TEST (test_cache_concurrent)
{
  char *k = fake_kernel ("intact", "virtio_scsi", NULL), *log[2], *cmd;
  pid_t pid[2];
  int status, i, builds = 0;

  for (i = 0; i < 2; ++i) {
    log[i] = NULL;
    ck_assert (asprintf (&log[i], "%s/build%d.log", dir.path, i) != -1);
    pid[i] = fork ();
    ck_assert (pid[i] >= 0);
    if (pid[i] == 0) {
      qdrive_h *g = handle_with_drive (false);
      if (freopen (log[i], "w", stderr) == NULL)
        _exit (2);
      qdrive_set_verbose (g, 1);
      qdrive_set_hv (g, "/bin/false");
      qdrive_set_kernel (g, k);
      status = qdrive_launch (g) == -1 &&
        strstr (qdrive_last_error (g), "(qemu exited with status 1)");
      fflush (stderr);
      _exit (status ? 0 : 1);
    }
  }
  for (i = 0; i < 2; ++i) {
    ck_assert (waitpid (pid[i], &status, 0) == pid[i]);
    ck_assert_msg (WIFEXITED (status) && WEXITSTATUS (status) == 0,
                   "builder %d failed (see %s)", i, log[i]);
    ck_assert (asprintf (&cmd, "grep -q 'qdrive: appliance: building' %s",
                         log[i]) != -1);
    builds += system (cmd) == 0;
    free (cmd);
    free (log[i]);
  }
  ck_assert_int_eq (builds, 1);
  assert_one_appliance ();
  ck_assert (asprintf (&cmd, "cat %s/cache/appliance-*.img | cpio -it "
                       "2>/dev/null | grep -qx init", dir.path) != -1);
  ck_assert_msg (system (cmd) == 0, "the appliance has no /init");
  free (cmd);
  free (k);
}
END_TEST

/* Each build keeps only the appliance it built: the others (another
 * kernel's or format's, a file that is no appliance) and temporaries
 * left behind go, except an appliance a launch is using (holds a
 * shared lock on), a KVM verdict and files that are not qdrive's. */
#define OLD_APPLIANCE "appliance-9.1-aaaaaaaaaaaaaaaa.img"
#define NOT_APPLIANCE "appliance-9.2-bbbbbbbbbbbbbbbb.img"
#define IN_USE "appliance-9.3-cccccccccccccccc.img"
#define LEFT_TEMPORARY "appliance-9.4-dddddddddddddddd.img.tmp-Xy12Zw"
#define VERDICT "kvm-fails-0.1"
#define NOT_QDRIVES "notes.txt"

/* Runs cmd in the test's directory. */
static void
run_in_dir (const char *cmd)
{
  char *full;

  ck_assert (asprintf (&full, "cd '%s' && %s", dir.path, cmd) != -1);
  ck_assert_msg (system (full) == 0, "%s failed", full);
  free (full);
}

START_TEST (test_cache_pruned)
{
  char *k = fake_kernel ("intact", "virtio_scsi", NULL), *current, *want;
  char *in_use = path_in ("cache/" IN_USE), *l, *cmd;
  int fd;

  build_only (k);
  current = cache_listing ();
  *strchr (current, '\n') = '\0';
  ck_assert (asprintf (&cmd, "cp cache/%s cache/" OLD_APPLIANCE " && "
                       "cp cache/%s cache/" IN_USE " && "
                       "echo junk > cache/" NOT_APPLIANCE " && "
                       "echo junk > cache/" LEFT_TEMPORARY " && "
                       "echo '# a verdict' > cache/" VERDICT " && "
                       "echo mine > cache/" NOT_QDRIVES, current, current)
             != -1);
  run_in_dir (cmd);
  fd = open (in_use, O_RDONLY | O_CLOEXEC);
  ck_assert (fd >= 0 && flock (fd, LOCK_SH) == 0);

  /* A change, so the next launch builds. */
  run_in_dir ("touch root/lib/modules/*/modules.dep");
  build_only (k);
  l = cache_listing ();
  ck_assert (asprintf (&want, "%s\n" IN_USE "\n" VERDICT "\n" NOT_QDRIVES "\n",
                       current) != -1);
  ck_assert_str_eq (l, want);
  free (want);
  free (l);

  /* No longer in use: the next build removes it. */
  close (fd);
  run_in_dir ("touch root/lib/modules/*/modules.dep");
  build_only (k);
  l = cache_listing ();
  ck_assert (asprintf (&want, "%s\n" VERDICT "\n" NOT_QDRIVES "\n", current)
             != -1);
  ck_assert_str_eq (l, want);
  free (want);
  free (l);
  free (cmd);
  free (in_use);
  free (current);
  free (k);
}
END_TEST

/* A launch holds its appliance with a shared lock while qemu starts
 * (here a script in qemu's place, which tries an exclusive lock as a
 * build would), and lets it go when the launch ends. */
START_TEST (test_cache_in_use)
{
  char *k = fake_kernel ("intact", "virtio_scsi", NULL);
  char *hv = path_in ("qemu.sh"), *seen = path_in ("seen"), *cmd, *appliance;
  char said[32] = "";
  qdrive_h *g = handle_with_drive (false);
  FILE *f;
  int fd;

  ck_assert (asprintf (&cmd, "printf '%%s\\n' '#!/bin/sh' "
                       "'while [ $# -gt 0 ]; do "
                       "[ \"$1\" = -initrd ] && initrd=$2; shift; done' "
                       "'if flock -n -x \"$initrd\" true; then echo unlocked; "
                       "else echo locked; fi > %s' 'exit 1' > %s && "
                       "chmod +x %s", seen, hv, hv) != -1);
  ck_assert (system (cmd) == 0);
  OK (g, qdrive_set_hv (g, hv));
  OK (g, qdrive_set_kernel (g, k));
  ck_assert_int_eq (qdrive_launch (g), -1);
  ERROR_HAS (g, "(qemu exited with status 1)");
  qdrive_close (g);
  f = fopen (seen, "r");
  ck_assert_msg (f != NULL, "the script in qemu's place did not run");
  ck_assert (fgets (said, sizeof said, f) != NULL);
  fclose (f);
  ck_assert_str_eq (said, "locked\n");

  appliance = first_in_cache ();
  fd = open (appliance, O_RDONLY | O_CLOEXEC);
  ck_assert (fd >= 0);
  ck_assert_msg (flock (fd, LOCK_EX | LOCK_NB) == 0, "still locked");
  close (fd);
  free (appliance);
  free (cmd);
  free (seen);
  free (hv);
  free (k);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("appliance-fail");
  TCase *tc = tcase_create ("failures");

  require_appliance_tools ("test-appliance-fail");
  tcase_add_checked_fixture (tc, dir_setup, dir_teardown);
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_no_kernel);
  tcase_add_test (tc, test_module_missing);
  tcase_add_test (tc, test_module_broken);
  tcase_add_test (tc, test_never_answers);
  tcase_add_test (tc, test_panic);
  tcase_add_test (tc, test_cache_unusable);
  tcase_add_test (tc, test_owner_killed);
  tcase_add_test (tc, test_cache_rebuilt);
  tcase_add_test (tc, test_cache_concurrent);
  tcase_add_test (tc, test_cache_pruned);
  tcase_add_test (tc, test_cache_in_use);
  suite_add_tcase (s, tc);
  return run_suite (s);
}
