#!/bin/bash -
# qdrive shell test: the demo that ./quickstart demo runs works.
. "$srcdir/test-lib.sh"

bash "$srcdir/demo.sh" > "$tmp/demo.out" 2>&1 || t_fail "demo.sh failed"
grep -q '^file=.*/system.img,cache=writeback,format=raw,id=hd0,if=none$' "$tmp/demo.out" &&
  grep -q '^file=.*/scratch0.img,cache=unsafe,format=raw,id=hd1,if=none$' "$tmp/demo.out" &&
  grep -qx 'cachemode: unsafe' "$tmp/demo.out" &&
  grep -qx "qdrive: error: add_drive: cachemode: \"fast\" is not valid; allowed: $allowed_cachemode" "$tmp/demo.out" ||
  { cat "$tmp/demo.out" >&2; t_fail "the demo's output"; }
echo "$0: ok"
