#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# Cross-language test, Python half: the generated xlang.py must print
# exactly tests/xlang.expected, the file every language's half is
# compared with.
#
# The script is read from stdin, so that Python puts the current
# directory (python/ of the build tree: the built package) first on
# sys.path, not the script's own directory: in a VPATH build that is
# python/ of the source tree, whose qdrive/ has no extension module.
set -e
diff -u "$QDRIVE_TOP_SRCDIR/tests/xlang.expected" <("$PYTHON" - < "$srcdir/xlang.py")
