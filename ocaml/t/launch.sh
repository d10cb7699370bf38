#!/bin/bash -
# t/test_launch.ml: launch, block_info and shutdown with real qemu and
# libvirt's test driver; the runtime lock is released during launch.
set -e
"$builddir/t/test_launch.opt"
