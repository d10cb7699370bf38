/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive: every combination of add_drive's options, as the libvirt
 * backend writes it (the XML of get_libvirt_xml), against libvirt's
 * test driver (test:///default, which only parses the XML) and the
 * real qemu driver of a private daemon (tests/private-libvirtd.sh),
 * which starts qemu with it.
 *
 * Both must accept every combination add_drive accepts: a combination
 * the real driver refused while qdrive took it would fail only at
 * launch, in libvirt's words.  On the real driver, block_info must
 * also show that qemu applied the cache mode, read-only and the
 * format.  A failure lists every combination either driver refused,
 * with its words, so that a difference between the test driver and the
 * real one is named.
 *
 * The combinations: iface (scsi, virtio, ide) x cachemode x readonly x
 * format (none, raw, qcow2) x discard x copyonread x blocksize (none,
 * 512, 4096) x label, less what add_drive refuses: 896 drives, each on
 * a file of its own, in domains of 4 IDE, 6 virtio and 6 SCSI drives
 * (one domain per IDE controller's worth).  A drive without format is
 * on a raw file: libvirt's qemu driver does not probe formats, it
 * opens such a file as raw (the direct backend's qemu probes). */

#include <config.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "qdrive.h"
#include "testlib.h"
#include "libvirt-domains.h"
#include "libvirt-daemonlib.h"

#define TEST_URI "test:///default"

static const char *const ifaces[] = { "scsi", "virtio", "ide" };
static const char *const caches[] = { "writeback", "unsafe" };
static const char *const formats[] = { NULL, "raw", "qcow2" };
static const char *const discards[] = { "disable", "enable", "besteffort" };
static const int blocksizes[] = { 0, 512, 4096 };
#define N(a) (sizeof (a) / sizeof (a)[0])

/* Check's ck_assert records a location on each pass, which costs
 * minutes over thousands of calls: these loops check with this. */
#define MUST(cond, ...) do { if (!(cond)) ck_abort_msg (__VA_ARGS__); } while (0)

/* Drives of each interface in one domain. */
static const size_t per_domain[] = { 6, 6, 4 };

struct combo {
  unsigned iface, cache, format, discard, blocksize;
  unsigned readonly, copyonread, label;   /* 0 or 1 */
  char *file;
};

static struct qdrive_add_drive_opts_argv
opts_of (const struct combo *c)
{
  struct qdrive_add_drive_opts_argv o = {
    .bitmask = QDRIVE_ADD_DRIVE_OPTS_IFACE_BITMASK |
      QDRIVE_ADD_DRIVE_OPTS_CACHEMODE_BITMASK |
      QDRIVE_ADD_DRIVE_OPTS_READONLY_BITMASK |
      QDRIVE_ADD_DRIVE_OPTS_DISCARD_BITMASK |
      QDRIVE_ADD_DRIVE_OPTS_COPYONREAD_BITMASK,
    .iface = ifaces[c->iface],
    .cachemode = caches[c->cache],
    .readonly = c->readonly,
    .discard = discards[c->discard],
    .copyonread = c->copyonread,
  };

  if (formats[c->format]) {
    o.bitmask |= QDRIVE_ADD_DRIVE_OPTS_FORMAT_BITMASK;
    o.format = formats[c->format];
  }
  if (blocksizes[c->blocksize]) {
    o.bitmask |= QDRIVE_ADD_DRIVE_OPTS_BLOCKSIZE_BITMASK;
    o.blocksize = blocksizes[c->blocksize];
  }
  if (c->label) {
    o.bitmask |= QDRIVE_ADD_DRIVE_OPTS_LABEL_BITMASK;
    o.label = "lbl";
  }
  return o;
}

static void
describe (FILE *f, const struct combo *c)
{
  fprintf (f, "iface:%s cachemode:%s readonly:%d format:%s discard:%s "
           "copyonread:%d blocksize:%d label:%d", ifaces[c->iface],
           caches[c->cache], c->readonly,
           formats[c->format] ? formats[c->format] : "-",
           discards[c->discard], c->copyonread, blocksizes[c->blocksize],
           c->label);
}

/* Every combination add_drive accepts, by interface. */
static struct combo *combos[N (ifaces)];
static size_t ncombos[N (ifaces)];

static void
enumerate (const char *any_file)
{
  struct combo c;

  for (c.iface = 0; c.iface < N (ifaces); ++c.iface)
    for (c.cache = 0; c.cache < N (caches); ++c.cache)
      for (c.readonly = 0; c.readonly <= 1; ++c.readonly)
        for (c.format = 0; c.format < N (formats); ++c.format)
          for (c.discard = 0; c.discard < N (discards); ++c.discard)
            for (c.copyonread = 0; c.copyonread <= 1; ++c.copyonread)
              for (c.blocksize = 0; c.blocksize < N (blocksizes); ++c.blocksize)
                for (c.label = 0; c.label <= 1; ++c.label) {
                  struct qdrive_add_drive_opts_argv o = opts_of (&c);
                  qdrive_h *g = qdrive_create ();
                  struct combo *v;
                  int r;

                  MUST (g != NULL, "qdrive_create");
                  qdrive_set_error_handler (g, NULL, NULL);
                  r = qdrive_add_drive_opts_argv (g, any_file, &o);
                  qdrive_close (g);
                  if (r == -1)
                    continue;
                  v = realloc (combos[c.iface],
                               (ncombos[c.iface] + 1) * sizeof *v);
                  MUST (v != NULL, "realloc");
                  combos[c.iface] = v;
                  v[ncombos[c.iface]++] = c;
                }
}

/* A file of each drive's own: two writable drives may not share one,
 * and libvirt names a read-only drive's overlay after the file and the
 * domain. */
static void
make_files (void)
{
  char name[64];
  size_t i, k;

  for (i = 0; i < N (ifaces); ++i)
    for (k = 0; k < ncombos[i]; ++k) {
      struct combo *c = &combos[i][k];
      bool qcow2 = formats[c->format] && strcmp (formats[c->format], "qcow2") == 0;
      snprintf (name, sizeof name, "%s-%zu.%s", ifaces[i], k,
                qcow2 ? "qcow2" : "img");
      c->file = qcow2 ? make_qcow2 (name, NULL) : make_raw (name);
    }
}

/* What went wrong, for the final report. */
static char *problems;
static size_t problems_len;
static FILE *report;
static size_t nproblems;

/* Launches the drives through backend; on the real driver, checks
 * block_info too.  NULL if all is well, else what went wrong
 * (malloc'd). */
static char *
try (const char *backend, struct combo *const *set, size_t n, bool real)
{
  qdrive_h *g = qdrive_create ();
  struct qdrive_block_info_list *l;
  char *what = NULL;
  size_t i;

  MUST (g != NULL, "qdrive_create");
  qdrive_set_error_handler (g, NULL, NULL);
  MUST (qdrive_set_backend (g, backend) == 0 &&
        qdrive_set_accel (g, "tcg") == 0, "%s", qdrive_last_error (g));
  for (i = 0; i < n; ++i) {
    struct qdrive_add_drive_opts_argv o = opts_of (set[i]);
    MUST (qdrive_add_drive_opts_argv (g, set[i]->file, &o) == 0,
          "%s", qdrive_last_error (g));
  }
  if (qdrive_launch (g) == -1) {
    what = strdup (qdrive_last_error (g));
    qdrive_close (g);
    return what;
  }
  if (real) {
    l = qdrive_block_info (g);
    if (l == NULL)
      what = strdup (qdrive_last_error (g));
    else {
      for (i = 0; i < n && what == NULL; ++i) {
        const struct qdrive_block_info *b = &l->val[i];
        const char *want = formats[set[i]->format]
          ? formats[set[i]->format] : "raw";
        if (strcmp (b->filename, set[i]->file) != 0 ||
            strcmp (b->format, want) != 0 ||
            b->readonly != (int) set[i]->readonly || !b->cache_writeback ||
            b->cache_direct || b->cache_no_flush != (set[i]->cache == 1))
          MUST (asprintf (&what, "qemu made of hd%zu: %s %s ro=%d wb=%d "
                          "direct=%d no-flush=%d", i, b->filename, b->format,
                          b->readonly, b->cache_writeback, b->cache_direct,
                          b->cache_no_flush) != -1, "asprintf");
      }
      qdrive_free_block_info_list (l);
    }
  }
  if (qdrive_shutdown (g) == -1 && what == NULL)
    what = strdup (qdrive_last_error (g));
  qdrive_close (g);
  return what;
}

/* One domain's drives on both drivers; if either refuses, each drive
 * alone, to name the combinations. */
static void
check_set (const char *real, struct combo *const *set, size_t n)
{
  char *t = try ("libvirt:" TEST_URI, set, n, false);
  char *r = try (real, set, n, true);
  size_t i;

  if (t == NULL && r == NULL)
    return;
  free (t);
  free (r);
  for (i = 0; i < n; ++i) {
    t = try ("libvirt:" TEST_URI, &set[i], 1, false);
    r = try (real, &set[i], 1, true);
    if (t != NULL || r != NULL) {
      nproblems++;
      describe (report, set[i]);
      fprintf (report, "\n  test driver: %s\n  real driver: %s\n",
               t ? t : "accepted", r ? r : "accepted");
    }
    free (t);
    free (r);
  }
}

START_TEST (test_every_combination)
{
  char *any = make_raw ("any.img"), *real = backend_of (unix_uri);
  struct combo *set[16];
  size_t next[N (ifaces)] = { 0 }, i, k, n, total = 0, domains = 0;
  bool left = true;

  enumerate (any);
  make_files ();
  report = open_memstream (&problems, &problems_len);
  ck_assert_ptr_nonnull (report);
  while (left) {
    left = false;
    n = 0;
    for (i = 0; i < N (ifaces); ++i)
      for (k = 0; k < per_domain[i] && next[i] < ncombos[i]; ++k)
        set[n++] = &combos[i][next[i]++];
    for (i = 0; i < N (ifaces); ++i)
      left |= next[i] < ncombos[i];
    if (n == 0)
      break;
    check_set (real, set, n);
    total += n;
    domains++;
    assert_daemon_clean ();
  }
  fclose (report);
  fprintf (stderr, "libvirt-combinations: %zu combinations in %zu domains, "
           "%zu refused or misapplied\n", total, domains, nproblems);
  ck_assert_uint_eq (total, ncombos[0] + ncombos[1] + ncombos[2]);
  /* The list may be longer than a Check message holds. */
  if (nproblems > 0)
    fputs (problems, stderr);
  ck_assert_msg (nproblems == 0, "%zu combinations refused or misapplied, "
                 "listed above", nproblems);
  free (problems);
  for (i = 0; i < N (ifaces); ++i) {
    for (k = 0; k < ncombos[i]; ++k)
      free (combos[i][k].file);
    free (combos[i]);
  }
  free (any);
  free (real);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("libvirt-combinations");
  TCase *tc = tcase_create ("combinations");

  read_daemon_env ();
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_set_timeout (tc, 1200);
  tcase_add_test (tc, test_every_combination);
  suite_add_tcase (s, tc);
  return run_suite (s);
}
