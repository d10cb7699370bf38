#!/bin/bash -
# check-no-cycles.sh finds a cycle where there is one, and not elsewhere.
exec bash "$srcdir/check-no-cycles.sh" --self-test
