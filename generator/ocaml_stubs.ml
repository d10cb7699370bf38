(* SPDX-License-Identifier: GPL-2.0-or-later *)
(* qdrive generator: the OCaml binding's C stubs, ocaml/qdrive-c-actions.c.
 *
 * One stub per call.  The fixed frame the stubs use (the handle's
 * custom block, create, close, raising Error, string and list helpers)
 * is hand-written in ocaml/qdrive-c.c and declared in ocaml/qdrive-c.h.
 * Enum values arrive as polymorphic variants, compared by their hash.
 *)

open Printf
open Types
open Utils
open Api

(* The hash of a polymorphic variant tag, as the OCaml compiler computes
 * it (Btype.hash_variant): a `Tag without arguments is Val_long (hash). *)
let hash_variant s =
  let accu = ref 0 in
  String.iter (fun c -> accu := 223 * !accu + Char.code c) s;
  accu := !accu land (1 lsl 31 - 1);
  if !accu > 0x3FFFFFFF then !accu - (1 lsl 31) else !accu

let gen_enum_converter e =
  pr "/* %s: the variant's hash -> the C string. */\n" e.enum_name;
  pr "static const char *\n%s_of_value (value v)\n{\n" e.enum_name;
  pr "  switch (Long_val (v)) {\n";
  List.iter (fun (v, _) ->
      let tag = Ocaml_emit.variant_name v in
      pr "  case %d: return %s; /* `%s */\n" (hash_variant tag) (c_quote v) tag)
    e.enum_values;
  pr "  default: return NULL; /* not possible through the type system */\n";
  pr "  }\n}\n\n"

(* A set of flags: a list of variants -> C's bits. *)
let gen_flags_converter f =
  pr "/* %s: a list of variants -> the C bits. */\n" f.flags_name;
  pr "static uint64_t\n%s_flags_of_value (value l)\n{\n" f.flags_name;
  pr "  uint64_t r = 0;\n\n";
  pr "  for (; l != Val_emptylist; l = Field (l, 1))\n";
  pr "    switch (Long_val (Field (l, 0))) {\n";
  List.iter (fun (v, _) ->
      let tag = Ocaml_emit.variant_name v in
      pr "    case %d: r |= %s; break; /* `%s */\n" (hash_variant tag)
        (C.flag_const f v) tag) f.flags_values;
  pr "    }\n  return r;\n}\n\n";
  pr "/* %s: one C bit -> its variant. */\n" f.flags_name;
  pr "static value\nvalue_of_%s_flag (uint64_t bit)\n{\n" f.flags_name;
  List.iter (fun (v, _) ->
      let tag = Ocaml_emit.variant_name v in
      pr "  if (bit == %s)\n    return Val_long (%d); /* `%s */\n"
        (C.flag_const f v) (hash_variant tag) tag) f.flags_values;
  pr "  return Val_long (0); /* the library gives no other bit */\n}\n\n"

(* The C function of a callback type: it calls the OCaml function with
 * the runtime held (ocaml_qdrive_callback_enter takes it back if this
 * thread had released it for the call the event comes from). *)
let gen_callback_wrapper cb =
  let ps = cb.cb_params in
  let decls = List.concat_map C.cb_param_decls ps in
  let names = List.concat_map (fun (n, p) -> match p with
      | CbInt64Array -> [n; n ^ "_len"] | _ -> [n]) ps in
  pr "/* The %s callback: C's arguments to OCaml values. */\n" cb.cb_name;
  pr "static void\n%s_callback_call (" cb.cb_name;
  pr_wrap (fun () ->
      pr "%s)" (String.concat ", " ("value fn" :: decls)));
  pr "\n{\n  CAMLparam1 (fn);\n  CAMLlocalN (args, %d);\n\n" (List.length ps);
  List.iteri (fun i (n, p) ->
      match p with
      | CbFlag f -> pr "  args[%d] = value_of_%s_flag (%s);\n" i f.flags_name n
      | CbInt -> pr "  args[%d] = Val_int (%s);\n" i n
      | CbString -> pr "  args[%d] = caml_copy_string (%s);\n" i n
      | CbInt64Array ->
        pr "  args[%d] = ocaml_qdrive_copy_int64_array (%s, %s_len);\n" i n n) ps;
  pr "  ocaml_qdrive_callback_call (fn, %d, args);\n" (List.length ps);
  pr "  CAMLreturn0;\n}\n\n";
  pr "static void\n%s_callback_wrapper (" cb.cb_name;
  pr_wrap (fun () ->
      pr "%s)" (String.concat ", " (["qdrive_h *g"; "void *opaque"] @ decls)));
  pr "\n{\n  struct ocaml_qdrive_frame frame;\n\n";
  pr "  if (ocaml_qdrive_callback_enter (g, opaque, &frame)) {\n";
  pr "    %s_callback_call (" cb.cb_name;
  pr_wrap (fun () ->
      pr "%s);" (String.concat ", " ("ocaml_qdrive_callback_fn (opaque)" :: names)));
  pr "\n    ocaml_qdrive_callback_leave (&frame);\n  }\n}\n\n"

(* Enums of the fields of returned structs: C's string -> the variant.
 * A string the binding does not know (a newer library than the
 * binding) is noted, and the stub raises Error once the C result is
 * freed (ocaml_qdrive_raise_unknown_enum). *)
let field_enums =
  List.sort_uniq compare
    (List.concat_map (fun s ->
         List.filter_map (function (_, FEnum e, _) -> Some e | _ -> None)
           s.sfields) Model.returned_structs)

let gen_enum_to_value e =
  pr "/* %s: the C string -> the variant. */\n" e.enum_name;
  pr "static value\nvalue_of_%s (const char *field, const char *s)\n{\n" e.enum_name;
  List.iter (fun (v, _) ->
      let tag = Ocaml_emit.variant_name v in
      pr "  if (strcmp (s, %s) == 0)\n    return Val_long (%d); /* `%s */\n"
        (c_quote v) (hash_variant tag) tag)
    e.enum_values;
  pr "  ocaml_qdrive_unknown_enum (field, s);\n";
  pr "  return Val_long (0);\n}\n\n"

let gen_struct_copy s =
  pr "static value\ncopy_%s (const struct qdrive_%s *s)\n{\n" s.sname s.sname;
  pr "  CAMLparam0 ();\n  CAMLlocal2 (rv, fv);\n\n";
  pr "  rv = caml_alloc (%d, 0);\n" (List.length s.sfields);
  List.iteri (fun i (f, t, _) ->
      let boxed conv =
        pr "  fv = %s (s->%s);\n  Store_field (rv, %d, fv);\n" conv f i in
      match t with
      | FString -> boxed "caml_copy_string"
      | FStringList -> boxed "ocaml_qdrive_copy_string_list"
      | FEnum e ->
        pr "  Store_field (rv, %d, value_of_%s (%S, s->%s));\n" i e.enum_name f f
      | FInt64 -> boxed "caml_copy_int64"
      | FBool -> pr "  Store_field (rv, %d, Val_bool (s->%s));\n" i f
      | FInt -> pr "  Store_field (rv, %d, Val_int (s->%s));\n" i f) s.sfields;
  pr "  CAMLreturn (rv);\n}\n\n";
  if Model.returned_as_list s then begin
    pr "static value\ncopy_%s_list (const struct qdrive_%s_list *l)\n{\n" s.sname s.sname;
  pr "  CAMLparam0 ();\n  CAMLlocal3 (rv, ev, cell);\n  size_t i;\n\n";
  pr "  rv = Val_emptylist;\n";
  pr "  for (i = l->len; i > 0; --i) {\n";
  pr "    ev = copy_%s (&l->val[i - 1]);\n" s.sname;
  pr "    cell = caml_alloc (2, 0);\n";
  pr "    Store_field (cell, 0, ev);\n    Store_field (cell, 1, rv);\n";
    pr "    rv = cell;\n  }\n  CAMLreturn (rv);\n}\n\n"
  end

(* One argument of a stub, required or optional.  Its OCaml value is
 * v_NAME; its C value a_NAME, or the field of the optargs struct; so no
 * API name can clash with the stub's own variables.  An optional
 * argument, and a required OptString, arrive as an OCaml option. *)
type param = { n : string; t : vtype; opt : bool }

let params c =
  List.map (fun (n, t) -> { n; t; opt = false }) c.args
  @ List.map (fun o -> { n = o.oname; t = o.otype; opt = true }) c.optargs

let vname p = "v_" ^ p.n
(* A callback's C value is the opaque pointer given with the stubs'
 * function for its type (see ocaml/qdrive-c.c). *)
let dest p =
  if p.opt then "optargs." ^ p.n
  else match p.t with
    | Callback _ -> "a_" ^ p.n ^ "_opaque"
    | _ -> "a_" ^ p.n
let boxed p = p.opt || p.t = OptString
let inner p = if boxed p then sprintf "Field (%s, 0)" (vname p) else vname p

(* The C local holding a required argument. *)
let local_decl p = match p.t with
  | String | OptString | Secret -> "char *a_" ^ p.n
  | StringList -> "char **a_" ^ p.n
  | Bool | Int -> "int a_" ^ p.n
  | Int64 -> "int64_t a_" ^ p.n
  | Enum _ -> "const char *a_" ^ p.n
  | Flags _ -> "uint64_t a_" ^ p.n
  | Callback _ -> "void *a_" ^ p.n ^ "_opaque"

(* The check of what C cannot be told, made before anything is
 * allocated: NUL bytes in strings, ints out of C's range. *)
let check_fn = function
  | String | OptString | Secret -> Some "ocaml_qdrive_check_string"
  | StringList -> Some "ocaml_qdrive_check_string_list"
  | Int -> Some "ocaml_qdrive_check_int"
  | Bool | Int64 | Enum _ | Flags _ | Callback _ -> None

(* Strings are copied when the call releases the runtime; otherwise
 * they point into the OCaml heap, which does not move while we hold
 * the runtime. *)
let convert t x = match t with
  | Bool -> sprintf "Bool_val (%s)" x
  | Int -> sprintf "Int_val (%s)" x
  | Int64 -> sprintf "Int64_val (%s)" x
  | String | OptString | Secret -> sprintf "ocaml_qdrive_cstring (%s, release, &oom)" x
  | StringList -> sprintf "ocaml_qdrive_cstring_list (%s, release, &oom)" x
  | Enum e -> sprintf "%s_of_value (%s)" e.enum_name x
  | Flags f -> sprintf "%s_flags_of_value (%s)" f.flags_name x
  | Callback _ -> sprintf "ocaml_qdrive_callback_new (gv, %s, &oom)" x

(* What the conversion allocated: string copies (only when releasing)
 * and string lists' arrays (always). *)
let copy_to_free p = match p.t with
  | String | OptString | Secret ->
    Some (if p.opt then sprintf "free ((char *) %s);" (dest p)
          else sprintf "free (%s);" (dest p))
  | _ -> None

(* A callback registered for the call, freed if the call is not made
 * (once it is, the library frees it). *)
let callback_to_free p = match p.t with
  | Callback _ -> Some (sprintf "ocaml_qdrive_callback_free (%s);" (dest p))
  | _ -> None

let list_to_free p = match p.t with
  | StringList ->
    Some (sprintf "ocaml_qdrive_free_cstring_list (%s%s, release);"
            (if p.opt then "(char **) " else "") (dest p))
  | _ -> None

let gen_stub c =
  let ps = params c in
  let name = Ocaml_emit.stub_name c in
  let values =
    ["gv"] @ List.map vname (List.filter (fun p -> p.opt) ps)
    @ List.map vname (List.filter (fun p -> not p.opt) ps)
    @ (if Ocaml_emit.needs_unit c then ["unitv"] else []) in
  pr "/* %s */\n" c.name;
  pr "value\n%s (" name;
  pr_wrap (fun () ->
      pr "%s)" (String.concat ", " (List.map (fun p -> "value " ^ p) values)));
  pr "\n{\n";
  (* Register every parameter as a local root, five at a time. *)
  let rec reg first = function
    | [] -> ()
    | vs ->
      let now = List.filteri (fun i _ -> i < 5) vs
      and later = List.filteri (fun i _ -> i >= 5) vs in
      pr "  %s%d (%s);\n" (if first then "CAMLparam" else "CAMLxparam")
        (List.length now) (String.concat ", " now);
      reg false later in
  reg true values;
  pr "  CAMLlocal1 (rv);\n";
  pr "  const int blocking = %d;\n" (if is_blocking c then 1 else 0);
  pr "  int release;\n";
  if List.exists (fun p -> match p.t with
      | String | OptString | Secret | StringList | Callback _ -> true
      | _ -> false) ps then
    pr "  int oom = 0;\n";
  pr "  qdrive_h *g;\n";
  pr "  %s;\n" (C.c_ret_decl c);
  List.iter (fun p -> if not p.opt then pr "  %s;\n" (local_decl p)) ps;
  if c.optargs <> [] then
    pr "  struct %s optargs = { .bitmask = 0 };\n" (C.argv_struct c);
  pr "\n";
  pr "  g = ocaml_qdrive_handle (gv, %S, blocking, &release);\n" c.name;
  List.iter (fun p ->
      match check_fn p.t with
      | None -> ()
      | Some f ->
        if boxed p then pr "  if (Is_block (%s))\n  " (vname p);
        pr "  %s (%s, %S, %S);\n" f (inner p) c.name p.n) ps;
  List.iter (fun p ->
      if p.opt then begin
        pr "  if (Is_block (%s)) {\n" (vname p);
        pr "    optargs.bitmask |= %s_BITMASK;\n"
          (C.optarg_const c (find_optarg c p.n));
        pr "    %s = %s;\n  }\n" (dest p) (convert p.t (inner p))
      end
      else if boxed p then
        pr "  %s = Is_block (%s) ? %s : NULL;\n" (dest p) (vname p)
          (convert p.t (inner p))
      else pr "  %s = %s;\n" (dest p) (convert p.t (inner p))) ps;
  let copies = List.filter_map copy_to_free ps
  and lists = List.filter_map list_to_free ps
  and cbs = List.filter_map callback_to_free ps in
  let free_args indent =
    (match copies with
     | [] -> ()
     | [x] -> pr "%sif (release)\n%s  %s\n" indent indent x
     | xs ->
       pr "%sif (release) {\n" indent;
       List.iter (pr "%s  %s\n" indent) xs;
       pr "%s}\n" indent);
    List.iter (pr "%s%s\n" indent) lists in
  if copies <> [] || lists <> [] || cbs <> [] then begin
    pr "  if (oom) {\n";
    free_args "    ";
    List.iter (pr "    %s\n") cbs;
    pr "    caml_raise_out_of_memory ();\n  }\n"
  end;
  pr "\n";
  let carg (n, t) = match t with
    | Callback cb ->
      [cb.cb_name ^ "_callback_wrapper"; "a_" ^ n ^ "_opaque";
       "ocaml_qdrive_callback_free"]
    | _ -> ["a_" ^ n] in
  let cargs = String.concat ", " ("g" :: List.concat_map carg c.args) in
  pr "  if (release)\n    ocaml_qdrive_release (gv);\n";
  if c.optargs <> [] then
    pr "  r = qdrive_%s_argv (%s, &optargs);\n" (c_opts_name c) cargs
  else
    pr "  r = qdrive_%s (%s);\n" c.name cargs;
  pr "  if (release)\n    ocaml_qdrive_acquire (gv);\n";
  free_args "  ";
  pr "  if (r == %s)\n    ocaml_qdrive_raise_error (g);\n\n" (C.c_err_value c.ret);
  (match c.ret with
   | RErr -> pr "  rv = Val_unit;\n"
   | RBool -> pr "  rv = Val_bool (r);\n"
   | RInt -> pr "  rv = Val_int (r);\n"
   | RInt64 -> pr "  rv = caml_copy_int64 (r);\n"
   | RString -> pr "  rv = caml_copy_string (r);\n  free (r);\n"
   | RStringList ->
     pr "  rv = ocaml_qdrive_copy_string_list (r);\n  qdrive_free_string_list (r);\n"
   | RStruct s ->
     pr "  rv = copy_%s (r);\n  qdrive_free_%s (r);\n" s s;
     pr "  ocaml_qdrive_raise_unknown_enum (%S);\n" c.name
   | RStructList s ->
     pr "  rv = copy_%s_list (r);\n  qdrive_free_%s_list (r);\n" s s;
     pr "  ocaml_qdrive_raise_unknown_enum (%S);\n" c.name);
  pr "  CAMLreturn (rv);\n}\n\n";
  let n = List.length values in
  if n > 5 then begin
    pr "/* Bytecode passes more than five arguments as an array. */\n";
    pr "value\n%s_byte (value *argv, int argn)\n{\n" name;
    pr "  return %s (" name;
    pr_wrap (fun () ->
        pr "%s);" (String.concat ", " (List.init n (sprintf "argv[%d]"))));
    pr "\n}\n\n"
  end

let generate_c_actions () =
  banner CStyle;
  pr "\
/* One stub per call of the API; the frame they use is in qdrive-c.c.
 * Each stub: checks what C cannot be told (NUL bytes, int range),
 * converts the arguments, calls the C library (releasing the OCaml
 * runtime around calls that may block, with strings copied to C memory
 * first), raises Qdrive.Error with the library's message on failure,
 * and converts the result. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <caml/alloc.h>
#include <caml/fail.h>
#include <caml/memory.h>
#include <caml/mlvalues.h>

#include \"qdrive.h\"
#include \"qdrive-c.h\"

#pragma GCC diagnostic ignored \"-Wmissing-prototypes\"

";
  List.iter gen_enum_converter Model.enums_taken;
  List.iter gen_enum_to_value field_enums;
  List.iter gen_flags_converter flag_sets;
  List.iter gen_callback_wrapper callbacks;
  List.iter gen_struct_copy Model.returned_structs;
  List.iter gen_stub calls
