/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive tests: real network-block servers for the network-drive tests.
 *
 * Each server is Debian's own program, run from a private config in a
 * test directory, on a 127.0.0.1 port or a unix socket there, and
 * stopped (and reaped) by netserver_stop.  Every server child gets
 * PR_SET_PDEATHSIG, so none outlives the test process, and every wait
 * is bounded (NETSERVER_START_TIMEOUT).  A missing program fails the
 * test naming the Debian package to install.
 *
 *   qemu-nbd (qemu-utils), nbdkit (nbdkit)    NBD, unix socket or TCP
 *   lighttpd (lighttpd, lighttpd-mod-openssl) HTTP and HTTPS, with range
 *                                             requests and basic auth
 *   sshd + ssh-agent (openssh-server)         SFTP, key made for the test
 *   tgtd + tgtadm (tgt)                       iSCSI, optionally with CHAP
 *
 * Trust.  qemu checks what a real client checks: an SSH server's host
 * key against known_hosts (libssh reads ~/.ssh/known_hosts and
 * /etc/ssh/ssh_known_hosts, and nothing in the environment moves them)
 * and an HTTPS server's certificate against the CA bundle libcurl was
 * built with (/etc/ssl/certs/ca-certificates.crt, likewise fixed).  So
 * that the test can trust its own servers without touching the
 * machine's files, netserver_private_trust moves the test process into
 * a mount namespace of its own, where the test directory's files are
 * bind-mounted over /etc/ssh, the CA bundle and /run (sshd and tgtd
 * need /run/sshd and /run/tgtd, which a machine that never started
 * them lacks).  Everything the test starts afterwards, qemu included,
 * sees that view; the machine does not.  This needs root, as sshd's
 * privilege separation and tgtd do anyway.
 */

#ifndef QDRIVE_NETSERVER_H
#define QDRIVE_NETSERVER_H

#include <stdbool.h>
#include <sys/types.h>

/* How long a server has to start answering. */
#define NETSERVER_START_TIMEOUT 20

struct netserver {
  const char *what;             /* "qemu-nbd", "nbdkit", ... for messages */
  pid_t pid;                    /* 0 once stopped */
  pid_t agent_pid;              /* sshd only: the ssh-agent */
  char log[256];                /* the server's stdout and stderr */
  char socket[256];             /* unix socket, or "" */
  int port;                     /* TCP port on 127.0.0.1, or 0 */
  int tls_port;                 /* lighttpd only: the HTTPS port */
  int control_port;             /* tgtd only: its management channel */
  char agent_socket[256];       /* sshd only: SSH_AUTH_SOCK for qemu */
  char dir[256];                /* the test directory */
};

/* Makes the test process's private view of the trust files and /run,
 * under dir (which must exist), as described above.  Call once, early,
 * before any thread or server is started.  Exits the process with a
 * message if it cannot. */
extern void netserver_private_trust (const char *dir);

/* A 1 MiB image whose first bytes are NETSERVER_MAGIC, for the servers
 * to serve; exits the process with a message if it cannot. */
#define NETSERVER_MAGIC "qdrive-net-magic"
extern void netserver_make_image (const char *path);

/* A free TCP port on 127.0.0.1 (bound and released: a server started
 * right after takes it; netserver_* retry if it was taken meanwhile). */
extern int netserver_free_port (void);

/* NBD: image served as export (may be ""), on a unix socket in dir if
 * tcp is false, otherwise on a 127.0.0.1 port; read-only if readonly.
 * Several clients may connect at once. */
extern void netserver_qemu_nbd (struct netserver *s, const char *dir,
                                const char *image, const char *export,
                                bool tcp, bool readonly);
extern void netserver_nbdkit (struct netserver *s, const char *dir,
                              const char *image, bool tcp, bool readonly);
/* nbdkit as above, with its log filter writing every request the
 * server gets (Write, Flush, ...: one line each) to request_log. */
extern void netserver_nbdkit_logged (struct netserver *s, const char *dir,
                                     const char *image, bool tcp,
                                     bool readonly, const char *request_log);

/* HTTP on s->port and HTTPS on s->tls_port, serving docroot; the HTTPS
 * certificate is made for 127.0.0.1 and localhost by a CA made here,
 * which netserver_private_trust's bundle then holds (call that first).
 * If user is not NULL, every path under /private/ needs basic
 * authentication with user and password. */
extern void netserver_lighttpd (struct netserver *s, const char *dir,
                                const char *docroot,
                                const char *user, const char *password);

/* sshd on a 127.0.0.1 port, serving SFTP to root with a key made for
 * the test, held by an ssh-agent whose socket is s->agent_socket; the
 * host key, made here, goes to the private ssh_known_hosts (call
 * netserver_private_trust first). */
extern void netserver_sshd (struct netserver *s, const char *dir);

/* tgtd on a 127.0.0.1 port with target iqn (LUN 1 = image); with CHAP
 * if user is not NULL. */
extern void netserver_tgtd (struct netserver *s, const char *dir,
                            const char *iqn, const char *image,
                            const char *user, const char *password);

/* Stops the server (SIGTERM, then SIGKILL after a bounded wait) and
 * reaps it.  Idempotent. */
extern void netserver_stop (struct netserver *s);

/* Freezes (SIGSTOP) and thaws (SIGCONT) the server: a frozen TCP server
 * still completes connections (the kernel's backlog) but never
 * answers. */
extern void netserver_freeze (struct netserver *s);
extern void netserver_thaw (struct netserver *s);

/* The server's log, for a failure message (static buffer). */
extern const char *netserver_log (const struct netserver *s);

#endif /* QDRIVE_NETSERVER_H */
