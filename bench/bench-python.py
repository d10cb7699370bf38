#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# qdrive benchmark, Python binding: median ns per add_drive call with
# three keyword arguments on an existing regular file, and per call
# rejected for a bad cachemode, beside libguestfs's Python binding
# (Debian's python3-guestfs) measured in the same run by the same
# interpreter, where it is importable.
#
#   ./run python3 bench/bench-python.py
#
# The keyword arguments are format="raw", cachemode="unsafe" and, for
# qdrive readonly=True, for libguestfs copyonread=False.  (qdrive gives
# one file to several drives only if all are readonly; libguestfs with
# readonly=True runs qemu-img to make an overlay in every call, which
# would time qemu-img.)
#
# Each accepted sample is one batch of BATCH calls on a fresh handle (so
# no handle grows large; create and close are outside the timed part);
# each rejected sample is one batch on one long-lived handle.  The two
# libraries' batches alternate, and the figures are medians over the
# batches.

import os
import statistics
import sys
import tempfile
import time

BATCH = 100
BATCHES = int(os.environ.get("QDRIVE_BENCH_BATCHES", "2000"))
WARMUP = 50

try:
    import guestfs
except ImportError:
    guestfs = None

import qdrive


def accepted_batch(new, close, disk, third):
    """ns per accepted add_drive call, over one batch on a fresh handle."""
    clock = time.perf_counter_ns
    g = new()
    add = g.add_drive
    t0 = clock()
    for _ in range(BATCH):
        add(disk, format="raw", cachemode="unsafe", **third)
    t1 = clock()
    close(g)
    return (t1 - t0) / BATCH


def rejected_batch(g, disk, error, third):
    """ns per add_drive call refused for cachemode="bogus", over one batch."""
    clock = time.perf_counter_ns
    add = g.add_drive
    t0 = clock()
    for _ in range(BATCH):
        try:
            add(disk, format="raw", cachemode="bogus", **third)
        except error:
            pass
    t1 = clock()
    return (t1 - t0) / BATCH


def measure(libs, disk):
    """Median ns per call for each library.  The libraries' batches are
    interleaved, so that both see the same load on a shared machine."""
    ok = {name: [] for name in libs}
    bad = {name: [] for name in libs}
    handles = {name: new() for name, (new, close, error, _) in libs.items()}
    for i in range(WARMUP + BATCHES):
        for name, (new, close, error, third) in libs.items():
            a = accepted_batch(new, close, disk, third)
            r = rejected_batch(handles[name], disk, error, third)
            if i >= WARMUP:
                ok[name].append(a)
                bad[name].append(r)
    for name, (new, close, error, _) in libs.items():
        close(handles[name])
    return ({n: statistics.median(v) for n, v in ok.items()},
            {n: statistics.median(v) for n, v in bad.items()})



def table_rows(ok, bad):
    """Appends the key figures to $BENCH_TABLE (see bench/run)."""
    path = os.environ.get("BENCH_TABLE")
    if not path:
        return
    other = "libguestfs 1.48 Python"
    with open(path, "a") as f:
        for what, m in [("add_drive, 3 keyword args", ok),
                        ("rejected call (bad cachemode)", bad)]:
            if "libguestfs" in m:
                f.write("| Python | %s | %.1f ns | %s | %.1f ns | %.2f |\n"
                        % (what, m["qdrive"], other, m["libguestfs"],
                           m["qdrive"] / m["libguestfs"]))
            else:
                f.write("| Python | %s | %.1f ns | %s (not installed) | - | - |\n"
                        % (what, m["qdrive"], other))

def main():
    with tempfile.TemporaryDirectory(prefix="qdrive-bench-") as d:
        disk = os.path.join(d, "disk.img")
        with open(disk, "wb") as f:
            f.truncate(1 << 20)

        # The bad call must really be refused, the good one accepted.
        with qdrive.Handle() as g:
            g.add_drive(disk, format="raw", cachemode="unsafe",
                        readonly=True)
            g.add_drive(disk, format="raw", cachemode="unsafe",
                        readonly=True)
            try:
                g.add_drive(disk, format="raw", cachemode="bogus")
                sys.exit("qdrive accepted cachemode=bogus")
            except qdrive.Error:
                pass

        print("python: %s %s" % (sys.executable, sys.version.split()[0]))
        print("qdrive module: %s" % qdrive.__file__)
        print("call: add_drive(FILE, format=\"raw\", cachemode=\"unsafe\"|"
              "\"bogus\", readonly=True (qdrive) | copyonread=False "
              "(libguestfs))")
        print("median over %d batches of %d calls" % (BATCHES, BATCH))

        libs = {"qdrive": (qdrive.Handle, qdrive.Handle.close, qdrive.Error,
                           {"readonly": True})}
        if guestfs is not None:
            libs["libguestfs"] = (
                lambda: guestfs.GuestFS(python_return_dict=True),
                lambda g: g.close(), RuntimeError, {"copyonread": False})
            print("libguestfs module: %s" % guestfs.__file__)
        ok, bad = measure(libs, disk)
        table_rows(ok, bad)
        print()
        if guestfs is None:
            print("%-24s %10s" % ("", "qdrive"))
            print("%-24s %10.0f" % ("accepted call (ns)", ok["qdrive"]))
            print("%-24s %10.0f" % ("rejected call (ns)", bad["qdrive"]))
            print("\nlibguestfs Python binding: not installed for %s "
                  "(Debian: apt-get install python3-guestfs)"
                  % sys.executable)
            return
        print("%-24s %10s %12s %8s" % ("", "qdrive", "libguestfs", "ratio"))
        for what, m in [("accepted call (ns)", ok), ("rejected call (ns)", bad)]:
            print("%-24s %10.0f %12.0f %8.2f" % (
                what, m["qdrive"], m["libguestfs"],
                m["qdrive"] / m["libguestfs"]))


if __name__ == "__main__":
    main()
