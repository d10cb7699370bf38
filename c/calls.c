/* qdrive: the calls in progress on a handle.
 *
 * Every call counts itself on the handle for its whole duration (from
 * qdrive_int_begin to qdrive_int_end in the generated wrappers, and in
 * the error functions).  qdrive_close marks the handle closing and
 * waits until no call is counted, so closing a handle while another
 * thread is inside a call waits for that call to return instead of
 * freeing the memory under it.  A call that starts once close has
 * begun fails at once, as long as the handle is not freed yet; one
 * that starts after close has returned uses freed memory, as with any
 * freed pointer.
 *
 * This file needs no other of the library's, so that every file may
 * use it. */

#include <config.h>

#include <time.h>

#include "internal.h"

int
qdrive_int_hold (qdrive_h *g)
{
  __atomic_add_fetch (&g->calls, 1, __ATOMIC_SEQ_CST);
  if (__atomic_load_n (&g->closing, __ATOMIC_SEQ_CST)) {
    __atomic_sub_fetch (&g->calls, 1, __ATOMIC_SEQ_CST);
    return -1;
  }
  return 0;
}

void
qdrive_int_release (qdrive_h *g)
{
  __atomic_sub_fetch (&g->calls, 1, __ATOMIC_SEQ_CST);
}

void
qdrive_int_retire (qdrive_h *g)
{
  const struct timespec nap = { 0, 1000000 };

  /* Calls that started before this see closing too late to stop:
   * wait for them (they hold the handle's lock for most of it). */
  __atomic_store_n (&g->closing, 1, __ATOMIC_SEQ_CST);
  while (__atomic_load_n (&g->calls, __ATOMIC_SEQ_CST) > 0)
    nanosleep (&nap, NULL);
}
