/* qdrive: the life of handles beyond one call: what every generated
 * call does first and last (see calls.c for why it counts itself). */

#include <config.h>

#include "internal.h"

int
qdrive_int_begin (qdrive_h *g, const char *call)
{
  if (qdrive_int_hold (g) == -1)
    return -1;
  qdrive_int_enter (g, call);
  return 0;
}

void
qdrive_int_end (qdrive_h *g)
{
  qdrive_int_release (g);
}
