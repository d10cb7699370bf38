/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: tracing.  With trace on, the generated wrapper of every call
 * makes one line with the call and its arguments, and one with its
 * result: "trace" events, or without a callback for them lines on
 * stderr, "qdrive: trace: LINE".  Each line is built in memory first
 * and written with one call, so lines from threads sharing stderr do
 * not mix. */

#include <config.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

int
qdrive_int_tracing (qdrive_h *g)
{
  return __atomic_load_n (&g->trace, __ATOMIC_RELAXED);
}

void
qdrive_int_fput_quoted (FILE *f, const char *s)
{
  const unsigned char *p;

  putc ('"', f);
  for (p = (const unsigned char *) s; *p; ++p) {
    switch (*p) {
    case '"': fputs ("\\\"", f); break;
    case '\\': fputs ("\\\\", f); break;
    case '\n': fputs ("\\n", f); break;
    case '\t': fputs ("\\t", f); break;
    default:
      if (*p < 0x20 || *p >= 0x7f)
        fprintf (f, "\\x%02x", *p);
      else
        putc (*p, f);
    }
  }
  putc ('"', f);
}

/* Line buffers: the memstream and its buffer travel together. */
struct trace_buf {
  char *buf;
  size_t len;
};
static __thread struct trace_buf tb;

/* Starts a line "CALL".  Tracing is best effort: with no memory for
 * the line, it is not written. */
FILE *
qdrive_int_trace_open (qdrive_h *g, const char *call)
{
  FILE *tr;

  (void) g;
  tr = open_memstream (&tb.buf, &tb.len);
  if (tr != NULL)
    fputs (call, tr);
  return tr;
}

void
qdrive_int_trace_close (qdrive_h *g, FILE *tr)
{
  char *line;

  if (tr == NULL)
    return;
  if (fclose (tr) != 0) {
    free (tb.buf);
    tb.buf = NULL;
    return;
  }
  /* The line is this call's now: a trace callback may make calls on
   * other handles, which trace into tb. */
  line = tb.buf;
  tb.buf = NULL;
  if (line == NULL)
    return;
  qdrive_int_event_or_stderr (g, QDRIVE_EVENT_TRACE, line, "qdrive: trace: ");
  free (line);
}

void
qdrive_int_trace_string (FILE *tr, const char *s)
{
  if (tr == NULL)
    return;
  putc (' ', tr);
  if (s == NULL)
    fputs ("NULL", tr);
  else
    qdrive_int_fput_quoted (tr, s);
}

/* ["a", "b"], or NULL: trace lines and the internal echo call. */
void
qdrive_int_fput_string_list (FILE *tr, char *const *l)
{
  size_t i;

  if (l == NULL) {
    fputs ("NULL", tr);
    return;
  }
  putc ('[', tr);
  for (i = 0; l[i] != NULL; ++i) {
    if (i > 0)
      fputs (", ", tr);
    qdrive_int_fput_quoted (tr, l[i]);
  }
  putc (']', tr);
}

void
qdrive_int_trace_string_list (FILE *tr, char *const *l)
{
  if (tr == NULL)
    return;
  putc (' ', tr);
  qdrive_int_fput_string_list (tr, l);
}

void
qdrive_int_trace_bool (FILE *tr, int b)
{
  if (tr != NULL)
    fputs (b ? " true" : " false", tr);
}

void
qdrive_int_trace_int64 (FILE *tr, int64_t i)
{
  if (tr != NULL)
    fprintf (tr, " %" PRIi64, i);
}

/* A set of flags by their names, "library|trace"; a bit without a
 * name (refused later) in hex. */
static void
put_flags (FILE *tr, uint64_t v, const char *const *names)
{
  size_t i;
  const char *sep = "";

  for (i = 0; names[i] != NULL; ++i)
    if (v & (UINT64_C(1) << i)) {
      fprintf (tr, "%s%s", sep, names[i]);
      sep = "|";
      v &= ~(UINT64_C(1) << i);
    }
  if (v != 0 || *sep == '\0')
    fprintf (tr, "%s0x%" PRIx64, sep, v);
}

void
qdrive_int_trace_flags (FILE *tr, uint64_t v, const char *const *names)
{
  if (tr == NULL)
    return;
  putc (' ', tr);
  put_flags (tr, v, names);
}

/* A function is shown as <function>: its address says nothing. */
void
qdrive_int_trace_callback (FILE *tr, int given)
{
  if (tr != NULL)
    fputs (given ? " <function>" : " NULL", tr);
}

void
qdrive_int_trace_opt_flags (FILE *tr, const char *name, uint64_t v,
                            const char *const *names)
{
  if (tr == NULL)
    return;
  fprintf (tr, " %s:", name);
  put_flags (tr, v, names);
}

/* Optional arguments print as one quoted "name:value" token, the form
 * the shell accepts them in. */
void
qdrive_int_trace_opt_string (FILE *tr, const char *name, const char *s)
{
  char *tok = NULL;

  if (tr == NULL)
    return;
  if (asprintf (&tok, "%s:%s", name, s ? s : "NULL") == -1)
    return;
  putc (' ', tr);
  qdrive_int_fput_quoted (tr, tok);
  free (tok);
}

/* A secret is never written anywhere: only that it was given. */
void
qdrive_int_trace_opt_secret (FILE *tr, const char *name,
                             const char *s __attribute__((unused)))
{
  if (tr != NULL)
    fprintf (tr, " \"%s:<hidden>\"", name);
}

void
qdrive_int_trace_opt_string_list (FILE *tr, const char *name,
                                  char *const *l)
{
  if (tr == NULL)
    return;
  fprintf (tr, " %s:", name);
  qdrive_int_fput_string_list (tr, l);
}

void
qdrive_int_trace_opt_bool (FILE *tr, const char *name, int b)
{
  if (tr != NULL)
    fprintf (tr, " \"%s:%s\"", name, b ? "true" : "false");
}

void
qdrive_int_trace_opt_int64 (FILE *tr, const char *name, int64_t i)
{
  if (tr != NULL)
    fprintf (tr, " \"%s:%" PRIi64 "\"", name, i);
}

/* Results. */

static FILE *
ret_open (qdrive_h *g, const char *call)
{
  FILE *tr = qdrive_int_trace_open (g, call);

  if (tr != NULL)
    fputs (" = ", tr);
  return tr;
}

void
qdrive_int_trace_ret_int (qdrive_h *g, const char *call, int r)
{
  FILE *tr = ret_open (g, call);

  if (tr == NULL)
    return;
  fprintf (tr, "%d%s", r, r == -1 ? " (error)" : "");
  qdrive_int_trace_close (g, tr);
}

void
qdrive_int_trace_ret_bool (qdrive_h *g, const char *call, int r)
{
  FILE *tr = ret_open (g, call);

  if (tr == NULL)
    return;
  fputs (r == -1 ? "-1 (error)" : r ? "true" : "false", tr);
  qdrive_int_trace_close (g, tr);
}

void
qdrive_int_trace_ret_int64 (qdrive_h *g, const char *call, int64_t r)
{
  FILE *tr = ret_open (g, call);

  if (tr == NULL)
    return;
  fprintf (tr, "%" PRIi64 "%s", r, r == -1 ? " (error)" : "");
  qdrive_int_trace_close (g, tr);
}

void
qdrive_int_trace_ret_string (qdrive_h *g, const char *call, const char *r)
{
  FILE *tr = ret_open (g, call);

  if (tr == NULL)
    return;
  if (r == NULL)
    fputs ("NULL (error)", tr);
  else
    qdrive_int_fput_quoted (tr, r);
  qdrive_int_trace_close (g, tr);
}

void
qdrive_int_trace_ret_string_list (qdrive_h *g, const char *call, char **r)
{
  FILE *tr = ret_open (g, call);

  if (tr == NULL)
    return;
  if (r == NULL)
    fputs ("NULL (error)", tr);
  else
    qdrive_int_fput_string_list (tr, r);
  qdrive_int_trace_close (g, tr);
}

void
qdrive_int_trace_ret_struct (qdrive_h *g, const char *call, int ok)
{
  FILE *tr = ret_open (g, call);

  if (tr == NULL)
    return;
  fputs (ok ? "<struct>" : "NULL (error)", tr);
  qdrive_int_trace_close (g, tr);
}

void
qdrive_int_trace_ret_struct_list (qdrive_h *g, const char *call, long len)
{
  FILE *tr = ret_open (g, call);

  if (tr == NULL)
    return;
  if (len == -1)
    fputs ("NULL (error)", tr);
  else
    fprintf (tr, "<list of %ld>", len);
  qdrive_int_trace_close (g, tr);
}
