# SPDX-License-Identifier: GPL-2.0-or-later
# Sys::Qdrive optional arguments: every one of every call, the
# conversions of each type, and odd, unknown and repeated keys.

use strict;
use warnings;
use Test::More;

use Sys::Qdrive;
use FindBin;
use lib "$FindBin::Bin/lib";
use QdriveTest;
use ApiFacts;                   # generated: optional arguments, enums

my ($dir, $disk) = empty_disk ();

# add_drive: each optional argument alone, as list_drives reports it.
my %defaults = %ApiFacts::DRIVE_DEFAULTS;
my @each = (
  [readonly => 1, readonly => 1],
  [readonly => 0, readonly => 0],
  [format => 'qcow2', format => 'qcow2'],
  [iface => 'scsi', iface => 'scsi'],
  [iface => 'virtio', iface => 'virtio'],
  [iface => 'ide', iface => 'ide'],
  [name => 'system disk', name => 'system disk'],
  [label => 'L_01', label => 'L_01'],
  [cachemode => 'writeback', cachemode => 'writeback'],
  [cachemode => 'unsafe', cachemode => 'unsafe'],
  [discard => 'disable', discard => 'disable'],
  [discard => 'besteffort', discard => 'besteffort'],
  [copyonread => 1, copyonread => 1],
  [blocksize => 512, blocksize => 512],
  [blocksize => 4096, blocksize => 4096],
  [protocol => 'file', protocol => 'file'],
);
for my $e (@each) {
  my ($k, $v, $field, $want) = @$e;
  for my $method (qw(add_drive add_drive_opts)) {
    my $g = Sys::Qdrive->new ();
    $g->$method ($disk, $k => $v);
    my ($d) = $g->list_drives ();
    my %want = (%defaults, index => 0, filename => $disk, $field => $want);
    is_deeply ($d, \%want, "$method $k => $v");
  }
}
{
  my $g = Sys::Qdrive->new ();
  $g->add_drive ($disk, format => 'raw', discard => 'enable');
  is (($g->list_drives ())[0]{discard}, 'enable', 'discard => enable (with format)');
}
# Constants are the same strings.
{
  my $g = Sys::Qdrive->new ();
  $g->add_drive ($disk, cachemode => Sys::Qdrive::CACHEMODE_UNSAFE,
                 iface => Sys::Qdrive::IFACE_VIRTIO,
                 discard => Sys::Qdrive::DISCARD_BESTEFFORT);
  my ($d) = $g->list_drives ();
  is_deeply ([@$d{qw(cachemode iface discard)}], ['unsafe', 'virtio', 'besteffort'],
             'enum constants as values');
}

# add_drive_scratch: name, label, blocksize.
{
  my $g = Sys::Qdrive->new ();
  $g->add_drive_scratch (65536, name => 'tmp', label => 'scratch1', blocksize => 4096);
  $g->add_drive_scratch ('65536');
  my @d = $g->list_drives ();
  is_deeply ([@{$d[0]}{qw(name label blocksize cachemode format)}],
             ['tmp', 'scratch1', 4096, 'unsafe', 'raw'], 'scratch optargs');
  is_deeply ([@{$d[1]}{qw(name label blocksize)}], ['', '', 0], 'scratch defaults');
}

# internal_echo: one optional argument of every type; C echoes back
# exactly what it received.
my @req = ('s', undef, [], 0, 0, 0, 'writeback');
sub echo_opts {
  my $g = Sys::Qdrive->new ();
  my $r = $g->internal_echo (@req, @_);
  my %o = $r =~ / (o(?:bool|int|int64|string|stringlist|enum))=(unset|\[[^\]]*\]|"[^"]*"|\S+)/g;
  return \%o;
}
my %unset = map { $_ => 'unset' } qw(obool oint oint64 ostring ostringlist oenum);
is_deeply (echo_opts (), \%unset, 'no optional arguments');
for my $c (
  [[obool => 1], obool => 'true'],
  [[obool => 'yes'], obool => 'true'],
  [[obool => 0], obool => 'false'],
  [[obool => ''], obool => 'false'],
  [[obool => undef], obool => 'false'],
  [[oint => 7], oint => '7'],
  [[oint => '12'], oint => '12'],
  [[oint => 3.0], oint => '3'],
  [[oint => 2147483647], oint => '2147483647'],
  [[oint64 => -9], oint64 => '-9'],
  [[oint64 => 9223372036854775807], oint64 => '9223372036854775807'],
  [[oint64 => '-9223372036854775808'], oint64 => '-9223372036854775808'],
  [[oint64 => -9223372036854775807 - 1], oint64 => '-9223372036854775808'],
  [[ostring => 'a b'], ostring => '"a b"'],
  [[ostring => ''], ostring => '""'],
  [[ostring => 42], ostring => '"42"'],
  [[ostringlist => ['x', 'y']], ostringlist => '["x", "y"]'],
  [[ostringlist => []], ostringlist => '[]'],
  [[oenum => 'enable'], oenum => 'enable'],
) {
  my ($args, $k, $v) = @$c;
  my $v_text = defined $args->[1] ? $args->[1] : 'undef';
  is_deeply (echo_opts (@$args), { %unset, $k => $v }, "internal_echo $args->[0] => $v_text");
}
is_deeply (echo_opts (oenum => 'disable', obool => 1, ostringlist => ['a'],
                      ostring => 'z', oint64 => 5, oint => 6),
           { obool => 'true', oint => '6', oint64 => '5', ostring => '"z"',
             ostringlist => '["a"]', oenum => 'disable' },
           'all six, in another order');

# Required arguments of every type.
{
  my $g = Sys::Qdrive->new ();
  is ($g->internal_echo ('a', 'b', ['c', 'd'], 1, -3, '1099511627776', 'unsafe'),
      'str="a" optstr="b" strlist=["c", "d"] b=true i=-3 i64=1099511627776 mode=unsafe '
      . join (' ', map { "$_=unset" } qw(obool oint oint64 ostring ostringlist oenum)),
      'every required type');
}

# Integers: the C type's range, whole numbers only; "out of range" for
# a whole number outside it, as the shell says.
{
  my $g = Sys::Qdrive->new ();
  my $int = 'allowed: an integer from -2147483648 to 2147483647';
  my $i64 = 'allowed: an integer from -9223372036854775808 to 9223372036854775807';
  dies_with (sub { $g->add_drive ($disk, blocksize => 'abc') },
             qq{add_drive: blocksize: "abc" is not valid; $int}, 'int: not a number');
  dies_with (sub { $g->add_drive ($disk, blocksize => '12abc') },
             qq{add_drive: blocksize: "12abc" is not valid; $int}, 'int: trailing junk');
  dies_with (sub { $g->add_drive ($disk, blocksize => 4096.5) },
             qq{add_drive: blocksize: "4096.5" is not valid; $int}, 'int: a fraction');
  dies_with (sub { $g->add_drive ($disk, blocksize => 2147483648) },
             qq{add_drive: blocksize: "2147483648" is out of range; $int}, 'int: too big');
  dies_with (sub { $g->add_drive ($disk, blocksize => undef) },
             qq{add_drive: blocksize: undef is not valid; $int}, 'int: undef');
  eval { $g->add_drive ($disk, blocksize => []) };
  like ($@, qr/^add_drive: blocksize: "ARRAY\(0x[0-9a-f]+\)" is not valid; \Q$int\E at /,
        'int: a reference');
  dies_with (sub { $g->set_memsize (-2147483649) },
             qq{set_memsize: memsize: "-2147483649" is out of range; $int}, 'int: too small');
  dies_with (sub { $g->add_drive_scratch ('9223372036854775808') },
             qq{add_drive_scratch: size: "9223372036854775808" is out of range; $i64},
             'int64: too big');
  dies_with (sub { $g->add_drive_scratch (1e19) },
             qq{add_drive_scratch: size: "1e+19" is out of range; $i64},
             'int64: too big a float');
  dies_with (sub { $g->internal_echo (@req[0 .. 3], 0, 'x', 'unsafe') },
             qq{internal_echo: i64: "x" is not valid; $i64}, 'int64 required argument');
  is (scalar (my @d = $g->list_drives ()), 0, 'nothing added');
}

# String lists: array references of defined strings; undef is NULL.
{
  my $g = Sys::Qdrive->new ();
  dies_with (sub { $g->internal_echo ('s', undef, 'abc', 0, 0, 0, 'unsafe') },
             'internal_echo: strlist: not an array reference; allowed: a reference to an array of strings',
             'string list: not a reference');
  dies_with (sub { $g->internal_echo ('s', undef, {}, 0, 0, 0, 'unsafe') },
             'internal_echo: strlist: not an array reference; allowed: a reference to an array of strings',
             'string list: a hash reference');
  dies_with (sub { $g->internal_echo ('s', undef, ['a', undef], 0, 0, 0, 'unsafe') },
             'internal_echo: strlist: element 1 is undef; allowed: strings',
             'string list: an undef element');
  dies_with (sub { $g->internal_echo ('s', undef, undef, 0, 0, 0, 'unsafe') },
             'internal_echo: strlist: must not be NULL', 'string list: undef is NULL, C refuses');
  dies_with (sub { $g->internal_echo (@req, ostringlist => 'x') },
             'internal_echo: ostringlist: not an array reference; allowed: a reference to an array of strings',
             'optional string list: not a reference');
  dies_with (sub { $g->internal_echo (@req, ostringlist => undef) },
             'internal_echo: ostringlist: must not be NULL', 'optional string list: undef');
  dies_with (sub { $g->internal_echo ('s', undef, [], 0, 0, 0, 'fast') },
             'internal_echo: mode: "fast" is not valid; allowed: '
             . ApiFacts::allowed ('cachemode'),
             'required enum: C\'s text');
  dies_with (sub { $g->internal_echo ('s', undef, [], 0, 0, 0, undef) },
             'internal_echo: mode: must not be NULL', 'required enum: undef');
  dies_with (sub { $g->internal_echo (@req, oenum => 'maybe') },
             'internal_echo: oenum: "maybe" is not valid; allowed: '
             . ApiFacts::allowed ('discard'),
             'optional enum: C\'s text');
}

# Odd, unknown and repeated keys, for every call that takes optional
# arguments; the handle is left as it was.
my %calls = (
  add_drive => [[$disk], 'format', 'raw'],
  add_drive_opts => [[$disk], 'cachemode', 'unsafe'],
  add_drive_scratch => [[4096], 'name', 'n'],
  internal_echo => [[@req], 'oint', 1],
);
for my $m (sort keys %calls) {
  my ($req, $key, $val) = @{$calls{$m}};
  (my $name = $m) =~ s/_opts$//;
  my $allowed = ApiFacts::optargs ($name);
  my $g = Sys::Qdrive->new ();
  dies_with (sub { $g->$m (@$req, $key) },
             "$name: odd number of optional arguments; allowed: key => value pairs",
             "$m: one extra argument");
  dies_with (sub { $g->$m (@$req, $key => $val, 'x') },
             "$name: odd number of optional arguments; allowed: key => value pairs",
             "$m: three extra arguments");
  dies_with (sub { $g->$m (@$req, bogus => 1) },
             qq{$name: unknown optional argument "bogus"; allowed: $allowed},
             "$m: unknown key");
  dies_with (sub { $g->$m (@$req, $key => $val, Format => 1) },
             qq{$name: unknown optional argument "Format"; allowed: $allowed},
             "$m: keys are case-sensitive");
  dies_with (sub { $g->$m (@$req, $key => $val, $key => $val) },
             qq{$name: optional argument "$key" given more than once},
             "$m: repeated key");
  dies_with (sub { $g->$m (@$req, $key => $val, x => 1, $key => $val) },
             qq{$name: unknown optional argument "x"; allowed: $allowed},
             "$m: the first bad key is named");
  dies_with (sub { $g->$m (@$req, "$key\0x" => $val) },
             qq{$name: unknown optional argument "$key\\x00x"; allowed: $allowed},
             "$m: a key with a NUL inside is not $key");
  is (scalar (my @d = $g->list_drives ()), 0, "$m: nothing added");
}
{
  my $g = Sys::Qdrive->new ();
  eval { $g->add_drive_ro ($disk, readonly => 1) };
  like ($@, qr/^Usage: Sys::Qdrive::add_drive_ro\(g, filename\)/,
        'add_drive_ro takes no optional arguments');
}

done_testing ();
