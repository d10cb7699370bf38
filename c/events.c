/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: events: the callbacks registered with set_event_callback,
 * and what the rest of the library tells them.
 *
 * Every event is delivered while the call it comes from holds the
 * handle (its lock; or qdrive_close, which no other call may overlap),
 * so callbacks see events one at a time and in order, and the list of
 * callbacks cannot change under a delivery.  A callback making a call
 * on the same handle would wait for that lock for ever: the calls this
 * thread is delivering events for are kept on a list of the thread's
 * (on the stack), and qdrive_int_lock refuses such a call instead
 * (EDEADLK).
 *
 * An event class without a callback goes where it always went: trace
 * lines and (when verbose) the library's messages to stderr, qemu's
 * lines to stderr when verbose; progress nowhere. */

#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

struct event_handler {
  qdrive_event_callback cb;     /* NULL: a free slot */
  void *opaque;
  void (*free_opaque) (void *opaque);
  uint64_t events;
};

/* The handles whose events this thread is delivering, innermost
 * first (a callback may use another handle, which has events too). */
struct delivery {
  qdrive_h *g;
  struct delivery *outer;
};
static __thread struct delivery *delivering;

bool
qdrive_int_in_callback (qdrive_h *g)
{
  struct delivery *d;

  for (d = delivering; d != NULL; d = d->outer)
    if (d->g == g)
      return true;
  return false;
}

int
qdrive_in_event_callback (qdrive_h *g)
{
  return qdrive_int_in_callback (g);
}

static void
update_mask (qdrive_h *g)
{
  size_t i;

  g->event_mask = 0;
  for (i = 0; i < g->nevents; ++i)
    if (g->events[i].cb != NULL)
      g->event_mask |= g->events[i].events;
}

int
qdrive_impl_set_event_callback (qdrive_h *g, qdrive_event_callback cb,
                                void *opaque,
                                void (*free_opaque) (void *opaque),
                                uint64_t events)
{
  size_t i;

  /* The lowest free slot, as file descriptors are given. */
  for (i = 0; i < g->nevents && g->events[i].cb != NULL; ++i)
    ;
  if (i == g->nevents) {
    struct event_handler *p;

    if (g->nevents >= INT_MAX) {
      qdrive_int_error (g, ENOSPC, "at most %d callbacks may be registered",
                        INT_MAX);
      return -1;
    }
    p = realloc (g->events, (g->nevents + 1) * sizeof *p);
    if (p == NULL) {
      set_perror (g, "realloc");
      return -1;
    }
    g->events = p;
    g->nevents++;
  }
  g->events[i].cb = cb;
  g->events[i].opaque = opaque;
  g->events[i].free_opaque = free_opaque;
  g->events[i].events = events;
  update_mask (g);
  return (int) i;
}

int
qdrive_impl_delete_event_callback (qdrive_h *g, int event_handle)
{
  struct event_handler h;

  if (event_handle < 0 || (size_t) event_handle >= g->nevents ||
      g->events[event_handle].cb == NULL) {
    set_error (g, "event_handle: %d is not valid; allowed: a number "
               "set_event_callback returned, for a callback not deleted "
               "yet", event_handle);
    return -1;
  }
  h = g->events[event_handle];
  g->events[event_handle].cb = NULL;
  update_mask (g);
  if (h.free_opaque != NULL)
    h.free_opaque (h.opaque);
  return 0;
}

void
qdrive_int_free_events (qdrive_h *g)
{
  size_t i;

  for (i = 0; i < g->nevents; ++i) {
    struct event_handler *h = &g->events[i];
    if (h->cb != NULL) {
      h->cb = NULL;
      if (h->free_opaque != NULL)
        h->free_opaque (h->opaque);
    }
  }
  free (g->events);
  g->events = NULL;
  g->nevents = 0;
  g->event_mask = 0;
}

void
qdrive_int_mute_events (qdrive_h *g)
{
  g->event_mask = 0;
}

bool
qdrive_int_has_callback (qdrive_h *g, uint64_t event)
{
  return (g->event_mask & event) != 0;
}

void
qdrive_int_event (qdrive_h *g, uint64_t event, const char *message,
                  const int64_t *array, size_t array_len)
{
  struct delivery d = { .g = g, .outer = delivering };
  const char *call = qdrive_int_current_call ();
  size_t i;

  if (!qdrive_int_has_callback (g, event))
    return;
  delivering = &d;
  for (i = 0; i < g->nevents; ++i) {
    const struct event_handler *h = &g->events[i];
    if (h->cb != NULL && (h->events & event))
      h->cb (g, h->opaque, event, (int) i, message, array, array_len);
  }
  delivering = d.outer;
  /* A callback's own calls (on other handles) changed it: errors set
   * from here on are the call's again. */
  qdrive_int_enter (g, call);
}

void
qdrive_int_verbose (qdrive_h *g, const char *fs, ...)
{
  va_list args;
  char *msg;

  if (!g->verbose)
    return;
  va_start (args, fs);          /* (errno is untouched: %m works) */
  if (vasprintf (&msg, fs, args) == -1)
    msg = NULL;
  va_end (args);
  if (msg == NULL)              /* best effort, as the trace */
    return;
  qdrive_int_event_or_stderr (g, QDRIVE_EVENT_LIBRARY, msg, "qdrive: ");
  free (msg);
}

void
qdrive_int_event_or_stderr (qdrive_h *g, uint64_t event, const char *message,
                            const char *prefix)
{
  if (qdrive_int_has_callback (g, event))
    qdrive_int_event (g, event, message, NULL, 0);
  else
    fprintf (stderr, "%s%s\n", prefix, message);
}

void
qdrive_int_qemu_line (qdrive_h *g, const char *line)
{
  if (g->verbose || qdrive_int_has_callback (g, QDRIVE_EVENT_QEMU))
    qdrive_int_event_or_stderr (g, QDRIVE_EVENT_QEMU, line, "");
}

void
qdrive_int_progress (qdrive_h *g, int step, int steps, const char *what)
{
  int64_t array[2] = { step, steps };

  qdrive_int_event (g, QDRIVE_EVENT_PROGRESS, what, array, 2);
}
