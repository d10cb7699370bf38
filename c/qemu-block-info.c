/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: what qemu made of each drive, from its answer to QMP
 * query-block (see qemu-block-info.h). */

#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "json-socket.h"
#include "qemu-block-info.h"

/* libvirt's prefix for user aliases (as in libvirt-xml.h; this file
 * does not depend on libvirt). */
#define USER_ALIAS_PREFIX "ua-"
#define PERIPHERAL_PREFIX "/machine/peripheral/"

static bool
get_bool (struct json_object *o, const char *key)
{
  struct json_object *v;

  return json_object_object_get_ex (o, key, &v) && json_object_get_boolean (v);
}

static const char *
get_string (struct json_object *o, const char *key)
{
  struct json_object *v;

  if (json_object_object_get_ex (o, key, &v) &&
      json_object_is_type (v, json_type_string))
    return json_object_get_string (v);
  return "";
}

static struct json_object *
get_object (struct json_object *o, const char *key)
{
  struct json_object *v;

  if (json_object_object_get_ex (o, key, &v) &&
      json_object_is_type (v, json_type_object))
    return v;
  return NULL;
}

/* The members of a block node that block_info reads (a query-block
 * device's "inserted", or a query-named-block-nodes entry), checked:
 * one that is missing or of another type is an error naming it, rather
 * than a silent default.  where names the node in the message. */
static int
check_node (qdrive_h *g, const char *command, struct json_object *node,
            const char *where)
{
  /* node-name is optional in qemu's schema: checked when present. */
  static const struct {
    const char *key;
    enum json_type type;
    bool required;
  } members[] = {
    { "node-name", json_type_string, false },
    { "file", json_type_string, true }, { "drv", json_type_string, true },
    { "ro", json_type_boolean, true }, { "cache", json_type_object, true },
  };
  static const char *const flags[] = { "writeback", "direct", "no-flush" };
  struct json_object *v, *cache = NULL;
  char cwhere[96];
  size_t i;

  for (i = 0; i < sizeof members / sizeof members[0]; ++i) {
    if (jsock_reply_member (g, "qemu", command, node, where, members[i].key,
                            members[i].type, members[i].required, &v) == -1)
      return -1;
    if (members[i].type == json_type_object)
      cache = v;
  }
  snprintf (cwhere, sizeof cwhere, "%s's cache", where);
  for (i = 0; i < 3; ++i)
    if (jsock_reply_member (g, "qemu", command, cache, cwhere, flags[i],
                            json_type_boolean, true, &v) == -1)
      return -1;
  return 0;
}

/* A medium's image and the images below it, as far as qemu goes:
 * each one's file name and format, read for the image a drive's entry
 * describes (drive_image). */
static int
check_images (qdrive_h *g, struct json_object *medium, const char *where)
{
  struct json_object *image, *v;
  char iwhere[128];
  int r, depth;

  r = jsock_reply_member (g, "qemu", "query-block", medium, where, "image",
                          json_type_object, false, &image);
  snprintf (iwhere, sizeof iwhere, "%s's image", where);
  for (depth = 1; r == 1; ++depth) {
    if (jsock_reply_member (g, "qemu", "query-block", image, iwhere,
                            "filename", json_type_string, true, &v) == -1 ||
        jsock_reply_member (g, "qemu", "query-block", image, iwhere,
                            "format", json_type_string, true, &v) == -1)
      return -1;
    r = jsock_reply_member (g, "qemu", "query-block", image, iwhere,
                            "backing-image", json_type_object, false,
                            &image);
    snprintf (iwhere, sizeof iwhere, "%s's backing image %d", where, depth);
  }
  return r;
}

/* Each query-block device: a string "device" (empty under libvirt,
 * where the string "qdev", if any, names the guest device), and if it
 * has a medium ("inserted", always for qdrive's drives), the node's
 * members. */
static int
check_devices (qdrive_h *g, struct json_object *devices)
{
  struct json_object *dev, *v;
  char where[96], id[32];
  size_t i, n = json_object_array_length (devices);

  for (i = 0; i < n; ++i) {
    dev = json_object_array_get_idx (devices, i);
    snprintf (where, sizeof where, "device %zu", i);
    if (jsock_reply_member (g, "qemu", "query-block", dev, where, "device",
                            json_type_string, true, &v) == -1 ||
        jsock_reply_member (g, "qemu", "query-block", dev, where, "qdev",
                            json_type_string, false, &v) == -1)
      return -1;
    qdrive_int_qemu_drive_id (dev, id, sizeof id);
    snprintf (where, sizeof where, "%s", *id ? id : "device");
    if (jsock_reply_member (g, "qemu", "query-block", dev, where, "inserted",
                            json_type_object, false, &v) == -1)
      return -1;
    if (v != NULL) {
      snprintf (where, sizeof where, "%s's medium", *id ? id : "device");
      if (check_node (g, "query-block", v, where) == -1 ||
          check_images (g, v, where) == -1)
        return -1;
    }
  }
  return 0;
}

void
qdrive_int_qemu_drive_id (struct json_object *dev, char *buf, size_t len)
{
  const char *id = get_string (dev, "device");
  size_t n;

  if (*id == '\0') {
    id = get_string (dev, "qdev");
    if (strncmp (id, PERIPHERAL_PREFIX, strlen (PERIPHERAL_PREFIX)) == 0)
      id += strlen (PERIPHERAL_PREFIX);
    if (strncmp (id, USER_ALIAS_PREFIX, strlen (USER_ALIAS_PREFIX)) == 0)
      id += strlen (USER_ALIAS_PREFIX);
  }
  n = strcspn (id, "/");
  if (n >= len)
    n = len - 1;
  memcpy (buf, id, n);
  buf[n] = '\0';
}

int
qdrive_int_qemu_check_drives (qdrive_h *g, struct json_object *devices)
{
  size_t i, j, n;
  char want[32], id[32];
  struct json_object *dev;
  bool found;

  if (!json_object_is_type (devices, json_type_array)) {
    set_error (g, "qemu's answer to query-block is not a list");
    return -1;
  }
  if (check_devices (g, devices) == -1)
    return -1;
  n = json_object_array_length (devices);
  for (i = 0; i < g->ndrives; ++i) {
    snprintf (want, sizeof want, "hd%zu", i);
    found = false;
    for (j = 0; j < n && !found; ++j) {
      dev = json_object_array_get_idx (devices, j);
      qdrive_int_qemu_drive_id (dev, id, sizeof id);
      found = strcmp (id, want) == 0 &&
        json_object_object_get_ex (dev, "inserted", NULL);
    }
    if (!found) {
      set_error (g, "qemu started but does not report drive %s (\"%s\")",
                 want, g->drives[i].filename);
      return -1;
    }
  }
  return 0;
}

/* Is this the id of a drive of ours added read-only? */
static bool
is_snapshot_drive (qdrive_h *g, const char *id)
{
  char *end;
  unsigned long i;

  if (strncmp (id, "hd", 2) != 0 || id[2] < '0' || id[2] > '9')
    return false;
  errno = 0;
  i = strtoul (id + 2, &end, 10);
  return errno == 0 && *end == '\0' && i < g->ndrives &&
    g->drives[i].readonly;
}

/* Whether the node of file and format is read-only (the first such
 * node qemu lists). */
static bool
node_readonly (struct json_object *nodes, const char *file,
               const char *format)
{
  size_t i, n = json_object_array_length (nodes);

  for (i = 0; i < n; ++i) {
    struct json_object *node = json_object_array_get_idx (nodes, i);
    if (strcmp (get_string (node, "file"), file) == 0 &&
        strcmp (get_string (node, "drv"), format) == 0)
      return get_bool (node, "ro");
  }
  return false;
}

/* The image a drive's entry describes, which is not always qemu's top
 * node for the device:
 *  - libvirt puts a copy-on-read filter on top of a disk with
 *    copy_on_read (the direct backend's -drive copy-on-read=on has
 *    none); the filter's own cache flags are not the drive's;
 *  - a read-only drive may have a throw-away overlay on top (the
 *    direct backend's snapshot=on, libvirt's <transient/>), a writable
 *    qcow2 over the caller's image, which qemu opened read-only with
 *    the drive's cache mode.  The overlay is told by being writable:
 *    a read-only drive without one (libvirt's <readonly/> network
 *    disk) is read-only at the top.
 * query-block describes the image below each of those as the
 * "backing-image" of the one above.  *below is that image, or NULL if
 * the drive is the top node itself. */
static int
drive_image (qdrive_h *g, struct json_object *dev, struct json_object *nodes,
             struct json_object **below)
{
  struct json_object *ins = get_object (dev, "inserted");
  struct json_object *top = ins ? get_object (ins, "image") : NULL;
  struct json_object *image = top;
  bool ro = ins && get_bool (ins, "ro");
  char id[32];

  *below = NULL;
  if (image == NULL)
    return 0;
  qdrive_int_qemu_drive_id (dev, id, sizeof id);
  if (strcmp (get_string (image, "format"), "copy-on-read") == 0) {
    image = get_object (image, "backing-image");
    if (image != NULL)
      ro = node_readonly (nodes, get_string (image, "filename"),
                          get_string (image, "format"));
  }
  if (image != NULL && is_snapshot_drive (g, id) && !ro)
    image = get_object (image, "backing-image");
  if (image == NULL) {
    set_error (g, "drive %s: qemu reports no image below its top node "
               "\"%s\"", id, get_string (ins, "node-name"));
    return -1;
  }
  *below = image == top ? NULL : image;
  return 0;
}

/* The node of file and format among qemu's nodes that is not the top
 * of a device (query-block lists the tops).  If the same file is below
 * several drives, their nodes are told apart by order: qemu lists
 * nodes newest first, and devices oldest first.
 *
 * occurrence: how many earlier drives had the same file and format
 * below their tops. */
static struct json_object *
find_node (struct json_object *nodes, struct json_object *devices,
           const char *file, const char *format, size_t occurrence)
{
  size_t i, j, ndev = json_object_array_length (devices);
  size_t seen = 0;

  /* Oldest node first. */
  for (i = json_object_array_length (nodes); i-- > 0; ) {
    struct json_object *node = json_object_array_get_idx (nodes, i);
    const char *name = get_string (node, "node-name");
    bool top = false;

    if (strcmp (get_string (node, "file"), file) != 0 ||
        strcmp (get_string (node, "drv"), format) != 0)
      continue;
    for (j = 0; j < ndev && !top; ++j) {
      struct json_object *ins =
        get_object (json_object_array_get_idx (devices, j), "inserted");
      top = ins && strcmp (get_string (ins, "node-name"), name) == 0;
    }
    if (!top && seen++ == occurrence)
      return node;
  }
  return NULL;
}

/* The protocol driver under a format node.  qemu names the format node
 * after its protocol node: by the same file name ("/path",
 * "nbd://host:port/export", ...) where the options fit a URI, and
 * otherwise by a "json:{...}" description whose "file" object names
 * the driver.  Written to buf (size len); "" if neither says. */
static void
protocol_driver (struct json_object *nodes, const char *file,
                 const char *format, char *buf, size_t len)
{
  size_t i, n = json_object_array_length (nodes);
  struct json_object *desc, *child;

  buf[0] = '\0';
  if (strncmp (file, "json:", 5) == 0) {
    desc = json_tokener_parse (file + 5);
    child = desc ? get_object (desc, "file") : NULL;
    if (child)
      snprintf (buf, len, "%s", get_string (child, "driver"));
    json_object_put (desc);
    return;
  }
  for (i = 0; i < n; ++i) {
    struct json_object *node = json_object_array_get_idx (nodes, i);
    if (strcmp (get_string (node, "file"), file) == 0 &&
        strcmp (get_string (node, "drv"), format) != 0) {
      snprintf (buf, len, "%s", get_string (node, "drv"));
      return;
    }
  }
}

/* query-named-block-nodes (flat). */
static struct json_object *
get_nodes (qdrive_h *g, const struct qmp_runner *run)
{
  struct json_object *args, *nodes;
  char where[32];
  size_t i;

  args = json_object_new_object ();
  if (args == NULL) {
    set_perror (g, "json_object_new_object");
    return NULL;
  }
  json_object_object_add (args, "flat", json_object_new_boolean (1));
  nodes = run->execute (run->opaque, "query-named-block-nodes", args);
  json_object_put (args);
  if (nodes != NULL && !json_object_is_type (nodes, json_type_array)) {
    set_error (g, "qemu's answer to query-named-block-nodes is not a list");
    json_object_put (nodes);
    return NULL;
  }
  for (i = 0; nodes != NULL && i < json_object_array_length (nodes); ++i) {
    snprintf (where, sizeof where, "node %zu", i);
    if (check_node (g, "query-named-block-nodes",
                    json_object_array_get_idx (nodes, i), where) == -1) {
      json_object_put (nodes);
      return NULL;
    }
  }
  return nodes;
}

/* Fills one entry from one query-block device; nodes is qemu's
 * answer to query-named-block-nodes. */
static int
fill_entry (qdrive_h *g, struct qdrive_block_info *e,
            struct json_object *dev, struct json_object *devices,
            size_t index, struct json_object *nodes)
{
  struct json_object *ins = get_object (dev, "inserted"), *from = ins;
  struct json_object *below;
  const char *file = ins ? get_string (ins, "file") : "";
  const char *format = ins ? get_string (ins, "drv") : "";
  char id[32], protocol[64] = "";
  size_t j, occurrence = 0;

  qdrive_int_qemu_drive_id (dev, id, sizeof id);
  if (drive_image (g, dev, nodes, &below) == -1)
    return -1;
  if (below != NULL) {
    file = get_string (below, "filename");
    format = get_string (below, "format");
    for (j = 0; j < index; ++j) {
      struct json_object *b2;
      if (drive_image (g, json_object_array_get_idx (devices, j), nodes,
                       &b2) == -1)
        return -1;
      if (b2 && strcmp (get_string (b2, "filename"), file) == 0 &&
          strcmp (get_string (b2, "format"), format) == 0)
        occurrence++;
    }
    from = find_node (nodes, devices, file, format, occurrence);
    if (from == NULL) {
      set_error (g, "drive %s: qemu reports \"%s\" below its top node but "
                 "not the node of that file", id, file);
      return -1;
    }
  }

  e->id = strdup (id);
  e->filename = strdup (qdrive_int_name_from_qemu (g, id, file));
  e->format = strdup (format);
  if (ins)
    protocol_driver (nodes, file, format, protocol, sizeof protocol);
  e->protocol = strdup (protocol);
  if (e->id == NULL || e->filename == NULL || e->format == NULL ||
      e->protocol == NULL) {
    set_perror (g, "strdup");
    return -1;
  }
  if (from != NULL) {
    struct json_object *cache = get_object (from, "cache");
    e->readonly = get_bool (from, "ro");
    if (cache != NULL) {
      e->cache_writeback = get_bool (cache, "writeback");
      e->cache_direct = get_bool (cache, "direct");
      e->cache_no_flush = get_bool (cache, "no-flush");
    }
  }
  return 0;
}

struct qdrive_block_info_list *
qdrive_int_qemu_block_info (qdrive_h *g, struct json_object *devices,
                            const struct qmp_runner *run)
{
  struct json_object *nodes;
  struct qdrive_block_info_list *list;
  size_t i, n;

  if (!json_object_is_type (devices, json_type_array)) {
    set_error (g, "qemu's answer to query-block is not a list");
    return NULL;
  }
  if (check_devices (g, devices) == -1)
    return NULL;
  nodes = get_nodes (g, run);
  if (nodes == NULL)
    return NULL;
  n = json_object_array_length (devices);
  list = calloc (1, sizeof *list);
  if (list == NULL || (list->val = calloc (n ? n : 1, sizeof *list->val)) == NULL) {
    set_perror (g, "calloc");
    free (list);
    json_object_put (nodes);
    return NULL;
  }
  for (i = 0; i < n; ++i) {
    list->len = i + 1;          /* so that a failure frees this entry */
    if (fill_entry (g, &list->val[i], json_object_array_get_idx (devices, i),
                    devices, i, nodes) == -1) {
      qdrive_free_block_info_list (list);
      list = NULL;
      break;
    }
  }
  json_object_put (nodes);
  return list;
}
