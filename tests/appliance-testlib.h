/* qdrive C tests: helpers of the tests that boot the appliance. */

#ifndef QDRIVE_APPLIANCE_TESTLIB_H
#define QDRIVE_APPLIANCE_TESTLIB_H

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qdrive.h"
#include "testlib.h"

#define OK(g, expr) \
  ck_assert_msg ((expr) != -1, "%s: %s", #expr, qdrive_last_error (g))

/* The error of the last call contains want. */
#define ERROR_HAS(g, want) do {                                         \
    const char *e_ = qdrive_last_error (g);                             \
    ck_assert_msg (e_ != NULL && strstr (e_, (want)) != NULL,           \
                   "error \"%s\" does not contain \"%s\"",              \
                   e_ ? e_ : "(none)", (want));                         \
  } while (0)

/* A handle for the appliance, under TCG: KVM is present on the
 * project's machines but cannot boot a guest, and TCG works
 * everywhere.  Errors only through qdrive_last_error. */
static inline qdrive_h *
appliance_handle (void)
{
  qdrive_h *g = quiet_handle ();

  OK (g, qdrive_set_guest (g, "appliance"));
  OK (g, qdrive_set_accel (g, "tcg"));
  OK (g, qdrive_set_launch_timeout (g, 120));
  return g;
}

/* name in d, mib MiB, every byte fill (a sparse file for 0). */
static inline char *
make_file (struct test_dir *d, const char *name, size_t mib, int fill)
{
  char *p, buf[65536];
  FILE *f;
  size_t n;

  ck_assert (asprintf (&p, "%s/%s", d->path, name) != -1);
  f = fopen (p, "w");
  ck_assert_msg (f != NULL, "%s: %s", p, strerror (errno));
  if (fill == 0)
    ck_assert (ftruncate (fileno (f), (off_t) mib << 20) == 0);
  else {
    memset (buf, fill, sizeof buf);
    for (n = 0; n < mib << 20; n += sizeof buf)
      ck_assert (fwrite (buf, 1, sizeof buf, f) == sizeof buf);
  }
  ck_assert (fclose (f) == 0);
  return p;
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

/* The pid of the qemu whose QMP socket is in tmpdir, or 0. */
static inline pid_t
find_appliance_qemu (const char *tmpdir)
{
  DIR *d = opendir ("/proc");
  struct dirent *e;
  char path[300], buf[16384], *want;
  pid_t found = 0;
  ssize_t n, i;
  int fd;

  ck_assert (d != NULL);
  ck_assert (asprintf (&want, "path=%s/qmp.sock", tmpdir) != -1);
  while ((e = readdir (d)) != NULL && found == 0) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9')
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
    if (strstr (buf, want) != NULL)
      found = atoi (e->d_name);
  }
  closedir (d);
  free (want);
  return found;
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

/* Nothing left behind by a handle that failed to launch or was shut
 * down: no child process (qemu or watcher), no socket; after close
 * (done here), no private directory. */
static inline void
assert_nothing_left (qdrive_h *g, char *tmpdir)
{
  errno = 0;
  ck_assert_msg (waitpid (-1, NULL, WNOHANG) == -1 && errno == ECHILD,
                 "a child process (qemu or its watcher) was left behind");
  ck_assert_msg (find_appliance_qemu (tmpdir) == 0, "a qemu is still running");
  ck_assert_msg (!exists_in (tmpdir, "qmp.sock"), "the QMP socket was left");
  ck_assert_msg (!exists_in (tmpdir, "qga.sock"),
                 "the guest agent's socket was left");
  qdrive_close (g);
  ck_assert_msg (!exists_in (tmpdir, NULL), "%s was left", tmpdir);
  free (tmpdir);
}

/* Exits, failing, if something the appliance needs is missing, naming
 * the Debian packages to install. */
static inline void
require_appliance_tools (const char *prog)
{
  if (system ("command -v qemu-system-x86_64 >/dev/null && "
              "PATH=$PATH:/usr/sbin:/sbin command -v qemu-ga >/dev/null && "
              "PATH=$PATH:/usr/sbin:/sbin command -v mke2fs >/dev/null && "
              "test -x /bin/busybox && ls /boot/vmlinuz-* >/dev/null 2>&1")
      != 0) {
    fprintf (stderr, "%s: the appliance needs qemu, a kernel, busybox, the "
             "guest agent and e2fsprogs: apt-get install qemu-system-x86 "
             "linux-image-cloud-amd64 busybox-static qemu-guest-agent "
             "e2fsprogs (or run ./quickstart)\n", prog);
    exit (EXIT_FAILURE);
  }
}

#endif /* QDRIVE_APPLIANCE_TESTLIB_H */
