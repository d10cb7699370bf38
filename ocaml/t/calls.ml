(* qdrive OCaml binding tests: the OCaml side of t/same-as-c.sh.
 *
 * The same calls as t/calls-c.c, printed the same way; the script diffs
 * the two outputs, so every command line and every error text must be
 * what C gives.  Besides, the rows of the add_drive table (the strings
 * libguestfs 1.48's direct backend makes) are checked here literally.
 *
 * Usage: calls.opt DIR *)

open Printf

let dir = Sys.argv.(1)
let path name = Filename.concat dir name
let disk = path "disk.img"
let comma = path "comma,name.img"

let failures = ref 0

let cmdline g =
  let rec loop prev = function
    | [] -> []
    | a :: rest -> (if prev = "-chardev" then "QMP" else a) :: loop a rest in
  String.concat " " (loop "" (Qdrive.get_qemu_command_line g))

(* Runs f on a fresh handle; prints and returns the line. *)
let case name f =
  let g = Qdrive.create () in
  let line =
    match f g with
    | () -> sprintf "%s: %s" name (cmdline g)
    | exception Qdrive.Error msg -> sprintf "%s: error: %s | %s" name msg (cmdline g) in
  Qdrive.close g;
  print_endline line;
  line

let contains ~sub s =
  let n = String.length sub in
  let rec at i = i + n <= String.length s && (String.sub s i n = sub || at (i + 1)) in
  at 0

(* The line must contain [want] (D stands for the directory). *)
let expect name f want =
  let want = Str.global_replace (Str.regexp_string "D/") (dir ^ "/") want in
  let line = case name f in
  if not (contains ~sub:want line) then begin
    eprintf "FAIL %s:\n  got:  %s\n  want: ...%s...\n" name line want;
    incr failures
  end

let () =
  Sys.chdir dir;
  let scsi = "-device virtio-scsi-pci,id=scsi0 " in
  expect "unsafe" (fun g -> Qdrive.add_drive g ~format:"raw" ~cachemode:`Unsafe disk)
    (scsi ^ "-drive file=D/disk.img,cache=unsafe,format=raw,id=hd0,if=none \
             -device scsi-hd,drive=hd0");
  expect "writeback_default" (fun g -> Qdrive.add_drive g ~format:"raw" disk)
    "-drive file=D/disk.img,cache=writeback,format=raw,id=hd0,if=none -device scsi-hd,drive=hd0";
  expect "writeback" (fun g -> Qdrive.add_drive g ~format:"raw" ~cachemode:`Writeback disk)
    "-drive file=D/disk.img,cache=writeback,format=raw,id=hd0,if=none";
  expect "no_optargs" (fun g -> Qdrive.add_drive g disk)
    "-drive file=D/disk.img,cache=writeback,id=hd0,if=none";
  expect "opts_alias" (fun g -> Qdrive.add_drive_opts g ~cachemode:`Unsafe disk)
    "-drive file=D/disk.img,cache=unsafe,id=hd0,if=none";
  expect "comma" (fun g -> Qdrive.add_drive g ~format:"raw" comma)
    "-drive file=D/comma,,name.img,cache=writeback,format=raw,id=hd0,if=none";
  expect "relative" (fun g -> Qdrive.add_drive g ~format:"raw" "disk.img")
    "-drive file=D/disk.img,cache=writeback,format=raw,id=hd0,if=none";
  expect "discard_enable" (fun g -> Qdrive.add_drive g ~format:"raw" ~discard:`Enable disk)
    ",format=raw,discard=unmap,id=hd0,if=none";
  expect "discard_besteffort"
    (fun g -> Qdrive.add_drive g ~format:"raw" ~discard:`Besteffort disk)
    ",format=raw,discard=unmap,id=hd0,if=none";
  expect "discard_disable" (fun g -> Qdrive.add_drive g ~format:"raw" ~discard:`Disable disk)
    ",format=raw,id=hd0,if=none";
  expect "copyonread" (fun g -> Qdrive.add_drive g ~format:"raw" ~copyonread:true disk)
    ",format=raw,copy-on-read=on,id=hd0,if=none";
  expect "copyonread_false" (fun g -> Qdrive.add_drive g ~copyonread:false disk)
    "cache=writeback,id=hd0,if=none";
  expect "label" (fun g -> Qdrive.add_drive g ~label:"mylabel" disk)
    "-device scsi-hd,drive=hd0,serial=mylabel";
  expect "blocksize_4096" (fun g -> Qdrive.add_drive g ~blocksize:4096 disk)
    "-device scsi-hd,drive=hd0,physical_block_size=4096,logical_block_size=4096";
  expect "blocksize_512" (fun g -> Qdrive.add_drive g ~blocksize:512 disk)
    "physical_block_size=512,logical_block_size=512";
  expect "readonly" (fun g -> Qdrive.add_drive g ~format:"raw" ~readonly:true disk)
    "-drive file=D/disk.img,cache=writeback,snapshot=on,format=raw,id=hd0,if=none";
  expect "readonly_false" (fun g -> Qdrive.add_drive g ~readonly:false disk)
    "file=D/disk.img,cache=writeback,id=hd0,if=none";
  expect "name" (fun g -> Qdrive.add_drive g ~name:"n1" disk)
    "file=D/disk.img,cache=writeback,id=hd0,if=none -device scsi-hd,drive=hd0";
  expect "iface_scsi" (fun g -> Qdrive.add_drive g ~iface:`Scsi disk)
    (scsi ^ "-drive file=D/disk.img,cache=writeback,id=hd0,if=none");
  expect "iface_virtio" (fun g -> Qdrive.add_drive g ~iface:`Virtio disk)
    "-device virtio-blk-pci";
  expect "iface_ide" (fun g -> Qdrive.add_drive g ~iface:`Ide disk)
    "-device ide-hd";
  expect "all"
    (fun g -> Qdrive.add_drive g ~readonly:false ~format:"qcow2" ~iface:`Virtio
        ~name:"all" ~label:"L_1" ~cachemode:`Unsafe ~discard:`Enable
        ~copyonread:true ~blocksize:4096 disk)
    "cache=unsafe,format=qcow2,discard=unmap,copy-on-read=on";
  expect "two"
    (fun g -> Qdrive.add_drive g ~format:"raw" disk;
      Qdrive.add_drive g ~format:"raw" ~cachemode:`Unsafe comma)
    "-device scsi-hd,drive=hd0 -drive file=D/comma,,name.img,cache=unsafe,format=raw,id=hd1,if=none -device scsi-hd,drive=hd1";
  expect "add_drive_ro" (fun g -> Qdrive.add_drive_ro g (path "ro.img"))
    "-drive file=D/ro.img,cache=writeback,snapshot=on,id=hd0,if=none";
  expect "settings"
    (fun g -> Qdrive.set_hv g "/usr/bin/qemu-kvm"; Qdrive.set_memsize g 2048;
      Qdrive.set_smp g 4; Qdrive.set_accel g `Tcg)
    "/usr/bin/qemu-kvm ";
  expect "accel_kvm" (fun g -> Qdrive.set_accel g `Kvm) "-machine accel=kvm ";
  expect "accel_kvm_tcg" (fun g -> Qdrive.set_accel g `Kvm_tcg) "-machine accel=kvm:tcg ";
  expect "config"
    (fun g -> Qdrive.config g "-cpu" (Some "host"); Qdrive.config g "-nographic" None)
    "-cpu host -nographic";

  (* Bad input: the texts are compared with C's by the script. *)
  let err name f want = expect name f ("error: " ^ want) in
  err "missing" (fun g -> Qdrive.add_drive g (path "missing.img"))
    "add_drive: filename: \"D/missing.img\": No such file or directory";
  ignore (case "empty_filename" (fun g -> Qdrive.add_drive g ""));
  err "label_space" (fun g -> Qdrive.add_drive g ~label:"bad label" disk)
    "add_drive: label: \"bad label\" is not valid; allowed: 1 to 20 characters, each a letter, a digit or _";
  ignore (case "label_empty" (fun g -> Qdrive.add_drive g ~label:"" disk));
  ignore (case "label_long" (fun g -> Qdrive.add_drive g ~label:"abcdefghij0123456789x" disk));
  ignore (case "label_dash" (fun g -> Qdrive.add_drive g ~label:"a-b" disk));
  err "format_space" (fun g -> Qdrive.add_drive g ~format:"ra w" disk)
    "add_drive: format: \"ra w\" is not valid";
  ignore (case "format_empty" (fun g -> Qdrive.add_drive g ~format:"" disk));
  ignore (case "format_comma" (fun g -> Qdrive.add_drive g ~format:"raw,x" disk));
  ignore (case "name_empty" (fun g -> Qdrive.add_drive g ~name:"" disk));
  err "blocksize_1000" (fun g -> Qdrive.add_drive g ~blocksize:1000 disk)
    "add_drive: blocksize: 1000 is not valid; allowed: 512, 4096";
  ignore (case "blocksize_0" (fun g -> Qdrive.add_drive g ~blocksize:0 disk));
  ignore (case "blocksize_neg" (fun g -> Qdrive.add_drive g ~blocksize:(-512) disk));
  err "discard_enable_no_format" (fun g -> Qdrive.add_drive g ~discard:`Enable disk)
    "add_drive: discard: \"enable\" needs the format to be given";
  ignore (case "discard_enable_readonly"
            (fun g -> Qdrive.add_drive g ~format:"raw" ~discard:`Enable ~readonly:true disk));
  (* The refused call leaves the drive added before it. *)
  expect "unchanged"
    (fun g -> Qdrive.add_drive g ~format:"raw" disk; Qdrive.add_drive g ~label:"bad label" disk)
    "a digit or _ | qemu-system-x86_64 ";
  let line = case "unchanged_ends" (fun g ->
      Qdrive.add_drive g ~format:"raw" disk;
      try Qdrive.add_drive g ~label:"bad label" disk
      with Qdrive.Error _ -> ()) in
  if not (Filename.check_suffix line
            "format=raw,id=hd0,if=none -device scsi-hd,drive=hd0") then begin
    eprintf "FAIL unchanged_ends: %s\n" line; incr failures
  end;
  err "ide_limit"
    (fun g -> for _ = 1 to 5 do Qdrive.add_drive g ~iface:`Ide disk done)
    "add_drive: iface: \"ide\" can hold at most 4 drives";
  err "scratch_zero" (fun g -> Qdrive.add_drive_scratch g 0L)
    "add_drive_scratch: size: 0 is not valid; allowed: 1 or more bytes";
  ignore (case "scratch_negative" (fun g -> Qdrive.add_drive_scratch g (-1L)));
  ignore (case "scratch_blocksize" (fun g -> Qdrive.add_drive_scratch g ~blocksize:1000 1048576L));
  ignore (case "scratch_label" (fun g -> Qdrive.add_drive_scratch g ~label:"no way" 1048576L));
  err "memsize_0" (fun g -> Qdrive.set_memsize g 0)
    "set_memsize: memsize: 0 is out of range; allowed: 128 to 1048576 (MiB)";
  ignore (case "memsize_low" (fun g -> Qdrive.set_memsize g 127));
  ignore (case "memsize_high" (fun g -> Qdrive.set_memsize g 1048577));
  err "smp_0" (fun g -> Qdrive.set_smp g 0) "set_smp: smp: 0 is out of range; allowed: 1 to 255";
  ignore (case "smp_256" (fun g -> Qdrive.set_smp g 256));
  ignore (case "launch_timeout_0" (fun g -> Qdrive.set_launch_timeout g 0));
  ignore (case "launch_timeout_high" (fun g -> Qdrive.set_launch_timeout g 3601));
  err "backend_bad" (fun g -> Qdrive.set_backend g "bogus") "set_backend: backend: \"bogus\" is not valid";
  ignore (case "hv_empty" (fun g -> Qdrive.set_hv g ""));
  ignore (case "config_nodash" (fun g -> Qdrive.config g "cpu" (Some "host")));
  ignore (case "config_managed" (fun g -> Qdrive.config g "-drive" (Some "file=x")));
  ignore (case "block_info_not_launched" (fun g -> ignore (Qdrive.block_info g)));
  ignore (case "shutdown_not_launched" (fun g -> Qdrive.shutdown g));
  if !failures > 0 then (eprintf "%d failure(s)\n" !failures; exit 1)
