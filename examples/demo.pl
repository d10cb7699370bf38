#!/usr/bin/env perl
# SPDX-License-Identifier: MIT-0
# qdrive example, in Perl: two disks with their cache modes, and what
# qemu made of each.
#
# A disk whose data matters keeps the default cache mode, writeback:
# qemu obeys the guest's flushes.  A scratch disk, whose contents are
# thrown away, may use unsafe, which ignores them and is faster.  The
# program launches qemu (stopped before the guest's first instruction)
# and asks it over QMP what it made of each drive.
#
#   perl demo.pl

use strict;
use warnings;
use File::Temp qw(tempdir);
use Sys::Qdrive qw(:enums);

my $row = "%-5s  %-6s  %-9s  %-9s  %-6s  %s\n";

sub yes_no { $_[0] ? 'yes' : 'no' }

my $tmp = tempdir (CLEANUP => 1);
my ($data, $scratch) = ("$tmp/data.img", "$tmp/scratch.img");
# Empty (sparse) 64 MiB raw disk images.
for my $path ($data, $scratch) {
  open my $fh, '>', $path or die "$path: $!";
  truncate $fh, 64 << 20 or die "$path: $!";
  close $fh;
}

# Every method croaks with the library's message on error.
my $g = Sys::Qdrive->new ();
$g->add_drive ($data, format => 'raw', cachemode => CACHEMODE_WRITEBACK);
$g->add_drive ($scratch, format => 'raw', cachemode => CACHEMODE_UNSAFE);
$g->launch ();
printf $row, 'drive', 'format', 'read-only', 'writeback', 'direct', 'no-flush';
for my $b ($g->block_info ()) {
  printf $row, $b->{id}, $b->{format}, yes_no ($b->{readonly}),
    yes_no ($b->{cache_writeback}), yes_no ($b->{cache_direct}),
    yes_no ($b->{cache_no_flush});
}
$g->shutdown ();
$g->close ();
