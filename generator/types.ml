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

(* A required argument: its name and type, e.g. ("filename", String). *)
type arg = string * vtype

(* An optional argument. *)
type optarg = {
  oname : string;
  otype : vtype;
  odoc : string;                      (* POD *)
}

(* Fields of structs returned by calls.  An FEnum field holds one value
 * of its enum; C and the bindings see it as a string. *)
type field_type = FString | FBool | FInt | FInt64 | FEnum of enum

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
