# SPDX-License-Identifier: GPL-2.0-or-later
# qdrive shell tests: what every test script shares.  Sourced; runs
# shellcheck shell=bash
# under ./run, so "qdrive" is the one just built.
#
#   t_ok EXPECTED ARGS...    qdrive ARGS exits 0, prints EXPECTED
#                            (exactly, plus a final newline unless
#                            EXPECTED is empty) and nothing on stderr
#   t_err EXPECTED ARGS...   qdrive ARGS exits 1, prints nothing on
#                            stdout and exactly the line EXPECTED on stderr
#   t_fail MESSAGE           fail the test
#   wait_bounded PID         wait for background PID (at most 20 s),
#                            its status in rc
#   drive_text FIELD=VALUE...
#                            a drive as list-drives prints it: the
#                            given fields, the others at their defaults

set -u

# What the tests know of the API (generated): optargs_CALL, the optional
# arguments of CALL; allowed_ENUM, the values of ENUM, as errors list them.
# shellcheck source=/dev/null
. "$srcdir/api-facts.sh"

# ./qdrive is libtool's wrapper, which sets the library path and runs
# .libs/qdrive.  ./run has set the library path already, so run the
# program itself: several times quicker, for hundreds of runs.
if [ -x .libs/qdrive ]; then
  PATH="$PWD/.libs:$PATH"
fi

# Absolute, whatever TMPDIR is: tests change directory and pass $tmp on
# (HOME=$tmp), and a relative name would then point elsewhere.
tmp="$(mktemp -d)"
case "$tmp" in /*) ;; *) tmp="$PWD/$tmp" ;; esac
trap 'rm -rf "$tmp"' EXIT
ntests=0

t_fail () {
  echo "FAIL: $*" >&2
  exit 1
}

# Runs qdrive, leaving its status in rc, its stdout in $tmp/out and
# its stderr in $tmp/err.  Standard input is never a terminal here.
t_run () {
  qdrive "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
  rc=$?
  ntests=$((ntests + 1))
}

t_show () {
  {
    echo "command: qdrive $(printf '%q ' "$@")"
    echo "exit status: $rc"
    echo "---- stdout ----"; cat "$tmp/out"
    echo "---- stderr ----"; cat "$tmp/err"
  } >&2
}

drive_text () {
  local field value arg text="" sep=""
  for field in $drive_fields; do
    eval "value=\${drive_default_$field-}"
    for arg; do
      case "$arg" in "$field="*) value="${arg#*=}" ;; esac
    done
    text+="$sep$field: $value"
    sep=$'\n'
  done
  printf '%s' "$text"
}

t_ok () {
  local expected="$1"; shift
  t_run "$@"
  if [ "$rc" -ne 0 ] || [ -s "$tmp/err" ] ||
       ! diff -u <([ -z "$expected" ] || printf '%s\n' "$expected") \
         "$tmp/out" >&2; then
    t_show "$@"
    t_fail "expected status 0 and the output above the diff"
  fi
}

t_err () {
  local expected="$1"; shift
  t_run "$@"
  if [ "$rc" -ne 1 ] || [ -s "$tmp/out" ] ||
       [ "$(cat "$tmp/err")" != "$expected" ]; then
    t_show "$@"
    echo "expected stderr: $expected" >&2
    t_fail "expected status 1, no output, and the error above"
  fi
}

# A disk image to add.
disk="$tmp/disk.img"
truncate -s 1M "$disk" || t_fail "cannot create $disk"

# Waits at most 20 s for background process $1 to end, killing it
# after; its status in rc (137 if it had to be killed).
wait_bounded () {
  local i
  for i in $(seq 400); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.05
  done
  kill -KILL "$1" 2>/dev/null
  wait "$1"
  rc=$?
}

t_done () {
  echo "$0: ok, after $ntests runs of qdrive"
}
