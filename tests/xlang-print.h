/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive cross-language test, C half: print each result in the one
 * format every language's half uses (see generator/xtest.ml). */

#ifndef XLANG_PRINT_H
#define XLANG_PRINT_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qdrive.h"
#include "api-facts.h"

/* "error: MESSAGE (errno: TEXT)", without the errno if it is 0. */
static void
xlang_print_error (qdrive_h *g, const char *call)
{
  int errnum = qdrive_last_errno (g);

  printf ("%s => error: %s", call, qdrive_last_error (g));
  if (errnum != 0)
    printf (" (errno: %s)", strerror (errnum));
  putchar ('\n');
}

static void
xlang_print_err (qdrive_h *g, const char *call, int r)
{
  if (r == -1)
    xlang_print_error (g, call);
  else
    printf ("%s => ok\n", call);
}

static void
xlang_print_bool (qdrive_h *g, const char *call, int r)
{
  if (r == -1)
    xlang_print_error (g, call);
  else
    printf ("%s => %s\n", call, r ? "true" : "false");
}

static void
xlang_print_int (qdrive_h *g, const char *call, int r)
{
  if (r == -1)
    xlang_print_error (g, call);
  else
    printf ("%s => %d\n", call, r);
}

static void
xlang_print_int64 (qdrive_h *g, const char *call, int64_t r)
{
  if (r == -1)
    xlang_print_error (g, call);
  else
    printf ("%s => %" PRIi64 "\n", call, r);
}

static void
xlang_print_string (qdrive_h *g, const char *call, char *r)
{
  if (r == NULL)
    xlang_print_error (g, call);
  else
    printf ("%s => %s\n", call, r);
  free (r);
}

/* A list of strings as "[a, b]". */
static void
print_list (char *const *l)
{
  size_t i;

  printf ("[");
  for (i = 0; l[i] != NULL; ++i)
    printf ("%s%s", i ? ", " : "", l[i]);
  printf ("]");
}

static void
xlang_print_string_list (qdrive_h *g, const char *call, char **r)
{
  if (r == NULL) {
    xlang_print_error (g, call);
    return;
  }
  printf ("%s => ", call);
  print_list (r);
  printf ("\n");
  qdrive_free_string_list (r);
}

/* The internal struct as "{NAME=VALUE, ...}": generated from its
 * fields, after this file, in xlang-c.c. */
static void print_struct (const struct qdrive_internal_struct *s);

static void
xlang_print_internal_struct (qdrive_h *g, const char *call,
                             struct qdrive_internal_struct *r)
{
  if (r == NULL) {
    xlang_print_error (g, call);
    return;
  }
  printf ("%s => ", call);
  print_struct (r);
  printf ("\n");
  qdrive_free_internal_struct (r);
}

static void
xlang_print_internal_struct_list (qdrive_h *g, const char *call,
                                  struct qdrive_internal_struct_list *r)
{
  size_t i;

  if (r == NULL) {
    xlang_print_error (g, call);
    return;
  }
  printf ("%s => [", call);
  for (i = 0; i < r->len; ++i) {
    if (i > 0)
      printf (", ");
    print_struct (&r->val[i]);
  }
  printf ("]\n");
  qdrive_free_internal_struct_list (r);
}

/* The events part (see generator/xtest.ml). */

static void
xlang_print (qdrive_h *g, void *opaque, uint64_t event, int event_handle,
             const char *message, const int64_t *array, size_t array_len)
{
  size_t i;

  (void) g;
  (void) opaque;
  printf ("event %s %d: %s", fact_event_name (event), event_handle, message);
  if (array_len > 0) {
    printf (" [");
    for (i = 0; i < array_len; ++i)
      printf ("%s%" PRIi64, i > 0 ? ", " : "", array[i]);
    printf ("]");
  }
  putchar ('\n');
}

static void
xlang_reenter (qdrive_h *g, void *opaque, uint64_t event, int event_handle,
               const char *message, const int64_t *array, size_t array_len)
{
  xlang_print (g, opaque, event, event_handle, message, array, array_len);
  printf ("  ");
  xlang_print_int (g, "get_memsize", qdrive_get_memsize (g));
}

#endif /* XLANG_PRINT_H */
