(* SPDX-License-Identifier: GPL-2.0-or-later *)
(* qdrive generator: the model of the API.
 *
 * Everything the generator emits is derived from values of these types,
 * written down once in api.ml and checked by checks.ml before anything
 * is emitted.
 *)

(* A closed set of string values.  Each value carries the one line of
 * documentation that appears in the man page, the docstrings and the
 * shell's help; the default is what the library uses when the optional
 * argument is not given.  Every emitter names a value's constant through
 * Utils.enum_ident, the one mapping from value to identifier. *)
type enum = {
  enum_name : string;                   (* e.g. "cachemode" *)
  enum_values : (string * string) list; (* value, doc line *)
  enum_default : string;
}

(* A set of named flags, such as the events a callback is for.  C
 * sees a uint64_t with bit i for the i-th flag (QDRIVE_NAME_FLAG), the
 * bindings a list of the flags' names (OCaml: polymorphic variants). *)
type flags = {
  flags_name : string;                  (* e.g. "event" *)
  flags_values : (string * string) list; (* name, doc line; at most 64 *)
}

(* What a callback is given besides the handle and its opaque pointer. *)
type cb_param =
  | CbFlag of flags                     (* one flag of the set: the one
                                         * that happened (C: its bit) *)
  | CbInt
  | CbString                            (* never NULL *)
  | CbInt64Array                        (* C: const int64_t *NAME and
                                         * size_t NAME_len *)

(* A function the library calls back.  C: the type qdrive_NAME_callback
 * of a function taking (qdrive_h *g, void *opaque, PARAMS...); an
 * argument of this type is, in C, that function, its opaque pointer
 * and a function freeing the opaque pointer once the library no longer
 * needs it (each may be NULL but the first).  The bindings take a
 * function of their language. *)
type callback = {
  cb_name : string;                     (* e.g. "event" *)
  cb_params : (string * cb_param) list;
  cb_doc : string;                      (* POD: what the function is
                                         * given, and when *)
}

(* The type of an argument, required or optional: one type, so that
 * each emitter has one function per kind of value. *)
type vtype =
  | Bool
  | Int                               (* C int *)
  | Int64
  | String                            (* never NULL *)
  | OptString                         (* a string or NULL / None: required
                                       * arguments only *)
  | StringList
  | Enum of enum                      (* one value of the enum *)
  | Secret                            (* a string never shown anywhere: the
                                       * trace prints <hidden>; optional
                                       * arguments only *)
  | Flags of flags                    (* a set of flags *)
  | Callback of callback              (* a function of the caller's:
                                       * required arguments only, at most
                                       * one per call *)

(* A required argument: its name and type, e.g. ("filename", String). *)
type arg = string * vtype

(* An optional argument. *)
type optarg = {
  oname : string;
  otype : vtype;
  odoc : string;                      (* POD *)
}

(* Fields of structs returned by calls.  An FEnum field holds one value
 * of its enum; C and the bindings see it as a string.  An FStringList
 * field is C's NULL-terminated char ** (owned and freed by the struct),
 * each binding's list of strings. *)
type field_type = FString | FBool | FInt | FInt64 | FEnum of enum | FStringList

type struct_decl = {
  sname : string;                     (* C: struct qdrive_SNAME *)
  sdoc : string;
  sfields : (string * field_type * string) list; (* name, type, doc *)
}

type ret =
  | RErr                              (* 0 on success, error otherwise *)
  | RBool
  | RInt
  | RInt64
  | RString                           (* caller frees *)
  | RStringList                       (* caller frees *)
  | RStruct of string                 (* struct name *)
  | RStructList of string

(* When a call may be made, checked by the generated wrapper. *)
type state =
  | AnyState
  | ConfigOnly        (* fails once the handle is launched *)
  | LaunchedOnly      (* fails until the handle is launched *)

type flag =
  | Blocking          (* may block: bindings release their runtime lock *)
  | OptsSuffix        (* C: NAME takes no optargs, NAME_opts takes them *)
  | Alias of string   (* shell alias (e.g. "add" for add-drive) *)
  | NotInShell        (* no shell command (one that takes a callback has
                       * none anyway: the shell cannot give a function) *)

type call = {
  name : string;
  ret : ret;
  args : arg list;
  optargs : optarg list;
  state : state;
  flags : flag list;
  added : string;                     (* version it was added in *)
  shortdesc : string;                 (* one line, no full stop *)
  longdesc : string;                  (* POD *)
}
