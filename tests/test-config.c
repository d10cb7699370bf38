/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive C tests: config, the allow-list of qemu parameters.  Every
 * parameter qemu 7.2 lists in -help (and those it takes without
 * listing them) is refused unless it is on the list, in both
 * spellings; each allowed one takes a value exactly when qemu does;
 * the values of -device, -object, -netdev, -nic and -serial that could
 * add a drive, a host file or a process are refused however they are
 * written; a refusal leaves the handle as it was.  Then one launch
 * shows that qemu takes what config allows, and has no drive but the
 * handle's. */

#include <config.h>

#include <errno.h>
#include <stdbool.h>

#include "testlib.h"
#include "api-facts.h"

static const struct {
  const char *name;
  int takes_value;
} allowed[] = FACT_CONFIG_PARAMS;

static qdrive_h *g;
static char *before;

static void
setup (void)
{
  g = quiet_handle ();
  before = drive_args (g);
}

static void
teardown (void)
{
  free (before);
  qdrive_close (g);
}

/* The handle's command line is as it was. */
static void
assert_unchanged (void)
{
  char *now_args = drive_args (g);

  ck_assert_str_eq (now_args, before);
  free (now_args);
}

static int
allowed_index (const char *param)
{
  const char *name = param[1] == '-' ? param + 1 : param;
  int i;

  for (i = 0; allowed[i].name != NULL; ++i)
    if (strcmp (name, allowed[i].name) == 0)
      return i;
  return -1;
}

/* config (param, value) is refused with an error containing want. */
static void
refused (const char *param, const char *value, const char *want)
{
  const char *e;

  ck_assert_msg (qdrive_config (g, param, value) == -1,
                 "config \"%s\" \"%s\" was accepted", param,
                 value ? value : "NULL");
  e = qdrive_last_error (g);
  ck_assert_msg (strstr (e, want) != NULL, "config %s %s: \"%s\" lacks \"%s\"",
                 param, value ? value : "NULL", e, want);
  ck_assert_int_eq (qdrive_last_errno (g), EINVAL);
  assert_unchanged ();
}

static void
accepted (const char *param, const char *value)
{
  ck_assert_msg (qdrive_config (g, param, value) == 0, "config %s %s: %s",
                 param, value ? value : "NULL", qdrive_last_error (g));
  free (before);
  before = drive_args (g);
}

/* One qemu parameter, in both spellings: refused unless allowed, and
 * then taken with a value exactly when it takes one. */
static void
check_param (const char *name)
{
  char spelt[2][64], want[160];
  int i, k;

  snprintf (spelt[0], sizeof spelt[0], "%s", name);
  snprintf (spelt[1], sizeof spelt[1], "-%s", name);
  for (k = 0; k < 2; ++k) {
    const char *p = spelt[k];
    i = allowed_index (p);
    if (i == -1) {
      snprintf (want, sizeof want, "config: qemuparam: \"%s\" is ", p);
      refused (p, "x", want);
      refused (p, NULL, want);
    }
    else if (allowed[i].takes_value) {
      refused (p, NULL, "which takes a value");
      /* A value the parameter's own checks take. */
      accepted (p, strcmp (name, "-object") == 0 ? "iothread,id=x"
                : strcmp (name, "-netdev") == 0 || strcmp (name, "-nic") == 0
                ? "user" : "0");
    }
    else {
      refused (p, "/some/file", "which takes none");
      accepted (p, NULL);
    }
  }
}

/* Every parameter qemu's -help lists ("-fda/-fdb" is two), and those
 * it takes without listing. */
START_TEST (test_every_qemu_param)
{
  static const char *const unlisted[] = {
    "-M", "-help", "-?", "-qtest", "-qtest-log", "-hdb", "-hdd", "-fdb",
  };
  FILE *f = popen ("qemu-system-x86_64 -help", "r");
  char line[1024], *name, *slash;
  size_t i, n = 0;

  ck_assert_msg (f != NULL, "qemu-system-x86_64 -help: %s", strerror (errno));
  while (fgets (line, sizeof line, f) != NULL) {
    if (line[0] != '-')
      continue;
    name = strtok (line, " \t\n[");
    for (; name != NULL; name = slash) {
      slash = strchr (name, '/');
      if (slash != NULL)
        *slash++ = '\0';
      /* --preconfig is listed with both dashes. */
      check_param (name[1] == '-' ? name + 1 : name);
      n++;
    }
  }
  ck_assert_int_eq (pclose (f), 0);
  ck_assert_msg (n > 100, "qemu -help listed only %zu parameters", n);
  for (i = 0; i < sizeof unlisted / sizeof unlisted[0]; ++i)
    check_param (unlisted[i]);
  /* And every allowed one, listed or not. */
  for (i = 0; allowed[i].name != NULL; ++i)
    check_param (allowed[i].name);
}
END_TEST

/* What qdrive sets itself is refused saying so, in both spellings. */
START_TEST (test_managed)
{
  char managed[] = FACT_MANAGED_QEMU_PARAMS, want[512], spelt[64], *p;
  int n = 0;

  for (p = strtok (managed, ", "); p != NULL; p = strtok (NULL, ", "), ++n) {
    snprintf (want, sizeof want, "config: qemuparam: \"%s\" is set by qdrive "
              "itself; not allowed: " FACT_MANAGED_QEMU_PARAMS, p);
    refused (p, "1", want);
    snprintf (spelt, sizeof spelt, "-%s", p);
    snprintf (want, sizeof want, "config: qemuparam: \"%s\" is set by qdrive "
              "itself", spelt);
    refused (spelt, "1", want);
  }
  ck_assert_int_gt (n, 10);
  /* Not a parameter at all: qemu would take a bare word as a disk. */
  refused ("disk.img", NULL, "qemuparam: \"disk.img\" is not valid; allowed: "
           "a qemu parameter starting with -");
  refused ("-", NULL, "qemuparam: \"-\" is not valid");
  refused ("--", NULL, "qemuparam: \"--\" is not valid");
}
END_TEST

/* A flag must not swallow a word, which qemu would open as a disk. */
START_TEST (test_flag_value)
{
  refused ("-no-reboot", "/some/file", "config: qemuvalue: \"/some/file\" is "
           "not valid for -no-reboot, which takes none (qemu would read it "
           "as a disk's file); allowed: NULL");
  refused ("--nographic", "", "qemuvalue: \"\" is not valid for --nographic");
  refused ("-cpu", NULL, "config: qemuvalue: NULL is not valid for -cpu, "
           "which takes a value; allowed: a string");
}
END_TEST

/* -device: no storage device, no host device or file, however the
 * driver is named. */
START_TEST (test_device)
{
  static const char *const refused_devices[] = FACT_CONFIG_REFUSED_DEVICES;
  /* DRIVER, DRIVER,id=x, driver=DRIVER, id=x,driver=DRIVER,
   * e1000,driver=DRIVER: what comes before the name, and after. */
  static const char *const prefix[] = {
    "", "", "driver=", "id=x,driver=", "e1000,driver=",
  };
  static const char *const suffix[] = { "", ",id=x", "", "", "" };
  char value[128], want[160];
  size_t i, k;

  for (i = 0; refused_devices[i] != NULL; ++i) {
    snprintf (want, sizeof want, "\"%s\" is a storage device, or gives the "
              "guest a host device or file", refused_devices[i]);
    for (k = 0; k < sizeof prefix / sizeof prefix[0]; ++k) {
      snprintf (value, sizeof value, "%s%s%s", prefix[k], refused_devices[i],
                suffix[k]);
      refused ("-device", value, want);
      refused ("--device", value, want);
    }
  }
  refused ("-device", "{\"driver\": \"e1000\"}", "config: qemuvalue: "
           "\"{\"driver\": \"e1000\"}\" is not valid for -device: it is JSON; "
           "allowed: qemu's driver,KEY=VALUE,... form");
  refused ("-device", " {\"driver\": \"ide-cd\"}", "it is JSON");
  accepted ("-device", "virtio-rng-pci,id=rng0");
  /* A doubled comma is part of the value: no driver named ide-cd. */
  accepted ("-device", "e1000,id=a,,driver=ide-cd");
}
END_TEST

START_TEST (test_object)
{
  refused ("-object", "memory-backend-file,id=m,mem-path=/etc/passwd",
           "config: qemuvalue: \"memory-backend-file,id=m,mem-path=/etc/passwd\" "
           "is not valid for -object: qom-type \"memory-backend-file\" is not "
           "one config adds; allowed: iothread, rng-builtin, rng-random, "
           "memory-backend-ram");
  refused ("-object", "qom-type=throttle-group,id=t", "\"throttle-group\" is not");
  refused ("-object", "iothread,id=a,qom-type=secret", "\"secret\" is not");
  refused ("-object", "{\"qom-type\": \"iothread\", \"id\": \"a\"}", "JSON");
  accepted ("-object", "iothread,id=io0");
}
END_TEST

START_TEST (test_netdev)
{
  refused ("-netdev", "tap,id=n,script=/bin/evil", "type \"tap\" is not one "
           "config adds; allowed: user, socket, stream, dgram, hubport");
  refused ("-netdev", "user,id=n,smb=/home", "config: qemuvalue: "
           "\"user,id=n,smb=/home\" is not valid for -netdev: smb= is refused");
  refused ("-nic", "user,guestfwd=tcp:10.0.2.1:80-cmd:/bin/sh",
           "guestfwd= is refused");
  refused ("-nic", "bridge,br=br0", "type \"bridge\" is not");
  refused ("-netdev", "{\"type\": \"user\", \"id\": \"n\"}", "JSON");
  accepted ("-netdev", "user,id=n0");
  accepted ("-nic", "user,model=virtio-net-pci");
}
END_TEST

START_TEST (test_serial)
{
  refused ("-serial", "mon:stdio", "config: qemuvalue: \"mon:stdio\" is not "
           "valid for -serial: it would be a monitor or another character "
           "device's");
  refused ("--serial", "chardev:qmp", "would be a monitor");
  accepted ("-serial", "null");
}
END_TEST

/* qemu takes what config allows, and the running machine has the
 * handle's one drive and no other. */
START_TEST (test_launch)
{
  struct test_dir dir;
  char disk[128];
  struct qdrive_block_info_list *l;
  static const char *const params[][2] = {
    { "-rtc", "base=utc" }, { "--name", "qdrive-config-test" },
    { "-no-shutdown", NULL }, { "-device", "virtio-rng-pci" },
    { "-object", "iothread,id=io0" }, { "-msg", "timestamp=on" },
    { "-nic", "user,model=virtio-net-pci" }, { "-boot", "order=c" },
    { "-serial", "null" }, { "-usb", NULL }, { "-no-reboot", NULL },
  };
  size_t i;

  test_dir_init (&dir);
  test_file (&dir, "disk.img", disk, sizeof disk);
  OK (g, qdrive_set_memsize (g, 128));
  OK (g, qdrive_add_drive_opts (g, disk, QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                                -1));
  for (i = 0; i < sizeof params / sizeof params[0]; ++i)
    OK (g, qdrive_config (g, params[i][0], params[i][1]));
  LAUNCH (g);
  l = block_info_of (g, 1);
  ck_assert_str_eq (l->val[0].filename, disk);
  qdrive_free_block_info_list (l);
  OK (g, qdrive_shutdown (g));
  test_dir_free (&dir);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("config");
  TCase *tc = tcase_create ("config");

  if (system ("command -v qemu-system-x86_64 >/dev/null") != 0) {
    fprintf (stderr, "test-config: qemu-system-x86_64 is needed: apt-get "
             "install qemu-system-x86 (or run ./quickstart)\n");
    return EXIT_FAILURE;
  }
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_every_qemu_param);
  tcase_add_test (tc, test_managed);
  tcase_add_test (tc, test_flag_value);
  tcase_add_test (tc, test_device);
  tcase_add_test (tc, test_object);
  tcase_add_test (tc, test_netdev);
  tcase_add_test (tc, test_serial);
  tcase_add_test (tc, test_launch);
  suite_add_tcase (s, tc);
  return run_suite (s);
}
