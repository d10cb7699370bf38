(* SPDX-License-Identifier: GPL-2.0-or-later *)
(* qdrive generator: the checks on api.ml, run before anything is
 * emitted.  Each rule here is one that some emitter relies on; a
 * description that breaks one fails with every problem listed, rather
 * than with generated code that does not compile (or worse, does). *)

open Printf
open Types
open Utils

(* What is checked: Api's values, or a test's (test_checks.ml). *)
type model = {
  enums : enum list;
  flag_sets : flags list;
  callbacks : callback list;
  calls : call list;
  internal : string list;             (* the names of the internal calls *)
  structs : struct_decl list;
  versions : string list;
  package_version : string;
  managed_qemu_params : string list;
  config_params : (string * bool) list;
  blockstats_sources : (string * string * string) list;
  int_settings : Api.int_setting list;
}

let errors = ref []
let fail fmt = ksprintf (fun s -> errors := s :: !errors) fmt

let matches re s = Str.string_match (Str.regexp (re ^ "$")) s 0

let duplicates l =
  List.sort_uniq compare
    (List.filter (fun x -> List.length (List.filter (( = ) x) l) > 1) l)

(* Names a generated wrapper uses for its own variables, and keywords of
 * the languages a name is written in (C, Python, Perl's XS; OCaml's are
 * renamed by the emitter). *)
let reserved = [
  (* C *)
  "auto"; "break"; "case"; "char"; "const"; "continue"; "default"; "do";
  "double"; "else"; "enum"; "extern"; "float"; "for"; "goto"; "if";
  "inline"; "int"; "long"; "register"; "restrict"; "return"; "short";
  "signed"; "sizeof"; "static"; "struct"; "switch"; "typedef"; "union";
  "unsigned"; "void"; "volatile"; "while"; "bool"; "errno";
  (* Python *)
  "and"; "as"; "assert"; "async"; "await"; "class"; "def"; "del"; "elif";
  "except"; "finally"; "from"; "global"; "import"; "in"; "is"; "lambda";
  "nonlocal"; "not"; "or"; "pass"; "raise"; "try"; "with"; "yield";
  "None"; "True"; "False"; "self";
  (* XS *)
  "items"; "ix"; "sp"; "ax"; "RETVAL"; "THIS"; "CLASS";
  (* the wrappers' own variables *)
  "g"; "h"; "r"; "tr"; "tracing"; "optargs"; "no_optargs"; "args"; "opt";
  (* what a callback argument adds in C *)
  "opaque"; "free_opaque";
]

(* Every text is POD that each output can render (Utils.pod_parse):
 * no markup must reach a docstring, the .mli or the shell's help. *)
let check_pod what text =
  match pod_problem text with
  | None -> ()
  | Some m -> fail "%s: %s" what m

let check_name what n =
  if not (matches "[a-z][a-z0-9_]*" n) then
    fail "%s %S: not a name (a lower-case letter, then letters, digits, _)"
      what n

(* An argument's or a callback parameter's name: a name, and none that
 * a generated language or wrapper keeps for itself. *)
let check_param_name what kind n =
  check_name (what ^ ": " ^ kind) n;
  if List.mem n reserved then
    fail "%s: %s %S: the name is reserved in a generated language or \
          wrapper" what kind n

(* ---- enums ---- *)

(* Suffixes of the per-enum C macros (QDRIVE_INT_CACHEMODE_COUNT): a
 * value with one of these names would give the same macro twice. *)
let enum_macro_suffixes = [ "count"; "default"; "allowed" ]

let check_enum e =
  let what = sprintf "enum %s" e.enum_name in
  check_name "enum" e.enum_name;
  if e.enum_values = [] then fail "%s: no values" what;
  if List.length e.enum_values > 255 then
    fail "%s: more than 255 values (the library keeps one in a byte)" what;
  List.iter (fun (v, doc) ->
      (* The raw value is written into C, Perl, Python and POD text and
       * reaches qemu and libvirt: keep it to characters safe in all. *)
      if not (matches "[a-z][a-z0-9_.:+-]*" v) then
        fail "%s: value %S: not allowed (a lower-case letter, then \
              letters, digits and _ . : + -)" what v;
      if List.mem (enum_ident v) enum_macro_suffixes then
        fail "%s: value %S: its constant QDRIVE_INT_%s_%s is taken"
          what v (String.uppercase_ascii e.enum_name)
          (String.uppercase_ascii (enum_ident v));
      if String.trim doc = "" then fail "%s: value %S: no documentation" what v;
      check_pod (sprintf "%s: value %S" what v) doc)
    e.enum_values;
  List.iter (fail "%s: value %S given twice" what)
    (duplicates (enum_names e));
  List.iter (fail "%s: two values give the identifier %S" what)
    (duplicates (List.map enum_ident (enum_names e)));
  if not (List.mem e.enum_default (enum_names e)) then
    fail "%s: the default %S is not one of its values (%s)" what
      e.enum_default (enum_allowed e)

(* Every enum used is in Api.enums, which is what the C tables and the
 * bindings' types are made from. *)
let check_enum_known m what e =
  match List.find_opt (fun e' -> e'.enum_name = e.enum_name) m.enums with
  | Some e' when e' = e -> ()
  | Some _ -> fail "%s: enum %s differs from the one in Api.enums" what e.enum_name
  | None -> fail "%s: enum %s is not listed in Api.enums" what e.enum_name

(* ---- flags and callbacks ---- *)

let check_flags m f =
  let what = sprintf "flags %s" f.flags_name in
  check_name "flags" f.flags_name;
  if List.exists (fun e -> e.enum_name = f.flags_name) m.enums then
    fail "%s: an enum has the same name (their C constants would mix)" what;
  if f.flags_values = [] then fail "%s: no values" what;
  if List.length f.flags_values > 64 then
    fail "%s: more than 64 values (C has a bit each in a uint64_t)" what;
  List.iter (fun (v, doc) ->
      if not (matches "[a-z][a-z0-9_]*" v) then
        fail "%s: value %S: not allowed (a lower-case letter, then \
              letters, digits and _)" what v;
      if v = "all" then
        fail "%s: value \"all\": its constant is the set of every value" what;
      if String.trim doc = "" then fail "%s: value %S: no documentation" what v;
      check_pod (sprintf "%s: value %S" what v) doc) f.flags_values;
  List.iter (fail "%s: value %S given twice" what)
    (duplicates (List.map fst f.flags_values))

let check_flags_known m what f =
  if not (List.mem f m.flag_sets) then
    fail "%s: flags %s is not listed in Api.flag_sets" what f.flags_name

let check_callback m cb =
  let what = sprintf "callback %s" cb.cb_name in
  check_name "callback" cb.cb_name;
  check_pod what cb.cb_doc;
  List.iter (fun (n, p) ->
      check_param_name what "parameter" n;
      match p with
      | CbFlag f -> check_flags_known m (sprintf "%s: parameter %s" what n) f
      | CbInt | CbString | CbInt64Array -> ()) cb.cb_params;
  List.iter (fail "%s: parameter %S given twice" what)
    (duplicates (List.map fst cb.cb_params))

(* ---- versions ---- *)

let version_parts v =
  if not (matches "[0-9]+\\.[0-9]+\\.[0-9]+" v) then None
  else Some (List.map int_of_string (String.split_on_char '.' v))

(* The package version, from configure.ac's AC_INIT. *)
let configure_ac_version () =
  let ic = open_in "configure.ac" in
  let re = Str.regexp "AC_INIT(\\[[^]]*\\], *\\[\\([^]]*\\)\\]" in
  let rec find () =
    match input_line ic with
    | exception End_of_file -> failwith "configure.ac: no AC_INIT"
    | l ->
      (try ignore (Str.search_forward re l 0); Str.matched_group 1 l
       with Not_found -> find ()) in
  Fun.protect ~finally:(fun () -> close_in ic) find

let check_versions m =
  let pkg = m.package_version in
  if version_parts pkg = None then
    fail "configure.ac: the package's version %S is not MAJOR.MINOR.RELEASE \
          (qdrive.h's QDRIVE_VERSION_* macros are made from it)" pkg;
  List.iter (fun v ->
      match version_parts v, version_parts pkg with
      | None, _ -> fail "Api.versions: %S is not a version MAJOR.MINOR.MICRO" v
      | Some p, Some q when p > q ->
        fail "Api.versions: %s is later than the package's version %s \
              (configure.ac)" v pkg
      | _ -> ()) m.versions;
  let parts = List.filter_map version_parts m.versions in
  if parts <> List.sort_uniq compare parts then
    fail "Api.versions: not in increasing order, or a version repeats"

(* ---- calls ---- *)

let check_call m c =
  let what = sprintf "call %s" c.name in
  check_name "call" c.name;
  (* qdrive_int_* and qdrive_impl_* are the library's private names. *)
  if String.starts_with ~prefix:"int_" c.name
  || String.starts_with ~prefix:"impl_" c.name then
    fail "%s: int_ and impl_ are the library's private prefixes" what;
  let internal = List.mem c.name m.internal in
  if internal <> String.starts_with ~prefix:"internal_" c.name then
    fail "%s: internal calls, and only they, are named internal_*" what;
  let ends_with_stop =
    String.ends_with ~suffix:"." c.shortdesc
    && not (String.ends_with ~suffix:"..." c.shortdesc) in
  if c.shortdesc = "" || ends_with_stop || String.contains c.shortdesc '\n' then
    fail "%s: shortdesc must be one line without a full stop" what;
  (match pod_parse c.shortdesc with
   | [Plain _] -> ()
   | _ | exception Pod_error _ ->
     fail "%s: shortdesc must be plain text, without POD markup" what);
  if String.trim c.longdesc = "" then fail "%s: no longdesc" what;
  check_pod what c.longdesc;
  if not (List.mem c.added m.versions) then
    fail "%s: added in %S, which is not in Api.versions (%s)" what c.added
      (String.concat ", " m.versions);
  let params = c.args @ List.map optarg_param c.optargs in
  List.iter (fun (n, t) ->
      check_param_name what "argument" n;
      match t with
      | Enum e -> check_enum_known m (sprintf "%s: argument %s" what n) e
      | Flags f -> check_flags_known m (sprintf "%s: argument %s" what n) f
      | Callback cb ->
        if not (List.mem cb m.callbacks) then
          fail "%s: argument %s: callback %s is not listed in Api.callbacks"
            what n cb.cb_name
      | _ -> ()) params;
  (match List.filter (function (_, Callback _) -> true | _ -> false) c.args with
   | [] | [_] -> ()
   | _ -> fail "%s: more than one callback argument (C names its opaque \
                pointer opaque)" what);
  List.iter (fail "%s: argument %S given twice" what)
    (duplicates (List.map fst params));
  List.iter (fun o ->
      if o.otype = OptString then
        fail "%s: optional argument %s: OptString is for required \
              arguments (an optional argument is given or not)" what o.oname;
      (match o.otype with
       | Callback _ ->
         fail "%s: optional argument %s: a callback is a required argument"
           what o.oname
       | _ -> ());
      if String.trim o.odoc = "" then
        fail "%s: optional argument %s: no documentation" what o.oname;
      check_pod (sprintf "%s: optional argument %s" what o.oname) o.odoc)
    c.optargs;
  if List.length c.optargs > 64 then
    fail "%s: %d optional arguments; the bitmask (uint64_t) holds 64"
      what (List.length c.optargs);
  if has_flag c OptsSuffix && c.optargs = [] then
    fail "%s: OptsSuffix without optional arguments" what;
  (match List.filter (function Alias _ -> true | _ -> false) c.flags with
   | [] | [_] -> ()
   | _ -> fail "%s: more than one Alias" what);
  (match c.ret with
   | RStruct s | RStructList s ->
     if not (List.exists (fun sd -> sd.sname = s) m.structs) then
       fail "%s: returns struct %s, which is not in Api.structs" what s
   | _ -> ())

(* Shell command names and aliases share one namespace. *)
let check_command_names m =
  let names =
    List.map (fun c -> dashes c.name) m.calls
    @ List.filter_map alias_of m.calls in
  List.iter (fun a ->
      if not (matches "[a-z][a-z0-9-]*" a) then
        fail "alias %S: not a shell command name" a)
    (List.filter_map alias_of m.calls);
  List.iter (fail "shell command or alias %S defined twice") (duplicates names)

(* ---- structs ---- *)

let check_struct m s =
  let what = sprintf "struct %s" s.sname in
  check_name "struct" s.sname;
  check_pod what s.sdoc;
  List.iter (fun (n, t, doc) ->
      check_name (what ^ ": field") n;
      if String.trim doc = "" then fail "%s: field %s: no documentation" what n;
      check_pod (sprintf "%s: field %s" what n) doc;
      match t with
      | FEnum e -> check_enum_known m (sprintf "%s: field %s" what n) e
      | _ -> ()) s.sfields;
  List.iter (fail "%s: field %S given twice" what)
    (duplicates (List.map (fun (n, _, _) -> n) s.sfields))

(* A field type's kind, for messages; every enum is one kind.  (No
 * wildcard: a new field type must be named here.) *)
let field_kind = function
  | FString -> "FString" | FBool -> "FBool" | FInt -> "FInt"
  | FInt64 -> "FInt64" | FEnum _ -> "FEnum" | FStringList -> "FStringList"

(* Every kind of field some struct has, a struct returned by an internal
 * call has too: the cross-language test prints those structs in every
 * language, and so compares each binding's conversion of that kind
 * with C's.  A new field type cannot then reach a binding untested. *)
let check_field_coverage m =
  let internal_ret =
    List.filter_map (fun c ->
        match c.ret with
        | (RStruct s | RStructList s) when List.mem c.name m.internal -> Some s
        | _ -> None) m.calls in
  let kinds_of ss =
    List.concat_map (fun s -> List.map (fun (_, t, _) -> field_kind t) s.sfields) ss in
  let tested =
    kinds_of (List.filter (fun s -> List.mem s.sname internal_ret) m.structs) in
  List.iter (fun s ->
      List.iter (fun (n, t, _) ->
          if not (List.mem (field_kind t) tested) then
            fail "struct %s: field %s: no struct that an internal call \
                  returns has a field of type %s; add one to \
                  internal_struct (api_structs.ml) so that the \
                  cross-language test carries it" s.sname n (field_kind t))
        s.sfields) m.structs

(* blockstats' counters and where the backends read them: each FInt64
 * field once, nothing else, and no QMP member or libvirt parameter
 * read for two fields. *)
let check_blockstats_sources m =
  let what = "Api.blockstats_sources" in
  match List.find_opt (fun s -> s.sname = "blockstats") m.structs with
  | None ->
    if m.blockstats_sources <> [] then fail "%s: no struct blockstats" what
  | Some s ->
    let counters =
      List.filter_map (fun (n, t, _) -> if t = FInt64 then Some n else None)
        s.sfields in
    let named = List.map (fun (f, _, _) -> f) m.blockstats_sources in
    List.iter (fun n ->
        if not (List.mem n named) then
          fail "%s: field %s of struct blockstats has no source" what n)
      counters;
    List.iter (fun (f, qmp, virt) ->
        if not (List.mem f counters) then
          fail "%s: %S is not an FInt64 field of struct blockstats" what f;
        if not (matches "[a-z][a-z0-9_]*" qmp) then
          fail "%s: %s: %S is not a QMP member name" what f qmp;
        if not (matches "VIR_DOMAIN_BLOCK_STATS_[A-Z_]+" virt) then
          fail "%s: %s: %S is not a VIR_DOMAIN_BLOCK_STATS_ macro" what f virt)
      m.blockstats_sources;
    List.iter (fail "%s: %S is there twice" what)
      (duplicates named
       @ duplicates (List.map (fun (_, q, _) -> q) m.blockstats_sources)
       @ duplicates (List.map (fun (_, _, v) -> v) m.blockstats_sources))

(* Each integer setting: its default in its range, a set_NAME call
 * taking one Int and a get_NAME returning RInt (the range is theirs),
 * and a name no enum has (both emit QDRIVE_INT_NAME_DEFAULT). *)
let check_int_settings m =
  List.iter (fun (r : Api.int_setting) ->
      let what = sprintf "Api.int_settings: %s" r.setting in
      if not (r.min <= r.default && r.default <= r.max) then
        fail "%s: the default %d is not in %d to %d" what r.default r.min
          r.max;
      let find n = List.find_opt (fun c -> c.name = n) m.calls in
      (match find ("set_" ^ r.setting) with
       | Some { args = [ _, Int ]; _ } -> ()
       | _ -> fail "%s: no call set_%s taking one Int" what r.setting);
      (match find ("get_" ^ r.setting) with
       | Some { ret = RInt; args = []; _ } -> ()
       | _ -> fail "%s: no call get_%s returning RInt" what r.setting);
      if List.exists (fun e -> e.enum_name = r.setting) m.enums then
        fail "%s: an enum has that name too" what) m.int_settings;
  List.iter (fail "Api.int_settings: %S is there twice")
    (duplicates (List.map (fun (r : Api.int_setting) -> r.setting)
                   m.int_settings))

(* Every problem of the model m, in order. *)
let problems m =
  errors := [];
  List.iter check_enum m.enums;
  List.iter (check_flags m) m.flag_sets;
  List.iter (check_callback m) m.callbacks;
  List.iter (fail "enum %S defined twice")
    (duplicates (List.map (fun e -> e.enum_name) m.enums));
  List.iter (fail "flags %S defined twice")
    (duplicates (List.map (fun f -> f.flags_name) m.flag_sets));
  List.iter (fail "callback %S defined twice")
    (duplicates (List.map (fun cb -> cb.cb_name) m.callbacks));
  check_versions m;
  List.iter (check_call m) m.calls;
  List.iter (fail "call %S defined twice")
    (duplicates (List.map (fun c -> c.name) m.calls));
  check_command_names m;
  List.iter (check_struct m) m.structs;
  List.iter (fail "struct %S defined twice")
    (duplicates (List.map (fun s -> s.sname) m.structs));
  check_field_coverage m;
  check_blockstats_sources m;
  check_int_settings m;
  List.iter (fun p ->
      if not (matches "-[a-zA-Z][a-zA-Z0-9-]*" p) then
        fail "Api.managed_qemu_params: %S is not a qemu parameter" p)
    m.managed_qemu_params;
  List.iter (fun (p, _) ->
      if not (matches "-[a-zA-Z][a-zA-Z0-9_-]*" p) then
        fail "Api.config_params: %S is not a qemu parameter" p;
      if List.mem p m.managed_qemu_params then
        fail "Api.config_params: %S is managed by qdrive" p)
    m.config_params;
  List.iter (fail "Api.config_params: %S is there twice")
    (duplicates (List.map fst m.config_params));
  List.rev !errors

let api_model () = {
  enums = Api.enums;
  flag_sets = Api.flag_sets;
  callbacks = Api.callbacks;
  calls = Api.calls;
  internal = List.map (fun c -> c.name) Api.internal_calls;
  structs = Api.structs;
  versions = Api.versions;
  package_version = configure_ac_version ();
  managed_qemu_params = Api.managed_qemu_params;
  config_params = Api.config_params;
  blockstats_sources = Api.blockstats_sources;
  int_settings = Api.int_settings;
}

(* Checks api.ml; on any problem, lists them all and exits. *)
let run () =
  match problems (api_model ()) with
  | [] -> ()
  | errs ->
    List.iter (eprintf "generator: generator/api.ml: %s\n") errs;
    eprintf "generator: %d problem(s) in the API description; nothing \
             was written\n" (List.length errs);
    exit 1
