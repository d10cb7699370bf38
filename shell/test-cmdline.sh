#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# qdrive shell test: get-qemu-command-line prints exactly what the C
# library returns, one argument per line.  test-cmdline-c makes the
# same calls in C.  Only the handle's private temporary directory
# (random, in the QMP socket path) differs between the two.
. "$srcdir/test-lib.sh"

disk2="$tmp/disk,2.img"       # a comma, which qemu needs doubled
truncate -s 1M "$disk2"

normalize () {
  sed -e 's|/qdrive\.[A-Za-z0-9]\{6\}/|/qdrive.TMPDIR/|g' "$@"
}

./test-cmdline-c "$disk" "$disk2" > "$tmp/c.out" ||
  t_fail "test-cmdline-c failed"
t_run add-drive "$disk" format:raw cachemode:unsafe label:scratch_1 : \
  add-drive "$disk2" readonly:true iface:virtio blocksize:4096 : \
  set-memsize 1024 : set-smp 2 : config -cpu host,+x2apic : \
  get-qemu-command-line
[ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ] || { t_show; t_fail "qdrive failed"; }

# Not trivially equal: the file names and options are there.
grep -qx -- "file=$disk,cache=unsafe,format=raw,id=hd0,if=none" "$tmp/out" &&
  grep -q -- "^file=$tmp/disk,,2.img,cache=writeback,snapshot=on," "$tmp/out" &&
  grep -qx -- "host,+x2apic" "$tmp/out" ||
  { cat "$tmp/out" >&2; t_fail "the command line lacks the drives"; }
diff -u <(normalize "$tmp/c.out") <(normalize "$tmp/out") ||
  t_fail "the shell's command line differs from the C library's"

t_done
