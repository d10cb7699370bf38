# SPDX-License-Identifier: LGPL-2.1-or-later
# The OCaml binding as the findlib package qdrive: how ocamlfind builds
# and installs it.  ocaml/Makefile.am includes this file and builds
# against the library of the build tree.  On its own (GNU make), it
# builds against an installed libqdrive found with pkg-config
# (PKG_CONFIG_PATH=PREFIX/lib/pkgconfig for one under a private prefix):
#
#   make -f package.mk                    build the package here
#   make -f package.mk findlib-install    ocamlfind install it
#                                         (OCAMLFIND_DESTDIR=DIR: there)
#   make -f package.mk findlib-uninstall  ocamlfind remove it
#
# from ocaml/ of a qdrive tarball, or of a qdrive tree after make (the
# generator writes qdrive.ml, qdrive.mli and qdrive-c-actions.c).
#
# Variables set by Makefile.am are used where set; on its own, their
# stand-ins come from pkg-config and ocamlfind.  (All names here are
# the package's own, so that automake sees no variable defined twice.)
# A variable of the same name in the environment (a test run by
# automake has srcdir) is not Makefile.am's: only the makefile's own
# or the command line's count.
pkg_set = $(if $(filter file command,$(origin $(1))),$($(1)),$(2))

pkg_config = $(or $(QDRIVE_PKG_CONFIG),pkg-config)
pkg_ocamlfind = $(or $(OCAMLFIND),ocamlfind)
pkg_srcdir = $(call pkg_set,srcdir,.)
pkg_version = $(call pkg_set,VERSION,$(shell $(pkg_config) --modversion qdrive))
pkg_libdir = $(call pkg_set,libdir,$(shell $(pkg_config) --variable=libdir qdrive))
pkg_ocamllib = $(call pkg_set,OCAMLLIB,$(shell $(pkg_ocamlfind) ocamlc -where))
pkg_ocamlflags = $(call pkg_set,OCAMLFLAGS,-g)
pkg_cflags = -fPIC -I$(pkg_ocamllib) -I$(pkg_srcdir) \
	$(shell $(pkg_config) --cflags qdrive) $(WARN_CFLAGS) $(CFLAGS)

# A run path to where libqdrive is installed, for the stubs and the
# programs linked with them, unless the dynamic linker searches there
# anyway.  (It is a RUNPATH, which LD_LIBRARY_PATH overrides: the tests
# of the qdrive build still load the build tree's library.)
pkg_rpath = $(if $(filter /usr/lib /usr/lib64 /usr/lib/%-linux-gnu,$(pkg_libdir)),,-Wl,-rpath,$(pkg_libdir))

# What ocamlfind installs.
package_files = META qdrive.cma qdrive.cmxa qdrive.a qdrive.cmi \
	qdrive.cmx qdrive.mli libmlqdrive.a dllmlqdrive.so

package: $(package_files)

# ---- the C stubs: qdrive-c.c hand-written, qdrive-c-actions.c generated

stub_objects = qdrive-c.o qdrive-c-actions.o

# Before anything is compiled: a libqdrive that pkg-config finds.
qdrive-found:
	@$(pkg_config) --exists qdrive || { \
	  echo "package.mk: libqdrive not found by pkg-config: install it, or set PKG_CONFIG_PATH to the directory holding qdrive.pc" >&2; \
	  exit 1; }

qdrive-c.o: qdrive-c.c qdrive-c.h | qdrive-found
	$(AM_V_CC)$(CC) $(pkg_cflags) -c $(pkg_srcdir)/qdrive-c.c -o $@
qdrive-c-actions.o: qdrive-c-actions.c qdrive-c.h | qdrive-found
	$(AM_V_CC)$(CC) $(pkg_cflags) -c $(pkg_srcdir)/qdrive-c-actions.c -o $@

# The shared stub library records its dependency on libqdrive (and the
# run path); the -L is for the link only (-ldopt), never recorded.
dllmlqdrive.so: libmlqdrive.a
libmlqdrive.a: $(stub_objects)
	$(AM_V_GEN)$(pkg_ocamlfind) ocamlmklib -o mlqdrive $(stub_objects) \
	  $(addprefix -ldopt ,$(shell $(pkg_config) --libs-only-L qdrive) $(pkg_rpath)) \
	  $(shell $(pkg_config) --libs-only-l qdrive)

# ---- the module ------------------------------------------------------

qdrive.cmi: qdrive.mli
	$(AM_V_GEN)$(pkg_ocamlfind) ocamlc $(pkg_ocamlflags) -I . -c -o $@ $(pkg_srcdir)/qdrive.mli
qdrive.cmo: qdrive.ml qdrive.cmi
	$(AM_V_GEN)$(pkg_ocamlfind) ocamlc $(pkg_ocamlflags) -I . -c -o $@ $(pkg_srcdir)/qdrive.ml
qdrive.cmx: qdrive.ml qdrive.cmi
	$(AM_V_GEN)$(pkg_ocamlfind) ocamlopt $(pkg_ocamlflags) -I . -c -o $@ $(pkg_srcdir)/qdrive.ml
qdrive.o: qdrive.cmx

qdrive.cma: qdrive.cmo libmlqdrive.a dllmlqdrive.so
	$(AM_V_GEN)$(pkg_ocamlfind) ocamlc -a -o $@ qdrive.cmo \
	  -dllib -lmlqdrive -cclib -lmlqdrive -cclib -lqdrive \
	  $(OCAML_SANITIZER_CCOPT)
qdrive.a: qdrive.cmxa
qdrive.cmxa: qdrive.cmx libmlqdrive.a
	$(AM_V_GEN)$(pkg_ocamlfind) ocamlopt -a -o $@ qdrive.cmx \
	  -cclib -lmlqdrive -cclib -lqdrive $(OCAML_SANITIZER_CCOPT)

# The archives carry -cclib -lqdrive; META says where libqdrive is (and
# the run path there), for native and -custom bytecode links.
META: META.in
	$(AM_V_GEN)sed -e 's|@VERSION[@]|$(pkg_version)|' \
	  -e 's|@LINKOPTS[@]|-ccopt -L$(pkg_libdir)$(addprefix $() -ccopt ,$(pkg_rpath))|' \
	  $(pkg_srcdir)/META.in > $@-t && mv $@-t $@

# ---- install ---------------------------------------------------------

# ocamlfind install refuses a package that is there already: remove it
# first.  ocamlfind reads OCAMLFIND_DESTDIR and OCAMLFIND_LDCONF from
# the environment.
findlib-install: $(package_files)
	-$(pkg_ocamlfind) remove qdrive 2>/dev/null
	$(pkg_ocamlfind) install qdrive \
	  $(filter-out qdrive.mli,$(package_files)) $(pkg_srcdir)/qdrive.mli

findlib-uninstall:
	$(pkg_ocamlfind) remove qdrive

.PHONY: package qdrive-found findlib-install findlib-uninstall
