#!/bin/bash -
# qdrive: libqdrive.so exports exactly the functions qdrive.h declares:
# none missing (c/Makefile.am's -export-symbols-regex must let every
# public name through), none of the library's own (qdrive_int_*,
# qdrive_impl_*) let out.
set -euo pipefail
lib=.libs/libqdrive.so
[ -f "$lib" ] || { echo "$0: $lib is not built" >&2; exit 1; }
declared="$(grep -o 'qdrive_[a-z0-9_]* (' "${srcdir:-.}/qdrive.h" | sed 's/ ($//' | sort -u)"
exported="$(nm -D --defined-only "$lib" | awk '$2 == "T" { print $3 }' | sort)"
if [ "$declared" != "$exported" ]; then
  echo "check-exports: declared in qdrive.h (<) and exported (>) differ:" >&2
  diff <(echo "$declared") <(echo "$exported") >&2 || true
  exit 1
fi
echo "check-exports: the $(wc -l <<< "$exported") functions of qdrive.h, and only they"
