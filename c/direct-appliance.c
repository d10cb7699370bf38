/* qdrive: the direct backend with guest "appliance": after qemu has
 * started, wait for the appliance's guest agent, then find each drive
 * inside the guest (appliance-devices.c). */

#include <config.h>

#include <errno.h>
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

  if (b->g->accel == QDRIVE_INT_ACCEL_TCG)
    return false;
  kvm = qmp_execute (b, "query-kvm", NULL, &deadline, 1);
  r = kvm != NULL && json_object_object_get_ex (kvm, "enabled", &enabled) &&
    json_object_is_type (enabled, json_type_boolean) &&
    json_object_get_boolean (enabled);
  if (kvm != NULL)
    json_object_put (kvm);
  return r;
}

int
direct_appliance_start (struct direct *b, const struct timespec *deadline)
{
  qdrive_h *g = b->g;
  char *lines;
  bool kvm;

  qdrive_int_progress (g, 4, DIRECT_APPLIANCE_LAUNCH_STEPS, "waiting for the appliance's guest agent");
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
