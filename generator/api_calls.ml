(* SPDX-License-Identifier: GPL-2.0-or-later *)
(* qdrive generator: the API's calls, public and internal (part of the
 * API description: see api.ml). *)

open Types
open Api_enums
open Api_config

(* Every version of the library, oldest first; a call's [added] is one
 * of them (checked by checks.ml). *)
let versions = [ "0.1.0" ]

(* A call with no optional arguments, callable in any state, added in
 * the first version: what most calls are. *)
let call ?(optargs = []) ?(state = AnyState) ?(flags = [])
    ?(added = "0.1.0") ~name ~ret ~args ~shortdesc longdesc =
  { name; ret; args; optargs; state; flags; added; shortdesc; longdesc }

(* The integer settings: the argument set_NAME takes, its range (and
 * unit, for the error), and the handle's default.  set_NAME and
 * get_NAME are made from this (set_int_call, get_int_call), and so is
 * their C: the generator emits the constants QDRIVE_INT_NAME_MIN, _MAX
 * and _DEFAULT (enums.h) and both calls' implementations, a range
 * check and the handle's field g->NAME (actions.c). *)
type int_setting = {
  setting : string; arg : string; unit : string;
  min : int; max : int; default : int;
}

let int_settings = [
  { setting = "memsize"; arg = "memsize"; unit = " (MiB)";
    min = 128; max = 1048576; default = 256 };
  { setting = "smp"; arg = "smp"; unit = ""; min = 1; max = 255; default = 1 };
  { setting = "launch_timeout"; arg = "seconds"; unit = "";
    min = 1; max = 3600; default = 60 };
]

let int_setting name = List.find (fun r -> r.setting = name) int_settings

let range_text name =
  let r = int_setting name in
  Printf.sprintf "from %d to %d.  The default is %d." r.min r.max r.default

(* set_NAME, before launch; its documentation ends with the range. *)
let set_int_call name ~shortdesc doc =
  let r = int_setting name in
  call ~name:("set_" ^ name) ~ret:RErr ~args:[r.arg, Int] ~state:ConfigOnly
    ~shortdesc (doc ^ range_text name)

let get_int_call name ~shortdesc doc =
  call ~name:("get_" ^ name) ~ret:RInt ~args:[] ~shortdesc doc

(* Optional arguments shared by several calls. *)

let name_optarg = {
  oname = "name"; otype = String;
  odoc = "A name for the drive, kept by qdrive and shown by \
          C<list_drives>.  It is not passed to qemu.";
}

let label_optarg = {
  oname = "label"; otype = String;
  odoc = "The drive's serial number as the guest sees it (C<serial=> on \
          the qemu device).  1 to 20 characters, each a letter, a digit \
          or C<_>.";
}

let blocksize_optarg = {
  oname = "blocksize"; otype = Int;
  odoc = "The physical and logical block size the guest sees: C<512> \
          or C<4096>.  If not given, qemu's default applies.";
}

let public_calls = [
  call ~name:"add_drive" ~ret:RErr ~args:["filename", String]
    ~state:ConfigOnly ~flags:[OptsSuffix; Alias "add"]
    ~optargs:[
      { oname = "readonly"; otype = Bool;
        odoc = "If true, the file is never written: the guest's writes \
                go to a throw-away overlay that qemu discards when it \
                exits (C<snapshot=on>)." };
      { oname = "format"; otype = String;
        odoc = "The disk format, for example C<raw> or C<qcow2>: \
                letters, digits, C<_> and C<->.  If not given, qemu \
                probes the format, which is unsafe for files a guest \
                has written; give it whenever you know it." };
      { oname = "iface"; otype = Enum iface;
        odoc = "How the disk is attached to the guest." };
      name_optarg;
      label_optarg;
      { oname = "cachemode"; otype = Enum cachemode;
        odoc = "How qemu caches the disk's data on the host.  Use \
                C<unsafe> only for disks whose contents you can lose." };
      { oname = "discard"; otype = Enum discard;
        odoc = "Whether the guest's discard (trim) requests reach the file." };
      { oname = "copyonread"; otype = Bool;
        odoc = "If true, data read from a backing file is copied into \
                the image (C<copy-on-read=on>)." };
      blocksize_optarg;
      { oname = "protocol"; otype = Enum protocol;
        odoc = "Where the disk is: a local file (the default) or a \
                server.  For a network drive C<filename> names the disk \
                on the server, as each value says." };
      { oname = "server"; otype = StringList;
        odoc = "The servers of a network drive, each C<HOST>, \
                C<HOST:PORT>, C<tcp:HOST>, C<tcp:HOST:PORT> or \
                C<unix:/PATH> (an IPv6 address in brackets, a port from \
                1 to 65535).  Exactly one for every protocol but C<rbd> \
                (any number) and C<file> (none); unix sockets only for \
                C<nbd> and C<gluster>." };
      { oname = "username"; otype = String;
        odoc = "The user to log in as, for C<http>, C<https>, C<ftp>, \
                C<ftps>, C<ssh>, C<iscsi> and C<rbd>." };
      { oname = "secret"; otype = Secret;
        odoc = "The password (the Ceph key for C<rbd>), for C<http>, \
                C<https>, C<ftp>, C<ftps> and C<iscsi> with a \
                C<username>, and for C<rbd>.  It never appears in the \
                trace, in error messages, in C<list_drives> or on qemu's \
                command line: qemu reads it from a file of mode 0600 in \
                the handle's private directory, removed once qemu has \
                started.  C<ssh> takes no secret: qemu's ssh driver \
                logs in only with keys from C<ssh-agent>." };
    ]
    ~shortdesc:"add a disk image to the virtual machine"
    "Add the file C<filename> as a disk of the virtual machine.  A \
     relative path is made absolute against the current directory, \
     and the file must exist and be readable (and writable, unless \
     C<readonly> is true).  It must be a regular file or a block \
     device (after symbolic links): a directory, a FIFO, a socket or \
     a character device is refused, saying which it is.  Several \
     drives may have the same file (by any name: hard and symbolic \
     links are the same file, and a block device is the same whichever \
     node names it) only if all of them are C<readonly>: qemu refuses \
     a file another drive writes to, and C<add_drive> refuses it \
     first, naming the drive that has it.  With the C<libvirt> backend \
     and a URI that names another host, the file is that host's: the \
     name must be absolute, and the daemon checks the file at launch \
     (see the libvirt backend in qdrive(3)).\n\n\
     With C<protocol>, the disk is on a server instead: C<filename> \
     then names it there, and only the form of each value is checked \
     here; whether the server answers is known at C<launch>, which \
     fails naming the server if it does not.  A C<readonly> network \
     drive is never written on the server.\n\n\
     The drives are given to the guest in the order they were added.  \
     Every value is checked here, so a drive that was accepted will \
     not be refused later for its options, and a refused call leaves \
     the handle as it was.\n\n\
     The most important option is C<cachemode>.  The default, \
     C<writeback>, obeys the guest's flush requests and is the right \
     choice for any disk whose contents matter.  C<unsafe> ignores \
     them, which is noticeably faster for disks you would recreate \
     anyway after a crash.";

  call ~name:"add_drive_ro" ~ret:RErr ~args:["filename", String]
    ~state:ConfigOnly
    ~shortdesc:"add a disk image that is never written"
    "The same as C<add_drive> with C<readonly> true.";

  call ~name:"add_drive_scratch" ~ret:RErr ~args:["size", Int64]
    ~state:ConfigOnly
    ~optargs:[ name_optarg; label_optarg; blocksize_optarg ]
    ~shortdesc:"add a temporary scratch disk"
    "Add a disk of C<size> bytes that starts empty.  It is a sparse \
     raw file in the handle's private temporary directory, attached \
     with C<cachemode> C<unsafe> (its contents do not survive the \
     handle anyway), and it is deleted when the handle is closed.  \
     With the C<libvirt> backend it is instead a volume that launch \
     creates in the daemon's storage pool C<default> and shutdown \
     deletes (see the libvirt backend in qdrive(3)).";

  call ~name:"set_hv" ~ret:RErr ~args:["hv", String] ~state:ConfigOnly
    ~shortdesc:"set the qemu binary"
    "Set the qemu binary to run.  The default is the value of the \
     environment variable C<QDRIVE_HV> when the handle was created, \
     or C<qemu-system-x86_64> (searched in C<PATH>).";
  call ~name:"get_hv" ~ret:RString ~args:[]
    ~shortdesc:"get the qemu binary" "Return the qemu binary to run.";

  set_int_call "memsize" ~shortdesc:"set the guest's memory in MiB"
    "Set the memory of the virtual machine in MiB, ";
  get_int_call "memsize" ~shortdesc:"get the guest's memory in MiB"
    "Return the memory of the virtual machine in MiB.";

  set_int_call "smp" ~shortdesc:"set the number of virtual CPUs"
    "Set the number of virtual CPUs, ";
  get_int_call "smp" ~shortdesc:"get the number of virtual CPUs"
    "Return the number of virtual CPUs.";

  call ~name:"set_accel" ~ret:RErr ~args:["accel", Enum accel]
    ~state:ConfigOnly
    ~shortdesc:"choose the accelerator"
    "Choose how qemu runs the guest's code.  The default is the value \
     of the environment variable C<QDRIVE_ACCEL> when the handle was \
     created, or C<kvm:tcg>.";
  call ~name:"get_accel" ~ret:RString ~args:[]
    ~shortdesc:"get the accelerator" "Return the accelerator setting.";

  call ~name:"set_backend" ~ret:RErr ~args:["backend", String]
    ~state:ConfigOnly
    ~shortdesc:"choose how the virtual machine is run"
    "Choose the backend: C<direct> (the default) runs qemu itself; \
     C<libvirt> runs it through libvirt's default connection, and \
     C<libvirt:URI> through the connection C<URI>.\n\n\
     The URI goes to libvirt as it is, and a libvirt URI can do more \
     than name a connection.  It can run a program of its choosing \
     (C<qemu+ext:///system?command=/path/to/program>, and the \
     C<command=> of C<qemu+ssh://>), connect to another host, and read \
     any file this process can read (C<test:///PATH> loads the file as \
     a driver description; its first line may appear in \
     C<launch>'s error).  So a backend string is as trusted as a \
     command line: never take it from a user or a file you do not \
     trust.";
  call ~name:"get_backend" ~ret:RString ~args:[]
    ~shortdesc:"get the backend" "Return the backend setting.";

  call ~name:"set_trace" ~ret:RErr ~args:["trace", Bool]
    ~shortdesc:"trace every call"
    "If true, every call on the handle prints a line with its name and \
     arguments, and one with its result, to standard error, each \
     starting C<qdrive: trace:>.";
  call ~name:"get_trace" ~ret:RBool ~args:[]
    ~shortdesc:"get the trace flag" "Return true if tracing is on.";

  call ~name:"set_verbose" ~ret:RErr ~args:["verbose", Bool]
    ~shortdesc:"print what is done"
    "If true, the handle prints what it does (such as the qemu command \
     it runs) and qemu's own messages to standard error.";
  call ~name:"get_verbose" ~ret:RBool ~args:[]
    ~shortdesc:"get the verbose flag" "Return true if verbose output is on.";

  call ~name:"config" ~ret:RErr
    ~args:["qemuparam", String; "qemuvalue", OptString] ~state:ConfigOnly
    ~shortdesc:"add a qemu parameter"
    (let code l = String.concat ", " (List.map (fun p -> "C<" ^ p ^ ">") l) in
     let params v = code (List.map fst (List.filter (fun (_, t) -> t = v)
                                          config_params)) in
     "Add the qemu parameter C<qemuparam>, followed by C<qemuvalue> if \
      the parameter takes a value, to the qemu command line, after the \
      parameters qdrive sets itself.\n\n\
      Only these parameters are taken, each also spelt C<--NAME> as \
      qemu takes it: with a value, " ^ params true ^ "; without, " ^
     params false ^ ".  A parameter that takes a value needs one \
      (C<qemuvalue> not NULL), and one that takes none must not be \
      given one: qemu would read it as the file of a disk.\n\n\
      Any other parameter is refused.  This is a list of what is \
      allowed rather than of what is refused, because qemu has many \
      parameters that add, change or remove drives (C<-drive>, \
      C<-blockdev>, C<-hda>, C<-cdrom>, C<-pflash>, C<-snapshot>, \
      C<-set>, C<-readconfig>, ...), that override what qdrive sets \
      (C<-M>, C<-accel>, ...), that open another monitor (C<-monitor>, \
      C<-qmp>, C<-gdb>), or that make qemu leave the process that \
      started it (C<-daemonize>).  So no drive reaches qemu but through \
      C<add_drive>, nothing of qemu outlives C<shutdown>, and what the \
      handle reports (C<get_memsize>, C<get_smp>, C<get_accel>, \
      C<list_drives>) is what qemu runs with.  The parameters qdrive \
      sets itself (" ^ code managed_qemu_params ^ ") are refused saying \
      so.\n\n\
      Values that could do the same are checked: C<-device> refuses \
      qemu's storage devices and the devices that give the guest a \
      host device or a host file (" ^ code config_refused_devices ^ "); \
      C<-object> takes the types " ^ code config_object_types ^ "; \
      C<-netdev> and C<-nic> take the backends " ^
     code config_netdev_types ^ ", without " ^
     code (List.map (fun o -> o ^ "=") config_refused_netdev_options) ^
     " (one starts a server that leaves qemu, the other runs \
      commands); C<-serial> takes neither C<mon:> (a monitor) nor \
      C<chardev:>.  C<-device>, C<-object> and C<-netdev> are taken in \
      qemu's C<key=value,...> form, not as JSON.");

  set_int_call "launch_timeout" ~shortdesc:"set how long launch waits for qemu"
    "Set how many seconds C<launch> waits for qemu to answer on its \
     QMP socket (and with C<guest> C<appliance>, for the appliance to \
     be built and to boot) before it kills qemu and fails, ";
  get_int_call "launch_timeout"
    ~shortdesc:"get how long launch waits for qemu"
    "Return how many seconds C<launch> waits for qemu.";

  call ~name:"set_guest" ~ret:RErr ~args:["guest", Enum guest]
    ~state:ConfigOnly
    ~shortdesc:"choose what runs in the virtual machine"
    "Choose what C<launch> starts: a machine stopped before its first \
     instruction (C<stopped>), or qdrive's appliance (C<appliance>), in \
     which C<sh> and C<command> run commands against the drives.  The \
     default is the value of the environment variable C<QDRIVE_GUEST> \
     when the handle was created, or C<stopped>.\n\n\
     The appliance is built the first time it is needed from the \
     host's kernel (see C<set_kernel>), busybox (Debian: \
     C<busybox-static>), qemu's guest agent (C<qemu-guest-agent>), \
     C<mke2fs> and C<e2fsck> (C<e2fsprogs>) and the shared libraries \
     and kernel modules these need, without network access.  It is \
     cached (see C<set_cachedir>), reused while none of those files \
     has changed, and rebuilt when one has.  Both backends launch it; \
     through libvirt, its kernel and initramfs are uploaded to the \
     daemon's storage at launch (see the libvirt backend in \
     qdrive(3)).";
  call ~name:"get_guest" ~ret:RString ~args:[]
    ~shortdesc:"get what runs in the virtual machine"
    "Return the guest setting: C<stopped> or C<appliance>.";

  call ~name:"set_kernel" ~ret:RErr ~args:["kernel", String]
    ~state:ConfigOnly
    ~shortdesc:"choose the appliance's kernel"
    "Choose the Linux kernel the appliance boots: a kernel image, a \
     directory in which qdrive chooses one, or the empty string for \
     F</boot>.  The default is the value of the environment variable \
     C<QDRIVE_KERNEL> when the handle was created, or the empty string.  \
     In a directory, qdrive takes the newest F<vmlinuz-VERSION> whose \
     modules are installed, a cloud kernel first (Debian's \
     C<linux-image-cloud-amd64> boots in less than half the time of the \
     generic kernel under TCG).\n\n\
     The kernel's version is read from the image; its modules are \
     taken from F<ROOT/lib/modules/VERSION> for a kernel in \
     F<ROOT/boot> (an unpacked kernel package, say), and from \
     F</lib/modules/VERSION> otherwise.  The setting is checked at \
     C<launch>, when it is used.";
  call ~name:"get_kernel" ~ret:RString ~args:[]
    ~shortdesc:"get the appliance's kernel setting"
    "Return the kernel setting: a kernel image, a directory, or the \
     empty string for F</boot>.";

  call ~name:"set_cachedir" ~ret:RErr ~args:["cachedir", String]
    ~state:ConfigOnly
    ~shortdesc:"choose where the appliance is cached"
    "Choose the directory where the appliance is built and kept.  It \
     is created if needed, and must be owned by the user and writable \
     by no one else.  The default is the value of the environment \
     variable C<QDRIVE_CACHEDIR> when the handle was created, or else \
     F<$XDG_CACHE_HOME/qdrive>, F<$HOME/.cache/qdrive>, or \
     F</var/tmp/qdrive-UID>, the first whose variables are set.";
  call ~name:"get_cachedir" ~ret:RString ~args:[]
    ~shortdesc:"get where the appliance is cached"
    "Return the directory where the appliance is cached.";

  call ~name:"launch" ~ret:RErr ~args:[] ~state:ConfigOnly ~flags:[Blocking]
    ~shortdesc:"start the virtual machine"
    "Start the virtual machine with the drives added so far.  With \
     C<guest> C<stopped> (the default) it is stopped before its first \
     instruction, and C<launch> returns once qemu (or libvirt) reports \
     every drive.  With C<guest> C<appliance> it boots the appliance \
     (building it first if the cached one is missing or out of date), \
     and C<launch> returns once the appliance's guest agent answers and \
     every drive is visible inside it; if it does not within \
     C<launch_timeout> seconds, qemu is killed and the error gives the \
     last lines of the appliance's console.  Afterwards the handle is \
     launched: calls that configure the machine fail, and \
     C<block_info>, C<blockstats> and C<shutdown> work (and with the \
     appliance C<sh>, C<command> and C<list_devices>).";

  call ~name:"block_info" ~ret:(RStructList "block_info") ~args:[]
    ~state:LaunchedOnly
    ~shortdesc:"what the running qemu made of each drive"
    "Ask the running virtual machine what it made of each drive: its \
     file (for a network drive qemu's URI or C<json:> description, \
     naming the server), format, protocol driver, whether it is \
     read-only, and its cache flags, as qemu itself reports them \
     (through libvirt, when the backend is C<libvirt>).  For \
     C<cachemode> C<writeback> qemu reports C<cache_writeback> true and \
     the other two false; for C<unsafe>, C<cache_no_flush> is true.\n\n\
     qemu reports names in UTF-8, writing U+FFFD for bytes that are \
     not; the name of a local file that is not UTF-8 is reported as \
     the file's own name, the one C<add_drive> was given.";

  call ~name:"blockstats" ~ret:(RStructList "blockstats") ~args:[]
    ~state:LaunchedOnly
    ~shortdesc:"each drive's I/O counters"
    "Return one entry per drive, in the order the drives were added, \
     with the bytes and requests read and written, the flush requests \
     and the time qemu spent on each kind, from QMP \
     C<query-blockstats> (through libvirt: C<virDomainBlockStatsFlags>).  \
     It works with either C<guest> (with C<stopped> the counters stay \
     at 0).  Comparing a drive's C<flush_total_time_ns> under \
     C<writeback> and C<unsafe> shows what the cache mode costs or \
     saves.";

  call ~name:"sh" ~ret:RString ~args:["command", String]
    ~state:LaunchedOnly ~flags:[Blocking]
    ~shortdesc:"run a shell command in the appliance"
    "Run C</bin/sh -l -c command> in the appliance (C<guest> \
     C<appliance>) and return what it wrote to its standard output, \
     once it has exited, however long it runs.  The drives are \
     F</dev/sdX> and F</dev/vdX> there (see C<list_devices>), and a \
     drive with a C<label> is also F</dev/disk/qdrive/LABEL>.  The \
     shell and the usual commands are busybox's, with C<mke2fs> \
     (C<mkfs.ext4> and the like) and C<e2fsck> from e2fsprogs.\n\n\
     A command that exits with a status other than 0 is an error whose \
     message gives the status and the last lines of its standard \
     error; one killed by a signal is an error naming the signal.  The \
     output must be text: output holding a NUL byte is an error, and so \
     is output longer than the guest agent passes on (16 MiB).\n\n\
     C<qdrive_user_cancel> (Ctrl-C, in the bindings and C<qdrive(1)>) \
     stops the wait: the command is killed in the appliance, with the \
     processes it started, and the call fails with C<cancelled> (see \
     \"Cancelling a call\" in C<qdrive(3)>).";

  call ~name:"command" ~ret:RString ~args:["arguments", StringList]
    ~state:LaunchedOnly ~flags:[Blocking]
    ~shortdesc:"run a program in the appliance"
    "Run the program C<arguments[0]> (searched in the appliance's \
     C<PATH> if it has no slash) with the rest of C<arguments> as its \
     arguments, without a shell, and return its standard output.  \
     Errors and cancelling are as for C<sh>; a program that does not \
     exist is an error saying so.";

  call ~name:"list_devices" ~ret:RStringList ~args:[]
    ~state:LaunchedOnly
    ~shortdesc:"the drives' devices in the appliance"
    "Return the device of each drive in the appliance, such as \
     F</dev/sda>, in the order the drives were added.  Each was found \
     at launch from the guest's sysfs by the address qemu gave the \
     drive (PCI slot, SCSI target and LUN, IDE bus and unit), not by \
     the order in which the guest found its disks, which may differ \
     from one boot to the next.";

  call ~name:"shutdown" ~ret:RErr ~args:[] ~state:LaunchedOnly ~flags:[Blocking]
    ~shortdesc:"stop the virtual machine"
    "Stop the virtual machine and wait for it to be gone.  \
     C<qdrive_close> does this for a handle that is still launched.  \
     The handle cannot be launched again.";

  call ~name:"get_libvirt_xml" ~ret:RString ~args:[]
    ~shortdesc:"the libvirt domain XML the libvirt backend defines"
    "Return the libvirt domain XML that the libvirt backend would \
     define for the drives added so far, without connecting to \
     libvirt.  As no connection tells what it offers, the domain is \
     written for a local qemu: type C<kvm> (C<qemu> if C<accel> is \
     C<tcg>), arch C<x86_64>, machine C<pc>, and no uuid.  C<launch> \
     adapts these to the connection's capabilities and adds a uuid.  \
     The domain's name, C<qdrive-> and 16 hex digits, is the same on \
     every call and differs between handles.\n\n\
     Each drive is a C<E<lt>disk type='file' device='disk'E<gt>> with \
     C<E<lt>driverE<gt>> (C<type>: the format, C<cache>: the cache \
     mode, C<discard='unmap'>, C<copy_on_read='on'>), \
     C<E<lt>source file=...E<gt>>, a C<E<lt>targetE<gt>> on the bus \
     of C<iface> (SCSI drives on one virtio-scsi controller), \
     C<E<lt>serialE<gt>> for C<label>, C<E<lt>blockioE<gt>> for \
     C<blocksize>, C<E<lt>transient/E<gt>> for C<readonly>, and the \
     alias C<ua-hdN>.  A network drive is a \
     C<E<lt>disk type='network'E<gt>> with C<E<lt>source protocol=... \
     name=...E<gt>>, a C<E<lt>hostE<gt>> per server and, with a \
     C<secret>, C<E<lt>authE<gt>> naming a libvirt secret that \
     C<launch> defines (ephemeral and private) and C<shutdown> \
     removes; a readonly one is C<E<lt>readonly/E<gt>>, as libvirt has \
     no transient network disks.  C<ssh> drives (libvirt 9.0's XML has \
     none) and a C<username> without a C<secret> are refused.  \
     C<format> is qemu's name, as with the direct backend, written as \
     libvirt's name for the same format (C<vhdx> as C<vhd>, \
     C<parallels> as C<ploop>).  A file name, server or C<config> \
     value that libvirt's XML cannot carry (not UTF-8, or with control \
     characters, tab and newline included: libvirt gives those back as \
     spaces), and a C<format> that libvirt's qemu driver does not open \
     from a file, are refused.\n\n\
     With C<guest> C<appliance>, C<E<lt>osE<gt>> also has the \
     appliance's C<E<lt>kernelE<gt>>, C<E<lt>initrdE<gt>> (its path in \
     the cache directory: it is not built here; C<launch> uploads both \
     to the daemon's storage and names those volumes instead) and \
     C<E<lt>cmdlineE<gt>>; C<E<lt>on_rebootE<gt>> and \
     C<E<lt>on_crashE<gt>> are C<destroy>; the console is a \
     C<E<lt>serial type='pty'E<gt>>, and a \
     C<E<lt>channel type='unix'E<gt>> whose socket libvirt places \
     itself carries the guest agent's port, \
     C<org.qemu.guest_agent.0>, for libvirt's agent API.";

  call ~name:"list_drives" ~ret:(RStructList "drive") ~args:[]
    ~shortdesc:"list the drives the handle holds"
    "Return one entry per drive added so far, with every option as it \
     will be used: defaults filled in, the file name absolute.";

  call ~name:"set_event_callback" ~ret:RInt
    ~args:["cb", Callback event_callback; "events", Flags event]
    ~shortdesc:"register a callback for events of the handle"
    "Register C<cb> to be called for each event of C<events> that \
     happens on the handle, and return its event handle, a number from \
     0 to give C<delete_event_callback>.  Several callbacks may be \
     registered; each event goes to every callback registered for it, \
     in the order they were registered, and events of a class that has \
     a callback are no longer written to standard error.\n\n\
     A callback runs in the thread of the call the event comes from \
     (C<qdrive_close> too: qemu's last lines), while that call holds \
     the handle, so events arrive one at a time and in order.  It must \
     not make calls on the same handle: they fail at once with \
     C<EDEADLK>, and closing the handle from a callback is refused.  \
     It may use other handles.  It should return quickly: the call \
     waits for it (a C<qemu> callback that blocks holds up qemu, whose \
     output is not read meanwhile).\n\n\
     The callback stays registered until C<delete_event_callback> or \
     the handle is closed.  How a callback that raises an exception or \
     dies is handled is each binding's, and never affects the handle \
     or the call.";

  call ~name:"delete_event_callback" ~ret:RErr ~args:["event_handle", Int]
    ~flags:[NotInShell]
    ~shortdesc:"remove a callback registered for events"
    "Remove the callback of C<event_handle>, which \
     C<set_event_callback> returned: it is not called again.  A \
     number that is not the handle of a registered callback is \
     refused.  An event class left without callbacks is written to \
     standard error again, as when none was registered.";

  call ~name:"version" ~ret:(RStruct "version") ~args:[]
    ~shortdesc:"the version of the library"
    "Return the version of the library that is running, which may be \
     later than the one a program was built with (in C, the macros \
     C<QDRIVE_VERSION_MAJOR>, C<QDRIVE_VERSION_MINOR> and \
     C<QDRIVE_VERSION_RELEASE> of F<qdrive.h>; in the bindings, the \
     package's own version).  A release that adds calls raises \
     C<minor> (or C<major>); one that only mends them raises \
     C<release>.";

  call ~name:"get_qemu_command_line" ~ret:RStringList ~args:[]
    ~shortdesc:"the qemu command the direct backend runs"
    "Return the argument vector the direct backend runs, qemu binary \
     first, without running anything.  Values inside qemu's \
     C<key=value,...> lists have their commas doubled, as qemu \
     requires.  The handle's private temporary directory (which holds \
     the QMP socket) is created if it does not exist yet.  With \
     C<guest> C<appliance> the kernel is chosen and the appliance's \
     path in the cache directory given, but it is not built.";
]

(* Calls for the project's own tests: one argument and optional
 * argument of every type, and one call per return type, so that every
 * binding is exercised by the generated cross-language test.  They are
 * internal because they are in this list: left out of the documentation
 * and of help, but callable in every binding. *)
let internal_calls =
  let ret_call name ret what =
    call ~name ~ret ~args:["val", String]
      ~shortdesc:("internal test: return " ^ Utils.pod_to_text what)
      ("Return " ^ what ^ " parsed from C<val>, or fail if C<val> is \
        C<error>.") in
  [
    call ~name:"internal_echo" ~ret:RString
      ~args:["str", String; "optstr", OptString; "strlist", StringList;
             "b", Bool; "i", Int; "i64", Int64; "mode", Enum cachemode]
      ~optargs:[
        { oname = "obool"; otype = Bool; odoc = "A boolean." };
        { oname = "oint"; otype = Int; odoc = "An int, 0 or more." };
        { oname = "oint64"; otype = Int64; odoc = "A 64-bit int." };
        { oname = "ostring"; otype = String; odoc = "A string." };
        { oname = "ostringlist"; otype = StringList; odoc = "Strings." };
        { oname = "oenum"; otype = Enum discard; odoc = "An enum." };
      ]
      ~shortdesc:"internal test: echo the arguments"
      "Return a text describing exactly the arguments received.  Fails \
       if C<str> is C<error> or C<oint> is negative.";
    ret_call "internal_rerr" RErr "nothing";
    ret_call "internal_rbool" RBool "a boolean (C<true> or C<false>)";
    ret_call "internal_rint" RInt "an int";
    ret_call "internal_rint64" RInt64 "a 64-bit int";
    ret_call "internal_rstring" RString "the string itself";
    ret_call "internal_rstringlist" RStringList
      "a list of C<val> strings C<0>, C<1>, ...";
    ret_call "internal_rstruct" (RStruct "internal_struct")
      "a struct whose fields are derived from C<val>";
    ret_call "internal_rstructlist" (RStructList "internal_struct")
      "a list of C<val> structs";
  ]

