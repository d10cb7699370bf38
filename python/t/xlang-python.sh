#!/bin/bash -
# Cross-language test, Python half: the generated xlang.py must print
# exactly tests/xlang.expected, the file every language's half is
# compared with.
set -e
diff -u "$QDRIVE_TOP_SRCDIR/tests/xlang.expected" <("$PYTHON" "$srcdir/xlang.py")
