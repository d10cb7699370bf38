/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: what qemu made of each drive, read from its QMP answers.
 * Shared by the direct backend (its own QMP socket) and the libvirt
 * backend (libvirt's QMP pass-through), so that both report a drive
 * the same way. */

#ifndef QDRIVE_QEMU_BLOCK_INFO_H
#define QDRIVE_QEMU_BLOCK_INFO_H

#include <stddef.h>

#include "internal.h"

struct json_object;

/* A way to run one QMP command: returns its "return" value, owned by
 * the caller, or NULL with the handle's error set.  args may be NULL
 * and is not consumed. */
struct qmp_runner {
  struct json_object *(*execute) (void *opaque, const char *command,
                                  struct json_object *args);
  void *opaque;
};

/* The qdrive id ("hdN") of one device of query-block's answer, in buf
 * ("" if it has none).  The direct backend names each -drive hdN, and
 * query-block gives that as the device; with libvirt's -blockdev the
 * device is empty, and the id is the guest device's (its qdev, or the
 * peripheral of a virtio-blk's backend) without libvirt's user-alias
 * prefix "ua-". */
extern void qdrive_int_qemu_drive_id (struct json_object *dev, char *buf,
                                      size_t len);

/* Checks that devices, the answer to query-block, lists every drive
 * of the handle with a medium inserted. */
extern int qdrive_int_qemu_check_drives (qdrive_h *g,
                                         struct json_object *devices);

/* block_info from devices, the answer to query-block: one entry per
 * device, in qemu's order.  The flags of a drive under a node of
 * qemu's (a read-only drive's overlay, libvirt's copy-on-read filter),
 * and each drive's protocol driver, come from query-named-block-nodes,
 * run through run. */
extern struct qdrive_block_info_list *
qdrive_int_qemu_block_info (qdrive_h *g, struct json_object *devices,
                            const struct qmp_runner *run);

#endif /* QDRIVE_QEMU_BLOCK_INFO_H */
