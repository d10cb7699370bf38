/* qdrive: guest "appliance" against real qemu (TCG) and the real guest
 * agent in the booted appliance.
 *
 * One boot serves every case (a TCG boot costs seconds): the handle is
 * launched once, before the cases, which then run one after another in
 * this process (Check's no-fork mode), and it is shut down after them,
 * where the last checks are that nothing is left behind.
 *
 * The drives:
 *   hd0  scsi   writeback  label WB      256 MiB scratch file
 *   hd1  scsi   unsafe     label UNSAFE  256 MiB scratch file
 *   hd2  virtio writeback  label VIRT    8 MiB, 'v' bytes
 *   hd3  scsi   readonly   (no label)    8 MiB, 'r' bytes */

#include <config.h>

#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qdrive.h"
#include "appliance-testlib.h"

static qdrive_h *g;
static struct test_dir dir;
static char *tmpdir;                    /* the handle's private directory */
static char *files[4];
static uint64_t readonly_sum;

static void
launch_once (void)
{
  static const struct { const char *name; size_t mib; int fill; } f[] = {
    { "wb.img", 256, 0 }, { "unsafe.img", 256, 0 },
    { "virt.img", 8, 'v' }, { "ro.img", 8, 'r' },
  };
  size_t i;

  test_dir_init (&dir);
  for (i = 0; i < 4; ++i)
    files[i] = make_file (&dir, f[i].name, f[i].mib, f[i].fill);
  readonly_sum = checksum (files[3]);

  g = appliance_handle ();
  OK (g, qdrive_add_drive_opts (g, files[0], QDRIVE_ADD_DRIVE_OPTS_FORMAT,
                                "raw", QDRIVE_ADD_DRIVE_OPTS_LABEL, "WB", -1));
  OK (g, qdrive_add_drive_opts (g, files[1], QDRIVE_ADD_DRIVE_OPTS_FORMAT,
                                "raw", QDRIVE_ADD_DRIVE_OPTS_LABEL, "UNSAFE",
                                QDRIVE_ADD_DRIVE_OPTS_CACHEMODE, "unsafe",
                                -1));
  OK (g, qdrive_add_drive_opts (g, files[2], QDRIVE_ADD_DRIVE_OPTS_FORMAT,
                                "raw", QDRIVE_ADD_DRIVE_OPTS_IFACE, "virtio",
                                QDRIVE_ADD_DRIVE_OPTS_LABEL, "VIRT", -1));
  OK (g, qdrive_add_drive_opts (g, files[3], QDRIVE_ADD_DRIVE_OPTS_FORMAT,
                                "raw", QDRIVE_ADD_DRIVE_OPTS_READONLY, 1, -1));
  tmpdir = private_dir (g);
  OK (g, qdrive_launch (g));
}

/* After every case: shut down, and check that nothing is left. */
static void
shutdown_once (void)
{
  OK (g, qdrive_shutdown (g));
  assert_nothing_left (g, tmpdir);
  test_dir_free (&dir);
}

/* ---- launch ---------------------------------------------------------- */

START_TEST (test_launched)
{
  char *s = qdrive_get_guest (g);

  ck_assert_str_eq (s, "appliance");
  free (s);
  ck_assert_msg (find_appliance_qemu (tmpdir) > 0, "no qemu runs");
}
END_TEST

/* block_info works with the appliance as with a stopped machine. */
START_TEST (test_block_info)
{
  struct qdrive_block_info_list *l = qdrive_block_info (g);

  ck_assert_msg (l != NULL, "%s", qdrive_last_error (g));
  ck_assert_uint_eq (l->len, 4);
  ck_assert_str_eq (l->val[0].id, "hd0");
  ck_assert (l->val[0].cache_writeback && !l->val[0].cache_no_flush);
  ck_assert (l->val[1].cache_no_flush);
  ck_assert (l->val[3].readonly);
  qdrive_free_block_info_list (l);
}
END_TEST

/* ---- the suite ------------------------------------------------------- */

static Suite *
appliance_suite (void)
{
  Suite *s = suite_create ("appliance");
  TCase *tc = tcase_create ("one boot");

  tcase_add_unchecked_fixture (tc, launch_once, shutdown_once);
  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_launched);
  tcase_add_test (tc, test_block_info);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr;
  int failed;

  require_appliance_tools ("test-appliance");
  sr = srunner_create (appliance_suite ());
  /* One process, so the cases share the launched handle. */
  srunner_set_fork_status (sr, CK_NOFORK);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
