/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive shell test: the qemu command line as the C library gives it,
 * one argument per line, for the drives test-cmdline.sh also adds
 * through the shell.  The two outputs must be equal.
 *
 * usage: test-cmdline-c DISK1 DISK2
 */

#include <config.h>

#include <stdio.h>
#include <stdlib.h>

#include "qdrive.h"

int
main (int argc, char *argv[])
{
  qdrive_h *g;
  char **cmd;
  size_t i;

  if (argc != 3) {
    fprintf (stderr, "usage: %s DISK1 DISK2\n", argv[0]);
    exit (EXIT_FAILURE);
  }
  g = qdrive_create ();
  if (g == NULL) {
    perror ("qdrive_create");
    exit (EXIT_FAILURE);
  }
  if (qdrive_add_drive_opts (g, argv[1],
                             QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                             QDRIVE_ADD_DRIVE_OPTS_CACHEMODE, "unsafe",
                             QDRIVE_ADD_DRIVE_OPTS_LABEL, "scratch_1",
                             -1) == -1 ||
      qdrive_add_drive_opts (g, argv[2],
                             QDRIVE_ADD_DRIVE_OPTS_READONLY, 1,
                             QDRIVE_ADD_DRIVE_OPTS_IFACE, "virtio",
                             QDRIVE_ADD_DRIVE_OPTS_BLOCKSIZE, 4096,
                             -1) == -1 ||
      qdrive_set_memsize (g, 1024) == -1 ||
      qdrive_set_smp (g, 2) == -1 ||
      qdrive_config (g, "-cpu", "host,+x2apic") == -1)
    exit (EXIT_FAILURE);
  cmd = qdrive_get_qemu_command_line (g);
  if (cmd == NULL)
    exit (EXIT_FAILURE);
  for (i = 0; cmd[i] != NULL; ++i)
    printf ("%s\n", cmd[i]);
  qdrive_free_string_list (cmd);
  qdrive_close (g);
  exit (EXIT_SUCCESS);
}
