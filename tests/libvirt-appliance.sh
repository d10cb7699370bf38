#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# test-appliance's cases through a private libvirt daemon, over its
# remote protocol (TCP on 127.0.0.1).
exec "$(dirname "$0")/private-libvirtd.sh" \
  sh -c 'QDRIVE_TEST_APPLIANCE_LIBVIRT="$QDRIVE_TEST_LIBVIRTD_TCP" exec ./test-appliance'
