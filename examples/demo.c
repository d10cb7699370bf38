/* SPDX-License-Identifier: MIT-0 */
/* qdrive example, in C: two disks with their cache modes, and what
 * qemu made of each.
 *
 * A disk whose data matters keeps the default cache mode, writeback:
 * qemu obeys the guest's flushes.  A scratch disk, whose contents are
 * thrown away, may use unsafe, which ignores them and is faster.  The
 * program launches qemu (stopped before the guest's first instruction)
 * and asks it over QMP what it made of each drive.
 *
 *   cc demo.c -o demo `pkg-config --cflags --libs qdrive`
 *   ./demo
 */

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <qdrive.h>

#define ROW "%-5s  %-6s  %-9s  %-9s  %-6s  %s\n"

static const char *
yes_no (int b)
{
  return b ? "yes" : "no";
}

/* An empty (sparse) 64 MiB raw disk image: PATH is a mkstemp template. */
static int
make_disk (char *path)
{
  int fd = mkstemp (path);

  if (fd == -1 || ftruncate (fd, 64 << 20) == -1 || close (fd) == -1) {
    perror (path);
    return -1;
  }
  return 0;
}

int
main (void)
{
  char data[] = "/tmp/qdrive-data-XXXXXX";
  char scratch[] = "/tmp/qdrive-scratch-XXXXXX";
  struct qdrive_block_info_list *info = NULL;
  qdrive_h *g = NULL;
  int ret = EXIT_FAILURE;
  size_t i;

  if (make_disk (data) == -1 || make_disk (scratch) == -1)
    goto out;
  g = qdrive_create ();
  if (g == NULL) {
    perror ("qdrive_create");
    goto out;
  }

  /* Every call that fails returns -1 or NULL; the default error
   * handler has printed the message (also in qdrive_last_error). */
  if (qdrive_add_drive_opts (g, data,
                             QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                             QDRIVE_ADD_DRIVE_OPTS_CACHEMODE,
                             QDRIVE_CACHEMODE_WRITEBACK,
                             -1) == -1 ||
      qdrive_add_drive_opts (g, scratch,
                             QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                             QDRIVE_ADD_DRIVE_OPTS_CACHEMODE,
                             QDRIVE_CACHEMODE_UNSAFE,
                             -1) == -1 ||
      qdrive_launch (g) == -1 ||
      (info = qdrive_block_info (g)) == NULL)
    goto out;

  printf (ROW, "drive", "format", "read-only", "writeback", "direct",
          "no-flush");
  for (i = 0; i < info->len; ++i) {
    const struct qdrive_block_info *b = &info->val[i];
    printf (ROW, b->id, b->format, yes_no (b->readonly),
            yes_no (b->cache_writeback), yes_no (b->cache_direct),
            yes_no (b->cache_no_flush));
  }
  if (qdrive_shutdown (g) == -1)
    goto out;
  ret = EXIT_SUCCESS;

 out:
  if (info != NULL)
    qdrive_free_block_info_list (info);
  if (g != NULL)
    qdrive_close (g);
  unlink (data);
  unlink (scratch);
  exit (ret);
}
