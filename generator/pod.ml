(* qdrive generator: the generated part of qdrive(3), in POD. *)

open Printf
open Types
open Utils
open Api

let public = List.filter (fun c -> not (is_internal c)) calls

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
  let head = sprintf " %s\n qdrive_%s (" ret fname in
  let pad = String.make (String.length fname + 9) ' ' in
  pr "%s%s);\n\n" head (String.concat (",\n " ^ pad) params)

let c_params ?(extra = []) c =
  ("qdrive_h *g" :: List.map C.c_arg_decl c.args) @ extra

let optarg_doc c o =
  pr "=item C<%s>\n\n" (C.optarg_const c o);
  pr "Type C<%s>.  %s\n\n" (String.trim (C.c_optarg_type o)) o.odoc;
  match o.otype with
  | OEnum e ->
    pr "=over 4\n\n";
    List.iter (fun (v, d) ->
        pr "=item C<%s>%s\n\n%s\n\n" v
          (if v = e.enum_default then " (default)" else "") d) e.enum_values;
    pr "=back\n\n";
    pr "Any other value is refused with an error that lists these.\n\n"
  | _ -> ()

let generate_call c =
  let ret = C.c_ret_type c.ret in
  let base = c_opts_name c in
  pr "=head2 qdrive_%s\n\n" (if c.optargs = [] then c.name else base);
  if c.optargs = [] then begin
    prototype ret c.name (c_params c);
    pr "%s\n\n" c.longdesc
  end else begin
    if has_flag c OptsSuffix then prototype ret c.name (c_params c);
    prototype ret base (c_params ~extra:["..."] c);
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
  if has_flag c ConfigOnly then
    pr "This call fails once the handle is launched.\n\n";
  if has_flag c LaunchedOnly then
    pr "This call fails unless the handle is launched.\n\n";
  pr "%s\n\n" (ret_doc c.ret);
  pr "(Added in %s.)\n\n" c.added

let generate_actions_pod () =
  banner PODStyle;
  List.iter generate_call
    (List.sort (fun a b -> compare a.name b.name) public)

let generate_structs_pod () =
  banner PODStyle;
  List.iter (fun s ->
      if not (String.starts_with ~prefix:"internal" s.sname) then begin
        pr "=head2 struct qdrive_%s\n\n%s\n\n" s.sname s.sdoc;
        pr " struct qdrive_%s {\n" s.sname;
        List.iter (fun (n, t, _) -> pr "   %s%s;\n" (C.c_field_type t) n)
          s.sfields;
        pr " };\n\n struct qdrive_%s_list {\n   size_t len;\n   struct qdrive_%s *val;\n };\n\n"
          s.sname s.sname;
        pr "=over 4\n\n";
        List.iter (fun (n, _, d) -> pr "=item C<%s>\n\n%s\n\n" n d) s.sfields;
        pr "=back\n\n"
      end) structs
