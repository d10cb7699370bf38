#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# The OCaml binding gives C's error texts and qemu command lines: the
# generated t/same_as_c.ml, native and bytecode, against the C
# reference (tests/same-as-c.sh).
set -e
b="$(cd "$builddir" && pwd)"
bash "$QDRIVE_TOP_SRCDIR/tests/same-as-c.sh" ocaml "$b/t/same_as_c.opt"
bash "$QDRIVE_TOP_SRCDIR/tests/same-as-c.sh" ocaml "$b/t/same_as_c.byte"
