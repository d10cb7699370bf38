#!/bin/bash -
# qdrive shell test: scripts (-f, and standard input that is not a
# terminal): comments, blank lines, quoting, several commands on a
# line, and a failing line named in the error, after which nothing
# runs.
. "$srcdir/test-lib.sh"

mkdir "$tmp/a dir"
truncate -s 1M "$tmp/a dir/disk 2.img"

cat > "$tmp/ok.qd" <<SCRIPT
# A script: comments, blank lines and quotes.

add-drive "$tmp/a dir/disk 2.img" format:raw name:'two words'   # trailing comment
  set-memsize 1024 : set-smp 2       # two commands on a line
get-memsize : get-smp
	internal-rstring "tab	and \"quotes\" and \\\\ and #hash"
internal-rstring a\ b\:c
list-drives
SCRIPT
expected="1024
2
tab	and \"quotes\" and \\ and #hash
a b:c
index: 0
filename: $tmp/a dir/disk 2.img
format: raw
iface: scsi
cachemode: writeback
readonly: false
discard: disable
copyonread: false
label: 
name: two words
blocksize: 0
protocol: file
server: 
username: "
t_ok "$expected" -f "$tmp/ok.qd"
t_ok "$expected" --file "$tmp/ok.qd"

# The same from standard input, with -f - and without -f.
qdrive -f - < "$tmp/ok.qd" > "$tmp/out" 2>"$tmp/err" && [ ! -s "$tmp/err" ] &&
  diff -u <(printf '%s\n' "$expected") "$tmp/out" ||
  t_fail "-f - from standard input"
qdrive < "$tmp/ok.qd" > "$tmp/out" 2>"$tmp/err" && [ ! -s "$tmp/err" ] &&
  diff -u <(printf '%s\n' "$expected") "$tmp/out" ||
  t_fail "commands from standard input"

# A failing line: its number in the error; the lines before it ran,
# the ones after it did not.
cat > "$tmp/bad.qd" <<SCRIPT
# line 1
get-memsize

add-drive "$disk" cachemode:fast
get-smp
SCRIPT
t_run -f "$tmp/bad.qd"
[ "$rc" -eq 1 ] && [ "$(cat "$tmp/out")" = 256 ] &&
  [ "$(cat "$tmp/err")" = "qdrive: error: $tmp/bad.qd:4: add_drive: cachemode: \"fast\" is not valid; allowed: $allowed_cachemode" ] ||
  { t_show -f bad.qd; t_fail "failing line"; }

# The shell's own errors are named the same way.
printf 'get-memsize\nget-smp 3\n' > "$tmp/bad2.qd"
t_run -f "$tmp/bad2.qd"
[ "$rc" -eq 1 ] && [ "$(cat "$tmp/err")" = "qdrive: error: $tmp/bad2.qd:2: get-smp: unexpected argument \"3\"; usage: get-smp" ] ||
  { t_show -f bad2.qd; t_fail "shell error in a script"; }

# From standard input the location is "stdin".
t_run_stdin () {
  printf "$1" | qdrive >"$tmp/out" 2>"$tmp/err"
  rc=$?
  ntests=$((ntests + 1))
}
t_run_stdin 'get-smp\n\n\nbogus\nget-smp\n'
[ "$rc" -eq 1 ] && [ "$(cat "$tmp/out")" = 1 ] &&
  [ "$(cat "$tmp/err")" = "qdrive: error: stdin:4: bogus: unknown command; 'help' lists the commands" ] ||
  { t_show stdin; t_fail "failing line on stdin"; }

# A quote left open is an error on its line.
t_run_stdin 'get-smp\ninternal-rstring "abc\nget-smp\n'
[ "$rc" -eq 1 ] && [ "$(cat "$tmp/out")" = 1 ] &&
  [ "$(cat "$tmp/err")" = "qdrive: error: stdin:2: unterminated \" quote" ] ||
  { t_show stdin; t_fail "unterminated quote"; }
t_run_stdin "internal-rstring 'abc\n"
[ "$rc" -eq 1 ] && [ "$(cat "$tmp/err")" = "qdrive: error: stdin:1: unterminated ' quote" ] ||
  { t_show stdin; t_fail "unterminated single quote"; }
t_run_stdin 'get-smp \\'
[ "$rc" -eq 1 ] && [ "$(cat "$tmp/err")" = "qdrive: error: stdin:1: backslash at the end of the line" ] ||
  { t_show stdin; t_fail "backslash at the end"; }

# quit ends a script with status 0; the last line needs no newline.
t_run_stdin 'get-smp\nquit\nbogus\n'
[ "$rc" -eq 0 ] && [ "$(cat "$tmp/out")" = 1 ] && [ ! -s "$tmp/err" ] ||
  { t_show stdin; t_fail "quit in a script"; }
t_run_stdin 'get-smp : exit\nbogus'
[ "$rc" -eq 0 ] && [ "$(cat "$tmp/out")" = 1 ] || { t_show stdin; t_fail "exit"; }
t_run_stdin 'set-smp 3\nget-smp'
[ "$rc" -eq 0 ] && [ "$(cat "$tmp/out")" = 3 ] || { t_show stdin; t_fail "no final newline"; }

# An empty script does nothing, successfully.
t_ok "" -f /dev/null

# A script run as a program, by its #! line.
printf '#!/usr/bin/env -S qdrive -f\nset-smp 4 : get-smp\n' > "$tmp/prog"
chmod +x "$tmp/prog"
[ "$("$tmp/prog")" = 4 ] || t_fail "#! script"

# A signal stops a script between commands, and qdrive still closes
# its handle: the temporary directory with the scratch disk goes.
mkfifo "$tmp/fifo"
mkdir "$tmp/t"
TMPDIR="$tmp/t" qdrive -f "$tmp/fifo" >"$tmp/out" 2>"$tmp/err" &
pid=$!
exec 3>"$tmp/fifo"
echo "add-drive-scratch 1048576" >&3
for _ in $(seq 200); do
  [ -n "$(ls -A "$tmp/t")" ] && break
  sleep 0.05
done
[ -n "$(ls -A "$tmp/t")" ] || t_fail "add-drive-scratch made no temporary directory"
kill -TERM "$pid"
wait "$pid"
rc=$?
exec 3>&-
[ "$rc" -eq 1 ] &&
  [ "$(cat "$tmp/err")" = "qdrive: error: stopped by a signal: Terminated" ] &&
  [ -z "$(ls -A "$tmp/t")" ] ||
  { t_show -f fifo; ls -lR "$tmp/t" >&2; t_fail "SIGTERM during a script"; }

t_done
