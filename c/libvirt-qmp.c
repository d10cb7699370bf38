/* qdrive: asking the qemu behind libvirt, through libvirt's QMP
 * pass-through (virDomainQemuMonitorCommand, from libvirt-qemu).
 *
 * It answers with the whole QMP reply as text: {"return": ...} or
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

struct json_object *
qdrive_int_libvirt_qmp (qdrive_h *g, virDomainPtr dom, const char *command,
                        struct json_object *args)
{
  struct json_object *cmd, *reply, *ret = NULL, *err, *desc;
  enum json_tokener_error jerr;
  char *text = NULL;
  int r;

  cmd = json_object_new_object ();
  if (cmd == NULL ||
      json_object_object_add (cmd, "execute",
                              json_object_new_string (command)) != 0 ||
      (args != NULL &&
       json_object_object_add (cmd, "arguments",
                               json_object_get (args)) != 0)) {
    json_object_put (cmd);
    set_perror (g, "cannot build the QMP command %s", command);
    return NULL;
  }
  r = virDomainQemuMonitorCommand (dom,
                                   json_object_to_json_string_ext
                                   (cmd, JSON_C_TO_STRING_PLAIN),
                                   &text, 0);
  json_object_put (cmd);
  if (r == -1) {
    set_error (g, "libvirt at %s cannot pass %s to qemu: %s",
               uri_text (g), command,
               libvirt_message ());
    return NULL;
  }

  reply = json_tokener_parse_verbose (text, &jerr);
  if (reply == NULL || !json_object_is_type (reply, json_type_object)) {
    set_error (g, "qemu's answer to %s through libvirt is not a JSON "
               "object: %s", command,
               reply == NULL ? json_tokener_error_desc (jerr) : text);
  }
  else if (json_object_object_get_ex (reply, "error", &err)) {
    set_error (g, "qemu refused %s through libvirt: %s", command,
               json_object_object_get_ex (err, "desc", &desc) &&
               json_object_is_type (desc, json_type_string)
               ? json_object_get_string (desc) : text);
  }
  else if (!json_object_object_get_ex (reply, "return", &ret))
    set_error (g, "qemu's answer to %s through libvirt has no \"return\": "
               "%s", command, text);
  else
    json_object_get (ret);
  json_object_put (reply);
  free (text);
  return ret;
}
