/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: the backends behind launch, block_info and shutdown.
 *
 * Each backend is one table of operations.  The table is chosen at
 * launch from the handle's backend setting ("direct", "libvirt",
 * "libvirt:URI") and kept in g->ops while the handle is launched. */

#ifndef QDRIVE_BACKEND_H
#define QDRIVE_BACKEND_H

#include "internal.h"
#include "qga.h"

struct backend_ops {
  const char *name;

  /* Starts the machine.  On success the backend has set
   * g->backend_data as it needs; on failure it has left nothing behind
   * (no process, no socket, no domain) and set the error. */
  int (*launch) (qdrive_h *g);

  /* The drives as the running machine reports them. */
  struct qdrive_block_info_list *(*block_info) (qdrive_h *g);

  /* Each drive's I/O counters, in the order of the drives; NULL if the
   * backend has none. */
  struct qdrive_blockstats_list *(*blockstats) (qdrive_h *g);

  /* With guest "appliance" (the caller checks): runs argv in the guest
   * through its agent and fills r, or -1 with the error set; and the
   * drives' devices in the guest, found at launch. */
  int (*guest_exec) (qdrive_h *g, char *const *argv, struct qga_result *r);
  char **(*list_devices) (qdrive_h *g);

  /* Stops the machine and frees g->backend_data.  Called by the
   * shutdown call and by qdrive_close; must leave nothing running
   * even when it reports an error. */
  int (*shutdown) (qdrive_h *g);

  /* In a process that does not own the handle (a child made by fork,
   * closing its copy): frees g->backend_data without touching the
   * machine, its connection or its files, which are the owner's. */
  void (*forget) (qdrive_h *g);
};

/* guest.c: a copy of the drives' devices the backend found at launch,
 * for its list_devices. */
extern char **qdrive_int_copy_devices (qdrive_h *g, char *const *devices);
/* guest.c: an empty list for the blockstats operation, with room for
 * one entry a drive.  len is 0: the backend raises it as it fills each
 * entry, so that freeing the list on a failure frees what was filled. */
extern struct qdrive_blockstats_list *qdrive_int_new_blockstats_list
  (qdrive_h *g);

extern const struct backend_ops qdrive_int_backend_direct;
extern const struct backend_ops qdrive_int_backend_libvirt;

/* Whether a libvirt URI may name a daemon on another host
 * (libvirt-uri.c). */
extern bool qdrive_int_libvirt_uri_is_remote (const char *uri);

#endif /* QDRIVE_BACKEND_H */
