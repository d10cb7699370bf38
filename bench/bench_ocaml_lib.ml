(* SPDX-License-Identifier: GPL-2.0-or-later *)
(* qdrive benchmark, OCaml: what bench_ocaml.ml and the optional
 * libguestfs side (bench_ocaml_guestfs.ml) share.  Linked first. *)

(* Each round times [calls_per_round] calls on one fresh handle; the
 * figure is the median over [rounds] rounds.  Rounds are short (a few
 * hundred microseconds at most) so that on a busy machine most of them
 * run without being preempted, and the median is the time of the calls
 * rather than of the scheduler. *)
let rounds = 1001
let calls_per_round = 100

(* get_memsize is so quick that a round of it needs more calls to be
 * timed by a clock of microseconds. *)
let quick_calls_per_round = 10_000

(* One side of the comparison: a name, and for each measured call a
 * function that times one round (ns per call).  [add_drive] gets the
 * file's path. *)
type side = {
  name : string;
  add_drive : string -> float;
  get_memsize : unit -> float;
}

(* Bindings measured beside qdrive in the same run register here. *)
let others : side list ref = ref []

(* f makes n calls. *)
let time_per_call n f =
  let t0 = Unix.gettimeofday () in
  f n;
  (Unix.gettimeofday () -. t0) *. 1e9 /. float_of_int n

let sorted a = let a = Array.copy a in Array.sort compare a; a
let median a = (sorted a).(Array.length a / 2)
let minimum a = (sorted a).(0)
