#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# t/test_hostile.ml: hostile file names reach qemu unchanged (one real
# launch); labels and formats with ',', '=' or ' ' are refused.
set -e
"$builddir/t/test_hostile.opt"
