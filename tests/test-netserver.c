/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive: the network-server harness (netserver.c) against qemu's own
 * block layer.
 *
 * Each test starts one real server and reads it through qemu-io (the
 * block layer qemu-system uses, from qemu-utils) with the structured
 * -drive options the direct backend writes (file.driver=nbd,
 * file.server.type=unix, ...), so this suite establishes both that the
 * servers work and which qemu syntax reaches them.  The trust checks
 * are real too: an HTTPS server whose CA is not trusted and an SSH
 * server whose host key is not known are refused by qemu.
 *
 * A write through qemu-io must reach the server's file. */

#include <config.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netserver.h"

static char dir[] = "/tmp/qdrive-netserver.XXXXXX";
static char image[64], docroot[64], private_image[64];

/* Runs qemu-io on the image options with one command (read-only unless
 * it writes); returns its exit status, its output in out (malloc'd). */
static int
qemu_io (const char *opts, const char *object, const char *env,
         const char *command, char **out)
{
  char log[400];
  int fd, status;
  pid_t pid;
  FILE *f;
  size_t len = 0;
  char buf[4096];

  snprintf (log, sizeof log, "%s/qemu-io.out", dir);
  pid = fork ();
  ck_assert_int_ne (pid, -1);
  if (pid == 0) {
    fd = open (log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2 (fd, 1);
    dup2 (fd, 2);
    if (env)
      putenv ((char *) env);
    const char *ro = strncmp (command, "write", 5) == 0 ? "--cache=writeback" : "-r";
    if (object)
      execl ("/usr/bin/timeout", "timeout", "30", "/usr/bin/qemu-io", ro,
             "--object", object, "--image-opts", opts, "-c", command,
             (char *) NULL);
    else
      execl ("/usr/bin/timeout", "timeout", "30", "/usr/bin/qemu-io", ro,
             "--image-opts", opts, "-c", command, (char *) NULL);
    _exit (127);
  }
  ck_assert_int_eq (waitpid (pid, &status, 0), pid);
  f = fopen (log, "r");
  ck_assert_ptr_nonnull (f);
  len = fread (buf, 1, sizeof buf - 1, f);
  buf[len] = '\0';
  fclose (f);
  *out = strdup (buf);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128;
}

/* Reads the first 16 bytes through qemu and checks they are magic. */
static void
check_reads_magic (const char *opts, const char *object, const char *env)
{
  char *out;
  int r = qemu_io (opts, object, env, "read -P 0x71 0 1", &out);

  /* 'q' is 0x71: the first byte of magic. */
  ck_assert_msg (r == 0 && strstr (out, "read 1/1 bytes") != NULL,
                 "qemu-io %s: status %d:\n%s", opts, r, out);
  free (out);
}

static void
check_refused (const char *opts, const char *env, const char *expect)
{
  char *out;
  int r = qemu_io (opts, NULL, env, "read 0 1", &out);

  ck_assert_msg (r != 0 && strstr (out, expect) != NULL,
                 "qemu-io %s should fail with \"%s\": status %d:\n%s",
                 opts, expect, r, out);
  free (out);
}

static char *
opts_printf (const char *fs, ...) __attribute__((format (printf, 1, 2)));
static char *
opts_printf (const char *fs, ...)
{
  va_list args;
  char *s;

  va_start (args, fs);
  ck_assert_int_ne (vasprintf (&s, fs, args), -1);
  va_end (args);
  return s;
}

/* ---- NBD -------------------------------------------------------------- */

START_TEST (test_qemu_nbd_unix)
{
  struct netserver s;
  char *o;
  char *out;

  netserver_qemu_nbd (&s, dir, image, "disk", false, false);
  o = opts_printf ("driver=raw,file.driver=nbd,file.server.type=unix,"
                   "file.server.path=%s,file.export=disk", s.socket);
  check_reads_magic (o, NULL, NULL);
  /* A write reaches the server's file. */
  ck_assert_int_eq (qemu_io (o, NULL, NULL, "write -P 0x5a 4096 512", &out), 0);
  free (out);
  netserver_stop (&s);
  {
    FILE *f = fopen (image, "r");
    unsigned char b[512];
    ck_assert (fseek (f, 4096, SEEK_SET) == 0);
    ck_assert_int_eq (fread (b, 1, 512, f), 512);
    ck_assert_int_eq (b[0], 0x5a);
    ck_assert_int_eq (b[511], 0x5a);
    fclose (f);
  }
  free (o);
}
END_TEST

START_TEST (test_qemu_nbd_tcp)
{
  struct netserver s;
  char *o;

  netserver_qemu_nbd (&s, dir, image, "", true, true);
  o = opts_printf ("driver=raw,file.driver=nbd,file.server.type=inet,"
                   "file.server.host=127.0.0.1,file.server.port=%d", s.port);
  check_reads_magic (o, NULL, NULL);
  netserver_stop (&s);
  /* Gone: refused, naming the server. */
  check_refused (o, NULL, "127.0.0.1");
  free (o);
}
END_TEST

START_TEST (test_nbdkit_unix_and_tcp)
{
  struct netserver u, t;
  char *o;

  netserver_nbdkit (&u, dir, image, false, true);
  netserver_nbdkit (&t, dir, image, true, false);
  o = opts_printf ("driver=raw,file.driver=nbd,file.server.type=unix,"
                   "file.server.path=%s", u.socket);
  check_reads_magic (o, NULL, NULL);
  free (o);
  o = opts_printf ("driver=raw,file.driver=nbd,file.server.type=inet,"
                   "file.server.host=127.0.0.1,file.server.port=%d", t.port);
  check_reads_magic (o, NULL, NULL);
  free (o);
  netserver_stop (&u);
  netserver_stop (&t);
}
END_TEST

/* ---- HTTP, HTTPS ------------------------------------------------------ */

START_TEST (test_lighttpd)
{
  struct netserver s;
  char *o, *object;
  char secret[400];
  int fd;

  netserver_lighttpd (&s, dir, docroot, "alice", "pass,word");
  o = opts_printf ("driver=raw,read-only=on,file.driver=http,"
                   "file.url=http://127.0.0.1:%d/disk.img", s.port);
  check_reads_magic (o, NULL, NULL);
  free (o);
  o = opts_printf ("driver=raw,read-only=on,file.driver=https,"
                   "file.url=https://127.0.0.1:%d/disk.img", s.tls_port);
  check_reads_magic (o, NULL, NULL);
  free (o);
  /* Basic authentication: the password from a secret object's file. */
  snprintf (secret, sizeof secret, "%s/http.secret", dir);
  fd = open (secret, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ck_assert_int_eq (write (fd, "pass,word", 9), 9);
  close (fd);
  object = opts_printf ("secret,id=sec0,file=%s,format=raw", secret);
  o = opts_printf ("driver=raw,read-only=on,file.driver=http,"
                   "file.url=http://127.0.0.1:%d/private/disk.img,"
                   "file.username=alice,file.password-secret=sec0", s.port);
  check_reads_magic (o, object, NULL);
  free (o);
  o = opts_printf ("driver=raw,read-only=on,file.driver=http,"
                   "file.url=http://127.0.0.1:%d/private/disk.img", s.port);
  check_refused (o, NULL, "401");
  free (o);
  free (object);
  netserver_stop (&s);
}
END_TEST

/* ---- SSH -------------------------------------------------------------- */

START_TEST (test_sshd)
{
  struct netserver s;
  char *o, env[300], known[300];
  FILE *f;

  netserver_sshd (&s, dir);
  snprintf (env, sizeof env, "SSH_AUTH_SOCK=%s", s.agent_socket);
  o = opts_printf ("driver=raw,file.driver=ssh,file.server.host=127.0.0.1,"
                   "file.server.port=%d,file.user=root,file.path=%s",
                   s.port, image);
  check_reads_magic (o, NULL, env);
  /* Without the agent there is no key. */
  check_refused (o, "SSH_AUTH_SOCK=", "authenticate");
  /* An unknown host key is refused. */
  snprintf (known, sizeof known, "%s/etc-ssh/ssh_known_hosts", dir);
  f = fopen (known, "w");
  fclose (f);
  check_refused (o, env, "no host key was found in known_hosts");
  free (o);
  netserver_stop (&s);
}
END_TEST

/* ---- iSCSI ------------------------------------------------------------ */

START_TEST (test_tgtd)
{
  struct netserver s;
  char *o, *object, secret[400];
  const char *iqn = "iqn.2024-01.org.qdrive.test:disk";
  int fd;

  netserver_tgtd (&s, dir, iqn, image, "alice", "chap,secret1");
  snprintf (secret, sizeof secret, "%s/iscsi.secret", dir);
  fd = open (secret, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ck_assert_int_eq (write (fd, "chap,secret1", 12), 12);
  close (fd);
  object = opts_printf ("secret,id=sec0,file=%s,format=raw", secret);
  o = opts_printf ("driver=raw,file.driver=iscsi,file.transport=tcp,"
                   "file.portal=127.0.0.1:%d,file.target=%s,file.lun=1,"
                   "file.user=alice,file.password-secret=sec0", s.port, iqn);
  check_reads_magic (o, object, NULL);
  free (o);
  o = opts_printf ("driver=raw,file.driver=iscsi,file.transport=tcp,"
                   "file.portal=127.0.0.1:%d,file.target=%s,file.lun=1",
                   s.port, iqn);
  check_refused (o, NULL, "Authentication failure");
  free (o);
  free (object);
  netserver_stop (&s);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("netserver");
  TCase *tc = tcase_create ("servers");
  SRunner *sr;
  int failed;
  char cmd[400];

  if (mkdtemp (dir) == NULL) {
    perror ("mkdtemp");
    return EXIT_FAILURE;
  }
  netserver_private_trust (dir);
  snprintf (image, sizeof image, "%s/disk.img", dir);
  snprintf (docroot, sizeof docroot, "%s/www", dir);
  snprintf (private_image, sizeof private_image, "%s/www/private", dir);
  mkdir (docroot, 0755);
  mkdir (private_image, 0755);
  netserver_make_image (image);
  snprintf (cmd, sizeof cmd, "cp '%s' '%s/disk.img' && cp '%s' '%s/disk.img'",
            image, docroot, image, private_image);
  if (system (cmd) != 0)
    return EXIT_FAILURE;

  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_qemu_nbd_unix);
  tcase_add_test (tc, test_qemu_nbd_tcp);
  tcase_add_test (tc, test_nbdkit_unix_and_tcp);
  tcase_add_test (tc, test_lighttpd);
  tcase_add_test (tc, test_sshd);
  tcase_add_test (tc, test_tgtd);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system (cmd) != 0)
    fprintf (stderr, "cannot remove %s\n", dir);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
