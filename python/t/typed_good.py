# SPDX-License-Identifier: GPL-2.0-or-later
# A small typed program: mypy --strict must accept it.
import pathlib

import qdrive


def add(g: qdrive.Handle, path: str, mode: qdrive.Cachemode) -> list[str]:
    g.add_drive(path, format="raw", cachemode=mode, readonly=True)
    g.add_drive_opts(path, cachemode=qdrive.CACHEMODE_UNSAFE, blocksize=4096)
    g.add_drive_scratch(1 << 30, label="scratch")
    g.set_accel("kvm:tcg")
    g.add_drive_ro(pathlib.Path(path))      # file names: os.PathLike,
    g.add_drive(path.encode())              # bytes
    g.config("-no-reboot")                  # qemuvalue left out
    drives: list[qdrive.Drive] = g.list_drives()
    modes: list[qdrive.Cachemode] = [d.cachemode for d in drives]
    ifaces: set[qdrive.Iface] = {d.iface for d in drives}
    servers: list[str] = [s for d in drives for s in d.server]
    print(servers)
    print(ifaces, [d.protocol == "nbd" or d.discard == "enable" for d in drives])
    return modes + g.get_qemu_command_line()


def on_event(event: qdrive.Event, handle: int, message: str,
             array: list[int]) -> None:
    if event == qdrive.EVENT_PROGRESS:
        print(handle, message, array[0], "of", array[1])


def main() -> None:
    with qdrive.Handle() as g:
        h: int = g.set_event_callback(on_event, [qdrive.EVENT_TRACE, "progress"])
        g.delete_event_callback(h)
        try:
            print(add(g, "disk.img", "unsafe"))
        except qdrive.Error as e:
            print(e.errno, str(e))


main()
