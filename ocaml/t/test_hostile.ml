(* SPDX-License-Identifier: GPL-2.0-or-later *)
(* qdrive OCaml binding: hostile input.
 *
 * 1. File names that would inject qemu -drive options (a comma starts a
 *    new option unless doubled), look like command-line options, or
 *    hold characters a careless quoting or JSON parser gets wrong.
 *    qdrive accepts every one; one real qemu (one launch) must then see
 *    exactly one drive per file, under its unchanged absolute name,
 *    with format raw.
 * 2. Labels and formats holding ',', '=' or ' ' are refused with the C
 *    library's text, and leave the handle's drive list unchanged. *)

open Printf

open Launch_helpers

let tmpdir = temp_dir "qdrive-ocaml-hostile"
let image = image tmpdir

let () = require_qemu ()

(* ---- 1. hostile file names, one launch -------------------------------- *)

let () =
  let names = [ "x,format=qcow2"; "x,file.driver=ssh"; "-leading-dash";
                "a:b"; "new\nline"; "sp ace"; "q\"uote"; "back\\slash" ] in
  let paths = List.map image names in
  let g = Qdrive.create () in
  Qdrive.set_memsize g 128;
  List.iter (fun p -> Qdrive.add_drive g ~format:"raw" p) paths;
  check "every hostile name is accepted unchanged"
    (List.map (fun (d : Qdrive.drive) -> d.filename) (Qdrive.list_drives g)
     = paths);
  let t = Unix.gettimeofday () in
  (try Qdrive.launch g with Qdrive.Error (m, _) -> fatal "launch: %s" m);
  printf "launch with %d hostile names: %.0f ms\n%!"
    (List.length paths) ((Unix.gettimeofday () -. t) *. 1000.);
  let info =
    try Qdrive.block_info g
    with Qdrive.Error (m, _) -> Qdrive.shutdown g; fatal "block_info: %s" m in
  Qdrive.shutdown g;
  Qdrive.close g;
  (* An injected option would change a drive's file, driver or format,
   * or stop qemu starting; a split name would show up as another name. *)
  check (sprintf "qemu has %d drives, want exactly one per name (%d)"
           (List.length info) (List.length paths))
    (List.length info = List.length paths);
  List.iteri (fun i (name, path) ->
      match List.nth_opt info i with
      | None -> ()
      | Some b ->
        let id = sprintf "hd%d" i in
        check (sprintf "%S: id is %s, want %s" name b.Qdrive.id id)
          (b.Qdrive.id = id);
        check (sprintf "%S: qemu's filename is %S, want %S" name
                 b.Qdrive.filename path)
          (b.Qdrive.filename = path);
        check (sprintf "%S: qemu's format is %S, want \"raw\"" name
                 b.Qdrive.format)
          (b.Qdrive.format = "raw"))
    (List.combine names paths)

(* ---- 2. labels and formats with ',', '=' or ' ' ----------------------- *)

let () =
  let disk = image "disk.img" in
  let g = Qdrive.create () in
  (* One good drive first, so that "unchanged" is not just "empty". *)
  Qdrive.add_drive g ~format:"raw" ~label:"good" disk;
  let before = Qdrive.list_drives g in
  let refused what value msg f =
    (match f () with
     | () -> check (sprintf "%s %S: accepted, want refused" what value) false
     | exception Qdrive.Error (m, _) ->
       check (sprintf "%s %S:\n  got:  %s\n  want: %s" what value m msg)
         (m = msg));
    check (sprintf "%s %S: the handle changed" what value)
      (Qdrive.list_drives g = before)
  in
  List.iter (fun label ->
      refused "label" label
        (sprintf "add_drive: label: \"%s\" is not valid; allowed: 1 to 20 \
                  characters, each a letter, a digit or _" label)
        (fun () -> Qdrive.add_drive g ~format:"raw" ~label disk))
    [ "a,b"; "a=b"; "a b" ];
  List.iter (fun format ->
      refused "format" format
        (sprintf "add_drive: format: \"%s\" is not valid; allowed: a \
                  non-empty name of letters, digits, _ and -" format)
        (fun () -> Qdrive.add_drive g ~format disk))
    [ "raw,x"; "raw=x"; "ra w" ];
  Qdrive.close g

let () =
  printf "test_hostile: %.2f s\n%!" (Unix.gettimeofday () -. started);
  if !failures > 0 then (eprintf "%d failure(s)\n" !failures; exit 1)
