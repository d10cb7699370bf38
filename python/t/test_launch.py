#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# qdrive Python binding: launch, block_info and shutdown for real.
#
# The direct backend starts qemu-system-x86_64 (paused, 128 MiB) and
# block_info asks it over QMP what it made of each drive; the libvirt
# backend uses libvirt's built-in test driver (test:///default), which
# runs inside the client library, so no daemon is needed.  Error texts
# are the C library's own, reaching Python unchanged.

import errno
import os
import signal
import socket
import sys
import threading
import time
import unittest

import qdrive

# launchlib.py is next to this script.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from launchlib import (  # noqa: E402
    ScratchTestCase, require_qemu, set_up_for_launch)
SHUT_DOWN = "the virtual machine was shut down; use a new handle"
LAUNCHED = ("the virtual machine is already launched; this call must "
            "come before launch")


def qemu_pids(needle):
    """Pids of the qemu processes whose command line contains needle.

    Read from /proc, so that nothing else (pgrep, ps) is needed."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:                 # it exited meanwhile
            continue
        if (os.path.basename(argv[0]).startswith(b"qemu")
                and any(needle.encode() in a for a in argv)):
            pids.append(int(entry))
    return pids


class Base(ScratchTestCase):
    tmp_prefix = "qdrive-py-launch-"

    def setUp(self):
        super().setUp()
        self.handles = []

    def tearDown(self):
        for g in self.handles:
            g.close()
        super().tearDown()

    def handle(self):
        g = qdrive.Handle()
        self.handles.append(g)
        return g

    def assertError(self, text, f, *args, **kwargs):
        with self.assertRaises(qdrive.Error) as cm:
            f(*args, **kwargs)
        self.assertEqual(str(cm.exception), text)
        return cm.exception

    def assertWriteback(self, b):
        """The flags qemu reports for cachemode writeback."""
        self.assertEqual((b.cache_writeback, b.cache_direct,
                          b.cache_no_flush), (True, False, False), b)

    def assertUnsafe(self, b):
        """The flags for cachemode unsafe: guest flushes are ignored."""
        self.assertEqual((b.cache_writeback, b.cache_direct,
                          b.cache_no_flush), (True, False, True), b)


class TestDirect(Base):
    """The direct backend: a real qemu, run by the library."""

    def setUp(self):
        super().setUp()
        require_qemu(self)

    def handle(self):
        return set_up_for_launch(super().handle())

    def test_block_info_and_shutdown(self):
        wb, unsafe, ro = self.raw("wb.img"), self.raw("unsafe.img"), \
            self.raw("ro.img")
        g = self.handle()
        g.add_drive(wb, cachemode="writeback", format="raw")
        g.add_drive(unsafe, cachemode="unsafe", format="raw")
        g.add_drive_ro(ro)
        g.launch()

        info = g.block_info()
        self.assertEqual([b.id for b in info], ["hd0", "hd1", "hd2"])
        self.assertEqual([b.filename for b in info], [wb, unsafe, ro])
        # The read-only drive has no format given: qemu probes raw.
        self.assertEqual([b.format for b in info], ["raw"] * 3)
        self.assertEqual([b.readonly for b in info], [False, False, True])
        self.assertWriteback(info[0])
        self.assertUnsafe(info[1])
        self.assertWriteback(info[2])   # writeback is the default
        for b in info:
            self.assertIsInstance(b, qdrive.BlockInfo)

        # Configuration is over once launched; the drives are unchanged.
        before = g.list_drives()
        e = self.assertError("add_drive: " + LAUNCHED,
                             g.add_drive, self.raw("late.img"))
        self.assertEqual(e.errno, errno.EINVAL)
        self.assertEqual(g.list_drives(), before)

        pids = qemu_pids(wb)
        self.assertEqual(len(pids), 1, "one qemu for this handle")
        g.shutdown()
        # shutdown waits for qemu (and reaps it).
        self.assertFalse(os.path.exists(f"/proc/{pids[0]}"))
        self.assertEqual(qemu_pids(wb), [])
        self.assertError("block_info: " + SHUT_DOWN, g.block_info)
        self.assertError("shutdown: " + SHUT_DOWN, g.shutdown)
        self.assertError("launch: " + SHUT_DOWN, g.launch)

    def test_names_not_utf8_round_trip(self):
        """A file name that is not UTF-8 goes in as bytes and comes back
        from list_drives and block_info as the same str (surrogate
        escapes), which names the file again."""
        raw = os.path.join(os.fsencode(self.dir), b"caf\xe9 \xff.img")
        with open(raw, "wb") as f:
            f.truncate(1024 * 1024)
        g = self.handle()
        g.add_drive(raw, format="raw")
        g.launch()
        name = g.list_drives()[0].filename
        self.assertEqual(os.fsencode(name), raw)
        self.assertEqual(g.block_info()[0].filename, name)
        g.shutdown()
        with self.handle() as g2:
            g2.add_drive(name)
            self.assertEqual(g2.list_drives()[0].filename, name)

    def test_close_without_shutdown_stops_qemu(self):
        disk = self.raw("disk.img")
        g = self.handle()
        g.add_drive(disk, format="raw")
        g.launch()
        pids = qemu_pids(disk)
        self.assertEqual(len(pids), 1, "one qemu for this handle")
        g.close()
        deadline = time.monotonic() + 5
        while qemu_pids(disk) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(qemu_pids(disk), [], "qemu left after close")
        self.assertFalse(os.path.exists(f"/proc/{pids[0]}"),
                         "qemu not reaped after close")

    def test_forked_child_leaves_the_machine_alone(self):
        """A child made by fork cannot use the parent's handle, and its
        copy going (here at the child's exit, by the finalizer) stops
        nothing and removes nothing of the parent's."""
        disk = self.raw("disk.img")
        g = self.handle()
        g.add_drive(disk, format="raw")
        g.add_drive_scratch(1024 * 1024)
        g.launch()
        scratch = g.list_drives()[1].filename
        # The child's verdict comes through a pipe, not its exit status:
        # under valgrind (make check-valgrind) the child's exit reports
        # as lost what only the parent's other threads pointed to, and
        # exits 99.
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            verdict = b"child: block_info worked"
            try:
                g.block_info()
            except qdrive.Error as e:
                verdict = (b"ok" if e.errno == errno.EPERM else
                           b"child: errno %d, not EPERM" % e.errno)
            g.close()
            os.write(w, verdict)
            os._exit(0)
        os.close(w)
        with os.fdopen(r, "rb") as f:
            verdict = f.read()
        os.waitpid(pid, 0)
        self.assertEqual(verdict, b"ok")
        self.assertTrue(os.path.exists(scratch), "the child removed it")
        self.assertEqual(len(qemu_pids(disk)), 1, "the child stopped qemu")
        self.assertEqual(len(g.block_info()), 2)
        g.shutdown()

    def test_launch_releases_the_gil(self):
        """Another thread runs Python code while launch waits for qemu.

        The switch interval is made far longer than a launch, so the
        interpreter never takes the GIL from a running thread: the
        counter thread can only run while the launching thread has
        given the GIL up itself.  Between setting 'launching' and
        clearing it, the launching thread does nothing but call launch,
        so if launch kept the GIL the counter would see 'launching' set
        exactly never."""
        g = self.handle()
        g.add_drive(self.raw("disk.img"), format="raw")
        state = {"launching": False, "done": False, "error": None}
        counted = [0]

        def count():
            while not state["done"]:
                if state["launching"]:
                    counted[0] += 1
                time.sleep(0.001)   # lets the launching thread start

        def launch():
            try:
                state["launching"] = True
                g.launch()
            except BaseException as e:   # re-raised in the main thread
                state["error"] = e
            finally:
                state["launching"] = False
                state["done"] = True

        old = sys.getswitchinterval()
        sys.setswitchinterval(30.0)
        try:
            counter = threading.Thread(target=count)
            launcher = threading.Thread(target=launch)
            counter.start()
            t0 = time.monotonic()
            launcher.start()
            launcher.join(60)
            elapsed = time.monotonic() - t0
            state["done"] = True
            counter.join(60)
        finally:
            sys.setswitchinterval(old)
        if state["error"] is not None:
            raise state["error"]
        self.assertEqual(len(g.block_info()), 1)
        self.assertGreater(counted[0], 0,
                           f"no Python ran during a {elapsed:.3f} s launch")
        g.shutdown()


class TestWaiting(Base):
    """A launch that waits: a real qemu whose drive is on an NBD server
    (a unix socket in the test's directory) that never answers, so qemu
    blocks opening it, before it answers on QMP."""

    def setUp(self):
        super().setUp()
        require_qemu(self)
        self.sock = os.path.join(self.dir, "hung.sock")
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.sock)
        self.server.listen(8)

    def tearDown(self):
        super().tearDown()      # closes the handles first
        self.server.close()

    def hung_handle(self, timeout):
        g = set_up_for_launch(self.handle())
        g.add_drive("", protocol="nbd", server=["unix:" + self.sock],
                    readonly=True)
        g.set_launch_timeout(timeout)
        return g

    def test_calls_wait_for_the_lock_without_the_gil(self):
        """While one thread launches (holding the handle's lock), a call
        on the same handle in another thread waits for the lock; the
        rest of the interpreter keeps running meanwhile."""
        g = self.hung_handle(3)
        gaps, done = [], threading.Event()

        def tick():
            last = time.monotonic()
            while not done.is_set():
                time.sleep(0.01)
                now = time.monotonic()
                gaps.append(now - last)
                last = now

        def launch():
            with self.assertRaises(qdrive.Error):
                g.launch()

        ticker = threading.Thread(target=tick)
        launcher = threading.Thread(target=launch)
        ticker.start()
        launcher.start()
        time.sleep(0.5)                 # launch holds the lock now
        t0 = time.monotonic()
        self.assertEqual(g.get_memsize(), 128)  # waits for the launch
        waited = time.monotonic() - t0
        launcher.join()
        done.set()
        ticker.join()
        self.assertGreater(waited, 1, "get_memsize did not wait for launch")
        self.assertLess(max(gaps), 0.5,
                        f"the interpreter stopped for {max(gaps):.1f} s")

    def test_ctrl_c_cancels_launch(self):
        """Ctrl-C (SIGINT) during launch: KeyboardInterrupt at once, not
        after the launch timeout, and nothing left: no qemu, no socket,
        and after close no private directory."""
        if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
            self.fail("SIGINT is ignored in this process (a background job "
                      "of a non-interactive shell ignores it): run the "
                      "test in the foreground")
        tmp = os.path.join(self.dir, "tmp")
        os.mkdir(tmp)
        old = os.environ.get("TMPDIR")
        os.environ["TMPDIR"] = tmp
        try:
            g = self.hung_handle(10)
            cmd = g.get_qemu_command_line()   # makes the private dir
        finally:
            if old is None:
                del os.environ["TMPDIR"]
            else:
                os.environ["TMPDIR"] = old
        private = next(a for a in cmd if "qmp.sock" in a).split("path=")[1]
        private = os.path.dirname(private)
        timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
        timer.start()
        t0 = time.monotonic()
        with self.assertRaises(KeyboardInterrupt):
            g.launch()
        elapsed = time.monotonic() - t0
        timer.join()
        self.assertLess(elapsed, 2.5, f"launch took {elapsed:.1f} s")
        self.assertEqual(qemu_pids(self.sock), [], "qemu left running")
        self.assertEqual(os.listdir(private), [], "files left")
        g.close()
        self.assertEqual(os.listdir(tmp), [], "private directory left")
        # The handle is as before launch: a Ctrl-C now is Python's own.
        with self.assertRaises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1)

    def test_launch_from_a_thread_is_not_cancelled(self):
        """Ctrl-C is for the main thread: a launch in another thread
        goes on (here to its timeout)."""
        if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
            self.fail("SIGINT is ignored in this process (a background job "
                      "of a non-interactive shell ignores it): run the "
                      "test in the foreground")
        g = self.hung_handle(2)
        errors = []

        def launch():
            try:
                g.launch()
            except qdrive.Error as e:
                errors.append(str(e))

        t = threading.Thread(target=launch)
        t.start()
        time.sleep(0.5)
        with self.assertRaises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)
        t.join()
        self.assertEqual(len(errors), 1)
        self.assertIn("within 2 seconds", errors[0])


class TestLibvirt(Base):
    """The libvirt backend against libvirt's test driver."""

    def test_block_info_and_shutdown(self):
        wb, unsafe = self.raw("wb.img"), self.raw("unsafe.img")
        g = self.handle()
        g.set_backend("libvirt:test:///default")
        self.assertEqual(g.get_backend(), "libvirt:test:///default")
        g.add_drive(wb, cachemode="writeback", format="raw")
        g.add_drive(unsafe, cachemode="unsafe", format="raw")
        g.launch()

        info = g.block_info()
        self.assertEqual([b.id for b in info], ["hd0", "hd1"])
        self.assertEqual([b.filename for b in info], [wb, unsafe])
        self.assertEqual([b.format for b in info], ["raw", "raw"])
        self.assertEqual([b.readonly for b in info], [False, False])
        self.assertWriteback(info[0])
        self.assertUnsafe(info[1])

        self.assertError("add_drive: " + LAUNCHED, g.add_drive, wb)
        g.shutdown()
        self.assertError("block_info: " + SHUT_DOWN, g.block_info)


if __name__ == "__main__":
    unittest.main(verbosity=2)
