(* SPDX-License-Identifier: GPL-2.0-or-later *)
(* qdrive generator: what the tests need to know about the API, so that
 * no test keeps a copy of it: for each call with optional arguments,
 * their number, names and the mask of all their bits; for each enum,
 * its values and the "allowed: ..." text of its errors.  One file per
 * language of the tests: C, Python, Perl, shell. *)

open Printf
open Types
open Utils
open Api

let with_optargs = List.filter (fun c -> c.optargs <> []) calls

(* What list_drives reports for a drive added with no optional
 * argument, but for its index and filename: an enum field its enum's
 * default, every other field empty, false or zero.  The tests compare
 * whole drives against this, so a new field needs no test edited. *)
type default_value = DString of string | DBool of bool | DInt | DList
let drive_defaults =
  let d = find_struct "drive" in
  List.filter_map (fun (name, t, _) ->
      if name = "index" || name = "filename" then None
      else Some (name, match t with
        | FEnum e -> DString e.enum_default
        | FString -> DString ""
        | FBool -> DBool false
        | FInt | FInt64 -> DInt
        | FStringList -> DList)) d.sfields
let optarg_names c = List.map (fun o -> o.oname) c.optargs
let upper = String.uppercase_ascii

let generate_c () =
  banner CStyle;
  pr "#ifndef QDRIVE_API_FACTS_H\n#define QDRIVE_API_FACTS_H\n\n";
  pr "#include <stdint.h>\n\n";
  List.iter (fun c ->
      let m = "FACT_" ^ upper c.name in
      pr "#define %s_NOPTARGS %d\n" m (List.length c.optargs);
      pr "#define %s_ALL_BITMASK UINT64_C(0x%Lx)\n" m (Model.all_optargs_mask c);
      pr "#define %s_OPTARGS %s\n\n" m
        (c_quote (String.concat ", " (optarg_names c)))) with_optargs;
  List.iter (fun e ->
      let m = "FACT_" ^ upper e.enum_name in
      pr "#define %s_ALLOWED %s\n" m (c_quote (enum_allowed e));
      (* One line: a macro cannot be wrapped without backslashes. *)
      pr "#define %s_VALUES { %s, NULL }\n\n" m
        (String.concat ", " (List.map c_quote (enum_names e)))) enums;
  pr "#define FACT_MANAGED_QEMU_PARAMS %s\n\n"
    (c_quote (String.concat ", " managed_qemu_params));
  pr "#include \"qdrive.h\"\n\n";
  List.iter (fun f ->
      pr "/* The name of a %s flag, \"\" for none. */\n" f.flags_name;
      C.pr_flag_name_fn ~prefix:"static inline " f ("fact_" ^ f.flags_name ^ "_name"))
    flag_sets;
  pr "/* config's parameters: one with a value, one without, and every\n";
  pr " * one as { name, takes a value }, NULL-terminated. */\n";
  pr "#define FACT_CONFIG_PARAMS_TEXT %s\n"
    (c_quote (String.concat ", " (List.map fst config_params)));
  pr "#define FACT_CONFIG_PARAMS { ";
  List.iter (fun (p, v) -> pr "{ %s, %d }, " (c_quote p) (if v then 1 else 0))
    config_params;
  pr "{ NULL, 0 } }\n";
  List.iter (fun (name, l) ->
      pr "#define FACT_CONFIG_%s { %s, NULL }\n" (upper name)
        (String.concat ", " (List.map c_quote l))) config_lists;
  pr "\n";
  pr "#endif /* QDRIVE_API_FACTS_H */\n"

let generate_python () =
  banner HashStyle;
  pr "# What the tests need to know about the API (generator/facts.ml).\n\n";
  let quote s = "\"" ^ s ^ "\"" in
  let dict items =
    String.concat "" (List.map (fun (k, vs) ->
        sprintf "    %s: [%s],\n" (quote k) (String.concat ", " (List.map quote vs)))
        items) in
  pr "OPTARGS = {\n%s}\n\n"
    (dict (List.map (fun c -> c.name, optarg_names c) with_optargs));
  pr "ENUMS = {\n%s}\n\n" (dict (List.map (fun e -> e.enum_name, enum_names e) enums));
  pr "# list_drives' fields of a drive added with no optional argument.\n";
  pr "DRIVE_DEFAULTS = {\n";
  List.iter (fun (k, v) ->
      pr "    %s: %s,\n" (quote k) (match v with
        | DString s -> quote s | DBool b -> if b then "True" else "False"
        | DInt -> "0" | DList -> "[]")) drive_defaults;
  pr "}\n\n";
  pr "\ndef allowed(enum):\n    return \", \".join(ENUMS[enum])\n"

let generate_perl () =
  banner HashStyle;
  pr "\
# What the tests need to know about the API (generator/facts.ml).

package ApiFacts;

use strict;
use warnings;

";
  let hash name items =
    pr "our %%%s = (\n" name;
    List.iter (fun (k, vs) -> pr "  %s => [qw(%s)],\n" k (String.concat " " vs))
      items;
    pr ");\n\n" in
  hash "OPTARGS" (List.map (fun c -> c.name, optarg_names c) with_optargs);
  hash "ENUMS" (List.map (fun e -> e.enum_name, enum_names e) enums);
  pr "# list_drives' fields of a drive added with no optional argument.\n";
  pr "our %%DRIVE_DEFAULTS = (\n";
  List.iter (fun (k, v) ->
      pr "  %s => %s,\n" k (match v with
        | DString s -> "'" ^ s ^ "'" | DBool b -> if b then "1" else "0"
        | DInt -> "0" | DList -> "[]")) drive_defaults;
  pr ");\n\n";
  pr "\
# The allowed: text of an enum's errors.
sub allowed { join ', ', @{$ENUMS{$_[0]}} }

# The allowed: text of a call's unknown optional arguments.
sub optargs { join ', ', @{$OPTARGS{$_[0]}} }

1;
"

let generate_shell () =
  banner HashStyle;
  pr "# What the tests need to know about the API (generator/facts.ml),\n";
  pr "# for the shell's tests: sourced by test-lib.sh.\n\n";
  List.iter (fun c ->
      pr "optargs_%s=%s\n" c.name (Filename.quote (String.concat ", " (optarg_names c))))
    with_optargs;
  List.iter (fun e ->
      pr "allowed_%s=%s\n" (enum_ident e.enum_name) (Filename.quote (enum_allowed e)))
    enums;
  pr "# list-drives' fields in order, and how it prints each of a drive\n";
  pr "# added with no optional argument (test-lib.sh's drive_text).\n";
  pr "drive_fields=%s\n" (Filename.quote (String.concat " "
    (List.map (fun (n, _, _) -> n) (find_struct "drive").sfields)));
  List.iter (fun (k, v) ->
      pr "drive_default_%s=%s\n" k (Filename.quote (match v with
        | DString s -> s | DBool b -> if b then "true" else "false"
        | DInt -> "0" | DList -> ""))) drive_defaults;
  pr "package_version=%s\n" (Filename.quote (Checks.configure_ac_version ()))

(* tests/fuzz-optargs.h: add_drive's optional arguments filled from the
 * fuzzer's input, so that every one of them is fuzzed, the new ones
 * included. *)
let generate_fuzz () =
  banner CStyle;
  let c = find_call "add_drive" in
  let field o = "o->" ^ o.oname in
  pr "\
/* Fills add_drive's optional arguments from the fuzzer's input: the
 * mask from bits (add_drive's bits only); booleans from the bits of
 * flags in turn, then ints from two bits of flags each (fuzz_int);
 * strings and enum values from the input's next strings, in api.ml's
 * order. */
static void
fuzz_add_drive_optargs (struct %s *o,
                        uint64_t bits, unsigned flags,
                        const char **p, const char *end)
{
  o->bitmask = bits & UINT64_C(0x%Lx);
" (C.argv_struct c) (Model.all_optargs_mask c);
  let nbools = List.length (List.filter (fun o -> o.otype = Bool) c.optargs) in
  let bools = ref 0 and ints = ref 0 in
  List.iter (fun o ->
      match o.otype with
      | Bool -> pr "  %s = (flags >> %d) & 1;\n" (field o) !bools; incr bools
      | Int | Int64 ->
        pr "  %s = fuzz_int (flags, %d);\n" (field o) ((nbools + 2 * !ints) mod 8);
        incr ints
      | String | OptString | Enum _ | Secret ->
        pr "  %s = next_string (p, end);\n" (field o)
      | StringList -> pr "  %s = fuzz_string_list (p, end);\n" (field o)
      | Flags _ -> pr "  %s = bits >> 32;\n" (field o)
      | Callback _ -> failwith "facts.ml: a callback is never an optional argument")
    c.optargs;
  pr "}\n\n";
  pr "\
/* The same options, with every free-form string replaced by \"x\": what
 * a caller with plain values gets, to compare the command line with. */
static void
fuzz_add_drive_plain (struct %s *o)
{
" (C.argv_struct c);
  List.iter (fun o ->
      if o.otype = String then
        pr "  if (o->bitmask & %s_BITMASK)\n    %s = \"x\";\n"
          (C.optarg_const c o) (field o)) c.optargs;
  pr "}\n"
