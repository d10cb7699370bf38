#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# qdrive shell test: every argument type parsed from words and every
# return type printed, through the internal test commands.  The
# internal-echo results are those of tests/xlang.expected, which every
# binding prints for the same values.
. "$srcdir/test-lib.sh"

# Required arguments of every type: str optstr strlist b i i64 mode.
t_ok 'str="abc" optstr=NULL strlist=[] b=false i=0 i64=0 mode=writeback obool=unset oint=unset oint64=unset ostring=unset ostringlist=unset oenum=unset' \
  internal-echo abc NULL "" false 0 0 writeback

# ... and every optional argument type.
t_ok 'str="a b\"c\\d" optstr="x" strlist=["a", "b,c"] b=true i=42 i64=-9 mode=unsafe obool=true oint=7 oint64=1099511627776 ostring="s,t" ostringlist=["x", "y"] oenum=besteffort' \
  internal-echo 'a b"c\d' x 'a "b,c"' true 42 -9 unsafe \
    obool:true oint:7 oint64:1099511627776 ostring:s,t ostringlist:'x y' \
    oenum:besteffort

# Limits; the empty string as a list element; optional arguments in
# any order.
t_ok 'str="" optstr="" strlist=[""] b=true i=2147483647 i64=9223372036854775807 mode=writeback obool=false oint=0 oint64=-9223372036854775808 ostring=unset ostringlist=unset oenum=unset' \
  internal-echo "" "" '""' yes 2147483647 9223372036854775807 writeback \
    oint64:-9223372036854775808 oint:0 obool:no

t_ok 'str="h\xc3\xa9llo" optstr=NULL strlist=["\xe2\x82\xac"] b=false i=-2147483648 i64=-1 mode=unsafe obool=unset oint=unset oint64=unset ostring=unset ostringlist=[] oenum=disable' \
  internal-echo $'h\xc3\xa9llo' NULL $'\xe2\x82\xac' 0 -2147483648 -1 unsafe \
    ostringlist: oenum:disable

# 64-bit integers (sizes) with a unit, powers of 1024, either case; the
# limits with the largest unit.
t_ok 'str="s" optstr=NULL strlist=[] b=false i=0 i64=1073741824 mode=writeback obool=unset oint=unset oint64=536870912 ostring=unset ostringlist=unset oenum=unset' \
  internal-echo s NULL "" false 0 1G writeback oint64:512m
t_ok 'str="s" optstr=NULL strlist=[] b=false i=0 i64=8070450532247928832 mode=writeback obool=unset oint=unset oint64=-9223372036854775808 ostring=unset ostringlist=unset oenum=unset' \
  internal-echo s NULL "" false 0 7E writeback oint64:-8E
t_ok 'str="s" optstr=NULL strlist=[] b=false i=0 i64=1024 mode=writeback obool=unset oint=unset oint64=3298534883328 ostring=unset ostringlist=unset oenum=unset' \
  internal-echo s NULL "" false 0 1k writeback oint64:3T

# A value is everything after the first colon; booleans in any case.
t_ok 'str="s" optstr=NULL strlist=["a:b", "c d", "e\"f", "g\\h"] b=true i=1 i64=2 mode=writeback obool=true oint=unset oint64=unset ostring="k:v:w" ostringlist=unset oenum=unset' \
  internal-echo s NULL "a:b 'c d' e\\\"f g\\\\h" TRUE 1 2 writeback \
    ostring:k:v:w obool:True

# Every return type.
t_ok "" internal-rerr ok
t_ok "true" internal-rbool true
t_ok "false" internal-rbool false
t_ok "42" internal-rint 42
t_ok "-5" internal-rint -5
t_ok "1099511627776" internal-rint64 1099511627776
t_ok "-9223372036854775808" internal-rint64 -9223372036854775808
t_ok "hello, world" internal-rstring "hello, world"
t_ok "$(printf '0\n1\n2')" internal-rstringlist 3
t_ok "" internal-rstringlist 0
# A list field as a list argument is typed: each string quoted if needed
# (the struct's strings are those of c/internal-test.c).
strings2=$(cat <<'EOF'
strings: 'a b' '"q" \ '\''r'\'''
EOF
)
t_ok "$(printf '%s\n' 's: s7' 'b: true' 'i: 7' 'i64: 7000000000000' \
          'mode: unsafe' "$strings2")" internal-rstruct 7
t_ok "$(printf '%s\n' 's: s0' 'b: false' 'i: 0' 'i64: 0' 'mode: writeback' \
          'strings: ' '' \
          's: s1' 'b: true' 'i: 1' 'i64: 1000000000000' 'mode: unsafe' \
          "strings: 'a b'" '' \
          's: s2' 'b: false' 'i: 2' 'i64: 2000000000000' 'mode: writeback' \
          "$strings2")" internal-rstructlist 3
t_ok "" internal-rstructlist 0

# ... so that the printed strings of internal-rstruct 4 (spaces, quotes,
# a backslash, UTF-8, the empty string), typed back as internal-echo's
# list, are the same strings in the same order.
t_run internal-rstruct 4
strings4="$(sed -n 's/^strings: //p' "$tmp/out")"
[ "$rc" -eq 0 ] && [ -n "$strings4" ] ||
  { t_show internal-rstruct 4; t_fail "internal-rstruct 4: no strings"; }
t_ok 'str="s" optstr=NULL strlist=["a b", "\"q\" \\ '"'r'"'", "h\xc3\xa9llo \xe2\x82\xac", ""] b=false i=0 i64=0 mode=writeback obool=unset oint=unset oint64=unset ostring=unset ostringlist=unset oenum=unset' \
  internal-echo s NULL "$strings4" false 0 0 writeback

# The empty string is a line of its own.
t_run internal-rstring ""
[ "$rc" -eq 0 ] && [ "$(od -An -c "$tmp/out" | tr -d ' ')" = '\n' ] ||
  { t_show internal-rstring ""; t_fail "empty string"; }

# Each return type's failure is the library's error.
for c in rerr rint rint64 rstring rstringlist rstruct rstructlist; do
  t_err "qdrive: error: internal_$c: val: \"error\" asks for an error" \
    internal-$c error
done
t_err 'qdrive: error: internal_rbool: val: "maybe" is not valid; allowed: true, false' \
  internal-rbool maybe

t_done
