/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive: tests of the libvirt backend against libvirt's built-in test
 * driver (test:///default), which runs inside the client library: no
 * daemon, and libvirt's own XML parser.
 *
 * All connections a process opens to test:///default share one
 * driver, so the test opens its own connection and watches the
 * domains the handle creates and destroys.  Check forks each test, so
 * each starts from the driver's default state (one domain, "test"). */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "qdrive.h"

#define TMPDIR_TEMPLATE "/tmp/qdrive-libvirt-launch-XXXXXX"
#include "libvirt-testlib.h"
#include "libvirt-domains.h"

#define TEST_URI "test:///default"
#define BACKEND "libvirt:" TEST_URI
#define UNREACHABLE "qemu+unix:///system?socket=/nonexistent"

static virConnectPtr conn;      /* the test's own view of the driver */

static void
ignore_error (void *opaque, virErrorPtr err)
{
}

/* In each test's process: the test's own connection. */
static void
setup (void)
{
  virSetErrorFunc (NULL, ignore_error);
  conn = virConnectOpen (TEST_URI);
  ck_assert_msg (conn != NULL, "%s: %s", TEST_URI, virGetLastErrorMessage ());
}

static void
teardown (void)
{
  virConnectClose (conn);
}

static qdrive_h *
handle (const char *backend)
{
  qdrive_h *g = quiet_handle ();

  ck_assert_int_eq (qdrive_set_backend (g, backend), 0);
  return g;
}

static const struct qdrive_block_info *
find_info (const struct qdrive_block_info_list *l, const char *id)
{
  size_t i;

  for (i = 0; i < l->len; ++i)
    if (strcmp (l->val[i].id, id) == 0)
      return &l->val[i];
  ck_abort_msg ("block_info has no %s", id);
  return NULL;
}

/* launch, block_info with the cache modes libvirt kept, shutdown. */
START_TEST (test_launch_block_info_shutdown)
{
  qdrive_h *g = handle (BACKEND);
  char wb[4096], un[4096], ro[4096], name[64];
  struct qdrive_block_info_list *l;
  const struct qdrive_block_info *b;
  virDomainPtr dom;
  char *live;
  int before = count_domains (conn);

  tmpdir_file (wb, sizeof wb, "writeback.img");
  tmpdir_file (un, sizeof un, "unsafe.img");
  tmpdir_file (ro, sizeof ro, "readonly.img");
  ck_assert_int_eq (qdrive_add_drive_opts (g, wb,
                                           QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                                           -1), 0);
  ck_assert_int_eq (qdrive_add_drive_opts (g, un,
                                           QDRIVE_ADD_DRIVE_OPTS_CACHEMODE,
                                           "unsafe",
                                           QDRIVE_ADD_DRIVE_OPTS_IFACE,
                                           "virtio", -1), 0);
  ck_assert_int_eq (qdrive_add_drive_opts (g, ro,
                                           QDRIVE_ADD_DRIVE_OPTS_READONLY, 1,
                                           QDRIVE_ADD_DRIVE_OPTS_IFACE, "ide",
                                           QDRIVE_ADD_DRIVE_OPTS_FORMAT,
                                           "qcow2", -1), 0);
  domain_name (g, name, sizeof name);
  ck_assert (!domain_exists (conn, name));

  ck_assert_msg (qdrive_launch (g) == 0, "launch: %s", qdrive_last_error (g));
  ck_assert (domain_exists (conn, name));
  ck_assert_int_eq (count_domains (conn), before + 1);

  l = qdrive_block_info (g);
  ck_assert_msg (l != NULL, "block_info: %s", qdrive_last_error (g));
  ck_assert_uint_eq (l->len, 3);
  b = find_info (l, "hd0");
  ck_assert_str_eq (b->filename, wb);
  ck_assert_str_eq (b->format, "raw");
  ck_assert (b->cache_writeback && !b->cache_direct && !b->cache_no_flush);
  b = find_info (l, "hd1");
  ck_assert_str_eq (b->filename, un);
  ck_assert_str_eq (b->format, "");
  ck_assert (b->cache_writeback && !b->cache_direct && b->cache_no_flush);
  b = find_info (l, "hd2");
  ck_assert_str_eq (b->filename, ro);
  ck_assert_str_eq (b->format, "qcow2");
  ck_assert (b->cache_writeback && !b->cache_direct && !b->cache_no_flush);
  /* Transient: the file is never written, as with the direct backend. */
  ck_assert (b->readonly);
  b = find_info (l, "hd0");
  ck_assert (!b->readonly);
  /* In the order the drives were added. */
  ck_assert_str_eq (l->val[0].id, "hd0");
  ck_assert_str_eq (l->val[1].id, "hd1");
  ck_assert_str_eq (l->val[2].id, "hd2");
  qdrive_free_block_info_list (l);

  /* libvirt kept the rest too: the transient disk, the buses. */
  dom = virDomainLookupByName (conn, name);
  ck_assert_ptr_nonnull (dom);
  live = virDomainGetXMLDesc (dom, 0);
  ck_assert_ptr_nonnull (live);
  ck_assert_ptr_nonnull (strstr (live, "<transient/>"));
  ck_assert_ptr_nonnull (strstr (live, "bus='virtio'"));
  ck_assert_ptr_nonnull (strstr (live, "bus='ide'"));
  ck_assert_ptr_nonnull (strstr (live, "model='virtio-scsi'"));
  free (live);
  virDomainFree (dom);

  ck_assert_msg (qdrive_shutdown (g) == 0, "shutdown: %s",
                 qdrive_last_error (g));
  ck_assert (!domain_exists (conn, name));
  ck_assert_int_eq (count_domains (conn), before);

  /* Shut down for good. */
  ck_assert_ptr_null (qdrive_block_info (g));
  ck_assert_int_eq (qdrive_launch (g), -1);
  qdrive_close (g);
  ck_assert_int_eq (count_domains (conn), before);
}
END_TEST

/* A file name with quotes, '<', '&' and commas survives the XML both
 * ways. */
START_TEST (test_file_name_round_trip)
{
  static const char *const names[] = {
    "q'uo\"te<lt&amp,comma,,.img", "&lt;not-an-entity&gt;.img",
    "caf\xc3\xa9 ]]> x.img",
  };
  qdrive_h *g = handle (BACKEND);
  char paths[3][4096];
  struct qdrive_block_info_list *l;
  size_t i;

  for (i = 0; i < 3; ++i) {
    tmpdir_file (paths[i], sizeof paths[i], names[i]);
    ck_assert_int_eq (qdrive_add_drive_opts (g, paths[i],
                                             QDRIVE_ADD_DRIVE_OPTS_CACHEMODE,
                                             i == 1 ? "unsafe" : "writeback",
                                             -1), 0);
  }
  ck_assert_msg (qdrive_launch (g) == 0, "launch: %s", qdrive_last_error (g));
  l = qdrive_block_info (g);
  ck_assert_ptr_nonnull (l);
  ck_assert_uint_eq (l->len, 3);
  for (i = 0; i < 3; ++i) {
    char id[8];
    snprintf (id, sizeof id, "hd%zu", i);
    ck_assert_str_eq (find_info (l, id)->filename, paths[i]);
    ck_assert_int_eq (find_info (l, id)->cache_no_flush, i == 1);
  }
  qdrive_free_block_info_list (l);
  ck_assert_int_eq (qdrive_shutdown (g), 0);
  qdrive_close (g);
}
END_TEST

/* close destroys the domain of a handle still launched. */
START_TEST (test_close_destroys)
{
  qdrive_h *g = handle (BACKEND);
  char path[4096], name[64];
  int before = count_domains (conn);

  ck_assert_int_eq (qdrive_add_drive (g, tmpdir_file (path, sizeof path,
                                                    "d.img")), 0);
  domain_name (g, name, sizeof name);
  ck_assert_int_eq (qdrive_launch (g), 0);
  ck_assert (domain_exists (conn, name));
  qdrive_close (g);
  ck_assert (!domain_exists (conn, name));
  ck_assert_int_eq (count_domains (conn), before);
}
END_TEST

/* Network drives through libvirt: launched (the test driver connects
 * to nothing), block_info reports libvirt's protocol and the name on
 * the server.  A drive with a secret needs libvirt's secret driver,
 * which the test driver lacks: launch says so, naming the drive, and
 * leaves no domain. */
START_TEST (test_network_drives)
{
  qdrive_h *g = handle (BACKEND);
  struct qdrive_block_info_list *l;
  char name[64];
  int before = count_domains (conn);

  ck_assert_int_eq (qdrive_add_drive_opts (g, "exp", QDRIVE_ADD_DRIVE_OPTS_PROTOCOL,
                                           "nbd", QDRIVE_ADD_DRIVE_OPTS_SERVER,
                                           (char *[]) { "unix:/run/n.sock", NULL },
                                           -1), 0);
  ck_assert_int_eq (qdrive_add_drive_opts (g, "/x.img", QDRIVE_ADD_DRIVE_OPTS_PROTOCOL,
                                           "http", QDRIVE_ADD_DRIVE_OPTS_SERVER,
                                           (char *[]) { "web.example", NULL },
                                           QDRIVE_ADD_DRIVE_OPTS_READONLY, 1,
                                           -1), 0);
  ck_assert_msg (qdrive_launch (g) == 0, "%s", qdrive_last_error (g));
  l = qdrive_block_info (g);
  ck_assert_ptr_nonnull (l);
  ck_assert_str_eq (find_info (l, "hd0")->protocol, "nbd");
  ck_assert_str_eq (find_info (l, "hd0")->filename, "exp");
  ck_assert_str_eq (find_info (l, "hd1")->protocol, "http");
  ck_assert_str_eq (find_info (l, "hd1")->filename, "/x.img");
  ck_assert_int_eq (find_info (l, "hd1")->readonly, 1);
  qdrive_free_block_info_list (l);
  ck_assert_int_eq (qdrive_shutdown (g), 0);
  qdrive_close (g);

  g = handle (BACKEND);
  ck_assert_int_eq (qdrive_add_drive_opts (g, "iqn.x:y/0", QDRIVE_ADD_DRIVE_OPTS_PROTOCOL,
                                           "iscsi", QDRIVE_ADD_DRIVE_OPTS_SERVER,
                                           (char *[]) { "h", NULL },
                                           QDRIVE_ADD_DRIVE_OPTS_USERNAME, "u",
                                           QDRIVE_ADD_DRIVE_OPTS_SECRET, "Chap-Pw",
                                           -1), 0);
  domain_name (g, name, sizeof name);
  ck_assert_int_eq (qdrive_launch (g), -1);
  ck_assert_str_eq (qdrive_last_error (g), "launch: libvirt at " TEST_URI
                    " cannot define the secret of drive hd0: this function is "
                    "not supported by the connection driver: "
                    "virSecretDefineXML");
  ck_assert (!domain_exists (conn, name));
  ck_assert_int_eq (count_domains (conn), before);
  qdrive_close (g);
}
END_TEST

/* "libvirt" alone is libvirt's default URI (here set by the
 * environment, so the test never reaches a real daemon). */
START_TEST (test_default_uri)
{
  qdrive_h *g;
  char path[4096], name[64];

  ck_assert_int_eq (setenv ("LIBVIRT_DEFAULT_URI", TEST_URI, 1), 0);
  g = handle ("libvirt");
  ck_assert_int_eq (qdrive_add_drive (g, tmpdir_file (path, sizeof path,
                                                    "d.img")), 0);
  domain_name (g, name, sizeof name);
  ck_assert_msg (qdrive_launch (g) == 0, "launch: %s", qdrive_last_error (g));
  ck_assert (domain_exists (conn, name));
  ck_assert_int_eq (qdrive_shutdown (g), 0);
  ck_assert (!domain_exists (conn, name));
  qdrive_close (g);
}
END_TEST

/* An unreachable URI: a clear error carrying libvirt's message,
 * nothing printed by libvirt, and the handle unchanged. */
START_TEST (test_unreachable_uri)
{
  qdrive_h *g = handle ("libvirt:" UNREACHABLE);
  char path[4096], name[64];
  const char *err;
  char *printed;
  int before = count_domains (conn);

  ck_assert_int_eq (qdrive_add_drive (g, tmpdir_file (path, sizeof path,
                                                    "d.img")), 0);
  stderr_capture_begin ();
  ck_assert_int_eq (qdrive_launch (g), -1);
  printed = stderr_capture_end ();
  ck_assert_msg (*printed == '\0', "printed: %s", printed);
  free (printed);
  err = qdrive_last_error (g);
  ck_assert_msg (strncmp (err, "launch: cannot connect to libvirt at "
                          UNREACHABLE ": ",
                          strlen ("launch: cannot connect to libvirt at "
                                  UNREACHABLE ": ")) == 0, "%s", err);
  /* libvirt's own words. */
  ck_assert_msg (strstr (err, "/nonexistent") != NULL &&
                 strstr (err, "No such file or directory") != NULL,
                 "%s", err);
  ck_assert_int_eq (count_domains (conn), before);

  /* Still being configured: it can be pointed elsewhere and launched. */
  ck_assert_int_eq (qdrive_add_drive (g, tmpdir_file (path, sizeof path,
                                                    "d2.img")), 0);
  ck_assert_int_eq (qdrive_set_backend (g, BACKEND), 0);
  domain_name (g, name, sizeof name);
  ck_assert_msg (qdrive_launch (g) == 0, "launch: %s", qdrive_last_error (g));
  ck_assert (domain_exists (conn, name));
  qdrive_close (g);
  ck_assert_int_eq (count_domains (conn), before);
}
END_TEST

/* libvirt refuses the domain (its name is taken): libvirt's message,
 * and the failed launch destroys nothing but its own, leaving the
 * other domain alone. */
START_TEST (test_create_refused)
{
  qdrive_h *g = handle (BACKEND);
  char path[4096], name[64], xml[512], uuid[VIR_UUID_STRING_BUFLEN];
  virDomainPtr other;
  const char *err;
  char *printed;
  int before;

  ck_assert_int_eq (qdrive_add_drive (g, tmpdir_file (path, sizeof path,
                                                    "d.img")), 0);
  domain_name (g, name, sizeof name);
  snprintf (xml, sizeof xml,
            "<domain type='test'><name>%s</name>"
            "<memory unit='MiB'>128</memory>"
            "<os><type>hvm</type></os></domain>", name);
  other = virDomainCreateXML (conn, xml, 0);
  ck_assert_msg (other != NULL, "%s", virGetLastErrorMessage ());
  ck_assert_int_eq (virDomainGetUUIDString (other, uuid), 0);
  before = count_domains (conn);

  stderr_capture_begin ();
  ck_assert_int_eq (qdrive_launch (g), -1);
  printed = stderr_capture_end ();
  ck_assert_msg (*printed == '\0', "printed: %s", printed);
  free (printed);
  err = qdrive_last_error (g);
  ck_assert_msg (strstr (err, "launch: libvirt at " TEST_URI " cannot "
                         "create the domain: ") == err, "%s", err);
  ck_assert_msg (strstr (err, name) != NULL &&
                 strstr (err, "already exists") != NULL, "%s", err);

  /* The other domain is untouched, and nothing was added. */
  ck_assert_int_eq (count_domains (conn), before);
  {
    virDomainPtr d = virDomainLookupByUUIDString (conn, uuid);
    ck_assert_ptr_nonnull (d);
    ck_assert_int_eq (virDomainIsActive (d), 1);
    virDomainFree (d);
  }

  /* Once the name is free, the same handle launches. */
  ck_assert_int_eq (virDomainDestroy (other), 0);
  virDomainFree (other);
  ck_assert_msg (qdrive_launch (g) == 0, "launch: %s", qdrive_last_error (g));
  ck_assert_int_eq (qdrive_shutdown (g), 0);
  ck_assert_int_eq (count_domains (conn), before - 1);
  qdrive_close (g);
}
END_TEST

/* shutdown of a domain someone else destroyed: nothing left to do. */
START_TEST (test_domain_gone)
{
  qdrive_h *g = handle (BACKEND);
  char path[4096], name[64];
  virDomainPtr dom;
  const char *err;

  ck_assert_int_eq (qdrive_add_drive (g, tmpdir_file (path, sizeof path,
                                                    "d.img")), 0);
  domain_name (g, name, sizeof name);
  ck_assert_int_eq (qdrive_launch (g), 0);
  dom = virDomainLookupByName (conn, name);
  ck_assert_ptr_nonnull (dom);
  ck_assert_int_eq (virDomainDestroy (dom), 0);
  virDomainFree (dom);

  /* block_info says why it cannot answer, in libvirt's words. */
  ck_assert_ptr_null (qdrive_block_info (g));
  err = qdrive_last_error (g);
  ck_assert_msg (strstr (err, "block_info: cannot get the domain's XML from "
                         "libvirt at " TEST_URI ": ") == err, "%s", err);
  ck_assert_int_eq (qdrive_shutdown (g), 0);
  qdrive_close (g);
}
END_TEST

/* The accelerator settings all fit a connection that offers neither
 * kvm nor qemu: the test driver's own type is used. */
START_TEST (test_accel_on_test_driver)
{
  static const char *const accels[] = { "kvm", "tcg", "kvm:tcg" };
  char path[4096];
  size_t i;

  tmpdir_file (path, sizeof path, "d.img");
  for (i = 0; i < 3; ++i) {
    qdrive_h *g = handle (BACKEND);
    ck_assert_int_eq (qdrive_set_accel (g, accels[i]), 0);
    ck_assert_int_eq (qdrive_add_drive (g, path), 0);
    ck_assert_msg (qdrive_launch (g) == 0, "%s: %s", accels[i],
                   qdrive_last_error (g));
    ck_assert_int_eq (qdrive_shutdown (g), 0);
    qdrive_close (g);
  }
}
END_TEST

/* The appliance needs libvirt's qemu driver: on the test driver, a
 * clear error, no domain left, the handle still usable.  (It boots
 * through a real daemon in libvirt-appliance.sh.) */
START_TEST (test_appliance_refused)
{
  qdrive_h *g = handle (BACKEND);
  char path[4096];
  int before = count_domains (conn);

  ck_assert_int_eq (qdrive_add_drive (g, tmpdir_file (path, sizeof path,
                                                    "d.img")), 0);
  ck_assert_int_eq (qdrive_set_guest (g, "appliance"), 0);
  ck_assert_int_eq (qdrive_launch (g), -1);
  ck_assert_str_eq (qdrive_last_error (g),
                    "launch: guest \"appliance\" through libvirt needs "
                    "libvirt's qemu driver, and libvirt at " TEST_URI " runs "
                    "its TEST driver; use a qemu URI (qemu:///session, "
                    "qemu+ssh://HOST/system...), or guest \"stopped\"");
  ck_assert_int_eq (qdrive_last_errno (g), ENOTSUP);
  ck_assert_int_eq (count_domains (conn), before);
  ck_assert_int_eq (qdrive_set_guest (g, "stopped"), 0);
  ck_assert_msg (qdrive_launch (g) == 0, "%s", qdrive_last_error (g));
  ck_assert_int_eq (qdrive_shutdown (g), 0);
  qdrive_close (g);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("libvirt-launch");
  TCase *tc = tcase_create ("test-driver");

  tcase_add_unchecked_fixture (tc, make_tmpdir, remove_tmpdir);
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_launch_block_info_shutdown);
  tcase_add_test (tc, test_file_name_round_trip);
  tcase_add_test (tc, test_close_destroys);
  tcase_add_test (tc, test_default_uri);
  tcase_add_test (tc, test_unreachable_uri);
  tcase_add_test (tc, test_create_refused);
  tcase_add_test (tc, test_domain_gone);
  tcase_add_test (tc, test_accel_on_test_driver);
  tcase_add_test (tc, test_network_drives);
  tcase_add_test (tc, test_appliance_refused);
  suite_add_tcase (s, tc);
  return run_suite (s);
}
