(* qdrive generator: the driver.  Every generated file, and the
 * function that writes it.  Run from the top of the source tree. *)

open Utils

let () =
  if not (Sys.file_exists "generator/api.ml") then (
    prerr_endline "generator: run me from the top of the qdrive source tree";
    exit 1);

  (* C library and its documentation. *)
  output_to "c/qdrive.h" C.generate_header;
  output_to "c/actions.h" C.generate_internal_header;
  output_to "c/actions.c" C.generate_actions_c;
  output_to "c/structs.c" C.generate_structs_c;
  output_to "c/actions.pod" Pod.generate_actions_pod;
  output_to "c/structs.pod" Pod.generate_structs_pod;

  (* Cross-language test: the C half. *)
  output_to "tests/xlang-c.c" Xtest.generate_c;

  (* Python binding. *)

  (* Perl binding. *)

  (* OCaml binding. *)

  (* The qdrive shell. *)
  output_to "shell/cmds.h" Shell.generate_header;
  output_to "shell/cmds.c" Shell.generate_c;
  output_to "shell/commands.pod" Shell.generate_commands_pod;

  Printf.printf "generator: %d file(s) changed\n" !files_written
