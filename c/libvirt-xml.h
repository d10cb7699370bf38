/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: the libvirt domain XML, shared by get_libvirt_xml and the
 * libvirt backend's launch. */

#ifndef QDRIVE_LIBVIRT_XML_H
#define QDRIVE_LIBVIRT_XML_H

#include "internal.h"

/* What the domain XML depends on besides the handle's settings and
 * drives: chosen offline by get_libvirt_xml, and from the connection's
 * capabilities by launch. */
struct libvirt_target {
  const char *type;             /* <domain type=...>: kvm, qemu, test... */
  const char *arch;             /* <os><type arch=...> */
  const char *machine;          /* <os><type machine=...>; NULL: libvirt's */
  const char *uuid;             /* NULL: libvirt makes one up */
  /* Per drive, the file the daemon is to use instead of the drive's
   * own (a scratch drive's volume), or NULL; or NULL for none. */
  char *const *sources;
  /* With guest "appliance": the kernel and initramfs as the daemon is
   * to read them (launch: volumes of its storage), or NULL for the
   * files on this machine. */
  const char *kernel, *initrd;
};

/* The domain's name: "qdrive-" and 16 hex digits, the same for the
 * whole life of the handle and different for every handle (see
 * libvirt-xml.c).  buf must hold QDRIVE_LIBVIRT_NAME_LEN bytes. */
#define QDRIVE_LIBVIRT_NAME_LEN 24
extern void qdrive_int_libvirt_name (qdrive_h *g, char *buf);

/* The name of drive d's <target dev=...>, the n-th drive of its
 * interface (sda, vdb, hdc...), in buf. */
extern void qdrive_int_libvirt_target_dev (const struct drive *d, size_t n,
                                           char *buf, size_t len);

/* The domain XML of the handle's drives and settings for target t, or
 * NULL with the error set. */
extern char *qdrive_int_libvirt_xml (qdrive_h *g,
                                     const struct libvirt_target *t);

/* A network drive's secret as libvirt keeps it: its UUID (buf holds
 * QDRIVE_LIBVIRT_UUID_LEN bytes), and its type, "ceph" or "iscsi"
 * (libvirt's name for a plain password, used for the web protocols
 * too). */
#define QDRIVE_LIBVIRT_UUID_LEN 37
extern void qdrive_int_libvirt_secret_uuid (const struct drive_net *n,
                                            char *buf);
extern const char *qdrive_int_libvirt_secret_type (const struct drive_net *n);

/* The id qdrive gives drive i (hdI, as the direct backend's qemu id),
 * and the libvirt alias that carries it: user aliases must start with
 * "ua-". */
#define QDRIVE_LIBVIRT_ALIAS_PREFIX "ua-"

#endif /* QDRIVE_LIBVIRT_XML_H */
