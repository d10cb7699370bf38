/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: libvirt's embedded qemu driver (qemu:///embed?root=DIR),
 * which runs inside our process instead of in a daemon.
 *
 * It needs an event loop (it watches qemu's monitor with it).  libvirt
 * takes one event loop implementation per process, for good: if the
 * program registered its own before, qdrive uses that one (the program
 * runs it); otherwise qdrive registers libvirt's default one and runs
 * it in a thread of its own for the rest of the process's life
 * (libvirt's callbacks may outlive the connections, so it is never
 * stopped).  Only the embedded driver makes qdrive do this.
 *
 * It has no auto-destroy: a domain outlives the connection, and the
 * qemu it started (a daemon, not our child) would outlive our process
 * if it were killed.  So qemu gets the same watcher as the direct
 * backend's (watcher.c), which kills it if our process goes away
 * without shutting it down.  qemu's pid is in the file libvirt keeps
 * for the domain, ROOT/run/qemu/NAME.pid; the watcher holds a pidfd of
 * it, taken while the domain is known to run, so a recycled pid is
 * never hit. */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libvirt/virterror.h>

#include "backend-libvirt.h"

static pthread_once_t loop_once = PTHREAD_ONCE_INIT;
static char loop_failed[512];   /* why there is no event loop, or "" */

static void
never_called (int timer, void *opaque)
{
  (void) timer;
  (void) opaque;
}

static void *
run_event_loop (void *arg)
{
  (void) arg;
  for (;;)
    virEventRunDefaultImpl ();
  return NULL;
}

static void
start_event_loop (void)
{
  pthread_attr_t attr;
  pthread_t thread;
  sigset_t all, old;
  int timer, err;

  /* Adding a timer works only once an implementation is registered:
   * the program has its own. */
  timer = virEventAddTimeout (-1, never_called, NULL, NULL);
  if (timer >= 0) {
    virEventRemoveTimeout (timer);
    return;
  }
  if (virEventRegisterDefaultImpl () == -1) {
    snprintf (loop_failed, sizeof loop_failed, "cannot register libvirt's "
              "default event loop: %s", libvirt_message ());
    return;
  }
  /* The thread takes no signal: they are the program's. */
  sigfillset (&all);
  pthread_attr_init (&attr);
  pthread_attr_setdetachstate (&attr, PTHREAD_CREATE_DETACHED);
  pthread_sigmask (SIG_SETMASK, &all, &old);
  err = pthread_create (&thread, &attr, run_event_loop, NULL);
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  pthread_attr_destroy (&attr);
  if (err != 0)
    snprintf (loop_failed, sizeof loop_failed, "cannot start the thread "
              "running libvirt's event loop: %s", strerror (err));
}

int
qdrive_int_libvirt_event_loop (qdrive_h *g)
{
  pthread_once (&loop_once, start_event_loop);
  if (*loop_failed != '\0') {
    set_error (g, "%s", loop_failed);
    return -1;
  }
  return 0;
}

/* qemu's pid from libvirt's pid file, or -1 with the error set. */
static pid_t
read_pid (qdrive_h *g, const char *path)
{
  char buf[32];
  ssize_t n;
  long pid;
  char *end;
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd == -1) {
    set_perror (g, "cannot read the pid of the embedded driver's qemu "
                "from %s", path);
    return -1;
  }
  n = read (fd, buf, sizeof buf - 1);
  close (fd);
  buf[n > 0 ? n : 0] = '\0';
  errno = 0;
  pid = strtol (buf, &end, 10);
  if (errno != 0 || end == buf || (*end != '\0' && *end != '\n') ||
      pid <= 1 || pid != (pid_t) pid) {
    set_error (g, "%s does not hold a pid: \"%s\"", path, buf);
    return -1;
  }
  return (pid_t) pid;
}

int
qdrive_int_libvirt_watch_embedded (qdrive_h *g, struct libvirt_state *s,
                                   const char *root, const char *name)
{
  char *path;
  pid_t pid;

  if (asprintf (&path, "%s/run/qemu/%s.pid", root, name) == -1) {
    set_perror (g, "asprintf");
    return -1;
  }
  pid = read_pid (g, path);
  free (path);
  if (pid == -1)
    return -1;
  /* Taken while the domain runs (our caller created it and holds it
   * paused), so the pid is still qemu's. */
  s->qemu_pidfd = qdrive_int_pidfd_open (pid);
  if (s->qemu_pidfd == -1) {
    set_perror (g, "pidfd_open of the embedded driver's qemu (pid %d); "
                "without it qdrive cannot promise that qemu dies with "
                "this process", (int) pid);
    return -1;
  }
  return qdrive_int_watcher_start (g, &s->watcher, pid, s->qemu_pidfd);
}
