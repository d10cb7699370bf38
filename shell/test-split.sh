#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# qdrive shell test: commands separated by a lone ":", and quoted
# arguments that hold ":" and spaces, on the command line and in
# scripts.
. "$srcdir/test-lib.sh"

mkdir "$tmp/dir : with colon"
odd="$tmp/dir : with colon/disk:1 2.img"
truncate -s 1M "$odd"

# Command line: the calling shell's quoting makes the words; only a
# word that is exactly ":" separates.
t_ok " : 
-
a:b" internal-rstring ' : ' : internal-rstring - : internal-rstring "a:b"
t_run add-drive "$odd" name:"my : name" : list-drives
[ "$rc" -eq 0 ] && grep -qx "filename: $odd" "$tmp/out" &&
  grep -qx "name: my : name" "$tmp/out" ||
  { t_show add-drive; t_fail "quoted file name and name with ':' and spaces"; }

t_ok "/opt/my qemu:1
 : " set-hv "/opt/my qemu:1" : get-hv : internal-rstring " : "
t_ok "::" internal-rstring "::"

# Empty commands (": :", leading or trailing ":") are nothing.
t_ok "256
1" : get-memsize : : get-smp :

# A lone ":" cannot be an argument on the command line: it separates.
t_err "qdrive: error: internal-rstring: missing argument val; usage: internal-rstring VAL" \
  internal-rstring : get-memsize

# Scripts: quotes and backslashes keep ":" an argument.
cat > "$tmp/s.qd" <<SCRIPT
add-drive "$odd" name:"my : name" : list-drives
internal-rstring ":" : internal-rstring ':' : internal-rstring \\: : get-smp
internal-rstring x:y:z: : internal-rstring ' a : b '
internal-echo "a : b" NULL 'x ":" "y z"' no 0 0 unsafe ostring:"k : v" ostringlist:'":" ""'
SCRIPT
t_run -f "$tmp/s.qd"
expected=":
:
:
1
x:y:z:
 a : b 
str=\"a : b\" optstr=NULL strlist=[\"x\", \":\", \"y z\"] b=false i=0 i64=0 mode=unsafe obool=unset oint=unset oint64=unset ostring=\"k : v\" ostringlist=[\":\", \"\"] oenum=unset"
[ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ] &&
  grep -qx "filename: $odd" "$tmp/out" && grep -qx "name: my : name" "$tmp/out" &&
  diff -u <(printf '%s\n' "$expected") <(tail -n 7 "$tmp/out") ||
  { t_show -f s.qd; t_fail "':' and quoting in a script"; }

# Splitting is linear in memory: a 120 KB line of 40,000 words (which
# took 954 MB when each word had a buffer the size of the rest of the
# line) is split within a bound of 64 MB of peak memory, measured by
# the kernel (the whole process: about 16 MB).
python3 -c "print('internal-rstring ' + ' '.join(['ab'] * 40000))" > "$tmp/long.qd"
peak=$(python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' qdrive -f "$tmp/long.qd")
t_err "qdrive: error: $tmp/long.qd:1: internal-rstring: unexpected argument \"ab\"; usage: internal-rstring VAL" \
  -f "$tmp/long.qd"
[ "$peak" -lt 65536 ] || t_fail "splitting a 120 KB line took $peak KB at its peak"
echo "$0: a 120 KB line of 40,000 words: peak $peak KB"

t_done
