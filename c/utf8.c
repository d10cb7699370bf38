/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: the file names qemu reports, when they are not UTF-8.
 *
 * qemu's JSON is UTF-8: a file name that is not (Latin-1, say) comes
 * back from query-block with U+FFFD in place of each bad sequence, so
 * it no longer names the file.  The drive's id says which drive it is,
 * and the handle has its real name: when qemu's name is the real one
 * with its bad sequences replaced, the real one is reported. */

#include <config.h>

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "internal.h"

#define REPLACEMENT "\xef\xbf\xbd"  /* U+FFFD in UTF-8 */

/* Is theirs ours with each run of bytes that are not UTF-8 replaced by
 * U+FFFD (qemu writes one per sequence it tried to read: one to as
 * many as the run has bytes), and with at least one such run? */
static bool
same_but_replaced (const char *ours, const char *theirs)
{
  const unsigned char *o = (const unsigned char *) ours;
  const char *t = theirs;
  size_t olen = strlen (ours), k, run, n;
  bool replaced = false;

  while (*o != '\0') {
    k = qdrive_utf8_length (o, olen - (size_t) ((const char *) o - ours));
    if (k > 0) {
      if (strncmp ((const char *) o, t, k) != 0)
        return false;
      o += k;
      t += k;
      continue;
    }
    for (run = 0; *o != '\0' &&
           qdrive_utf8_length (o, olen - (size_t) ((const char *) o - ours)) == 0;
         ++o)
      ++run;
    for (n = 0; n < run && strncmp (t, REPLACEMENT, 3) == 0; ++n)
      t += 3;
    if (n == 0)
      return false;
    replaced = true;
  }
  return *t == '\0' && replaced;
}

const char *
qdrive_int_name_from_qemu (qdrive_h *g, const char *id, const char *name)
{
  const struct drive *d;
  unsigned long i;
  char *end;

  if (strstr (name, REPLACEMENT) == NULL ||
      strncmp (id, "hd", 2) != 0 || id[2] < '0' || id[2] > '9')
    return name;
  errno = 0;
  i = strtoul (id + 2, &end, 10);
  if (errno != 0 || *end != '\0' || i >= g->ndrives)
    return name;
  d = &g->drives[i];
  if (d->net == NULL && same_but_replaced (d->filename, name))
    return d->filename;
  return name;
}
