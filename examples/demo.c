/* qdrive demo: a small raw image added read-only (cachemode writeback,
 * the safe default) and a scratch disk (cachemode unsafe), the qemu
 * command line they become, and what the running qemu reports about
 * each drive's cache. */

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "qdrive.h"

static const char *
yes_no (int b)
{
  return b ? "yes" : "no";
}

int
main (int argc, char *argv[])
{
  const char *disk = argc > 1 ? argv[1] : "demo-disk.img";
  qdrive_h *g;
  char **cmd;
  struct qdrive_block_info_list *info;
  size_t i;
  FILE *f;

  /* A small raw image to stand for a real disk. */
  f = fopen (disk, "w");
  if (f == NULL || ftruncate (fileno (f), 1024 * 1024) == -1) {
    perror (disk);
    exit (EXIT_FAILURE);
  }
  fclose (f);

  g = qdrive_create ();
  if (g == NULL) {
    perror ("qdrive_create");
    exit (EXIT_FAILURE);
  }
  /* Errors are printed by the default error handler. */
  if (qdrive_set_memsize (g, 128) == -1 ||
      qdrive_add_drive_opts (g, disk,
                             QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                             QDRIVE_ADD_DRIVE_OPTS_READONLY, 1,
                             QDRIVE_ADD_DRIVE_OPTS_LABEL, "data",
                             -1) == -1 ||
      qdrive_add_drive_scratch (g, INT64_C(1) << 30,
                                QDRIVE_ADD_DRIVE_SCRATCH_LABEL, "scratch",
                                -1) == -1)
    goto fail;

  cmd = qdrive_get_qemu_command_line (g);
  if (cmd == NULL)
    goto fail;
  printf ("qemu command line for %s (read-only, writeback) and a 1 GiB "
          "scratch disk (unsafe):\n\n", disk);
  /* One option per line, with its value. */
  for (i = 0; cmd[i] != NULL; ++i)
    printf ("%s%s", i == 0 ? "" : cmd[i][0] == '-' ? " \\\n    " : " ",
            cmd[i]);
  printf ("\n\n");
  qdrive_free_string_list (cmd);

  if (qdrive_launch (g) == -1)
    goto fail;
  info = qdrive_block_info (g);
  if (info == NULL)
    goto fail;
  printf ("what the running qemu reports (QMP query-block):\n\n");
  printf ("%-4s  %-6s  %-9s  %-9s  %-6s  %-8s  %s\n",
          "id", "format", "read-only", "writeback", "direct", "no-flush",
          "file");
  for (i = 0; i < info->len; ++i) {
    const struct qdrive_block_info *b = &info->val[i];
    printf ("%-4s  %-6s  %-9s  %-9s  %-6s  %-8s  %s\n",
            b->id, b->format, yes_no (b->readonly),
            yes_no (b->cache_writeback), yes_no (b->cache_direct),
            yes_no (b->cache_no_flush), b->filename);
  }
  printf ("\nwriteback: guest flushes reach the disk (safe); "
          "no-flush: they are ignored (unsafe).\n");
  qdrive_free_block_info_list (info);

  if (qdrive_shutdown (g) == -1)
    goto fail;
  qdrive_close (g);
  unlink (disk);
  exit (EXIT_SUCCESS);

 fail:
  qdrive_close (g);
  unlink (disk);
  exit (EXIT_FAILURE);
}
