#!/usr/bin/env python3
# SPDX-License-Identifier: MIT-0
"""qdrive example, in Python: two disks with their cache modes, and what
qemu made of each.

A disk whose data matters keeps the default cache mode, writeback:
qemu obeys the guest's flushes.  A scratch disk, whose contents are
thrown away, may use unsafe, which ignores them and is faster.  The
program launches qemu (stopped before the guest's first instruction)
and asks it over QMP what it made of each drive.

    python3 demo.py
"""

import os
import sys
import tempfile

import qdrive

ROW = "%-5s  %-6s  %-9s  %-9s  %-6s  %s"


def yes_no(b):
    return "yes" if b else "no"


def main(tmp):
    data = os.path.join(tmp, "data.img")
    scratch = os.path.join(tmp, "scratch.img")
    # Empty (sparse) 64 MiB raw disk images.
    for path in (data, scratch):
        with open(path, "wb") as f:
            f.truncate(64 << 20)

    with qdrive.Handle() as g:
        g.add_drive(data, format="raw", cachemode=qdrive.CACHEMODE_WRITEBACK)
        g.add_drive(scratch, format="raw", cachemode=qdrive.CACHEMODE_UNSAFE)
        g.launch()
        print(ROW % ("drive", "format", "read-only", "writeback", "direct",
                     "no-flush"))
        for b in g.block_info():
            print(ROW % (b.id, b.format, yes_no(b.readonly),
                         yes_no(b.cache_writeback), yes_no(b.cache_direct),
                         yes_no(b.cache_no_flush)))
        g.shutdown()


try:
    with tempfile.TemporaryDirectory() as tmp:
        main(tmp)
except qdrive.Error as e:
    # The library's message, which names the call; e.errno is its errno.
    sys.exit("demo.py: %s" % e)
