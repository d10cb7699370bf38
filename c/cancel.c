/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: cancelling a wait (qdrive_user_cancel).
 *
 * A call that waits for something outside the process (qemu starting,
 * qemu answering over QMP; the guest agent's commands) can take as long
 * as its timeout.  qdrive_user_cancel lets a signal handler (Ctrl-C) or
 * another thread stop it at once.
 *
 * The request is an eventfd per handle: qdrive_user_cancel writes to it
 * (write(2) is async-signal-safe, and the handle's lock is not taken),
 * and every cancellable wait polls it beside what it waits for, so it
 * wakes at once whichever thread the signal reached.  A request stays
 * until a wait sees it, so one made just before the call starts
 * waiting is not lost; it is also dropped when a Blocking call
 * (launch, shutdown, sh, command) returns, by its generated wrapper,
 * so that a request made late in one call does not cancel the next. */

#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "internal.h"

int
qdrive_int_cancel_init (qdrive_h *g)
{
  g->cancel_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  return g->cancel_fd == -1 ? -1 : 0;
}

void
qdrive_int_cancel_free (qdrive_h *g)
{
  if (g->cancel_fd >= 0)
    close (g->cancel_fd);
  g->cancel_fd = -1;
}

void
qdrive_user_cancel (qdrive_h *g)
{
  uint64_t one = 1;
  int saved = errno;            /* a signal handler must keep errno */

  /* The eventfd is shared with the parent in a child made by fork: the
   * child's copy of the handle must not cancel the parent's calls. */
  if (g != NULL && g->cancel_fd >= 0 && qdrive_int_owned (g) &&
      write (g->cancel_fd, &one, sizeof one) == -1) {
    /* Only EAGAIN is possible (the counter is full): a request is
     * pending anyway. */
  }
  errno = saved;
}

int
qdrive_int_cancel_fd (qdrive_h *g)
{
  return g->cancel_fd;
}

void
qdrive_int_cancel_clear (qdrive_h *g)
{
  uint64_t n;

  if (g->cancel_fd >= 0 && read (g->cancel_fd, &n, sizeof n) == -1) {
    /* EAGAIN: there was no request. */
  }
}

bool
qdrive_int_cancelled (qdrive_h *g)
{
  uint64_t n;

  /* Non-blocking: EAGAIN when there is no request. */
  if (g->cancel_fd < 0 || read (g->cancel_fd, &n, sizeof n) != sizeof n)
    return false;
  qdrive_int_error (g, ECANCELED, "cancelled");
  return true;
}
