#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# qdrive shell test: the command-line options.
. "$srcdir/test-lib.sh"

# --help and -h: the usage, on stdout, status 0.
for o in --help -h; do
  t_run $o
  [ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ] &&
    grep -q '^  qdrive \[OPTIONS\] COMMAND' "$tmp/out" &&
    grep -q -- "--cachemode MODE  the cache mode of the -a drives: $allowed_cachemode\$" "$tmp/out" ||
    { t_show $o; t_fail "$o"; }
done

# --version and -V.
t_ok "qdrive 0.1.0" --version
t_ok "qdrive 0.1.0" -V

# Bad options: the reason, then a pointer to --help; status 1.
usage_errors=(
  "--bogus"  "qdrive: error: unrecognized option --bogus"
  "-vz"      "qdrive: error: unrecognized option -z"
  "--help=3" "qdrive: error: unrecognized option --help=3"
  "-a"       "qdrive: error: option -a needs an argument"
  "--format" "qdrive: error: option --format needs an argument"
)
for ((i = 0; i < ${#usage_errors[@]}; i += 2)); do
  t_err "${usage_errors[i+1]}
Try 'qdrive --help' for more information." "${usage_errors[i]}"
done

# -a with --ro, --format and --cachemode, which apply to every -a
# drive wherever they are given.
t_ok "$(drive_text index=0 filename="$disk" format=qcow2 cachemode=unsafe readonly=true)

$(drive_text index=1 filename="$disk" format=qcow2 cachemode=unsafe readonly=true)" \
  -a "$disk" --ro --format qcow2 --cachemode unsafe -a "$disk" list-drives
# (quit stops before get-memsize.)
t_ok "$(drive_text index=0 filename="$disk")" \
  --add "$disk" list-drives : quit : get-memsize

# Their errors: the library's text for bad values and missing files.
t_err "qdrive: error: add_drive: cachemode: \"fast\" is not valid; allowed: $allowed_cachemode" \
  -a "$disk" --cachemode fast list-drives
t_err 'qdrive: error: add_drive: format: "a b" is not valid; allowed: a non-empty name of letters, digits, _ and -' \
  -a "$disk" --format "a b"
t_err "qdrive: error: add_drive: filename: \"$tmp/none.img\": No such file or directory" \
  -a "$tmp/none.img" list-drives
for o in --ro "--format raw" "--cachemode unsafe"; do
  t_run $o list-drives
  [ "$rc" -eq 1 ] && [ "$(head -n 1 "$tmp/err")" = "qdrive: error: --ro, --format and --cachemode apply to the drives added with -a, and no -a was given" ] ||
    { t_show $o; t_fail "$o without -a"; }
done

# -v and -x switch on the library's verbose and trace flags; the trace
# goes to stderr and names each call.
t_ok "true" -v get-verbose
t_ok "true" --verbose get-verbose
t_run -x -a "$disk" get-memsize
[ "$rc" -eq 0 ] && [ "$(cat "$tmp/out")" = 256 ] &&
  grep -q '^qdrive: trace: add_drive ' "$tmp/err" &&
  grep -q '^qdrive: trace: get_memsize' "$tmp/err" ||
  { t_show -x; t_fail "-x"; }
t_run --trace get-trace
[ "$rc" -eq 0 ] && [ "$(cat "$tmp/out")" = true ] || { t_show --trace; t_fail "--trace"; }

# -f with commands, twice, or a script that cannot be read.
echo get-memsize > "$tmp/s.qd"
t_run -f "$tmp/s.qd" get-memsize
[ "$rc" -eq 1 ] && [ "$(head -n 1 "$tmp/err")" = 'qdrive: error: commands on the command line ("get-memsize") and -f cannot be used together' ] ||
  { t_show -f; t_fail "-f with commands"; }
t_run -f "$tmp/s.qd" -f "$tmp/s.qd"
[ "$rc" -eq 1 ] && [ "$(head -n 1 "$tmp/err")" = 'qdrive: error: -f given more than once' ] ||
  { t_show -f -f; t_fail "-f twice"; }
t_err "qdrive: error: $tmp/none.qd: No such file or directory" -f "$tmp/none.qd"

# Options end at the first command, whose arguments may start with -.
t_run config -smp 2
[ "$rc" -eq 1 ] && grep -q '^qdrive: error: config: qemuparam: "-smp" is set by qdrive itself' "$tmp/err" ||
  { t_show config -smp 2; t_fail "options after the command"; }

# The environment the library reads when qdrive makes its handle; a
# bad value stops qdrive before any command.
QDRIVE_HV=/opt/qemu t_ok "/opt/qemu" get-hv
QDRIVE_ACCEL=tcg t_ok "tcg" get-accel
QDRIVE_ACCEL=xen t_err "qdrive: error: create: QDRIVE_ACCEL: \"xen\" is not valid; allowed: $allowed_accel" get-accel
QDRIVE_GUEST=appliance t_ok "appliance" get-guest
QDRIVE_GUEST=running t_err "qdrive: error: create: QDRIVE_GUEST: \"running\" is not valid; allowed: $allowed_guest" get-guest
QDRIVE_KERNEL=/k t_ok "/k" get-kernel
QDRIVE_CACHEDIR=/c XDG_CACHE_HOME=/x t_ok "/c" get-cachedir
QDRIVE_CACHEDIR= XDG_CACHE_HOME=/x t_ok "/x/qdrive" get-cachedir
QDRIVE_CACHEDIR= XDG_CACHE_HOME= HOME=/h t_ok "/h/.cache/qdrive" get-cachedir
QDRIVE_CACHEDIR=rel t_err "qdrive: error: create: QDRIVE_CACHEDIR: \"rel\" is not valid; allowed: an absolute directory path" get-cachedir

# help: the public commands, not the internal ones; help COMMAND.
t_run help
[ "$rc" -eq 0 ] && grep -q '^  add-drive, add  *add a disk image to the virtual machine$' "$tmp/out" &&
  grep -q '^  get-qemu-command-line ' "$tmp/out" &&
  ! grep -q internal "$tmp/out" ||
  { t_show help; t_fail "help"; }
t_run help add-drive
[ "$rc" -eq 0 ] && [ "$(head -n 1 "$tmp/out")" = "add-drive - add a disk image to the virtual machine" ] &&
  grep -q '^Usage: add-drive FILENAME \[readonly:true|false\]' "$tmp/out" &&
  grep -q '^Alias: add$' "$tmp/out" &&
  grep -q '^  cachemode:writeback|unsafe$' "$tmp/out" &&
  grep -q '^      writeback (default)$' "$tmp/out" &&
  grep -q 'the guest.s flushes are ignored' "$tmp/out" ||
  { t_show help add-drive; t_fail "help add-drive"; }
# by alias and with underscores, the same text.
cp "$tmp/out" "$tmp/help-add-drive"
t_run help add
cmp -s "$tmp/out" "$tmp/help-add-drive" || t_fail "help add"
t_run help add_drive
cmp -s "$tmp/out" "$tmp/help-add-drive" || t_fail "help add_drive"
t_run help help
[ "$rc" -eq 0 ] && grep -q '^Usage: help \[COMMAND\]$' "$tmp/out" || t_fail "help help"

t_done
