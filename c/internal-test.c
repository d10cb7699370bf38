/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: the internal test calls.  They exist so that the generated
 * cross-language test can drive every argument type and every return
 * type through each binding, and compare the results. */

#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

char *
qdrive_impl_internal_echo (qdrive_h *g, const char *str, const char *optstr,
                           char *const *strlist, int b, int i, int64_t i64,
                           const char *mode,
                           const struct qdrive_internal_echo_argv *optargs)
{
  uint64_t set = optargs->bitmask;
  char *buf = NULL;
  size_t len;
  FILE *f;

  if (strcmp (str, "error") == 0) {
    set_error (g, "str: \"error\" asks for an error");
    return NULL;
  }
  if ((set & QDRIVE_INTERNAL_ECHO_OINT_BITMASK) && optargs->oint < 0) {
    set_error (g, "oint: %d is out of range; allowed: 0 or more",
               optargs->oint);
    return NULL;
  }

  f = open_memstream (&buf, &len);
  if (f == NULL) {
    set_perror (g, "open_memstream");
    return NULL;
  }
  fputs ("str=", f);
  qdrive_int_fput_quoted (f, str);
  fputs (" optstr=", f);
  if (optstr)
    qdrive_int_fput_quoted (f, optstr);
  else
    fputs ("NULL", f);
  fputs (" strlist=", f);
  qdrive_int_fput_string_list (f, strlist);
  fprintf (f, " b=%s i=%d i64=%" PRIi64 " mode=%s",
           b ? "true" : "false", i, i64, mode);

  fputs (" obool=", f);
  if (set & QDRIVE_INTERNAL_ECHO_OBOOL_BITMASK)
    fputs (optargs->obool ? "true" : "false", f);
  else
    fputs ("unset", f);
  fputs (" oint=", f);
  if (set & QDRIVE_INTERNAL_ECHO_OINT_BITMASK)
    fprintf (f, "%d", optargs->oint);
  else
    fputs ("unset", f);
  fputs (" oint64=", f);
  if (set & QDRIVE_INTERNAL_ECHO_OINT64_BITMASK)
    fprintf (f, "%" PRIi64, optargs->oint64);
  else
    fputs ("unset", f);
  fputs (" ostring=", f);
  if (set & QDRIVE_INTERNAL_ECHO_OSTRING_BITMASK)
    qdrive_int_fput_quoted (f, optargs->ostring);
  else
    fputs ("unset", f);
  fputs (" ostringlist=", f);
  if (set & QDRIVE_INTERNAL_ECHO_OSTRINGLIST_BITMASK)
    qdrive_int_fput_string_list (f, optargs->ostringlist);
  else
    fputs ("unset", f);
  fputs (" oenum=", f);
  fputs ((set & QDRIVE_INTERNAL_ECHO_OENUM_BITMASK) ? optargs->oenum : "unset",
         f);

  if (fclose (f) != 0) {
    set_perror (g, "fclose");
    free (buf);
    return NULL;
  }
  return buf;
}

/* The return-type calls: val "error" fails, anything else is parsed. */

static int
is_error (qdrive_h *g, const char *val)
{
  if (strcmp (val, "error") == 0) {
    set_error (g, "val: \"error\" asks for an error");
    return 1;
  }
  return 0;
}

static int
parse_int64 (qdrive_h *g, const char *val, int64_t min, int64_t max,
             int64_t *r)
{
  char *end;

  if (is_error (g, val))
    return -1;
  errno = 0;
  *r = strtoll (val, &end, 10);
  if (*val == '\0' || *end != '\0' || errno != 0 || *r < min || *r > max) {
    set_error (g, "val: \"%s\" is not valid; allowed: an integer from %"
               PRIi64 " to %" PRIi64, val, min, max);
    return -1;
  }
  return 0;
}

int
qdrive_impl_internal_rerr (qdrive_h *g, const char *val)
{
  return is_error (g, val) ? -1 : 0;
}

int
qdrive_impl_internal_rbool (qdrive_h *g, const char *val)
{
  if (strcmp (val, "true") == 0)
    return 1;
  if (strcmp (val, "false") == 0)
    return 0;
  set_error (g, "val: \"%s\" is not valid; allowed: true, false", val);
  return -1;
}

int
qdrive_impl_internal_rint (qdrive_h *g, const char *val)
{
  int64_t r;

  if (parse_int64 (g, val, INT32_MIN, INT32_MAX, &r) == -1)
    return -1;
  return r;
}

int64_t
qdrive_impl_internal_rint64 (qdrive_h *g, const char *val)
{
  int64_t r;

  if (parse_int64 (g, val, INT64_MIN, INT64_MAX, &r) == -1)
    return -1;
  return r;
}

char *
qdrive_impl_internal_rstring (qdrive_h *g, const char *val)
{
  char *r;

  if (is_error (g, val))
    return NULL;
  r = strdup (val);
  if (r == NULL)
    set_perror (g, "strdup");
  return r;
}

char **
qdrive_impl_internal_rstringlist (qdrive_h *g, const char *val)
{
  int64_t n, i;
  char **r;

  if (parse_int64 (g, val, 0, 1000, &n) == -1)
    return NULL;
  r = calloc (n + 1, sizeof (char *));
  if (r == NULL) {
    set_perror (g, "calloc");
    return NULL;
  }
  for (i = 0; i < n; ++i) {
    if (asprintf (&r[i], "%" PRIi64, i) == -1) {
      r[i] = NULL;
      set_perror (g, "asprintf");
      qdrive_free_string_list (r);
      return NULL;
    }
  }
  return r;
}

/* The strings of the struct made from n: its first n % 5 elements, so
 * that the cross-language test sees an empty list, one element, several
 * in order, and elements with spaces, quotes, a backslash, non-ASCII
 * characters and none at all. */
static const char *const struct_strings[] = {
  "a b", "\"q\" \\ 'r'", "h\xc3\xa9llo \xe2\x82\xac", "",
};
#define STRUCT_STRINGS_COUNT (sizeof struct_strings / sizeof struct_strings[0])

static char **
make_struct_strings (int64_t n)
{
  size_t len = n % (STRUCT_STRINGS_COUNT + 1), i;
  char **r = calloc (len + 1, sizeof (char *));

  if (r == NULL)
    return NULL;
  for (i = 0; i < len; ++i) {
    r[i] = strdup (struct_strings[i]);
    if (r[i] == NULL) {
      qdrive_free_string_list (r);
      return NULL;
    }
  }
  return r;
}

/* The struct made from the number n: every field derived from it.  On
 * failure every pointer field is NULL again, so that the caller frees
 * the struct (or the list holding it) as if it were complete. */
static int
fill_struct (struct qdrive_internal_struct *s, int64_t n)
{
  s->b = n % 2 == 1;
  s->i = n;
  s->i64 = n * INT64_C(1000000000000);
  s->mode = strdup (n % 2 == 1 ? "unsafe" : "writeback");
  s->strings = make_struct_strings (n);
  if (asprintf (&s->s, "s%" PRIi64, n) == -1)
    s->s = NULL;
  if (s->s == NULL || s->mode == NULL || s->strings == NULL) {
    free (s->s);
    free (s->mode);
    qdrive_free_string_list (s->strings);
    s->s = s->mode = NULL;
    s->strings = NULL;
    return -1;
  }
  return 0;
}

struct qdrive_internal_struct *
qdrive_impl_internal_rstruct (qdrive_h *g, const char *val)
{
  struct qdrive_internal_struct *s;
  int64_t n;

  if (parse_int64 (g, val, 0, 1000, &n) == -1)
    return NULL;
  s = calloc (1, sizeof *s);
  if (s == NULL || fill_struct (s, n) == -1) {
    set_perror (g, "cannot make the struct");
    free (s);
    return NULL;
  }
  return s;
}

struct qdrive_internal_struct_list *
qdrive_impl_internal_rstructlist (qdrive_h *g, const char *val)
{
  struct qdrive_internal_struct_list *l;
  int64_t n, i;

  if (parse_int64 (g, val, 0, 1000, &n) == -1)
    return NULL;
  l = calloc (1, sizeof *l);
  if (l == NULL || (n > 0 && (l->val = calloc (n, sizeof *l->val)) == NULL)) {
    set_perror (g, "calloc");
    free (l);
    return NULL;
  }
  for (i = 0; i < n; ++i) {
    l->len = i + 1;
    if (fill_struct (&l->val[i], i) == -1) {
      set_perror (g, "cannot make the struct");
      qdrive_free_internal_struct_list (l);
      return NULL;
    }
  }
  return l;
}
