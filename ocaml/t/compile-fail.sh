#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# Enums are polymorphic variants: a value outside the enum must not
# compile.  Compiled through findlib against the build tree (./run puts
# ocaml/findlib in OCAMLPATH), as a user's program would be.
set -e
t="$(mktemp -d)"
trap 'rm -rf "$t"' EXIT
cd "$t"

compile () { "$OCAMLFIND" ocamlopt -package qdrive -c "$1" > "$1.err" 2>&1; }

# refuse FILE TYPE-NAME: FILE fails to compile, naming the type and `Bogus.
refuse () {
  if compile "$1"; then
    echo "FAIL: $1 compiled:"; cat "$1"; exit 1
  fi
  if ! grep -q "$2" "$1.err" || ! grep -q 'Bogus' "$1.err"; then
    echo "FAIL: $1: the error does not mention $2 and \`Bogus:"; cat "$1.err"; exit 1
  fi
  echo "refused as expected: $1"; sed 's/^/    /' "$1.err"
}

# Controls: the same programs with valid values compile.
cat > good.ml <<'P'
let () =
  let g = Qdrive.create () in
  Qdrive.add_drive g ~cachemode:`Unsafe ~iface:`Virtio ~discard:`Besteffort "disk.img";
  Qdrive.set_accel g `Kvm_tcg;
  Qdrive.close g
P
compile good.ml || { echo "FAIL: good.ml does not compile:"; cat good.ml.err; exit 1; }

echo 'let () = Qdrive.add_drive (Qdrive.create ()) ~cachemode:`Bogus "disk.img"' > cachemode.ml
refuse cachemode.ml cachemode
echo 'let () = Qdrive.add_drive (Qdrive.create ()) ~iface:`Bogus "disk.img"' > iface.ml
refuse iface.ml iface
echo 'let () = Qdrive.set_accel (Qdrive.create ()) `Bogus' > accel.ml
refuse accel.ml accel
# A string is not a cache mode either.
echo 'let () = Qdrive.add_drive (Qdrive.create ()) ~cachemode:"unsafe" "disk.img"' > string.ml
if compile string.ml; then echo "FAIL: a string was taken for a cachemode"; exit 1; fi
grep -q cachemode string.ml.err
