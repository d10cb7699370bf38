/* qdrive: the watcher: no qemu outlives the process owning its handle.
 *
 * qemu must not outlive the process that owns the handle, however that
 * process ends (close, exit, kill -9).  qemu 7.2 has no option to exit
 * with its parent, and PR_SET_PDEATHSIG is tied to the *thread* that
 * forked: launch called from a short-lived thread (a Python worker,
 * say) would kill qemu when that thread ends.  So each qemu gets a
 * watcher: a tiny process forked from ours (no exec) that holds only
 * the read end of a pipe whose write end only we hold, and a pidfd of
 * qemu.  When our process goes away for any reason, the kernel closes
 * the write end, the watcher reads EOF, and kills qemu through the
 * pidfd (which cannot hit a recycled pid).  It exits as well when qemu
 * exits.  It runs in its own process group, so a Ctrl-C at the
 * terminal reaches only our process; the watcher then does the
 * cleaning up.
 *
 * The qemu is the direct backend's own child, or the qemu that
 * libvirt's embedded driver started in our process (libvirt has no
 * auto-destroy there).
 *
 * Every descriptor we make is close-on-exec, and the watcher closes
 * every descriptor but its two, so no other qemu or watcher holds
 * another handle's pipe open.  The watcher is forked; all it does
 * after fork is async-signal-safe, as the caller may have threads. */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
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

/* The watcher's whole life: see the top of this file. */
static void __attribute__((noreturn))
watcher_main (int pipe_fd, pid_t target, int pidfd)
{
  struct pollfd p[2];
  int n;

  setpgid (0, 0);
  child_reset_signals ();
  child_close_all_but (pipe_fd, pidfd);
  prctl (PR_SET_NAME, "qdrive-watcher", 0, 0, 0);

  p[0].fd = pipe_fd;
  p[0].events = POLLIN;
  p[1].fd = pidfd;
  p[1].events = POLLIN;
  for (;;) {
    n = poll (p, pidfd >= 0 ? 2 : 1, -1);
    if (n == -1 && errno == EINTR)
      continue;
    if (n == -1 || p[0].revents)
      break;                    /* our owner is gone, or let go */
    if (p[1].revents)
      _exit (0);                /* qemu exited: nothing to guard */
  }
  qdrive_int_kill (target, pidfd);
  _exit (0);
}

int
qdrive_int_watcher_start (qdrive_h *g, struct watcher *w, pid_t target,
                          int pidfd)
{
  sigset_t all, old;
  int p[2];
  pid_t pid;
  int saved;

  if (pipe2 (p, O_CLOEXEC) == -1) {
    set_perror (g, "pipe2");
    return -1;
  }
  /* No signal handler of the caller's may run in the child before it
   * has reset them. */
  sigfillset (&all);
  pthread_sigmask (SIG_SETMASK, &all, &old);
  pid = fork ();
  if (pid == 0)
    watcher_main (p[0], target, pidfd);
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
    close (w->fd);
    w->fd = -1;
  }
  /* It exits as soon as it reads EOF. */
  if (w->pid != 0) {
    while (waitpid (w->pid, NULL, 0) == -1 && errno == EINTR)
      ;
    w->pid = 0;
  }
}
