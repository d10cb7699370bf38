#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# The generated stubs (qdrive/__init__.pyi): mypy --strict accepts a
# small typed program and refuses cachemode="bogus" before it runs, and
# a struct's enum field used as another enum, or an unknown event.
set -e
if [ -z "$MYPY" ] || [ "$MYPY" = no ] || ! command -v "$MYPY" >/dev/null; then
  echo "$0: mypy not found: apt-get install mypy (or run ./quickstart)" >&2
  exit 1
fi
t="$srcdir/t"
# mypy reads the stubs from the source tree (generated there); the
# build tree's copy is the same file.
export MYPYPATH="$srcdir"
cache="$(mktemp -d)"
trap 'rm -rf "$cache"' EXIT
m () { "$MYPY" --strict --cache-dir "$cache" --no-error-summary "$@"; }

m "$t/typed_good.py"
echo "typed_good.py: accepted"

if out="$(m "$t/typed_bad.py" 2>&1)"; then
  echo "$0: mypy accepted cachemode=\"bogus\"" >&2
  exit 1
fi
echo "$out"
# The line of typed_bad.py that holds TEXT, for mypy's FILE:LINE.
line () { grep -n -F "$1" "$t/typed_bad.py" | cut -d: -f1; }
grep -q "typed_bad.py:$(line 'cachemode="bogus"')"': error: Argument "cachemode" to "add_drive" of "Handle" has incompatible type "Literal\[.bogus.\]"' <<<"$out"
grep -q "typed_bad.py:$(line 'iface: qdrive.Iface')"': error: Incompatible types in assignment (expression has type "Literal\[.writeback., .unsafe.\]", variable has type "Literal\[.scsi., .virtio., .ide.\]")' <<<"$out"
grep -q "typed_bad.py:$(line 'set_event_callback')"': error: List item 1 has incompatible type "Literal\[.bogus.\]"; expected "Literal\[.library., .trace., .qemu., .progress.\]"' <<<"$out"
echo "typed_bad.py: refused, as it must be"
