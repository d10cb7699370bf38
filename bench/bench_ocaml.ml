(* qdrive benchmark, OCaml binding, native code: the median time of one
 * add_drive call with 3 optional arguments (format, cachemode,
 * readonly) on an existing regular file.  Where libguestfs's OCaml
 * binding is linked in (bench_ocaml_guestfs.ml), its add_drive_opts with
 * the same arguments is measured in the same run, rounds interleaved,
 * and the ratio printed.
 *
 * Run: ./run ocaml/bench_ocaml   (or: make -C ocaml bench) *)

open Bench_ocaml_lib

let qdrive_round file =
  let g = Qdrive.create () in
  let ns = time_per_call (fun () ->
      for _ = 1 to calls_per_round do
        Qdrive.add_drive g ~format:"raw" ~cachemode:`Unsafe ~readonly:false file
      done) in
  Qdrive.close g;
  ns

let () =
  let file = Filename.temp_file "bench_ocaml" ".img" in
  Unix.truncate file (1024 * 1024);
  let sides = ("qdrive", qdrive_round) :: List.rev !others in
  (* Warm up every side, then interleave the rounds so that both see the
   * same machine. *)
  List.iter (fun (_, f) -> ignore (f file)) sides;
  let times = List.map (fun _ -> Array.make rounds 0.) sides in
  for r = 0 to rounds - 1 do
    List.iter2 (fun (_, f) a -> a.(r) <- f file) sides times
  done;
  Sys.remove file;
  Printf.printf "add_drive, 3 optional arguments (format raw, cachemode \
                 unsafe, readonly false), existing regular file, OCaml \
                 native code\n";
  Printf.printf "%d rounds of %d calls, each round on a fresh handle; \
                 median ns per call\n\n" rounds calls_per_round;
  let medians = List.map median times in
  List.iter2 (fun (name, _) m ->
      Printf.printf "  %-20s %8.1f ns/call\n" name m) sides medians;
  (match medians with
   | q :: others_m ->
     List.iter2 (fun (name, _) m ->
         Printf.printf "\n  qdrive / %s = %.3f (target: at most 0.5)\n" name
           (q /. m)) (List.tl sides) others_m
   | [] -> ());
  if !others = [] then
    print_endline "\n  (libguestfs's OCaml binding is not installed: \
                   apt-get install libguestfs-ocaml-dev, re-run configure)"
