#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# qdrive shell test: the prompt, driven through a pseudo-terminal.
#
# qdrive only shows its prompt (libedit) when standard input is a
# terminal, so the test gives it one, types into it like a user, and
# reads what appears.  Tab completion is checked by its effect: a
# command typed with an unfinished word only works if Tab finished it.
#
# usage: test-interactive.py DISK   (qdrive must be in PATH)

import os
import pty
import re
import select
import signal
import sys
import termios
import time

TIMEOUT = 60  # seconds for each expected text: a busy 2-core CI machine
# What libedit writes to move the cursor and ring the bell.
ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|[\x07\r]")


class Session:
    def __init__(self, argv, env, cwd=None):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                if cwd is not None:
                    os.chdir(cwd)
                os.execvpe(argv[0], argv, env)
            finally:
                os._exit(127)
        self.buf = ""       # output not yet matched
        self.log = ""       # everything, for failure reports

    def read_some(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        r, _, _ = select.select([self.fd], [], [], left)
        if not r:
            return False
        try:
            data = os.read(self.fd, 4096)
        except OSError:     # EIO: the child has closed the terminal
            return False
        if not data:
            return False
        text = data.decode("utf-8", "replace")
        self.buf += text
        self.log += text
        return True

    def expect(self, pattern, what):
        """Waits for pattern (a regex) in the output; consumes up to it."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            # libedit redraws with cursor movements: ignore them (a
            # completion shows as "cachemode:un", CR, ESC[54G, "safe").
            self.buf = ESCAPES.sub("", self.buf)
            m = re.search(pattern, self.buf)
            if m:
                self.buf = self.buf[m.end():]
                return m
            if not self.read_some(deadline):
                self.fail("did not see %s (pattern %r)" % (what, pattern))

    def send(self, text):
        """Types text once libedit is reading the terminal.  It prints
        the prompt before it switches the terminal to raw mode; a
        Control-D typed in between would be taken by the terminal's
        line discipline, so wait until canonical mode is off."""
        deadline = time.monotonic() + TIMEOUT
        while termios.tcgetattr(self.fd)[3] & termios.ICANON:
            if time.monotonic() > deadline:
                self.fail("the terminal never left canonical mode")
            time.sleep(0.01)
        os.write(self.fd, text.encode())

    def fail(self, msg):
        # The terminal's last output, then the reason: the reason is
        # last so that it shows in a log's tail (CI shows only that).
        sys.stderr.write("---- terminal output so far (its end) ----\n"
                         "%s\n----\n" % repr(self.log[-3000:]))
        sys.stderr.write("qdrive (pid %d): %s\n" % (self.pid, self.state()))
        sys.stderr.write("test-interactive: FAIL: %s\n" % msg)
        try:
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
        except OSError:
            pass
        sys.exit(1)

    def state(self):
        """What qdrive is doing, for a failure report: its process state
        and kernel wait channel, and the terminal's mode."""
        facts = []
        try:
            with open("/proc/%d/stat" % self.pid) as f:
                facts.append("state %s" % f.read().rsplit(")", 1)[1].split()[0])
            with open("/proc/%d/wchan" % self.pid) as f:
                facts.append("waiting in %s" % (f.read() or "-"))
        except (OSError, IndexError):
            facts.append("no longer running")
        try:
            lflag = termios.tcgetattr(self.fd)[3]
            facts.append("terminal %s" % ("canonical" if lflag & termios.ICANON
                                          else "raw"))
        except termios.error:
            facts.append("terminal closed")
        return ", ".join(facts)

    def wait(self):
        """Waits for qdrive to exit, reading what it still writes."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid != 0:
                return status
            if not self.read_some(deadline) and time.monotonic() > deadline:
                self.fail("qdrive did not exit")
            time.sleep(0.05)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: test-interactive.py DISK")
    disk = sys.argv[1]
    env = dict(os.environ)
    env["TERM"] = "xterm"
    env["EDITRC"] = "/dev/null"   # no user key bindings
    # In the disk's directory, so that the line typed is short whatever
    # the directory's name: a line longer than the terminal is 80
    # columns wraps, and libedit redraws it in pieces.
    s = Session(["qdrive"], env, cwd=os.path.dirname(os.path.abspath(disk)))
    prompt = r"qdrive> "

    s.expect(r"Welcome to qdrive", "the welcome text")
    s.expect(prompt, "the first prompt")

    # Tab completion of an enum value after "key:".  "cachemode:un" is
    # not a valid value; the drive is only added if Tab made it
    # "cachemode:unsafe", which list-drives then shows.
    s.send("add-drive %s format:raw cachemode:un\t" % os.path.basename(disk))
    s.expect(r"cachemode:unsafe", "cachemode:un completed to cachemode:unsafe")
    s.send("\r")
    s.expect(prompt, "the prompt after add-drive")

    # Tab completion of a command name (unique prefix).
    s.send("list-dri\t")
    s.expect(r"list-drives", "list-dri completed to list-drives")
    s.send("\r")
    s.expect(r"cachemode: unsafe\n", "list-drives showing cachemode unsafe")
    s.expect(r"format: raw|readonly: false", "more of list-drives")
    s.expect(prompt, "the prompt after list-drives")

    # An error is reported and the prompt comes back.
    s.send("set-memsize 12x\r")
    s.expect(r"qdrive: error: set-memsize: memsize: \"12x\" is not valid",
             "the error for a bad integer")
    s.expect(prompt, "the prompt after an error")

    # Quoting and several commands on one line.
    s.send("set-hv \"/opt/my qemu\" : get-hv\r")
    s.expect(r"/opt/my qemu\n", "the value set with a quoted argument")
    s.expect(prompt, "the prompt after get-hv")

    # A backslash at the end of a line goes on on the next, read with
    # the prompt "> "; Control-C there drops the whole command.
    s.send("set-memsize \\\r")
    s.expect(r"\n> ", "the prompt for more")
    s.send("512 : get-memsize\r")
    s.expect(r"\n512\n", "get-memsize printing 512 (the lines were joined)")
    s.expect(prompt, "the prompt after the joined line")
    s.send("set-memsize 1024 \\\r")
    s.expect(r"\n> ", "the prompt for more")
    s.send("\x03")
    s.expect(prompt, "the prompt after Control-C at the prompt for more")
    s.send("get-memsize\r")
    s.expect(r"\n512\n", "get-memsize printing 512 (set-memsize 1024 dropped)")
    s.expect(prompt, "the prompt after get-memsize")

    # Control-C drops the line being typed (set-smp does not run) and
    # gives a new prompt.
    s.send("set-smp 7 : get-smp")
    s.expect(r"set-smp 7 : get-smp", "the line typed")
    s.send("\x03")
    s.expect(prompt, "the prompt after Control-C")
    s.send("get-smp\r")
    s.expect(r"\n1\n", "get-smp printing 1 (set-smp 7 was dropped)")
    s.expect(prompt, "the prompt after get-smp")

    # Control-C at the end of a burst of typing: the terminal discards
    # what qdrive has not read yet, so qdrive must not wait for more
    # (it did when the signal came while it was not blocked reading).
    s.send("set-smp 7 : " + "x" * 3000 + "\x03")
    s.expect(r"\n" + prompt, "the prompt after Control-C ending a burst of typing")
    s.send("get-smp\r")
    s.expect(r"\n1\n", "get-smp printing 1 (the burst was dropped)")
    s.expect(prompt, "the prompt after get-smp")

    s.send("help add-drive\r")
    s.expect(r"add-drive - add a disk image", "help add-drive")
    s.expect(prompt, "the prompt after help")

    s.send("quit\r")
    status = s.wait()
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        s.fail("qdrive did not exit with status 0 after quit (status %d)"
               % status)

    # The history is saved in ~/.qdrive_history, for its owner only
    # (libedit writes a space as \040).
    hist = os.path.join(env["HOME"], ".qdrive_history")
    try:
        st = os.stat(hist)
        with open(hist) as f:
            saved = f.read()
    except OSError as e:
        s.fail("no history saved: %s" % e)
    if st.st_mode & 0o077:
        s.fail("%s is mode %o, not readable by its owner only"
               % (hist, st.st_mode & 0o777))
    if not re.search(r"help(\\040| )add-drive", saved):
        s.fail("%s lacks \"help add-drive\": %r" % (hist, saved))

    # The next session has it: Up twice recalls "help add-drive" (the
    # line before "quit"), which Enter runs.  Then end of input
    # (Control-D) leaves.
    disk_dir = os.path.dirname(os.path.abspath(disk))
    s = Session(["qdrive"], env, cwd=disk_dir)
    s.expect(prompt, "the first prompt")
    s.send("\x1b[A\x1b[A")
    s.expect(r"help add-drive", "the line recalled from the last session")
    s.send("\r")
    s.expect(r"add-drive - add a disk image", "the recalled line run")
    s.expect(prompt, "the prompt after the recalled line")

    # A name beyond ASCII typed at the prompt arrives whole, whatever
    # the locale (UTF-8, as the terminal sends it).
    with open(os.path.join(disk_dir, "caf\u00e9.img"), "wb") as f:
        f.truncate(1 << 20)
    s.send("add-drive caf\u00e9.img format:raw : list-drives\r")
    s.expect(r"filename: [^\n]*/caf\u00e9\.img\n", "the drive named caf\u00e9.img")
    s.expect(prompt, "the prompt after list-drives")
    s.send("\x04")
    status = s.wait()
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        s.fail("qdrive did not exit with status 0 at end of input")

    # SIGTERM at the prompt: qdrive says so, closes its handle (its
    # temporary directory goes) and exits with status 1.
    tmpdir = os.path.join(os.path.dirname(os.path.abspath(disk)), "t")
    os.mkdir(tmpdir)
    s = Session(["qdrive"], dict(env, TMPDIR=tmpdir))
    s.expect(prompt, "the first prompt")
    s.send("add-drive-scratch 1048576\r")
    s.expect(prompt, "the prompt after add-drive-scratch")
    if len(os.listdir(tmpdir)) != 1:
        s.fail("no temporary directory in %s" % tmpdir)
    s.send("get-s")
    s.expect(r"get-s", "the start of a line")
    # SIGTERM while qdrive is still taking in a burst of typing, not
    # waiting for a key: it must not wait for the next one to stop.
    s.send("x" * 3000)
    os.kill(s.pid, signal.SIGTERM)
    status = s.wait()
    s.expect(r"qdrive: error: stopped by a signal: Terminated", "the signal")
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 1:
        s.fail("qdrive did not exit with status 1 after SIGTERM")
    if os.listdir(tmpdir):
        s.fail("temporary files left in %s: %s"
               % (tmpdir, os.listdir(tmpdir)))
    os.rmdir(tmpdir)

    print("test-interactive: ok")


if __name__ == "__main__":
    main()
