#!/bin/bash -
# SPDX-License-Identifier: LGPL-2.1-or-later
# make-syms.sh QDRIVE_H: the linker version script of libqdrive, from
# the functions the public header declares ("extern ... qdrive_NAME (").
#
# Exported: those functions, and nothing else (the library's own
# qdrive_int_* and qdrive_impl_* functions stay local).  The API is in
# version node QDRIVE_0.1; the internal_* test calls, which the header
# declares for the bindings' tests, are in QDRIVE_PRIVATE, with no ABI
# promise.  See "Library versions and symbols" in HACKING.md.
set -e
h="$1"
names="$(sed -n 's/^extern [^(]*[ *]\(qdrive_[a-z0-9_]*\) *(.*/\1/p' "$h" | sort -u)"
private_re='^qdrive_(free_)?internal_'
public="$(grep -Ev "$private_re" <<<"$names" || :)"
private="$(grep -E "$private_re" <<<"$names" || :)"
# A header of another shape would silently export nothing: refuse.
if [ -z "$public" ] || ! grep -qx qdrive_create <<<"$public"; then
  echo "$0: no public function found in $h (not \"extern ... qdrive_NAME (\" lines?)" >&2
  exit 1
fi
list () { sed 's/.*/    &;/'; }
cat <<V
/* libqdrive's exported symbols, from $(basename "$h") by make-syms.sh. */
QDRIVE_0.1 {
  global:
$(list <<<"$public")
  local:
    *;
};
V
if [ -n "$private" ]; then
  cat <<V

QDRIVE_PRIVATE {
  global:
$(list <<<"$private")
} QDRIVE_0.1;
V
fi
