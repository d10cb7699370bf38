#!/bin/busybox sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# qdrive: /init of the appliance (run by busybox's sh as process 1).
#
# The library builds this file into the appliance's initramfs (see
# appliance-build.c); the kernel command line tells it which module
# groups to load (qdrive.modules=base,scsi,...), how many disks to wait
# for (qdrive.disks=N) and how many of them are on the virtio-scsi
# controller (qdrive.scsi=N).  Everything it prints goes to the serial
# console, which the library keeps for its error messages.
#
# There is no udev: this script makes what the library and the guest
# agent expect under /dev itself.

# The first line: what "reached /init" means in the boot benchmark.
echo "qdrive: appliance init"

export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/ LC_ALL=C
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/virtio-ports /dev/disk/qdrive

groups=base
disks=0
scsi=0
read -r cmdline < /proc/cmdline
for word in $cmdline; do
  case "$word" in
    qdrive.modules=*) groups=${word#*=} ;;
    qdrive.disks=*) disks=${word#*=} ;;
    qdrive.scsi=*) scsi=${word#*=} ;;
  esac
done

# Each group lists its modules in load order, dependencies first (from
# the host's modprobe --show-depends).  busybox's modprobe loads them
# all in one process (modules.dep and modprobe.d/qdrive.conf come from
# the library), skipping those loaded already; scsi_mod scans no host by
# itself (scan=manual): see below.  If it fails (its message goes to
# the console), they are loaded one by one with insmod, to say which one
# cannot be: that ends the boot at once, since without it a drive or
# the agent's port would never appear.
IFS=,
set -- $groups
unset IFS
names=
for group; do
  while read -r module; do
    name=${module##*/}
    names="$names ${name%.ko}"
  done < "/qdrive/modules.$group"
done
[ -z "$names" ] || modprobe -a $names || for group; do
  while read -r module; do
    name=${module##*/}
    name=${name%.ko}
    name=${name//-/_}
    options=
    [ "$name" = scsi_mod ] && options=scan=manual
    [ -d "/sys/module/$name" ] || insmod "$module" $options || {
      echo "qdrive: cannot load the kernel module $module; stopping"
      reboot -f
    }
  done < "/qdrive/modules.$group"
done

# The library puts the Nth SCSI disk (from 0) of the virtio-scsi
# controller on target N, and the disks after the controller's last
# target (255 with qemu, 99 with libvirt) on the next LUN of target N
# modulo that: the targets in use are 0 to min(scsi, 256) - 1 at most.
# Scanning just those, each for all its LUNs, spares the kernel's scan
# of all 256 targets, which costs about 0.13 s under TCG.  (libata
# finds an ATA disk itself, whatever scsi_mod's scan mode.)
if [ "$scsi" -gt 0 ]; then
  for host in /sys/class/scsi_host/host*; do
    read -r driver < "$host/proc_name"
    [ "$driver" = virtio_scsi ] || continue
    target=0
    while [ "$target" -lt "$scsi" ] && [ "$target" -lt 256 ]; do
      echo "0 $target -" > "$host/scan"
      target=$((target + 1))
    done
  done
fi

# Disks probe asynchronously: wait for all of them, saying after half a
# second of waiting, then about every five, what is missing (the library bounds the
# wait: launch fails after its launch_timeout, with these lines in its
# message).
count_disks () {
  n=0
  for d in /sys/block/sd* /sys/block/vd*; do
    [ -e "$d" ] && n=$((n + 1))
  done
}
# The guest agent's port: /dev/virtio-ports/NAME, as udev would make it.
agent_port=/dev/virtio-ports/org.qemu.guest_agent.0
link_ports () {
  for p in /sys/class/virtio-ports/vport*; do
    [ -r "$p/name" ] || continue
    read -r port_name < "$p/name"
    [ -n "$port_name" ] && [ ! -e "/dev/virtio-ports/$port_name" ] &&
      ln -s "../${p##*/}" "/dev/virtio-ports/$port_name"
  done
}
tries=0
while :; do
  count_disks
  link_ports
  [ "$n" -ge "$disks" ] && [ -e "$agent_port" ] && break
  tries=$((tries + 1))
  [ $((tries % 500)) -eq 50 ] &&
    echo "qdrive: waiting: $n of $disks disks, agent port:" \
      "$([ -e "$agent_port" ] && echo present || echo missing)"
  usleep 10000
done

# /dev/disk/qdrive/LABEL for each disk with a serial number: virtio-blk
# shows it in sysfs; SCSI and ATA disks in VPD page 0x80 (4 bytes of
# header, then the serial, which ATA pads with spaces).
for d in /sys/block/sd* /sys/block/vd*; do
  [ -e "$d" ] || continue
  serial=
  if [ -r "$d/serial" ]; then
    read -r serial < "$d/serial"
  elif [ -r "$d/device/vpd_pg80" ]; then
    serial=$(tail -c +5 "$d/device/vpd_pg80" | tr -d ' \000')
  fi
  case "$serial" in
    ''|*[!A-Za-z0-9_]*) ;;
    *) ln -sf "../../${d##*/}" "/dev/disk/qdrive/$serial" ;;
  esac
done

# What the library reads through the agent to find each drive
# (appliance-devices.c), complete before the agent can answer.
ls -l /sys/block /sys/class/ata_port /dev/disk/qdrive \
  > /run/qdrive-drives 2>/dev/null
echo "qdrive: starting the guest agent"
# Run as a child, not exec'd: this shell, as process 1, reaps the
# orphans of commands the agent runs.
qemu-ga --method=virtio-serial --path="$agent_port" --statedir=/run
echo "qdrive: the guest agent exited with status $?"
# Reset: with -no-reboot, qemu exits.
reboot -f
