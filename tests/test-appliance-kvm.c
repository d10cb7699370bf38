/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive: the appliance with accel kvm:tcg, kvm and tcg: launch runs it
 * with KVM where KVM boots it, and falls back to TCG where KVM is
 * present but cannot boot it, keeping that verdict for later launches
 * (c/appliance-kvm.c).
 *
 * What qemu reports decides what is asserted.  The library says, in
 * verbose "library" events, whether qemu runs the appliance with KVM
 * (QMP query-kvm) and whether the appliance showed a sign of life.  On
 * the project's machines KVM is present but cannot boot a guest; on a
 * host where KVM works the same cases assert that KVM was kept, and on
 * one without KVM that qemu chose TCG by itself.
 *
 * The cases run in order in this process (Check's no-fork mode) and
 * share one private cache directory, which starts without a verdict:
 *   1. kvm:tcg: the appliance comes up; where it fell back, the first
 *      qemu is gone and the verdict exists; elsewhere there is none.
 *   2. kvm:tcg again: where a verdict exists, KVM is not tried.
 *   3. kvm alone: never falls back (where KVM cannot boot the
 *      appliance, launch times out with the message suggesting tcg).
 *   4. Which verdicts hold, and who reads them, with qemu replaced by
 *      /bin/false (the choice is made before qemu starts): another boot
 *      id, another kernel, an empty file do not; tcg, kvm and guest
 *      stopped never read one. */

#include <config.h>

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "qdrive.h"
#include "appliance-testlib.h"

static struct test_dir dir;
static char *cache;             /* the private cache directory */
static char *disk;
static char messages[65536];    /* "library" events, one per line */
static char progress[4096];     /* "progress" events */

/* What case 1 found: KVM cannot boot the appliance here (it fell back),
 * or qemu ran it with KVM and it booted, or qemu chose TCG. */
static enum { KVM_FAILS, KVM_WORKS, NO_KVM } host;

static void
record (qdrive_h *h, void *opaque, uint64_t event, int event_handle,
        const char *message, const int64_t *array, size_t len)
{
  char *buf = event == QDRIVE_EVENT_LIBRARY ? messages
    : event == QDRIVE_EVENT_PROGRESS ? progress : NULL;
  size_t size = event == QDRIVE_EVENT_LIBRARY ? sizeof messages
    : sizeof progress, n;

  if (buf == NULL)              /* qemu's lines: kept off stderr */
    return;
  n = strlen (buf);
  if (len == 2)
    snprintf (buf + n, size - n, "%lld/%lld %s\n", (long long) array[0],
              (long long) array[1], message);
  else
    snprintf (buf + n, size - n, "%s\n", message);
}

/* A verbose handle whose events go to messages and progress (emptied),
 * with the test's drive and cache directory. */
static qdrive_h *
handle (const char *guest, const char *accel)
{
  qdrive_h *g = appliance_handle ();

  messages[0] = progress[0] = '\0';
  OK (g, qdrive_set_guest (g, guest));
  OK (g, qdrive_set_accel (g, accel));
  OK (g, qdrive_set_cachedir (g, cache));
  OK (g, qdrive_set_verbose (g, 1));
  OK (g, qdrive_set_event_callback (g, record, NULL, NULL,
                                    QDRIVE_EVENT_LIBRARY | QDRIVE_EVENT_QEMU |
                                    QDRIVE_EVENT_PROGRESS));
  OK (g, qdrive_add_drive_opts (g, disk, QDRIVE_ADD_DRIVE_OPTS_FORMAT, "raw",
                                -1));
  return g;
}

static bool
said (const char *what)
{
  return strstr (messages, what) != NULL;
}

#define SAID(what) \
  ck_assert_msg (said (what), "no message \"%s\" in:\n%s", what, messages)
#define NOT_SAID(what) \
  ck_assert_msg (!said (what), "a message \"%s\" in:\n%s", what, messages)

/* The messages a launch with accel kvm:tcg gives in each case. */
#define RUNS_KVM "qemu runs the appliance with KVM: waiting up to "
#define RUNS_TCG "qemu runs the appliance with TCG (KVM is not available)"
#define INIT_STARTED "the appliance's /init started "
#define NO_SIGN "the appliance showed no sign of life within "
#define VERDICT_HOLDS "appliance: KVM did not boot kernel "
#define FALLBACK_PROGRESS \
  "4/6 waiting for the appliance's guest agent\n" \
  "4/6 the appliance did not boot with KVM: starting it again with TCG\n" \
  "4/6 waiting for the appliance's guest agent\n"

/* The n-th (from 1) "running: " line's accelerator (in a static
 * buffer; "" if there is no such line). */
static const char *
nth_accel (int n)
{
  static char accel[16];
  const char *p = messages;

  accel[0] = '\0';
  while (n-- > 0 && p != NULL)
    if ((p = strstr (p, "running: ")) != NULL)
      p += 9;
  if (p != NULL && (p = strstr (p, " -machine accel=")) != NULL)
    sscanf (p + 16, "%15[^ \n]", accel);
  return accel;
}

/* The cache directory's names, one per line, sorted. */
static char *
cache_listing (void)
{
  char *l = dir_listing (cache);

  ck_assert_msg (l != NULL, "no cache %s", cache);
  return l;
}

/* cache/kvm-fails-VERSION, VERSION from the appliance's name there
 * (appliance-VERSION-HASH.img: see c/appliance.c). */
static char *
verdict_path (void)
{
  char *l = cache_listing (), *p, *start, *end;

  start = strstr (l, "appliance-");
  ck_assert_msg (start != NULL, "no appliance in the cache: %s", l);
  start += 10;
  end = strstr (start, ".img\n");
  ck_assert (end != NULL && end - start > 17);
  ck_assert (asprintf (&p, "%s/kvm-fails-%.*s", cache,
                       (int) (end - start - 17), start) != -1);
  free (l);
  return p;
}

static char *
read_file (const char *path)
{
  char *s = NULL;
  size_t len = 0;
  FILE *f = fopen (path, "r");

  if (f == NULL)
    return NULL;
  if (getdelim (&s, &len, '\0', f) == -1) {
    free (s);
    s = strdup ("");
  }
  fclose (f);
  return s;
}

static void
write_file (const char *path, const char *text)
{
  FILE *f = fopen (path, "w");

  ck_assert_ptr_nonnull (f);
  ck_assert (fputs (text, f) >= 0);
  ck_assert (fclose (f) == 0);
}

static char *
boot_id (void)
{
  char *s = read_file ("/proc/sys/kernel/random/boot_id");

  ck_assert_ptr_nonnull (s);
  s[strcspn (s, "\n")] = '\0';
  return s;
}

/* The kernel the appliance boots, from the command line. */
static char *
kernel_of (qdrive_h *g)
{
  char **cmd = qdrive_get_qemu_command_line (g), *k = NULL;
  size_t i;

  ck_assert_msg (cmd != NULL, "%s", qdrive_last_error (g));
  for (i = 0; cmd[i] != NULL && k == NULL; ++i)
    if (strcmp (cmd[i], "-kernel") == 0)
      k = strdup (cmd[i + 1]);
  qdrive_free_string_list (cmd);
  ck_assert_ptr_nonnull (k);
  return k;
}

/* This process's children (qemu and its watcher while one runs). */
static int
children (void)
{
  DIR *d = opendir ("/proc");
  struct dirent *e;
  char path[300], buf[1024], *p;
  int n = 0, ppid;
  FILE *f;

  ck_assert_ptr_nonnull (d);
  while ((e = readdir (d)) != NULL) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9')
      continue;
    snprintf (path, sizeof path, "/proc/%s/stat", e->d_name);
    if ((f = fopen (path, "r")) == NULL)
      continue;
    /* pid (comm) state ppid: comm may hold spaces and parentheses. */
    if (fgets (buf, sizeof buf, f) != NULL &&
        (p = strrchr (buf, ')')) != NULL &&
        sscanf (p + 1, " %*c %d", &ppid) == 1 && ppid == getpid ())
      n++;
    fclose (f);
  }
  closedir (d);
  return n;
}

/* ---- 1. the first launch with kvm:tcg ------------------------------- */

START_TEST (test_first_launch)
{
  qdrive_h *g = handle ("appliance", "kvm:tcg");
  char *tmp = private_dir (g), *kernel = kernel_of (g), *id = boot_id ();
  char *out, *verdict, *text, *l, *want;
  time_t t0 = time (NULL), t;

  OK (g, qdrive_launch (g));
  t = time (NULL) - t0;
  out = qdrive_sh (g, "echo up");
  ck_assert_msg (out != NULL, "%s", qdrive_last_error (g));
  ck_assert_str_eq (out, "up\n");
  free (out);
  ck_assert_str_eq (nth_accel (1), "kvm:tcg");
  /* qemu and its watcher, and nothing of a first qemu. */
  ck_assert_int_eq (children (), 2);
  verdict = verdict_path ();
  text = read_file (verdict);
  l = cache_listing ();

  ck_assert_msg (said (RUNS_KVM) != said (RUNS_TCG), "%s", messages);
  if (said (NO_SIGN)) {
    host = KVM_FAILS;
    fprintf (stderr, "test-appliance-kvm: KVM cannot boot the appliance "
             "here: the first launch fell back to TCG in %d s\n", (int) t);
    SAID (RUNS_KVM);
    SAID ("within 5000 ms with KVM (KVM is present but cannot boot it)");
    ck_assert_msg (t >= 5, "fell back after %d s", (int) t);
    NOT_SAID (INIT_STARTED);
    ck_assert_str_eq (nth_accel (2), "tcg");
    ck_assert_msg (strstr (progress, FALLBACK_PROGRESS) != NULL, "%s",
                   progress);
    /* The verdict: this boot, this kernel; no temporary file. */
    ck_assert_msg (text != NULL, "no verdict %s", verdict);
    ck_assert (asprintf (&want, "\nboot_id %s\nkernel %s\n", id, kernel)
               != -1);
    ck_assert_msg (strstr (text, want) != NULL, "verdict: %s", text);
    free (want);
    ck_assert_msg (strstr (l, ".tmp-") == NULL, "cache: %s", l);
    ck_assert_msg (strstr (l, strrchr (verdict, '/') + 1) != NULL, "%s", l);
  }
  else {
    host = said (RUNS_KVM) ? KVM_WORKS : NO_KVM;
    fprintf (stderr, "test-appliance-kvm: %s\n", host == KVM_WORKS ?
             "KVM boots the appliance here" : "qemu chose TCG (no KVM)");
    if (host == KVM_WORKS)
      SAID (INIT_STARTED);
    ck_assert_str_eq (nth_accel (2), "");
    ck_assert_ptr_null (strstr (progress, "did not boot with KVM"));
    ck_assert_msg (text == NULL, "a verdict where KVM %s: %s",
                   host == KVM_WORKS ? "works" : "is absent", text);
    ck_assert_msg (strstr (l, "kvm-fails-") == NULL, "cache: %s", l);
  }
  OK (g, qdrive_shutdown (g));
  assert_nothing_left (g, tmp);
  free (kernel);
  free (id);
  free (verdict);
  free (text);
  free (l);
}
END_TEST

/* ---- 2. a later launch ---------------------------------------------- */

START_TEST (test_later_launch)
{
  qdrive_h *g = handle ("appliance", "kvm:tcg");
  char *tmp = private_dir (g);

  OK (g, qdrive_launch (g));
  ck_assert_int_eq (children (), 2);
  NOT_SAID (NO_SIGN);
  ck_assert_str_eq (nth_accel (2), "");
  switch (host) {
  case KVM_FAILS:               /* straight to TCG */
    SAID (VERDICT_HOLDS);
    NOT_SAID (RUNS_KVM);
    ck_assert_str_eq (nth_accel (1), "tcg");
    break;
  case KVM_WORKS:
    NOT_SAID (VERDICT_HOLDS);
    SAID (RUNS_KVM);
    SAID (INIT_STARTED);
    ck_assert_str_eq (nth_accel (1), "kvm:tcg");
    break;
  case NO_KVM:
    NOT_SAID (VERDICT_HOLDS);
    SAID (RUNS_TCG);
    ck_assert_str_eq (nth_accel (1), "kvm:tcg");
    break;
  }
  OK (g, qdrive_shutdown (g));
  assert_nothing_left (g, tmp);
}
END_TEST

/* ---- 3. kvm alone ----------------------------------------------------- */

START_TEST (test_kvm_alone)
{
  qdrive_h *g = handle ("appliance", "kvm");
  char *tmp = private_dir (g);
  int r;

  OK (g, qdrive_set_launch_timeout (g, 6));
  r = qdrive_launch (g);
  NOT_SAID (VERDICT_HOLDS);
  NOT_SAID (RUNS_KVM);          /* no watch, no fallback */
  NOT_SAID (NO_SIGN);
  ck_assert_str_eq (nth_accel (1), "kvm");
  ck_assert_str_eq (nth_accel (2), "");
  switch (host) {
  case KVM_FAILS:
    ck_assert_int_eq (r, -1);
    ERROR_HAS (g, "launch: the appliance did not answer within 6 seconds "
               "(it ran with KVM: where KVM is present but cannot boot a "
               "guest, choose accel tcg with set_accel or $QDRIVE_ACCEL)");
    ck_assert_int_eq (qdrive_last_errno (g), ETIMEDOUT);
    break;
  case KVM_WORKS:
    OK (g, r);
    OK (g, qdrive_shutdown (g));
    break;
  case NO_KVM:                  /* qemu cannot start with accel=kvm */
    ck_assert_int_eq (r, -1);
    ERROR_HAS (g, "launch: the appliance stopped before it was ready");
    break;
  }
  assert_nothing_left (g, tmp);
}
END_TEST

/* ---- 4. which verdicts hold ------------------------------------------- */

/* Whether a launch of guest with accel honours the verdict text (NULL:
 * the file as it is), with qemu as /bin/false; the accelerator it ran
 * into *accel. */
static bool
honoured (const char *guest, const char *accel, const char *text,
          char ran[16])
{
  qdrive_h *g = handle (guest, accel);
  char *path = verdict_path ();
  bool r;

  if (text != NULL)
    write_file (path, text);
  OK (g, qdrive_set_hv (g, "/bin/false"));
  ck_assert_int_eq (qdrive_launch (g), -1);
  ERROR_HAS (g, "exited with status 1");
  r = said (VERDICT_HOLDS);
  strcpy (ran, nth_accel (1));
  qdrive_close (g);
  free (path);
  return r;
}

START_TEST (test_verdicts)
{
  qdrive_h *g = handle ("appliance", "kvm:tcg");
  char *kernel = kernel_of (g), *id = boot_id (), *good, *text, ran[16];

  qdrive_close (g);
  /* The format qdrive(3) documents: other lines are comments. */
  ck_assert (asprintf (&good, "# a comment\nboot_id %s\nkernel %s\n", id,
                       kernel) != -1);
  ck_assert (honoured ("appliance", "kvm:tcg", good, ran));
  ck_assert_str_eq (ran, "tcg");
  /* Read by kvm:tcg with the appliance only. */
  ck_assert (!honoured ("appliance", "kvm", NULL, ran));
  ck_assert_str_eq (ran, "kvm");
  ck_assert (!honoured ("appliance", "tcg", NULL, ran));
  ck_assert_str_eq (ran, "tcg");
  ck_assert (!honoured ("stopped", "kvm:tcg", NULL, ran));
  ck_assert_str_eq (ran, "kvm:tcg");
  /* Another boot, another kernel, an empty or partial file. */
  ck_assert (asprintf (&text, "boot_id 00000000-0000-0000-0000-000000000000"
                       "\nkernel %s\n", kernel) != -1);
  ck_assert (!honoured ("appliance", "kvm:tcg", text, ran));
  ck_assert_str_eq (ran, "kvm:tcg");
  free (text);
  ck_assert (asprintf (&text, "boot_id %s\nkernel %s.old\n", id, kernel)
             != -1);
  ck_assert (!honoured ("appliance", "kvm:tcg", text, ran));
  free (text);
  ck_assert (asprintf (&text, "boot_id %s\n", id) != -1);
  ck_assert (!honoured ("appliance", "kvm:tcg", text, ran));
  free (text);
  ck_assert (!honoured ("appliance", "kvm:tcg", "", ran));
  ck_assert (honoured ("appliance", "kvm:tcg", good, ran));
  free (good);
  free (kernel);
  free (id);
}
END_TEST

/* Once, around the cases. */
static void
setup (void)
{
  test_dir_init (&dir);
  ck_assert (asprintf (&cache, "%s/cache", dir.path) != -1);
  disk = make_file (&dir, "disk.img", 16, 0);
}

static void
teardown (void)
{
  test_dir_free (&dir);
  free (cache);
  free (disk);
}

int
main (void)
{
  Suite *s = suite_create ("appliance-kvm");
  TCase *tc = tcase_create ("kvm");

  require_appliance_tools ("test-appliance-kvm");
  tcase_add_unchecked_fixture (tc, setup, teardown);
  tcase_set_timeout (tc, 180);
  tcase_add_test (tc, test_first_launch);
  tcase_add_test (tc, test_later_launch);
  tcase_add_test (tc, test_kvm_alone);
  tcase_add_test (tc, test_verdicts);
  suite_add_tcase (s, tc);
  return run_suite_in_one_process (s);
}
