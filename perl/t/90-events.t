# SPDX-License-Identifier: GPL-2.0-or-later
# Sys::Qdrive events (set_event_callback): what a callback is given,
# that a die in it becomes a warning and leaves the call, the handle and
# $@ as they were, that calls on the same handle from a callback die
# with EDEADLK (close too), that dropping the last reference to the
# handle in a callback does not destroy it under the call, that the
# binding lets a callback go once the library is done with it, and one
# real launch for the library and progress events.

use strict;
use warnings;
use Test::More;
use POSIX ();

use Sys::Qdrive qw(:events);
use FindBin;
use lib "$FindBin::Bin/lib";
use QdriveTest;

my $deadlock = 'not allowed in an event callback of the same handle: '
  . 'the call the event comes from holds the handle';

# What a callback is given.
{
  my $g = Sys::Qdrive->new ();
  my @seen;
  is ($g->set_event_callback (sub { push @seen, [@_] }, [EVENT_TRACE]), 0,
      'the first event handle is 0');
  $g->set_trace (1);
  is ($g->internal_rint ('42'), 42, 'the call');
  is_deeply (\@seen, [['trace', 0, 'internal_rint "42"', []],
                      ['trace', 0, 'internal_rint = 42', []]],
             'event name, handle, message, array reference');
  is ($g->set_event_callback (sub {}, ['library', 'qemu']), 1, 'names as strings');
  is_deeply ([EVENT_LIBRARY, EVENT_TRACE, EVENT_QEMU, EVENT_PROGRESS],
             [qw(library trace qemu progress)], 'the constants (:events)');
}

# Bad arguments, and deletion.
{
  my $g = Sys::Qdrive->new ();
  dies_with (sub { $g->set_event_callback ('main::f', ['trace']) },
             'set_event_callback: cb: not a code reference; allowed: a '
             . 'reference to a function', 'a function name', POSIX::EINVAL);
  dies_with (sub { $g->set_event_callback (sub {}, 'trace') },
             'set_event_callback: events: not an array reference; allowed: '
             . 'a reference to an array of library, trace, qemu, progress',
             'events not an array', POSIX::EINVAL);
  dies_with (sub { $g->set_event_callback (sub {}, ['trace', 'bogus']) },
             'set_event_callback: events: "bogus" is not valid; allowed: '
             . 'library, trace, qemu, progress', 'an unknown event', POSIX::EINVAL);
  dies_with (sub { $g->set_event_callback (sub {}, []) },
             'set_event_callback: events: the set is empty; allowed: one or '
             . 'more of library, trace, qemu, progress', 'no event', POSIX::EINVAL);
  my $h = $g->set_event_callback (sub {}, ['trace']);
  $g->delete_event_callback ($h);
  dies_with (sub { $g->delete_event_callback ($h) },
             "delete_event_callback: event_handle: $h is not valid; allowed: "
             . 'a number set_event_callback returned, for a callback not '
             . 'deleted yet', 'deleted twice', POSIX::EINVAL);
}

# A die in a callback: a warning; the call is made, $@ is kept.
{
  my $g = Sys::Qdrive->new ();
  my @warnings;
  local $SIG{__WARN__} = sub { push @warnings, $_[0] };
  $g->set_event_callback (sub { die "boom: $_[2]\n" }, ['trace']);
  $g->set_trace (1);
  $@ = 'kept';
  $g->add_drive_scratch (1024 * 1024, name => 's');
  is ($@, 'kept', '$@ is the caller\'s');
  is_deeply (\@warnings,
             ["Sys::Qdrive: an event callback died: boom: add_drive_scratch 1048576 \"name:s\"\n",
              "Sys::Qdrive: an event callback died: boom: add_drive_scratch = 0\n"],
             'each die became a warning');
  is_deeply ([map { $_->{name} } $g->list_drives ()], ['s'], 'the call was made');
  is ($g->get_memsize (), 256, 'the handle works');
}

# Calls from a callback: the same handle refused, another one works.
{
  my $g = Sys::Qdrive->new ();
  my $other = Sys::Qdrive->new ();
  my @errors;
  $g->set_event_callback (sub {
    for my $f (sub { $g->get_memsize () }, sub { $g->close () },
               sub { $g->set_smp (2) }) {
      eval { $f->() };
      push @errors, [$@->message, $@->errno] if ref $@;
    }
    $other->set_smp (4);
  }, ['trace']);
  $g->set_trace (1);
  is ($g->get_smp (), 1, 'the call');
  is_deeply ([@errors[0 .. 2]],
             [["get_memsize: $deadlock", POSIX::EDEADLK],
              ["close: $deadlock", POSIX::EDEADLK],
              ["set_smp: $deadlock", POSIX::EDEADLK]],
             'calls and close on the same handle: EDEADLK');
  is ($g->get_smp (), 1, 'nothing changed, the handle is open');
  is ($other->get_smp (), 4, 'another handle works');
}

# The last reference dropped in a callback: the handle lasts until the
# statement that made the call ends.
{
  package Watch;
  sub new { my ($class, $flag) = @_; bless { flag => $flag }, $class }
  sub DESTROY { ${ $_[0]{flag} }++ }
}
{
  my $destroyed = 0;
  my $g = Sys::Qdrive->new ();
  my $ref = \$g;
  $g->set_event_callback (sub { undef $$ref }, ['trace']);
  $g->set_trace (1);
  is ($g->get_memsize (), 256, 'the call returns, its handle intact');
  ok (!defined $g, 'and the handle is gone after it');
}

# The binding holds a callback (and what it holds) while it is
# registered, and lets it go once deleted, or once the handle closes.
{
  my ($d1, $d2) = (0, 0);
  my $g = Sys::Qdrive->new ();
  # Closures that alone hold a Watch each.
  my $h1 = $g->set_event_callback (do { my $w = Watch->new (\$d1); sub { $w } },
                                   ['trace']);
  $g->set_event_callback (do { my $w = Watch->new (\$d2); sub { $w } }, ['trace']);
  is ($d1 + $d2, 0, 'registered callbacks are held');
  $g->delete_event_callback ($h1);
  is ($d1, 1, 'deleted: let go');
  $g->close ();
  is ($d2, 1, 'closed: let go');
}

# One real launch: library and progress events, nothing on stderr.
{
  require_qemu ();
  my $g = Sys::Qdrive->new ();
  $g->set_memsize (128);
  $g->set_verbose (1);
  $g->add_drive_scratch (1024 * 1024);
  my @seen;
  $g->set_event_callback (sub { push @seen, [@_] }, [EVENT_LIBRARY, EVENT_PROGRESS]);
  $g->launch ();
  $g->shutdown ();
  is_deeply ([map { [$_->[2], $_->[3]] } grep { $_->[0] eq 'progress' } @seen],
             [['starting qemu', [1, 4]],
              ["connecting to qemu's QMP socket", [2, 4]],
              ['asking qemu for its drives', [3, 4]],
              ['ready', [4, 4]]], 'launch progress');
  my @library = map { $_->[2] } grep { $_->[0] eq 'library' } @seen;
  like ($library[0], qr/^running: \S*qemu\S* -S /, 'the qemu command');
  is ($library[-1], 'qemu has exited', 'shutdown');
}

done_testing ();
