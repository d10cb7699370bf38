/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive: network drives launched against real servers (netserver.c):
 * qemu-nbd and nbdkit over a unix socket and TCP, lighttpd over HTTP
 * and HTTPS (with basic authentication), sshd, and tgtd (iSCSI with
 * CHAP).  Each test launches the direct backend's qemu (paused, TCG is
 * enough) and checks what block_info reports; for NBD, qemu's own
 * block layer reads the export's bytes and writes to it (qemu-io on an
 * HMP monitor the test adds behind the library's back), and the write
 * is found in the server's file.  The secret is looked for, and must be absent, in
 * qemu's /proc/PID/cmdline, the verbose output and the handle's
 * private directory once qemu runs.
 *
 * RBD, Gluster and FTP have no server here (Ceph and GlusterFS are
 * clusters of daemons; no FTP server is installed): qemu is shown to
 * accept their options by failing to *connect* to a closed loopback
 * port, and launch's error names the drive and its server.  Servers
 * that refuse, are absent, or vanish while qemu connects fail launch
 * with an error naming the server, and leave no process behind.
 *
 * The servers are started once, by the parent process, in a private
 * mount namespace (see netserver.h); Check runs each test in a child. */

#include <config.h>

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testlib.h"
#include "netserver.h"
#include "qdrive.h"

static char dir[] = "/tmp/qdrive-network.XXXXXX";
static char image[64], www[64];
static struct netserver nbd_unix, nbd_tcp, kit_unix, kit_tcp, web, ssh, tgt;

#define IQN "iqn.2024-01.org.qdrive.test:disk"
#define HTTP_USER "alice"
#define HTTP_SECRET "Http,Secret-91"
#define CHAP_USER "bob"
#define CHAP_SECRET "Chap,Secret-37"
/* A Ceph key: base64 of a 28-byte cephx key blob. */
#define CEPH_KEY "AQAAAAAAAAAAABAA8tFrSvzb/WuQp9VY5PZkZw=="

/* ---- helpers ---------------------------------------------------------- */

static qdrive_h *
new_handle (void)
{
  qdrive_h *g = qdrive_create ();

  ck_assert_ptr_nonnull (g);
  qdrive_set_error_handler (g, NULL, NULL);
  return g;
}

/* Adds a network drive: protocol, filename, one server, and optionally
 * a username and secret; readonly for the curl protocols. */
static int
add_net (qdrive_h *g, const char *protocol, const char *filename,
         const char *server, const char *user, const char *secret)
{
  struct qdrive_add_drive_opts_argv o = {
    .bitmask = QDRIVE_ADD_DRIVE_OPTS_PROTOCOL_BITMASK |
    QDRIVE_ADD_DRIVE_OPTS_FORMAT_BITMASK,
    .protocol = protocol,
    .format = "raw",
  };
  char *servers[] = { (char *) server, NULL };

  if (server) {
    o.bitmask |= QDRIVE_ADD_DRIVE_OPTS_SERVER_BITMASK;
    o.server = servers;
  }
  if (user) {
    o.bitmask |= QDRIVE_ADD_DRIVE_OPTS_USERNAME_BITMASK;
    o.username = user;
  }
  if (secret) {
    o.bitmask |= QDRIVE_ADD_DRIVE_OPTS_SECRET_BITMASK;
    o.secret = secret;
  }
  if (strncmp (protocol, "http", 4) == 0 || strncmp (protocol, "ftp", 3) == 0) {
    o.bitmask |= QDRIVE_ADD_DRIVE_OPTS_READONLY_BITMASK;
    o.readonly = 1;
  }
  return qdrive_add_drive_opts_argv (g, filename, &o);
}

static char *
server_string (const struct netserver *s)
{
  char *str;

  if (s->socket[0])
    ck_assert_int_ne (asprintf (&str, "unix:%s", s->socket), -1);
  else
    ck_assert_int_ne (asprintf (&str, "127.0.0.1:%d", s->port), -1);
  return str;
}

static void
launch_ok (qdrive_h *g)
{
  ck_assert_msg (qdrive_launch (g) == 0, "launch: %s", qdrive_last_error (g));
}

/* block_info of drive 0: its protocol, and its filename holding want. */
static void
check_block_info (qdrive_h *g, const char *protocol, const char *want,
                  int readonly)
{
  struct qdrive_block_info_list *l = qdrive_block_info (g);

  ck_assert_msg (l != NULL, "block_info: %s", qdrive_last_error (g));
  ck_assert_uint_eq (l->len, 1);
  ck_assert_str_eq (l->val[0].id, "hd0");
  ck_assert_str_eq (l->val[0].protocol, protocol);
  ck_assert_str_eq (l->val[0].format, "raw");
  ck_assert_msg (strstr (l->val[0].filename, want) != NULL,
                 "block_info filename \"%s\" does not name \"%s\"",
                 l->val[0].filename, want);
  ck_assert_int_eq (l->val[0].readonly, readonly);
  ck_assert_int_eq (l->val[0].cache_writeback, 1);
  qdrive_free_block_info_list (l);
}

/* The pid of our qemu child (Check runs the test in a process of its
 * own, so it is the only one). */
static pid_t
qemu_pid (void)
{
  DIR *d = opendir ("/proc");
  struct dirent *e;
  pid_t found = 0;
  char path[300], stat[512];
  FILE *f;

  ck_assert_ptr_nonnull (d);
  while ((e = readdir (d)) != NULL) {
    int pid, ppid;
    char comm[64];
    if (e->d_name[0] < '1' || e->d_name[0] > '9')
      continue;
    snprintf (path, sizeof path, "/proc/%s/stat", e->d_name);
    f = fopen (path, "r");
    if (f == NULL)
      continue;
    if (fgets (stat, sizeof stat, f) &&
        sscanf (stat, "%d (%63[^)]) %*c %d", &pid, comm, &ppid) == 3 &&
        ppid == getpid () && strncmp (comm, "qemu-system", 11) == 0)
      found = pid;
    fclose (f);
  }
  closedir (d);
  ck_assert_msg (found != 0, "no qemu child found");
  return found;
}

/* Asserts that the running qemu's argv does not hold s. */
static void
assert_not_in_cmdline (const char *s)
{
  char path[64], buf[65536];
  size_t n, i;
  FILE *f;

  snprintf (path, sizeof path, "/proc/%d/cmdline", (int) qemu_pid ());
  f = fopen (path, "r");
  ck_assert_ptr_nonnull (f);
  n = fread (buf, 1, sizeof buf - 1, f);
  fclose (f);
  ck_assert_uint_gt (n, 0);
  for (i = 0; i < n; ++i)
    if (buf[i] == '\0')
      buf[i] = ' ';
  buf[n] = '\0';
  ck_assert_ptr_nonnull (strstr (buf, "password-secret=sec-hd0"));
  ck_assert_msg (strstr (buf, s) == NULL, "the secret is in qemu's argv");
}

/* The handle's private directory (from the QMP socket's path). */
static char *
handle_tmpdir (qdrive_h *g)
{
  char **argv = qdrive_get_qemu_command_line (g), *p, *t = NULL;
  size_t i;

  for (i = 0; argv[i]; ++i)
    if ((p = strstr (argv[i], "path=")) && strstr (p, "/qmp.sock"))
      t = strndup (p + 5, strstr (p, "/qmp.sock") - p - 5);
  qdrive_free_string_list (argv);
  ck_assert_ptr_nonnull (t);
  return t;
}

static void
assert_no_secret_files (qdrive_h *g)
{
  char *t = handle_tmpdir (g);
  DIR *d = opendir (t);
  struct dirent *e;

  ck_assert_ptr_nonnull (d);
  while ((e = readdir (d)) != NULL)
    ck_assert_msg (strncmp (e->d_name, "secret", 6) != 0,
                   "%s/%s is still there", t, e->d_name);
  closedir (d);
  free (t);
}

/* No qemu (nor anything else) of ours is left. */
static void
assert_no_children (void)
{
  ck_assert_int_eq (waitpid (-1, NULL, WNOHANG), -1);
  ck_assert_int_eq (errno, ECHILD);
}

/* ---- qemu's block layer, through an HMP monitor of the test's ------- */

static char hmp_path[128];

static void
add_monitor (qdrive_h *g)
{
  char *hv;

  snprintf (hmp_path, sizeof hmp_path, "%s/hmp-%d.sock", dir, (int) getpid ());
  hv = qemu_with_hmp (dir, hmp_path);
  ck_assert_int_eq (qdrive_set_hv (g, hv), 0);
  free (hv);
}

/* Reads until the "(qemu) " prompt; returns what came before it. */
static char *
hmp_read (int fd)
{
  static char buf[8192];
  size_t len = 0;
  ssize_t n;

  for (;;) {
    n = read (fd, buf + len, sizeof buf - 1 - len);
    ck_assert_msg (n > 0, "HMP: %s", n == 0 ? "EOF" : strerror (errno));
    len += n;
    buf[len] = '\0';
    if (len >= 7 && strcmp (buf + len - 7, "(qemu) ") == 0)
      return buf;
    ck_assert_uint_lt (len, sizeof buf - 1);
  }
}

/* Runs "qemu-io hd0 CMD" and waits for it to finish.  qemu-io prints
 * to qemu's standard output, which the handle shows when verbose: see
 * capture_begin. */
static void
qemu_io (const char *cmd)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  char line[256];
  struct timeval tv = { 30, 0 };

  strcpy (sa.sun_path, hmp_path);
  ck_assert_int_eq (connect (fd, (struct sockaddr *) &sa, sizeof sa), 0);
  setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  hmp_read (fd);
  snprintf (line, sizeof line, "qemu-io hd0 \"%s\"\n", cmd);
  ck_assert_int_eq (write (fd, line, strlen (line)), (ssize_t) strlen (line));
  hmp_read (fd);
  close (fd);
}

/* Standard error to a file (testlib's capture: a pipe could fill and
 * stop the handle, which writes to it in this process) while qemu runs
 * verbose; stderr_capture_end returns what was written. */
static void
capture_begin (qdrive_h *g)
{
  stderr_capture_begin ();
  qdrive_set_verbose (g, 1);
}

/* qemu's block layer read the image's first byte, 'q' (0x71). */
static void
check_read_magic (const char *out)
{
  ck_assert_msg (strstr (out, "read 1/1 bytes at offset 0") != NULL &&
                 strstr (out, "Pattern verification failed") == NULL,
                 "qemu-io read, in qemu's output:\n%s", out);
}

static unsigned char
byte_of_image (long off)
{
  FILE *f = fopen (image, "r");
  int c;

  ck_assert_ptr_nonnull (f);
  ck_assert_int_eq (fseek (f, off, SEEK_SET), 0);
  c = getc (f);
  fclose (f);
  return c;
}

/* ---- NBD -------------------------------------------------------------- */

/* Launch on the server, block_info, qemu reads the export, and a write
 * reaches the server's file at offset off (unless readonly, when it
 * must not). */
static void
nbd_roundtrip (const struct netserver *s, const char *export, long off,
               int readonly)
{
  qdrive_h *g = new_handle ();
  char *server = server_string (s), want[300], cmd[64];
  char *out;
  struct qdrive_add_drive_opts_argv o = {
    .bitmask = QDRIVE_ADD_DRIVE_OPTS_PROTOCOL_BITMASK |
    QDRIVE_ADD_DRIVE_OPTS_SERVER_BITMASK | QDRIVE_ADD_DRIVE_OPTS_FORMAT_BITMASK |
    QDRIVE_ADD_DRIVE_OPTS_READONLY_BITMASK,
    .protocol = "nbd", .format = "raw", .readonly = readonly,
    .server = (char *[]) { server, NULL },
  };

  ck_assert_int_eq (qdrive_add_drive_opts_argv (g, export, &o), 0);
  add_monitor (g);
  capture_begin (g);
  launch_ok (g);
  snprintf (want, sizeof want, "%s", s->socket[0] ? s->socket : "127.0.0.1");
  check_block_info (g, "nbd", want, readonly);
  qemu_io ("read -P 0x71 0 1");
  snprintf (cmd, sizeof cmd, "write -P 0x5a %ld 512", off);
  qemu_io (cmd);
  ck_assert_int_eq (qdrive_shutdown (g), 0);
  out = stderr_capture_end ();
  check_read_magic (out);
  ck_assert_msg (strstr (out, "wrote 512/512 bytes") != NULL, "%s", out);
  ck_assert_int_eq (byte_of_image (off), readonly ? 0 : 0x5a);
  ck_assert_int_eq (byte_of_image (off + 511), readonly ? 0 : 0x5a);
  free (out);
  qdrive_close (g);
  free (server);
  assert_no_children ();
}

START_TEST (test_qemu_nbd_unix)
{
  nbd_roundtrip (&nbd_unix, "disk", 4096, 0);
}
END_TEST

START_TEST (test_qemu_nbd_tcp_readonly)
{
  /* The guest's writes go to qemu's overlay, never to the server. */
  nbd_roundtrip (&nbd_tcp, "", 8192, 1);
}
END_TEST

START_TEST (test_nbdkit_unix)
{
  nbd_roundtrip (&kit_unix, "", 12288, 0);
}
END_TEST

START_TEST (test_nbdkit_tcp)
{
  nbd_roundtrip (&kit_tcp, "", 16384, 0);
}
END_TEST

/* ---- HTTP, HTTPS ------------------------------------------------------ */

static void
web_launch (const char *protocol, int port, const char *path,
            const char *user, const char *secret)
{
  qdrive_h *g = new_handle ();
  char server[64], want[128];
  char *out;

  snprintf (server, sizeof server, "127.0.0.1:%d", port);
  ck_assert_int_eq (add_net (g, protocol, path, server, user, secret), 0);
  add_monitor (g);
  capture_begin (g);
  launch_ok (g);
  snprintf (want, sizeof want, "%s://127.0.0.1:%d%s", protocol, port, path);
  check_block_info (g, protocol, want, 1);
  qemu_io ("read -P 0x71 0 1");
  if (secret) {
    assert_not_in_cmdline (secret);
    assert_no_secret_files (g);
  }
  ck_assert_int_eq (qdrive_shutdown (g), 0);
  out = stderr_capture_end ();
  check_read_magic (out);
  if (secret)
    ck_assert_msg (strstr (out, secret) == NULL, "%s", out);
  free (out);
  qdrive_close (g);
  assert_no_children ();
}

START_TEST (test_http)
{
  web_launch ("http", web.port, "/disk.img", NULL, NULL);
}
END_TEST

START_TEST (test_https)
{
  web_launch ("https", web.tls_port, "/disk.img", NULL, NULL);
}
END_TEST

START_TEST (test_http_auth)
{
  web_launch ("http", web.port, "/private/disk.img", HTTP_USER, HTTP_SECRET);
}
END_TEST

START_TEST (test_https_auth)
{
  web_launch ("https", web.tls_port, "/private/disk.img", HTTP_USER,
              HTTP_SECRET);
}
END_TEST

/* A wrong password: launch fails naming the server, nothing is left. */
START_TEST (test_http_wrong_secret)
{
  qdrive_h *g = new_handle ();
  char server[64], want[128];

  snprintf (server, sizeof server, "127.0.0.1:%d", web.port);
  ck_assert_int_eq (add_net (g, "http", "/private/disk.img", server,
                             HTTP_USER, "wrong"), 0);
  ck_assert_int_eq (qdrive_launch (g), -1);
  snprintf (want, sizeof want, "launch: drive hd0 (http server tcp:127.0.0.1:%d, "
            "\"/private/disk.img\") could not be opened: ", web.port);
  ck_assert_msg (strncmp (qdrive_last_error (g), want, strlen (want)) == 0,
                 "%s", qdrive_last_error (g));
  ck_assert_ptr_null (strstr (qdrive_last_error (g), "wrong"));
  assert_no_secret_files (g);
  qdrive_close (g);
  assert_no_children ();
}
END_TEST

/* Verbose output shows the command line, never the secret. */
START_TEST (test_verbose_hides_secret)
{
  qdrive_h *g = new_handle ();
  char server[64], out[65536];
  int fds[2], saved;
  ssize_t n, len = 0;

  snprintf (server, sizeof server, "127.0.0.1:%d", web.port);
  ck_assert_int_eq (add_net (g, "http", "/private/disk.img", server,
                             HTTP_USER, HTTP_SECRET), 0);
  ck_assert_int_eq (pipe (fds), 0);
  fflush (stderr);
  saved = dup (2);
  dup2 (fds[1], 2);
  qdrive_set_verbose (g, 1);
  qdrive_set_trace (g, 1);
  ck_assert_int_eq (qdrive_launch (g), 0);
  ck_assert_int_eq (qdrive_shutdown (g), 0);
  qdrive_close (g);
  fflush (stderr);
  dup2 (saved, 2);
  close (saved);
  close (fds[1]);
  while ((n = read (fds[0], out + len, sizeof out - 1 - len)) > 0)
    len += n;
  close (fds[0]);
  out[len] = '\0';
  ck_assert_msg (strstr (out, "qdrive: running: ") != NULL, "%s", out);
  ck_assert_msg (strstr (out, HTTP_SECRET) == NULL, "%s", out);
  assert_no_children ();
}
END_TEST

/* ---- SSH -------------------------------------------------------------- */

START_TEST (test_ssh)
{
  qdrive_h *g = new_handle ();
  char server[64], want[128], *out;

  /* qemu's libssh logs in with the agent's key. */
  setenv ("SSH_AUTH_SOCK", ssh.agent_socket, 1);
  snprintf (server, sizeof server, "127.0.0.1:%d", ssh.port);
  ck_assert_int_eq (add_net (g, "ssh", image, server, "root", NULL), 0);
  add_monitor (g);
  capture_begin (g);
  launch_ok (g);
  snprintf (want, sizeof want, "ssh://root@127.0.0.1:%d%s", ssh.port, image);
  check_block_info (g, "ssh", want, 0);
  qemu_io ("read -P 0x71 0 1");
  ck_assert_int_eq (qdrive_shutdown (g), 0);
  out = stderr_capture_end ();
  check_read_magic (out);
  free (out);
  qdrive_close (g);
  assert_no_children ();
}
END_TEST

/* Without a key in the agent, launch fails naming the server. */
START_TEST (test_ssh_no_key)
{
  qdrive_h *g = new_handle ();
  char server[64], want[300];

  unsetenv ("SSH_AUTH_SOCK");
  snprintf (server, sizeof server, "127.0.0.1:%d", ssh.port);
  ck_assert_int_eq (add_net (g, "ssh", image, server, "root", NULL), 0);
  ck_assert_int_eq (qdrive_launch (g), -1);
  snprintf (want, sizeof want, "launch: drive hd0 (ssh server tcp:127.0.0.1:%d, "
            "\"%s\") could not be opened: ", ssh.port, image);
  ck_assert_msg (strncmp (qdrive_last_error (g), want, strlen (want)) == 0,
                 "%s", qdrive_last_error (g));
  qdrive_close (g);
  assert_no_children ();
}
END_TEST

/* ---- iSCSI ------------------------------------------------------------ */

START_TEST (test_iscsi_chap)
{
  qdrive_h *g = new_handle ();
  char server[64];
  char *out;

  snprintf (server, sizeof server, "127.0.0.1:%d", tgt.port);
  ck_assert_int_eq (add_net (g, "iscsi", IQN "/1", server, CHAP_USER,
                             CHAP_SECRET), 0);
  add_monitor (g);
  capture_begin (g);
  launch_ok (g);
  check_block_info (g, "iscsi", IQN, 0);
  qemu_io ("read -P 0x71 0 1");
  assert_not_in_cmdline (CHAP_SECRET);
  assert_no_secret_files (g);
  ck_assert_int_eq (qdrive_shutdown (g), 0);
  out = stderr_capture_end ();
  check_read_magic (out);
  ck_assert_msg (strstr (out, CHAP_SECRET) == NULL, "%s", out);
  free (out);
  qdrive_close (g);
  assert_no_children ();
}
END_TEST

START_TEST (test_iscsi_wrong_secret)
{
  qdrive_h *g = new_handle ();
  char server[64], want[128];

  snprintf (server, sizeof server, "127.0.0.1:%d", tgt.port);
  ck_assert_int_eq (add_net (g, "iscsi", IQN "/1", server, CHAP_USER,
                             "not-it"), 0);
  ck_assert_int_eq (qdrive_launch (g), -1);
  snprintf (want, sizeof want, "launch: drive hd0 (iscsi server tcp:127.0.0.1:%d, "
            "\"" IQN "/1\") could not be opened: ", tgt.port);
  ck_assert_msg (strncmp (qdrive_last_error (g), want, strlen (want)) == 0,
                 "%s", qdrive_last_error (g));
  ck_assert_ptr_nonnull (strstr (qdrive_last_error (g),
                                 "Authentication failure"));
  ck_assert_ptr_null (strstr (qdrive_last_error (g), "not-it"));
  assert_no_secret_files (g);
  qdrive_close (g);
  assert_no_children ();
}
END_TEST

/* ---- servers that refuse, are absent, or vanish ----------------------- */

/* launch fails with an error starting with want, and mentioning also. */
static void
launch_fails (qdrive_h *g, const char *want, const char *also)
{
  ck_assert_int_eq (qdrive_launch (g), -1);
  ck_assert_msg (strncmp (qdrive_last_error (g), want, strlen (want)) == 0,
                 "\"%s\" does not start with \"%s\"", qdrive_last_error (g),
                 want);
  ck_assert_msg (strstr (qdrive_last_error (g), also) != NULL,
                 "\"%s\" does not mention \"%s\"", qdrive_last_error (g), also);
  assert_no_secret_files (g);
  qdrive_close (g);
  assert_no_children ();
}

START_TEST (test_refused_tcp)
{
  qdrive_h *g = new_handle ();
  int port = netserver_free_port ();
  char server[64], want[128];

  snprintf (server, sizeof server, "127.0.0.1:%d", port);
  ck_assert_int_eq (add_net (g, "nbd", "", server, NULL, NULL), 0);
  snprintf (want, sizeof want, "launch: drive hd0 (nbd server tcp:127.0.0.1:%d, "
            "\"\") could not be opened: ", port);
  launch_fails (g, want, "Connection refused");
}
END_TEST

START_TEST (test_absent_socket)
{
  qdrive_h *g = new_handle ();
  char server[128], want[256];

  snprintf (server, sizeof server, "unix:%s/absent.sock", dir);
  ck_assert_int_eq (add_net (g, "nbd", "x", server, NULL, NULL), 0);
  snprintf (want, sizeof want, "launch: drive hd0 (nbd server %s, \"x\") could not "
            "be opened: ", server);
  launch_fails (g, want, "No such file or directory");
}
END_TEST

struct launch_thread {
  qdrive_h *g;
  int r;
  char *error;                  /* the last error is per thread */
};

static void *
launch_in_thread (void *arg)
{
  struct launch_thread *t = arg;

  t->r = qdrive_launch (t->g);
  if (t->r == -1)
    t->error = strdup (qdrive_last_error (t->g));
  return NULL;
}

/* The server accepts the connection, then dies before it answers. */
START_TEST (test_vanishes)
{
  struct netserver s;
  struct launch_thread t = { new_handle (), 0, NULL };
  pthread_t th;
  char server[64], want[128];
  char img[128];
  int fd;

  snprintf (img, sizeof img, "%s/vanish-%d.img", dir, (int) getpid ());
  fd = open (img, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ck_assert_int_eq (ftruncate (fd, 1024 * 1024), 0);
  close (fd);
  netserver_qemu_nbd (&s, dir, img, "", true, false);
  netserver_freeze (&s);
  snprintf (server, sizeof server, "127.0.0.1:%d", s.port);
  ck_assert_int_eq (add_net (t.g, "nbd", "", server, NULL, NULL), 0);
  ck_assert_int_eq (pthread_create (&th, NULL, launch_in_thread, &t), 0);
  /* qemu is connected and waits for the frozen server's greeting. */
  sleep (2);
  kill (s.pid, SIGKILL);
  ck_assert_int_eq (pthread_join (th, NULL), 0);
  netserver_stop (&s);
  ck_assert_int_eq (t.r, -1);
  snprintf (want, sizeof want, "launch: drive hd0 (nbd server tcp:127.0.0.1:%d, "
            "\"\") could not be opened: ", s.port);
  ck_assert_ptr_nonnull (t.error);
  ck_assert_msg (strncmp (t.error, want, strlen (want)) == 0, "%s", t.error);
  free (t.error);
  qdrive_close (t.g);
  unlink (img);
  assert_no_children ();
}
END_TEST

/* ---- protocols without a server here: qemu takes the options, and
 * fails only to connect ----------------------------------------------- */

START_TEST (test_rbd_accepted)
{
  qdrive_h *g = new_handle ();
  int port = netserver_free_port ();
  char server[64], want[128];

  /* librados reads CEPH_ARGS: give up connecting after 2 s, not 300. */
  setenv ("CEPH_ARGS", "--client_mount_timeout 2", 1);
  snprintf (server, sizeof server, "127.0.0.1:%d", port);
  ck_assert_int_eq (add_net (g, "rbd", "pool/image", server, "admin",
                             CEPH_KEY), 0);
  snprintf (want, sizeof want, "launch: drive hd0 (rbd server tcp:127.0.0.1:%d, "
            "\"pool/image\") could not be opened: ", port);
  launch_fails (g, want, "error connecting: Connection timed out");
}
END_TEST

START_TEST (test_gluster_accepted)
{
  qdrive_h *g = new_handle ();
  int port = netserver_free_port ();
  char server[64], want[128], also[128];

  snprintf (server, sizeof server, "127.0.0.1:%d", port);
  ck_assert_int_eq (add_net (g, "gluster", "volume/dir/image", server,
                             NULL, NULL), 0);
  snprintf (want, sizeof want, "launch: drive hd0 (gluster server "
            "tcp:127.0.0.1:%d, \"volume/dir/image\") could not be opened: ",
            port);
  snprintf (also, sizeof also, "Gluster connection for volume volume, "
            "path dir/image failed to connect");
  launch_fails (g, want, also);
}
END_TEST

START_TEST (test_ftp_accepted)
{
  static const char *const protocols[] = { "ftp", "ftps" };
  size_t i;

  for (i = 0; i < 2; ++i) {
    qdrive_h *g = new_handle ();
    int port = netserver_free_port ();
    char server[64], want[128], also[128];

    snprintf (server, sizeof server, "127.0.0.1:%d", port);
    ck_assert_int_eq (add_net (g, protocols[i], "/d.img", server, "u", "s"),
                      0);
    snprintf (want, sizeof want, "launch: drive hd0 (%s server tcp:127.0.0.1:%d, "
              "\"/d.img\") could not be opened: ", protocols[i], port);
    snprintf (also, sizeof also, "Failed to connect to 127.0.0.1 port %d",
              port);
    launch_fails (g, want, also);
  }
}
END_TEST

/* ---- main ------------------------------------------------------------- */

static void
stop_all (void)
{
  netserver_stop (&nbd_unix);
  netserver_stop (&nbd_tcp);
  netserver_stop (&kit_unix);
  netserver_stop (&kit_tcp);
  netserver_stop (&web);
  netserver_stop (&ssh);
  netserver_stop (&tgt);
}

int
main (void)
{
  Suite *s = suite_create ("network");
  TCase *tc = tcase_create ("network");
  SRunner *sr;
  int failed;
  char cmd[256], path[128];

  if (mkdtemp (dir) == NULL) {
    perror ("mkdtemp");
    return EXIT_FAILURE;
  }
  netserver_private_trust (dir);
  snprintf (image, sizeof image, "%s/disk.img", dir);
  snprintf (www, sizeof www, "%s/www", dir);
  netserver_make_image (image);
  mkdir (www, 0755);
  snprintf (path, sizeof path, "%s/private", www);
  mkdir (path, 0755);
  snprintf (path, sizeof path, "%s/disk.img", www);
  netserver_make_image (path);
  snprintf (path, sizeof path, "%s/private/disk.img", www);
  netserver_make_image (path);

  netserver_qemu_nbd (&nbd_unix, dir, image, "disk", false, false);
  netserver_qemu_nbd (&nbd_tcp, dir, image, "", true, true);
  netserver_nbdkit (&kit_unix, dir, image, false, false);
  netserver_nbdkit (&kit_tcp, dir, image, true, false);
  netserver_lighttpd (&web, dir, www, HTTP_USER, HTTP_SECRET);
  netserver_sshd (&ssh, dir);
  netserver_tgtd (&tgt, dir, IQN, image, CHAP_USER, CHAP_SECRET);

  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_qemu_nbd_unix);
  tcase_add_test (tc, test_qemu_nbd_tcp_readonly);
  tcase_add_test (tc, test_nbdkit_unix);
  tcase_add_test (tc, test_nbdkit_tcp);
  tcase_add_test (tc, test_http);
  tcase_add_test (tc, test_https);
  tcase_add_test (tc, test_http_auth);
  tcase_add_test (tc, test_https_auth);
  tcase_add_test (tc, test_http_wrong_secret);
  tcase_add_test (tc, test_verbose_hides_secret);
  tcase_add_test (tc, test_ssh);
  tcase_add_test (tc, test_ssh_no_key);
  tcase_add_test (tc, test_iscsi_chap);
  tcase_add_test (tc, test_iscsi_wrong_secret);
  tcase_add_test (tc, test_refused_tcp);
  tcase_add_test (tc, test_absent_socket);
  tcase_add_test (tc, test_vanishes);
  tcase_add_test (tc, test_rbd_accepted);
  tcase_add_test (tc, test_gluster_accepted);
  tcase_add_test (tc, test_ftp_accepted);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  stop_all ();
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system (cmd) != 0)
    fprintf (stderr, "cannot remove %s\n", dir);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
