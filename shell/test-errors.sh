#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# qdrive shell test: every error path exits with status 1 and prints
# one line "qdrive: error: ..." naming what was wrong; the library's
# messages are printed unchanged and once.
. "$srcdir/test-lib.sh"

echo_args=(abc NULL "" false 0 0 writeback)   # valid internal-echo arguments

# Commands.
t_err "qdrive: error: bogus: unknown command; 'help' lists the commands" bogus
t_err "qdrive: error: bogus: unknown command; 'help' lists the commands" \
  set-memsize 512 : bogus arg

# Number of arguments.
t_err "qdrive: error: set-memsize: missing argument memsize; usage: set-memsize MEMSIZE" \
  set-memsize
t_err "qdrive: error: get-memsize: unexpected argument \"1\"; usage: get-memsize" \
  get-memsize 1
t_err "qdrive: error: config: missing argument qemuparam; usage: config QEMUPARAM [QEMUVALUE]" \
  config
t_err "qdrive: error: config: unexpected argument \"c\"; usage: config QEMUPARAM [QEMUVALUE]" \
  config -a b c
t_err "qdrive: error: internal-echo: missing argument mode; usage: internal-echo STR OPTSTR STRLIST B I I64 MODE [obool:true|false] [oint:N] [oint64:N] [ostring:STRING] [ostringlist:LIST] [oenum:disable|enable|besteffort]" \
  internal-echo abc NULL "" false 0 0

# Optional arguments.
allowed="$optargs_add_drive"
t_err "qdrive: error: add-drive: unknown optional argument \"bogus\"; allowed: $allowed" \
  add-drive "$disk" bogus:1
t_err "qdrive: error: add-drive: unknown optional argument \"\"; allowed: $allowed" \
  add-drive "$disk" :raw
t_err "qdrive: error: add-drive: unknown optional argument \"Format\"; allowed: $allowed" \
  add-drive "$disk" Format:raw
t_err "qdrive: error: add-drive: unexpected argument \"raw\"; optional arguments are written key:value, with key one of: $allowed" \
  add-drive "$disk" raw
t_err "qdrive: error: add-drive: optional argument \"format\" given more than once" \
  add-drive "$disk" format:raw cachemode:unsafe format:qcow2

# Booleans.
t_err "qdrive: error: set-trace: trace: \"maybe\" is not valid; allowed: true, false, yes, no, 1, 0" \
  set-trace maybe
t_err "qdrive: error: add-drive: readonly: \"\" is not valid; allowed: true, false, yes, no, 1, 0" \
  add-drive "$disk" readonly:

# Integers: not a number, trailing garbage, blanks, empty, overflow.
range32="allowed: an integer from -2147483648 to 2147483647"
range64="allowed: an integer from -9223372036854775808 to 9223372036854775807, optionally followed by K, M, G, T, P or E (powers of 1024: 1G is 1073741824)"
t_err "qdrive: error: set-memsize: memsize: \"12x\" is not valid; $range32" set-memsize 12x
t_err "qdrive: error: set-memsize: memsize: \"\" is not valid; $range32" set-memsize ""
t_err "qdrive: error: set-memsize: memsize: \" 12\" is not valid; $range32" set-memsize " 12"
t_err "qdrive: error: set-memsize: memsize: \"12 \" is not valid; $range32" set-memsize "12 "
t_err "qdrive: error: set-memsize: memsize: \"0x10\" is not valid; $range32" set-memsize 0x10
# Plain decimal: no sign but '-', no blank of any kind (escaped in the
# message, as every control character a word brings).
t_err "qdrive: error: set-memsize: memsize: \"+512\" is not valid; $range32" set-memsize +512
t_err "qdrive: error: set-memsize: memsize: \"-\" is not valid; $range32" set-memsize -
t_err "qdrive: error: set-memsize: memsize: \"-+5\" is not valid; $range32" set-memsize -+5
t_err "qdrive: error: set-memsize: memsize: \"\\t512\" is not valid; $range32" set-memsize $'\t512'
t_err "qdrive: error: set-memsize: memsize: \"\\n512\" is not valid; $range32" set-memsize $'\n512'
t_err "qdrive: error: add-drive-scratch: size: \"+1024\" is not valid; $range64" \
  add-drive-scratch +1024
t_err "qdrive: error: add-drive: blocksize: \"+512\" is not valid; $range32" \
  add-drive "$disk" blocksize:+512
t_err "qdrive: error: set-memsize: memsize: \"2147483648\" is out of range; $range32" \
  set-memsize 2147483648
t_err "qdrive: error: set-smp: smp: \"-99999999999999999999\" is out of range; $range32" \
  set-smp -99999999999999999999
t_err "qdrive: error: add-drive-scratch: size: \"9223372036854775808\" is out of range; $range64" \
  add-drive-scratch 9223372036854775808
t_err "qdrive: error: add-drive-scratch: size: \"1X\" is not valid; $range64" \
  add-drive-scratch 1X
t_err "qdrive: error: add-drive-scratch: size: \"1GB\" is not valid; $range64" \
  add-drive-scratch 1GB
t_err "qdrive: error: add-drive-scratch: size: \"G\" is not valid; $range64" \
  add-drive-scratch G
t_err "qdrive: error: add-drive-scratch: size: \"8E\" is out of range; $range64" \
  add-drive-scratch 8E
t_err "qdrive: error: add-drive: blocksize: \"4k\" is not valid; $range32" \
  add-drive "$disk" blocksize:4k
t_err "qdrive: error: internal-echo: oint64: \"99999999999999999999\" is out of range; $range64" \
  internal-echo "${echo_args[@]}" oint64:99999999999999999999

# Lists.
t_err "qdrive: error: internal-echo: strlist: \"a 'b\" is not a valid list: unterminated ' quote" \
  internal-echo abc NULL "a 'b" false 0 0 writeback
t_err "qdrive: error: internal-echo: ostringlist: \"\"x\" is not a valid list: unterminated \" quote" \
  internal-echo "${echo_args[@]}" ostringlist:'"x'

# Enums are checked by the library; its text, once.
t_err "qdrive: error: add_drive: cachemode: \"fast\" is not valid; allowed: $allowed_cachemode" \
  add-drive "$disk" cachemode:fast
t_err "qdrive: error: add_drive: iface: \"sata\" is not valid; allowed: $allowed_iface" \
  add-drive "$disk" iface:sata
t_err "qdrive: error: set_accel: accel: \"xen\" is not valid; allowed: $allowed_accel" \
  set-accel xen
t_err "qdrive: error: set_guest: guest: \"running\" is not valid; allowed: $allowed_guest" \
  set-guest running
t_err 'qdrive: error: set_cachedir: cachedir: "cache" is not valid; allowed: an absolute directory path' \
  set-cachedir cache
t_err "qdrive: error: internal_echo: mode: \"none\" is not valid; allowed: $allowed_cachemode" \
  internal-echo abc NULL "" false 0 0 none

# The library's other errors, unchanged.
t_err "qdrive: error: add_drive: filename: \"$tmp/none.img\": No such file or directory" \
  add-drive "$tmp/none.img"
t_err 'qdrive: error: add_drive: label: "a b" is not valid; allowed: 1 to 20 characters, each a letter, a digit or _' \
  add-drive "$disk" label:"a b"
t_err 'qdrive: error: set_memsize: memsize: 1 is out of range; allowed: 128 to 1048576 (MiB)' \
  set-memsize 1
t_err 'qdrive: error: internal_echo: oint: -1 is out of range; allowed: 0 or more' \
  internal-echo "${echo_args[@]}" oint:-1

# A word cannot forge a second error line or reach the terminal: its
# control characters are escaped, in the shell's messages and the
# library's alike.
t_err 'qdrive: error: bo\ngus: unknown command; '"'help'"' lists the commands' \
  $'bo\ngus'
t_err 'qdrive: error: set-smp: smp: "1\nqdrive: error: forged\x1b[2J" is not valid; '"$range32" \
  set-smp $'1\nqdrive: error: forged\e[2J'
t_err "qdrive: error: add_drive: filename: \"$tmp/x\\nqdrive: error: forged\\x1b[2J\": No such file or directory" \
  add-drive $"$tmp/x"$'\nqdrive: error: forged\e[2J'
t_err 'qdrive: error: add_drive: label: "a\tb\xc2\x9b" is not valid; allowed: 1 to 20 characters, each a letter, a digit or _' \
  add-drive "$disk" label:$'a\tb\xc2\x9b'
t_err $'qdrive: error: set-smp: smp: "\xe9\\x9b[2J" is not valid; '"$range32" \
  set-smp $'\xe9\x9b[2J'

# A failed command ends the sequence: what follows does not run.
t_err 'qdrive: error: set_memsize: memsize: 1 is out of range; allowed: 128 to 1048576 (MiB)' \
  set-memsize 1 : get-memsize
t_err 'qdrive: error: set-memsize: unexpected argument "cachemode:x"; usage: set-memsize MEMSIZE' \
  set-memsize 512 cachemode:x : get-memsize
t_err 'qdrive: error: add_drive: label: "a b" is not valid; allowed: 1 to 20 characters, each a letter, a digit or _' \
  add-drive "$disk" : add-drive "$disk" label:"a b" : list-drives

# help and quit.
t_err "qdrive: error: help: \"bogus\": unknown command; 'help' lists the commands" help bogus
t_err 'qdrive: error: help: unexpected argument "b"; usage: help [COMMAND]' help a b
t_err 'qdrive: error: quit: unexpected argument "now"; usage: quit' quit now

# Output that cannot be written.
if [ -w /dev/full ]; then
  qdrive help >/dev/full 2>"$tmp/err"
  rc=$?
  [ "$rc" -eq 1 ] && grep -q '^qdrive: error: standard output: ' "$tmp/err" ||
    { cat "$tmp/err" >&2; t_fail "writing to /dev/full did not fail (status $rc)"; }
fi

t_done
