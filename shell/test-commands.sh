#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# qdrive shell test: every public command runs, with its arguments
# parsed from words and its result printed.  test-coverage.sh checks
# that no command is left out of the tests.
. "$srcdir/test-lib.sh"

# add-drive with every optional argument, add (its alias), add-drive-ro,
# add-drive-scratch; list-drives shows what each became.  (qemu gives a
# file to several drives only if all are readonly.)
disk2="$tmp/disk2.img"
disk3="$tmp/disk3.img"
truncate -s 1M "$disk2" "$disk3" || t_fail "cannot create $disk2, $disk3"
t_ok "$(drive_text index=0 filename="$disk" format=raw iface=virtio \
           cachemode=unsafe discard=besteffort copyonread=true label=lbl_1 \
           name="my disk" blocksize=4096)

$(drive_text index=1 filename="$disk2")

$(drive_text index=2 filename="$disk3" readonly=true)

$(drive_text index=3 filename="$disk3" format=qcow2 iface=ide readonly=true \
   blocksize=512)" \
  add-drive "$disk" readonly:false format:raw iface:virtio name:"my disk" \
    label:lbl_1 cachemode:unsafe discard:besteffort copyonread:true \
    blocksize:4096 : \
  add "$disk2" : \
  add-drive-ro "$disk3" : \
  add "$disk3" blocksize:512 iface:ide readonly:yes format:qcow2 : \
  list-drives

t_run add-drive-scratch 1048576 name:scratch label:s1 blocksize:512 : list-drives
[ "$rc" -eq 0 ] && grep -qx 'cachemode: unsafe' "$tmp/out" &&
  grep -qx 'name: scratch' "$tmp/out" && grep -qx 'label: s1' "$tmp/out" &&
  grep -qx 'blocksize: 512' "$tmp/out" && grep -qx 'format: raw' "$tmp/out" &&
  grep -q '^filename: /.*/scratch0\.img$' "$tmp/out" ||
  { t_show add-drive-scratch; t_fail "add-drive-scratch"; }

# The library's version, configure.ac's.
IFS=. read -r major minor release <<< "$package_version"
t_ok "major: $major
minor: $minor
release: $release" version

# Empty list: nothing printed.
t_ok "" list-drives

# Settings and their getters.
t_ok "qemu-system-x86_64" get-hv
t_ok "/opt/qemu/bin/qemu-kvm" set-hv /opt/qemu/bin/qemu-kvm : get-hv
t_ok "256" get-memsize
t_ok "4096" set-memsize 4096 : get-memsize
t_ok "1" get-smp
t_ok "8" set-smp 8 : get-smp
t_ok "kvm:tcg" get-accel
t_ok "tcg" set-accel tcg : get-accel
t_ok "kvm" set_accel kvm : get_accel
t_ok "direct" get-backend
t_ok "libvirt:test:///default" set-backend libvirt:test:///default : get-backend
t_ok "stopped" get-guest
t_ok "appliance" set-guest appliance : get-guest
t_run get-kernel
[ "$rc" -eq 0 ] && [ "$(cat "$tmp/out")" = "" ] && [ "$(wc -l < "$tmp/out")" = 1 ] ||
  { t_show get-kernel; t_fail "get-kernel: an empty line"; }
t_ok "/boot/vmlinuz-1" set-kernel /boot/vmlinuz-1 : get-kernel
t_ok "/var/cache/q" set-cachedir /var/cache/q : get-cachedir
t_ok "60" get-launch-timeout
t_ok "5" set-launch-timeout 5 : get-launch-timeout
t_ok "false" get-trace
t_ok "false" get-verbose
t_ok "true" set-verbose true : get-verbose
t_ok "false" set-verbose 1 : set-verbose no : get-verbose

# set-trace: the library traces to stderr; the result is on stdout.
t_run set-trace yes : get-trace
[ "$rc" -eq 0 ] && [ "$(cat "$tmp/out")" = true ] &&
  grep -q '^qdrive: trace: get_trace' "$tmp/err" ||
  { t_show set-trace; t_fail "set-trace"; }

# config, with and without its optional value; the qemu command line
# shows both, in order, after qdrive's own parameters.
t_run config -cpu host : config -no-reboot : config -nographic NULL : \
  get-qemu-command-line
[ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ] &&
  [ "$(tail -n 4 "$tmp/out")" = "$(printf -- '-cpu\nhost\n-no-reboot\n-nographic')" ] ||
  { t_show config; t_fail "config"; }

# get-qemu-command-line: qemu first, one argument per line (compared
# with the C library's output in test-cmdline.sh).
t_run add "$disk" format:raw cachemode:unsafe : get-qemu-command-line
[ "$rc" -eq 0 ] && [ "$(head -n 1 "$tmp/out")" = qemu-system-x86_64 ] &&
  grep -qx -- "file=$disk,cache=unsafe,format=raw,id=hd0,if=none" "$tmp/out" ||
  { t_show get-qemu-command-line; t_fail "get-qemu-command-line"; }

# get-libvirt-xml is being written elsewhere: it must either give a
# domain or report the library's error.
t_run add "$disk" : get-libvirt-xml
if [ "$rc" -eq 0 ]; then
  grep -q '<domain' "$tmp/out" || { t_show get-libvirt-xml; t_fail "get-libvirt-xml"; }
else
  [ "$rc" -eq 1 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] &&
    grep -q '^qdrive: error: get_libvirt_xml: ' "$tmp/err" ||
    { t_show get-libvirt-xml; t_fail "get-libvirt-xml error"; }
fi

# launch, block-info and shutdown cannot run a virtual machine here:
# they are parsed, called, and report the library's error.  launch is
# given a qemu that does not exist, so that it fails the same way once
# launching works.
t_run set-hv /nonexistent/qemu : launch
[ "$rc" -eq 1 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] &&
  grep -q '^qdrive: error: launch: ' "$tmp/err" ||
  { t_show launch; t_fail "launch"; }
t_err "qdrive: error: block_info: the virtual machine is not launched; call launch first" \
  block-info
t_err "qdrive: error: shutdown: the virtual machine is not launched; call launch first" \
  shutdown
t_err "qdrive: error: launch: unexpected argument \"now\"; usage: launch" launch now

t_done
