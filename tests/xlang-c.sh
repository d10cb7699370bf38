#!/bin/bash -
# Cross-language test, C half: the output must equal xlang.expected,
# the file every language's half is compared with.
set -e
diff -u "$srcdir/xlang.expected" <(./xlang-c)
