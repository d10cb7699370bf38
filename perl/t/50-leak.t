# SPDX-License-Identifier: GPL-2.0-or-later
# No leak: 1,000,000 rejected calls and 100,000 new/close cycles grow
# the resident set by less than 1 MB, measured after a warm-up.

use strict;
use warnings;
use Test::More;
use File::Temp qw(tempdir);
use POSIX qw(sysconf _SC_PAGESIZE);

use Sys::Qdrive;

my $page = sysconf (_SC_PAGESIZE);
sub rss {
  open my $fh, '<', '/proc/self/statm' or die "/proc/self/statm: $!";
  my (undef, $resident) = split ' ', <$fh>;
  return $resident * $page;
}

my $dir = tempdir (CLEANUP => 1);
my $disk = "$dir/disk.img";
open my $fh, '>', $disk or die;
close $fh;

# Rejected calls of every kind: by C (bad enum, bad value, NULL,
# missing file) and by the binding (unknown, repeated, odd keys, bad
# integer, bad list, closed handle).
my $g = Sys::Qdrive->new ();
my $closed = Sys::Qdrive->new ();
$closed->close ();
my @bad = (
  sub { $g->add_drive ($disk, format => 'raw', cachemode => 'fast', iface => 'scsi') },
  sub { $g->add_drive ($disk, label => 'no good') },
  sub { $g->add_drive (undef) },
  sub { $g->add_drive ("$dir/missing.img", format => 'raw') },
  sub { $g->add_drive ($disk, bogus => 1) },
  sub { $g->add_drive ($disk, format => 'raw', format => 'raw') },
  sub { $g->add_drive ($disk, 'format') },
  sub { $g->add_drive ($disk, blocksize => 'x') },
  sub { $g->internal_echo ('s', undef, ['a', undef], 0, 0, 0, 'unsafe') },
  sub { $g->internal_echo ('s', 'x', ['a', 'b'], 0, 0, 0, 'unsafe', ostringlist => ['c'], oint => -1) },
  sub { $g->internal_rstructlist ('error') },
  sub { $closed->get_hv () },
);

sub reject_loop {
  my $n = shift;
  my $errors = 0;
  for my $i (1 .. $n) {
    eval { $bad[$i % @bad]->() };
    ++$errors if $@;
  }
  return $errors;
}

reject_loop (50_000);
my $before = rss ();
my $errors = reject_loop (1_000_000);
my $growth = rss () - $before;
is ($errors, 1_000_000, 'every call was rejected');
cmp_ok ($growth, '<', 1024 * 1024, "1,000,000 rejected calls: RSS grew by $growth bytes");

# Successful calls returning every kind of value are freed too.
sub ok_loop {
  for (1 .. $_[0]) {
    my @r = ($g->internal_rstructlist ('3'), $g->internal_rstringlist ('3'),
             $g->internal_rstruct ('1'), $g->internal_rstring ('abc'),
             $g->internal_echo ('s', 'x', ['a'], 1, 2, 3, 'unsafe', ostringlist => ['b']));
  }
}
ok_loop (10_000);
$before = rss ();
ok_loop (100_000);
$growth = rss () - $before;
cmp_ok ($growth, '<', 1024 * 1024, "100,000 rounds of returned values: RSS grew by $growth bytes");

sub cycle_loop {
  for (1 .. $_[0]) {
    my $h = Sys::Qdrive->new ();
    $h->add_drive ($disk, format => 'raw');
    $h->close ();
  }
}
cycle_loop (5_000);
$before = rss ();
cycle_loop (100_000);
$growth = rss () - $before;
cmp_ok ($growth, '<', 1024 * 1024, "100,000 new/close cycles: RSS grew by $growth bytes");

# Handles dropped without close are freed by DESTROY.
sub drop_loop { Sys::Qdrive->new ()->add_drive ($disk) for 1 .. $_[0] }
drop_loop (5_000);
$before = rss ();
drop_loop (100_000);
$growth = rss () - $before;
cmp_ok ($growth, '<', 1024 * 1024, "100,000 handles left to DESTROY: RSS grew by $growth bytes");

done_testing ();
