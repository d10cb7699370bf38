#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Every source file names its licence in an SPDX-License-Identifier
# line among its first lines, and it is the licence README.md gives its
# directory:
#
#   examples/                                  MIT-0
#   c/, python/, perl/, ocaml/ (but not t/)    LGPL-2.1-or-later
#   everything else                            GPL-2.0-or-later
#
#   check-spdx.py           fail on a file without the line, or with a
#                           line naming the wrong licence (or two lines)
#   check-spdx.py --add     add the line, in the file's comment syntax,
#                           to each file that has none
#
# The files are git's (git ls-files): a tarball holds the generated
# files and autotools' output too, and is checked by make dist.
# Generated files are not in git: the generator's banner carries their
# line, and they are checked too, strictly, wherever the generator has
# written them (files git ignores whose banner says they are generated).

import os
import re
import subprocess
import sys

LGPL, GPL, MIT0 = "LGPL-2.1-or-later", "GPL-2.0-or-later", "MIT-0"

# Files that cannot carry a comment (expected outputs, fuzzing seeds),
# or are licence texts.
EXEMPT = re.compile(r"""(^|/)(COPYING(\.LIB)?|\.gitkeep|py\.typed)$
                      | \.expected$
                      | ^tests/fuzz-corpus/""", re.X)

IDENT = re.compile(r"SPDX-License-Identifier: *([^\s*>]+)")
GENERATED = "DO NOT EDIT: changes are lost when the file is regenerated."
HEAD_LINES = 12


def licence_of(path):
    if path.startswith("examples/"):
        return MIT0
    if re.match(r"(c|python|perl|ocaml)/", path) and "/t/" not in path:
        return LGPL
    return GPL


def comment(path, ident):
    """The SPDX line for PATH in its comment syntax."""
    text = "SPDX-License-Identifier: " + ident
    name = os.path.basename(path)
    ext = re.sub(r"\.in$", "", name).rsplit(".", 1)[-1] if "." in name else ""
    if ext in ("c", "h", "xs"):
        return "/* %s */\n" % text
    if ext in ("ml", "mli"):
        return "(* %s *)\n" % text
    if ext == "pod":
        return "=for comment %s\n\n" % text
    if ext == "md":
        return "<!-- %s -->\n" % text
    if ext == "ac":
        return "dnl %s\n" % text
    return "# %s\n" % text


def add(path, ident):
    with open(path) as f:
        lines = f.readlines()
    # After a #! line, which must stay first.
    at = 1 if lines and lines[0].startswith("#!") else 0
    lines.insert(at, comment(path, ident))
    mode = os.stat(path).st_mode
    with open(path, "w") as f:
        f.writelines(lines)
    os.chmod(path, mode)


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode not in ("", "--add"):
        sys.exit("usage: check-spdx.py [--add]")
    top = os.path.abspath(os.environ.get("QDRIVE_TOP_SRCDIR") or
                          os.path.join(os.path.dirname(__file__), ".."))
    if not os.path.exists(os.path.join(top, ".git")):
        print("check-spdx: %s is not a git checkout: its files were checked "
              "when its tarball was made" % top)
        sys.exit(77)
    files = subprocess.run(["git", "-C", top, "ls-files", "-z"], check=True,
                           capture_output=True, text=True).stdout.split("\0")
    files = sorted(f for f in files if f and not EXEMPT.search(f))
    ignored = subprocess.run(["git", "-C", top, "ls-files", "-z", "--others",
                              "--ignored", "--exclude-standard"], check=True,
                             capture_output=True, text=True).stdout.split("\0")
    wrong, missing = [], []
    generated = 0
    for path in files + sorted(f for f in ignored if f):
        want = licence_of(path)
        try:
            with open(os.path.join(top, path), errors="replace") as f:
                head = [next(f, "") for _ in range(HEAD_LINES)]
        except (IsADirectoryError, PermissionError):
            continue
        is_generated = any(GENERATED in line for line in head)
        if path not in files and not is_generated:
            continue
        generated += is_generated
        found = [m[1] for line in head for m in [IDENT.search(line)] if m]
        if not found:
            if is_generated:
                wrong.append("%s: generated without the line" % path)
            else:
                missing.append((path, want))
        elif found != [want]:
            wrong.append("%s: %s, not %s" % (path, ", ".join(found), want))
    for w in wrong:
        print("check-spdx: wrong licence: " + w)
    if mode == "--add":
        for path, want in missing:
            add(os.path.join(top, path), want)
        print("check-spdx: added the line to %d files" % len(missing))
        missing = []
    for path, want in missing:
        print("check-spdx: no SPDX line (%s): %s" % (want, path))
    print("check-spdx: %d files and %d generated ones: %d without the "
          "line, %d with a wrong one"
          % (len(files), generated, len(missing), len(wrong)))
    if wrong or missing:
        sys.exit(1)


main()
