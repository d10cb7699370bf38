#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# qdrive Python binding: the calls, their arguments and their errors.
#
# Every error text below is the C library's own text (the same literals
# as the C tests), reaching Python unchanged through qdrive.Error.

import errno
import inspect
import os
import tempfile
import threading
import unittest

import qdrive

from api_facts import allowed  # generated: each enum's values
from api_facts import DRIVE_DEFAULTS  # generated: a drive's defaults


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="qdrive-py-")
        self.dir = self.tmp.name
        self.disk = self.file("disk.img")
        self.g = qdrive.Handle()

    def tearDown(self):
        self.g.close()
        self.tmp.cleanup()

    def file(self, name, size=1024 * 1024):
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.truncate(size)
        return path

    def assertError(self, text, f, *args, **kwargs):
        """f(*args, **kwargs) raises qdrive.Error with exactly text, and
        leaves the handle's drives as they were."""
        before = self.g.list_drives()
        with self.assertRaises(qdrive.Error) as cm:
            f(*args, **kwargs)
        self.assertEqual(str(cm.exception), text)
        self.assertIsInstance(cm.exception, RuntimeError)
        self.assertEqual(self.g.list_drives(), before)
        return cm.exception


class TestHandle(Base):
    def test_error_type(self):
        self.assertTrue(issubclass(qdrive.Error, RuntimeError))
        e = self.assertError(
            'add_drive: cachemode: "bogus" is not valid; allowed: '
            + allowed("cachemode"),
            self.g.add_drive, self.disk, cachemode="bogus")
        self.assertEqual(e.errno, errno.EINVAL)

    def test_version(self):
        v = self.g.version()
        self.assertIsInstance(v, qdrive.Version)
        self.assertEqual(tuple(v), (v.major, v.minor, v.release))
        self.assertEqual("%d.%d.%d" % v, qdrive.__version__)

    def test_context_manager_and_close(self):
        with qdrive.Handle() as g:
            g.add_drive(self.disk)
            self.assertFalse(g.closed)
        self.assertTrue(g.closed)
        g.close()                       # idempotent
        g.close()
        with self.assertRaises(qdrive.Error) as cm:
            g.add_drive(self.disk)
        self.assertEqual(str(cm.exception), "add_drive: the handle is closed")
        self.assertEqual(cm.exception.errno, errno.EBADF)
        with self.assertRaises(qdrive.Error):
            g.get_memsize()

    def test_exception_in_with_closes(self):
        with self.assertRaises(KeyError):
            with qdrive.Handle() as g:
                raise KeyError("x")
        self.assertTrue(g.closed)

    def test_bad_accel_in_environment(self):
        """The library's message, naming the variable, the value and
        what is allowed (not errno's "Invalid argument")."""
        old = os.environ.get("QDRIVE_ACCEL")
        os.environ["QDRIVE_ACCEL"] = "bogus"
        try:
            with self.assertRaises(qdrive.Error) as cm:
                qdrive.Handle()
        finally:
            if old is None:
                del os.environ["QDRIVE_ACCEL"]
            else:
                os.environ["QDRIVE_ACCEL"] = old
        self.assertEqual(str(cm.exception),
                         'create: QDRIVE_ACCEL: "bogus" is not valid; '
                         "allowed: " + allowed("accel"))
        self.assertEqual(cm.exception.errno, errno.EINVAL)

    def test_handle_takes_no_arguments(self):
        with self.assertRaises(TypeError):
            qdrive.Handle(1)

    def test_opts_alias(self):
        self.assertIs(qdrive.Handle.add_drive_opts, qdrive.Handle.add_drive)
        self.g.add_drive_opts(self.disk, cachemode="unsafe")
        self.assertEqual(self.g.list_drives()[0].cachemode, "unsafe")

    def test_enum_constants(self):
        self.assertEqual(qdrive.CACHEMODE_UNSAFE, "unsafe")
        self.assertEqual(qdrive.CACHEMODE_WRITEBACK, "writeback")
        self.assertEqual(qdrive.IFACE_VIRTIO, "virtio")
        self.assertEqual(qdrive.DISCARD_BESTEFFORT, "besteffort")
        self.assertEqual(qdrive.ACCEL_KVM_TCG, "kvm:tcg")

    def test_docstrings(self):
        doc = qdrive.Handle.add_drive.__doc__
        self.assertIn("Add the file filename as a disk", doc)
        self.assertIn('"unsafe": The host may cache writes', doc)
        self.assertIn('"writeback" (default)', doc)
        for name, f in inspect.getmembers(qdrive.Handle, inspect.isfunction):
            if not name.startswith("_"):
                self.assertTrue(f.__doc__, name)

    def test_optargs_are_keyword_only(self):
        sig = inspect.signature(qdrive.Handle.add_drive)
        for p in list(sig.parameters.values())[2:]:
            self.assertEqual(p.kind, p.KEYWORD_ONLY, p.name)
            self.assertIsNone(p.default)
        with self.assertRaises(TypeError):
            self.g.add_drive(self.disk, True)


class TestAddDrive(Base):
    def test_every_optarg(self):
        self.g.add_drive(self.disk, readonly=True, format="raw",
                         iface="virtio", name="n1", label="L_1",
                         cachemode="unsafe", discard="besteffort",
                         copyonread=True, blocksize=4096)
        d = self.g.list_drives()[0]
        self.assertIsInstance(d, qdrive.Drive)
        want = dict(DRIVE_DEFAULTS, index=0, filename=self.disk,
                    format="raw", iface="virtio", cachemode="unsafe",
                    readonly=True, discard="besteffort", copyonread=True,
                    label="L_1", name="n1", blocksize=4096)
        self.assertEqual(len(d), len(want))
        self.assertEqual({k: getattr(d, k) for k in want}, want)
        self.assertEqual(d.label, "L_1")
        self.assertIs(d.readonly, True)

    def test_defaults(self):
        self.g.add_drive(self.disk)
        d = self.g.list_drives()[0]
        self.assertEqual((d.format, d.iface, d.cachemode, d.readonly,
                          d.discard, d.copyonread, d.label, d.name,
                          d.blocksize),
                         ("", "scsi", "writeback", False, "disable", False,
                          "", "", 0))

    def test_none_means_not_given(self):
        self.g.add_drive(self.disk, readonly=None, format=None, iface=None,
                         name=None, label=None, cachemode=None,
                         discard=None, copyonread=None, blocksize=None)
        self.assertEqual(self.g.list_drives()[0].cachemode, "writeback")

    def test_each_optarg_alone(self):
        values = dict(readonly=True, format="qcow2", iface="ide", name="x",
                      label="lab", cachemode="unsafe", discard="enable",
                      copyonread=True, blocksize=512)
        for k, v in values.items():
            with qdrive.Handle() as g:
                kw = {k: v}
                if k == "discard":
                    kw["format"] = "raw"
                g.add_drive(self.disk, **kw)
                self.assertEqual(getattr(g.list_drives()[0], k), v, k)

    def test_add_drive_ro_and_scratch(self):
        self.g.add_drive_ro(self.disk)
        self.g.add_drive_scratch(1 << 30, name="s", label="scr",
                                 blocksize=512)
        ro, scratch = self.g.list_drives()
        self.assertTrue(ro.readonly)
        self.assertEqual((scratch.format, scratch.cachemode, scratch.name,
                          scratch.label, scratch.blocksize),
                         ("raw", "unsafe", "s", "scr", 512))
        path = scratch.filename
        self.assertEqual(os.path.getsize(path), 1 << 30)
        self.g.close()
        self.assertFalse(os.path.exists(path))

    def test_server_list(self):
        # list_drives' server is a list of str: both RBD monitors, in
        # the order given (default port filled in); none for a file.
        self.g.add_drive(self.disk)
        self.g.add_drive("pool/img", protocol="rbd",
                         server=["mon1", "tcp:[::1]:6790"])
        local, rbd = self.g.list_drives()
        self.assertEqual(local.server, [])
        self.assertEqual(rbd.server, ["tcp:mon1:6789", "tcp:[::1]:6790"])

    def test_relative_filename(self):
        cwd = os.getcwd()
        os.chdir(self.dir)
        try:
            self.g.add_drive("disk.img")
        finally:
            os.chdir(cwd)
        self.assertEqual(self.g.list_drives()[0].filename, self.disk)

    def test_settings(self):
        g = self.g
        g.set_memsize(1024)
        self.assertEqual(g.get_memsize(), 1024)
        g.set_smp(4)
        self.assertEqual(g.get_smp(), 4)
        g.set_hv("/usr/bin/true")
        self.assertEqual(g.get_hv(), "/usr/bin/true")
        g.set_accel(qdrive.ACCEL_TCG)
        self.assertEqual(g.get_accel(), "tcg")
        g.set_backend("libvirt:test:///default")
        self.assertEqual(g.get_backend(), "libvirt:test:///default")
        g.set_backend("direct")
        g.set_trace(False)
        self.assertIs(g.get_trace(), False)
        g.set_verbose(True)
        self.assertIs(g.get_verbose(), True)
        g.set_verbose(False)
        g.set_launch_timeout(5)
        self.assertEqual(g.get_launch_timeout(), 5)
        g.config("-rtc", "base=utc")
        g.config("-no-reboot", None)
        cmd = g.get_qemu_command_line()
        self.assertEqual(cmd[0], "/usr/bin/true")
        self.assertIn("-rtc", cmd)
        self.assertEqual(cmd[cmd.index("-rtc") + 1], "base=utc")
        self.assertIn("-no-reboot", cmd)
        self.assertEqual(cmd[cmd.index("-m") + 1], "1024")

    def test_not_launched(self):
        # launch itself belongs to another issue; here it must fail
        # cleanly, and block_info/shutdown need a launched handle.
        with self.assertRaises(qdrive.Error):
            self.g.block_info()
        with self.assertRaises(qdrive.Error):
            self.g.shutdown()


class TestBadInput(Base):
    """Each bad input of the core issue: qdrive.Error with C's text."""

    def test_bad_enums(self):
        add = self.g.add_drive
        self.assertError('add_drive: cachemode: "bogus" is not valid; '
                         'allowed: ' + allowed("cachemode"),
                         add, self.disk, cachemode="bogus")
        self.assertError('add_drive: cachemode: "none" is not valid; '
                         'allowed: ' + allowed("cachemode"),
                         add, self.disk, cachemode="none")
        self.assertError('add_drive: discard: "on" is not valid; allowed: '
                         + allowed("discard"),
                         add, self.disk, discard="on")
        self.assertError('add_drive: iface: "sata" is not valid; allowed: '
                         + allowed("iface"),
                         add, self.disk, iface="sata")
        self.assertError('set_accel: accel: "xen" is not valid; allowed: '
                         + allowed("accel"), self.g.set_accel, "xen")

    def test_missing_file(self):
        missing = os.path.join(self.dir, "missing.img")
        e = self.assertError('add_drive: filename: "%s": No such file or '
                             'directory' % missing, self.g.add_drive, missing)
        self.assertEqual(e.errno, errno.ENOENT)
        self.assertError('add_drive: filename: "" is not valid; allowed: '
                         'the path of an existing file', self.g.add_drive, "")

    @unittest.skipIf(os.geteuid() == 0, "root can read and write any file")
    def test_unreadable_file(self):
        os.chmod(self.disk, 0)
        e = self.assertError('add_drive: filename: "%s": Permission denied'
                             % self.disk, self.g.add_drive, self.disk,
                             readonly=True)
        self.assertEqual(e.errno, errno.EACCES)

    def test_bad_label(self):
        add = self.g.add_drive
        allowed = "allowed: 1 to 20 characters, each a letter, a digit or _"
        for label in ["", "x" * 21, "a-b", "a b", "\u00e9"]:
            self.assertError('add_drive: label: "%s" is not valid; %s'
                             % (label, allowed), add, self.disk, label=label)
        add(self.disk, label="x" * 20)

    def test_bad_format(self):
        for fmt in ["", "raw,x", "a b", "q/c"]:
            self.assertError('add_drive: format: "%s" is not valid; allowed: '
                             'a non-empty name of letters, digits, _ and -'
                             % fmt, self.g.add_drive, self.disk, format=fmt)

    def test_bad_blocksize(self):
        for bs in [0, 1024, -512, 513]:
            self.assertError("add_drive: blocksize: %d is not valid; "
                             "allowed: 512, 4096" % bs,
                             self.g.add_drive, self.disk, blocksize=bs)
        self.assertError("add_drive_scratch: blocksize: 0 is not valid; "
                         "allowed: 512, 4096",
                         self.g.add_drive_scratch, 1024, blocksize=0)

    def test_bad_discard(self):
        self.assertError('add_drive: discard: "enable" needs the format to '
                         'be given; give format, or use discard "besteffort"',
                         self.g.add_drive, self.disk, discard="enable")
        self.assertError('add_drive: discard: "enable" is refused for a '
                         'readonly drive; allowed with readonly: disable, '
                         'besteffort', self.g.add_drive, self.disk,
                         format="raw", discard="enable", readonly=True)

    def test_too_many_drives(self):
        # Readonly: only readonly drives share a file.
        for i in range(4):
            self.g.add_drive(self.disk, iface="ide", readonly=True)
        self.assertError('add_drive: iface: "ide" can hold at most 4 drives, '
                         'and the handle has that many already',
                         self.g.add_drive, self.disk, iface="ide")
        self.g.add_drive(self.disk, readonly=True)  # scsi still has room
        for i in range(29):
            self.g.add_drive(self.disk, iface="virtio", readonly=True)
        self.assertError('add_drive: iface: "virtio" can hold at most 29 '
                         'drives, and the handle has that many already',
                         self.g.add_drive, self.disk, iface="virtio")

    def test_bad_scratch_size(self):
        for size in [0, -1]:
            self.assertError("add_drive_scratch: size: %d is not valid; "
                             "allowed: 1 or more bytes" % size,
                             self.g.add_drive_scratch, size)

    def test_bad_settings(self):
        g = self.g
        self.assertError("set_memsize: memsize: 127 is out of range; "
                         "allowed: 128 to 1048576 (MiB)", g.set_memsize, 127)
        self.assertError("set_memsize: memsize: 1048577 is out of range; "
                         "allowed: 128 to 1048576 (MiB)",
                         g.set_memsize, 1048577)
        self.assertError("set_smp: smp: 0 is out of range; allowed: 1 to 255",
                         g.set_smp, 0)
        self.assertError("set_smp: smp: 256 is out of range; allowed: 1 to "
                         "255", g.set_smp, 256)
        self.assertEqual((g.get_memsize(), g.get_smp()), (256, 1))

    def test_null_strings_are_type_errors(self):
        # C's NULL has no Python spelling but None, which a required
        # string refuses before the library is called.
        with self.assertRaisesRegex(TypeError, "'filename' must be str, "
                                    "bytes or os.PathLike, not NoneType"):
            self.g.add_drive(None)
        with self.assertRaisesRegex(TypeError, "'hv' must be str"):
            self.g.set_hv(None)

    def test_unknown_and_repeated_optargs(self):
        with self.assertRaisesRegex(TypeError, "unexpected keyword argument "
                                    "'cache'"):
            self.g.add_drive(self.disk, cache="unsafe")
        with self.assertRaisesRegex(TypeError, "unexpected keyword argument "
                                    "'format'"):
            self.g.add_drive_scratch(1024, format="raw")
        with self.assertRaisesRegex(TypeError, "multiple values for keyword "
                                    "argument 'cachemode'"):
            self.g.add_drive(self.disk, cachemode="unsafe",
                             **{"cachemode": "writeback"})
        with self.assertRaises(TypeError):
            self.g.get_memsize(1)
        self.assertEqual(self.g.list_drives(), [])

    def test_wrong_types(self):
        add = self.g.add_drive
        cases = [
            (lambda: add(42), "filename", "str, bytes or os.PathLike",
             "int"),
            (lambda: add(self.disk, format=b"raw"), "format", "str",
             "bytes"),
            (lambda: add(self.disk, readonly="yes"), "readonly", "bool", "str"),
            (lambda: add(self.disk, readonly=1.0), "readonly", "bool",
             "float"),
            (lambda: add(self.disk, format=1), "format", "str", "int"),
            (lambda: add(self.disk, cachemode=0), "cachemode", "str", "int"),
            (lambda: add(self.disk, blocksize="512"), "blocksize", "int",
             "str"),
            (lambda: add(self.disk, blocksize=512.0), "blocksize", "int",
             "float"),
            (lambda: self.g.add_drive_scratch("1G"), "size", "int", "str"),
            (lambda: self.g.set_trace("on"), "trace", "bool", "str"),
            (lambda: self.g.config("-x", 3), "qemuvalue", "str or None",
             "int"),
        ]
        for f, arg, want, got in cases:
            with self.assertRaises(TypeError) as cm:
                f()
            self.assertIn("argument '%s' must be %s, not %s"
                          % (arg, want, got), str(cm.exception))
        self.assertEqual(self.g.list_drives(), [])

    def test_list_arguments(self):
        echo = self.g.internal_echo
        with self.assertRaisesRegex(TypeError, "'strlist' must be a list of "
                                    "str, not str"):
            echo("a", None, "abc", False, 0, 0, "writeback")
        with self.assertRaisesRegex(TypeError, "'strlist' must be a list of "
                                    "str, not a list containing int"):
            echo("a", None, ["a", 1], False, 0, 0, "writeback")
        with self.assertRaisesRegex(TypeError, "'ostringlist' must be a list "
                                    "of str"):
            echo("a", None, [], False, 0, 0, "writeback", ostringlist="x")
        r = echo("a", None, ("t", "u"), False, 0, 0, "writeback",
                 ostringlist=("v",))
        self.assertIn('strlist=["t", "u"]', r)
        self.assertIn('ostringlist=["v"]', r)

    def test_bad_values_python_side(self):
        # The texts OCaml's binding uses (and Perl's, for NUL bytes).
        cases = [
            (OverflowError, "add_drive: blocksize: 1099511627776 is out of "
             "range; allowed: -2147483648 to 2147483647",
             lambda: self.g.add_drive(self.disk, blocksize=1 << 40)),
            (OverflowError, "add_drive_scratch: size: 18446744073709551616 "
             "is out of range; allowed: -9223372036854775808 to "
             "9223372036854775807",
             lambda: self.g.add_drive_scratch(1 << 64)),
        ]
        nul = "the string contains a NUL byte; allowed: strings without " \
              "NUL bytes"
        g = self.g
        for call, arg, f in [
                ("add_drive", "filename", lambda: g.add_drive("a\0b")),
                ("add_drive", "filename", lambda: g.add_drive(b"a\0b")),
                ("add_drive_ro", "filename", lambda: g.add_drive_ro(b"a\0")),
                ("add_drive", "format",
                 lambda: g.add_drive(self.disk, format="raw\0")),
                ("add_drive", "cachemode",
                 lambda: g.add_drive(self.disk, cachemode="unsafe\0")),
                ("config", "qemuparam", lambda: g.config("-x\0")),
                ("set_hv", "hv", lambda: g.set_hv("/q\0emu"))]:
            cases.append((ValueError, "%s: %s: %s" % (call, arg, nul), f))
        for exc, text, f in cases:
            with self.assertRaises(exc) as cm:
                f()
            self.assertEqual(str(cm.exception), text)
        self.assertEqual(self.g.list_drives(), [])

    def test_file_names(self):
        """File names are str, bytes or os.PathLike, and need not be
        UTF-8: what list_drives returns can be passed back."""
        import pathlib
        g = self.g
        # Readonly: several drives on one file must all be.
        g.add_drive(pathlib.Path(self.disk), readonly=True)
        g.add_drive(os.fsencode(self.disk), readonly=True)
        g.add_drive_ro(pathlib.PurePosixPath(self.disk))
        raw = os.path.join(os.fsencode(self.dir), b"caf\xe9 \xff.img")
        with open(raw, "wb") as f:
            f.truncate(1024 * 1024)
        g.add_drive(raw, readonly=True)
        name = g.list_drives()[3].filename
        self.assertEqual(os.fsencode(name), raw)
        g.add_drive_ro(name)            # the str, with surrogate escapes
        self.assertEqual(g.list_drives()[4].filename, name)
        self.assertEqual([d.filename for d in g.list_drives()[:3]],
                         [self.disk] * 3)
        g.set_hv(pathlib.Path("/opt/qemu"))
        self.assertEqual(g.get_hv(), "/opt/qemu")
        g.set_hv(b"/opt/q\xe9mu")
        self.assertEqual(os.fsencode(g.get_hv()), b"/opt/q\xe9mu")
        # Other strings are text: a surrogate is not UTF-8.
        with self.assertRaises(UnicodeEncodeError):
            g.add_drive(self.disk, label="a\udce9")

    def test_trailing_optstring_may_be_left_out(self):
        self.g.config("-no-reboot")
        self.g.config("-cpu", "max")
        cmd = self.g.get_qemu_command_line()
        i = cmd.index("-no-reboot")
        self.assertEqual(cmd[i + 1:i + 3], ["-cpu", "max"])


class TestCommandLine(Base):
    """The -drive/-device strings, as the C tests expect them."""

    def drive_args(self, g):
        cmd = g.get_qemu_command_line()
        return [a for i, a in enumerate(cmd)
                if i > 0 and cmd[i - 1] in ("-drive", "-device")]

    def check(self, expected, filename=None, **kw):
        with qdrive.Handle() as g:
            g.add_drive(filename or self.disk, **kw)
            exp = [s.replace("/d/disk.img", self.disk) for s in expected]
            self.assertEqual(self.drive_args(g),
                             ["virtio-scsi-pci,id=scsi0"] + exp)

    def test_rows(self):
        self.check(["file=/d/disk.img,cache=unsafe,format=raw,id=hd0,if=none",
                    "scsi-hd,drive=hd0"], format="raw", cachemode="unsafe")
        self.check(["file=/d/disk.img,cache=writeback,format=raw,id=hd0,"
                    "if=none", "scsi-hd,drive=hd0"], format="raw")
        self.check(["file=/d/disk.img,cache=writeback,format=raw,"
                    "discard=unmap,id=hd0,if=none", "scsi-hd,drive=hd0"],
                   format="raw", discard="enable")
        self.check(["file=/d/disk.img,cache=writeback,format=raw,"
                    "copy-on-read=on,id=hd0,if=none", "scsi-hd,drive=hd0"],
                   format="raw", copyonread=True)
        self.check(["file=/d/disk.img,cache=writeback,format=raw,id=hd0,"
                    "if=none", "scsi-hd,drive=hd0,serial=mylabel"],
                   format="raw", label="mylabel")
        self.check(["file=/d/disk.img,cache=writeback,format=raw,id=hd0,"
                    "if=none", "scsi-hd,drive=hd0,physical_block_size=4096,"
                    "logical_block_size=4096"], format="raw", blocksize=4096)

    def test_comma(self):
        comma = self.file("comma,name.img")
        with qdrive.Handle() as g:
            g.add_drive(comma, format="raw")
            self.assertEqual(
                self.drive_args(g)[1],
                "file=%s,cache=writeback,format=raw,id=hd0,if=none"
                % comma.replace(",", ",,"))

    def test_readonly(self):
        with qdrive.Handle() as g:
            g.add_drive(self.disk, format="raw", readonly=True)
            self.assertIn("snapshot=on", self.drive_args(g)[1])

    def test_same_as_c_demo_shape(self):
        with qdrive.Handle() as g:
            disk2 = self.file("disk2.img")
            g.add_drive(self.disk, format="raw", cachemode="unsafe")
            g.add_drive(disk2, format="raw")
            args = self.drive_args(g)
            self.assertEqual(args, [
                "virtio-scsi-pci,id=scsi0",
                "file=%s,cache=unsafe,format=raw,id=hd0,if=none" % self.disk,
                "scsi-hd,drive=hd0",
                "file=%s,cache=writeback,format=raw,id=hd1,if=none" % disk2,
                "scsi-hd,drive=hd1"])


class TestReturnTypes(Base):
    def test_internal_returns(self):
        g = self.g
        self.assertIsNone(g.internal_rerr("ok"))
        self.assertIs(g.internal_rbool("true"), True)
        self.assertEqual(g.internal_rint("-5"), -5)
        self.assertEqual(g.internal_rint64("1099511627776"), 1 << 40)
        self.assertEqual(g.internal_rstring("h\u00e9"), "h\u00e9")
        self.assertEqual(g.internal_rstringlist("3"), ["0", "1", "2"])
        s = g.internal_rstruct("7")
        self.assertIsInstance(s, qdrive.InternalStruct)
        self.assertEqual(tuple(s), ("s7", True, 7, 7000000000000, "unsafe",
                                    ["a b", "\"q\" \\ 'r'"]))
        # The list field's strings decoded from UTF-8, the empty one kept.
        self.assertEqual(g.internal_rstruct("4").strings,
                         ["a b", "\"q\" \\ 'r'", "h\u00e9llo \u20ac", ""])
        self.assertEqual(g.internal_rstructlist("0"), [])
        self.assertEqual([x.i for x in g.internal_rstructlist("3")], [0, 1, 2])


class TestGenerated(unittest.TestCase):
    """What the generated C wrappers do that a test cannot provoke
    before launch works: release the GIL around blocking calls (and
    around the others only while another thread is in a call on the
    handle: test_launch.py's TestWaiting)."""

    def wrapper(self, src, call):
        start = src.index("\nqdrive_py_%s (" % call)
        return src[start:src.index("\n}\n", start)]

    def test_gil_released_for_blocking_calls(self):
        path = os.path.join(os.environ["QDRIVE_TOP_SRCDIR"], "python",
                            "qdrive-py.c")
        with open(path) as f:
            src = f.read()
        for call in ["launch", "shutdown"]:
            self.assertIn("QDRIVE_PY_CALL (h, 1, ", self.wrapper(src, call),
                          call)
        for call in ["add_drive", "get_qemu_command_line", "list_drives"]:
            self.assertIn("QDRIVE_PY_CALL (h, 0, ", self.wrapper(src, call),
                          call)


class TestThreads(Base):
    def test_handles_in_threads(self):
        errors = []

        def work():
            try:
                with qdrive.Handle() as g:
                    for _ in range(200):
                        g.add_drive(self.disk, iface="virtio",
                                    readonly=True) \
                            if len(g.list_drives()) < 29 else None
                        try:
                            g.add_drive(self.disk, cachemode="x")
                        except qdrive.Error as e:
                            assert str(e).startswith("add_drive: cachemode:")
            except Exception as e:
                errors.append(e)

        ts = [threading.Thread(target=work) for _ in range(4)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertEqual(errors, [])


if __name__ == "__main__":
    unittest.main()
