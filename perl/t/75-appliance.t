# SPDX-License-Identifier: GPL-2.0-or-later
# Sys::Qdrive with guest "appliance", booted once for the
# whole script: sh, command, errors, 1 MiB of output, list_devices on
# scsi and virtio, labels, a filesystem made and read back, a read-only
# drive left unchanged, and blockstats.  Error texts are the C
# library's own, croaked.

use strict;
use warnings;
use Test::More;
use Digest::SHA qw(sha256_hex);

use Sys::Qdrive;
use FindBin;
use lib "$FindBin::Bin/lib";
use QdriveTest;

require_qemu ();

my $dir = scratch_dir ('qdrive-perl-appliance');
my $mib = 1024 * 1024;

sub filled {
  my ($name, $byte) = @_;
  my $path = "$dir/$name";
  open my $fh, '>', $path or die "$path: $!";
  print $fh $byte x (8 * $mib) or die "$path: $!";
  close $fh or die "$path: $!";
  return $path;
}

sub digest {
  my ($path) = @_;
  open my $fh, '<', $path or die "$path: $!";
  binmode $fh;
  local $/;
  return sha256_hex (<$fh>);
}

my $scsi = filled ('scsi.img', "\0");
my $virtio = filled ('virtio.img', 'v');
my $ro = filled ('ro.img', 'r');
my $ro_digest = digest ($ro);

my $g = Sys::Qdrive->new ();
$g->set_guest ('appliance');
$g->add_drive ($scsi, format => 'raw', label => 'SCSI');
$g->add_drive ($virtio, format => 'raw', iface => 'virtio', label => 'VIRT');
$g->add_drive ($ro, format => 'raw', readonly => 1);
$g->launch ();
is ($g->get_guest (), 'appliance', 'launched the appliance');

# sh and command.
is ($g->sh ('echo hello; echo err >&2'), "hello\n", 'sh: stdout only');
is ($g->sh ('true'), '', 'sh: no output');
is ($g->command (['printf', '%s|', 'a b', '$HOME', ';']), 'a b|$HOME|;|',
    'command: the arguments as they are');

# Errors.
dies_with (sub { $g->sh ('echo bad >&2; exit 3') },
           "sh: the command exited with status 3; the end of its standard "
           . "error:\\nbad", 'a non-zero exit');
dies_with (sub { $g->sh ('kill -KILL $$') },
           'sh: the command was killed by signal 9 (Killed)', 'a signal');
dies_with (sub { $g->command ([]) },
           'command: arguments: the list is empty; allowed: a program and '
           . 'its arguments', 'no arguments');
eval { $g->command (['nosuchprogram']) };
like ($@, qr/No such file or directory/, 'a program that does not exist');
is ($g->sh ('echo still here'), "still here\n", 'still works after errors');

# 1 MiB of output.
is ($g->sh ("head -c 1048576 /dev/zero | tr '\\0' x"), 'x' x $mib,
    '1 MiB of output, whole');

# list_devices, checked by content, and the labels.
my @d = $g->list_devices ();
is (scalar @d, 3, 'three devices');
like ($d[0], qr{^/dev/sd[a-z]+$}, 'scsi drive');
like ($d[1], qr{^/dev/vd[a-z]+$}, 'virtio drive');
like ($d[2], qr{^/dev/sd[a-z]+$}, 'read-only scsi drive');
is ($g->sh ("head -c 3 $d[1]; head -c 3 $d[2]"), 'vvvrrr',
    'each device is its drive');
is ($g->sh ('readlink -f /dev/disk/qdrive/SCSI; '
            . 'readlink -f /dev/disk/qdrive/VIRT; ls /dev/disk/qdrive'),
    "$d[0]\n$d[1]\nSCSI\nVIRT\n", 'labels under /dev/disk/qdrive');

# A filesystem, written and read back after a remount.
$g->sh ('mke2fs -q -t ext4 /dev/disk/qdrive/SCSI && mkdir -p /mnt/s && '
        . 'mount /dev/disk/qdrive/SCSI /mnt/s && '
        . "echo 'written by perl' > /mnt/s/f && umount /mnt/s");
is ($g->sh ('mount -o ro /dev/disk/qdrive/SCSI /mnt/s && cat /mnt/s/f && '
            . 'umount /mnt/s'), "written by perl\n", 'filesystem read back');

# The read-only drive: the guest sees its write, the file is unchanged.
is ($g->sh ("printf xyz | dd of=$d[2] conv=notrunc,fsync 2>/dev/null; "
            . "head -c 5 $d[2]"), 'xyzrr', 'the guest sees its write');
is (digest ($ro), $ro_digest, 'the read-only file is unchanged');

# blockstats moves on the drive written, not on the others.
my @before = $g->blockstats ();
is_deeply ([map { $_->{drive_id} } @before], ['hd0', 'hd1', 'hd2'],
           'blockstats: one entry per drive, in order');
$g->sh ('dd if=/dev/zero of=/dev/disk/qdrive/VIRT bs=65536 count=16 '
        . 'conv=fsync 2>/dev/null');
my @after = $g->blockstats ();
cmp_ok ($after[1]{wr_bytes} - $before[1]{wr_bytes}, '>=', $mib,
        'blockstats: 1 MiB more written');
cmp_ok ($after[1]{flush_operations}, '>', $before[1]{flush_operations},
        'blockstats: a flush more');
is ($after[2]{wr_bytes}, $before[2]{wr_bytes},
    'blockstats: the other drives unchanged');

$g->shutdown ();
$g->close ();
done_testing ();
