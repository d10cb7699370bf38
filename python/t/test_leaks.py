#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# qdrive Python binding: reference counting and memory.  A million
# rejected add_drive calls and 100,000 create/close cycles must grow
# the process by less than 1 MB: a leak of even one byte per call, or
# one object per handle, goes over.

import os
import tempfile
import unittest

import qdrive

LIMIT = 1 << 20                          # bytes


def rss():
    """Resident set size now, from /proc/self/statm."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class TestLeaks(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.NamedTemporaryFile(prefix="qdrive-py-leak-")

    def tearDown(self):
        self.tmp.close()

    def rejected_calls(self, g, n):
        name = self.tmp.name
        E = qdrive.Error
        for _ in range(n):
            try:
                g.add_drive(name, format="raw", cachemode="bogus",
                            readonly=True)
            except E:
                pass
            else:
                raise AssertionError("bad cachemode was accepted")

    def test_rejected_add_drive(self):
        with qdrive.Handle() as g:
            self.rejected_calls(g, 100000)          # warm-up
            before = rss()
            self.rejected_calls(g, 1000000)
            grown = rss() - before
            self.assertEqual(g.list_drives(), [])
        print("rejected add_drive x 1,000,000: RSS grew %d bytes" % grown)
        self.assertLess(grown, LIMIT)

    def cycles(self, n):
        name = self.tmp.name
        for _ in range(n):
            g = qdrive.Handle()
            g.add_drive(name, format="raw", label="L")
            g.close()

    def test_create_close(self):
        self.cycles(10000)                          # warm-up
        before = rss()
        self.cycles(100000)
        grown = rss() - before
        print("create/add_drive/close x 100,000: RSS grew %d bytes" % grown)
        self.assertLess(grown, LIMIT)

    def test_errors_with_results(self):
        # Every return type, good and bad, through the echo calls.
        with qdrive.Handle() as g:
            def run(n):
                for _ in range(n):
                    g.internal_echo("s", "o", ["a", "b"], True, 1, 2,
                                    "unsafe", ostringlist=["x"], oenum="enable")
                    g.internal_rstructlist("3")
                    g.internal_rstringlist("3")
                    try:
                        g.internal_rstruct("error")
                    except qdrive.Error:
                        pass
                    try:
                        g.internal_echo("s", None, ["a", 1], True, 1, 2,
                                        "unsafe")
                    except TypeError:
                        pass
            run(20000)
            before = rss()
            run(200000)
            grown = rss() - before
        print("echo/list/struct calls x 200,000: RSS grew %d bytes" % grown)
        self.assertLess(grown, LIMIT)


if __name__ == "__main__":
    unittest.main(verbosity=2)
