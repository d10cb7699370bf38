(* SPDX-License-Identifier: GPL-2.0-or-later *)
(* qdrive benchmark, OCaml binding, native code.
 *
 * The median time of one add_drive call with 3 optional arguments
 * (format, cachemode, readonly: true for qdrive, which gives one file
 * to several drives only if all are readonly; false for libguestfs,
 * which runs qemu-img at each readonly add) on an existing regular
 * file; and of
 * get_memsize, a call that makes no system call, which shows what the
 * binding itself costs.  Where libguestfs's OCaml binding is linked in
 * (bench_ocaml_guestfs.ml), it makes the same calls in the same run,
 * rounds interleaved, and the ratios are printed.
 *
 * Run: ./run ocaml/bench_ocaml   (or: make -C ocaml bench) *)

open Bench_ocaml_lib

let with_handle n f =
  let g = Qdrive.create () in
  let ns = time_per_call n (f g) in
  Qdrive.close g;
  ns

let qdrive = {
  name = "qdrive";
  add_drive = (fun file ->
      with_handle calls_per_round (fun g n ->
          for _ = 1 to n do
            Qdrive.add_drive g ~format:"raw" ~cachemode:`Unsafe ~readonly:true file
          done));
  get_memsize = (fun () ->
      with_handle quick_calls_per_round (fun g n ->
          for _ = 1 to n do
            ignore (Sys.opaque_identity (Qdrive.get_memsize g))
          done));
}

let measure sides f =
  (* Warm up every side, then interleave the rounds so that every side
   * sees the same machine. *)
  List.iter (fun s -> ignore (f s)) sides;
  let times = List.map (fun _ -> Array.make rounds 0.) sides in
  for r = 0 to rounds - 1 do
    List.iter2 (fun s a -> a.(r) <- f s) sides times
  done;
  List.iter2 (fun s a ->
      Printf.printf "  %-20s median %8.1f ns/call   (fastest round %8.1f)\n"
        s.name (median a) (minimum a)) sides times;
  let meds = List.map median times in
  (match meds with
   | q :: rest ->
     List.iter2 (fun s m ->
         Printf.printf "  qdrive / %s = %.3f\n" s.name (q /. m))
       (List.tl sides) rest
   | [] -> ());
  meds

(* Appends a row to $BENCH_TABLE, bench/run's summary table. *)
let table_row what meds =
  match Sys.getenv_opt "BENCH_TABLE", meds with
  | Some path, q :: rest ->
    let oc = open_out_gen [Open_append; Open_creat] 0o644 path in
    (match rest with
     | l :: _ ->
       Printf.fprintf oc "| OCaml | %s | %.1f ns | libguestfs 1.48 OCaml | \
                          %.1f ns | %.2f |\n" what q l (q /. l)
     | [] ->
       Printf.fprintf oc "| OCaml | %s | %.1f ns | libguestfs 1.48 OCaml \
                          (not installed) | - | - |\n" what q);
    close_out oc
  | _ -> ()

let () =
  let file = Filename.temp_file "bench_ocaml" ".img" in
  Unix.truncate file (1024 * 1024);
  let sides = qdrive :: List.rev !others in
  Printf.printf "OCaml bindings, native code; %d rounds per call, each round \
                 on a fresh handle, rounds of the sides interleaved\n\n" rounds;
  Printf.printf "add_drive, 3 optional arguments (format raw, cachemode \
                 unsafe, readonly: true for qdrive, false for libguestfs), \
                 existing regular file, %d calls a round:\n" calls_per_round;
  table_row "add_drive, 3 optargs (native)"
    (measure sides (fun s -> s.add_drive file));
  Printf.printf "\nget_memsize (no system call: the cost of the binding and \
                 the library's call path), %d calls a round:\n"
    quick_calls_per_round;
  table_row "get_memsize (no system call)"
    (measure sides (fun s -> s.get_memsize ()));
  Sys.remove file;
  if !others = [] then
    print_endline "\n  (libguestfs's OCaml binding is not installed: \
                   apt-get install libguestfs-ocaml-dev, re-run configure)"
