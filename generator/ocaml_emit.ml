(* SPDX-License-Identifier: GPL-2.0-or-later *)
(* qdrive generator: the OCaml binding.
 *
 * Writes ocaml/qdrive.mli (with the documentation), ocaml/qdrive.ml and
 * the OCaml half of the cross-language test; ocaml_stubs.ml writes the
 * C stubs.
 *
 * Enums become polymorphic variants: the value "kvm:tcg" becomes
 * `Kvm_tcg (the identifier every emitter uses, Utils.enum_ident,
 * capitalised).
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

(* "kvm:tcg" -> "Kvm_tcg": the shared identifier, capitalised. *)
let variant_name v = String.capitalize_ascii (enum_ident v)

let variant_type e =
  sprintf "[ %s ]"
    (String.concat " | " (List.map (fun (v, _) -> "`" ^ variant_name v)
                            e.enum_values))

let flags_variant_type f =
  sprintf "[ %s ]"
    (String.concat " | " (List.map (fun (v, _) -> "`" ^ variant_name v)
                            f.flags_values))

(* The OCaml type of a callback: "event_callback". *)
let callback_type cb = cb.cb_name ^ "_callback"

let cb_param_type = function
  | CbFlag f -> f.flags_name
  | CbInt -> "int"
  | CbString -> "string"
  | CbInt64Array -> "int64 array"

let ml_type = function
  | String | Secret -> "string"
  | OptString -> "string option"
  | StringList -> "string list"
  | Bool -> "bool"
  | Int -> "int"
  | Int64 -> "int64"
  | Enum e -> e.enum_name
  | Flags f -> f.flags_name ^ " list"
  | Callback cb -> callback_type cb

let ml_ret_type = function
  | RErr -> "unit" | RBool -> "bool" | RInt -> "int" | RInt64 -> "int64"
  | RString -> "string" | RStringList -> "string list"
  | RStruct s -> s | RStructList s -> s ^ " list"

(* An enum field is the enum's variant type (C has a string). *)
let ml_field_type = function
  | FEnum e -> e.enum_name
  | FString -> "string" | FBool -> "bool" | FInt -> "int"
  | FInt64 -> "int64" | FStringList -> "string list"

(* A call without required args but with optional ones takes a final
 * unit, so that the optional args can be left out. *)
let needs_unit c = c.args = [] && c.optargs <> []

let ml_signature c =
  let parts =
    ["t"]
    @ List.map (fun o -> sprintf "?%s:%s" (ml_ident o.oname) (ml_type o.otype))
      c.optargs
    @ List.map (fun (_, t) -> ml_type t) c.args
    @ (if needs_unit c then ["unit"] else []) in
  String.concat " -> " (parts @ [ml_ret_type c.ret])

let nparams c =
  1 + List.length c.optargs + List.length c.args + (if needs_unit c then 1 else 0)

let stub_name c = "ocaml_qdrive_" ^ c.name

(* The OCaml names of a call: add_drive also answers to add_drive_opts,
 * as in C. *)
let ml_names c =
  if has_flag c OptsSuffix then [c.name; c.name ^ "_opts"] else [c.name]

(* "external add_drive : t -> ... = "ocaml_qdrive_add_drive"" for the
 * OCaml name [name] of call c. *)
let pr_external name c =
  pr "external %s : " (ml_ident name);
  pr_wrap ~sep:" -> " (fun () -> pr "%s" (ml_signature c));
  if nparams c > 5 then pr "\n  = \"%s_byte\" \"%s\"\n" (stub_name c) (stub_name c)
  else pr "\n  = \"%s\"\n" (stub_name c)

let pr_externals calls =
  List.iter (fun c -> List.iter (fun n -> pr_external n c; pr "\n") (ml_names c))
    calls

(* Counters of the handles the stubs created and freed, and a way to
 * mark a handle busy: for the project's own tests. *)
let debug_externals = "\
external debug_live_handles : unit -> int = \"ocaml_qdrive_debug_live_handles\"
external debug_finalized_handles : unit -> int
  = \"ocaml_qdrive_debug_finalized_handles\"
external debug_set_busy : t -> int -> unit = \"ocaml_qdrive_debug_set_busy\"
"

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

(* Inline POD (one paragraph) to ocamldoc text: plain text escaped,
 * C<x> (and L<x>) as [x], B<> and I<> as {b } and {i }. *)
let pod_inline_to_odoc p =
  let rec render spans =
    String.concat "" (List.map (function
        | Plain s -> escape_odoc_text s
        | Code l -> sprintf "[%s]" (escape_odoc_code (pod_flatten l))
        | Link s -> sprintf "[%s]" (escape_odoc_code s)
        | Bold l -> sprintf "{b %s}" (render l)
        | Italic l -> sprintf "{i %s}" (render l)) spans) in
  check_comment_safe (render (pod_parse p))

let pod_to_odoc ?(indent = "    ") pod =
  String.concat "\n\n"
    (List.map (function
         | Text p -> wrap ~indent ~width:76 (pod_inline_to_odoc p)
         | Verbatim p -> check_comment_safe (sprintf "%s{v\n%s\n%sv}" indent p indent))
        (pod_paragraphs pod))

(* One line, inline, e.g. for list items. *)
let pod_line_to_odoc pod = pod_inline_to_odoc (String.trim pod)

(* A list item "{- TEXT}", wrapped, continuation lines under TEXT. *)
let item text = wrap ~indent:"    " ~hang:"       " ~width:76 ("{- " ^ text ^ "}")

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

(* A set of flags is a list of its variants. *)
let gen_flags_type ~doc f =
  pr "type %s = %s\n" f.flags_name (flags_variant_type f);
  if doc then begin
    pr "(** The %s flags; a call takes a set of them as a list.\n" f.flags_name;
    pr "    {ul\n";
    List.iter (fun (v, d) ->
        pr "%s\n" (item (sprintf "[`%s]: %s" (variant_name v) (pod_line_to_odoc d))))
      f.flags_values;
    pr "    } *)\n"
  end;
  pr "\n"

let gen_callback_type ~doc cb =
  pr "type %s = " (callback_type cb);
  pr_wrap ~sep:" -> " (fun () ->
      pr "%s" (String.concat " -> "
                 (List.map (fun (_, p) -> cb_param_type p) cb.cb_params @ ["unit"])));
  pr "\n";
  if doc then begin
    pr "(** The function a call takes as a [%s] argument, given: %s.\n\n"
      cb.cb_name
      (String.concat ", " (List.map (fun (n, _) -> "[" ^ n ^ "]") cb.cb_params));
    pr "%s\n\n" (pod_to_odoc cb.cb_doc);
    pr "    It runs with the OCaml runtime held, in the thread of the call\n";
    pr "    the event comes from.  An exception it raises is printed on\n";
    pr "    standard error and ignored: the call goes on. *)\n"
  end;
  pr "\n"

let gen_struct_type ~doc s =
  if doc then pr "(** %s *)\n" (pod_line_to_odoc s.sdoc);
  pr "type %s = {\n" s.sname;
  List.iter (fun ((n, t, _) as f) ->
      pr "  %s : %s;\n" (ml_ident n) (ml_field_type t);
      if doc then pr "%s\n" (wrap ~indent:"    " ~width:76
                              ("(** " ^ pod_line_to_odoc (Pod.field_doc f) ^ " *)")))
    s.sfields;
  pr "}\n\n"

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
                            (escape_odoc_code (ml_type o.otype))
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
       lists its values.  Records returned by calls hold enum values
       as the same variants (a drive's [cachemode] is a {!cachemode}).}
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
    [\"CALL: the handle is closed\"].  With the message comes the
    errno the library reported, as [Some] [Unix.error] ([None] if
    there was none), as libnbd's binding does:
    {[
match Qdrive.add_drive g \"missing.img\" with
| () -> ()
| exception Qdrive.Error (msg, Some Unix.ENOENT) -> prerr_endline msg
    ]}

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

exception Error of string * Unix.error option
(** Raised by every call that fails, with the C library's message and
    its errno ([qdrive_last_errno]) as a [Unix.error], or [None] where
    the library gives none (0).  The binding's own refusals give
    [EINVAL] (a NUL byte, an int out of range), [EBADF] (a closed
    handle) and [EBUSY] ({!close} of a handle in use). *)

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

val package_version : string
(** The version of this binding, the qdrive package's: [\"%s\"].  The
    running library's is {!version}'s. *)

(** {1 Enums} *)

" (Checks.configure_ac_version ());
  List.iter (gen_enum_type ~doc:true) enums;
  pr "(** {1 Events} *)\n\n";
  List.iter (gen_flags_type ~doc:true) flag_sets;
  List.iter (gen_callback_type ~doc:true) callbacks;
  pr "(** {1 Structs} *)\n\n";
  List.iter (gen_struct_type ~doc:true) Model.public_structs;
  pr "(** {1 Calls} *)\n\n";
  List.iter (fun c ->
      List.iteri (fun i name ->
          pr_external name c;
          if i = 0 then call_doc c
          else pr "(** The same as {!%s}. *)\n" (ml_ident c.name);
          pr "\n") (ml_names c)) public_calls;
  pr "\
(**/**)

(* For the project's own tests: the internal calls, and counters of the
 * handles the stubs created and freed. *)
";
  List.iter (gen_struct_type ~doc:false) Model.internal_structs;
  pr_externals internal_calls;
  pr "%s" debug_externals

let generate_ml () =
  banner OCamlStyle;
  pr "\
type t

exception Error of string * Unix.error option

(* The C stubs find the exception under this name. *)
let () =
  Callback.register_exception \"Qdrive.Error\" (Error (\"\", None));
  Printexc.register_printer (function
      | Error (msg, _) -> Some (\"Qdrive.Error: \" ^ msg)
      | _ -> None)

external create : unit -> t = \"ocaml_qdrive_create\"
external close : t -> unit = \"ocaml_qdrive_close\"

let package_version = %S

" (Checks.configure_ac_version ());
  List.iter (gen_enum_type ~doc:false) enums;
  List.iter (gen_flags_type ~doc:false) flag_sets;
  List.iter (gen_callback_type ~doc:false) callbacks;
  List.iter (gen_struct_type ~doc:false) structs;
  pr_externals calls;
  pr "%s" debug_externals

(* ------------------------------------------------------------------ *)
(* The cross-language test: the OCaml half. *)

let ml_value ty v =
  match ty, v with
  | Enum _, Xtest.VString s -> "`" ^ variant_name s
  | _, Xtest.VString s -> sprintf "%S" s
  | _, Xtest.VOptString None -> "None"
  | _, Xtest.VNull -> invalid_arg "ml_value: OCaml has no NULL string"
  | _, Xtest.VOptString (Some s) -> sprintf "(Some %S)" s
  | _, Xtest.VList l -> sprintf "[%s]" (String.concat "; " (List.map (sprintf "%S") l))
  | _, Xtest.VBool b -> string_of_bool b
  | _, Xtest.VInt i -> sprintf "(%d)" i
  | _, Xtest.VInt64 i ->
    if i = Int64.min_int then "Int64.min_int" else sprintf "(%LdL)" i

(* A test's call of c, after the handle: the labelled optional
 * arguments, then the required ones. *)
let ml_call_args c ~opts args =
  List.map (fun (n, v) ->
      sprintf "~%s:%s" (ml_ident n) (ml_value (find_optarg c n).otype v)) opts
  @ List.map2 (fun (_, t) v -> ml_value t v) c.args args

(* show_internal_struct of t/xlang.ml: the struct's fields in order, each
 * as NAME=VALUE (see generator/xtest.ml); an enum's value as C spells
 * it. *)
let gen_xlang_struct_printer s =
  let enums =
    List.sort_uniq compare
      (List.filter_map (function (_, FEnum e, _) -> Some e | _ -> None) s.sfields) in
  List.iter (fun e ->
      pr "let show_%s = function\n" e.enum_name;
      List.iter (fun (v, _) -> pr "  | `%s -> %S\n" (variant_name v) v) e.enum_values)
    enums;
  pr "let show_%s s =\n  \"{\" ^ String.concat \", \" [\n" s.sname;
  List.iter (fun (n, t, _) ->
      let show = match t with
        | FString -> "show_string" | FBool -> "show_bool" | FInt -> "show_int"
        | FInt64 -> "show_int64" | FStringList -> "show_string_list"
        | FEnum e -> "show_" ^ e.enum_name in
      pr "    \"%s=\" ^ %s s.Qdrive.%s;\n" n show (ml_ident n)) s.sfields;
  pr "  ] ^ \"}\"\n"

(* The error text of t/xlang.ml and t/same_as_c.ml, as C prints it. *)
let ml_error_fn = {|(* "error: MESSAGE (errno: TEXT)", without the errno if there is none. *)
let error msg = function
  | None -> "error: " ^ msg
  | Some e -> Printf.sprintf "error: %s (errno: %s)" msg (Unix.error_message e)

|}

(* The function of t/xlang.ml that prints a result of type ret. *)
let ml_show = function
  | RErr -> "show_unit" | RBool -> "show_bool" | RInt -> "show_int"
  | RInt64 -> "show_int64" | RString -> "show_string"
  | RStringList -> "show_string_list"
  | RStruct s -> "show_" ^ s
  | RStructList s -> sprintf "show_%s_list" s

let generate_xlang () =
  banner OCamlStyle;
  pr "\
(* Cross-language test, OCaml half: each call's result in the format of
 * tests/xlang.expected (see generator/xtest.ml). *)

";
  pr "%s" ml_error_fn;
  pr "\
let run call show f =
  match f () with
  | v -> Printf.printf \"%%s => %%s\\n\" call (show v)
  | exception Qdrive.Error (msg, e) -> Printf.printf \"%%s => %%s\\n\" call (error msg e)

let show_unit () = \"ok\"
let show_bool = string_of_bool
let show_int = string_of_int
let show_int64 = Int64.to_string
let show_string s = s
let show_string_list l = \"[\" ^ String.concat \", \" l ^ \"]\"
";
  gen_xlang_struct_printer Api.internal_struct;
  pr "\
let show_internal_struct_list l =
  \"[\" ^ String.concat \", \" (List.map show_internal_struct l) ^ \"]\"

let () =
  let g = Qdrive.create () in
";
  List.iter (fun (case : Xtest.case) ->
      let c = Api.find_call case.call in
      pr "  run %S %s (fun () -> Qdrive.%s %s);\n" c.name (ml_show c.ret)
        (ml_ident c.name)
        (String.concat " " (("g" :: ml_call_args c ~opts:case.opts case.args)
                            @ (if needs_unit c then ["()"] else []))))
    Xtest.cases;
  pr "  (* Events (see generator/xtest.ml). *)\n";
  pr "  let event_name = function\n";
  List.iter (fun (v, _) -> pr "    | `%s -> %S\n" (variant_name v) v)
    Xtest.event_flags.flags_values;
  pr "  in\n";
  pr "  \
  let event_print ev h msg a =
    let tail = if a = [||] then \"\" else
        \" [\" ^ String.concat \", \" (Array.to_list (Array.map Int64.to_string a)) ^ \"]\" in
    Printf.printf \"event %%s %%d: %%s%%s\\n\" (event_name ev) h msg tail in
  let event_reenter ev h msg a =
    event_print ev h msg a;
    run \"  get_memsize\" show_int (fun () -> Qdrive.get_memsize g);
    failwith \"boom\" in
";
  List.iter (function
      | Xtest.Register (f, evs) ->
        pr "  run \"set_event_callback\" show_int\n";
        pr "    (fun () -> Qdrive.set_event_callback g event_%s [%s]);\n" f
          (String.concat "; " (List.map (fun v -> "`" ^ variant_name v) evs))
      | Xtest.Call case ->
        let c = Api.find_call case.call in
        pr "  run %S %s (fun () -> Qdrive.%s %s);\n" c.name (ml_show c.ret)
          (ml_ident c.name)
          (String.concat " " ("g" :: ml_call_args c ~opts:[] case.args))
      | Xtest.Delete h ->
        pr "  run \"delete_event_callback\" show_unit (fun () -> Qdrive.delete_event_callback g %d);\n" h)
    Xtest.event_steps;
  pr "  Qdrive.close g\n"

(* ------------------------------------------------------------------ *)
(* t/same_as_c.ml: the OCaml side of the "same as C" comparison. *)

let generate_same_as_c () =
  banner OCamlStyle;
  pr "\
(* The calls of generator/same_as_c.ml that OCaml can express, printed
 * as tests/same-as-c prints them in C: t/same-as-c.sh diffs the two. *)

";
  pr "%s" ml_error_fn;
  pr "\
let step tag call f =
  match f () with
  | () -> Printf.printf \"%%s %%s => ok\\n\" tag call
  | exception Qdrive.Error (msg, e) ->
    Printf.printf \"%%s %%s => %%s\\n\" tag call (error msg e)

let argv g tag =
  match Qdrive.get_qemu_command_line g with
  | exception Qdrive.Error (msg, e) ->
    Printf.printf \"%%s argv => %%s\\n\" tag (error msg e)
  | argv ->
    let rec shown prev = function
      | [] -> []
      | a :: rest -> (if prev = \"-chardev\" then \"QMP\" else a) :: shown a rest in
    Printf.printf \"%%s argv => %%s\\n\" tag (String.concat \" \" (shown \"\" argv))

let () =
  (let g = Qdrive.create () in
   let v = Qdrive.version g in
   Printf.printf \"version => %%d.%%d.%%d (package %%s)\\n\"
     v.Qdrive.major v.Qdrive.minor v.Qdrive.release Qdrive.package_version;
   Qdrive.close g);
";
  List.iter (fun (case : Same_as_c.case) ->
      pr "  (let g = Qdrive.create () in\n";
      List.iter (fun (st : Same_as_c.step) ->
          let c = Api.find_call st.call in
          let args = ml_call_args c ~opts:st.opts st.args in
          pr "   step %S %S (fun () -> ignore (" case.tag st.call;
          pr_wrap ~sep:" " (fun () ->
              pr "Qdrive.%s %s));" (ml_ident (Same_as_c.binding_name st))
                (String.concat " " ("g" :: args)));
          pr "\n") case.steps;
      pr "   argv g %S;\n   Qdrive.close g);\n" case.tag)
    (Same_as_c.cases_for Same_as_c.OCaml);
  pr "  ()\n"
