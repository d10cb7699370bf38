/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: launch, block_info and shutdown, dispatched to the backend
 * the handle's setting names (see backend.h). */

#include <config.h>

#include <errno.h>
#include <string.h>

#include "backend.h"

static const struct backend_ops *
backend_of (qdrive_h *g)
{
  if (strcmp (g->backend, "direct") == 0)
    return &qdrive_int_backend_direct;
  return &qdrive_int_backend_libvirt; /* "libvirt" or "libvirt:URI" */
}

bool
qdrive_int_files_are_remote (qdrive_h *g)
{
  const char *uri = qdrive_int_backend_uri (g);

  return uri != NULL && qdrive_int_libvirt_uri_is_remote (uri);
}

int
qdrive_impl_launch (qdrive_h *g)
{
  const struct backend_ops *ops = backend_of (g);
  int r = ops->launch (g);

  /* A backend that waits in a call it cannot interrupt (libvirt's)
   * sees a cancel only now: the machine is stopped again. */
  if (r == 0 && qdrive_int_cancelled (g)) {
    ops->shutdown (g);
    qdrive_int_error (g, ECANCELED, "cancelled");
    r = -1;
  }
  if (r == -1)
    return -1;
  g->ops = ops;
  g->state = STATE_LAUNCHED;
  return 0;
}

struct qdrive_block_info_list *
qdrive_impl_block_info (qdrive_h *g)
{
  return g->ops->block_info (g);
}

struct qdrive_blockstats_list *
qdrive_impl_blockstats (qdrive_h *g)
{
  if (g->ops->blockstats == NULL) {
    qdrive_int_error (g, ENOTSUP, "the %s backend does not report block "
                      "statistics yet; use the direct backend",
                      g->ops->name);
    return NULL;
  }
  return g->ops->blockstats (g);
}

int
qdrive_impl_shutdown (qdrive_h *g)
{
  int r = g->ops->shutdown (g);

  /* Whatever shutdown reported, the machine is gone and the handle
   * cannot be launched again. */
  g->ops = NULL;
  g->state = STATE_DONE;
  return r;
}

void
qdrive_int_forget_if_launched (qdrive_h *g)
{
  if (g->state == STATE_LAUNCHED) {
    g->ops->forget (g);
    g->ops = NULL;
    g->state = STATE_DONE;
  }
}

/* For qdrive_close: stop a machine that is still running.  An error
 * (qemu had died, say) is reported as close's, not as the last call's. */
void
qdrive_int_shutdown_if_launched (qdrive_h *g)
{
  if (g->state == STATE_LAUNCHED) {
    qdrive_int_enter (g, "close");
    qdrive_impl_shutdown (g);
  }
}
