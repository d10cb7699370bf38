(* SPDX-License-Identifier: GPL-2.0-or-later *)
(* qdrive generator: tests of checks.ml.  The API description passes
 * every check; each rule, broken on purpose in a copy of it, is
 * reported with a message naming what is wrong. *)

open Types

let failures = ref 0

let api =
  { (Checks.api_model ()) with Checks.package_version = "0.1.0" }

let contains ~sub s =
  let n = String.length sub in
  let rec at i = i + n <= String.length s && (String.sub s i n = sub || at (i + 1)) in
  at 0

(* [m] must give a problem containing [want]. *)
let expect what m want =
  let problems = Checks.problems m in
  if not (List.exists (contains ~sub:want) problems) then begin
    Printf.printf "FAIL %s: no problem mentions %S; got:\n" what want;
    List.iter (Printf.printf "  %s\n") problems;
    incr failures
  end
  else Printf.printf "ok %s\n" what

let enum ?(default = "a") values =
  { enum_name = "e"; enum_values = List.map (fun v -> v, "doc") values;
    enum_default = default }

(* The model with one more call; with one more enum, and a call taking
 * it; with [c] in place of the call of the same name. *)
let with_new_call c = { api with Checks.calls = api.calls @ [c] }
let with_enum e =
  let c = { (List.hd api.calls) with
            name = "take_e"; args = ["v", Enum e]; optargs = [];
            flags = [] } in
  { (with_new_call c) with Checks.enums = api.enums @ [e] }

let add_drive = List.find (fun c -> c.name = "add_drive") api.calls
let with_call c =
  { api with Checks.calls =
               List.map (fun c' -> if c'.name = c.name then c else c') api.calls }

let () =
  (match Checks.problems api with
   | [] -> print_endline "ok api.ml passes"
   | ps ->
     print_endline "FAIL api.ml has problems:";
     List.iter (Printf.printf "  %s\n") ps; incr failures);

  expect "enum default not a value" (with_enum (enum ~default:"z" ["a"; "b"]))
    "the default \"z\" is not one of its values (a, b)";
  expect "enum value with a dash maps to one identifier"
    (with_enum (enum ["a-b"; "a_b"])) "two values give the identifier \"a_b\"";
  expect "enum value not an identifier" (with_enum (enum ["a"; "9x"]))
    "value \"9x\": not allowed";
  expect "enum value with a quote" (with_enum (enum ["a"; "b'c"]))
    "value \"b'c\": not allowed";
  expect "enum value taking a macro's name" (with_enum (enum ["a"; "count"]))
    "its constant QDRIVE_INT_E_COUNT is taken";
  expect "enum not listed in Api.enums"
    (with_new_call { add_drive with name = "take_e"; flags = [];
                                    args = ["v", Enum (enum ["a"])]; optargs = [] })
    "enum e is not listed in Api.enums";

  let optarg i = { oname = Printf.sprintf "o%d" i; otype = Bool; odoc = "doc" } in
  let cb = List.hd api.Checks.callbacks in
  let flags = List.hd api.Checks.flag_sets in
  (* add_drive, broken one way: what is wrong, the call, the problem. *)
  List.iter (fun (what, c, want) -> expect what (with_call c) want) [
    "65 optional arguments", { add_drive with optargs = List.init 65 optarg },
    "65 optional arguments; the bitmask (uint64_t) holds 64";
    "unknown version", { add_drive with added = "0.9.0" },
    "added in \"0.9.0\", which is not in Api.versions";
    "OptString optional argument",
    { add_drive with optargs = [{ oname = "x"; otype = OptString; odoc = "d" }] },
    "OptString is for required arguments";
    "argument named like a keyword", { add_drive with args = ["lambda", String] },
    "argument \"lambda\": the name is reserved";
    "argument given twice", { add_drive with args = ["format", String] },
    "argument \"format\" given twice";
    "alias taken", { add_drive with flags = [Alias "get-hv"] },
    "shell command or alias \"get-hv\" defined twice";
    "shortdesc with a full stop", { add_drive with shortdesc = "add a drive." },
    "shortdesc must be one line without a full stop";
    "POD in a shortdesc", { add_drive with shortdesc = "add a C<drive>" },
    "shortdesc must be plain text, without POD markup";
    "two callbacks",
    { add_drive with args = ["a", Callback cb; "b", Callback cb]; optargs = [] },
    "call add_drive: more than one callback argument";
    "callback as an optional argument",
    { add_drive with optargs = [{ oname = "f"; otype = Callback cb; odoc = "d" }] },
    "optional argument f: a callback is a required argument";
    "callback not listed",
    { add_drive with args = ["f", Callback { cb with cb_name = "x" }] },
    "callback x is not listed in Api.callbacks";
    "argument named opaque", { add_drive with args = ["opaque", String] },
    "argument \"opaque\": the name is reserved";
    "unterminated POD", { add_drive with longdesc = "Add C<a drive." },
    "call add_drive: unterminated formatting code in: Add C<a drive.";
    "unknown POD entity", { add_drive with longdesc = "Add C<E<foo>>." },
    "call add_drive: E<foo>: not a character POD knows";
    "POD command in an option's text",
    { add_drive with optargs = [{ oname = "x"; otype = Bool;
                                  odoc = "Text.\n\n=over 4\n\n=item a" }] },
    "optional argument x: a POD command paragraph (=over 4)";
  ];
  (* A call added beside the others. *)
  List.iter (fun (what, c, want) -> expect what (with_new_call c) want) [
    "private prefix", { add_drive with name = "impl_x" },
    "int_ and impl_ are the library's private prefixes";
    "public call named internal_", { add_drive with name = "internal_x"; flags = [] },
    "internal calls, and only they, are named internal_*";
  ];
  expect "version later than the package"
    { api with Checks.versions = ["0.1.0"; "0.2.0"] }
    "0.2.0 is later than the package's version 0.1.0";
  expect "package version not MAJOR.MINOR.RELEASE"
    { api with Checks.package_version = "1.0" }
    "the package's version \"1.0\" is not MAJOR.MINOR.RELEASE";
  expect "managed parameter" { api with Checks.managed_qemu_params = ["drive"] }
    "\"drive\" is not a qemu parameter";
  expect "flags value all"
    { api with Checks.flag_sets = [{ flags with flags_values =
                                                  flags.flags_values @ ["all", "d"] }] }
    "value \"all\": its constant is the set of every value";
  expect "65 flags"
    { api with Checks.flag_sets =
                 [{ flags with flags_values =
                                 List.init 65 (fun i -> Printf.sprintf "f%d" i, "d") }] }
    "more than 64 values";
  expect "flags named like an enum"
    { api with Checks.flag_sets = [{ flags with flags_name = "cachemode" }] }
    "flags cachemode: an enum has the same name";

  (* POD to text, as docstrings and help show it. *)
  List.iter (fun (pod, want) ->
      match Utils.pod_to_text pod with
      | got when got = want -> Printf.printf "ok POD %S\n" pod
      | got ->
        Printf.printf "FAIL POD %S: %S, not %S\n" pod got want; incr failures
      | exception Utils.Pod_error m ->
        Printf.printf "FAIL POD %S: %s\n" pod m; incr failures) [
    "C<E<lt>disk type='file'E<gt>>", "<disk type='file'>";
    "C<< a > b >> and C<<<  x<y  >>>", "a > b and x<y";
    "B<bold> I<it> F</tmp> S<a b>X<index>Z<>", "bold it /tmp a b";
    "L<qdrive(3)>, L<the page|qdrive(3)>, L</ERRORS>, L<perlpod/\"Links\">",
    "qdrive(3), the page, ERRORS, Links in perlpod";
    "E<verbar>E<sol>E<quot>E<amp>E<0x41>E<66>E<0103>", "|/\"&ABC";
    "x < y > z, a<b, C<C<nested>>", "x < y > z, a<b, nested";
  ];
  expect "config parameter managed"
    { api with Checks.config_params = ["-m", true] }
    "Api.config_params: \"-m\" is managed by qdrive";
  expect "config parameter twice"
    { api with Checks.config_params = ["-cpu", true; "-cpu", true] }
    "Api.config_params: \"-cpu\" is there twice";
  expect "field type the internal struct lacks"
    { api with Checks.structs =
                 List.map (fun s ->
                     if s.sname <> "internal_struct" then s
                     else { s with sfields = List.filter (fun (_, t, _) ->
                         t <> FStringList) s.sfields }) api.structs }
    "struct drive: field server: no struct that an internal call returns \
     has a field of type FStringList";
  expect "blockstats counter without a source"
    { api with Checks.blockstats_sources =
                 List.filter (fun (f, _, _) -> f <> "wr_bytes")
                   api.blockstats_sources }
    "Api.blockstats_sources: field wr_bytes of struct blockstats has no \
     source";
  expect "blockstats source that is no counter"
    { api with Checks.blockstats_sources =
                 ("drive_id", "id", "VIR_DOMAIN_BLOCK_STATS_ID")
                 :: api.blockstats_sources }
    "Api.blockstats_sources: \"drive_id\" is not an FInt64 field of \
     struct blockstats";
  expect "blockstats parameter read twice"
    { api with Checks.blockstats_sources =
                 List.map (fun (f, q, v) ->
                     if f = "wr_bytes" then
                       (f, q, "VIR_DOMAIN_BLOCK_STATS_READ_BYTES")
                     else (f, q, v)) api.blockstats_sources }
    "Api.blockstats_sources: \"VIR_DOMAIN_BLOCK_STATS_READ_BYTES\" is \
     there twice";
  expect "flags defined twice"
    { api with Checks.flag_sets = api.flag_sets @ [ List.hd api.flag_sets ] }
    (Printf.sprintf "flags %S defined twice"
       (List.hd api.flag_sets).flags_name);
  expect "callback defined twice"
    { api with Checks.callbacks = api.callbacks @ [ List.hd api.callbacks ] }
    (Printf.sprintf "callback %S defined twice"
       (List.hd api.callbacks).cb_name);
  expect "setting default out of range"
    { api with Checks.int_settings =
                 List.map (fun (r : Api.int_setting) ->
                     if r.setting = "smp" then { r with default = 0 } else r)
                   api.int_settings }
    "Api.int_settings: smp: the default 0 is not in 1 to 255";
  expect "setting without its call"
    { api with Checks.int_settings =
                 { Api.setting = "speed"; arg = "speed"; unit = "";
                   min = 1; max = 2; default = 1 }
                 :: api.int_settings }
    "Api.int_settings: speed: no call set_speed taking one Int";
  if !failures > 0 then (Printf.printf "%d failure(s)\n" !failures; exit 1)
