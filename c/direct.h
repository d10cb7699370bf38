/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: the direct backend's state, shared by its files:
 *
 *   backend-direct.c       launch, block_info, shutdown
 *   backend-direct-argv.c  qemu's argument vector (get_qemu_command_line),
 *                          the one place that quotes for qemu
 *   qemu-process.c         starting qemu and its watcher, qemu's output,
 *                          bounded waits, killing and reaping
 *   qmp.c                  the QMP connection (JSON with json-c, over
 *                          json-socket.c)
 *   qga.c                  the guest agent's connection (guest "appliance")
 *   direct-appliance.c     booting the appliance: waiting for its agent,
 *                          finding each drive in it
 *
 * All of it is single-threaded: it runs under the handle's lock, and
 * every wait is a poll() on qemu's output pipe and whatever is awaited,
 * with a deadline. */

#ifndef QDRIVE_DIRECT_H
#define QDRIVE_DIRECT_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "internal.h"
#include "json-socket.h"
#include "qga.h"
#include "watcher.h"

struct json_object;

/* The QMP socket and (guest "appliance") the guest agent's, in the
 * handle's private temporary directory. */
#define DIRECT_QMP_SOCKET "qmp.sock"
#define DIRECT_QGA_SOCKET "qga.sock"

/* launch's steps with the appliance, for progress events (see
 * backend-direct.c): 4 waits for the agent, 5 finds the drives. */
#define DIRECT_APPLIANCE_LAUNCH_STEPS 6

/* How many of qemu's last output lines (with the appliance, its
 * console's) are kept for error messages: enough for a kernel panic's
 * message and the register and stack dump after it (the stack trace is
 * left out of the messages: see direct_last_lines). */
#define DIRECT_LAST_LINES 64
/* A longer line is cut there (the rest is dropped until its newline). */
#define DIRECT_LINE_MAX 1024

struct direct {
  qdrive_h *g;                  /* for verbose and errors */

  pid_t pid;                    /* qemu; 0 once reaped */
  bool status_lost;             /* reaped by the kernel: SIGCHLD ignored */
  int pidfd;                    /* qemu's pidfd, -1 if unavailable */
  struct watcher watcher;       /* kills qemu if our process goes away */

  /* qemu's stdout and stderr, both to one pipe, read non-blocking. */
  int out_fd;
  char line[DIRECT_LINE_MAX + 1];
  size_t line_len;
  char *last[DIRECT_LAST_LINES]; /* ring of complete lines */
  size_t nlast;                 /* lines ever stored */

  struct jsock qmp;             /* QMP (qmp.c) */

  int accel;                    /* what qemu was asked for:
                                   QDRIVE_INT_ACCEL_* */

  /* guest "appliance" only. */
  bool init_started;            /* its /init has printed its first line
                                   (APPLIANCE_INIT_LINE) */
  struct jsock qga;             /* the guest agent (qga.c) */
  bool qga_sync_needed;         /* a reply may be pending: sync first */
  bool cancel_held;             /* waits leave qdrive_user_cancel's
                                   request pending (qga.c: the agent's
                                   reply to guest-exec, with the pid) */
  char **devices;               /* each drive's device in the guest */

  /* Set once qemu is found to have exited without being asked to: how
   * it ended, with its last lines.  Reported by the next call. */
  char *death;
  bool death_reported;
  bool ready;                   /* launch has succeeded */
};

/* backend-direct-argv.c */

/* The qemu command line for the handle's drives and settings, qemu
 * binary first, NULL-terminated; NULL with the error set on failure.
 * app: the appliance to boot (guest "appliance"), or NULL for a
 * machine stopped before its first instruction; accel: the
 * accelerator (QDRIVE_INT_ACCEL_*: the handle's, but launch may run
 * the appliance with TCG instead, see backend-direct.c). */
struct appliance;
extern char **direct_argv (qdrive_h *g, const struct appliance *app,
                           int accel);

/* qemu-process.c */

/* Absolute deadline "seconds from now" (or ms milliseconds from now)
 * on CLOCK_MONOTONIC, and the milliseconds left until it (0 when
 * passed). */
extern struct timespec direct_deadline (int seconds);
extern struct timespec direct_deadline_ms (int ms);
extern int direct_ms_left (const struct timespec *deadline);

/* argv shell-quoted on one line, malloc'd (NULL if out of memory). */
extern char *direct_command_text (char *const *argv);

/* Starts qemu (path: resolved binary, argv[0] as given) with its output
 * to a pipe, and the watcher that kills it if this process goes away.
 * Fills b->pid, pidfd, watcher, out_fd. */
extern int direct_spawn (struct direct *b, const char *path, char *const *argv);

/* Finds the hv binary: a name with a slash is used as it is, another
 * is searched in $PATH.  NULL, with the error set, if there is none. */
extern char *direct_find_binary (qdrive_h *g, const char *hv);

/* Reads what qemu has written, without blocking: stores complete lines
 * and makes each a "qemu" event (printed when verbose without one). */
extern void direct_drain_output (struct direct *b);

/* qemu's last lines, one per line, or "" if it said nothing, with any
 * kernel stack trace (from "Call Trace:" to "</TASK>") cut to one line.
 * Call after the final drain.  Malloc'd (NULL on allocation failure). */
extern char *direct_last_lines (struct direct *b);

/* True if qemu has exited (it is not reaped: use direct_reap). */
extern bool direct_exited (struct direct *b);

/* Waits until qemu exits or the deadline passes, draining its output
 * meanwhile.  True if it exited.  qdrive_user_cancel does not stop it:
 * it is the wait of cleaning up. */
extern bool direct_wait_exit (struct direct *b, const struct timespec *deadline);

/* Waits until fd is readable (or hung up), qemu exits, the deadline
 * passes or qdrive_user_cancel is called (unless b->cancel_held),
 * draining qemu's output meanwhile.  1: fd readable; 0: deadline
 * passed; -2: qemu exited; -1: cancelled, or poll failed (the error is
 * set). */
extern int direct_wait_fd (struct direct *b, int fd, short events,
                           const struct timespec *deadline);

/* Lets the watcher go, kills what is left of qemu's process group,
 * reaps qemu and describes how it ended ("exited with status 1", "was killed by
 * signal 9 (Killed)").  Malloc'd; NULL on allocation failure.  If the
 * caller ignores SIGCHLD, the kernel has reaped qemu and its status is
 * lost: b->status_lost is then set. */
extern char *direct_reap (struct direct *b);

/* Kills qemu (SIGKILL) if it is running. */
extern void direct_kill (struct direct *b);

/* Records that qemu died unexpectedly: reaps it, keeps the description
 * in b->death.  Idempotent. */
extern void direct_note_death (struct direct *b);

/* Sets the error saying how qemu died, with its last lines, and marks
 * the death as reported. */
extern void direct_report_death (struct direct *b);

/* qmp.c */

/* Connects to b->qmp.path, retrying until the deadline while qemu
 * creates the socket; then reads the greeting and negotiates
 * capabilities.  Sets the error on failure; seconds is the timeout the
 * deadline came from, for the message. */
extern int qmp_open (struct direct *b, const struct timespec *deadline,
                     int seconds);

/* Runs one command (args may be NULL; it is not consumed) and returns
 * its "return" value, owned by the caller; NULL with the error set if
 * qemu answered with an error, went away or did not answer in time. */
extern struct json_object *qmp_execute (struct direct *b, const char *command,
                                        struct json_object *args,
                                        const struct timespec *deadline,
                                        int seconds);

/* The QMP runner of qemu-block-info.h over b's socket: opaque is a
 * struct qmp_deadline, every command bounded by its deadline. */
struct qmp_deadline {
  struct direct *b;
  const struct timespec *deadline;
};
extern struct json_object *qmp_runner_execute (void *opaque,
                                               const char *command,
                                               struct json_object *args);

/* Sends a command without waiting for the answer and without setting
 * any error (for quit).  -1 on failure. */
extern int qmp_send (struct direct *b, const char *command);

/* Closes the connection and removes the socket. */
extern void qmp_close (struct direct *b);

/* direct-appliance.c */

/* Once qemu runs the appliance: waits for its guest agent to answer,
 * then finds each drive in the guest (b->devices).  -1 with the error
 * set (with the console's last lines if the agent did not answer).
 * With accel kvm:tcg, if qemu runs the guest with KVM and it shows no
 * sign of life soon enough, returns DIRECT_KVM_SILENT at once: the
 * caller stops this qemu and launches again with TCG. */
#define DIRECT_KVM_SILENT 1
extern int direct_appliance_start (struct direct *b,
                                   const struct timespec *deadline);

extern void direct_appliance_free (struct direct *b);

/* The backend operations guest_exec and list_devices. */
extern int direct_guest_exec (qdrive_h *g, char *const *argv,
                              struct qga_result *r);
extern char **direct_list_devices (qdrive_h *g);

#endif /* QDRIVE_DIRECT_H */
