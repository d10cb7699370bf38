# SPDX-License-Identifier: GPL-2.0-or-later
# The generated POD: valid (Test::Pod), every public method and
# constant documented (Test::Pod::Coverage), podchecker clean, the man
# page built, and the internal test calls kept out of it.

use strict;
use warnings;
use Test::More;
use Pod::Checker;

# Missing modules fail loudly, naming the Debian package.
for my $m (['Test::Pod', 'libtest-pod-perl'],
           ['Test::Pod::Coverage', 'libtest-pod-coverage-perl']) {
  eval "use $m->[0]; 1"
    or BAIL_OUT ("$m->[0] is missing: apt-get install $m->[1]");
}

my $pm = 'blib/lib/Sys/Qdrive.pm';
-f $pm or BAIL_OUT ("$pm is not built: run make");

pod_file_ok ($pm, 'Test::Pod');

# The internal_* calls are callable (the tests use them) but not
# documented.
pod_coverage_ok ('Sys::Qdrive', { also_private => [qr/^internal_/] },
                 'Test::Pod::Coverage');

# podchecker's default warnings.  (Its second level would also flag
# that options such as "label" are items under two methods.)
my $checker = Pod::Checker->new (-warnings => 1);
open my $null, '>', \my $report or die;
$checker->parse_from_file ($pm, $null);
is ($checker->num_errors (), 0, 'podchecker: no errors') or diag $report;
is ($checker->num_warnings (), 0, 'podchecker: no warnings') or diag $report;

open my $fh, '<', $pm or die;
my $text = do { local $/; <$fh> };
my ($pod) = $text =~ /^__END__\n(.*)\z/ms;
unlike ($pod, qr/internal_/, 'no internal call in the POD');
like ($pod, qr/^=head2 add_drive$/m, 'add_drive documented');
like ($pod, qr/^=item C<unsafe>$/m, 'cachemode unsafe documented');
like ($pod, qr/^=item C<writeback> \(default\)$/m, 'cachemode writeback documented as the default');
like ($pod, qr/^=item CACHEMODE_UNSAFE$/m, 'constant documented');

ok (-f 'blib/man3/Sys::Qdrive.3pm', 'man page Sys::Qdrive(3pm) built');

# perldoc Sys::Qdrive finds the module where this test does (Debian's
# perldoc is a stub without perl-doc).  -U: run as root, perldoc would
# become nobody, who may not read a private build directory.
{
  local $ENV{PERL5LIB} = join ':', @INC;
  my $text = `perldoc -U -otext Sys::Qdrive 2>&1`;
  BAIL_OUT ("perldoc does not work: apt-get install perl-doc\n$text")
    if $text =~ /install the perl-doc package/ || !defined $text;
  like ($text, qr/^NAME\n\s+Sys::Qdrive - /, 'perldoc Sys::Qdrive shows the POD');
}

done_testing ();
