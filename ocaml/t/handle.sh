#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# t/test_handle.ml, native and bytecode.
set -e
"$builddir/t/test_handle.opt"
"$builddir/t/test_handle.byte"
