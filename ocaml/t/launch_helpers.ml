(* SPDX-License-Identifier: GPL-2.0-or-later *)
(* Helpers shared by the OCaml binding's tests (test_handle, test_launch,
 * test_hostile): failure counting, expected errors, a temporary
 * directory removed at exit, sparse images, and the check that qemu is
 * installed.  Launches use the handle's default accelerator
 * ($QDRIVE_ACCEL, else kvm:tcg).
 *
 * Nothing here runs at link time except [started]: every effect is in a
 * function the test calls, so linking this module changes no test. *)

open Printf

let failures = ref 0
let check name ok =
  if not ok then (eprintf "FAIL: %s\n%!" name; incr failures)

(* Stop here: what follows depends on what just failed. *)
let fatal fmt = ksprintf (fun s -> eprintf "FAIL: %s\n%!" s; exit 1) fmt

(* f must raise Qdrive.Error with exactly [msg] (and, if given, the
 * errno [errno]). *)
let raises ?errno name msg f =
  match f () with
  | _ -> eprintf "FAIL: %s: no exception\n%!" name; incr failures
  | exception Qdrive.Error (m, e) when m = msg ->
    (match errno with
     | Some want when e <> Some want ->
       eprintf "FAIL: %s: errno %s, not %s\n%!" name
         (match e with Some e -> Unix.error_message e | None -> "None")
         (Unix.error_message want);
       incr failures
     | _ -> ())
  | exception Qdrive.Error (m, _) ->
    eprintf "FAIL: %s:\n  got:  %s\n  want: %s\n%!" name m msg; incr failures

let started = Unix.gettimeofday ()

let rec rm_rf p =
  if Sys.is_directory p then begin
    Array.iter (fun f -> rm_rf (Filename.concat p f)) (Sys.readdir p);
    Unix.rmdir p
  end else Sys.remove p

(* A new private directory named after [prefix], removed at exit, also
 * when a failure stops the test early. *)
let temp_dir prefix =
  let d = Filename.temp_file prefix "" in
  Sys.remove d; Unix.mkdir d 0o700;
  at_exit (fun () -> try rm_rf d with Sys_error _ | Unix.Unix_error _ -> ());
  d

(* A sparse raw image of 1 MB in [dir]. *)
let image dir name =
  let p = Filename.concat dir name in
  close_out (open_out p); Unix.truncate p (1 lsl 20); p

(* The test fails, not skips, without qemu. *)
let require_qemu () =
  let g = Qdrive.create () in
  let hv = Qdrive.get_hv g in
  Qdrive.close g;
  let executable p = try Unix.access p [Unix.X_OK]; true with Unix.Unix_error _ -> false in
  let found =
    if String.contains hv '/' then executable hv
    else
      List.exists (fun d -> d <> "" && executable (Filename.concat d hv))
        (String.split_on_char ':' (try Sys.getenv "PATH" with Not_found -> ""))
  in
  if not found then
    fatal "%s not found: install the Debian package qemu-system-x86" hv
