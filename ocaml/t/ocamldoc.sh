#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# ocamldoc makes HTML from qdrive.mli without a warning, documents the
# calls and the enums' variants, leaves the internal calls out, and
# shows no POD markup (C<...>, E<lt>...: the generator renders it;
# HTML writes "<" as "&lt;").
set -e
t="$(mktemp -d)"
trap 'rm -rf "$t"' EXIT
"$OCAMLFIND" ocamldoc -html -warn-error -d "$t" -I "$builddir" \
  "$srcdir/qdrive.mli" > "$t/log" 2>&1 || { cat "$t/log"; exit 1; }
if [ -s "$t/log" ]; then echo "FAIL: ocamldoc said:"; cat "$t/log"; exit 1; fi
h="$t/Qdrive.html"
for s in add_drive add_drive_opts list_drives get_qemu_command_line \
         '`Writeback' '`Unsafe' '`Kvm_tcg' 'kvm:tcg'; do
  grep -qF -- "$s" "$h" || { echo "FAIL: $s not in the HTML"; exit 1; }
done
if grep -q internal_echo "$h"; then echo "FAIL: internal calls documented"; exit 1; fi
if grep -nE '(^|[^A-Za-z0-9_])[BCEFILSXZ]&lt;' "$t"/*.html; then
  echo "FAIL: POD markup in the HTML (above)"; exit 1
fi
grep -qF "&lt;disk type='file' device='disk'&gt;" "$h" ||
  { echo "FAIL: get_libvirt_xml's <disk ...> is not in the HTML"; exit 1; }
echo "ocamldoc: HTML without warnings"
