/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive OCaml binding: the fixed frame.
 *
 * The handle is a custom block holding the C handle and a count of the
 * threads that are in a call with the runtime released.  close frees
 * the C handle at once and leaves NULL behind, so closing twice does
 * nothing and a call on a closed handle raises Qdrive.Error; the
 * block's finalizer closes a handle that was never closed.
 *
 * Everything per call is generated into qdrive-c-actions.c.  Nothing
 * here needs the build's config.h: the binding also builds on its own
 * (package.mk). */

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <caml/alloc.h>
#include <caml/callback.h>
#include <caml/custom.h>
#include <caml/fail.h>
#include <caml/memory.h>
#include <caml/mlvalues.h>
#include <caml/signals.h>
#include <caml/threads.h>
#include <caml/printexc.h>
#include <caml/unixsupport.h>

#include "qdrive.h"
#include "qdrive-c.h"

#pragma GCC diagnostic ignored "-Wmissing-prototypes"

#define Handle_val(v) Ocaml_qdrive_handle_val (v)

/* Counters for the tests (Qdrive.debug_*): handles created and not yet
 * freed, and handles freed by the finalizer.  Only changed with the
 * runtime held, which serialises them. */
static intnat live_handles;
static intnat finalized_handles;

/* How many times this thread has released the runtime for a call (an
 * event callback of that call takes it back). */
static __thread int released;

/* Set while the GC finalizes a handle: its events (qemu's last lines)
 * are dropped, as no OCaml code may run in a finalizer.  Only changed
 * with the runtime held. */
static int finalizing;

/* Empties the block, then closes the handle: event callbacks that run
 * meanwhile may move the block (a GC), and find the handle closed. */
static void
close_handle (struct ocaml_qdrive_handle *h)
{
  qdrive_h *g = h->g;
  struct ocaml_qdrive_callbacks *callbacks = h->callbacks;

  h->g = NULL;
  h->callbacks = NULL;
  live_handles--;
  qdrive_close (g);             /* frees every callback */
  free (callbacks);
}

static void
finalize_handle (value gv)
{
  struct ocaml_qdrive_handle *h = Handle_val (gv);

  if (h->g != NULL) {
    finalizing = 1;
    close_handle (h);
    finalizing = 0;
    finalized_handles++;
  }
}

static struct custom_operations handle_ops = {
  "org.qdrive.handle",
  finalize_handle,
  custom_compare_default,
  custom_hash_default,
  custom_serialize_default,
  custom_deserialize_default,
  custom_compare_ext_default,
  custom_fixed_length_default,
};

/* What a handle holds outside the OCaml heap, roughly: tells the GC how
 * fast to collect unreachable handles. */
#define HANDLE_C_SIZE 1024

static void raise_msg (int errnum, const char *fs, ...)
  Noreturn __attribute__ ((format (printf, 2, 3)));

/* Raises Qdrive.Error (message, errno): the errno as a Unix.error, or
 * None for 0 (the library had none to give). */
static void
raise_msg (int errnum, const char *fs, ...)
{
  CAMLparam0 ();
  CAMLlocal3 (msgv, errv, optv);
  static const value *exn = NULL;
  char msg[512];
  va_list args;
  value argv[2];

  va_start (args, fs);
  vsnprintf (msg, sizeof msg, fs, args);
  va_end (args);
  if (exn == NULL)
    exn = caml_named_value ("Qdrive.Error");
  if (exn == NULL)              /* the module is not initialised: cannot be */
    caml_failwith (msg);
  msgv = caml_copy_string (msg);
  optv = Val_none;
  if (errnum != 0) {
    errv = unix_error_of_code (errnum);
    optv = caml_alloc_some (errv);
  }
  argv[0] = msgv;
  argv[1] = optv;
  caml_raise_with_args (*exn, 2, argv);
  CAMLnoreturn;
}

void
ocaml_qdrive_raise_error (qdrive_h *g)
{
  const char *msg = qdrive_last_error (g);

  raise_msg (qdrive_last_errno (g), "%s",
             msg ? msg : "unknown error (out of memory?)");
}

/* ------------------------------------------------------------------ */
/* Event callbacks (see qdrive-c.h). */

struct callback {
  value fn;                     /* a generational global root */
  struct ocaml_qdrive_callbacks *owner;
};

void *
ocaml_qdrive_callback_new (value gv, value fn, int *oom)
{
  struct callback *cb = malloc (sizeof *cb);

  if (cb == NULL) {
    *oom = 1;
    return NULL;
  }
  cb->fn = fn;
  caml_register_generational_global_root (&cb->fn);
  cb->owner = Handle_val (gv)->callbacks;
  cb->owner->count++;
  return cb;
}

/* Called by the library: with the runtime held (close, the GC's
 * finalizer), or released by this thread for the call that frees it
 * (delete_event_callback; any call that fails to register it). */
void
ocaml_qdrive_callback_free (void *opaque)
{
  struct callback *cb = opaque;
  int reacquire = released > 0;

  if (cb == NULL)
    return;
  if (reacquire)
    caml_acquire_runtime_system ();
  caml_remove_generational_global_root (&cb->fn);
  cb->owner->count--;
  if (reacquire)
    caml_enter_blocking_section_no_pending ();
  free (cb);
}

value
ocaml_qdrive_callback_fn (void *opaque)
{
  return ((struct callback *) opaque)->fn;
}

int
ocaml_qdrive_callback_enter (qdrive_h *g, void *opaque,
                             struct ocaml_qdrive_frame *f)
{
  (void) opaque;
  if (finalizing)
    return 0;
  (void) g;
  f->reacquired = released > 0;
  f->released = released;
  if (f->reacquired)
    caml_acquire_runtime_system ();
  released = 0;
  return 1;
}

void
ocaml_qdrive_callback_call (value fn, int n, value *args)
{
  value r = caml_callbackN_exn (fn, n, args);

  /* Nothing can take the exception: the call goes on (see qdrive.mli). */
  if (Is_exception_result (r)) {
    char *text = caml_format_exception (Extract_exception (r));
    fprintf (stderr, "qdrive: an event callback raised %s; it is ignored\n",
             text ? text : "an exception");
    fflush (stderr);
    caml_stat_free (text);
  }
}

void
ocaml_qdrive_callback_leave (struct ocaml_qdrive_frame *f)
{
  released = f->released;
  /* As ocaml_qdrive_release, without running signal handlers here. */
  if (f->reacquired)
    caml_enter_blocking_section_no_pending ();
}

value
ocaml_qdrive_copy_int64_array (const int64_t *a, size_t n)
{
  CAMLparam0 ();
  CAMLlocal2 (rv, v);
  size_t i;

  if (n == 0)
    CAMLreturn (Atom (0));
  rv = caml_alloc (n, 0);
  for (i = 0; i < n; ++i) {
    v = caml_copy_int64 (a[i]);
    Store_field (rv, i, v);
  }
  CAMLreturn (rv);
}

value
ocaml_qdrive_create (value unitv)
{
  CAMLparam1 (unitv);
  CAMLlocal1 (gv);
  qdrive_h *g;
  struct ocaml_qdrive_callbacks *callbacks;

  g = qdrive_create ();
  if (g == NULL) {
    /* The library's message: why it could not (a bad $QDRIVE_ACCEL). */
    const char *why = qdrive_last_error (NULL);
    if (why != NULL)
      raise_msg (qdrive_last_errno (NULL), "%s", why);
    raise_msg (errno, "create: %s", strerror (errno));
  }
  callbacks = calloc (1, sizeof *callbacks);
  if (callbacks == NULL) {
    qdrive_close (g);
    caml_raise_out_of_memory ();
  }
  /* Errors are raised, never printed. */
  qdrive_set_error_handler (g, NULL, NULL);
  gv = caml_alloc_custom_mem (&handle_ops, sizeof (struct ocaml_qdrive_handle),
                              HANDLE_C_SIZE);
  Handle_val (gv)->g = g;
  Handle_val (gv)->busy = 0;
  Handle_val (gv)->callbacks = callbacks;
  live_handles++;
  CAMLreturn (gv);
}

value
ocaml_qdrive_close (value gv)
{
  CAMLparam1 (gv);
  struct ocaml_qdrive_handle *h = Handle_val (gv);

  if (h->g != NULL && qdrive_in_event_callback (h->g))
    raise_msg (EDEADLK, "close: not allowed in an event callback of the "
               "same handle: the call the event comes from holds the "
               "handle");
  if (h->busy > 0)
    raise_msg (EBUSY, "close: the handle is in use by a blocking call in "
               "another thread; close it after that call returns");
  if (h->g != NULL)
    close_handle (h);
  CAMLreturn (Val_unit);
}

value
ocaml_qdrive_debug_live_handles (value unitv)
{
  return Val_long (live_handles);
}

value
ocaml_qdrive_debug_finalized_handles (value unitv)
{
  return Val_long (finalized_handles);
}

/* For the tests: pretend that n threads are in a blocking call on the
 * handle, so that every call takes the path a blocking call takes
 * (strings copied, runtime released) and close refuses the handle. */
value
ocaml_qdrive_debug_set_busy (value gv, value nv)
{
  Handle_val (gv)->busy = Long_val (nv);
  return Val_unit;
}

/* The uncommon cases of ocaml_qdrive_handle (in qdrive-c.h). */
qdrive_h *
ocaml_qdrive_handle_slow (value gv, const char *call, int blocking,
                          int *release)
{
  if (Handle_val (gv)->g == NULL)
    raise_msg (EBADF, "%s: the handle is closed", call);
  *release = blocking || Handle_val (gv)->busy > 0 ||
    Handle_val (gv)->callbacks->count > 0;
  /* Run the pending signal handlers now, while an exception they raise
   * leaves nothing behind: see ocaml_qdrive_release.  They may run the
   * GC, so the block is looked up again below. */
  if (*release)
    caml_process_pending_actions ();
  if (Handle_val (gv)->g == NULL)
    raise_msg (EBADF, "%s: the handle is closed", call);
  return Handle_val (gv)->g;
}

void
ocaml_qdrive_release (value gv)
{
  Handle_val (gv)->busy++;
  released++;
  /* This is caml_release_runtime_system (caml_enter_blocking_section)
   * without its processing of pending signals: that can raise an
   * exception from a signal handler, which would leave the handle
   * marked busy for ever and leak the strings the stub has copied.
   * Signals that arrive now are handled when the runtime is acquired
   * again (caml_acquire_runtime_system never raises). */
  caml_enter_blocking_section_no_pending ();
}

void
ocaml_qdrive_acquire (value gv)
{
  caml_acquire_runtime_system ();
  released--;
  /* gv is a root: it is valid again now, wherever the GC put it. */
  Handle_val (gv)->busy--;
}

void
ocaml_qdrive_check_string (value s, const char *call, const char *arg)
{
  if (!caml_string_is_c_safe (s))
    raise_msg (EINVAL, "%s: %s: the string contains a NUL byte; allowed: "
               "strings without NUL bytes", call, arg);
}

void
ocaml_qdrive_check_string_list (value l, const char *call, const char *arg)
{
  for (; l != Val_emptylist; l = Field (l, 1))
    ocaml_qdrive_check_string (Field (l, 0), call, arg);
}

void
ocaml_qdrive_check_int (value n, const char *call, const char *arg)
{
  intnat i = Long_val (n);

  if (i < INT_MIN || i > INT_MAX)
    raise_msg (EINVAL, "%s: %s: %ld is out of range; allowed: %d to %d",
               call, arg, (long) i, INT_MIN, INT_MAX);
}

char *
ocaml_qdrive_cstring (value s, int copy, int *oom)
{
  char *r;

  if (!copy)
    return (char *) String_val (s);
  r = strdup (String_val (s));
  if (r == NULL)
    *oom = 1;
  return r;
}

char **
ocaml_qdrive_cstring_list (value l, int copy, int *oom)
{
  size_t n = 0, i;
  value p;
  char **r;

  for (p = l; p != Val_emptylist; p = Field (p, 1))
    n++;
  r = malloc ((n + 1) * sizeof (char *));
  if (r == NULL) {
    *oom = 1;
    return NULL;
  }
  for (i = 0, p = l; i < n; ++i, p = Field (p, 1)) {
    r[i] = ocaml_qdrive_cstring (Field (p, 0), copy, oom);
    if (r[i] == NULL) {
      r[i] = NULL;
      ocaml_qdrive_free_cstring_list (r, copy);
      return NULL;
    }
  }
  r[n] = NULL;
  return r;
}

void
ocaml_qdrive_free_cstring_list (char **l, int copied)
{
  size_t i;

  if (l == NULL)
    return;
  if (copied)
    for (i = 0; l[i] != NULL; ++i)
      free (l[i]);
  free (l);
}

/* The first unknown enum value of the result being converted.  Only
 * used with the runtime held, which serialises it. */
static char unknown_enum[256];

void
ocaml_qdrive_unknown_enum (const char *field, const char *v)
{
  if (unknown_enum[0] == '\0')
    snprintf (unknown_enum, sizeof unknown_enum, "%s: \"%s\"", field, v);
}

void
ocaml_qdrive_raise_unknown_enum (const char *call)
{
  char msg[sizeof unknown_enum];

  if (unknown_enum[0] == '\0')
    return;
  memcpy (msg, unknown_enum, sizeof msg);
  unknown_enum[0] = '\0';
  raise_msg (EINVAL, "%s: %s is not a value this binding knows; update the "
             "binding to the library's version", call, msg);
}

value
ocaml_qdrive_copy_string_list (char *const *l)
{
  CAMLparam0 ();
  CAMLlocal3 (rv, sv, cell);
  size_t n;

  for (n = 0; l[n] != NULL; ++n)
    ;
  rv = Val_emptylist;
  while (n > 0) {
    sv = caml_copy_string (l[--n]);
    cell = caml_alloc (2, 0);
    Store_field (cell, 0, sv);
    Store_field (cell, 1, rv);
    rv = cell;
  }
  CAMLreturn (rv);
}
