#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# qdrive demo, through the shell: a disk whose data matters (cache mode
# writeback, the default) and a scratch disk (unsafe), the qemu command
# line they become, the same as a script, then a real qemu launched
# with a read-only image and a scratch disk, asked over QMP what it
# made of each drive, then the appliance booted to write to a writeback
# and an unsafe drive and count their flushes, and an error.
#
# Every command is printed exactly as it is run (in the demo's
# directory, so that the file names are short), then its output:
# pasted into a shell there, it does the same.
#
#   ./run shell/demo.sh [DIR]     (DIR: work there and keep it)
set -euo pipefail

# The demo works in its own directory: a relative TMPDIR, which names
# a directory from here, is made absolute first (so are the names below).
if [ -n "${TMPDIR-}" ] && [ -d "$TMPDIR" ]; then
  TMPDIR="$(cd "$TMPDIR" && pwd)"
  export TMPDIR
fi
if [ $# -ge 1 ]; then
  dir="$1"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
else
  dir="$(mktemp -d)"
  trap 'rm -rf "$dir"' EXIT
fi
cd "$dir"

# A word as it is typed: plain, or quoted for the shell.
shown () {
  if [[ "$1" =~ ^[A-Za-z0-9_./:=,+-]+$ ]]; then printf '%s' "$1"; else printf '%q' "$1"; fi
}

# Prints "$ COMMAND" and runs exactly that, then a blank line.  The
# error at the end is part of the demo: a failing command goes on.
show () {
  local w line="\$"
  for w in "$@"; do line+=" $(shown "$w")"; done
  echo "$line"
  "$@" || true
  echo
}

show truncate -s 1G system.img
show qdrive add-drive system.img format:raw label:system : \
  add-drive-scratch 1G label:scratch : get-qemu-command-line

# The same drives, as a script, written as shown.
script='# The same drives, as a script.
add system.img format:raw cachemode:writeback label:system
add-drive-scratch 1G label:scratch
list-drives
'
echo "\$ cat > demo.qd <<'EOF'"
printf '%sEOF\n\n' "$script"
printf '%s' "$script" > demo.qd
show qdrive -f demo.qd

# Launch qemu for real (paused before its first instruction), and ask it
# what it made of each drive: the read-only image keeps writeback (the
# guest's flushes are obeyed), the scratch disk is unsafe (no-flush).
show truncate -s 64M image.raw
show qdrive add-drive image.raw readonly:true format:raw : \
  add-drive-scratch 1G : launch : block-info : shutdown

# The appliance: a small Linux guest that qdrive builds from the host's
# kernel and programs, booted once (with KVM where KVM boots it, else
# TCG: see "The appliance: KVM or TCG" in qdrive(3)).  A filesystem on
# each of two drives, the same fsync-heavy writes to both, and what
# qemu counted: the writeback drive passes every flush to the host
# disk, the unsafe scratch drive drops them.
job='mkfs.ext4 -q -E lazy_itable_init=0 $d && mount $d /mnt && i=0 && while [ $i -lt 200 ]; do echo line $i >> /mnt/log; sync /mnt/log; i=$((i+1)); done && umount /mnt'
script="set-guest appliance
add data.img format:raw label:data
add-drive-scratch 256M label:scratch
launch
list-devices
sh \"ls -l /dev/disk/qdrive\"
sh \"d=/dev/disk/qdrive/data; $job\"
sh \"d=/dev/disk/qdrive/scratch; $job\"
blockstats
"
show truncate -s 256M data.img
echo "\$ cat > appliance.qd <<'EOF'"
printf '%sEOF\n\n' "$script"
printf '%s' "$script" > appliance.qd
# Shown as it runs, its blockstats as a table.
echo "\$ qdrive -f appliance.qd"
qdrive -f appliance.qd | tee appliance.out | sed -e '/^$/d' -e '/^drive_id:/,$d' || true
echo
awk -F': ' '
  BEGIN { printf "%-9s %-10s %8s %10s %8s %14s\n", "drive", "cachemode",
            "writes", "written", "flushes", "flush time" }
  /^drive_id:/ { id = $2 } /^wr_bytes:/ { wb = $2 }
  /^wr_operations:/ { wo = $2 } /^flush_operations:/ { fo = $2 }
  /^flush_total_time_ns:/ {
    printf "%-9s %-10s %8d %7.1f MB %8d %11.1f ms\n", id,
           id == "hd0" ? "writeback" : "unsafe", wo, wb / 1e6, fo, $2 / 1e6 }
' appliance.out
echo

# Mistakes are refused with what is allowed.
show qdrive add-drive system.img cachemode:fast
