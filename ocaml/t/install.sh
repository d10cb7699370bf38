#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# make install DESTDIR=... installs the findlib package (without
# touching ld.conf) and a program builds against the installed copy;
# make uninstall removes it.
set -e
t="$(mktemp -d)"
trap 'rm -rf "$t"' EXIT
b="$(cd "$builddir" && pwd)"
c="$(cd "$top_builddir/c/.libs" && pwd)"
MAKEFLAGS= $MAKE -s -C "$b" install DESTDIR="$t/root" >/dev/null
d="$t/root$OCAML_DESTDIR"
for f in qdrive/META qdrive/qdrive.cma qdrive/qdrive.cmxa qdrive/qdrive.a \
         qdrive/qdrive.cmi qdrive/qdrive.cmx qdrive/qdrive.mli \
         qdrive/libmlqdrive.a stublibs/dllmlqdrive.so; do
  test -f "$d/$f" || { echo "FAIL: $d/$f not installed"; find "$t/root"; exit 1; }
done
grep -q '^archive(native) = "qdrive.cmxa"' "$d/qdrive/META"
# Away from the build directory, whose qdrive.cmi ocamlfind would see too.
cd "$t"
cat > "$t/prog.ml" <<'P'
let () = let g = Qdrive.create () in print_endline (Qdrive.get_hv g); Qdrive.close g
P
# Only the staged copy: the build tree's findlib dir is not in OCAMLPATH.
# libqdrive itself is not installed here: take it from the build tree.
OCAMLPATH="$d" "$OCAMLFIND" ocamlopt -package qdrive -linkpkg "$t/prog.ml" \
  -o "$t/prog" -ccopt -L"$c"
OCAMLPATH="$d" "$OCAMLFIND" query qdrive | grep -qxF "$d/qdrive"
QDRIVE_HV=my-qemu "$t/prog" | grep -qx my-qemu
OCAMLPATH="$d" "$OCAMLFIND" ocamlc -package qdrive -linkpkg "$t/prog.ml" -o "$t/prog.byte"
QDRIVE_HV=my-qemu CAML_LD_LIBRARY_PATH="$d/stublibs" "$t/prog.byte" | grep -qx my-qemu
MAKEFLAGS= $MAKE -s -C "$b" uninstall DESTDIR="$t/root" >/dev/null
test ! -e "$d/qdrive" && test ! -e "$d/stublibs/dllmlqdrive.so"
echo "install: installed under DESTDIR, used, uninstalled"
