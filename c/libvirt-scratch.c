/* qdrive: scratch drives through libvirt, as volumes of the daemon's
 * storage.
 *
 * add_drive_scratch makes a sparse file in the handle's private
 * directory on this machine.  A libvirt daemon cannot use that: on
 * another host it does not exist, and even here the daemon's qemu may
 * run as another user who cannot enter the 0700 directory.  So at
 * launch each scratch drive becomes a new raw volume, as large as the
 * file, in the storage pool named "default" on the daemon's host,
 * created through libvirt's storage API (virStorageVolCreateXML), and
 * the domain uses the volume's path.  The volumes are deleted at
 * shutdown and after a failed launch.  They are named after the
 * domain (qdrive-HEX-hdN.img), so that any left behind by a process
 * that was killed can be told apart and removed (virsh vol-delete). */

#include <config.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libvirt/virterror.h>

#include "backend-libvirt.h"
#include "libvirt-xml.h"

#define SCRATCH_POOL "default"

static int
create_one (qdrive_h *g, virStoragePoolPtr pool, size_t i,
            struct libvirt_scratch *sc)
{
  const struct drive *d = &g->drives[i];
  char name[QDRIVE_LIBVIRT_NAME_LEN], xml[512];
  struct stat st;
  virStorageVolPtr vol;

  if (stat (d->filename, &st) == -1) {
    set_perror (g, "drive hd%zu: the scratch file %s", i, d->filename);
    return -1;
  }
  qdrive_int_libvirt_name (g, name);
  snprintf (xml, sizeof xml,
            "<volume>"
            "<name>%s-hd%zu.img</name>"
            "<capacity unit='bytes'>%" PRIu64 "</capacity>"
            "<allocation unit='bytes'>0</allocation>"
            "<target><format type='raw'/>"
            "<permissions><mode>0600</mode></permissions></target>"
            "</volume>", name, i, (uint64_t) st.st_size);
  vol = virStorageVolCreateXML (pool, xml, 0);
  if (vol == NULL) {
    set_error (g, "drive hd%zu: libvirt at %s cannot create the scratch "
               "volume %s-hd%zu.img in its storage pool \"%s\": %s", i,
               uri_text (g), name, i, SCRATCH_POOL,
               libvirt_message ());
    return -1;
  }
  sc->vols[sc->nvols++] = vol;
  sc->paths[i] = virStorageVolGetPath (vol);
  if (sc->paths[i] == NULL) {
    set_error (g, "drive hd%zu: libvirt at %s gives no path for the "
               "scratch volume %s-hd%zu.img: %s", i,
               uri_text (g), name, i,
               libvirt_message ());
    return -1;
  }
  return 0;
}

int
qdrive_int_libvirt_create_scratch (qdrive_h *g, virConnectPtr conn,
                                   struct libvirt_scratch *sc)
{
  virStoragePoolPtr pool;
  size_t i, n = 0, first = 0;

  memset (sc, 0, sizeof *sc);
  for (i = g->ndrives; i-- > 0; )
    if (g->drives[i].scratch) {
      n++;
      first = i;
    }
  if (n == 0)
    return 0;

  pool = virStoragePoolLookupByName (conn, SCRATCH_POOL);
  if (pool == NULL) {
    virErrorPtr err = virGetLastError ();
    if (err != NULL && err->code == VIR_ERR_NO_STORAGE_POOL)
      set_error (g, "drive hd%zu is a scratch drive, which the libvirt "
                 "backend creates in the storage pool \"%s\" of libvirt "
                 "at %s, and it has no such pool; define one on the "
                 "daemon's host (virsh pool-define-as %s dir --target DIR; "
                 "virsh pool-build %s; virsh pool-start %s)", first,
                 SCRATCH_POOL, uri_text (g),
                 SCRATCH_POOL, SCRATCH_POOL, SCRATCH_POOL);
    else
      set_error (g, "drive hd%zu is a scratch drive, which the libvirt "
                 "backend creates in the storage pool \"%s\" of libvirt "
                 "at %s, and libvirt cannot give that pool: %s", first,
                 SCRATCH_POOL, uri_text (g),
                 libvirt_message ());
    return -1;
  }
  sc->vols = calloc (n, sizeof *sc->vols);
  sc->paths = calloc (g->ndrives, sizeof *sc->paths);
  if (sc->vols == NULL || sc->paths == NULL) {
    set_perror (g, "calloc");
    goto fail;
  }
  sc->npaths = g->ndrives;
  for (i = 0; i < g->ndrives; ++i)
    if (g->drives[i].scratch && create_one (g, pool, i, sc) == -1)
      goto fail;
  virStoragePoolFree (pool);
  return 0;

 fail:
  virStoragePoolFree (pool);
  qdrive_int_libvirt_delete_scratch (sc);
  return -1;
}

void
qdrive_int_libvirt_delete_scratch (struct libvirt_scratch *sc)
{
  size_t i;

  for (i = 0; i < sc->nvols; ++i) {
    virStorageVolDelete (sc->vols[i], 0);
    virStorageVolFree (sc->vols[i]);
  }
  free (sc->vols);
  for (i = 0; i < sc->npaths; ++i)
    free (sc->paths[i]);
  free (sc->paths);
  memset (sc, 0, sizeof *sc);
}
