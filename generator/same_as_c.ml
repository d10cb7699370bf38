(* SPDX-License-Identifier: GPL-2.0-or-later *)
(* qdrive generator: the "same as C" comparison of the public calls.
 *
 * One list of cases, each a few calls on a fresh handle.  The C
 * reference, tests/same-as-c.c (written here), makes them through the
 * C API, prints one line per call ("ok" or the error) and the qemu
 * command line left at the end, and checks the expectations written
 * with each case.  Each binding's generated program (python.ml,
 * perl.ml, ocaml_emit.ml) makes the same calls and prints the same
 * lines; tests/same-as-c.sh runs both in one directory and diffs them,
 * so every error text and command line must be C's own.
 *
 * A case only some languages can express is run only in those: a NULL
 * string (VNull) is spelt only in C and Perl (Python's None means "not
 * given" or is refused as a type error), a value outside an enum only
 * in C, Perl and Python (OCaml's variants rule it out).  That is worked
 * out from the values, so a case needs no tag of its own.
 *
 * File names are relative: the programs run in a directory holding
 * disk.img, disk2.img, comma,name.img, ro.img and shared.img
 * (tests/same-as-c.sh).
 * In expectations, D/ stands for that directory.
 *)

open Printf
open Types
open Utils

type value = Xtest.value

type expect = Succeeds | Fails of string | Either (* depends on the machine *)

type step = {
  call : string;
  opts_name : bool;                 (* by its _opts name (add_drive_opts) *)
  args : value list;
  opts : (string * value) list;
  expect : expect;
}

type case = {
  tag : string;
  steps : step list;
  has : string list;                (* the final command line contains these *)
  lacks : string list;              (* and none of these *)
}

let step ?(opts = []) ?(opts_name = false) ?(expect = Succeeds) call args =
  { call; opts_name; args; opts; expect }

(* The function a binding's step calls: add_drive_opts where the case
 * asks for the _opts name, the call's own name otherwise. *)
let binding_name st = if st.opts_name then st.call ^ "_opts" else st.call

let s x = Xtest.VString x
let add ?opts ?opts_name ?expect file = step ?opts ?opts_name ?expect "add_drive" [s file]
let fails msg st = { st with expect = Fails msg }
let case ?(has = []) ?(lacks = []) tag steps = { tag; steps; has; lacks }
(* A case whose last call is refused with msg. *)
let refused ?has ?lacks tag steps msg =
  match List.rev steps with
  | last :: rest -> case ?has ?lacks tag (List.rev (fails msg last :: rest))
  | [] -> invalid_arg "refused"
let repeat n st = List.init n (fun _ -> st)

let raw = ["format", s "raw"]
let ro = ("readonly", Xtest.VBool true)
let d0 = "-drive file=D/disk.img,cache=writeback"
let label_rule = "is not valid; allowed: 1 to 20 characters, each a letter, a digit or _"
let format_rule = "is not valid; allowed: a non-empty name of letters, digits, _ and -"
let int v = Xtest.VInt v

(* Bad input for add_drive, each refused; used alone and all together. *)
let bad_drives = [
  "cachemode", add "disk.img" ~opts:["cachemode", s "fast"],
  "add_drive: cachemode: \"fast\" is not valid; allowed: ";
  "cachemode_bogus", add "disk.img" ~opts:["cachemode", s "bogus"],
  "add_drive: cachemode: \"bogus\" is not valid";
  "cachemode_none", add "disk.img" ~opts:["cachemode", s "none"], "\"none\" is not valid";
  "cachemode_null", add "disk.img" ~opts:["cachemode", VNull],
  "add_drive: cachemode: must not be NULL";
  "discard", add "disk.img" ~opts:["discard", s "yes"], "discard: \"yes\" is not valid";
  "discard_on", add "disk.img" ~opts:["discard", s "on"], "discard: \"on\" is not valid";
  "iface", add "disk.img" ~opts:["iface", s "usb"], "iface: \"usb\" is not valid";
  "iface_sata", add "disk.img" ~opts:["iface", s "sata"], "iface: \"sata\" is not valid";
  "filename_null", step "add_drive" [VNull], "add_drive: filename: must not be NULL";
  "filename_null_opts", step "add_drive" [VNull] ~opts:raw,
  "add_drive: filename: must not be NULL";
  "format_null", add "disk.img" ~opts:["format", VNull], "add_drive: format: must not be NULL";
  "label_null", add "disk.img" ~opts:["label", VNull], "add_drive: label: must not be NULL";
  "name_null", add "disk.img" ~opts:["name", VNull], "add_drive: name: must not be NULL";
  "missing", add "missing.img" ~opts:raw,
  "add_drive: filename: \"D/missing.img\": No such file or directory";
  "missing_ro", step "add_drive_ro" [s "missing.img"], "No such file or directory";
  "filename_empty", add "",
  "add_drive: filename: \"\" is not valid; allowed: the path of an existing file";
  "filename_directory", add ".",
  "add_drive: filename: \"D/.\" is a directory; allowed: a regular file or a block device";
  "label_empty", add "disk.img" ~opts:["label", s ""], "label: \"\" " ^ label_rule;
  "label_long", add "disk.img" ~opts:["label", s "abcdefghijklmnopqrstu"], label_rule;
  "label_long2", add "disk.img" ~opts:["label", s "abcdefghij0123456789x"], label_rule;
  "label_chars", add "disk.img" ~opts:["label", s "my-label"], label_rule;
  "label_space", add "disk.img" ~opts:["label", s "bad label"],
  "add_drive: label: \"bad label\" " ^ label_rule;
  "label_utf8", add "disk.img" ~opts:["label", s "\xc3\xa9"], label_rule;
  "format_chars", add "disk.img" ~opts:["format", s "raw,x"], "format: \"raw,x\" " ^ format_rule;
  "format_empty", add "disk.img" ~opts:["format", s ""], "format: \"\" " ^ format_rule;
  "format_space", add "disk.img" ~opts:["format", s "ra w"],
  "add_drive: format: \"ra w\" is not valid";
  "format_slash", add "disk.img" ~opts:["format", s "q/c"], format_rule;
  "name_empty", add "disk.img" ~opts:["name", s ""],
  "add_drive: name: \"\" is not valid; allowed: a non-empty string";
  "blocksize", add "disk.img" ~opts:["blocksize", int 1000],
  "add_drive: blocksize: 1000 is not valid; allowed: 512, 4096";
  "blocksize_zero", add "disk.img" ~opts:["blocksize", int 0], "blocksize: 0 is not valid";
  "blocksize_neg", add "disk.img" ~opts:["blocksize", int (-512)],
  "blocksize: -512 is not valid";
  "blocksize_513", add "disk.img" ~opts:["blocksize", int 513], "blocksize: 513 is not valid";
  "discard_noformat", add "disk.img" ~opts:["discard", s "enable"],
  "add_drive: discard: \"enable\" needs the format to be given";
  "discard_readonly",
  add "disk.img" ~opts:(raw @ ["readonly", VBool true; "discard", s "enable"]),
  "discard: \"enable\" is refused for a readonly drive";
]

let scratch ?(opts = []) size = step "add_drive_scratch" [VInt64 size] ~opts

let cases = [
  (* Every optional argument, and every value of every enum. *)
  case "unsafe" [add "disk.img" ~opts:(raw @ ["cachemode", s "unsafe"])]
    ~has:["-device virtio-scsi-pci,id=scsi0 -drive file=D/disk.img,cache=unsafe,\
           format=raw,id=hd0,if=none -device scsi-hd,drive=hd0"];
  case "default" [add "disk.img" ~opts:raw]
    ~has:[d0 ^ ",format=raw,id=hd0,if=none -device scsi-hd,drive=hd0"];
  case "writeback" [add "disk.img" ~opts:(raw @ ["cachemode", s "writeback"])]
    ~has:[d0 ^ ",format=raw,id=hd0,if=none"];
  case "no_optargs" [add "disk.img"] ~has:[d0 ^ ",id=hd0,if=none"];
  case "opts_name" [add "disk.img" ~opts_name:true ~opts:["cachemode", s "unsafe"]]
    ~has:["-drive file=D/disk.img,cache=unsafe,id=hd0,if=none"];
  case "opts_name_no_optargs" [add "disk.img" ~opts_name:true] ~has:[d0 ^ ",id=hd0"];
  case "comma" [add "comma,name.img" ~opts:raw]
    ~has:["-drive file=D/comma,,name.img,cache=writeback,format=raw,id=hd0,if=none"];
  case "discard_enable" [add "disk.img" ~opts:(raw @ ["discard", s "enable"])]
    ~has:[",format=raw,discard=unmap,id=hd0,if=none"];
  case "discard_besteffort" [add "disk.img" ~opts:(raw @ ["discard", s "besteffort"])]
    ~has:[",format=raw,discard=unmap,id=hd0,if=none"];
  case "discard_besteffort_noformat" [add "disk.img" ~opts:["discard", s "besteffort"]]
    ~has:[",cache=writeback,discard=unmap,id=hd0"];
  case "discard_disable" [add "disk.img" ~opts:(raw @ ["discard", s "disable"])]
    ~has:[",format=raw,id=hd0,if=none"] ~lacks:["discard="];
  case "copyonread" [add "disk.img" ~opts:(raw @ ["copyonread", VBool true])]
    ~has:[",format=raw,copy-on-read=on,id=hd0,if=none"];
  case "copyonread_false" [add "disk.img" ~opts:["copyonread", VBool false]]
    ~has:["cache=writeback,id=hd0,if=none"] ~lacks:["copy-on-read"];
  case "label" [add "disk.img" ~opts:(raw @ ["label", s "mylabel"])]
    ~has:["-device scsi-hd,drive=hd0,serial=mylabel"];
  case "blocksize_4096" [add "disk.img" ~opts:["blocksize", int 4096]]
    ~has:["-device scsi-hd,drive=hd0,physical_block_size=4096,logical_block_size=4096"];
  case "blocksize_512" [add "disk.img" ~opts:["blocksize", int 512]]
    ~has:["physical_block_size=512,logical_block_size=512"];
  case "readonly" [add "disk.img" ~opts:(raw @ ["readonly", VBool true])]
    ~has:[d0 ^ ",snapshot=on,format=raw,id=hd0,if=none"];
  case "readonly_false" [add "disk.img" ~opts:["readonly", VBool false]]
    ~has:["file=D/disk.img,cache=writeback,id=hd0,if=none"] ~lacks:["snapshot"];
  case "add_drive_ro" [step "add_drive_ro" [s "ro.img"]]
    ~has:["-drive file=D/ro.img,cache=writeback,snapshot=on,id=hd0,if=none"];
  case "name" [add "disk.img" ~opts:["name", s "system"]]
    ~has:["file=D/disk.img,cache=writeback,id=hd0,if=none -device scsi-hd,drive=hd0"];
  case "iface_scsi" [add "disk.img" ~opts:["iface", s "scsi"]]
    ~has:["-device virtio-scsi-pci,id=scsi0 " ^ d0 ^ ",id=hd0,if=none"];
  case "iface_virtio" [add "disk.img" ~opts:["iface", s "virtio"]]
    ~has:["-device virtio-blk-pci,drive=hd0"];
  case "iface_ide" [add "disk.img" ~opts:["iface", s "ide"]]
    ~has:["-device ide-hd,drive=hd0,bus=ide.0,unit=0"];
  case "all" [add "disk.img" ~opts_name:true
                ~opts:["readonly", VBool false; "format", s "qcow2";
                       "iface", s "virtio"; "name", s "n"; "label", s "L_1";
                       "cachemode", s "unsafe"; "discard", s "besteffort";
                       "copyonread", VBool true; "blocksize", int 512]]
    ~has:["cache=unsafe,format=qcow2,discard=unmap,copy-on-read=on"];
  case "all_enable" [add "disk.img"
                       ~opts:["readonly", VBool false; "format", s "qcow2";
                              "iface", s "virtio"; "name", s "all";
                              "label", s "L_1"; "cachemode", s "unsafe";
                              "discard", s "enable"; "copyonread", VBool true;
                              "blocksize", int 4096]]
    ~has:["serial=L_1,physical_block_size=4096"];
  case "two" [add "disk.img" ~opts:raw;
              add "comma,name.img" ~opts:(raw @ ["cachemode", s "unsafe"])]
    ~has:["-device scsi-hd,drive=hd0 -drive file=D/comma,,name.img,cache=unsafe,\
           format=raw,id=hd1,if=none -device scsi-hd,drive=hd1"];
  case "two_ifaces" [add "disk.img" ~opts:(raw @ ["cachemode", s "unsafe"]);
                     add "disk2.img" ~opts:["format", s "qcow2"; "iface", s "virtio"]]
    ~has:["-drive file=D/disk2.img,cache=writeback,format=qcow2,id=hd1"];
  (* Writable drives each on a file of their own; readonly ones share. *)
  case "many" [add "disk.img" ~opts:(raw @ ["cachemode", s "unsafe"]);
               add "disk2.img" ~opts:raw;
               add "comma,name.img" ~opts:raw;
               add "ro.img" ~opts:(raw @ ["discard", s "enable"]);
               add "shared.img" ~opts:(raw @ ["copyonread", VBool true; ro]);
               add "shared.img" ~opts:(raw @ ["label", s "mylabel"; ro]);
               add "shared.img" ~opts:(raw @ ["blocksize", int 4096; ro]);
               add "shared.img" ~opts:[ro];
               add "shared.img" ~opts:["iface", s "virtio"; "cachemode", s "unsafe";
                                       "discard", s "besteffort"; ro];
               add "shared.img" ~opts:["iface", s "ide"; "name", s "n"; ro];
               step "set_memsize" [int 2048]; step "set_smp" [int 2];
               step "config" [s "-rtc"; VOptString (Some "base=utc")]]
    ~has:["file=D/comma,,name.img,cache=writeback,format=raw,id=hd2,if=none";
          "-m 2048 -smp 2"; "-rtc base=utc"];
  case "settings" [step "set_hv" [s "/usr/bin/qemu-kvm"]; step "set_memsize" [int 2048];
                   step "set_smp" [int 4]; step "set_accel" [s "tcg"];
                   step "config" [s "-cpu"; VOptString (Some "host")];
                   step "config" [s "-no-reboot"; VOptString None];
                   add "disk.img"]
    ~has:["/usr/bin/qemu-kvm -S "; "-machine accel=tcg -m 2048 -smp 4";
          "-cpu host -no-reboot"];
  case "accel_kvm" [step "set_accel" [s "kvm"]] ~has:["-machine accel=kvm "];
  case "accel_kvm_tcg" [step "set_accel" [s "kvm:tcg"]] ~has:["-machine accel=kvm:tcg "];
  case "config" [step "config" [s "-cpu"; VOptString (Some "host")];
                 step "config" [s "-nographic"; VOptString None]]
    ~has:["-cpu host -nographic"];

  (* Whether root may open a sysctl file for writing depends on the
   * machine; C and every binding must still agree. *)
  case "not_writable" [add "/proc/sys/kernel/ostype" ~expect:Either];
  case "not_writable_ro"
    [add "/proc/sys/kernel/ostype" ~opts:["readonly", VBool true] ~expect:Either];

  (* Limits. *)
  refused "too_many_ide" (repeat 5 (add "disk.img" ~opts:["iface", s "ide"; ro]))
    "add_drive: iface: \"ide\" can hold at most 4 drives";
  refused "too_many_virtio" (repeat 30 (add "disk.img" ~opts:["iface", s "virtio"; ro]))
    "add_drive: iface: \"virtio\" can hold at most 29 drives";

  (* One file, several drives: only if all are readonly. *)
  refused "shared_writable" [add "disk.img"; add "disk.img"]
    "add_drive: filename: \"D/disk.img\" is the file of drive hd0 \
     (\"D/disk.img\") already; qemu opens a file for several drives only \
     if all of them are readonly";
  refused "shared_readonly_writable"
    [add "disk.img" ~opts:[ro]; add "disk2.img"; add "disk.img"]
    "add_drive: filename: \"D/disk.img\" is the file of drive hd0";
  refused "shared_writable_readonly" [add "disk.img"; step "add_drive_ro" [s "disk.img"]]
    "add_drive_ro: filename: \"D/disk.img\" is the file of drive hd0";
  case "shared_readonly" [add "disk.img" ~opts:[ro]; step "add_drive_ro" [s "disk.img"]]
    ~has:["file=D/disk.img,cache=writeback,snapshot=on,id=hd1,if=none"];
  refused "scratch_zero" [scratch 0L]
    "add_drive_scratch: size: 0 is not valid; allowed: 1 or more bytes";
  refused "scratch_negative" [scratch (-1L)] "size: -1 is not valid";
  refused "scratch_label" [scratch 1048576L ~opts:["label", s "a b"]]
    ("add_drive_scratch: label: \"a b\" " ^ label_rule);
  refused "scratch_blocksize" [scratch 1048576L ~opts:["blocksize", int 1]]
    "add_drive_scratch: blocksize: 1 is not valid; allowed: 512, 4096";
  refused "scratch_blocksize_zero" [scratch 1024L ~opts:["blocksize", int 0]]
    "blocksize: 0 is not valid";

  (* Settings. *)
  refused "memsize_zero" [step "set_memsize" [int 0]]
    "set_memsize: memsize: 0 is out of range; allowed: 128 to 1048576 (MiB)";
  refused "memsize_low" [step "set_memsize" [int 127]] "memsize: 127 is out of range";
  refused "memsize_high" [step "set_memsize" [int 1048577]] "1048577 is out of range";
  refused "memsize_negative" [step "set_memsize" [int (-1)]] "-1 is out of range";
  refused "smp_zero" [step "set_smp" [int 0]]
    "set_smp: smp: 0 is out of range; allowed: 1 to 255";
  refused "smp_high" [step "set_smp" [int 256]] "smp: 256 is out of range";
  refused "hv_empty" [step "set_hv" [s ""]] "set_hv: hv: \"\" is not valid";
  refused "hv_null" [step "set_hv" [VNull]] "set_hv: hv: must not be NULL";
  refused "accel" [step "set_accel" [s "xen"]] "set_accel: accel: \"xen\" is not valid";
  refused "backend" [step "set_backend" [s "bogus"]]
    "set_backend: backend: \"bogus\" is not valid";
  refused "config_nodash" [step "config" [s "cpu"; VOptString (Some "host")]]
    "config: qemuparam: \"cpu\" is not valid; allowed: a qemu parameter starting with -";
  refused "config_managed" [step "config" [s "-drive"; VOptString (Some "file=x")]]
    "config: qemuparam: \"-drive\" is set by qdrive itself; not allowed: ";
  refused "config_managed_dashes" [step "config" [s "--m"; VOptString (Some "4096")]]
    "config: qemuparam: \"--m\" is set by qdrive itself; not allowed: ";
  refused "config_not_allowed" [step "config" [s "-blockdev"; VOptString (Some "x")]]
    "config: qemuparam: \"-blockdev\" is not one config passes to qemu; allowed: ";
  refused "config_flag_value"
    [step "config" [s "-no-reboot"; VOptString (Some "/some/file")]]
    "config: qemuvalue: \"/some/file\" is not valid for -no-reboot, which \
     takes none (qemu would read it as a disk's file); allowed: NULL";
  refused "config_device_storage"
    [step "config" [s "-device"; VOptString (Some "e1000,driver=ide-cd")]]
    "config: qemuvalue: \"e1000,driver=ide-cd\" is not valid for -device: \
     \"ide-cd\" is a storage device";
  refused "launch_timeout_zero" [step "set_launch_timeout" [int 0]]
    "set_launch_timeout: seconds: 0 is out of range";
  refused "launch_timeout_high" [step "set_launch_timeout" [int 3601]]
    "seconds: 3601 is out of range";
  refused "block_info_not_launched" [step "block_info" []]
    "block_info: the virtual machine is not launched; call launch first";
  refused "shutdown_not_launched" [step "shutdown" []]
    "shutdown: the virtual machine is not launched";
]
  (* Each bad drive alone... *)
  @ List.map (fun (tag, st, msg) -> refused ("bad_" ^ tag) [st] msg) bad_drives
  (* ... and all of them after a good drive: every refused call leaves
   * the handle as it was. *)
  @ [case "refused_leave_handle_unchanged"
       (add "disk.img" ~opts:raw
        :: List.map (fun (_, st, msg) -> fails msg st) bad_drives)
       ~has:[d0 ^ ",format=raw,id=hd0,if=none -device scsi-hd,drive=hd0"]
       ~lacks:["hd1"]]

(* ------------------------------------------------------------------ *)
(* Which languages can express a case. *)

type lang = C | Python | Perl | OCaml

let lang_name = function
  | C -> "c" | Python -> "python" | Perl -> "perl" | OCaml -> "ocaml"

let step_params st =
  let c = Api.find_call st.call in
  List.combine (List.map snd c.args) st.args
  @ List.map (fun (n, v) ->
      ((find_optarg c n).otype, v)) st.opts

let is_null = function Xtest.VNull -> true | _ -> false
let bad_enum = function
  | Enum e, Xtest.VString v -> not (List.mem v (enum_names e))
  | _ -> false

let expressible lang case =
  let params = List.concat_map step_params case.steps in
  match lang with
  | C | Perl -> true
  | Python -> not (List.exists (fun (_, v) -> is_null v) params)
  | OCaml ->
    not (List.exists (fun (t, v) -> is_null v || bad_enum (t, v)) params)

let cases_for lang = List.filter (expressible lang) cases

(* ------------------------------------------------------------------ *)
(* The C reference. *)

let c_value t v =
  match t, v with
  | _, Xtest.VNull -> "(const char *) NULL"
  | Int64, Xtest.VInt64 _ -> sprintf "(int64_t) %s" (Xtest.c_value v)
  | _ -> Xtest.c_value v

let c_expect = function
  | Succeeds -> "EXPECT_OK, NULL"
  | Fails msg -> "EXPECT_ERROR, " ^ c_quote msg
  | Either -> "EXPECT_EITHER, NULL"

let c_strings l = sprintf "(const char *[]) { %s }"
    (String.concat ", " (List.map c_quote l @ ["NULL"]))

let generate_c_step case st =
  let c = Api.find_call st.call in
  let args = List.map2 (fun (_, t) v -> c_value t v) c.args st.args in
  (* The plain function where there is one: a call without optional
   * arguments, or add_drive (OptsSuffix) when none is given. *)
  let plain =
    c.optargs = [] || (has_flag c OptsSuffix && st.opts = [] && not st.opts_name) in
  let call =
    if plain then
      sprintf "qdrive_%s (%s)" c.name (String.concat ", " ("g" :: args))
    else begin
      let opts = List.concat_map (fun (n, v) ->
          let o = find_optarg c n in
          [C.optarg_const c o; c_value o.otype v]) st.opts in
      sprintf "qdrive_%s (%s)" (c_opts_name c)
        (String.concat ", " (("g" :: args) @ opts @ ["-1"]))
    end in
  let free = match c.ret with
    | RString -> "free (r)" | RStringList -> "qdrive_free_string_list (r)"
    | RStruct s -> sprintf "qdrive_free_%s (r)" s
    | RStructList s -> sprintf "qdrive_free_%s_list (r)" s
    | RErr | RBool | RInt | RInt64 -> "(void) r" in
  pr "    {\n      %s = " (C.c_ret_decl c);
  pr_wrap (fun () -> pr "%s;" call);
  pr "\n      step (g, %s, %s, r == %s, %s);\n      %s;\n    }\n"
    (c_quote case.tag) (c_quote c.name) (C.c_err_value c.ret) (c_expect st.expect)
    free

let generate_c () =
  banner CStyle;
  pr "\
/* The C reference of the \"same as C\" comparison (see
 * generator/same_as_c.ml): usage: same-as-c LANGUAGE, in a directory
 * holding disk.img, disk2.img, comma,name.img and ro.img.  Prints the
 * cases LANGUAGE can express (c: all); exits 1 if C itself does not
 * meet a case's expectations. */

#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include \"qdrive.h\"
#include \"same-as-c-lib.h\"

int
main (int argc, char *argv[])
{
  const char *lang;
  qdrive_h *g;

  if (argc != 2) {
    fprintf (stderr, \"usage: same-as-c c|python|perl|ocaml\\n\");
    exit (EXIT_FAILURE);
  }
  lang = argv[1];
  same_as_c_init ();
  print_version ();

";
  List.iter (fun case ->
      let langs = List.filter (fun l -> expressible l case) [C; Python; Perl; OCaml] in
      pr "  /* %s */\n" case.tag;
      pr "  if (lang_in (lang, %s)) {\n"
        (c_quote (String.concat " " (List.map lang_name langs)));
      pr "    g = new_handle ();\n";
      List.iter (generate_c_step case) case.steps;
      pr "    print_argv (g, %s,\n                %s,\n                %s);\n"
        (c_quote case.tag) (c_strings case.has) (c_strings case.lacks);
      pr "    qdrive_close (g);\n  }\n") cases;
  pr "  return same_as_c_status ();\n}\n"
