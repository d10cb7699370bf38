/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive: the libvirt backend against a real libvirt daemon with the
 * real qemu driver, started for this suite by tests/private-libvirtd.sh
 * (Makefile: libvirt-daemon.sh), reached through its unix socket
 * (qemu+unix:///session?socket=...) and through its remote protocol
 * over TCP on 127.0.0.1 (qemu+tcp://127.0.0.1:PORT/session), and
 * libvirt's embedded driver (qemu:///embed) in the test's process.
 *
 * What it proves:
 *  - block_info through the daemon is what the real qemu behind it
 *    made of each drive, and equals the direct backend's block_info for
 *    the same drives, over either URI;
 *  - nothing assumes the daemon is local: with the TCP URI, add_drive
 *    leaves the file to the daemon (a file that is not there yet is
 *    accepted, a relative name refused), the daemon's refusals reach
 *    the caller in its own words, and scratch drives are volumes of
 *    the daemon's storage pool;
 *  - nothing is left: the daemon's domain list, its pool's volumes and
 *    libvirt's overlay files are checked before and after shutdown,
 *    close, a failed launch, and kill -9 of the owner;
 *  - the embedded driver works (qdrive runs an event loop for it), and
 *    its qemu dies with a killed owner (the watcher);
 *  - every option combination get_libvirt_xml writes is accepted by the
 *    real driver, as by libvirt's test driver.
 *
 * Check runs each test in a child process; the daemon is the suite's,
 * so each test leaves it as it found it: no domain, no volume. */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "qdrive.h"
#include "testlib.h"
#include "libvirt-domains.h"
#include "libvirt-daemonlib.h"
#include "netserver.h"

/* One drive of a set: a file (NULL: a scratch drive of 1 MiB) and the
 * optional arguments. */
struct spec {
  const char *file;
  struct qdrive_add_drive_opts_argv o;
};

#define BITS(opt) QDRIVE_ADD_DRIVE_OPTS_##opt##_BITMASK

static void
add_specs (qdrive_h *g, const struct spec *sp, size_t n)
{
  size_t i;

  for (i = 0; i < n; ++i) {
    if (sp[i].file == NULL)
      ck_assert_msg (qdrive_add_drive_scratch (g, 1 << 20, -1) == 0,
                     "add_drive_scratch: %s", qdrive_last_error (g));
    else
      ck_assert_msg (qdrive_add_drive_opts_argv (g, sp[i].file, &sp[i].o) == 0,
                     "add_drive %s: %s", sp[i].file, qdrive_last_error (g));
  }
}

/* The drives' block_info once launched through backend; shut down. */
static struct qdrive_block_info_list *
block_info_via (const char *backend, const struct spec *sp, size_t n)
{
  qdrive_h *g = handle (backend);
  struct qdrive_block_info_list *l;

  add_specs (g, sp, n);
  launch (g);
  l = qdrive_block_info (g);
  ck_assert_msg (l != NULL, "block_info: %s", qdrive_last_error (g));
  ck_assert_msg (qdrive_shutdown (g) == 0, "shutdown: %s",
                 qdrive_last_error (g));
  qdrive_close (g);
  return l;
}

/* What qemu must report for each drive. */
struct expect {
  const char *format;
  bool ro, wb, direct, noflush;
};

static void
assert_same (const char *via, const struct qdrive_block_info_list *direct,
             const struct qdrive_block_info_list *lv,
             const struct spec *sp, const struct expect *want, size_t n)
{
  size_t i;

  ck_assert_uint_eq (direct->len, n);
  ck_assert_msg (lv->len == n, "%s: %zu drives, want %zu", via, lv->len, n);
  for (i = 0; i < n; ++i) {
    const struct qdrive_block_info *a = &direct->val[i], *b = &lv->val[i];
    char id[16];

    snprintf (id, sizeof id, "hd%zu", i);
    ck_assert_str_eq (a->id, id);
    ck_assert_msg (strcmp (b->id, id) == 0, "%s: %s, want %s", via, b->id, id);
    /* qemu itself, as the direct backend sees it: the expectation. */
    ck_assert_msg (strcmp (a->format, want[i].format) == 0 &&
                   a->readonly == want[i].ro &&
                   a->cache_writeback == want[i].wb &&
                   a->cache_direct == want[i].direct &&
                   a->cache_no_flush == want[i].noflush,
                   "direct %s: %s ro=%d wb=%d direct=%d no-flush=%d", id,
                   a->format, a->readonly, a->cache_writeback,
                   a->cache_direct, a->cache_no_flush);
    /* The qemu behind libvirt made the same of it. */
    ck_assert_msg (strcmp (a->format, b->format) == 0 &&
                   a->readonly == b->readonly &&
                   a->cache_writeback == b->cache_writeback &&
                   a->cache_direct == b->cache_direct &&
                   a->cache_no_flush == b->cache_no_flush,
                   "%s %s: %s ro=%d wb=%d direct=%d no-flush=%d, direct "
                   "backend: %s ro=%d wb=%d direct=%d no-flush=%d", via, id,
                   b->format, b->readonly, b->cache_writeback,
                   b->cache_direct, b->cache_no_flush, a->format,
                   a->readonly, a->cache_writeback, a->cache_direct,
                   a->cache_no_flush);
    if (sp[i].file != NULL) {
      ck_assert_str_eq (a->filename, sp[i].file);
      ck_assert_msg (strcmp (b->filename, sp[i].file) == 0, "%s %s: %s",
                     via, id, b->filename);
    }
    else                        /* scratch: a volume of the daemon's pool */
      ck_assert_msg (strncmp (b->filename, pool_dir, strlen (pool_dir)) == 0
                     && b->filename[strlen (pool_dir)] == '/',
                     "%s %s: scratch drive at %s, not in %s", via, id,
                     b->filename, pool_dir);
  }
}

/* ---- block_info: the daemon's qemu, the direct backend's -------------- */

/* Every kind of drive the direct backend's own launch test uses (each
 * cache mode with raw and qcow2, read-only, the same file read-only
 * twice, discard, copy-on-read, a comma in the name, every interface,
 * a block size, a label, a scratch drive, a backing chain read-only):
 * the direct backend, the daemon over its unix socket, and the daemon
 * over TCP all report the same. */
START_TEST (test_block_info_matches_direct)
{
  char *raw = make_raw ("raw.img"), *raw_un = make_raw ("unsafe.img");
  char *q = make_qcow2 ("wb.qcow2", NULL), *q_un = make_qcow2 ("un.qcow2", NULL);
  char *ro = make_raw ("ro.img"), *dis = make_raw ("discard.img");
  char *dbe = make_qcow2 ("discard-be.qcow2", NULL);
  char *cor = make_qcow2 ("cor.qcow2", NULL);
  char *comma = make_raw ("a,b,,c.img"), *ide = make_raw ("ide.img");
  char *bs = make_raw ("bs4096.img"), *base = make_qcow2 ("base.qcow2", NULL);
  char *top = make_qcow2 ("top.qcow2", base);
  char *via_unix = backend_of (unix_uri), *via_tcp = backend_of (tcp_uri);
  const struct spec sp[] = {
    { raw, { .bitmask = BITS (FORMAT), .format = "raw" } },
    { raw_un, { .bitmask = BITS (FORMAT) | BITS (CACHEMODE),
                .format = "raw", .cachemode = "unsafe" } },
    { q, { .bitmask = BITS (FORMAT), .format = "qcow2" } },
    { q_un, { .bitmask = BITS (FORMAT) | BITS (CACHEMODE),
              .format = "qcow2", .cachemode = "unsafe" } },
    { ro, { .bitmask = BITS (FORMAT) | BITS (READONLY),
            .format = "raw", .readonly = 1 } },
    { dis, { .bitmask = BITS (FORMAT) | BITS (DISCARD),
             .format = "raw", .discard = "enable" } },
    { dbe, { .bitmask = BITS (FORMAT) | BITS (DISCARD) | BITS (CACHEMODE),
             .format = "qcow2", .discard = "besteffort",
             .cachemode = "unsafe" } },
    { cor, { .bitmask = BITS (FORMAT) | BITS (COPYONREAD),
             .format = "qcow2", .copyonread = 1 } },
    { comma, { .bitmask = BITS (FORMAT) | BITS (IFACE),
               .format = "raw", .iface = "virtio" } },
    { ide, { .bitmask = BITS (FORMAT) | BITS (IFACE) | BITS (LABEL) |
             BITS (CACHEMODE), .format = "raw", .iface = "ide",
             .label = "ide_disk", .cachemode = "unsafe" } },
    { bs, { .bitmask = BITS (FORMAT) | BITS (BLOCKSIZE) | BITS (IFACE),
            .format = "raw", .blocksize = 4096, .iface = "virtio" } },
    { NULL, { 0 } },
    { top, { .bitmask = BITS (FORMAT) | BITS (READONLY),
             .format = "qcow2", .readonly = 1 } },
  };
  const struct expect want[] = {
    { "raw", false, true, false, false },
    { "raw", false, true, false, true },
    { "qcow2", false, true, false, false },
    { "qcow2", false, true, false, true },
    /* The caller's file under qemu's throw-away overlay, read-only. */
    { "raw", true, true, false, false },
    { "raw", false, true, false, false },
    { "qcow2", false, true, false, true },
    { "qcow2", false, true, false, false },
    { "raw", false, true, false, false },
    { "raw", false, true, false, true },
    { "raw", false, true, false, false },
    { "raw", false, true, false, true },
    { "qcow2", true, true, false, false },
  };
  const size_t n = sizeof sp / sizeof sp[0];
  struct qdrive_block_info_list *direct, *lv;

  direct = block_info_via ("direct", sp, n);
  lv = block_info_via (via_unix, sp, n);
  assert_same (unix_uri, direct, lv, sp, want, n);
  assert_daemon_clean ();
  qdrive_free_block_info_list (lv);
  lv = block_info_via (via_tcp, sp, n);
  assert_same (tcp_uri, direct, lv, sp, want, n);
  assert_daemon_clean ();
  qdrive_free_block_info_list (lv);
  qdrive_free_block_info_list (direct);
  free (raw); free (raw_un); free (q); free (q_un); free (ro); free (dis);
  free (dbe); free (cor); free (comma); free (ide); free (bs); free (base);
  free (top); free (via_unix); free (via_tcp);
}
END_TEST

/* An image of format (made by qemu-img). */
static char *
make_image (const char *name, const char *format)
{
  char *p = path_of (name), *cmd;

  ck_assert (asprintf (&cmd, "qemu-img create -q -f %s '%s' 1M", format,
                       p) != -1);
  ck_assert_msg (system (cmd) == 0, "%s failed", cmd);
  free (cmd);
  return share (p);
}

/* qdrive's format names are qemu's in both backends: the libvirt
 * backend writes libvirt's name for each (vhdx as vhd, parallels as
 * ploop), and the qemu behind the daemon opens the same format as the
 * direct backend's qemu.  Without format, libvirt's qemu driver opens
 * a file as raw (it does not probe, for safety), where the direct
 * backend's qemu probes: a qcow2 image is raw through libvirt. */
START_TEST (test_formats_through_daemon)
{
  static const char *const formats[] = {
    "raw", "qcow2", "qcow", "qed", "vmdk", "vdi", "vpc", "vhdx", "parallels",
  };
  enum { n = sizeof formats / sizeof formats[0] };
  struct spec sp[n + 1];
  struct expect want[n + 1];
  char *files[n + 1], name[32], *via = backend_of (unix_uri);
  struct qdrive_block_info_list *direct, *lv;
  size_t i;

  for (i = 0; i < n; ++i) {
    snprintf (name, sizeof name, "f.%s", formats[i]);
    files[i] = make_image (name, formats[i]);
    sp[i] = (struct spec) { files[i], { .bitmask = BITS (FORMAT),
                                        .format = formats[i] } };
    want[i] = (struct expect) { formats[i], false, true, false, false };
  }
  direct = block_info_via ("direct", sp, n);
  lv = block_info_via (via, sp, n);
  assert_same (unix_uri, direct, lv, sp, want, n);
  qdrive_free_block_info_list (lv);
  qdrive_free_block_info_list (direct);

  files[n] = make_qcow2 ("probed.qcow2", NULL);
  sp[0] = (struct spec) { files[n], { 0 } };
  direct = block_info_via ("direct", sp, 1);
  lv = block_info_via (via, sp, 1);
  ck_assert_str_eq (direct->val[0].format, "qcow2");
  ck_assert_str_eq (lv->val[0].format, "raw");
  qdrive_free_block_info_list (lv);
  qdrive_free_block_info_list (direct);
  assert_daemon_clean ();
  for (i = 0; i <= n; ++i)
    free (files[i]);
  free (via);
}
END_TEST

/* A network drive through the daemon: an NBD export of qemu-nbd on
 * 127.0.0.1, writable and read-only (libvirt's <readonly/>, without
 * the overlay the direct backend puts on it), reported as the direct
 * backend reports it. */
START_TEST (test_network_drive)
{
  char *image = path_of ("served.img"), *via = backend_of (tcp_uri);
  char *server[2] = { NULL, NULL };
  struct netserver nbd;
  struct qdrive_block_info_list *direct, *lv;
  size_t i;

  netserver_make_image (image);
  netserver_qemu_nbd (&nbd, testdir, image, "exp", true, false);
  ck_assert (asprintf (&server[0], "tcp:127.0.0.1:%d", nbd.port) != -1);
  {
    const struct spec sp[] = {
      { "exp", { .bitmask = BITS (FORMAT) | BITS (PROTOCOL) | BITS (SERVER) |
                 BITS (CACHEMODE), .format = "raw", .protocol = "nbd",
                 .server = server, .cachemode = "unsafe" } },
      { "exp", { .bitmask = BITS (FORMAT) | BITS (PROTOCOL) | BITS (SERVER) |
                 BITS (READONLY), .format = "raw", .protocol = "nbd",
                 .server = server, .readonly = 1 } },
    };
    const struct expect want[] = {
      { "raw", false, true, false, true },
      { "raw", true, true, false, false },
    };

    direct = block_info_via ("direct", sp, 2);
    lv = block_info_via (via, sp, 2);
    /* The file is qemu's URI of the export, the same both ways. */
    for (i = 0; i < 2; ++i) {
      ck_assert_str_eq (direct->val[i].protocol, "nbd");
      ck_assert_str_eq (lv->val[i].protocol, "nbd");
      ck_assert_str_eq (lv->val[i].filename, direct->val[i].filename);
    }
    ck_assert_msg (strstr (direct->val[0].filename, "/exp") != NULL, "%s",
                   direct->val[0].filename);
    for (i = 0; i < 2; ++i) {
      free (direct->val[i].filename);
      free (lv->val[i].filename);
      direct->val[i].filename = strdup ("exp");
      lv->val[i].filename = strdup ("exp");
    }
    assert_same (tcp_uri, direct, lv, sp, want, 2);
  }
  qdrive_free_block_info_list (lv);
  qdrive_free_block_info_list (direct);
  netserver_stop (&nbd);
  assert_daemon_clean ();
  free (server[0]);
  free (image);
  free (via);
}
END_TEST

/* A file read-only in one handle is not for another at the same time
 * through libvirt 9.0 (its qemu opens a <transient/> disk's file for
 * writing until the overlay is on): the second launch fails in qemu's
 * words, as qdrive(3) says.  One handle cannot hold a file read-only
 * twice, which launch says before the daemon is asked. */
START_TEST (test_shared_readonly_file)
{
  char *via = backend_of (unix_uri), *f = make_raw ("shared.img");
  qdrive_h *g1 = handle (via), *g2 = handle (via), *g3 = handle (via);

  ck_assert_int_eq (qdrive_add_drive_ro (g1, f), 0);
  ck_assert_int_eq (qdrive_add_drive_ro (g2, f), 0);
  launch (g1);
  ck_assert_int_eq (qdrive_launch (g2), -1);
  ck_assert_msg (strstr (qdrive_last_error (g2), "Failed to get \"write\" "
                         "lock") != NULL, "%s", qdrive_last_error (g2));
  ck_assert_int_eq (count_domains (conn), 1);
  ck_assert_int_eq (qdrive_shutdown (g1), 0);

  ck_assert_int_eq (qdrive_add_drive_ro (g3, f), 0);
  ck_assert_int_eq (qdrive_add_drive_ro (g3, f), 0);
  ck_assert_int_eq (qdrive_launch (g3), -1);
  ck_assert_msg (strstr (qdrive_last_error (g3), "launch: readonly: drives "
                         "hd0 and hd1 are the same file") ==
                 qdrive_last_error (g3), "%s", qdrive_last_error (g3));
  assert_daemon_clean ();
  qdrive_close (g1);
  qdrive_close (g2);
  qdrive_close (g3);
  free (f);
  free (via);
}
END_TEST

/* While launched, the domain is the daemon's, transient, and holds
 * the scratch volume; shutdown takes it all away. */
START_TEST (test_launched_domain)
{
  char *via = backend_of (unix_uri), *d = make_raw ("d.img");
  qdrive_h *g = handle (via);
  char name[64], *xml;
  virDomainPtr dom;

  ck_assert_int_eq (qdrive_add_drive (g, d), 0);
  ck_assert_int_eq (qdrive_add_drive_scratch (g, 3 << 20, -1), 0);
  domain_name (g, name, sizeof name);
  launch (g);
  dom = virDomainLookupByName (conn, name);
  ck_assert_ptr_nonnull (dom);
  ck_assert_int_eq (virDomainIsPersistent (dom), 0);
  ck_assert_int_eq (virDomainIsActive (dom), 1);
  xml = virDomainGetXMLDesc (dom, 0);
  ck_assert_ptr_nonnull (xml);
  ck_assert_msg (strstr (xml, pool_dir) != NULL, "%s", xml);
  free (xml);
  virDomainFree (dom);
  {
    /* The scratch volume: as large as asked, named after the domain. */
    char *vol;
    struct stat st;
    ck_assert (asprintf (&vol, "%s/%s-hd1.img", pool_dir, name) != -1);
    ck_assert_msg (stat (vol, &st) == 0, "%s: %s", vol, strerror (errno));
    ck_assert_int_eq (st.st_size, 3 << 20);
    free (vol);
  }
  ck_assert_int_eq (count_domains (conn), 1);
  ck_assert_msg (qdrive_shutdown (g) == 0, "%s", qdrive_last_error (g));
  assert_daemon_clean ();
  qdrive_close (g);
  free (via);
  free (d);
}
END_TEST

/* ---- a remote URI: nothing assumes the daemon is local ---------------- */

/* The file is the daemon's business: a name that does not exist here
 * yet is accepted with the TCP URI (and refused with the local one),
 * and launch works once it exists; a relative name cannot be resolved
 * on another host and is refused at once. */
START_TEST (test_remote_file_checked_by_daemon)
{
  char *via_tcp = backend_of (tcp_uri), *via_unix = backend_of (unix_uri);
  char *later = path_of ("later.img");
  qdrive_h *g = handle (via_tcp);
  struct qdrive_block_info_list *l;
  char *err;

  ck_assert_int_eq (access (later, F_OK), -1);
  ck_assert_msg (qdrive_add_drive_opts (g, later, QDRIVE_ADD_DRIVE_OPTS_FORMAT,
                                        "raw", -1) == 0,
                 "%s", qdrive_last_error (g));
  ck_assert_int_eq (qdrive_add_drive (g, "relative.img"), -1);
  ck_assert (asprintf (&err, "add_drive: filename: \"relative.img\" is "
                       "relative; allowed with the remote libvirt URI %s: "
                       "an absolute path on the daemon's host", tcp_uri) != -1);
  ck_assert_error (g, err);
  free (err);
  ck_assert_uint_eq (count_drives (g), 1);

  /* The same handle pointed at the local socket checks here. */
  {
    qdrive_h *h = handle (via_unix);
    ck_assert_int_eq (qdrive_add_drive (h, later), -1);
    ck_assert_msg (strstr (qdrive_last_error (h), "No such file or directory")
                   != NULL, "%s", qdrive_last_error (h));
    qdrive_close (h);
  }

  free (make_raw ("later.img"));
  launch (g);
  l = qdrive_block_info (g);
  ck_assert_ptr_nonnull (l);
  ck_assert_uint_eq (l->len, 1);
  ck_assert_str_eq (l->val[0].filename, later);
  qdrive_free_block_info_list (l);
  ck_assert_int_eq (qdrive_shutdown (g), 0);
  qdrive_close (g);
  assert_daemon_clean ();
  free (via_tcp); free (via_unix); free (later);
}
END_TEST

/* What the far side refuses reaches the caller in its words, and a
 * failed launch leaves nothing there (the scratch volume it had made
 * included). */
START_TEST (test_remote_refusals)
{
  static const struct {
    const char *name;           /* file to add */
    bool exists;
    mode_t mode;
    const char *format;
    const char *says;           /* in the far side's words */
    bool names_file;            /* and they name the file */
  } cases[] = {
    { "missing.img", false, 0, "raw", "No such file or directory", true },
    /* The daemon's user cannot open it, whoever the caller is. */
    { "locked.img", true, 0000, "raw", "Permission denied", true },
    /* qemu itself refuses it, behind libvirt. */
    { "notqcow2.img", true, 0666, "qcow2", "Image is not in qcow2 format",
      false },
  };
  char *via = backend_of (tcp_uri);
  size_t i;

  for (i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
    qdrive_h *g = handle (via);
    char *file = path_of (cases[i].name), *prefix;
    const char *err;

    if (cases[i].exists) {
      free (make_raw (cases[i].name));
      ck_assert_int_eq (chmod (file, cases[i].mode), 0);
    }
    ck_assert_int_eq (qdrive_add_drive_scratch (g, 1 << 20, -1), 0);
    ck_assert_msg (qdrive_add_drive_opts (g, file, QDRIVE_ADD_DRIVE_OPTS_FORMAT,
                                          cases[i].format, -1) == 0,
                   "%s", qdrive_last_error (g));
    ck_assert_int_eq (qdrive_launch (g), -1);
    err = qdrive_last_error (g);
    ck_assert (asprintf (&prefix, "launch: libvirt at %s cannot create the "
                         "domain: ", tcp_uri) != -1);
    ck_assert_msg (strncmp (err, prefix, strlen (prefix)) == 0, "%s", err);
    ck_assert_msg (strstr (err, cases[i].says) != NULL &&
                   (!cases[i].names_file || strstr (err, file) != NULL),
                   "%s: %s", cases[i].name, err);
    free (prefix);
    assert_daemon_clean ();
    qdrive_close (g);
    free (file);
  }
  free (via);
}
END_TEST

/* ---- scratch drives: the daemon's storage pool ------------------------ */

/* Without the pool "default", a scratch drive cannot be made: a clear
 * error naming the drive and what to do, and nothing is left. */
START_TEST (test_scratch_without_pool)
{
  char *via = backend_of (unix_uri), *d = make_raw ("d.img"), *want;
  virStoragePoolPtr pool = virStoragePoolLookupByName (conn, "default");
  char *pool_xml;
  qdrive_h *g;

  ck_assert_ptr_nonnull (pool);
  pool_xml = virStoragePoolGetXMLDesc (pool, 0);
  ck_assert_ptr_nonnull (pool_xml);
  ck_assert_int_eq (virStoragePoolDestroy (pool), 0);  /* transient: gone */
  virStoragePoolFree (pool);

  g = handle (via);
  ck_assert_int_eq (qdrive_add_drive (g, d), 0);
  ck_assert_int_eq (qdrive_add_drive_scratch (g, 1 << 20, -1), 0);
  ck_assert_int_eq (qdrive_launch (g), -1);
  ck_assert (asprintf (&want, "launch: drive hd1 is a scratch drive, which "
                       "the libvirt backend creates in the storage pool "
                       "\"default\" of libvirt at %s, and it has no such "
                       "pool; define one on the daemon's host (virsh "
                       "pool-define-as default dir --target DIR; virsh "
                       "pool-build default; virsh pool-start default)",
                       unix_uri) != -1);
  ck_assert_error (g, want);
  free (want);
  ck_assert_int_eq (count_domains (conn), 0);
  qdrive_close (g);

  pool = virStoragePoolCreateXML (conn, pool_xml, 0);
  ck_assert_msg (pool != NULL, "%s", virGetLastErrorMessage ());
  virStoragePoolFree (pool);
  free (pool_xml);
  assert_daemon_clean ();
  free (via);
  free (d);
}
END_TEST

/* ---- clean-up --------------------------------------------------------- */

/* close of a launched handle destroys the domain and its volumes;
 * shutdown of a domain destroyed behind qdrive's back is no error, and
 * block_info says why it cannot answer. */
START_TEST (test_close_and_gone)
{
  char *via = backend_of (tcp_uri), *d = make_raw ("d.img");
  qdrive_h *g = handle (via);
  char name[64];
  virDomainPtr dom;

  ck_assert_int_eq (qdrive_add_drive_ro (g, d), 0);
  ck_assert_int_eq (qdrive_add_drive_scratch (g, 1 << 20, -1), 0);
  launch (g);
  ck_assert_int_eq (count_domains (conn), 1);
  ck_assert_uint_eq (count_files (testdir, "*TRANSIENT*"), 1);
  qdrive_close (g);
  assert_daemon_clean ();

  g = handle (via);
  ck_assert_int_eq (qdrive_add_drive (g, d), 0);
  domain_name (g, name, sizeof name);
  launch (g);
  dom = virDomainLookupByName (conn, name);
  ck_assert_ptr_nonnull (dom);
  ck_assert_int_eq (virDomainDestroy (dom), 0);
  virDomainFree (dom);
  /* A transient domain is gone once destroyed: libvirt says so. */
  ck_assert_ptr_null (qdrive_block_info (g));
  ck_assert_msg (strstr (qdrive_last_error (g), "block_info: libvirt at ")
                 == qdrive_last_error (g) &&
                 strstr (qdrive_last_error (g), "Domain not found") != NULL,
                 "%s", qdrive_last_error (g));
  ck_assert_msg (qdrive_shutdown (g) == 0, "%s", qdrive_last_error (g));
  qdrive_close (g);
  assert_daemon_clean ();
  free (via);
  free (d);
}
END_TEST

/* Runs in a child: launches through backend, writes the domain's name
 * to fd, and waits to be killed. */
static void __attribute__((noreturn))
launch_and_wait (const char *backend, const char *file, int fd)
{
  qdrive_h *g = qdrive_create ();
  char name[64];

  qdrive_set_error_handler (g, NULL, NULL);
  if (g == NULL || qdrive_set_backend (g, backend) == -1 ||
      qdrive_add_drive_ro (g, file) == -1 || qdrive_launch (g) == -1) {
    dprintf (fd, "error: %s\n", g ? qdrive_last_error (g) : "qdrive_create");
    _exit (1);
  }
  domain_name (g, name, sizeof name);
  dprintf (fd, "%s\n", name);
  for (;;)
    pause ();
}

/* Reads one line from fd, waiting at most 120 s. */
static void
read_line (int fd, char *buf, size_t len)
{
  struct pollfd p = { .fd = fd, .events = POLLIN };
  size_t n = 0;
  ssize_t r;

  while (n < len - 1) {
    ck_assert_msg (poll (&p, 1, 120000) == 1, "no answer from the child");
    r = read (fd, buf + n, 1);
    ck_assert_int_eq (r, 1);
    if (buf[n] == '\n')
      break;
    n++;
  }
  buf[n] = '\0';
}

/* Waits up to 30 s for the domain to go. */
static void
assert_domain_goes (const char *name)
{
  int i;

  for (i = 0; i < 300 && domain_exists (conn, name); ++i)
    usleep (100000);
  ck_assert_msg (!domain_exists (conn, name), "%s outlived its owner", name);
}

/* kill -9 of the process owning the handle: the daemon destroys the
 * domain when the connection drops (auto-destroy), over either URI,
 * and libvirt removes its overlay. */
START_TEST (test_kill_owner)
{
  const char *uris[] = { unix_uri, tcp_uri };
  char *d = make_raw ("d.img");
  size_t i;

  for (i = 0; i < 2; ++i) {
    char *via = backend_of (uris[i]), name[256];
    int p[2];
    pid_t child;

    ck_assert_int_eq (pipe (p), 0);
    child = fork ();
    ck_assert_int_ge (child, 0);
    if (child == 0) {
      close (p[0]);
      launch_and_wait (via, d, p[1]);
    }
    close (p[1]);
    read_line (p[0], name, sizeof name);
    close (p[0]);
    ck_assert_msg (strncmp (name, "qdrive-", 7) == 0, "child: %s", name);
    ck_assert (domain_exists (conn, name));
    ck_assert_int_eq (kill (child, SIGKILL), 0);
    ck_assert_int_eq (waitpid (child, NULL, 0), child);
    assert_domain_goes (name);
    assert_daemon_clean ();
    free (via);
  }
  free (d);
}
END_TEST

/* ---- the embedded driver ---------------------------------------------- */

static char embed_root[4096];
static char *embed_uri;

/* The embedded driver runs in the test's process, which runs as the
 * daemon's user: as root it would be libvirt's privileged driver,
 * which needs the libvirt-qemu user of a system installation.  Besides
 * its root, the driver uses the caller's own libvirt directories
 * (~/.cache/libvirt): a home of the user's. */
static void
become_daemon_user (void)
{
  struct passwd *pw;
  char *home;

  if (geteuid () == 0) {
    pw = getpwnam (daemon_user);
    ck_assert_ptr_nonnull (pw);
    ck_assert_int_eq (setgroups (0, NULL), 0);
    ck_assert_int_eq (setgid (pw->pw_gid), 0);
    ck_assert_int_eq (setuid (pw->pw_uid), 0);
  }
  ck_assert (asprintf (&home, "%s/home", embed_root) != -1);
  ck_assert_int_eq (setenv ("HOME", home, 1), 0);
  ck_assert_int_eq (unsetenv ("XDG_CACHE_HOME"), 0);
  ck_assert_int_eq (unsetenv ("XDG_CONFIG_HOME"), 0);
  ck_assert_int_eq (unsetenv ("XDG_RUNTIME_DIR"), 0);
  free (home);
}

/* Once, in Check's parent: the embedded driver's root, owned by the
 * daemon's user, with its qemu.conf (qemu's output to files, without
 * virtlogd). */
static void
make_embed_root (void)
{
  char *conf;
  FILE *f;
  struct passwd *pw = getpwnam (daemon_user);

  snprintf (embed_root, sizeof embed_root, "%s/embed.XXXXXX", images);
  if (pw == NULL || mkdtemp (embed_root) == NULL ||
      asprintf (&conf, "%s/etc", embed_root) == -1 || mkdir (conf, 0755) != 0) {
    perror ("make_embed_root");
    exit (EXIT_FAILURE);
  }
  free (conf);
  if (asprintf (&conf, "%s/home", embed_root) == -1 || mkdir (conf, 0700) != 0) {
    perror ("make_embed_root");
    exit (EXIT_FAILURE);
  }
  free (conf);
  if (asprintf (&conf, "%s/etc/qemu.conf", embed_root) == -1 ||
      (f = fopen (conf, "w")) == NULL) {
    perror ("qemu.conf");
    exit (EXIT_FAILURE);
  }
  fprintf (f, "stdio_handler = \"file\"\n");
  fclose (f);
  free (conf);
  if (asprintf (&conf, "chown -R %s '%s'", daemon_user, embed_root) == -1 ||
      system (conf) != 0) {
    fprintf (stderr, "cannot chown %s\n", embed_root);
    exit (EXIT_FAILURE);
  }
  free (conf);
  if (asprintf (&embed_uri, "libvirt:qemu:///embed?root=%s", embed_root) == -1)
    exit (EXIT_FAILURE);
}

/* The qemu of domain name under the embedded driver, from libvirt's
 * pid file. */
static pid_t
embedded_qemu (const char *name)
{
  char *path, buf[32] = "";
  FILE *f;

  ck_assert (asprintf (&path, "%s/run/qemu/%s.pid", embed_root, name) != -1);
  f = fopen (path, "r");
  ck_assert_msg (f != NULL, "%s: %s", path, strerror (errno));
  ck_assert_ptr_nonnull (fgets (buf, sizeof buf, f));
  fclose (f);
  free (path);
  return (pid_t) atoi (buf);
}

/* Whether pid has exited (a zombie waiting for init counts). */
static bool
exited (pid_t pid)
{
  char path[64], state = 0;
  FILE *f;

  if (kill (pid, 0) == -1 && errno == ESRCH)
    return true;
  snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  f = fopen (path, "r");
  if (f == NULL)
    return true;
  if (fscanf (f, "%*d (%*[^)]) %c", &state) != 1)
    state = 0;
  fclose (f);
  return state == 'Z';
}

/* Waits up to 30 s for pid to exit. */
static void
assert_exits (pid_t pid, const char *what)
{
  int i;

  for (i = 0; i < 300 && !exited (pid); ++i)
    usleep (100000);
  ck_assert_msg (exited (pid), "%s %d is still running", what, (int) pid);
}

/* qdrive runs the event loop the embedded driver needs; block_info is
 * qemu's, and equal to the direct backend's; the scratch file is used
 * as it is; shutdown stops qemu. */
START_TEST (test_embedded)
{
  char *d = make_raw ("d.img"), *ro = make_raw ("ro.img"), name[64];
  const struct spec sp[] = {
    { d, { .bitmask = BITS (FORMAT) | BITS (CACHEMODE),
           .format = "raw", .cachemode = "unsafe" } },
    { ro, { .bitmask = BITS (FORMAT) | BITS (READONLY),
            .format = "raw", .readonly = 1 } },
  };
  const struct expect want[] = {
    { "raw", false, true, false, true },
    { "raw", true, true, false, false },
  };
  struct qdrive_block_info_list *direct, *lv;
  qdrive_h *g;
  pid_t qemu;

  become_daemon_user ();
  direct = block_info_via ("direct", sp, 2);

  g = handle (embed_uri);
  add_specs (g, sp, 2);
  ck_assert_int_eq (qdrive_add_drive_scratch (g, 1 << 20, -1), 0);
  domain_name (g, name, sizeof name);
  launch (g);
  qemu = embedded_qemu (name);
  ck_assert_int_eq (kill (qemu, 0), 0);
  lv = qdrive_block_info (g);
  ck_assert_msg (lv != NULL, "block_info: %s", qdrive_last_error (g));
  ck_assert_uint_eq (lv->len, 3);
  ck_assert (lv->val[2].cache_no_flush);
  ck_assert_msg (strstr (lv->val[2].filename, "/scratch0.img") != NULL, "%s",
                 lv->val[2].filename);
  lv->len = 2;
  assert_same (embed_uri, direct, lv, sp, want, 2);
  lv->len = 3;
  qdrive_free_block_info_list (lv);
  qdrive_free_block_info_list (direct);
  ck_assert_msg (qdrive_shutdown (g) == 0, "%s", qdrive_last_error (g));
  assert_exits (qemu, "after shutdown, qemu");
  qdrive_close (g);
  free (d);
  free (ro);
}
END_TEST

/* The embedded driver has no auto-destroy: qemu would outlive a
 * killed owner, and qdrive's watcher kills it. */
START_TEST (test_embedded_kill_owner)
{
  char *d = make_raw ("d.img"), name[256];
  int p[2];
  pid_t child, qemu;

  become_daemon_user ();
  ck_assert_int_eq (pipe (p), 0);
  child = fork ();
  ck_assert_int_ge (child, 0);
  if (child == 0) {
    close (p[0]);
    launch_and_wait (embed_uri, d, p[1]);
  }
  close (p[1]);
  read_line (p[0], name, sizeof name);
  close (p[0]);
  ck_assert_msg (strncmp (name, "qdrive-", 7) == 0, "child: %s", name);
  qemu = embedded_qemu (name);
  ck_assert_int_eq (kill (qemu, 0), 0);
  ck_assert_int_eq (kill (child, SIGKILL), 0);
  ck_assert_int_eq (waitpid (child, NULL, 0), child);
  assert_exits (qemu, "after its owner was killed, the embedded driver's qemu");
  free (d);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("libvirt-daemon");
  TCase *tc;

  read_daemon_env ();
  make_embed_root ();

  tc = tcase_create ("daemon");
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_block_info_matches_direct);
  tcase_add_test (tc, test_formats_through_daemon);
  tcase_add_test (tc, test_network_drive);
  tcase_add_test (tc, test_shared_readonly_file);
  tcase_add_test (tc, test_launched_domain);
  tcase_add_test (tc, test_remote_file_checked_by_daemon);
  tcase_add_test (tc, test_remote_refusals);
  tcase_add_test (tc, test_scratch_without_pool);
  tcase_add_test (tc, test_close_and_gone);
  tcase_add_test (tc, test_kill_owner);
  suite_add_tcase (s, tc);

  tc = tcase_create ("embedded");
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_embedded);
  tcase_add_test (tc, test_embedded_kill_owner);
  suite_add_tcase (s, tc);
  return run_suite (s);
}
