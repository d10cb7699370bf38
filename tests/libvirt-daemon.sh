#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# The libvirt backend against a private libvirt daemon of its own.
exec "$(dirname "$0")/private-libvirtd.sh" ./libvirt-daemon "$@"
