/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: errors.
 *
 * The last error is kept per handle and per thread: each thread that
 * has had a call fail on a handle owns one record in that handle's
 * list, so threads sharing a handle never see each other's errors.
 * Records are freed when the handle is closed.
 *
 * Every message starts with the name of the call that failed, which the
 * generated wrapper records on entry (qdrive_int_enter).
 */

#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct error_record {
  struct error_record *next;
  pthread_t thread;
  char *msg;
  size_t alloc;                 /* bytes allocated at msg */
  int errnum;
};

struct error_handler {
  struct error_handler *next;   /* the one below on the stack */
  qdrive_error_handler_cb cb;
  void *opaque;
};

/* The call being made by this thread. */
static __thread const char *current_call;

/* Whether this thread's errors skip the handler (qdrive_int_mute_errors). */
static __thread bool muted;

void
qdrive_int_enter (qdrive_h *g, const char *call)
{
  (void) g;
  current_call = call;
}

const char *
qdrive_int_current_call (void)
{
  return current_call;
}

void
qdrive_int_mute_errors (bool mute)
{
  muted = mute;
}

static struct error_record *
find_record (qdrive_h *g, int create)
{
  struct error_record *r;
  pthread_t self = pthread_self ();

  for (r = g->errors; r != NULL; r = r->next)
    if (pthread_equal (r->thread, self))
      return r;
  if (!create)
    return NULL;
  r = calloc (1, sizeof *r);
  if (r == NULL)
    return NULL;
  r->thread = self;
  r->next = g->errors;
  g->errors = r;
  return r;
}

/* Records msg as this thread's last error on g and calls the current
 * handler.  The record's buffer is reused, so a program that keeps
 * failing calls in a loop does not allocate for each one. */
static void
record_error (qdrive_h *g, int errnum, const char *msg, size_t len)
{
  struct error_record *r;
  qdrive_error_handler_cb cb = NULL;
  void *opaque = NULL;
  const char *stored = "out of memory while reporting an error";

  pthread_mutex_lock (&g->error_lock);
  r = find_record (g, 1);
  if (r != NULL && r->alloc <= len) {
    char *p = realloc (r->msg, len + 1);
    if (p != NULL) {
      r->msg = p;
      r->alloc = len + 1;
    }
  }
  if (r != NULL && r->alloc > len) {
    memcpy (r->msg, msg, len + 1);
    r->errnum = errnum;
    stored = r->msg;
  }
  if (g->handlers != NULL && !muted) {
    cb = g->handlers->cb;
    opaque = g->handlers->opaque;
  }
  pthread_mutex_unlock (&g->error_lock);

  if (cb != NULL)
    cb (g, opaque, stored);
}

int
qdrive_int_last_error (qdrive_h *g, const char **msg)
{
  struct error_record *r;
  int errnum;

  pthread_mutex_lock (&g->error_lock);
  r = find_record (g, 0);
  errnum = r ? r->errnum : 0;
  if (msg != NULL)
    *msg = r != NULL && r->msg != NULL ? r->msg : "";
  pthread_mutex_unlock (&g->error_lock);
  return errnum;
}

/* Formats "CALL: MESSAGE[: SUFFIX]" into a stack buffer, or the heap
 * for a message too long for it.  The arguments' control characters
 * are escaped (error-text.c): a caller's string cannot add a line. */
static void
verror (qdrive_h *g, int errnum, const char *suffix,
        const char *fs, va_list args)
{
  char buf[1024];
  struct qdrive_int_text t = { .p = buf, .size = sizeof buf };

  buf[0] = '\0';
  if (current_call != NULL) {
    qdrive_int_text_add (&t, current_call, strlen (current_call));
    qdrive_int_text_add (&t, ": ", 2);
  }
  qdrive_int_text_vformat (&t, fs, args);
  if (suffix != NULL) {
    qdrive_int_text_add (&t, ": ", 2);
    qdrive_int_text_add (&t, suffix, strlen (suffix));
  }
  record_error (g, errnum, t.p, t.len);
  if (t.heap)
    free (t.p);
}

void
qdrive_int_error (qdrive_h *g, int errnum, const char *fs, ...)
{
  va_list args;

  va_start (args, fs);
  verror (g, errnum, NULL, fs, args);
  va_end (args);
}

void
qdrive_int_perror (qdrive_h *g, const char *fs, ...)
{
  int errnum = errno;
  char buf[256];
  va_list args;

  va_start (args, fs);
  verror (g, errnum, strerror_r (errnum, buf, sizeof buf), fs, args);
  va_end (args);
}

/* qdrive_create's error: there is no handle to keep it on, so it is
 * kept per thread, for qdrive_last_error (NULL).  A fixed buffer, so
 * that a thread that ends leaves nothing allocated. */
static __thread char create_error[1024];
static __thread int create_errno;

void
qdrive_int_create_error (int errnum, const char *fs, ...)
{
  struct qdrive_int_text t = { .p = create_error, .size = sizeof create_error };
  va_list args;

  create_error[0] = '\0';
  qdrive_int_text_add (&t, "create: ", 8);
  va_start (args, fs);
  qdrive_int_text_vformat (&t, fs, args);
  va_end (args);
  if (t.heap) {
    snprintf (create_error, sizeof create_error, "%s", t.p);
    free (t.p);
  }
  create_errno = errnum;
}

void
qdrive_int_create_ok (void)
{
  create_error[0] = '\0';
  create_errno = 0;
}

const char *
qdrive_last_error (qdrive_h *g)
{
  struct error_record *r;
  const char *msg;

  if (g == NULL)
    return create_error[0] != '\0' ? create_error : NULL;
  if (qdrive_int_hold (g) == -1)
    return NULL;
  pthread_mutex_lock (&g->error_lock);
  r = find_record (g, 0);
  msg = r ? r->msg : NULL;
  pthread_mutex_unlock (&g->error_lock);
  qdrive_int_release (g);
  return msg;
}

int
qdrive_last_errno (qdrive_h *g)
{
  struct error_record *r;
  int errnum;

  if (g == NULL)
    return create_errno;
  if (qdrive_int_hold (g) == -1)
    return 0;
  pthread_mutex_lock (&g->error_lock);
  r = find_record (g, 0);
  errnum = r ? r->errnum : 0;
  pthread_mutex_unlock (&g->error_lock);
  qdrive_int_release (g);
  return errnum;
}

/* Error handlers: a stack whose top is the current handler.  The
 * bottom entry is set by qdrive_set_error_handler. */

static void
default_error_handler (qdrive_h *g, void *opaque, const char *msg)
{
  (void) g;
  (void) opaque;
  fprintf (stderr, "qdrive: error: %s\n", msg);
}

void
qdrive_push_error_handler (qdrive_h *g, qdrive_error_handler_cb cb,
                           void *opaque)
{
  struct error_handler *h = malloc (sizeof *h);

  /* Nothing to report an allocation failure to: the handler stays. */
  if (h == NULL)
    return;
  if (qdrive_int_hold (g) == -1) {
    free (h);
    return;
  }
  h->cb = cb;
  h->opaque = opaque;
  pthread_mutex_lock (&g->error_lock);
  h->next = g->handlers;
  g->handlers = h;
  pthread_mutex_unlock (&g->error_lock);
  qdrive_int_release (g);
}

void
qdrive_pop_error_handler (qdrive_h *g)
{
  struct error_handler *h;

  if (qdrive_int_hold (g) == -1)
    return;
  pthread_mutex_lock (&g->error_lock);
  h = g->handlers;
  /* The bottom handler is never popped. */
  if (h != NULL && h->next != NULL)
    g->handlers = h->next;
  else
    h = NULL;
  pthread_mutex_unlock (&g->error_lock);
  qdrive_int_release (g);
  free (h);
}

void
qdrive_set_error_handler (qdrive_h *g, qdrive_error_handler_cb cb,
                          void *opaque)
{
  if (qdrive_int_hold (g) == -1)
    return;
  pthread_mutex_lock (&g->error_lock);
  g->handlers->cb = cb;
  g->handlers->opaque = opaque;
  pthread_mutex_unlock (&g->error_lock);
  qdrive_int_release (g);
}

qdrive_error_handler_cb
qdrive_get_error_handler (qdrive_h *g, void **opaque_rtn)
{
  qdrive_error_handler_cb cb;

  if (qdrive_int_hold (g) == -1) {
    if (opaque_rtn)
      *opaque_rtn = NULL;
    return NULL;
  }
  pthread_mutex_lock (&g->error_lock);
  cb = g->handlers->cb;
  if (opaque_rtn)
    *opaque_rtn = g->handlers->opaque;
  pthread_mutex_unlock (&g->error_lock);
  qdrive_int_release (g);
  return cb;
}

/* Called by qdrive_create: the bottom of the stack. */
int
qdrive_int_init_errors (qdrive_h *g)
{
  g->handlers = calloc (1, sizeof *g->handlers);
  if (g->handlers == NULL)
    return -1;
  g->handlers->cb = default_error_handler;
  return 0;
}

void
qdrive_int_free_errors (qdrive_h *g)
{
  struct error_record *r, *rn;
  struct error_handler *h, *hn;

  for (r = g->errors; r != NULL; r = rn) {
    rn = r->next;
    free (r->msg);
    free (r);
  }
  g->errors = NULL;
  for (h = g->handlers; h != NULL; h = hn) {
    hn = h->next;
    free (h);
  }
  g->handlers = NULL;
}
