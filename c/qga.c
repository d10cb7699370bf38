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
 * and long ones cost the guest little.
 *
 * Cancelling (qdrive_user_cancel): the agent cannot kill what it
 * started, so after a cancel a second guest-exec runs KILL_TREE in
 * busybox's sh, which stops the command and its descendants (a stopped
 * process cannot start another) until no new one appears, then kills
 * them all; both statuses are then read so that the agent forgets
 * them.  This costs nothing until a cancel.  (Starting each command
 * in a process group of its own, through busybox's setsid, would find
 * orphans too, but its exec added about 9 ms to a 21 ms sh "true"
 * under TCG.)  A process whose parent has exited (a daemon) is not
 * found. */

#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <json-c/json.h>

#include "direct.h"
#include "qga.h"

#define POLL_FIRST_MS 1
#define POLL_MAX_MS 64

/* The appliance's busybox (appliance-build.c), for KILL_TREE. */
#define BUSYBOX "/bin/busybox"

/* busybox sh script: $1 is the cancelled command's pid.  Each round
 * stops the processes found, then looks for their children in
 * /proc/PID/stat ("PID (COMM) STATE PPID ...", where COMM may hold
 * spaces and parentheses); once a round finds none, all are killed
 * (SIGKILL ends a stopped process too). */
#define KILL_TREE                                                       \
  "all=\" $1 \"\n"                                                      \
  "while :; do\n"                                                       \
  "  kill -STOP $all 2>/dev/null\n"                                     \
  "  new=$(cat /proc/[0-9]*/stat 2>/dev/null | awk -v all=\"$all\" '\n" \
  "    { pid = $1; sub(/.*\\) /, \"\"); parent[pid] = $2 }\n"           \
  "    END {\n"                                                         \
  "      n = split(all, a, \" \")\n"                                    \
  "      for (i = 1; i <= n; i++) found[a[i]] = 1\n"                    \
  "      for (more = 1; more; ) {\n"                                    \
  "        more = 0\n"                                                  \
  "        for (p in parent)\n"                                         \
  "          if (!(p in found) && (parent[p] in found)) {\n"            \
  "            found[p] = 1; more = 1\n"                                \
  "          }\n"                                                       \
  "      }\n"                                                           \
  "      for (p in found) printf \" %s\", p\n"                          \
  "      print \" \"\n"                                                 \
  "    }')\n"                                                           \
  "  set -- $all; before=$#\n"                                          \
  "  set -- $new\n"                                                     \
  "  [ $# -eq $before ] && break\n"                                     \
  "  all=$new\n"                                                        \
  "done\n"                                                              \
  "kill -KILL $all 2>/dev/null\n"

/* How long the clean-up after a cancel may take (kill_command). */
#define KILL_SECONDS 5

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
         int seconds, bool cancellable)
{
  struct direct *b = opaque;
  struct timespec deadline = direct_deadline (seconds);
  struct json_object *reply = NULL;

  b->cancel_held = !cancellable;
  if (!b->qga_sync_needed || sync_agent (b, &deadline, seconds) == 0)
    reply = jsock_execute (b, &b->qga, command, args, &deadline, seconds);
  b->cancel_held = false;
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

int
qga_append_base64 (qdrive_h *g, const char *command, const char *key,
                   const char *text, char **data, size_t *len)
{
  size_t tlen = strlen (text);
  char *p = realloc (*data, *len + tlen / 4 * 3 + 4);
  int n;

  if (p == NULL) {
    set_perror (g, "realloc");
    return -1;
  }
  *data = p;
  n = tlen == 0 ? 0 : b64_pton (text, (unsigned char *) p + *len,
                                tlen / 4 * 3 + 3);
  if (n < 0) {
    set_error (g, "the guest agent's reply to \"%s\": member \"%s\" is "
               "not valid base64", command, key);
    return -1;
  }
  *len += (size_t) n;
  p[*len] = '\0';
  return 0;
}

/* Decodes an optional base64 member of the status into *data. */
static int
decode_output (qdrive_h *g, struct json_object *status,
               const char *key, char **data, size_t *len)
{
  struct json_object *v;
  int r;

  *data = NULL;
  *len = 0;
  r = jsock_reply_member (g, PEER, "guest-exec-status", status, NULL, key,
                          json_type_string, false, &v);
  if (r == -1)
    return -1;
  if (qga_append_base64 (g, "guest-exec-status", key,
                         r == 1 ? json_object_get_string (v) : "",
                         data, len) == -1) {
    free (*data);
    *data = NULL;
    *len = 0;
    return -1;
  }
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
 * -1 (error set) if it died, or on qdrive_user_cancel if cancellable. */
static int
nap (void *opaque, int ms, bool cancellable)
{
  struct direct *b = opaque;
  struct timespec until = direct_deadline_ms (ms);
  int r;

  b->cancel_held = !cancellable;
  r = direct_wait_fd (b, -1, 0, &until);
  b->cancel_held = false;
  switch (r) {
  case -2:
    direct_note_death (b);
    direct_report_death (b);
    return -1;
  case -1:
    return -1;                  /* cancelled (or poll failed): error set */
  default:
    return 0;
  }
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

/* Starts argv in the guest: the pid the agent gives, or -1 with the
 * error set.  The round trip is not cancellable: once the agent has
 * the command, its pid is what a cancel needs to kill it, so a cancel
 * meanwhile waits for the next poll. */
static int64_t
start (const struct qga_runner *run, char *const *argv, int seconds)
{
  qdrive_h *g = run->g;
  struct json_object *args, *list, *reply, *v;
  int64_t pid;
  size_t i;

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
  reply = run->execute (run->opaque, "guest-exec", args, seconds, false);
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
  /* A cancel passes it to kill (KILL_TREE), where a negative number
   * would name a process group: a real pid only. */
  if (pid <= 0 || pid > INT32_MAX) {
    set_error (g, "the guest agent's reply to \"guest-exec\": member "
               "\"pid\" is %" PRId64 ", not a process id", pid);
    return -1;
  }
  return pid;
}

/* Polls guest-exec-status until pid has exited: 0 with r filled, or -1
 * with the error set: ECANCELED on qdrive_user_cancel if cancellable;
 * ETIMEDOUT if it has not exited by the deadline (NULL: none). */
static int
await_exit (const struct qga_runner *run, int64_t pid, int seconds,
            bool cancellable, const struct timespec *deadline,
            struct qga_result *r)
{
  qdrive_h *g = run->g;
  struct json_object *args, *reply, *v;
  int ms = POLL_FIRST_MS, done;

  memset (r, 0, sizeof *r);
  args = json_object_new_object ();
  if (args == NULL) {
    set_perror (g, "json_object_new_object");
    return -1;
  }
  json_object_object_add (args, "pid", json_object_new_int64 (pid));
  for (;;) {
    reply = run->execute (run->opaque, "guest-exec-status", args, seconds,
                          cancellable);
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
    if (deadline != NULL && direct_ms_left (deadline) == 0) {
      qdrive_int_error (g, ETIMEDOUT, "process %" PRId64 " in the guest "
                        "has not exited", pid);
      break;
    }
    if (run->nap (run->opaque, ms, cancellable) == -1)
      break;
    if (ms < POLL_MAX_MS)
      ms *= 2;
  }
  json_object_put (args);
  return -1;
}

/* After a cancel: kills the command pid and its descendants (see the
 * top of this file) and reads both statuses, so that nothing is left
 * running or remembered by the agent.  It is not cancellable (a second
 * Ctrl-C must not leave the command running), but bounded by
 * KILL_SECONDS.  Its own failures are not the call's: they go to the
 * verbose output, and the error stays "cancelled". */
static void
kill_command (const struct qga_runner *run, int64_t pid)
{
  qdrive_h *g = run->g;
  char pid_text[32];
  char *const kill_argv[] = { BUSYBOX, "sh", "-c", KILL_TREE, "qdrive-kill",
                              pid_text, NULL };
  struct timespec deadline = direct_deadline (KILL_SECONDS);
  struct qga_result r;
  const char *why;
  int64_t kill_pid;
  int ok;

  snprintf (pid_text, sizeof pid_text, "%" PRId64, pid);
  qdrive_int_mute_errors (true);
  kill_pid = start (run, kill_argv, KILL_SECONDS);
  ok = kill_pid != -1 &&
    await_exit (run, kill_pid, KILL_SECONDS, false, &deadline, &r) == 0;
  if (ok) {
    qga_result_free (&r);
    ok = await_exit (run, pid, KILL_SECONDS, false, &deadline, &r) == 0;
    qga_result_free (&r);
  }
  if (!ok) {
    qdrive_int_last_error (g, &why);
    qdrive_int_verbose (g, "the cancelled command (process %" PRId64
                        ") may still run in the guest: %s", pid, why);
    qdrive_int_error (g, ECANCELED, "cancelled");
  }
  qdrive_int_mute_errors (false);
}

int
qga_run (const struct qga_runner *run, char *const *argv, int seconds,
         struct qga_result *r)
{
  int64_t pid;

  memset (r, 0, sizeof *r);
  /* A request made before anything started: nothing to clean up. */
  if (qdrive_int_cancelled (run->g))
    return -1;
  pid = start (run, argv, seconds);
  if (pid == -1)
    return -1;
  if (await_exit (run, pid, seconds, true, NULL, r) == 0)
    return 0;
  if (qdrive_int_last_error (run->g, NULL) == ECANCELED)
    kill_command (run, pid);
  return -1;
}
