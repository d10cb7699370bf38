# SPDX-License-Identifier: GPL-2.0-or-later
# qdrive: the fsync-heavy job of the cache-mode test and benchmark, run
# in the appliance by busybox's sh (whose printf and sync run without
# starting a program):  busybox sh -c "$(cat fsync-job.sh)" job FILE N
#
# N times: append 4 KiB to FILE, then fsync it.  Each fsync of a file
# that grew commits ext4's journal, so the guest sends the disk a
# flush; with cachemode writeback qemu passes each to the host
# (fdatasync), with unsafe it drops them.  Prints the job's time in the
# guest in seconds (from /proc/uptime: 10 ms steps).
file=$1 n=$2
block=$(printf '%4096s' '')
: > "$file"
sync "$file"
read -r t0 rest < /proc/uptime
i=0
while [ "$i" -lt "$n" ]; do
  printf %s "$block" >> "$file"
  sync "$file"
  i=$((i + 1))
done
read -r t1 rest < /proc/uptime
echo "$t0 $t1" | awk '{ printf "%.2f\n", $2 - $1 }'
