/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive tests: real network-block servers (see netserver.h). */

#define _GNU_SOURCE 1

#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "netserver.h"

extern char **environ;

/* How many times a server is restarted on another port when the free
 * port found was taken before the server bound it. */
#define PORT_TRIES 3

static void __attribute__((noreturn, format (printf, 1, 2)))
die (const char *fs, ...)
{
  va_list args;

  fprintf (stderr, "netserver: ");
  va_start (args, fs);
  vfprintf (stderr, fs, args);
  va_end (args);
  fprintf (stderr, "\n");
  exit (EXIT_FAILURE);
}

static void
need_program (const char *path, const char *package)
{
  if (access (path, X_OK) == -1)
    die ("%s is missing: apt-get install %s", path, package);
}

static void
write_file (const char *path, mode_t mode, const char *fs, ...)
{
  va_list args;
  FILE *f;
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

  if (fd == -1 || (f = fdopen (fd, "w")) == NULL)
    die ("%s: %s", path, strerror (errno));
  va_start (args, fs);
  vfprintf (f, fs, args);
  va_end (args);
  if (fclose (f) != 0)
    die ("%s: %s", path, strerror (errno));
}

static char *
read_file (const char *path)
{
  static char buf[8192];
  size_t n;
  FILE *f = fopen (path, "r");

  if (f == NULL)
    die ("%s: %s", path, strerror (errno));
  n = fread (buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose (f);
  return buf;
}

static void
make_dir (const char *path)
{
  if (mkdir (path, 0755) == -1 && errno != EEXIST)
    die ("mkdir %s: %s", path, strerror (errno));
}

/* Starts argv[0] (an absolute path) with stdin from /dev/null, stdout
 * and stderr appended to log, plus one extra environment variable if
 * env is not NULL.  The child dies with this process. */
static pid_t
spawn (char *const *argv, const char *log, const char *env)
{
  pid_t pid = fork ();

  if (pid == -1)
    die ("fork: %s", strerror (errno));
  if (pid == 0) {
    int fd = open (log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    int nul = open ("/dev/null", O_RDONLY);
    if (fd == -1 || nul == -1 || prctl (PR_SET_PDEATHSIG, SIGKILL) == -1)
      _exit (126);
    dup2 (nul, 0);
    dup2 (fd, 1);
    dup2 (fd, 2);
    if (env)
      putenv ((char *) env);
    execv (argv[0], argv);
    _exit (127);
  }
  return pid;
}

/* Waits for pid until the deadline; true if it exited (status set). */
static bool
wait_until (pid_t pid, int *status, const struct timespec *deadline)
{
  struct timespec now, tick = { 0, 10 * 1000 * 1000 };
  pid_t r;

  for (;;) {
    r = waitpid (pid, status, WNOHANG);
    if (r == pid)
      return true;
    if (r == -1)
      die ("waitpid %d: %s", (int) pid, strerror (errno));
    clock_gettime (CLOCK_MONOTONIC, &now);
    if (now.tv_sec > deadline->tv_sec ||
        (now.tv_sec == deadline->tv_sec && now.tv_nsec >= deadline->tv_nsec))
      return false;
    nanosleep (&tick, NULL);
  }
}

static struct timespec
deadline_in (int seconds)
{
  struct timespec t;

  clock_gettime (CLOCK_MONOTONIC, &t);
  t.tv_sec += seconds;
  return t;
}

/* Runs a helper command to completion (bounded); dies if it fails. */
static void
run (const char *log, const char *env, const char *arg0, ...)
{
  char *argv[32];
  size_t n = 0;
  va_list args;
  int status;
  pid_t pid;
  struct timespec deadline = deadline_in (NETSERVER_START_TIMEOUT);

  argv[n++] = (char *) arg0;
  va_start (args, arg0);
  while ((argv[n] = va_arg (args, char *)) != NULL && n < 31)
    n++;
  va_end (args);
  argv[n] = NULL;
  pid = spawn (argv, log, env);
  if (!wait_until (pid, &status, &deadline)) {
    kill (pid, SIGKILL);
    waitpid (pid, &status, 0);
    die ("%s did not finish within %d seconds; see %s",
         arg0, NETSERVER_START_TIMEOUT, log);
  }
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    die ("%s failed (status 0x%x):\n%s", arg0, status, read_file (log));
}

void
netserver_private_trust (const char *dir)
{
  char run_dir[512], ssh_dir[512], bundle[512], path[600];
  static const char ca_bundle[] = "/etc/ssl/certs/ca-certificates.crt";

  if (geteuid () != 0)
    die ("the network tests need root: sshd and tgtd do, and the test "
         "trusts its own SSH and HTTPS servers in a private mount "
         "namespace");
  need_program ("/etc/ssh", "openssh-client");
  if (access (ca_bundle, F_OK) == -1)
    die ("%s is missing: apt-get install ca-certificates", ca_bundle);

  snprintf (run_dir, sizeof run_dir, "%s/run", dir);
  snprintf (ssh_dir, sizeof ssh_dir, "%s/etc-ssh", dir);
  snprintf (bundle, sizeof bundle, "%s/ca-certificates.crt", dir);
  make_dir (run_dir);
  snprintf (path, sizeof path, "%s/sshd", run_dir);
  make_dir (path);
  make_dir (ssh_dir);
  snprintf (path, sizeof path, "%s/ssh_known_hosts", ssh_dir);
  write_file (path, 0644, "%s", "");
  write_file (bundle, 0644, "%s", "");

  if (unshare (CLONE_NEWNS) == -1)
    die ("unshare (CLONE_NEWNS): %s", strerror (errno));
  /* Nothing mounted here may reach the machine's namespace. */
  if (mount ("none", "/", "none", MS_REC | MS_PRIVATE, NULL) == -1)
    die ("mount --make-rprivate /: %s", strerror (errno));
  if (mount (run_dir, "/run", "none", MS_BIND, NULL) == -1)
    die ("bind %s on /run: %s", run_dir, strerror (errno));
  if (mount (ssh_dir, "/etc/ssh", "none", MS_BIND, NULL) == -1)
    die ("bind %s on /etc/ssh: %s", ssh_dir, strerror (errno));
  if (mount (bundle, ca_bundle, "none", MS_BIND, NULL) == -1)
    die ("bind %s on %s: %s", bundle, ca_bundle, strerror (errno));
}

void
netserver_make_image (const char *path)
{
  FILE *f = fopen (path, "w");

  if (f == NULL || fputs (NETSERVER_MAGIC, f) < 0 ||
      ftruncate (fileno (f), 1024 * 1024) == -1 || fclose (f) != 0)
    die ("%s: %s", path, strerror (errno));
}

int
netserver_free_port (void)
{
  struct sockaddr_in sa = { .sin_family = AF_INET };
  socklen_t len = sizeof sa;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  sa.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (fd == -1 || bind (fd, (struct sockaddr *) &sa, sizeof sa) == -1 ||
      getsockname (fd, (struct sockaddr *) &sa, &len) == -1)
    die ("cannot find a free port: %s", strerror (errno));
  close (fd);
  return ntohs (sa.sin_port);
}

/* Can a client connect to the server now? */
static bool
answers (const struct netserver *s, int port)
{
  int fd, r;

  if (port == 0) {
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    memcpy (sa.sun_path, s->socket,
            strnlen (s->socket, sizeof sa.sun_path - 1));
    fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    r = connect (fd, (struct sockaddr *) &sa, sizeof sa);
  }
  else {
    struct sockaddr_in sa = { .sin_family = AF_INET };
    sa.sin_port = htons (port);
    sa.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    r = connect (fd, (struct sockaddr *) &sa, sizeof sa);
  }
  close (fd);
  return r == 0;
}

/* Starts the server and waits until it answers on its socket or port
 * (and tls_port if set).  False if it exited first (its port was
 * taken, say); dies if it does not answer in time. */
static bool
start (struct netserver *s, char *const *argv, const char *env)
{
  struct timespec deadline = deadline_in (NETSERVER_START_TIMEOUT), now;
  int status;

  s->pid = spawn (argv, s->log, env);
  for (;;) {
    if (answers (s, s->port) && (s->tls_port == 0 || answers (s, s->tls_port)))
      return true;
    if (waitpid (s->pid, &status, WNOHANG) == s->pid) {
      s->pid = 0;
      return false;
    }
    clock_gettime (CLOCK_MONOTONIC, &now);
    if (now.tv_sec >= deadline.tv_sec) {
      netserver_stop (s);
      die ("%s did not answer within %d seconds:\n%s", s->what,
           NETSERVER_START_TIMEOUT, read_file (s->log));
    }
    nanosleep (&(struct timespec) { 0, 20 * 1000 * 1000 }, NULL);
  }
}

static void
init (struct netserver *s, const char *what, const char *dir)
{
  static int seq;

  memset (s, 0, sizeof *s);
  s->what = what;
  snprintf (s->dir, sizeof s->dir, "%s", dir);
  snprintf (s->log, sizeof s->log, "%s/%s-%d.log", dir, what, ++seq);
}

static void
gave_up (const struct netserver *s)
{
  die ("%s exited before it answered:\n%s", s->what, read_file (s->log));
}

void
netserver_qemu_nbd (struct netserver *s, const char *dir, const char *image,
                    const char *export, bool tcp, bool readonly)
{
  char port[16];
  char *argv[16];
  int i, n;

  need_program ("/usr/bin/qemu-nbd", "qemu-utils");
  for (i = 0; i < PORT_TRIES; ++i) {
    init (s, "qemu-nbd", dir);
    n = 0;
    argv[n++] = "/usr/bin/qemu-nbd";
    argv[n++] = "--persistent";
    argv[n++] = "--shared=8";
    argv[n++] = "--format=raw";
    argv[n++] = "--export-name";
    argv[n++] = (char *) export;
    if (readonly)
      argv[n++] = "--read-only";
    if (tcp) {
      s->port = netserver_free_port ();
      snprintf (port, sizeof port, "%d", s->port);
      argv[n++] = "--bind=127.0.0.1";
      argv[n++] = "--port";
      argv[n++] = port;
    }
    else {
      snprintf (s->socket, sizeof s->socket, "%s/qemu-nbd-%d.sock",
                dir, (int) getpid ());
      argv[n++] = "--socket";
      argv[n++] = s->socket;
    }
    argv[n++] = (char *) image;
    argv[n] = NULL;
    if (start (s, argv, NULL))
      return;
  }
  gave_up (s);
}

void
netserver_nbdkit (struct netserver *s, const char *dir, const char *image,
                  bool tcp, bool readonly)
{
  netserver_nbdkit_logged (s, dir, image, tcp, readonly, NULL);
}

void
netserver_nbdkit_logged (struct netserver *s, const char *dir,
                         const char *image, bool tcp, bool readonly,
                         const char *request_log)
{
  char port[16], file[300], logfile[300];
  char *argv[14];
  int i, n;

  need_program ("/usr/bin/nbdkit", "nbdkit");
  snprintf (file, sizeof file, "file=%s", image);
  if (request_log)
    snprintf (logfile, sizeof logfile, "logfile=%s", request_log);
  for (i = 0; i < PORT_TRIES; ++i) {
    init (s, "nbdkit", dir);
    n = 0;
    argv[n++] = "/usr/bin/nbdkit";
    argv[n++] = "--foreground";
    argv[n++] = "--exit-with-parent";
    if (readonly)
      argv[n++] = "--readonly";
    if (tcp) {
      s->port = netserver_free_port ();
      snprintf (port, sizeof port, "%d", s->port);
      argv[n++] = "--ipaddr=127.0.0.1";
      argv[n++] = "--port";
      argv[n++] = port;
    }
    else {
      snprintf (s->socket, sizeof s->socket, "%s/nbdkit-%d.sock",
                dir, (int) getpid ());
      argv[n++] = "--unix";
      argv[n++] = s->socket;
    }
    if (request_log)
      argv[n++] = "--filter=log";
    argv[n++] = "file";
    argv[n++] = file;
    if (request_log)
      argv[n++] = logfile;
    argv[n] = NULL;
    if (start (s, argv, NULL))
      return;
  }
  gave_up (s);
}

/* A CA, and a certificate it signed for 127.0.0.1 and localhost; the
 * CA goes to the private bundle. */
static void
make_certificate (const char *dir, const char *log)
{
  char ca_key[300], ca_crt[300], key[300], csr[300], crt[300], ext[300];
  char bundle[300];

  need_program ("/usr/bin/openssl", "openssl");
  snprintf (ca_key, sizeof ca_key, "%s/ca.key", dir);
  snprintf (ca_crt, sizeof ca_crt, "%s/ca.crt", dir);
  snprintf (key, sizeof key, "%s/server.key", dir);
  snprintf (csr, sizeof csr, "%s/server.csr", dir);
  snprintf (crt, sizeof crt, "%s/server.crt", dir);
  snprintf (ext, sizeof ext, "%s/server.ext", dir);
  snprintf (bundle, sizeof bundle, "%s/ca-certificates.crt", dir);
  run (log, NULL, "/usr/bin/openssl", "req", "-x509", "-newkey", "ec",
       "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
       "-keyout", ca_key, "-out", ca_crt, "-days", "2",
       "-subj", "/CN=qdrive test CA", NULL);
  run (log, NULL, "/usr/bin/openssl", "req", "-newkey", "ec",
       "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
       "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1", NULL);
  write_file (ext, 0644,
              "subjectAltName = IP:127.0.0.1, DNS:localhost\n");
  run (log, NULL, "/usr/bin/openssl", "x509", "-req", "-in", csr,
       "-CA", ca_crt, "-CAkey", ca_key, "-CAcreateserial",
       "-out", crt, "-days", "2", "-extfile", ext, NULL);
  write_file (bundle, 0644, "%s", read_file (ca_crt));
}

void
netserver_lighttpd (struct netserver *s, const char *dir, const char *docroot,
                    const char *user, const char *password)
{
  char conf[300], users[300];
  char *argv[] = { "/usr/sbin/lighttpd", "-D", "-f", conf, NULL };
  int i;

  need_program (argv[0], "lighttpd");
  if (access ("/usr/lib/lighttpd/mod_openssl.so", R_OK) == -1)
    die ("lighttpd's TLS module is missing: apt-get install "
         "lighttpd-mod-openssl");
  snprintf (conf, sizeof conf, "%s/lighttpd.conf", dir);
  snprintf (users, sizeof users, "%s/lighttpd.users", dir);
  init (s, "lighttpd", dir);
  make_certificate (dir, s->log);
  if (user)
    write_file (users, 0600, "%s:%s\n", user, password);
  for (i = 0; i < PORT_TRIES; ++i) {
    init (s, "lighttpd", dir);
    s->port = netserver_free_port ();
    s->tls_port = netserver_free_port ();
    write_file (conf, 0644,
                "server.document-root = \"%s\"\n"
                "server.bind = \"127.0.0.1\"\n"
                "server.port = %d\n"
                "server.errorlog = \"%s\"\n"
                "server.modules += (\"mod_openssl\", \"mod_auth\")\n"
                "$SERVER[\"socket\"] == \"127.0.0.1:%d\" {\n"
                "  ssl.engine = \"enable\"\n"
                "  ssl.privkey = \"%s/server.key\"\n"
                "  ssl.pemfile = \"%s/server.crt\"\n"
                "}\n"
                "%s%s%s",
                docroot, s->port, s->log, s->tls_port, dir, dir,
                user ? "auth.backend = \"plain\"\n"
                "auth.backend.plain.userfile = \"" : "",
                user ? users : "",
                user ? "\"\n"
                "auth.require = ( \"/private/\" => ( \"method\" => \"basic\", "
                "\"realm\" => \"qdrive\", \"require\" => \"valid-user\" ) )\n"
                : "");
    if (start (s, argv, NULL))
      return;
  }
  gave_up (s);
}

void
netserver_sshd (struct netserver *s, const char *dir)
{
  char conf[300], host_key[300], client_key[300], auth_keys[300];
  char known_hosts[300], pub[310], env[300], key_line[1024];
  char *argv[] = { "/usr/sbin/sshd", "-D", "-e", "-f", conf, NULL };
  char *agent_argv[] = { "/usr/bin/ssh-agent", "-D", "-a", s->agent_socket,
                         NULL };
  char *nl;
  int i;

  need_program (argv[0], "openssh-server");
  need_program ("/usr/bin/ssh-keygen", "openssh-client");
  snprintf (conf, sizeof conf, "%s/sshd_config", dir);
  snprintf (host_key, sizeof host_key, "%s/ssh_host_key", dir);
  snprintf (client_key, sizeof client_key, "%s/ssh_client_key", dir);
  snprintf (auth_keys, sizeof auth_keys, "%s/authorized_keys", dir);
  snprintf (known_hosts, sizeof known_hosts, "%s/etc-ssh/ssh_known_hosts",
            dir);
  init (s, "sshd", dir);
  unlink (host_key);
  unlink (client_key);
  run (s->log, NULL, "/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "",
       "-f", host_key, NULL);
  run (s->log, NULL, "/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "",
       "-f", client_key, NULL);
  snprintf (pub, sizeof pub, "%s.pub", client_key);
  write_file (auth_keys, 0600, "%s", read_file (pub));
  snprintf (pub, sizeof pub, "%s.pub", host_key);
  snprintf (key_line, sizeof key_line, "%s", read_file (pub));
  /* "TYPE KEY COMMENT": keep the type and the key. */
  nl = strchr (strchr (key_line, ' ') + 1, ' ');
  if (nl)
    *nl = '\0';

  for (i = 0; i < PORT_TRIES; ++i) {
    init (s, "sshd", dir);
    s->port = netserver_free_port ();
    write_file (known_hosts, 0644, "[127.0.0.1]:%d %s\n", s->port, key_line);
    write_file (conf, 0644,
                "ListenAddress 127.0.0.1:%d\n"
                "HostKey %s\n"
                "PidFile none\n"
                "AuthorizedKeysFile %s\n"
                "PubkeyAuthentication yes\n"
                "PasswordAuthentication no\n"
                "KbdInteractiveAuthentication no\n"
                "UsePAM no\n"
                "StrictModes no\n"
                "PermitRootLogin prohibit-password\n"
                "Subsystem sftp internal-sftp\n"
                "LogLevel VERBOSE\n",
                s->port, host_key, auth_keys);
    if (start (s, argv, NULL))
      break;
  }
  if (s->pid == 0)
    gave_up (s);

  /* The agent holding the client key, for qemu's libssh. */
  snprintf (s->agent_socket, sizeof s->agent_socket, "%s/agent-%d.sock",
            dir, (int) getpid ());
  unlink (s->agent_socket);
  {
    struct netserver agent;
    init (&agent, "ssh-agent", dir);
    snprintf (agent.socket, sizeof agent.socket, "%s", s->agent_socket);
    if (!start (&agent, agent_argv, NULL))
      gave_up (&agent);
    s->agent_pid = agent.pid;
  }
  snprintf (env, sizeof env, "SSH_AUTH_SOCK=%s", s->agent_socket);
  run (s->log, env, "/usr/bin/ssh-add", "-q", client_key, NULL);
}

void
netserver_tgtd (struct netserver *s, const char *dir, const char *iqn,
                const char *image, const char *user, const char *password)
{
  static int control_port;
  char portal[64], control[16];
  char *argv[] = { "/usr/sbin/tgtd", "--foreground",
                   "--control-port", control, "--iscsi", portal, NULL };
  int i;

  need_program (argv[0], "tgt");
  for (i = 0; i < PORT_TRIES; ++i) {
    init (s, "tgtd", dir);
    s->control_port = ++control_port;
    snprintf (control, sizeof control, "%d", s->control_port);
    s->port = netserver_free_port ();
    snprintf (portal, sizeof portal, "portal=127.0.0.1:%d", s->port);
    if (start (s, argv, NULL))
      break;
  }
  if (s->pid == 0)
    gave_up (s);

#define TGTADM(...) \
  run (s->log, NULL, "/usr/sbin/tgtadm", "--lld", "iscsi", \
       "--control-port", control, __VA_ARGS__, NULL)
  TGTADM ("--op", "new", "--mode", "target", "--tid", "1",
          "--targetname", iqn);
  TGTADM ("--op", "new", "--mode", "logicalunit", "--tid", "1",
          "--lun", "1", "--backing-store", image);
  TGTADM ("--op", "bind", "--mode", "target", "--tid", "1",
          "--initiator-address", "ALL");
  if (user) {
    TGTADM ("--op", "new", "--mode", "account", "--user", user,
            "--password", password);
    TGTADM ("--op", "bind", "--mode", "account", "--tid", "1",
            "--user", user);
  }
#undef TGTADM
}

static void
stop_pid (pid_t *pid)
{
  struct timespec deadline = deadline_in (5);
  int status;

  if (*pid == 0)
    return;
  kill (*pid, SIGCONT);
  kill (*pid, SIGTERM);
  if (!wait_until (*pid, &status, &deadline)) {
    kill (*pid, SIGKILL);
    waitpid (*pid, &status, 0);
  }
  *pid = 0;
}

void
netserver_stop (struct netserver *s)
{
  /* tgtd ignores SIGTERM while it has targets. */
  if (s->pid != 0 && s->control_port != 0) {
    kill (s->pid, SIGKILL);
    waitpid (s->pid, NULL, 0);
    s->pid = 0;
  }
  stop_pid (&s->pid);
  stop_pid (&s->agent_pid);
  if (s->socket[0])
    unlink (s->socket);
  if (s->agent_socket[0])
    unlink (s->agent_socket);
}

void
netserver_freeze (struct netserver *s)
{
  kill (s->pid, SIGSTOP);
}

void
netserver_thaw (struct netserver *s)
{
  kill (s->pid, SIGCONT);
}

const char *
netserver_log (const struct netserver *s)
{
  return read_file (s->log);
}
