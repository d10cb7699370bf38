#!/bin/bash -
# The OCaml binding makes the same command lines and raises the same
# error texts as C for the same calls: t/calls.opt (which also checks
# the add_drive table's rows literally) and t/calls-c must print the
# same thing.
set -e
t="$(mktemp -d)"
trap 'rm -rf "$t"' EXIT
mkdir "$t/d"
for f in disk.img comma,name.img ro.img; do truncate -s 1M "$t/d/$f"; done
"$builddir/t/calls-c" "$t/d" > "$t/c.out"
"$builddir/t/calls.opt" "$t/d" > "$t/ocaml.out"
diff -u "$t/c.out" "$t/ocaml.out"
n=$(wc -l < "$t/c.out")
test "$n" -ge 60
echo "same-as-c: $n cases equal"
