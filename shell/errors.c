/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive shell: error messages.
 *
 * Every error, the shell's own or the library's, is one line on
 * stderr: "qdrive: error: [LOCATION: ]MESSAGE".  The library's own
 * printing is switched off (qdrive.c sets its error handler to NULL),
 * so its text appears exactly once, here, unchanged.
 */

#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "shell.h"

const char *qd_location;

/* Writes s with its control characters escaped as the library's
 * messages have them (c/escape.h): the shell's formats hold none, so
 * any there came from a word of the user's (or a file name), which
 * must not add a line or reach the terminal. */
static void
put_escaped (const char *s, FILE *f)
{
  const unsigned char *p = (const unsigned char *) s;
  size_t n = strlen (s), len;
  char esc[16];

  while (n > 0) {
    len = qdrive_escape_next (p, n, esc);
    if (esc[0] != '\0')
      fputs (esc, f);
    else
      fwrite (p, 1, len, f);
    p += len;
    n -= len;
  }
}

void
qd_error (const char *fs, ...)
{
  va_list args;
  char *msg;

  /* stdout first, so that output and errors come in order when both
   * go to the same place. */
  fflush (stdout);
  va_start (args, fs);
  if (vasprintf (&msg, fs, args) == -1)
    msg = NULL;
  va_end (args);
  fputs ("qdrive: error: ", stderr);
  if (qd_location != NULL) {
    put_escaped (qd_location, stderr);
    fputs (": ", stderr);
  }
  put_escaped (msg != NULL ? msg : "out of memory for an error message",
               stderr);
  fputc ('\n', stderr);
  free (msg);
}

void
qd_lib_error (qdrive_h *g)
{
  const char *msg = qdrive_last_error (g);

  qd_error ("%s", msg != NULL ? msg : "unknown error");
}
