(* SPDX-License-Identifier: GPL-2.0-or-later *)
(* qdrive generator: the generated part of qdrive(3), in POD, and the
 * POD pieces that the Perl module's and the shell's pages share with
 * it. *)

open Printf
open Types
open Utils

(* ------------------------------------------------------------------ *)
(* Shared with perl.ml and shell.ml. *)

(* The values of an enum as a POD list, each with its documentation
 * ([doc] rewrites it, e.g. the shell's command names). *)
let pr_enum_items ?(doc = fun d -> d) e =
  pr "=over 4\n\n";
  List.iter (fun (v, d) ->
      pr "=item C<%s>%s\n\n%s\n\n" v
        (if v = e.enum_default then " (default)" else "") (doc d))
    e.enum_values;
  pr "=back\n\n"

(* The flags of a set as a POD list, each with its documentation. *)
let pr_flags_items f =
  pr "=over 4\n\n";
  List.iter (fun (v, d) -> pr "=item C<%s>\n\n%s\n\n" v d) f.flags_values;
  pr "=back\n\n"

(* "This call fails once the handle is launched.": when the call may be
 * made, in the words of each page. *)
let state_doc ?(subject = "This call fails") ?(what = "the handle") c =
  match c.state with
  | ConfigOnly -> Some (sprintf "%s once %s is launched." subject what)
  | LaunchedOnly -> Some (sprintf "%s unless %s is launched." subject what)
  | AnyState -> None

(* A struct field's documentation; an enum field's lists its values. *)
let field_doc (_, t, d) =
  match t with
  | FEnum e ->
    let d = if String.ends_with ~suffix:"." d then
        String.sub d 0 (String.length d - 1) else d in
    sprintf "%s: one of %s." d
      (String.concat ", " (List.map (fun v -> "C<" ^ v ^ ">") (enum_names e)))
  | _ -> d

(* ------------------------------------------------------------------ *)
(* qdrive(3). *)

let ret_doc = function
  | RErr -> "This function returns 0 on success or -1 on error."
  | RBool -> "This function returns a C truth value on success or -1 on error."
  | RInt -> "On error this function returns -1."
  | RInt64 -> "On error this function returns -1."
  | RString ->
    "This function returns a string, or NULL on error.  \
     I<The caller must free the returned string after use>."
  | RStringList ->
    "This function returns a NULL-terminated array of strings, or NULL \
     on error.  I<The caller must free it with \
     C<qdrive_free_string_list>>."
  | RStruct s ->
    sprintf "This function returns a C<struct qdrive_%s *>, or NULL on \
             error.  I<The caller must free it with C<qdrive_free_%s>>." s s
  | RStructList s ->
    sprintf "This function returns a C<struct qdrive_%s_list *>, or NULL \
             on error.  I<The caller must free it with \
             C<qdrive_free_%s_list>>." s s

(* A C prototype as a verbatim POD block. *)
let prototype ret fname params =
  pr " %s\n qdrive_%s (" ret fname;
  let pad = String.make (String.length fname + 9) ' ' in
  pr "%s);\n\n" (String.concat (",\n " ^ pad) params)

let optarg_doc c o =
  pr "=item C<%s>\n\n" (C.optarg_const c o);
  pr "Type C<%s>.  %s\n\n" (String.trim (C.c_type o.otype)) o.odoc;
  match o.otype with
  | Enum e ->
    pr_enum_items e;
    pr "Any other value is refused with an error that lists these.\n\n"
  | _ -> ()

(* What C's flags and callback arguments are. *)
let arg_doc = function
  | (n, Flags f) ->
    pr "C<%s> is the bitwise or of one or more of:\n\n=over 4\n\n" n;
    List.iter (fun (v, d) -> pr "=item C<%s>\n\n%s\n\n" (C.flag_const f v) d)
      f.flags_values;
    pr "=back\n\n(C<%s> is all of them.)  Any other bit, and none at all, \
        are refused.\n\n" (C.flags_all f)
  | (n, Callback cb) ->
    pr "C<%s> is a function of this type:\n\n" n;
    pr " typedef void (*qdrive_%s_callback) (qdrive_h *g, void *opaque,\n" cb.cb_name;
    pr "%s);\n\n"
      (String.concat ",\n"
         (List.map (fun d -> "              " ^ d)
            (List.concat_map C.cb_param_decls cb.cb_params)));
    pr "%s  C<opaque> is the pointer given with it.  \
        C<free_opaque>, if not NULL, is called with C<opaque> once C<%s> \
        will not be called again: when it is deleted or the handle is \
        closed, or at once if this call fails.\n\n" cb.cb_doc n
  | _ -> ()

let generate_call c =
  let ret = C.c_ret_type c.ret in
  let base = c_opts_name c in
  pr "=head2 qdrive_%s\n\n" (if c.optargs = [] then c.name else base);
  if c.optargs = [] then begin
    prototype ret c.name (C.c_params c);
    pr "%s\n\n" c.longdesc;
    List.iter arg_doc c.args
  end else begin
    if has_flag c OptsSuffix then prototype ret c.name (C.c_params c);
    prototype ret base (C.c_params ~extra:["..."] c);
    pr "%s\n\n" c.longdesc;
    pr "You may supply a list of optional arguments to this call.  Use \
        zero or more of the following pairs of parameters, and terminate \
        the list with C<-1>.\n\n";
    pr "=over 4\n\n";
    List.iter (optarg_doc c) c.optargs;
    pr "=back\n\n";
    if has_flag c OptsSuffix then
      pr "C<qdrive_%s> is C<qdrive_%s> with no optional arguments.\n\n"
        c.name base;
    pr "C<qdrive_%s_va> takes a C<va_list>, and C<qdrive_%s_argv> a \
        C<struct %s> whose C<bitmask> has one C<_BITMASK> bit set per \
        field given.\n\n" base base (C.argv_struct c)
  end;
  (match state_doc c with Some d -> pr "%s\n\n" d | None -> ());
  pr "%s\n\n" (ret_doc c.ret);
  pr "(Added in %s.)\n\n" c.added

let generate_actions_pod () =
  banner PODStyle;
  List.iter generate_call Model.sorted_public_calls

let generate_structs_pod () =
  banner PODStyle;
  List.iter (fun s ->
      pr "=head2 struct qdrive_%s\n\n%s\n\n" s.sname s.sdoc;
      pr " struct qdrive_%s {\n" s.sname;
      List.iter (fun (n, t, _) -> pr "   %s%s;\n" (C.c_field_type t) n)
        s.sfields;
      pr " };\n\n struct qdrive_%s_list {\n   size_t len;\n   struct qdrive_%s *val;\n };\n\n"
        s.sname s.sname;
      pr "=over 4\n\n";
      List.iter (fun ((n, t, _) as f) ->
          pr "=item C<%s>\n\n%s\n\n" n (field_doc f);
          if t = FStringList then
            pr "A NULL-terminated array of strings (just the NULL when \
                there are none).  The struct owns it: \
                C<qdrive_free_%s> and C<qdrive_free_%s_list> free it \
                with the struct.\n\n" s.sname s.sname)
        s.sfields;
      pr "=back\n\n") Model.public_structs
