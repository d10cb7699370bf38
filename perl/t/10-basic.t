# SPDX-License-Identifier: GPL-2.0-or-later
# Sys::Qdrive basics: the handle's life cycle, settings, return types,
# enum constants.

use strict;
use warnings;
use Test::More;
use POSIX ();

use Sys::Qdrive;
use FindBin;
use lib "$FindBin::Bin/lib";
use QdriveTest;
use ApiFacts;

my ($dir, $disk) = empty_disk ();

# Life cycle.
{
  my $g = Sys::Qdrive->new ();
  isa_ok ($g, 'Sys::Qdrive');
  $g->close ();
  $g->close ();
  pass ('close twice');
  dies_with (sub { $g->get_hv () }, 'get_hv: the handle is closed',
             'a call on a closed handle croaks', POSIX::EBADF);
  dies_with (sub { $g->add_drive ($disk) }, 'add_drive: the handle is closed',
             'add_drive on a closed handle croaks');
  dies_with (sub { Sys::Qdrive::get_hv ('x') }, 'get_hv: not a Sys::Qdrive handle',
             'a non-handle croaks', POSIX::EINVAL);
  dies_with (sub { Sys::Qdrive::get_hv (bless {}, 'Other') },
             'get_hv: not a Sys::Qdrive handle', 'another class croaks');
  eval { $g->add_drive () };
  like ($@, qr/^Usage: Sys::Qdrive::add_drive\(g, filename, \.\.\.\)/,
        'missing required argument');
  eval { $g->get_hv (1) };
  like ($@, qr/^Usage: Sys::Qdrive::get_hv\(g\)/, 'too many arguments');
}

# A bad $QDRIVE_ACCEL: new croaks with the library's text, naming the
# variable, the value and what is allowed.
{
  local $ENV{QDRIVE_ACCEL} = 'bogus';
  dies_with (sub { Sys::Qdrive->new () },
             'create: QDRIVE_ACCEL: "bogus" is not valid; allowed: '
             . ApiFacts::allowed ('accel'), 'a bad QDRIVE_ACCEL');
}

# A subclass works.
{
  package My::Qdrive;
  our @ISA = ('Sys::Qdrive');
  package main;
  my $g = My::Qdrive->new ();
  isa_ok ($g, 'My::Qdrive');
  is ($g->get_memsize (), 256, 'a subclass calls through');
}

# DESTROY closes: the scratch file (in the handle's private directory)
# is gone once the last reference goes, and close removes it too.
for my $how ('close', 'DESTROY') {
  my $g = Sys::Qdrive->new ();
  $g->add_drive_scratch (1024 * 1024, name => 'scratch');
  my ($d) = $g->list_drives ();
  my $file = $d->{filename};
  ok (-f $file, "$how: the scratch file exists");
  is (-s $file, 1024 * 1024, "$how: its size");
  is ($d->{cachemode}, 'unsafe', "$how: scratch is unsafe");
  if ($how eq 'close') { $g->close () } else { undef $g }
  ok (!-e $file, "$how: the scratch file is removed");
}

# The library's version is the module's.
{
  my $g = Sys::Qdrive->new ();
  my $v = $g->version ();
  is_deeply ([sort keys %$v], [qw(major minor release)], 'version: its keys');
  is ("$v->{major}.$v->{minor}.$v->{release}", $Sys::Qdrive::VERSION,
      'version: $Sys::Qdrive::VERSION');
}

# Settings round trip.
{
  my $g = Sys::Qdrive->new ();
  $g->set_hv ('/usr/bin/qemu-kvm');
  is ($g->get_hv (), '/usr/bin/qemu-kvm', 'hv');
  is ($g->get_memsize (), 256, 'memsize default');
  $g->set_memsize (4096);
  is ($g->get_memsize (), 4096, 'memsize');
  $g->set_smp (8);
  is ($g->get_smp (), 8, 'smp');
  $g->set_accel (Sys::Qdrive::ACCEL_TCG);
  is ($g->get_accel (), 'tcg', 'accel');
  is ($g->get_backend (), 'direct', 'backend default');
  $g->set_backend ('libvirt:test:///default');
  is ($g->get_backend (), 'libvirt:test:///default', 'backend');
  is ($g->get_trace (), 0, 'trace default');
  $g->set_trace (0);
  $g->set_verbose (1);
  is ($g->get_verbose (), 1, 'verbose');
  $g->set_verbose ('');
  is ($g->get_verbose (), 0, 'verbose off from a false string');
  $g->set_launch_timeout (5);
  is ($g->get_launch_timeout (), 5, 'launch timeout');
  $g->config ('-cpu', 'host');
  $g->config ('-no-reboot', undef);
  my @cmd = $g->get_qemu_command_line ();
  is_deeply ([@cmd[-3 .. -1]], ['-cpu', 'host', '-no-reboot'], 'config');
  # Implemented by another piece of work: a string, or C's error.
  my $xml = eval { $g->get_libvirt_xml () };
  ok (defined $xml ? $xml =~ /<domain/ : $@ =~ /^get_libvirt_xml: /,
      'get_libvirt_xml: XML or C\'s error');
}

# Trace output goes to stderr, from C.
{
  my $g = Sys::Qdrive->new ();
  $g->set_trace (1);
  open my $saved, '>&', \*STDERR or die;
  my $log = "$dir/trace.log";
  open STDERR, '>', $log or die;
  $g->add_drive ($disk, cachemode => 'unsafe');
  open STDERR, '>&', $saved or die;
  open my $t, '<', $log or die;
  my $text = do { local $/; <$t> };
  like ($text, qr/^qdrive: trace: add_drive "\Q$disk\E" "cachemode:unsafe"$/m,
        'trace line');
}

# The launch-related calls exist and fail cleanly here (no launch yet).
{
  my $g = Sys::Qdrive->new ();
  for my $m (qw(block_info shutdown)) {
    eval { $g->$m () };
    like ($@, qr/^$m: /, "$m croaks with its name");
  }
  ok (Sys::Qdrive->can ('launch'), 'launch is a method');
}

# The pointer inside the object cannot be changed from Perl.
{
  my $g = Sys::Qdrive->new ();
  eval { $$g = 1 };
  like ($@, qr/^Modification of a read-only value/, 'the handle pointer is read-only');
  is ($g->get_memsize (), 256, 'and the handle still works');
}

# A child made by fork that drops its copy of a handle does not close
# the parent's: the scratch file is still there, the handle works.
{
  my $g = Sys::Qdrive->new ();
  $g->add_drive_scratch (4096);
  my $file = ($g->list_drives ())[0]{filename};
  my $pid = fork ();
  die "fork: $!" unless defined $pid;
  if ($pid == 0) {
    undef $g;
    POSIX::_exit (-e $file ? 0 : 1);
  }
  waitpid ($pid, 0);
  is ($?, 0, 'the file is still there in the child after DESTROY');
  ok (-e $file, 'and in the parent');
  is (scalar (my @d = $g->list_drives ()), 1, 'the parent handle works');
  $g->close ();
  ok (!-e $file, 'the parent closes it');
}

# Perl threads do not get a second owner of a handle: in the thread it
# is unusable, and the parent's stays open after the thread ends.
SKIP: {
  require Config;
  skip 'this perl has no threads', 3 unless $Config::Config{useithreads};
  require threads;
  my $g = Sys::Qdrive->new ();
  $g->set_memsize (512);
  my @r = threads->create ({ context => 'list' }, sub {
    my $h = Sys::Qdrive->new ();
    return (ref ($g), eval { $g->get_memsize (); 1 } ? 'usable' : 'unusable',
            $h->get_memsize ());
  })->join ();
  is_deeply (\@r, ['SCALAR', 'unusable', 256], 'in a thread: unusable; new handles work');
  is ($g->get_memsize (), 512, 'the parent handle is still open');
  $g->close ();
  pass ('and closes once');
}

# Errors are Sys::Qdrive::Error objects: read as croak's text, with
# the library's message and errno.
{
  my $g = Sys::Qdrive->new ();
  my $line = __LINE__ + 1;
  eval { $g->add_drive ('/nonexistent/qdrive.img') };
  my $e = $@;
  isa_ok ($e, 'Sys::Qdrive::Error');
  my $msg = 'add_drive: filename: "/nonexistent/qdrive.img": No such file or directory';
  is ("$e", "$msg at $0 line $line.\n", 'as a string: what croak gave');
  is ($e->message, $msg, 'message: the library\'s');
  is ($e->errno, POSIX::ENOENT, 'errno: ENOENT, qdrive_last_errno\'s');
  ok ($e eq "$msg at $0 line $line.\n" && $e =~ /^add_drive: / && $e,
      'eq, =~ and truth as a string');
  dies_with (sub { $g->add_drive ($disk, cachemode => 'fast') },
             'add_drive: cachemode: "fast" is not valid; allowed: writeback, unsafe',
             'a bad enum: EINVAL', POSIX::EINVAL);
  dies_with (sub { $g->add_drive ($disk, bogus => 1) },
             'add_drive: unknown optional argument "bogus"; allowed: '
             . ApiFacts::optargs ('add_drive'),
             'the binding\'s own refusal: EINVAL', POSIX::EINVAL);
  # Rethrown, it is the same object; uncaught, Perl prints its text.
  eval { eval { $g->get_memsize (0) }; die $@ if $@ };
  like ($@, qr/^Usage: /, 'Perl\'s own usage croak is a plain string');
  eval { eval { $g->set_memsize (1) }; die $@ };
  isa_ok ($@, 'Sys::Qdrive::Error', 'rethrown');
  my $out = `$^X -MSys::Qdrive -e 'Sys::Qdrive->new->set_smp (0)' 2>&1`;
  is ($out, "set_smp: smp: 0 is out of range; allowed: 1 to 255 at -e line 1.\n",
      'uncaught: the text on stderr');
}

# Return types, through the internal test calls.
{
  my $g = Sys::Qdrive->new ();
  is_deeply ([$g->internal_rerr ('ok')], [], 'RErr returns nothing');
  is ($g->internal_rbool ('true'), 1, 'RBool true');
  is ($g->internal_rbool ('false'), 0, 'RBool false');
  is ($g->internal_rint ('-5'), -5, 'RInt');
  is ($g->internal_rint64 ('1099511627776'), 1099511627776, 'RInt64');
  is ($g->internal_rstring ('hello'), 'hello', 'RString');
  is_deeply ([$g->internal_rstringlist ('3')], ['0', '1', '2'], 'RStringList');
  is_deeply ([$g->internal_rstringlist ('0')], [], 'empty RStringList');
  is_deeply ($g->internal_rstruct ('7'),
             { s => 's7', b => 1, i => 7, i64 => 7000000000000,
               mode => 'unsafe', strings => ['a b', q{"q" \ 'r'}] }, 'RStruct');
  is_deeply ([$g->internal_rstructlist ('2')],
             [{ s => 's0', b => 0, i => 0, i64 => 0, mode => 'writeback',
                strings => [] },
              { s => 's1', b => 1, i => 1, i64 => 1000000000000,
                mode => 'unsafe', strings => ['a b'] }],
             'RStructList');
  dies_with (sub { $g->internal_rstring ('error') },
             'internal_rstring: val: "error" asks for an error', 'RString error');
}

# list_drives: one hash per drive, every field.
{
  my $g = Sys::Qdrive->new ();
  # Two files: qemu gives a file to several drives only if all are
  # readonly.
  my $disk2 = "$dir/disk2.img";
  open my $fh, '>', $disk2 or die "$disk2: $!";
  close $fh;
  $g->add_drive ($disk, format => 'raw', label => 'L1');
  $g->add_drive_ro ($disk2);
  my @d = $g->list_drives ();
  is (scalar @d, 2, 'two drives');
  is_deeply ($d[0], { %ApiFacts::DRIVE_DEFAULTS, index => 0,
                      filename => $disk, format => 'raw', label => 'L1' },
             'first drive');
  is ($d[1]{readonly}, 1, 'add_drive_ro is readonly');
  is ($d[1]{index}, 1, 'second index');
}

# list_drives' server: an array reference, both RBD monitors in the
# order given (default port filled in).
{
  my $g = Sys::Qdrive->new ();
  $g->add_drive ('pool/img', protocol => 'rbd',
                 server => ['mon1', 'tcp:[::1]:6790']);
  my @d = $g->list_drives ();
  is_deeply ($d[0]{server}, ['tcp:mon1:6789', 'tcp:[::1]:6790'],
             'rbd servers, in order');
}

# Enum constants: by full name, and imported by tag or by name.
{
  is (Sys::Qdrive::CACHEMODE_WRITEBACK (), 'writeback', 'CACHEMODE_WRITEBACK');
  is (Sys::Qdrive::CACHEMODE_UNSAFE (), 'unsafe', 'CACHEMODE_UNSAFE');
  is (Sys::Qdrive::ACCEL_KVM_TCG (), 'kvm:tcg', 'ACCEL_KVM_TCG');
  is (Sys::Qdrive::DISCARD_BESTEFFORT (), 'besteffort', 'DISCARD_BESTEFFORT');
  is (Sys::Qdrive::IFACE_VIRTIO (), 'virtio', 'IFACE_VIRTIO');
  package T1 { Sys::Qdrive->import (':enums'); ::is (CACHEMODE_UNSAFE (), 'unsafe', ':enums') }
  package T2 { Sys::Qdrive->import (':all'); ::is (IFACE_IDE (), 'ide', ':all') }
  package T3 { Sys::Qdrive->import ('DISCARD_ENABLE'); ::is (DISCARD_ENABLE (), 'enable', 'by name') }
  ok (!main->can ('CACHEMODE_UNSAFE'), 'nothing exported by default');
}

done_testing ();
