/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: asking the qemu behind libvirt, through libvirt's QMP
 * pass-through (virDomainQemuMonitorCommand, from libvirt-qemu), and
 * the guest agent in the appliance, through libvirt's agent API
 * (virDomainQemuAgentCommand, which synchronises with the agent
 * itself).
 *
 * Each answers with the whole reply as text: {"return": ...} or
 * {"error": {"class": ..., "desc": ...}}.  That text is input like any
 * other: it is parsed with json-c and every field's presence and type
 * is checked.  libvirt marks a domain it was used on as "tainted:
 * custom-monitor" in its log; the commands qdrive sends only read. */

#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <libvirt/libvirt-qemu.h>

#include "backend-libvirt.h"

/* The command as text, {"execute": command, "arguments": args}
 * (malloc'd), or NULL with the error set. */
static char *
command_text (qdrive_h *g, const char *command, struct json_object *args)
{
  struct json_object *cmd = json_object_new_object ();
  char *text = NULL;

  if (cmd == NULL ||
      json_object_object_add (cmd, "execute",
                              json_object_new_string (command)) != 0 ||
      (args != NULL &&
       json_object_object_add (cmd, "arguments",
                               json_object_get (args)) != 0) ||
      (text = strdup (json_object_to_json_string_ext
                      (cmd, JSON_C_TO_STRING_PLAIN))) == NULL)
    set_perror (g, "cannot build the command %s", command);
  json_object_put (cmd);
  return text;
}

/* The "return" value of peer's reply text to command (owned by the
 * caller), or NULL with the error set. */
static struct json_object *
reply_return (qdrive_h *g, const char *peer, const char *command,
              const char *text)
{
  struct json_object *reply, *ret = NULL, *err, *desc;
  enum json_tokener_error jerr;

  reply = json_tokener_parse_verbose (text, &jerr);
  /* (A NULL reply with no error is JSON null.) */
  if (reply == NULL && jerr != json_tokener_success)
    set_error (g, "%s's answer to %s through libvirt is not JSON: %s",
               peer, command, json_tokener_error_desc (jerr));
  else if (!json_object_is_type (reply, json_type_object))
    set_error (g, "%s's answer to %s through libvirt is not a JSON object: "
               "%s", peer, command, text);
  else if (json_object_object_get_ex (reply, "error", &err))
    set_error (g, "%s refused %s through libvirt: %s", peer, command,
               json_object_object_get_ex (err, "desc", &desc) &&
               json_object_is_type (desc, json_type_string)
               ? json_object_get_string (desc) : text);
  else if (!json_object_object_get_ex (reply, "return", &ret))
    set_error (g, "%s's answer to %s through libvirt has no \"return\": %s",
               peer, command, text);
  else if (ret == NULL)         /* no command answers with null */
    set_error (g, "%s's answer to %s through libvirt: member \"return\" is "
               "null", peer, command);
  else
    json_object_get (ret);
  json_object_put (reply);
  return ret;
}

struct json_object *
qdrive_int_libvirt_qmp (qdrive_h *g, virDomainPtr dom, const char *command,
                        struct json_object *args)
{
  struct json_object *ret;
  char *cmd = command_text (g, command, args), *text = NULL;

  if (cmd == NULL)
    return NULL;
  if (virDomainQemuMonitorCommand (dom, cmd, &text, 0) == -1) {
    set_error (g, "libvirt at %s cannot pass %s to qemu: %s",
               uri_text (g), command, libvirt_message ());
    free (cmd);
    return NULL;
  }
  free (cmd);
  ret = reply_return (g, "qemu", command, text);
  free (text);
  return ret;
}

struct json_object *
qdrive_int_libvirt_agent (qdrive_h *g, virDomainPtr dom, const char *command,
                          struct json_object *args, int seconds)
{
  struct json_object *ret;
  char *cmd = command_text (g, command, args), *text;

  if (cmd == NULL)
    return NULL;
  text = virDomainQemuAgentCommand (dom, cmd, seconds, 0);
  free (cmd);
  if (text == NULL) {
    set_error (g, "libvirt at %s cannot pass %s to the guest agent: %s",
               uri_text (g), command, libvirt_message ());
    return NULL;
  }
  ret = reply_return (g, "the guest agent", command, text);
  free (text);
  return ret;
}
