/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: the watcher: no qemu outlives the process owning its handle.
 *
 * qemu must not outlive the process that owns the handle, however that
 * process ends (close, exit, kill -9).  qemu 7.2 has no option to exit
 * with its parent, and PR_SET_PDEATHSIG is tied to the *thread* that
 * forked: launch called from a short-lived thread (a Python worker,
 * say) would kill qemu when that thread ends.  So each qemu gets a
 * watcher: a tiny process forked from ours (no exec) that holds a pidfd
 * of our process, a pidfd of qemu, and one end of a socket pair whose
 * other end we hold.  When our process goes away for any reason, its
 * pidfd becomes readable (and, unless a child we forked holds a copy of
 * our end, the socket reads EOF); the watcher then kills qemu and its
 * process group (through the pidfd, which cannot hit a recycled pid),
 * waits for it to be gone, and removes the handle's private directory,
 * with the scratch disks and sockets in it.  When we stop it (shutdown,
 * close), we send it one byte first: it kills qemu if that still runs,
 * and exits without removing anything.  Until then it stays, also after
 * qemu has exited, for the directory.  It runs in its own process
 * group, so a Ctrl-C at the terminal reaches only our process; the
 * watcher then does the cleaning up.
 *
 * The qemu is the direct backend's own child, or the qemu that
 * libvirt's embedded driver started in our process (libvirt has no
 * auto-destroy there).
 *
 * Every descriptor we make is close-on-exec, and the watcher closes
 * every descriptor but its own, so no other qemu or watcher holds
 * another handle's socket open.  The watcher is forked; all it does
 * after fork is async-signal-safe, as the caller may have threads. */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "watcher.h"

int
qdrive_int_pidfd_open (pid_t pid)
{
#ifdef SYS_pidfd_open
  return syscall (SYS_pidfd_open, pid, 0);
#else
  errno = ENOSYS;
  return -1;
#endif
}

/* Its process group too, if it leads one (the direct backend's qemu
 * does): the qemu that a wrapper script given as the hv runs without
 * exec, and anything qemu or the script started.  While the leader is
 * not reaped, its pid, and so the group's id, cannot be reused. */
void
qdrive_int_kill (pid_t pid, int pidfd)
{
  kill (-pid, SIGKILL);
#ifdef SYS_pidfd_send_signal
  if (pidfd >= 0) {
    syscall (SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
    return;
  }
#endif
  kill (pid, SIGKILL);
}

/* In the watcher: default signal dispositions and an empty mask (the
 * caller's handlers, Python's say, are meaningless after fork). */
static void
child_reset_signals (void)
{
  struct sigaction sa;
  sigset_t none;
  int sig;

  memset (&sa, 0, sizeof sa);
  sa.sa_handler = SIG_DFL;
  for (sig = 1; sig < NSIG; ++sig)
    sigaction (sig, &sa, NULL);  /* fails harmlessly for KILL, STOP */
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
}

/* In the watcher: closes every descriptor but keep1 and keep2 (either
 * may be -1). */
static void
child_close_all_but (int keep1, int keep2)
{
  int lo = keep1 < keep2 ? keep1 : keep2;
  int hi = keep1 < keep2 ? keep2 : keep1;
  unsigned int from = 0;
  int keep[2] = { lo, hi };
  size_t i;
  struct rlimit rl;
  int fd, max;

  for (i = 0; i < 2; ++i) {
    if (keep[i] < 0)
      continue;
    if (keep[i] > (int) from &&
        syscall (SYS_close_range, from, keep[i] - 1, 0) == -1)
      goto fallback;
    from = keep[i] + 1;
  }
  if (syscall (SYS_close_range, from, ~0U, 0) == 0)
    return;

 fallback:
  max = getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY
    && rl.rlim_cur < 65536 ? (int) rl.rlim_cur : 65536;
  for (fd = 0; fd < max; ++fd)
    if (fd != keep1 && fd != keep2)
      close (fd);
}

/* In the watcher: removes dir and the files in it (qdrive puts no
 * directories there), without malloc: the owner may have had threads. */
static void
remove_dir (const char *dir)
{
  /* The kernel's struct linux_dirent64. */
  struct entry {
    uint64_t ino;
    int64_t off;
    unsigned short reclen;
    unsigned char type;
    char name[];
  };
  char buf[4096];
  long n, off;
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd == -1)
    return;
  while ((n = syscall (SYS_getdents64, fd, buf, sizeof buf)) > 0) {
    for (off = 0; off < n; off += ((struct entry *) (buf + off))->reclen) {
      const char *name = ((struct entry *) (buf + off))->name;
      if (strcmp (name, ".") != 0 && strcmp (name, "..") != 0)
        unlinkat (fd, name, 0);
    }
  }
  close (fd);
  rmdir (dir);
}

/* How long the watcher waits for the qemu it killed to be gone before
 * it removes the directory qemu has files open in. */
#define WATCHER_KILL_WAIT_MS 5000

/* The watcher's whole life: see the top of this file.  sock_fd is its
 * end of the socket pair; owner the process to outlive; dir the
 * directory to remove after it (NULL: none). */
static void __attribute__((noreturn))
watcher_main (int sock_fd, pid_t target, int pidfd, pid_t owner,
              const char *dir)
{
  struct pollfd p[3];
  char c;
  int n, owner_fd;

  setpgid (0, 0);
  child_reset_signals ();
  child_close_all_but (sock_fd, pidfd);
  prctl (PR_SET_NAME, "qdrive-watcher", 0, 0, 0);

  owner_fd = qdrive_int_pidfd_open (owner);
  if (getppid () != owner)
    goto owner_gone;            /* before its pidfd could say so */
  p[0].fd = sock_fd;
  p[0].events = POLLIN;
  p[1].fd = owner_fd;           /* -1 (ignored) without pidfds */
  p[1].events = POLLIN;
  p[2].fd = pidfd;
  p[2].events = POLLIN;
  for (;;) {
    n = poll (p, 3, -1);
    if (n == -1 && errno == EINTR)
      continue;
    if (n == -1)
      break;
    if (p[0].revents) {
      n = read (sock_fd, &c, 1);
      if (n == 1) {             /* the owner stops us */
        qdrive_int_kill (target, pidfd);
        _exit (0);
      }
      if (n == -1 && errno == EINTR)
        continue;
      break;                    /* EOF: the owner is gone */
    }
    if (p[1].revents)
      break;                    /* the owner is gone */
    if (p[2].revents)
      p[2].fd = -1;             /* qemu exited: still the directory */
  }

 owner_gone:
  qdrive_int_kill (target, pidfd);
  if (pidfd >= 0) {
    p[0].fd = pidfd;
    p[0].events = POLLIN;
    while (poll (p, 1, WATCHER_KILL_WAIT_MS) == -1 && errno == EINTR)
      ;
  }
  if (dir != NULL)
    remove_dir (dir);
  _exit (0);
}

int
qdrive_int_watcher_start (qdrive_h *g, struct watcher *w, pid_t target,
                          int pidfd)
{
  sigset_t all, old;
  int p[2];
  pid_t pid, owner = getpid ();
  int saved;

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p) == -1) {
    set_perror (g, "socketpair");
    return -1;
  }
  /* No signal handler of the caller's may run in the child before it
   * has reset them. */
  sigfillset (&all);
  pthread_sigmask (SIG_SETMASK, &all, &old);
  pid = fork ();
  if (pid == 0)
    watcher_main (p[0], target, pidfd, owner, g->tmpdir);
  saved = errno;
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  close (p[0]);
  if (pid == -1) {
    close (p[1]);
    errno = saved;
    set_perror (g, "fork");
    return -1;
  }
  w->pid = pid;
  w->fd = p[1];
  return 0;
}

void
qdrive_int_watcher_stop (struct watcher *w)
{
  if (w->fd >= 0) {
    /* Stop: it kills target if that still runs, and removes nothing.
     * (MSG_NOSIGNAL: a watcher killed by someone else must not kill us
     * with SIGPIPE.) */
    send (w->fd, "x", 1, MSG_NOSIGNAL);
    close (w->fd);
    w->fd = -1;
  }
  /* It exits as soon as it has read the byte. */
  if (w->pid != 0) {
    while (waitpid (w->pid, NULL, 0) == -1 && errno == EINTR)
      ;
    w->pid = 0;
  }
}
