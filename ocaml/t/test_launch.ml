(* SPDX-License-Identifier: GPL-2.0-or-later *)
(* qdrive OCaml binding: launch, block_info and shutdown for real.
 *
 * 1. Direct backend (real qemu, paused, 128 MB): what qemu made of a
 *    writeback, an unsafe and a read-only drive; calls refused after
 *    launch and after shutdown, with C's text.
 * 2. libvirt backend on libvirt's built-in test driver (no daemon).
 * 3. The runtime lock is released while launch runs: another thread
 *    keeps counting.  That handle is then closed without shutdown, and
 *    its qemu must be gone within 5 s.
 *
 * Native code only (built with the threads library). *)

open Printf

open Launch_helpers

let tmpdir = temp_dir "qdrive-ocaml-launch"
let image = image tmpdir

let new_handle () =
  let g = Qdrive.create () in
  Qdrive.set_memsize g 128;
  g

let () = require_qemu ()

(* ---- processes, from /proc -------------------------------------------- *)

let read_file p =
  try
    let ic = open_in_bin p in
    let s = really_input_string ic (in_channel_length ic) in
    close_in ic; Some s
  with Sys_error _ | End_of_file -> None

(* /proc/PID/cmdline has no length: read it to the end. *)
let cmdline pid =
  match open_in_bin (sprintf "/proc/%d/cmdline" pid) with
  | exception Sys_error _ -> None
  | ic ->
    let b = Buffer.create 4096 in
    (try
       while true do Buffer.add_channel b ic 1 done
     with End_of_file | Sys_error _ -> ());
    close_in ic;
    Some (String.map (fun c -> if c = '\000' then ' ' else c) (Buffer.contents b))

let contains s sub =
  try ignore (Str.search_forward (Str.regexp_string sub) s 0); true
  with Not_found -> false

(* The pids of the processes whose command line holds [path]: the qemu
 * started for a drive with that path. *)
let qemu_of path =
  Array.to_list (Sys.readdir "/proc")
  |> List.filter_map int_of_string_opt
  |> List.filter (fun pid ->
      pid <> Unix.getpid ()
      && match cmdline pid with Some c -> contains c path | None -> false)

(* Gone: no /proc entry, not even a zombie (our child, unreaped). *)
let gone pid =
  match read_file (sprintf "/proc/%d/stat" pid) with
  | None -> true
  | Some stat ->
    (* The state follows the ")" that ends the command name. *)
    let i = String.rindex stat ')' in
    let zombie = i + 2 < String.length stat && stat.[i + 2] = 'Z' in
    (* A recycled pid is another process: also gone. *)
    let ours = match cmdline pid with
      | Some c -> c = "" || contains c tmpdir | None -> false in
    not zombie && not ours

let wait_gone name pids =
  let deadline = Unix.gettimeofday () +. 5. in
  let rec loop () =
    match List.filter (fun p -> not (gone p)) pids with
    | [] -> ()
    | left when Unix.gettimeofday () > deadline ->
      check (sprintf "%s: qemu %s still there after 5 s" name
               (String.concat " " (List.map string_of_int left))) false
    | _ -> Unix.sleepf 0.02; loop ()
  in
  loop ()

(* ---- block_info -------------------------------------------------------- *)

type want = { file : string; fmt : string; ro : bool;
              wb : bool; direct : bool; noflush : bool }

let check_block_info name g wants =
  let l = Qdrive.block_info g in
  check (sprintf "%s: %d entries, want %d" name (List.length l) (List.length wants))
    (List.length l = List.length wants);
  List.iteri (fun i (b, w) ->
      let id = sprintf "hd%d" i in
      let field f got want =
        check (sprintf "%s: %s: %s is %s, want %s" name id f got want) (got = want) in
      let flag f got want = field f (string_of_bool got) (string_of_bool want) in
      field "id" b.Qdrive.id id;
      field "filename" b.Qdrive.filename w.file;
      field "format" b.Qdrive.format w.fmt;
      flag "readonly" b.Qdrive.readonly w.ro;
      flag "cache_writeback" b.Qdrive.cache_writeback w.wb;
      flag "cache_direct" b.Qdrive.cache_direct w.direct;
      flag "cache_no_flush" b.Qdrive.cache_no_flush w.noflush)
    (List.combine (List.filteri (fun i _ -> i < List.length wants) l)
       (List.filteri (fun i _ -> i < List.length l) wants))

let timed name f =
  let t = Unix.gettimeofday () in
  let r = f () in
  printf "%s: %.0f ms\n%!" name ((Unix.gettimeofday () -. t) *. 1000.);
  r

(* ---- 1. direct backend ------------------------------------------------- *)

let () =
  let wb = image "writeback.img" and un = image "unsafe.img"
  and ro = image "readonly.img" in
  let g = new_handle () in
  Qdrive.add_drive g ~format:"raw" ~cachemode:`Writeback wb;
  Qdrive.add_drive g ~format:"raw" ~cachemode:`Unsafe un;
  Qdrive.add_drive g ~format:"raw" ~readonly:true ro;
  (try timed "direct launch" (fun () -> Qdrive.launch g)
   with Qdrive.Error (m, _) -> fatal "direct launch: %s" m);
  let pids = qemu_of wb in
  check (sprintf "direct: one qemu runs with %s (found %d)" wb (List.length pids))
    (List.length pids = 1);
  check_block_info "direct" g [
    { file = wb; fmt = "raw"; ro = false; wb = true; direct = false; noflush = false };
    { file = un; fmt = "raw"; ro = false; wb = true; direct = false; noflush = true };
    (* Read-only: qemu opens the caller's file read-only, writeback. *)
    { file = ro; fmt = "raw"; ro = true; wb = true; direct = false; noflush = false };
  ];
  raises "add_drive after launch"
    "add_drive: the virtual machine is already launched; this call must come \
     before launch"
    (fun () -> Qdrive.add_drive g wb);
  (* The refused call changed nothing. *)
  check "still 3 drives" (List.length (Qdrive.block_info g) = 3);
  timed "direct shutdown" (fun () -> Qdrive.shutdown g);
  wait_gone "after shutdown" pids;
  raises "block_info after shutdown"
    "block_info: the virtual machine was shut down; use a new handle"
    (fun () -> Qdrive.block_info g);
  Qdrive.close g

(* ---- 2. libvirt backend (test driver) ---------------------------------- *)

let () =
  let wb = image "lv-writeback.img" and un = image "lv-unsafe.img" in
  let g = new_handle () in
  Qdrive.set_backend g "libvirt:test:///default";
  Qdrive.add_drive g ~format:"raw" ~cachemode:`Writeback wb;
  Qdrive.add_drive g ~format:"raw" ~cachemode:`Unsafe un;
  (try timed "libvirt launch" (fun () -> Qdrive.launch g)
   with Qdrive.Error (m, _) -> fatal "libvirt launch: %s" m);
  check_block_info "libvirt" g [
    { file = wb; fmt = "raw"; ro = false; wb = true; direct = false; noflush = false };
    { file = un; fmt = "raw"; ro = false; wb = true; direct = false; noflush = true };
  ];
  Qdrive.shutdown g;
  raises "libvirt block_info after shutdown"
    "block_info: the virtual machine was shut down; use a new handle"
    (fun () -> Qdrive.block_info g);
  Qdrive.close g

(* ---- 3. the runtime lock during launch; close without shutdown -------- *)

(* The main thread counts and notes the time every [every] counts,
 * while a second thread launches.  Were the runtime lock held during
 * launch, no OCaml code could run meanwhile: the notes would show a gap
 * as long as the launch (checked with a stub that sleeps holding the
 * lock: gap = the whole call, no note at all).  Released, the longest
 * gap is the OS scheduling this thread out (up to ~120 ms seen on this
 * loaded 2-core machine).  Returns the launched handle, its disk, and
 * the counts during launch, the launch's length and the longest gap. *)
let every = 1024

let threaded_launch attempt =
  let disk = image (sprintf "thread%d.img" attempt) in
  let g = new_handle () in
  Qdrive.add_drive g ~format:"raw" ~cachemode:`Unsafe disk;
  let counter = ref 0 and notes = ref [] in
  let t0 = ref 0. and t1 = ref 0. and count0 = ref 0 and count1 = ref 0 in
  let finished = ref false and error = ref None in
  let launcher () =
    count0 := !counter;
    t0 := Unix.gettimeofday ();
    (try Qdrive.launch g with Qdrive.Error (m, _) -> error := Some m);
    t1 := Unix.gettimeofday ();
    count1 := !counter;
    finished := true
  in
  let th = Thread.create launcher () in
  while not !finished do
    incr counter;
    if !counter mod every = 0 then begin
      notes := Unix.gettimeofday () :: !notes;
      Thread.yield ()
    end
  done;
  Thread.join th;
  (match !error with Some m -> fatal "threaded launch: %s" m | None -> ());
  let d = !t1 -. !t0 in
  let during = List.filter (fun t -> t > !t0 && t < !t1) !notes in
  let points = (!t0 :: List.rev during) @ [!t1] in
  (* The longest gap, and where it starts (from t0). *)
  let rec max_gap ((g, _) as acc) = function
    | a :: (b :: _ as rest) ->
      max_gap (if b -. a > g then (b -. a, a -. !t0) else acc) rest
    | _ -> acc in
  let gap, at = max_gap (0., 0.) points in
  printf "threaded launch %d: %.0f ms; counter +%d during it, %d notes, \
          longest gap %.1f ms at +%.1f ms\n%!"
    attempt (d *. 1000.) (!count1 - !count0) (List.length during)
    (gap *. 1000.) (at *. 1000.);
  g, disk, !count1 - !count0, d, gap

let () =
  (* A held lock fails every attempt; OS noise (a gap of half a launch)
   * may fail one: up to 3 attempts, each on a fresh handle. *)
  let rec attempt n =
    let (g, disk, counted, d, gap) as r = threaded_launch n in
    if (counted < every * 10 || gap >= d /. 2.) && n < 3 then begin
      Qdrive.close g; wait_gone "retry" (qemu_of disk); attempt (n + 1)
    end else r
  in
  let g, disk, counted, d, gap = attempt 1 in
  check (sprintf "counter advanced during launch (+%d)" counted)
    (counted >= every * 10);
  check (sprintf "no gap as long as half the launch (%.1f ms of %.1f ms): \
                  launch holds the runtime lock?" (gap *. 1000.) (d *. 1000.))
    (gap < d /. 2.);

  (* Close the launched handle without shutdown: qemu must go. *)
  let pids = qemu_of disk in
  check (sprintf "threaded: one qemu runs with %s (found %d)" disk (List.length pids))
    (List.length pids = 1);
  timed "close without shutdown" (fun () -> Qdrive.close g);
  wait_gone "close without shutdown" pids;
  check "no qemu for the disk after close" (qemu_of disk = [])

let () =
  printf "test_launch: %.2f s\n%!" (Unix.gettimeofday () -. started);
  if !failures > 0 then (eprintf "%d failure(s)\n" !failures; exit 1)
