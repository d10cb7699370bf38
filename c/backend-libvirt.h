/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: the libvirt backend's files and what they share:
 *
 *   backend-libvirt.c  launch, block_info, shutdown; the domain type,
 *                      arch and machine from the capabilities
 *   libvirt-qmp.c      asking the qemu behind libvirt (QMP pass-through)
 *                      and its guest agent (libvirt's agent API)
 *   libvirt-volumes.c  scratch drives and the appliance's files as
 *                      volumes of the daemon's storage
 *   libvirt-guest.c    the running guest: the appliance's start, sh,
 *                      command, list_devices, blockstats
 *   libvirt-embed.c    the embedded driver (qemu:///embed): its event
 *                      loop, and a watcher for its qemu
 *   libvirt-uri.c      what the URI says before connecting
 *   libvirt-xml.c      the domain XML (also get_libvirt_xml) */

#ifndef QDRIVE_BACKEND_LIBVIRT_H
#define QDRIVE_BACKEND_LIBVIRT_H

#include <stdbool.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "internal.h"
#include "watcher.h"

struct json_object;

/* The volumes made for one launch (libvirt-volumes.c). */
struct libvirt_volumes {
  virStorageVolPtr *vols;
  size_t nvols;
  char **paths;                 /* per drive: a scratch volume's path, or
                                 * NULL; NULL if no scratch drive */
  size_t npaths;
  char *kernel, *initrd;        /* the appliance's, or NULL */
};

/* What a launched handle holds (g->backend_data). */
struct libvirt_state {
  virConnectPtr conn;
  virDomainPtr dom;
  bool qemu;                    /* the qemu driver: block_info asks qemu */
  virSecretPtr *secrets;        /* the network drives' secrets */
  size_t nsecrets;
  struct libvirt_volumes volumes;
  /* The embedded driver's qemu, killed if our process goes away. */
  struct watcher watcher;
  int qemu_pidfd;
  char **devices;               /* guest "appliance": each drive's device */
};

/* Used by each file; inline, so that no file depends on another for
 * them (check-no-cycles.sh). */

/* The URI for messages ("the default URI" for NULL). */
static inline const char *
uri_text (qdrive_h *g)
{
  const char *uri = qdrive_int_backend_uri (g);
  return uri ? uri : "the default URI";
}

/* libvirt's message for the call that just failed on this thread. */
static inline const char *
libvirt_message (void)
{
  const char *msg = virGetLastErrorMessage ();
  return msg ? msg : "unknown libvirt error";
}

/* libvirt-qmp.c */

/* Runs one QMP command in the domain's qemu through libvirt: its
 * "return" value, owned by the caller, or NULL with the error set.
 * args may be NULL and is not consumed. */
extern struct json_object *qdrive_int_libvirt_qmp (qdrive_h *g,
                                                   virDomainPtr dom,
                                                   const char *command,
                                                   struct json_object *args);

/* The same for the guest agent (virDomainQemuAgentCommand), waiting at
 * most seconds for its reply. */
extern struct json_object *qdrive_int_libvirt_agent (qdrive_h *g,
                                                     virDomainPtr dom,
                                                     const char *command,
                                                     struct json_object *args,
                                                     int seconds);

/* libvirt-volumes.c */

struct appliance;
/* Creates a volume for each scratch drive in the storage pool "default"
 * of the connection, named after the domain, into vs. */
extern int qdrive_int_libvirt_create_scratch (qdrive_h *g, virConnectPtr conn,
                                              struct libvirt_volumes *vs);
/* Uploads the appliance's kernel and initramfs into volumes there. */
extern int qdrive_int_libvirt_upload_appliance (qdrive_h *g,
                                                virConnectPtr conn,
                                                const struct appliance *app,
                                                struct libvirt_volumes *vs);
/* Deletes the volumes; vs is empty after. */
extern void qdrive_int_libvirt_delete_volumes (struct libvirt_volumes *vs);
/* Frees what vs holds in this process, leaving the volumes (in a child
 * made by fork, they are the parent's); vs is empty after. */
extern void qdrive_int_libvirt_forget_volumes (struct libvirt_volumes *vs);

/* libvirt-guest.c */

struct qga_result;
/* With guest "appliance", once the domain runs: waits for the agent,
 * then finds the drives in the guest (s->devices); progress steps step
 * and step + 1 of steps. */
extern int qdrive_int_libvirt_appliance_start (qdrive_h *g,
                                               struct libvirt_state *s,
                                               int step, int steps);
extern int qdrive_int_libvirt_guest_exec (qdrive_h *g, char *const *argv,
                                          struct qga_result *r);
extern char **qdrive_int_libvirt_list_devices (qdrive_h *g);
extern struct qdrive_blockstats_list *qdrive_int_libvirt_blockstats
  (qdrive_h *g);

/* libvirt-embed.c */

/* Makes sure an event loop runs (the embedded driver needs one): the
 * program's own if it registered one, else libvirt's default run by a
 * thread of ours.  Process-wide, once. */
extern int qdrive_int_libvirt_event_loop (qdrive_h *g);
/* Starts the watcher for the qemu of domain name under the embedded
 * driver's root directory. */
extern int qdrive_int_libvirt_watch_embedded (qdrive_h *g,
                                              struct libvirt_state *s,
                                              const char *root,
                                              const char *name);

/* libvirt-uri.c */

extern int qdrive_int_libvirt_embed_root (const char *uri, char **root);

#endif /* QDRIVE_BACKEND_LIBVIRT_H */
