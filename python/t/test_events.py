#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# qdrive Python binding: events (set_event_callback).
#
# What a callback receives, that an exception it raises goes to
# sys.unraisablehook and leaves the call and the handle as they were,
# that calls on the same handle from a callback fail with EDEADLK (and
# close is refused), that another thread's call waits while a callback
# runs with the GIL passing to it, that the binding drops its reference
# to a callback once the library is done with it, and one real launch
# (in a thread, the GIL released) for the library and progress events.

import errno
import gc
import os
import sys
import threading
import time
import unittest
import weakref

import qdrive

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from launchlib import require_qemu, set_up_for_launch  # noqa: E402

DEADLOCK = ("not allowed in an event callback of the same handle: the "
            "call the event comes from holds the handle")


class Recorder:
    """A callback that keeps what it is given (weakref-able)."""

    def __init__(self):
        self.seen = []

    def __call__(self, event, handle, message, array):
        self.seen.append((event, handle, message, array))


class TestEvents(unittest.TestCase):
    def setUp(self):
        self.g = qdrive.Handle()
        self.raised = []
        self.hook = sys.unraisablehook
        sys.unraisablehook = self.raised.append

    def tearDown(self):
        sys.unraisablehook = self.hook
        self.g.close()

    def test_constants(self):
        self.assertEqual(qdrive.EVENT_LIBRARY, "library")
        self.assertEqual((qdrive.EVENT_TRACE, qdrive.EVENT_QEMU,
                          qdrive.EVENT_PROGRESS), ("trace", "qemu", "progress"))
        self.assertIn("Event", qdrive.__all__)
        self.assertIn("EventCallback", qdrive.__all__)

    def test_trace_events(self):
        r = Recorder()
        h = self.g.set_event_callback(r, [qdrive.EVENT_TRACE])
        self.assertEqual(h, 0)
        self.g.set_trace(True)
        self.assertEqual(self.g.internal_rint("42"), 42)
        self.assertEqual(r.seen, [("trace", 0, 'internal_rint "42"', []),
                                  ("trace", 0, "internal_rint = 42", [])])
        # Any iterable of names: a set, a tuple, a generator.
        self.assertEqual(self.g.set_event_callback(r, {"trace", "qemu"}), 1)
        self.assertEqual(self.g.set_event_callback(
            r, (e for e in ["library"])), 2)

    def test_bad_arguments(self):
        with self.assertRaises(TypeError) as cm:
            self.g.set_event_callback(1, ["trace"])
        self.assertEqual(str(cm.exception), "set_event_callback() argument "
                         "'cb' must be callable, not int")
        with self.assertRaises(TypeError):
            self.g.set_event_callback(Recorder(), "trace")
        with self.assertRaises(TypeError):
            self.g.set_event_callback(Recorder(), 1)
        with self.assertRaises(TypeError):
            self.g.set_event_callback(Recorder(), [1])
        with self.assertRaises(qdrive.Error) as cm:
            self.g.set_event_callback(Recorder(), ["trace", "bogus"])
        self.assertEqual(str(cm.exception), 'set_event_callback: events: '
                         '"bogus" is not valid; allowed: library, trace, '
                         'qemu, progress')
        self.assertEqual(cm.exception.errno, errno.EINVAL)
        with self.assertRaises(qdrive.Error) as cm:
            self.g.set_event_callback(Recorder(), [])
        self.assertEqual(cm.exception.errno, errno.EINVAL)
        with self.assertRaises(qdrive.Error) as cm:
            self.g.delete_event_callback(0)
        self.assertEqual(cm.exception.errno, errno.EINVAL)

    def test_exception_in_a_callback(self):
        def boom(event, handle, message, array):
            raise ValueError("boom: " + message)

        self.g.set_event_callback(boom, ["trace"])
        self.g.set_trace(True)
        self.g.add_drive_scratch(1 << 20, name="s")
        self.assertEqual([str(u.exc_value) for u in self.raised],
                         ['boom: add_drive_scratch 1048576 "name:s"',
                          "boom: add_drive_scratch = 0"])
        self.assertIs(self.raised[0].object, boom)
        # The call was made, and the handle works.
        self.assertEqual([d.name for d in self.g.list_drives()], ["s"])
        with self.assertRaises(qdrive.Error):
            self.g.set_memsize(1)
        self.assertEqual(self.g.get_memsize(), 256)

    def test_calls_from_a_callback(self):
        errors = []
        other = qdrive.Handle()

        def reenter(event, handle, message, array):
            for f in (self.g.get_memsize, self.g.close,
                      lambda: self.g.set_smp(2)):
                try:
                    f()
                except qdrive.Error as e:
                    errors.append((str(e), e.errno))
            other.set_smp(4)            # another handle works

        self.g.set_event_callback(reenter, ["trace"])
        self.g.set_trace(True)
        self.assertEqual(self.g.get_smp(), 1)
        self.assertEqual(errors[:3], [
            ("get_memsize: " + DEADLOCK, errno.EDEADLK),
            ("close: " + DEADLOCK, errno.EDEADLK),
            ("set_smp: " + DEADLOCK, errno.EDEADLK)])
        self.assertFalse(self.g.closed)
        self.assertEqual(self.g.get_smp(), 1)
        self.assertEqual(other.get_smp(), 4)
        other.close()
        self.assertEqual(self.raised, [])

    def test_other_thread_waits(self):
        # The callback of the main thread's call sleeps: the GIL goes to
        # the other thread, whose call waits for the handle, then runs.
        order = []

        def slow(event, handle, message, array):
            if message == "get_smp":
                t.start()
                time.sleep(0.3)
            order.append(message)

        def other():
            self.g.set_memsize(512)
            order.append("set_memsize returned")

        t = threading.Thread(target=other)
        self.g.set_event_callback(slow, ["trace"])
        self.g.set_trace(True)
        self.g.get_smp()
        t.join(10)
        self.assertFalse(t.is_alive())
        self.assertEqual(order, ["get_smp", "get_smp = 1", "set_memsize 512",
                                 "set_memsize = 0", "set_memsize returned"])

    def test_references(self):
        # The binding holds the callback while it is registered, and
        # lets it go once deleted, or once the handle is closed.
        r1, r2, r3 = Recorder(), Recorder(), Recorder()
        w1, w2, w3 = weakref.ref(r1), weakref.ref(r2), weakref.ref(r3)
        h1 = self.g.set_event_callback(r1, ["trace"])
        self.g.set_event_callback(r2, ["trace"])
        with self.assertRaises(qdrive.Error):
            self.g.set_event_callback(r3, ["bogus"])
        del r1, r2, r3
        gc.collect()
        self.assertIsNotNone(w1())
        self.assertIsNotNone(w2())
        self.assertIsNone(w3())
        self.g.delete_event_callback(h1)
        gc.collect()
        self.assertIsNone(w1())
        self.assertIsNotNone(w2())
        self.g.close()
        gc.collect()
        self.assertIsNone(w2())


class TestLaunchEvents(unittest.TestCase):
    def test_launch(self):
        require_qemu(self)
        seen = []
        with qdrive.Handle() as g:
            set_up_for_launch(g)
            g.set_verbose(True)
            g.add_drive_scratch(1 << 20)
            g.set_event_callback(lambda *a: seen.append(a),
                                 ["library", "progress"])
            # launch releases the GIL; the callbacks take it back while
            # this thread keeps running Python.
            t = threading.Thread(target=g.launch)
            t.start()
            spins = 0
            while t.is_alive():
                spins += 1
            t.join()
            self.assertGreater(spins, 1000)
            g.shutdown()
        progress = [(m, a) for (e, _, m, a) in seen if e == "progress"]
        self.assertEqual(progress, [
            ("starting qemu", [1, 4]),
            ("connecting to qemu's QMP socket", [2, 4]),
            ("asking qemu for its drives", [3, 4]),
            ("ready", [4, 4])])
        library = [m for (e, _, m, _) in seen if e == "library"]
        self.assertTrue(library[0].startswith("running: "), library)
        self.assertIn(" -S ", library[0])
        self.assertEqual(library[-1], "qemu has exited")


if __name__ == "__main__":
    unittest.main()
