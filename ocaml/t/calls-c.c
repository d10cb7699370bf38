/* qdrive OCaml binding tests: the C side of t/same-as-c.sh.
 *
 * Makes the same calls as t/calls.ml, each case on a fresh handle, and
 * prints for each the qemu command line (or the error and the command
 * line after it, which shows the handle unchanged).  The two outputs
 * must be equal: same command lines, same error texts.
 *
 * Usage: calls-c DIR  (DIR holds disk.img and comma,name.img; the
 * program changes into it, for the relative file name case). */

#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qdrive.h"

#define O(x) QDRIVE_ADD_DRIVE_OPTS_##x

static char *dir;

static char *
path (const char *name)
{
  char *p;

  if (asprintf (&p, "%s/%s", dir, name) == -1) {
    perror ("asprintf");
    exit (EXIT_FAILURE);
  }
  return p;
}

/* The command line, with the QMP socket's path (random) left out. */
static void
print_cmdline (qdrive_h *g)
{
  char **cmd = qdrive_get_qemu_command_line (g);
  size_t i;

  if (cmd == NULL) {
    printf ("get_qemu_command_line failed: %s\n", qdrive_last_error (g));
    exit (EXIT_FAILURE);
  }
  for (i = 0; cmd[i] != NULL; ++i)
    printf ("%s%s", i ? " " : "",
            i > 0 && strcmp (cmd[i - 1], "-chardev") == 0 ? "QMP" : cmd[i]);
  printf ("\n");
  qdrive_free_string_list (cmd);
}

static void
show (qdrive_h *g, const char *name, int r)
{
  printf ("%s: ", name);
  if (r == -1)
    printf ("error: %s | ", qdrive_last_error (g));
  print_cmdline (g);
}

/* Runs EXPR (an int, -1 on error) on a fresh handle g. */
#define CASE(name, expr) do {                           \
    qdrive_h *g = qdrive_create ();                     \
    if (g == NULL) { perror ("qdrive_create"); exit (EXIT_FAILURE); } \
    qdrive_set_error_handler (g, NULL, NULL);           \
    show (g, name, (expr));                             \
    qdrive_close (g);                                   \
  } while (0)

/* Runs two calls, the second only if the first worked. */
#define BOTH(a, b) ((a) == -1 ? -1 : (b))

static int
list_error (qdrive_h *g)
{
  struct qdrive_block_info_list *l = qdrive_block_info (g);

  if (l != NULL) {
    qdrive_free_block_info_list (l);
    return 0;
  }
  return -1;
}

int
main (int argc, char *argv[])
{
  char *disk, *comma, *missing, *ro;
  int i;

  if (argc != 2) {
    fprintf (stderr, "usage: calls-c DIR\n");
    exit (EXIT_FAILURE);
  }
  dir = argv[1];
  if (chdir (dir) == -1) {
    perror (dir);
    exit (EXIT_FAILURE);
  }
  disk = path ("disk.img");
  comma = path ("comma,name.img");
  missing = path ("missing.img");
  ro = path ("ro.img");

  /* Every optional argument, and every value of every enum. */
  CASE ("unsafe", qdrive_add_drive_opts (g, disk, O(FORMAT), "raw", O(CACHEMODE), "unsafe", -1));
  CASE ("writeback_default", qdrive_add_drive_opts (g, disk, O(FORMAT), "raw", -1));
  CASE ("writeback", qdrive_add_drive_opts (g, disk, O(FORMAT), "raw", O(CACHEMODE), "writeback", -1));
  CASE ("no_optargs", qdrive_add_drive (g, disk));
  CASE ("opts_alias", qdrive_add_drive_opts (g, disk, O(CACHEMODE), "unsafe", -1));
  CASE ("comma", qdrive_add_drive_opts (g, comma, O(FORMAT), "raw", -1));
  CASE ("relative", qdrive_add_drive_opts (g, "disk.img", O(FORMAT), "raw", -1));
  CASE ("discard_enable", qdrive_add_drive_opts (g, disk, O(FORMAT), "raw", O(DISCARD), "enable", -1));
  CASE ("discard_besteffort", qdrive_add_drive_opts (g, disk, O(FORMAT), "raw", O(DISCARD), "besteffort", -1));
  CASE ("discard_disable", qdrive_add_drive_opts (g, disk, O(FORMAT), "raw", O(DISCARD), "disable", -1));
  CASE ("copyonread", qdrive_add_drive_opts (g, disk, O(FORMAT), "raw", O(COPYONREAD), 1, -1));
  CASE ("copyonread_false", qdrive_add_drive_opts (g, disk, O(COPYONREAD), 0, -1));
  CASE ("label", qdrive_add_drive_opts (g, disk, O(LABEL), "mylabel", -1));
  CASE ("blocksize_4096", qdrive_add_drive_opts (g, disk, O(BLOCKSIZE), 4096, -1));
  CASE ("blocksize_512", qdrive_add_drive_opts (g, disk, O(BLOCKSIZE), 512, -1));
  CASE ("readonly", qdrive_add_drive_opts (g, disk, O(FORMAT), "raw", O(READONLY), 1, -1));
  CASE ("readonly_false", qdrive_add_drive_opts (g, disk, O(READONLY), 0, -1));
  CASE ("name", qdrive_add_drive_opts (g, disk, O(NAME), "n1", -1));
  CASE ("iface_scsi", qdrive_add_drive_opts (g, disk, O(IFACE), "scsi", -1));
  CASE ("iface_virtio", qdrive_add_drive_opts (g, disk, O(IFACE), "virtio", -1));
  CASE ("iface_ide", qdrive_add_drive_opts (g, disk, O(IFACE), "ide", -1));
  CASE ("all", qdrive_add_drive_opts (g, disk, O(READONLY), 0, O(FORMAT), "qcow2",
                                      O(IFACE), "virtio", O(NAME), "all",
                                      O(LABEL), "L_1", O(CACHEMODE), "unsafe",
                                      O(DISCARD), "enable", O(COPYONREAD), 1,
                                      O(BLOCKSIZE), 4096, -1));
  CASE ("two", BOTH (qdrive_add_drive_opts (g, disk, O(FORMAT), "raw", -1),
                     qdrive_add_drive_opts (g, comma, O(FORMAT), "raw", O(CACHEMODE), "unsafe", -1)));
  CASE ("add_drive_ro", qdrive_add_drive_ro (g, ro));
  CASE ("settings", BOTH (qdrive_set_hv (g, "/usr/bin/qemu-kvm"),
                          BOTH (qdrive_set_memsize (g, 2048),
                                BOTH (qdrive_set_smp (g, 4),
                                      qdrive_set_accel (g, "tcg")))));
  CASE ("accel_kvm", qdrive_set_accel (g, "kvm"));
  CASE ("accel_kvm_tcg", qdrive_set_accel (g, "kvm:tcg"));
  CASE ("config", BOTH (qdrive_config (g, "-cpu", "host"),
                        qdrive_config (g, "-nographic", NULL)));

  /* Bad input: the error, and the handle unchanged. */
  CASE ("missing", qdrive_add_drive (g, missing));
  CASE ("empty_filename", qdrive_add_drive (g, ""));
  CASE ("label_space", qdrive_add_drive_opts (g, disk, O(LABEL), "bad label", -1));
  CASE ("label_empty", qdrive_add_drive_opts (g, disk, O(LABEL), "", -1));
  CASE ("label_long", qdrive_add_drive_opts (g, disk, O(LABEL), "abcdefghij0123456789x", -1));
  CASE ("label_dash", qdrive_add_drive_opts (g, disk, O(LABEL), "a-b", -1));
  CASE ("format_space", qdrive_add_drive_opts (g, disk, O(FORMAT), "ra w", -1));
  CASE ("format_empty", qdrive_add_drive_opts (g, disk, O(FORMAT), "", -1));
  CASE ("format_comma", qdrive_add_drive_opts (g, disk, O(FORMAT), "raw,x", -1));
  CASE ("name_empty", qdrive_add_drive_opts (g, disk, O(NAME), "", -1));
  CASE ("blocksize_1000", qdrive_add_drive_opts (g, disk, O(BLOCKSIZE), 1000, -1));
  CASE ("blocksize_0", qdrive_add_drive_opts (g, disk, O(BLOCKSIZE), 0, -1));
  CASE ("blocksize_neg", qdrive_add_drive_opts (g, disk, O(BLOCKSIZE), -512, -1));
  CASE ("discard_enable_no_format", qdrive_add_drive_opts (g, disk, O(DISCARD), "enable", -1));
  CASE ("discard_enable_readonly", qdrive_add_drive_opts (g, disk, O(FORMAT), "raw", O(DISCARD), "enable", O(READONLY), 1, -1));
  CASE ("unchanged", BOTH (qdrive_add_drive_opts (g, disk, O(FORMAT), "raw", -1),
                           qdrive_add_drive_opts (g, disk, O(LABEL), "bad label", -1)));
  CASE ("unchanged_ends", (BOTH (qdrive_add_drive_opts (g, disk, O(FORMAT), "raw", -1),
                                qdrive_add_drive_opts (g, disk, O(LABEL), "bad label", -1)), 0));
  {
    qdrive_h *g = qdrive_create ();
    int r = 0;

    qdrive_set_error_handler (g, NULL, NULL);
    for (i = 0; i < 5 && r == 0; ++i)
      r = qdrive_add_drive_opts (g, disk, O(IFACE), "ide", -1);
    show (g, "ide_limit", r);
    qdrive_close (g);
  }
  CASE ("scratch_zero", qdrive_add_drive_scratch (g, 0, -1));
  CASE ("scratch_negative", qdrive_add_drive_scratch (g, -1, -1));
  CASE ("scratch_blocksize", qdrive_add_drive_scratch (g, 1 << 20, QDRIVE_ADD_DRIVE_SCRATCH_BLOCKSIZE, 1000, -1));
  CASE ("scratch_label", qdrive_add_drive_scratch (g, 1 << 20, QDRIVE_ADD_DRIVE_SCRATCH_LABEL, "no way", -1));
  CASE ("memsize_0", qdrive_set_memsize (g, 0));
  CASE ("memsize_low", qdrive_set_memsize (g, 127));
  CASE ("memsize_high", qdrive_set_memsize (g, 1048577));
  CASE ("smp_0", qdrive_set_smp (g, 0));
  CASE ("smp_256", qdrive_set_smp (g, 256));
  CASE ("launch_timeout_0", qdrive_set_launch_timeout (g, 0));
  CASE ("launch_timeout_high", qdrive_set_launch_timeout (g, 3601));
  CASE ("backend_bad", qdrive_set_backend (g, "bogus"));
  CASE ("hv_empty", qdrive_set_hv (g, ""));
  CASE ("config_nodash", qdrive_config (g, "cpu", "host"));
  CASE ("config_managed", qdrive_config (g, "-drive", "file=x"));
  CASE ("block_info_not_launched", list_error (g));
  CASE ("shutdown_not_launched", qdrive_shutdown (g));

  free (disk);
  free (comma);
  free (missing);
  free (ro);
  exit (EXIT_SUCCESS);
}
