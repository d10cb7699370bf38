/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: the handle's private temporary directory: created on first
 * use (for the QMP socket and scratch disks), removed with everything
 * in it when the handle is closed. */

#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* The handle's private temporary directory, created on first use
 * under $TMPDIR (or /tmp).  NULL, with the error set, on failure.
 *
 * Its path is absolute, whatever $TMPDIR is: the scratch disks and
 * the QMP socket are named from it, and qemu reads a relative
 * "nbd:..." or "ssh:..." file name as a network address; a chdir
 * between calls must not change which directory is meant either. */
const char *
qdrive_int_tmpdir (qdrive_h *g)
{
  const char *base;
  char *path, *cwd = NULL;
  int r;

  if (g->tmpdir != NULL)
    return g->tmpdir;
  base = getenv ("TMPDIR");
  if (base == NULL || *base == '\0')
    base = "/tmp";
  if (base[0] != '/' && (cwd = getcwd (NULL, 0)) == NULL) {
    set_perror (g, "TMPDIR: \"%s\" is relative and the current directory "
                "is unknown", base);
    return NULL;
  }
  r = asprintf (&path, "%s%s%s/qdrive.XXXXXX", cwd ? cwd : "",
                cwd ? "/" : "", base);
  free (cwd);
  if (r == -1) {
    set_perror (g, "asprintf");
    return NULL;
  }
  if (mkdtemp (path) == NULL) {
    set_perror (g, "cannot create a temporary directory in %s", base);
    free (path);
    return NULL;
  }
  g->tmpdir = path;
  return path;
}

/* Removes the temporary directory and what qdrive put in it (scratch
 * disks, sockets).  It holds no subdirectories. */
void
qdrive_int_remove_tmpdir (qdrive_h *g)
{
  DIR *dir;
  struct dirent *d;

  if (g->tmpdir == NULL)
    return;
  if (!qdrive_int_owned (g))
    goto forget;                /* the parent's, in a child made by fork */
  dir = opendir (g->tmpdir);
  if (dir != NULL) {
    while ((d = readdir (dir)) != NULL) {
      if (strcmp (d->d_name, ".") == 0 || strcmp (d->d_name, "..") == 0)
        continue;
      if (unlinkat (dirfd (dir), d->d_name, 0) == -1)
        qdrive_int_verbose (g, "%s/%s: %m", g->tmpdir, d->d_name);
    }
    closedir (dir);
  }
  if (rmdir (g->tmpdir) == -1)
    qdrive_int_verbose (g, "%s: %m", g->tmpdir);
 forget:
  free (g->tmpdir);
  g->tmpdir = NULL;
}
