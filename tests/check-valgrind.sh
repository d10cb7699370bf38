#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# qdrive: make check-valgrind.  The C tests and each binding's own tests
# under valgrind memcheck, and the threaded C tests under helgrind, run
# against the build tree through ./run.
#
# A run fails on any memcheck error and on any "definitely lost" block
# that tests/valgrind.supp does not explain (it explains only the
# language runtimes' own allocations).  qemu, started by the launch
# tests, is not run under valgrind: it is not ours.
#
# Left out, because under valgrind they would take hours and they
# measure leaks themselves (RSS after 1,000,000 calls): the bindings'
# leak and GC stress tests (python/t/test_leaks.py, perl/t/50-leak.t,
# ocaml/t/test_gc.ml), and the tests that only run the compilers
# (mypy, compile-fail, findlib, install, ocamldoc, pod).

set -u
b="${QDRIVE_TOP_BUILDDIR:?run me through ./run}"
s="${QDRIVE_TOP_SRCDIR:?run me through ./run}"

if ! command -v valgrind >/dev/null; then
  echo "check-valgrind: valgrind not found: apt-get install valgrind" >&2
  exit 1
fi

vg=(valgrind -q --error-exitcode=99 --leak-check=full
    --errors-for-leak-kinds=definite --show-leak-kinds=definite
    --suppressions="$s/tests/valgrind.supp")
failed=0 passed=0

# run NAME DIR COMMAND...: runs COMMAND in DIR, counts the result.
run () {
  local name="$1" dir="$2" start=$SECONDS
  shift 2
  if (cd "$dir" && "$@") > "$b/tests/valgrind-$name.log" 2>&1; then
    echo "PASS: $name ($((SECONDS - start)) s)"
    passed=$((passed + 1))
  else
    echo "FAIL: $name, see tests/valgrind-$name.log"
    failed=$((failed + 1))
  fi
}

# C: each Check suite (its forked children are checked too) and the C
# half of the cross-language test.
for t in test-drives test-netdrives test-api test-events test-threads test-concurrency test-hostile \
         test-launch test-qmp-replies test-config libvirt-xml libvirt-launch \
         test-appliance test-appliance-fail; do
  run "c-$t" "$b/tests" "$b/libtool" --mode=execute "${vg[@]}" "./$t"
done
# The libvirt backend against the private daemon.  Only its "daemon"
# case: the embedded driver runs libvirt's qemu driver inside the test,
# whose helper processes inherit valgrind's preload and fail, and whose
# own allocations are libvirt's.
run c-libvirt-daemon "$b/tests" env CK_RUN_CASE=daemon \
  "$s/tests/private-libvirtd.sh" "$b/libtool" --mode=execute "${vg[@]}" \
  ./libvirt-daemon
# Threads under helgrind: 8 threads x 1,000 handles, 8 threads
# sharing one handle, and a call waiting for another's event callback.
hg=(valgrind -q --tool=helgrind --error-exitcode=99
    --suppressions="$s/tests/helgrind.supp")
for t in test-concurrency test-threads test-events; do
  run "helgrind-$t" "$b/tests" "$b/libtool" --mode=execute "${hg[@]}" "./$t"
done

# xlang NAME DIR COMMAND...: COMMAND under valgrind, its output equal
# to the cross-language test's expected file.
xlang () {
  local name="$1" dir="$2"
  shift 2
  run "$name" "$dir" bash -c 'out=$0 expected=$1; shift; "$@" > "$out" && diff -u "$expected" "$out"' \
    "$b/tests/valgrind-$name.out" "$s/tests/xlang.expected" "$@"
}

xlang c-xlang "$b/tests" "$b/libtool" --mode=execute "${vg[@]}" ./xlang-c

# The interpreters themselves, not wrappers such as pyenv's shims
# (valgrind would check the shell script and not follow the exec).
# Debian's python3 where there is one: the extension is built for the
# python3 on PATH, which here is 3.11 either way, and pyenv's builds of
# CPython trip memcheck in CPython's own start-up.
python=/usr/bin/python3
[ -x "$python" ] || python=$(python3 -c 'import sys; print(sys.executable)')
perl=$(command -v perl)

# Python: PYTHONMALLOC=malloc so that valgrind sees every allocation.
export PYTHONMALLOC=malloc
xlang python-xlang "$b/python" "${vg[@]}" "$python" xlang.py
for t in test_qdrive test_launch test_events; do
  run "python-$t" "$b/python" "${vg[@]}" "$python" "$s/python/t/$t.py"
done

# Perl: PERL_DESTRUCT_LEVEL=2 makes perl free its own data at exit.
export PERL_DESTRUCT_LEVEL=2
for t in xlang 20-optargs 25-magic 70-launch 90-events; do
  run "perl-$t" "$b/perl" "${vg[@]}" "$perl" "$s/perl/t/$t.t"
done
# The "same as C" calls, compared with C's output as t/30-same-as-c.t
# does, under memcheck.
run perl-same-as-c "$b/perl" bash "$s/tests/same-as-c.sh" perl \
  "${vg[@]}" "$perl" "$s/perl/t/same_as_c.pl"

# OCaml: native programs.
xlang ocaml-xlang "$b/ocaml" "${vg[@]}" t/xlang.opt
for t in test_handle test_launch test_events; do
  run "ocaml-$t" "$b/ocaml" "${vg[@]}" "t/$t.opt"
done

echo "check-valgrind: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
