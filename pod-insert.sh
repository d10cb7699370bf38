#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# pod-insert.sh POD [MARKER FILE]...: POD, with each line that is
# exactly MARKER replaced by FILE: a .pod file as it is (the sections
# the generator writes), any other file (an example program) as a
# verbatim block.  The man pages are made from its output.
set -e
pod="$1"; shift
declare -A files
while [ $# -ge 2 ]; do files["$1"]="$2"; shift 2; done
[ $# -eq 0 ] || { echo "usage: $0 POD [MARKER FILE]..." >&2; exit 2; }

while IFS= read -r line || [ -n "$line" ]; do
  f=
  [ -z "$line" ] || f="${files[$line]-}"
  if [ -z "$f" ]; then
    printf '%s\n' "$line"
  elif [[ "$f" == *.pod ]]; then
    cat "$f"
  else
    sed 's/^./ &/' "$f"
  fi
done < "$pod"
