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

  (* Cross-language test: the C half. *)
  output_to "tests/xlang-c.c" Xtest.generate_c;

  (* Python binding. *)
  output_to "python/qdrive-py.c" Python.generate_c;
  output_to "python/qdrive/__init__.py" Python.generate_init_py;
  output_to "python/qdrive/__init__.pyi" Python.generate_pyi;
  output_to "python/xlang.py" Python.generate_xlang;

  (* Perl binding. *)
  output_to "perl/Qdrive.xs" Perl.generate_xs;
  output_to "perl/lib/Sys/Qdrive.pm" Perl.generate_pm;
  output_to "perl/t/xlang.t" Perl.generate_xlang_t;

  (* OCaml binding. *)
  output_to "ocaml/qdrive.mli" Ocaml_emit.generate_mli;
  output_to "ocaml/qdrive.ml" Ocaml_emit.generate_ml;
  output_to "ocaml/qdrive-c-actions.c" Ocaml_stubs.generate_c_actions;
  output_to "ocaml/t/xlang.ml" Ocaml_emit.generate_xlang;

  (* The qdrive shell. *)
  output_to "shell/cmds.h" Shell.generate_header;
  output_to "shell/cmds.c" Shell.generate_c;
  output_to "shell/commands.pod" Shell.generate_commands_pod;

  Printf.printf "generator: %d file(s) changed\n" !files_written
