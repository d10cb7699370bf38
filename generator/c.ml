(* qdrive generator: the C public header, the call wrappers, the
 * internal header with the implementation prototypes and enum tables,
 * and the struct free functions. *)

open Printf
open Types
open Utils
open Api

(* C types. *)
let c_arg_decl = function
  | String n | OptString n | Enum (n, _) -> "const char *" ^ n
  | StringList n -> "char *const *" ^ n
  | Bool n | Int n -> "int " ^ n
  | Int64 n -> "int64_t " ^ n

let c_optarg_type o = match o.otype with
  | OBool | OInt -> "int"
  | OInt64 -> "int64_t"
  | OString | OEnum _ -> "const char *"
  | OStringList -> "char *const *"

let c_ret_type = function
  | RErr | RBool | RInt -> "int"
  | RInt64 -> "int64_t"
  | RString -> "char *"
  | RStringList -> "char **"
  | RStruct s -> sprintf "struct qdrive_%s *" s
  | RStructList s -> sprintf "struct qdrive_%s_list *" s

let c_err_value = function
  | RErr | RBool | RInt | RInt64 -> "-1"
  | RString | RStringList | RStruct _ | RStructList _ -> "NULL"

let c_field_type = function
  | FString -> "char *"
  | FBool | FInt -> "int "
  | FInt64 -> "int64_t "

let upper = String.uppercase_ascii

(* "QDRIVE_ADD_DRIVE_OPTS_CACHEMODE" *)
let optarg_const c o = sprintf "QDRIVE_%s_%s" (upper (c_opts_name c)) (upper o.oname)
let argv_struct c = sprintf "qdrive_%s_argv" (c_opts_name c)

(* The parameter list "qdrive_h *g, const char *filename" plus [extra]. *)
let c_params ?(extra = []) c =
  String.concat ", " (("qdrive_h *g" :: List.map c_arg_decl c.args) @ extra)

let c_arg_names c = String.concat ", " ("g" :: List.map arg_name c.args)

let state_check c =
  if has_flag c ConfigOnly then "QDRIVE_INT_CONFIG_ONLY"
  else if has_flag c LaunchedOnly then "QDRIVE_INT_LAUNCHED_ONLY"
  else "QDRIVE_INT_ANY_STATE"

(* ------------------------------------------------------------------ *)
(* qdrive.h *)

let generate_header () =
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

/* Frees a NULL-terminated list of strings returned by a call. */
extern void qdrive_free_string_list (char **list);

";
  pr "/* Enum values. */\n";
  List.iter (fun e ->
      List.iter (fun (v, _) ->
          let id = String.map (function ':' -> '_' | c -> c) v in
          pr "#define QDRIVE_%s_%s %s\n" (upper e.enum_name) (upper id)
            (c_quote v)) e.enum_values) enums;
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
        pr "extern %s qdrive_%s (%s);\n\n" ret c.name (c_params c)
      else begin
        let base = c_opts_name c in
        if has_flag c OptsSuffix then
          pr "extern %s qdrive_%s (%s);\n" ret c.name (c_params c);
        iteri_from 0 (fun i o -> pr "#define %s %d\n" (optarg_const c o) i)
          c.optargs;
        pr "extern %s qdrive_%s (%s);\n" ret base (c_params ~extra:["..."] c);
        pr "extern %s qdrive_%s_va (%s);\n" ret base
          (c_params ~extra:["va_list args"] c);
        pr "struct %s {\n  uint64_t bitmask;\n" (argv_struct c);
        iteri_from 0 (fun i o ->
            pr "#define %s_BITMASK (UINT64_C(1)<<%d)\n" (optarg_const c o) i;
            pr "  %s %s;\n" (c_optarg_type o) o.oname) c.optargs;
        pr "};\n";
        pr "extern %s qdrive_%s_argv (%s);\n\n" ret base
          (c_params ~extra:[sprintf "const struct %s *optargs" (argv_struct c)] c)
      end) calls;
  pr "\
#ifdef __cplusplus
}
#endif

#endif /* QDRIVE_H */
"

(* ------------------------------------------------------------------ *)
(* actions.h: internal prototypes and enum tables. *)

let impl_params c =
  if c.optargs = [] then c_params c
  else c_params ~extra:[sprintf "const struct %s *optargs" (argv_struct c)] c

let generate_internal_header () =
  banner CStyle;
  pr "#ifndef QDRIVE_ACTIONS_H\n#define QDRIVE_ACTIONS_H\n\n";
  pr "#include \"qdrive.h\"\n\n";
  List.iter (fun e ->
      let n = e.enum_name in
      pr "/* %s */\n" n;
      iteri_from 0 (fun i (v, _) ->
          let id = String.map (function ':' -> '_' | c -> c) v in
          pr "#define QDRIVE_INT_%s_%s %d\n" (upper n) (upper id) i)
        e.enum_values;
      let rec index i = function
        | [] -> assert false
        | (v, _) :: _ when v = e.enum_default -> i
        | _ :: vs -> index (i + 1) vs in
      pr "#define QDRIVE_INT_%s_DEFAULT %d\n" (upper n) (index 0 e.enum_values);
      pr "#define QDRIVE_INT_%s_COUNT %d\n" (upper n) (List.length e.enum_values);
      pr "extern const char *const qdrive_int_%s_names[];\n" n;
      pr "extern int qdrive_int_%s_index (const char *value);\n\n" n) enums;
  List.iter (fun c ->
      pr "extern %s qdrive_impl_%s (%s);\n" (c_ret_type c.ret) c.name
        (impl_params c)) calls;
  pr "\n#endif /* QDRIVE_ACTIONS_H */\n"

(* ------------------------------------------------------------------ *)
(* actions.c: one wrapper per call. *)

(* Trace one required argument. *)
let trace_arg = function
  | String n | OptString n | Enum (n, _) -> pr "    qdrive_int_trace_string (tr, %s);\n" n
  | StringList n -> pr "    qdrive_int_trace_string_list (tr, %s);\n" n
  | Bool n -> pr "    qdrive_int_trace_bool (tr, %s);\n" n
  | Int n -> pr "    qdrive_int_trace_int64 (tr, %s);\n" n
  | Int64 n -> pr "    qdrive_int_trace_int64 (tr, %s);\n" n

let trace_optarg c o =
  pr "    if (optargs->bitmask & %s_BITMASK)\n" (optarg_const c o);
  let kind = match o.otype with
    | OBool -> "bool" | OInt | OInt64 -> "int64"
    | OString | OEnum _ -> "string" | OStringList -> "string_list" in
  pr "      qdrive_int_trace_opt_%s (tr, \"%s\", optargs->%s);\n" kind o.oname
    o.oname

let trace_ret c =
  let kind = match c.ret with
    | RErr | RInt -> "int"
    | RBool -> "bool"
    | RInt64 -> "int64"
    | RString -> "string"
    | RStringList -> "string_list"
    | RStruct _ -> "struct"
    | RStructList _ -> "struct_list" in
  match c.ret with
  | RStructList _ ->
    pr "  if (tracing)\n    qdrive_int_trace_ret_struct_list (g, \"%s\", r ? (long) r->len : -1);\n"
      c.name
  | RStruct _ ->
    pr "  if (tracing)\n    qdrive_int_trace_ret_struct (g, \"%s\", r != NULL);\n" c.name
  | _ -> pr "  if (tracing)\n    qdrive_int_trace_ret_%s (g, \"%s\", r);\n" kind c.name

(* Checks every argument that the C type system lets through.  Each
 * failed check sets the error and jumps to the exit. *)
let needs_checks c =
  c.optargs <> [] ||
  List.exists (function String _ | StringList _ | Enum _ -> true | _ -> false)
    c.args

let check_args c =
  let enum_check expr what e =
    pr "  if (qdrive_int_%s_index (%s) == -1) {\n" e.enum_name expr;
    pr "    qdrive_int_error (g, EINVAL, \"%s: \\\"%%s\\\" is not valid; allowed: %s\", %s);\n"
      what (enum_allowed e) expr;
    pr "    goto out;\n  }\n" in
  List.iter (function
      | String n | StringList n ->
        pr "  if (%s == NULL) {\n" n;
        pr "    qdrive_int_error (g, EINVAL, \"%s: must not be NULL\");\n" n;
        pr "    goto out;\n  }\n"
      | Enum (n, e) ->
        pr "  if (%s == NULL) {\n" n;
        pr "    qdrive_int_error (g, EINVAL, \"%s: must not be NULL\");\n" n;
        pr "    goto out;\n  }\n";
        enum_check n n e
      | OptString _ | Bool _ | Int _ | Int64 _ -> ()) c.args;
  if c.optargs <> [] then begin
    let all = (1 lsl List.length c.optargs) - 1 in
    pr "  if (optargs->bitmask & ~UINT64_C(0x%x)) {\n" all;
    pr "    qdrive_int_error (g, EINVAL, \"unknown optional argument in bitmask 0x%%\" PRIx64 \"; allowed bits: 0x%x\",\n" all;
    pr "                      optargs->bitmask);\n";
    pr "    goto out;\n  }\n";
    List.iter (fun o ->
        match o.otype with
        | OString | OStringList | OEnum _ ->
          pr "  if ((optargs->bitmask & %s_BITMASK) && optargs->%s == NULL) {\n"
            (optarg_const c o) o.oname;
          pr "    qdrive_int_error (g, EINVAL, \"%s: must not be NULL\");\n" o.oname;
          pr "    goto out;\n  }\n";
          (match o.otype with
           | OEnum e ->
             pr "  if (optargs->bitmask & %s_BITMASK)\n" (optarg_const c o);
             pr "  {\n";
             enum_check ("optargs->" ^ o.oname) o.oname e;
             pr "  }\n"
           | _ -> ())
        | OBool | OInt | OInt64 -> ()) c.optargs
  end

let generate_wrapper c =
  let ret = c_ret_type c.ret in
  let base = c_opts_name c in
  let has_opts = c.optargs <> [] in
  let fname = if has_opts then base ^ "_argv" else c.name in
  let params =
    if has_opts then
      c_params ~extra:[sprintf "const struct %s *optargs" (argv_struct c)] c
    else c_params c in
  pr "%s\nqdrive_%s (%s)\n{\n" ret fname params;
  pr "  %sr = %s;\n" (if String.ends_with ~suffix:"*" ret then ret else ret ^ " ")
    (c_err_value c.ret);
  pr "  int tracing;\n";
  if has_opts then begin
    pr "  const struct %s no_optargs = { .bitmask = 0 };\n" (argv_struct c);
    pr "\n  if (optargs == NULL)\n    optargs = &no_optargs;\n"
  end;
  pr "\n  qdrive_int_enter (g, \"%s\");\n" c.name;
  pr "  tracing = qdrive_int_tracing (g);\n";
  pr "  if (tracing) {\n";
  pr "    FILE *tr = qdrive_int_trace_open (g, \"%s\");\n" c.name;
  List.iter trace_arg c.args;
  List.iter (trace_optarg c) c.optargs;
  pr "    qdrive_int_trace_close (g, tr);\n  }\n\n";
  check_args c;
  pr "  qdrive_int_lock (g);\n";
  pr "  if (qdrive_int_check_state (g, %s) == 0)\n" (state_check c);
  pr "    r = qdrive_impl_%s (%s%s);\n" c.name (c_arg_names c)
    (if has_opts then ", optargs" else "");
  pr "  qdrive_int_unlock (g);\n";
  if needs_checks c then pr " out:\n";
  trace_ret c;
  pr "  return r;\n}\n\n";
  if has_opts then begin
    let names = c_arg_names c in
    (* _va: parse the (index, value) pairs into the argv struct. *)
    pr "%s\nqdrive_%s_va (%s)\n{\n" ret base (c_params ~extra:["va_list args"] c);
    pr "  struct %s optargs = { .bitmask = 0 };\n  int opt;\n\n" (argv_struct c);
    pr "  while ((opt = va_arg (args, int)) != -1) {\n";
    pr "    switch (opt) {\n";
    iteri_from 0 (fun _ o ->
        let t = match o.otype with
          | OBool | OInt -> "int" | OInt64 -> "int64_t"
          | OString | OEnum _ -> "const char *" | OStringList -> "char *const *" in
        pr "    case %s:\n      optargs.%s = va_arg (args, %s);\n      break;\n"
          (optarg_const c o) o.oname t) c.optargs;
    pr "    default:\n";
    pr "      qdrive_int_enter (g, \"%s\");\n" c.name;
    pr "      qdrive_int_error (g, EINVAL, \"unknown optional argument %%d; allowed: 0 to %d, -1 to end the list\", opt);\n"
      (List.length c.optargs - 1);
    pr "      return %s;\n    }\n" (c_err_value c.ret);
    pr "    if (optargs.bitmask & (UINT64_C(1) << opt)) {\n";
    pr "      static const char *const names[] = { %s };\n"
      (String.concat ", " (List.map (fun o -> c_quote o.oname) c.optargs));
    pr "      qdrive_int_enter (g, \"%s\");\n" c.name;
    pr "      qdrive_int_error (g, EINVAL, \"optional argument \\\"%%s\\\" given more than once\", names[opt]);\n";
    pr "      return %s;\n    }\n" (c_err_value c.ret);
    pr "    optargs.bitmask |= UINT64_C(1) << opt;\n  }\n\n";
    pr "  return qdrive_%s_argv (%s, &optargs);\n}\n\n" base names;
    pr "%s\nqdrive_%s (%s)\n{\n" ret base (c_params ~extra:["..."] c);
    let last = match List.rev c.args with [] -> "g" | a :: _ -> arg_name a in
    pr "  va_list args;\n  %sr;\n\n" (if String.ends_with ~suffix:"*" ret then ret else ret ^ " ");
    pr "  va_start (args, %s);\n" last;
    pr "  r = qdrive_%s_va (%s, args);\n" base names;
    pr "  va_end (args);\n  return r;\n}\n\n";
    if has_flag c OptsSuffix then begin
      pr "%s\nqdrive_%s (%s)\n{\n" ret c.name (c_params c);
      pr "  return qdrive_%s_argv (%s, NULL);\n}\n\n" base names
    end
  end

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
  (* Enum tables. *)
  List.iter (fun e ->
      pr "const char *const qdrive_int_%s_names[] = { %s, NULL };\n\n"
        e.enum_name
        (String.concat ", " (List.map c_quote (enum_names e)));
      pr "int\nqdrive_int_%s_index (const char *value)\n{\n" e.enum_name;
      pr "  size_t i;\n\n  for (i = 0; qdrive_int_%s_names[i] != NULL; ++i)\n"
        e.enum_name;
      pr "    if (strcmp (value, qdrive_int_%s_names[i]) == 0)\n      return i;\n"
        e.enum_name;
      pr "  return -1;\n}\n\n") enums;
  List.iter generate_wrapper calls

(* ------------------------------------------------------------------ *)
(* structs.c: free functions. *)

let generate_structs_c () =
  banner CStyle;
  pr "#include <config.h>\n\n#include <stdlib.h>\n\n#include \"qdrive.h\"\n\n";
  List.iter (fun s ->
      let free_fields v =
        List.iter (fun (n, t, _) ->
            if t = FString then pr "  free (%s%s);\n" v n) s.sfields in
      pr "static void\nfree_%s_fields (struct qdrive_%s *s)\n{\n" s.sname s.sname;
      free_fields "s->";
      pr "}\n\n";
      pr "void\nqdrive_free_%s (struct qdrive_%s *s)\n{\n" s.sname s.sname;
      pr "  if (s == NULL)\n    return;\n  free_%s_fields (s);\n  free (s);\n}\n\n"
        s.sname;
      pr "void\nqdrive_free_%s_list (struct qdrive_%s_list *l)\n{\n" s.sname s.sname;
      pr "  size_t i;\n\n  if (l == NULL)\n    return;\n";
      pr "  for (i = 0; i < l->len; ++i)\n    free_%s_fields (&l->val[i]);\n"
        s.sname;
      pr "  free (l->val);\n  free (l);\n}\n\n") structs
