(* SPDX-License-Identifier: MIT-0 *)
(* qdrive example, in OCaml: two disks with their cache modes, and what
 * qemu made of each.
 *
 * A disk whose data matters keeps the default cache mode, writeback:
 * qemu obeys the guest's flushes.  A scratch disk, whose contents are
 * thrown away, may use unsafe, which ignores them and is faster.  The
 * program launches qemu (stopped before the guest's first instruction)
 * and asks it over QMP what it made of each drive.
 *
 *   ocamlfind ocamlopt -package qdrive -linkpkg demo.ml -o demo
 *   ./demo
 *)

let row = format_of_string "%-5s  %-6s  %-9s  %-9s  %-6s  %s\n"

let yes_no b = if b then "yes" else "no"

(* An empty (sparse) 64 MiB raw disk image. *)
let make_disk name =
  let path = Filename.temp_file ("qdrive-" ^ name) ".img" in
  let oc = open_out_bin path in
  seek_out oc ((64 lsl 20) - 1);
  output_char oc '\000';
  close_out oc;
  path

let () =
  let data = make_disk "data" and scratch = make_disk "scratch" in
  let g = Qdrive.create () in
  let finally () = Qdrive.close g; Sys.remove data; Sys.remove scratch in
  (* Every call raises Qdrive.Error with the library's message and its
   * errno (a Unix.error option). *)
  try
    Fun.protect ~finally (fun () ->
        Qdrive.add_drive g ~format:"raw" ~cachemode:`Writeback data;
        Qdrive.add_drive g ~format:"raw" ~cachemode:`Unsafe scratch;
        Qdrive.launch g;
        Printf.printf row "drive" "format" "read-only" "writeback" "direct"
          "no-flush";
        List.iter (fun (b : Qdrive.block_info) ->
            Printf.printf row b.id b.format (yes_no b.readonly)
              (yes_no b.cache_writeback) (yes_no b.cache_direct)
              (yes_no b.cache_no_flush))
          (Qdrive.block_info g);
        Qdrive.shutdown g)
  with Qdrive.Error (msg, _) ->
    prerr_endline ("demo: " ^ msg);
    exit 1
