#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# qdrive Python binding: hostile input.
#
# 1. File names that would inject qemu -drive options (a comma starts a
#    new option unless doubled), look like command-line options, or
#    hold characters a careless quoting or JSON parser gets wrong.
#    qdrive accepts every one of them; one real qemu (one launch) must
#    then see exactly one drive per file, under its unchanged absolute
#    name, with format raw.
# 2. Labels and formats holding ',', '=' or ' ' are refused with the C
#    library's text, and leave the handle's drive list unchanged.

import errno
import os
import sys
import unittest

import qdrive

# launchlib.py is next to this script.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from launchlib import (  # noqa: E402
    ScratchTestCase, require_qemu, set_up_for_launch)

HOSTILE_NAMES = [
    "x,format=qcow2",
    "x,file.driver=ssh",
    "-leading-dash",
    "a:b",
    "new\nline",
    "sp ace",
    'q"uote',
    "back\\slash",
]

LABEL_ERROR = ('add_drive: label: "%s" is not valid; allowed: 1 to 20 '
               'characters, each a letter, a digit or _')
FORMAT_ERROR = ('add_drive: format: "%s" is not valid; allowed: a '
                'non-empty name of letters, digits, _ and -')


class Base(ScratchTestCase):
    tmp_prefix = "qdrive-py-hostile-"

    def setUp(self):
        super().setUp()
        self.g = qdrive.Handle()

    def tearDown(self):
        self.g.close()
        super().tearDown()


class TestHostileFileNames(Base):
    def setUp(self):
        super().setUp()
        require_qemu(self)

    def test_qemu_sees_each_name_unchanged(self):
        g = self.g
        set_up_for_launch(g)
        paths = [self.raw(n) for n in HOSTILE_NAMES]
        for p in paths:
            g.add_drive(p, format="raw")
        self.assertEqual([d.filename for d in g.list_drives()], paths)

        g.launch()
        try:
            info = g.block_info()
        finally:
            g.shutdown()

        # Exactly one drive per name: an injected option would change a
        # drive's file, driver or format, or make qemu refuse to start;
        # a split name would show up as a different or extra filename.
        self.assertEqual(len(info), len(paths), info)
        self.assertEqual([b.id for b in info],
                         ["hd%d" % i for i in range(len(paths))])
        for p, b in zip(paths, info):
            self.assertEqual(b.filename, p, b)
            self.assertEqual(b.format, "raw", b)
        self.assertEqual(sorted(b.filename for b in info), sorted(paths))


class TestHostileLabelsAndFormats(Base):
    def setUp(self):
        super().setUp()
        self.disk = self.raw("disk.img")
        # One good drive first, so "unchanged" is not just "empty".
        self.g.add_drive(self.disk, format="raw", label="good")
        self.before = self.g.list_drives()

    def refused(self, text, **optargs):
        with self.assertRaises(qdrive.Error) as cm:
            self.g.add_drive(self.disk, **optargs)
        self.assertEqual(str(cm.exception), text)
        self.assertEqual(cm.exception.errno, errno.EINVAL)
        self.assertEqual(self.g.list_drives(), self.before)

    def test_labels(self):
        for label in ["a,b", "a=b", "a b"]:
            with self.subTest(label=label):
                self.refused(LABEL_ERROR % label, format="raw", label=label)

    def test_formats(self):
        for fmt in ["raw,x", "raw=x", "ra w"]:
            with self.subTest(format=fmt):
                self.refused(FORMAT_ERROR % fmt, format=fmt)


if __name__ == "__main__":
    unittest.main(verbosity=2)
