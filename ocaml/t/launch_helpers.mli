(* SPDX-License-Identifier: GPL-2.0-or-later *)
(* Helpers shared by the OCaml binding's tests; see launch_helpers.ml. *)

(* Failures counted so far by [check] and [raises]. *)
val failures : int ref

(* [check name ok] counts and prints a failure when [ok] is false. *)
val check : string -> bool -> unit

(* Prints FAIL and the message, and exits 1 at once. *)
val fatal : ('a, unit, string, 'b) format4 -> 'a

(* [raises ?errno name msg f]: f must raise Qdrive.Error with exactly
 * [msg] (and the errno [errno] if given). *)
val raises : ?errno:Unix.error -> string -> string -> (unit -> 'a) -> unit

(* When the test program started. *)
val started : float

(* A new private directory named after the prefix, removed at exit. *)
val temp_dir : string -> string

(* [image dir name]: a sparse raw image of 1 MB, dir/name. *)
val image : string -> string -> string

(* Exits with a failure naming the Debian package when qemu is missing. *)
val require_qemu : unit -> unit
