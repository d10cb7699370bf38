/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: the handle: creation, closing, locking, state.  Closing
 * calls into the files that own each part of the handle (calls.c,
 * drives.c, launch.c, tmpdir.c); none of them calls back here. */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* The appliance's cache directory by default: $QDRIVE_CACHEDIR, else
 * the XDG cache directory, else a directory of the user's own in
 * /var/tmp (which survives reboots, unlike /tmp on many systems). */
static char *
default_cachedir (void)
{
  const char *dir = getenv ("QDRIVE_CACHEDIR");
  char *s;

  if (dir && *dir)
    return strdup (dir);
  dir = getenv ("XDG_CACHE_HOME");
  if (dir && dir[0] == '/')
    return asprintf (&s, "%s/qdrive", dir) == -1 ? NULL : s;
  dir = getenv ("HOME");
  if (dir && dir[0] == '/' && dir[1] != '\0')
    return asprintf (&s, "%s/.cache/qdrive", dir) == -1 ? NULL : s;
  return asprintf (&s, "/var/tmp/qdrive-%d", (int) geteuid ()) == -1
    ? NULL : s;
}

/* A bad value of an environment variable: qdrive_create fails with
 * EINVAL, the message kept for qdrive_last_error (NULL). */
static int
bad_environment (const char *var, const char *value, const char *allowed)
{
  qdrive_int_create_error (EINVAL, "%s: \"%s\" is not valid; allowed: %s",
                           var, value, allowed);
  errno = EINVAL;
  return -1;
}

/* Applies $QDRIVE_HV, $QDRIVE_ACCEL, $QDRIVE_GUEST, $QDRIVE_KERNEL and
 * $QDRIVE_CACHEDIR.  A bad value makes qdrive_create fail. */
static int
apply_environment (qdrive_h *g)
{
  const char *hv = getenv ("QDRIVE_HV");
  const char *accel = getenv ("QDRIVE_ACCEL");
  const char *guest = getenv ("QDRIVE_GUEST");
  const char *kernel = getenv ("QDRIVE_KERNEL");

  g->hv = strdup (hv && *hv ? hv : "qemu-system-x86_64");
  if (g->hv == NULL)
    return -1;
  g->accel = QDRIVE_INT_ACCEL_DEFAULT;
  if (accel && *accel) {
    g->accel = qdrive_int_accel_index (accel);
    if (g->accel == -1)
      return bad_environment ("QDRIVE_ACCEL", accel, QDRIVE_INT_ACCEL_ALLOWED);
  }
  g->guest = QDRIVE_INT_GUEST_DEFAULT;
  if (guest && *guest) {
    g->guest = qdrive_int_guest_index (guest);
    if (g->guest == -1)
      return bad_environment ("QDRIVE_GUEST", guest,
                              QDRIVE_INT_GUEST_ALLOWED);
  }
  g->kernel = strdup (kernel ? kernel : "");
  g->cachedir = default_cachedir ();
  if (g->kernel == NULL || g->cachedir == NULL)
    return -1;
  if (g->cachedir[0] != '/')
    return bad_environment ("QDRIVE_CACHEDIR", g->cachedir,
                            "an absolute directory path");
  return 0;
}

/* A call on g from one of g's event callbacks would wait for the call
 * the event comes from, which holds g: it is refused (EDEADLK). */
static bool
refused_in_callback (qdrive_h *g)
{
  if (!qdrive_int_in_callback (g))
    return false;
  qdrive_int_error (g, EDEADLK, "not allowed in an event callback of the "
                    "same handle: the call the event comes from holds the "
                    "handle");
  return true;
}

qdrive_h *
qdrive_create (void)
{
  qdrive_h *g = calloc (1, sizeof *g);
  int err;

  qdrive_int_create_ok ();
  if (g == NULL) {
    qdrive_int_create_error (errno, "%m");
    return NULL;
  }
  g->cancel_fd = -1;
  qdrive_int_own (g);
  pthread_mutex_init (&g->lock, NULL);
  pthread_mutex_init (&g->error_lock, NULL);
  g->memsize = QDRIVE_INT_MEMSIZE_DEFAULT;
  g->smp = QDRIVE_INT_SMP_DEFAULT;
  g->launch_timeout = QDRIVE_INT_LAUNCH_TIMEOUT_DEFAULT;
  g->state = STATE_CONFIG;
  g->backend = strdup ("direct");
  g->config = calloc (1, sizeof (char *));
  if (g->backend == NULL || g->config == NULL ||
      qdrive_int_init_errors (g) == -1 ||
      qdrive_int_cancel_init (g) == -1 ||
      apply_environment (g) == -1) {
    err = errno;
    if (qdrive_last_error (NULL) == NULL)
      qdrive_int_create_error (err, "%m");
    qdrive_close (g);
    errno = err;
    return NULL;
  }
  qdrive_int_register (g);
  return g;
}

void
qdrive_close (qdrive_h *g)
{
  if (g == NULL)
    return;
  /* From an event callback, the handle is in use by the call the event
   * comes from: it stays open, and the error says why. */
  qdrive_int_enter (g, "close");
  if (refused_in_callback (g))
    return;
  qdrive_int_retire (g);
  qdrive_int_unregister (g);
  /* A child made by fork leaves its parent's machine alone. */
  if (qdrive_int_owned (g))
    qdrive_int_shutdown_if_launched (g);
  else
    qdrive_int_forget_if_launched (g);
  qdrive_int_cancel_free (g);
  qdrive_int_remove_tmpdir (g);
  qdrive_int_free_drives (g);
  /* Last of what may have events: the callbacks' opaque pointers go
   * back to their owners. */
  qdrive_int_free_events (g);
  if (g->config)
    qdrive_free_string_list (g->config);
  free (g->hv);
  free (g->backend);
  free (g->kernel);
  free (g->cachedir);
  qdrive_int_free_errors (g);
  pthread_mutex_destroy (&g->lock);
  pthread_mutex_destroy (&g->error_lock);
  free (g);
}

int
qdrive_int_lock (qdrive_h *g)
{
  if (refused_in_callback (g))
    return -1;
  pthread_mutex_lock (&g->lock);
  return 0;
}

void
qdrive_int_unlock (qdrive_h *g)
{
  pthread_mutex_unlock (&g->lock);
}

int
qdrive_int_check_state (qdrive_h *g, int need)
{
  if (need == QDRIVE_INT_CONFIG_ONLY && g->state != STATE_CONFIG) {
    set_error (g, g->state == STATE_DONE
               ? "the virtual machine was shut down; use a new handle"
               : "the virtual machine is already launched; this call "
               "must come before launch");
    return -1;
  }
  if (need == QDRIVE_INT_LAUNCHED_ONLY && g->state != STATE_LAUNCHED) {
    set_error (g, g->state == STATE_DONE
               ? "the virtual machine was shut down; use a new handle"
               : "the virtual machine is not launched; call launch first");
    return -1;
  }
  return 0;
}
