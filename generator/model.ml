(* qdrive generator: facts derived from api.ml, computed once here for
 * every emitter. *)

open Types
open Api

(* Internal calls are the ones listed in Api.internal_calls: callable in
 * every binding, left out of the documentation and of help. *)
let is_internal c = List.exists (fun i -> i.name = c.name) internal_calls

let sorted_calls = List.sort (fun a b -> compare a.name b.name) calls
let sorted_public_calls = List.filter (fun c -> not (is_internal c)) sorted_calls

let struct_returned c =
  match c.ret with RStruct s | RStructList s -> Some s | _ -> None

let returned_by cs = List.filter_map struct_returned cs

(* Structs some call returns; those a public call returns (documented);
 * and those only internal calls return (kept out of the docs). *)
let returned_structs =
  List.filter (fun s -> List.mem s.sname (returned_by calls)) structs
let public_structs =
  List.filter (fun s -> List.mem s.sname (returned_by public_calls)) structs
let internal_structs =
  List.filter (fun s -> not (List.mem s.sname (returned_by public_calls)))
    returned_structs

(* The enums of a type, an argument list, a call. *)
let enum_of_type = function Enum e -> Some e | _ -> None
let enum_of_field = function FEnum e -> Some e | _ -> None

let params c = c.args @ List.map Utils.optarg_param c.optargs

let call_enums c = List.filter_map (fun (_, t) -> enum_of_type t) (params c)

(* Enums that some call takes as an argument (the bindings convert
 * them), by name. *)
let enums_taken =
  List.filter (fun e ->
      List.exists (fun c ->
          List.exists (fun e' -> e'.enum_name = e.enum_name) (call_enums c))
        calls) enums

(* The mask with one bit per optional argument of c. *)
let all_optargs_mask c = Int64.pred (Int64.shift_left 1L (List.length c.optargs))
