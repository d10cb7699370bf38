/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive C tests: add_drive and friends, what each drive becomes on
 * the qemu command line, and every bad input refused with the handle
 * unchanged. */

#include <config.h>

#include <errno.h>
#include <limits.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>

#include "testlib.h"
#include "api-facts.h"

static struct test_dir dir;
static char disk[128];           /* DIR/disk.img */
static char more[4][128];        /* DIR/disk2.img ... disk5.img: qemu
                                  * gives a file to several drives only
                                  * if all are readonly */
static char comma[128];          /* DIR/comma,name.img */
static qdrive_h *g;

static void
setup (void)
{
  char name[16];
  size_t i;

  test_dir_init (&dir);
  test_file (&dir, "disk.img", disk, sizeof disk);
  for (i = 0; i < 4; ++i) {
    snprintf (name, sizeof name, "disk%zu.img", i + 2);
    test_file (&dir, name, more[i], sizeof more[i]);
  }
  test_file (&dir, "comma,name.img", comma, sizeof comma);
  g = quiet_handle ();
}

static void
teardown (void)
{
  qdrive_close (g);
  test_dir_free (&dir);
}

/* Asserts the drive arguments, with "D" in want replaced by the test
 * directory (which has no commas of its own). */
static void
assert_args (const char *want)
{
  char *got = drive_args (g), *expect = NULL;
  size_t len;
  FILE *f = open_memstream (&expect, &len);
  const char *p;

  for (p = want; *p; ++p) {
    if (*p == 'D' && p[1] == '/')
      fputs (dir.path, f);
    else
      putc (*p, f);
  }
  fclose (f);
  ck_assert_str_eq (got, expect);
  free (got);
  free (expect);
}

/* The rows of the table, one test each. */

START_TEST (test_unsafe)
{
  ck_assert_int_eq (qdrive_add_drive_opts (g, disk,
                                           QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                                           QDRIVE_ADD_DRIVE_OPTS_CACHEMODE, "unsafe",
                                           -1), 0);
  assert_args ("-drive file=D/disk.img,cache=unsafe,format=raw,id=hd0,if=none "
               "-device scsi-hd,drive=hd0");
}
END_TEST

START_TEST (test_writeback_default)
{
  ck_assert_int_eq (qdrive_add_drive_opts (g, disk,
                                           QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                                           -1), 0);
  ck_assert_int_eq (qdrive_add_drive_opts (g, more[0],
                                           QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                                           QDRIVE_ADD_DRIVE_OPTS_CACHEMODE, "writeback",
                                           -1), 0);
  assert_args ("-drive file=D/disk.img,cache=writeback,format=raw,id=hd0,if=none "
               "-device scsi-hd,drive=hd0 "
               "-drive file=D/disk2.img,cache=writeback,format=raw,id=hd1,if=none "
               "-device scsi-hd,drive=hd1");
}
END_TEST

START_TEST (test_no_optargs)
{
  ck_assert_int_eq (qdrive_add_drive (g, disk), 0);
  assert_args ("-drive file=D/disk.img,cache=writeback,id=hd0,if=none "
               "-device scsi-hd,drive=hd0");
}
END_TEST

START_TEST (test_comma)
{
  ck_assert_int_eq (qdrive_add_drive_opts (g, comma,
                                           QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                                           -1), 0);
  assert_args ("-drive file=D/comma,,name.img,cache=writeback,format=raw,"
               "id=hd0,if=none -device scsi-hd,drive=hd0");
}
END_TEST

START_TEST (test_discard)
{
  ck_assert_int_eq (qdrive_add_drive_opts (g, disk,
                                           QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                                           QDRIVE_ADD_DRIVE_OPTS_DISCARD, "enable",
                                           -1), 0);
  ck_assert_int_eq (qdrive_add_drive_opts (g, more[0],
                                           QDRIVE_ADD_DRIVE_OPTS_DISCARD, "besteffort",
                                           QDRIVE_ADD_DRIVE_OPTS_READONLY, 1,
                                           -1), 0);
  ck_assert_int_eq (qdrive_add_drive_opts (g, more[1],
                                           QDRIVE_ADD_DRIVE_OPTS_DISCARD, "disable",
                                           -1), 0);
  assert_args ("-drive file=D/disk.img,cache=writeback,format=raw,discard=unmap,"
               "id=hd0,if=none -device scsi-hd,drive=hd0 "
               "-drive file=D/disk2.img,cache=writeback,snapshot=on,discard=unmap,"
               "id=hd1,if=none -device scsi-hd,drive=hd1 "
               "-drive file=D/disk3.img,cache=writeback,id=hd2,if=none "
               "-device scsi-hd,drive=hd2");
}
END_TEST

START_TEST (test_copyonread)
{
  ck_assert_int_eq (qdrive_add_drive_opts (g, disk,
                                           QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                                           QDRIVE_ADD_DRIVE_OPTS_COPYONREAD, 1,
                                           -1), 0);
  assert_args ("-drive file=D/disk.img,cache=writeback,format=raw,"
               "copy-on-read=on,id=hd0,if=none -device scsi-hd,drive=hd0");
}
END_TEST

START_TEST (test_label_blocksize)
{
  ck_assert_int_eq (qdrive_add_drive_opts (g, disk,
                                           QDRIVE_ADD_DRIVE_OPTS_LABEL, "mylabel",
                                           -1), 0);
  ck_assert_int_eq (qdrive_add_drive_opts (g, more[0],
                                           QDRIVE_ADD_DRIVE_OPTS_BLOCKSIZE, 4096,
                                           -1), 0);
  ck_assert_int_eq (qdrive_add_drive_opts (g, more[1],
                                           QDRIVE_ADD_DRIVE_OPTS_BLOCKSIZE, 512,
                                           QDRIVE_ADD_DRIVE_OPTS_LABEL, "L_2",
                                           -1), 0);
  assert_args ("-drive file=D/disk.img,cache=writeback,id=hd0,if=none "
               "-device scsi-hd,drive=hd0,serial=mylabel "
               "-drive file=D/disk2.img,cache=writeback,id=hd1,if=none "
               "-device scsi-hd,drive=hd1,physical_block_size=4096,"
               "logical_block_size=4096 "
               "-drive file=D/disk3.img,cache=writeback,id=hd2,if=none "
               "-device scsi-hd,drive=hd2,serial=L_2,physical_block_size=512,"
               "logical_block_size=512");
}
END_TEST

START_TEST (test_readonly)
{
  ck_assert_int_eq (qdrive_add_drive_opts (g, disk,
                                           QDRIVE_ADD_DRIVE_OPTS_READONLY, 1,
                                           QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                                           -1), 0);
  ck_assert_int_eq (qdrive_add_drive_ro (g, disk), 0);
  ck_assert_int_eq (qdrive_add_drive_opts (g, more[0],
                                           QDRIVE_ADD_DRIVE_OPTS_READONLY, 0,
                                           -1), 0);
  assert_args ("-drive file=D/disk.img,cache=writeback,snapshot=on,format=raw,"
               "id=hd0,if=none -device scsi-hd,drive=hd0 "
               "-drive file=D/disk.img,cache=writeback,snapshot=on,id=hd1,if=none "
               "-device scsi-hd,drive=hd1 "
               "-drive file=D/disk2.img,cache=writeback,id=hd2,if=none "
               "-device scsi-hd,drive=hd2");
}
END_TEST

START_TEST (test_iface)
{
  int i;

  ck_assert_int_eq (qdrive_add_drive_opts (g, disk,
                                           QDRIVE_ADD_DRIVE_OPTS_IFACE, "virtio",
                                           -1), 0);
  for (i = 0; i < 3; ++i)
    ck_assert_int_eq (qdrive_add_drive_opts (g, more[i],
                                             QDRIVE_ADD_DRIVE_OPTS_IFACE, "ide",
                                             -1), 0);
  ck_assert_int_eq (qdrive_add_drive_opts (g, more[3],
                                           QDRIVE_ADD_DRIVE_OPTS_IFACE, "scsi",
                                           -1), 0);
  assert_args ("-drive file=D/disk.img,cache=writeback,id=hd0,if=none "
               "-device virtio-blk-pci,drive=hd0 "
               "-drive file=D/disk2.img,cache=writeback,id=hd1,if=none "
               "-device ide-hd,drive=hd1,bus=ide.0,unit=0 "
               "-drive file=D/disk3.img,cache=writeback,id=hd2,if=none "
               "-device ide-hd,drive=hd2,bus=ide.0,unit=1 "
               "-drive file=D/disk4.img,cache=writeback,id=hd3,if=none "
               "-device ide-hd,drive=hd3,bus=ide.1,unit=0 "
               "-drive file=D/disk5.img,cache=writeback,id=hd4,if=none "
               "-device scsi-hd,drive=hd4");
}
END_TEST

START_TEST (test_all_optargs)
{
  struct qdrive_drive_list *l;

  ck_assert_int_eq (qdrive_add_drive_opts (g, disk,
                                           QDRIVE_ADD_DRIVE_OPTS_READONLY, 1,
                                           QDRIVE_ADD_DRIVE_OPTS_FORMAT, "qcow2",
                                           QDRIVE_ADD_DRIVE_OPTS_IFACE, "virtio",
                                           QDRIVE_ADD_DRIVE_OPTS_NAME, "my disk",
                                           QDRIVE_ADD_DRIVE_OPTS_LABEL, "lbl",
                                           QDRIVE_ADD_DRIVE_OPTS_CACHEMODE, "unsafe",
                                           QDRIVE_ADD_DRIVE_OPTS_DISCARD, "besteffort",
                                           QDRIVE_ADD_DRIVE_OPTS_COPYONREAD, 1,
                                           QDRIVE_ADD_DRIVE_OPTS_BLOCKSIZE, 512,
                                           -1), 0);
  assert_args ("-drive file=D/disk.img,cache=unsafe,snapshot=on,format=qcow2,"
               "discard=unmap,copy-on-read=on,id=hd0,if=none "
               "-device virtio-blk-pci,drive=hd0,serial=lbl,"
               "physical_block_size=512,logical_block_size=512");

  l = qdrive_list_drives (g);
  ck_assert_ptr_nonnull (l);
  ck_assert_uint_eq (l->len, 1);
  ck_assert_int_eq (l->val[0].index, 0);
  ck_assert_str_eq (l->val[0].filename, disk);
  ck_assert_str_eq (l->val[0].format, "qcow2");
  ck_assert_str_eq (l->val[0].iface, "virtio");
  ck_assert_str_eq (l->val[0].cachemode, "unsafe");
  ck_assert_int_eq (l->val[0].readonly, 1);
  ck_assert_str_eq (l->val[0].discard, "besteffort");
  ck_assert_int_eq (l->val[0].copyonread, 1);
  ck_assert_str_eq (l->val[0].label, "lbl");
  ck_assert_str_eq (l->val[0].name, "my disk");
  ck_assert_int_eq (l->val[0].blocksize, 512);
  qdrive_free_drive_list (l);
}
END_TEST

START_TEST (test_list_defaults)
{
  struct qdrive_drive_list *l;

  ck_assert_int_eq (qdrive_add_drive (g, disk), 0);
  l = qdrive_list_drives (g);
  ck_assert_uint_eq (l->len, 1);
  ck_assert_str_eq (l->val[0].format, "");
  ck_assert_str_eq (l->val[0].iface, "scsi");
  ck_assert_str_eq (l->val[0].cachemode, "writeback");
  ck_assert_str_eq (l->val[0].discard, "disable");
  ck_assert_int_eq (l->val[0].readonly, 0);
  ck_assert_int_eq (l->val[0].copyonread, 0);
  ck_assert_str_eq (l->val[0].label, "");
  ck_assert_str_eq (l->val[0].name, "");
  ck_assert_int_eq (l->val[0].blocksize, 0);
  qdrive_free_drive_list (l);
}
END_TEST

START_TEST (test_relative)
{
  char cwd[PATH_MAX];

  ck_assert_ptr_nonnull (getcwd (cwd, sizeof cwd));
  ck_assert_int_eq (chdir (dir.path), 0);
  ck_assert_int_eq (qdrive_add_drive_opts (g, "disk.img",
                                           QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                                           -1), 0);
  ck_assert_int_eq (chdir (cwd), 0);
  assert_args ("-drive file=D/disk.img,cache=writeback,format=raw,id=hd0,"
               "if=none -device scsi-hd,drive=hd0");
}
END_TEST

/* Hostile names pass through as one value: the commas doubled, the
 * rest untouched. */
START_TEST (test_injection)
{
  char name[128];

  test_file (&dir, "x,format=qcow2", name, sizeof name);
  ck_assert_int_eq (qdrive_add_drive_opts (g, name,
                                           QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                                           -1), 0);
  assert_args ("-drive file=D/x,,format=qcow2,cache=writeback,format=raw,"
               "id=hd0,if=none -device scsi-hd,drive=hd0");
}
END_TEST

START_TEST (test_many_scsi)
{
  char **argv;
  size_t i, n;

  for (i = 0; i < 300; ++i)
    ck_assert_int_eq (qdrive_add_drive_opts (g, disk,
                                             QDRIVE_ADD_DRIVE_OPTS_READONLY, 1,
                                             -1), 0);
  argv = qdrive_get_qemu_command_line (g);
  for (n = 0; argv[n] != NULL; ++n)
    ;
  /* Four arguments a drive.  The 256th SCSI disk is target 255, the
   * 257th target 0 of LUN 1. */
  ck_assert_str_eq (argv[n - 177], "scsi-hd,drive=hd255");
  ck_assert_str_eq (argv[n - 173], "scsi-hd,drive=hd256,scsi-id=0,lun=1");
  ck_assert_str_eq (argv[n - 1], "scsi-hd,drive=hd299,scsi-id=43,lun=1");
  qdrive_free_string_list (argv);
}
END_TEST

/* Bad input: each refused with its message, and the handle as it was
 * before (the same command line and drive list). */

static char *before;

static void
bad_setup (void)
{
  setup ();
  ck_assert_int_eq (qdrive_add_drive_opts (g, comma,
                                           QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                                           -1), 0);
  before = drive_args (g);
}

static void
bad_teardown (void)
{
  char *after = drive_args (g);

  ck_assert_str_eq (after, before);
  free (after);
  free (before);
  teardown ();
}

#define BAD(call, msg)                               \
  do {                                               \
    ck_assert_int_eq ((call), -1);                   \
    ck_assert_error (g, (msg));                      \
    ck_assert_int_eq (qdrive_last_errno (g), EINVAL); \
  } while (0)

START_TEST (test_bad_cachemode)
{
  BAD (qdrive_add_drive_opts (g, disk,
                              QDRIVE_ADD_DRIVE_OPTS_CACHEMODE, "none", -1),
       "add_drive: cachemode: \"none\" is not valid; allowed: "
       FACT_CACHEMODE_ALLOWED);
  BAD (qdrive_add_drive_opts (g, disk,
                              QDRIVE_ADD_DRIVE_OPTS_CACHEMODE, "", -1),
       "add_drive: cachemode: \"\" is not valid; allowed: "
       FACT_CACHEMODE_ALLOWED);
  BAD (qdrive_add_drive_opts (g, disk,
                              QDRIVE_ADD_DRIVE_OPTS_CACHEMODE, "Unsafe", -1),
       "add_drive: cachemode: \"Unsafe\" is not valid; allowed: "
       FACT_CACHEMODE_ALLOWED);
}
END_TEST

START_TEST (test_bad_enums)
{
  BAD (qdrive_add_drive_opts (g, disk,
                              QDRIVE_ADD_DRIVE_OPTS_DISCARD, "on", -1),
       "add_drive: discard: \"on\" is not valid; allowed: "
       FACT_DISCARD_ALLOWED);
  BAD (qdrive_add_drive_opts (g, disk,
                              QDRIVE_ADD_DRIVE_OPTS_IFACE, "usb", -1),
       "add_drive: iface: \"usb\" is not valid; allowed: "
       FACT_IFACE_ALLOWED);
}
END_TEST

START_TEST (test_bad_null)
{
  BAD (qdrive_add_drive (g, NULL), "add_drive: filename: must not be NULL");
  BAD (qdrive_add_drive_opts (g, disk,
                              QDRIVE_ADD_DRIVE_OPTS_FORMAT, NULL, -1),
       "add_drive: format: must not be NULL");
  BAD (qdrive_add_drive_opts (g, disk,
                              QDRIVE_ADD_DRIVE_OPTS_CACHEMODE, NULL, -1),
       "add_drive: cachemode: must not be NULL");
  BAD (qdrive_add_drive_ro (g, NULL), "add_drive_ro: filename: must not be NULL");
}
END_TEST

START_TEST (test_bad_file)
{
  char missing[160], unreadable[160], msg[256];

  snprintf (missing, sizeof missing, "%s/missing.img", dir.path);
  snprintf (msg, sizeof msg,
            "add_drive: filename: \"%s\": No such file or directory", missing);
  ck_assert_int_eq (qdrive_add_drive (g, missing), -1);
  ck_assert_int_eq (qdrive_last_errno (g), ENOENT);
  ck_assert_error (g, msg);
  BAD (qdrive_add_drive (g, ""),
       "add_drive: filename: \"\" is not valid; allowed: the path of an existing file");

  /* root reads anything: the permission check only means something
   * for other users. */
  if (geteuid () != 0) {
    test_file (&dir, "unreadable.img", unreadable, sizeof unreadable);
    ck_assert_int_eq (chmod (unreadable, 0), 0);
    ck_assert_int_eq (qdrive_add_drive (g, unreadable), -1);
    ck_assert_int_eq (qdrive_last_errno (g), EACCES);
  }
}
END_TEST

/* What qemu cannot use as a disk is refused, saying what it is, also
 * through a symbolic link, and readonly or not; a block device is a
 * disk. */
START_TEST (test_bad_kind)
{
  char fifo[160], link[160], sock[160], msg[400];
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd;

  snprintf (fifo, sizeof fifo, "%s/fifo", dir.path);
  ck_assert_int_eq (mkfifo (fifo, 0600), 0);
  snprintf (msg, sizeof msg, "add_drive: filename: \"%s\" is a FIFO "
            "(named pipe); allowed: a regular file or a block device", fifo);
  BAD (qdrive_add_drive (g, fifo), msg);
  BAD (qdrive_add_drive_opts (g, fifo, QDRIVE_ADD_DRIVE_OPTS_READONLY, 1, -1),
       msg);
  snprintf (link, sizeof link, "%s/link-to-fifo", dir.path);
  ck_assert_int_eq (symlink (fifo, link), 0);
  snprintf (msg, sizeof msg, "add_drive: filename: \"%s\" is a FIFO "
            "(named pipe); allowed: a regular file or a block device", link);
  BAD (qdrive_add_drive (g, link), msg);

  snprintf (msg, sizeof msg, "add_drive: filename: \"%s\" is a directory; "
            "allowed: a regular file or a block device", dir.path);
  BAD (qdrive_add_drive (g, dir.path), msg);
  BAD (qdrive_add_drive (g, "/dev/null"), "add_drive: filename: \"/dev/null\" "
       "is a character device; allowed: a regular file or a block device");

  snprintf (sock, sizeof sock, "%s/sock", dir.path);
  ck_assert_uint_lt (strlen (sock), sizeof addr.sun_path);
  memcpy (addr.sun_path, sock, strlen (sock) + 1);
  fd = socket (AF_UNIX, SOCK_STREAM, 0);
  ck_assert_int_ge (fd, 0);
  ck_assert_int_eq (bind (fd, (struct sockaddr *) &addr, sizeof addr), 0);
  snprintf (msg, sizeof msg, "add_drive: filename: \"%s\" is a socket; "
            "allowed: a regular file or a block device", sock);
  BAD (qdrive_add_drive (g, sock), msg);
  close (fd);
}
END_TEST

/* The message refusing a second drive on hd<index>'s file. */
static void
shared_message (char *buf, size_t len, const char *call, const char *path,
                int index, const char *first)
{
  snprintf (buf, len, "%s: filename: \"%s\" is the file of drive hd%d "
            "(\"%s\") already; qemu opens a file for several drives only "
            "if all of them are readonly", call, path, index, first);
}

/* One file for several drives, which qemu refuses unless every one is
 * readonly: by the same name, a relative name, a hard link or a
 * symbolic link, and a scratch disk's file; readonly drives share a
 * file.  (bad_setup added comma, writable, as hd0.) */
START_TEST (test_bad_shared)
{
  char hard[160], soft[160], hard2[160], msg[600];
  const char *names[] = { comma, "comma,name.img", hard, soft };
  char *abs;
  struct qdrive_drive_list *l;
  size_t i;

  snprintf (hard, sizeof hard, "%s/hard-link.img", dir.path);
  snprintf (soft, sizeof soft, "%s/soft-link.img", dir.path);
  ck_assert_int_eq (link (comma, hard), 0);
  ck_assert_int_eq (symlink ("comma,name.img", soft), 0);
  ck_assert_int_eq (chdir (dir.path), 0);
  for (i = 0; i < sizeof names / sizeof names[0]; ++i) {
    ck_assert_int_ne (asprintf (&abs, "%s%s%s",
                                names[i][0] == '/' ? "" : dir.path,
                                names[i][0] == '/' ? "" : "/", names[i]), -1);
    shared_message (msg, sizeof msg, "add_drive", abs, 0, comma);
    BAD (qdrive_add_drive (g, names[i]), msg);
    shared_message (msg, sizeof msg, "add_drive_ro", abs, 0, comma);
    BAD (qdrive_add_drive_ro (g, names[i]), msg);
    free (abs);
  }

  /* Readonly drives share a file, but no writable one joins them. */
  snprintf (hard2, sizeof hard2, "%s/hard-link2.img", dir.path);
  ck_assert_int_eq (link (disk, hard2), 0);
  ck_assert_int_eq (qdrive_add_drive_ro (g, disk), 0);
  ck_assert_int_eq (qdrive_add_drive_ro (g, hard2), 0);
  free (before);
  before = drive_args (g);
  shared_message (msg, sizeof msg, "add_drive", hard2, 1, disk);
  BAD (qdrive_add_drive (g, hard2), msg);

  /* A scratch disk's file is taken too. */
  ck_assert_int_eq (qdrive_add_drive_scratch (g, 1 << 20, -1), 0);
  free (before);
  before = drive_args (g);
  l = qdrive_list_drives (g);
  ck_assert_uint_eq (l->len, 4);
  shared_message (msg, sizeof msg, "add_drive_ro", l->val[3].filename, 3,
                  l->val[3].filename);
  BAD (qdrive_add_drive_ro (g, l->val[3].filename), msg);
  qdrive_free_drive_list (l);
}
END_TEST

/* A block device node (only root may make one) is a disk. */
START_TEST (test_block_device)
{
  char node[160];

  if (geteuid () != 0)
    return;
  snprintf (node, sizeof node, "%s/loop", dir.path);
  ck_assert_int_eq (mknod (node, S_IFBLK | 0600, makedev (7, 0)), 0);
  ck_assert_int_eq (qdrive_add_drive (g, node), 0);
  ck_assert_uint_eq (count_drives (g), 1);
}
END_TEST

START_TEST (test_bad_label)
{
  BAD (qdrive_add_drive_opts (g, disk, QDRIVE_ADD_DRIVE_OPTS_LABEL, "", -1),
       "add_drive: label: \"\" is not valid; allowed: 1 to 20 characters, each a letter, a digit or _");
  BAD (qdrive_add_drive_opts (g, disk, QDRIVE_ADD_DRIVE_OPTS_LABEL,
                              "abcdefghijklmnopqrstu", -1),
       "add_drive: label: \"abcdefghijklmnopqrstu\" is not valid; allowed: 1 to 20 characters, each a letter, a digit or _");
  BAD (qdrive_add_drive_opts (g, disk, QDRIVE_ADD_DRIVE_OPTS_LABEL, "a,b", -1),
       "add_drive: label: \"a,b\" is not valid; allowed: 1 to 20 characters, each a letter, a digit or _");
  BAD (qdrive_add_drive_opts (g, disk, QDRIVE_ADD_DRIVE_OPTS_LABEL, "a b", -1),
       "add_drive: label: \"a b\" is not valid; allowed: 1 to 20 characters, each a letter, a digit or _");
  /* 20 characters is the most. */
  ck_assert_int_eq (qdrive_add_drive_opts (g, disk, QDRIVE_ADD_DRIVE_OPTS_LABEL,
                                           "abcdefghijklmnopqrst", -1), 0);
  /* ... and its drive is not part of the handle the teardown expects. */
  free (before);
  before = drive_args (g);
}
END_TEST

START_TEST (test_bad_format)
{
  BAD (qdrive_add_drive_opts (g, disk, QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw,x", -1),
       "add_drive: format: \"raw,x\" is not valid; allowed: a non-empty name of letters, digits, _ and -");
  BAD (qdrive_add_drive_opts (g, disk, QDRIVE_ADD_DRIVE_OPTS_FORMAT, "", -1),
       "add_drive: format: \"\" is not valid; allowed: a non-empty name of letters, digits, _ and -");
  BAD (qdrive_add_drive_opts (g, disk, QDRIVE_ADD_DRIVE_OPTS_FORMAT, "a=b", -1),
       "add_drive: format: \"a=b\" is not valid; allowed: a non-empty name of letters, digits, _ and -");
}
END_TEST

START_TEST (test_bad_blocksize)
{
  BAD (qdrive_add_drive_opts (g, disk, QDRIVE_ADD_DRIVE_OPTS_BLOCKSIZE, 1024, -1),
       "add_drive: blocksize: 1024 is not valid; allowed: 512, 4096");
  BAD (qdrive_add_drive_opts (g, disk, QDRIVE_ADD_DRIVE_OPTS_BLOCKSIZE, 0, -1),
       "add_drive: blocksize: 0 is not valid; allowed: 512, 4096");
  BAD (qdrive_add_drive_opts (g, disk, QDRIVE_ADD_DRIVE_OPTS_BLOCKSIZE, -512, -1),
       "add_drive: blocksize: -512 is not valid; allowed: 512, 4096");
  BAD (qdrive_add_drive_opts (g, disk, QDRIVE_ADD_DRIVE_OPTS_BLOCKSIZE, 4096,
                              QDRIVE_ADD_DRIVE_OPTS_IFACE, "ide", -1),
       "add_drive: blocksize: 4096 is not valid with iface \"ide\"; allowed with ide: 512");
}
END_TEST

START_TEST (test_bad_discard)
{
  BAD (qdrive_add_drive_opts (g, disk, QDRIVE_ADD_DRIVE_OPTS_DISCARD, "enable", -1),
       "add_drive: discard: \"enable\" needs the format to be given; give format, or use discard \"besteffort\"");
  BAD (qdrive_add_drive_opts (g, disk, QDRIVE_ADD_DRIVE_OPTS_DISCARD, "enable",
                              QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                              QDRIVE_ADD_DRIVE_OPTS_READONLY, 1, -1),
       "add_drive: discard: \"enable\" is refused for a readonly drive; allowed with readonly: disable, besteffort");
}
END_TEST

START_TEST (test_bad_name)
{
  BAD (qdrive_add_drive_opts (g, disk, QDRIVE_ADD_DRIVE_OPTS_NAME, "", -1),
       "add_drive: name: \"\" is not valid; allowed: a non-empty string");
}
END_TEST

START_TEST (test_too_many)
{
  int i;

  for (i = 0; i < 4; ++i)
    ck_assert_int_eq (qdrive_add_drive_opts (g, disk,
                                             QDRIVE_ADD_DRIVE_OPTS_IFACE, "ide",
                                             QDRIVE_ADD_DRIVE_OPTS_READONLY, 1,
                                             -1), 0);
  free (before);
  before = drive_args (g);
  BAD (qdrive_add_drive_opts (g, disk, QDRIVE_ADD_DRIVE_OPTS_IFACE, "ide", -1),
       "add_drive: iface: \"ide\" can hold at most 4 drives, and the handle has that many already");
  for (i = 0; i < 29; ++i)
    ck_assert_int_eq (qdrive_add_drive_opts (g, disk,
                                             QDRIVE_ADD_DRIVE_OPTS_IFACE, "virtio",
                                             QDRIVE_ADD_DRIVE_OPTS_READONLY, 1,
                                             -1), 0);
  free (before);
  before = drive_args (g);
  BAD (qdrive_add_drive_opts (g, disk, QDRIVE_ADD_DRIVE_OPTS_IFACE, "virtio", -1),
       "add_drive: iface: \"virtio\" can hold at most 29 drives, and the handle has that many already");
  /* Another interface still has room. */
  ck_assert_int_eq (qdrive_add_drive_ro (g, disk), 0);
  free (before);
  before = drive_args (g);
}
END_TEST

static Suite *
drives_suite (void)
{
  Suite *s = suite_create ("drives");
  TCase *tc = tcase_create ("command line");
  TCase *bad = tcase_create ("bad input");

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_unsafe);
  tcase_add_test (tc, test_writeback_default);
  tcase_add_test (tc, test_no_optargs);
  tcase_add_test (tc, test_comma);
  tcase_add_test (tc, test_discard);
  tcase_add_test (tc, test_copyonread);
  tcase_add_test (tc, test_label_blocksize);
  tcase_add_test (tc, test_readonly);
  tcase_add_test (tc, test_iface);
  tcase_add_test (tc, test_all_optargs);
  tcase_add_test (tc, test_list_defaults);
  tcase_add_test (tc, test_relative);
  tcase_add_test (tc, test_injection);
  tcase_add_test (tc, test_many_scsi);
  tcase_add_test (tc, test_block_device);
  suite_add_tcase (s, tc);

  tcase_add_checked_fixture (bad, bad_setup, bad_teardown);
  tcase_add_test (bad, test_bad_cachemode);
  tcase_add_test (bad, test_bad_enums);
  tcase_add_test (bad, test_bad_null);
  tcase_add_test (bad, test_bad_file);
  tcase_add_test (bad, test_bad_kind);
  tcase_add_test (bad, test_bad_shared);
  tcase_add_test (bad, test_bad_label);
  tcase_add_test (bad, test_bad_format);
  tcase_add_test (bad, test_bad_blocksize);
  tcase_add_test (bad, test_bad_discard);
  tcase_add_test (bad, test_bad_name);
  tcase_add_test (bad, test_too_many);
  suite_add_tcase (s, bad);
  return s;
}

int
main (void)
{
  return run_suite (drives_suite ());
}
