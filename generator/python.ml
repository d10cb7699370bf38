(* qdrive generator: the Python binding.
 *
 * python/qdrive-py.c        one C wrapper per call, the method table and
 *                           the struct types (the handle, the exception
 *                           and the conversions are hand-written in
 *                           python/qdrive-py-frame.c)
 * python/qdrive/__init__.py class Handle with one method per call, the
 *                           enum constants and types
 * python/qdrive/__init__.pyi  the types, enums as Literal[...]
 * python/xlang.py           the Python half of the cross-language test
 *
 * Structs are returned as named tuples (C structseq types, like
 * os.stat_result): fields by name or by index. *)

open Printf
open Types
open Utils
open Api

(* "block_info" -> "BlockInfo" *)
let class_name s =
  String.concat ""
    (List.map String.capitalize_ascii (String.split_on_char '_' s))

(* "kvm:tcg" -> "ACCEL_KVM_TCG" *)
let const_name = enum_const

(* "cachemode" -> "Cachemode", the Literal type alias. *)
let enum_type e = class_name e.enum_name

(* Python string literal (ASCII, everything else escaped). *)
let py_quote s =
  let b = Buffer.create (String.length s + 2) in
  Buffer.add_char b '"';
  String.iter (function
      | '"' -> Buffer.add_string b "\\\""
      | '\\' -> Buffer.add_string b "\\\\"
      | c when Char.code c >= 32 && Char.code c < 127 -> Buffer.add_char b c
      | c -> Buffer.add_string b (sprintf "\\x%02x" (Char.code c))) s;
  Buffer.add_char b '"';
  Buffer.contents b

(* Docstring body, for """...""". *)
let py_doc s =
  replace_all ~sub:"\"\"\"" ~by:"\\\"\\\"\\\""
    (replace_all ~sub:"\\" ~by:"\\\\" s)

(* ------------------------------------------------------------------ *)
(* qdrive-py.c *)

let struct_c s = sprintf "qdrive_py_%s" s.sname

let generate_struct_c s =
  let n = List.length s.sfields in
  pr "static PyStructSequence_Field %s_fields[] = {\n" (struct_c s);
  List.iter (fun (f, _, doc) ->
      pr "  { %s, %s },\n" (c_quote f) (c_quote (pod_to_text doc))) s.sfields;
  pr "  { NULL, NULL }\n};\n\n";
  pr "static PyStructSequence_Desc %s_desc = {\n" (struct_c s);
  pr "  %s,\n  %s,\n  %s_fields,\n  %d\n};\n\n"
    (c_quote ("qdrive." ^ class_name s.sname))
    (c_quote (pod_to_text s.sdoc)) (struct_c s) n;
  pr "static PyTypeObject *%s_type;\n\n" (struct_c s);
  pr "static PyObject *\n%s_new (const struct qdrive_%s *s)\n{\n"
    (struct_c s) s.sname;
  pr "  PyObject *o = PyStructSequence_New (%s_type), *v;\n\n" (struct_c s);
  pr "  if (o == NULL)\n    return NULL;\n";
  iteri_from 0 (fun i (f, t, _) ->
      (match t with
       | FString | FEnum _ -> pr "  v = qdrive_py_from_string (s->%s);\n" f
       | FBool -> pr "  v = PyBool_FromLong (s->%s);\n" f
       | FInt -> pr "  v = PyLong_FromLong (s->%s);\n" f
       | FInt64 -> pr "  v = PyLong_FromLongLong (s->%s);\n" f);
      pr "  if (v == NULL)\n    goto err;\n";
      pr "  PyStructSequence_SetItem (o, %d, v);\n" i) s.sfields;
  pr "  return o;\n\n err:\n  Py_DECREF (o);\n  return NULL;\n}\n\n";
  if Model.returned_as_list s then begin
    pr "static PyObject *\n%s_list_new (const struct qdrive_%s_list *l)\n{\n"
      (struct_c s) s.sname;
    pr "  PyObject *list = PyList_New (l->len);\n  size_t i;\n\n";
    pr "  if (list == NULL)\n    return NULL;\n";
    pr "  for (i = 0; i < l->len; ++i) {\n";
    pr "    PyObject *o = %s_new (&l->val[i]);\n" (struct_c s);
    pr "    if (o == NULL) {\n      Py_DECREF (list);\n      return NULL;\n    }\n";
    pr "    PyList_SET_ITEM (list, i, o);\n  }\n  return list;\n}\n\n"
  end

(* The string arguments that name a file, by their name: add_drive's
 * (and add_drive_ro's) filename and set_hv's hv.  They also take bytes
 * and os.PathLike, since a file name need not be UTF-8. *)
let file_name_args = ["filename"; "hv"]
let is_file_name (n, t) = t = String && List.mem n file_name_args

(* Required OptString arguments at the end default to None. *)
let omittable = Model.omittable_args

(* Does the converter of this argument keep a reference while the call
 * runs (in a_NAME_keep)? *)
let keeps ((_, t) as a) = t = StringList || is_file_name a

(* A set of flags from an iterable of their names (not a str). *)
let generate_flags_c f =
  let allowed = String.concat ", " (List.map fst f.flags_values) in
  pr "static int\nqdrive_py_%s_flags (PyObject *o, const char *call, const char *arg,\n" f.flags_name;
  pr "                    uint64_t *r)\n{\n";
  pr "  PyObject *it, *item;\n  const char *v;\n\n";
  pr "  *r = 0;\n";
  pr "  if (PyUnicode_Check (o) || PyBytes_Check (o))\n";
  pr "    return qdrive_py_type_error (o, call, arg, \"an iterable of %s names\");\n" f.flags_name;
  pr "  it = PyObject_GetIter (o);\n";
  pr "  if (it == NULL)\n";
  pr "    return qdrive_py_type_error (o, call, arg, \"an iterable of %s names\");\n" f.flags_name;
  pr "  while ((item = PyIter_Next (it)) != NULL) {\n";
  pr "    if (qdrive_py_string (item, call, arg, &v) == -1)\n      goto err;\n";
  C.pr_flag_of_name ~indent:"    " f "v" "*r"
    (sprintf "qdrive_py_error_format (EINVAL, \"%%s: %%s: \\\"%%s\\\" is not \
              valid; allowed: %s\",\n                        call, arg, v);\ngoto err;"
       allowed);
  pr "    Py_DECREF (item);\n  }\n";
  pr "  Py_DECREF (it);\n  return PyErr_Occurred () ? -1 : 0;\n\n";
  pr " err:\n  Py_DECREF (item);\n  Py_DECREF (it);\n  return -1;\n}\n\n";
  C.pr_flag_name_fn f (sprintf "qdrive_py_%s_flag_name" f.flags_name)

(* The C function of a callback type: it calls the Python function with
 * the C arguments as Python values (a flag as its name, an array of
 * numbers as a list), holding the GIL (qdrive_py_callback_enter). *)
let generate_callback_c cb =
  let decls = List.concat_map C.cb_param_decls cb.cb_params in
  let n = List.length cb.cb_params in
  pr "static void\n%s_callback_wrapper (" cb.cb_name;
  pr_wrap (fun () ->
      pr "%s)" (String.concat ", " (["qdrive_h *g"; "void *opaque"] @ decls)));
  pr "\n{\n  struct qdrive_py_frame frame;\n  PyObject *a = NULL;\n\n";
  pr "  qdrive_py_callback_enter (g, opaque, &frame);\n";
  pr "  a = PyTuple_New (%d);\n  if (a == NULL)\n    goto out;\n" n;
  List.iteri (fun i (pn, p) ->
      (match p with
       | CbFlag f ->
         pr "  PyTuple_SET_ITEM (a, %d, PyUnicode_FromString (qdrive_py_%s_flag_name (%s)));\n"
           i f.flags_name pn
       | CbInt -> pr "  PyTuple_SET_ITEM (a, %d, PyLong_FromLong (%s));\n" i pn
       | CbString -> pr "  PyTuple_SET_ITEM (a, %d, qdrive_py_from_string (%s));\n" i pn
       | CbInt64Array ->
         pr "  PyTuple_SET_ITEM (a, %d, qdrive_py_from_int64_array (%s, %s_len));\n" i pn pn);
      pr "  if (PyTuple_GET_ITEM (a, %d) == NULL)\n    goto out;\n" i) cb.cb_params;
  pr "\n out:\n  qdrive_py_callback_call (opaque, a);\n";
  pr "  Py_XDECREF (a);\n  qdrive_py_callback_leave (&frame);\n}\n\n"

(* The converter of one argument, required or optional, from
 * args[i] into [dst]; a string list or a file name also keeps a
 * reference in [keep] while the call runs. *)
let py_conv c i ((n, t) as a) ~dst ~keep =
  let f = match t with
    | String when is_file_name a -> "qdrive_py_filename"
    | String | Enum _ | Secret -> "qdrive_py_string"
    | OptString -> "qdrive_py_optstring"
    | StringList -> "qdrive_py_string_list"
    | Bool -> "qdrive_py_bool"
    | Int -> "qdrive_py_int"
    | Int64 -> "qdrive_py_int64"
    | Flags f -> sprintf "qdrive_py_%s_flags" f.flags_name
    | Callback _ -> invalid_arg "py_conv: a callback is converted apart" in
  let dst = if keeps a then sprintf "&%s, %s" keep dst else dst in
  sprintf "%s (args[%d], %s, \"%s\", %s)" f i (c_quote c.name) n dst

(* The C names of the optargs struct's fields are the optarg names. *)
let generate_wrapper_c c =
  let nreq = List.length c.args and nopt = List.length c.optargs in
  let has_opts = c.optargs <> [] in
  let q = c_quote c.name in
  pr "static PyObject *\nqdrive_py_%s (PyObject *mod, PyObject *const *args, \
      Py_ssize_t nargs)\n{\n" c.name;
  pr "  qdrive_py_handle *h;\n";
  pr "  PyObject *py_r = NULL;\n";
  pr "  %s;\n" (C.c_ret_decl c);
  List.iter (fun ((n, t) as a) ->
      (match t with
       | StringList -> pr "  char **a_%s = NULL;\n" n
       | Callback _ -> pr "  void *a_%s;\n" n
       | _ -> pr "  %s;\n" (C.c_decl t ("a_" ^ n)));
      if keeps a then pr "  PyObject *a_%s_keep = NULL;\n" n) c.args;
  if has_opts then begin
    pr "  struct %s optargs = { .bitmask = 0 };\n" (C.argv_struct c);
    List.iter (fun o ->
        if o.otype = StringList then
          pr "  PyObject *o_%s_keep = NULL;\n" o.oname) c.optargs
  end;
  pr "\n  if (qdrive_py_nargs (%s, nargs, %d) == -1)\n    return NULL;\n" q
    (1 + nreq + nopt);
  pr "  h = qdrive_py_handle_of (args[0], %s);\n" q;
  pr "  if (h == NULL)\n    return NULL;\n";
  iteri_from 1 (fun i ((n, t) as a) ->
      match t with
      | Callback _ -> ()
      | _ ->
        pr "  if (%s == -1)\n    goto out;\n"
          (py_conv c i a ~dst:("&a_" ^ n) ~keep:("a_" ^ n ^ "_keep"))) c.args;
  iteri_from (1 + nreq) (fun i o ->
      let n = o.oname in
      let dst = if o.otype = StringList then "(char ***) &optargs." ^ n
        else "&optargs." ^ n in
      pr "  if (args[%d] != Py_None) {\n" i;
      pr "    if (%s == -1)\n      goto out;\n"
        (py_conv c i (optarg_param o) ~dst ~keep:("o_" ^ n ^ "_keep"));
      pr "    optargs.bitmask |= %s_BITMASK;\n  }\n" (C.optarg_const c o))
    c.optargs;
  (* A callback is taken last, right before the call (which owns it
   * from then on, even if it fails): nothing can fail in between. *)
  iteri_from 1 (fun i (n, t) ->
      match t with
      | Callback _ ->
        pr "  a_%s = qdrive_py_callback_new (h, args[%d], %s, \"%s\");\n" n i q n;
        pr "  if (a_%s == NULL)\n    goto out;\n" n
      | _ -> ()) c.args;
  let carg = function
    | (n, Callback cb) ->
      [cb.cb_name ^ "_callback_wrapper"; "a_" ^ n; "qdrive_py_callback_free"]
    | (n, _) -> ["a_" ^ n] in
  let call_args =
    String.concat ", "
      (("h->g" :: List.concat_map carg c.args) @
       (if has_opts then ["&optargs"] else [])) in
  let fn = if has_opts then c_opts_name c ^ "_argv" else c.name in
  pr "\n";
  (* QDRIVE_PY_CALL releases the GIL for a blocking call, or when the
   * call would wait for the handle's lock (qdrive-py.h): another
   * thread is in a call on the handle, or in one of its event
   * callbacks, which count as busy. *)
  pr "  QDRIVE_PY_CALL (h, %d, r = qdrive_%s (%s));\n"
    (if is_blocking c then 1 else 0) fn call_args;
  pr "  if (r == %s) {\n    qdrive_py_raise (h->g);\n    goto out;\n  }\n"
    (C.c_err_value c.ret);
  (match c.ret with
   | RErr -> pr "  py_r = Py_NewRef (Py_None);\n"
   | RBool -> pr "  py_r = PyBool_FromLong (r);\n"
   | RInt -> pr "  py_r = PyLong_FromLong (r);\n"
   | RInt64 -> pr "  py_r = PyLong_FromLongLong (r);\n"
   | RString -> pr "  py_r = qdrive_py_from_string (r);\n  free (r);\n"
   | RStringList ->
     pr "  py_r = qdrive_py_from_string_list (r);\n";
     pr "  qdrive_free_string_list (r);\n"
   | RStruct s ->
     pr "  py_r = qdrive_py_%s_new (r);\n  qdrive_free_%s (r);\n" s s
   | RStructList s ->
     pr "  py_r = qdrive_py_%s_list_new (r);\n  qdrive_free_%s_list (r);\n" s s);
  pr "\n out:\n";
  List.iter (function
      | (n, StringList) -> pr "  qdrive_py_free_string_list (a_%s_keep, a_%s);\n" n n
      | a when keeps a -> pr "  Py_XDECREF (a_%s_keep);\n" (arg_name a)
      | _ -> ()) c.args;
  List.iter (fun o ->
      if o.otype = StringList then
        pr "  qdrive_py_free_string_list (o_%s_keep, (char **) optargs.%s);\n"
          o.oname o.oname) c.optargs;
  pr "  return py_r;\n}\n\n"

let generate_c () =
  banner CStyle;
  pr "\
/* The calls of the qdrive Python binding.  Each wrapper is called by
 * the generated Python layer (qdrive/__init__.py) as
 * wrapper(handle, arg..., optarg...), with None for an optarg not given.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include \"qdrive-py.h\"

";
  List.iter generate_struct_c structs;
  List.iter generate_flags_c flag_sets;
  List.iter generate_callback_c callbacks;
  List.iter generate_wrapper_c calls;
  pr "PyMethodDef qdrive_py_methods[] = {\n";
  List.iter (fun c ->
      pr "  { %s, (PyCFunction) (void (*) (void)) qdrive_py_%s, METH_FASTCALL, NULL },\n"
        (c_quote c.name) c.name) calls;
  pr "  { NULL, NULL, 0, NULL }\n};\n\n";
  pr "int\nqdrive_py_init_structs (PyObject *module)\n{\n";
  List.iter (fun s ->
      pr "  %s_type = PyStructSequence_NewType (&%s_desc);\n" (struct_c s)
        (struct_c s);
      pr "  if (%s_type == NULL ||\n" (struct_c s);
      pr "      PyModule_AddObjectRef (module, %s, (PyObject *) %s_type) == -1)\n"
        (c_quote (class_name s.sname)) (struct_c s);
      pr "    return -1;\n") structs;
  pr "  return 0;\n}\n"

(* ------------------------------------------------------------------ *)
(* Documentation shared by __init__.py and __init__.pyi. *)

(* "event" -> "Event", the Literal type of a flag's name;
 * "EVENT_TRACE" its constant; "EventCallback" a callback's type. *)
let flags_type f = class_name f.flags_name
let flag_const f v = String.uppercase_ascii (f.flags_name ^ "_" ^ v)
let callback_type cb = class_name cb.cb_name ^ "Callback"

let cb_param_py_type = function
  | CbFlag f -> flags_type f
  | CbInt -> "int"
  | CbString -> "str"
  | CbInt64Array -> "list[int]"

let py_type = function
  | String | Secret -> "str" | OptString -> "str | None"
  | StringList -> "list[str] | tuple[str, ...]"
  | Bool -> "bool" | Int | Int64 -> "int"
  | Enum e -> enum_type e
  | Flags f -> sprintf "Iterable[%s]" (flags_type f)
  | Callback cb -> callback_type cb

let py_ret_type = function
  | RErr -> "None" | RBool -> "bool" | RInt | RInt64 -> "int"
  | RString -> "str" | RStringList -> "list[str]"
  | RStruct s -> class_name s | RStructList s -> sprintf "list[%s]" (class_name s)

(* One line per value, continuation lines indented further. *)
let enum_doc indent e =
  String.concat "\n"
    (List.map (fun (v, d) ->
         let text = sprintf "%s%s: %s" (py_quote v)
             (if v = e.enum_default then " (default)" else "") (pod_to_text d) in
         wrap ~indent ~hang:(indent ^ "    ") ~width:68 text)
        e.enum_values)

let call_doc c =
  let b = Buffer.create 1024 in
  let add = Buffer.add_string b in
  if Model.is_internal c then
    add "Internal: for qdrive's own tests, not part of the API.\n\n";
  add (String.capitalize_ascii c.shortdesc ^ ".\n\n");
  add (pod_to_wrapped_text ~indent:"" ~width:68 c.longdesc);
  let nargs = List.length c.args in
  List.iteri (fun i a ->
      match a with
      | (n, Enum e) ->
        add (sprintf "\n\n%s is one of:\n%s" n (enum_doc "    " e))
      | (n, OptString) when i >= nargs - omittable c ->
        add (sprintf "\n\n%s may be None (C's NULL) or left out." n)
      | (n, _) when is_file_name a ->
        add (sprintf "\n\n%s is a str, bytes or os.PathLike: a file name \
                      need not be UTF-8 (a str is encoded as UTF-8, its \
                      surrogate escapes giving back their bytes)." n)
      | (n, Flags f) ->
        add (sprintf "\n\n%s is an iterable (a list, a set...) of one or \
                      more of these names (constants %s_*):\n%s" n
               (String.uppercase_ascii f.flags_name)
               (String.concat "\n"
                  (List.map (fun (v, d) ->
                       wrap ~indent:"    " ~hang:"        " ~width:68
                         (sprintf "%s: %s" (py_quote v) (pod_to_text d)))
                      f.flags_values)))
      | (n, Callback cb) ->
        add (sprintf "\n\n%s is a function called as %s(%s).  %s  It \
                      runs holding the GIL; an exception it raises goes \
                      to sys.unraisablehook (printed on stderr by \
                      default) and the call goes on." n n
               (String.concat ", " (List.map fst cb.cb_params))
               (pod_to_text (String.concat " " (List.map (function
                    | Text p -> p | Verbatim p -> p)
                    (pod_paragraphs cb.cb_doc)))))
      | _ -> ()) c.args;
  if c.optargs <> [] then begin
    add "\n\nOptional arguments (keyword-only; None means not given):";
    List.iter (fun o ->
        add (sprintf "\n\n%s (%s):\n%s" o.oname (py_type o.otype)
               (wrap ~indent:"    " ~width:68 (pod_to_text o.odoc)));
        match o.otype with
        | Enum e -> add ("\n" ^ enum_doc "    " e)
        | _ -> ()) c.optargs
  end;
  add (sprintf "\n\nReturns: %s.  Raises qdrive.Error on error." (py_ret_type c.ret));
  Buffer.contents b

(* Indent every non-empty line. *)
let indent_lines ind s =
  String.concat "\n"
    (List.map (fun l -> if l = "" then l else ind ^ l)
       (String.split_on_char '\n' s))

(* ------------------------------------------------------------------ *)
(* qdrive/__init__.py *)

let struct_names = List.map (fun s -> class_name s.sname) structs

(* "HEAD(a, b, ...)" wrapped at 79 columns, continuation lines aligned
 * after the parenthesis. *)
let pr_py_call ?(width = 79) head args =
  pr "%s(" head;
  pr_wrap ~width (fun () -> pr "%s)" (String.concat ", " args))

let generate_init_py () =
  banner HashStyle;
  pr "\
\"\"\"qdrive: describe the disks of a qemu virtual machine and launch it.

    import qdrive

    with qdrive.Handle() as g:
        g.add_drive(\"disk.img\", format=\"raw\", cachemode=\"unsafe\")
        print(g.get_qemu_command_line())

Every call of the library is a method of Handle.  Optional arguments
are keyword-only and default to None (not given).  Enum values are
strings, also available as constants (CACHEMODE_UNSAFE == \"unsafe\").
Errors raise qdrive.Error, a RuntimeError carrying the library's
message and .errno; arguments of the wrong type raise TypeError.
Structs are returned as named tuples (like os.stat_result), with
fields by name or by index: %s.
See qdrive(3) for the library itself.
\"\"\"

from collections.abc import Callable
from typing import Literal

from . import _qdrive
from ._qdrive import Error, %s

__version__ = %s

" (String.concat ", " struct_names) (String.concat ", " struct_names)
    (py_quote (Checks.configure_ac_version ()));
  pr "# Enum values.\n";
  List.iter (fun e ->
      List.iter (fun (v, _) -> pr "%s = %s\n" (const_name e v) (py_quote v))
        e.enum_values;
      pr "%s = Literal[%s]\n\n" (enum_type e)
        (String.concat ", " (List.map py_quote (enum_names e)))) enums;
  pr "# Flags (a set is an iterable of their names), and callbacks.\n";
  List.iter (fun f ->
      List.iter (fun (v, _) -> pr "%s = %s\n" (flag_const f v) (py_quote v))
        f.flags_values;
      pr "%s = Literal[%s]\n\n" (flags_type f)
        (String.concat ", " (List.map (fun (v, _) -> py_quote v) f.flags_values)))
    flag_sets;
  List.iter (fun cb ->
      pr "%s = Callable[[%s], object]\n\n" (callback_type cb)
        (String.concat ", " (List.map (fun (_, p) -> cb_param_py_type p) cb.cb_params)))
    callbacks;
  let all =
    ["Error"; "Handle"] @ struct_names @ List.map enum_type enums @
    List.concat_map (fun e -> List.map (fun (v, _) -> const_name e v)
                        e.enum_values) enums @
    List.map flags_type flag_sets @
    List.concat_map (fun f -> List.map (fun (v, _) -> flag_const f v)
                        f.flags_values) flag_sets @
    List.map callback_type callbacks in
  pr "__all__ = [\n%s\n]\n\n"
    (String.concat "\n" (List.map (fun s -> sprintf "    %s," (py_quote s)) all));
  pr "# The C wrappers, bound once as module globals for speed.\n";
  List.iter (fun c -> pr "_c_%s = _qdrive.%s\n" c.name c.name) calls;
  pr "\n\n\
class Handle(_qdrive.HandleBase):
    \"\"\"A qdrive handle: the drives and settings of one virtual machine.

    Use it as a context manager, or call close() when done; close() is
    idempotent, and any other call on a closed handle raises
    qdrive.Error.
    \"\"\"

    __slots__ = ()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        self.close()
";
  List.iter (fun c ->
      let nargs = List.length c.args in
      let req = List.mapi (fun i a ->
          if i >= nargs - omittable c then arg_name a ^ "=None"
          else arg_name a) c.args in
      let opts = List.map (fun o -> o.oname) c.optargs in
      let params =
        ("self" :: req) @
        (if opts = [] then [] else "*" :: List.map (fun o -> o ^ "=None") opts) in
      pr "\n";
      pr_py_call ~width:78 ("    def " ^ c.name) params;
      pr ":\n";
      pr "        \"\"\"%s\n        \"\"\"\n"
        (String.trim (indent_lines "        " (py_doc (call_doc c))));
      pr_py_call ("        return _c_" ^ c.name)
        ("self" :: List.map arg_name c.args @ opts);
      pr "\n";
      if has_flag c OptsSuffix then
        pr "\n    %s_opts = %s\n" c.name c.name) calls

(* ------------------------------------------------------------------ *)
(* qdrive/__init__.pyi *)

(* An enum field is a str, typed as the enum's Literal. *)
let py_type_of_field = function
  | FEnum e -> enum_type e
  | FString -> "str" | FBool -> "bool" | FInt | FInt64 -> "int"

let generate_pyi () =
  banner HashStyle;
  pr "from collections.abc import Callable, Iterable\n";
  pr "import os\n";
  pr "from types import TracebackType\n";
  pr "from typing import Final, Literal, final\n\n";
  pr "# What a file name argument takes (a str, bytes or os.PathLike).\n";
  pr "_FileName = str | bytes | os.PathLike[str] | os.PathLike[bytes]\n\n";
  List.iter (fun e ->
      pr "%s = Literal[%s]\n" (enum_type e)
        (String.concat ", " (List.map py_quote (enum_names e)));
      List.iter (fun (v, _) -> pr "%s: Final = %s\n" (const_name e v) (py_quote v))
        e.enum_values;
      pr "\n") enums;
  List.iter (fun f ->
      pr "%s = Literal[%s]\n" (flags_type f)
        (String.concat ", " (List.map (fun (v, _) -> py_quote v) f.flags_values));
      List.iter (fun (v, _) -> pr "%s: Final = %s\n" (flag_const f v) (py_quote v))
        f.flags_values;
      pr "\n") flag_sets;
  List.iter (fun cb ->
      pr "%s = Callable[[%s], object]\n\n" (callback_type cb)
        (String.concat ", " (List.map (fun (_, p) -> cb_param_py_type p) cb.cb_params)))
    callbacks;
  pr "__version__: str\n__all__: list[str]\n\n";
  pr "class Error(RuntimeError):\n    errno: int\n\n";
  List.iter (fun s ->
      pr "@final\nclass %s(tuple[%s]):\n" (class_name s.sname)
        (String.concat ", " (List.map (fun (_, t, _) -> py_type_of_field t)
                               s.sfields));
      pr "    \"\"\"%s\"\"\"\n" (py_doc (pod_to_text s.sdoc));
      pr "    n_fields: int\n";
      (* A field named like a tuple method (index, count) hides it. *)
      List.iter (fun (f, t, _) ->
          pr "    @property\n    def %s(self) -> %s: ...%s\n" f (py_type_of_field t)
            (if List.mem f ["index"; "count"] then "  # type: ignore[override]"
             else "")) s.sfields;
      pr "\n") structs;
  pr "\
class Handle:
    def __init__(self) -> None: ...
    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...
    def __enter__(self) -> Handle: ...
    def __exit__(self, exc_type: type[BaseException] | None,
                 exc_value: BaseException | None,
                 traceback: TracebackType | None) -> None: ...
";
  List.iter (fun c ->
      let nargs = List.length c.args in
      let req = List.mapi (fun i ((n, t) as a) ->
          if is_file_name a then sprintf "%s: _FileName" n
          else if i >= nargs - omittable c then sprintf "%s: %s = None" n (py_type t)
          else sprintf "%s: %s" n (py_type t)) c.args in
      let opts =
        List.map (fun o -> sprintf "%s: %s | None = None" o.oname
                     (py_type o.otype)) c.optargs in
      let params = ("self" :: req) @ (if opts = [] then [] else "*" :: opts) in
      List.iter (fun name ->
          pr "    def %s(" name;
          pr_wrap (fun () ->
              pr "%s) -> %s: ..." (String.concat ", " params) (py_ret_type c.ret));
          pr "\n")
        (if has_flag c OptsSuffix then [c.name; c.name ^ "_opts"] else [c.name]))
    calls

(* ------------------------------------------------------------------ *)
(* xlang.py: the Python half of the cross-language test. *)

let py_value = function
  | Xtest.VString s -> sprintf "_s(b%s)" (py_quote s)
  | Xtest.VNull | Xtest.VOptString None -> "None"
  | Xtest.VOptString (Some s) -> sprintf "_s(b%s)" (py_quote s)
  | Xtest.VList l ->
    sprintf "[%s]" (String.concat ", " (List.map (fun s -> sprintf "_s(b%s)" (py_quote s)) l))
  | Xtest.VBool b -> if b then "True" else "False"
  | Xtest.VInt i -> string_of_int i
  | Xtest.VInt64 i -> Int64.to_string i

let generate_xlang () =
  banner HashStyle;
  pr "\
# The Python half of the cross-language test: the calls of
# generator/xtest.ml, each printed as \"CALL => RESULT\"; the output must
# equal tests/xlang.expected.

import os
import sys

import qdrive


def _s(b):
    return b.decode(\"utf-8\")


def _fmt(v):
    if v is None:
        return \"ok\"
    if isinstance(v, bool):
        return \"true\" if v else \"false\"
    if isinstance(v, list):
        return \"[\" + \", \".join(_fmt(x) for x in v) + \"]\"
    if isinstance(v, qdrive.InternalStruct):
        return \"{\" + \", \".join(\"%%s=%%s\" %% (f, _fmt(getattr(v, f)))
                               for f in v.__match_args__) + \"}\"
    return str(v)


def _out(line):
    sys.stdout.buffer.write((line + \"\\n\").encode(\"utf-8\", \"surrogateescape\"))


def _error(e):
    \"\"\"The error as \"error: MESSAGE (errno: TEXT)\"; no errno if 0.\"\"\"
    if e.errno:
        return \"error: %%s (errno: %%s)\" %% (e, os.strerror(e.errno))
    return \"error: %%s\" %% e


def _run(call, f):
    try:
        r = _fmt(f())
    except qdrive.Error as e:
        r = _error(e)
    _out(call + \" => \" + r)


with qdrive.Handle() as g:
";
  List.iter (fun (case : Xtest.case) ->
      let args = List.map py_value case.args in
      let opts = List.map (fun (n, v) -> sprintf "%s=%s" n (py_value v)) case.opts in
      pr "    _run(%s, lambda: g.%s(%s))\n" (py_quote case.call) case.call
        (String.concat ", " (args @ opts))) Xtest.cases;
  pr "\
    # Events (see generator/xtest.ml).  \"reenter\"'s exception goes to
    # sys.unraisablehook, which here only counts it.
    raised = []
    sys.unraisablehook = raised.append

    def _event_print(event, handle, message, array):
        tail = \" [\" + \", \".join(map(str, array)) + \"]\" if array else \"\"
        _out(\"event %%s %%d: %%s%%s\" %% (event, handle, message, tail))

    def _event_reenter(event, handle, message, array):
        _event_print(event, handle, message, array)
        _run(\"  get_memsize\", g.get_memsize)
        raise RuntimeError(\"boom\")

";
  List.iter (function
      | Xtest.Register (f, evs) ->
        pr "    _run(\"set_event_callback\",\n         lambda: g.set_event_callback(_event_%s, [%s]))\n"
          f (String.concat ", " (List.map py_quote evs))
      | Xtest.Call case ->
        pr "    _run(%s, lambda: g.%s(%s))\n" (py_quote case.call) case.call
          (String.concat ", " (List.map py_value case.args))
      | Xtest.Delete h ->
        pr "    _run(\"delete_event_callback\", lambda: g.delete_event_callback(%d))\n" h)
    Xtest.event_steps;
  pr "sys.stdout.flush()\n"

(* ------------------------------------------------------------------ *)
(* t/same_as_c.py: the Python side of the "same as C" comparison. *)

let generate_same_as_c () =
  banner HashStyle;
  pr "\
# The calls of generator/same_as_c.ml that Python can express, printed
# as tests/same-as-c prints them in C: t/same-as-c.sh diffs the two.

import os
import sys

import qdrive


def _s(b):
    return b.decode(\"utf-8\")


def _out(line):
    sys.stdout.buffer.write((line + \"\\n\").encode(\"utf-8\", \"surrogateescape\"))


def _error(e):
    \"\"\"The error as \"error: MESSAGE (errno: TEXT)\"; no errno if 0.\"\"\"
    if e.errno:
        return \"error: %%s (errno: %%s)\" %% (e, os.strerror(e.errno))
    return \"error: %%s\" %% e


def _step(tag, call, f):
    try:
        f()
        _out(tag + \" \" + call + \" => ok\")
    except qdrive.Error as e:
        _out(tag + \" \" + call + \" => \" + _error(e))


def _argv(g, tag):
    try:
        argv = g.get_qemu_command_line()
    except qdrive.Error as e:
        _out(tag + \" argv => \" + _error(e))
        return
    shown = [\"QMP\" if i > 0 and argv[i - 1] == \"-chardev\" else a
             for i, a in enumerate(argv)]
    _out(tag + \" argv => \" + \" \".join(shown))


with qdrive.Handle() as g:
    v = g.version()
    _out(\"version => %%d.%%d.%%d (package %%s)\"
         %% (v.major, v.minor, v.release, qdrive.__version__))
";
  List.iter (fun (case : Same_as_c.case) ->
      pr "\nwith qdrive.Handle() as g:\n";
      List.iter (fun (st : Same_as_c.step) ->
          let name = if st.opts_name then st.call ^ "_opts" else st.call in
          let args = List.map py_value st.args
                     @ List.map (fun (n, v) -> sprintf "%s=%s" n (py_value v)) st.opts in
          pr "    _step(%s, %s,\n          lambda: " (py_quote case.tag) (py_quote st.call);
          pr_py_call ("g." ^ name) args;
          pr ")\n") case.steps;
      pr "    _argv(g, %s)\n" (py_quote case.tag))
    (Same_as_c.cases_for Same_as_c.Python);
  pr "sys.stdout.flush()\n"
