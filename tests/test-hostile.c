/* qdrive C tests: hostile input.  File names that try to inject qemu
 * options or confuse its parsing reach qemu as exactly one file each
 * (checked with a real launch and block_info), and labels and formats
 * with commas, '=' or spaces are refused. */

#include <config.h>

#include <errno.h>
#include <fcntl.h>

#include "testlib.h"

static const char *const names[] = {
  "x,format=qcow2",
  "x,file.driver=ssh",
  "-leading-dash",
  "a:b",
  "new\nline",
  "sp ace",
  "q\"uote",
  "back\\slash",
  "comma,,double",
  "trailing,",
};
#define NNAMES (sizeof names / sizeof names[0])

START_TEST (test_hostile_filenames)
{
  struct test_dir dir;
  char paths[NNAMES][256];
  struct qdrive_block_info_list *l;
  const char *accel = getenv ("QDRIVE_ACCEL");
  qdrive_h *g = quiet_handle ();
  size_t i;

  test_dir_init (&dir);
  ck_assert_int_eq (qdrive_set_memsize (g, 128), 0);
  ck_assert_int_eq (qdrive_set_accel (g, accel && *accel ? accel : "tcg"), 0);
  for (i = 0; i < NNAMES; ++i) {
    test_file (&dir, names[i], paths[i], sizeof paths[i]);
    ck_assert_msg (qdrive_add_drive_opts (g, paths[i],
                                          QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                                          QDRIVE_ADD_DRIVE_OPTS_CACHEMODE,
                                          i % 2 ? "unsafe" : "writeback",
                                          -1) == 0,
                   "add_drive %s: %s", names[i], qdrive_last_error (g));
  }
  ck_assert_msg (qdrive_launch (g) == 0, "launch: %s", qdrive_last_error (g));
  l = qdrive_block_info (g);
  ck_assert_msg (l != NULL, "block_info: %s", qdrive_last_error (g));
  /* One drive per name, each the file of that name, unchanged. */
  ck_assert_uint_eq (l->len, NNAMES);
  for (i = 0; i < NNAMES; ++i) {
    char id[16];

    snprintf (id, sizeof id, "hd%zu", i);
    ck_assert_str_eq (l->val[i].id, id);
    ck_assert_str_eq (l->val[i].filename, paths[i]);
    ck_assert_str_eq (l->val[i].format, "raw");
    ck_assert_int_eq (l->val[i].cache_no_flush, i % 2);
  }
  qdrive_free_block_info_list (l);
  ck_assert_int_eq (qdrive_shutdown (g), 0);
  qdrive_close (g);
  test_dir_free (&dir);
}
END_TEST

START_TEST (test_hostile_labels_formats)
{
  static const char *const labels[] = { "a,b", "a=b", "a b", "a\nb", "-x" };
  static const char *const formats[] = { "raw,x", "raw=x", "ra w", "raw\n" };
  struct test_dir dir;
  char disk[128], want[256];
  qdrive_h *g = quiet_handle ();
  size_t i;

  test_dir_init (&dir);
  test_file (&dir, "disk.img", disk, sizeof disk);
  for (i = 0; i < sizeof labels / sizeof labels[0]; ++i) {
    ck_assert_int_eq (qdrive_add_drive_opts (g, disk,
                                             QDRIVE_ADD_DRIVE_OPTS_LABEL,
                                             labels[i], -1), -1);
    snprintf (want, sizeof want, "add_drive: label: \"%s\" is not valid; "
              "allowed: 1 to 20 characters, each a letter, a digit or _",
              labels[i]);
    ck_assert_error (g, want);
  }
  for (i = 0; i < sizeof formats / sizeof formats[0]; ++i) {
    ck_assert_int_eq (qdrive_add_drive_opts (g, disk,
                                             QDRIVE_ADD_DRIVE_OPTS_FORMAT,
                                             formats[i], -1), -1);
    snprintf (want, sizeof want, "add_drive: format: \"%s\" is not valid; "
              "allowed: a non-empty name of letters, digits, _ and -",
              formats[i]);
    ck_assert_error (g, want);
  }
  ck_assert_uint_eq (count_drives (g), 0);
  qdrive_close (g);
  test_dir_free (&dir);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("hostile");
  TCase *tc = tcase_create ("hostile");

  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_hostile_filenames);
  tcase_add_test (tc, test_hostile_labels_formats);
  suite_add_tcase (s, tc);
  return run_suite (s);
}
