#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# Cross-language test, C half: the output must equal xlang.expected,
# the file every language's half is compared with.
set -e
diff -u "$srcdir/xlang.expected" <(./xlang-c)
