/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: the watcher, a tiny process that kills a qemu when the
 * process owning the handle goes away, however it ends (see
 * watcher.c).  Used by the direct backend for the qemu it starts, and
 * by the libvirt backend for the qemu of libvirt's embedded driver,
 * which has no auto-destroy. */

#ifndef QDRIVE_WATCHER_H
#define QDRIVE_WATCHER_H

#include <sys/types.h>

#include "internal.h"

struct watcher {
  pid_t pid;                    /* the watcher process; 0: none */
  int fd;                       /* our end of its socket pair; -1: none */
};

#define WATCHER_INIT { 0, -1 }

/* A pidfd of pid, or -1 (errno set) where the kernel has none. */
extern int qdrive_int_pidfd_open (pid_t pid);

/* SIGKILL to the process, through its pidfd if pidfd >= 0 (which
 * cannot hit a recycled pid), else by pid; and to its process group,
 * if it leads one. */
extern void qdrive_int_kill (pid_t pid, int pidfd);

/* Forks a watcher for target: it kills target (through pidfd if
 * pidfd >= 0, else by pid) once this process goes away or
 * qdrive_int_watcher_stop is called; when this process goes away, it
 * then also removes the handle's private directory (g->tmpdir, if
 * any).  It stays until either happens.  The descriptors stay ours. */
extern int qdrive_int_watcher_start (qdrive_h *g, struct watcher *w,
                                     pid_t target, int pidfd);

/* Lets the watcher go, which kills target if it still runs, and reaps
 * it.  Idempotent. */
extern void qdrive_int_watcher_stop (struct watcher *w);

#endif /* QDRIVE_WATCHER_H */
