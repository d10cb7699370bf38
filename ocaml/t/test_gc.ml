(* SPDX-License-Identifier: GPL-2.0-or-later *)
(* qdrive OCaml binding tests: the garbage collector frees handles that
 * were never closed (the custom block's finalizer closes them), frees
 * closed ones without closing them twice, and removes what an
 * unreachable handle held (scratch disks).  Counted by the stubs'
 * debug counters. *)

open Printf

let fail fmt = ksprintf (fun s -> prerr_endline ("FAIL: " ^ s); exit 1) fmt

let n = 100_000

let () =
  let live0 = Qdrive.debug_live_handles ()
  and fin0 = Qdrive.debug_finalized_handles () in

  (* 100,000 handles, dropped without close. *)
  for _ = 1 to n do
    ignore (Sys.opaque_identity (Qdrive.create ()))
  done;
  Gc.full_major ();
  let live = Qdrive.debug_live_handles () - live0
  and fin = Qdrive.debug_finalized_handles () - fin0 in
  if live <> 0 then fail "%d of %d unclosed handles still live after Gc.full_major" live n;
  if fin <> n then fail "%d handles finalized, expected %d" fin n;
  printf "test_gc: %d unclosed handles, all freed by the finalizer\n" n;

  (* Closed handles: the finalizer has nothing left to close. *)
  for _ = 1 to 1000 do
    Qdrive.close (Qdrive.create ())
  done;
  Gc.full_major ();
  if Qdrive.debug_live_handles () <> live0 then fail "closed handles still counted live";
  if Qdrive.debug_finalized_handles () - fin0 <> n then
    fail "closed handles were closed again by the finalizer";

  (* Handles with drives and scratch disks, dropped: their files go. *)
  let files = ref [] in
  for _ = 1 to 20 do
    let g = Qdrive.create () in
    Qdrive.add_drive_scratch g 4096L;
    (match Qdrive.list_drives g with
     | [d] -> files := d.Qdrive.filename :: !files
     | _ -> fail "scratch drive not listed");
    ignore (Sys.opaque_identity g)
  done;
  List.iter (fun f -> if not (Sys.file_exists f) then fail "%s missing" f) !files;
  Gc.full_major ();
  List.iter (fun f ->
      if Sys.file_exists f then fail "%s not removed by the finalizer" f) !files;
  if Qdrive.debug_live_handles () <> live0 then fail "scratch handles still live";
  printf "test_gc: closed handles not closed twice; scratch files of 20 dropped handles removed\n"
