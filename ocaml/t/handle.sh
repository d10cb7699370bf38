#!/bin/bash -
# t/test_handle.ml, native and bytecode.
set -e
"$builddir/t/test_handle.opt"
"$builddir/t/test_handle.byte"
