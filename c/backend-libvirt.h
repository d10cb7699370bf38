/* qdrive: the libvirt backend's files and what they share:
 *
 *   backend-libvirt.c  launch, block_info, shutdown; the domain type,
 *                      arch and machine from the capabilities
 *   libvirt-qmp.c      asking the qemu behind libvirt (QMP pass-through)
 *   libvirt-scratch.c  scratch drives as volumes of the daemon's storage
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

/* Scratch drives created as volumes for one launch. */
struct libvirt_scratch {
  virStorageVolPtr *vols;
  size_t nvols;
  char **paths;                 /* per drive: the volume's path, or NULL */
  size_t npaths;
};

/* What a launched handle holds (g->backend_data). */
struct libvirt_state {
  virConnectPtr conn;
  virDomainPtr dom;
  bool qemu;                    /* the qemu driver: block_info asks qemu */
  virSecretPtr *secrets;        /* the network drives' secrets */
  size_t nsecrets;
  struct libvirt_scratch scratch;
  /* The embedded driver's qemu, killed if our process goes away. */
  struct watcher watcher;
  int qemu_pidfd;
};

/* Used by each file; inline, so that no file depends on another for
 * them (check-no-cycles.sh). */

/* The URI of the backend setting, NULL for libvirt's default. */
static inline const char *
uri_of (qdrive_h *g)
{
  return g->backend[7] == ':' ? g->backend + 8 : NULL;
}

/* The URI for messages ("the default URI" for NULL). */
static inline const char *
uri_text (qdrive_h *g)
{
  const char *uri = uri_of (g);
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

/* libvirt-scratch.c */

/* Creates a volume for each scratch drive in the storage pool
 * "default" of the connection, named after the domain, and fills sc.
 * On failure nothing is left and sc is empty. */
extern int qdrive_int_libvirt_create_scratch (qdrive_h *g, virConnectPtr conn,
                                              struct libvirt_scratch *sc);
/* Deletes the volumes; sc is empty after. */
extern void qdrive_int_libvirt_delete_scratch (struct libvirt_scratch *sc);

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
