/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: the guest agent client (qga.c), used with guest "appliance":
 * over the direct backend's socket, or through libvirt. */

#ifndef QDRIVE_QGA_H
#define QDRIVE_QGA_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct direct;
struct json_object;
struct qdrive_h;

/* How a command run in the guest ended, and its output (each
 * NUL-terminated after len bytes; the output may hold NULs itself). */
struct qga_result {
  bool signalled;               /* killed by signal status */
  int status;                   /* exit status, or the signal */
  char *out, *err;
  size_t out_len, err_len;
  bool out_truncated, err_truncated; /* the agent kept only the start */
};

/* Connects to the agent's socket (b->qga.path) and synchronises with
 * the agent, waiting for it to start.  -1 with the error set;
 * ETIMEDOUT if the deadline passed. */
extern int qga_open (struct direct *b, const struct timespec *deadline,
                     int seconds);

/* Runs argv (argv[0] searched in the guest's PATH) in the guest and
 * waits for it to exit, however long it runs; each reply of the agent
 * must come within seconds.  0 with r filled (free it with
 * qga_result_free), or -1 with the error set.  qdrive_user_cancel
 * makes it fail (ECANCELED) once it has killed the command and its
 * descendants in the guest (see qga.c). */
extern int qga_exec (struct direct *b, char *const *argv, int seconds,
                     struct qga_result *r);

/* A way to reach the agent, for qga_run: the direct backend's socket
 * (qga_exec), or libvirt's agent API. */
struct qga_runner {
  struct qdrive_h *g;
  /* Runs one agent command (args may be NULL; not consumed): its
   * "return" value, owned by the caller, or NULL with the error set.
   * Each reply must come within seconds.  Unless cancellable, a
   * qdrive_user_cancel meanwhile stays pending for the next wait. */
  struct json_object *(*execute) (void *opaque, const char *command,
                                  struct json_object *args, int seconds,
                                  bool cancellable);
  /* Waits ms milliseconds between polls; -1 with the error set if the
   * guest has gone meanwhile or, if cancellable, qdrive_user_cancel
   * was called (ECANCELED; if not, the request stays pending). */
  int (*nap) (void *opaque, int ms, bool cancellable);
  void *opaque;
};

/* The direct backend's runner: the agent's socket of b (qga_open). */
extern void qga_direct_runner (struct direct *b, struct qga_runner *run);

/* qga_exec through any runner. */
extern int qga_run (const struct qga_runner *run, char *const *argv,
                    int seconds, struct qga_result *r);

extern void qga_result_free (struct qga_result *r);

/* Decodes text, the base64 member key of the agent's reply to command,
 * onto the end of *data (*len bytes so far, NUL-terminated after them;
 * *data may be NULL).  -1 with the error set if it is not base64. */
extern int qga_append_base64 (struct qdrive_h *g, const char *command,
                              const char *key, const char *text,
                              char **data, size_t *len);

/* Closes the connection and removes the socket. */
extern void qga_close (struct direct *b);

#endif /* QDRIVE_QGA_H */
