(* SPDX-License-Identifier: GPL-2.0-or-later *)
(* qdrive generator: the qdrive shell.
 *
 * shell/cmds.h and shell/cmds.c: the command table.  Every call of
 * the API is a command named with dashes (add-drive); each gets a run
 * function that parses its arguments from strings, makes the call and
 * prints the result, and a help text rendered from the same POD as the
 * man page.
 *
 * shell/commands.pod: the command list of qdrive(1).
 *)

open Printf
open Types
open Utils
open Api

(* help lists commands sorted by name; internal ones stay callable
 * (the shell's tests use them) but are left out of help and the man
 * page. *)
let sorted = List.filter Model.in_shell Model.sorted_calls
let public = List.filter Model.in_shell Model.sorted_public_calls

(* A set of flags or a callback never reaches the shell (Model.in_shell
 * keeps such calls out): a new call taking flags without a callback
 * would need a way to write them here first. *)
let not_in_shell what = invalid_arg ("shell.ml: no shell syntax for " ^ what)

(* The descriptions name other calls as C<list_drives>; in the shell
 * they are commands, list-drives. *)
let shellify pod =
  let re = Str.regexp "C<\\([a-z_]+\\)>" in
  Str.global_substitute re (fun s ->
      let n = Str.matched_group 1 s in
      if List.exists (fun c -> c.name = n) calls then sprintf "C<%s>" (dashes n)
      else Str.matched_string s) pod

(* ------------------------------------------------------------------ *)
(* How arguments are written. *)

(* Number of positional arguments that must be given. *)
let min_args c = List.length c.args - Model.omittable_args c

let placeholder a = String.uppercase_ascii (arg_name a)

let optarg_value o = match o.otype with
  | Bool -> "true|false"
  | Int | Int64 -> "N"
  | String | OptString | Secret -> "STRING"
  | StringList -> "LIST"
  | Enum e -> String.concat "|" (enum_names e)
  | Flags _ -> not_in_shell "flags"
  | Callback _ -> not_in_shell "a callback"

let synopsis_words c =
  let m = min_args c in
  (dashes c.name ::
   List.mapi (fun i a ->
       if i >= m then "[" ^ placeholder a ^ "]" else placeholder a) c.args) @
  List.map (fun o -> sprintf "[%s:%s]" o.oname (optarg_value o)) c.optargs

let synopsis_line c = String.concat " " (synopsis_words c)

(* The synopsis wrapped at [width], every line after the first
 * indented under the first argument. *)
let synopsis_wrapped ?(first = "") ?(width = 72) c =
  match synopsis_words c with
  | [] -> first
  | [name] -> first ^ name
  | name :: args ->
    let head = first ^ name ^ " " in
    head ^ wrap_code ~width ~sep:" " ~col0:(String.length head)
      (String.concat " " args)

(* What each kind of positional argument is, in POD. *)
let arg_doc c i a =
  let omitted = i >= min_args c in
  match snd a with
  | String | Secret -> "A string."
  | OptString ->
    if omitted then
      "A string, or C<NULL> for none.  It may be left out, which is \
       the same as C<NULL>."
    else "A string, or C<NULL> for none."
  | StringList ->
    "A list of strings, written as one argument: the strings separated \
     by spaces, each quoted if it contains spaces or quotes \
     (C<'a \"b c\"'> is C<a> and C<b c>; C<\"\"> is the empty list)."
  | Bool -> "C<true> or C<false> (also C<yes>/C<no>, C<1>/C<0>)."
  | Int -> "An integer."
  | Int64 -> "A 64-bit integer."
  | Enum e -> sprintf "One of: %s." (enum_allowed e)
  | Flags _ -> not_in_shell "flags"
  | Callback _ -> not_in_shell "a callback"

(* A plain string argument needs no words of its own: the synopsis
 * and the description say what it is. *)
let documented_args c =
  List.filter (function (_, (_, String)) -> false | _ -> true)
    (List.mapi (fun i a -> (i, a)) c.args)

let field_names s =
  String.concat ", " (List.map (fun (n, _, _) -> n) (find_struct s).sfields)

(* How a string list field's VALUE is printed (qd_print_list_field). *)
let list_fields_doc s =
  if List.exists (fun (_, t, _) -> t = FStringList) (find_struct s).sfields
  then "  A list's VALUE is written as a list argument is typed: its \
        strings separated by spaces, each quoted if needed."
  else ""

let ret_doc = function
  | RErr -> None
  | RBool -> Some "Prints C<true> or C<false>."
  | RInt | RInt64 -> Some "Prints a number."
  | RString -> Some "Prints a string."
  | RStringList -> Some "Prints one string per line."
  | RStruct s ->
    Some (sprintf "Prints one line C<FIELD: VALUE> per field (%s).%s"
            (field_names s) (list_fields_doc s))
  | RStructList s ->
    Some (sprintf "Prints one block of C<FIELD: VALUE> lines per entry \
                   (%s), with a blank line between blocks.%s" (field_names s)
            (list_fields_doc s))

let state_doc c =
  Pod.state_doc ~subject:"This command fails" ~what:"the virtual machine" c

(* ------------------------------------------------------------------ *)
(* help COMMAND: plain text from the POD. *)

let help_text c =
  let b = Buffer.create 2048 in
  let add fmt = ksprintf (Buffer.add_string b) fmt in
  let text ?(indent = "") pod =
    add "%s\n\n" (pod_to_wrapped_text ~indent (shellify pod)) in
  add "%s - %s\n\n" (dashes c.name) c.shortdesc;
  add "%s\n\n" (synopsis_wrapped ~first:"Usage: " c);
  (match alias_of c with
   | Some a -> add "Alias: %s\n\n" a
   | None -> ());
  if Model.is_internal c then
    add "This is an internal command for qdrive's own tests.\n\n";
  text c.longdesc;
  let enum_values e =
    List.iter (fun (v, d) ->
        add "      %s%s\n" v (if v = e.enum_default then " (default)" else "");
        text ~indent:"          " d) e.enum_values in
  if documented_args c <> [] then begin
    add "Arguments:\n\n";
    List.iter (fun (i, a) ->
        add "  %s\n" (placeholder a);
        text ~indent:"      " (arg_doc c i a);
        match a with (_, Enum e) -> enum_values e | _ -> ())
      (documented_args c)
  end;
  if c.optargs <> [] then begin
    add "Optional arguments, each written key:value:\n\n";
    List.iter (fun o ->
        add "  %s:%s\n" o.oname (optarg_value o);
        text ~indent:"      " o.odoc;
        match o.otype with
        | Enum e -> enum_values e
        | StringList ->
          text ~indent:"      "
            "The value is a list written as one argument: the strings \
             separated by spaces, quoted if they contain spaces."
        | _ -> ()) c.optargs
  end;
  (match ret_doc c.ret with Some d -> text d | None -> ());
  (match state_doc c with Some d -> text d | None -> ());
  String.trim (Buffer.contents b) ^ "\n"

(* ------------------------------------------------------------------ *)
(* cmds.h *)

let generate_header () =
  banner CStyle;
  pr "\
#ifndef QDRIVE_SHELL_CMDS_H
#define QDRIVE_SHELL_CMDS_H

#include <stddef.h>

#include \"qdrive.h\"

/* What a positional or key:value argument holds: for parsing errors,
 * completion and help. */
enum qd_kind {
  QD_STRING, QD_OPTSTRING, QD_LIST, QD_BOOL, QD_INT, QD_INT64, QD_ENUM
};

struct qd_param {
  const char *name;
  enum qd_kind kind;
  const char *const *values;    /* QD_ENUM: the values, NULL-terminated */
};

struct qd_command;
typedef int (*qd_run_fn) (qdrive_h *g, const struct qd_command *cmd,
                          size_t argc, char **argv);

struct qd_command {
  const char *name;             /* add-drive */
  const char *alias;            /* add, or NULL */
  int internal;                 /* callable, but not in help or completion */
  int blocking;                 /* may wait: a signal cancels it */
  const char *shortdesc;
  const char *synopsis;         /* one line */
  const char *help;             /* the text of help COMMAND */
  size_t min_args, max_args;    /* positional arguments */
  const struct qd_param *args;  /* max_args of them */
  const struct qd_param *optargs;
  size_t noptargs;
  qd_run_fn run;                /* 0 on success, -1 after printing an error */
};

extern const struct qd_command qd_commands[];
extern const size_t qd_ncommands;

#endif /* QDRIVE_SHELL_CMDS_H */
"

(* ------------------------------------------------------------------ *)
(* cmds.c *)

(* A one-line string as adjacent C literals, broken after spaces to fit
 * in 79 columns, continuing under where it started. *)
let pr_c_string s =
  let pieces = split_after " " s in
  if List.exists (fun p -> p = "" || p.[0] = ' ') pieces then pr "%s" (c_quote s)
  else begin
    (* Each break drops the one blank that ended its line: put it back
     * inside the literal. *)
    let lines = fill ~col0:(!col + 1) ~indent:"" ~width:76 pieces in
    let n = List.length lines in
    let ind = String.make !col ' ' in
    List.iteri (fun i l ->
        if i > 0 then pr "\n%s" ind;
        pr "%s" (c_quote (if i < n - 1 then l ^ " " else l))) lines
  end

(* A long text as one C string literal per line. *)
let pr_c_text s =
  let lines = String.split_on_char '\n' s in
  let lines =
    match List.rev lines with "" :: r -> List.rev r | _ -> lines in
  List.iter (fun l -> pr "  %s\n" (c_quote (l ^ "\n"))) lines

let kind = function
  | String | Secret -> "QD_STRING"
  | OptString -> "QD_OPTSTRING"
  | StringList -> "QD_LIST"
  | Bool -> "QD_BOOL"
  | Int -> "QD_INT"
  | Int64 -> "QD_INT64"
  | Enum _ -> "QD_ENUM"
  | Flags _ -> not_in_shell "flags"
  | Callback _ -> not_in_shell "a callback"

let pr_params var params =
  pr "static const struct qd_param %s[] = {\n" var;
  List.iter (fun (name, t) ->
      pr "  { %s, %s, %s },\n" (c_quote name) (kind t)
        (match t with Enum e -> "enum_" ^ e.enum_name | _ -> "NULL"))
    params;
  pr "};\n\n"

(* Parses the string [src] into the C variable [dst] of type t; [what]
 * names the argument in errors.  Strings are used as they are. *)
let parse_value ?(ind = "  ") t what src dst =
  let parse fn =
    pr "%sif (%s (cmd, %s, %s, &%s) == -1)\n%s  goto out;\n"
      ind fn (c_quote what) src dst ind in
  match t with
  | String | OptString | Enum _ | Secret -> pr "%s%s = %s;\n" ind dst src
  | Bool -> parse "qd_parse_bool"
  | Int -> parse "qd_parse_int"
  | Int64 -> parse "qd_parse_int64"
  | StringList -> parse "qd_parse_list"
  | Flags _ -> not_in_shell "flags"
  | Callback _ -> not_in_shell "a callback"

let generate_run c =
  let base = c_opts_name c in
  let has_opts = c.optargs <> [] in
  let nargs = List.length c.args in
  let m = min_args c in
  pr "static int\nrun_%s (qdrive_h *g, const struct qd_command *cmd,\n" c.name;
  pr "%s size_t argc, char **argv)\n{\n"
    (String.make (String.length c.name + 5) ' ');
  pr "  int ret = -1;\n";
  (* Declarations: string lists are parsed into arrays of their own,
   * freed at the end. *)
  List.iter (fun (n, t) ->
      if t = StringList then pr "  char **arg_%s = NULL;\n" n
      else pr "  %s;\n" (C.c_decl t ("arg_" ^ n))) c.args;
  if has_opts then begin
    pr "  struct %s optargs = { .bitmask = 0 };\n" (C.argv_struct c);
    List.iter (fun o ->
        if o.otype = StringList then pr "  char **optarg_%s = NULL;\n" o.oname)
      c.optargs;
    pr "  uint64_t seen = 0;\n  size_t i;\n  const char *value;\n"
  end;
  pr "  %s;\n" (C.c_ret_decl c);
  pr "\n  if (qd_check_argc (cmd, argc, argv) == -1)\n    return -1;\n";
  (* Positional arguments. *)
  List.iteri (fun i (n, t) ->
      let src = sprintf "argv[%d]" i and v = "arg_" ^ n in
      match t with
      | OptString ->
        if i >= m then
          pr "  %s = argc > %d ? qd_optstring (%s) : NULL;\n" v i src
        else pr "  %s = qd_optstring (%s);\n" v src
      | _ -> parse_value t n src v) c.args;
  (* key:value arguments. *)
  if has_opts then begin
    pr "  for (i = %d; i < argc; ++i) {\n" nargs;
    pr "    switch (qd_optarg (cmd, argv[i], &seen, &value)) {\n";
    iteri_from 0 (fun i o ->
        pr "    case %d:\n" i;
        let dst = "optargs." ^ o.oname in
        if o.otype = StringList then begin
          parse_value ~ind:"      " StringList o.oname "value" ("optarg_" ^ o.oname);
          pr "      %s = optarg_%s;\n" dst o.oname
        end
        else parse_value ~ind:"      " o.otype o.oname "value" dst;
        pr "      optargs.bitmask |= %s_BITMASK;\n" (C.optarg_const c o);
        pr "      break;\n") c.optargs;
    pr "    default:\n      goto out;\n    }\n  }\n"
  end;
  (* The call. *)
  let args =
    String.concat ", " ("g" :: List.map (fun a -> "arg_" ^ arg_name a) c.args) in
  if has_opts then pr "\n  r = qdrive_%s_argv (%s, &optargs);\n" base args
  else pr "\n  r = qdrive_%s (%s);\n" c.name args;
  pr "  if (r == %s) {\n    qd_lib_error (g);\n    goto out;\n  }\n"
    (C.c_err_value c.ret);
  (* The result. *)
  (match c.ret with
   | RErr -> ()
   | RBool -> pr "  qd_print_bool (r);\n"
   | RInt -> pr "  printf (\"%%d\\n\", r);\n"
   | RInt64 -> pr "  printf (\"%%\" PRIi64 \"\\n\", r);\n"
   | RString -> pr "  printf (\"%%s\\n\", r);\n  free (r);\n"
   | RStringList ->
     pr "  qd_print_string_list (r);\n  qdrive_free_string_list (r);\n"
   | RStruct s -> pr "  print_%s (r);\n  qdrive_free_%s (r);\n" s s
   | RStructList s ->
     pr "  print_%s_list (r);\n  qdrive_free_%s_list (r);\n" s s);
  pr "  ret = 0;\n out:\n";
  List.iter (function
      | (n, StringList) -> pr "  qd_free_list (arg_%s);\n" n
      | _ -> ()) c.args;
  List.iter (fun o ->
      if o.otype = StringList then pr "  qd_free_list (optarg_%s);\n" o.oname)
    c.optargs;
  pr "  return ret;\n}\n\n"

let generate_struct_printers s =
  pr "static void\nprint_%s (const struct qdrive_%s *s)\n{\n" s.sname s.sname;
  List.iter (fun (n, t, _) ->
      match t with
      | FString | FEnum _ -> pr "  printf (\"%s: %%s\\n\", s->%s);\n" n n
      | FStringList -> pr "  qd_print_list_field (\"%s\", s->%s);\n" n n
      | FBool -> pr "  printf (\"%s: %%s\\n\", s->%s ? \"true\" : \"false\");\n" n n
      | FInt -> pr "  printf (\"%s: %%d\\n\", s->%s);\n" n n
      | FInt64 -> pr "  printf (\"%s: %%\" PRIi64 \"\\n\", s->%s);\n" n n)
    s.sfields;
  pr "}\n\n";
  if Model.returned_as_list s then begin
    pr "static void\nprint_%s_list (const struct qdrive_%s_list *l)\n{\n"
      s.sname s.sname;
    pr "  size_t i;\n\n  for (i = 0; i < l->len; ++i) {\n";
    pr "    if (i > 0)\n      putchar ('\\n');\n";
    pr "    print_%s (&l->val[i]);\n  }\n}\n\n" s.sname
  end

let generate_c () =
  banner CStyle;
  pr "\
#include <config.h>

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include \"qdrive.h\"
#include \"cmds.h\"
#include \"shell.h\"

";
  (* Enum values, for completion. *)
  List.iter (fun e ->
      pr "static const char *const enum_%s[] = { " e.enum_name;
      pr_wrap (fun () ->
          pr "%s, NULL };" (String.concat ", " (List.map c_quote (enum_names e))));
      pr "\n") enums;
  pr "\n";
  (* Only the structs some call returns get printers, so that none is
   * unused. *)
  List.iter generate_struct_printers Model.returned_structs;
  List.iter (fun c ->
      generate_run c;
      if c.args <> [] then pr_params ("args_" ^ c.name) c.args;
      if c.optargs <> [] then
        pr_params ("optargs_" ^ c.name) (List.map optarg_param c.optargs);
      pr "static const char help_%s[] =\n" c.name;
      pr_c_text (help_text c);
      pr "  ;\n\n") sorted;
  pr "const struct qd_command qd_commands[] = {\n";
  List.iter (fun c ->
      pr "  { %s, %s, %d, %d,\n" (c_quote (dashes c.name))
        (match alias_of c with Some a -> c_quote a | None -> "NULL")
        (if Model.is_internal c then 1 else 0)
        (if is_blocking c then 1 else 0);
      pr "    %s,\n" (c_quote c.shortdesc);
      pr "    ";
      pr_c_string (synopsis_line c);
      pr ",\n";
      pr "    help_%s, %d, %d,\n" c.name (min_args c) (List.length c.args);
      pr "    %s, %s, %d,\n"
        (if c.args <> [] then "args_" ^ c.name else "NULL")
        (if c.optargs <> [] then "optargs_" ^ c.name else "NULL")
        (List.length c.optargs);
      pr "    run_%s },\n" c.name) sorted;
  pr "};\n\nconst size_t qd_ncommands = %d;\n" (List.length sorted)

(* ------------------------------------------------------------------ *)
(* commands.pod: the command list of qdrive(1). *)

let pod_enum_values e = Pod.pr_enum_items ~doc:shellify e

let generate_commands_pod () =
  banner PODStyle;
  List.iter (fun c ->
      pr "=head2 %s\n\n" (dashes c.name);
      pr "%s\n\n" (synopsis_wrapped ~first:" " ~width:76 c);
      (match alias_of c with
       | Some a -> pr "Alias: C<%s>.\n\n" a
       | None -> ());
      pr "%s\n\n" (shellify c.longdesc);
      if documented_args c <> [] then begin
        pr "Arguments:\n\n=over 4\n\n";
        List.iter (fun (i, a) ->
            pr "=item I<%s>\n\n%s\n\n" (placeholder a) (arg_doc c i a);
            match a with (_, Enum e) -> pod_enum_values e | _ -> ())
          (documented_args c);
        pr "=back\n\n"
      end;
      if c.optargs <> [] then begin
        pr "Optional arguments, each written I<key>:I<value>:\n\n";
        pr "=over 4\n\n";
        List.iter (fun o ->
            pr "=item C<%s:%s>\n\n%s\n\n" o.oname (optarg_value o)
              (shellify o.odoc);
            match o.otype with
            | Enum e -> pod_enum_values e
            | StringList ->
              pr "The value is a list written as one argument, as for \
                  list arguments.\n\n"
            | _ -> ()) c.optargs;
        pr "=back\n\n"
      end;
      (match ret_doc c.ret with Some d -> pr "%s\n\n" d | None -> ());
      (match state_doc c with Some d -> pr "%s\n\n" d | None -> ()))
    public
