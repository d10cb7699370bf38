#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# A user's program built with ocamlfind -package qdrive against the
# build tree (./run sets OCAMLPATH and CAML_LD_LIBRARY_PATH), native
# and bytecode, and run.
set -e
t="$(mktemp -d)"
trap 'rm -rf "$t"' EXIT
cat > "$t/prog.ml" <<'P'
let () =
  let disk = Sys.argv.(1) in
  let g = Qdrive.create () in
  Qdrive.add_drive g ~format:"raw" ~cachemode:`Unsafe disk;
  List.iter print_endline (Qdrive.get_qemu_command_line g);
  Qdrive.close g
P
truncate -s 1M "$t/disk.img"
# Away from the build directory, whose qdrive.cmi ocamlfind would see too.
cd "$t"
"$OCAMLFIND" ocamlopt -package qdrive -linkpkg "$t/prog.ml" -o "$t/prog.opt"
"$OCAMLFIND" ocamlc -package qdrive -linkpkg "$t/prog.ml" -o "$t/prog.byte"
want="file=$t/disk.img,cache=unsafe,format=raw,id=hd0,if=none"
for p in prog.opt prog.byte; do
  "$t/$p" "$t/disk.img" > "$t/$p.out"
  grep -qxF "$want" "$t/$p.out" || { echo "FAIL: $p:"; cat "$t/$p.out"; exit 1; }
done
echo "findlib: native and bytecode programs built with -package qdrive work"
