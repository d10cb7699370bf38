#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# qdrive shell test: the appliance, booted once: set-guest,
# launch, list-devices, sh, command, blockstats, and Ctrl-C during a
# command that would run for 30 s: it stops at once, with the error
# "cancelled", which ends the script after the output of the commands
# before.
. "$srcdir/test-lib.sh"

truncate -s 64M "$tmp/scsi.img" "$tmp/virtio.img"
printf 'hello from the host' | dd of="$tmp/virtio.img" conv=notrunc 2>/dev/null

cat > "$tmp/appliance.qd" <<SCRIPT
set-guest appliance
add "$tmp/scsi.img" format:raw label:SCSI
add "$tmp/virtio.img" format:raw iface:virtio label:VIRT
launch
list-devices
sh "head -c 19 /dev/disk/qdrive/VIRT; echo; ls /dev/disk/qdrive"
command "printf %s| 'a b' c"
sh "mke2fs -q /dev/disk/qdrive/SCSI && mount /dev/disk/qdrive/SCSI /mnt && echo made > /mnt/f && cat /mnt/f && umount /mnt"
sh "dd if=/dev/zero of=/dev/disk/qdrive/VIRT bs=4096 count=3 conv=fsync 2>/dev/null"
blockstats
sh "echo started | dd of=/dev/disk/qdrive/SCSI bs=4096 seek=15000 conv=fsync,sync 2>/dev/null; sleep 30"
list-devices
SCRIPT
# As from a terminal: a background job's SIGINT is ignored unless the
# program catches it.
env --default-signal=INT qdrive -f "$tmp/appliance.qd" >"$tmp/out" \
  2>"$tmp/err" </dev/null &
pid=$!
# The command has started when its mark reaches the disk (at most 5
# minutes, for a slow TCG boot).
for _ in $(seq 3000); do
  [ "$(dd if="$tmp/scsi.img" bs=4096 skip=15000 count=1 2>/dev/null |
       head -c 7 | tr -d '\0')" = started ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
start=$SECONDS
kill -INT "$pid"
wait_bounded "$pid"
took=$((SECONDS - start))
# (A string result is printed with a newline after it, even one that
# ends with a newline already.)
expected="/dev/sda
/dev/vda
hello from the host
SCSI
VIRT

a b|c|
made

"
if [ "$rc" -ne 1 ] || [ "$took" -gt 3 ] ||
     ! diff -u <(printf '%s\n' "$expected") <(head -n 10 "$tmp/out") >&2 ||
     [ "$(cat "$tmp/err")" != "qdrive: error: $tmp/appliance.qd:11: sh: cancelled" ]; then
  echo "Ctrl-C stopped it after $took s" >&2
  t_show -f "$tmp/appliance.qd"
  t_fail "the appliance script"
fi
# blockstats: the virtio drive had 12 KiB written, in at least one write
# and one flush.
sed -n '/^drive_id: hd1$/,$p' "$tmp/out" > "$tmp/hd1"
grep -qx 'drive_id: hd0' "$tmp/out" && grep -qx 'wr_bytes: 12288' "$tmp/hd1" &&
  grep -qE '^wr_operations: [1-9][0-9]*$' "$tmp/hd1" &&
  grep -qE '^flush_operations: [1-9][0-9]*$' "$tmp/hd1" &&
  grep -qE '^flush_total_time_ns: [1-9][0-9]*$' "$tmp/hd1" ||
  { t_show -f "$tmp/appliance.qd"; t_fail "blockstats"; }

# Without the appliance, nothing runs in the guest.
t_err 'qdrive: error: sh: the virtual machine was launched with guest "stopped": nothing runs in it; choose guest "appliance" (set_guest) before launch' \
  add-drive-scratch 1048576 : set-memsize 128 : launch : sh true
echo "$0: ok"
