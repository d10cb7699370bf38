/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: the text of an error message.
 *
 * An error's format is the library's own, but its string arguments
 * are not: a file name, a label, a URI, a line qemu printed, a message
 * from libvirt.  Printed as they are, a newline in one of them would
 * forge an extra line ("qdrive: error: ..." of the caller's choosing)
 * and an ESC would send a sequence to the caller's terminal.  So every
 * string argument (%s, %c) has its control characters written as C
 * escapes, as escape.h says.  Only the format itself may hold a
 * newline.
 *
 * The conversions are printf's: each is handed to snprintf alone, with
 * its argument fetched by the type its length modifier names. */

#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "escape.h"
#include "internal.h"

void
qdrive_int_text_add (struct qdrive_int_text *t, const char *s, size_t n)
{
  if (t->len + n + 1 > t->size) {
    size_t size = (t->len + n + 1) * 2;
    char *p = t->heap ? realloc (t->p, size) : malloc (size);

    if (p == NULL) {
      /* Keep what fits: a truncated message beats none. */
      n = t->size - t->len - 1;
    }
    else {
      if (!t->heap)
        memcpy (p, t->p, t->len);
      t->p = p;
      t->size = size;
      t->heap = true;
    }
  }
  memcpy (t->p + t->len, s, n);
  t->len += n;
  t->p[t->len] = '\0';
}

/* Appends n bytes of s with their control characters escaped. */
static void
text_add_escaped (struct qdrive_int_text *t, const char *str, size_t n)
{
  const unsigned char *s = (const unsigned char *) str;
  char esc[16];
  size_t i = 0, run, len = 0;

  while (i < n) {
    /* A run of bytes written as they are, then one escaped. */
    for (run = i; run < n; run += len) {
      len = qdrive_escape_next (s + run, n - run, esc);
      if (esc[0] != '\0')
        break;
    }
    qdrive_int_text_add (t, (const char *) s + i, run - i);
    if (run == n)
      break;
    qdrive_int_text_add (t, esc, strlen (esc));
    i = run + len;
  }
}

/* Appends a string argument (n bytes of s), escaped and padded to
 * width (on the left unless left). */
static void
text_add_string (struct qdrive_int_text *t, const char *s, size_t n,
                 int width, bool left)
{
  size_t from = t->len, pad, shown;

  text_add_escaped (t, s, n);
  shown = t->len - from;
  if (width <= 0 || (size_t) width <= shown)
    return;
  pad = (size_t) width - shown;
  while (t->len - from < (size_t) width)
    qdrive_int_text_add (t, " ", 1);
  if (!left && t->len - from == (size_t) width) {
    memmove (t->p + from + pad, t->p + from, shown);
    memset (t->p + from, ' ', pad);
  }
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

/* One numeric or pointer conversion, spec ("%-08lld" with any * made a
 * number), of the type conv and the length modifier len name. */
static void
text_add_number (struct qdrive_int_text *t, const char *spec,
                 const char *len, char conv, va_list *args)
{
  char num[512];
  int n;
  bool ll = strcmp (len, "ll") == 0 || strcmp (len, "q") == 0;

  switch (conv) {
  case 'd': case 'i':
    if (ll)                     n = snprintf (num, sizeof num, spec, va_arg (*args, long long));
    else if (*len == 'l')       n = snprintf (num, sizeof num, spec, va_arg (*args, long));
    else if (*len == 'j')       n = snprintf (num, sizeof num, spec, va_arg (*args, intmax_t));
    else if (*len == 'z')       n = snprintf (num, sizeof num, spec, va_arg (*args, ssize_t));
    else if (*len == 't')       n = snprintf (num, sizeof num, spec, va_arg (*args, ptrdiff_t));
    else                        n = snprintf (num, sizeof num, spec, va_arg (*args, int));
    break;
  case 'o': case 'u': case 'x': case 'X':
    if (ll)                     n = snprintf (num, sizeof num, spec, va_arg (*args, unsigned long long));
    else if (*len == 'l')       n = snprintf (num, sizeof num, spec, va_arg (*args, unsigned long));
    else if (*len == 'j')       n = snprintf (num, sizeof num, spec, va_arg (*args, uintmax_t));
    else if (*len == 'z')       n = snprintf (num, sizeof num, spec, va_arg (*args, size_t));
    else if (*len == 't')       n = snprintf (num, sizeof num, spec, va_arg (*args, ptrdiff_t));
    else                        n = snprintf (num, sizeof num, spec, va_arg (*args, unsigned int));
    break;
  case 'p':
    n = snprintf (num, sizeof num, spec, va_arg (*args, void *));
    break;
  default:                      /* e E f F g G a A */
    if (*len == 'L')            n = snprintf (num, sizeof num, spec, va_arg (*args, long double));
    else                        n = snprintf (num, sizeof num, spec, va_arg (*args, double));
    break;
  }
  if (n < 0)
    n = 0;
  qdrive_int_text_add (t, num, (size_t) n < sizeof num ? (size_t) n : sizeof num - 1);
}

#pragma GCC diagnostic pop

void
qdrive_int_text_vformat (struct qdrive_int_text *t, const char *fs,
                         va_list args)
{
  int saved_errno = errno;
  const char *p = fs, *lit, *s;
  char spec[64], flags[8], len[3], conv, c;
  size_t nflags, nlen, slen, used;
  int width, prec;
  va_list ap;

  va_copy (ap, args);
  while (*p != '\0') {
    lit = p;
    while (*p != '\0' && *p != '%')
      p++;
    qdrive_int_text_add (t, lit, p - lit);
    if (*p == '\0')
      break;
    p++;
    if (*p == '%') {
      qdrive_int_text_add (t, "%", 1);
      p++;
      continue;
    }

    /* %[flags][width][.precision][length]conversion */
    nflags = 0;
    while (*p != '\0' && strchr ("-+ #0'", *p) != NULL) {
      if (nflags < sizeof flags - 2)
        flags[nflags++] = *p;
      p++;
    }
    width = -1;
    if (*p == '*') {
      width = va_arg (ap, int);
      if (width < 0) {          /* printf's rule: left-justified */
        flags[nflags++] = '-';
        width = width == INT_MIN ? INT_MAX : -width;
      }
      p++;
    }
    else
      for (width = *p >= '0' && *p <= '9' ? 0 : -1;
           *p >= '0' && *p <= '9'; p++)
        width = width < 100000 ? width * 10 + (*p - '0') : width;
    flags[nflags] = '\0';
    prec = -1;
    if (*p == '.') {
      p++;
      if (*p == '*') {
        prec = va_arg (ap, int);  /* negative: as if not given */
        p++;
      }
      else
        for (prec = 0; *p >= '0' && *p <= '9'; p++)
          prec = prec < 100000 ? prec * 10 + (*p - '0') : prec;
    }
    nlen = 0;
    while (*p != '\0' && strchr ("hlLqjzt", *p) != NULL && nlen < 2)
      len[nlen++] = *p++;
    len[nlen] = '\0';
    conv = *p;
    if (conv == '\0')
      break;
    p++;

    switch (conv) {
    case 's':
      s = va_arg (ap, const char *);
      if (s == NULL)
        s = "(null)";
      slen = prec >= 0 ? strnlen (s, (size_t) prec) : strlen (s);
      text_add_string (t, s, slen, width, strchr (flags, '-') != NULL);
      break;
    case 'c':
      c = (char) va_arg (ap, int);
      text_add_string (t, &c, 1, width, strchr (flags, '-') != NULL);
      break;
    case 'm':
      s = strerror (saved_errno);
      qdrive_int_text_add (t, s, strlen (s));
      break;
    case 'd': case 'i': case 'o': case 'u': case 'x': case 'X': case 'p':
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
    case 'a': case 'A':
      used = (size_t) snprintf (spec, sizeof spec, "%%%s", flags);
      if (width >= 0)
        used += (size_t) snprintf (spec + used, sizeof spec - used, "%d", width);
      if (prec >= 0)
        used += (size_t) snprintf (spec + used, sizeof spec - used, ".%d", prec);
      snprintf (spec + used, sizeof spec - used, "%s%c", len, conv);
      text_add_number (t, spec, len, conv, &ap);
      break;
    default:
      /* GCC checks every format (the format attribute of set_error
       * and its kind), and the library uses no other conversion; %n
       * is never honoured.  The rest is shown as written, since the
       * arguments can no longer be told apart. */
      qdrive_int_text_add (t, "%", 1);
      qdrive_int_text_add (t, p - 1, strlen (p - 1));
      p += strlen (p);
      break;
    }
  }
  va_end (ap);
  errno = saved_errno;
}
