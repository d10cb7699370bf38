#!/bin/bash -
# SPDX-License-Identifier: GPL-2.0-or-later
# qdrive tests: run a command beside a private libvirt daemon.
#
#   tests/private-libvirtd.sh COMMAND [ARGS...]
#
# Starts a libvirt daemon of its own with the real qemu driver, waits
# until it answers, runs COMMAND with the variables below in its
# environment, then stops the daemon and everything it started, removes
# its directory, and exits with COMMAND's status.  It never touches a
# daemon the machine already runs: the daemon has its own sockets,
# configuration, logs and runtime directory in a new directory under
# /tmp, and listens on 127.0.0.1 only.
#
#   QDRIVE_TEST_LIBVIRTD_UNIX    qemu+unix:///session?socket=...
#   QDRIVE_TEST_LIBVIRTD_TCP     qemu+tcp://127.0.0.1:PORT/session
#   QDRIVE_TEST_LIBVIRTD_IMAGES  a directory for test images that the
#                                daemon's qemu can read and write (mode
#                                0777; make the images 0666)
#   QDRIVE_TEST_LIBVIRTD_POOL    the directory of the daemon's storage
#                                pool "default"
#   QDRIVE_TEST_LIBVIRTD_USER    the user the daemon and its qemu run as
#   QDRIVE_TEST_LIBVIRTD_DIR     the daemon's whole directory
#   QDRIVE_TEST_LIBVIRTD_LOG     the daemon's log (warnings and errors)
#
# The daemon is libvirtd in session mode (qemu:///session), not the
# modular virtqemud: Debian 12's libvirt 9.0 ships no modular daemons,
# and one libvirtd serves the unix socket, the TCP listener and the
# storage driver (scratch drives) in one process, where the modular
# daemons would need virtqemud, virtproxyd and virtstoraged.  Session
# mode needs no system user, no cgroups and no namespaces.  Run as
# root (as CI does) the daemon runs as "nobody" (setpriv), since root's
# libvirtd is always the privileged /system daemon; otherwise as the
# calling user.  TCP has authentication off: for this test only, on
# loopback.
#
# Bounded in time: the daemon must answer within
# $QDRIVE_TEST_LIBVIRTD_START_TIMEOUT seconds (default 60; its first
# answer waits for it to probe qemu, about 4 s here), COMMAND gets
# $QDRIVE_TEST_LIBVIRTD_TIMEOUT seconds (default 1800), and the daemon
# exits by itself after 10 minutes without a client should this script
# be killed before it can stop it.

set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi

# Under tini as a child subreaper: libvirt daemonizes each qemu, which
# then belongs to the nearest subreaper, else to pid 1.  tini reaps them
# at once; a pid 1 that reaps late (some VM and container inits do)
# makes every domain's destroy wait in libvirt for the zombie to go.
if [ -z "${QDRIVE_TEST_LIBVIRTD_REAPER:-}" ]; then
  command -v tini >/dev/null ||
    { echo "private-libvirtd: tini not found: apt-get install tini" >&2; exit 1; }
  export QDRIVE_TEST_LIBVIRTD_REAPER=$$
  exec tini -s -- "$0" "$@"
fi

# All in one function, read whole before it runs: editing this file
# while it runs (a rebase, say) cannot change what the run does.
main () {
  need () {
    command -v "$1" >/dev/null ||
      { echo "private-libvirtd: $1 not found: apt-get install $2" >&2; exit 1; }
  }
  libvirtd=/usr/sbin/libvirtd
  [ -x "$libvirtd" ] ||
    { echo "private-libvirtd: $libvirtd not found: apt-get install libvirt-daemon libvirt-daemon-driver-qemu" >&2; exit 1; }
  [ -n "$(find /usr/lib -path '*libvirt/connection-driver/libvirt_driver_qemu.so' -print -quit 2>/dev/null)" ] ||
    { echo "private-libvirtd: libvirt's qemu driver not found: apt-get install libvirt-daemon-driver-qemu" >&2; exit 1; }
  need virsh libvirt-clients
  need qemu-system-x86_64 qemu-system-x86
  need setpriv util-linux
  need setsid util-linux
  need timeout coreutils

  start_timeout=${QDRIVE_TEST_LIBVIRTD_START_TIMEOUT:-60}
  run_timeout=${QDRIVE_TEST_LIBVIRTD_TIMEOUT:-1800}

  # Short names: libvirt puts the appliance's agent socket under the
  # configuration directory, .../cfg/libvirt/qemu/channel/target/
  # domain-N-NAME/org.qemu.guest_agent.0, and a unix socket's path is
  # at most 107 bytes.
  dir=$(mktemp -d /tmp/qlv.XXXXXX)
  chmod 0755 "$dir"
  pid=
  log="$dir/log/libvirtd.log"

  # The daemon runs as its user, with a private home and XDG directories
  # and nothing else from our environment.
  if [ "$(id -u)" -eq 0 ]; then
    user=nobody
    group=$(id -gn nobody)
    as_user=(setpriv --reuid "$user" --regid "$group" --clear-groups)
  else
    user=$(id -un)
    group=$(id -gn)
    as_user=()
  fi
  daemon_env=(env -i HOME="$dir/home" XDG_CONFIG_HOME="$dir/cfg"
              XDG_CACHE_HOME="$dir/cache" XDG_DATA_HOME="$dir/data"
              XDG_RUNTIME_DIR="$dir/run" PATH=/usr/sbin:/usr/bin:/sbin:/bin
              LC_ALL=C)

  # Stops the daemon and every qemu it started, then removes the
  # directory.  Domains are destroyed through the daemon first (it then
  # removes their files); a qemu the daemon could not stop is killed by
  # the pid the daemon recorded, once /proc confirms it is that qemu
  # (its command line names this directory), never by name.
  stop () {
    local status=$? f p name
    trap - EXIT INT TERM HUP
    set +e
    if [ -n "$cmd_pid" ] && kill -0 "$cmd_pid" 2>/dev/null; then
      kill -TERM "$cmd_pid" 2>/dev/null
      wait "$cmd_pid" 2>/dev/null
    fi
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      for name in $(timeout 20 virsh -q -c "$unix_uri" list --name 2>/dev/null); do
        timeout 20 virsh -q -c "$unix_uri" destroy "$name" >/dev/null 2>&1 || :
      done
      kill -TERM "$pid" 2>/dev/null || :
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || :
      wait "$pid" 2>/dev/null || :
    fi
    for f in "$dir"/run/libvirt/qemu/*.pid; do
      [ -f "$f" ] || continue
      p=$(cat "$f" 2>/dev/null) || continue
      case "$p" in ''|*[!0-9]*) continue ;; esac
      if tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | grep -qF "$dir/"; then
        echo "private-libvirtd: killing qemu $p, left running by the daemon" >&2
        kill -KILL "$p" 2>/dev/null || :
      fi
    done
    rm -rf "$dir"
    exit "$status"
  }
  unix_uri=
  cmd_pid=
  trap stop EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP

  mkdir -p "$dir"/{home,cfg/libvirt,cache,data,run,sock,log,images,pool}
  chmod 0700 "$dir/run"
  chmod 0777 "$dir/images"
  sock="$dir/sock/libvirt-sock"
  unix_uri="qemu+unix:///session?socket=$sock"

  # tcp_port = "0": the kernel picks a free port, read back below.
  cat > "$dir/cfg/libvirt/libvirtd.conf" <<EOF
listen_tls = 0
listen_tcp = 1
listen_addr = "127.0.0.1"
tcp_port = "0"
auth_tcp = "none"
unix_sock_dir = "$dir/sock"
log_outputs = "3:file:$log"
EOF
  # No security driver (nothing to label as an unprivileged user); qemu's
  # output to files, without virtlogd.
  cat > "$dir/cfg/libvirt/qemu.conf" <<EOF
security_driver = "none"
stdio_handler = "file"
EOF
  chown -R "$user:$group" "$dir"/{home,cfg,cache,data,run,sock,log,pool}

  # In a session of its own, so that a signal to our process group (a
  # Ctrl-C, make being stopped) reaches it only through stop.
  (cd / && exec setsid "${as_user[@]}" "${daemon_env[@]}" "$libvirtd" --listen --timeout 600 -f "$dir/cfg/libvirt/libvirtd.conf") \
    > "$dir/log/stdout" 2>&1 < /dev/null &
  pid=$!

  fail_start () {
    echo "private-libvirtd: $1; its log:" >&2
    tail -n 20 "$log" "$dir/log/stdout" >&2 2>/dev/null || :
    exit 1
  }

  # The TCP port the daemon listens on: a listening socket in
  # /proc/net/tcp whose inode is one of the daemon's descriptors.
  tcp_port () {
    local inodes ino
    inodes=$(ls -l "/proc/$pid/fd" 2>/dev/null | sed -n 's/.*socket:\[\([0-9]*\)\].*/\1/p')
    for ino in $inodes; do
      awk -v ino="$ino" '$10 == ino && $4 == "0A" { split($2, a, ":"); print a[2]; exit }' /proc/net/tcp
    done | head -n 1
  }

  deadline=$((SECONDS + start_timeout))
  port=
  until [ -S "$sock" ] && [ -n "$port" ]; do
    kill -0 "$pid" 2>/dev/null || fail_start "libvirtd exited at start"
    [ "$SECONDS" -lt "$deadline" ] || fail_start "libvirtd did not listen within $start_timeout s"
    sleep 0.05
    hex=$(tcp_port)
    [ -z "$hex" ] || port=$((16#$hex))
  done
  tcp_uri="qemu+tcp://127.0.0.1:$port/session"

  # Answering: the capabilities make it probe qemu now, not in a test.
  until timeout 30 virsh -q -c "$unix_uri" capabilities >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || fail_start "libvirtd exited at start"
    [ "$SECONDS" -lt "$deadline" ] || fail_start "libvirtd did not answer within $start_timeout s"
    sleep 0.1
  done

  # The storage pool scratch drives go to (see qdrive(3)); transient, so
  # nothing of it outlives the daemon.
  timeout 30 virsh -q -c "$unix_uri" pool-create-as default dir --target "$dir/pool" >/dev/null ||
    fail_start "cannot create the storage pool default"

  export QDRIVE_TEST_LIBVIRTD_UNIX="$unix_uri"
  export QDRIVE_TEST_LIBVIRTD_TCP="$tcp_uri"
  export QDRIVE_TEST_LIBVIRTD_IMAGES="$dir/images"
  export QDRIVE_TEST_LIBVIRTD_POOL="$dir/pool"
  export QDRIVE_TEST_LIBVIRTD_USER="$user"
  export QDRIVE_TEST_LIBVIRTD_DIR="$dir"
  export QDRIVE_TEST_LIBVIRTD_LOG="$log"
  echo "private-libvirtd: libvirtd (pid $pid, user $user) at $unix_uri and $tcp_uri" >&2

  # In the background, waited for: a signal to this script is then
  # handled at once (stop ends the command first), not after it.
  timeout -k 10 "$run_timeout" "$@" &
  cmd_pid=$!
  set +e
  wait "$cmd_pid"
  status=$?
  set -e
  cmd_pid=
  [ "$status" -ne 124 ] || echo "private-libvirtd: $1 did not finish within $run_timeout s" >&2
  exit "$status"
}

main "$@"
