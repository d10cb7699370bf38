#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# t/test_events.ml: event callbacks from OCaml: what they are given,
# exceptions, calls from a callback, the GC, one real launch.
set -e
"$builddir/t/test_events.opt"
