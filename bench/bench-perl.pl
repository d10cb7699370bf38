#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0-or-later
# qdrive benchmark, Perl binding: median nanoseconds per call of
#
#   add_drive   an existing regular file with 3 optional arguments
#               (format => raw, cachemode => unsafe, and for Sys::Qdrive
#               readonly => 1, for Sys::Guestfs discard => besteffort:
#               qdrive gives one file to several drives only if all are
#               readonly, and libguestfs runs qemu-img at each readonly
#               add)
#   rejected    the same call with a bad cachemode, caught with eval
#
# for Sys::Qdrive and, in the same run, for libguestfs's Perl binding
# Sys::Guestfs where it is installed (Debian's libguestfs-perl; only
# for this benchmark, the build does not need it).
#
# Run from the build tree:   ./run perl bench/bench-perl.pl [ROUNDS [CALLS]]
# (QDRIVE_BENCH_CLOCK=wall for wall-clock instead of CPU time)
#
# Each round times CALLS calls on a fresh handle (made and closed
# outside the timing); the two libraries take turns round by round so
# that both see the same machine noise.  The figure is the median over
# the rounds of the round's time divided by CALLS.

use strict;
use warnings;
use File::Temp qw(tempdir);
use POSIX qw(R_OK W_OK);
use Time::HiRes qw(clock_gettime CLOCK_MONOTONIC CLOCK_THREAD_CPUTIME_ID);

use Sys::Qdrive;

my $rounds = shift // 31;
my $calls = shift // 2000;

# The machine is shared: by default each round is timed in CPU time of
# this thread (user + system), which other processes' load does not
# inflate; QDRIVE_BENCH_CLOCK=wall times it by the monotonic clock.
my $wall = ($ENV{QDRIVE_BENCH_CLOCK} // '') eq 'wall';
my $clock = $wall ? CLOCK_MONOTONIC : CLOCK_THREAD_CPUTIME_ID;

my $dir = tempdir (CLEANUP => 1);
my $disk = "$dir/disk.img";
open my $fh, '>', $disk or die "$disk: $!";
truncate $fh, 1024 * 1024 or die;
close $fh;

my $have_guestfs = eval { require Sys::Guestfs; 1 };

# The libraries: how to make a handle, and the two calls.  Both
# bindings take the same arguments, so one description serves both,
# with its third option.
sub library {
  my ($class, $third, $value) = @_;
  return {
    name => $class,
    new => sub { $class->new () },
    close => sub { $_[0]->close () },
    good => sub {
      my ($g, $n) = @_;
      $g->add_drive ($disk, format => 'raw', cachemode => 'unsafe',
                     $third => $value) for 1 .. $n;
    },
    bad => sub {
      my ($g, $n) = @_;
      eval { $g->add_drive ($disk, format => 'raw', cachemode => 'bogus',
                            $third => $value) } for 1 .. $n;
    },
  };
}
my @libs = (library ('Sys::Qdrive', readonly => 1));
push @libs, library ('Sys::Guestfs', discard => 'besteffort') if $have_guestfs;

# Both libraries check the file with one access(2) per accepted call;
# its cost alone (from Perl, the same loop) is the floor that no
# binding can go under, measured in the same rounds.  It matters where
# system calls are slow (a few microseconds in some virtual machines).
# (qdrive also makes one stat(2), for the kind and identity of the
# file: the C benchmark shows that cost.)
my $floor = {
  name => 'floor',
  new => sub { undef },
  close => sub { },
  good => sub {
    my (undef, $n) = @_;
    POSIX::access ($disk, R_OK | W_OK) or die "$disk: $!" for 1 .. $n;
  },
};

# Likewise a rejected call costs at least Perl's own eval { die }: the
# floor of the rejected calls, a die with a message of the same length
# (croak adds " at FILE line N." to both): the message itself, as
# qdrive gives it.
my $die_msg = do {
  my $g = Sys::Qdrive->new ();
  eval { $g->add_drive ($disk, cachemode => 'bogus') };
  $@ =~ s/ at \S+ line \d+\.\n\z//r;
};
$floor->{bad} = sub {
  my (undef, $n) = @_;
  eval { die $die_msg } for 1 .. $n;
};

# Each call must do what it is measured for: succeed, or be refused.
for my $lib (@libs) {
  my $g = $lib->{new}->();
  $lib->{good}->($g, 1);
  eval { $g->add_drive ($disk, format => 'raw', cachemode => 'bogus') };
  die "$lib->{name}: the bad call was not refused\n" unless $@;
  $lib->{close}->($g);
}

sub time_round {
  my ($lib, $kind) = @_;
  my $g = $lib->{new}->();
  my $t0 = clock_gettime ($clock);
  $lib->{$kind}->($g, $calls);
  my $t1 = clock_gettime ($clock);
  $lib->{close}->($g);
  return ($t1 - $t0) * 1e9 / $calls;
}

sub median {
  my @s = sort { $a <=> $b } @_;
  return @s % 2 ? $s[$#s / 2] : ($s[@s / 2 - 1] + $s[@s / 2]) / 2;
}

my %median;
for my $kind ('good', 'bad') {
  my @timed = (@libs, $floor);
  my %ns;
  # One warm-up round each, not counted.
  time_round ($_, $kind) for @timed;
  for (1 .. $rounds) {
    push @{$ns{$_->{name}}}, time_round ($_, $kind) for @timed;
  }
  $median{$kind}{$_} = median (@{$ns{$_}}) for keys %ns;
}

# Appends a row to $BENCH_TABLE, bench/run's summary table.
sub table_row {
  my ($what, $q, $l) = @_;
  return unless $ENV{BENCH_TABLE};
  open my $fh, '>>', $ENV{BENCH_TABLE} or return;
  if (defined $l) {
    printf $fh "| Perl | %s | %.1f ns | libguestfs 1.48 Perl | %.1f ns | %.2f |\n",
      $what, $q, $l, $q / $l;
  } else {
    printf $fh "| Perl | %s | %.1f ns | libguestfs 1.48 Perl (not installed) | - | - |\n",
      $what, $q;
  }
  close $fh;
}

printf "Perl binding benchmark: median of %d rounds of %d calls each (%s time)\n",
  $rounds, $calls, $wall ? 'wall-clock' : 'CPU';
printf "perl %vd, Sys::Qdrive %s%s\n", $^V, Sys::Qdrive->VERSION,
  $have_guestfs ? ", Sys::Guestfs (libguestfs " . guestfs_version () . ")" : "";
printf "%-44s %12s %12s %8s\n", 'call', 'Sys::Qdrive', 'Sys::Guestfs', 'ratio';
for my $kind ('good', 'bad') {
  my $label = $kind eq 'good'
    ? 'add_drive (regular file, 3 optargs)'
    : 'rejected add_drive (bad cachemode)';
  my $q = $median{$kind}{'Sys::Qdrive'};
  my $l = $median{$kind}{'Sys::Guestfs'};
  printf "%-44s %9.0f ns %9s ns %8s\n", $label, $q,
    defined $l ? sprintf ('%.0f', $l) : 'n/a',
    defined $l ? sprintf ('%.2f', $q / $l) : 'n/a';
  table_row ($label, $q, $l);
}
print "\nFloors that both bindings pay, and the rest:\n";
for my $kind ('good', 'bad') {
  my $f = $median{$kind}{floor};
  printf "%-44s %9.0f ns\n", $kind eq 'good' ? 'one access(2) system call'
                                             : 'Perl eval { die MESSAGE }', $f;
  next unless defined $median{$kind}{'Sys::Guestfs'};
  my ($q, $l) = ($median{$kind}{'Sys::Qdrive'}, $median{$kind}{'Sys::Guestfs'});
  printf "%-44s %9.0f ns %9.0f ns %8.2f\n",
    $kind eq 'good' ? 'add_drive less that floor' : 'rejected add_drive less that floor',
    $q - $f, $l - $f, ($q - $f) / ($l - $f);
}
print "Sys::Guestfs is not installed (apt-get install libguestfs-perl to compare)\n"
  unless $have_guestfs;

sub guestfs_version {
  # Sys::Guestfs returns a struct as a flat key => value list.
  my %v = Sys::Guestfs->new ()->version ();
  return "$v{major}.$v{minor}.$v{release}";
}
