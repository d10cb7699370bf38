#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# The Python binding gives C's error texts and qemu command lines: the
# generated t/same_as_c.py against the C reference (tests/same-as-c.sh).
set -e
exec bash "$QDRIVE_TOP_SRCDIR/tests/same-as-c.sh" python \
  "$PYTHON" "$(cd "$srcdir" && pwd)/t/same_as_c.py"
