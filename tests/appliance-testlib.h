/* SPDX-License-Identifier: GPL-2.0-or-later */
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

/* A handle for the appliance, with the default accelerator
 * ($QDRIVE_ACCEL, else kvm:tcg: KVM where it boots the appliance, TCG
 * otherwise).  Errors only through qdrive_last_error. */
static inline qdrive_h *
appliance_handle (void)
{
  qdrive_h *g = quiet_handle ();

  OK (g, qdrive_set_guest (g, "appliance"));
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

/* The launched handle's blockstats of drive i, hd<i>, of n drives.
 * drive_id is NULL in what is returned (freed with the list). */
static inline struct qdrive_blockstats
blockstats_of (qdrive_h *g, size_t n, size_t i)
{
  struct qdrive_blockstats_list *l = qdrive_blockstats (g);
  struct qdrive_blockstats r;
  char id[32];

  ck_assert_msg (l != NULL, "blockstats: %s", qdrive_last_error (g));
  ck_assert_uint_eq (l->len, n);
  snprintf (id, sizeof id, "hd%zu", i);
  ck_assert_str_eq (l->val[i].drive_id, id);
  r = l->val[i];
  r.drive_id = NULL;
  qdrive_free_blockstats_list (l);
  return r;
}

/* The names in directory path but "." and "..", dot files included,
 * sorted, one a line (malloc'd); NULL if path does not exist. */
static inline char *
dir_listing (const char *path)
{
  struct dirent **names;
  char *s = NULL;
  size_t len = 0;
  FILE *f;
  int n, i;

  n = scandir (path, &names, NULL, alphasort);
  if (n == -1 && errno == ENOENT)
    return NULL;
  ck_assert_msg (n >= 0, "%s: %s", path, strerror (errno));
  f = open_memstream (&s, &len);
  ck_assert_ptr_nonnull (f);
  for (i = 0; i < n; ++i) {
    if (strcmp (names[i]->d_name, ".") != 0 &&
        strcmp (names[i]->d_name, "..") != 0)
      fprintf (f, "%s\n", names[i]->d_name);
    free (names[i]);
  }
  free (names);
  ck_assert (fclose (f) == 0);
  return s;
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
