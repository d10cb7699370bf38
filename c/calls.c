/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: the calls in progress on a handle, and the process it
 * belongs to.
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
 * The owning process.  A handle belongs to the process that created
 * it: its qemu, its watcher and its private directory are that
 * process's.  A child made by fork has a copy of the handle; every call
 * on the copy fails, and closing it frees the child's memory without
 * touching the parent's machine or files.  The process id is kept in a
 * variable that a pthread_atfork handler updates in the child, so the
 * check costs no system call.
 *
 * This file needs no other of the library's, so that every file may
 * use it. */

#include <config.h>

#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

static pid_t this_process;

/* In the child after fork: a new process id. */
static void
child_after_fork (void)
{
  this_process = getpid ();
}

static void __attribute__((constructor))
init_process (void)
{
  this_process = getpid ();
  pthread_atfork (NULL, NULL, child_after_fork);
}

void
qdrive_int_own (qdrive_h *g)
{
  g->owner = this_process;
}

bool
qdrive_int_owned (qdrive_h *g)
{
  return g->owner == this_process;
}

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
