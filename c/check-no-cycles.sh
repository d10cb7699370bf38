#!/bin/bash -
# SPDX-License-Identifier: LGPL-2.1-or-later
# qdrive: the files of the C library depend on each other without a
# cycle, at the level of the linker's symbols.
#
#   check-no-cycles.sh OBJECT...   fails, naming the files of a cycle,
#                                  if one object file needs a symbol of
#                                  another that, through others, needs
#                                  one of its own
#   check-no-cycles.sh             checks the library's objects (make
#                                  check, in c/)
#   check-no-cycles.sh --self-test shows the check fails on a cycle
#
# "A needs B" when nm lists a symbol undefined in A and defined in B.
# The generated files are in the graph too: enums.c and structs.c need
# nothing, and actions.c (the public wrappers) needs every
# implementation, so a hand-written file calling a public call, which
# would take the handle's lock again, shows as a cycle.  tsort finds
# the cycle.
set -euo pipefail

# A file's name from its object's: handle for .libs/libqdrive_la-handle.o.
name () {
  local b
  b="$(basename "$1" .o)"
  echo "${b#libqdrive_la-}"
}

# Prints "A B SYMBOL" for each object A that needs a symbol B defines.
edges () {
  local o
  declare -A def=()
  for o in "$@"; do
    while read -r sym; do def[$sym]="$o"; done \
      < <(nm --defined-only -g "$o" | awk 'NF == 3 { print $3 }')
  done
  for o in "$@"; do
    nm -u "$o" | awk '{ print $NF }' | while read -r sym; do
      if [ -n "${def[$sym]:-}" ] && [ "${def[$sym]}" != "$o" ]; then
        echo "$(name "$o") $(name "${def[$sym]}") $sym"
      fi
    done
  done | sort -u
}

check () {
  local e
  e="$(edges "$@")"
  # tsort wants each node; every object is a node of its own.
  if ! { awk '{ print $1, $2 }' <<< "$e"
         for o in "$@"; do echo "$(name "$o") $(name "$o")"; done
       } | tsort > /dev/null 2> "$tmp/tsort"; then
    echo "check-no-cycles: the files depend on each other in a cycle:" >&2
    grep -v 'input contains a loop' "$tmp/tsort" | sed 's/^tsort: /  /' >&2
    echo "check-no-cycles: their dependencies (needing file, file, symbol):" >&2
    sed 's/^/  /' <<< "$e" >&2
    return 1
  fi
  echo "check-no-cycles: $# files, $(grep -c . <<< "$e" || true) dependencies, no cycle"
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

if [ "${1:-}" = --self-test ]; then
  cc="${CC:-cc}"
  printf 'int b (void);\nint a (void) { return b (); }\n' > "$tmp/a.c"
  printf 'int c (void);\nint b (void) { return c (); }\n' > "$tmp/b.c"
  printf 'int c (void) { return 0; }\n' > "$tmp/c.c"
  for f in a b c; do "$cc" -c "$tmp/$f.c" -o "$tmp/$f.o"; done
  check "$tmp/a.o" "$tmp/b.o" "$tmp/c.o" > /dev/null ||
    { echo "check-no-cycles: a chain was taken for a cycle" >&2; exit 1; }
  printf 'int a (void);\nint c (void) { return a (); }\n' > "$tmp/c.c"
  "$cc" -c "$tmp/c.c" -o "$tmp/c.o"
  if check "$tmp/a.o" "$tmp/b.o" "$tmp/c.o" > /dev/null 2> "$tmp/err"; then
    echo "check-no-cycles: the cycle a -> b -> c -> a was not found" >&2
    exit 1
  fi
  grep -q '^  a b b$' "$tmp/err" ||
    { echo "check-no-cycles: the cycle was not explained:" >&2; cat "$tmp/err" >&2; exit 1; }
  echo "check-no-cycles: self-test: a chain passes, a cycle fails"
  exit 0
fi

if [ $# -eq 0 ]; then
  # The library's objects: libtool's, named after the target.
  srcdir="${srcdir:-.}"
  objs=()
  for src in "$srcdir"/*.c; do
    o=".libs/libqdrive_la-$(basename "$src" .c).o"
    [ -f "$o" ] || { echo "$0: $o is not built" >&2; exit 1; }
    objs+=("$o")
  done
  set -- "${objs[@]}"
fi
check "$@"
