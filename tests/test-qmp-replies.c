/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive C tests: QMP replies of the wrong shape, from a program posing
 * as qemu (fake-qemu.c: a real qemu does not send them).  Each is a
 * clear error naming the command and the member, never a crash or
 * another call's error, and the handle stays usable: shutdown and
 * close work, and leave nothing behind.  Run under valgrind by make
 * check-valgrind too. */

#include <config.h>

#include <errno.h>

#include "testlib.h"

TEST_DIR_FIXTURE

/* A handle whose qemu is fake-qemu answering as script says (lines of
 * "COMMAND REPLY", see fake-qemu.c). */
static qdrive_h *
fake_handle (const char *script)
{
  qdrive_h *g = quiet_handle ();
  char path[200];
  FILE *f;

  snprintf (path, sizeof path, "%s/script", dir.path);
  f = fopen (path, "w");
  ck_assert (f != NULL && fputs (script, f) >= 0 && fclose (f) == 0);
  ck_assert (setenv ("FAKE_QEMU_SCRIPT", path, 1) == 0);
  OK (g, qdrive_set_hv (g, FAKE_QEMU));
  OK (g, qdrive_set_launch_timeout (g, 10));
  return g;
}

/* The error contains every string of want (NULL-terminated), and no
 * sign of a NULL printed or of json-c's "success". */
static void
assert_error (qdrive_h *g, const char *const *want)
{
  const char *e = qdrive_last_error (g);

  ck_assert_msg (e != NULL, "no error");
  for (; *want; ++want)
    ck_assert_msg (strstr (e, *want) != NULL, "error \"%s\" lacks \"%s\"",
                   e, *want);
  ck_assert_msg (strstr (e, "(null)") == NULL && strstr (e, "success") == NULL,
                 "error \"%s\"", e);
}

/* Launch fails with the error; nothing is left. */
static void
launch_fails (const char *script, const char *const *want)
{
  qdrive_h *g = fake_handle (script);
  char *tmpdir = private_dir (g);

  ck_assert_msg (qdrive_launch (g) == -1, "launch with \"%s\" worked",
                 script);
  assert_error (g, want);
  assert_nothing_left (g, tmpdir);
}

#define W(...) (const char *const[]) { __VA_ARGS__, NULL }

/* A valid query-block answer for a handle without drives. */
#define NO_DRIVES "query-block {\"return\": []}\n"

START_TEST (test_greeting)
{
  launch_fails ("greeting null\n",
                W ("launch: qemu's QMP socket did not greet with "
                   "{\"QMP\": {...}}: null"));
  launch_fails ("greeting [1, 2]\n", W ("did not greet with", "[1,2]"));
  launch_fails ("greeting {\"QMP\": null}\n",
                W ("did not greet with", "{\"QMP\":null}"));
  launch_fails ("greeting {\"qmp\": {}}\n", W ("did not greet with"));
}
END_TEST

/* What any command's reply may get wrong, through qmp_capabilities. */
START_TEST (test_reply)
{
  launch_fails ("qmp_capabilities null\n",
                W ("launch: qemu's reply to \"qmp_capabilities\" is null; "
                   "expected an object"));
  launch_fails ("qmp_capabilities 42\n", W ("is an integer"));
  launch_fails ("qmp_capabilities \"ok\"\n", W ("is a string"));
  launch_fails ("qmp_capabilities {}\n",
                W ("\"qmp_capabilities\" with neither \"return\" nor "
                   "\"error\""));
  launch_fails ("qmp_capabilities {\"return\": null}\n",
                W ("qemu's reply to \"qmp_capabilities\": member \"return\" "
                   "is null"));
  launch_fails ("qmp_capabilities {\"return\": []}\n",
                W ("member \"return\" is a list; expected an object"));
  launch_fails ("qmp_capabilities {\"error\": null}\n",
                W ("qemu's reply to \"qmp_capabilities\": member \"error\" "
                   "is null; expected an object"));
  launch_fails ("qmp_capabilities {\"error\": {\"desc\": null}}\n",
                W ("qemu refused the QMP command \"qmp_capabilities\": (no "
                   "description)"));
  launch_fails ("qmp_capabilities {\"error\": {\"desc\": 7}}\n",
                W ("(no description)"));
  launch_fails ("qmp_capabilities {\"error\": {\"class\": \"GenericError\"}}\n",
                W ("(no description)"));
  launch_fails ("qmp_capabilities {\"error\": {\"desc\": \"no way\"}}\n",
                W ("qemu refused the QMP command \"qmp_capabilities\": no way"));
  /* An event in between is skipped; then a bad reply. */
  launch_fails ("qmp_capabilities {\"event\": \"X\"} {\"return\": null}\n",
                W ("member \"return\" is null"));
}
END_TEST

/* query-block at launch, which checks that qemu has every drive. */
START_TEST (test_query_block_at_launch)
{
  launch_fails ("query-block {\"return\": null}\n",
                W ("launch: qemu's reply to \"query-block\": member "
                   "\"return\" is null"));
  launch_fails ("query-block {\"return\": {}}\n",
                W ("launch: qemu's answer to query-block is not a list"));
  launch_fails ("query-block {\"return\": [null]}\n",
                W ("device 0 is null; expected an object"));
  launch_fails ("query-block {\"return\": [{\"device\": null}]}\n",
                W ("member \"device\" of device 0 is null; expected a "
                   "string"));
  launch_fails ("query-block {\"return\": [{\"device\": \"hd0\", "
                "\"inserted\": []}]}\n",
                W ("member \"inserted\" of hd0 is a list; expected an "
                   "object"));
}
END_TEST

/* block_info's queries, once launched: an error each time, and the
 * handle shuts down and closes cleanly after. */
static void
block_info_fails (const char *script, const char *const *want)
{
  qdrive_h *g = fake_handle (script);
  char *tmpdir = private_dir (g);

  LAUNCH (g);
  ck_assert_ptr_null (qdrive_block_info (g));
  assert_error (g, want);
  ck_assert_ptr_null (qdrive_block_info (g));
  assert_error (g, want);
  OK (g, qdrive_shutdown (g));
  assert_nothing_left (g, tmpdir);
}

/* A device as query-block gives it, with inserted's members as given
 * (file, drv, node-name, ro, cache, image). */
#define DEVICE(inserted) \
  "{\"device\": \"hd0\", \"inserted\": {" inserted "}}"
#define GOOD_INSERTED \
  "\"file\": \"/d.img\", \"drv\": \"raw\", \"node-name\": \"n0\", " \
  "\"ro\": false, \"cache\": {\"writeback\": true, \"direct\": false, " \
  "\"no-flush\": false}, \"image\": {\"filename\": \"/d.img\", " \
  "\"format\": \"raw\"}"
#define NODES(node) \
  "query-named-block-nodes {\"return\": [" node "]}\n"
#define GOOD_NODE \
  "{\"node-name\": \"n0\", \"file\": \"/d.img\", \"drv\": \"raw\", " \
  "\"ro\": false, \"cache\": {\"writeback\": true, \"direct\": false, " \
  "\"no-flush\": false}}"

START_TEST (test_block_info)
{
  block_info_fails (NO_DRIVES "query-block {\"return\": null}\n",
                    W ("block_info: qemu's reply to \"query-block\": member "
                       "\"return\" is null"));
  block_info_fails (NO_DRIVES "query-block {\"return\": [" DEVICE (
                      "\"file\": null, \"drv\": \"raw\"") "]}\n",
                    W ("member \"file\" of hd0's medium is null; expected a "
                       "string"));
  block_info_fails (NO_DRIVES "query-block {\"return\": [" DEVICE (
                      "\"file\": \"/d.img\", \"drv\": 3") "]}\n",
                    W ("member \"drv\" of hd0's medium is an integer"));
  block_info_fails (NO_DRIVES "query-block {\"return\": [" DEVICE (
                      "\"file\": \"/d.img\", \"drv\": \"raw\", "
                      "\"node-name\": \"n0\", \"ro\": \"no\"") "]}\n",
                    W ("member \"ro\" of hd0's medium is a string; expected a "
                       "boolean"));
  block_info_fails (NO_DRIVES "query-block {\"return\": [" DEVICE (
                      GOOD_INSERTED ", \"cache\": {\"writeback\": null}") "]}\n",
                    W ("member \"writeback\" of hd0's medium's cache is null"));
  block_info_fails (NO_DRIVES "query-block {\"return\": [" DEVICE (
                      GOOD_INSERTED ", \"image\": []") "]}\n",
                    W ("member \"image\" of hd0's medium is a list"));
  block_info_fails (NO_DRIVES "query-block {\"return\": [" DEVICE (
                      GOOD_INSERTED ", \"image\": {\"filename\": 1}") "]}\n",
                    W ("member \"filename\" of hd0's medium's image is an "
                       "integer; expected a string"));
  block_info_fails (NO_DRIVES "query-block {\"return\": [" DEVICE (
                      GOOD_INSERTED ", \"image\": {\"filename\": \"/o\", "
                      "\"format\": \"qcow2\", \"backing-image\": "
                      "{\"filename\": null}}") "]}\n",
                    W ("member \"filename\" of hd0's medium's backing image "
                       "1 is null"));
  block_info_fails (NO_DRIVES "query-block {\"return\": [" DEVICE (
                      GOOD_INSERTED) "]}\n"
                    "query-named-block-nodes {\"return\": {}}\n",
                    W ("block_info: qemu's answer to query-named-block-nodes "
                       "is not a list"));
  block_info_fails (NO_DRIVES "query-block {\"return\": [" DEVICE (
                      GOOD_INSERTED) "]}\n"
                    NODES ("{\"node-name\": \"n0\", \"file\": []}"),
                    W ("member \"file\" of node 0 is a list"));
  block_info_fails (NO_DRIVES "query-block {\"return\": [" DEVICE (
                      GOOD_INSERTED) "]}\n"
                    NODES (GOOD_NODE ", {\"node-name\": \"n1\", \"file\": "
                           "\"/d.img\", \"drv\": \"file\", \"ro\": false, "
                           "\"cache\": null}"),
                    W ("member \"cache\" of node 1 is null"));
}
END_TEST

/* The shapes above are what qemu's real answers have: one well-formed
 * block_info from the fake, as a control. */
START_TEST (test_block_info_good)
{
  qdrive_h *g = fake_handle (NO_DRIVES "query-block {\"return\": [" DEVICE (
                               GOOD_INSERTED) "]}\n" NODES (GOOD_NODE));
  char *tmpdir = private_dir (g);
  struct qdrive_block_info_list *l;

  LAUNCH (g);
  l = block_info_of (g, 1);
  ck_assert_str_eq (l->val[0].id, "hd0");
  ck_assert_str_eq (l->val[0].filename, "/d.img");
  ck_assert_int_eq (l->val[0].cache_writeback, 1);
  qdrive_free_block_info_list (l);
  OK (g, qdrive_shutdown (g));
  assert_nothing_left (g, tmpdir);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("qmp replies");
  TCase *tc = tcase_create ("qmp replies");

  tcase_add_checked_fixture (tc, dir_setup, dir_teardown);
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_greeting);
  tcase_add_test (tc, test_reply);
  tcase_add_test (tc, test_query_block_at_launch);
  tcase_add_test (tc, test_block_info);
  tcase_add_test (tc, test_block_info_good);
  suite_add_tcase (s, tc);
  return run_suite (s);
}
