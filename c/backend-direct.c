/* qdrive: the direct backend: runs qemu itself and talks QMP to it.
 *
 * launch: checks the drives are still there (with guest "appliance",
 * makes sure the appliance is built: appliance.c), starts qemu (and its
 * watcher, see watcher.c) with the argv of get_qemu_command_line,
 * connects to its QMP socket within launch_timeout, and checks with
 * query-block that qemu has every drive; with the appliance, waits for
 * its guest agent and finds the drives in it (direct-appliance.c).  Any
 * failure kills qemu and leaves no process and no socket behind.
 *
 * block_info: query-block, one entry per drive qemu reports.
 *
 * shutdown: QMP quit, then a bounded wait for qemu to exit (killing it
 * after), the watcher stopped, the socket removed. */

#include <config.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

#include "appliance.h"
#include "backend.h"
#include "direct.h"

/* launch's steps, for progress events: starting qemu, connecting to
 * QMP, query-block, ready; with the appliance, waiting for its agent
 * and finding the drives in it come before ready. */
#define LAUNCH_STEPS 4

/* How long shutdown waits for qemu to exit after quit. */
#define SHUTDOWN_TIMEOUT 10

static struct direct *
direct_new (qdrive_h *g)
{
  struct direct *b = calloc (1, sizeof *b);

  if (b == NULL) {
    set_perror (g, "calloc");
    return NULL;
  }
  b->g = g;
  b->pidfd = b->out_fd = -1;
  b->watcher = (struct watcher) WATCHER_INIT;
  jsock_init (&b->qmp, "qemu", "qemu's QMP socket", "QMP", NULL);
  jsock_init (&b->qga, "the guest agent", "the guest agent's socket",
              "guest agent", NULL);
  return b;
}

/* Frees b, first making sure nothing of it is left: qemu killed and
 * reaped, the watcher reaped, the socket removed. */
static void
direct_free (struct direct *b)
{
  size_t i;

  qmp_close (b);
  direct_appliance_free (b);
  if (b->pid != 0) {
    direct_kill (b);
    free (direct_reap (b));
  }
  qdrive_int_watcher_stop (&b->watcher);
  if (b->out_fd >= 0)
    close (b->out_fd);
  for (i = 0; i < DIRECT_LAST_LINES; ++i)
    free (b->last[i]);
  free (b->death);
  free (b);
}

/* add_drive checked each file; it may have gone since. */
static int
check_drives (qdrive_h *g)
{
  size_t i;

  for (i = 0; i < g->ndrives; ++i) {
    const struct drive *d = &g->drives[i];
    if (d->net)                 /* on a server: launch will tell */
      continue;
    if (access (d->filename, d->readonly ? R_OK : R_OK | W_OK) == -1) {
      set_perror (g, "drive hd%zu: \"%s\" cannot be used any more (it "
                  "could when it was added)", i, d->filename);
      return -1;
    }
  }
  return 0;
}

/* Checks that query-block lists every drive, inserted. */
static int
check_block_devices (qdrive_h *g, struct json_object *list)
{
  size_t i, j, n;
  char id[32];
  struct json_object *dev, *name;
  bool found;

  if (!json_object_is_type (list, json_type_array)) {
    set_error (g, "qemu's answer to query-block is not a list");
    return -1;
  }
  n = json_object_array_length (list);
  for (i = 0; i < g->ndrives; ++i) {
    snprintf (id, sizeof id, "hd%zu", i);
    found = false;
    for (j = 0; j < n && !found; ++j) {
      dev = json_object_array_get_idx (list, j);
      found = json_object_object_get_ex (dev, "device", &name) &&
        strcmp (json_object_get_string (name), id) == 0 &&
        json_object_object_get_ex (dev, "inserted", NULL);
    }
    if (!found) {
      set_error (g, "qemu started but does not report drive %s (\"%s\")",
                 id, g->drives[i].filename);
      return -1;
    }
  }
  return 0;
}

/* The path of socket name in the private directory, checked to fit a
 * unix socket address; any stale socket there removed. */
static char *
socket_path (qdrive_h *g, const char *tmpdir, const char *name)
{
  char *path;

  if (asprintf (&path, "%s/%s", tmpdir, name) == -1) {
    set_perror (g, "asprintf");
    return NULL;
  }
  if (strlen (path) >= sizeof ((struct sockaddr_un *) 0)->sun_path) {
    set_error (g, "the socket path %s is too long for a unix socket "
               "(at most %zu bytes); set TMPDIR to a shorter directory",
               path, sizeof ((struct sockaddr_un *) 0)->sun_path - 1);
    free (path);
    return NULL;
  }
  unlink (path);                /* left by an earlier failed launch */
  return path;
}

static int
direct_launch (qdrive_h *g)
{
  struct direct *b = NULL;
  char **argv = NULL, *path = NULL;
  struct timespec deadline;
  struct json_object *blocks;
  struct appliance app = { NULL };
  bool appliance = g->guest == QDRIVE_INT_GUEST_APPLIANCE;
  int steps = appliance ? DIRECT_APPLIANCE_LAUNCH_STEPS : LAUNCH_STEPS;
  const char *tmpdir = NULL;

  if (check_drives (g) == -1)
    return -1;
  if (appliance && qdrive_int_appliance_ensure (g, &app) == -1)
    return -1;
  argv = direct_argv (g, appliance ? &app : NULL);
  if (argv == NULL)
    goto fail;
  tmpdir = qdrive_int_tmpdir (g);
  b = direct_new (g);
  if (b == NULL || tmpdir == NULL)
    goto fail;
  b->qmp.path = socket_path (g, tmpdir, DIRECT_QMP_SOCKET);
  if (b->qmp.path == NULL)
    goto fail;
  if (appliance &&
      (b->qga.path = socket_path (g, tmpdir, DIRECT_QGA_SOCKET)) == NULL)
    goto fail;
  path = direct_find_binary (g, g->hv);
  if (path == NULL)
    goto fail;

  if (g->verbose) {
    char *cmd = direct_command_text (argv);
    qdrive_int_verbose (g, "running: %s", cmd ? cmd : argv[0]);
    free (cmd);
  }
  if (qdrive_int_write_secrets (g, tmpdir) == -1)
    goto fail;
  deadline = direct_deadline (g->launch_timeout);
  qdrive_int_progress (g, 1, steps, "starting qemu");
  if (direct_spawn (b, path, argv) == -1)
    goto fail;
  qdrive_int_progress (g, 2, steps, "connecting to qemu's QMP socket");
  if (qmp_open (b, &deadline, g->launch_timeout) == -1)
    goto fail;
  qdrive_int_progress (g, 3, steps, "asking qemu for its drives");
  blocks = qmp_execute (b, "query-block", NULL, &deadline, g->launch_timeout);
  if (blocks == NULL)
    goto fail;
  if (check_block_devices (g, blocks) == -1) {
    json_object_put (blocks);
    goto fail;
  }
  json_object_put (blocks);
  /* qemu has read them (its secret objects exist before QMP runs). */
  qdrive_int_remove_secrets (g, tmpdir);
  if (appliance && direct_appliance_start (b, &deadline) == -1)
    goto fail;

  b->ready = true;
  qdrive_int_verbose (g, "qemu (pid %d) is ready", (int) b->pid);
  qdrive_int_progress (g, steps, steps, "ready");
  g->backend_data = b;
  free (path);
  qdrive_free_string_list (argv);
  qdrive_int_appliance_free (&app);
  return 0;

 fail:
  if (b != NULL)
    direct_free (b);
  if (tmpdir != NULL)
    qdrive_int_remove_secrets (g, tmpdir);
  free (path);
  qdrive_free_string_list (argv);
  qdrive_int_appliance_free (&app);
  return -1;
}

/* block_info */

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
check_node (struct direct *b, const char *command, struct json_object *node,
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
    if (jsock_member (b, &b->qmp, command, node, where, members[i].key,
                      members[i].type, members[i].required, &v) == -1)
      return -1;
    if (members[i].type == json_type_object)
      cache = v;
  }
  snprintf (cwhere, sizeof cwhere, "%s's cache", where);
  for (i = 0; i < 3; ++i)
    if (jsock_member (b, &b->qmp, command, cache, cwhere, flags[i],
                      json_type_boolean, true, &v) == -1)
      return -1;
  return 0;
}

/* Each query-block device: a string "device", and if it has a medium
 * ("inserted", always for qdrive's drives), the node's members. */
static int
check_devices (struct direct *b, struct json_object *devices)
{
  struct json_object *dev, *v;
  char where[96];
  size_t i, n = json_object_array_length (devices);

  for (i = 0; i < n; ++i) {
    dev = json_object_array_get_idx (devices, i);
    snprintf (where, sizeof where, "device %zu", i);
    if (jsock_member (b, &b->qmp, "query-block", dev, where, "device",
                      json_type_string, true, &v) == -1)
      return -1;
    snprintf (where, sizeof where, "%s", json_object_get_string (v));
    if (jsock_member (b, &b->qmp, "query-block", dev, where, "inserted",
                      json_type_object, false, &v) == -1)
      return -1;
    if (v != NULL) {
      snprintf (where, sizeof where, "%s's medium",
                json_object_get_string (json_object_object_get (dev,
                                                                "device")));
      if (check_node (b, "query-block", v, where) == -1)
        return -1;
    }
  }
  return 0;
}

/* Is this the id of a drive of ours added read-only?  qemu puts a
 * throw-away overlay (snapshot=on) on top of those. */
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

/* For a read-only drive, qemu's top node is its temporary overlay: a
 * writable qcow2 with cache.no-flush forced on, in a deleted temporary
 * file.  What the caller asked about is the node below it, the caller's
 * file, which qemu opened read-only with the drive's cache mode.
 * query-block names that node's file and format (the backing image);
 * query-named-block-nodes has its flags.  Nodes listed by query-block
 * are the tops, so the backing node is a node with that file and
 * format that is not a top.  If the same file backs several read-only
 * drives, their backing nodes are told apart by order: qemu lists
 * nodes newest first, and devices oldest first.
 *
 * occurrence: how many earlier read-only drives had the same backing
 * file and format. */
static struct json_object *
find_backing_node (struct json_object *nodes, struct json_object *devices,
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

/* query-named-block-nodes (flat), fetched once per block_info. */
static int
get_nodes (qdrive_h *g, struct direct *b, struct json_object **nodes,
           const struct timespec *deadline)
{
  struct json_object *args;
  char where[32];
  size_t i;

  if (*nodes != NULL)
    return 0;
  args = json_object_new_object ();
  if (args == NULL) {
    set_perror (g, "json_object_new_object");
    return -1;
  }
  json_object_object_add (args, "flat", json_object_new_boolean (1));
  *nodes = qmp_execute (b, "query-named-block-nodes", args, deadline,
                        g->launch_timeout);
  json_object_put (args);
  if (*nodes == NULL)
    return -1;
  if (!json_object_is_type (*nodes, json_type_array)) {
    set_error (g, "qemu's answer to query-named-block-nodes is not a list");
    return -1;
  }
  for (i = 0; i < json_object_array_length (*nodes); ++i) {
    snprintf (where, sizeof where, "node %zu", i);
    if (check_node (b, "query-named-block-nodes",
                    json_object_array_get_idx (*nodes, i), where) == -1)
      return -1;
  }
  return 0;
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

/* Fills one entry from one query-block device. */
static int
fill_entry (qdrive_h *g, struct direct *b, struct qdrive_block_info *e,
            struct json_object *dev, struct json_object *devices,
            size_t index, struct json_object **nodes,
            const struct timespec *deadline)
{
  struct json_object *ins = get_object (dev, "inserted"), *from = ins;
  struct json_object *image, *backing;
  const char *file = ins ? get_string (ins, "file") : "";
  const char *format = ins ? get_string (ins, "drv") : "";
  const char *id = get_string (dev, "device");
  size_t j, occurrence = 0;
  char protocol[64] = "";

  image = ins ? get_object (ins, "image") : NULL;
  backing = image ? get_object (image, "backing-image") : NULL;
  if (backing != NULL && is_snapshot_drive (g, id)) {
    file = get_string (backing, "filename");
    format = get_string (backing, "format");
    for (j = 0; j < index; ++j) {
      struct json_object *d = json_object_array_get_idx (devices, j);
      struct json_object *i2 = get_object (d, "inserted");
      struct json_object *im2 = i2 ? get_object (i2, "image") : NULL;
      struct json_object *b2 = im2 ? get_object (im2, "backing-image") : NULL;
      if (b2 && is_snapshot_drive (g, get_string (d, "device")) &&
          strcmp (get_string (b2, "filename"), file) == 0 &&
          strcmp (get_string (b2, "format"), format) == 0)
        occurrence++;
    }
    if (get_nodes (g, b, nodes, deadline) == -1)
      return -1;
    from = find_backing_node (*nodes, devices, file, format, occurrence);
    if (from == NULL) {
      set_error (g, "drive %s: qemu reports an overlay on \"%s\" but not "
                 "the node of that file", id, file);
      return -1;
    }
  }

  if (ins != NULL && get_nodes (g, b, nodes, deadline) == -1)
    return -1;
  e->id = strdup (id);
  e->filename = strdup (qdrive_int_name_from_qemu (g, id, file));
  e->format = strdup (format);
  if (ins)
    protocol_driver (*nodes, file, format, protocol, sizeof protocol);
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

static struct qdrive_block_info_list *
direct_block_info (qdrive_h *g)
{
  struct direct *b = g->backend_data;
  struct timespec deadline = direct_deadline (g->launch_timeout);
  struct json_object *devices, *nodes = NULL;
  struct qdrive_block_info_list *list;
  size_t i, n;

  if (b->death != NULL) {
    direct_report_death (b);
    return NULL;
  }
  devices = qmp_execute (b, "query-block", NULL, &deadline, g->launch_timeout);
  if (devices == NULL)
    return NULL;
  if (!json_object_is_type (devices, json_type_array)) {
    set_error (g, "qemu's answer to query-block is not a list");
    json_object_put (devices);
    return NULL;
  }
  if (check_devices (b, devices) == -1) {
    json_object_put (devices);
    return NULL;
  }
  n = json_object_array_length (devices);
  list = calloc (1, sizeof *list);
  if (list == NULL || (list->val = calloc (n ? n : 1, sizeof *list->val)) == NULL) {
    set_perror (g, "calloc");
    free (list);
    json_object_put (devices);
    return NULL;
  }
  for (i = 0; i < n; ++i) {
    list->len = i + 1;          /* so that a failure frees this entry */
    if (fill_entry (g, b, &list->val[i], json_object_array_get_idx (devices, i),
                    devices, i, &nodes, &deadline) == -1) {
      qdrive_free_block_info_list (list);
      list = NULL;
      break;
    }
  }
  if (nodes != NULL)
    json_object_put (nodes);
  json_object_put (devices);
  return list;
}

/* blockstats */

/* Fills e from the query-blockstats entry of drive id. */
static int
fill_stats (struct direct *b, struct json_object *entry, const char *id,
            struct qdrive_blockstats *e)
{
  static const struct {
    const char *key;
    size_t offset;
  } fields[] = {
#define F(name) { #name, offsetof (struct qdrive_blockstats, name) }
    F (rd_bytes), F (wr_bytes), F (rd_operations), F (wr_operations),
    F (flush_operations), F (rd_total_time_ns), F (wr_total_time_ns),
    F (flush_total_time_ns),
#undef F
  };
  struct json_object *stats, *v;
  char where[64];
  size_t i;

  snprintf (where, sizeof where, "%s's entry", id);
  if (jsock_member (b, &b->qmp, "query-blockstats", entry, where, "stats",
                    json_type_object, true, &stats) == -1)
    return -1;
  snprintf (where, sizeof where, "%s's stats", id);
  for (i = 0; i < sizeof fields / sizeof fields[0]; ++i) {
    if (jsock_member (b, &b->qmp, "query-blockstats", stats, where,
                      fields[i].key, json_type_int, true, &v) == -1)
      return -1;
    *(int64_t *) ((char *) e + fields[i].offset) = json_object_get_int64 (v);
  }
  e->drive_id = strdup (id);
  if (e->drive_id == NULL) {
    set_perror (b->g, "strdup");
    return -1;
  }
  return 0;
}

static struct qdrive_blockstats_list *
direct_blockstats (qdrive_h *g)
{
  struct direct *b = g->backend_data;
  struct timespec deadline = direct_deadline (g->launch_timeout);
  struct json_object *all, *entry, *v;
  struct qdrive_blockstats_list *list;
  size_t i, j, n;
  char id[32];

  if (b->death != NULL) {
    direct_report_death (b);
    return NULL;
  }
  all = qmp_execute (b, "query-blockstats", NULL, &deadline,
                     g->launch_timeout);
  if (all == NULL)
    return NULL;
  if (!json_object_is_type (all, json_type_array)) {
    set_error (g, "qemu's reply to \"query-blockstats\" is not a list");
    json_object_put (all);
    return NULL;
  }
  n = json_object_array_length (all);
  list = calloc (1, sizeof *list);
  if (list == NULL ||
      (list->val = calloc (g->ndrives ? g->ndrives : 1,
                           sizeof *list->val)) == NULL) {
    set_perror (g, "calloc");
    free (list);
    json_object_put (all);
    return NULL;
  }
  /* In the order of the drives, each found by its id. */
  for (i = 0; i < g->ndrives; ++i) {
    snprintf (id, sizeof id, "hd%zu", i);
    list->len = i + 1;          /* so that a failure frees this entry */
    for (j = 0; j < n; ++j) {
      entry = json_object_array_get_idx (all, j);
      if (jsock_member (b, &b->qmp, "query-blockstats", entry, NULL,
                        "device", json_type_string, false, &v) == -1)
        goto error;
      if (v != NULL && strcmp (json_object_get_string (v), id) == 0)
        break;
    }
    if (j == n) {
      set_error (g, "qemu's reply to \"query-blockstats\" has no entry for "
                 "drive %s", id);
      goto error;
    }
    if (fill_stats (b, entry, id, &list->val[i]) == -1)
      goto error;
  }
  json_object_put (all);
  return list;

 error:
  qdrive_free_blockstats_list (list);
  json_object_put (all);
  return NULL;
}

/* shutdown */

static int
direct_shutdown (qdrive_h *g)
{
  struct direct *b = g->backend_data;
  struct timespec deadline;
  char *how;
  int r = 0;

  if (b == NULL)
    return 0;
  g->backend_data = NULL;

  if (b->death == NULL && direct_exited (b))
    direct_note_death (b);
  if (b->death != NULL) {
    /* Already reported by an earlier call: the caller knows. */
    if (!b->death_reported) {
      direct_report_death (b);
      r = -1;
    }
    direct_free (b);
    return r;
  }

  deadline = direct_deadline (SHUTDOWN_TIMEOUT);
  qmp_send (b, "quit");         /* if it fails, qemu is exiting anyway */
  if (!direct_wait_exit (b, &deadline)) {
    direct_kill (b);
    free (direct_reap (b));
    set_error (g, "qemu did not exit within %d seconds of being asked "
               "to quit, and was killed", SHUTDOWN_TIMEOUT);
    direct_free (b);
    return -1;
  }
  how = direct_reap (b);
  if (how == NULL || strcmp (how, "exited with status 0") != 0) {
    b->death = how;
    how = NULL;
    b->ready = true;
    direct_report_death (b);
    r = -1;
  }
  free (how);
  qdrive_int_verbose (g, "qemu has exited");
  direct_free (b);
  return r;
}

const struct backend_ops qdrive_int_backend_direct = {
  .name = "direct",
  .launch = direct_launch,
  .block_info = direct_block_info,
  .blockstats = direct_blockstats,
  .guest_exec = direct_guest_exec,
  .list_devices = direct_list_devices,
  .shutdown = direct_shutdown,
};
