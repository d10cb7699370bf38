/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive Python binding: the fixed frame shared by the hand-written
 * part (qdrive-py-frame.c: handle type, exception, conversions, module
 * init) and the generated part (qdrive-py.c: one wrapper per call,
 * the method table and the struct types). */

#ifndef QDRIVE_PY_H
#define QDRIVE_PY_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "qdrive.h"

/* The C base of qdrive.Handle.  g is NULL once the handle is closed;
 * busy counts the calls running with the GIL released, during which
 * close must not free g. */
typedef struct {
  PyObject_HEAD
  qdrive_h *g;
  int busy;
} qdrive_py_handle;
/* (An event callback running counts as busy too: the GIL may pass to
 * other threads while it runs.) */

/* Runs call (a statement calling the library on h->g).  The GIL is
 * released if the call blocks, and also if another thread is in a
 * call on h with the GIL released: that thread holds the handle's
 * lock, which this call waits for, and no call may wait for it while
 * holding the GIL (the whole interpreter would stop).  Otherwise no
 * other thread can be in the library on h, and the GIL is kept, which
 * is quicker.  A blocking call in the main thread is also cancelled by
 * Ctrl-C (see qdrive_py_wait_begin). */
#define QDRIVE_PY_CALL(h, blocking, call) do {                  \
    if ((blocking) || (h)->busy > 0) {                          \
      struct qdrive_py_wait w_;                                 \
      qdrive_py_wait_begin ((h), (blocking), &w_);              \
      Py_BEGIN_ALLOW_THREADS                                    \
      call;                                                     \
      qdrive_py_wait_returned (&w_);                            \
      Py_END_ALLOW_THREADS                                      \
      qdrive_py_wait_end ((h), &w_);                            \
    }                                                           \
    else {                                                      \
      call;                                                     \
    }                                                           \
  } while (0)

/* Frame: qdrive-py-frame.c. */
extern PyObject *qdrive_py_error;                  /* qdrive.Error */

/* Every wrapper is called as f(handle, arg, ..., optarg, ...) by the
 * generated Python layer, which passes None for optargs not given. */
extern int qdrive_py_nargs (const char *call, Py_ssize_t nargs,
                            Py_ssize_t want);
extern qdrive_py_handle *qdrive_py_handle_of (PyObject *obj,
                                              const char *call);
extern PyObject *qdrive_py_raise (qdrive_h *g);

/* QDRIVE_PY_CALL's steps. */
struct qdrive_py_wait {
  bool sigint;                  /* SIGINT is ours during the call */
  struct sigaction old;         /* the handler it replaced */
};
extern void qdrive_py_wait_begin (qdrive_py_handle *h, int blocking,
                                  struct qdrive_py_wait *w);
extern void qdrive_py_wait_returned (struct qdrive_py_wait *w);
extern void qdrive_py_wait_end (qdrive_py_handle *h,
                                struct qdrive_py_wait *w);

/* Raises qdrive.Error with errno errnum and the formatted message. */
extern void qdrive_py_error_format (int errnum, const char *fs, ...);
/* Raises TypeError: "CALL() argument 'ARG' must be WANT, not TYPE". */
extern int qdrive_py_type_error (PyObject *o, const char *call,
                                 const char *arg, const char *want);

/* Callbacks (the generated part has each callback type's C function,
 * which converts the arguments).  A callback argument is a Python
 * callable, held until the library frees it (qdrive_py_callback_free,
 * which takes the GIL).  The C function, with or without the GIL in
 * this thread, calls _enter (takes the GIL, marks the handle in use),
 * _call (the callable with the tuple args, NULL if making it failed;
 * an exception goes to sys.unraisablehook), then _leave. */
struct qdrive_py_frame {
  struct qdrive_py_callback *cb;
  PyGILState_STATE gil;
};
extern void *qdrive_py_callback_new (qdrive_py_handle *h, PyObject *fn,
                                     const char *call, const char *arg);
extern void qdrive_py_callback_free (void *opaque);
extern void qdrive_py_callback_enter (qdrive_h *g, void *opaque,
                                      struct qdrive_py_frame *f);
extern void qdrive_py_callback_call (void *opaque, PyObject *args);
extern void qdrive_py_callback_leave (struct qdrive_py_frame *f);

/* Argument conversions: 0 on success, -1 with TypeError (or
 * OverflowError, ValueError) naming the call and the argument. */
extern int qdrive_py_string (PyObject *o, const char *call,
                             const char *arg, const char **r);
extern int qdrive_py_optstring (PyObject *o, const char *call,
                                const char *arg, const char **r);
/* A file name: str (encoded as UTF-8, surrogate escapes giving back
 * their bytes), bytes, or os.PathLike of either.  *keep holds the bytes
 * until the caller drops it. */
extern int qdrive_py_filename (PyObject *o, const char *call,
                               const char *arg, PyObject **keep,
                               const char **r);
/* *keep holds the references that keep the strings alive until
 * qdrive_py_free_string_list. */
extern int qdrive_py_string_list (PyObject *o, const char *call,
                                  const char *arg, PyObject **keep,
                                  char ***r);
extern void qdrive_py_free_string_list (PyObject *keep, char **l);
extern int qdrive_py_bool (PyObject *o, const char *call,
                           const char *arg, int *r);
extern int qdrive_py_int (PyObject *o, const char *call,
                          const char *arg, int *r);
extern int qdrive_py_int64 (PyObject *o, const char *call,
                            const char *arg, int64_t *r);

/* Return conversions (new references, NULL on error). */
extern PyObject *qdrive_py_from_string (const char *s);
extern PyObject *qdrive_py_from_string_list (char *const *l);
extern PyObject *qdrive_py_from_int64_array (const int64_t *a, size_t n);

/* Generated: qdrive-py.c. */
extern PyMethodDef qdrive_py_methods[];
extern int qdrive_py_init_structs (PyObject *module);

#endif /* QDRIVE_PY_H */
