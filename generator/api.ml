(* SPDX-License-Identifier: GPL-2.0-or-later *)
(* qdrive generator: the API description.
 *
 * Every call of the library, with the enums, structs and constants the
 * calls use, and nothing else.  The C header and wrappers, the man
 * page, the bindings, the shell's commands and the cross-language
 * tests are all generated from it, after checks.ml has checked it.
 * HACKING says what to write for a new call, option or enum value.
 *
 * The description is in four files; this module gathers them, so the
 * emitters see one [Api]:
 *   api_enums.ml    the enums, flag sets and callback types
 *   api_structs.ml  the structs calls return (list_drives' drive, ...)
 *   api_config.ml   what the config call passes to qemu or refuses
 *   api_calls.ml    the calls: public ones (add_drive, the handle's
 *                   settings, launch and the calls on a running qemu)
 *                   and the internal ones of the project's tests;
 *                   the library's versions
 *)

include Api_enums
include Api_structs
include Api_config
include Api_calls

let calls = public_calls @ internal_calls

let find_call name = List.find (fun (c : Types.call) -> c.name = name) calls
