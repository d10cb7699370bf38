#!/bin/bash -
# qdrive demo, through the shell: a disk whose data matters (cache mode
# writeback, the default) and a scratch disk (unsafe), the qemu command
# line they become, the same as a script, then a real qemu launched
# with a read-only image and a scratch disk, asked over QMP what it
# made of each drive, and an error.
#   ./run shell/demo.sh
set -euo pipefail

dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
disk="$dir/system.img"
truncate -s 1G "$disk"

show () {
  echo "\$ $*"
  "$@" || true
  echo
}

show qdrive add-drive "$disk" format:raw label:system : \
  add-drive-scratch 1073741824 label:scratch : get-qemu-command-line

cat > "$dir/demo.qd" <<SCRIPT
# The same drives, as a script.
add "$disk" format:raw cachemode:writeback label:system
add-drive-scratch 1073741824 label:scratch
list-drives
SCRIPT
echo "\$ cat demo.qd"
cat "$dir/demo.qd"
echo
show qdrive -f "$dir/demo.qd"

# Launch qemu for real (paused before its first instruction), and ask it
# what it made of each drive: the read-only image keeps writeback (the
# guest's flushes are obeyed), the scratch disk is unsafe (no-flush).
image="$dir/image.raw"
truncate -s 64M "$image"
echo "\$ qdrive add-drive image.raw readonly:true format:raw : add-drive-scratch 1G : launch : block-info : shutdown"
qdrive add-drive "$image" readonly:true format:raw : add-drive-scratch 1073741824 : \
  set-memsize 128 : launch : block-info : shutdown |
  awk -F': ' '
    BEGIN { printf "%-4s %-6s %-9s %-10s %-7s %-9s\n", "id", "format", "readonly",
              "writeback", "direct", "no-flush" }
    /^id:/ { id = $2 } /^format:/ { fmt = $2 } /^readonly:/ { ro = $2 }
    /^cache_writeback:/ { wb = $2 } /^cache_direct:/ { di = $2 }
    /^cache_no_flush:/ { printf "%-4s %-6s %-9s %-10s %-7s %-9s\n", id, fmt, ro, wb, di, $2 }'
echo

# Mistakes are refused with what is allowed.
show qdrive add-drive "$disk" cachemode:fast
