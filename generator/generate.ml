(* SPDX-License-Identifier: GPL-2.0-or-later *)
(* qdrive generator: the driver.  Every generated file, and the
 * function that writes it.  Run from the top of the source tree. *)

open Utils

let () =
  if not (Sys.file_exists "generator/api.ml") then (
    prerr_endline "generator: run me from the top of the qdrive source tree";
    exit 1);

  (* Nothing is written unless api.ml passes every check. *)
  Checks.run ();

  (* C library and its documentation. *)
  output_to "c/qdrive.h" C.generate_header;
  output_to "c/actions.h" C.generate_internal_header;
  output_to "c/actions.c" C.generate_actions_c;
  output_to "c/enums.h" C.generate_enums_h;
  output_to "c/enums.c" C.generate_enums_c;
  output_to "c/structs.c" C.generate_structs_c;
  output_to "c/actions.pod" Pod.generate_actions_pod;
  output_to "c/structs.pod" Pod.generate_structs_pod;

  (* Cross-language test and the "same as C" reference: the C halves. *)
  output_to "tests/xlang-c.c" Xtest.generate_c;
  output_to "tests/same-as-c.c" Same_as_c.generate_c;

  (* What the tests know of the API, in each language of the tests. *)
  output_to "tests/api-facts.h" Facts.generate_c;
  output_to "tests/fuzz-optargs.h" Facts.generate_fuzz;
  output_to "python/t/api_facts.py" Facts.generate_python;
  output_to "perl/t/lib/ApiFacts.pm" Facts.generate_perl;
  output_to "shell/api-facts.sh" Facts.generate_shell;

  (* Python binding. *)
  output_to "python/qdrive-py.c" Python_c.generate_c;
  output_to "python/qdrive/__init__.py" Python.generate_init_py;
  output_to "python/qdrive/__init__.pyi" Python.generate_pyi;
  output_to "python/xlang.py" Python.generate_xlang;
  output_to "python/t/same_as_c.py" Python.generate_same_as_c;

  (* Perl binding. *)
  output_to "perl/Qdrive.xs" Perl_xs.generate_xs;
  output_to "perl/lib/Sys/Qdrive.pm" Perl.generate_pm;
  output_to "perl/t/xlang.t" Perl.generate_xlang_t;
  output_to "perl/t/same_as_c.pl" Perl.generate_same_as_c;
  output_to "perl/qdrive-escape.h" Perl_xs.generate_escape_h;

  (* OCaml binding. *)
  output_to "ocaml/qdrive.mli" Ocaml_emit.generate_mli;
  output_to "ocaml/qdrive.ml" Ocaml_emit.generate_ml;
  output_to "ocaml/qdrive-c-actions.c" Ocaml_stubs.generate_c_actions;
  output_to "ocaml/t/xlang.ml" Ocaml_emit.generate_xlang;
  output_to "ocaml/t/same_as_c.ml" Ocaml_emit.generate_same_as_c;

  (* The qdrive shell. *)
  output_to "shell/cmds.h" Shell.generate_header;
  output_to "shell/cmds.c" Shell.generate_c;
  output_to "shell/commands.pod" Shell.generate_commands_pod;

  Printf.printf "generator: %d file(s) changed\n" !files_written
