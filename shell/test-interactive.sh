#!/bin/bash -
# qdrive shell test: the prompt, through a pseudo-terminal (see
# test-interactive.py).
. "$srcdir/test-lib.sh"

command -v python3 >/dev/null ||
  t_fail "python3 not found: apt-get install python3 (or run ./quickstart deps)"
# HOME: libedit reads ~/.editrc unless EDITRC says otherwise; keep the
# user's own settings out of the test.
HOME="$tmp" python3 "$srcdir/test-interactive.py" "$disk" ||
  t_fail "test-interactive.py"
