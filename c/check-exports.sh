#!/bin/bash -
# SPDX-License-Identifier: LGPL-2.1-or-later
# qdrive: libqdrive.so exports exactly the functions qdrive.h declares:
# none missing, none of the library's own (qdrive_int_*, qdrive_impl_*)
# let out; each at its version node of the version script (make-syms.sh):
# the internal_* test calls at QDRIVE_PRIVATE, the API at QDRIVE_0.1;
# and the soname is libqdrive.so.0 (see HACKING.md).
set -euo pipefail
lib=.libs/libqdrive.so
[ -f "$lib" ] || { echo "$0: $lib is not built" >&2; exit 1; }
declared="$(grep -o 'qdrive_[a-z0-9_]* (' "${srcdir:-.}/qdrive.h" | sed 's/ ($//' | sort -u)"
# "NAME VERSION" for each function, from nm's NAME@@VERSION.
versioned="$(nm -D --defined-only "$lib" |
  awk '$2 == "T" { split ($3, a, "@+"); print a[1], a[2] }' | sort)"
exported="$(cut -d' ' -f1 <<< "$versioned")"
if [ "$declared" != "$exported" ]; then
  echo "check-exports: declared in qdrive.h (<) and exported (>) differ:" >&2
  diff <(echo "$declared") <(echo "$exported") >&2 || true
  exit 1
fi
wrong="$(awk '{ want = $1 ~ /^qdrive_(free_)?internal_/ ? "QDRIVE_PRIVATE" : "QDRIVE_0.1"
                if ($2 != want) print $1 " is at version \"" $2 "\", not " want }' <<< "$versioned")"
if [ -n "$wrong" ]; then
  echo "check-exports: $wrong" >&2
  exit 1
fi
soname="$(objdump -p "$lib" | awk '$1 == "SONAME" { print $2 }')"
if [ "$soname" != libqdrive.so.0 ]; then
  echo "check-exports: the soname is $soname, not libqdrive.so.0" >&2
  exit 1
fi
echo "check-exports: the $(wc -l <<< "$exported") functions of qdrive.h, and only they, at their versions; $soname"
