#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# The "same as C" comparison (the cases are in generator/same_as_c.ml):
#
#   same-as-c.sh LANGUAGE PROGRAM [ARGS...]
#
# runs the C reference, tests/same-as-c, for LANGUAGE and then PROGRAM
# (a binding's generated program, by absolute path), both in one scratch
# directory holding the files the cases name, and diffs their outputs:
# every error text and every qemu command line must be C's own.  With
# LANGUAGE c and no PROGRAM, it only runs the reference, which checks
# the expectations each case states about C.
set -e
lang="$1"
shift
ref="${QDRIVE_TOP_BUILDDIR:?run me through ./run}/tests/same-as-c"
if [ ! -x "$ref" ]; then
  echo "$0: $ref is not built: run make -C tests same-as-c" >&2
  exit 1
fi
d="$(mktemp -d)"
trap 'rm -rf "$d"' EXIT
mkdir "$d/w"
truncate -s 1M "$d/w/disk.img" "$d/w/disk2.img" "$d/w/comma,name.img" \
  "$d/w/ro.img" "$d/w/shared.img"
(cd "$d/w" && "$ref" "$lang") > "$d/c.out"
n=$(grep -c ' argv => ' "$d/c.out")
if [ $# -eq 0 ]; then
  echo "same-as-c: C meets the expectations of its $n cases"
  exit 0
fi
(cd "$d/w" && "$@") > "$d/$lang.out"
diff -u "$d/c.out" "$d/$lang.out"
echo "same-as-c: $lang gives what C gives, in $n cases"
