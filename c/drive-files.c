/* qdrive: the local files of a handle's drives, as add_drive checks
 * them.
 *
 * qemu uses a regular file or a block device as a disk.  Anything else
 * fails at launch, and not always clearly: qemu opening a FIFO waits
 * for a writer, and launch then times out blaming QMP. */

#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

/* What the file is, if qemu cannot use it as a disk; NULL if it can. */
static const char *
unusable_kind (mode_t mode)
{
  if (S_ISREG (mode) || S_ISBLK (mode))
    return NULL;
  if (S_ISDIR (mode))
    return "a directory";
  if (S_ISFIFO (mode))
    return "a FIFO (named pipe)";
  if (S_ISSOCK (mode))
    return "a socket";
  if (S_ISCHR (mode))
    return "a character device";
  return "not a regular file";
}

int
qdrive_int_check_disk_file (qdrive_h *g, const char *what, const char *path,
                            struct stat *st)
{
  const char *kind;

  if (stat (path, st) == -1) {
    set_perror (g, "%s: \"%s\"", what, path);
    return -1;
  }
  kind = unusable_kind (st->st_mode);
  if (kind != NULL) {
    qdrive_int_error (g, EINVAL, "%s: \"%s\" is %s; allowed: a regular "
                      "file or a block device", what, path, kind);
    return -1;
  }
  return 0;
}
