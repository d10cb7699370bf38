/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: the appliance, the small Linux guest that guest "appliance"
 * boots: the host's kernel and an initramfs qdrive builds from host
 * files and keeps in its cache directory.
 *
 *   appliance.c        which kernel, where the initramfs is cached,
 *                      whether the cached one is current, the lock,
 *                      and the kernel command line
 *   appliance-build.c  writing the initramfs (libarchive)
 *   appliance-kvm.c    whether KVM boots it on this host, as learnt by
 *                      an earlier launch
 *   appliance-init.sh  its /init
 *   appliance-devices.c  finding the drives in the running appliance
 */

#ifndef QDRIVE_APPLIANCE_H
#define QDRIVE_APPLIANCE_H

#include "internal.h"

struct appliance {
  char *kernel;                 /* the kernel image */
  char *version;                /* its version, read from the image */
  char *modroot;                /* its modules are in MODROOT/lib/modules/VERSION */
  char *moddir;                 /* that directory */
  char *initrd;                 /* the initramfs in the cache directory */
  int initrd_fd;                /* it, open with a shared lock while a
                                   launch uses it (see appliance.c), or -1 */
};

#define APPLIANCE_EMPTY { .initrd_fd = -1 }

/* The name of the guest agent's virtio-serial port. */
#define APPLIANCE_AGENT_PORT "org.qemu.guest_agent.0"

/* The first line /init prints (the boot benchmark's floor ends there). */
#define APPLIANCE_INIT_LINE "qdrive: appliance init"

/* Finds the kernel, its modules and the initramfs's path in the cache,
 * without building anything.  -1 with the error set. */
extern int qdrive_int_appliance_locate (qdrive_h *g, struct appliance *a);

/* The same, then makes sure the cached initramfs is current: builds it
 * (under a lock, into a temporary file renamed into place) if it is
 * missing or any file it was built from has changed, and then removes
 * the other appliances in the cache that no launch is using.  On
 * success the initramfs is open in initrd_fd with a shared lock, which
 * keeps other processes' builds from removing it until
 * qdrive_int_appliance_free: free a only once qemu has read it. */
extern int qdrive_int_appliance_ensure (qdrive_h *g, struct appliance *a);

extern void qdrive_int_appliance_free (struct appliance *a);

/* The kernel's version as it goes into the names of files in the cache
 * (malloc'd, NULL if out of memory). */
extern char *qdrive_int_appliance_name_version (const struct appliance *a);

/* appliance-kvm.c: the verdict that KVM cannot boot the appliance's
 * kernel on this host, kept in the cache directory as
 * APPLIANCE_KVM_VERDICT VERSION until the host restarts; a writer's
 * temporary file is that name, APPLIANCE_KVM_VERDICT_TMP and a suffix.
 *
 * kvm_fails: true if the verdict holds (and says so when verbose);
 * kvm_failed: records it (best effort: a failure is only said when
 * verbose, and costs the next launch a fallback). */
#define APPLIANCE_KVM_VERDICT "kvm-fails-"
#define APPLIANCE_KVM_VERDICT_TMP ".tmp-"
extern bool qdrive_int_appliance_kvm_fails (qdrive_h *g,
                                            const struct appliance *a);
extern void qdrive_int_appliance_kvm_failed (qdrive_h *g,
                                             const struct appliance *a);

/* The kernel command line for the handle's drives (malloc'd, or NULL
 * with the error set). */
extern char *qdrive_int_appliance_cmdline (qdrive_h *g);

/* appliance-build.c: writes the initramfs for a into the open file fd
 * (the manifest first: see appliance.c).  -1 with the error set. */
extern int qdrive_int_appliance_build (qdrive_h *g, const struct appliance *a,
                                       int fd);

/* appliance-devices.c: finds each drive's block device in the running
 * appliance: where qemu put it (query-block and qom-get, through qmp)
 * and which device the guest has there (its sysfs, through qga); and
 * checks /dev/disk/qdrive's labels.  *devices: "/dev/NAME" for each
 * drive, NULL-terminated (free with qdrive_free_string_list).  -1 with
 * the error set. */
struct qmp_runner;
struct qga_runner;
extern int qdrive_int_appliance_find_devices (qdrive_h *g,
                                              const struct qmp_runner *qmp,
                                              const struct qga_runner *qga,
                                              char ***devices);

/* appliance-init.c (made from appliance-init.sh by the Makefile). */
extern const char qdrive_int_appliance_init[];

/* The manifest: the first member of the archive, one line per host
 * file the appliance was built from, "SIZE MTIME INODE DEVICE PATH",
 * MTIME as seconds.nanoseconds.  The cached appliance is current while
 * every file still has those. */
#define APPLIANCE_MANIFEST "qdrive-manifest"
#define APPLIANCE_MANIFEST_MAX (1024 * 1024)

#endif /* QDRIVE_APPLIANCE_H */
