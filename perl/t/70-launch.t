# SPDX-License-Identifier: GPL-2.0-or-later
# Sys::Qdrive against real qemu (direct backend) and libvirt's built-in
# test driver (libvirt backend): launch, block_info, shutdown, and what
# a launched handle refuses.  Each qemu is started paused (the library
# passes -S) with 128 MiB, so a launch takes a fraction of a second.

use strict;
use warnings;
use Test::More;
use Time::HiRes qw(sleep time);

use Sys::Qdrive;
use FindBin;
use lib "$FindBin::Bin/lib";
use QdriveTest;

require_qemu ();

my $dir = scratch_dir ('qdrive-perl-launch');

sub new_direct {
  my $g = Sys::Qdrive->new ();
  $g->set_memsize (128);
  return $g;
}

# The pids of the processes whose command line contains $text (as one
# argument or part of one).  Zombies have an empty cmdline, so a qemu
# that exited but was not reaped shows up through kill 0 instead; see
# gone_within.
sub pids_with {
  my ($text) = @_;
  my @pids;
  opendir my $proc, '/proc' or die "/proc: $!";
  for my $pid (grep { /^\d+$/ } readdir $proc) {
    open my $fh, '<', "/proc/$pid/cmdline" or next;
    my $cmdline = do { local $/; <$fh> };
    next unless defined $cmdline;
    push @pids, $pid if index ($cmdline, $text) >= 0 && $pid != $$;
  }
  return @pids;
}

# Whether none of @pids exists (not even as a zombie) and no process
# mentions $text any more, waiting up to $secs seconds.
sub gone_within {
  my ($secs, $text, @pids) = @_;
  my $until = time () + $secs;
  while (1) {
    return 1 unless pids_with ($text) || grep { kill 0, $_ } @pids;
    return 0 if time () > $until;
    sleep (0.05);
  }
}

# 1. Direct backend: three drives, their flags as qemu reports them.
{
  my $wb = make_raw ($dir, 'writeback.img');
  my $unsafe = make_raw ($dir, 'unsafe.img');
  my $ro = make_raw ($dir, 'readonly.img');

  my $g = new_direct ();
  $g->add_drive ($wb, cachemode => 'writeback', format => 'raw');
  $g->add_drive ($unsafe, cachemode => 'unsafe', format => 'raw');
  $g->add_drive ($ro, readonly => 1, format => 'raw');

  my $t0 = time ();
  $g->launch ();
  note (sprintf ('direct launch took %.3f s', time () - $t0));

  my @qemu = pids_with ($wb);
  is (scalar @qemu, 1, 'one qemu runs with the writeback drive');

  my @info = $g->block_info ();
  is (scalar @info, 3, 'block_info: one entry per drive');
  is_deeply ([map { $_->{id} } @info], ['hd0', 'hd1', 'hd2'], 'ids hd0..hd2');
  is_deeply ([map { $_->{filename} } @info], [$wb, $unsafe, $ro], 'filenames');
  is_deeply ([map { $_->{format} } @info], ['raw', 'raw', 'raw'], 'formats');
  is_deeply ([map { $_->{readonly} ? 1 : 0 } @info], [0, 0, 1],
             'only the third drive is read-only');

  my ($i_wb, $i_unsafe) = @info;
  ok ($i_wb->{cache_writeback}, 'writeback: cache_writeback true');
  ok (!$i_wb->{cache_direct}, 'writeback: cache_direct false');
  ok (!$i_wb->{cache_no_flush}, 'writeback: cache_no_flush false');
  ok ($i_unsafe->{cache_writeback}, 'unsafe: cache_writeback true');
  ok (!$i_unsafe->{cache_direct}, 'unsafe: cache_direct false');
  ok ($i_unsafe->{cache_no_flush}, 'unsafe: cache_no_flush true');

  dies_with (sub { $g->add_drive (make_raw ($dir, 'late.img')) },
             'add_drive: the virtual machine is already launched; '
             . 'this call must come before launch',
             'add_drive after launch croaks with C\'s text');
  is (scalar (my @d = $g->list_drives ()), 3,
      'and the refused drive was not added');

  $g->shutdown ();
  ok (gone_within (5, $wb, @qemu), 'qemu is gone after shutdown');
  dies_with (sub { $g->block_info () },
             'block_info: the virtual machine was shut down; use a new handle',
             'block_info after shutdown croaks with C\'s text');
  dies_with (sub { $g->launch () },
             'launch: the virtual machine was shut down; use a new handle',
             'launch after shutdown croaks');
  $g->close ();
}

# Closing a launched handle without shutdown, by close and by the last
# reference going away, stops its qemu and removes the handle's
# private directory (where the QMP socket lives).
for my $how ('close', 'DESTROY') {
  my $disk = make_raw ($dir, "close-$how.img");
  my $g = new_direct ();
  $g->add_drive ($disk, format => 'raw');
  my ($private) = map { m{^socket,id=qmp,path=(.*)/qmp\.sock,} ? $1 : () }
    $g->get_qemu_command_line ();
  ok (defined $private, "$how: the QMP socket's directory is known");
  $g->launch ();
  my @qemu = pids_with ($disk);
  is (scalar @qemu, 1, "$how: qemu runs with this handle's drive");
  ok (-S "$private/qmp.sock", "$how: the QMP socket exists");
  ok (!gone_within (0, $disk, @qemu), "$how: the check sees the running qemu");
  if ($how eq 'close') { $g->close () } else { undef $g }
  ok (gone_within (5, $disk, @qemu),
      "$how: no qemu with this handle's drive within 5 s");
  ok (defined $private && !-e $private,
      "$how: the handle's directory is removed");
}

# 2. libvirt backend, libvirt's test driver: no daemon, no qemu.  It
# reports the cache flags from the domain's live XML.
{
  my $wb = make_raw ($dir, 'lv-writeback.img');
  my $unsafe = make_raw ($dir, 'lv-unsafe.img');
  my $g = Sys::Qdrive->new ();
  $g->set_backend ('libvirt:test:///default');
  $g->add_drive ($wb, cachemode => 'writeback', format => 'raw');
  $g->add_drive ($unsafe, cachemode => 'unsafe', format => 'raw');
  $g->launch ();

  my @info = $g->block_info ();
  is (scalar @info, 2, 'libvirt: one entry per drive');
  is_deeply ([map { $_->{id} } @info], ['hd0', 'hd1'], 'libvirt: ids');
  is_deeply ([map { $_->{filename} } @info], [$wb, $unsafe],
             'libvirt: filenames');
  is_deeply ([map { $_->{format} } @info], ['raw', 'raw'], 'libvirt: formats');
  my ($i_wb, $i_unsafe) = @info;
  ok ($i_wb->{cache_writeback}, 'libvirt writeback: cache_writeback true');
  ok (!$i_wb->{cache_direct}, 'libvirt writeback: cache_direct false');
  ok (!$i_wb->{cache_no_flush}, 'libvirt writeback: cache_no_flush false');
  ok ($i_unsafe->{cache_writeback}, 'libvirt unsafe: cache_writeback true');
  ok (!$i_unsafe->{cache_direct}, 'libvirt unsafe: cache_direct false');
  ok ($i_unsafe->{cache_no_flush}, 'libvirt unsafe: cache_no_flush true');

  dies_with (sub { $g->add_drive ($wb) },
             'add_drive: the virtual machine is already launched; '
             . 'this call must come before launch',
             'libvirt: add_drive after launch croaks');
  $g->shutdown ();
  dies_with (sub { $g->block_info () },
             'block_info: the virtual machine was shut down; use a new handle',
             'libvirt: block_info after shutdown croaks');
}

# 3. Control-C during a launch that waits: qemu's drive is on an NBD
# server (a unix socket of the test's) that never answers, so qemu
# blocks before it answers QMP.  The program's $SIG{INT} runs (here it
# dies) as soon as the launch is cancelled, not after its timeout, and
# nothing is left behind.
{
  use IO::Socket::UNIX;
  use POSIX ();

  my $sigint = POSIX::SigAction->new;
  POSIX::sigaction (POSIX::SIGINT (), undef, $sigint);
  BAIL_OUT ('SIGINT is ignored in this process (a background job of a '
            . 'non-interactive shell ignores it): run the test in the '
            . 'foreground')
    if defined $sigint->handler && $sigint->handler eq 'IGNORE';

  my $sock = "$dir/hung.sock";
  my $server = IO::Socket::UNIX->new (Type => SOCK_STREAM (), Local => $sock,
                                      Listen => 8)
    or die "$sock: $!";
  my $g = new_direct ();
  $g->add_drive ('', protocol => 'nbd', server => ["unix:$sock"],
                 readonly => 1);
  $g->set_launch_timeout (10);

  my $parent = $$;
  my $killer = fork () // die "fork: $!";
  if ($killer == 0) {
    sleep (0.5);
    kill 'INT', $parent;
    POSIX::_exit (0);
  }
  my $t0 = time ();
  my $ok = eval {
    local $SIG{INT} = sub { die "interrupted\n" };
    $g->launch ();
    1;
  };
  my $took = time () - $t0;
  waitpid ($killer, 0);
  ok (!$ok, 'Control-C: launch did not succeed');
  is ($@, "interrupted\n", 'Control-C: $SIG{INT} ran, and its die is '
      . 'what the program sees');
  cmp_ok ($took, '<', 3, "Control-C: launch stopped at once ("
          . sprintf ('%.1f', $took) . ' s, launch timeout 10 s)');
  ok (gone_within (5, $sock), 'Control-C: no qemu left');

  # Without a $SIG{INT} of the program's, the call is cancelled too
  # only if Perl handles the signal; its default is to die, with qemu's
  # watcher cleaning up, so that is not tried here.  A later launch
  # error is the library's own.
  $g->set_launch_timeout (1);
  ok (!eval { $g->launch (); 1 }, 'Control-C: the handle is usable');
  like ($@, qr/^launch: /, 'Control-C: the next launch fails on its own');
  $g->close ();
  close $server;
}

done_testing ();
