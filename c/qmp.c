/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: QMP, the qemu machine protocol, over the unix socket qemu
 * listens on in the handle's private directory.
 *
 * QMP is a stream of JSON objects (json-socket.c).  qemu greets with
 * {"QMP": ...}; each command is answered by {"return": ...} or
 * {"error": ...}, and events ({"event": ...}) may come in between at
 * any time. */

#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "direct.h"

int
qmp_open (struct direct *b, const struct timespec *deadline, int seconds)
{
  qdrive_h *g = b->g;
  struct json_object *greeting, *ret, *v;
  int r;

  r = jsock_connect (b, &b->qmp, deadline);
  if (r == 0) {
    qdrive_int_error (g, ETIMEDOUT, "qemu did not open its QMP socket %s "
                      "within %d second%s", b->qmp.path, seconds,
                      seconds == 1 ? "" : "s");
    return -1;
  }
  if (r == -1)
    return -1;

  if (jsock_read (b, &b->qmp, deadline, &greeting,
                  "on its QMP socket (greeting)", seconds) != 1)
    return -1;
  /* {"QMP": {"version": ..., "capabilities": [...]}} */
  if (!json_object_is_type (greeting, json_type_object) ||
      !json_object_object_get_ex (greeting, "QMP", &v) ||
      !json_object_is_type (v, json_type_object)) {
    set_error (g, "qemu's QMP socket did not greet with {\"QMP\": {...}}: %s",
               json_object_to_json_string_ext (greeting,
                                               JSON_C_TO_STRING_PLAIN));
    json_object_put (greeting);
    return -1;
  }
  json_object_put (greeting);

  ret = qmp_execute (b, "qmp_capabilities", NULL, deadline, seconds);
  if (ret == NULL)
    return -1;
  r = json_object_is_type (ret, json_type_object) ? 0 : -1;
  if (r == -1)
    set_error (g, "qemu's reply to \"qmp_capabilities\": member \"return\" "
               "is %s; expected an object",
               jsock_type_name (json_object_get_type (ret)));
  json_object_put (ret);
  return r;
}

struct json_object *
qmp_execute (struct direct *b, const char *command, struct json_object *args,
             const struct timespec *deadline, int seconds)
{
  return jsock_execute (b, &b->qmp, command, args, deadline, seconds);
}

struct json_object *
qmp_runner_execute (void *opaque, const char *command,
                    struct json_object *args)
{
  struct qmp_deadline *q = opaque;

  return qmp_execute (q->b, command, args, q->deadline,
                      q->b->g->launch_timeout);
}

int
qmp_send (struct direct *b, const char *command)
{
  return jsock_send_command (&b->qmp, command, NULL);
}

void
qmp_close (struct direct *b)
{
  jsock_free (&b->qmp);
}
