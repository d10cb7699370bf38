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

#include "shell.h"

const char *qd_location;

void
qd_error (const char *fs, ...)
{
  va_list args;

  /* stdout first, so that output and errors come in order when both
   * go to the same place. */
  fflush (stdout);
  fputs ("qdrive: error: ", stderr);
  if (qd_location != NULL)
    fprintf (stderr, "%s: ", qd_location);
  va_start (args, fs);
  vfprintf (stderr, fs, args);
  va_end (args);
  fputc ('\n', stderr);
}

void
qd_lib_error (qdrive_h *g)
{
  const char *msg = qdrive_last_error (g);

  qd_error ("%s", msg != NULL ? msg : "unknown error");
}
