#!/bin/bash -
# SPDX-License-Identifier: LGPL-2.1-or-later
# check-no-cycles.sh finds a cycle where there is one, and not elsewhere.
exec bash "$srcdir/check-no-cycles.sh" --self-test
