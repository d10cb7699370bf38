/* qdrive: the life of handles beyond one call: what every generated
 * call does first and last (see calls.c for why it counts itself, and
 * why a process uses only the handles it created). */

#include <config.h>

#include <errno.h>
#include <unistd.h>

#include "internal.h"

int
qdrive_int_begin (qdrive_h *g, const char *call)
{
  if (qdrive_int_hold (g) == -1)
    return -1;
  qdrive_int_enter (g, call);
  if (!qdrive_int_owned (g)) {
    qdrive_int_error (g, EPERM, "the handle belongs to process %d, and this "
                      "is process %d (a child made by fork?): a process "
                      "uses only the handles it created",
                      (int) g->owner, (int) getpid ());
    qdrive_int_release (g);
    return -1;
  }
  return 0;
}

void
qdrive_int_end (qdrive_h *g)
{
  qdrive_int_release (g);
}
