(* qdrive generator: the Perl binding Sys::Qdrive.
 *
 * perl/Qdrive.xs: one XSUB per call.  Required arguments are positional,
 * optional ones follow as key => value pairs and are parsed into the C
 * call's _argv struct; errors croak with qdrive_last_error's text, so a
 * Perl caller sees the same words as a C caller (croak appends
 * " at FILE line N.").  The fixed frame is hand-written, where the C
 * compiler checks it: the conversion helpers in perl/qdrive-perl.c
 * (declared in qdrive-perl.h), the handle's life cycle (new, close,
 * DESTROY) in perl/handle.xsh.
 *
 * perl/lib/Sys/Qdrive.pm: the loader, the enum constants and the POD:
 * the hand-written perl/qdrive-intro.pod, then per method the same POD
 * as the C man page's.
 *
 * perl/t/xlang.t and perl/t/same_as_c.pl: Perl's halves of the
 * cross-language test and of the "same as C" comparison.
 *)

open Printf
open Types
open Utils
open Api

(* The package version: the one in configure.ac's AC_INIT, so the XS
 * bootstrap check and MakeMaker agree with the rest of the build. *)
let version = Checks.configure_ac_version

(* ------------------------------------------------------------------ *)
(* Qdrive.xs *)

let xs_structs () =
  List.iter (fun s ->
      pr "static SV *\n%s_to_hv (pTHX_ const struct qdrive_%s *s)\n{\n"
        s.sname s.sname;
      pr "  HV *hv = newHV ();\n\n";
      List.iter (fun (n, t, _) ->
          let v = match t with
            | FString | FEnum _ -> sprintf "newSVpv (s->%s, 0)" n
            | FBool -> sprintf "newSViv (s->%s != 0)" n
            | FInt | FInt64 -> sprintf "newSViv (s->%s)" n in
          pr "  (void) hv_stores (hv, \"%s\", %s);\n" n v) s.sfields;
      pr "  return newRV_noinc ((SV *) hv);\n}\n\n") structs

(* A set of flags from an array reference of names; a flag given as
 * its bit. *)
let xs_flags f =
  let allowed = String.concat ", " (List.map fst f.flags_values) in
  pr "static uint64_t\n%s_flags_of_sv (pTHX_ SV *sv, const char *call, const char *name)\n{\n"
    f.flags_name;
  pr "  AV *av;\n  SSize_t i;\n  uint64_t r = 0;\n\n";
  pr "  SvGETMAGIC (sv);\n";
  pr "  if (!SvROK (sv) || SvTYPE (SvRV (sv)) != SVt_PVAV)\n";
  pr "    qdrive_perl_error (aTHX_ EINVAL, \"%%s: %%s: not an array reference; allowed: a reference to an array of %s\",\n" allowed;
  pr "                       call, name);\n";
  pr "  av = (AV *) SvRV (sv);\n";
  pr "  for (i = 0; i <= av_len (av); ++i) {\n";
  pr "    SV **e = av_fetch (av, i, 0);\n";
  pr "    const char *v = e != NULL && SvOK (*e) ? SvPV_nolen (*e) : \"\";\n\n";
  C.pr_flag_of_name ~indent:"    " f "v" "r"
    (sprintf "qdrive_perl_error (aTHX_ EINVAL, \"%%s: %%s: \\\"%%s\\\" is not \
              valid; allowed: %s\",\n                   call, name, v);" allowed);
  pr "  }\n  return r;\n}\n\n";
  C.pr_flag_name_fn f (f.flags_name ^ "_flag_name")

(* The C function of a callback type: it calls the Perl function with
 * the C arguments as Perl values (a flag as its name, an array of
 * numbers as an array reference); see qdrive_perl_callback_call. *)
let xs_callback cb =
  let decls = List.concat_map C.cb_param_decls cb.cb_params in
  pr "static void\n%s_callback_wrapper (" cb.cb_name;
  pr_wrap (fun () ->
      pr "%s)" (String.concat ", " (["qdrive_h *g"; "void *opaque"] @ decls)));
  pr "\n{\n  struct qdrive_perl_callback *cb = opaque;\n";
  pr "  dTHXa (cb->perl);\n  dSP;\n\n";
  pr "  ENTER;\n  SAVETMPS;\n  PUSHMARK (SP);\n  EXTEND (SP, %d);\n"
    (List.length cb.cb_params);
  List.iter (fun (n, p) ->
      match p with
      | CbFlag f -> pr "  mPUSHs (newSVpv (%s_flag_name (%s), 0));\n" f.flags_name n
      | CbInt -> pr "  mPUSHi (%s);\n" n
      | CbString -> pr "  mPUSHs (newSVpv (%s, 0));\n" n
      | CbInt64Array ->
        pr "  {\n    AV *av = newAV ();\n    size_t i;\n\n";
        pr "    for (i = 0; i < %s_len; ++i)\n      av_push (av, newSViv (%s[i]));\n" n n;
        pr "    mPUSHs (newRV_noinc ((SV *) av));\n  }\n") cb.cb_params;
  pr "  PUTBACK;\n";
  pr "  qdrive_perl_callback_call (aTHX_ g, cb);\n";
  pr "  FREETMPS;\n  LEAVE;\n}\n\n"

(* C expression converting the SV [sv] for argument n of type t. *)
let conv c (n, t) sv =
  let integer min max =
    sprintf "qdrive_perl_integer (aTHX_ %s, \"%s\", \"%s\", %s, %s)" sv c.name n min max in
  match t with
  | String | OptString | Enum _ | Secret ->
    sprintf "qdrive_perl_string (aTHX_ %s, \"%s\", \"%s\")" sv c.name n
  | StringList -> sprintf "qdrive_perl_string_list (aTHX_ %s, \"%s\", \"%s\")" sv c.name n
  | Bool -> sprintf "SvTRUE (%s)" sv
  | Int -> "(int) " ^ integer "INT_MIN" "INT_MAX"
  | Int64 -> integer "INT64_MIN" "INT64_MAX"
  | Flags f -> sprintf "%s_flags_of_sv (aTHX_ %s, \"%s\", \"%s\")" f.flags_name sv c.name n
  | Callback _ -> sprintf "qdrive_perl_code_ref (aTHX_ %s, \"%s\", \"%s\")" sv c.name n

(* The C local a required argument is converted into. *)
let c_local_type = function
  | String | OptString | Enum _ | Secret -> "const char *"
  | StringList -> "char **"
  | Bool | Int -> "int "
  | Int64 -> "int64_t "
  | Flags _ -> "uint64_t "
  | Callback _ -> "CV *"

(* Required OptString arguments at the end may be left out (undef). *)
let omittable = Model.omittable_args

let xs_call c =
  let nargs = List.length c.args in
  let nomit = omittable c in
  (* The XS parameters are the SVs, named as in the API so that Perl's
   * usage message reads well; the C values are the locals c_NAME. *)
  let cname a = "c_" ^ arg_name a in
  let params = "g" :: List.mapi (fun i a ->
      if i >= nargs - nomit then arg_name a ^ " = NO_INIT" else arg_name a)
      c.args in
  let params = if c.optargs <> [] then params @ ["..."] else params in
  pr "void\n%s (%s)\n" c.name (String.concat ", " params);
  pr "    SV *g;\n";
  List.iter (fun a -> pr "    SV *%s;\n" (arg_name a)) c.args;
  if has_flag c OptsSuffix then pr "  ALIAS:\n    %s_opts = 1\n" c.name;
  pr "  PREINIT:\n";
  pr "    qdrive_h *h;\n";
  List.iter (fun ((_, t) as a) -> pr "    %s%s;\n" (c_local_type t) (cname a)) c.args;
  if c.optargs <> [] then begin
    pr "    struct %s optargs = { .bitmask = 0 };\n" (C.argv_struct c);
    pr "    I32 opt_i;\n"
  end;
  pr "    %s;\n" (C.c_ret_decl c);
  pr "  PPCODE:\n";
  if has_flag c OptsSuffix then pr "    PERL_UNUSED_VAR (ix);\n";
  List.iteri (fun i a ->
      if i >= nargs - nomit then
        pr "    if (items < %d)\n      %s = &PL_sv_undef;\n" (i + 2) (arg_name a))
    c.args;
  (* Converting an argument may run Perl code (FETCH, overloading)
   * that frees another or closes the handle: every argument is held,
   * converted once into memory of the binding's, and the handle is
   * looked up again right before the call (see qdrive-perl.c). *)
  let runs_perl = c.args <> [] || c.optargs <> [] in
  if runs_perl then begin
    pr "    qdrive_perl_hold_arguments (aTHX_ ax, items);\n";
    pr "    (void) qdrive_perl_handle (aTHX_ g, \"%s\");\n" c.name
  end;
  List.iter (fun a ->
      pr "    %s = %s;\n" (cname a) (conv c a (arg_name a))) c.args;
  (* A callback's function, checked and held with the others, becomes
   * the library's in the call itself (it frees it even if the call
   * fails): no Perl code runs in between. *)
  let carg = function
    | (_, Callback cb) as a ->
      [cb.cb_name ^ "_callback_wrapper";
       sprintf "qdrive_perl_callback_new (aTHX_ %s)" (cname a);
       "qdrive_perl_callback_free"]
    | a -> [cname a] in
  let call_args = String.concat ", " ("h" :: List.concat_map carg c.args) in
  if c.optargs <> [] then begin
    let first = nargs + 1 in
    pr "    if ((items - %d) %% 2 != 0)\n" first;
    pr "      qdrive_perl_error (aTHX_ EINVAL, \"%s: odd number of optional arguments; allowed: key => value pairs\");\n"
      c.name;
    pr "    for (opt_i = %d; opt_i < items; opt_i += 2) {\n" first;
    pr "      STRLEN len;\n";
    pr "      const char *key = SvPV (ST (opt_i), len);\n";
    pr "      SV *val = ST (opt_i + 1);\n";
    pr "      uint64_t bit = 0;\n\n";
    (* Find the key: by length, then by its bytes (so a key with a NUL
     * inside matches nothing). *)
    let lengths =
      List.sort_uniq compare
        (List.map (fun o -> String.length o.oname) c.optargs) in
    pr "      switch (len) {\n";
    List.iter (fun n ->
        pr "      case %d:\n" n;
        let same = List.filter (fun o -> String.length o.oname = n) c.optargs in
        List.iteri (fun j o ->
            pr "        %sif (memcmp (key, \"%s\", %d) == 0)\n          bit = %s_BITMASK;\n"
              (if j = 0 then "" else "else ") o.oname n (C.optarg_const c o)) same;
        pr "        break;\n") lengths;
    pr "      }\n";
    pr "      if (bit == 0)\n";
    pr "        qdrive_perl_error (aTHX_ EINVAL, \"%s: unknown optional argument \\\"%%s\\\"; allowed: %s\",\n               qdrive_perl_escaped (aTHX_ ST (opt_i)));\n"
      c.name (String.concat ", " (List.map (fun o -> o.oname) c.optargs));
    pr "      if (optargs.bitmask & bit)\n";
    pr "        qdrive_perl_error (aTHX_ EINVAL, \"%s: optional argument \\\"%%s\\\" given more than once\",\n               qdrive_perl_escaped (aTHX_ ST (opt_i)));\n"
      c.name;
    pr "      optargs.bitmask |= bit;\n";
    pr "      switch (bit) {\n";
    List.iter (fun o ->
        pr "      case %s_BITMASK:\n" (C.optarg_const c o);
        pr "        optargs.%s = %s;\n" o.oname (conv c (optarg_param o) "val");
        pr "        break;\n") c.optargs;
    pr "      }\n";
    pr "    }\n";
    pr "    h = qdrive_perl_handle (aTHX_ g, \"%s\");\n" c.name;
    pr "    r = qdrive_%s_argv (%s, &optargs);\n" (c_opts_name c) call_args
  end else begin
    pr "    h = qdrive_perl_handle (aTHX_ g, \"%s\");\n" c.name;
    pr "    r = qdrive_%s (%s);\n" c.name call_args
  end;
  pr "    if (r == %s)\n      qdrive_perl_croak (aTHX_ h);\n" (C.c_err_value c.ret);
  (match c.ret with
   | RErr -> ()
   | RBool -> pr "    mXPUSHi (r != 0);\n"
   | RInt | RInt64 -> pr "    mXPUSHi (r);\n"
   | RString ->
     pr "    {\n      SV *s = newSVpv (r, 0);\n      free (r);\n      mXPUSHs (s);\n    }\n"
   | RStringList ->
     pr "    {\n      size_t n;\n\n";
     pr "      for (n = 0; r[n] != NULL; ++n)\n        ;\n";
     pr "      EXTEND (SP, (SSize_t) n);\n";
     pr "      for (n = 0; r[n] != NULL; ++n)\n        mPUSHs (newSVpv (r[n], 0));\n";
     pr "      qdrive_free_string_list (r);\n    }\n"
   | RStruct s ->
     pr "    {\n      SV *h = %s_to_hv (aTHX_ r);\n" s;
     pr "      qdrive_free_%s (r);\n      mXPUSHs (h);\n    }\n" s
   | RStructList s ->
     pr "    {\n      size_t n;\n\n";
     pr "      EXTEND (SP, (SSize_t) r->len);\n";
     pr "      for (n = 0; n < r->len; ++n)\n";
     pr "        mPUSHs (%s_to_hv (aTHX_ &r->val[n]));\n" s;
     pr "      qdrive_free_%s_list (r);\n    }\n" s);
  pr "\n"

let generate_xs () =
  banner CStyle;
  pr "\
/* The XSUBs of Sys::Qdrive, one per call.  The helpers they use are
 * hand-written in qdrive-perl.c, the handle's life cycle in handle.xsh. */

#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include \"qdrive-perl.h\"

";
  xs_structs ();
  List.iter xs_flags flag_sets;
  List.iter xs_callback callbacks;
  pr "\
MODULE = Sys::Qdrive  PACKAGE = Sys::Qdrive

PROTOTYPES: DISABLE

INCLUDE: handle.xsh

";
  List.iter xs_call calls

(* ------------------------------------------------------------------ *)
(* qdrive-escape.h: a copy of c/escape.h, how a caller's string is
 * written in a message.  The binding's own messages (bad numbers,
 * unknown keys) write it as the library's do; the binding builds on
 * its own against an installed library, which does not install
 * escape.h. *)

let generate_escape_h () =
  banner CStyle;
  pr "/* A copy of c/escape.h. */\n\n";
  let ic = open_in "c/escape.h" in
  Fun.protect ~finally:(fun () -> close_in ic)
    (fun () -> pr "%s" (really_input_string ic (in_channel_length ic)))

(* ------------------------------------------------------------------ *)
(* lib/Sys/Qdrive.pm *)

(* The Perl synopsis of one call. *)
let perl_synopsis c =
  let ret = match c.ret with
    | RErr -> ""
    | RBool -> "$bool = "
    | RInt -> "$int = "
    | RInt64 -> "$int64 = "
    | RString -> "$string = "
    | RStringList -> "@strings = "
    | RStruct _ -> "$hashref = "
    | RStructList _ -> "@hashrefs = " in
  let nomit = omittable c and nargs = List.length c.args in
  let args = List.mapi (fun i a ->
      let s = match a with
        | (n, StringList) -> "\\@" ^ n
        | (n, _) -> "$" ^ n in
      if i >= nargs - nomit then "[" ^ s ^ "]" else s) c.args in
  let opts = List.map (fun o -> sprintf "[%s => $%s]" o.oname o.oname)
      c.optargs in
  let head = sprintf " %s$g->%s (" ret c.name in
  head ^ wrap_code ~width:72 ~col0:(String.length head)
    (String.concat ", " (args @ opts) ^ ");")

let optarg_type_text = function
  | Bool -> "A boolean (any Perl true or false value)."
  | Int -> "An integer."
  | Int64 -> "A 64-bit integer."
  | String | OptString | Secret -> "A string."
  | StringList -> "A reference to an array of strings."
  | Enum e -> sprintf "One of the strings below (constants C<%s_*>)."
                 (String.uppercase_ascii e.enum_name)
  | Flags f -> sprintf "A reference to an array of C<%s> names (constants \
                        C<%s_*>)." f.flags_name (String.uppercase_ascii f.flags_name)
  | Callback _ -> "A reference to a function."

let ret_text = function
  | RErr -> "Returns nothing; croaks on error."
  | RBool -> "Returns 1 or 0; croaks on error."
  | RInt | RInt64 -> "Returns an integer; croaks on error."
  | RString -> "Returns a string; croaks on error."
  | RStringList -> "Returns a list of strings; croaks on error."
  | RStruct s ->
    sprintf "Returns a reference to a hash with the keys described under \
             L</%s> below; croaks on error." (String.uppercase_ascii s)
  | RStructList s ->
    sprintf "Returns a list of references to hashes, each with the keys \
             described under L</%s> below; croaks on error."
      (String.uppercase_ascii s)

let pod_method c =
  pr "=head2 %s\n\n%s\n\n" c.name (perl_synopsis c);
  pr "%s.\n\n" (String.capitalize_ascii c.shortdesc);
  pr "%s\n\n" c.longdesc;
  List.iter (function
      | (n, Enum e) ->
        pr "C<$%s> is one of these strings (constants C<%s_*>):\n\n"
          n (String.uppercase_ascii e.enum_name);
        Pod.pr_enum_items e
      | (n, Flags f) ->
        pr "C<$%s> is a reference to an array of one or more of these \
            names (constants C<%s_*>, imported by C<:%ss>):\n\n"
          n (String.uppercase_ascii f.flags_name) f.flags_name;
        Pod.pr_flags_items f
      | (n, Callback cb) ->
        pr "C<$%s> is a reference to a function, called as \
            C<%s->(%s)>, the array as an array reference.  %s  It is \
            called in an C<eval>: if it dies, the message is given to \
            C<warn> (as C<Sys::Qdrive: an event callback died: ...>) and \
            the call goes on; C<$@> is left as it was.\n\n"
          n n (String.concat ", " (List.map (fun (p, _) -> "$" ^ p) cb.cb_params))
          cb.cb_doc
      | _ -> ()) c.args;
  List.iteri (fun i (n, _) ->
      if i >= List.length c.args - omittable c then
        pr "C<$%s> may be C<undef> (C's C<NULL>) or left out.\n\n" n)
    c.args;
  if c.optargs <> [] then begin
    pr "Optional arguments, given as C<key =E<gt> value> pairs after the \
        required ones:\n\n=over 4\n\n";
    List.iter (fun o ->
        pr "=item C<%s>\n\n%s  %s\n\n" o.oname (optarg_type_text o.otype) o.odoc;
        match o.otype with
        | Enum e -> Pod.pr_enum_items e
        | _ -> ()) c.optargs;
    pr "=back\n\n"
  end;
  (match Pod.state_doc ~subject:"This method croaks" c with
   | Some d -> pr "%s\n\n" d
   | None -> ());
  pr "%s\n\n" (ret_text c.ret);
  if has_flag c OptsSuffix then
    pr "=head2 %s_opts\n\nAn alias for L</%s>, under the name of the C \
        function that takes the optional arguments.\n\n" c.name c.name

(* The hand-written beginning of the POD (name, synopsis, conventions,
 * new and close): perl/qdrive-intro.pod. *)
let pm_intro () =
  let ic = open_in "perl/qdrive-intro.pod" in
  Fun.protect ~finally:(fun () -> close_in ic)
    (fun () -> really_input_string ic (in_channel_length ic))

let generate_pm () =
  banner HashStyle;
  pr "package Sys::Qdrive;\n\n";
  pr "use strict;\nuse warnings;\n\n";
  pr "use Exporter 'import';\nrequire XSLoader;\n\n";
  pr "our $VERSION = '%s';\n\n" (version ());
  pr "XSLoader::load ('Sys::Qdrive', $VERSION);\n\n";
  pr "# Enum values, one constant each.\n";
  let consts = List.concat_map (fun e ->
      List.map (fun (v, _) -> enum_const e v, v) e.enum_values) enums in
  let flag_consts = List.concat_map (fun f ->
      List.map (fun (v, _) ->
          String.uppercase_ascii (f.flags_name ^ "_" ^ v), v) f.flags_values)
      flag_sets in
  List.iter (fun (n, v) -> pr "sub %s () { '%s' }\n" n v) (consts @ flag_consts);
  pr "\nour @EXPORT_OK = qw(\n";
  List.iter (fun (n, _) -> pr "  %s\n" n) (consts @ flag_consts);
  pr ");\nour %%EXPORT_TAGS = (\n";
  pr "  enums => [qw(%s)],\n" (String.concat " " (List.map fst consts));
  List.iter (fun f ->
      pr "  %ss => [qw(%s)],\n" f.flags_name
        (String.concat " " (List.map (fun (v, _) ->
             String.uppercase_ascii (f.flags_name ^ "_" ^ v)) f.flags_values)))
    flag_sets;
  pr "  all => [@EXPORT_OK],\n);\n\n";
  pr "\
# What every method dies with (see ERRORS below): made by the XS code.
package Sys::Qdrive::Error;

use overload '\"\"' => sub { $_[0]->{text} }, fallback => 1;

sub message { $_[0]->{message} }
sub errno { $_[0]->{errno} }

package Sys::Qdrive;

";
  pr "1;\n\n__END__\n\n";
  pr "=encoding utf8\n\n";
  banner PODStyle;
  pr "%s" (pm_intro ());
  List.iter pod_method public_calls;
  pr "=head1 STRUCTS\n\n";
  List.iter (fun s ->
      pr "=head2 %s\n\n%s  The hash has these keys:\n\n=over 4\n\n"
        (String.uppercase_ascii s.sname) s.sdoc;
      List.iter (fun ((n, t, _) as f) ->
          let tt = match t with
            | FString | FEnum _ -> "string" | FBool -> "1 or 0"
            | FInt | FInt64 -> "integer" in
          pr "=item C<%s> (%s)\n\n%s\n\n" n tt (Pod.field_doc f)) s.sfields;
      pr "=back\n\n") Model.public_structs;
  pr "=head1 CONSTANTS\n\n";
  pr "Each constant returns its value as a string.  Import them with \
      C<use Sys::Qdrive qw(:enums)> (the enums' values), %s C<:all>, or \
      by name.\n\n"
    (String.concat ", " (List.map (fun f -> sprintf "C<:%ss> (the %s names)"
                                      f.flags_name f.flags_name) flag_sets));
  List.iter (fun e ->
      pr "=head2 %s\n\n=over 4\n\n" e.enum_name;
      List.iter (fun (v, d) ->
          pr "=item %s\n\nC<%s>%s: %s\n\n" (enum_const e v) v
            (if v = e.enum_default then " (the default)" else "") d)
        e.enum_values;
      pr "=back\n\n") enums;
  List.iter (fun f ->
      pr "=head2 %s (C<:%ss>)\n\n=over 4\n\n" f.flags_name f.flags_name;
      List.iter (fun (v, d) ->
          pr "=item %s\n\nC<%s>: %s\n\n"
            (String.uppercase_ascii (f.flags_name ^ "_" ^ v)) v d)
        f.flags_values;
      pr "=back\n\n") flag_sets;
  pr "\
=head1 SEE ALSO

L<qdrive(3)>, L<Carp>.

=head1 LICENSE

Copyright the qdrive authors.

This library is free software; you can redistribute it and/or modify it
under the terms of the GNU Lesser General Public License as published by
the Free Software Foundation; either version 2.1 of the License, or (at
your option) any later version (SPDX: LGPL-2.1-or-later).  It is
distributed WITHOUT ANY WARRANTY; see the file F<COPYING.LIB> of the
qdrive sources for the licence's text.

=cut
"

(* ------------------------------------------------------------------ *)
(* t/xlang.t: Perl's half of the cross-language test. *)

let perl_quote s =
  let b = Buffer.create (String.length s + 2) in
  Buffer.add_char b '"';
  String.iter (function
      | '"' | '\\' | '$' | '@' as c -> Buffer.add_char b '\\'; Buffer.add_char b c
      | c when Char.code c < 32 || Char.code c > 126 ->
        Buffer.add_string b (sprintf "\\x%02x" (Char.code c))
      | c -> Buffer.add_char b c) s;
  Buffer.add_char b '"';
  Buffer.contents b

let perl_value = function
  | Xtest.VString s -> perl_quote s
  | Xtest.VNull | Xtest.VOptString None -> "undef"
  | Xtest.VOptString (Some s) -> perl_quote s
  | Xtest.VList l -> "[" ^ String.concat ", " (List.map perl_quote l) ^ "]"
  | Xtest.VBool b -> if b then "1" else "0"
  | Xtest.VInt i -> string_of_int i
  | Xtest.VInt64 i ->
    (* -2**63 has no literal: 9223372036854775808 does not fit an IV. *)
    if i = Int64.min_int then "(-9223372036854775807 - 1)"
    else Int64.to_string i

let generate_xlang_t () =
  banner HashStyle;
  pr "\
# Cross-language test, Perl half: each call's result printed in the
# format of tests/xlang.expected (see generator/xtest.ml), compared
# line by line with that file.

use strict;
use warnings;
use Test::More;

use Sys::Qdrive;

# ./run of the qdrive tree sets QDRIVE_TOP_SRCDIR; a stand-alone build
# of the module (perl Makefile.PL && make test) has no expected file.
my $srcdir = $ENV{QDRIVE_TOP_SRCDIR}
  or plan skip_all => 'needs tests/xlang.expected of the qdrive tree (run make check there)';
open my $fh, '<', \"$srcdir/tests/xlang.expected\"
  or BAIL_OUT (\"tests/xlang.expected: $!\");
my @expected = <$fh>;
close $fh;
chomp @expected;

my $g = Sys::Qdrive->new ();
my @got;

sub b { $_[0] ? 'true' : 'false' }

";
  (* One formatter per struct, following the fields' order. *)
  List.iter (fun s ->
      pr "sub fmt_%s {\n  my $h = shift;\n  return '{' . join (', ',\n" s.sname;
      List.iter (fun (n, t, _) ->
          match t with
          | FBool -> pr "    '%s=' . b ($h->{%s}),\n" n n
          | _ -> pr "    '%s=' . $h->{%s},\n" n n) s.sfields;
      pr "  ) . '}';\n}\n\n") structs;
  pr "\
# \"error: MESSAGE (errno: TEXT)\", without the errno if it is 0, from
# a Sys::Qdrive::Error; the message as it reads (croak's text) without
# what croak appends.
sub error_text {
  my ($e) = @_;
  return \"unexpected die: $e\" unless ref $e && $e->isa ('Sys::Qdrive::Error');
  my $msg = \"$e\";
  $msg =~ s/ at \\S+ line \\d+\\.\\n\\z// or return \"unexpected text: $msg\";
  $msg eq $e->message or return \"message differs: $msg\";
  local $! = $e->errno;
  return $e->errno ? \"error: $msg (errno: $!)\" : \"error: $msg\";
}

# Runs the call; on success formats its result, on failure prints the
# error.
sub run {
  my ($call, $format, $code) = @_;
  my @r = eval { $code->() };
  if ($@) {
    push @got, \"$call => \" . error_text ($@);
  }
  else {
    push @got, \"$call => \" . $format->(@r);
  }
}

";
  List.iter (fun case ->
      let c = Xtest.find_call case.Xtest.call in
      let fmt = match c.ret with
        | RErr -> "sub { 'ok' }"
        | RBool -> "sub { b ($_[0]) }"
        | RInt | RInt64 | RString -> "sub { $_[0] }"
        | RStringList -> "sub { '[' . join (', ', @_) . ']' }"
        | RStruct s -> sprintf "sub { fmt_%s ($_[0]) }" s
        | RStructList s ->
          sprintf "sub { '[' . join (', ', map { fmt_%s ($_) } @_) . ']' }" s in
      let args = List.map perl_value case.Xtest.args @
                 List.map (fun (n, v) -> sprintf "%s => %s" n (perl_value v))
                   case.Xtest.opts in
      pr "run ('%s', %s,\n     sub { $g->%s (%s) });\n" c.name fmt c.name
        (String.concat ", " args)) Xtest.cases;
  pr "\
# Events (see generator/xtest.ml).  \"reenter\"'s die becomes a warning,
# which here is only counted.
my $warned = 0;
local $SIG{__WARN__} = sub {
  $_[0] =~ /^Sys::Qdrive: an event callback died: boom at / ? $warned++ : warn @_;
};

sub event_print {
  my ($event, $handle, $message, $array) = @_;
  push @got, \"event $event $handle: $message\"
    . (@$array ? ' [' . join (', ', @$array) . ']' : '');
}

sub event_reenter {
  event_print (@_);
  run ('  get_memsize', sub { $_[0] }, sub { $g->get_memsize () });
  die \"boom\";
}

";
  List.iter (function
      | Xtest.Register (f, evs) ->
        pr "run ('set_event_callback', sub { $_[0] },\n";
        pr "     sub { $g->set_event_callback (\\&event_%s, [%s]) });\n" f
          (String.concat ", " (List.map (fun v -> "'" ^ v ^ "'") evs))
      | Xtest.Call case ->
        let c = Xtest.find_call case.call in
        let fmt = match c.ret with
          | RErr -> "sub { 'ok' }"
          | RInt -> "sub { $_[0] }"
          | RString -> "sub { $_[0] }"
          | RStringList -> "sub { '[' . join (', ', @_) . ']' }"
          | _ -> invalid_arg "xlang.t: an event step's return type" in
        pr "run ('%s', %s,\n     sub { $g->%s (%s) });\n" c.name fmt c.name
          (String.concat ", " (List.map perl_value case.args))
      | Xtest.Delete h ->
        pr "run ('delete_event_callback', sub { 'ok' },\n     sub { $g->delete_event_callback (%d) });\n" h)
    Xtest.event_steps;
  pr "\
$g->close ();

is (scalar @got, scalar @expected, 'as many results as expected lines');
is ($warned, scalar (grep { /^event \\S+ 1: / } @expected),
    'each die of the \"reenter\" callback became a warning');
for my $i (0 .. $#expected) {
  is ($got[$i], $expected[$i], \"line \" . ($i + 1));
}
done_testing ();
"

(* ------------------------------------------------------------------ *)
(* t/same_as_c.pl: the Perl side of the "same as C" comparison. *)

let generate_same_as_c () =
  banner HashStyle;
  pr "\
# The calls of generator/same_as_c.ml that Perl can express, printed as
# tests/same-as-c prints them in C: t/30-same-as-c.t diffs the two.
# Errors are Sys::Qdrive::Error objects reading as C's text followed by
# what croak appends, \" at FILE line N.\" naming this file, with C's
# errno; anything else is printed as unexpected.

use strict;
use warnings;

use Sys::Qdrive;

binmode STDOUT;

# \"error: MESSAGE (errno: TEXT)\", without the errno if it is 0, from
# a Sys::Qdrive::Error whose text is the message, then croak's
# \" at FILE line N.\" naming this file.
sub error_text {
  my ($e) = @_;
  return \"unexpected die: $e\" unless ref $e && $e->isa ('Sys::Qdrive::Error');
  my $msg = \"$e\";
  $msg =~ s/ at \\Q${\\ __FILE__}\\E line \\d+\\.\\n\\z//
    or return \"unexpected text: $msg\";
  local $! = $e->errno;
  return $e->errno ? \"error: $msg (errno: $!)\" : \"error: $msg\";
}

sub step {
  my ($tag, $call, $code) = @_;
  if (eval { $code->(); 1 }) {
    print \"$tag $call => ok\\n\";
    return;
  }
  print \"$tag $call => \", error_text ($@), \"\\n\";
}

sub argv {
  my ($g, $tag) = @_;
  my @argv = eval { $g->get_qemu_command_line () };
  if ($@) {
    print \"$tag argv => \", error_text ($@), \"\\n\";
    return;
  }
  my @shown = map { $_ > 0 && $argv[$_ - 1] eq '-chardev' ? 'QMP' : $argv[$_] }
    0 .. $#argv;
  print \"$tag argv => \", join (' ', @shown), \"\\n\";
}

{
  my $g = Sys::Qdrive->new ();
  my $v = $g->version ();
  print \"version => $v->{major}.$v->{minor}.$v->{release} \",
    \"(package $Sys::Qdrive::VERSION)\\n\";
  $g->close ();
}

";
  List.iter (fun (case : Same_as_c.case) ->
      pr "{\n  my $g = Sys::Qdrive->new ();\n";
      List.iter (fun (st : Same_as_c.step) ->
          let name = if st.opts_name then st.call ^ "_opts" else st.call in
          let args = List.map perl_value st.args
                     @ List.map (fun (n, v) -> sprintf "%s => %s" n (perl_value v))
                       st.opts in
          pr "  step ('%s', '%s', sub { $g->%s (" case.tag st.call name;
          pr_wrap (fun () -> pr "%s) });" (String.concat ", " args));
          pr "\n") case.steps;
      pr "  argv ($g, '%s');\n  $g->close ();\n}\n" case.tag)
    (Same_as_c.cases_for Same_as_c.Perl)
