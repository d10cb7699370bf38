# SPDX-License-Identifier: GPL-2.0-or-later
# Sys::Qdrive and hostile input.
#
# 1. File names that would inject qemu -drive options (a comma starts a
#    new option unless doubled), look like command-line options, or hold
#    characters a careless quoting or JSON parser gets wrong.  qdrive
#    accepts every one; one real qemu (one launch) must then see exactly
#    one drive per file, under its unchanged absolute name, format raw.
# 2. Labels and formats holding ',', '=' or ' ' are refused with the C
#    library's text, and leave the handle's drive list unchanged.

use strict;
use warnings;
use Test::More;

use Sys::Qdrive;
use FindBin;
use lib "$FindBin::Bin/lib";
use QdriveTest;

require_qemu ();

my $dir = scratch_dir ('qdrive-perl-hostile');

# 1. Hostile file names, all on one handle, one launch.
{
  my @names = ('x,format=qcow2', 'x,file.driver=ssh', '-leading-dash',
               'a:b', "new\nline", 'sp ace', 'q"uote', 'back\\slash');
  my @paths = map { make_raw ($dir, $_) } @names;

  my $g = Sys::Qdrive->new ();
  $g->set_memsize (128);
  $g->add_drive ($_, format => 'raw') for @paths;
  is_deeply ([map { $_->{filename} } $g->list_drives ()], \@paths,
             'every hostile name is accepted unchanged');

  eval { $g->launch () };
  is ($@, '', 'qemu starts with every hostile name')
    or do { done_testing (); exit 1 };   # nothing more to test
  my @info = eval { $g->block_info () };
  my $err = $@;
  $g->shutdown ();
  is ($err, '', 'block_info works');

  # An injected option would change a drive's file, driver or format,
  # or stop qemu starting; a split name would show up as another name.
  is (scalar @info, scalar @paths, 'qemu has exactly one drive per name');
  is_deeply ([map { $_->{id} } @info], [map { "hd$_" } 0 .. $#paths],
             'ids hd0..hd7');
  for my $i (0 .. $#paths) {
    my $shown = $names[$i] =~ s/\n/\\n/gr;
    is ($info[$i]{filename}, $paths[$i], "$shown: qemu's filename unchanged");
    is ($info[$i]{format}, 'raw', "$shown: qemu's format is raw");
  }
  $g->close ();
}

# 2. Labels and formats with ',', '=' or ' ' are refused.
{
  my $disk = make_raw ($dir, 'disk.img');
  my $g = Sys::Qdrive->new ();
  # One good drive first, so that "unchanged" is not just "empty".
  $g->add_drive ($disk, format => 'raw', label => 'good');
  my @before = $g->list_drives ();

  for my $label ('a,b', 'a=b', 'a b') {
    dies_with (sub { $g->add_drive ($disk, format => 'raw', label => $label) },
               "add_drive: label: \"$label\" is not valid; allowed: 1 to 20 "
               . 'characters, each a letter, a digit or _',
               "label \"$label\" refused with C's text");
    is_deeply ([$g->list_drives ()], \@before,
               "label \"$label\": the handle is unchanged");
  }
  for my $format ('raw,x', 'raw=x', 'ra w') {
    dies_with (sub { $g->add_drive ($disk, format => $format) },
               "add_drive: format: \"$format\" is not valid; allowed: a "
               . 'non-empty name of letters, digits, _ and -',
               "format \"$format\" refused with C's text");
    is_deeply ([$g->list_drives ()], \@before,
               "format \"$format\": the handle is unchanged");
  }
  $g->close ();
}

done_testing ();
