(* qdrive generator: the OCaml binding.
 *
 * Writes ocaml/qdrive.mli (with the documentation), ocaml/qdrive.ml,
 * ocaml/qdrive-c-actions.c (one C stub per call) and the OCaml half of
 * the cross-language test.  The fixed frame the stubs use (the handle's
 * custom block, create, close, raising Error, list helpers) is
 * hand-written in ocaml/qdrive-c.c and declared in ocaml/qdrive-c.h.
 *
 * Enums become polymorphic variants: the value "kvm:tcg" becomes
 * `Kvm_tcg (first letter capitalised, any character that cannot be in
 * an OCaml constructor replaced by _).  The C stubs compare the variant
 * with its hash, computed here the way the OCaml compiler computes it.
 *)

open Printf
open Types
open Utils
open Api

(* ------------------------------------------------------------------ *)
(* Names and types. *)

let keywords = [
  "and"; "as"; "assert"; "begin"; "class"; "constraint"; "do"; "done";
  "downto"; "else"; "end"; "exception"; "external"; "false"; "for"; "fun";
  "function"; "functor"; "if"; "in"; "include"; "inherit"; "initializer";
  "lazy"; "let"; "match"; "method"; "module"; "mutable"; "new"; "nonrec";
  "object"; "of"; "open"; "or"; "private"; "rec"; "sig"; "struct"; "then";
  "to"; "true"; "try"; "type"; "val"; "virtual"; "when"; "while"; "with";
  "mod"; "land"; "lor"; "lxor"; "lsl"; "lsr"; "asr";
]

(* An OCaml identifier (value, label, record field) for an API name. *)
let ml_ident n = if List.mem n keywords then n ^ "_" else n

(* "kvm:tcg" -> "Kvm_tcg" *)
let variant_name v =
  let s = String.map (function
      | ('a'..'z' | 'A'..'Z' | '0'..'9' | '_') as c -> c | _ -> '_') v in
  let s = String.capitalize_ascii s in
  (match s.[0] with
   | 'A'..'Z' -> ()
   | _ -> failwith (sprintf "enum value %S gives no OCaml constructor" v));
  s

(* The hash of a polymorphic variant tag, as the OCaml compiler computes
 * it (Btype.hash_variant): a `Tag without arguments is Val_long (hash). *)
let hash_variant s =
  let accu = ref 0 in
  String.iter (fun c -> accu := 223 * !accu + Char.code c) s;
  accu := !accu land (1 lsl 31 - 1);
  if !accu > 0x3FFFFFFF then !accu - (1 lsl 31) else !accu

(* Refuse enums whose values would map to the same constructor. *)
let () =
  List.iter (fun e ->
      let names = List.map (fun (v, _) -> variant_name v) e.enum_values in
      List.iter (fun n ->
          if List.length (List.filter (( = ) n) names) > 1 then
            failwith (sprintf "enum %s: two values give `%s" e.enum_name n))
        names) enums

let variant_type e =
  sprintf "[ %s ]"
    (String.concat " | " (List.map (fun (v, _) -> "`" ^ variant_name v)
                            e.enum_values))

let ml_arg_type = function
  | String _ -> "string"
  | OptString _ -> "string option"
  | StringList _ -> "string list"
  | Bool _ -> "bool"
  | Int _ -> "int"
  | Int64 _ -> "int64"
  | Enum (_, e) -> e.enum_name

let ml_optarg_type o = match o.otype with
  | OBool -> "bool" | OInt -> "int" | OInt64 -> "int64"
  | OString -> "string" | OStringList -> "string list"
  | OEnum e -> e.enum_name

let ml_ret_type = function
  | RErr -> "unit" | RBool -> "bool" | RInt -> "int" | RInt64 -> "int64"
  | RString -> "string" | RStringList -> "string list"
  | RStruct s -> s | RStructList s -> s ^ " list"

let ml_field_type = function
  | FString -> "string" | FBool -> "bool" | FInt -> "int" | FInt64 -> "int64"

(* A call without required args but with optional ones takes a final
 * unit, so that the optional args can be left out. *)
let needs_unit c = c.args = [] && c.optargs <> []

let ml_signature c =
  let parts =
    ["t"]
    @ List.map (fun o -> sprintf "?%s:%s" (ml_ident o.oname) (ml_optarg_type o))
      c.optargs
    @ List.map ml_arg_type c.args
    @ (if needs_unit c then ["unit"] else []) in
  String.concat " -> " (parts @ [ml_ret_type c.ret])

let nparams c =
  1 + List.length c.optargs + List.length c.args + (if needs_unit c then 1 else 0)

let stub_name c = "ocaml_qdrive_" ^ c.name

let external_decl name c =
  if nparams c > 5 then
    sprintf "external %s : %s\n  = \"%s_byte\" \"%s\"" (ml_ident name)
      (ml_signature c) (stub_name c) (stub_name c)
  else
    sprintf "external %s : %s\n  = \"%s\"" (ml_ident name) (ml_signature c)
      (stub_name c)

(* The OCaml names of a call: add_drive also answers to add_drive_opts,
 * as in C. *)
let ml_names c =
  if has_flag c OptsSuffix then [c.name; c.name ^ "_opts"] else [c.name]

(* ------------------------------------------------------------------ *)
(* POD to ocamldoc. *)

let escape_odoc_text s =
  let b = Buffer.create (String.length s) in
  String.iter (function
      | ('{' | '}' | '[' | ']' | '@') as c ->
        Buffer.add_char b '\\'; Buffer.add_char b c
      | c -> Buffer.add_char b c) s;
  Buffer.contents b

let escape_odoc_code s =
  let b = Buffer.create (String.length s) in
  String.iter (function
      | ('[' | ']') as c -> Buffer.add_char b '\\'; Buffer.add_char b c
      | c -> Buffer.add_char b c) s;
  Buffer.contents b

(* The text must not end the comment it is in, nor open a string
 * literal the OCaml lexer would look for inside the comment. *)
let check_comment_safe s =
  let count c = List.length (String.split_on_char c s) - 1 in
  if count '"' mod 2 <> 0 then
    failwith (sprintf "ocamldoc: odd number of double quotes in: %s" s);
  let re = Str.regexp_string "*)" in
  (try ignore (Str.search_forward re s 0);
     failwith (sprintf "ocamldoc: \"*)\" in: %s" s)
   with Not_found -> ());
  s

(* Inline POD (one paragraph) to ocamldoc text.  Text outside C<> is
 * escaped; C<x> becomes [x]. *)
let pod_inline_to_odoc p =
  let re = Str.regexp "\\([CBIL]\\)<\\([^<>]*\\)>" in
  let b = Buffer.create (String.length p) in
  let rec loop pos =
    match Str.search_forward re p pos with
    | exception Not_found ->
      Buffer.add_string b (escape_odoc_text (String.sub p pos (String.length p - pos)))
    | i ->
      let kind = Str.matched_group 1 p and inner = Str.matched_group 2 p in
      let next = Str.match_end () in
      Buffer.add_string b (escape_odoc_text (String.sub p pos (i - pos)));
      (match kind with
       | "C" | "L" -> bprintf b "[%s]" (escape_odoc_code inner)
       | "B" -> bprintf b "{b %s}" (escape_odoc_text inner)
       | _ -> bprintf b "{i %s}" (escape_odoc_text inner));
      loop next in
  loop 0;
  check_comment_safe (Buffer.contents b)

let pod_to_odoc ?(indent = "    ") pod =
  String.concat "\n\n"
    (List.map (function
         | Text p -> wrap ~indent ~width:76 (pod_inline_to_odoc p)
         | Verbatim p -> check_comment_safe (sprintf "%s{v\n%s\n%sv}" indent p indent))
        (pod_paragraphs pod))

(* One line, inline, e.g. for list items. *)
let pod_line_to_odoc pod = pod_inline_to_odoc (String.trim pod)

(* A list item "{- TEXT}", wrapped, continuation lines under TEXT. *)
let item text =
  let w = wrap ~indent:"       " ~width:76 ("{- " ^ text ^ "}") in
  "    " ^ String.sub w 7 (String.length w - 7)

let sentence s =
  if s = "" then s else String.capitalize_ascii s ^ "."

(* ------------------------------------------------------------------ *)
(* qdrive.mli and qdrive.ml share the type definitions. *)

let enum_doc e =
  pr "(** The values of [%s].  Each stands for the C string shown with it.\n"
    e.enum_name;
  pr "    {ul\n";
  List.iter (fun (v, d) ->
      pr "%s\n" (item (sprintf "[`%s] ([%S]%s): %s" (variant_name v) v
                          (if v = e.enum_default then ", the default" else "")
                          (pod_line_to_odoc d)))) e.enum_values;
  pr "    } *)\n"

let gen_enum_type ~doc e =
  pr "type %s = %s\n" e.enum_name (variant_type e);
  if doc then enum_doc e;
  pr "\n"

let gen_struct_type ~doc s =
  if doc then pr "(** %s *)\n" (pod_line_to_odoc s.sdoc);
  pr "type %s = {\n" s.sname;
  List.iter (fun (n, t, d) ->
      pr "  %s : %s;\n" (ml_ident n) (ml_field_type t);
      if doc then pr "%s\n" (wrap ~indent:"    " ~width:76
                              ("(** " ^ pod_line_to_odoc d ^ " *)"))) s.sfields;
  pr "}\n\n"

let internal_structs =
  (* Structs only internal calls return are kept out of the docs. *)
  let used_by pred =
    List.concat_map (fun c -> match c.ret with
        | (RStruct s | RStructList s) when pred c -> [s] | _ -> []) calls in
  let public = used_by (fun c -> not (is_internal c)) in
  List.filter (fun s -> not (List.mem s.sname public)) structs

let public_structs =
  List.filter (fun s -> not (List.memq s internal_structs)) structs

let public_calls = List.filter (fun c -> not (is_internal c)) calls
let internal_calls = List.filter is_internal calls

let ret_doc = function
  | RErr -> None
  | RBool | RInt | RInt64 | RString -> None
  | RStringList -> Some "Returns the strings as a list, in order."
  | RStruct _ -> None
  | RStructList _ -> Some "Returns one record per entry, in order."

let call_doc c =
  pr "(** %s\n\n" (check_comment_safe (escape_odoc_text (sentence c.shortdesc)));
  (* The positional arguments have no labels: name them. *)
  let usage =
    String.concat " "
      (["Qdrive." ^ ml_ident c.name; "g"]
       @ List.map (fun o -> sprintf "?%s" (ml_ident o.oname)) c.optargs
       @ List.map arg_name c.args
       @ (if needs_unit c then ["()"] else [])) in
  pr "    [%s]\n\n" (escape_odoc_code usage);
  pr "%s\n" (pod_to_odoc c.longdesc);
  if c.optargs <> [] then begin
    pr "\n    Optional arguments:\n    {ul\n";
    List.iter (fun o ->
        pr "%s\n" (item (sprintf "[?%s] ([%s]): %s" (ml_ident o.oname)
                            (escape_odoc_code (ml_optarg_type o))
                            (pod_line_to_odoc o.odoc))))
      c.optargs;
    pr "    }\n"
  end;
  (match ret_doc c.ret with Some s -> pr "\n    %s\n" s | None -> ());
  if is_blocking c then
    pr "\n    This call may take long: other OCaml threads run while it waits.\n";
  pr "\n    @raise Error if the call fails (the C library's message).\n";
  pr "    @since %s *)\n" c.added

let generate_mli () =
  banner OCamlStyle;
  pr "\
(** qdrive: describe the disks of a qemu virtual machine, above all each
    disk's cache mode, and turn them into a qemu command line.

    {[
let () =
  let g = Qdrive.create () in
  Qdrive.add_drive g ~format:\"raw\" ~cachemode:`Unsafe \"scratch.img\";
  List.iter print_endline (Qdrive.get_qemu_command_line g);
  Qdrive.close g
    ]}

    This module binds the C library libqdrive; see qdrive(3) for the
    calls in detail.  Every call is made on a handle of type {!t}.

    {2 Conventions}

    {ul
    {- Optional arguments of the C calls are optional labelled
       arguments.  A call that takes optional arguments but no
       required ones takes a final [()].}
    {- Enums are polymorphic variants, so a value outside the enum is
       a type error at compile time.  A value's constructor is its C
       string with the first letter capitalised and any character that
       cannot be in a constructor replaced by [_]: [\"writeback\"] is
       [`Writeback], [\"kvm:tcg\"] is [`Kvm_tcg].  Each enum type below
       lists its values.}
    {- Lists of strings, as arguments and as results, are [string list];
       a call returning a list of structs returns a list of records.
       Records of different structs share some field names (such as
       [filename]): where the compiler cannot tell the record's type,
       annotate it or write [d.Qdrive.filename].}
    {- C [int] arguments are OCaml [int]s; a value outside the C
       [int] range (-2147483648 to 2147483647) raises {!Error} without
       calling C.  C [int64_t] values are [int64].}
    {- Strings cannot contain a NUL byte (C strings end there): such a
       string raises {!Error} without calling C.}
    }

    {2 Errors}

    A failed call raises {!Error} with the C library's message
    unchanged, which starts with the name of the call, for example
    [\"add_drive: blocksize: 1000 is not valid; allowed: 512, 4096\"].
    A call on a closed handle raises {!Error} too, with the message
    [\"CALL: the handle is closed\"].

    {2 Handles and the garbage collector}

    {!close} frees the handle at once (and stops its qemu); calling it
    again does nothing.  A handle that becomes unreachable without
    being closed is closed by the garbage collector.

    {2 Threads}

    A handle may be used from several threads.  Calls that may block
    (such as [launch]) let other OCaml threads run while they wait;
    {!close} refuses, with {!Error}, a handle that another thread is
    using in such a call. *)

type t
(** A qdrive handle. *)

exception Error of string
(** Raised by every call that fails, with the C library's message. *)

val create : unit -> t
(** Create a handle with the default settings: no drives, the qemu
    binary from [$QDRIVE_HV] or [qemu-system-x86_64].  The library
    prints nothing on errors made through this binding: they are raised.
    @raise Error if the handle cannot be created, with the text of
    errno: a bad [$QDRIVE_ACCEL] gives [\"create: Invalid argument\"], and
    the C library prints which value was refused. *)

external close : t -> unit = \"ocaml_qdrive_close\"
(** Close the handle: stop its virtual machine if it is running, remove
    its temporary files (scratch disks) and free it.  Closing a closed
    handle does nothing.
    @raise Error if another thread is in a blocking call on the handle. *)

(** {1 Enums} *)

";
  List.iter (gen_enum_type ~doc:true) enums;
  pr "(** {1 Structs} *)\n\n";
  List.iter (gen_struct_type ~doc:true) public_structs;
  pr "(** {1 Calls} *)\n\n";
  List.iter (fun c ->
      List.iteri (fun i name ->
          pr "%s\n" (external_decl name c);
          if i = 0 then call_doc c
          else pr "(** The same as {!%s}. *)\n" (ml_ident c.name);
          pr "\n") (ml_names c)) public_calls;
  pr "\
(**/**)

(* For the project's own tests: the internal calls, and counters of the
 * handles the stubs created and freed. *)
";
  List.iter (gen_struct_type ~doc:false) internal_structs;
  List.iter (fun c ->
      List.iter (fun name -> pr "%s\n\n" (external_decl name c)) (ml_names c))
    internal_calls;
  pr "\
external debug_live_handles : unit -> int = \"ocaml_qdrive_debug_live_handles\"
external debug_finalized_handles : unit -> int
  = \"ocaml_qdrive_debug_finalized_handles\"
external debug_set_busy : t -> int -> unit = \"ocaml_qdrive_debug_set_busy\"
"

let generate_ml () =
  banner OCamlStyle;
  pr "\
type t

exception Error of string

(* The C stubs find the exception under this name. *)
let () =
  Callback.register_exception \"Qdrive.Error\" (Error \"\");
  Printexc.register_printer (function
      | Error msg -> Some (\"Qdrive.Error: \" ^ msg)
      | _ -> None)

external create : unit -> t = \"ocaml_qdrive_create\"
external close : t -> unit = \"ocaml_qdrive_close\"

";
  List.iter (gen_enum_type ~doc:false) enums;
  List.iter (gen_struct_type ~doc:false) structs;
  List.iter (fun c ->
      List.iter (fun name -> pr "%s\n\n" (external_decl name c)) (ml_names c))
    calls;
  pr "\
external debug_live_handles : unit -> int = \"ocaml_qdrive_debug_live_handles\"
external debug_finalized_handles : unit -> int
  = \"ocaml_qdrive_debug_finalized_handles\"
external debug_set_busy : t -> int -> unit = \"ocaml_qdrive_debug_set_busy\"
"

(* ------------------------------------------------------------------ *)
(* qdrive-c-actions.c *)

let used_structs =
  List.sort_uniq compare
    (List.concat_map (fun c -> match c.ret with
         | RStruct s -> [(s, false)]
         | RStructList s -> [(s, false); (s, true)]
         | _ -> []) calls)

let gen_enum_converter e =
  pr "/* %s: the variant's hash -> the C string. */\n" e.enum_name;
  pr "static const char *\n%s_of_value (value v)\n{\n" e.enum_name;
  pr "  switch (Long_val (v)) {\n";
  List.iter (fun (v, _) ->
      pr "  case %d: return %s; /* `%s */\n" (hash_variant (variant_name v))
        (c_quote v) (variant_name v)) e.enum_values;
  pr "  default: return NULL; /* not possible through the type system */\n";
  pr "  }\n}\n\n"

let gen_struct_copy s =
  let n = List.length s.sfields in
  pr "static value\ncopy_%s (const struct qdrive_%s *s)\n{\n" s.sname s.sname;
  pr "  CAMLparam0 ();\n  CAMLlocal2 (rv, fv);\n\n";
  pr "  rv = caml_alloc (%d, 0);\n" n;
  List.iteri (fun i (f, t, _) ->
      match t with
      | FString ->
        pr "  fv = caml_copy_string (s->%s);\n  Store_field (rv, %d, fv);\n" f i
      | FInt64 ->
        pr "  fv = caml_copy_int64 (s->%s);\n  Store_field (rv, %d, fv);\n" f i
      | FBool -> pr "  Store_field (rv, %d, Val_bool (s->%s));\n" i f
      | FInt -> pr "  Store_field (rv, %d, Val_int (s->%s));\n" i f) s.sfields;
  pr "  CAMLreturn (rv);\n}\n\n"

let gen_struct_list_copy s =
  pr "static value\ncopy_%s_list (const struct qdrive_%s_list *l)\n{\n" s.sname s.sname;
  pr "  CAMLparam0 ();\n  CAMLlocal3 (rv, ev, cell);\n  size_t i;\n\n";
  pr "  rv = Val_emptylist;\n";
  pr "  for (i = l->len; i > 0; --i) {\n";
  pr "    ev = copy_%s (&l->val[i - 1]);\n" s.sname;
  pr "    cell = caml_alloc (2, 0);\n";
  pr "    Store_field (cell, 0, ev);\n    Store_field (cell, 1, rv);\n";
  pr "    rv = cell;\n  }\n  CAMLreturn (rv);\n}\n\n"

(* C variable names: v_NAME for the OCaml value, a_NAME for the C
 * argument, so no API name can clash with the stub's own variables. *)
let vname n = "v_" ^ n
let aname n = "a_" ^ n

let gen_stub c =
  let params =
    ["gv"]
    @ List.map (fun o -> vname o.oname) c.optargs
    @ List.map (fun a -> vname (arg_name a)) c.args
    @ (if needs_unit c then ["unitv"] else []) in
  let has_opts = c.optargs <> [] in
  pr "/* %s */\n" c.name;
  pr "value\n%s (%s)\n{\n" (stub_name c)
    (String.concat ", " (List.map (fun p -> "value " ^ p) params));
  (* Register every parameter as a local root. *)
  let rec reg first = function
    | [] -> ()
    | ps ->
      let n = min 5 (List.length ps) in
      let now = List.filteri (fun i _ -> i < n) ps
      and later = List.filteri (fun i _ -> i >= n) ps in
      pr "  %s%d (%s);\n" (if first then "CAMLparam" else "CAMLxparam") n
        (String.concat ", " now);
      reg false later in
  reg true params;
  pr "  CAMLlocal1 (rv);\n";
  pr "  const int blocking = %d;\n" (if is_blocking c then 1 else 0);
  pr "  int release;\n";
  if List.exists (function String _ | OptString _ | StringList _ -> true | _ -> false) c.args
  || List.exists (fun o -> match o.otype with OString | OStringList -> true | _ -> false) c.optargs
  then pr "  int oom = 0;\n";
  pr "  qdrive_h *g;\n";
  pr "  %s r;\n" (String.trim (C.c_ret_type c.ret));
  List.iter (fun a ->
      let n = arg_name a in
      match a with
      | String _ | OptString _ -> pr "  char *%s;\n" (aname n)
      | StringList _ -> pr "  char **%s;\n" (aname n)
      | Bool _ | Int _ -> pr "  int %s;\n" (aname n)
      | Int64 _ -> pr "  int64_t %s;\n" (aname n)
      | Enum _ -> pr "  const char *%s;\n" (aname n)) c.args;
  if has_opts then
    pr "  struct %s optargs = { .bitmask = 0 };\n" (C.argv_struct c);
  pr "\n";
  pr "  g = ocaml_qdrive_handle (gv, %S, blocking, &release);\n" c.name;
  (* First pass: checks that can fail, before anything is allocated. *)
  let check kind v n =
    match kind with
    | `String -> pr "  ocaml_qdrive_check_string (%s, %S, %S);\n" v c.name n
    | `StringList -> pr "  ocaml_qdrive_check_string_list (%s, %S, %S);\n" v c.name n
    | `Int -> pr "  ocaml_qdrive_check_int (%s, %S, %S);\n" v c.name n
    | `None -> () in
  let arg_kind = function
    | String _ -> `String | StringList _ -> `StringList | Int _ -> `Int
    | _ -> `None in
  let opt_kind o = match o.otype with
    | OString -> `String | OStringList -> `StringList | OInt -> `Int
    | _ -> `None in
  List.iter (fun a ->
      let n = arg_name a in
      match a with
      | OptString _ ->
        pr "  if (Is_block (%s))\n  " (vname n);
        check `String (sprintf "Field (%s, 0)" (vname n)) n
      | _ -> check (arg_kind a) (vname n) n) c.args;
  List.iter (fun o ->
      match opt_kind o with
      | `None -> ()
      | k ->
        pr "  if (Is_block (%s))\n  " (vname o.oname);
        check k (sprintf "Field (%s, 0)" (vname o.oname)) o.oname) c.optargs;
  (* Second pass: the C arguments.  Strings are copied when the call
   * releases the runtime; otherwise they point into the OCaml heap,
   * which does not move while we hold the runtime. *)
  List.iter (fun a ->
      let n = arg_name a and v = vname (arg_name a) in
      match a with
      | String _ -> pr "  %s = ocaml_qdrive_cstring (%s, release, &oom);\n" (aname n) v
      | OptString _ ->
        pr "  %s = Is_block (%s) ? ocaml_qdrive_cstring (Field (%s, 0), release, &oom) : NULL;\n"
          (aname n) v v
      | StringList _ ->
        pr "  %s = ocaml_qdrive_cstring_list (%s, release, &oom);\n" (aname n) v
      | Bool _ -> pr "  %s = Bool_val (%s);\n" (aname n) v
      | Int _ -> pr "  %s = Int_val (%s);\n" (aname n) v
      | Int64 _ -> pr "  %s = Int64_val (%s);\n" (aname n) v
      | Enum (_, e) -> pr "  %s = %s_of_value (%s);\n" (aname n) e.enum_name v)
    c.args;
  List.iter (fun o ->
      let v = vname o.oname and f = "optargs." ^ o.oname in
      pr "  if (Is_block (%s)) {\n" v;
      pr "    optargs.bitmask |= %s_BITMASK;\n" (C.optarg_const c o);
      let x = sprintf "Field (%s, 0)" v in
      (match o.otype with
       | OBool -> pr "    %s = Bool_val (%s);\n" f x
       | OInt -> pr "    %s = Int_val (%s);\n" f x
       | OInt64 -> pr "    %s = Int64_val (%s);\n" f x
       | OString -> pr "    %s = ocaml_qdrive_cstring (%s, release, &oom);\n" f x
       | OStringList ->
         pr "    %s = ocaml_qdrive_cstring_list (%s, release, &oom);\n" f x
       | OEnum e -> pr "    %s = %s_of_value (%s);\n" f e.enum_name x);
      pr "  }\n") c.optargs;
  (* What the second pass allocated: the copies of strings (only when
   * releasing) and the arrays of string lists (always). *)
  let copies =
    List.filter_map (fun a -> match a with
        | String n | OptString n -> Some (sprintf "free (%s);" (aname n))
        | _ -> None) c.args
    @ List.filter_map (fun o -> match o.otype with
        | OString -> Some (sprintf "free ((char *) optargs.%s);" o.oname)
        | _ -> None) c.optargs in
  let lists =
    List.filter_map (fun a -> match a with
        | StringList n ->
          Some (sprintf "ocaml_qdrive_free_cstring_list (%s, release);" (aname n))
        | _ -> None) c.args
    @ List.filter_map (fun o -> match o.otype with
        | OStringList ->
          Some (sprintf "ocaml_qdrive_free_cstring_list ((char **) optargs.%s, release);"
                  o.oname)
        | _ -> None) c.optargs in
  let free_args indent =
    (match copies with
     | [] -> ()
     | [x] -> pr "%sif (release)\n%s  %s\n" indent indent x
     | xs ->
       pr "%sif (release) {\n" indent;
       List.iter (pr "%s  %s\n" indent) xs;
       pr "%s}\n" indent);
    List.iter (pr "%s%s\n" indent) lists in
  if copies <> [] || lists <> [] then begin
    pr "  if (oom) {\n";
    free_args "    ";
    pr "    caml_raise_out_of_memory ();\n  }\n"
  end;
  pr "\n";
  let cargs = String.concat ", " ("g" :: List.map (fun a -> aname (arg_name a)) c.args) in
  pr "  if (release)\n    ocaml_qdrive_release (gv);\n";
  if has_opts then
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
   | RStruct s -> pr "  rv = copy_%s (r);\n  qdrive_free_%s (r);\n" s s
   | RStructList s ->
     pr "  rv = copy_%s_list (r);\n  qdrive_free_%s_list (r);\n" s s);
  pr "  CAMLreturn (rv);\n}\n\n";
  if nparams c > 5 then begin
    pr "/* Bytecode passes more than five arguments as an array. */\n";
    pr "value\n%s_byte (value *argv, int argn)\n{\n" (stub_name c);
    pr "  return %s (%s);\n}\n\n" (stub_name c)
      (String.concat ", " (List.init (nparams c) (sprintf "argv[%d]")))
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

#include <config.h>

#include <stdint.h>
#include <stdlib.h>

#include <caml/alloc.h>
#include <caml/fail.h>
#include <caml/memory.h>
#include <caml/mlvalues.h>

#include \"qdrive.h\"
#include \"qdrive-c.h\"

#pragma GCC diagnostic ignored \"-Wmissing-prototypes\"

";
  let used_enums =
    List.filter (fun e ->
        List.exists (fun c ->
            List.exists (function Enum (_, e') -> e'.enum_name = e.enum_name
                                | _ -> false) c.args ||
            List.exists (fun o -> match o.otype with
                | OEnum e' -> e'.enum_name = e.enum_name | _ -> false) c.optargs)
          calls) enums in
  List.iter gen_enum_converter used_enums;
  List.iter (fun (s, is_list) ->
      let sd = find_struct s in
      if is_list then gen_struct_list_copy sd else gen_struct_copy sd)
    used_structs;
  List.iter gen_stub calls

(* ------------------------------------------------------------------ *)
(* The cross-language test: the OCaml half. *)

let ml_value ty v =
  match ty, v with
  | `Enum _, Xtest.VString s -> "`" ^ variant_name s
  | _, Xtest.VString s -> sprintf "%S" s
  | _, Xtest.VOptString None -> "None"
  | _, Xtest.VOptString (Some s) -> sprintf "(Some %S)" s
  | _, Xtest.VList l -> sprintf "[%s]" (String.concat "; " (List.map (sprintf "%S") l))
  | _, Xtest.VBool b -> string_of_bool b
  | _, Xtest.VInt i -> sprintf "(%d)" i
  | _, Xtest.VInt64 i ->
    if i = Int64.min_int then "Int64.min_int" else sprintf "(%LdL)" i

let generate_xlang () =
  banner OCamlStyle;
  pr "\
(* Cross-language test, OCaml half: each call's result in the format of
 * tests/xlang.expected (see generator/xtest.ml). *)

let run call show f =
  match f () with
  | v -> Printf.printf \"%%s => %%s\\n\" call (show v)
  | exception Qdrive.Error msg -> Printf.printf \"%%s => error: %%s\\n\" call msg

let show_unit () = \"ok\"
let show_bool = string_of_bool
let show_int = string_of_int
let show_int64 = Int64.to_string
let show_string s = s
let show_string_list l = \"[\" ^ String.concat \", \" l ^ \"]\"
let show_internal_struct s =
  Printf.sprintf \"{s=%%s, b=%%b, i=%%d, i64=%%Ld}\"
    s.Qdrive.s s.Qdrive.b s.Qdrive.i s.Qdrive.i64
let show_internal_struct_list l =
  \"[\" ^ String.concat \", \" (List.map show_internal_struct l) ^ \"]\"

let () =
  let g = Qdrive.create () in
";
  List.iter (fun (case : Xtest.case) ->
      let c = Xtest.find_call case.call in
      let opts = List.map (fun (n, v) ->
          let o = List.find (fun o -> o.oname = n) c.optargs in
          let ty = match o.otype with OEnum e -> `Enum e | _ -> `Other in
          sprintf "~%s:%s" (ml_ident n) (ml_value ty v)) case.opts in
      let args = List.map2 (fun a v ->
          let ty = match a with Enum (_, e) -> `Enum e | _ -> `Other in
          ml_value ty v) c.args case.args in
      let show = match c.ret with
        | RErr -> "show_unit" | RBool -> "show_bool" | RInt -> "show_int"
        | RInt64 -> "show_int64" | RString -> "show_string"
        | RStringList -> "show_string_list"
        | RStruct s -> "show_" ^ s
        | RStructList s -> sprintf "show_%s_list" s in
      pr "  run %S %s (fun () -> Qdrive.%s %s);\n" c.name show (ml_ident c.name)
        (String.concat " " (("g" :: opts) @ args
                            @ (if needs_unit c then ["()"] else []))))
    Xtest.cases;
  pr "  Qdrive.close g\n"
