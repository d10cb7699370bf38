/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive C tests: what the suites against the private libvirt daemon
 * of tests/private-libvirtd.sh share (libvirt-daemon.c,
 * libvirt-combinations.c): its URIs and directories, a directory of
 * each test's own that the daemon's qemu can use, images, and the
 * check that nothing is left on the daemon.
 *
 * Call read_daemon_env in main; setup and teardown are each test's
 * checked fixture. */

#ifndef QDRIVE_LIBVIRT_DAEMONLIB_H
#define QDRIVE_LIBVIRT_DAEMONLIB_H

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "qdrive.h"
#include "testlib.h"
#include "libvirt-domains.h"

/* ---- the daemon ------------------------------------------------------- */

static const char *unix_uri, *tcp_uri, *images, *pool_dir, *daemon_user;
static virConnectPtr conn;      /* the test's own connection */

static inline const char *
need_env (const char *name)
{
  const char *v = getenv (name);

  if (v == NULL || *v == '\0') {
    fprintf (stderr, "%s: $%s is not set: run me under "
             "tests/private-libvirtd.sh (make check does), which starts a "
             "private libvirt daemon (Debian: libvirt-daemon "
             "libvirt-daemon-driver-qemu)\n", program_invocation_short_name,
             name);
    exit (EXIT_FAILURE);
  }
  return v;
}

static inline void
ignore_error (void *opaque, virErrorPtr err)
{
}

/* A directory of this test's own in the daemon's image directory (each
 * test runs in a process of its own). */
static char testdir[4096];

static inline void
setup (void)
{
  virSetErrorFunc (NULL, ignore_error);
  conn = virConnectOpen (unix_uri);
  ck_assert_msg (conn != NULL, "%s: %s", unix_uri, virGetLastErrorMessage ());
  ck_assert_int_eq (count_domains (conn), 0);
  snprintf (testdir, sizeof testdir, "%s/t.XXXXXX", images);
  ck_assert_ptr_nonnull (mkdtemp (testdir));
  /* The daemon's qemu writes libvirt's overlays beside the files. */
  ck_assert_int_eq (chmod (testdir, 0777), 0);
}

static inline void
teardown (void)
{
  char cmd[4200];

  virConnectClose (conn);
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", testdir);
  if (system (cmd) != 0)
    fprintf (stderr, "cannot remove %s\n", testdir);
}

/* ---- files ------------------------------------------------------------ */

static inline char *
path_of (const char *name)
{
  char *p;

  ck_assert (asprintf (&p, "%s/%s", testdir, name) != -1);
  return p;
}

/* Every image is readable and writable by the daemon's user. */
static inline char *
share (char *path)
{
  ck_assert_msg (chmod (path, 0666) == 0, "chmod %s: %s", path,
                 strerror (errno));
  return path;
}

static inline char *
make_raw (const char *name)
{
  char *p = path_of (name);
  int fd = open (p, O_WRONLY | O_CREAT | O_TRUNC, 0666);

  ck_assert_msg (fd >= 0, "%s: %s", p, strerror (errno));
  ck_assert_int_eq (ftruncate (fd, 1 << 20), 0);
  close (fd);
  return share (p);
}

/* A qcow2 image, on backing (a qcow2) if not NULL. */
static inline char *
make_qcow2 (const char *name, const char *backing)
{
  char *p = path_of (name), *cmd;

  if (backing)
    ck_assert (asprintf (&cmd, "qemu-img create -q -f qcow2 -F qcow2 "
                         "-b '%s' '%s'", backing, p) != -1);
  else
    ck_assert (asprintf (&cmd, "qemu-img create -q -f qcow2 '%s' 1M",
                         p) != -1);
  ck_assert_msg (system (cmd) == 0, "%s failed", cmd);
  free (cmd);
  return share (p);
}

/* How many files match pattern (a glob). */
static inline size_t
count_files (const char *dir, const char *pattern)
{
  char *pat;
  glob_t gl;
  size_t n;

  ck_assert (asprintf (&pat, "%s/%s", dir, pattern) != -1);
  n = glob (pat, 0, NULL, &gl) == 0 ? gl.gl_pathc : 0;
  if (n > 0)
    globfree (&gl);
  free (pat);
  return n;
}

/* Nothing of a handle is left on the daemon: no domain, no scratch
 * volume, no overlay of libvirt's beside the images. */
static inline void
assert_daemon_clean (void)
{
  virStoragePoolPtr pool;

  ck_assert_int_eq (count_domains (conn), 0);
  pool = virStoragePoolLookupByName (conn, "default");
  ck_assert_msg (pool != NULL, "pool default: %s", virGetLastErrorMessage ());
  ck_assert_int_eq (virStoragePoolRefresh (pool, 0), 0);
  ck_assert_int_eq (virStoragePoolNumOfVolumes (pool), 0);
  virStoragePoolFree (pool);
  ck_assert_uint_eq (count_files (pool_dir, "*"), 0);
  ck_assert_uint_eq (count_files (testdir, "*TRANSIENT*"), 0);
}

/* ---- handles and drives ----------------------------------------------- */

static inline qdrive_h *
handle (const char *backend)
{
  qdrive_h *g = quiet_handle ();

  ck_assert_int_eq (qdrive_set_backend (g, backend), 0);
  return g;
}

static inline char *
backend_of (const char *uri)
{
  char *b;

  ck_assert (asprintf (&b, "libvirt:%s", uri) != -1);
  return b;
}

static inline void
launch (qdrive_h *g)
{
  ck_assert_msg (qdrive_launch (g) == 0, "launch: %s", qdrive_last_error (g));
}

static inline void
read_daemon_env (void)
{
  unix_uri = need_env ("QDRIVE_TEST_LIBVIRTD_UNIX");
  tcp_uri = need_env ("QDRIVE_TEST_LIBVIRTD_TCP");
  images = need_env ("QDRIVE_TEST_LIBVIRTD_IMAGES");
  pool_dir = need_env ("QDRIVE_TEST_LIBVIRTD_POOL");
  daemon_user = need_env ("QDRIVE_TEST_LIBVIRTD_USER");
}

#endif /* QDRIVE_LIBVIRT_DAEMONLIB_H */
