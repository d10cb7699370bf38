# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers shared by Sys::Qdrive's tests (t/*.t); not installed.  A test
# loads it with:
#   use FindBin;
#   use lib "$FindBin::Bin/lib";
#   use QdriveTest;

package QdriveTest;

use strict;
use warnings;
use Exporter qw(import);
use File::Spec;
use File::Temp qw(tempdir);
use Test::More;

use Sys::Qdrive;

our @EXPORT = qw(dies_with require_qemu scratch_dir make_raw empty_disk);

# Dies with a Sys::Qdrive::Error reading exactly $text, followed by
# croak's " at FILE line N.", whose message is $text (and, if given,
# whose errno is $errno).
sub dies_with {
  my ($code, $text, $name, $errno) = @_;
  local $Test::Builder::Level = $Test::Builder::Level + 1;
  eval { $code->() };
  my $e = $@;
  my $ok = like ($e, qr/\A\Q$text\E at \S+ line \d+\.\n\z/, $name);
  $ok &&= ok (ref $e && $e->isa ('Sys::Qdrive::Error') && $e->message eq $text,
              "$name: a Sys::Qdrive::Error with that message");
  $ok &&= is ($e->errno, $errno, "$name: errno $errno") if defined $errno;
  diag $e unless $ok;
}

# No qemu is a failure, not a skip: say which package brings it, and
# stop the test.  The qemu is the one a new handle would run
# ($QDRIVE_HV, else qemu-system-x86_64).
sub require_qemu {
  local $Test::Builder::Level = $Test::Builder::Level + 1;
  my $hv = Sys::Qdrive->new ()->get_hv ();
  my @where = $hv =~ m{/} ? ($hv) : map { "$_/$hv" } File::Spec->path ();
  unless (grep { -f $_ && -x _ } @where) {
    fail ("qemu ($hv) can be run");
    diag ("$hv was not found: install the Debian package qemu-system-x86 "
          . "(or point \$QDRIVE_HV at another qemu)");
    done_testing ();
    exit 1;
  }
}

# A private directory named $prefix.XXXXXX, removed when the test ends.
sub scratch_dir {
  my ($prefix) = @_;
  return tempdir ("$prefix.XXXXXX", TMPDIR => 1, CLEANUP => 1);
}

# A sparse raw image of 1 MiB, $dir/$name.
sub make_raw {
  my ($dir, $name) = @_;
  my $path = "$dir/$name";
  open my $fh, '>', $path or die "$path: $!";
  truncate $fh, 1024 * 1024 or die "$path: $!";
  close $fh or die "$path: $!";
  return $path;
}

# A temporary directory (removed when the test ends) holding an empty
# file disk.img: returns both paths.
sub empty_disk {
  my $dir = tempdir (CLEANUP => 1);
  my $disk = "$dir/disk.img";
  open my $fh, '>', $disk or die "$disk: $!";
  close $fh or die "$disk: $!";
  return ($dir, $disk);
}

1;
