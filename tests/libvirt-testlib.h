/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive C tests: helpers shared by the libvirt backend's suites
 * (libvirt-xml.c, libvirt-launch.c), on top of testlib.h.
 *
 * Define TMPDIR_TEMPLATE (a mkdtemp template) before including this.
 * The directory is one for the whole run, made and removed by the
 * parent process (make_tmpdir and remove_tmpdir are an unchecked
 * fixture; Check runs each test in a child), so that a failing test
 * leaves nothing behind. */

#ifndef QDRIVE_LIBVIRT_TESTLIB_H
#define QDRIVE_LIBVIRT_TESTLIB_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "testlib.h"

#ifndef TMPDIR_TEMPLATE
#error "define TMPDIR_TEMPLATE before including libvirt-testlib.h"
#endif

static char tmpdir[sizeof TMPDIR_TEMPLATE];

static inline void
make_tmpdir (void)
{
  strcpy (tmpdir, TMPDIR_TEMPLATE);
  if (mkdtemp (tmpdir) == NULL) {
    perror ("mkdtemp");
    exit (EXIT_FAILURE);
  }
}

static inline void
remove_tmpdir (void)
{
  char cmd[256];

  snprintf (cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system (cmd) != 0)
    fprintf (stderr, "cannot remove %s\n", tmpdir);
}

/* A file in tmpdir, created empty; its path in buf, returned. */
static inline char *
tmpdir_file (char *buf, size_t len, const char *name)
{
  int fd;

  snprintf (buf, len, "%s/%s", tmpdir, name);
  fd = open (buf, O_WRONLY | O_CREAT, 0644);
  ck_assert_msg (fd >= 0, "%s: %s", buf, strerror (errno));
  close (fd);
  return buf;
}

#endif /* QDRIVE_LIBVIRT_TESTLIB_H */
