(* SPDX-License-Identifier: GPL-2.0-or-later *)
(* qdrive generator: the C library's generated files: the public header,
 * the call wrappers, the internal header with the implementation
 * prototypes, the enum tables, and the struct free functions. *)

open Printf
open Types
open Utils
open Api

let upper = String.uppercase_ascii

(* C types. *)
let c_type = function
  | String | OptString | Enum _ | Secret -> "const char *"
  | StringList -> "char *const *"
  | Bool | Int -> "int"
  | Int64 -> "int64_t"
  | Flags _ -> "uint64_t"
  | Callback cb -> sprintf "qdrive_%s_callback" cb.cb_name

(* "const char *filename", "int memsize". *)
let c_decl t n =
  let ty = c_type t in
  if String.ends_with ~suffix:"*" ty then ty ^ n else ty ^ " " ^ n

(* A callback argument is, in C, the function, its opaque pointer and
 * the function that frees that (checks.ml allows one per call). *)
let callback_extra_decls = ["void *opaque"; "void (*free_opaque) (void *opaque)"]
let callback_extra_names = ["opaque"; "free_opaque"]

(* The C parameters of a required argument. *)
let c_arg_decls (n, t) =
  match t with
  | Callback _ -> c_decl t n :: callback_extra_decls
  | _ -> [c_decl t n]

let c_arg_c_names (n, t) =
  match t with
  | Callback _ -> n :: callback_extra_names
  | _ -> [n]

(* "QDRIVE_EVENT_LIBRARY", the bit of a flag; "QDRIVE_EVENT_ALL". *)
let flag_const f v = sprintf "QDRIVE_%s_%s" (upper f.flags_name) (upper v)
let flags_all f = flag_const f "all"
let flags_mask f = Model.low_bits (List.length f.flags_values)

(* C statements or'ing into [dst] the bit of the flag named by the
 * string [v]; [unknown] is the statement for a name that is none.
 * For the bindings, which take flags by name. *)
let pr_flag_of_name ~indent f v dst unknown =
  List.iteri (fun i (name, _) ->
      pr "%s%sif (strcmp (%s, %s) == 0)\n%s  %s |= %s;\n" indent
        (if i = 0 then "" else "else ") v (c_quote name) indent dst
        (flag_const f name)) f.flags_values;
  pr "%selse%s\n" indent (if String.contains unknown '\n' then " {" else "");
  List.iter (fun l -> pr "%s  %s\n" indent l)
    (List.filter (( <> ) "") (String.split_on_char '\n' unknown));
  if String.contains unknown '\n' then pr "%s}\n" indent

(* A C function NAME (uint64_t bit) giving a flag's name, "" for a bit
 * that is none. *)
let pr_flag_name_fn ?(prefix = "static ") f name =
  pr "%sconst char *\n%s (uint64_t bit)\n{\n" prefix name;
  List.iter (fun (v, _) ->
      pr "  if (bit == %s)\n    return %s;\n" (flag_const f v) (c_quote v))
    f.flags_values;
  pr "  return \"\";\n}\n\n"

(* The C parameters a callback function is given after g and opaque. *)
let cb_param_decls (n, p) =
  match p with
  | CbFlag _ -> [sprintf "uint64_t %s" n]
  | CbInt -> [sprintf "int %s" n]
  | CbString -> [sprintf "const char *%s" n]
  | CbInt64Array -> [sprintf "const int64_t *%s" n; sprintf "size_t %s_len" n]

let c_ret_type = function
  | RErr | RBool | RInt -> "int"
  | RInt64 -> "int64_t"
  | RString -> "char *"
  | RStringList -> "char **"
  | RStruct s -> sprintf "struct qdrive_%s *" s
  | RStructList s -> sprintf "struct qdrive_%s_list *" s

(* "int r", "char *r". *)
let c_ret_decl c =
  let ty = c_ret_type c.ret in
  if String.ends_with ~suffix:"*" ty then ty ^ "r" else ty ^ " r"

let c_err_value = function
  | RErr | RBool | RInt | RInt64 -> "-1"
  | RString | RStringList | RStruct _ | RStructList _ -> "NULL"

let c_field_type = function
  | FString | FEnum _ -> "char *"
  | FStringList -> "char **"
  | FBool | FInt -> "int "
  | FInt64 -> "int64_t "

(* "QDRIVE_ADD_DRIVE_OPTS_CACHEMODE" *)
let optarg_const c o = sprintf "QDRIVE_%s_%s" (upper (c_opts_name c)) (upper o.oname)
let argv_struct c = sprintf "qdrive_%s_argv" (c_opts_name c)

(* The parameter list "qdrive_h *g, const char *filename" plus [extra]. *)
let c_params ?(extra = []) c =
  ("qdrive_h *g" :: List.concat_map c_arg_decls c.args) @ extra

let c_arg_names c = String.concat ", " ("g" :: List.concat_map c_arg_c_names c.args)

let argv_param c = sprintf "const struct %s *optargs" (argv_struct c)

(* "extern int qdrive_set_memsize (qdrive_h *g, int memsize);", the
 * parameters wrapped under the parenthesis. *)
let pr_prototype ?(prefix = "extern ") ret fname params =
  pr "%s%s%sqdrive_%s (" prefix ret
    (if String.ends_with ~suffix:"*" ret then "" else " ") fname;
  pr_wrap (fun () -> pr "%s);" (String.concat ", " params));
  pr "\n"

let state_check c = match c.state with
  | ConfigOnly -> "QDRIVE_INT_CONFIG_ONLY"
  | LaunchedOnly -> "QDRIVE_INT_LAUNCHED_ONLY"
  | AnyState -> "QDRIVE_INT_ANY_STATE"

(* ------------------------------------------------------------------ *)
(* qdrive.h *)

(* The package's version, configure.ac's: the header's macros, and
 * through them qdrive_version's answer. *)
let version_parts () =
  match Checks.version_parts (Checks.configure_ac_version ()) with
  | Some [major; minor; release] -> (major, minor, release)
  | _ -> failwith "configure.ac: the version is not MAJOR.MINOR.RELEASE"

let generate_header () =
  let (major, minor, release) = version_parts () in
  banner CStyle;
  pr "\
#ifndef QDRIVE_H
#define QDRIVE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern \"C\" {
#endif

/* The version of this header (qdrive_version gives the library's). */
#define QDRIVE_VERSION_MAJOR %d
#define QDRIVE_VERSION_MINOR %d
#define QDRIVE_VERSION_RELEASE %d

/* The handle: opaque, see qdrive(3). */
typedef struct qdrive_h qdrive_h;

extern qdrive_h *qdrive_create (void);
extern void qdrive_close (qdrive_h *g);

/* Errors: the last error of the calling thread on this handle. */
extern const char *qdrive_last_error (qdrive_h *g);
extern int qdrive_last_errno (qdrive_h *g);

typedef void (*qdrive_error_handler_cb) (qdrive_h *g, void *opaque,
                                         const char *msg);
extern void qdrive_set_error_handler (qdrive_h *g,
                                      qdrive_error_handler_cb cb,
                                      void *opaque);
extern qdrive_error_handler_cb qdrive_get_error_handler (qdrive_h *g,
                                                         void **opaque_rtn);
extern void qdrive_push_error_handler (qdrive_h *g,
                                       qdrive_error_handler_cb cb,
                                       void *opaque);
extern void qdrive_pop_error_handler (qdrive_h *g);

/* Makes the call waiting on g fail at once (ECANCELED).  Safe in a
 * signal handler and from any thread: see qdrive(3). */
extern void qdrive_user_cancel (qdrive_h *g);

/* True if this thread is running an event callback of g: then calls on
 * g fail (EDEADLK), and g cannot be closed.  For bindings. */
extern int qdrive_in_event_callback (qdrive_h *g);

/* Frees a NULL-terminated list of strings returned by a call. */
extern void qdrive_free_string_list (char **list);

" major minor release;
  pr "/* Enum values. */\n";
  List.iter (fun e ->
      List.iter (fun (v, _) ->
          pr "#define QDRIVE_%s %s\n" (enum_const e v) (c_quote v))
        e.enum_values) enums;
  List.iter (fun f ->
      pr "\n/* The %s flags (a set is their bitwise or). */\n" f.flags_name;
      iteri_from 0 (fun i (v, _) ->
          pr "#define %s (UINT64_C(1) << %d)\n" (flag_const f v) i) f.flags_values;
      pr "#define %s UINT64_C(0x%Lx)\n" (flags_all f) (flags_mask f)) flag_sets;
  List.iter (fun cb ->
      pr "\n/* The %s callback: see qdrive(3). */\n" cb.cb_name;
      pr "typedef void (*qdrive_%s_callback) (" cb.cb_name;
      pr_wrap (fun () ->
          pr "%s);" (String.concat ", "
                       (["qdrive_h *g"; "void *opaque"]
                        @ List.concat_map cb_param_decls cb.cb_params)));
      pr "\n") callbacks;
  pr "\n/* Structs. */\n";
  List.iter (fun s ->
      pr "struct qdrive_%s {\n" s.sname;
      List.iter (fun (n, t, _) -> pr "  %s%s;\n" (c_field_type t) n) s.sfields;
      pr "};\n\n";
      pr "struct qdrive_%s_list {\n  size_t len;\n  struct qdrive_%s *val;\n};\n\n"
        s.sname s.sname;
      pr "extern void qdrive_free_%s (struct qdrive_%s *);\n" s.sname s.sname;
      pr "extern void qdrive_free_%s_list (struct qdrive_%s_list *);\n\n"
        s.sname s.sname) structs;
  pr "/* Calls. */\n\n";
  List.iter (fun c ->
      let ret = c_ret_type c.ret in
      if c.optargs = [] then
        (pr_prototype ret c.name (c_params c); pr "\n")
      else begin
        let base = c_opts_name c in
        if has_flag c OptsSuffix then pr_prototype ret c.name (c_params c);
        iteri_from 0 (fun i o -> pr "#define %s %d\n" (optarg_const c o) i)
          c.optargs;
        pr_prototype ret base (c_params ~extra:["..."] c);
        pr_prototype ret (base ^ "_va") (c_params ~extra:["va_list args"] c);
        pr "struct %s {\n  uint64_t bitmask;\n" (argv_struct c);
        iteri_from 0 (fun i o ->
            pr "#define %s_BITMASK (UINT64_C(1)<<%d)\n" (optarg_const c o) i;
            pr "  %s;\n" (c_decl o.otype o.oname)) c.optargs;
        pr "};\n";
        pr_prototype ret (base ^ "_argv") (c_params ~extra:[argv_param c] c);
        pr "\n"
      end) calls;
  pr "\
#ifdef __cplusplus
}
#endif

#endif /* QDRIVE_H */
"

(* ------------------------------------------------------------------ *)
(* actions.h: the implementations' prototypes. *)

let impl_params c =
  if c.optargs = [] then c_params c else c_params ~extra:[argv_param c] c

let generate_internal_header () =
  banner CStyle;
  pr "#ifndef QDRIVE_ACTIONS_H\n#define QDRIVE_ACTIONS_H\n\n";
  pr "#include \"qdrive.h\"\n\n";
  pr "/* Each call's implementation, called by its wrapper in actions.c\n";
  pr " * once the arguments are checked, with the handle locked. */\n";
  List.iter (fun c ->
      pr_prototype (c_ret_type c.ret) ("impl_" ^ c.name) (impl_params c))
    calls;
  pr "\n#endif /* QDRIVE_ACTIONS_H */\n"

(* ------------------------------------------------------------------ *)
(* enums.h and enums.c: the enum tables and the managed qemu
 * parameters; they depend on nothing, so any file of the library may
 * use them. *)

let generate_enums_h () =
  banner CStyle;
  pr "#ifndef QDRIVE_ENUMS_H\n#define QDRIVE_ENUMS_H\n\n";
  pr "/* For each enum: the index of each value, of the default, the\n";
  pr " * number of values, the \"allowed\" text of error messages, the\n";
  pr " * values by index, and the index of a value (-1 if none). */\n\n";
  List.iter (fun e ->
      let n = e.enum_name in
      let m = "QDRIVE_INT_" ^ upper n in
      iteri_from 0 (fun i (v, _) ->
          pr "#define QDRIVE_INT_%s %d\n" (enum_const e v) i) e.enum_values;
      pr "#define %s_DEFAULT %d\n" m (enum_default_index e);
      pr "#define %s_COUNT %d\n" m (List.length e.enum_values);
      pr "#define %s_ALLOWED %s\n" m (c_quote (enum_allowed e));
      pr "extern const char *const qdrive_int_%s_names[];\n" n;
      pr "extern int qdrive_int_%s_index (const char *value);\n\n" n) enums;
  List.iter (fun f ->
      pr "/* The names of the %s flags, by bit, NULL-terminated. */\n" f.flags_name;
      pr "extern const char *const qdrive_int_%s_flag_names[];\n\n" f.flags_name)
    flag_sets;
  pr "/* The qemu parameters qdrive sets itself (config refuses them),\n";
  pr " * NULL-terminated, and as one text for error messages. */\n";
  pr "extern const char *const qdrive_int_managed_qemu_params[];\n";
  pr "#define QDRIVE_INT_MANAGED_QEMU_PARAMS_TEXT %s\n\n"
    (c_quote (String.concat ", " managed_qemu_params));
  pr "/* The integer settings' ranges and defaults (Api.int_settings). */\n";
  List.iter (fun r ->
      let m = "QDRIVE_INT_" ^ upper r.setting in
      pr "#define %s_MIN %d\n#define %s_MAX %d\n#define %s_DEFAULT %d\n"
        m r.min m r.max m r.default) int_settings;
  pr "\n";
  pr "/* blockstats' counters (Api.blockstats_sources), as\n";
  pr " * F (FIELD, QMP_MEMBER, LIBVIRT_PARAMETER) for a macro F of the\n";
  pr " * backend's: each reads every one, so none is forgotten. */\n";
  pr "#define QDRIVE_INT_BLOCKSTATS_COUNTERS(F) \\\n";
  pr "%s\n\n"
    (String.concat " \\\n"
       (List.map (fun (f, qmp, virt) ->
            sprintf "  F (%s, %s, %s)" f (c_quote qmp) virt)
           blockstats_sources));
  pr "/* What config passes to qemu (Api.config_params and the lists\n";
  pr " * after it): tables ending with a NULL name, and texts for error\n";
  pr " * messages. */\n";
  pr "struct qdrive_int_config_param {\n";
  pr "  const char *name;\n  int takes_value;\n};\n";
  pr "extern const struct qdrive_int_config_param qdrive_int_config_params[];\n";
  pr "#define QDRIVE_INT_CONFIG_PARAMS_TEXT %s\n"
    (c_quote (String.concat ", " (List.map fst config_params)));
  List.iter (fun (name, l) ->
      pr "extern const char *const qdrive_int_config_%s[];\n" name;
      pr "#define QDRIVE_INT_CONFIG_%s_TEXT %s\n" (upper name)
        (c_quote (String.concat ", " l))) config_lists;
  pr "\n#endif /* QDRIVE_ENUMS_H */\n"

let generate_enums_c () =
  banner CStyle;
  pr "#include <config.h>\n\n#include <stddef.h>\n#include <string.h>\n\n";
  pr "#include \"enums.h\"\n\n";
  List.iter (fun e ->
      let n = e.enum_name in
      pr "const char *const qdrive_int_%s_names[] = {\n  " n;
      pr_wrap (fun () ->
          pr "%s, NULL" (String.concat ", " (List.map c_quote (enum_names e))));
      pr "\n};\n\n";
      pr "int\nqdrive_int_%s_index (const char *value)\n{\n" n;
      pr "  int i;\n\n  for (i = 0; qdrive_int_%s_names[i] != NULL; ++i)\n" n;
      pr "    if (strcmp (value, qdrive_int_%s_names[i]) == 0)\n      return i;\n" n;
      pr "  return -1;\n}\n\n") enums;
  List.iter (fun f ->
      pr "const char *const qdrive_int_%s_flag_names[] = {\n  " f.flags_name;
      pr_wrap (fun () ->
          pr "%s, NULL" (String.concat ", "
                           (List.map (fun (v, _) -> c_quote v) f.flags_values)));
      pr "\n};\n\n") flag_sets;
  let string_table name l =
    pr "const char *const %s[] = {\n  " name;
    pr_wrap (fun () -> pr "%s, NULL" (String.concat ", " (List.map c_quote l)));
    pr "\n};\n" in
  string_table "qdrive_int_managed_qemu_params" managed_qemu_params;
  pr "\nconst struct qdrive_int_config_param qdrive_int_config_params[] = {\n";
  List.iter (fun (p, v) -> pr "  { %s, %d },\n" (c_quote p) (if v then 1 else 0))
    config_params;
  pr "  { NULL, 0 }\n};\n";
  List.iter (fun (name, l) ->
      pr "\n"; string_table ("qdrive_int_config_" ^ name) l) config_lists

(* ------------------------------------------------------------------ *)
(* actions.c: one wrapper per call. *)

(* Tracing: one trace function per kind of value. *)
let trace_kind = function
  | String | OptString | Enum _ -> "string"
  | Secret -> "secret"
  | StringList -> "string_list"
  | Bool -> "bool"
  | Int | Int64 -> "int64"
  | Flags _ -> "flags"
  | Callback _ -> "callback"

(* A set of flags is traced by the names of its flags. *)
let trace_arg (n, t) =
  match t with
  | Flags f ->
    pr "    qdrive_int_trace_flags (tr, %s, qdrive_int_%s_flag_names);\n" n
      f.flags_name
  | Callback _ -> pr "    qdrive_int_trace_callback (tr, %s != NULL);\n" n
  | _ -> pr "    qdrive_int_trace_%s (tr, %s);\n" (trace_kind t) n

let trace_optarg c o =
  pr "    if (optargs->bitmask & %s_BITMASK)\n" (optarg_const c o);
  match o.otype with
  | Flags f ->
    pr "      qdrive_int_trace_opt_flags (tr, \"%s\", optargs->%s, qdrive_int_%s_flag_names);\n"
      o.oname o.oname f.flags_name
  | _ ->
    pr "      qdrive_int_trace_opt_%s (tr, \"%s\", optargs->%s);\n"
      (trace_kind o.otype) o.oname o.oname

let trace_ret c =
  pr "  if (tracing)\n";
  match c.ret with
  | RStructList _ ->
    pr "    qdrive_int_trace_ret_struct_list (g, \"%s\", r ? (long) r->len : -1);\n"
      c.name
  | RStruct _ ->
    pr "    qdrive_int_trace_ret_struct (g, \"%s\", r != NULL);\n" c.name
  | ret ->
    let kind = match ret with
      | RErr | RInt -> "int" | RBool -> "bool" | RInt64 -> "int64"
      | RString -> "string" | _ -> "string_list" in
    pr "    qdrive_int_trace_ret_%s (g, \"%s\", r);\n" kind c.name

(* Checks every argument that the C type system lets through.  Each
 * failed check sets the error and jumps to the exit. *)
let needs_checks c =
  c.optargs <> [] ||
  List.exists (function
      | (_, (String | StringList | Enum _ | Secret | Flags _ | Callback _)) -> true
      | _ -> false)
    c.args

(* The checks of one argument: [v] is its C expression, [given] the
 * condition under which it was given ("" for a required argument). *)
let check_value ~given n v t =
  let cond c = if given = "" then c else sprintf "(%s) && %s" given c in
  (match t with
   | String | StringList | Enum _ | Secret | Callback _ ->
     pr "  if (%s) {\n" (cond (v ^ " == NULL"));
     pr "    qdrive_int_error (g, EINVAL, \"%s: must not be NULL\");\n" n;
     pr "    goto out;\n  }\n"
   | OptString | Bool | Int | Int64 | Flags _ -> ());
  match t with
  | Flags f ->
    let allowed = String.concat ", " (List.map fst f.flags_values) in
    pr "  if (%s) {\n" (cond (v ^ " == 0"));
    pr "    qdrive_int_error (g, EINVAL, \"%s: the set is empty; allowed: one or more of %s\");\n"
      n allowed;
    pr "    goto out;\n  }\n";
    pr "  if (%s) {\n" (cond (sprintf "(%s & ~%s)" v (flags_all f)));
    pr "    qdrive_int_error (g, EINVAL, \"%s: 0x%%\" PRIx64 \" has bits that are no %s; allowed: one or more of %s (0x%Lx)\",\n"
      n f.flags_name allowed (flags_mask f);
    pr "                      %s);\n" v;
    pr "    goto out;\n  }\n"
  | Enum e ->
    pr "  if (%s) {\n" (cond (sprintf "qdrive_int_%s_index (%s) == -1" e.enum_name v));
    pr "    qdrive_int_error (g, EINVAL, \"%s: \\\"%%s\\\" is not valid; allowed: %%s\",\n" n;
    pr "                      %s, QDRIVE_INT_%s_ALLOWED);\n" v (upper e.enum_name);
    pr "    goto out;\n  }\n"
  | _ -> ()

let check_args c =
  List.iter (fun (n, t) -> check_value ~given:"" n n t) c.args;
  if c.optargs <> [] then begin
    let all = Model.all_optargs_mask c in
    pr "  if (optargs->bitmask & ~UINT64_C(0x%Lx)) {\n" all;
    pr "    qdrive_int_error (g, EINVAL, \"unknown optional argument in bitmask 0x%%\" PRIx64 \"; allowed bits: 0x%Lx\",\n" all;
    pr "                      optargs->bitmask);\n";
    pr "    goto out;\n  }\n";
    List.iter (fun o ->
        check_value o.oname ("optargs->" ^ o.oname) o.otype
          ~given:(sprintf "optargs->bitmask & %s_BITMASK" (optarg_const c o)))
      c.optargs
  end

(* The _va and plain variants of a call with optional arguments: both
 * end in the _argv wrapper. *)
let generate_va_wrappers c =
  let ret = c_ret_type c.ret and base = c_opts_name c in
  let names = c_arg_names c in
  pr "%s\nqdrive_%s_va (" ret base;
  pr_wrap (fun () -> pr "%s)" (String.concat ", " (c_params ~extra:["va_list args"] c)));
  pr "\n{\n";
  pr "  struct %s optargs = { .bitmask = 0 };\n  int opt;\n\n" (argv_struct c);
  pr "  while ((opt = va_arg (args, int)) != -1) {\n";
  pr "    switch (opt) {\n";
  List.iter (fun o ->
      pr "    case %s:\n      optargs.%s = va_arg (args, %s);\n      break;\n"
        (optarg_const c o) o.oname (c_type o.otype)) c.optargs;
  pr "    default:\n";
  pr "      if (qdrive_int_begin (g, \"%s\") == 0) {\n" c.name;
  pr "        qdrive_int_error (g, EINVAL, \"unknown optional argument %%d; allowed: 0 to %d, -1 to end the list\", opt);\n"
    (List.length c.optargs - 1);
  pr "        qdrive_int_end (g);\n      }\n";
  pr "      return %s;\n    }\n" (c_err_value c.ret);
  pr "    if (optargs.bitmask & (UINT64_C(1) << opt)) {\n";
  pr "      static const char *const names[] = {\n        ";
  pr_wrap (fun () ->
      pr "%s" (String.concat ", " (List.map (fun o -> c_quote o.oname) c.optargs)));
  pr "\n      };\n";
  pr "      if (qdrive_int_begin (g, \"%s\") == 0) {\n" c.name;
  pr "        qdrive_int_error (g, EINVAL, \"optional argument \\\"%%s\\\" given more than once\", names[opt]);\n";
  pr "        qdrive_int_end (g);\n      }\n";
  pr "      return %s;\n    }\n" (c_err_value c.ret);
  pr "    optargs.bitmask |= UINT64_C(1) << opt;\n  }\n\n";
  pr "  return qdrive_%s_argv (%s, &optargs);\n}\n\n" base names;
  pr "%s\nqdrive_%s (" ret base;
  pr_wrap (fun () -> pr "%s)" (String.concat ", " (c_params ~extra:["..."] c)));
  pr "\n{\n";
  let last =
    match List.rev (List.concat_map c_arg_c_names c.args) with
    | [] -> "g" | a :: _ -> a in
  pr "  va_list args;\n  %s;\n\n" (c_ret_decl c);
  pr "  va_start (args, %s);\n" last;
  pr "  r = qdrive_%s_va (%s, args);\n" base names;
  pr "  va_end (args);\n  return r;\n}\n\n";
  if has_flag c OptsSuffix then begin
    pr "%s\nqdrive_%s (" ret c.name;
    pr_wrap (fun () -> pr "%s)" (String.concat ", " (c_params c)));
    pr "\n{\n  return qdrive_%s_argv (%s, NULL);\n}\n\n" base names
  end

let generate_wrapper c =
  let has_opts = c.optargs <> [] in
  let fname = if has_opts then c_opts_name c ^ "_argv" else c.name in
  pr "%s\nqdrive_%s (" (c_ret_type c.ret) fname;
  pr_wrap (fun () -> pr "%s)" (String.concat ", " (impl_params c)));
  pr "\n{\n";
  pr "  %s = %s;\n" (c_ret_decl c) (c_err_value c.ret);
  pr "  int tracing;\n";
  if has_opts then begin
    pr "  const struct %s no_optargs = { .bitmask = 0 };\n" (argv_struct c);
    pr "\n  if (optargs == NULL)\n    optargs = &no_optargs;\n"
  end;
  let has_callback =
    List.exists (function (_, Callback _) -> true | _ -> false) c.args in
  (* Everything happens with the handle locked, the trace lines too, so
   * that event callbacks (trace's among them) run while the call holds
   * the handle.  A call from such a callback fails here.  And it is
   * counted from before it waits for the lock to after it has let go
   * (c/calls.c), so that qdrive_close waits for it. *)
  pr "\n  if (qdrive_int_begin (g, \"%s\") == -1)\n" c.name;
  if has_callback then pr "    goto not_begun;\n" else pr "    return r;\n";
  pr "  if (qdrive_int_lock (g) == -1)\n    goto unlocked;\n";
  pr "  tracing = qdrive_int_tracing (g);\n";
  pr "  if (tracing) {\n";
  pr "    FILE *tr = qdrive_int_trace_open (g, \"%s\");\n" c.name;
  List.iter trace_arg c.args;
  List.iter (trace_optarg c) c.optargs;
  pr "    qdrive_int_trace_close (g, tr);\n  }\n\n";
  check_args c;
  pr "  if (qdrive_int_check_state (g, %s) == 0)\n" (state_check c);
  pr "    r = qdrive_impl_%s (%s%s);\n" c.name (c_arg_names c)
    (if has_opts then ", optargs" else "");
  if needs_checks c then pr " out:\n";
  (* A cancel request that came after the call's last wait is not for
   * the next call (qdrive_user_cancel in qdrive(3)). *)
  if List.mem Blocking c.flags then pr "  qdrive_int_cancel_clear (g);\n";
  trace_ret c;
  pr "  qdrive_int_unlock (g);\n";
  pr " unlocked:\n";
  pr "  qdrive_int_end (g);\n";
  if has_callback then begin
    (* The opaque pointer is the library's once the call succeeds; on
     * failure it goes back to its owner at once. *)
    pr " not_begun:\n";
    pr "  if (r == %s && free_opaque != NULL)\n    free_opaque (opaque);\n"
      (c_err_value c.ret)
  end;
  pr "  return r;\n}\n\n";
  if has_opts then generate_va_wrappers c

let generate_actions_c () =
  banner CStyle;
  pr "\
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include \"qdrive.h\"
#include \"internal.h\"

";
  List.iter generate_wrapper calls;
  pr "/* The integer settings' calls (Api.int_settings): a range check,\n";
  pr " * and the handle's field. */\n";
  List.iter (fun r ->
      let m = "QDRIVE_INT_" ^ upper r.setting in
      pr "\nint\nqdrive_impl_set_%s (qdrive_h *g, int %s)\n{\n" r.setting r.arg;
      pr "  return qdrive_int_set_in_range (g, %s, %s,\n" (c_quote r.arg) r.arg;
      pr "                                  %s_MIN,\n" m;
      pr "                                  %s_MAX,\n" m;
      pr "                                  %s, &g->%s);\n}\n"
        (c_quote r.unit) r.setting;
      pr "\nint\nqdrive_impl_get_%s (qdrive_h *g)\n{\n  return g->%s;\n}\n"
        r.setting r.setting) int_settings

(* ------------------------------------------------------------------ *)
(* structs.c: the free functions of what calls return. *)

let generate_structs_c () =
  banner CStyle;
  pr "#include <config.h>\n\n#include <stdlib.h>\n\n#include \"qdrive.h\"\n\n";
  pr "\
void
qdrive_free_string_list (char **list)
{
  size_t i;

  if (list == NULL)
    return;
  for (i = 0; list[i] != NULL; ++i)
    free (list[i]);
  free (list);
}

";
  List.iter (fun s ->
      pr "static void\nfree_%s_fields (struct qdrive_%s *s)\n{\n" s.sname s.sname;
      List.iter (fun (n, t, _) ->
          match t with
          | FString | FEnum _ -> pr "  free (s->%s);\n" n
          | FStringList -> pr "  qdrive_free_string_list (s->%s);\n" n
          | FBool | FInt | FInt64 -> ()) s.sfields;
      pr "}\n\n";
      pr "void\nqdrive_free_%s (struct qdrive_%s *s)\n{\n" s.sname s.sname;
      pr "  if (s == NULL)\n    return;\n  free_%s_fields (s);\n  free (s);\n}\n\n"
        s.sname;
      pr "void\nqdrive_free_%s_list (struct qdrive_%s_list *l)\n{\n" s.sname s.sname;
      pr "  size_t i;\n\n  if (l == NULL)\n    return;\n";
      pr "  for (i = 0; i < l->len; ++i)\n    free_%s_fields (&l->val[i]);\n"
        s.sname;
      pr "  free (l->val);\n  free (l);\n}\n\n") structs
