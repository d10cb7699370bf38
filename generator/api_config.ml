(* SPDX-License-Identifier: GPL-2.0-or-later *)
(* qdrive generator: what the [config] call lets through to qemu and
 * what it refuses (part of the API description: see api.ml).  The C
 * check and the documentation both come from these lists. *)

(* The qemu parameters qdrive sets itself, which [config] refuses: the
 * C check and config's documentation are both made from this list. *)
let managed_qemu_params = [
  "-drive"; "-m"; "-smp"; "-machine"; "-M"; "-accel"; "-enable-kvm";
  "-qmp"; "-chardev"; "-mon"; "-S"; "-display"; "-nodefaults";
  "-no-user-config"; "-kernel"; "-initrd"; "-append";
]

(* What [config] passes to qemu: an allow-list, because qemu 7.2 has
 * too many ways around a list of refusals: options that add, change or
 * remove drives (-drive, -blockdev, -hda, -cdrom, -pflash, -snapshot,
 * -set, -readconfig, a bare file name, ...), that override what qdrive
 * sets (-M, -accel, -enable-kvm, -nodefaults' devices), that open
 * another monitor (-monitor, -qmp, -gdb), or that make qemu leave its
 * parent (-daemonize).  Each parameter, with whether it takes a value;
 * qemu takes --NAME for -NAME too, and so does config.  The C check,
 * the documentation and the tests are made from these lists. *)
let config_params = [
  (* The virtual hardware, but for disks and what qdrive sets. *)
  "-cpu", true; "-numa", true; "-rtc", true; "-boot", true;
  "-device", true; "-object", true; "-netdev", true; "-nic", true;
  "-vga", true; "-usb", false; "-no-acpi", false; "-no-hpet", false;
  "-k", true; "-serial", true;
  (* The machine's identity and behaviour. *)
  "-name", true; "-uuid", true; "-no-reboot", false; "-no-shutdown", false;
  "-action", true; "-watchdog-action", true;
  "-overcommit", true; "-mem-prealloc", false; "-nographic", false;
  (* qemu's diagnostics. *)
  "-msg", true; "-d", true; "-D", true; "-trace", true;
]

(* -device: the devices config refuses (by name or alias, qemu 7.2):
 * its storage devices, which make or take drives; and the devices that
 * give the guest a host device or host file (disks are added with
 * add_drive, and nothing else of the host's). *)
let config_refused_devices = [
  (* qemu 7.2's "Storage devices" (qemu -device help). *)
  "am53c974"; "cxl-type3"; "dc390"; "floppy"; "ich9-ahci"; "ahci";
  "ide-cd"; "ide-hd"; "isa-fdc"; "isa-ide"; "lsi53c810"; "lsi53c895a";
  "lsi"; "megasas"; "megasas-gen2"; "mptsas1068"; "nvdimm"; "nvme";
  "nvme-ns"; "nvme-subsys"; "piix3-ide"; "piix4-ide"; "pvscsi";
  "scsi-block"; "scsi-cd"; "scsi-generic"; "scsi-hd"; "sd-card";
  "sdhci-pci"; "usb-bot"; "usb-mtp"; "usb-storage"; "usb-uas";
  "vhost-scsi"; "vhost-scsi-pci"; "vhost-scsi-pci-non-transitional";
  "vhost-scsi-pci-transitional"; "vhost-user-blk"; "vhost-user-blk-pci";
  "vhost-user-blk-pci-non-transitional"; "vhost-user-blk-pci-transitional";
  "vhost-user-fs-device"; "vhost-user-fs-pci"; "vhost-user-scsi";
  "vhost-user-scsi-pci"; "vhost-user-scsi-pci-non-transitional";
  "vhost-user-scsi-pci-transitional"; "virtio-9p-device"; "virtio-9p-pci";
  "virtio-9p"; "virtio-9p-pci-non-transitional";
  "virtio-9p-pci-transitional"; "virtio-blk-device"; "virtio-blk-pci";
  "virtio-blk"; "virtio-blk-pci-non-transitional";
  "virtio-blk-pci-transitional"; "virtio-pmem"; "virtio-pmem-pci";
  "virtio-scsi-device"; "virtio-scsi-pci"; "virtio-scsi";
  "virtio-scsi-pci-non-transitional"; "virtio-scsi-pci-transitional";
  (* Host devices and files given to the guest. *)
  "vfio-pci"; "vfio-pci-nohotplug"; "vfio-pci-igd-lpc-bridge"; "usb-host";
  "usb-redir"; "u2f-passthru"; "loader"; "guest-loader"; "ivshmem-plain";
  "ivshmem-doorbell"; "acpi-erst";
]

(* -object: the object types config adds. *)
let config_object_types = [
  "iothread"; "rng-builtin"; "rng-random"; "memory-backend-ram";
]

(* -netdev and -nic: the network backends config adds.  The "user"
 * backend's smb= (it starts an smbd, which leaves qemu) and guestfwd=
 * (it runs commands) are refused. *)
let config_netdev_types = [ "user"; "socket"; "stream"; "dgram"; "hubport" ]
let config_refused_netdev_options = [ "smb"; "guestfwd" ]

(* The lists of values, by the name the C tables have. *)
let config_lists = [
  "refused_devices", config_refused_devices;
  "object_types", config_object_types;
  "netdev_types", config_netdev_types;
  "refused_netdev_options", config_refused_netdev_options;
]
