(* qdrive benchmark, OCaml: libguestfs's OCaml binding doing the same
 * add_drive call (3 optional arguments, an existing regular file).
 * Linked in only where libguestfs-ocaml-dev is installed. *)

open Bench_ocaml_lib

let round file =
  let g = Guestfs.create () in
  let ns = time_per_call (fun () ->
      for _ = 1 to calls_per_round do
        Guestfs.add_drive_opts g ~format:"raw" ~cachemode:"unsafe"
          ~readonly:false file
      done) in
  Guestfs.close g;
  ns

let () =
  let g = Guestfs.create () in
  let v = Guestfs.version g in
  Guestfs.close g;
  let name = Printf.sprintf "libguestfs %Ld.%Ld.%Ld" v.Guestfs.major
      v.Guestfs.minor v.Guestfs.release in
  others := (name, round) :: !others
