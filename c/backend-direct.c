/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: the direct backend: runs qemu itself and talks QMP to it.
 *
 * launch: checks the drives are still there (with guest "appliance",
 * makes sure the appliance is built: appliance.c), starts qemu (and its
 * watcher, see watcher.c) with the argv of get_qemu_command_line,
 * connects to its QMP socket within launch_timeout, and checks with
 * query-block that qemu has every drive; with the appliance, waits for
 * its guest agent and finds the drives in it (direct-appliance.c), and
 * with accel kvm:tcg runs qemu a second time, with TCG, when the
 * appliance does not boot with KVM.  Any failure kills qemu and leaves
 * no process and no socket behind.
 *
 * block_info: query-block, one entry per drive qemu reports, read by
 * qemu-block-info.c.
 *
 * shutdown: QMP quit, then a bounded wait for qemu to exit (killing it
 * after), the watcher stopped, the socket removed. */

#include <config.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

#include "appliance.h"
#include "backend.h"
#include "direct.h"
#include "qemu-block-info.h"

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

/* Frees what b holds in this process: its descriptors (this process's
 * own, also in a child made by fork) and memory.  The socket files
 * stay. */
static void
direct_release (struct direct *b)
{
  struct jsock *sockets[] = { &b->qmp, &b->qga };
  size_t i;

  for (i = 0; i < sizeof sockets / sizeof sockets[0]; ++i) {
    jsock_close (sockets[i]);
    free (sockets[i]->path);
    sockets[i]->path = NULL;
  }
  qdrive_free_string_list (b->devices);
  if (b->pidfd >= 0)
    close (b->pidfd);
  if (b->watcher.fd >= 0)       /* our copy: the owner keeps its own */
    close (b->watcher.fd);
  if (b->out_fd >= 0)
    close (b->out_fd);
  for (i = 0; i < DIRECT_LAST_LINES; ++i)
    free (b->last[i]);
  free (b->death);
  free (b);
}

/* Frees b, first making sure nothing of it is left: qemu killed and
 * reaped, the watcher reaped, the socket removed. */
static void
direct_free (struct direct *b)
{
  qmp_close (b);
  direct_appliance_free (b);
  if (b->pid != 0) {
    direct_kill (b);
    free (direct_reap (b));
  }
  qdrive_int_watcher_stop (&b->watcher);
  direct_release (b);
}

/* add_drive checked each file; it may have gone since. */
static int
check_drives (qdrive_h *g)
{
  size_t i;
  char what[64];
  struct stat st;

  for (i = 0; i < g->ndrives; ++i) {
    const struct drive *d = &g->drives[i];
    if (d->net)                 /* on a server: launch will tell */
      continue;
    if (access (d->filename, d->readonly ? R_OK : R_OK | W_OK) == -1) {
      set_perror (g, "drive hd%zu: \"%s\" cannot be used any more (it "
                  "could when it was added)", i, d->filename);
      return -1;
    }
    /* Replaced by a FIFO, say, which qemu would wait on. */
    snprintf (what, sizeof what, "drive hd%zu", i);
    if (qdrive_int_check_disk_file (g, what, d->filename, &st) == -1)
      return -1;
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

/* How long a qemu that ran the appliance with KVM to no avail is given
 * to quit when asked, before it is killed. */
#define STOP_TIMEOUT 2

/* Stops qemu politely (QMP quit, then a bounded wait), and frees b:
 * whatever is still running is killed, and nothing is left. */
static void
direct_stop (struct direct *b, const struct timespec *deadline)
{
  struct timespec stop = direct_deadline (STOP_TIMEOUT);

  if (direct_ms_left (deadline) < direct_ms_left (&stop))
    stop = *deadline;
  if (qmp_send (b, "quit") == 0)
    direct_wait_exit (b, &stop);
  direct_free (b);
}

/* One run of qemu with accelerator accel (app: the appliance to boot,
 * or NULL), ready by the deadline: *bp on success.  -1 on failure,
 * DIRECT_KVM_SILENT when the appliance showed no sign of life with KVM
 * (see direct_appliance_start): in both cases nothing is left.  again:
 * a second run, whose first steps are not progress events (launch is
 * already past them). */
static int
launch_qemu (qdrive_h *g, const struct appliance *app, const char *path,
             int accel, bool again, const struct timespec *deadline,
             struct direct **bp)
{
  struct direct *b = NULL;
  char **argv = NULL;
  struct json_object *blocks;
  int steps = app ? DIRECT_APPLIANCE_LAUNCH_STEPS : LAUNCH_STEPS;
  const char *tmpdir = NULL;
  int r;

  argv = direct_argv (g, app, accel);
  if (argv == NULL)
    goto fail;
  tmpdir = qdrive_int_tmpdir (g);
  b = direct_new (g);
  if (b == NULL || tmpdir == NULL)
    goto fail;
  b->accel = accel;
  b->qmp.path = socket_path (g, tmpdir, DIRECT_QMP_SOCKET);
  if (b->qmp.path == NULL)
    goto fail;
  if (app != NULL &&
      (b->qga.path = socket_path (g, tmpdir, DIRECT_QGA_SOCKET)) == NULL)
    goto fail;

  if (g->verbose) {
    char *cmd = direct_command_text (argv);
    qdrive_int_verbose (g, "running: %s", cmd ? cmd : argv[0]);
    free (cmd);
  }
  if (qdrive_int_write_secrets (g, tmpdir) == -1)
    goto fail;
  if (!again)
    qdrive_int_progress (g, 1, steps, "starting qemu");
  if (direct_spawn (b, path, argv) == -1)
    goto fail;
  if (!again)
    qdrive_int_progress (g, 2, steps, "connecting to qemu's QMP socket");
  if (qmp_open (b, deadline, g->launch_timeout) == -1)
    goto fail;
  if (!again)
    qdrive_int_progress (g, 3, steps, "asking qemu for its drives");
  blocks = qmp_execute (b, "query-block", NULL, deadline, g->launch_timeout);
  if (blocks == NULL)
    goto fail;
  if (qdrive_int_qemu_check_drives (g, blocks) == -1) {
    json_object_put (blocks);
    goto fail;
  }
  json_object_put (blocks);
  /* qemu has read them (its secret objects exist before QMP runs). */
  qdrive_int_remove_secrets (g, tmpdir);
  if (app != NULL) {
    r = direct_appliance_start (b, deadline);
    if (r == DIRECT_KVM_SILENT) {
      direct_stop (b, deadline);
      qdrive_free_string_list (argv);
      return r;
    }
    if (r == -1)
      goto fail;
  }
  qdrive_free_string_list (argv);
  *bp = b;
  return 0;

 fail:
  if (b != NULL)
    direct_free (b);
  if (tmpdir != NULL)
    qdrive_int_remove_secrets (g, tmpdir);
  qdrive_free_string_list (argv);
  return -1;
}

/* With the appliance and accel kvm:tcg, qemu is first let choose (KVM
 * where /dev/kvm opens), unless an earlier launch found that KVM cannot
 * boot the appliance here (appliance-kvm.c); if the appliance then
 * shows no sign of life with KVM, it is launched again with TCG, within
 * the same deadline, and the verdict is kept for later launches. */
static int
direct_launch (qdrive_h *g)
{
  struct direct *b = NULL;
  char *path = NULL;
  struct timespec deadline;
  struct appliance app = APPLIANCE_EMPTY;
  bool appliance = g->guest == QDRIVE_INT_GUEST_APPLIANCE;
  int steps = appliance ? DIRECT_APPLIANCE_LAUNCH_STEPS : LAUNCH_STEPS;
  int accel = g->accel, r = -1;

  if (check_drives (g) == -1)
    return -1;
  if (appliance && qdrive_int_appliance_ensure (g, &app) == -1)
    return -1;
  path = direct_find_binary (g, g->hv);
  if (path == NULL)
    goto out;
  if (appliance && accel == QDRIVE_INT_ACCEL_KVM_TCG &&
      qdrive_int_appliance_kvm_fails (g, &app))
    accel = QDRIVE_INT_ACCEL_TCG;

  deadline = direct_deadline (g->launch_timeout);
  r = launch_qemu (g, appliance ? &app : NULL, path, accel, false,
                   &deadline, &b);
  if (r == DIRECT_KVM_SILENT) {
    qdrive_int_appliance_kvm_failed (g, &app);
    qdrive_int_progress (g, 4, steps, "the appliance did not boot with "
                         "KVM: starting it again with TCG");
    r = launch_qemu (g, &app, path, QDRIVE_INT_ACCEL_TCG, true, &deadline,
                     &b);
  }
  if (r == 0) {
    b->ready = true;
    qdrive_int_verbose (g, "qemu (pid %d) is ready", (int) b->pid);
    qdrive_int_progress (g, steps, steps, "ready");
    g->backend_data = b;
  }
 out:
  free (path);
  qdrive_int_appliance_free (&app);
  return r;
}

/* block_info */

static struct qdrive_block_info_list *
direct_block_info (qdrive_h *g)
{
  struct direct *b = g->backend_data;
  struct timespec deadline = direct_deadline (g->launch_timeout);
  struct qmp_deadline q = { b, &deadline };
  const struct qmp_runner run = { qmp_runner_execute, &q };
  struct json_object *devices;
  struct qdrive_block_info_list *list;

  if (b->death != NULL) {
    direct_report_death (b);
    return NULL;
  }
  devices = qmp_execute (b, "query-block", NULL, &deadline, g->launch_timeout);
  if (devices == NULL)
    return NULL;
  list = qdrive_int_qemu_block_info (g, devices, &run);
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
#define F(field, qmp, libvirt) \
    { qmp, offsetof (struct qdrive_blockstats, field) },
    QDRIVE_INT_BLOCKSTATS_COUNTERS (F)
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
  list = qdrive_int_new_blockstats_list (g);
  if (list == NULL) {
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
  /* With SIGCHLD ignored its status is lost, but it went when asked. */
  if (how == NULL ||
      (strcmp (how, "exited with status 0") != 0 && !b->status_lost)) {
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

static void
direct_forget (qdrive_h *g)
{
  direct_release (g->backend_data);
  g->backend_data = NULL;
}

const struct backend_ops qdrive_int_backend_direct = {
  .name = "direct",
  .launch = direct_launch,
  .block_info = direct_block_info,
  .blockstats = direct_blockstats,
  .guest_exec = direct_guest_exec,
  .list_devices = direct_list_devices,
  .shutdown = direct_shutdown,
  .forget = direct_forget,
};
