/* qdrive Perl tests: the C reference.
 *
 * Makes, in C, the same calls as the Perl tests t/30-errors.t (bad
 * input) and t/40-cmdline.t (qemu command lines), each case on a fresh
 * handle, and prints one line per case:
 *
 *   TAG => error: MESSAGE         the last call failed
 *   TAG => ARG<TAB>ARG<TAB>...    the command line after the calls
 *
 * Tags say what is expected: cmd_ cases succeed, err_ cases fail, and
 * env_ cases depend on the machine (Perl must only agree with C).
 * The Perl tests run the same cases through Sys::Qdrive and compare
 * with these lines, so "same text as C" is checked against C itself.
 * Run in a directory holding the regular files disk.img, disk2.img and
 * "comma,name.img" (file names are given relative, as the tests do).
 */

#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qdrive.h"

#define O(name) QDRIVE_ADD_DRIVE_OPTS_##name

/* Each case makes its calls on g and returns the last call's result:
 * 0 or -1. */
typedef int (*case_fn) (qdrive_h *g);

#define CASE(tag, body) \
  static int case_##tag (qdrive_h *g) { body }

/* Command lines. */
CASE (cmd_unsafe,
      return qdrive_add_drive_opts (g, "disk.img", O (FORMAT), "raw",
                                    O (CACHEMODE), "unsafe", -1);)
CASE (cmd_default,
      return qdrive_add_drive_opts (g, "disk.img", O (FORMAT), "raw", -1);)
CASE (cmd_writeback,
      return qdrive_add_drive_opts (g, "disk.img", O (CACHEMODE), "writeback",
                                    -1);)
CASE (cmd_comma,
      return qdrive_add_drive_opts (g, "comma,name.img", O (FORMAT), "raw",
                                    -1);)
CASE (cmd_discard_enable,
      return qdrive_add_drive_opts (g, "disk.img", O (FORMAT), "raw",
                                    O (DISCARD), "enable", -1);)
CASE (cmd_discard_besteffort,
      return qdrive_add_drive_opts (g, "disk.img", O (DISCARD), "besteffort",
                                    -1);)
CASE (cmd_discard_disable,
      return qdrive_add_drive_opts (g, "disk.img", O (DISCARD), "disable", -1);)
CASE (cmd_copyonread,
      return qdrive_add_drive_opts (g, "disk.img", O (FORMAT), "raw",
                                    O (COPYONREAD), 1, -1);)
CASE (cmd_label,
      return qdrive_add_drive_opts (g, "disk.img", O (FORMAT), "raw",
                                    O (LABEL), "mylabel", -1);)
CASE (cmd_blocksize,
      return qdrive_add_drive_opts (g, "disk.img", O (FORMAT), "raw",
                                    O (BLOCKSIZE), 4096, -1);)
CASE (cmd_blocksize512,
      return qdrive_add_drive_opts (g, "disk.img", O (BLOCKSIZE), 512, -1);)
CASE (cmd_readonly,
      return qdrive_add_drive_opts (g, "disk.img", O (FORMAT), "raw",
                                    O (READONLY), 1, -1);)
CASE (cmd_readonly_false,
      return qdrive_add_drive_opts (g, "disk.img", O (READONLY), 0, -1);)
CASE (cmd_ro,
      return qdrive_add_drive_ro (g, "disk.img");)
CASE (cmd_virtio,
      return qdrive_add_drive_opts (g, "disk.img", O (IFACE), "virtio", -1);)
CASE (cmd_ide,
      return qdrive_add_drive_opts (g, "disk.img", O (IFACE), "ide", -1);)
CASE (cmd_scsi,
      return qdrive_add_drive_opts (g, "disk.img", O (IFACE), "scsi", -1);)
CASE (cmd_name,
      return qdrive_add_drive_opts (g, "disk.img", O (NAME), "system", -1);)
CASE (cmd_all,
      return qdrive_add_drive_opts (g, "disk.img", O (READONLY), 0,
                                    O (FORMAT), "qcow2", O (IFACE), "virtio",
                                    O (NAME), "n", O (LABEL), "L_1",
                                    O (CACHEMODE), "unsafe",
                                    O (DISCARD), "besteffort",
                                    O (COPYONREAD), 1, O (BLOCKSIZE), 512,
                                    -1);)
CASE (cmd_two,
      if (qdrive_add_drive_opts (g, "disk.img", O (FORMAT), "raw",
                                 O (CACHEMODE), "unsafe", -1) == -1)
        return -1;
      return qdrive_add_drive_opts (g, "disk2.img", O (FORMAT), "qcow2",
                                    O (IFACE), "virtio", -1);)
CASE (cmd_settings,
      if (qdrive_set_hv (g, "/usr/bin/qemu-kvm") == -1 ||
          qdrive_set_memsize (g, 2048) == -1 ||
          qdrive_set_smp (g, 4) == -1 ||
          qdrive_set_accel (g, "tcg") == -1 ||
          qdrive_config (g, "-cpu", "host") == -1 ||
          qdrive_config (g, "-no-reboot", NULL) == -1)
        return -1;
      return qdrive_add_drive (g, "disk.img");)

/* Bad input: every case's last call fails. */
CASE (err_cachemode,
      return qdrive_add_drive_opts (g, "disk.img", O (CACHEMODE), "fast", -1);)
CASE (err_cachemode_null,
      return qdrive_add_drive_opts (g, "disk.img", O (CACHEMODE), NULL, -1);)
CASE (err_discard,
      return qdrive_add_drive_opts (g, "disk.img", O (DISCARD), "yes", -1);)
CASE (err_iface,
      return qdrive_add_drive_opts (g, "disk.img", O (IFACE), "usb", -1);)
CASE (err_filename_null,
      return qdrive_add_drive (g, NULL);)
CASE (err_filename_null_opts,
      return qdrive_add_drive_opts (g, NULL, O (FORMAT), "raw", -1);)
CASE (err_format_null,
      return qdrive_add_drive_opts (g, "disk.img", O (FORMAT), NULL, -1);)
CASE (err_label_null,
      return qdrive_add_drive_opts (g, "disk.img", O (LABEL), NULL, -1);)
CASE (err_name_null,
      return qdrive_add_drive_opts (g, "disk.img", O (NAME), NULL, -1);)
CASE (err_missing,
      return qdrive_add_drive_opts (g, "missing.img", O (FORMAT), "raw", -1);)
/* Root passes access(2) for most files; a sysctl file is one it may
 * not write.  Where it may, C and Perl must still agree. */
CASE (env_not_writable,
      return qdrive_add_drive (g, "/proc/sys/kernel/ostype");)
CASE (env_not_writable_ro,
      return qdrive_add_drive_opts (g, "/proc/sys/kernel/ostype",
                                    O (READONLY), 1, -1);)
CASE (err_missing_ro,
      return qdrive_add_drive_ro (g, "missing.img");)
CASE (err_filename_empty,
      return qdrive_add_drive (g, "");)
CASE (err_label_empty,
      return qdrive_add_drive_opts (g, "disk.img", O (LABEL), "", -1);)
CASE (err_label_long,
      return qdrive_add_drive_opts (g, "disk.img", O (LABEL),
                                    "abcdefghijklmnopqrstu", -1);)
CASE (err_label_chars,
      return qdrive_add_drive_opts (g, "disk.img", O (LABEL), "my-label", -1);)
CASE (err_format_chars,
      return qdrive_add_drive_opts (g, "disk.img", O (FORMAT), "raw,x", -1);)
CASE (err_format_empty,
      return qdrive_add_drive_opts (g, "disk.img", O (FORMAT), "", -1);)
CASE (err_name_empty,
      return qdrive_add_drive_opts (g, "disk.img", O (NAME), "", -1);)
CASE (err_blocksize,
      return qdrive_add_drive_opts (g, "disk.img", O (BLOCKSIZE), 1000, -1);)
CASE (err_blocksize_zero,
      return qdrive_add_drive_opts (g, "disk.img", O (BLOCKSIZE), 0, -1);)
CASE (err_discard_noformat,
      return qdrive_add_drive_opts (g, "disk.img", O (DISCARD), "enable", -1);)
CASE (err_discard_readonly,
      return qdrive_add_drive_opts (g, "disk.img", O (FORMAT), "raw",
                                    O (READONLY), 1, O (DISCARD), "enable",
                                    -1);)
CASE (err_too_many_ide,
      int i;
      for (i = 0; i < 4; ++i)
        if (qdrive_add_drive_opts (g, "disk.img", O (IFACE), "ide", -1) == -1)
          return 0;             /* not the failure under test */
      return qdrive_add_drive_opts (g, "disk.img", O (IFACE), "ide", -1);)
CASE (err_scratch_zero,
      return qdrive_add_drive_scratch (g, 0, -1);)
CASE (err_scratch_negative,
      return qdrive_add_drive_scratch (g, -1, -1);)
CASE (err_scratch_label,
      return qdrive_add_drive_scratch (g, 1048576,
                                       QDRIVE_ADD_DRIVE_SCRATCH_LABEL, "a b",
                                       -1);)
CASE (err_scratch_blocksize,
      return qdrive_add_drive_scratch (g, 1048576,
                                       QDRIVE_ADD_DRIVE_SCRATCH_BLOCKSIZE, 1,
                                       -1);)
CASE (err_memsize_low, return qdrive_set_memsize (g, 127);)
CASE (err_memsize_high, return qdrive_set_memsize (g, 1048577);)
CASE (err_memsize_negative, return qdrive_set_memsize (g, -1);)
CASE (err_smp_zero, return qdrive_set_smp (g, 0);)
CASE (err_smp_high, return qdrive_set_smp (g, 256);)
CASE (err_hv_empty, return qdrive_set_hv (g, "");)
CASE (err_hv_null, return qdrive_set_hv (g, NULL);)
CASE (err_accel, return qdrive_set_accel (g, "xen");)
CASE (err_backend, return qdrive_set_backend (g, "nope");)
CASE (err_config_nodash, return qdrive_config (g, "cpu", "host");)
CASE (err_config_managed, return qdrive_config (g, "-drive", "file=x");)
CASE (err_launch_timeout, return qdrive_set_launch_timeout (g, 0);)

static const struct {
  const char *tag;
  case_fn fn;
} cases[] = {
#define C(tag) { #tag, case_##tag }
  C (cmd_unsafe), C (cmd_default), C (cmd_writeback), C (cmd_comma),
  C (cmd_discard_enable), C (cmd_discard_besteffort), C (cmd_discard_disable),
  C (cmd_copyonread), C (cmd_label), C (cmd_blocksize), C (cmd_blocksize512),
  C (cmd_readonly), C (cmd_readonly_false), C (cmd_ro), C (cmd_virtio),
  C (cmd_ide), C (cmd_scsi), C (cmd_name), C (cmd_all), C (cmd_two),
  C (cmd_settings),
  C (err_cachemode), C (err_cachemode_null), C (err_discard), C (err_iface),
  C (err_filename_null), C (err_filename_null_opts), C (err_format_null),
  C (err_label_null), C (err_name_null), C (err_missing), C (err_missing_ro),
  C (env_not_writable), C (env_not_writable_ro),
  C (err_filename_empty), C (err_label_empty), C (err_label_long),
  C (err_label_chars), C (err_format_chars), C (err_format_empty),
  C (err_name_empty), C (err_blocksize), C (err_blocksize_zero),
  C (err_discard_noformat), C (err_discard_readonly), C (err_too_many_ide),
  C (err_scratch_zero), C (err_scratch_negative), C (err_scratch_label),
  C (err_scratch_blocksize), C (err_memsize_low), C (err_memsize_high),
  C (err_memsize_negative), C (err_smp_zero), C (err_smp_high),
  C (err_hv_empty), C (err_hv_null), C (err_accel), C (err_backend),
  C (err_config_nodash), C (err_config_managed), C (err_launch_timeout),
#undef C
};

int
main (void)
{
  size_t i, j;

  for (i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
    qdrive_h *g = qdrive_create ();
    char **cmd;

    if (g == NULL) {
      perror ("qdrive_create");
      exit (EXIT_FAILURE);
    }
    qdrive_set_error_handler (g, NULL, NULL);
    printf ("%s => ", cases[i].tag);
    if (cases[i].fn (g) == -1)
      printf ("error: %s\n", qdrive_last_error (g));
    else if ((cmd = qdrive_get_qemu_command_line (g)) == NULL)
      printf ("error: %s\n", qdrive_last_error (g));
    else {
      for (j = 0; cmd[j] != NULL; ++j)
        printf ("%s%s", j > 0 ? "\t" : "", cmd[j]);
      putchar ('\n');
      qdrive_free_string_list (cmd);
    }
    qdrive_close (g);
  }
  exit (EXIT_SUCCESS);
}
