# SPDX-License-Identifier: GPL-2.0-or-later
# Sys::Qdrive and Perl's magic: tied and overloaded arguments, forged
# objects, NUL bytes, and numbers written as strings.
#
# Each argument's value is fetched once, into memory the binding owns,
# before any is used: a FETCH or an overloaded "" that changes, frees
# or closes another argument (or the handle) cannot make the C call
# read freed memory.  Under valgrind (make check-valgrind) any such read
# is an error; here, the freed buffer is filled again with Z's, which
# the call would then see.

use strict;
use warnings;
use Test::More;

use Sys::Qdrive;
use FindBin;
use lib "$FindBin::Bin/lib";
use QdriveTest;

my ($dir, $disk) = empty_disk ();

# A tied scalar whose FETCH runs some code, then returns a value.
package Meddler {
  sub TIESCALAR { my ($class, $code, $value) = @_; bless { code => $code, value => $value, n => 0 }, $class }
  sub FETCH { my $self = shift; $self->{n}++; $self->{code}->(); $self->{value} }
  sub STORE { }
}

# An object whose stringification runs some code.
package Chameleon {
  use overload '""' => sub { $_[0]{code}->(); $_[0]{value} }, fallback => 1;
  sub new { my ($class, $code, $value) = @_; bless { code => $code, value => $value }, $class }
}

# Frees the buffer of a string variable, and fills the heap with Z's of
# its size, so that a pointer kept into it sees Z's.
our @litter;
sub clobber {
  my ($ref) = @_;
  my $len = length $$ref;
  $$ref = 'y' x 100000;
  push @litter, map { 'Z' x $len } 1 .. 200;
}

# 1. A later argument's FETCH changes an earlier one.
{
  my $g = Sys::Qdrive->new ();
  my $file = "$disk";
  tie my $format, 'Meddler', sub { clobber (\$file) }, 'raw';
  $g->add_drive ($file, format => $format);
  my @d = $g->list_drives ();
  is ($d[0]{filename}, $disk, 'FETCH changing an earlier argument: the value fetched first is used');
  is ($d[0]{format}, 'raw', 'the tied value');
  is (tied ($format)->{n}, 1, 'FETCH called once');
  $g->close ();
}

# 2. The same through overloading, and an optional argument changed by a
# later one.
{
  my $g = Sys::Qdrive->new ();
  my $file = "$disk";
  my $label = 'L' x 20;
  my $name = Chameleon->new (sub { clobber (\$file); clobber (\$label) }, 'n1');
  $g->add_drive ($file, label => $label, name => $name);
  my @d = $g->list_drives ();
  is ($d[0]{filename}, $disk, 'overloaded "" changing an earlier argument');
  is ($d[0]{label}, 'L' x 20, 'overloaded "" changing an earlier optional argument');
  is ($d[0]{name}, 'n1', 'the overloaded value');
  $g->close ();
}

# 3. String lists: an element's FETCH changes another element, or frees
# the list itself.
{
  my $g = Sys::Qdrive->new ();
  my @list = ('first' x 10);
  tie $list[1], 'Meddler', sub { clobber (\$list[0]) }, 'second';
  my $echo = $g->internal_echo ('s', undef, \@list, 0, 0, 0, 'unsafe');
  like ($echo, qr/strlist=\["(?:first){10}", "second"\]/, 'list element changed by a later FETCH');

  my $lref = [ 'x', 'y' ];
  tie $lref->[2], 'Meddler', sub { $lref = undef; push @litter, map { [ ('Z') x 2 ] } 1 .. 200 }, 'z';
  $echo = eval { $g->internal_echo ('s', undef, $lref, 0, 0, 0, 'unsafe') };
  is ($@, '', 'a FETCH that frees the list');
  like ($echo // '', qr/strlist=\["x", "y", "z"\]/, 'the list as it was when fetched');
  $g->close ();
}

# 4. A FETCH that closes the handle: the call sees a closed handle.
{
  my $g = Sys::Qdrive->new ();
  tie my $format, 'Meddler', sub { $g->close () }, 'raw';
  dies_with (sub { $g->add_drive ($disk, format => $format) },
             'add_drive: the handle is closed', 'FETCH closing the handle');
  my $h = Sys::Qdrive->new ();
  tie my $size, 'Meddler', sub { undef $h }, 1024;
  dies_with (sub { $h->add_drive_scratch ($size) },
             'add_drive_scratch: not a Sys::Qdrive handle', 'FETCH dropping the handle');
}

# 5. Forged objects are not handles.
{
  my $forged = bless \(my $x = 1234), 'Sys::Qdrive';
  dies_with (sub { $forged->get_memsize () }, 'get_memsize: not a Sys::Qdrive handle',
             'a blessed scalar holding a number');
  dies_with (sub { $forged->close () }, 'close: not a Sys::Qdrive handle',
             'close of a forged object');
  my $zero = bless \(my $y = 0), 'Sys::Qdrive';
  dies_with (sub { $zero->add_drive ($disk) }, 'add_drive: not a Sys::Qdrive handle',
             'a blessed scalar holding 0');
  my $g = Sys::Qdrive->new ();
  my $copy = bless \(my $z = ${$g}), 'Sys::Qdrive';
  dies_with (sub { $copy->get_memsize () }, 'get_memsize: not a Sys::Qdrive handle',
             'a copy of a handle\'s inner value');
  is ($g->get_memsize (), 256, 'the real handle still works');
  undef $forged;                # DESTROY of a forged object does nothing
  undef $zero;
  undef $copy;
  pass ('forged objects destroyed');
  $g->close ();
}

# 6. NUL bytes: refused with the text Python and OCaml use.
{
  my $g = Sys::Qdrive->new ();
  my $nul = 'the string contains a NUL byte; allowed: strings without NUL bytes';
  dies_with (sub { $g->add_drive ("$disk\0.other") }, "add_drive: filename: $nul",
             'NUL in a required string');
  dies_with (sub { $g->add_drive ($disk, format => "raw\0x") }, "add_drive: format: $nul",
             'NUL in an optional string');
  dies_with (sub { $g->add_drive ($disk, cachemode => "unsafe\0") }, "add_drive: cachemode: $nul",
             'NUL in an enum');
  dies_with (sub { $g->internal_echo ('s', undef, [ "a\0b" ], 0, 0, 0, 'unsafe') },
             "internal_echo: strlist: $nul", 'NUL in a list element');
  dies_with (sub { $g->config ("-x\0y") }, "config: qemuparam: $nul", 'NUL in config');
  is (scalar (my @d = $g->list_drives ()), 0, 'no drive added');
  $g->close ();
}

# 7. Integers written as strings: plain decimal only, as the shell
# takes them, with the shell's texts.
{
  my $g = Sys::Qdrive->new ();
  my $range = 'allowed: an integer from -2147483648 to 2147483647';
  for my $bad ('+512', ' 512', '512 ', "512\n", '0x200', '1e3', '5.0', '', '-', '1_000', '٥١٢') {
    (my $shown = $bad) =~ s/\n/\\n/g;
    dies_with (sub { $g->set_memsize ($bad) },
               "set_memsize: memsize: \"$shown\" is not valid; $range", "\"$shown\" refused");
  }
  dies_with (sub { $g->set_memsize ("1\nforged\e[2J\xe9\x9b\xc2\x9b") },
             "set_memsize: memsize: \"1\\nforged\\x1b[2J\xe9\\x9b\\xc2\\x9b\" is not valid; $range",
             'control characters escaped as the C library does');
  dies_with (sub { $g->set_memsize ('2147483648') },
             "set_memsize: memsize: \"2147483648\" is out of range; $range",
             'out of range, as a string');
  dies_with (sub { $g->add_drive ($disk, blocksize => '+512') },
             "add_drive: blocksize: \"+512\" is not valid; $range", 'an optional int');
  dies_with (sub { $g->add_drive_scratch (' 1024') },
             'add_drive_scratch: size: " 1024" is not valid; allowed: an integer '
             . 'from -9223372036854775808 to 9223372036854775807', 'an int64');
  my $plus = '+512';
  { no warnings; my $n = $plus + 0; }     # numified: a string still
  dies_with (sub { $g->set_memsize ($plus) },
             "set_memsize: memsize: \"+512\" is not valid; $range", 'a numified "+512"');
  my $echo = sub { $g->internal_echo ('s', undef, [], 0, @_, 'unsafe') =~ /i=(\S+) i64=(\S+)/ && "$1 $2" };
  for my $good (['512', 512], ['0512', 512], [512, 512], [512.0, 512], ['-0', 0],
                ['-2147483648', -2147483648]) {
    is ($echo->($good->[0], 0), "$good->[1] 0", "$good->[0] accepted");
  }
  my $big = 1e15;
  my $s = "$big";                         # stringified: "1e+15"
  is ($echo->(0, $big), '0 1000000000000000', 'a stringified integral float');
  $g->close ();
}

# 8. Optional string arguments at the end may be left out.
{
  my $g = Sys::Qdrive->new ();
  $g->config ('-no-reboot');
  $g->config ('-cpu', 'max');
  my @argv = $g->get_qemu_command_line ();
  my $i = (grep { $argv[$_] eq '-no-reboot' } 0 .. $#argv)[0];
  ok (defined $i && ($i == $#argv || $argv[$i + 1] eq '-cpu'), 'config without qemuvalue');
  $g->close ();
}

done_testing ();
