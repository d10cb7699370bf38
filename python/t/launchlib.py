# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers shared by test_launch.py and test_hostile.py: a scratch
# directory per test with sparse raw images, the qemu-is-installed
# check, and a handle set up like every launching test's.
#
# The tests run as scripts, so they import this from their own
# directory (see the sys.path line at the top of each).

import os
import shutil
import tempfile
import unittest

import qdrive

MIB = 1024 * 1024


class ScratchTestCase(unittest.TestCase):
    """A TestCase with a private directory, self.dir, removed after each
    test.  Subclasses name it with tmp_prefix and call super() first in
    setUp and last in tearDown."""

    tmp_prefix = "qdrive-py-"

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix=self.tmp_prefix)
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def raw(self, name):
        """A sparse 1 MiB raw image in the test's directory."""
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.truncate(MIB)
        return path


def require_qemu(test):
    """Fail (not skip) the test when qemu is missing, naming the package."""
    with qdrive.Handle() as g:
        hv = g.get_hv()
    found = (os.access(hv, os.X_OK) if "/" in hv
             else shutil.which(hv) is not None)
    if not found:
        test.fail(f"qemu {hv!r} not found: install the Debian package "
                  "qemu-system-x86")


def set_up_for_launch(g):
    """128 MiB; the handle's default accelerator ($QDRIVE_ACCEL, else
    kvm:tcg)."""
    g.set_memsize(128)
    return g
