/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: the version of the library, qdrive_version.  The numbers are
 * the macros of qdrive.h as this file was compiled with them, which
 * the generator made from configure.ac's version: one source. */

#include <config.h>

#include <stdlib.h>

#include "internal.h"

struct qdrive_version *
qdrive_impl_version (qdrive_h *g)
{
  struct qdrive_version *v = malloc (sizeof *v);

  if (v == NULL) {
    set_perror (g, "malloc");
    return NULL;
  }
  v->major = QDRIVE_VERSION_MAJOR;
  v->minor = QDRIVE_VERSION_MINOR;
  v->release = QDRIVE_VERSION_RELEASE;
  return v;
}
