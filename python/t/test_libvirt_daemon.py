#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# qdrive Python binding: the libvirt backend against a real libvirt
# daemon with the qemu driver, the one tests/private-libvirtd.sh starts
# for this test (t/libvirt-daemon.sh runs it so): block_info through
# the daemon's unix socket and through TCP equals the direct backend's,
# a remote URI leaves the file to the daemon and carries its refusal,
# and nothing is left on the daemon afterwards.

import os
import subprocess
import sys
import unittest

import qdrive

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from launchlib import MIB, require_qemu, set_up_for_launch  # noqa: E402


def daemon_env(name):
    value = os.environ.get(name)
    if not value:
        sys.exit(f"{name} is not set: run me under tests/private-libvirtd.sh "
                 "(t/libvirt-daemon.sh does), which needs the Debian "
                 "packages libvirt-daemon libvirt-daemon-driver-qemu")
    return value


UNIX = daemon_env("QDRIVE_TEST_LIBVIRTD_UNIX")
TCP = daemon_env("QDRIVE_TEST_LIBVIRTD_TCP")
IMAGES = daemon_env("QDRIVE_TEST_LIBVIRTD_IMAGES")
POOL = daemon_env("QDRIVE_TEST_LIBVIRTD_POOL")


def domains():
    """Every domain of the daemon, running or not, by virsh."""
    out = subprocess.run(["virsh", "-q", "-c", UNIX, "list", "--all",
                          "--name"], check=True, capture_output=True,
                         text=True).stdout
    return [line for line in out.splitlines() if line]


class TestDaemon(unittest.TestCase):

    def setUp(self):
        require_qemu(self)
        self.assertEqual(domains(), [])
        self.files = []

    def tearDown(self):
        for f in self.files:
            os.unlink(f)
        self.assertEqual(domains(), [])
        self.assertEqual(os.listdir(POOL), [])

    def image(self, name):
        """A sparse raw image the daemon's qemu can read and write."""
        path = os.path.join(IMAGES, f"py-{os.getpid()}-{name}")
        with open(path, "wb") as f:
            f.truncate(MIB)
        os.chmod(path, 0o666)
        self.files.append(path)
        return path

    def block_info(self, backend, wb, unsafe, ro):
        with qdrive.Handle() as g:
            set_up_for_launch(g)
            g.set_backend(backend)
            g.add_drive(wb, format="raw")
            g.add_drive(unsafe, format="raw", cachemode="unsafe",
                        iface="virtio")
            g.add_drive(ro, format="raw", readonly=True)
            g.add_drive_scratch(MIB)
            g.launch()
            info = g.block_info()
            g.shutdown()
        return info

    def test_same_as_direct(self):
        wb, unsafe, ro = (self.image("wb.img"), self.image("unsafe.img"),
                          self.image("ro.img"))
        direct = self.block_info("direct", wb, unsafe, ro)
        self.assertEqual([(b.cache_writeback, b.cache_no_flush, b.readonly)
                          for b in direct],
                         [(True, False, False), (True, True, False),
                          (True, False, True), (True, True, False)])
        for uri in (UNIX, TCP):
            with self.subTest(uri=uri):
                lv = self.block_info("libvirt:" + uri, wb, unsafe, ro)
                self.assertEqual(len(lv), len(direct))
                for a, b in zip(direct, lv):
                    self.assertEqual(
                        (a.id, a.format, a.readonly, a.cache_writeback,
                         a.cache_direct, a.cache_no_flush),
                        (b.id, b.format, b.readonly, b.cache_writeback,
                         b.cache_direct, b.cache_no_flush))
                self.assertEqual([b.filename for b in lv[:3]], [wb, unsafe, ro])
                # The scratch drive: a volume of the daemon's pool.
                self.assertEqual(os.path.dirname(lv[3].filename), POOL)

    def test_remote_file(self):
        missing = os.path.join(IMAGES, f"py-{os.getpid()}-missing.img")
        g = qdrive.Handle()
        g.set_backend("libvirt:" + TCP)
        g.add_drive(missing, format="raw")   # the daemon checks it
        with self.assertRaises(qdrive.Error) as cm:
            g.launch()
        text = str(cm.exception)
        self.assertTrue(text.startswith(
            f"launch: libvirt at {TCP} cannot create the domain: "), text)
        self.assertIn(f"Cannot access storage file '{missing}'", text)
        self.assertIn("No such file or directory", text)
        g.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
