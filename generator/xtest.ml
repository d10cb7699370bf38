(* SPDX-License-Identifier: GPL-2.0-or-later *)
(* qdrive generator: the cross-language test.
 *
 * One list of calls on the internal test calls, good and bad.  Each
 * language's emitter turns it into a program that makes the calls and
 * prints one line per call in the format below; every program's output
 * is compared with the one file tests/xlang.expected, so a binding that
 * drifts from the others fails.
 *
 * Output line: "CALL => RESULT" where RESULT is
 *   ok | true | false | 123 | the string | [a, b] |
 *   {s=..., b=true, i=1, ...} (a struct: each field in order as
 *   NAME=VALUE, a list as above, an enum's value as C spells it) |
 *   [{...}, {...}] |
 *   error: MESSAGE (errno: TEXT)
 * where TEXT is strerror's text of the errno the error carries
 * (qdrive_last_errno in C), left out if it is 0.
 *
 * Only values every binding can express are used: OCaml's types rule
 * out NULL required strings and bad enum values, which each dynamic
 * binding tests on its own against the same C error text.
 *)

open Printf
open Types
open Utils

(* A value of a test, in any language.  VNull is a NULL string where a
 * string is required: only C and Perl can spell it (same_as_c.ml). *)
type value =
  | VString of string
  | VNull
  | VOptString of string option
  | VList of string list
  | VBool of bool
  | VInt of int
  | VInt64 of int64

type case = {
  call : string;
  args : value list;                  (* one per required arg *)
  opts : (string * value) list;       (* optional args given *)
}

let echo ?(opts = []) args = { call = "internal_echo"; args; opts }

(* add_drive of a network drive: no file is needed, so every binding
 * gets the same answer (the refusals are all in test-netdrives.c; here
 * one of each kind, so that a binding that mangles a list, a secret or
 * an enum fails). *)
let net ?(servers = None) ?(opts = []) protocol filename =
  { call = "add_drive"; args = [VString filename];
    opts = ("protocol", VString protocol) ::
           (match servers with None -> [] | Some l -> ["server", VList l]) @
           opts }
let ret call v = { call; args = [VString v]; opts = [] }

let cases = [
  echo [VString "abc"; VOptString None; VList []; VBool false; VInt 0;
        VInt64 0L; VString "writeback"];
  echo [VString "a b\"c\\d"; VOptString (Some "x"); VList ["a"; "b,c"];
        VBool true; VInt 42; VInt64 (-9L); VString "unsafe"]
    ~opts:["obool", VBool true; "oint", VInt 7;
           "oint64", VInt64 1099511627776L; "ostring", VString "s,t";
           "ostringlist", VList ["x"; "y"]; "oenum", VString "besteffort"];
  echo [VString ""; VOptString (Some ""); VList [""]; VBool true;
        VInt 2147483647; VInt64 Int64.max_int; VString "writeback"]
    ~opts:["obool", VBool false; "oint", VInt 0; "oint64", VInt64 Int64.min_int];
  echo [VString "h\xc3\xa9llo"; VOptString None; VList ["\xe2\x82\xac"];
        VBool false; VInt (-2147483648); VInt64 (-1L); VString "unsafe"]
    ~opts:["ostringlist", VList []; "oenum", VString "disable"];
  echo [VString "error"; VOptString None; VList []; VBool false; VInt 0;
        VInt64 0L; VString "writeback"];
  echo [VString "x"; VOptString None; VList []; VBool false; VInt 0;
        VInt64 0L; VString "writeback"] ~opts:["oint", VInt (-1)];
  (* A file that is not there: ENOENT, where the rest give EINVAL. *)
  { call = "add_drive"; args = [VString "/nonexistent/qdrive-xlang.img"];
    opts = [] };
  net "sheepdog" "x" ~servers:(Some ["h"]);
  net "tftp" "/x" ~servers:(Some ["h"]) ~opts:["readonly", VBool true];
  net "file" "/dev/null" ~servers:(Some ["h"]);
  net "nbd" "e";
  net "nbd" "e" ~servers:(Some ["a"; "b"]);
  net "nbd" "e" ~servers:(Some ["h"]) ~opts:["username", VString "u"];
  net "gluster" "v/p" ~servers:(Some ["h"]) ~opts:["secret", VString "s3"];
  net "ssh" "/p" ~servers:(Some ["h"]) ~opts:["secret", VString "s3"];
  net "https" "/p" ~servers:(Some ["h"])
    ~opts:["readonly", VBool true; "secret", VString "s3"];
  net "iscsi" "i/0" ~servers:(Some ["h"]) ~opts:["username", VString "u"];
  net "rbd" "p/i" ~opts:["secret", VString "not base64!"];
  net "nbd" "e" ~servers:(Some ["localhost:abc"]);
  net "nbd" "e" ~servers:(Some ["h:65536"]);
  net "nbd" "e" ~servers:(Some ["fe80::1"]);
  net "nbd" "e" ~servers:(Some [":10809"]);
  net "nbd" "e" ~servers:(Some ["unix:rel.sock"]);
  net "http" "/p" ~servers:(Some ["unix:/s"]) ~opts:["readonly", VBool true];
  net "http" "p" ~servers:(Some ["h"]) ~opts:["readonly", VBool true];
  net "iscsi" "/iqn.x/0" ~servers:(Some ["h"]);
  net "iscsi" "iqn.x/lun" ~servers:(Some ["h"]);
  net "rbd" "img";
  net "gluster" "/vol/img" ~servers:(Some ["h"]);
  net "https" "/p" ~servers:(Some ["h"]);
  net "nbd" "e" ~servers:(Some ["h"])
    ~opts:["readonly", VBool true; "format", VString "raw";
           "discard", VString "enable"];
  net "nbd" "exp,1" ~servers:(Some ["unix:/run/nbd.sock"]);
  net "rbd" "pool/img" ~servers:(Some ["m1"; "[::1]:6790"])
    ~opts:["username", VString "admin";
           "secret", VString "AQAAAAAAAAAAABAA8tFrSvzb/WuQp9VY5PZkZw=="];
  ret "internal_rerr" "ok";
  ret "internal_rerr" "error";
  ret "internal_rbool" "true";
  ret "internal_rbool" "false";
  ret "internal_rbool" "maybe";
  ret "internal_rint" "42";
  ret "internal_rint" "-5";
  ret "internal_rint" "abc";
  ret "internal_rint64" "1099511627776";
  ret "internal_rint64" "-9223372036854775808";
  ret "internal_rint64" "error";
  ret "internal_rstring" "hello, world";
  ret "internal_rstring" "";
  ret "internal_rstring" "error";
  ret "internal_rstringlist" "3";
  ret "internal_rstringlist" "0";
  ret "internal_rstringlist" "error";
  ret "internal_rstruct" "7";
  (* Every string of the struct's list, in order (c/internal-test.c). *)
  ret "internal_rstruct" "4";
  ret "internal_rstruct" "error";
  ret "internal_rstructlist" "2";
  ret "internal_rstructlist" "0";
  ret "internal_rstructlist" "error";
]


(* ------------------------------------------------------------------ *)
(* Events, after the calls above.  Each language registers its own
 * functions:
 *   "print"   prints "event EVENT HANDLE: MESSAGE" (then " [A, B]" if
 *             the array is not empty) as each event comes;
 *   "reenter" prints the same, then "  get_memsize => RESULT" for a
 *             call on the same handle (refused: EDEADLK), then raises
 *             (dies) "boom", which its binding reports (on stderr) and
 *             ignores; C's only returns.
 * A registration prints "set_event_callback => HANDLE", a deletion
 * "delete_event_callback => ok" (or the error), a call as above. *)
type event_step =
  | Register of string * string list    (* function, event names *)
  | Call of case
  | Delete of int

let event_steps =
  let bool call b = Call { call; args = [VBool b]; opts = [] } in
  [ Register ("print", ["trace"]);
    bool "set_trace" true;
    Call (ret "internal_rint" "42");
    Call (ret "internal_rstring" "error");
    Register ("reenter", ["trace"; "progress"]);
    Call (ret "internal_rstringlist" "2");
    Delete 1;
    Delete 1;
    Call (ret "internal_rerr" "ok");
    bool "set_trace" false;
    Delete 0;
    Delete 5 ]

(* The flags of the events, by name, for the programs' tables. *)
let event_flags = Api.event

(* ------------------------------------------------------------------ *)
(* The C half. *)

let c_string_list l =
  sprintf "(char *const []) { %s }"
    (String.concat ", " (List.map c_quote l @ ["NULL"]))

let c_value = function
  | VString s -> c_quote s
  | VNull | VOptString None -> "NULL"
  | VOptString (Some s) -> c_quote s
  | VList l -> c_string_list l
  | VBool b -> if b then "1" else "0"
  | VInt i -> if i = -2147483648 then "INT_MIN" else string_of_int i
  | VInt64 i ->
    if i = Int64.min_int then "INT64_MIN" else sprintf "INT64_C(%Ld)" i

(* print_struct of xlang-print.h: the internal struct's fields in order,
 * each as NAME=VALUE in the format above. *)
let generate_c_struct_printer s =
  pr "static void\nprint_struct (const struct qdrive_%s *s)\n{\n" s.sname;
  List.iteri (fun k (n, t, _) ->
      let label = (if k = 0 then "{" else ", ") ^ n ^ "=" in
      match t with
      | FString | FEnum _ -> pr "  printf (\"%s%%s\", s->%s);\n" label n
      | FBool ->
        pr "  printf (\"%s%%s\", s->%s ? \"true\" : \"false\");\n" label n
      | FInt -> pr "  printf (\"%s%%d\", s->%s);\n" label n
      | FInt64 -> pr "  printf (\"%s%%\" PRIi64, s->%s);\n" label n
      | FStringList ->
        pr "  printf (\"%s\");\n  print_list (s->%s);\n" label n) s.sfields;
  pr "  printf (\"}\");\n}\n\n"

(* The xlang_print_* function of tests/xlang-c.c for a result of type
 * ret (the internal calls return only internal_struct). *)
let c_printer = function
  | RErr -> "err" | RBool -> "bool" | RInt -> "int"
  | RInt64 -> "int64" | RString -> "string"
  | RStringList -> "string_list"
  | RStruct _ -> "internal_struct"
  | RStructList _ -> "internal_struct_list"

let generate_c () =
  banner CStyle;
  pr "\
#include <config.h>

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include \"qdrive.h\"
#include \"xlang-print.h\"

int
main (void)
{
  qdrive_h *g = qdrive_create ();

  if (g == NULL) {
    perror (\"qdrive_create\");
    exit (EXIT_FAILURE);
  }
  qdrive_set_error_handler (g, NULL, NULL);

";
  List.iter (fun case ->
      let c = Api.find_call case.call in
      let args = String.concat ", " ("g" :: List.map c_value case.args) in
      pr "  {\n";
      let call_expr =
        if c.optargs = [] then sprintf "qdrive_%s (%s)" c.name args
        else begin
          pr "    struct %s o = { .bitmask = 0 };\n" (C.argv_struct c);
          List.iter (fun (n, v) ->
              let o = find_optarg c n in
              pr "    o.bitmask |= %s_BITMASK;\n" (C.optarg_const c o);
              pr "    o.%s = %s;\n" n (c_value v)) case.opts;
          sprintf "qdrive_%s_argv (%s, &o)" (c_opts_name c) args
        end in
      pr "    xlang_print_%s (g, \"%s\", %s);\n  }\n" (c_printer c.ret) c.name
        call_expr)
    cases;
  pr "\n";
  List.iter (function
      | Register (f, evs) ->
        pr "  printf (\"set_event_callback => %%d\\n\",\n";
        pr "          qdrive_set_event_callback (g, xlang_%s, NULL, NULL, %s));\n" f
          (String.concat " | " (List.map (C.flag_const event_flags) evs))
      | Call case ->
        let c = Api.find_call case.call in
        let args = String.concat ", " ("g" :: List.map c_value case.args) in
        pr "  xlang_print_%s (g, \"%s\", qdrive_%s (%s));\n" (c_printer c.ret)
          c.name c.name args
      | Delete h ->
        pr "  xlang_print_err (g, \"delete_event_callback\", qdrive_delete_event_callback (g, %d));\n" h)
    event_steps;
  pr "\n  qdrive_close (g);\n  exit (EXIT_SUCCESS);\n}\n\n";
  generate_c_struct_printer Api.internal_struct
