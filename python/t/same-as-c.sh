#!/bin/bash -
# Every bad input of the core issue gives the same error text through
# the binding as through C, and the same calls give the same qemu
# command line: t/same-as-c.c and t/same_as_c.py must print the same.
set -e
d="$(mktemp -d)"
trap 'rm -rf "$d"' EXIT
truncate -s 1M "$d/disk.img" "$d/comma,name.img"
args=("$d/disk.img" "$d/comma,name.img" "$d/missing.img")
# Each handle has its own temporary directory for the QMP socket.
norm () { sed -e 's|path=[^ ]*/qmp\.sock|path=QMP|'; }
./t/same-as-c "${args[@]}" | norm > "$d/c.out"
"$PYTHON" "$srcdir/t/same_as_c.py" "${args[@]}" | norm > "$d/py.out"
diff -u "$d/c.out" "$d/py.out"
grep -q 'cachemode: "bogus" is not valid' "$d/py.out"
grep -q 'file=[^ ]*/comma,,name.img,cache=writeback,format=raw,id=hd2,if=none' "$d/py.out"
echo "$(wc -l < "$d/py.out") lines identical in C and Python"
