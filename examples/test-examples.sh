#!/bin/bash -
# SPDX-License-Identifier: MIT-0
# The four examples (C, Python, Perl, OCaml, the last compiled here as
# a user would, with ocamlfind -package qdrive) each launch qemu and
# print the table of demo.expected: the writeback disk obeys flushes,
# the unsafe one ignores them (qemu's own report, over QMP).
set -e
t="$(mktemp -d)"
trap 'rm -rf "$t"' EXIT
s="$(cd "$srcdir" && pwd)"

./demo > "$t/c.out"
"$PYTHON" "$s/demo.py" > "$t/python.out"
"$PERL" "$s/demo.pl" > "$t/perl.out"
# Away from the build directory, whose qdrive.cmi ocamlfind would see.
cp "$s/demo.ml" "$t/" && (cd "$t" &&
  "$OCAMLFIND" ocamlopt -package qdrive -linkpkg demo.ml -o demo-ml)
"$t/demo-ml" > "$t/ocaml.out"

for lang in c python perl ocaml; do
  diff -u "$s/demo.expected" "$t/$lang.out" || { echo "FAIL: the $lang example"; exit 1; }
done
echo "examples in C, Python, Perl and OCaml: the same table, qemu's report of each cache mode"
