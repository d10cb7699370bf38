# SPDX-License-Identifier: GPL-2.0-or-later
# The -drive and -device strings for the rows of the core issue's
# table, written out here as libguestfs 1.48's direct backend writes
# them (t/30-same-as-c.t checks Perl against C; this checks both
# against the table).

use strict;
use warnings;
use Test::More;
use Cwd qw(getcwd);
use File::Temp qw(tempdir);

use Sys::Qdrive;

my $dir = tempdir (CLEANUP => 1);
my $disk = "$dir/disk.img";
my $comma = "$dir/comma,name.img";
for my $f ($disk, $comma) {
  open my $fh, '>', $f or die "$f: $!";
  close $fh;
}

# The -drive and -device values of a handle's drives, in order.
sub drives {
  my @cmd = $_[0]->get_qemu_command_line ();
  my @r;
  for my $i (0 .. $#cmd - 1) {
    push @r, "$cmd[$i] $cmd[$i + 1]"
      if $cmd[$i] eq '-drive' || ($cmd[$i] eq '-device' && $i > 0);
  }
  return @r;
}

sub row {
  my ($name, $args, @want) = @_;
  my $g = Sys::Qdrive->new ();
  $g->add_drive (@$args);
  my @got = grep { !/virtio-scsi-pci/ } drives ($g);
  is_deeply (\@got, \@want, $name);
  $g->close ();
}

row ('format:raw cachemode:unsafe', [$disk, format => 'raw', cachemode => 'unsafe'],
     "-drive file=$disk,cache=unsafe,format=raw,id=hd0,if=none",
     '-device scsi-hd,drive=hd0');
row ('format:raw (default cache)', [$disk, format => 'raw'],
     "-drive file=$disk,cache=writeback,format=raw,id=hd0,if=none",
     '-device scsi-hd,drive=hd0');
row ('comma in the file name', [$comma, format => 'raw'],
     "-drive file=$dir/comma,,name.img,cache=writeback,format=raw,id=hd0,if=none",
     '-device scsi-hd,drive=hd0');
row ('discard:enable', [$disk, format => 'raw', discard => 'enable'],
     "-drive file=$disk,cache=writeback,format=raw,discard=unmap,id=hd0,if=none",
     '-device scsi-hd,drive=hd0');
row ('copyonread:true', [$disk, format => 'raw', copyonread => 1],
     "-drive file=$disk,cache=writeback,format=raw,copy-on-read=on,id=hd0,if=none",
     '-device scsi-hd,drive=hd0');
row ('label:mylabel', [$disk, format => 'raw', label => 'mylabel'],
     "-drive file=$disk,cache=writeback,format=raw,id=hd0,if=none",
     '-device scsi-hd,drive=hd0,serial=mylabel');
row ('blocksize:4096', [$disk, format => 'raw', blocksize => 4096],
     "-drive file=$disk,cache=writeback,format=raw,id=hd0,if=none",
     '-device scsi-hd,drive=hd0,physical_block_size=4096,logical_block_size=4096');
row ('readonly:true', [$disk, format => 'raw', readonly => 1],
     "-drive file=$disk,cache=writeback,snapshot=on,format=raw,id=hd0,if=none",
     '-device scsi-hd,drive=hd0');
row ('iface:virtio', [$disk, iface => 'virtio'],
     "-drive file=$disk,cache=writeback,id=hd0,if=none",
     '-device virtio-blk-pci,drive=hd0');

# One virtio-scsi controller before the drives; relative names made
# absolute; hv first.
{
  my $old = getcwd ();
  chdir $dir or die;
  my $g = Sys::Qdrive->new ();
  $g->set_hv ('/opt/qemu');
  # Two files: qemu gives a file to several drives only if all are
  # readonly.
  open my $fh, '>', 'disk2.img' or die "disk2.img: $!";
  close $fh;
  $g->add_drive ('disk.img', format => 'raw', cachemode => Sys::Qdrive::CACHEMODE_UNSAFE);
  $g->add_drive ('disk2.img', format => 'raw');
  my @cmd = $g->get_qemu_command_line ();
  chdir $old;
  is ($cmd[0], '/opt/qemu', 'the qemu binary first');
  my @ctl = grep { $cmd[$_] eq 'virtio-scsi-pci,id=scsi0' } 0 .. $#cmd;
  is (scalar @ctl, 1, 'one virtio-scsi controller');
  my ($first_drive) = grep { $cmd[$_] eq '-drive' } 0 .. $#cmd;
  cmp_ok ($ctl[0], '<', $first_drive, 'the controller precedes the drives');
  is_deeply ([drives ($g)],
             ['-device virtio-scsi-pci,id=scsi0',
              "-drive file=$disk,cache=unsafe,format=raw,id=hd0,if=none",
              '-device scsi-hd,drive=hd0',
              "-drive file=$dir/disk2.img,cache=writeback,format=raw,id=hd1,if=none",
              '-device scsi-hd,drive=hd1'],
             'two drives, the relative name made absolute');
}

done_testing ();
