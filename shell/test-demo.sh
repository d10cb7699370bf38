#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# qdrive shell test: the demo that ./quickstart demo runs works, and
# prints exactly the commands it runs: each "$ qdrive ..." line, read
# as a shell reads it, has the words qdrive was given (a wrapper in
# PATH records them), in order, and the script it shows being written
# is the one written.
. "$srcdir/test-lib.sh"

real="$(command -v qdrive)"
mkdir "$tmp/bin"
cat > "$tmp/bin/qdrive" <<W
#!/bin/bash
printf '%q ' "\$@" >> "$tmp/ran"; echo >> "$tmp/ran"
exec "$real" "\$@"
W
chmod +x "$tmp/bin/qdrive"
PATH="$tmp/bin:$PATH" bash "$srcdir/demo.sh" "$tmp/demo" > "$tmp/demo.out" 2>&1 ||
  { cat "$tmp/demo.out" >&2; t_fail "demo.sh failed"; }

grep -q '^file=.*/system.img,cache=writeback,format=raw,id=hd0,if=none$' "$tmp/demo.out" &&
  grep -q '^file=.*/scratch0.img,cache=unsafe,format=raw,id=hd1,if=none$' "$tmp/demo.out" &&
  grep -qx 'cachemode: unsafe' "$tmp/demo.out" &&
  grep -qx 'cache_no_flush: true' "$tmp/demo.out" &&
  grep -qx "qdrive: error: add_drive: cachemode: \"fast\" is not valid; allowed: $allowed_cachemode" "$tmp/demo.out" &&
  grep -qE '^lrwxrwxrwx .* data -> \.\./\.\./sd[a-z]$' "$tmp/demo.out" &&
  grep -qE '^hd0 +writeback +[0-9]+ +[0-9.]+ MB +[1-9][0-9]* +[0-9.]+ ms$' "$tmp/demo.out" &&
  grep -qE '^hd1 +unsafe +[0-9]+ +[0-9.]+ MB +[1-9][0-9]* +[0-9.]+ ms$' "$tmp/demo.out" ||
  { cat "$tmp/demo.out" >&2; t_fail "the demo's output"; }

# The commands shown, as the shell would split them.
shown="$tmp/shown"
: > "$shown"
while IFS= read -r line; do
  eval "set -- ${line#\$ }"
  printf '%q ' "$@" | sed 's/^qdrive //' >> "$shown"; echo >> "$shown"
done < <(grep '^\$ qdrive ' "$tmp/demo.out")
[ "$(wc -l < "$shown")" -ge 4 ] || t_fail "too few commands shown: $(cat "$shown")"
diff -u "$shown" "$tmp/ran" || t_fail "the commands shown (-) are not those run (+)"

# The scripts, between "cat > NAME.qd <<'EOF'" and "EOF".
for qd in demo.qd appliance.qd; do
  sed -n "/^\\\$ cat > $qd <<'EOF'\$/,/^EOF\$/p" "$tmp/demo.out" | sed '1d;$d' |
    diff -u - "$tmp/demo/$qd" || t_fail "the script $qd shown is not the one written"
done
echo "$0: ok: $(wc -l < "$shown") commands shown as run"
