#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# t/test_gc.ml: 100,000 unclosed handles freed by the GC.
set -e
"$builddir/t/test_gc.opt"
