/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: how a string of a caller's is written inside a message.
 *
 * Shared, as static functions, by the library's error messages
 * (error-text.c), the shell's (shell/errors.c) and the Perl binding's
 * own (perl/qdrive-perl.c, through perl/qdrive-escape.h, the copy the
 * generator makes: the binding builds on its own against an installed
 * library), so that all write it the same way.  Not installed.
 *
 * Control characters are written as C escapes, the way the trace
 * writes them: \n, \t, and \xNN for the other C0 characters and DEL,
 * for a C1 character (U+0080 to U+009F, two bytes in UTF-8), and for a
 * byte 0x80 to 0x9F that is not part of valid UTF-8 (a Latin-1
 * terminal takes it for a C1 control: 0x9B is CSI).  Everything else,
 * UTF-8 included, is kept, so messages stay readable.  So a string
 * cannot add a line to a message, or send an escape sequence to a
 * terminal. */

#ifndef QDRIVE_ESCAPE_H
#define QDRIVE_ESCAPE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The length of the valid UTF-8 sequence at s (at most n bytes), or 0
 * if none starts there. */
static inline size_t
qdrive_utf8_length (const unsigned char *s, size_t n)
{
  size_t len, i;
  uint32_t c;

  if (s[0] < 0x80)
    return 1;
  if (s[0] >= 0xc2 && s[0] <= 0xdf)
    len = 2, c = s[0] & 0x1f;
  else if (s[0] >= 0xe0 && s[0] <= 0xef)
    len = 3, c = s[0] & 0x0f;
  else if (s[0] >= 0xf0 && s[0] <= 0xf4)
    len = 4, c = s[0] & 0x07;
  else
    return 0;
  if (len > n)
    return 0;
  for (i = 1; i < len; ++i) {
    if ((s[i] & 0xc0) != 0x80)
      return 0;
    c = (c << 6) | (s[i] & 0x3f);
  }
  /* Overlong forms, surrogates, and beyond U+10FFFF. */
  if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
      (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
    return 0;
  return len;
}

/* The next piece of the n bytes at s: returns how many bytes it is (1
 * or more).  If they are to be escaped, esc holds what to write
 * instead; else esc is "" and they are written as they are. */
static inline size_t
qdrive_escape_next (const unsigned char *s, size_t n, char esc[16])
{
  size_t len = qdrive_utf8_length (s, n);

  esc[0] = '\0';
  if (len == 0) {               /* not UTF-8: one byte */
    if (s[0] < 0xa0)
      snprintf (esc, 16, "\\x%02x", s[0]);
    return 1;
  }
  if (s[0] == '\n')
    snprintf (esc, 16, "\\n");
  else if (s[0] == '\t')
    snprintf (esc, 16, "\\t");
  else if (s[0] < 0x20 || s[0] == 0x7f)
    snprintf (esc, 16, "\\x%02x", s[0]);
  else if (len == 2 && s[0] == 0xc2 && s[1] < 0xa0)
    snprintf (esc, 16, "\\x%02x\\x%02x", s[0], s[1]);
  return len;
}

#endif /* QDRIVE_ESCAPE_H */
