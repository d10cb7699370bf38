(* SPDX-License-Identifier: GPL-2.0-or-later *)
(* qdrive generator: the structs the API's calls return (part of the
 * API description: see api.ml). *)

open Types
open Api_enums

(* Structs returned by calls. *)

let drive_struct = {
  sname = "drive";
  sdoc = "One drive held by the handle, as C<list_drives> reports it.";
  sfields = [
    "index", FInt, "Position of the drive, from 0; qemu's id is C<hdINDEX>.";
    "filename", FString,
    "Absolute path of the file, or for a network drive the export, \
     path or volume on the server.";
    "format", FString, "Format given, or the empty string for qemu's probe.";
    "iface", FEnum iface, "Interface.";
    "cachemode", FEnum cachemode, "Cache mode.";
    "readonly", FBool, "True if the file is never written.";
    "discard", FEnum discard, "Discard mode.";
    "copyonread", FBool, "True if copy-on-read is on.";
    "label", FString, "Serial number, or the empty string.";
    "name", FString, "Name, or the empty string.";
    "blocksize", FInt, "Block size, or 0 for qemu's default.";
    "protocol", FEnum protocol, "Protocol.";
    "server", FStringList,
    "The servers, in the order given, each as C<tcp:HOST:PORT> (the \
     protocol's default port filled in) or C<unix:PATH>; an empty list \
     for none.";
    "username", FString, "User name, or the empty string.  (The secret \
     is never reported.)";
  ];
}

(* The internal test calls return this struct and lists of it, so that
 * the cross-language test carries every type of field through every
 * binding: checks.ml fails a field type that some struct uses and this
 * one lacks. *)
let internal_struct = {
  sname = "internal_struct";
  sdoc = "A struct with one field of every type, for the project's tests.";
  sfields = [
    "s", FString, "A string.";
    "b", FBool, "A boolean.";
    "i", FInt, "An int.";
    "i64", FInt64, "A 64-bit int.";
    "mode", FEnum cachemode, "A cache mode.";
    "strings", FStringList, "A list of strings.";
  ];
}

let block_info_struct = {
  sname = "block_info";
  sdoc = "One drive as the running qemu reports it (QMP C<query-block>).";
  sfields = [
    "id", FString, "qemu's id of the drive: C<hdINDEX>.";
    "filename", FString,
    "The file name as qemu sees it; for a network drive qemu's URI or \
     C<json:> description, which names the server.";
    "format", FString, "qemu's format driver, for example C<raw>.";
    "protocol", FString,
    "qemu's protocol driver below the format, for example C<file>, \
     C<nbd> or C<https>.";
    "readonly", FBool, "True if qemu opened the drive read-only.";
    "cache_writeback", FBool, "qemu's C<cache.writeback> flag.";
    "cache_direct", FBool, "qemu's C<cache.direct> flag (C<O_DIRECT>).";
    "cache_no_flush", FBool,
    "qemu's C<cache.no-flush> flag: true when flushes are ignored.";
  ];
}

let blockstats_struct = {
  sname = "blockstats";
  sdoc = "One drive's I/O counters as the running qemu reports them \
          (QMP C<query-blockstats>): what the guest asked of the drive \
          since launch.";
  sfields = [
    (* Not "id": OCaml would then take block_info's "id" for this
     * struct's in code that does not say which record it means. *)
    "drive_id", FString, "qemu's id of the drive: C<hdINDEX>.";
    "rd_bytes", FInt64, "Bytes read.";
    "wr_bytes", FInt64, "Bytes written.";
    "rd_operations", FInt64, "Read requests.";
    "wr_operations", FInt64, "Write requests.";
    "flush_operations", FInt64,
    "Flush requests (the guest's C<fsync>, journal commits).";
    "rd_total_time_ns", FInt64, "Total time spent on reads, in ns.";
    "wr_total_time_ns", FInt64, "Total time spent on writes, in ns.";
    "flush_total_time_ns", FInt64,
    "Total time spent on flushes, in ns: with C<cachemode> C<unsafe> \
     qemu ignores flushes, and this stays near 0.";
  ];
}

(* Where each counter of blockstats comes from: the member of QMP's
 * query-blockstats "stats" object (the direct backend), and the typed
 * parameter of libvirt's virDomainBlockStatsFlags, by its macro in
 * libvirt's header (the libvirt backend).  Every FInt64 field of
 * blockstats_struct is here once (checks.ml), and both backends read
 * them from the table generated from this (enums.h), so a counter added
 * to the struct is one line here. *)
let blockstats_sources = [
  "rd_bytes", "rd_bytes", "VIR_DOMAIN_BLOCK_STATS_READ_BYTES";
  "wr_bytes", "wr_bytes", "VIR_DOMAIN_BLOCK_STATS_WRITE_BYTES";
  "rd_operations", "rd_operations", "VIR_DOMAIN_BLOCK_STATS_READ_REQ";
  "wr_operations", "wr_operations", "VIR_DOMAIN_BLOCK_STATS_WRITE_REQ";
  "flush_operations", "flush_operations", "VIR_DOMAIN_BLOCK_STATS_FLUSH_REQ";
  "rd_total_time_ns", "rd_total_time_ns",
  "VIR_DOMAIN_BLOCK_STATS_READ_TOTAL_TIMES";
  "wr_total_time_ns", "wr_total_time_ns",
  "VIR_DOMAIN_BLOCK_STATS_WRITE_TOTAL_TIMES";
  "flush_total_time_ns", "flush_total_time_ns",
  "VIR_DOMAIN_BLOCK_STATS_FLUSH_TOTAL_TIMES";
]

let version_struct = {
  sname = "version";
  sdoc = "The version of the library: C<MAJOR.MINOR.RELEASE>.";
  sfields = [
    "major", FInt, "The major version.";
    "minor", FInt, "The minor version.";
    "release", FInt, "The release.";
  ];
}

let structs =
  [ drive_struct; block_info_struct; blockstats_struct; version_struct;
    internal_struct ]

let find_struct name = List.find (fun s -> s.sname = name) structs
