#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# qdrive benchmark, Python binding: the appliance, with TCG (a fixed
# accelerator: the round trip's floor runs get_qemu_command_line's argv
# as it is, without launch's fallback from KVM to TCG).
#
#   ./run python3 bench/bench-appliance.py [--quick]
#
# 1. Round trip: sh("true") and command(["/bin/true"]) through qdrive,
#    next to their floor, the guest agent's own guest-exec of /bin/true:
#    a bare qemu started with the same argv and spoken to directly over
#    the agent's socket (guest-sync-delimited, then guest-exec and
#    guest-exec-status polled every 1 ms).
# 2. The cache modes, as bench/bench-appliance.c runs them: the job of
#    bench/fsync-job.sh on a fresh 256 MB ext4 on a writeback and on an
#    unsafe drive of one appliance, interleaved; time in the guest,
#    flushes and their total time (blockstats).
# 3. libguestfs's launch and sh("true"), where its Python binding
#    (python3-guestfs) is importable.
#
# Medians.  Full run: 50 round trips, 4,000 appends x 3 rounds; --quick:
# 20, 500 x 1.

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import qdrive

try:
    import guestfs
except ImportError:
    guestfs = None

QUICK = "--quick" in sys.argv[1:]
ROUND_TRIPS = 20 if QUICK else 50
APPENDS = "500" if QUICK else "4000"
ROUNDS = 1 if QUICK else 3
HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "fsync-job.sh")) as f:
    JOB = f.read()


def table_row(what, qd, other_name, other, unit):
    path = os.environ.get("BENCH_TABLE")
    if not path:
        return
    with open(path, "a") as f:
        if other:
            f.write("| appliance (Python) | %s | %.1f %s | %s | %.1f %s | %.2f |\n"
                    % (what, qd, unit, other_name, other, unit, qd / other))
        else:
            f.write("| appliance (Python) | %s | %.1f %s | %s | - | - |\n"
                    % (what, qd, unit, other_name))


def handle(files):
    g = qdrive.Handle()
    g.set_guest("appliance")
    g.set_accel("tcg")
    for path, label, mode in files:
        g.add_drive(path, format="raw", label=label, cachemode=mode)
    return g


def timed(f, n):
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        f()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples) * 1000


class Agent:
    """The guest agent of a bare qemu, spoken to directly."""

    def __init__(self, argv):
        path = next(a for a in argv if a.startswith("socket,id=qga,"))
        self.path = path.split("path=", 1)[1].split(",server", 1)[0]
        self.qemu = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(self.path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise RuntimeError("qemu never made the agent's socket")
                time.sleep(0.01)
        self.buf = b""
        self.sock.sendall(b"\xff" + json.dumps(
            {"execute": "guest-sync-delimited",
             "arguments": {"id": 4242}}).encode() + b"\n")
        while b'{"return": 4242}' not in self.buf:
            self.buf += self.recv()
        self.buf = b""

    def recv(self):
        data = self.sock.recv(65536)
        if not data:
            raise RuntimeError("qemu closed the agent's socket")
        return data

    def call(self, command, args):
        self.sock.sendall(json.dumps({"execute": command,
                                      "arguments": args}).encode() + b"\n")
        while b"\n" not in self.buf:
            self.buf += self.recv()
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)["return"]

    def exec_true(self):
        pid = self.call("guest-exec", {"path": "/bin/true",
                                       "capture-output": True})["pid"]
        while not self.call("guest-exec-status", {"pid": pid})["exited"]:
            time.sleep(0.001)

    def close(self):
        self.sock.close()
        self.qemu.kill()
        self.qemu.wait()


def agent_floor(d):
    """guest-exec of /bin/true straight to the agent of a bare qemu
    started with a handle's argv (its own directory and drive)."""
    disk = os.path.join(d, "floor.img")
    with open(disk, "wb") as f:
        f.truncate(16 * 1024 * 1024)
    h = handle([(disk, "F", "writeback")])
    agent = Agent(h.get_qemu_command_line())
    try:
        return timed(agent.exec_true, ROUND_TRIPS)
    finally:
        agent.close()
        h.close()


def round_trip(g, floor):
    sh = timed(lambda: g.sh("true"), ROUND_TRIPS)
    cmd = timed(lambda: g.command(["/bin/true"]), ROUND_TRIPS)
    print("round trip, %d each:" % ROUND_TRIPS)
    print("  sh(\"true\")                      %6.1f ms (target 25)" % sh)
    print("  command([\"/bin/true\"])          %6.1f ms" % cmd)
    print("  the agent's own guest-exec /bin/true %6.1f ms (floor)" % floor)
    table_row("sh(\"true\") round trip (target 25 ms)", sh,
              "the agent's guest-exec of /bin/true", floor, "ms")


def job(g, i, label):
    g.sh("mke2fs -q -t ext4 -E lazy_itable_init=0,lazy_journal_init=0 "
         f"/dev/disk/qdrive/{label} && mkdir -p /mnt/{label} && "
         f"mount -o commit=600 /dev/disk/qdrive/{label} /mnt/{label}")
    before = g.blockstats()[i]
    out = g.command(["/bin/busybox", "sh", "-c", JOB, "job",
                     f"/mnt/{label}/job", APPENDS])
    after = g.blockstats()[i]
    g.sh(f"umount /mnt/{label}")
    return (float(out),
            after.flush_operations - before.flush_operations,
            (after.flush_total_time_ns - before.flush_total_time_ns) / 1e6)


def cache_modes(g):
    wb, unsafe = [], []
    for r in range(ROUNDS):
        order = [(0, "WB", wb), (1, "UNSAFE", unsafe)]
        for i, label, into in (order if r % 2 == 0 else order[::-1]):
            into.append(job(g, i, label))
        print("bench-appliance.py: round %d: writeback %.2f s, %d flushes, "
              "%.1f ms; unsafe %.2f s, %d flushes, %.1f ms"
              % ((r + 1,) + wb[-1] + unsafe[-1]), file=sys.stderr)
    m = {name: [statistics.median(x) for x in zip(*v)]
         for name, v in (("writeback", wb), ("unsafe", unsafe))}
    print("the cache modes: %s appends of 4 KiB, each followed by fsync, "
          "on a fresh 256 MB ext4, %d round(s):" % (APPENDS, ROUNDS))
    print("                 time in guest   flushes   flush time")
    for name in ("writeback", "unsafe"):
        t, n, ms = m[name]
        print("  %-14s %8.2f s     %7.0f   %8.1f ms" % (name, t, n, ms))
    print("  unsafe / writeback: time %.2f (target 0.8), flush time %.3f "
          "(target 0.05)" % (m["unsafe"][0] / m["writeback"][0],
                             m["unsafe"][2] / m["writeback"][2]))
    table_row("fsync job, time in guest, unsafe (target 0.8x)",
              m["unsafe"][0], "writeback", m["writeback"][0], "s")
    table_row("fsync job, flush time, unsafe (target 0.05x)",
              m["unsafe"][2], "writeback", m["writeback"][2], "ms")


def libguestfs(disk):
    if guestfs is None:
        print("libguestfs: not installed (python3-guestfs)")
        return
    launches, shs = [], []
    for _ in range(3):
        g = guestfs.GuestFS(python_return_dict=True)
        # As bench-appliance.c: the direct backend and TCG, like qdrive's
        # launch here (KVM where /dev/kvm is broken hangs libguestfs).
        g.set_backend("direct")
        g.set_backend_settings(["force_tcg"])
        g.add_drive_opts(disk, format="raw")
        t0 = time.perf_counter()
        g.launch()
        launches.append(time.perf_counter() - t0)
        shs.append(timed(lambda: g.debug("sh", ["true"]), ROUND_TRIPS))
        g.close()
    print("libguestfs: launch %.1f ms, debug sh true %.1f ms"
          % (statistics.median(launches) * 1000, statistics.median(shs)))


def main():
    with tempfile.TemporaryDirectory(prefix="qdrive-bench-") as d:
        wb, unsafe = os.path.join(d, "wb.img"), os.path.join(d, "unsafe.img")
        for path in (wb, unsafe):
            with open(path, "wb") as f:
                f.truncate(256 * 1024 * 1024)
        floor = agent_floor(d)
        g = handle([(wb, "WB", "writeback"), (unsafe, "UNSAFE", "unsafe")])
        g.launch()
        try:
            round_trip(g, floor)
            cache_modes(g)
        finally:
            g.shutdown()
            g.close()
        libguestfs(wb)


if __name__ == "__main__":
    main()
