#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# t/test_launch.ml: launch, block_info and shutdown with real qemu and
# libvirt's test driver; the runtime lock is released during launch.
set -e
"$builddir/t/test_launch.opt"
