#!/bin/bash -
# Every add_drive combination against libvirt's test driver and the
# real qemu driver of a private libvirt daemon.
exec "$(dirname "$0")/private-libvirtd.sh" ./libvirt-combinations "$@"
