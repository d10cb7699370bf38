(* SPDX-License-Identifier: GPL-2.0-or-later *)
(* qdrive OCaml binding tests: what only the binding does (closed
 * handles, NUL bytes, the int range, records, lists, threads), and
 * every optional argument and enum value read back with list_drives.
 * Built both native and bytecode. *)

open Printf

open Launch_helpers

let tmpdir =
  let d = Filename.temp_file "qdrive-ocaml" "" in
  Sys.remove d; Unix.mkdir d 0o700; d
let make name =
  let f = Filename.concat tmpdir name in
  close_out (open_out f); Unix.truncate f 65536; f
let disk = make "disk.img"
(* qemu gives a file to several drives only if all are readonly. *)
let disk2 = make "disk2.img"
let disk3 = make "disk3.img"

let () =
  (* Getters and setters. *)
  let g = Qdrive.create () in
  check "get_hv default" (Qdrive.get_hv g = (match Sys.getenv_opt "QDRIVE_HV" with
      | Some s when s <> "" -> s | _ -> "qemu-system-x86_64"));
  Qdrive.set_hv g "/opt/qemu";
  check "set_hv" (Qdrive.get_hv g = "/opt/qemu");
  check "get_memsize default" (Qdrive.get_memsize g = 256);
  Qdrive.set_memsize g 4096;
  check "set_memsize" (Qdrive.get_memsize g = 4096);
  Qdrive.set_smp g 8;
  check "set_smp" (Qdrive.get_smp g = 8);
  List.iter (fun (v, s) -> Qdrive.set_accel g v; check ("accel " ^ s) (Qdrive.get_accel g = s))
    [`Kvm, "kvm"; `Tcg, "tcg"; `Kvm_tcg, "kvm:tcg"];
  Qdrive.set_backend g "libvirt:test:///default";
  check "set_backend" (Qdrive.get_backend g = "libvirt:test:///default");
  check "get_trace default" (not (Qdrive.get_trace g));
  Qdrive.set_verbose g true;
  check "set_verbose" (Qdrive.get_verbose g);
  Qdrive.set_verbose g false;
  check "set_verbose false" (not (Qdrive.get_verbose g));
  let v = Qdrive.version g in
  check "version" (sprintf "%d.%d.%d" v.Qdrive.major v.Qdrive.minor
                     v.Qdrive.release = Qdrive.package_version);
  Qdrive.set_launch_timeout g 10;
  check "set_launch_timeout" (Qdrive.get_launch_timeout g = 10);

  (* Every optional argument and enum value, read back. *)
  check "no drives" (Qdrive.list_drives g = []);
  Qdrive.add_drive g ~readonly:true ~format:"qcow2" ~iface:`Virtio ~name:"n0"
    ~label:"L0" ~cachemode:`Unsafe ~discard:`Besteffort ~copyonread:true
    ~blocksize:512 disk;
  Qdrive.add_drive g ~iface:`Ide ~discard:`Disable ~cachemode:`Writeback
    ~readonly:false ~copyonread:false ~blocksize:512 disk2;
  Qdrive.add_drive_opts g ~iface:`Scsi ~format:"raw" ~discard:`Enable disk3;
  Qdrive.add_drive_ro g disk;
  (match Qdrive.list_drives g with
   | [d0; d1; d2; d3] ->
     check "d0" (d0 = { Qdrive.index = 0; filename = disk; format = "qcow2";
                        iface = `Virtio; cachemode = `Unsafe; readonly = true;
                        discard = `Besteffort; copyonread = true; label = "L0";
                        name = "n0"; blocksize = 512; protocol = `File; server = [];
                        username = "" });
     check "d1" (d1 = { Qdrive.index = 1; filename = disk2; format = "";
                        iface = `Ide; cachemode = `Writeback; readonly = false;
                        discard = `Disable; copyonread = false; label = "";
                        name = ""; blocksize = 512; protocol = `File; server = [];
                        username = "" });
     check "d2" (d2.Qdrive.iface = `Scsi && d2.Qdrive.discard = `Enable
                 && d2.Qdrive.format = "raw" && d2.Qdrive.index = 2);
     check "d3 readonly" (d3.Qdrive.readonly && d3.Qdrive.cachemode = `Writeback)
   | l -> check (sprintf "list_drives: %d drives" (List.length l)) false);
  Qdrive.close g;

  (* list_drives' server: a string list, both RBD monitors in the
   * order given (default port filled in). *)
  let g = Qdrive.create () in
  Qdrive.add_drive g ~protocol:`Rbd ~server:["mon1"; "tcp:[::1]:6790"] "pool/img";
  (match Qdrive.list_drives g with
   | [d] -> check "rbd servers"
              (d.Qdrive.server = ["tcp:mon1:6789"; "tcp:[::1]:6790"])
   | l -> check (sprintf "rbd: %d drives" (List.length l)) false);
  Qdrive.close g;

  (* Scratch disks: a file in the handle's directory, gone at close. *)
  let g = Qdrive.create () in
  Qdrive.add_drive_scratch g ~name:"s" ~label:"scratch" ~blocksize:4096 1048576L;
  let scratch = match Qdrive.list_drives g with
    | [d] ->
      check "scratch fields" (d.Qdrive.cachemode = `Unsafe && d.Qdrive.name = "s"
                              && d.Qdrive.label = "scratch" && d.Qdrive.blocksize = 4096);
      d.Qdrive.filename
    | _ -> check "scratch list" false; "" in
  check "scratch exists" (Sys.file_exists scratch);
  check "scratch size" ((Unix.stat scratch).Unix.st_size = 1048576);
  Qdrive.close g;
  check "scratch removed at close" (not (Sys.file_exists scratch));

  (* close is idempotent; a closed handle raises Error. *)
  Qdrive.close g;
  raises ~errno:Unix.EBADF "closed add_drive" "add_drive: the handle is closed"
    (fun () -> Qdrive.add_drive g disk);
  raises ~errno:Unix.EBADF "closed get_hv" "get_hv: the handle is closed" (fun () -> Qdrive.get_hv g);
  raises "closed list_drives" "list_drives: the handle is closed"
    (fun () -> Qdrive.list_drives g);

  (* What C cannot be told is refused before C is called. *)
  let g = Qdrive.create () in
  raises ~errno:Unix.EINVAL "NUL filename"
    "add_drive: filename: the string contains a NUL byte; allowed: strings without NUL bytes"
    (fun () -> Qdrive.add_drive g (disk ^ "\000x"));
  raises "NUL format"
    "add_drive: format: the string contains a NUL byte; allowed: strings without NUL bytes"
    (fun () -> Qdrive.add_drive g ~format:"raw\000" disk);
  raises "NUL in list"
    "internal_echo: strlist: the string contains a NUL byte; allowed: strings without NUL bytes"
    (fun () -> Qdrive.internal_echo g "s" None ["a"; "b\000"] false 0 0L `Unsafe);
  raises "NUL in optional list"
    "internal_echo: ostringlist: the string contains a NUL byte; allowed: strings without NUL bytes"
    (fun () -> Qdrive.internal_echo g ~ostringlist:["\000"] "s" None [] false 0 0L `Unsafe);
  raises ~errno:Unix.EINVAL "blocksize too big"
    "add_drive: blocksize: 1099511627776 is out of range; allowed: -2147483648 to 2147483647"
    (fun () -> Qdrive.add_drive g ~blocksize:(1 lsl 40) disk);
  raises "memsize too small"
    "set_memsize: memsize: -2147483649 is out of range; allowed: -2147483648 to 2147483647"
    (fun () -> Qdrive.set_memsize g (-2147483649));
  (* At the edge of the C int range, C itself answers. *)
  raises ~errno:Unix.EINVAL "memsize max_int32"
    "set_memsize: memsize: 2147483647 is out of range; allowed: 128 to 1048576 (MiB)"
    (fun () -> Qdrive.set_memsize g 2147483647);
  check "nothing added" (Qdrive.list_drives g = []);
  check "memsize unchanged" (Qdrive.get_memsize g = 256);

  (* Every return type, through the internal calls. *)
  check "rbool" (Qdrive.internal_rbool g "true");
  check "rint" (Qdrive.internal_rint g "-5" = -5);
  check "rint64" (Qdrive.internal_rint64 g "1099511627776" = 1099511627776L);
  check "rstring" (Qdrive.internal_rstring g "h\xc3\xa9" = "h\xc3\xa9");
  check "rstringlist" (Qdrive.internal_rstringlist g "3" = ["0"; "1"; "2"]);
  check "rstruct" (Qdrive.internal_rstruct g "7"
                   = { Qdrive.s = "s7"; b = true; i = 7; i64 = 7000000000000L;
                       mode = `Unsafe; strings = ["a b"; "\"q\" \\ 'r'"] });
  check "rstructlist" (List.length (Qdrive.internal_rstructlist g "5") = 5);
  raises ~errno:Unix.EINVAL "rerr" "internal_rerr: val: \"error\" asks for an error"
    (fun () -> Qdrive.internal_rerr g "error");
  (* The library's errno, whatever it is. *)
  raises ~errno:Unix.ENOENT "missing file"
    "add_drive: filename: \"/nonexistent/qdrive.img\": No such file or directory"
    (fun () -> Qdrive.add_drive g "/nonexistent/qdrive.img");

  (* The exception prints with the message. *)
  check "printer" (Printexc.to_string (Qdrive.Error ("x: y", Some Unix.EINVAL)) = "Qdrive.Error: x: y");
  Qdrive.close g;

  (* The path of blocking calls (strings copied to C memory, runtime
   * released): taken by every call while another thread is in a
   * blocking call on the handle, simulated here. *)
  let g = Qdrive.create () in
  Qdrive.debug_set_busy g 1;
  Qdrive.add_drive g ~format:"raw" ~label:"busy" ~name:"b" disk;
  check "busy: echo"
    (Qdrive.internal_echo g ~ostring:"o" ~ostringlist:["x"; "y"] "s" (Some "t")
       ["a"; "b"] true 1 2L `Unsafe
     = Qdrive.internal_echo g ~ostring:"o" ~ostringlist:["x"; "y"] "s" (Some "t")
       ["a"; "b"] true 1 2L `Unsafe);
  raises "busy: error text" "add_drive: label: \"a b\" is not valid; allowed: 1 to 20 characters, each a letter, a digit or _"
    (fun () -> Qdrive.add_drive g ~label:"a b" disk);
  raises ~errno:Unix.EBUSY "busy: close refused"
    "close: the handle is in use by a blocking call in another thread; close it after that call returns"
    (fun () -> Qdrive.close g);
  Qdrive.debug_set_busy g 0;
  (match Qdrive.list_drives g with
   | [d] -> check "busy: drive" (d.Qdrive.label = "busy" && d.Qdrive.name = "b")
   | _ -> check "busy: one drive" false);
  Qdrive.close g;

  (* create fails on a bad $QDRIVE_ACCEL, with the library's text
   * naming the variable, the value and what is allowed. *)
  let accel = Sys.getenv_opt "QDRIVE_ACCEL" in
  Unix.putenv "QDRIVE_ACCEL" "bogus";
  raises ~errno:Unix.EINVAL "create: bad QDRIVE_ACCEL"
    "create: QDRIVE_ACCEL: \"bogus\" is not valid; allowed: kvm:tcg, kvm, tcg"
    (fun () -> Qdrive.create ());
  Unix.putenv "QDRIVE_ACCEL" (Option.value accel ~default:"");
  Qdrive.close (Qdrive.create ());

  (* Threads, each with its own handle: errors stay with their thread. *)
  let worker n () =
    let g = Qdrive.create () in
    for i = 1 to 200 do
      Qdrive.add_drive g ~format:"raw" ~cachemode:`Unsafe ~readonly:true disk;
      (match Qdrive.add_drive g ~blocksize:(1000 + n) disk with
       | () -> check "thread: bad blocksize accepted" false
       | exception Qdrive.Error (m, _) ->
         check "thread error text"
           (m = sprintf "add_drive: blocksize: %d is not valid; allowed: 512, 4096" (1000 + n)));
      if i mod 50 = 0 then Thread.yield ()
    done;
    check "thread drives" (List.length (Qdrive.list_drives g) = 200);
    Qdrive.close g in
  let threads = List.init 4 (fun n -> Thread.create (worker n) ()) in
  List.iter Thread.join threads;

  List.iter Sys.remove [disk; disk2; disk3];
  Unix.rmdir tmpdir;
  if !failures > 0 then (eprintf "%d failure(s)\n" !failures; exit 1);
  print_endline "test_handle: ok"
