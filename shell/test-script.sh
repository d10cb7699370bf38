#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
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
$(drive_text index=0 filename="$tmp/a dir/disk 2.img" format=raw name="two words")"
t_ok "$expected" -f "$tmp/ok.qd"
t_ok "$expected" --file "$tmp/ok.qd"

# The same from standard input, with -f - and without -f.
qdrive -f - < "$tmp/ok.qd" > "$tmp/out" 2>"$tmp/err" && [ ! -s "$tmp/err" ] &&
  diff -u <(printf '%s\n' "$expected") "$tmp/out" ||
  t_fail "-f - from standard input"
qdrive < "$tmp/ok.qd" > "$tmp/out" 2>"$tmp/err" && [ ! -s "$tmp/err" ] &&
  diff -u <(printf '%s\n' "$expected") "$tmp/out" ||
  t_fail "commands from standard input"

# list-drives prints a string list field as a list argument is typed:
# both RBD monitors in order, none for a file, a quote quoted; the
# printed list, given back as the argument, lists the same.
cat > "$tmp/servers.qd" <<'SCRIPT'
add-drive pool/img protocol:rbd server:"mon1 tcp:[::1]:6790"
add-drive exp protocol:nbd server:"unix:/run/it\\'s.sock"
list-drives
SCRIPT
qdrive -f "$tmp/servers.qd" > "$tmp/out" 2>"$tmp/err" ||
  t_fail "servers: $(cat "$tmp/err")"
servers="$(grep '^server: ' "$tmp/out")"
[ "$servers" = "server: tcp:mon1:6789 tcp:[::1]:6790
server: 'unix:/run/it'\\''s.sock'" ] || t_fail "servers listed as: $servers"
printed="$(sed -n 2p <<<"$servers")"
t_run add-drive exp protocol:nbd "server:${printed#server: }" : list-drives
[ "$rc" -eq 0 ] && [ "$(grep '^server: ' "$tmp/out")" = "$printed" ] ||
  t_fail "the printed server list read back: $(cat "$tmp/out" "$tmp/err")"
t_run add-drive "$disk" : list-drives
[ "$rc" -eq 0 ] && [ "$(grep '^server: ' "$tmp/out")" = "server: " ] ||
  t_fail "a file drive's servers: $(cat "$tmp/out" "$tmp/err")"

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

# A NUL byte is an error naming its line (C would have seen the line
# end there, and run what came before it).
t_run_stdin 'get-smp\nset-smp 3\0 : bogus\nget-smp\n'
[ "$rc" -eq 1 ] && [ "$(cat "$tmp/out")" = 1 ] &&
  [ "$(cat "$tmp/err")" = "qdrive: error: stdin:2: a NUL byte at byte 10 of the line; allowed: text without NUL bytes" ] ||
  { t_show stdin; t_fail "NUL byte in a line"; }
printf 'set-smp 2 \\\n 3\0\n' > "$tmp/nul.qd"
t_run -f "$tmp/nul.qd"
[ "$rc" -eq 1 ] && [ ! -s "$tmp/out" ] &&
  [ "$(cat "$tmp/err")" = "qdrive: error: $tmp/nul.qd:2: a NUL byte at byte 3 of the line; allowed: text without NUL bytes" ] ||
  { t_show -f nul.qd; t_fail "NUL byte in a joined line"; }

# A backslash before the newline joins the next line, as in sh: outside
# quotes and inside double quotes both go; a comment is not continued.
# Errors name the first line of a joined line.
cat > "$tmp/join.qd" <<'SCRIPT'
set-smp \
  3 : get-smp
internal-rstring "a\
b" : internal-rstring e\
f : internal-rstring 'g\h'
# get-smp \
get-memsize
set-memsize \
  \
  bogus
SCRIPT
t_run -f "$tmp/join.qd"
[ "$rc" -eq 1 ] && [ "$(cat "$tmp/out")" = "3
ab
ef
g\\h
256" ] &&
  [ "$(cat "$tmp/err")" = "qdrive: error: $tmp/join.qd:8: set-memsize: memsize: \"bogus\" is not valid; allowed: an integer from -2147483648 to 2147483647" ] ||
  { t_show -f join.qd; t_fail "lines joined by a backslash"; }
# A backslash on the last line, with its newline: nothing to join.
t_ok 3 -f <(printf 'set-smp 3 : get-smp \\\n')
# Inside single quotes a backslash is a backslash, and quotes do not
# go on to the next line.
t_run_stdin "internal-rstring 'a\\\\\nb'\n"
[ "$rc" -eq 1 ] && [ "$(cat "$tmp/err")" = "qdrive: error: stdin:1: unterminated ' quote" ] ||
  { t_show stdin; t_fail "backslash at the end of a single-quoted line"; }

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
# its handle: the temporary directory with the scratch disk goes.  So
# for SIGTERM, SIGQUIT (by default a core dump) and SIGPIPE (the reader
# of the output went away: by default qdrive died).
mkdir "$tmp/t"
for sig in TERM QUIT PIPE; do
  rm -f "$tmp/fifo" "$tmp/out.fifo"
  mkfifo "$tmp/fifo" "$tmp/out.fifo"
  # As from a terminal: a background job's SIGQUIT and SIGINT are
  # ignored unless the program catches them.
  TMPDIR="$tmp/t" env --default-signal=QUIT,INT \
    qdrive -f "$tmp/fifo" >"$tmp/out.fifo" 2>"$tmp/err" &
  pid=$!
  # qdrive's output first: its open waits for a reader.
  exec 5<"$tmp/out.fifo" 3>"$tmp/fifo"
  echo "add-drive-scratch 1048576" >&3
  for _ in $(seq 200); do
    [ -n "$(ls -A "$tmp/t")" ] && break
    sleep 0.05
  done
  [ -n "$(ls -A "$tmp/t")" ] || t_fail "add-drive-scratch made no temporary directory"
  if [ $sig = PIPE ]; then
    exec 5<&-                   # the reader goes: the next write fails
    echo "help : help : help : help : help" >&3
  else
    kill -$sig "$pid"
  fi
  wait_bounded "$pid"
  exec 3>&- 5<&-
  [ "$rc" -eq 1 ] &&
    grep -q "^qdrive: error: .*stopped by a signal: $(case $sig in TERM) echo Terminated;; QUIT) echo Quit;; PIPE) echo Broken pipe;; esac)\$" "$tmp/err" &&
    [ -z "$(ls -A "$tmp/t")" ] ||
    { echo "status $rc" >&2; cat "$tmp/err" >&2; ls -lR "$tmp/t" >&2; t_fail "SIG$sig during a script"; }
done

# Ctrl-C during a launch stops it at once, not after its timeout, and
# leaves nothing: no qemu, no files.  qemu waits for ever on an NBD
# server (a unix socket nobody answers on), before it answers QMP.
python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(8)
time.sleep(60)' "$tmp/hung.sock" &
server=$!
for _ in $(seq 100); do [ -S "$tmp/hung.sock" ] && break; sleep 0.05; done
TMPDIR="$tmp/t" env --default-signal=INT \
  qdrive set-memsize 128 : \
  add-drive "" protocol:nbd server:"unix:$tmp/hung.sock" readonly:true : \
  set-launch-timeout 10 : launch : get-smp >"$tmp/out" 2>"$tmp/err" &
pid=$!
# This test's own qemu, by its socket's full path: other tests on the
# machine may have a hung.sock of their own.
for _ in $(seq 200); do
  grep -lsa "$tmp/hung.sock" /proc/[0-9]*/cmdline 2>/dev/null |
    xargs -r grep -qsa qemu && break
  sleep 0.05
done
start=$SECONDS
kill -INT "$pid"
wait_bounded "$pid"
took=$((SECONDS - start))
qemu_left=$(grep -lsa "$tmp/hung.sock" /proc/[0-9]*/cmdline | xargs -r grep -lsa qemu)
kill "$server"
wait "$server" 2>/dev/null
[ "$rc" -eq 1 ] && [ "$took" -le 2 ] && [ ! -s "$tmp/out" ] &&
  [ "$(cat "$tmp/err")" = "qdrive: error: launch: cancelled" ] &&
  [ -z "$qemu_left" ] && [ -z "$(ls -A "$tmp/t")" ] ||
  { echo "status $rc after $took s; qemu left: $qemu_left" >&2; cat "$tmp/err" >&2
    ls -lR "$tmp/t" >&2; t_fail "Ctrl-C during launch"; }

t_done
