#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# Cross-language test, OCaml half: native and bytecode builds of the
# generated t/xlang.ml must print tests/xlang.expected exactly.
set -e
diff -u "$top_srcdir/tests/xlang.expected" <("$builddir/t/xlang.opt")
diff -u "$top_srcdir/tests/xlang.expected" <("$builddir/t/xlang.byte")
