/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: the life of handles beyond one call: what every generated
 * call does first and last (see calls.c for why it counts itself, and
 * why a process uses only the handles it created), and the handles
 * still open when the program exits.
 *
 * Every handle is on a list; when the program exits (or the library is
 * unloaded) without having closed some, they are shut down and their
 * private directories removed, as qdrive_close would.  Their memory is
 * not freed: a binding's finalizer may still close them later.  A
 * handle that another thread is using at that moment is left to its
 * watcher, which kills qemu and removes the directory once the process
 * is gone. */

#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <unistd.h>

#include "internal.h"

static pthread_mutex_t handles_lock = PTHREAD_MUTEX_INITIALIZER;
static qdrive_h *handles;       /* doubly linked through next, prev */

static void
lock_handles (void)
{
  pthread_mutex_lock (&handles_lock);
}

static void
unlock_handles (void)
{
  pthread_mutex_unlock (&handles_lock);
}

/* fork holds the list's lock, so that no other thread is changing the
 * list when the child gets its copy. */
static void __attribute__((constructor))
init_handles (void)
{
  pthread_atfork (lock_handles, unlock_handles, unlock_handles);
}

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

void
qdrive_int_register (qdrive_h *g)
{
  lock_handles ();
  g->next = handles;
  g->prev = NULL;
  if (handles != NULL)
    handles->prev = g;
  handles = g;
  unlock_handles ();
}

void
qdrive_int_unregister (qdrive_h *g)
{
  lock_handles ();
  if (g->prev != NULL)
    g->prev->next = g->next;
  else if (handles == g)
    handles = g->next;
  if (g->next != NULL)
    g->next->prev = g->prev;
  g->next = g->prev = NULL;
  unlock_handles ();
}

/* What qdrive_close does to the machine and the files, for the handles
 * the program left open. */
static void __attribute__((destructor))
close_handles_at_exit (void)
{
  qdrive_h *g;

  lock_handles ();
  for (g = handles; g != NULL; g = g->next) {
    if (!qdrive_int_owned (g) || qdrive_int_hold (g) == -1)
      continue;
    /* Ours the only call, and no lock held. */
    if (__atomic_load_n (&g->calls, __ATOMIC_SEQ_CST) == 1 &&
        pthread_mutex_trylock (&g->lock) == 0) {
      qdrive_int_mute_events (g);
      qdrive_int_shutdown_if_launched (g);
      qdrive_int_remove_tmpdir (g);
      pthread_mutex_unlock (&g->lock);
    }
    qdrive_int_release (g);
  }
  unlock_handles ();
}
