(* SPDX-License-Identifier: GPL-2.0-or-later *)
(* qdrive OCaml binding: guest `Appliance, booted once for
 * the whole program: sh, command, errors, 1 MiB of output, list_devices
 * on scsi and virtio, labels, a filesystem made and read back, a
 * read-only drive left unchanged, blockstats, and the runtime lock
 * released while a command runs.  Error texts are the C library's.
 *
 * Native code only (built with the threads library). *)

open Printf

open Launch_helpers

let mib = 1024 * 1024
let tmpdir = temp_dir "qdrive-ocaml-appliance"

let filled name c =
  let path = Filename.concat tmpdir name in
  let oc = open_out_bin path in
  output_string oc (String.make (8 * mib) c);
  close_out oc;
  path

let digest path = Digest.to_hex (Digest.file path)

let starts_with p s =
  String.length s >= String.length p && String.sub s 0 (String.length p) = p

let () = require_qemu ()

let scsi = filled "scsi.img" '\000'
let virtio = filled "virtio.img" 'v'
let ro = filled "ro.img" 'r'
let ro_digest = digest ro

let g = Qdrive.create ()
let () =
  Qdrive.set_guest g `Appliance;
  Qdrive.add_drive g ~format:"raw" ~label:"SCSI" scsi;
  Qdrive.add_drive g ~format:"raw" ~iface:`Virtio ~label:"VIRT" virtio;
  Qdrive.add_drive g ~format:"raw" ~readonly:true ro;
  (try Qdrive.launch g
   with Qdrive.Error (m, _) -> fatal "launch: %s" m);
  check "get_guest" (Qdrive.get_guest g = "appliance")

(* sh and command. *)
let () =
  check "sh: stdout only" (Qdrive.sh g "echo hello; echo err >&2" = "hello\n");
  check "sh: no output" (Qdrive.sh g "true" = "");
  check "command: the arguments as they are"
    (Qdrive.command g ["printf"; "%s|"; "a b"; "$HOME"; ";"] = "a b|$HOME|;|")

(* Errors. *)
let () =
  raises "a non-zero exit"
    "sh: the command exited with status 3; the end of its standard error:\\nbad"
    (fun () -> Qdrive.sh g "echo bad >&2; exit 3");
  raises "a signal" "sh: the command was killed by signal 9 (Killed)"
    (fun () -> Qdrive.sh g "kill -KILL $$");
  raises "no arguments"
    "command: arguments: the list is empty; allowed: a program and its \
     arguments"
    (fun () -> Qdrive.command g []);
  (match Qdrive.command g ["nosuchprogram"] with
   | _ -> check "a program that does not exist: no error" false
   | exception Qdrive.Error (m, _) ->
     check ("a program that does not exist: " ^ m)
       (Str.string_match (Str.regexp ".*No such file or directory") m 0));
  check "still works after errors" (Qdrive.sh g "echo still here" = "still here\n")

(* 1 MiB of output. *)
let () =
  check "1 MiB of output, whole"
    (Qdrive.sh g "head -c 1048576 /dev/zero | tr '\\0' x" = String.make mib 'x')

(* list_devices, checked by content, and the labels. *)
let devices = Array.of_list (Qdrive.list_devices g)
let () =
  check "three devices" (Array.length devices = 3);
  check "scsi, virtio, scsi"
    (starts_with "/dev/sd" devices.(0) && starts_with "/dev/vd" devices.(1) &&
     starts_with "/dev/sd" devices.(2));
  check "each device is its drive"
    (Qdrive.sh g (sprintf "head -c 3 %s; head -c 3 %s" devices.(1) devices.(2))
     = "vvvrrr");
  check "labels under /dev/disk/qdrive"
    (Qdrive.sh g "readlink -f /dev/disk/qdrive/SCSI; \
                  readlink -f /dev/disk/qdrive/VIRT; ls /dev/disk/qdrive"
     = sprintf "%s\n%s\nSCSI\nVIRT\n" devices.(0) devices.(1))

(* A filesystem, written and read back after a remount. *)
let () =
  ignore (Qdrive.sh g "mke2fs -q -t ext4 /dev/disk/qdrive/SCSI && \
                       mkdir -p /mnt/s && mount /dev/disk/qdrive/SCSI /mnt/s \
                       && echo 'written by ocaml' > /mnt/s/f && umount /mnt/s");
  check "filesystem read back"
    (Qdrive.sh g "mount -o ro /dev/disk/qdrive/SCSI /mnt/s && cat /mnt/s/f \
                  && umount /mnt/s" = "written by ocaml\n")

(* The read-only drive: the guest sees its write, the file is unchanged. *)
let () =
  check "the guest sees its write"
    (Qdrive.sh g (sprintf "printf xyz | dd of=%s conv=notrunc,fsync \
                           2>/dev/null; head -c 5 %s" devices.(2) devices.(2))
     = "xyzrr");
  check "the read-only file is unchanged" (digest ro = ro_digest)

(* blockstats moves on the drive written, not on the others. *)
let () =
  let before = Array.of_list (Qdrive.blockstats g) in
  check "blockstats: one entry per drive, in order"
    (Array.map (fun (s : Qdrive.blockstats) -> s.drive_id) before
     = [| "hd0"; "hd1"; "hd2" |]);
  ignore (Qdrive.sh g "dd if=/dev/zero of=/dev/disk/qdrive/VIRT bs=65536 \
                       count=16 conv=fsync 2>/dev/null");
  let after = Array.of_list (Qdrive.blockstats g) in
  check "blockstats: 1 MiB more written"
    (Int64.sub after.(1).wr_bytes before.(1).wr_bytes >= Int64.of_int mib);
  check "blockstats: a flush more"
    (after.(1).flush_operations > before.(1).flush_operations);
  check "blockstats: the other drives unchanged"
    (after.(2).wr_bytes = before.(2).wr_bytes)

(* The runtime lock is released while sh waits: a thread keeps
 * counting through a one-second command. *)
let () =
  let count = ref 0 and stop = ref false in
  let t = Thread.create (fun () ->
      while not !stop do incr count; Thread.delay 0.01 done) () in
  Thread.delay 0.05;
  let c0 = !count in
  ignore (Qdrive.sh g "sleep 1");
  let counted = !count - c0 in
  stop := true;
  Thread.join t;
  check (sprintf "a thread ran during sh (+%d)" counted) (counted >= 20)

let () =
  Qdrive.shutdown g;
  Qdrive.close g;
  printf "test_appliance: %.2f s\n%!" (Unix.gettimeofday () -. started);
  if !failures > 0 then (eprintf "%d failure(s)\n" !failures; exit 1)
