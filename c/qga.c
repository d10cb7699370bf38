/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: the client of qemu's guest agent (qemu-ga) in the appliance:
 * running a command (qga_run), through any way of reaching the agent
 * (struct qga_runner); and the direct backend's way, over the
 * virtio-serial port's socket in the handle's private directory, in the
 * agent's JSON protocol (json-socket.c, shared with QMP).  (libvirt's
 * agent API, for the libvirt backend, synchronises by itself.)
 *
 * Synchronising: what was sent before may still be in the channel, and
 * the agent may be half-way through a line (or not started yet: qemu
 * keeps what we send until the guest opens the port).  So the client
 * sends a 0xFF byte, which makes the agent drop any partial input, then
 * guest-sync-delimited with a random id; the agent answers with 0xFF
 * and {"return": id}.  Everything up to the 0xFF, and any reply with
 * another id, is discarded.
 *
 * Running a command: guest-exec with capture-output returns a pid;
 * guest-exec-status says whether it has exited and, once it has, its
 * status and its output (base64), and then forgets the process: the
 * status can be read only once.  The client polls, at 1 ms and then
 * less often (up to every 64 ms), so that short commands return fast
 * and long ones cost the guest little. */

#include <config.h>

#include <errno.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <json-c/json.h>

#include "direct.h"
#include "qga.h"

#define POLL_FIRST_MS 1
#define POLL_MAX_MS 64

/* Who answers, in messages. */
#define PEER "the guest agent"

/* Synchronises with the agent (see the top of this file). */
static int
sync_agent (struct direct *b, const struct timespec *deadline, int seconds)
{
  qdrive_h *g = b->g;
  struct json_object *args, *reply, *ret;
  static const unsigned char delim = 0xFF;
  int32_t id;
  int r;

  if (getrandom (&id, sizeof id, 0) != sizeof id)
    id = (int32_t) time (NULL);
  id &= 0x7fffffff;
  args = json_object_new_object ();
  if (args == NULL) {
    set_perror (g, "json_object_new_object");
    return -1;
  }
  json_object_object_add (args, "id", json_object_new_int (id));
  r = jsock_send_raw (&b->qga, &delim, 1);
  if (r == 0)
    r = jsock_send_command (&b->qga, "guest-sync-delimited", args);
  json_object_put (args);
  if (r == -1) {
    set_perror (g, "sending \"guest-sync-delimited\" to the guest agent");
    return -1;
  }
  for (;;) {
    r = jsock_skip_past (b, &b->qga, delim, deadline,
                         "\"guest-sync-delimited\"", seconds);
    if (r != 1)
      return -1;
    r = jsock_read (b, &b->qga, deadline, &reply,
                    "\"guest-sync-delimited\"", seconds);
    if (r != 1)
      return -1;
    /* Anything but our id is an answer to an earlier request. */
    r = json_object_is_type (reply, json_type_object) &&
      json_object_object_get_ex (reply, "return", &ret) &&
      json_object_is_type (ret, json_type_int) &&
      json_object_get_int64 (ret) == id;
    json_object_put (reply);
    if (r) {
      b->qga_sync_needed = false;
      return 0;
    }
  }
}

int
qga_open (struct direct *b, const struct timespec *deadline, int seconds)
{
  int r = jsock_connect (b, &b->qga, deadline);

  if (r == 0) {
    qdrive_int_error (b->g, ETIMEDOUT, "qemu did not open the guest agent's "
                      "socket %s within %d seconds", b->qga.path, seconds);
    return -1;
  }
  if (r == -1)
    return -1;
  return sync_agent (b, deadline, seconds);
}

/* One command to the agent over the socket (the direct backend's
 * runner).  After any failure the stream may hold a late reply, so the
 * next command synchronises first. */
static struct json_object *
execute (void *opaque, const char *command, struct json_object *args,
         int seconds)
{
  struct direct *b = opaque;
  struct timespec deadline = direct_deadline (seconds);
  struct json_object *reply;

  if (b->qga_sync_needed && sync_agent (b, &deadline, seconds) == -1)
    return NULL;
  reply = jsock_execute (b, &b->qga, command, args, &deadline, seconds);
  if (reply == NULL)
    b->qga_sync_needed = true;
  return reply;
}

void
qga_close (struct direct *b)
{
  jsock_free (&b->qga);
}

void
qga_result_free (struct qga_result *r)
{
  free (r->out);
  free (r->err);
  memset (r, 0, sizeof *r);
}

/* Decodes an optional base64 member of the status into *data. */
static int
decode_output (qdrive_h *g, struct json_object *status,
               const char *key, char **data, size_t *len)
{
  struct json_object *v;
  const char *text;
  size_t tlen;
  int n, r;

  *data = NULL;
  *len = 0;
  r = jsock_reply_member (g, PEER, "guest-exec-status", status, NULL, key,
                          json_type_string, false, &v);
  if (r == -1)
    return -1;
  text = r == 1 ? json_object_get_string (v) : "";
  tlen = strlen (text);
  *data = malloc (tlen / 4 * 3 + 4);
  if (*data == NULL) {
    set_perror (g, "malloc");
    return -1;
  }
  n = tlen == 0 ? 0 : b64_pton (text, (unsigned char *) *data,
                                tlen / 4 * 3 + 3);
  if (n < 0) {
    set_error (g, "the guest agent's reply to \"guest-exec-status\": "
               "member \"%s\" is not valid base64", key);
    free (*data);
    *data = NULL;
    return -1;
  }
  (*data)[n] = '\0';
  *len = (size_t) n;
  return 0;
}

/* Reads a finished process's status into r. */
static int
read_status (qdrive_h *g, struct json_object *status, struct qga_result *r)
{
  struct json_object *v;
  int has_code, has_signal;

  has_code = jsock_reply_member (g, PEER, "guest-exec-status", status, NULL,
                                 "exitcode", json_type_int, false, &v);
  if (has_code == 1)
    r->status = json_object_get_int (v);
  has_signal = jsock_reply_member (g, PEER, "guest-exec-status", status,
                                   NULL, "signal", json_type_int, false, &v);
  if (has_signal == 1) {
    r->signalled = true;
    r->status = json_object_get_int (v);
  }
  if (has_code == -1 || has_signal == -1)
    return -1;
  if (has_code == 0 && has_signal == 0) {
    set_error (g, "the guest agent's reply to \"guest-exec-status\": "
               "neither \"exitcode\" nor \"signal\" is given for an exited "
               "process");
    return -1;
  }
  if (jsock_reply_member (g, PEER, "guest-exec-status", status, NULL,
                          "out-truncated", json_type_boolean, false, &v) == -1)
    return -1;
  r->out_truncated = v != NULL && json_object_get_boolean (v);
  if (jsock_reply_member (g, PEER, "guest-exec-status", status, NULL,
                          "err-truncated", json_type_boolean, false, &v) == -1)
    return -1;
  r->err_truncated = v != NULL && json_object_get_boolean (v);
  if (decode_output (g, status, "out-data", &r->out, &r->out_len) == -1 ||
      decode_output (g, status, "err-data", &r->err, &r->err_len) == -1)
    return -1;
  return 0;
}

/* Waits ms milliseconds, watching qemu (the direct backend's runner).
 * -1 (error set) if it died. */
static int
nap (void *opaque, int ms)
{
  struct direct *b = opaque;
  struct timespec until = direct_deadline_ms (ms);

  if (direct_wait_fd (b, -1, 0, &until) == -2) {
    direct_note_death (b);
    direct_report_death (b);
    return -1;
  }
  return 0;
}

void
qga_direct_runner (struct direct *b, struct qga_runner *run)
{
  run->g = b->g;
  run->execute = execute;
  run->nap = nap;
  run->opaque = b;
}

int
qga_exec (struct direct *b, char *const *argv, int seconds,
          struct qga_result *r)
{
  struct qga_runner run;

  qga_direct_runner (b, &run);
  return qga_run (&run, argv, seconds, r);
}

int
qga_run (const struct qga_runner *run, char *const *argv, int seconds,
         struct qga_result *r)
{
  qdrive_h *g = run->g;
  struct json_object *args, *list, *reply, *v;
  int64_t pid;
  size_t i;
  int ms = POLL_FIRST_MS, done;

  memset (r, 0, sizeof *r);
  args = json_object_new_object ();
  list = json_object_new_array ();
  if (args == NULL || list == NULL) {
    json_object_put (args);
    json_object_put (list);
    set_perror (g, "json_object_new_object");
    return -1;
  }
  json_object_object_add (args, "path", json_object_new_string (argv[0]));
  for (i = 1; argv[i] != NULL; ++i)
    json_object_array_add (list, json_object_new_string (argv[i]));
  json_object_object_add (args, "arg", list);
  json_object_object_add (args, "capture-output", json_object_new_boolean (1));
  reply = run->execute (run->opaque, "guest-exec", args, seconds);
  json_object_put (args);
  if (reply == NULL)
    return -1;
  if (jsock_reply_member (g, PEER, "guest-exec", reply, NULL, "pid",
                          json_type_int, true, &v) == -1) {
    json_object_put (reply);
    return -1;
  }
  pid = json_object_get_int64 (v);
  json_object_put (reply);

  args = json_object_new_object ();
  if (args == NULL) {
    set_perror (g, "json_object_new_object");
    return -1;
  }
  json_object_object_add (args, "pid", json_object_new_int64 (pid));
  for (;;) {
    reply = run->execute (run->opaque, "guest-exec-status", args, seconds);
    if (reply == NULL)
      break;
    if (jsock_reply_member (g, PEER, "guest-exec-status", reply, NULL,
                            "exited", json_type_boolean, true, &v) == -1) {
      json_object_put (reply);
      break;
    }
    done = json_object_get_boolean (v);
    if (done) {
      done = read_status (g, reply, r) == 0 ? 1 : -1;
      json_object_put (reply);
      json_object_put (args);
      if (done == -1)
        qga_result_free (r);
      return done == 1 ? 0 : -1;
    }
    json_object_put (reply);
    if (run->nap (run->opaque, ms) == -1)
      break;
    if (ms < POLL_MAX_MS)
      ms *= 2;
  }
  json_object_put (args);
  return -1;
}
