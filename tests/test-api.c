/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive C tests: the handle's settings, optional-argument plumbing
 * (_va, _argv), errors and their handlers, tracing, scratch drives,
 * the version. */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/stat.h>

#include "testlib.h"
#include "api-facts.h"

static struct test_dir dir;
static char disk[128];
static qdrive_h *g;

static void
setup (void)
{
  test_dir_init (&dir);
  test_file (&dir, "disk.img", disk, sizeof disk);
  g = quiet_handle ();
}

static void
teardown (void)
{
  qdrive_close (g);
  test_dir_free (&dir);
}

/* Settings. */

START_TEST (test_settings_defaults)
{
  char *s;

  ck_assert_int_eq (qdrive_get_memsize (g), 256);
  ck_assert_int_eq (qdrive_get_smp (g), 1);
  ck_assert_int_eq (qdrive_get_trace (g), 0);
  ck_assert_int_eq (qdrive_get_verbose (g), 0);
  ck_assert_int_eq (qdrive_get_launch_timeout (g), 60);
  s = qdrive_get_backend (g);
  ck_assert_str_eq (s, "direct");
  free (s);
  s = qdrive_get_accel (g);
  ck_assert_str_eq (s, getenv ("QDRIVE_ACCEL") ? getenv ("QDRIVE_ACCEL") : "kvm:tcg");
  free (s);
}
END_TEST

START_TEST (test_settings_set)
{
  char *s;
  char **argv;

  ck_assert_int_eq (qdrive_set_memsize (g, 1024), 0);
  ck_assert_int_eq (qdrive_get_memsize (g), 1024);
  ck_assert_int_eq (qdrive_set_smp (g, 4), 0);
  ck_assert_int_eq (qdrive_get_smp (g), 4);
  ck_assert_int_eq (qdrive_set_hv (g, "/opt/qemu/bin/qemu-kvm"), 0);
  s = qdrive_get_hv (g);
  ck_assert_str_eq (s, "/opt/qemu/bin/qemu-kvm");
  free (s);
  ck_assert_int_eq (qdrive_set_accel (g, "tcg"), 0);
  ck_assert_int_eq (qdrive_set_backend (g, "libvirt:qemu:///session"), 0);
  s = qdrive_get_backend (g);
  ck_assert_str_eq (s, "libvirt:qemu:///session");
  free (s);
  ck_assert_int_eq (qdrive_set_backend (g, "libvirt"), 0);
  ck_assert_int_eq (qdrive_set_backend (g, "direct"), 0);
  ck_assert_int_eq (qdrive_set_launch_timeout (g, 5), 0);
  ck_assert_int_eq (qdrive_get_launch_timeout (g), 5);
  ck_assert_int_eq (qdrive_config (g, "-rtc", "base=utc,clock=vm"), 0);
  ck_assert_int_eq (qdrive_config (g, "-no-reboot", NULL), 0);

  argv = qdrive_get_qemu_command_line (g);
  ck_assert_str_eq (argv[0], "/opt/qemu/bin/qemu-kvm");
  ck_assert_str_eq (argv[1], "-S");
  ck_assert_str_eq (argv[7], "accel=tcg");
  ck_assert_str_eq (argv[9], "1024");
  ck_assert_str_eq (argv[11], "4");
  /* The config parameters come last, as they were given. */
  {
    size_t n;
    for (n = 0; argv[n] != NULL; ++n)
      ;
    ck_assert_str_eq (argv[n - 3], "-rtc");
    ck_assert_str_eq (argv[n - 2], "base=utc,clock=vm");
    ck_assert_str_eq (argv[n - 1], "-no-reboot");
  }
  qdrive_free_string_list (argv);
}
END_TEST

START_TEST (test_settings_bad)
{
  char *s;

  ck_assert_int_eq (qdrive_set_memsize (g, 127), -1);
  ck_assert_error (g, "set_memsize: memsize: 127 is out of range; allowed: 128 to 1048576 (MiB)");
  ck_assert_int_eq (qdrive_set_memsize (g, 1048577), -1);
  ck_assert_int_eq (qdrive_get_memsize (g), 256);
  ck_assert_int_eq (qdrive_set_smp (g, 0), -1);
  ck_assert_error (g, "set_smp: smp: 0 is out of range; allowed: 1 to 255");
  ck_assert_int_eq (qdrive_set_smp (g, 256), -1);
  ck_assert_int_eq (qdrive_get_smp (g), 1);
  ck_assert_int_eq (qdrive_set_accel (g, "hvf"), -1);
  ck_assert_error (g, "set_accel: accel: \"hvf\" is not valid; allowed: "
                   FACT_ACCEL_ALLOWED);
  ck_assert_int_eq (qdrive_set_backend (g, "uml"), -1);
  ck_assert_error (g, "set_backend: backend: \"uml\" is not valid; allowed: direct, libvirt, libvirt:URI");
  ck_assert_int_eq (qdrive_set_backend (g, "libvirt:"), -1);
  s = qdrive_get_backend (g);
  ck_assert_str_eq (s, "direct");
  free (s);
  ck_assert_int_eq (qdrive_set_hv (g, ""), -1);
  ck_assert_error (g, "set_hv: hv: \"\" is not valid; allowed: a qemu binary, as a path or a name searched in PATH");
  ck_assert_int_eq (qdrive_set_hv (g, NULL), -1);
  ck_assert_error (g, "set_hv: hv: must not be NULL");
  ck_assert_int_eq (qdrive_set_launch_timeout (g, 0), -1);
  ck_assert_error (g, "set_launch_timeout: seconds: 0 is out of range; allowed: 1 to 3600");
  ck_assert_int_eq (qdrive_config (g, "rtc", NULL), -1);
  ck_assert_error (g, "config: qemuparam: \"rtc\" is not valid; allowed: a qemu parameter starting with -");
  ck_assert_int_eq (qdrive_config (g, "-drive", "file=/etc/passwd"), -1);
  ck_assert_error (g, "config: qemuparam: \"-drive\" is set by qdrive itself; not allowed: "
                   FACT_MANAGED_QEMU_PARAMS);
}
END_TEST

START_TEST (test_environment)
{
  qdrive_h *h;
  char *s;

  setenv ("QDRIVE_HV", "/usr/local/bin/my-qemu", 1);
  setenv ("QDRIVE_ACCEL", "tcg", 1);
  h = quiet_handle ();
  s = qdrive_get_hv (h);
  ck_assert_str_eq (s, "/usr/local/bin/my-qemu");
  free (s);
  s = qdrive_get_accel (h);
  ck_assert_str_eq (s, "tcg");
  free (s);
  qdrive_close (h);

  /* A bad accelerator in the environment: no handle, EINVAL, and the
   * message naming the variable, the value and what is allowed. */
  setenv ("QDRIVE_ACCEL", "fast", 1);
  errno = 0;
  h = qdrive_create ();
  ck_assert_ptr_null (h);
  ck_assert_int_eq (errno, EINVAL);
  ck_assert_str_eq (qdrive_last_error (NULL),
                    "create: QDRIVE_ACCEL: \"fast\" is not valid; "
                    "allowed: " FACT_ACCEL_ALLOWED);
  ck_assert_int_eq (qdrive_last_errno (NULL), EINVAL);
  /* A handle made since: no create error any more. */
  setenv ("QDRIVE_ACCEL", "tcg", 1);
  h = quiet_handle ();
  ck_assert_ptr_null (qdrive_last_error (NULL));
  ck_assert_int_eq (qdrive_last_errno (NULL), 0);
  qdrive_close (h);
}
END_TEST

/* The mechanics of optional arguments (_va, _argv, the checks the
 * generated wrapper makes), on the internal echo call, whose text shows
 * exactly what reached the implementation; and each public call's
 * wrapper checks its own options.  Counts and masks come from the
 * generated api-facts.h, not from a copy. */

static char *const no_strings[] = { NULL };

#define ECHO_REQ g, "s", NULL, no_strings, 0, 0, INT64_C(0), "writeback"
#define ECHO_TEXT "str=\"s\" optstr=NULL strlist=[] b=false i=0 i64=0 mode=writeback"

/* "CALL: unknown optional argument N; allowed: 0 to MAX, -1 ..." */
static void
ck_assert_unknown_index (qdrive_h *h, const char *call, int n, int count)
{
  char want[256];

  snprintf (want, sizeof want, "%s: unknown optional argument %d; allowed: "
            "0 to %d, -1 to end the list", call, n, count - 1);
  ck_assert_error (h, want);
}

static void
ck_assert_unknown_bit (qdrive_h *h, const char *call, uint64_t bits,
                       uint64_t all)
{
  char want[256];

  snprintf (want, sizeof want, "%s: unknown optional argument in bitmask "
            "0x%" PRIx64 "; allowed bits: 0x%" PRIx64, call, bits, all);
  ck_assert_error (h, want);
}

START_TEST (test_optargs_va_echo)
{
  char *r;

  r = qdrive_internal_echo (ECHO_REQ, -1);
  ck_assert_str_eq (r, ECHO_TEXT " obool=unset oint=unset oint64=unset "
                    "ostring=unset ostringlist=unset oenum=unset");
  free (r);
  /* Every optional argument, in any order, each of its type. */
  r = qdrive_internal_echo (ECHO_REQ,
                            QDRIVE_INTERNAL_ECHO_OENUM, "besteffort",
                            QDRIVE_INTERNAL_ECHO_OINT64, INT64_C(-5),
                            QDRIVE_INTERNAL_ECHO_OSTRINGLIST,
                            (char *const []) { "a", "b", NULL },
                            QDRIVE_INTERNAL_ECHO_OBOOL, 1,
                            QDRIVE_INTERNAL_ECHO_OSTRING, "x,y",
                            QDRIVE_INTERNAL_ECHO_OINT, 7,
                            -1);
  ck_assert_str_eq (r, ECHO_TEXT " obool=true oint=7 oint64=-5 "
                    "ostring=\"x,y\" ostringlist=[\"a\", \"b\"] oenum=besteffort");
  free (r);
}
END_TEST

START_TEST (test_optargs_va_errors)
{
  /* An index past the last optional argument, and a negative one. */
  ck_assert_ptr_null (qdrive_internal_echo (ECHO_REQ, FACT_INTERNAL_ECHO_NOPTARGS,
                                            "x", -1));
  ck_assert_unknown_index (g, "internal_echo", FACT_INTERNAL_ECHO_NOPTARGS,
                           FACT_INTERNAL_ECHO_NOPTARGS);
  ck_assert_ptr_null (qdrive_internal_echo (ECHO_REQ, 99, "x", -1));
  ck_assert_unknown_index (g, "internal_echo", 99, FACT_INTERNAL_ECHO_NOPTARGS);
  ck_assert_ptr_null (qdrive_internal_echo (ECHO_REQ, -2, -1));
  ck_assert_unknown_index (g, "internal_echo", -2, FACT_INTERNAL_ECHO_NOPTARGS);
  /* Repeated, even with another in between. */
  ck_assert_ptr_null (qdrive_internal_echo (ECHO_REQ,
                                            QDRIVE_INTERNAL_ECHO_OINT, 1,
                                            QDRIVE_INTERNAL_ECHO_OSTRING, "a",
                                            QDRIVE_INTERNAL_ECHO_OINT, 2,
                                            -1));
  ck_assert_error (g, "internal_echo: optional argument \"oint\" given more than once");
  /* NULL strings, and a bad enum value, are refused by the wrapper. */
  ck_assert_ptr_null (qdrive_internal_echo (ECHO_REQ, QDRIVE_INTERNAL_ECHO_OSTRING,
                                            (const char *) NULL, -1));
  ck_assert_error (g, "internal_echo: ostring: must not be NULL");
  ck_assert_ptr_null (qdrive_internal_echo (ECHO_REQ, QDRIVE_INTERNAL_ECHO_OENUM,
                                            "maybe", -1));
  ck_assert_error (g, "internal_echo: oenum: \"maybe\" is not valid; allowed: "
                   FACT_DISCARD_ALLOWED);

  /* The same checks are generated for each public call: add_drive's
   * and add_drive_scratch's, with their own counts and names. */
  ck_assert_int_eq (qdrive_add_drive_opts (g, disk, 99, "x", -1), -1);
  ck_assert_unknown_index (g, "add_drive", 99, FACT_ADD_DRIVE_NOPTARGS);
  ck_assert_int_eq (qdrive_add_drive_opts (g, disk, -2, -1), -1);
  ck_assert_unknown_index (g, "add_drive", -2, FACT_ADD_DRIVE_NOPTARGS);
  ck_assert_int_eq (qdrive_add_drive_opts (g, disk,
                                           QDRIVE_ADD_DRIVE_OPTS_CACHEMODE, "unsafe",
                                           QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                                           QDRIVE_ADD_DRIVE_OPTS_CACHEMODE, "writeback",
                                           -1), -1);
  ck_assert_error (g, "add_drive: optional argument \"cachemode\" given more than once");
  ck_assert_int_eq (qdrive_add_drive_scratch (g, 1024,
                                              QDRIVE_ADD_DRIVE_SCRATCH_LABEL, "a",
                                              QDRIVE_ADD_DRIVE_SCRATCH_LABEL, "b",
                                              -1), -1);
  ck_assert_error (g, "add_drive_scratch: optional argument \"label\" given more than once");
  ck_assert_uint_eq (count_drives (g), 0);
}
END_TEST

START_TEST (test_optargs_argv)
{
  struct qdrive_internal_echo_argv e = { .bitmask = 0 };
  struct qdrive_add_drive_opts_argv o = { .bitmask = 0 };
  struct qdrive_drive_list *l;
  char *args, *r, disk2[128];

  /* NULL is no optional arguments; a field whose bit is not set is
   * not read. */
  r = qdrive_internal_echo_argv (ECHO_REQ, NULL);
  ck_assert_ptr_nonnull (strstr (r, "oint=unset"));
  free (r);
  e.bitmask = QDRIVE_INTERNAL_ECHO_OINT_BITMASK;
  e.oint = 3;
  e.ostring = "ignored";
  r = qdrive_internal_echo_argv (ECHO_REQ, &e);
  ck_assert_ptr_nonnull (strstr (r, "oint=3 oint64=unset ostring=unset"));
  free (r);
  /* The first bit past the last optional argument, and the top bit. */
  e.bitmask = FACT_INTERNAL_ECHO_ALL_BITMASK + 1;
  ck_assert_ptr_null (qdrive_internal_echo_argv (ECHO_REQ, &e));
  ck_assert_unknown_bit (g, "internal_echo", e.bitmask,
                         FACT_INTERNAL_ECHO_ALL_BITMASK);
  e.bitmask = UINT64_C(1) << 63 | QDRIVE_INTERNAL_ECHO_OINT_BITMASK;
  ck_assert_ptr_null (qdrive_internal_echo_argv (ECHO_REQ, &e));
  ck_assert_unknown_bit (g, "internal_echo", e.bitmask,
                         FACT_INTERNAL_ECHO_ALL_BITMASK);
  e.bitmask = QDRIVE_INTERNAL_ECHO_OSTRINGLIST_BITMASK;
  e.ostringlist = NULL;
  ck_assert_ptr_null (qdrive_internal_echo_argv (ECHO_REQ, &e));
  ck_assert_error (g, "internal_echo: ostringlist: must not be NULL");

  /* add_drive's _argv, through to the command line (two files: two
   * writable drives cannot share one). */
  ck_assert_int_eq (qdrive_add_drive_opts_argv (g, disk, NULL), 0);
  o.bitmask = QDRIVE_ADD_DRIVE_OPTS_CACHEMODE_BITMASK |
    QDRIVE_ADD_DRIVE_OPTS_FORMAT_BITMASK;
  o.cachemode = "unsafe";
  o.format = "raw";
  o.label = "ignored";          /* its bit is not set */
  test_file (&dir, "disk2.img", disk2, sizeof disk2);
  ck_assert_int_eq (qdrive_add_drive_opts_argv (g, disk2, &o), 0);
  args = drive_args (g);
  ck_assert_ptr_nonnull (strstr (args, "cache=unsafe,format=raw,id=hd1,if=none -device scsi-hd,drive=hd1"));
  ck_assert_ptr_null (strstr (args, "serial"));
  free (args);

  o.bitmask = FACT_ADD_DRIVE_ALL_BITMASK + 1;
  ck_assert_int_eq (qdrive_add_drive_opts_argv (g, disk, &o), -1);
  ck_assert_unknown_bit (g, "add_drive", o.bitmask, FACT_ADD_DRIVE_ALL_BITMASK);
  o.bitmask = QDRIVE_ADD_DRIVE_OPTS_NAME_BITMASK;
  o.name = NULL;
  ck_assert_int_eq (qdrive_add_drive_opts_argv (g, disk, &o), -1);
  ck_assert_error (g, "add_drive: name: must not be NULL");
  l = qdrive_list_drives (g);
  ck_assert_uint_eq (l->len, 2);
  qdrive_free_drive_list (l);
}
END_TEST

static int
add_va (qdrive_h *h, const char *file, ...)
{
  va_list args;
  int r;

  va_start (args, file);
  r = qdrive_add_drive_opts_va (h, file, args);
  va_end (args);
  return r;
}

START_TEST (test_optargs_va)
{
  char *args;

  ck_assert_int_eq (add_va (g, disk, QDRIVE_ADD_DRIVE_OPTS_LABEL, "va", -1), 0);
  args = drive_args (g);
  ck_assert_ptr_nonnull (strstr (args, "scsi-hd,drive=hd0,serial=va"));
  free (args);
  ck_assert_int_eq (add_va (g, disk, QDRIVE_ADD_DRIVE_OPTS_CACHEMODE, "x", -1), -1);
  ck_assert_error (g, "add_drive: cachemode: \"x\" is not valid; allowed: "
                   FACT_CACHEMODE_ALLOWED);
}
END_TEST

/* Errors and handlers. */

static int calls;
static char last_msg[512];

static void
counting_handler (qdrive_h *h, void *opaque, const char *msg)
{
  calls += *(int *) opaque;
  snprintf (last_msg, sizeof last_msg, "%s", msg);
}

START_TEST (test_handlers)
{
  int one = 1, hundred = 100;
  void *opaque;
  char *captured;

  /* The default handler prints "qdrive: error: MESSAGE". */
  qdrive_h *h = qdrive_create ();
  stderr_capture_begin ();
  qdrive_set_memsize (h, 1);
  captured = stderr_capture_end ();
  ck_assert_str_eq (captured, "qdrive: error: set_memsize: memsize: 1 is out of range; allowed: 128 to 1048576 (MiB)\n");
  free (captured);
  qdrive_close (h);

  ck_assert_ptr_null (qdrive_get_error_handler (g, NULL));
  qdrive_set_error_handler (g, counting_handler, &one);
  ck_assert_ptr_eq (qdrive_get_error_handler (g, &opaque), counting_handler);
  ck_assert_ptr_eq (opaque, &one);
  qdrive_set_smp (g, 0);
  ck_assert_int_eq (calls, 1);
  ck_assert_str_eq (last_msg, "set_smp: smp: 0 is out of range; allowed: 1 to 255");

  qdrive_push_error_handler (g, counting_handler, &hundred);
  qdrive_set_smp (g, 0);
  ck_assert_int_eq (calls, 101);
  qdrive_push_error_handler (g, NULL, NULL);
  qdrive_set_smp (g, 0);
  ck_assert_int_eq (calls, 101);
  qdrive_pop_error_handler (g);
  qdrive_pop_error_handler (g);
  qdrive_set_smp (g, 0);
  ck_assert_int_eq (calls, 102);
  /* The bottom handler stays. */
  qdrive_pop_error_handler (g);
  qdrive_set_smp (g, 0);
  ck_assert_int_eq (calls, 103);
}
END_TEST

START_TEST (test_last_error)
{
  ck_assert_ptr_null (qdrive_last_error (g));
  ck_assert_int_eq (qdrive_last_errno (g), 0);
  ck_assert_int_eq (qdrive_set_smp (g, 0), -1);
  ck_assert_int_eq (qdrive_last_errno (g), EINVAL);
  /* A successful call leaves the last error as it was. */
  ck_assert_int_eq (qdrive_set_smp (g, 2), 0);
  ck_assert_error (g, "set_smp: smp: 0 is out of range; allowed: 1 to 255");
}
END_TEST

/* Tracing. */

START_TEST (test_trace)
{
  char want[1024], *captured;

  ck_assert_int_eq (qdrive_set_trace (g, 1), 0);
  stderr_capture_begin ();
  qdrive_add_drive_opts (g, disk,
                         QDRIVE_ADD_DRIVE_OPTS_CACHEMODE, "unsafe",
                         QDRIVE_ADD_DRIVE_OPTS_READONLY, 1,
                         QDRIVE_ADD_DRIVE_OPTS_BLOCKSIZE, 4096,
                         -1);
  qdrive_add_drive_opts (g, disk, QDRIVE_ADD_DRIVE_OPTS_CACHEMODE, "bad", -1);
  qdrive_get_memsize (g);
  qdrive_config (g, "-no-reboot", NULL);
  qdrive_free_string_list (qdrive_internal_rstringlist (g, "2"));
  qdrive_set_trace (g, 0);
  qdrive_get_memsize (g);
  captured = stderr_capture_end ();
  snprintf (want, sizeof want,
            "qdrive: trace: add_drive \"%s\" \"readonly:true\" \"cachemode:unsafe\" \"blocksize:4096\"\n"
            "qdrive: trace: add_drive = 0\n"
            "qdrive: trace: add_drive \"%s\" \"cachemode:bad\"\n"
            "qdrive: trace: add_drive = -1 (error)\n"
            "qdrive: trace: get_memsize\n"
            "qdrive: trace: get_memsize = 256\n"
            "qdrive: trace: config \"-no-reboot\" NULL\n"
            "qdrive: trace: config = 0\n"
            "qdrive: trace: internal_rstringlist \"2\"\n"
            "qdrive: trace: internal_rstringlist = [\"0\", \"1\"]\n"
            "qdrive: trace: set_trace false\n"
            "qdrive: trace: set_trace = 0\n",
            disk, disk);
  ck_assert_str_eq (captured, want);
  free (captured);
}
END_TEST

/* Scratch drives: sparse, unsafe, removed at close. */

START_TEST (test_scratch)
{
  struct qdrive_drive_list *l;
  struct stat st;
  char *path;

  ck_assert_int_eq (qdrive_add_drive_scratch (g, INT64_C(1) << 40,
                                              QDRIVE_ADD_DRIVE_SCRATCH_LABEL, "s1",
                                              QDRIVE_ADD_DRIVE_SCRATCH_NAME, "big",
                                              QDRIVE_ADD_DRIVE_SCRATCH_BLOCKSIZE, 4096,
                                              -1), 0);
  ck_assert_int_eq (qdrive_add_drive_scratch (g, 512, -1), 0);
  l = qdrive_list_drives (g);
  ck_assert_uint_eq (l->len, 2);
  ck_assert_str_eq (l->val[0].cachemode, "unsafe");
  ck_assert_str_eq (l->val[0].format, "raw");
  ck_assert_str_eq (l->val[0].label, "s1");
  ck_assert_str_eq (l->val[0].name, "big");
  ck_assert_int_eq (l->val[0].blocksize, 4096);
  ck_assert_int_eq (stat (l->val[0].filename, &st), 0);
  ck_assert_int_eq (st.st_size, INT64_C(1) << 40);
  ck_assert_int_lt (st.st_blocks, 16);           /* sparse */
  path = strdup (l->val[0].filename);
  ck_assert_int_eq (stat (l->val[1].filename, &st), 0);
  ck_assert_int_eq (st.st_size, 512);
  qdrive_free_drive_list (l);

  qdrive_close (g);
  g = quiet_handle ();
  ck_assert_int_eq (stat (path, &st), -1);
  ck_assert_int_eq (errno, ENOENT);
  /* The private directory is gone too. */
  *strrchr (path, '/') = '\0';
  ck_assert_int_eq (stat (path, &st), -1);
  free (path);
}
END_TEST

START_TEST (test_scratch_bad)
{
  struct qdrive_drive_list *l;

  ck_assert_int_eq (qdrive_add_drive_scratch (g, 0, -1), -1);
  ck_assert_error (g, "add_drive_scratch: size: 0 is not valid; allowed: 1 or more bytes");
  ck_assert_int_eq (qdrive_add_drive_scratch (g, -1, -1), -1);
  ck_assert_error (g, "add_drive_scratch: size: -1 is not valid; allowed: 1 or more bytes");
  ck_assert_int_eq (qdrive_add_drive_scratch (g, 1024,
                                              QDRIVE_ADD_DRIVE_SCRATCH_LABEL, "bad label",
                                              -1), -1);
  ck_assert_error (g, "add_drive_scratch: label: \"bad label\" is not valid; allowed: 1 to 20 characters, each a letter, a digit or _");
  ck_assert_int_eq (qdrive_add_drive_scratch (g, 1024,
                                              QDRIVE_ADD_DRIVE_SCRATCH_BLOCKSIZE, 100,
                                              -1), -1);
  ck_assert_error (g, "add_drive_scratch: blocksize: 100 is not valid; allowed: 512, 4096");
  l = qdrive_list_drives (g);
  ck_assert_uint_eq (l->len, 0);
  qdrive_free_drive_list (l);
}
END_TEST

/* Calls that need a launched handle say so. */
START_TEST (test_not_launched)
{
  ck_assert_ptr_null (qdrive_block_info (g));
  ck_assert_error (g, "block_info: the virtual machine is not launched; call launch first");
  ck_assert_int_eq (qdrive_shutdown (g), -1);
  ck_assert_error (g, "shutdown: the virtual machine is not launched; call launch first");
}
END_TEST

/* The version: the header's macros, the library's answer and
 * configure.ac's version (config.h) are the same. */
START_TEST (test_version)
{
  struct qdrive_version *v = qdrive_version (g);
  char text[64];

  ck_assert_ptr_nonnull (v);
  ck_assert_int_eq (v->major, QDRIVE_VERSION_MAJOR);
  ck_assert_int_eq (v->minor, QDRIVE_VERSION_MINOR);
  ck_assert_int_eq (v->release, QDRIVE_VERSION_RELEASE);
  snprintf (text, sizeof text, "%d.%d.%d", v->major, v->minor, v->release);
  ck_assert_str_eq (text, PACKAGE_VERSION);
  qdrive_free_version (v);
}
END_TEST

static Suite *
api_suite (void)
{
  Suite *s = suite_create ("api");
  TCase *tc = tcase_create ("api");

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_settings_defaults);
  tcase_add_test (tc, test_settings_set);
  tcase_add_test (tc, test_settings_bad);
  tcase_add_test (tc, test_environment);
  tcase_add_test (tc, test_optargs_va_echo);
  tcase_add_test (tc, test_optargs_va_errors);
  tcase_add_test (tc, test_optargs_argv);
  tcase_add_test (tc, test_optargs_va);
  tcase_add_test (tc, test_handlers);
  tcase_add_test (tc, test_last_error);
  tcase_add_test (tc, test_trace);
  tcase_add_test (tc, test_scratch);
  tcase_add_test (tc, test_scratch_bad);
  tcase_add_test (tc, test_not_launched);
  tcase_add_test (tc, test_version);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return run_suite (api_suite ());
}
