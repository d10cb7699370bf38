/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive shell: reading input without missing a signal.
 *
 * The signals that stop qdrive only set qd_signal (qdrive.c), which
 * the code checks between commands.  A signal that arrives after such
 * a check but before a read blocks would be noticed only once more
 * input came, perhaps never: qdrive at its prompt, sent SIGTERM just
 * after a key was typed, sat waiting for the next key.  So every wait
 * for input is made here: with those signals blocked while qd_signal
 * is checked, and unblocked only inside ppoll, so that a signal always
 * ends the wait.
 *
 * Two readers use it: the prompt's, a readline getc function (libedit
 * calls it for each character), and the scripts', a line reader over
 * the file descriptor (stdio's getline would block inside its own
 * read). */

#include <config.h>             /* _GNU_SOURCE, for ppoll */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "shell.h"

const int qd_stop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, 0 };

int
qd_wait_input (int fd)
{
  struct pollfd p = { .fd = fd, .events = POLLIN };
  sigset_t stops, old;
  int i, r;

  sigemptyset (&stops);
  for (i = 0; qd_stop_signals[i] != 0; ++i)
    sigaddset (&stops, qd_stop_signals[i]);
  sigprocmask (SIG_BLOCK, &stops, &old);
  for (;;) {
    if (qd_signal != 0) {
      r = 0;
      break;
    }
    /* Readable, at its end, or in error: the read that follows says
     * which.  EINTR: a handler ran; look at qd_signal again. */
    if (ppoll (&p, 1, NULL, &old) >= 0 || errno != EINTR) {
      r = 1;
      break;
    }
  }
  sigprocmask (SIG_SETMASK, &old, NULL);
  return r;
}

/* The terminal, opened again non-blocking, for qd_readline_getc: what
 * ppoll found to read may be gone by the read (Control-C discards the
 * input not yet read), and a blocking read would then wait for the
 * next key with the signal already handled.  A descriptor of its own,
 * as O_NONBLOCK on standard input's would change it for the programs
 * sharing it (the shell qdrive was started from).  The terminal's
 * settings, which libedit changes through standard input, are the
 * terminal's, shared by both.  -1: not opened yet; -2: cannot be. */
static int tty_fd = -1;

static int
nonblocking_tty (int fd)
{
  char path[64];

  if (tty_fd == -1) {
    snprintf (path, sizeof path, "/proc/self/fd/%d", fd);
    tty_fd = open (path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (tty_fd == -1)
      tty_fd = -2;
  }
  return tty_fd;
}

void
qd_readline_end (void)
{
  if (tty_fd >= 0)
    close (tty_fd);
  tty_fd = -1;
}

/* Reads up to size bytes from read_fd once wait_fd (the same file)
 * can be read, waiting here: what read returns (0 at the end, -1 on
 * an error), or -2 if a signal stops qdrive.  Nothing there after all
 * (EAGAIN) or a signal's interruption means waiting again. */
static ssize_t
read_when_ready (int wait_fd, int read_fd, char *buf, size_t size)
{
  ssize_t n;

  do {
    if (qd_wait_input (wait_fd) == 0)
      return -2;
    n = read (read_fd, buf, size);
  } while (n == -1 && (errno == EINTR || errno == EAGAIN));
  return n;
}

/* One byte of the terminal fd: 1, 0 at the end of the input or a read
 * error, -1 if a signal stops qdrive. */
static int
read_byte (int fd, char *b)
{
  int nb = nonblocking_tty (fd);
  ssize_t n;

  /* Without a descriptor of its own (no /proc), a blocking read: the
   * race above comes back, and only there. */
  n = read_when_ready (fd, nb < 0 ? fd : nb, b, 1);
  return n == -2 ? -1 : n == 1;
}

/* libedit takes what this returns as a wide character, so multibyte
 * characters (UTF-8: interactive.c sets the locale) are decoded here, as
 * libedit's own reader would; an invalid byte is dropped, as there. */
int
qd_readline_getc (FILE *f)
{
  int fd = fileno (f);
  mbstate_t st;
  wchar_t wc;
  size_t r;
  char b;

  memset (&st, 0, sizeof st);
  for (;;) {
    if (read_byte (fd, &b) != 1)
      return EOF;               /* readline returns NULL: see qd_signal */
    r = mbrtowc (&wc, &b, 1, &st);
    if (r == (size_t) -2)
      continue;                 /* part of a character */
    if (r == (size_t) -1) {
      memset (&st, 0, sizeof st);
      continue;
    }
    return r == 0 ? 0 : (int) wc;
  }
}

void
qd_input_init (struct qd_input *in, int fd)
{
  in->fd = fd;
  in->start = in->end = 0;
}

ssize_t
qd_input_getline (struct qd_input *in, char **line, size_t *size)
{
  size_t len = 0;
  char *nl;

  for (;;) {
    size_t avail = in->end - in->start, take;
    ssize_t n;

    nl = memchr (in->buf + in->start, '\n', avail);
    take = nl != NULL ? (size_t) (nl - (in->buf + in->start)) + 1 : avail;
    if (len + take + 1 > *size) {
      size_t want = len + take + 1 > 2 * *size ? len + take + 1 : 2 * *size;
      char *p = realloc (*line, want);

      if (p == NULL)
        return -2;
      *line = p;
      *size = want;
    }
    memcpy (*line + len, in->buf + in->start, take);
    len += take;
    (*line)[len] = '\0';
    in->start += take;
    if (nl != NULL)
      return (ssize_t) len;

    /* The buffer is empty: wait for more, here. */
    in->start = in->end = 0;
    n = read_when_ready (in->fd, in->fd, in->buf, sizeof in->buf);
    if (n == -2)
      return -3;
    if (n <= 0) {
      if (len > 0)
        return (ssize_t) len;   /* a last line without its newline */
      return n == 0 ? -1 : -2;
    }
    in->end = (size_t) n;
  }
}
