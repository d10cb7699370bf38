/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: the handle's settings: qemu binary, memory, CPUs,
 * accelerator, backend, trace, verbose, guest mode, the appliance's
 * kernel and cache directory, extra qemu parameters. */

#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Replaces *field with a copy of value; the handle is unchanged if
 * the copy cannot be made. */
static int
replace_string (qdrive_h *g, char **field, const char *value)
{
  char *copy = strdup (value);

  if (copy == NULL) {
    set_perror (g, "strdup");
    return -1;
  }
  free (*field);
  *field = copy;
  return 0;
}

/* Sets *field to value if it is within min..max; else the error names
 * the argument, the value and the range (then unit, if not "").  The
 * integer settings' generated calls use it (actions.c). */
int
qdrive_int_set_in_range (qdrive_h *g, const char *arg, int value, int min,
                         int max, const char *unit, int *field)
{
  if (value < min || value > max) {
    set_error (g, "%s: %d is out of range; allowed: %d to %d%s",
               arg, value, min, max, unit);
    return -1;
  }
  *field = value;
  return 0;
}

static char *
copy_string (qdrive_h *g, const char *value)
{
  char *copy = strdup (value);

  if (copy == NULL)
    set_perror (g, "strdup");
  return copy;
}

int
qdrive_impl_set_hv (qdrive_h *g, const char *hv)
{
  if (*hv == '\0') {
    set_error (g, "hv: \"\" is not valid; allowed: a qemu binary, "
               "as a path or a name searched in PATH");
    return -1;
  }
  return replace_string (g, &g->hv, hv);
}

char *
qdrive_impl_get_hv (qdrive_h *g)
{
  return copy_string (g, g->hv);
}

int
qdrive_impl_set_accel (qdrive_h *g, const char *accel)
{
  g->accel = qdrive_int_accel_index (accel); /* checked by the wrapper */
  return 0;
}

char *
qdrive_impl_get_accel (qdrive_h *g)
{
  return copy_string (g, qdrive_int_accel_names[g->accel]);
}

int
qdrive_impl_set_backend (qdrive_h *g, const char *backend)
{
  if (strcmp (backend, "direct") != 0 && strcmp (backend, "libvirt") != 0 &&
      (strncmp (backend, "libvirt:", 8) != 0 || backend[8] == '\0')) {
    set_error (g, "backend: \"%s\" is not valid; allowed: direct, libvirt, "
               "libvirt:URI", backend);
    return -1;
  }
  return replace_string (g, &g->backend, backend);
}

char *
qdrive_impl_get_backend (qdrive_h *g)
{
  return copy_string (g, g->backend);
}

int
qdrive_impl_set_trace (qdrive_h *g, int trace)
{
  __atomic_store_n (&g->trace, trace != 0, __ATOMIC_RELAXED);
  return 0;
}

int
qdrive_impl_get_trace (qdrive_h *g)
{
  return qdrive_int_tracing (g);
}

int
qdrive_impl_set_verbose (qdrive_h *g, int verbose)
{
  g->verbose = verbose != 0;
  return 0;
}

int
qdrive_impl_get_verbose (qdrive_h *g)
{
  return g->verbose;
}

int
qdrive_impl_set_guest (qdrive_h *g, const char *guest)
{
  g->guest = qdrive_int_guest_index (guest); /* checked by the wrapper */
  return 0;
}

char *
qdrive_impl_get_guest (qdrive_h *g)
{
  return copy_string (g, qdrive_int_guest_names[g->guest]);
}

int
qdrive_impl_set_kernel (qdrive_h *g, const char *kernel)
{
  /* "" is valid: qdrive finds the kernel.  The file is checked at
   * launch, when it is used. */
  return replace_string (g, &g->kernel, kernel);
}

char *
qdrive_impl_get_kernel (qdrive_h *g)
{
  return copy_string (g, g->kernel);
}

int
qdrive_impl_set_cachedir (qdrive_h *g, const char *cachedir)
{
  if (cachedir[0] != '/') {
    set_error (g, "cachedir: \"%s\" is not valid; allowed: an absolute "
               "directory path", cachedir);
    return -1;
  }
  return replace_string (g, &g->cachedir, cachedir);
}

char *
qdrive_impl_get_cachedir (qdrive_h *g)
{
  return copy_string (g, g->cachedir);
}

int
qdrive_impl_config (qdrive_h *g, const char *qemuparam, const char *qemuvalue)
{
  size_t n = qemuvalue ? 2 : 1;
  char **config;

  if (qdrive_int_check_config (g, qemuparam, qemuvalue) == -1)
    return -1;
  config = realloc (g->config, (g->nconfig + n + 1) * sizeof (char *));
  if (config == NULL) {
    set_perror (g, "realloc");
    return -1;
  }
  g->config = config;
  config[g->nconfig] = strdup (qemuparam);
  config[g->nconfig + 1] = qemuvalue ? strdup (qemuvalue) : NULL;
  if (config[g->nconfig] == NULL || (qemuvalue && config[g->nconfig + 1] == NULL)) {
    free (config[g->nconfig]);
    free (config[g->nconfig + 1]);
    config[g->nconfig] = NULL;
    set_perror (g, "strdup");
    return -1;
  }
  g->nconfig += n;
  config[g->nconfig] = NULL;
  return 0;
}
