/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: the direct backend with guest "appliance": after qemu has
 * started, wait for the appliance's guest agent, then find each drive
 * inside the guest (appliance-devices.c). */

#include <config.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "appliance.h"
#include "backend.h"
#include "direct.h"
#include "qemu-block-info.h"
#include "qga.h"

void
direct_appliance_free (struct direct *b)
{
  qga_close (b);
  if (b->devices != NULL) {
    qdrive_free_string_list (b->devices);
    b->devices = NULL;
  }
}

/* Did qemu run the guest with KVM?  (For the message when it does not
 * answer: on some hosts KVM is present but cannot boot a guest.) */
static bool
runs_on_kvm (struct direct *b)
{
  struct timespec deadline = direct_deadline (1);
  struct json_object *kvm, *enabled;
  bool r;

  if (b->accel == QDRIVE_INT_ACCEL_TCG)
    return false;
  kvm = qmp_execute (b, "query-kvm", NULL, &deadline, 1);
  r = kvm != NULL && json_object_object_get_ex (kvm, "enabled", &enabled) &&
    json_object_is_type (enabled, json_type_boolean) &&
    json_object_get_boolean (enabled);
  if (kvm != NULL)
    json_object_put (kvm);
  return r;
}

/* With accel kvm:tcg, how long the appliance may take under KVM to
 * print its first line (APPLIANCE_INIT_LINE) before KVM is taken to
 * be unable to boot it: at most this, and a quarter of launch_timeout.
 *
 * Where KVM works, the appliance's kernel reaches /init in well under
 * a second (verbose's longer console output adds little under KVM);
 * under TCG it takes 2 to 2.5 s.  5 s is five times and more a working
 * KVM's time, room for a loaded host, and twice a TCG boot: a guest
 * that has not reached /init by then is better run with TCG even if
 * KVM would have got there in the end.  Where KVM cannot boot
 * the guest, this is what the first launch loses before falling back
 * (later ones skip KVM: appliance-kvm.c); the quarter leaves a short
 * launch_timeout most of its time for the TCG boot. */
#define KVM_SIGN_OF_LIFE_MS 5000

/* With accel kvm:tcg and qemu running the guest with KVM (runs_on_kvm
 * asks qemu): waits for the appliance's first line, within the bound
 * above and the deadline.
 * 0: it came, or there is nothing to watch (TCG, or accel kvm), or qemu
 * exited (which the wait for the agent reports); DIRECT_KVM_SILENT: no
 * sign of life; -1: cancelled (the error is set). */
static int
watch_kvm_boot (struct direct *b, const struct timespec *deadline)
{
  qdrive_h *g = b->g;
  struct timespec bound;
  long long ms = g->launch_timeout * 1000LL / 4;
  int r = 1, left;
  bool capped;

  if (b->accel != QDRIVE_INT_ACCEL_KVM_TCG)
    return 0;
  if (!runs_on_kvm (b)) {
    qdrive_int_verbose (g, "qemu runs the appliance with TCG (KVM is not "
                        "available)");
    return 0;
  }
  if (ms > KVM_SIGN_OF_LIFE_MS)
    ms = KVM_SIGN_OF_LIFE_MS;
  bound = direct_deadline_ms ((int) ms);
  /* When the launch's own deadline comes first, falling back would
   * leave TCG no time: the wait for the agent reports the timeout. */
  capped = direct_ms_left (deadline) <= direct_ms_left (&bound);
  if (capped)
    bound = *deadline;
  left = capped ? direct_ms_left (&bound) : (int) ms;
  qdrive_int_verbose (g, "qemu runs the appliance with KVM: waiting up to "
                      "%d ms for its first line", left);
  /* Each wait returns when qemu has written something (drained: see
   * store_line for init_started). */
  while (!b->init_started && r == 1)
    r = direct_wait_fd (b, b->out_fd, POLLIN, &bound);
  if (b->init_started) {
    qdrive_int_verbose (g, "the appliance's /init started %d ms into the "
                        "wait, with KVM", left - direct_ms_left (&bound));
    return 0;
  }
  if (r == -1)
    return -1;
  if (r == -2 || capped)
    return 0;
  qdrive_int_verbose (g, "the appliance showed no sign of life within %d "
                      "ms with KVM (KVM is present but cannot boot it): "
                      "stopping qemu, to launch it again with TCG", left);
  return DIRECT_KVM_SILENT;
}

int
direct_appliance_start (struct direct *b, const struct timespec *deadline)
{
  qdrive_h *g = b->g;
  char *lines;
  bool kvm;
  int r;

  qdrive_int_progress (g, 4, DIRECT_APPLIANCE_LAUNCH_STEPS, "waiting for the appliance's guest agent");
  r = watch_kvm_boot (b, deadline);
  if (r != 0)
    return r;
  if (qga_open (b, deadline, g->launch_timeout) == -1) {
    if (qdrive_last_errno (g) == ETIMEDOUT) {
      kvm = runs_on_kvm (b);
      direct_drain_output (b);
      lines = direct_last_lines (b);
      qdrive_int_error (g, ETIMEDOUT, "the appliance did not answer within "
                        "%d second%s%s; the last lines of its console:\n%s",
                        g->launch_timeout, g->launch_timeout == 1 ? "" : "s",
                        kvm ? " (it ran with KVM: where KVM is present but "
                        "cannot boot a guest, choose accel tcg with "
                        "set_accel or $QDRIVE_ACCEL)" : "",
                        lines && *lines ? lines : "(nothing)");
      free (lines);
    }
    return -1;
  }
  qdrive_int_progress (g, 5, DIRECT_APPLIANCE_LAUNCH_STEPS, "finding the drives in the appliance");
  {
    struct qmp_deadline q = { b, deadline };
    const struct qmp_runner qmp = { qmp_runner_execute, &q };
    struct qga_runner qga;

    qga_direct_runner (b, &qga);
    return qdrive_int_appliance_find_devices (g, &qmp, &qga, &b->devices);
  }
}

/* ---- the backend's guest operations ---------------------------------- */

int
direct_guest_exec (qdrive_h *g, char *const *argv, struct qga_result *r)
{
  struct direct *b = g->backend_data;

  if (b->death != NULL) {
    direct_report_death (b);
    return -1;
  }
  return qga_exec (b, argv, g->launch_timeout, r);
}

char **
direct_list_devices (qdrive_h *g)
{
  struct direct *b = g->backend_data;

  return qdrive_int_copy_devices (g, b->devices);
}
