(* qdrive generator: the model of the API.
 *
 * Everything the generator emits is derived from values of these types,
 * written down once in api.ml.
 *)

(* A closed set of string values.  Each value carries the one line of
 * documentation that appears in the man page, the docstrings and the
 * shell's help; the default is what the library uses when the optional
 * argument is not given. *)
type enum = {
  enum_name : string;                   (* e.g. "cachemode" *)
  enum_values : (string * string) list; (* value, doc line *)
  enum_default : string;
}

(* Required arguments. *)
type arg =
  | String of string                  (* a string, never NULL *)
  | OptString of string               (* a string or NULL / None *)
  | StringList of string              (* a list of strings *)
  | Bool of string
  | Int of string                     (* C int *)
  | Int64 of string
  | Enum of string * enum             (* one value of an enum *)

(* Optional arguments. *)
type optarg_type =
  | OBool
  | OInt
  | OInt64
  | OString
  | OStringList
  | OEnum of enum

type optarg = {
  oname : string;
  otype : optarg_type;
  odoc : string;                      (* POD *)
}

(* Fields of structs returned by calls. *)
type field_type = FString | FBool | FInt | FInt64

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

type flag =
  | ConfigOnly        (* fails once the handle is launched *)
  | LaunchedOnly      (* fails until the handle is launched *)
  | Blocking          (* may block: bindings release their runtime lock *)
  | Internal          (* for the project's own tests, not documented *)
  | OptsSuffix        (* C: NAME takes no optargs, NAME_opts takes them *)
  | Alias of string   (* shell alias (e.g. "add" for add-drive) *)

type call = {
  name : string;
  ret : ret;
  args : arg list;
  optargs : optarg list;
  flags : flag list;
  added : string;                     (* version it was added in *)
  shortdesc : string;                 (* one line, no full stop *)
  longdesc : string;                  (* POD *)
}
