#!/bin/bash -
# qdrive demo, through the shell: a disk whose data matters (cache mode
# writeback, the default) and a scratch disk (unsafe), the qemu command
# line they become, the same as a script, then a real qemu launched
# with a read-only image and a scratch disk, asked over QMP what it
# made of each drive, and an error.
#
# Every command is printed exactly as it is run (in the demo's
# directory, so that the file names are short), then its output:
# pasted into a shell there, it does the same.
#
#   ./run shell/demo.sh [DIR]     (DIR: work there and keep it)
set -euo pipefail

if [ $# -ge 1 ]; then
  dir="$1"
  mkdir -p "$dir"
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

# Mistakes are refused with what is allowed.
show qdrive add-drive system.img cachemode:fast
