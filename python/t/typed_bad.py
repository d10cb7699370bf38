# SPDX-License-Identifier: GPL-2.0-or-later
# mypy --strict must refuse this: "bogus" is not a cache mode, a
# drive's cachemode is a Cachemode, not an Iface, and "bogus" is no
# event.
import qdrive

with qdrive.Handle() as g:
    g.add_drive("disk.img", format="raw", cachemode="bogus")
    iface: qdrive.Iface = g.list_drives()[0].cachemode
    g.set_event_callback(lambda e, h, m, a: None, ["trace", "bogus"])
