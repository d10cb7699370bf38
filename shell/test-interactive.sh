#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# qdrive shell test: the prompt, through a pseudo-terminal (see
# test-interactive.py).
. "$srcdir/test-lib.sh"

command -v python3 >/dev/null ||
  t_fail "python3 not found: apt-get install python3 (or run ./quickstart deps)"
# HOME: libedit reads ~/.editrc unless EDITRC says otherwise; keep the
# user's own settings out of the test.  The disk is in a directory with
# a long name, as under a long TMPDIR: "add-drive PATH format:raw
# cachemode:un" typed with that path would wrap at the terminal's 80
# columns just where Tab completes "un" to "unsafe" (a path of 121 +
# 80k bytes), and libedit would redraw the line in pieces.
n=121
while [ "$n" -le $((${#tmp} + 10)) ]; do n=$((n + 80)); done
long="$tmp/$(head -c $((n - ${#tmp} - 10)) /dev/zero | tr '\0' d)"
mkdir "$long"
truncate -s 1M "$long/disk.img"
[ ${#long} -eq $((n - 9)) ] || t_fail "the long path is ${#long} bytes, not $((n - 9))"
HOME="$tmp" python3 "$srcdir/test-interactive.py" "$long/disk.img" ||
  t_fail "test-interactive.py"
