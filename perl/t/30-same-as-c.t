# SPDX-License-Identifier: GPL-2.0-or-later
# Sys::Qdrive against C itself: the generated t/same_as_c.pl makes the
# calls of generator/same_as_c.ml that Perl can express (NULL strings
# as undef included), and tests/same-as-c.sh compares its output with
# the C reference's: every error text, followed by exactly what croak
# appends, and every qemu command line must be C's.

use strict;
use warnings;
use Cwd qw(abs_path);
use Test::More;

# ./run of the qdrive tree sets QDRIVE_TOP_SRCDIR; a stand-alone build
# of the module (perl Makefile.PL && make test) has no C reference.
my $top = $ENV{QDRIVE_TOP_SRCDIR}
  or plan skip_all => 'needs the C reference of the qdrive tree (run make check there)';
my $script = abs_path ('t/same_as_c.pl');
my $out = qx{bash "$top/tests/same-as-c.sh" perl "$^X" "$script" 2>&1};
is ($?, 0, 'Perl gives what C gives') or diag $out;
like ($out, qr/^same-as-c: perl gives what C gives, in \d+ cases$/m,
      'the comparison ran') or diag $out;
done_testing ();
