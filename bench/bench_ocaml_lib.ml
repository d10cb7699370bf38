(* qdrive benchmark, OCaml: what bench_ocaml.ml and the optional
 * libguestfs side (bench_ocaml_guestfs.ml) share.  Linked first. *)

(* Each round times [calls_per_round] add_drive calls on one fresh
 * handle; the figure is the median over [rounds] rounds. *)
let rounds = 101
let calls_per_round = 1000

(* Bindings measured beside qdrive in the same run register here: a
 * name, and a function timing one round on a file (ns per call). *)
let others : (string * (string -> float)) list ref = ref []

let time_per_call f =
  let t0 = Unix.gettimeofday () in
  f ();
  (Unix.gettimeofday () -. t0) *. 1e9 /. float_of_int calls_per_round

let median a =
  let a = Array.copy a in
  Array.sort compare a;
  a.(Array.length a / 2)
