(* SPDX-License-Identifier: GPL-2.0-or-later *)
(* qdrive generator: helpers shared by every emitter: the printer,
 * the banner, names, and text. *)

open Printf
open Types

(* ------------------------------------------------------------------ *)
(* The printer. *)

(* All emitters print through [pr], which keeps the current column so
 * that [pr_wrap] can continue a long line under where it started. *)
type sink = Channel of out_channel | Capture of Buffer.t

let sink = ref (Channel stdout)
let col = ref 0

let put s =
  (match !sink with
   | Channel oc -> output_string oc s
   | Capture b -> Buffer.add_string b s);
  match String.rindex_opt s '\n' with
  | Some i -> col := String.length s - i - 1
  | None -> col := !col + String.length s

let pr fmt = ksprintf put fmt

let ltrim s =
  let n = String.length s and i = ref 0 in
  while !i < n && s.[!i] = ' ' do incr i done;
  String.sub s !i (n - !i)

let rtrim s =
  let n = ref (String.length s) in
  while !n > 0 && s.[!n - 1] = ' ' do decr n done;
  String.sub s 0 !n

(* "a, b, c" split after each ", ": ["a, "; "b, "; "c"]. *)
let split_after sep s =
  let n = String.length sep and len = String.length s in
  let rec loop acc from i =
    if i + n > len then
      List.rev (if from < len then String.sub s from (len - from) :: acc else acc)
    else if String.sub s i n = sep then
      loop (String.sub s from (i + n - from) :: acc) (i + n) (i + n)
    else loop acc from (i + 1) in
  loop [] 0 0

(* The one line-filling rule, for code and for prose: [pieces] are put
 * on lines no wider than [width] where a piece allows it (a piece is
 * never split).  The first line continues at column [col0]; the others
 * start with [indent].  Blanks at the end of a line are dropped, and at
 * the start of a continuation line. *)
let fill ~col0 ~indent ~width pieces =
  let lines = ref [] and line = Buffer.create 80 in
  let c = ref col0 and on_line = ref 0 in
  List.iter (fun p ->
      if !on_line > 0 && !c + String.length (rtrim p) > width then begin
        lines := rtrim (Buffer.contents line) :: !lines;
        Buffer.clear line;
        Buffer.add_string line indent;
        c := String.length indent;
        on_line := 0
      end;
      let p = if !on_line = 0 && !lines <> [] then ltrim p else p in
      Buffer.add_string line p;
      c := !c + String.length p;
      incr on_line) pieces;
  List.rev (rtrim (Buffer.contents line) :: !lines)

(* Code that continues at column [col0] (what precedes it is printed
 * already), broken after a [sep] wherever the next piece would pass
 * column [width]; continuation lines start at column [col0].  [sep]
 * ", " suits argument lists, " -> " OCaml types, " " words. *)
let wrap_code ?(width = 79) ?(sep = ", ") ~col0 text =
  String.concat "\n"
    (fill ~col0 ~indent:(String.make col0 ' ') ~width (split_after sep text))

(* Prints what [f] prints (one line) with wrap_code, continuing under
 * the column where pr_wrap was called:
 *   pr "qdrive_add_drive ("; pr_wrap (fun () -> pr "a, b, c);") *)
let pr_wrap ?width ?sep f =
  let start = !col and saved = !sink in
  let b = Buffer.create 256 in
  sink := Capture b;
  Fun.protect ~finally:(fun () -> sink := saved; col := start) f;
  let text = Buffer.contents b in
  if String.contains text '\n' then
    failwith ("pr_wrap: more than one line: " ^ text);
  put (wrap_code ?width ?sep ~col0:start text)

(* Wrap a paragraph of prose at [width] columns: the first line starts
 * with [indent], the others with [hang] (by default the same). *)
let wrap ?(indent = "") ?hang ?(width = 72) text =
  let hang = Option.value hang ~default:indent in
  match Str.split (Str.regexp "[ \t\n]+") text with
  | [] -> ""
  | words ->
    let lines = fill ~col0:(String.length indent) ~indent:hang ~width
        (List.map (fun w -> w ^ " ") words) in
    indent ^ String.concat "\n" lines

(* Every generated file is written through [output_to], which captures
 * what the emitter prints and writes the file only when its content
 * changed, so a no-op regeneration rebuilds nothing and writes nothing
 * (the source tree of a tarball, which holds every generated file, may
 * be read-only). *)
let files_written = ref 0

(* The file being written, for the banner's licence line. *)
let current_file = ref ""

let output_to filename (emit : unit -> unit) =
  let b = Buffer.create 65536 in
  sink := Capture b;
  col := 0;
  current_file := filename;
  emit ();
  sink := Channel stdout;
  let text = Buffer.contents b in
  let read f =
    let ic = open_in_bin f in
    let s = really_input_string ic (in_channel_length ic) in
    close_in ic; s in
  if not (Sys.file_exists filename && read filename = text) then begin
    let tmp = filename ^ ".new" in
    (try Unix.unlink tmp with Unix.Unix_error _ -> ());
    let oc = open_out_bin tmp in
    output_string oc text;
    close_out oc;
    (try Unix.chmod filename 0o644 with Unix.Unix_error _ -> ());
    Unix.rename tmp filename;
    Unix.chmod filename 0o444;
    incr files_written
  end

(* The licence of a file, by its directory, as README.md gives it
 * (tests/check-spdx.py checks every file, the generated ones too):
 * the examples MIT-0; the library and the bindings, but not their
 * tests, LGPL-2.1-or-later; everything else GPL-2.0-or-later. *)
let licence_of path =
  let top = match String.index_opt path '/' with
    | Some i -> String.sub path 0 i | None -> "" in
  let in_t = List.mem "t" (String.split_on_char '/' path) in
  if top = "examples" then "MIT-0"
  else if List.mem top ["c"; "python"; "perl"; "ocaml"] && not in_t then
    "LGPL-2.1-or-later"
  else "GPL-2.0-or-later"

(* The banner at the top of every generated file. *)
type comment_style = CStyle | HashStyle | OCamlStyle | PODStyle

let banner style =
  let lines = [
    "qdrive: generated by generator/generator from generator/api.ml.";
    "DO NOT EDIT: changes are lost when the file is regenerated.";
    "SPDX-License-Identifier: " ^ licence_of !current_file;
  ] in
  match style with
  | CStyle ->
    pr "/* %s\n */\n\n" (String.concat "\n * " lines)
  | HashStyle -> List.iter (pr "# %s\n") lines; pr "\n"
  | OCamlStyle -> pr "(* %s\n *)\n\n" (String.concat "\n * " lines)
  | PODStyle -> pr "=begin comment\n\n%s\n\n=end comment\n\n"
                  (String.concat "\n" lines)

(* ------------------------------------------------------------------ *)
(* Names. *)

let arg_name ((n, _) : arg) = n

(* An optional argument as (name, type), like a required one: for the
 * code that treats both alike. *)
let optarg_param o = (o.oname, o.otype)

(* The optional argument [name] of call [c]. *)
let find_optarg c name = List.find (fun o -> o.oname = name) c.optargs

let has_flag c f = List.mem f c.flags
let is_blocking c = has_flag c Blocking

let alias_of c =
  List.fold_left (fun acc f -> match f with Alias a -> Some a | _ -> acc)
    None c.flags

(* The C function taking optional arguments: add_drive_opts for calls
 * flagged OptsSuffix, the call's own name otherwise. *)
let c_opts_name c =
  if has_flag c OptsSuffix then c.name ^ "_opts" else c.name

let dashes s = String.map (function '_' -> '-' | c -> c) s

(* Values of an enum, and the "allowed" text used in error messages. *)
let enum_names e = List.map fst e.enum_values
let enum_allowed e = String.concat ", " (enum_names e)

(* The one mapping from an enum value to an identifier, used by every
 * emitter (C and Perl and Python constants, OCaml constructors):
 * "kvm:tcg" -> "kvm_tcg".  checks.ml makes sure that it gives a valid
 * identifier, different for each value of the enum. *)
let enum_ident v =
  String.map (function
      | ('a'..'z' | 'A'..'Z' | '0'..'9' | '_') as c -> c | _ -> '_') v

(* "CACHEMODE_UNSAFE", "ACCEL_KVM_TCG": C's QDRIVE_..., Perl's and
 * Python's constants. *)
let enum_const e v =
  String.uppercase_ascii (e.enum_name ^ "_" ^ enum_ident v)

let enum_default_index e =
  let rec index i = function
    | [] -> failwith ("enum " ^ e.enum_name ^ ": no default")
    | (v, _) :: _ when v = e.enum_default -> i
    | _ :: vs -> index (i + 1) vs in
  index 0 e.enum_values

(* ------------------------------------------------------------------ *)
(* Text. *)

let replace_all ~sub ~by s =
  let b = Buffer.create (String.length s) in
  let n = String.length sub in
  let i = ref 0 in
  while !i < String.length s do
    if !i + n <= String.length s && String.sub s !i n = sub then
      (Buffer.add_string b by; i := !i + n)
    else (Buffer.add_char b s.[!i]; incr i)
  done;
  Buffer.contents b

(* Inline POD, parsed: every formatting code (C<>, B<>, I<>, F<>,
 * L<>, E<>, S<>, X<>, Z<>), nested, in the single- or the
 * multiple-angle form (C<< a > b >>), as perlpodspec defines them.
 * Each output renders the tree its own way, so that no markup
 * reaches a docstring, the .mli or the shell's help. *)
type pod_span =
  | Plain of string
  | Code of pod_span list               (* C<> *)
  | Bold of pod_span list               (* B<> *)
  | Italic of pod_span list             (* I<>, F<> *)
  | Link of string                      (* L<>: the text it shows *)

exception Pod_error of string

let pod_error fmt = ksprintf (fun m -> raise (Pod_error m)) fmt

(* E<name>: the character it stands for, UTF-8 encoded. *)
let pod_entity name =
  let utf8 n =
    let b = Buffer.create 4 in
    Buffer.add_utf_8_uchar b (Uchar.of_int n);
    Buffer.contents b in
  match name with
  | "lt" -> "<" | "gt" -> ">" | "verbar" -> "|" | "sol" -> "/"
  | "quot" -> "\"" | "amp" -> "&" | "apos" -> "'" | "nbsp" -> "\xc2\xa0"
  | _ ->
    match int_of_string_opt (if String.length name > 1 && name.[0] = '0'
                                && name.[1] <> 'x' then "0o" ^ name else name) with
    | Some n when n > 0 && Uchar.is_valid n -> utf8 n
    | _ -> pod_error "E<%s>: not a character POD knows" name

let rec pod_flatten spans =
  String.concat "" (List.map (function
      | Plain s | Link s -> s
      | Code l | Bold l | Italic l -> pod_flatten l) spans)

(* L<text|target>, L<name/"section">, L</section>, L<qdrive(3)>. *)
let pod_link_text s =
  let strip_quotes s =
    let n = String.length s in
    if n >= 2 && s.[0] = '"' && s.[n - 1] = '"' then String.sub s 1 (n - 2)
    else s in
  match String.index_opt s '|' with
  | Some i -> String.sub s 0 i
  | None ->
    match String.index_opt s '/' with
    | Some 0 -> strip_quotes (String.sub s 1 (String.length s - 1))
    | Some i when not (String.contains s ' ') ->
      let page = String.sub s 0 i
      and sec = String.sub s (i + 1) (String.length s - i - 1) in
      sprintf "%s in %s" (strip_quotes sec) page
    | _ -> s

let is_space c = c = ' ' || c = '\t' || c = '\n'

let pod_parse text =
  let n = String.length text in
  (* Parses from i until [close] matches (None: the end of the text);
   * returns the spans and the position after the closer. *)
  let rec spans i close =
    let acc = ref [] and plain = Buffer.create 64 in
    let flush () =
      if Buffer.length plain > 0 then begin
        acc := Plain (Buffer.contents plain) :: !acc;
        Buffer.clear plain
      end in
    let rec loop i =
      match close i with
      | Some next -> flush (); (List.rev !acc, next)
      | None when i >= n ->
        (match close n with
         | Some next -> flush (); (List.rev !acc, next)
         | None -> pod_error "unterminated formatting code in: %s" text)
      | None ->
        let c = text.[i] in
        if c >= 'A' && c <= 'Z' && i + 1 < n && text.[i + 1] = '<' then begin
          flush ();
          let (span, next) = sequence c (i + 1) in
          Option.iter (fun s -> acc := s :: !acc) span;
          loop next
        end else begin
          Buffer.add_char plain c;
          loop (i + 1)
        end in
    loop i
  (* The formatting code letter c whose '<'s start at i. *)
  and sequence c i =
    let k = ref 0 in
    while i + !k < n && text.[i + !k] = '<' do incr k done;
    let (inner, next) =
      if !k >= 2 && i + !k < n && is_space text.[i + !k] then
        (* C<< text >>: closed by blanks then as many '>'. *)
        let closer = String.make !k '>' in
        let close j =
          if j < n && is_space text.[j] then begin
            let e = ref j in
            while !e < n && is_space text.[!e] do incr e done;
            if !e + !k <= n && String.sub text !e !k = closer
            then Some (!e + !k) else None
          end else None in
        let start = ref (i + !k) in
        while !start < n && is_space text.[!start] do incr start done;
        spans !start close
      else
        spans (i + 1) (fun j -> if j < n && text.[j] = '>' then Some (j + 1)
                          else None) in
    let span = match c with
      | 'C' -> Some (Code inner)
      | 'B' -> Some (Bold inner)
      | 'I' | 'F' -> Some (Italic inner)
      | 'S' -> Some (Plain (pod_flatten inner))
      | 'L' -> Some (Link (pod_link_text (pod_flatten inner)))
      | 'E' -> Some (Plain (pod_entity (pod_flatten inner)))
      | 'X' | 'Z' -> None
      | _ -> pod_error "%c<...>: not a POD formatting code" c in
    (span, next) in
  fst (spans 0 (fun j -> if j >= n then Some n else None))

(* Inline POD as plain text: the markup dropped, E<> resolved. *)
let pod_to_text s = pod_flatten (pod_parse s)

(* Split POD into paragraphs; verbatim (indented) paragraphs are kept
 * as they are, ordinary ones are returned for wrapping.  A command
 * paragraph (=over, =item...) is not something the descriptions use:
 * checks.ml refuses it. *)
type para = Text of string | Verbatim of string

let pod_paragraphs s =
  let paras = Str.split (Str.regexp "\n\n+") (String.trim s) in
  List.map (fun p ->
      if String.length p > 0 && (p.[0] = ' ' || p.[0] = '\t') then Verbatim p
      else Text p) paras

(* What is wrong with a POD text of api.ml, for checks.ml: None if
 * every output can render it. *)
let pod_problem s =
  match List.find_opt (function Text p -> p.[0] = '=' | Verbatim _ -> false)
          (pod_paragraphs s) with
  | Some (Text p) ->
    Some (sprintf "a POD command paragraph (%s) where only text and \
                   verbatim paragraphs are rendered" (List.hd (String.split_on_char '\n' p)))
  | _ ->
    match List.iter (function Text p -> ignore (pod_parse p) | Verbatim _ -> ())
            (pod_paragraphs s) with
    | () -> None
    | exception Pod_error m -> Some m

(* Render a POD description as plain text paragraphs, each line
 * prefixed with [indent]: for docstrings and help text.  Verbatim
 * paragraphs are literal, as in POD. *)
let pod_to_wrapped_text ?(indent = "") ?(width = 72) s =
  String.concat "\n\n"
    (List.map (function
         | Text p -> wrap ~indent ~width (pod_to_text p)
         | Verbatim p ->
           String.concat "\n"
             (List.map (fun l -> indent ^ l) (String.split_on_char '\n' p)))
        (pod_paragraphs s))

(* C string literal. *)
let c_quote s =
  let b = Buffer.create (String.length s + 2) in
  String.iter (function
      | '"' -> Buffer.add_string b "\\\""
      | '\\' -> Buffer.add_string b "\\\\"
      | '\n' -> Buffer.add_string b "\\n"
      | c when Char.code c < 32 || Char.code c > 126 ->
        Buffer.add_string b (sprintf "\\%03o" (Char.code c))
      | c -> Buffer.add_char b c) s;
  "\"" ^ Buffer.contents b ^ "\""

let rec iteri_from i f = function
  | [] -> ()
  | x :: xs -> f i x; iteri_from (i + 1) f xs
