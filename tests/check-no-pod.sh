#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# No POD markup reaches an output that is not POD: the Python
# docstrings (in qdrive/__init__.py, the .pyi and the struct types of
# qdrive-py.c), the OCaml .mli and the shell's help texts (cmds.c) are
# made from every call's POD by the generator, which must render each
# formatting code (C<>, E<>, L<>, B<>, I<>, ... nested or not).  The
# OCaml HTML is checked by ocaml/t/ocamldoc.sh.
set -e
top="${abs_top_srcdir:-$(dirname "$0")/..}"
files="python/qdrive/__init__.py python/qdrive/__init__.pyi python/qdrive-py.c
       ocaml/qdrive.mli shell/cmds.c"
status=0
for f in $files; do
  [ -f "$top/$f" ] || { echo "check-no-pod: $f: missing (run make)"; exit 1; }
  # A capital letter then '<', not after a letter or a digit: C<, E<...
  if grep -nE '(^|[^A-Za-z0-9_])[BCEFILSXZ]<' "$top/$f"; then
    echo "check-no-pod: FAIL: POD markup in $f (above)"
    status=1
  fi
done
# The text that showed it first: the nested markup of get_libvirt_xml.
grep -qF "<disk type='file' device='disk'>" "$top/python/qdrive/__init__.py" ||
  { echo "check-no-pod: FAIL: get_libvirt_xml's <disk ...> is not in its docstring"; status=1; }
[ "$status" = 0 ] && echo "check-no-pod: no POD markup in" $files
exit $status
