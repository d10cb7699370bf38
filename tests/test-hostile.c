/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive C tests: hostile input.  File names that try to inject qemu
 * options or confuse its parsing reach qemu as exactly one file each
 * (checked with a real launch and block_info), labels and formats
 * with commas, '=' or spaces are refused, and no string of the
 * caller's (or of qemu's, or libvirt's) can add a line or a terminal
 * escape to an error message. */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>

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

/* A quiet handle that launches small: 128 MiB, the default
 * accelerator ($QDRIVE_ACCEL, else kvm:tcg). */
static qdrive_h *
launch_handle (void)
{
  qdrive_h *g = quiet_handle ();

  ck_assert_int_eq (qdrive_set_memsize (g, 128), 0);
  return g;
}

START_TEST (test_hostile_filenames)
{
  struct test_dir dir;
  char paths[NNAMES][256];
  struct qdrive_block_info_list *l;
  qdrive_h *g = launch_handle ();
  size_t i;

  test_dir_init (&dir);
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
  /* One drive per name, each the file of that name, unchanged. */
  l = block_info_of (g, NNAMES);
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
              strcmp (labels[i], "a\nb") == 0 ? "a\\nb" : labels[i]);
    ck_assert_error (g, want);
  }
  for (i = 0; i < sizeof formats / sizeof formats[0]; ++i) {
    ck_assert_int_eq (qdrive_add_drive_opts (g, disk,
                                             QDRIVE_ADD_DRIVE_OPTS_FORMAT,
                                             formats[i], -1), -1);
    snprintf (want, sizeof want, "add_drive: format: \"%s\" is not valid; "
              "allowed: a non-empty name of letters, digits, _ and -",
              strcmp (formats[i], "raw\n") == 0 ? "raw\\n" : formats[i]);
    ck_assert_error (g, want);
  }
  ck_assert_uint_eq (count_drives (g), 0);
  qdrive_close (g);
  test_dir_free (&dir);
}
END_TEST

/* File names that are not UTF-8 (Latin-1, stray bytes, a truncated
 * sequence): qemu's JSON shows U+FFFD for them, and block_info gives
 * the real names back, for a drive read-write and one read-only (whose
 * name comes from the node under qemu's overlay). */
START_TEST (test_hostile_non_utf8_names)
{
  static const char *const bad[] = {
    "caf\xe9.img", "\xff\xfe\xc3(x\xf0\x9f\x98.img",
    "ok \xef\xbf\xbd \xe9.img",   /* a real U+FFFD too */
  };
  struct test_dir dir;
  char paths[6][256], name[64];
  struct qdrive_block_info_list *l;
  qdrive_h *g = launch_handle ();
  size_t i;

  test_dir_init (&dir);
  for (i = 0; i < 6; ++i) {
    snprintf (name, sizeof name, "%s%s", i % 2 ? "ro-" : "", bad[i / 2]);
    test_file (&dir, name, paths[i], sizeof paths[i]);
    ck_assert_msg (qdrive_add_drive_opts (g, paths[i],
                                          QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                                          QDRIVE_ADD_DRIVE_OPTS_READONLY, i % 2,
                                          -1) == 0,
                   "add_drive: %s", qdrive_last_error (g));
  }
  ck_assert_msg (qdrive_launch (g) == 0, "launch: %s", qdrive_last_error (g));
  l = block_info_of (g, 6);
  for (i = 0; i < 6; ++i)
    ck_assert_str_eq (l->val[i].filename, paths[i]);
  qdrive_free_block_info_list (l);
  ck_assert_int_eq (qdrive_shutdown (g), 0);
  qdrive_close (g);
  test_dir_free (&dir);
}
END_TEST

/* The last error on g is one line with no control character: no C0
 * byte, no DEL, no C1 (U+0080 to U+009F in UTF-8, or a stray byte
 * 0x80 to 0x9F that a Latin-1 terminal takes as one).  Returns it. */
static const char *
assert_clean_error (qdrive_h *g, const char *what)
{
  const char *msg = qdrive_last_error (g);
  const unsigned char *p;

  ck_assert_msg (msg != NULL, "%s: no error", what);
  for (p = (const unsigned char *) msg; *p; ++p) {
    bool c0 = *p < 0x20 || *p == 0x7f;
    bool c1 = *p == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0;
    bool stray = *p >= 0x80 && *p < 0xa0 &&
      (p == (const unsigned char *) msg || p[-1] < 0x80 || p[-1] == 0xe9);

    ck_assert_msg (!c0 && !c1 && !stray,
                   "%s: byte 0x%02x at %zu in the error: %s", what, *p,
                   (size_t) (p - (const unsigned char *) msg), msg);
  }
  return msg;
}

/* Strings meant to forge a second error line, or to reach the
 * terminal: each is put wherever a call quotes a caller's string. */
static const char *const forgers[] = {
  "x\nqdrive: error: forged",
  "x\r\x1b[2Kcleared",
  "x\x1b]0;title\x07",
  "x\xc2\x9b" "31mcsi",
  "x\x9b" "31mcsi",
  "x\xe9\x9b" "31mcsi after Latin-1",
  "x\tb\x7f\x01",
};
#define NFORGERS (sizeof forgers / sizeof forgers[0])

START_TEST (test_hostile_error_texts)
{
  struct test_dir dir;
  char disk[256], path[512], uri[512];
  const char *msg;
  char *const servers[] = { (char *) forgers[_i], NULL };
  qdrive_h *g = quiet_handle ();

  test_dir_init (&dir);
  test_file (&dir, "disk.img", disk, sizeof disk);

  /* A file name that does not exist: quoted, escaped. */
  snprintf (path, sizeof path, "%s/%s", dir.path, forgers[_i]);
  ck_assert_int_eq (qdrive_add_drive (g, path), -1);
  assert_clean_error (g, "add_drive filename");
  /* Each string optional argument, and the servers of a network drive. */
  ck_assert_int_eq (qdrive_add_drive_opts (g, disk, QDRIVE_ADD_DRIVE_OPTS_LABEL,
                                           forgers[_i], -1), -1);
  assert_clean_error (g, "add_drive label");
  ck_assert_int_eq (qdrive_add_drive_opts (g, disk, QDRIVE_ADD_DRIVE_OPTS_FORMAT,
                                           forgers[_i], -1), -1);
  assert_clean_error (g, "add_drive format");
  ck_assert_int_eq (qdrive_add_drive_opts (g, disk, QDRIVE_ADD_DRIVE_OPTS_CACHEMODE,
                                           forgers[_i], -1), -1);
  assert_clean_error (g, "add_drive cachemode");
  ck_assert_int_eq (qdrive_add_drive_opts (g, forgers[_i],
                                           QDRIVE_ADD_DRIVE_OPTS_PROTOCOL, "nbd",
                                           QDRIVE_ADD_DRIVE_OPTS_SERVER, servers,
                                           -1), -1);
  assert_clean_error (g, "add_drive server");
  ck_assert_int_eq (qdrive_config (g, forgers[_i], NULL), -1);
  assert_clean_error (g, "config");
  ck_assert_int_eq (qdrive_set_accel (g, forgers[_i]), -1);
  assert_clean_error (g, "set_accel");
  ck_assert_int_eq (qdrive_set_backend (g, forgers[_i]), -1);
  assert_clean_error (g, "set_backend");

  /* Launch with a qemu that is not there: its name is quoted. */
  snprintf (path, sizeof path, "/nonexistent/%s", forgers[_i]);
  ck_assert_int_eq (qdrive_set_hv (g, path), 0);
  ck_assert_int_eq (qdrive_launch (g), -1);
  msg = assert_clean_error (g, "launch with a missing qemu");
  ck_assert_msg (strstr (msg, "cannot run qemu") != NULL, "%s", msg);
  qdrive_close (g);

  /* libvirt's own message, quoting the URI (the test driver reads
   * the file the URI names, and fails on it). */
  g = quiet_handle ();
  snprintf (uri, sizeof uri, "libvirt:test://%s/%s", dir.path, forgers[_i]);
  ck_assert_int_eq (qdrive_set_backend (g, uri), 0);
  ck_assert_int_eq (qdrive_add_drive (g, disk), 0);
  ck_assert_int_eq (qdrive_launch (g), -1);
  assert_clean_error (g, "launch through libvirt");
  qdrive_close (g);

  test_dir_free (&dir);
}
END_TEST

/* qemu's own messages end up in launch's error: a file qemu cannot
 * open, named to forge lines, is quoted by qemu, and by qdrive. */
START_TEST (test_hostile_qemu_messages)
{
  struct test_dir dir;
  char path[256];
  const char *msg;
  qdrive_h *g = launch_handle ();
  FILE *f;

  test_dir_init (&dir);
  test_file (&dir, "x\nqdrive: error: forged\x1b[2J", path, sizeof path);
  f = fopen (path, "w");
  ck_assert_ptr_nonnull (f);
  fputs ("not a qcow2 image", f);
  fclose (f);
  ck_assert_int_eq (qdrive_add_drive_opts (g, path, QDRIVE_ADD_DRIVE_OPTS_FORMAT,
                                           "qcow2", -1), 0);
  ck_assert_int_eq (qdrive_launch (g), -1);
  msg = assert_clean_error (g, "launch of a bad qcow2");
  ck_assert_msg (strstr (msg, "x\\nqdrive: error: forged\\x1b[2J") != NULL,
                 "the name, escaped, in: %s", msg);
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
  tcase_add_test (tc, test_hostile_non_utf8_names);
  tcase_add_loop_test (tc, test_hostile_error_texts, 0, NFORGERS);
  tcase_add_test (tc, test_hostile_qemu_messages);
  suite_add_tcase (s, tc);
  return run_suite (s);
}
