#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# qdrive as a distribution and each language's users get it, from the
# tarball's files of this tree (make distdir) built afresh in a scratch
# directory:
#
# 1. ./configure --prefix=P1 && make && make install installs
#    everything under P1 (a DESTDIR install must put nothing elsewhere),
#    the OCaml package included.
# 2. The built tree, reconfigured with --prefix=P2, installs there
#    (libtool relinks), with run paths and META pointing at P2; P1 is
#    then removed.
# 3. Against P2 alone, found with pkg-config, each binding builds on its
#    own as its users build it, and runs the example of its language:
#    C with cc; Python with pip into a venv of Debian's python3; Perl
#    with perl Makefile.PL && make && make test && make install; OCaml
#    with make -f package.mk and ocamlfind install.  The bindings that
#    make install put in P2 work too.
#
# A full build: about a minute here.
set -euo pipefail
t="$(mktemp -d)"
trap 'chmod -R u+w "$t"; rm -rf "$t"' EXIT
# Only what this test sets up is used, never the build tree's.
unset PYTHONPATH PERL5LIB OCAMLPATH CAML_LD_LIBRARY_PATH LD_LIBRARY_PATH PKG_CONFIG_PATH
export MAKEFLAGS=
step () { echo "== $*"; }
fail () { echo "FAIL: $*"; exit 1; }
need () {
  command -v "$1" >/dev/null || fail "$1 not found: apt-get install $2 (or run ./quickstart)"
}
need pkg-config pkg-config
need /usr/bin/python3 python3
/usr/bin/python3 -c 'import importlib.util as u, sys; sys.exit(not all(u.find_spec(m) for m in ("pip", "setuptools", "wheel")))' ||
  fail "Debian's python3 lacks pip, setuptools or wheel: apt-get install python3-pip python3-setuptools python3-wheel"

version="$(sed -n 's/^AC_INIT(\[qdrive\], *\[\([^]]*\)\].*/\1/p' "$abs_top_srcdir/configure.ac")"
expected="$abs_top_srcdir/examples/demo.expected"
log="$t/log"
# Run quietly; on failure show the end of what ran.
quiet () { "$@" > "$log" 2>&1 || { tail -40 "$log"; fail "$*"; }; }

step "make distdir, configure --prefix=P1, make"
src="$t/src" build="$t/build"
# (automake wants distdir relative to the top of the build tree)
quiet make -C "$abs_top_builddir" distdir \
  distdir="$(realpath --relative-to="$abs_top_builddir" "$src")"
mkdir "$build"
cd "$build"
quiet "$src/configure" --prefix="$t/p1" PYTHON="${PYTHON:-python3}"
quiet make -j2

step "make install DESTDIR=...: everything under the prefix"
quiet make install DESTDIR="$t/stage"
outside="$(cd "$t/stage" && find . ! -type d | grep -v "^\./${t#/}/p1/" || :)"
[ -z "$outside" ] || fail "installed outside the prefix: $outside"
for f in lib/libqdrive.so.0 lib/pkgconfig/qdrive.pc include/qdrive.h bin/qdrive \
         lib/ocaml/qdrive/META lib/ocaml/stublibs/dllmlqdrive.so \
         share/man/man3/qdrive.3 share/man/man3/qdrive-python.3 \
         share/man/man3/qdrive-perl.3 share/man/man3/qdrive-ocaml.3 \
         share/doc/qdrive/COPYING.LIB share/doc/qdrive/examples/demo.ml; do
  [ -e "$t/stage$t/p1/$f" ] || fail "not installed: P1/$f"
done
# (Under the interpreter's own scheme: lib/python3.X/site-packages, or
# Debian's lib/python3/dist-packages.)
python_module () { find "$1" -name '_qdrive*.so' -path '*/qdrive/*'; }
[ -n "$(python_module "$t/stage$t/p1")" ] || fail "the Python module is not installed"
ls "$t/stage$t/p1"/lib/perl5/*/Sys/Qdrive.pm >/dev/null || fail "the Perl module is not installed"
quiet make install

step "configure --prefix=P2 in the built tree, make install"
quiet "$src/configure" --prefix="$t/p2" PYTHON="${PYTHON:-python3}"
quiet make -j2
quiet make install
rm -rf "$t/p1"
p2="$t/p2"
pymodule="$(python_module "$p2")"
for f in "$p2/bin/qdrive" "$pymodule" \
         "$p2"/lib/perl5/*/auto/Sys/Qdrive/Qdrive.so "$p2/lib/ocaml/stublibs/dllmlqdrive.so"; do
  readelf -d "$f" | grep -q "RUNPATH.*\[$p2/lib\]" || fail "$f: no run path to P2/lib"
done
grep -q "linkopts = \"-ccopt -L$p2/lib -ccopt -Wl,-rpath,$p2/lib\"" "$p2/lib/ocaml/qdrive/META" ||
  fail "META does not point at P2: $(cat "$p2/lib/ocaml/qdrive/META")"
"$p2/bin/qdrive" get-hv > /dev/null || fail "the installed shell does not run"

# Everything below uses P2 and nothing else.
export PKG_CONFIG_PATH="$p2/lib/pkgconfig"
[ "$(pkg-config --modversion qdrive)" = "$version" ] || fail "pkg-config finds no qdrive $version"
cp -r "$src" "$t/alone"
chmod -R u+w "$t/alone"
run_example () {
  # run_example LANG COMMAND...: the example's table, as expected.
  local lang="$1"; shift
  (cd "$t" && "$@") > "$t/$lang.out" 2>&1 || { cat "$t/$lang.out"; fail "the $lang example"; }
  diff -u "$expected" "$t/$lang.out" || fail "the $lang example's output"
}

step "C: cc with pkg-config"
cc "$src/examples/demo.c" -o "$t/demo-c" $(pkg-config --cflags --libs qdrive) \
  -Wl,-rpath,"$(pkg-config --variable=libdir qdrive)"
run_example C "$t/demo-c"

step "Python: pip install --no-build-isolation ./python into a venv of Debian's python3"
# Debian's pip, setuptools and wheel (nothing can be fetched here).
quiet /usr/bin/python3 -m venv --without-pip --system-site-packages "$t/venv"
(cd "$t/alone" && quiet "$t/venv/bin/python" -m pip install --no-build-isolation --no-index ./python)
got="$(cd "$t" && "$t/venv/bin/python" -c 'import qdrive; print(qdrive.__version__, qdrive.__file__)')"
[ "${got%% *}" = "$version" ] || fail "qdrive.__version__ is ${got%% *}, not $version"
case "${got#* }" in "$t/venv/"*) ;; *) fail "qdrive imported from ${got#* }, not the venv";; esac
run_example Python "$t/venv/bin/python" "$src/examples/demo.py"
# The module make install put in P2, for the configured python3.
run_example "Python (make install)" env PYTHONPATH="$(dirname "$(dirname "$pymodule")")" \
  "${PYTHON:-python3}" "$src/examples/demo.py"

step "Perl: perl Makefile.PL && make && make test && make install"
cd "$t/alone/perl"
quiet perl Makefile.PL INSTALL_BASE="$t/perl"
quiet make
quiet make test
grep -q "^t/30-same-as-c.t .*skipped: needs the C reference of the qdrive tree" "$log" ||
  fail "t/30-same-as-c.t did not skip with its reason: $(grep 30-same "$log")"
quiet make install
run_example Perl env PERL5LIB="$t/perl/lib/perl5" perl "$src/examples/demo.pl"
run_example "Perl (make install)" env PERL5LIB="$(echo "$p2"/lib/perl5)" perl "$src/examples/demo.pl"
# (perllocal.pod is Perl's shared log of installs, which make install
# appends to: not the module's.)
quiet make uninstall-qdrive
left="$(find "$t/perl" -type f ! -name perllocal.pod)"
[ -z "$left" ] || fail "make uninstall-qdrive left: $left"

step "OCaml: make -f package.mk && make -f package.mk findlib-install"
cd "$t/alone/ocaml"
quiet make -f package.mk
mkdir -p "$t/ocaml/stublibs"
quiet env OCAMLFIND_DESTDIR="$t/ocaml" make -f package.mk findlib-install
ocaml_example () {
  # ocaml_example LABEL FINDLIB-DIR: native and bytecode, as a user builds them.
  local label="$1" d="$2"
  mkdir -p "$t/ml-$label" && cp "$src/examples/demo.ml" "$t/ml-$label/"
  (cd "$t/ml-$label" &&
   quiet env OCAMLPATH="$d" ocamlfind ocamlopt -package qdrive -linkpkg demo.ml -o demo &&
   quiet env OCAMLPATH="$d" CAML_LD_LIBRARY_PATH="$d/stublibs" \
     ocamlfind ocamlc -package qdrive -linkpkg demo.ml -o demo.byte)
  run_example "OCaml ($label, native)" "$t/ml-$label/demo"
  run_example "OCaml ($label, bytecode)" env CAML_LD_LIBRARY_PATH="$d/stublibs" "$t/ml-$label/demo.byte"
}
ocaml_example alone "$t/ocaml"
ocaml_example make-install "$p2/lib/ocaml"
quiet env OCAMLFIND_DESTDIR="$t/ocaml" make -f package.mk findlib-uninstall
[ -z "$(find "$t/ocaml" -type f)" ] || fail "findlib-uninstall left: $(find "$t/ocaml" -type f)"

echo "installed under P1, then P2 after reconfiguring; C, Python, Perl and OCaml built on their own against P2 and ran their examples"
