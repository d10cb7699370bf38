(* SPDX-License-Identifier: GPL-2.0-or-later *)
(* qdrive generator: the API's enums, flag sets and callback types,
 * each written down once (part of the API description: see api.ml). *)

open Types

(* Enums, each written down once. *)

let cachemode = {
  enum_name = "cachemode";
  enum_values = [
    "writeback",
    "The host may cache writes, and every flush the guest sends is \
     passed on to the host disk (C<fdatasync>).  Safe: data the guest \
     has flushed survives a host crash.";
    "unsafe",
    "The host may cache writes and the guest's flushes are ignored.  \
     Fast, and the data is lost if the host crashes: for scratch, \
     temporary and test disks only.";
  ];
  enum_default = "writeback";
}

let iface = {
  enum_name = "iface";
  enum_values = [
    "scsi", "A C<scsi-hd> disk on the handle's one virtio-scsi controller.";
    "virtio", "A C<virtio-blk-pci> disk, one PCI slot per drive.";
    "ide", "An C<ide-hd> disk on the machine's IDE controller.";
  ];
  enum_default = "scsi";
}

let discard = {
  enum_name = "discard";
  enum_values = [
    "disable", "Discard (trim) requests from the guest are ignored.";
    "enable",
    "Discard requests are passed to the file.  Needs C<format> and is \
     refused for read-only drives.";
    "besteffort",
    "Discard requests are passed to the file where the format allows \
     it, and ignored otherwise.";
  ];
  enum_default = "disable";
}

let protocol = {
  enum_name = "protocol";
  enum_values = [
    "file", "A local file: C<filename> is its path.";
    "nbd",
    "An NBD server (one C<server>, TCP or a unix socket): C<filename> \
     is the export name, C<\"\"> for the server's default export.";
    "http",
    "An HTTP server (one C<server>): C<filename> is the path, starting \
     with C</>.  Read-only: C<readonly> must be true.";
    "https",
    "An HTTPS server, as C<http>.  The server's certificate is checked \
     against the host's CA bundle.";
    "ftp", "An FTP server, as C<http>.";
    "ftps", "An FTP server over TLS, as C<https>.";
    "tftp",
    "Refused: qemu 7.2 has no TFTP driver (libguestfs still names it).";
    "ssh",
    "An SSH server's SFTP (one C<server>): C<filename> is the path, \
     starting with C</>.  The host key must be in C<known_hosts>, and \
     the key that logs in is taken from C<ssh-agent> (C<SSH_AUTH_SOCK>).";
    "iscsi",
    "An iSCSI target (one C<server>): C<filename> is \
     C<TARGET-IQN/LUN>.  C<username> and C<secret> are the CHAP \
     credentials, both or neither.";
    "rbd",
    "A Ceph RBD image (any number of monitors as C<server>, port 6789 \
     if not given; none: Ceph's own configuration): C<filename> is \
     C<POOL/IMAGE>.  C<secret> is the Ceph key in base64, as in a \
     keyring file.";
    "gluster",
    "A GlusterFS volume (one C<server>, TCP or a unix socket): \
     C<filename> is C<VOLUME/PATH>.";
    "sheepdog",
    "Refused: qemu 7.2 no longer has the Sheepdog driver (libguestfs \
     still names it).";
  ];
  enum_default = "file";
}

let accel = {
  enum_name = "accel";
  enum_values = [
    "kvm:tcg", "KVM where it is usable, otherwise TCG (software \
                emulation).  With the appliance, KVM must also boot it: \
                where it does not, launch falls back to TCG and \
                remembers it until the host restarts (see qdrive(3), \
                \"The appliance: KVM or TCG\").";
    "kvm", "KVM only: launching fails where KVM is not usable.";
    "tcg", "TCG (software emulation) only.";
  ];
  enum_default = "kvm:tcg";
}

(* Events: what a callback registered with set_event_callback is told
 * of.  A new class of events is one line here (and the code that
 * emits it: qdrive_int_event in C). *)
let event = {
  flags_name = "event";
  flags_values = [
    "library",
    "A message of the library's about what it does, such as the qemu \
     command it runs: only while C<verbose> is on.  Without a callback \
     for it, it is written to standard error as C<qdrive: MESSAGE>.";
    "trace",
    "The trace line of a call: its name and arguments when it is \
     made, its result when it returns; only while C<trace> is on.  \
     Without a callback for it, it is written to standard error as \
     C<qdrive: trace: LINE>.";
    "qemu",
    "A line qemu wrote on its standard output or error, without the \
     newline (a guest's serial console is qemu's standard output, so \
     its lines are these too).  Without a callback for it, it is \
     written to standard error while C<verbose> is on.";
    "progress",
    "A step of C<launch>: the message says what starts, and the array \
     holds two numbers, the step (from 1) and the number of steps; the \
     last step is C<ready>.  It is never written anywhere else.";
  ];
}

let event_callback = {
  cb_name = "event";
  cb_params = [
    "event", CbFlag event;
    "event_handle", CbInt;
    "message", CbString;
    "array", CbInt64Array;
  ];
  cb_doc =
    "The callback is given the event that happened (one of the flags \
     it was registered for), the event handle C<set_event_callback> \
     returned, the event's message (a line of text without its \
     newline, or for C<library> a message that may have several \
     lines) and an array of numbers, empty but for C<progress>.";
}

let flag_sets = [ event ]
let callbacks = [ event_callback ]

let guest = {
  enum_name = "guest";
  enum_values = [
    "stopped",
    "qemu starts with every drive attached and the virtual machine \
     stopped before its first instruction: nothing in the guest runs.";
    "appliance",
    "qemu boots qdrive's appliance, a small Linux guest (the host's \
     kernel and an initramfs qdrive builds from host files), and \
     C<launch> returns once its guest agent answers and it sees every \
     drive.  Commands then run in it with C<sh> and C<command>.";
  ];
  enum_default = "stopped";
}

let enums = [ cachemode; iface; discard; accel; protocol; guest ]
