#!/bin/bash -
# The libvirt backend against a private libvirt daemon of its own.
exec "$(dirname "$0")/private-libvirtd.sh" ./libvirt-daemon "$@"
