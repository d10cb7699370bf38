#!/bin/bash -
# qdrive demo, through the shell: a disk whose data matters (cache mode
# writeback, the default) and a scratch disk (unsafe), the qemu command
# line they become, the same as a script, and an error.
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

# Mistakes are refused with what is allowed.
show qdrive add-drive "$disk" cachemode:fast
