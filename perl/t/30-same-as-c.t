# Sys::Qdrive against C itself: the same calls as ./c-reference makes
# in C (bad input, and qemu command lines), compared with its output.
# Errors must have C's text exactly, followed by what croak appends.

use strict;
use warnings;
use Test::More;
use Cwd qw(abs_path getcwd);
use File::Temp qw(tempdir);

use Sys::Qdrive;

my $ref = abs_path ('c-reference');
-x $ref or BAIL_OUT ("c-reference is not built: run make check");

# Both sides run in a directory holding the files the cases name, and
# give the names relative, so the absolute paths agree.
my $dir = tempdir (CLEANUP => 1);
my $old = getcwd ();
chdir $dir or die "$dir: $!";
for my $f ('disk.img', 'disk2.img', 'comma,name.img') {
  open my $fh, '>', $f or die "$f: $!";
  close $fh;
}

my %c;
open my $out, '-|', $ref or die "$ref: $!";
while (<$out>) {
  chomp;
  my ($tag, $result) = /^(\w+) => (.*)\z/s or die "c-reference: bad line: $_";
  $c{$tag} = $result;
}
close $out or die "c-reference failed: $?";

# The same cases, in Perl.  Each returns normally (the command line is
# then compared) or croaks (the message is compared).
my %perl = (
  cmd_unsafe => sub { $_[0]->add_drive ('disk.img', format => 'raw', cachemode => 'unsafe') },
  cmd_default => sub { $_[0]->add_drive ('disk.img', format => 'raw') },
  cmd_writeback => sub { $_[0]->add_drive ('disk.img', cachemode => 'writeback') },
  cmd_comma => sub { $_[0]->add_drive ('comma,name.img', format => 'raw') },
  cmd_discard_enable => sub { $_[0]->add_drive ('disk.img', format => 'raw', discard => 'enable') },
  cmd_discard_besteffort => sub { $_[0]->add_drive ('disk.img', discard => 'besteffort') },
  cmd_discard_disable => sub { $_[0]->add_drive ('disk.img', discard => 'disable') },
  cmd_copyonread => sub { $_[0]->add_drive ('disk.img', format => 'raw', copyonread => 1) },
  cmd_label => sub { $_[0]->add_drive ('disk.img', format => 'raw', label => 'mylabel') },
  cmd_blocksize => sub { $_[0]->add_drive ('disk.img', format => 'raw', blocksize => 4096) },
  cmd_blocksize512 => sub { $_[0]->add_drive ('disk.img', blocksize => 512) },
  cmd_readonly => sub { $_[0]->add_drive ('disk.img', format => 'raw', readonly => 1) },
  cmd_readonly_false => sub { $_[0]->add_drive ('disk.img', readonly => 0) },
  cmd_ro => sub { $_[0]->add_drive_ro ('disk.img') },
  cmd_virtio => sub { $_[0]->add_drive ('disk.img', iface => 'virtio') },
  cmd_ide => sub { $_[0]->add_drive ('disk.img', iface => 'ide') },
  cmd_scsi => sub { $_[0]->add_drive ('disk.img', iface => 'scsi') },
  cmd_name => sub { $_[0]->add_drive ('disk.img', name => 'system') },
  cmd_all => sub {
    $_[0]->add_drive_opts ('disk.img', readonly => 0, format => 'qcow2',
                           iface => 'virtio', name => 'n', label => 'L_1',
                           cachemode => 'unsafe', discard => 'besteffort',
                           copyonread => 1, blocksize => 512);
  },
  cmd_two => sub {
    $_[0]->add_drive ('disk.img', format => 'raw', cachemode => 'unsafe');
    $_[0]->add_drive ('disk2.img', format => 'qcow2', iface => 'virtio');
  },
  cmd_settings => sub {
    my $g = shift;
    $g->set_hv ('/usr/bin/qemu-kvm');
    $g->set_memsize (2048);
    $g->set_smp (4);
    $g->set_accel ('tcg');
    $g->config ('-cpu', 'host');
    $g->config ('-no-reboot', undef);
    $g->add_drive ('disk.img');
  },

  err_cachemode => sub { $_[0]->add_drive ('disk.img', cachemode => 'fast') },
  err_cachemode_null => sub { $_[0]->add_drive ('disk.img', cachemode => undef) },
  err_discard => sub { $_[0]->add_drive ('disk.img', discard => 'yes') },
  err_iface => sub { $_[0]->add_drive ('disk.img', iface => 'usb') },
  err_filename_null => sub { $_[0]->add_drive (undef) },
  err_filename_null_opts => sub { $_[0]->add_drive (undef, format => 'raw') },
  err_format_null => sub { $_[0]->add_drive ('disk.img', format => undef) },
  err_label_null => sub { $_[0]->add_drive ('disk.img', label => undef) },
  err_name_null => sub { $_[0]->add_drive ('disk.img', name => undef) },
  err_missing => sub { $_[0]->add_drive ('missing.img', format => 'raw') },
  env_not_writable => sub { $_[0]->add_drive ('/proc/sys/kernel/ostype') },
  env_not_writable_ro => sub { $_[0]->add_drive ('/proc/sys/kernel/ostype', readonly => 1) },
  err_missing_ro => sub { $_[0]->add_drive_ro ('missing.img') },
  err_filename_empty => sub { $_[0]->add_drive ('') },
  err_label_empty => sub { $_[0]->add_drive ('disk.img', label => '') },
  err_label_long => sub { $_[0]->add_drive ('disk.img', label => 'abcdefghijklmnopqrstu') },
  err_label_chars => sub { $_[0]->add_drive ('disk.img', label => 'my-label') },
  err_format_chars => sub { $_[0]->add_drive ('disk.img', format => 'raw,x') },
  err_format_empty => sub { $_[0]->add_drive ('disk.img', format => '') },
  err_name_empty => sub { $_[0]->add_drive ('disk.img', name => '') },
  err_blocksize => sub { $_[0]->add_drive ('disk.img', blocksize => 1000) },
  err_blocksize_zero => sub { $_[0]->add_drive ('disk.img', blocksize => 0) },
  err_discard_noformat => sub { $_[0]->add_drive ('disk.img', discard => 'enable') },
  err_discard_readonly => sub {
    $_[0]->add_drive ('disk.img', format => 'raw', readonly => 1, discard => 'enable');
  },
  err_too_many_ide => sub {
    $_[0]->add_drive ('disk.img', iface => 'ide') for 1 .. 5;
  },
  err_scratch_zero => sub { $_[0]->add_drive_scratch (0) },
  err_scratch_negative => sub { $_[0]->add_drive_scratch (-1) },
  err_scratch_label => sub { $_[0]->add_drive_scratch (1048576, label => 'a b') },
  err_scratch_blocksize => sub { $_[0]->add_drive_scratch (1048576, blocksize => 1) },
  err_memsize_low => sub { $_[0]->set_memsize (127) },
  err_memsize_high => sub { $_[0]->set_memsize (1048577) },
  err_memsize_negative => sub { $_[0]->set_memsize (-1) },
  err_smp_zero => sub { $_[0]->set_smp (0) },
  err_smp_high => sub { $_[0]->set_smp (256) },
  err_hv_empty => sub { $_[0]->set_hv ('') },
  err_hv_null => sub { $_[0]->set_hv (undef) },
  err_accel => sub { $_[0]->set_accel ('xen') },
  err_backend => sub { $_[0]->set_backend ('nope') },
  err_config_nodash => sub { $_[0]->config ('cpu', 'host') },
  err_config_managed => sub { $_[0]->config ('-drive', 'file=x') },
  err_launch_timeout => sub { $_[0]->set_launch_timeout (0) },
);

is_deeply ([sort keys %perl], [sort keys %c],
           'the same cases in Perl as in C');

# The QMP socket lives in each handle's own temporary directory.
sub normalise { my $s = shift; $s =~ s{path=[^,\t]*/qmp\.sock}{path=QMP}g; $s }

for my $tag (sort keys %c) {
  next unless $perl{$tag};
  my $g = Sys::Qdrive->new ();
  my $ok = eval { $perl{$tag}->($g); 1 };
  my $c_refused = $c{$tag} =~ /^error: /;
  if ($tag =~ /^err_/ || ($tag =~ /^env_/ && $c_refused)) {
    like ($c{$tag}, qr/^error: \w+: /, "$tag: C refuses it");
    ok (!$ok, "$tag: Perl refuses it");
    (my $want = $c{$tag}) =~ s/^error: //;
    my $got = $@;
    # C's text, then what croak appends: the calling line in this file.
    like ($got, qr/\A\Q$want\E at \Q${\ __FILE__}\E line \d+\.\n\z/,
          "$tag: C's text") or diag "C:    $want\nPerl: $got";
  }
  else {
    ok ($ok, "$tag: accepted") or diag $@;
    is (normalise (join ("\t", $g->get_qemu_command_line ())),
        normalise ($c{$tag}), "$tag: C's command line");
  }
  $g->close ();
}

# A refused call leaves the handle as it was: the drives added before
# it are all there, and nothing else.
{
  my $g = Sys::Qdrive->new ();
  $g->add_drive ('disk.img', format => 'raw');
  my @before = $g->get_qemu_command_line ();
  for my $tag (grep { /^err_/ && !/too_many|scratch|memsize|smp|hv|accel|backend|config|launch/ } sort keys %perl) {
    eval { $perl{$tag}->($g) };
    ok ($@, "$tag refused on a handle with a drive");
  }
  is_deeply ([$g->get_qemu_command_line ()], \@before,
             'refused calls leave the handle unchanged');
  is (scalar (my @d = $g->list_drives ()), 1, 'still one drive');
}

chdir $old;
done_testing ();
