/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: the running guest through libvirt: the appliance's start
 * (its guest agent, then its drives), sh and command, list_devices,
 * and blockstats.
 *
 * Everything goes through libvirt's own APIs, never around it to
 * sockets: the agent through virDomainQemuAgentCommand (libvirt has
 * the agent's channel, and synchronises with the agent itself), qemu
 * through the QMP pass-through, the I/O counters through
 * virDomainBlockStatsFlags.  The drive finder and the agent client are
 * the direct backend's (appliance-devices.c, qga.c), given libvirt's
 * ways of reaching qemu and the agent. */

#include <config.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <libvirt/libvirt-qemu.h>

#include "appliance.h"
#include "backend.h"
#include "backend-libvirt.h"
#include "libvirt-xml.h"
#include "qemu-block-info.h"
#include "qga.h"

/* How long each attempt to reach the agent at launch may take, and the
 * pause between attempts. */
#define AGENT_PING_SECONDS 1
#define AGENT_RETRY_MS 100

/* ---- the runners ---- */

struct libvirt_runner {
  qdrive_h *g;
  struct libvirt_state *s;
};

static struct json_object *
run_qmp (void *opaque, const char *command, struct json_object *args)
{
  struct libvirt_runner *r = opaque;

  return qdrive_int_libvirt_qmp (r->g, r->s->dom, command, args);
}

/* libvirt's agent call cannot be interrupted: cancellable or not, a
 * cancel waits for its end (guest-exec-status answers at once). */
static struct json_object *
run_agent (void *opaque, const char *command, struct json_object *args,
           int seconds, bool cancellable)
{
  struct libvirt_runner *r = opaque;

  (void) cancellable;

  return qdrive_int_libvirt_agent (r->g, r->s->dom, command, args, seconds);
}

/* Whether the domain still runs; if not, the error says so. */
static bool
still_running (qdrive_h *g, struct libvirt_state *s)
{
  int active = virDomainIsActive (s->dom);

  if (active == 1)
    return true;
  if (active == 0)
    set_error (g, "the appliance stopped: libvirt at %s reports its domain "
               "shut off (a kernel panic ends it)", uri_text (g));
  else
    set_error (g, "the appliance's domain is gone from libvirt at %s: %s",
               uri_text (g), libvirt_message ());
  return false;
}

/* Waits ms milliseconds, or until qdrive_user_cancel if cancellable
 * (-1, error set); then -1 (error set) if the domain has stopped. */
static int
nap (void *opaque, int ms, bool cancellable)
{
  struct libvirt_runner *r = opaque;
  /* A negative fd is not polled: a plain sleep. */
  struct pollfd p = { .fd = cancellable ? qdrive_int_cancel_fd (r->g) : -1,
                      .events = POLLIN };
  int n;

  /* A signal (Ctrl-C's handler) makes the request and interrupts
   * poll: the next poll sees it at once. */
  while ((n = poll (&p, 1, ms)) == -1 && errno == EINTR)
    ;
  if (n > 0 && qdrive_int_cancelled (r->g))
    return -1;
  return still_running (r->g, r->s) ? 0 : -1;
}

/* ---- launch ---- */

/* Whether the agent answers guest-ping now.  No error is set (a
 * handler would report each attempt): libvirt's message for a failed
 * attempt goes to last. */
static bool
agent_answers (struct libvirt_state *s, char *last, size_t len)
{
  char *reply = virDomainQemuAgentCommand (s->dom,
                                           "{\"execute\":\"guest-ping\"}",
                                           AGENT_PING_SECONDS, 0);

  if (reply == NULL) {
    snprintf (last, len, "%s", libvirt_message ());
    return false;
  }
  free (reply);
  return true;
}

/* Waits until the agent answers, within launch_timeout. */
static int
wait_for_agent (qdrive_h *g, struct libvirt_state *s)
{
  struct libvirt_runner r = { g, s };
  struct timespec start, now;
  char last[512] = "";

  clock_gettime (CLOCK_MONOTONIC, &start);
  while (!agent_answers (s, last, sizeof last)) {
    if (nap (&r, AGENT_RETRY_MS, true) == -1)
      return -1;
    clock_gettime (CLOCK_MONOTONIC, &now);
    if (now.tv_sec - start.tv_sec >= g->launch_timeout) {
      qdrive_int_error (g, ETIMEDOUT, "the appliance's guest agent did not "
                        "answer through libvirt at %s within %d second%s "
                        "(the appliance's console is the domain's serial "
                        "console, kept by libvirt); libvirt's last words: %s",
                        uri_text (g), g->launch_timeout,
                        g->launch_timeout == 1 ? "" : "s", last);
      return -1;
    }
  }
  return 0;
}

int
qdrive_int_libvirt_appliance_start (qdrive_h *g, struct libvirt_state *s,
                                    int step, int steps)
{
  struct libvirt_runner r = { g, s };
  const struct qmp_runner qmp = { run_qmp, &r };
  const struct qga_runner qga = { g, run_agent, nap, &r };

  qdrive_int_progress (g, step, steps,
                       "waiting for the appliance's guest agent");
  if (wait_for_agent (g, s) == -1)
    return -1;
  qdrive_int_progress (g, step + 1, steps,
                       "finding the drives in the appliance");
  return qdrive_int_appliance_find_devices (g, &qmp, &qga, &s->devices);
}

/* ---- sh, command, list_devices ---- */

int
qdrive_int_libvirt_guest_exec (qdrive_h *g, char *const *argv,
                               struct qga_result *result)
{
  struct libvirt_runner r = { g, g->backend_data };
  const struct qga_runner qga = { g, run_agent, nap, &r };

  return qga_run (&qga, argv, g->launch_timeout, result);
}

char **
qdrive_int_libvirt_list_devices (qdrive_h *g)
{
  struct libvirt_state *s = g->backend_data;

  return qdrive_int_copy_devices (g, s->devices);
}

/* ---- blockstats ---- */

/* One drive's counters from libvirt's typed parameters: every field
 * must be there, a long long. */
static int
fill_stats (qdrive_h *g, const char *dev, size_t i,
            virTypedParameterPtr params, int n, struct qdrive_blockstats *e)
{
  static const struct {
    const char *field;
    size_t offset;
  } fields[] = {
#define F(name, qmp, libvirt) \
    { libvirt, offsetof (struct qdrive_blockstats, name) },
    QDRIVE_INT_BLOCKSTATS_COUNTERS (F)
#undef F
  };
  size_t k;
  int j;

  for (k = 0; k < sizeof fields / sizeof fields[0]; ++k) {
    for (j = 0; j < n && strcmp (params[j].field, fields[k].field) != 0; ++j)
      ;
    if (j == n || params[j].type != VIR_TYPED_PARAM_LLONG) {
      set_error (g, "libvirt at %s reports the block statistics of drive "
                 "hd%zu (%s) %s \"%s\"", uri_text (g), i, dev,
                 j == n ? "without" : "with a non-integer", fields[k].field);
      return -1;
    }
    *(int64_t *) ((char *) e + fields[k].offset) = params[j].value.l;
  }
  if (asprintf (&e->drive_id, "hd%zu", i) == -1) {
    e->drive_id = NULL;
    set_perror (g, "asprintf");
    return -1;
  }
  return 0;
}

struct qdrive_blockstats_list *
qdrive_int_libvirt_blockstats (qdrive_h *g)
{
  struct libvirt_state *s = g->backend_data;
  struct qdrive_blockstats_list *list;
  virTypedParameterPtr params = NULL;
  size_t i, n_by_iface[QDRIVE_INT_IFACE_COUNT] = { 0 };
  char dev[32];
  int n = 0;

  list = qdrive_int_new_blockstats_list (g);
  if (list == NULL)
    return NULL;
  for (i = 0; i < g->ndrives; ++i) {
    const struct drive *d = &g->drives[i];

    list->len = i + 1;          /* so that a failure frees this entry */
    qdrive_int_libvirt_target_dev (d, n_by_iface[d->iface]++, dev,
                                   sizeof dev);
    n = 0;
    if (virDomainBlockStatsFlags (s->dom, dev, NULL, &n, 0) == -1)
      goto libvirt_failed;
    params = calloc (n ? n : 1, sizeof *params);
    if (params == NULL) {
      set_perror (g, "calloc");
      goto error;
    }
    if (virDomainBlockStatsFlags (s->dom, dev, params, &n, 0) == -1)
      goto libvirt_failed;
    if (fill_stats (g, dev, i, params, n, &list->val[i]) == -1)
      goto error;
    virTypedParamsClear (params, n);
    free (params);
    params = NULL;
  }
  return list;

 libvirt_failed:
  set_error (g, "libvirt at %s cannot give the block statistics of drive "
             "hd%zu (%s): %s", uri_text (g), i, dev, libvirt_message ());
 error:
  if (params != NULL) {
    virTypedParamsClear (params, n);
    free (params);
  }
  qdrive_free_blockstats_list (list);
  return NULL;
}
