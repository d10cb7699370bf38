(* SPDX-License-Identifier: GPL-2.0-or-later *)
(* qdrive generator: facts derived from api.ml, computed once here for
 * every emitter. *)

open Types
open Api

(* Internal calls are the ones listed in Api.internal_calls: callable in
 * every binding, left out of the documentation and of help. *)
let is_internal c = List.exists (fun i -> i.name = c.name) internal_calls

let sorted_calls = List.sort (fun a b -> compare a.name b.name) calls

(* The calls the shell has a command for: not those flagged NotInShell,
 * nor those taking a callback. *)
let in_shell c =
  not (List.mem NotInShell c.flags)
  && not (List.exists (function (_, Callback _) -> true | _ -> false) c.args)
let sorted_public_calls = List.filter (fun c -> not (is_internal c)) sorted_calls

let returned_by cs =
  List.filter_map (fun c ->
      match c.ret with RStruct s | RStructList s -> Some s | _ -> None) cs

(* Structs some call returns; those a public call returns (documented);
 * and those only internal calls return (kept out of the docs). *)
let returned_structs =
  List.filter (fun s -> List.mem s.sname (returned_by calls)) structs
let public_structs =
  List.filter (fun s -> List.mem s.sname (returned_by public_calls)) structs
let internal_structs =
  List.filter (fun s -> not (List.mem s.sname (returned_by public_calls)))
    returned_structs

(* Is a list of struct s returned by some call?  (Only then do the
 * bindings need a conversion of the list.) *)
let returned_as_list s = List.exists (fun c -> c.ret = RStructList s.sname) calls

(* Enums that some call takes as an argument (the bindings convert
 * them), by name. *)
let call_enums c =
  List.filter_map (function (_, Enum e) -> Some e | _ -> None)
    (c.args @ List.map Utils.optarg_param c.optargs)

let enums_taken =
  List.filter (fun e ->
      List.exists (fun c ->
          List.exists (fun e' -> e'.enum_name = e.enum_name) (call_enums c))
        calls) enums

(* The mask of the n low bits of a uint64_t, n from 0 to 64 (OCaml's
 * shift by 64 does not give 0, hence the test). *)
let low_bits n = if n >= 64 then -1L else Int64.pred (Int64.shift_left 1L n)

(* The mask with one bit per optional argument of c (at most 64). *)
let all_optargs_mask c = low_bits (List.length c.optargs)

(* How many of a call's last required arguments may be left out: its
 * trailing OptStrings (NULL when left out, as the documentation says),
 * in a call without optional arguments, where nothing follows them.
 * The shell, Perl and Python use this one rule. *)
let omittable_args c =
  let rec count = function (_, OptString) :: r -> 1 + count r | _ -> 0 in
  if c.optargs <> [] then 0 else count (List.rev c.args)
