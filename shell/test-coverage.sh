#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# qdrive shell test: no public command is left untested or
# undocumented.  Every command that help lists must be run by one of
# the test scripts (as a word of its own), have its own help text,
# and be in the man page; internal commands must not be in the man
# page (test-options.sh checks that help does not list them).
. "$srcdir/test-lib.sh"

t_run help
[ "$rc" -eq 0 ] || { t_show help; t_fail "help"; }
# "  add-drive, add      add a disk ..." -> add-drive
cmds=$(sed -n '/^Commands:/,/^$/s/^  \([a-z0-9-]*\).*/\1/p' "$tmp/out")
[ "$(echo "$cmds" | wc -l)" -ge 20 ] || t_fail "help lists too few commands: $cmds"

tests=()
for f in "$srcdir"/test-*.sh "$srcdir"/test-interactive.py; do
  [ "$(basename "$f")" = test-coverage.sh ] || tests+=("$f")
done
pod="$srcdir/commands.pod"
[ -f "$pod" ] || pod=commands.pod

for c in $cmds; do
  grep -qE -- "(^|[ \"'])$c( |\$|\\\\)" "${tests[@]}" ||
    t_fail "command $c is not run by any test in shell/"
  t_run help "$c"
  [ "$rc" -eq 0 ] && head -n 1 "$tmp/out" | grep -q "^$c - " ||
    { t_show help "$c"; t_fail "help $c"; }
  grep -qx "=head2 $c" "$pod" || t_fail "command $c is not in the man page"
done

grep -q '^=head2 internal' "$pod" && t_fail "the man page shows internal commands"

t_done
