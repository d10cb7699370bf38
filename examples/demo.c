/* qdrive demo: two drives, one safe and one scratch, and the qemu
 * command line they become. */

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "qdrive.h"

int
main (int argc, char *argv[])
{
  const char *disk = argc > 1 ? argv[1] : "demo-disk.img";
  qdrive_h *g;
  char **cmd;
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
  if (qdrive_add_drive_opts (g, disk,
                             QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                             QDRIVE_ADD_DRIVE_OPTS_READONLY, 1,
                             QDRIVE_ADD_DRIVE_OPTS_LABEL, "data",
                             -1) == -1 ||
      qdrive_add_drive_scratch (g, INT64_C(1) << 30,
                                QDRIVE_ADD_DRIVE_SCRATCH_LABEL, "scratch",
                                -1) == -1)
    exit (EXIT_FAILURE);

  cmd = qdrive_get_qemu_command_line (g);
  if (cmd == NULL)
    exit (EXIT_FAILURE);
  printf ("qemu command line for %s (read-only, writeback) and a 1 GiB "
          "scratch disk (unsafe):\n\n", disk);
  for (i = 0; cmd[i] != NULL; ++i)
    printf ("%s%s", i ? " \\\n    " : "", cmd[i]);
  printf ("\n");
  qdrive_free_string_list (cmd);
  qdrive_close (g);
  unlink (disk);
  exit (EXIT_SUCCESS);
}
