/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: the files a launch through libvirt needs on the daemon's
 * host, as volumes of its storage: scratch drives, and the appliance's
 * kernel and initramfs.
 *
 * add_drive_scratch makes a sparse file in the handle's private
 * directory on this machine, and the appliance is built in this user's
 * cache directory.  A libvirt daemon cannot use those: on another host
 * they do not exist, and even here the daemon's qemu may run as another
 * user who cannot enter the directories.  So at launch, through
 * libvirt's storage API on the daemon's host, in the storage pool named
 * "default":
 *  - each scratch drive becomes a new raw volume as large as the file
 *    (virStorageVolCreateXML, sparse), and the domain uses its path;
 *  - the appliance's kernel and initramfs are each uploaded into a new
 *    volume (virStorageVolUpload, streamed), which the domain boots.
 * The volumes are deleted at shutdown and after a failed launch.  They
 * are named after the domain (qdrive-HEX-hdN.img, qdrive-HEX-kernel,
 * qdrive-HEX-initrd), so that any left behind by a process that was
 * killed can be told apart and removed (virsh vol-delete). */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libvirt/virterror.h>

#include "appliance.h"
#include "backend-libvirt.h"
#include "libvirt-xml.h"

#define POOL "default"

/* The pool, or NULL with the error set: what says why it is needed
 * ("drive hd1 is a scratch drive, which the libvirt backend creates"). */
static virStoragePoolPtr
lookup_pool (qdrive_h *g, virConnectPtr conn, const char *what)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (conn, POOL);
  virErrorPtr err;

  if (pool != NULL)
    return pool;
  err = virGetLastError ();
  if (err != NULL && err->code == VIR_ERR_NO_STORAGE_POOL)
    set_error (g, "%s in the storage pool \"%s\" of libvirt at %s, and it "
               "has no such pool; define one on the daemon's host (virsh "
               "pool-define-as %s dir --target DIR; virsh pool-build %s; "
               "virsh pool-start %s)", what, POOL, uri_text (g), POOL, POOL,
               POOL);
  else
    set_error (g, "%s in the storage pool \"%s\" of libvirt at %s, and "
               "libvirt cannot give that pool: %s", what, POOL, uri_text (g),
               libvirt_message ());
  return NULL;
}

/* Creates the raw volume name of size bytes and keeps it in vs; its
 * path in *path (malloc'd). */
static int
create_volume (qdrive_h *g, virStoragePoolPtr pool, const char *name,
               uint64_t size, const char *what, struct libvirt_volumes *vs,
               char **path)
{
  virStorageVolPtr vol, *vols;
  char xml[512];

  vols = realloc (vs->vols, (vs->nvols + 1) * sizeof *vols);
  if (vols == NULL) {
    set_perror (g, "realloc");
    return -1;
  }
  vs->vols = vols;
  snprintf (xml, sizeof xml,
            "<volume>"
            "<name>%s</name>"
            "<capacity unit='bytes'>%" PRIu64 "</capacity>"
            "<allocation unit='bytes'>0</allocation>"
            "<target><format type='raw'/>"
            "<permissions><mode>0600</mode></permissions></target>"
            "</volume>", name, size);
  vol = virStorageVolCreateXML (pool, xml, 0);
  if (vol == NULL) {
    set_error (g, "%s: libvirt at %s cannot create the volume %s in its "
               "storage pool \"%s\": %s", what, uri_text (g), name, POOL,
               libvirt_message ());
    return -1;
  }
  vs->vols[vs->nvols++] = vol;
  *path = virStorageVolGetPath (vol);
  if (*path == NULL) {
    set_error (g, "%s: libvirt at %s gives no path for the volume %s: %s",
               what, uri_text (g), name, libvirt_message ());
    return -1;
  }
  return 0;
}

int
qdrive_int_libvirt_create_scratch (qdrive_h *g, virConnectPtr conn,
                                   struct libvirt_volumes *vs)
{
  virStoragePoolPtr pool;
  char name[QDRIVE_LIBVIRT_NAME_LEN], vname[64], what[128];
  struct stat st;
  size_t i, first = 0;
  bool any = false;

  for (i = g->ndrives; i-- > 0; )
    if (g->drives[i].scratch) {
      any = true;
      first = i;
    }
  if (!any)
    return 0;
  snprintf (what, sizeof what, "drive hd%zu is a scratch drive, which the "
            "libvirt backend creates", first);
  pool = lookup_pool (g, conn, what);
  if (pool == NULL)
    return -1;
  vs->paths = calloc (g->ndrives, sizeof *vs->paths);
  if (vs->paths == NULL) {
    set_perror (g, "calloc");
    virStoragePoolFree (pool);
    return -1;
  }
  vs->npaths = g->ndrives;
  qdrive_int_libvirt_name (g, name);
  for (i = 0; i < g->ndrives; ++i) {
    if (!g->drives[i].scratch)
      continue;
    snprintf (what, sizeof what, "drive hd%zu", i);
    if (stat (g->drives[i].filename, &st) == -1) {
      set_perror (g, "%s: the scratch file %s", what, g->drives[i].filename);
      break;
    }
    snprintf (vname, sizeof vname, "%s-hd%zu.img", name, i);
    if (create_volume (g, pool, vname, (uint64_t) st.st_size, what, vs,
                       &vs->paths[i]) == -1)
      break;
  }
  virStoragePoolFree (pool);
  return i == g->ndrives ? 0 : -1;
}

/* Uploads the file into a new volume named NAME-suffix. */
static int
upload (qdrive_h *g, virConnectPtr conn, virStoragePoolPtr pool,
        const char *file, const char *suffix, struct libvirt_volumes *vs,
        char **path)
{
  char name[QDRIVE_LIBVIRT_NAME_LEN], vname[64], what[128], buf[65536];
  virStreamPtr st = NULL;
  struct stat sb;
  ssize_t n;
  int fd, r = -1;

  snprintf (what, sizeof what, "the appliance's %s %s", suffix, file);
  fd = open (file, O_RDONLY | O_CLOEXEC);
  if (fd == -1 || fstat (fd, &sb) == -1) {
    set_perror (g, "%s", what);
    if (fd >= 0)
      close (fd);
    return -1;
  }
  qdrive_int_libvirt_name (g, name);
  snprintf (vname, sizeof vname, "%s-%s", name, suffix);
  if (create_volume (g, pool, vname, (uint64_t) sb.st_size, what, vs,
                     path) == -1)
    goto out;
  st = virStreamNew (conn, 0);
  if (st == NULL ||
      virStorageVolUpload (vs->vols[vs->nvols - 1], st, 0, sb.st_size, 0)
      == -1)
    goto libvirt_failed;
  while ((n = read (fd, buf, sizeof buf)) != 0) {
    if (n == -1 && errno == EINTR)
      continue;
    if (n == -1) {
      set_perror (g, "%s", what);
      virStreamAbort (st);
      goto out;
    }
    if (virStreamSend (st, buf, n) != n) {
      virStreamAbort (st);
      goto libvirt_failed;
    }
  }
  if (virStreamFinish (st) == -1)
    goto libvirt_failed;
  r = 0;
  goto out;

 libvirt_failed:
  set_error (g, "%s: libvirt at %s cannot take it into the volume %s: %s",
             what, uri_text (g), vname, libvirt_message ());
 out:
  if (st != NULL)
    virStreamFree (st);
  close (fd);
  return r;
}

int
qdrive_int_libvirt_upload_appliance (qdrive_h *g, virConnectPtr conn,
                                     const struct appliance *app,
                                     struct libvirt_volumes *vs)
{
  virStoragePoolPtr pool;
  int r;

  pool = lookup_pool (g, conn, "guest \"appliance\" needs the appliance's "
                      "kernel and initramfs, which the libvirt backend "
                      "uploads");
  if (pool == NULL)
    return -1;
  r = upload (g, conn, pool, app->kernel, "kernel", vs, &vs->kernel) == 0 &&
    upload (g, conn, pool, app->initrd, "initrd", vs, &vs->initrd) == 0
    ? 0 : -1;
  virStoragePoolFree (pool);
  return r;
}

void
qdrive_int_libvirt_delete_volumes (struct libvirt_volumes *vs)
{
  size_t i;

  for (i = 0; i < vs->nvols; ++i) {
    virStorageVolDelete (vs->vols[i], 0);
    virStorageVolFree (vs->vols[i]);
  }
  qdrive_int_libvirt_forget_volumes (vs);
}

void
qdrive_int_libvirt_forget_volumes (struct libvirt_volumes *vs)
{
  size_t i;

  free (vs->vols);
  for (i = 0; i < vs->npaths; ++i)
    free (vs->paths[i]);
  free (vs->paths);
  free (vs->kernel);
  free (vs->initrd);
  memset (vs, 0, sizeof *vs);
}
