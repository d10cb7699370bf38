#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# qdrive tests: a kernel installed under a directory of its own, as an
# unpacked kernel package is (ROOT/boot/vmlinuz-VERSION and
# ROOT/lib/modules/VERSION), made from the host's kernel, with one of
# its modules missing, broken or replaced by another:
#
#   fake-kernel-root.sh ROOT KERNEL intact MODULE
#   fake-kernel-root.sh ROOT KERNEL missing MODULE
#   fake-kernel-root.sh ROOT KERNEL broken MODULE
#   fake-kernel-root.sh ROOT KERNEL replaced MODULE OTHER
#
# The modules are links to the host's (only the drivers the appliance
# uses, so that depmod is quick), indexed by depmod; a broken module is
# a file of text, a replaced one another module under its name.
set -euo pipefail

root=$1 kernel=$2 how=$3 module=$4
version=$(basename "$kernel"); version=${version#vmlinuz-}
host=/lib/modules/$version
mods=$root/lib/modules/$version

mkdir -p "$root/boot" "$mods/kernel/drivers"
ln -s "$kernel" "$root/boot/vmlinuz-$version"
for d in virtio scsi block char ata; do
  cp -rs "$host/kernel/drivers/$d" "$mods/kernel/drivers/"
done
cp "$host/modules.builtin" "$host/modules.builtin.modinfo" "$host/modules.order" "$mods/"
path_of () {
  find "$mods/kernel" -name "$1.ko*" | head -n 1
}
target=$(path_of "$module")
[ -n "$target" ] || { echo "fake-kernel-root: no module $module" >&2; exit 1; }
case "$how" in
  missing) rm "$target" ;;
esac
/sbin/depmod -b "$root" "$version"
case "$how" in
  broken) rm "$target"; echo "not a kernel module" > "$target" ;;
  replaced) other=$(readlink "$(path_of "$5")"); rm "$target"; ln -s "$other" "$target" ;;
  missing|intact) ;;
  *) echo "fake-kernel-root: $how?" >&2; exit 1 ;;
esac
