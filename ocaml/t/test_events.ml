(* SPDX-License-Identifier: GPL-2.0-or-later *)
(* qdrive OCaml binding: events (set_event_callback).  What a callback
 * is given; that an exception it raises is printed and ignored, the
 * call and the handle as they were; that calls on the same handle from
 * a callback raise EDEADLK (close too); that the binding lets a
 * callback go once the library is done with it, also when the GC
 * finalizes a handle that has callbacks; that the GC may run in a
 * callback (the call's arguments were copied); and one real launch in
 * a thread (the runtime released, taken back by the callbacks) for the
 * library and progress events. *)

open Printf
open Launch_helpers

let deadlock = "not allowed in an event callback of the same handle: the \
                call the event comes from holds the handle"

let name = function
  | `Library -> "library" | `Trace -> "trace" | `Qemu -> "qemu"
  | `Progress -> "progress"

(* What f writes on stderr (fd 2), as a string. *)
let stderr_of f =
  let dir = temp_dir "qdrive-ocaml-events" in
  let file = Filename.concat dir "stderr" in
  let fd = Unix.openfile file [Unix.O_WRONLY; Unix.O_CREAT] 0o600 in
  let saved = Unix.dup Unix.stderr in
  flush stderr;
  Unix.dup2 fd Unix.stderr;
  Unix.close fd;
  Fun.protect f ~finally:(fun () ->
      flush stderr; Unix.dup2 saved Unix.stderr; Unix.close saved);
  let ic = open_in_bin file in
  let s = really_input_string ic (in_channel_length ic) in
  close_in ic; s

let () =
  (* What a callback is given. *)
  let g = Qdrive.create () in
  let seen = ref [] in
  let record ev h msg a = seen := (name ev, h, msg, Array.to_list a) :: !seen in
  check "first handle" (Qdrive.set_event_callback g record [`Trace] = 0);
  Qdrive.set_trace g true;
  check "the call" (Qdrive.internal_rint g "42" = 42);
  check "trace events"
    (List.rev !seen = ["trace", 0, "internal_rint \"42\"", [];
                       "trace", 0, "internal_rint = 42", []]);
  raises ~errno:Unix.EINVAL "no event"
    "set_event_callback: events: the set is empty; allowed: one or more of \
     library, trace, qemu, progress"
    (fun () -> Qdrive.set_event_callback g record []);
  raises ~errno:Unix.EINVAL "deleted twice"
    "delete_event_callback: event_handle: 1 is not valid; allowed: a number \
     set_event_callback returned, for a callback not deleted yet"
    (fun () -> Qdrive.delete_event_callback g 1);
  Qdrive.close g;

  (* An exception in a callback: printed on stderr, ignored. *)
  let g = Qdrive.create () in
  ignore (Qdrive.set_event_callback g (fun _ _ msg _ -> failwith ("boom: " ^ msg))
            [`Trace]);
  Qdrive.set_trace g true;
  let err = stderr_of (fun () -> Qdrive.add_drive_scratch g ~name:"s" 1048576L) in
  check (sprintf "exception printed: %S" err)
    (err = "qdrive: an event callback raised Failure(\"boom: add_drive_scratch \
            1048576 \"name:s\"\"); it is ignored\n\
            qdrive: an event callback raised Failure(\"boom: add_drive_scratch \
            = 0\"); it is ignored\n");
  check "the call was made"
    (List.map (fun d -> d.Qdrive.name) (Qdrive.list_drives g) = ["s"]);
  Qdrive.close g;

  (* Calls from a callback: the same handle refused, another works; the
   * GC may run in a callback, which moves what OCaml allocated for the
   * call (its string arguments were copied). *)
  let g = Qdrive.create () and other = Qdrive.create () in
  let errors = ref [] in
  let reenter _ _ _ _ =
    List.iter (fun f ->
        try f () with Qdrive.Error (m, e) -> errors := (m, e) :: !errors)
      [(fun () -> ignore (Qdrive.get_memsize g)); (fun () -> Qdrive.close g);
       (fun () -> Qdrive.set_smp g 2)];
    Qdrive.set_smp other 4;
    Gc.compact () in
  ignore (Qdrive.set_event_callback g reenter [`Trace]);
  Qdrive.set_trace g true;
  let name = String.concat "" ["dri"; "ve"] in       (* on the minor heap *)
  Qdrive.add_drive_scratch g ~name ~label:"L1" 1048576L;
  check "refused with EDEADLK"
    (List.filteri (fun i _ -> i < 3) (List.rev !errors) = [("get_memsize: " ^ deadlock, Some Unix.EDEADLK);
                         ("close: " ^ deadlock, Some Unix.EDEADLK);
                         ("set_smp: " ^ deadlock, Some Unix.EDEADLK)]);
  check "the handle is open, unchanged" (Qdrive.get_smp g = 1);
  (match Qdrive.list_drives g with
   | [d] -> check "the arguments survived the GC"
              (d.Qdrive.name = "drive" && d.Qdrive.label = "L1")
   | _ -> check "one drive" false);
  check "another handle works" (Qdrive.get_smp other = 4);
  Qdrive.close g;
  Qdrive.close other;

  (* The binding holds a callback while it is registered, and lets it
   * go once deleted or closed; a handle with callbacks left for the GC
   * is finalized (its events, none here, dropped). *)
  let freed = ref 0 in
  let callback () =
    let r = ref 0 in
    Gc.finalise (fun _ -> incr freed) r;
    fun _ _ _ _ -> incr r in
  let g = Qdrive.create () in
  let h1 = Qdrive.set_event_callback g (callback ()) [`Trace] in
  ignore (Qdrive.set_event_callback g (callback ()) [`Trace]);
  Gc.full_major ();
  check "registered callbacks are held" (!freed = 0);
  Qdrive.delete_event_callback g h1;
  Gc.full_major ();
  check "deleted: let go" (!freed = 1);
  Qdrive.close g;
  Gc.full_major ();
  check "closed: let go" (!freed = 2);
  let finalized = Qdrive.debug_finalized_handles () in
  (let g = Qdrive.create () in
   ignore (Qdrive.set_event_callback g (callback ()) [`Trace; `Library]);
   Qdrive.set_trace g true);
  Gc.full_major (); Gc.full_major ();
  check "finalized with a callback"
    (Qdrive.debug_finalized_handles () = finalized + 1 && !freed = 3);

  (* One real launch, in a thread: the callbacks take the runtime back
   * while this thread keeps running OCaml. *)
  require_qemu ();
  let g = Qdrive.create () in
  Qdrive.set_memsize g 128;
  Qdrive.set_verbose g true;
  Qdrive.add_drive_scratch g 1048576L;
  let seen = ref [] in
  ignore (Qdrive.set_event_callback g (fun ev _ msg a -> seen := (ev, msg, a) :: !seen)
            [`Library; `Progress]);
  let t = Thread.create Qdrive.launch g in
  let spins = ref 0 and finished = ref false in
  let waiter = Thread.create (fun () -> Thread.join t; finished := true) () in
  while not !finished do incr spins; if !spins land 1023 = 0 then Thread.yield () done;
  Thread.join waiter;
  Qdrive.shutdown g;
  Qdrive.close g;
  let seen = List.rev !seen in
  check (sprintf "this thread ran during launch (%d)" !spins) (!spins > 1000);
  check "progress"
    (List.filter_map (function (`Progress, m, a) -> Some (m, a) | _ -> None) seen
     = ["starting qemu", [| 1L; 4L |];
        "connecting to qemu's QMP socket", [| 2L; 4L |];
        "asking qemu for its drives", [| 3L; 4L |];
        "ready", [| 4L; 4L |]]);
  (match List.filter_map (function (`Library, m, _) -> Some m | _ -> None) seen with
   | first :: _ as l ->
     check "running: qemu" (String.length first > 9 && String.sub first 0 9 = "running: ");
     check "exited" (List.nth l (List.length l - 1) = "qemu has exited")
   | [] -> check "library events" false);

  printf "test_events: %.2f s\n%!" (Unix.gettimeofday () -. started);
  if !failures > 0 then (eprintf "%d failure(s)\n" !failures; exit 1)
