/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive Python binding: the hand-written frame.
 *
 * The handle type (the C base of qdrive.Handle), the exception
 * qdrive.Error, the conversions between Python objects and C values,
 * and the module's init.  Everything per call is generated into
 * qdrive-py.c from the API description. */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qdrive-py.h"

#include <stddef.h>
#include <structmember.h>

/* qdrive.Error(RuntimeError): the library's message, and .errno in a
 * slot of the instance (no per-instance dict to fill). */
typedef struct {
  PyBaseExceptionObject base;
  int errnum;
} error_object;

static PyMemberDef error_members[] = {
  { "errno", T_INT, offsetof (error_object, errnum), 0,
    "The errno value the library reported with the error." },
  { NULL, 0, 0, 0, NULL }
};

static PyTypeObject error_type = {
  PyVarObject_HEAD_INIT (NULL, 0)
  .tp_name = "qdrive.Error",
  .tp_basicsize = sizeof (error_object),
  .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
  .tp_doc = "An error from the qdrive library.  str(e) is the library's "
  "message, e.errno its errno value.",
  .tp_members = error_members,
};

PyObject *qdrive_py_error = (PyObject *) &error_type;

/* Raise qdrive.Error(msg) with its errno set. */
static void
raise_error (const char *msg, int errnum)
{
  PyObject *text, *exc;

  text = PyUnicode_DecodeUTF8 (msg, strlen (msg), "surrogateescape");
  if (text == NULL)
    return;
  exc = PyObject_CallOneArg (qdrive_py_error, text);
  Py_DECREF (text);
  if (exc == NULL)
    return;
  ((error_object *) exc)->errnum = errnum;
  PyErr_SetObject (qdrive_py_error, exc);
  Py_DECREF (exc);
}

void
qdrive_py_error_format (int errnum, const char *fs, ...)
{
  char msg[1024];
  va_list args;

  va_start (args, fs);
  vsnprintf (msg, sizeof msg, fs, args);
  va_end (args);
  raise_error (msg, errnum);
}

/* The C library's own text, unchanged, so it is the same in every
 * language.  A call cancelled by Ctrl-C raises what Python's SIGINT
 * handler raises instead (KeyboardInterrupt). */
PyObject *
qdrive_py_raise (qdrive_h *g)
{
  const char *msg = qdrive_last_error (g);
  int err = qdrive_last_errno (g);

  if (err == ECANCELED && PyErr_CheckSignals () == -1)
    return NULL;
  raise_error (msg ? msg : "unknown error", err);
  return NULL;
}

/* ------------------------------------------------------------------ */
/* Waiting calls (QDRIVE_PY_CALL), and Ctrl-C.
 *
 * Python's SIGINT handler only notes the signal; Python raises
 * KeyboardInterrupt when the main thread next runs Python code.  A
 * call waiting in the library with the GIL released would go on
 * waiting, up to its timeout.  So while the main thread makes a
 * blocking call, SIGINT goes first to a handler of ours, which cancels
 * the call (qdrive_user_cancel: async-signal-safe) and then calls the
 * handler it replaced, Python's, so that Python still raises
 * KeyboardInterrupt (in qdrive_py_raise).  If SIGINT is ignored or has
 * its default action, nothing is changed. */

static unsigned long main_thread;   /* threading.main_thread().ident */
static qdrive_h *volatile sigint_g; /* the main thread's waiting call's */
static struct sigaction sigint_old;

static void
sigint_cancel (int sig, siginfo_t *info, void *context)
{
  qdrive_h *g = sigint_g;

  if (g != NULL)
    qdrive_user_cancel (g);
  if (sigint_old.sa_flags & SA_SIGINFO)
    sigint_old.sa_sigaction (sig, info, context);
  else if (sigint_old.sa_handler != SIG_DFL && sigint_old.sa_handler != SIG_IGN)
    sigint_old.sa_handler (sig);
}

void
qdrive_py_wait_begin (qdrive_py_handle *h, int blocking,
                      struct qdrive_py_wait *w)
{
  struct sigaction sa;

  h->busy++;
  w->sigint = false;
  if (!blocking || PyThread_get_thread_ident () != main_thread ||
      sigaction (SIGINT, NULL, &w->old) == -1 ||
      (!(w->old.sa_flags & SA_SIGINFO) &&
       (w->old.sa_handler == SIG_DFL || w->old.sa_handler == SIG_IGN)))
    return;
  sigint_old = w->old;
  sigint_g = h->g;
  memset (&sa, 0, sizeof sa);
  sa.sa_sigaction = sigint_cancel;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset (&sa.sa_mask);
  w->sigint = sigaction (SIGINT, &sa, NULL) == 0;
  if (!w->sigint)
    sigint_g = NULL;
}

/* Right after the call, before the GIL is taken again (which may take
 * a while): a Ctrl-C from now on is not for this call.  The library
 * dropped any request when the call returned. */
void
qdrive_py_wait_returned (struct qdrive_py_wait *w)
{
  if (w->sigint)
    sigint_g = NULL;
}

void
qdrive_py_wait_end (qdrive_py_handle *h, struct qdrive_py_wait *w)
{
  if (w->sigint)
    sigaction (SIGINT, &w->old, NULL);
  h->busy--;
}

int
qdrive_py_nargs (const char *call, Py_ssize_t nargs, Py_ssize_t want)
{
  if (nargs == want)
    return 0;
  PyErr_Format (PyExc_TypeError, "%s() takes %zd arguments (%zd given)",
                call, want, nargs);
  return -1;
}

/* ------------------------------------------------------------------ */
/* The handle. */

static PyTypeObject handle_type;

qdrive_py_handle *
qdrive_py_handle_of (PyObject *obj, const char *call)
{
  qdrive_py_handle *h;
  char msg[128];

  if (!PyObject_TypeCheck (obj, &handle_type)) {
    PyErr_Format (PyExc_TypeError, "%s() argument 'self' must be "
                  "qdrive.Handle, not %.200s", call, Py_TYPE (obj)->tp_name);
    return NULL;
  }
  h = (qdrive_py_handle *) obj;
  if (h->g == NULL) {
    snprintf (msg, sizeof msg, "%s: the handle is closed", call);
    raise_error (msg, EBADF);
    return NULL;
  }
  return h;
}

static PyObject *
handle_new (PyTypeObject *type, PyObject *args, PyObject *kwds)
{
  qdrive_py_handle *h;
  char msg[256];

  if (PyTuple_GET_SIZE (args) != 0 || (kwds && PyDict_GET_SIZE (kwds) != 0)) {
    PyErr_SetString (PyExc_TypeError, "Handle() takes no arguments");
    return NULL;
  }
  h = (qdrive_py_handle *) type->tp_alloc (type, 0);
  if (h == NULL)
    return NULL;
  h->g = qdrive_create ();
  if (h->g == NULL) {
    /* The library's message: why it could not (a bad $QDRIVE_ACCEL). */
    int err = errno;
    const char *why = qdrive_last_error (NULL);

    if (why == NULL) {
      snprintf (msg, sizeof msg, "create: %s", strerror (err));
      why = msg;
    }
    raise_error (why, err);
    Py_DECREF (h);
    return NULL;
  }
  /* Errors become exceptions: the library prints nothing. */
  qdrive_set_error_handler (h->g, NULL, NULL);
  return (PyObject *) h;
}

/* ------------------------------------------------------------------ */
/* Event callbacks. */

struct qdrive_py_callback {
  PyObject *fn;
  qdrive_py_handle *h;          /* not a reference: the handle outlives
                                 * its callbacks (close frees them) */
};

void *
qdrive_py_callback_new (qdrive_py_handle *h, PyObject *fn, const char *call,
                        const char *arg)
{
  struct qdrive_py_callback *cb;

  if (!PyCallable_Check (fn)) {
    qdrive_py_type_error (fn, call, arg, "callable");
    return NULL;
  }
  cb = malloc (sizeof *cb);
  if (cb == NULL) {
    PyErr_NoMemory ();
    return NULL;
  }
  cb->fn = Py_NewRef (fn);
  cb->h = h;
  return cb;
}

/* Called by the library, perhaps without the GIL (delete_event_callback
 * and close may release it). */
void
qdrive_py_callback_free (void *opaque)
{
  struct qdrive_py_callback *cb = opaque;
  PyGILState_STATE gil = PyGILState_Ensure ();

  Py_DECREF (cb->fn);
  PyGILState_Release (gil);
  free (cb);
}

void
qdrive_py_callback_enter (qdrive_h *g, void *opaque, struct qdrive_py_frame *f)
{
  (void) g;
  f->gil = PyGILState_Ensure ();
  f->cb = opaque;
  f->cb->h->busy++;
}

void
qdrive_py_callback_call (void *opaque, PyObject *args)
{
  struct qdrive_py_callback *cb = opaque;
  PyObject *r = NULL;

  if (args != NULL)
    r = PyObject_Call (cb->fn, args, NULL);
  /* Nothing can take the exception: the call goes on (see the
   * module's documentation). */
  if (r == NULL)
    PyErr_WriteUnraisable (cb->fn);
  Py_XDECREF (r);
}

void
qdrive_py_callback_leave (struct qdrive_py_frame *f)
{
  f->cb->h->busy--;
  PyGILState_Release (f->gil);
}

static PyObject *
handle_close (PyObject *self, PyObject *unused)
{
  qdrive_py_handle *h = (qdrive_py_handle *) self;
  qdrive_h *g = h->g;

  if (g == NULL)                /* idempotent */
    Py_RETURN_NONE;
  if (qdrive_in_event_callback (g)) {
    raise_error ("close: not allowed in an event callback of the same "
                 "handle: the call the event comes from holds the handle",
                 EDEADLK);
    return NULL;
  }
  if (h->busy > 0) {
    raise_error ("close: the handle is in use by a call in another thread",
                 EBUSY);
    return NULL;
  }
  h->g = NULL;
  /* Closing a launched handle waits for qemu to exit. */
  Py_BEGIN_ALLOW_THREADS
  qdrive_close (g);
  Py_END_ALLOW_THREADS
  Py_RETURN_NONE;
}

static void
handle_dealloc (PyObject *self)
{
  qdrive_py_handle *h = (qdrive_py_handle *) self;

  /* No call can be running: each holds a reference to the handle. */
  if (h->g != NULL)
    qdrive_close (h->g);
  Py_TYPE (self)->tp_free (self);
}

static PyMethodDef handle_methods[] = {
  { "close", handle_close, METH_NOARGS,
    "close()\n--\n\nClose the handle: stop the virtual machine if it is "
    "running and free everything.  Closing a closed handle does nothing; "
    "any other call on it raises qdrive.Error." },
  { NULL, NULL, 0, NULL }
};

static PyObject *
handle_get_closed (PyObject *self, void *unused)
{
  return PyBool_FromLong (((qdrive_py_handle *) self)->g == NULL);
}

static PyGetSetDef handle_getset[] = {
  { "closed", handle_get_closed, NULL, "True once close() was called.", NULL },
  { NULL, NULL, NULL, NULL, NULL }
};

static PyTypeObject handle_type = {
  PyVarObject_HEAD_INIT (NULL, 0)
  .tp_name = "qdrive._qdrive.HandleBase",
  .tp_basicsize = sizeof (qdrive_py_handle),
  .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
  .tp_doc = "The C part of qdrive.Handle: holds the qdrive_h pointer.",
  .tp_new = handle_new,
  .tp_dealloc = handle_dealloc,
  .tp_methods = handle_methods,
  .tp_getset = handle_getset,
};

/* ------------------------------------------------------------------ */
/* Conversions. */

int
qdrive_py_type_error (PyObject *o, const char *call, const char *arg,
                      const char *want)
{
  PyErr_Format (PyExc_TypeError, "%s() argument '%s' must be %s, not %.200s",
                call, arg, want, Py_TYPE (o)->tp_name);
  return -1;
}

/* The text every binding uses for a NUL inside a string. */
static int
nul_error (const char *call, const char *arg)
{
  PyErr_Format (PyExc_ValueError, "%s: %s: the string contains a NUL "
                "byte; allowed: strings without NUL bytes", call, arg);
  return -1;
}

static int
utf8_of (PyObject *o, const char *call, const char *arg, const char **r)
{
  Py_ssize_t len;
  const char *s = PyUnicode_AsUTF8AndSize (o, &len);

  if (s == NULL)
    return -1;
  if (strlen (s) != (size_t) len)
    return nul_error (call, arg);
  *r = s;
  return 0;
}

int
qdrive_py_string (PyObject *o, const char *call, const char *arg,
                  const char **r)
{
  if (!PyUnicode_Check (o))
    return qdrive_py_type_error (o, call, arg, "str");
  return utf8_of (o, call, arg, r);
}

int
qdrive_py_optstring (PyObject *o, const char *call, const char *arg,
                     const char **r)
{
  if (o == Py_None) {
    *r = NULL;
    return 0;
  }
  if (!PyUnicode_Check (o))
    return qdrive_py_type_error (o, call, arg, "str or None");
  return utf8_of (o, call, arg, r);
}

/* File names are bytes to the system.  A str is encoded as UTF-8 with
 * surrogateescape: what the library returns (list_drives' names, say)
 * is decoded the same way, so a name that is not UTF-8 comes back
 * unchanged (as os.fsencode does on a UTF-8 system). */
int
qdrive_py_filename (PyObject *o, const char *call, const char *arg,
                    PyObject **keep, const char **r)
{
  PyObject *p, *b;

  if (!PyUnicode_Check (o) && !PyBytes_Check (o) &&
      !PyObject_HasAttrString ((PyObject *) Py_TYPE (o), "__fspath__"))
    return qdrive_py_type_error (o, call, arg, "str, bytes or os.PathLike");
  p = PyOS_FSPath (o);
  if (p == NULL)
    return -1;
  if (PyUnicode_Check (p)) {
    b = PyUnicode_AsEncodedString (p, "utf-8", "surrogateescape");
    Py_DECREF (p);
    if (b == NULL)
      return -1;
  }
  else
    b = p;
  if (strlen (PyBytes_AS_STRING (b)) != (size_t) PyBytes_GET_SIZE (b)) {
    Py_DECREF (b);
    return nul_error (call, arg);
  }
  *keep = b;
  *r = PyBytes_AS_STRING (b);
  return 0;
}

int
qdrive_py_string_list (PyObject *o, const char *call, const char *arg,
                       PyObject **keep, char ***r)
{
  PyObject *t;
  Py_ssize_t i, n;
  char **l;

  if (!PyList_Check (o) && !PyTuple_Check (o))
    return qdrive_py_type_error (o, call, arg, "a list of str");
  /* A tuple copy holds the strings even if the list changes. */
  t = PySequence_Tuple (o);
  if (t == NULL)
    return -1;
  n = PyTuple_GET_SIZE (t);
  l = malloc ((n + 1) * sizeof (char *));
  if (l == NULL) {
    Py_DECREF (t);
    PyErr_NoMemory ();
    return -1;
  }
  for (i = 0; i < n; ++i) {
    PyObject *s = PyTuple_GET_ITEM (t, i);
    if (!PyUnicode_Check (s)) {
      PyErr_Format (PyExc_TypeError, "%s() argument '%s' must be a list of "
                    "str, not a list containing %.200s",
                    call, arg, Py_TYPE (s)->tp_name);
      goto err;
    }
    if (utf8_of (s, call, arg, (const char **) &l[i]) == -1)
      goto err;
  }
  l[n] = NULL;
  *keep = t;
  *r = l;
  return 0;

 err:
  free (l);
  Py_DECREF (t);
  return -1;
}

void
qdrive_py_free_string_list (PyObject *keep, char **l)
{
  free (l);
  Py_XDECREF (keep);
}

/* bool, or an int used as a truth value; not str, float, None... */
int
qdrive_py_bool (PyObject *o, const char *call, const char *arg, int *r)
{
  if (o == Py_True)
    *r = 1;
  else if (o == Py_False)
    *r = 0;
  else if (PyLong_Check (o))
    *r = PyObject_IsTrue (o);
  else
    return qdrive_py_type_error (o, call, arg, "bool");
  return 0;
}

int
qdrive_py_int (PyObject *o, const char *call, const char *arg, int *r)
{
  long v;
  int overflow;

  if (!PyLong_Check (o))
    return qdrive_py_type_error (o, call, arg, "int");
  v = PyLong_AsLongAndOverflow (o, &overflow);
  if (v == -1 && PyErr_Occurred ())
    return -1;
  if (overflow || v < INT_MIN || v > INT_MAX) {
    /* The text OCaml's binding uses for the same. */
    PyErr_Format (PyExc_OverflowError, "%s: %s: %S is out of range; "
                  "allowed: %d to %d", call, arg, o, INT_MIN, INT_MAX);
    return -1;
  }
  *r = (int) v;
  return 0;
}

int
qdrive_py_int64 (PyObject *o, const char *call, const char *arg, int64_t *r)
{
  long long v;
  int overflow;

  if (!PyLong_Check (o))
    return qdrive_py_type_error (o, call, arg, "int");
  v = PyLong_AsLongLongAndOverflow (o, &overflow);
  if (v == -1 && PyErr_Occurred ())
    return -1;
  if (overflow) {
    PyErr_Format (PyExc_OverflowError, "%s: %s: %S is out of range; "
                  "allowed: %lld to %lld", call, arg, o,
                  (long long) INT64_MIN, (long long) INT64_MAX);
    return -1;
  }
  *r = v;
  return 0;
}

/* Strings from the library are UTF-8; other bytes (a file name, say)
 * survive as surrogates, as os.fsdecode does. */
PyObject *
qdrive_py_from_string (const char *s)
{
  return PyUnicode_DecodeUTF8 (s, strlen (s), "surrogateescape");
}

PyObject *
qdrive_py_from_int64_array (const int64_t *a, size_t n)
{
  PyObject *list = PyList_New (n);
  size_t i;

  if (list == NULL)
    return NULL;
  for (i = 0; i < n; ++i) {
    PyObject *v = PyLong_FromLongLong (a[i]);
    if (v == NULL) {
      Py_DECREF (list);
      return NULL;
    }
    PyList_SET_ITEM (list, i, v);
  }
  return list;
}

PyObject *
qdrive_py_from_string_list (char *const *l)
{
  Py_ssize_t i, n = 0;
  PyObject *list;

  while (l[n] != NULL)
    n++;
  list = PyList_New (n);
  if (list == NULL)
    return NULL;
  for (i = 0; i < n; ++i) {
    PyObject *s = qdrive_py_from_string (l[i]);
    if (s == NULL) {
      Py_DECREF (list);
      return NULL;
    }
    PyList_SET_ITEM (list, i, s);
  }
  return list;
}

/* ------------------------------------------------------------------ */
/* The module. */

static struct PyModuleDef module_def = {
  PyModuleDef_HEAD_INIT,
  .m_name = "qdrive._qdrive",
  .m_doc = "The C part of the qdrive module; use the qdrive module.",
  .m_size = -1,
  .m_methods = qdrive_py_methods,
};

PyMODINIT_FUNC
PyInit__qdrive (void)
{
  PyObject *m;

  m = PyModule_Create (&module_def);
  if (m == NULL)
    return NULL;
  error_type.tp_base = (PyTypeObject *) PyExc_RuntimeError;
  if (PyType_Ready (&error_type) == -1 ||
      PyModule_AddObjectRef (m, "Error", qdrive_py_error) == -1)
    goto err;

  if (PyType_Ready (&handle_type) == -1 ||
      PyModule_AddObjectRef (m, "HandleBase", (PyObject *) &handle_type) == -1)
    goto err;

  if (qdrive_py_init_structs (m) == -1)
    goto err;
  {
    /* Only the main thread runs Python's signal handlers. */
    PyObject *t = PyImport_ImportModule ("threading"), *main, *ident;

    main = t ? PyObject_CallMethod (t, "main_thread", NULL) : NULL;
    ident = main ? PyObject_GetAttrString (main, "ident") : NULL;
    Py_XDECREF (t);
    Py_XDECREF (main);
    if (ident == NULL)
      goto err;
    main_thread = PyLong_AsUnsignedLong (ident);
    Py_DECREF (ident);
    if (PyErr_Occurred ())
      goto err;
  }
  return m;

 err:
  Py_DECREF (m);
  return NULL;
}
