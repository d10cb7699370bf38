#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# qdrive Python binding: guest "appliance", booted once for
# every test here: sh, command, output that is not UTF-8, errors,
# 1 MiB of output, list_devices on scsi and virtio, labels, a
# filesystem made and read back, a read-only drive left unchanged,
# blockstats, the GIL released while a command runs, and Ctrl-C
# during one.  Error texts are the C library's own.

import hashlib
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import unittest

import qdrive

# launchlib.py is next to this script.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from launchlib import MIB, require_qemu  # noqa: E402


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class TestAppliance(unittest.TestCase):
    """One appliance for all the tests (which unittest runs in the
    order of their names: none may spoil what a later one reads)."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="qdrive-py-appliance-")
        d = cls.tmp.name
        cls.files = [os.path.join(d, n)
                     for n in ("scsi.img", "virtio.img", "ro.img")]
        for path, fill in zip(cls.files, (b"\0", b"v", b"r")):
            with open(path, "wb") as f:
                f.write(fill * (8 * MIB))
        cls.ro_digest = digest(cls.files[2])
        cls.g = g = qdrive.Handle()
        g.set_guest("appliance")
        g.add_drive(cls.files[0], format="raw", label="SCSI")
        g.add_drive(cls.files[1], format="raw", iface="virtio", label="VIRT")
        g.add_drive(cls.files[2], format="raw", readonly=True)
        g.launch()

    @classmethod
    def tearDownClass(cls):
        cls.g.shutdown()
        cls.g.close()
        cls.tmp.cleanup()

    def setUp(self):
        require_qemu(self)

    def assertError(self, text, f, *args):
        with self.assertRaises(qdrive.Error) as cm:
            f(*args)
        self.assertEqual(str(cm.exception), text)
        return cm.exception

    def test_sh_and_command(self):
        g = self.g
        self.assertEqual(g.sh("echo hello; echo err >&2"), "hello\n")
        self.assertEqual(g.sh("true"), "")
        self.assertEqual(g.command(["printf", "%s|", "a b", "$HOME", ";"]),
                         "a b|$HOME|;|")
        self.assertEqual(g.get_guest(), "appliance")

    def test_output_not_utf8(self):
        """Output that is not UTF-8 comes back as str with surrogate
        escapes, as file names do: encoded the same way, it is the
        bytes the command wrote."""
        g = self.g
        out = g.sh("printf 'a\\377\\303\\251b'")
        self.assertEqual(out, "a\udcff\u00e9b")
        self.assertEqual(out.encode("utf-8", "surrogateescape"),
                         b"a\xff\xc3\xa9b")
        self.assertEqual(g.command(["printf", "\\200\\n"]), "\udc80\n")

    def test_errors(self):
        g = self.g
        e = self.assertError("sh: the command exited with status 3; the end "
                             "of its standard error:\\nbad", g.sh,
                             "echo bad >&2; exit 3")
        self.assertIsInstance(e, RuntimeError)
        self.assertError("sh: the command was killed by signal 9 (Killed)",
                         g.sh, "kill -KILL $$")
        self.assertError("command: arguments: the list is empty; allowed: a "
                         "program and its arguments", g.command, [])
        with self.assertRaises(qdrive.Error) as cm:
            g.command(["nosuchprogram"])
        self.assertIn("No such file or directory", str(cm.exception))
        self.assertEqual(g.sh("echo still here"), "still here\n")

    def test_big_output(self):
        out = self.g.sh("head -c 1048576 /dev/zero | tr '\\0' x")
        self.assertEqual(out, "x" * MIB)

    def test_list_devices_and_labels(self):
        g = self.g
        devices = g.list_devices()
        self.assertEqual(len(devices), 3)
        self.assertTrue(devices[0].startswith("/dev/sd"), devices)
        self.assertTrue(devices[1].startswith("/dev/vd"), devices)
        self.assertTrue(devices[2].startswith("/dev/sd"), devices)
        # Each is the drive: its contents say so.
        self.assertEqual(g.sh(f"head -c 3 {devices[1]}; "
                              f"head -c 3 {devices[2]}"), "vvvrrr")
        self.assertEqual(g.sh("readlink -f /dev/disk/qdrive/SCSI; "
                              "readlink -f /dev/disk/qdrive/VIRT; "
                              "ls /dev/disk/qdrive"),
                         f"{devices[0]}\n{devices[1]}\nSCSI\nVIRT\n")

    def test_filesystem(self):
        g = self.g
        g.sh("mke2fs -q -t ext4 /dev/disk/qdrive/SCSI && mkdir -p /mnt/s && "
             "mount /dev/disk/qdrive/SCSI /mnt/s && "
             "echo 'written by python' > /mnt/s/f && umount /mnt/s")
        self.assertEqual(g.sh("mount -o ro /dev/disk/qdrive/SCSI /mnt/s && "
                              "cat /mnt/s/f && umount /mnt/s"),
                         "written by python\n")

    def test_readonly_unchanged(self):
        g = self.g
        ro = g.list_devices()[2]
        self.assertEqual(g.sh(f"printf xyz | dd of={ro} conv=notrunc,fsync "
                              f"2>/dev/null; head -c 5 {ro}"), "xyzrr")
        self.assertEqual(digest(self.files[2]), self.ro_digest)

    def test_blockstats(self):
        g = self.g
        before = g.blockstats()
        self.assertEqual([s.drive_id for s in before], ["hd0", "hd1", "hd2"])
        self.assertIsInstance(before[0], qdrive.Blockstats)
        g.sh("dd if=/dev/zero of=/dev/disk/qdrive/VIRT bs=65536 count=16 seek=16 "
             "conv=fsync 2>/dev/null")
        after = g.blockstats()
        self.assertGreaterEqual(after[1].wr_bytes - before[1].wr_bytes, MIB)
        self.assertGreater(after[1].flush_operations,
                           before[1].flush_operations)
        self.assertGreater(after[1].wr_total_time_ns,
                           before[1].wr_total_time_ns)
        self.assertEqual(after[2].wr_bytes, before[2].wr_bytes)

    def test_gil_released(self):
        """Another thread runs while sh waits for a command."""
        ticks = []
        done = threading.Event()

        def tick():
            while not done.is_set():
                ticks.append(time.monotonic())
                time.sleep(0.01)

        t = threading.Thread(target=tick)
        t.start()
        try:
            start = time.monotonic()
            self.g.sh("sleep 1")
            end = time.monotonic()
        finally:
            done.set()
            t.join()
        self.assertGreater(len([x for x in ticks if start < x < end]), 20)

    def test_ctrl_c_cancels_sh(self):
        """Ctrl-C (SIGINT) while sh waits for a command: KeyboardInterrupt
        at once, not when the command ends; the command is killed in
        the guest, and the handle still works."""
        if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
            self.fail("SIGINT is ignored in this process (a background job "
                      "of a non-interactive shell ignores it): run the "
                      "test in the foreground")
        g = self.g
        timer = threading.Timer(1, os.kill, (os.getpid(), signal.SIGINT))
        timer.start()
        t0 = time.monotonic()
        with self.assertRaises(KeyboardInterrupt):
            g.sh("sleep 30; echo not cancelled")
        elapsed = time.monotonic() - t0
        timer.join()
        self.assertLess(elapsed, 5, f"sh took {elapsed:.1f} s")
        self.assertNotIn("sleep 30", g.sh("ps"))
        self.assertEqual(g.sh("echo ok"), "ok\n")


if __name__ == "__main__":
    unittest.main()
