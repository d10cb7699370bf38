/* The C side of t/same-as-c.sh: the bad inputs of the core issue and
 * a few drive configurations, made through the C API; t/same_as_c.py
 * makes the same calls through the binding, and the two outputs (each
 * error text, each qemu command line) must be identical. */

#include <stdio.h>
#include <stdlib.h>

#include "qdrive.h"

#define O(x) QDRIVE_ADD_DRIVE_OPTS_##x

static qdrive_h *g;

static void
p (int r)
{
  if (r == -1)
    printf ("%s\n", qdrive_last_error (g));
  else
    printf ("ok\n");
}

static void
new_handle (void)
{
  if (g)
    qdrive_close (g);
  g = qdrive_create ();
  if (g == NULL) {
    perror ("qdrive_create");
    exit (EXIT_FAILURE);
  }
  qdrive_set_error_handler (g, NULL, NULL);
}

static void
cmdline (void)
{
  char **cmd = qdrive_get_qemu_command_line (g);
  size_t i;

  if (cmd == NULL) {
    printf ("%s\n", qdrive_last_error (g));
    return;
  }
  for (i = 0; cmd[i] != NULL; ++i)
    printf ("%s%s", i ? " " : "", cmd[i]);
  printf ("\n");
  qdrive_free_string_list (cmd);
}

int
main (int argc, char *argv[])
{
  const char *labels[] = { "", "xxxxxxxxxxxxxxxxxxxxx", "a-b", "a b",
                           "\xc3\xa9" };
  const char *formats[] = { "", "raw,x", "a b", "q/c" };
  const int sizes[] = { 0, 1024, -512, 513 };
  const char *disk, *comma, *missing;
  int i;

  if (argc != 4) {
    fprintf (stderr, "usage: %s DISK COMMA-DISK MISSING\n", argv[0]);
    exit (EXIT_FAILURE);
  }
  disk = argv[1], comma = argv[2], missing = argv[3];

  new_handle ();
  p (qdrive_add_drive_opts (g, disk, O(CACHEMODE), "bogus", -1));
  p (qdrive_add_drive_opts (g, disk, O(CACHEMODE), "none", -1));
  p (qdrive_add_drive_opts (g, disk, O(DISCARD), "on", -1));
  p (qdrive_add_drive_opts (g, disk, O(IFACE), "sata", -1));
  p (qdrive_set_accel (g, "xen"));
  p (qdrive_add_drive (g, missing));
  p (qdrive_add_drive (g, ""));
  for (i = 0; i < 5; ++i)
    p (qdrive_add_drive_opts (g, disk, O(LABEL), labels[i], -1));
  for (i = 0; i < 4; ++i)
    p (qdrive_add_drive_opts (g, disk, O(FORMAT), formats[i], -1));
  for (i = 0; i < 4; ++i)
    p (qdrive_add_drive_opts (g, disk, O(BLOCKSIZE), sizes[i], -1));
  p (qdrive_add_drive_scratch (g, 1024,
                               QDRIVE_ADD_DRIVE_SCRATCH_BLOCKSIZE, 0, -1));
  p (qdrive_add_drive_opts (g, disk, O(DISCARD), "enable", -1));
  p (qdrive_add_drive_opts (g, disk, O(FORMAT), "raw", O(DISCARD), "enable",
                            O(READONLY), 1, -1));
  for (i = 0; i < 5; ++i)
    p (qdrive_add_drive_opts (g, disk, O(IFACE), "ide", -1));
  for (i = 0; i < 30; ++i)
    p (qdrive_add_drive_opts (g, disk, O(IFACE), "virtio", -1));
  p (qdrive_add_drive_scratch (g, 0, -1));
  p (qdrive_add_drive_scratch (g, -1, -1));
  p (qdrive_set_memsize (g, 127));
  p (qdrive_set_memsize (g, 1048577));
  p (qdrive_set_smp (g, 0));
  p (qdrive_set_smp (g, 256));

  /* Command lines. */
  new_handle ();
  p (qdrive_add_drive_opts (g, disk, O(FORMAT), "raw", O(CACHEMODE), "unsafe",
                            -1));
  p (qdrive_add_drive_opts (g, disk, O(FORMAT), "raw", -1));
  p (qdrive_add_drive_opts (g, comma, O(FORMAT), "raw", -1));
  p (qdrive_add_drive_opts (g, disk, O(FORMAT), "raw", O(DISCARD), "enable",
                            -1));
  p (qdrive_add_drive_opts (g, disk, O(FORMAT), "raw", O(COPYONREAD), 1, -1));
  p (qdrive_add_drive_opts (g, disk, O(FORMAT), "raw", O(LABEL), "mylabel",
                            -1));
  p (qdrive_add_drive_opts (g, disk, O(FORMAT), "raw", O(BLOCKSIZE), 4096,
                            -1));
  p (qdrive_add_drive_opts (g, disk, O(READONLY), 1, -1));
  p (qdrive_add_drive_opts (g, disk, O(IFACE), "virtio", O(CACHEMODE),
                            "unsafe", O(DISCARD), "besteffort", -1));
  p (qdrive_add_drive_opts (g, disk, O(IFACE), "ide", O(NAME), "n", -1));
  p (qdrive_set_memsize (g, 2048));
  p (qdrive_set_smp (g, 2));
  p (qdrive_config (g, "-rtc", "base=utc"));
  cmdline ();

  qdrive_close (g);
  exit (EXIT_SUCCESS);
}
