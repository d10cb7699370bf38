/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive: the appliance reads and writes network drives, against the
 * real servers of netserver.c (test-network.c looks at qemu's side
 * only).  Everything in the guest goes through qdrive's own calls
 * (list_devices, sh, blockstats); the host then reads the servers'
 * files.
 *
 * One appliance boots with every drive (a TCG boot costs seconds); the
 * cases run one after another in this process (Check's no-fork mode)
 * and the last one shuts it down:
 *
 *   label    protocol  server                        cache      access
 *   QEMUNBD  nbd       qemu-nbd, unix socket         writeback  rw
 *   NBDKIT   nbd       nbdkit, TCP 127.0.0.1, logged writeback  rw
 *   UNSAFE   nbd       nbdkit, unix socket, logged   unsafe     rw
 *   HTTP     http      lighttpd                      writeback  readonly
 *   HTTPS    https     lighttpd, certificate of ours writeback  readonly
 *   SSH      ssh       sshd (SFTP), key in ssh-agent writeback  rw
 *   ISCSI    iscsi     tgtd                          writeback  rw
 *
 * Each server serves a file of its own, filled on the host with a
 * pseudo-random pattern (the two web drives share one).  nbdkit's log
 * filter records each request its two servers get, so that the test
 * sees the NBD flushes themselves, not only qemu's counters.
 *
 * What an unsafe NBD drive means (qemu 7.2): cache.no-flush keeps
 * qemu from forcing data "to the disk", but qemu's NBD driver sends
 * its flush as the "to the OS" step, which every cache mode performs;
 * so the guest's flushes still reach the server, as they do with
 * writeback, and qemu flushes again when it quits.  unsafe buys nothing
 * on an NBD drive, and loses nothing either.  The test asserts this,
 * so that a qemu that changes it is noticed.
 *
 * Needs root (netserver_private_trust: sshd and tgtd, and trust in the
 * test's own SSH and HTTPS servers in a private mount namespace). */

#include <config.h>

#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qdrive.h"
#include "appliance-testlib.h"
#include "netserver.h"

#define IMAGE_SIZE (4 << 20)
#define IQN "iqn.2024-01.org.qdrive.test:guest"

static char dir[] = "/tmp/qdrive-network-guest.XXXXXX";
static struct netserver qemu_nbd, kit_tcp, kit_unsafe, web, ssh, tgt;
static char kit_log[128], unsafe_log[128];     /* nbdkit's request logs */

/* One drive: how it is added, where the server keeps its bytes. */
struct net_drive {
  const char *label;            /* /dev/disk/qdrive/LABEL in the guest */
  const char *protocol;
  const char *cachemode;
  bool readonly;
  char file[192];               /* the file the server serves */
  char filename[192];           /* add_drive's filename */
  char server[300];             /* add_drive's one server */
};

enum { QEMUNBD, NBDKIT, UNSAFE, HTTP, HTTPS, SSH, ISCSI, NDRIVES };
static struct net_drive drives[NDRIVES] = {
  [QEMUNBD] = { "QEMUNBD", "nbd", "writeback", false },
  [NBDKIT] = { "NBDKIT", "nbd", "writeback", false },
  [UNSAFE] = { "UNSAFE", "nbd", "unsafe", false },
  [HTTP] = { "HTTP", "http", "writeback", true },
  [HTTPS] = { "HTTPS", "https", "writeback", true },
  [SSH] = { "SSH", "ssh", "writeback", false },
  [ISCSI] = { "ISCSI", "iscsi", "writeback", false },
};

static qdrive_h *g;
static char *tmpdir;                    /* the handle's private directory */
static bool launched;
static double boot_seconds;
static uint64_t web_sum;                /* the served file, before */

/* ---- the pattern on the host ---------------------------------------- */

static uint64_t
xorshift (uint64_t *x)
{
  *x ^= *x << 13;
  *x ^= *x >> 7;
  *x ^= *x << 17;
  return *x;
}

/* path, IMAGE_SIZE bytes of a pattern that differs from byte to byte
 * and from seed to seed. */
static void
fill_pattern (const char *path, uint64_t seed)
{
  static uint64_t buf[65536 / 8];
  uint64_t x = seed;
  FILE *f = fopen (path, "w");
  size_t n, i;

  ck_assert_msg (f != NULL, "%s: %s", path, strerror (errno));
  for (n = 0; n < IMAGE_SIZE; n += sizeof buf) {
    for (i = 0; i < sizeof buf / 8; ++i)
      buf[i] = xorshift (&x);
    ck_assert (fwrite (buf, 1, sizeof buf, f) == sizeof buf);
  }
  ck_assert (fclose (f) == 0);
}

/* len bytes of path at off, as lower-case hex (static buffer). */
static const char *
host_hex (const char *path, long off, size_t len)
{
  static char hex[2 * 4096 + 1];
  unsigned char buf[4096];
  FILE *f = fopen (path, "r");
  size_t i;

  ck_assert (len <= sizeof buf);
  ck_assert_msg (f != NULL, "%s: %s", path, strerror (errno));
  ck_assert_int_eq (fseek (f, off, SEEK_SET), 0);
  ck_assert_uint_eq (fread (buf, 1, len, f), len);
  fclose (f);
  for (i = 0; i < len; ++i)
    sprintf (hex + 2 * i, "%02x", buf[i]);
  return hex;
}

/* md5sum's digest of path (static buffer). */
static const char *
host_md5 (const char *path)
{
  static char out[64];
  char *cmd;
  FILE *p;

  ck_assert (asprintf (&cmd, "md5sum < '%s'", path) != -1);
  p = popen (cmd, "r");
  ck_assert (p != NULL);
  ck_assert (fgets (out, sizeof out, p) != NULL);
  ck_assert_int_eq (pclose (p), 0);
  free (cmd);
  out[32] = '\0';
  return out;
}

/* ---- the guest, through qdrive's calls -------------------------------- */

/* The command sh runs, for the watchdog's message. */
static char running[512];

/* sh's output, or a failure with the error.  Malloc'd. */
static char *
sh (const char *fs, ...)
{
  va_list args;
  char *cmd, *out;

  va_start (args, fs);
  ck_assert (vasprintf (&cmd, fs, args) != -1);
  va_end (args);
  snprintf (running, sizeof running, "%s", cmd);
  out = qdrive_sh (g, cmd);
  running[0] = '\0';
  ck_assert_msg (out != NULL, "sh \"%s\": %s", cmd, qdrive_last_error (g));
  free (cmd);
  return out;
}

/* The guest's shell pipeline printing its standard input as hex, with
 * nothing else (busybox od). */
#define TO_HEX "od -An -v -tx1 | tr -d ' \\n'"

/* len bytes (a multiple of 64) of the drive at off, read in the guest,
 * in hex; from qemu, not from what the guest's page cache holds.
 * Malloc'd. */
static char *
guest_hex (size_t i, long off, size_t len)
{
  ck_assert (off % 64 == 0 && len % 64 == 0);
  return sh ("blockdev --flushbufs /dev/disk/qdrive/%s && "
             "dd if=/dev/disk/qdrive/%s bs=64 skip=%ld count=%zu "
             "2>/dev/null | " TO_HEX, drives[i].label, drives[i].label,
             off / 64, len / 64);
}

/* The guest writes 4 KiB of its own random bytes at off of drive i,
 * then flushes the drive (dd conv=fsync) if flush, or else writes with
 * O_DIRECT, so that the write reaches qemu at once with no flush; their
 * hex.  Malloc'd. */
static char *
guest_write (size_t i, long off, bool flush)
{
  ck_assert (off % 4096 == 0);
  return sh ("head -c 4096 /dev/urandom > /tmp/w && "
             "dd if=/tmp/w of=/dev/disk/qdrive/%s bs=4096 seek=%ld %s "
             "2>/dev/null && cat /tmp/w | " TO_HEX,
             drives[i].label, off / 4096,
             flush ? "conv=notrunc,fsync" : "conv=notrunc oflag=direct");
}

/* ---- nbdkit's request log --------------------------------------------- */

/* The request names of the log after its first skip requests, one
 * letter each (W write, F flush, R read, D disconnect, ...) in order:
 * static buffer. */
static const char *
requests_after (const char *log, int skip)
{
  static char seq[4096];
  char line[1024], *p;
  FILE *f = fopen (log, "r");
  size_t n = 0;
  int seen = 0;

  ck_assert_msg (f != NULL, "%s: %s", log, strerror (errno));
  while (fgets (line, sizeof line, f) != NULL && n < sizeof seq - 1) {
    /* "DATE TIME connection=N NAME id=..." and its "...NAME" reply. */
    if ((p = strstr (line, "connection=")) == NULL ||
        (p = strchr (p, ' ')) == NULL || p[1] == '.')
      continue;
    if (seen++ >= skip)
      seq[n++] = p[1];
  }
  fclose (f);
  seq[n] = '\0';
  return seq;
}

/* How many requests the log holds. */
static int
request_count (const char *log)
{
  return strlen (requests_after (log, 0));
}

/* ---- one boot --------------------------------------------------------- */

static void
add_net (size_t i)
{
  const struct net_drive *d = &drives[i];
  struct qdrive_add_drive_opts_argv o = {
    .bitmask = QDRIVE_ADD_DRIVE_OPTS_PROTOCOL_BITMASK |
    QDRIVE_ADD_DRIVE_OPTS_SERVER_BITMASK | QDRIVE_ADD_DRIVE_OPTS_FORMAT_BITMASK |
    QDRIVE_ADD_DRIVE_OPTS_LABEL_BITMASK | QDRIVE_ADD_DRIVE_OPTS_CACHEMODE_BITMASK |
    QDRIVE_ADD_DRIVE_OPTS_READONLY_BITMASK,
    .protocol = d->protocol, .format = "raw", .label = d->label,
    .cachemode = d->cachemode, .readonly = d->readonly,
    .server = (char *[]) { (char *) d->server, NULL },
  };

  if (strcmp (d->protocol, "ssh") == 0) {
    o.bitmask |= QDRIVE_ADD_DRIVE_OPTS_USERNAME_BITMASK;
    o.username = "root";
  }
  OK (g, qdrive_add_drive_opts_argv (g, d->filename, &o));
}

static void
set_drive (size_t i, const char *file, const char *filename,
           const char *server_fmt, ...)
{
  struct net_drive *d = &drives[i];
  va_list args;

  snprintf (d->file, sizeof d->file, "%s", file);
  snprintf (d->filename, sizeof d->filename, "%s", filename);
  va_start (args, server_fmt);
  vsnprintf (d->server, sizeof d->server, server_fmt, args);
  va_end (args);
}

/* The servers, each on a file of its own, and the drives. */
static void
start_servers (void)
{
  char file[NDRIVES][192], www[128];
  size_t i;

  snprintf (www, sizeof www, "%s/www", dir);
  ck_assert (mkdir (www, 0755) == 0);
  for (i = 0; i < NDRIVES; ++i) {
    if (i == HTTP || i == HTTPS)
      snprintf (file[i], sizeof file[i], "%s/disk.img", www);
    else
      snprintf (file[i], sizeof file[i], "%s/%s.img", dir, drives[i].label);
    if (i != HTTPS)
      fill_pattern (file[i], 0x9e3779b97f4a7c15ULL * (i + 1));
  }
  web_sum = checksum (file[HTTP]);
  snprintf (kit_log, sizeof kit_log, "%s/nbdkit-requests.log", dir);
  snprintf (unsafe_log, sizeof unsafe_log, "%s/unsafe-requests.log", dir);

  netserver_qemu_nbd (&qemu_nbd, dir, file[QEMUNBD], "disk", false, false);
  netserver_nbdkit_logged (&kit_tcp, dir, file[NBDKIT], true, false, kit_log);
  netserver_nbdkit_logged (&kit_unsafe, dir, file[UNSAFE], false, false,
                           unsafe_log);
  netserver_lighttpd (&web, dir, www, NULL, NULL);
  netserver_sshd (&ssh, dir);
  netserver_tgtd (&tgt, dir, IQN, file[ISCSI], NULL, NULL);
  /* qemu's libssh logs in with the agent's key. */
  setenv ("SSH_AUTH_SOCK", ssh.agent_socket, 1);

  set_drive (QEMUNBD, file[QEMUNBD], "disk", "unix:%s", qemu_nbd.socket);
  set_drive (NBDKIT, file[NBDKIT], "", "127.0.0.1:%d", kit_tcp.port);
  set_drive (UNSAFE, file[UNSAFE], "", "unix:%s", kit_unsafe.socket);
  set_drive (HTTP, file[HTTP], "/disk.img", "127.0.0.1:%d", web.port);
  set_drive (HTTPS, file[HTTP], "/disk.img", "127.0.0.1:%d", web.tls_port);
  set_drive (SSH, file[SSH], file[SSH], "127.0.0.1:%d", ssh.port);
  set_drive (ISCSI, file[ISCSI], IQN "/1", "127.0.0.1:%d", tgt.port);
}

static void
launch_once (void)
{
  size_t i;
  double t;

  start_servers ();
  g = appliance_handle ();
  for (i = 0; i < NDRIVES; ++i)
    add_net (i);
  tmpdir = private_dir (g);
  t = now ();
  OK (g, qdrive_launch (g));
  boot_seconds = now () - t;
  launched = true;
  fprintf (stderr, "test-network-guest: launch with %d network drives: "
           "%.1f s\n", NDRIVES, boot_seconds);
}

static void
stop_servers (void)
{
  netserver_stop (&qemu_nbd);
  netserver_stop (&kit_tcp);
  netserver_stop (&kit_unsafe);
  netserver_stop (&web);
  netserver_stop (&ssh);
  netserver_stop (&tgt);
}

/* After every case (the last shut the appliance down): the servers
 * stopped, then nothing left of the handle or of them. */
static void
teardown_once (void)
{
  if (launched)
    OK (g, qdrive_shutdown (g));
  stop_servers ();
  assert_nothing_left (g, tmpdir);
}

/* Check's timeouts need its fork mode: this test runs the cases in
 * one process, so a guest that stops answering (a drive whose request
 * qemu never completes: see test_read) would hang make check.  The
 * watchdog thread fails the test instead, naming the command, and
 * leaves the test directory, with the servers' logs, for a post-mortem
 * (the servers are killed, and qemu dies with its watcher).  A
 * thread, not alarm: Check's SIGALRM handler would take the signal. */
#define WATCHDOG_SECONDS 300
#define STR(x) #x
#define XSTR(x) STR (x)

static void
say (const char *s)
{
  if (write (2, s, strlen (s)) == -1)
    return;
}

static void *
watchdog (void *arg)
{
  struct netserver *const servers[] = { &qemu_nbd, &kit_tcp, &kit_unsafe,
                                        &web, &ssh, &tgt };
  size_t i;

  sleep (WATCHDOG_SECONDS);
  /* The servers get SIGKILL as this process exits (PR_SET_PDEATHSIG),
   * but ssh-agent, whose exec drops that, only from here. */
  for (i = 0; i < sizeof servers / sizeof servers[0]; ++i) {
    if (servers[i]->pid > 0)
      kill (servers[i]->pid, SIGKILL);
    if (servers[i]->agent_pid > 0)
      kill (servers[i]->agent_pid, SIGKILL);
  }
  say ("test-network-guest: not done in " XSTR (WATCHDOG_SECONDS)
       " seconds; the guest was running: ");
  say (running);
  say ("\nthe servers' logs are in ");
  say (dir);
  say ("\n");
  _exit (EXIT_FAILURE);
}

/* ---- the cases -------------------------------------------------------- */

/* Each drive is where list_devices says, under its label, with the
 * size of the server's file; qemu reports the protocols. */
START_TEST (test_devices)
{
  char **d = qdrive_list_devices (g), *out;
  struct qdrive_block_info_list *l = qdrive_block_info (g);
  size_t i;

  ck_assert_msg (d != NULL, "%s", qdrive_last_error (g));
  ck_assert_msg (l != NULL, "%s", qdrive_last_error (g));
  ck_assert_uint_eq (l->len, NDRIVES);
  for (i = 0; i < NDRIVES; ++i) {
    ck_assert_ptr_nonnull (d[i]);
    out = sh ("readlink -f /dev/disk/qdrive/%s; blockdev --getsize64 %s",
              drives[i].label, d[i]);
    ck_assert_msg (strncmp (out, d[i], strlen (d[i])) == 0 &&
                   out[strlen (d[i])] == '\n' &&
                   atol (out + strlen (d[i]) + 1) == IMAGE_SIZE,
                   "%s (%s): %s", drives[i].label, d[i], out);
    free (out);
    ck_assert_str_eq (l->val[i].protocol, drives[i].protocol);
    ck_assert_int_eq (l->val[i].readonly, drives[i].readonly);
    ck_assert_int_eq (l->val[i].cache_no_flush, i == UNSAFE);
  }
  ck_assert_ptr_null (d[NDRIVES]);
  qdrive_free_string_list (d);
  qdrive_free_block_info_list (l);
}
END_TEST

/* The guest reads the servers' bytes: 64 bytes at offsets in four
 * places (the first sector, unaligned, a page boundary, the last),
 * then every byte (md5sum of the whole device), but over HTTPS: in
 * one of the first eight runs here (under load), qemu 7.2's curl
 * driver never completed one of md5sum's reads there (qemu idle, its
 * connections to lighttpd closed by the server, the guest waiting for
 * ever), so the HTTPS drive reads only the offsets, and HTTP reads
 * every byte of the same file. */
START_TEST (test_read)
{
  static const long offsets[] = { 0, 4096 + 1984, (2 << 20) - 64,
                                  IMAGE_SIZE - 64 };
  size_t i, j;
  char *out;

  for (i = 0; i < NDRIVES; ++i) {
    for (j = 0; j < sizeof offsets / sizeof offsets[0]; ++j) {
      out = guest_hex (i, offsets[j], 64);
      ck_assert_msg (strcmp (out, host_hex (drives[i].file, offsets[j], 64))
                     == 0, "%s at %ld: the guest read %s", drives[i].label,
                     offsets[j], out);
      free (out);
    }
    if (i == HTTPS)
      continue;
    out = sh ("md5sum < /dev/disk/qdrive/%s", drives[i].label);
    ck_assert_msg (strncmp (out, host_md5 (drives[i].file), 32) == 0,
                   "%s: %s", drives[i].label, out);
    free (out);
  }
}
END_TEST

/* The guest writes to every writable drive and flushes (dd
 * conv=fsync); the server's file holds the bytes, around them the
 * pattern is intact; the logged nbdkit got the write, then a flush. */
START_TEST (test_write)
{
  static const size_t writable[] = { QEMUNBD, NBDKIT, SSH, ISCSI };
  size_t k, i;
  long off = 3 << 20;
  int seen = request_count (kit_log), flushes;
  char *hex, before[129], after[129];

  for (k = 0; k < sizeof writable / sizeof writable[0]; ++k) {
    i = writable[k];
    snprintf (before, sizeof before, "%s",
              host_hex (drives[i].file, off - 64, 64));
    snprintf (after, sizeof after, "%s", host_hex (drives[i].file, off + 4096,
                                                   64));
    flushes = blockstats_of (g, NDRIVES, i).flush_operations;
    hex = guest_write (i, off, true);
    ck_assert_uint_eq (strlen (hex), 2 * 4096);
    ck_assert_msg (strcmp (hex, host_hex (drives[i].file, off, 4096)) == 0,
                   "%s: the server's file does not hold the guest's write",
                   drives[i].label);
    ck_assert_str_eq (before, host_hex (drives[i].file, off - 64, 64));
    ck_assert_str_eq (after, host_hex (drives[i].file, off + 4096, 64));
    ck_assert_int_gt (blockstats_of (g, NDRIVES, i).flush_operations,
                      flushes);
    free (hex);
  }
  ck_assert_msg (strstr (requests_after (kit_log, seen), "WF") != NULL,
                 "nbdkit got no flush after a write: %s",
                 requests_after (kit_log, seen));
}
END_TEST

/* The web drives are read-only: the guest's write lands in qemu's
 * throw-away overlay (the guest reads it back), never on the server
 * (curl cannot write; the served file is unchanged). */
START_TEST (test_web_readonly)
{
  size_t i;
  char *hex, *back;

  for (i = HTTP; i <= HTTPS; ++i) {
    hex = guest_write (i, 0, true);
    back = guest_hex (i, 0, 4096);
    ck_assert_str_eq (back, hex);
    ck_assert_str_ne (hex, host_hex (drives[i].file, 0, 4096));
    free (hex);
    free (back);
  }
  ck_assert (checksum (drives[HTTP].file) == web_sum);
}
END_TEST

/* The unsafe NBD drive: a write without a flush reaches the server
 * at once (qemu's NBD client keeps no cache); the guest's flush then
 * reaches the server too, as with writeback (see the top of the file). */
START_TEST (test_unsafe_flushes)
{
  int seen = request_count (unsafe_log), flushes;
  char *hex;

  flushes = blockstats_of (g, NDRIVES, UNSAFE).flush_operations;
  hex = guest_write (UNSAFE, 1 << 20, false);
  ck_assert_str_eq (hex, host_hex (drives[UNSAFE].file, 1 << 20, 4096));
  ck_assert_str_eq (requests_after (unsafe_log, seen), "W");
  ck_assert_int_eq (blockstats_of (g, NDRIVES, UNSAFE).flush_operations,
                    flushes);
  free (hex);

  /* An fsync of the device and nothing else: one flush. */
  seen = request_count (unsafe_log);
  free (sh ("dd if=/dev/null of=/dev/disk/qdrive/UNSAFE conv=notrunc,fsync "
            "2>/dev/null"));
  ck_assert_int_eq (blockstats_of (g, NDRIVES, UNSAFE).flush_operations,
                    flushes + 1);
  ck_assert_str_eq (requests_after (unsafe_log, seen), "F");
}
END_TEST

/* Last: a write with no flush on the unsafe drive, then shutdown:
 * qemu flushes the NBD drive as it quits. */
START_TEST (test_shutdown_flushes)
{
  int seen = request_count (unsafe_log);
  struct qdrive_blockstats s;
  int64_t rd = 0, wr = 0;
  size_t i;
  char *hex = guest_write (UNSAFE, 2 << 20, false);

  ck_assert_str_eq (requests_after (unsafe_log, seen), "W");
  for (i = 0; i < NDRIVES; ++i) {
    s = blockstats_of (g, NDRIVES, i);
    rd += s.rd_bytes;
    wr += s.wr_bytes;
  }
  fprintf (stderr, "test-network-guest: the guest read %lld bytes and wrote "
           "%lld bytes over %d drives\n", (long long) rd, (long long) wr,
           NDRIVES);
  OK (g, qdrive_shutdown (g));
  launched = false;
  ck_assert_str_eq (hex, host_hex (drives[UNSAFE].file, 2 << 20, 4096));
  free (hex);
  ck_assert_msg (strncmp (requests_after (unsafe_log, seen), "WF", 2) == 0,
                 "after the last write the server got: %s",
                 requests_after (unsafe_log, seen));
}
END_TEST

static Suite *
network_guest_suite (void)
{
  Suite *s = suite_create ("network-guest");
  TCase *tc = tcase_create ("one boot");

  tcase_add_unchecked_fixture (tc, launch_once, teardown_once);
  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_devices);
  tcase_add_test (tc, test_read);
  tcase_add_test (tc, test_write);
  tcase_add_test (tc, test_web_readonly);
  tcase_add_test (tc, test_unsafe_flushes);
  tcase_add_test (tc, test_shutdown_flushes);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  int r;
  char cmd[128];
  pthread_t watchdog_thread;

  require_appliance_tools ("test-network-guest");
  if (mkdtemp (dir) == NULL) {
    perror ("mkdtemp");
    return EXIT_FAILURE;
  }
  netserver_private_trust (dir);
  if (pthread_create (&watchdog_thread, NULL, watchdog, NULL) != 0) {
    perror ("pthread_create");
    return EXIT_FAILURE;
  }
  /* One process, so the cases share the launched handle. */
  r = run_suite_in_one_process (network_guest_suite ());
  stop_servers ();
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system (cmd) != 0)
    fprintf (stderr, "cannot remove %s\n", dir);
  return r;
}
