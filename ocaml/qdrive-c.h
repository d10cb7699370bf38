/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive OCaml binding: the fixed frame the generated stubs
 * (qdrive-c-actions.c) are built on.  See qdrive-c.c. */

#ifndef QDRIVE_OCAML_C_H
#define QDRIVE_OCAML_C_H

#include <stddef.h>
#include <stdint.h>

#include <caml/mlvalues.h>

#include "qdrive.h"

/* What outlives a move of the custom block: the number of event
 * callbacks registered on the handle (each callback points here). */
struct ocaml_qdrive_callbacks {
  intnat count;
};

/* The custom block's contents. */
struct ocaml_qdrive_handle {
  qdrive_h *g;                  /* NULL once closed */
  intnat busy;                  /* threads in a call, runtime released */
  struct ocaml_qdrive_callbacks *callbacks; /* NULL once closed */
};

#define Ocaml_qdrive_handle_val(v) \
  ((struct ocaml_qdrive_handle *) Data_custom_val (v))

extern qdrive_h *ocaml_qdrive_handle_slow (value gv, const char *call,
                                           int blocking, int *release);

/* The handle for a call: raises Qdrive.Error "CALL: the handle is
 * closed" if it is.  *release is set when the call must release the
 * runtime: the call is blocking, or another thread is in a blocking
 * call on the handle (then this call waits for the handle's C lock,
 * and must not hold the runtime while it waits), or event callbacks
 * are registered (they run OCaml code during the call, which may move
 * what the call's arguments point to: they are copied first).  Inline
 * for the common case, as it is on the path of every call. */
static inline qdrive_h *
ocaml_qdrive_handle (value gv, const char *call, int blocking, int *release)
{
  struct ocaml_qdrive_handle *h = Ocaml_qdrive_handle_val (gv);

  if (!blocking && h->g != NULL && h->busy == 0 && h->callbacks->count == 0) {
    *release = 0;
    return h->g;
  }
  return ocaml_qdrive_handle_slow (gv, call, blocking, release);
}

/* Around a call that releases the runtime: marks the handle busy, so
 * that close refuses it, then releases; and the reverse.  gv must be a
 * registered root (it may move while the runtime is released). */
extern void ocaml_qdrive_release (value gv);
extern void ocaml_qdrive_acquire (value gv);

/* Raise Qdrive.Error with the handle's last error. */
extern void ocaml_qdrive_raise_error (qdrive_h *g) Noreturn;

/* Checks of what C cannot be told; each raises Qdrive.Error
 * "CALL: ARG: ..." on failure. */
extern void ocaml_qdrive_check_string (value s, const char *call,
                                       const char *arg);
extern void ocaml_qdrive_check_string_list (value l, const char *call,
                                            const char *arg);
extern void ocaml_qdrive_check_int (value n, const char *call,
                                    const char *arg);

/* Conversions.  With copy, the strings are copied to C memory (to be
 * freed by the caller); without, they point into the OCaml heap.  On
 * allocation failure they return NULL and set *oom. */
extern char *ocaml_qdrive_cstring (value s, int copy, int *oom);
extern char **ocaml_qdrive_cstring_list (value l, int copy, int *oom);
extern void ocaml_qdrive_free_cstring_list (char **l, int copied);

/* A struct field's enum value that the binding does not know (from a
 * newer library): noted while the result is converted, and raised as
 * Qdrive.Error "CALL: FIELD: \"VALUE\" ..." by
 * ocaml_qdrive_raise_unknown_enum once the C result is freed. */
extern void ocaml_qdrive_unknown_enum (const char *field, const char *v);
extern void ocaml_qdrive_raise_unknown_enum (const char *call);

/* Event callbacks.  A callback argument is an OCaml function, kept in
 * a generational global root until the library frees it
 * (ocaml_qdrive_callback_free).  The generated C function of each
 * callback type calls _enter (0: drop the event, as the handle is
 * being finalized by the GC, where OCaml code may not run; 1: the
 * runtime is held, taken back if this thread had released it for the
 * call), converts its arguments and calls _call with the function
 * (_fn), which prints an exception it raises and ignores it, then
 * _leave. */
struct ocaml_qdrive_frame {
  int reacquired;               /* this thread had released the runtime */
  int released;                 /* ... how many times (restored) */
};
extern void *ocaml_qdrive_callback_new (value gv, value fn, int *oom);
extern void ocaml_qdrive_callback_free (void *opaque);
extern value ocaml_qdrive_callback_fn (void *opaque);
extern int ocaml_qdrive_callback_enter (qdrive_h *g, void *opaque,
                                        struct ocaml_qdrive_frame *f);
extern void ocaml_qdrive_callback_call (value fn, int n, value *args);
extern void ocaml_qdrive_callback_leave (struct ocaml_qdrive_frame *f);

/* An int64 array, for a callback. */
extern value ocaml_qdrive_copy_int64_array (const int64_t *a, size_t n);

/* A NULL-terminated C list of strings as an OCaml string list. */
extern value ocaml_qdrive_copy_string_list (char *const *l);

#endif /* QDRIVE_OCAML_C_H */
