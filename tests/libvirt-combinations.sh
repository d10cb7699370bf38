#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# Every add_drive combination against libvirt's test driver and the
# real qemu driver of a private libvirt daemon.
exec "$(dirname "$0")/private-libvirtd.sh" ./libvirt-combinations "$@"
