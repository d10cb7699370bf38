#!/usr/bin/env python3
# qdrive benchmark, Python binding: median ns per add_drive call with
# three keyword arguments on an existing regular file, and per call
# rejected for a bad cachemode, beside libguestfs's Python binding
# (Debian's python3-guestfs) measured in the same run by the same
# interpreter, where it is importable.
#
#   ./run python3 bench/bench-python.py
#
# The keyword arguments are format="raw", cachemode="unsafe" and
# copyonread=False.  (Not readonly=True: libguestfs then runs qemu-img
# to make an overlay in every call, which would time qemu-img.)
#
# Each sample is one batch of BATCH calls on a fresh handle (so no
# handle grows large); the handle's create and close are outside the
# timed part.  The figure is the median over the batches.

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


def accepted(new, close, disk):
    """Median ns per accepted add_drive call."""
    samples = []
    clock = time.perf_counter_ns
    for i in range(WARMUP + BATCHES):
        g = new()
        add = g.add_drive
        t0 = clock()
        for _ in range(BATCH):
            add(disk, format="raw", cachemode="unsafe", copyonread=False)
        t1 = clock()
        close(g)
        if i >= WARMUP:
            samples.append((t1 - t0) / BATCH)
    return statistics.median(samples)


def rejected(new, close, disk, error):
    """Median ns per add_drive call refused for cachemode="bogus"."""
    samples = []
    clock = time.perf_counter_ns
    g = new()
    add = g.add_drive
    for i in range(WARMUP + BATCHES):
        t0 = clock()
        for _ in range(BATCH):
            try:
                add(disk, format="raw", cachemode="bogus", copyonread=False)
            except error:
                pass
        t1 = clock()
        if i >= WARMUP:
            samples.append((t1 - t0) / BATCH)
    close(g)
    return statistics.median(samples)


def main():
    with tempfile.TemporaryDirectory(prefix="qdrive-bench-") as d:
        disk = os.path.join(d, "disk.img")
        with open(disk, "wb") as f:
            f.truncate(1 << 20)

        # The bad call must really be refused, the good one accepted.
        with qdrive.Handle() as g:
            g.add_drive(disk, format="raw", cachemode="unsafe",
                        copyonread=False)
            try:
                g.add_drive(disk, format="raw", cachemode="bogus")
                sys.exit("qdrive accepted cachemode=bogus")
            except qdrive.Error:
                pass

        print("python: %s %s" % (sys.executable, sys.version.split()[0]))
        print("qdrive module: %s" % qdrive.__file__)
        print("call: add_drive(FILE, format=\"raw\", cachemode=\"unsafe\"|"
              "\"bogus\", copyonread=False)")
        print("median over %d batches of %d calls\n" % (BATCHES, BATCH))

        q_ok = accepted(qdrive.Handle, qdrive.Handle.close, disk)
        q_bad = rejected(qdrive.Handle, qdrive.Handle.close, disk,
                         qdrive.Error)
        if guestfs is None:
            print("%-24s %10s" % ("", "qdrive"))
            print("%-24s %10.0f" % ("accepted call (ns)", q_ok))
            print("%-24s %10.0f" % ("rejected call (ns)", q_bad))
            print("\nlibguestfs Python binding: not installed for %s "
                  "(Debian: apt-get install python3-guestfs)"
                  % sys.executable)
            return

        def gnew():
            return guestfs.GuestFS(python_return_dict=True)

        def gclose(g):
            g.close()

        g_ok = accepted(gnew, gclose, disk)
        g_bad = rejected(gnew, gclose, disk, RuntimeError)
        print("libguestfs module: %s" % guestfs.__file__)
        print("%-24s %10s %12s %8s" % ("", "qdrive", "libguestfs", "ratio"))
        print("%-24s %10.0f %12.0f %8.2f" % ("accepted call (ns)", q_ok, g_ok,
                                             q_ok / g_ok))
        print("%-24s %10.0f %12.0f %8.2f" % ("rejected call (ns)", q_bad,
                                             g_bad, q_bad / g_bad))


if __name__ == "__main__":
    main()
