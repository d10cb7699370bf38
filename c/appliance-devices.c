/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: finding each drive inside the running appliance, whatever
 * backend runs it: qemu is asked over QMP (the direct backend's socket,
 * or libvirt's pass-through) and the guest through its agent.
 *
 * Drives are found by address, never by the order the guest probed
 * them in (with two virtio-scsi disks the kernel swaps sda and sdb now
 * and then).  qemu says where it put each drive (QMP: query-block gives
 * the device, qom-get its PCI address, or its SCSI target and LUN, or
 * its IDE bus and unit); the guest's sysfs says which block device is
 * at which address (/sys/block/NAME links to the device's path, e.g.
 * .../0000:00:02.0/virtio0/host0/target0:0:1/0:0:1:0/block/sdb). */

#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "appliance.h"
#include "json-socket.h"
#include "qemu-block-info.h"
#include "qga.h"

/* Where a drive is, as qemu reports it. */
enum address_kind { ADDR_VIRTIO, ADDR_SCSI, ADDR_ATA };
struct address {
  enum address_kind kind;
  unsigned devfn;               /* PCI slot << 3 | function: of the disk
                                   (virtio-blk) or of its controller */
  unsigned a, b;                /* SCSI: target, LUN; ATA: bus, unit */
};

/* /init lists the guest's block devices, the ATA ports (the IDE bus of
 * a disk is the position of its port among its controller's) and the
 * links it made for the drives' serial numbers (ls -l of /sys/block,
 * /sys/class/ata_port and LABELS_DIR) into DRIVES_LISTING, once every
 * disk is there and before it starts the agent.  Reading that file
 * through the agent (guest-file-open, -read, -close: no process in the
 * guest) costs a few milliseconds; running ls through guest-exec cost
 * 50 to 100 under TCG, the first command after the agent's start. */
#define LABELS_DIR "/dev/disk/qdrive"
#define DRIVES_LISTING "/run/qdrive-drives"
#define READ_CHUNK (1024 * 1024)

/* ---- what qemu says ------------------------------------------------- */

/* qom-get path property: an integer or a string (type), borrowed into
 * *v from *reply (which the caller puts). */
static int
qom_get (qdrive_h *g, const struct qmp_runner *qmp, const char *path,
         const char *property, int type, struct json_object **reply)
{
  struct json_object *args = json_object_new_object ();

  if (args == NULL) {
    set_perror (g, "json_object_new_object");
    return -1;
  }
  json_object_object_add (args, "path", json_object_new_string (path));
  json_object_object_add (args, "property", json_object_new_string (property));
  *reply = qmp->execute (qmp->opaque, "qom-get", args);
  json_object_put (args);
  if (*reply == NULL)
    return -1;
  if (!json_object_is_type (*reply, (enum json_type) type)) {
    set_error (g, "qemu's reply to \"qom-get\" of %s's %s is not %s",
               path, property,
               type == json_type_int ? "an integer" : "a string");
    json_object_put (*reply);
    *reply = NULL;
    return -1;
  }
  return 0;
}

static int
qom_get_uint (qdrive_h *g, const struct qmp_runner *qmp, const char *path,
              const char *property, unsigned *n)
{
  struct json_object *reply;
  int64_t v;

  if (qom_get (g, qmp, path, property, json_type_int, &reply) == -1)
    return -1;
  v = json_object_get_int64 (reply);
  json_object_put (reply);
  if (v < 0 || v > 65535) {
    set_error (g, "qemu reports %s's %s as %lld", path, property,
               (long long) v);
    return -1;
  }
  *n = (unsigned) v;
  return 0;
}

/* The qdev path of drive hdI from query-block (found by its id:
 * qemu-block-info.c). */
static int
drive_qdev (qdrive_h *g, struct json_object *blocks, size_t i, char **qdev)
{
  struct json_object *dev, *v;
  char id[32], want[32];
  size_t j, n = json_object_array_length (blocks);

  snprintf (want, sizeof want, "hd%zu", i);
  for (j = 0; j < n; ++j) {
    dev = json_object_array_get_idx (blocks, j);
    if (jsock_reply_member (g, "qemu", "query-block", dev, NULL, "device",
                            json_type_string, true, &v) == -1)
      return -1;
    qdrive_int_qemu_drive_id (dev, id, sizeof id);
    if (strcmp (id, want) != 0)
      continue;
    if (jsock_reply_member (g, "qemu", "query-block", dev, want, "qdev",
                            json_type_string, true, &v) == -1)
      return -1;
    *qdev = strdup (json_object_get_string (v));
    if (*qdev == NULL) {
      set_perror (g, "strdup");
      return -1;
    }
    return 0;
  }
  set_error (g, "qemu does not report drive %s", want);
  return -1;
}

/* Where qemu put drive i. */
static int
drive_address (qdrive_h *g, const struct qmp_runner *qmp,
               struct json_object *blocks, size_t i, struct address *addr)
{
  const struct drive *d = &g->drives[i];
  struct json_object *reply;
  char *qdev = NULL, *p, *bus;
  int r = -1;

  if (drive_qdev (g, blocks, i, &qdev) == -1)
    return -1;
  switch (d->iface) {
  case QDRIVE_INT_IFACE_VIRTIO:
    /* The drive's qdev is the virtio device inside the PCI proxy. */
    addr->kind = ADDR_VIRTIO;
    p = strstr (qdev, "/virtio-backend");
    if (p != NULL && p[15] == '\0')
      *p = '\0';
    r = qom_get_uint (g, qmp, qdev, "addr", &addr->devfn);
    break;
  case QDRIVE_INT_IFACE_SCSI:
    addr->kind = ADDR_SCSI;
    if (qom_get_uint (g, qmp, qdev, "scsi-id", &addr->a) == 0 &&
        qom_get_uint (g, qmp, qdev, "lun", &addr->b) == 0 &&
        qom_get_uint (g, qmp, "/machine/peripheral/scsi0", "addr",
                      &addr->devfn) == 0)
      r = 0;
    break;
  case QDRIVE_INT_IFACE_IDE:
    /* The bus is "CONTROLLER/ide.N". */
    addr->kind = ADDR_ATA;
    if (qom_get_uint (g, qmp, qdev, "unit", &addr->b) == -1 ||
        qom_get (g, qmp, qdev, "parent_bus", json_type_string, &reply) == -1)
      break;
    bus = strdup (json_object_get_string (reply));
    json_object_put (reply);
    if (bus == NULL) {
      set_perror (g, "strdup");
      break;
    }
    p = strrchr (bus, '/');
    if (p == NULL || sscanf (p, "/ide.%u", &addr->a) != 1) {
      set_error (g, "qemu reports drive hd%zu on bus %s, not an IDE "
                 "bus", i, bus);
      free (bus);
      break;
    }
    *p = '\0';
    r = qom_get_uint (g, qmp, bus, "addr", &addr->devfn);
    free (bus);
    break;
  }
  free (qdev);
  return r;
}

/* ---- what the guest says -------------------------------------------- */

/* One agent command on the file with the agent's handle fh: its reply
 * (the caller puts it), or NULL with the error set. */
static struct json_object *
file_command (qdrive_h *g, const struct qga_runner *qga, const char *command,
              int64_t fh, int count)
{
  struct json_object *args = json_object_new_object (), *reply;

  if (args == NULL) {
    set_perror (g, "json_object_new_object");
    return NULL;
  }
  json_object_object_add (args, "handle", json_object_new_int64 (fh));
  if (count > 0)
    json_object_object_add (args, "count", json_object_new_int (count));
  reply = qga->execute (qga->opaque, command, args, g->launch_timeout, true);
  json_object_put (args);
  return reply;
}

/* The contents of the guest's file path (NUL-terminated, malloc'd, also
 * on failure), read through the agent. */
static int
read_guest_file (qdrive_h *g, const struct qga_runner *qga, const char *path,
                 char **data, size_t *len)
{
  struct json_object *args, *reply, *v;
  int64_t fh;
  int r = -1, eof = 0;

  *len = 0;
  *data = strdup ("");
  args = json_object_new_object ();
  if (*data == NULL || args == NULL) {
    json_object_put (args);
    set_perror (g, "malloc");
    return -1;
  }
  json_object_object_add (args, "path", json_object_new_string (path));
  reply = qga->execute (qga->opaque, "guest-file-open", args,
                        g->launch_timeout, true);
  json_object_put (args);
  if (reply == NULL)
    return -1;
  if (!json_object_is_type (reply, json_type_int)) {
    set_error (g, "the guest agent's reply to \"guest-file-open\" is %s, "
               "not an integer", jsock_type_name (json_object_get_type (reply)));
    json_object_put (reply);
    return -1;
  }
  fh = json_object_get_int64 (reply);
  json_object_put (reply);
  while (!eof) {
    reply = file_command (g, qga, "guest-file-read", fh, READ_CHUNK);
    if (reply == NULL)
      goto close;
    if (jsock_reply_member (g, "the guest agent", "guest-file-read", reply,
                            NULL, "count", json_type_int, true, &v) == -1 ||
        jsock_reply_member (g, "the guest agent", "guest-file-read", reply,
                            NULL, "eof", json_type_boolean, true, &v) == -1 ||
        (eof = json_object_get_boolean (v),
         jsock_reply_member (g, "the guest agent", "guest-file-read", reply,
                             NULL, "buf-b64", json_type_string, true,
                             &v) == -1) ||
        qga_append_base64 (g, "guest-file-read", "buf-b64",
                           json_object_get_string (v), data, len) == -1) {
      json_object_put (reply);
      goto close;
    }
    json_object_put (reply);
  }
  r = 0;
 close:
  reply = file_command (g, qga, "guest-file-close", fh, 0);
  if (reply == NULL)
    r = -1;
  json_object_put (reply);
  return r;
}

/* One line of ls -l: "... NAME -> ../devices/pci0000:00/0000:00:SS.F/...".
 * Fills addr and *name (pointing into line) for a disk; *port for an
 * ATA port.  Returns 1 for a disk, 2 for an ATA port, 0 otherwise. */
static int
parse_sysfs_link (char *line, struct address *addr, const char **name,
                  unsigned *port)
{
  char *target = strstr (line, " -> "), *c[8], *p, *save;
  unsigned dom, bus, slot, fn, h, ch, t, l;
  size_t n = 0;

  if (target == NULL || (p = strstr (target, "/devices/")) == NULL)
    return 0;
  for (p = strtok_r (p + 9, "/", &save); p != NULL && n < 8;
       p = strtok_r (NULL, "/", &save))
    c[n++] = p;
  if (n < 4 || strncmp (c[0], "pci", 3) != 0 ||
      sscanf (c[1], "%x:%x:%x.%x", &dom, &bus, &slot, &fn) != 4 ||
      dom != 0 || bus != 0)
    return 0;
  addr->devfn = slot << 3 | fn;
  if (strncmp (c[2], "ata", 3) == 0 && n == 5 &&
      strcmp (c[3], "ata_port") == 0 && sscanf (c[2], "ata%u", port) == 1)
    return 2;
  *name = c[n - 1];
  if (strncmp (c[2], "virtio", 6) == 0 && n == 5 &&
      strcmp (c[3], "block") == 0) {
    addr->kind = ADDR_VIRTIO;
    return 1;
  }
  if (n == 8 && strcmp (c[6], "block") == 0 &&
      sscanf (c[5], "%u:%u:%u:%u", &h, &ch, &t, &l) == 4 && ch == 0) {
    if (strncmp (c[2], "virtio", 6) == 0) {
      addr->kind = ADDR_SCSI;
      addr->a = t;
      addr->b = l;
      return 1;
    }
    if (sscanf (c[2], "ata%u", port) == 1 && l == 0) {
      addr->kind = ADDR_ATA;
      addr->b = t;
      return 1;
    }
  }
  return 0;
}

struct found {
  struct address addr;
  unsigned port;                /* ATA disks: the port */
  char name[32];
};

/* The position of ATA port among the ports of controller devfn: its
 * IDE bus. */
static unsigned
ata_bus (const unsigned (*ports)[2], size_t nports, unsigned devfn,
         unsigned port)
{
  unsigned bus = 0;
  size_t i;

  for (i = 0; i < nports; ++i)
    if (ports[i][0] == devfn && ports[i][1] < port)
      bus++;
  return bus;
}

static bool
same_address (const struct address *x, const struct address *y)
{
  return x->kind == y->kind && x->devfn == y->devfn &&
    (x->kind == ADDR_VIRTIO || (x->a == y->a && x->b == y->b));
}

/* One line of ls -l /dev/disk/qdrive: "... NAME -> ../../DEVICE".
 * True with *name and *device pointing into line (cut there). */
static bool
parse_label_link (char *line, const char **name, const char **device)
{
  char *arrow = strstr (line, " -> ../../"), *start;

  if (arrow == NULL || strstr (line, "/devices/") != NULL)
    return false;
  *arrow = '\0';
  start = strrchr (line, ' ');
  if (start == NULL)
    return false;
  *name = start + 1;
  *device = arrow + 10;
  return true;
}

/* /init made a link for each disk with a serial number: the drives'
 * labels, and qemu's own serials of IDE disks without one (QM00001...).
 * Each label must lead to its drive; the other links are removed, so
 * that /dev/disk/qdrive holds the labels and nothing else. */
static int
check_labels (qdrive_h *g, const struct qga_runner *qga, char **devices,
              char **links, size_t nlinks)
{
  char **rm = calloc (nlinks + 3, sizeof *rm), *path;
  struct qga_result res;
  size_t i, j, nrm = 2;
  const char *label;
  int r = -1;

  if (rm == NULL) {
    set_perror (g, "calloc");
    return -1;
  }
  rm[0] = "rm";
  rm[1] = "-f";
  for (i = 0; i < g->ndrives; ++i) {
    if ((label = g->drives[i].label) == NULL)
      continue;
    for (j = 0; j < nlinks && strcmp (links[2 * j], label) != 0; ++j)
      ;
    if (j == nlinks || strcmp (links[2 * j + 1], devices[i] + 5) != 0) {
      set_error (g, "drive hd%zu's label: " LABELS_DIR "/%s %s%s, not to %s",
                 i, label, j == nlinks ? "is missing" : "leads to /dev/",
                 j == nlinks ? "" : links[2 * j + 1], devices[i]);
      goto out;
    }
  }
  for (j = 0; j < nlinks; ++j) {
    for (i = 0; i < g->ndrives; ++i)
      if (g->drives[i].label && strcmp (g->drives[i].label, links[2 * j]) == 0)
        break;
    if (i == g->ndrives) {
      if (asprintf (&path, LABELS_DIR "/%s", links[2 * j]) == -1) {
        set_perror (g, "asprintf");
        goto out;
      }
      rm[nrm++] = path;
    }
  }
  r = 0;
  if (nrm > 2) {
    r = qga_run (qga, rm, g->launch_timeout, &res);
    if (r == 0 && (res.signalled || res.status != 0)) {
      set_error (g, "cannot remove the links of unlabelled drives in "
                 LABELS_DIR ": %s", res.err);
      r = -1;
    }
    qga_result_free (&res);     /* zeroed by qga_run even on failure */
  }
 out:
  for (i = 2; i < nrm; ++i)
    free (rm[i]);
  free (rm);
  return r;
}

int
qdrive_int_appliance_find_devices (qdrive_h *g, const struct qmp_runner *qmp,
                                   const struct qga_runner *qga,
                                   char ***devicesp)
{
  char **devices = NULL;
  struct json_object *blocks = NULL;
  struct found *found = NULL;
  unsigned (*ports)[2] = NULL, port;
  size_t nfound = 0, nports = 0, nlinks = 0, i, j;
  struct address addr;
  const char *name, *device;
  char *out = NULL, *listing = NULL, *line, *next, **links = NULL;
  size_t out_len;
  int r = -1, kind;

  *devicesp = NULL;
  if (read_guest_file (g, qga, DRIVES_LISTING, &out, &out_len) == -1) {
    free (out);
    return -1;
  }
  listing = strdup (out);       /* for the message: out is cut up */
  found = calloc (out_len / 16 + 1, sizeof *found);
  ports = calloc (out_len / 16 + 1, sizeof *ports);
  links = calloc (2 * (out_len / 16 + 1), sizeof *links);
  devices = calloc (g->ndrives + 1, sizeof (char *));
  if (listing == NULL || found == NULL || ports == NULL || links == NULL ||
      devices == NULL) {
    set_perror (g, "calloc");
    goto out;
  }
  for (line = out; *line; line = next) {
    next = strchrnul (line, '\n');
    if (*next)
      *next++ = '\0';
    if (parse_label_link (line, &name, &device)) {
      links[2 * nlinks] = (char *) name;
      links[2 * nlinks++ + 1] = (char *) device;
      continue;
    }
    kind = parse_sysfs_link (line, &addr, &name, &port);
    if (kind == 2) {
      ports[nports][0] = addr.devfn;
      ports[nports++][1] = port;
    }
    else if (kind == 1 && strlen (name) < sizeof found->name) {
      found[nfound].addr = addr;
      found[nfound].port = port;
      strcpy (found[nfound++].name, name);
    }
  }
  for (i = 0; i < nfound; ++i)
    if (found[i].addr.kind == ADDR_ATA)
      found[i].addr.a = ata_bus (ports, nports, found[i].addr.devfn,
                                 found[i].port);

  blocks = qmp->execute (qmp->opaque, "query-block", NULL);
  if (blocks == NULL)
    goto out;
  if (!json_object_is_type (blocks, json_type_array)) {
    set_error (g, "qemu's reply to \"query-block\" is not a list");
    goto out;
  }
  for (i = 0; i < g->ndrives; ++i) {
    if (drive_address (g, qmp, blocks, i, &addr) == -1)
      goto out;
    for (j = 0; j < nfound && !same_address (&found[j].addr, &addr); ++j)
      ;
    if (j == nfound) {
      set_error (g, "drive hd%zu (\"%s\") is not visible in the appliance; "
                 "its block devices are:\n%s", i, g->drives[i].filename,
                 *listing ? listing : "(none)");
      goto out;
    }
    if (asprintf (&devices[i], "/dev/%s", found[j].name) == -1) {
      devices[i] = NULL;
      set_perror (g, "asprintf");
      goto out;
    }
  }
  r = check_labels (g, qga, devices, links, nlinks);
 out:
  if (r == 0)
    *devicesp = devices;
  else if (devices != NULL)
    qdrive_free_string_list (devices);
  if (blocks != NULL)
    json_object_put (blocks);
  free (listing);
  free (found);
  free (ports);
  free (links);
  free (out);
  return r;
}

