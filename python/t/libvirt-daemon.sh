#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# t/test_libvirt_daemon.py beside a private libvirt daemon of its own.
exec "$srcdir/../tests/private-libvirtd.sh" "$PYTHON" "$srcdir/t/test_libvirt_daemon.py"
