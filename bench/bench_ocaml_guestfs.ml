(* SPDX-License-Identifier: GPL-2.0-or-later *)
(* qdrive benchmark, OCaml: libguestfs's OCaml binding making the same
 * calls: add_drive_opts with the same 3 optional arguments on the same
 * file, and get_memsize.  Linked in only where libguestfs-ocaml-dev is
 * installed. *)

open Bench_ocaml_lib

let with_handle n f =
  let g = Guestfs.create () in
  let ns = time_per_call n (f g) in
  Guestfs.close g;
  ns

let add_drive file =
  with_handle calls_per_round (fun g n ->
      for _ = 1 to n do
        Guestfs.add_drive_opts g ~format:"raw" ~cachemode:"unsafe"
          ~readonly:false file
      done)

let get_memsize () =
  with_handle quick_calls_per_round (fun g n ->
      for _ = 1 to n do
        ignore (Sys.opaque_identity (Guestfs.get_memsize g))
      done)

let () =
  let g = Guestfs.create () in
  let v = Guestfs.version g in
  Guestfs.close g;
  let name = Printf.sprintf "libguestfs %Ld.%Ld.%Ld" v.Guestfs.major
      v.Guestfs.minor v.Guestfs.release in
  others := { name; add_drive; get_memsize } :: !others
