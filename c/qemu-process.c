/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: the qemu process of the direct backend: starting it, its
 * output, waiting for it with a deadline, killing and reaping it.
 *
 * No orphans: each qemu gets a watcher (watcher.c) that kills it if
 * our process goes away without shutting it down, however it ends.
 *
 * qemu is started with posix_spawn. */

extern char **environ;

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "appliance.h"
#include "direct.h"
#include "watcher.h"

/* How often to look at qemu when no pidfd can say it has exited. */
#define POLL_FALLBACK_MS 5

struct timespec
direct_deadline (int seconds)
{
  struct timespec t;

  clock_gettime (CLOCK_MONOTONIC, &t);
  t.tv_sec += seconds;
  return t;
}

struct timespec
direct_deadline_ms (int ms)
{
  struct timespec t;

  clock_gettime (CLOCK_MONOTONIC, &t);
  t.tv_sec += ms / 1000;
  t.tv_nsec += (ms % 1000) * 1000000L;
  if (t.tv_nsec >= 1000000000L) {
    t.tv_sec++;
    t.tv_nsec -= 1000000000L;
  }
  return t;
}

int
direct_ms_left (const struct timespec *deadline)
{
  struct timespec now;
  long long ms;

  clock_gettime (CLOCK_MONOTONIC, &now);
  ms = (deadline->tv_sec - now.tv_sec) * 1000LL +
    (deadline->tv_nsec - now.tv_nsec + 999999) / 1000000;
  if (ms < 0)
    return 0;
  if (ms > INT_MAX)
    return INT_MAX;
  return (int) ms;
}

/* Shell quoting, for the verbose output only: words of safe characters
 * as they are, others in single quotes. */
static void
fput_shell_word (FILE *f, const char *s)
{
  static const char safe[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    "_-+=:,./@%";

  if (*s != '\0' && strspn (s, safe) == strlen (s)) {
    fputs (s, f);
    return;
  }
  putc ('\'', f);
  for (; *s; ++s) {
    if (*s == '\'')
      fputs ("'\\''", f);
    else
      putc (*s, f);
  }
  putc ('\'', f);
}

char *
direct_command_text (char *const *argv)
{
  char *s = NULL;
  size_t len = 0, i;
  FILE *f = open_memstream (&s, &len);

  if (f == NULL)
    return NULL;
  for (i = 0; argv[i] != NULL; ++i) {
    if (i > 0)
      putc (' ', f);
    fput_shell_word (f, argv[i]);
  }
  if (fclose (f) != 0) {
    free (s);
    return NULL;
  }
  return s;
}

char *
direct_find_binary (qdrive_h *g, const char *hv)
{
  const char *path, *p, *end;
  char *candidate;
  struct stat st;

  if (strchr (hv, '/') != NULL) {
    if (access (hv, X_OK) == -1) {
      set_perror (g, "cannot run qemu \"%s\" (set with set_hv or "
                  "$QDRIVE_HV)", hv);
      return NULL;
    }
    candidate = strdup (hv);
    if (candidate == NULL)
      set_perror (g, "strdup");
    return candidate;
  }

  path = getenv ("PATH");
  if (path == NULL || *path == '\0')
    path = "/usr/local/bin:/usr/bin:/bin";
  for (p = path; ; p = end + 1) {
    end = strchr (p, ':');
    if (end == NULL)
      end = p + strlen (p);
    /* An empty entry is the current directory. */
    if (asprintf (&candidate, "%.*s%s%s", (int) (end - p),
                  end == p ? "." : p, "/", hv) == -1) {
      set_perror (g, "asprintf");
      return NULL;
    }
    if (stat (candidate, &st) == 0 && S_ISREG (st.st_mode) &&
        access (candidate, X_OK) == 0)
      return candidate;
    free (candidate);
    if (*end == '\0')
      break;
  }
  qdrive_int_error (g, ENOENT, "cannot run qemu: \"%s\" was not found in "
                    "PATH; install it (Debian: qemu-system-x86) or choose "
                    "another binary with set_hv or $QDRIVE_HV", hv);
  return NULL;
}

/* Starts qemu with posix_spawn: glibc runs it with vfork semantics
 * (no copy of our page tables, however big the caller is) and reports
 * an exec failure as its result.  qemu gets /dev/null as stdin, the
 * pipe as stdout and stderr, no other descriptor, default signal
 * dispositions, an empty mask, and a process group of its own. */
static int
spawn_qemu (qdrive_h *g, const char *path, char *const *argv, int out_w,
            pid_t *pid)
{
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  sigset_t all, none;
  int err;

  sigfillset (&all);
  sigemptyset (&none);
  if ((err = posix_spawn_file_actions_init (&fa)) != 0) {
    errno = err;
    set_perror (g, "posix_spawn_file_actions_init");
    return -1;
  }
  if ((err = posix_spawnattr_init (&attr)) != 0) {
    posix_spawn_file_actions_destroy (&fa);
    errno = err;
    set_perror (g, "posix_spawnattr_init");
    return -1;
  }
  if ((err = posix_spawn_file_actions_addopen (&fa, 0, "/dev/null",
                                               O_RDONLY, 0)) == 0 &&
      (err = posix_spawn_file_actions_adddup2 (&fa, out_w, 1)) == 0 &&
      (err = posix_spawn_file_actions_adddup2 (&fa, out_w, 2)) == 0 &&
#if defined (__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
      /* Ours are close-on-exec already; this is for the caller's. */
      (err = posix_spawn_file_actions_addclosefrom_np (&fa, 3)) == 0 &&
#endif
      (err = posix_spawnattr_setflags (&attr, POSIX_SPAWN_SETPGROUP |
                                       POSIX_SPAWN_SETSIGDEF |
                                       POSIX_SPAWN_SETSIGMASK)) == 0 &&
      (err = posix_spawnattr_setpgroup (&attr, 0)) == 0 &&
      (err = posix_spawnattr_setsigdefault (&attr, &all)) == 0 &&
      (err = posix_spawnattr_setsigmask (&attr, &none)) == 0) {
    err = posix_spawn (pid, path, &fa, &attr, argv, environ);
    if (err != 0) {
      errno = err;
      set_perror (g, "cannot run qemu \"%s\"", path);
    }
  }
  else {
    errno = err;
    set_perror (g, "posix_spawn setup");
  }
  posix_spawnattr_destroy (&attr);
  posix_spawn_file_actions_destroy (&fa);
  return err == 0 ? 0 : -1;
}

int
direct_spawn (struct direct *b, const char *path, char *const *argv)
{
  qdrive_h *g = b->g;
  int outp[2] = { -1, -1 };
  pid_t pid;

  if (pipe2 (outp, O_CLOEXEC) == -1) {
    set_perror (g, "pipe2");
    goto fail;
  }
  if (spawn_qemu (g, path, argv, outp[1], &pid) == -1)
    goto fail;
  b->pid = pid;
  b->pidfd = qdrive_int_pidfd_open (pid);
  close (outp[1]);
  outp[1] = -1;
  b->out_fd = outp[0];
  fcntl (b->out_fd, F_SETFL, fcntl (b->out_fd, F_GETFL) | O_NONBLOCK);

  if (qdrive_int_watcher_start (g, &b->watcher, b->pid, b->pidfd) == -1) {
    direct_kill (b);
    free (direct_reap (b));
    return -1;                  /* the caller closes out_fd */
  }
  return 0;

 fail:
  if (outp[0] >= 0) close (outp[0]);
  if (outp[1] >= 0) close (outp[1]);
  return -1;
}

/* One complete line of qemu's: into the ring, and a "qemu" event (or
 * to stderr when verbose). */
static void
store_line (struct direct *b)
{
  size_t slot = b->nlast % DIRECT_LAST_LINES;
  char *copy;

  b->line[b->line_len] = '\0';
  if (b->line_len > 0 && b->line[b->line_len - 1] == '\r')
    b->line[--b->line_len] = '\0';
  qdrive_int_qemu_line (b->g, b->line);
  if (strstr (b->line, APPLIANCE_INIT_LINE) != NULL)
    b->init_started = true;
  copy = strdup (b->line);
  if (copy != NULL) {
    free (b->last[slot]);
    b->last[slot] = copy;
    b->nlast++;
  }
  b->line_len = 0;
}

void
direct_drain_output (struct direct *b)
{
  char buf[4096];
  ssize_t n, i;

  while (b->out_fd >= 0) {
    n = read (b->out_fd, buf, sizeof buf);
    if (n == -1 && errno == EINTR)
      continue;
    if (n == -1 && errno == EAGAIN)
      return;
    if (n <= 0) {
      /* EOF: qemu has exited (or closed its output). */
      if (b->line_len > 0)
        store_line (b);
      close (b->out_fd);
      b->out_fd = -1;
      return;
    }
    for (i = 0; i < n; ++i) {
      if (buf[i] == '\n')
        store_line (b);
      else if (b->line_len < DIRECT_LINE_MAX)
        b->line[b->line_len++] = buf[i];
    }
  }
}

static bool
ends_with (const char *s, const char *end)
{
  size_t n = strlen (s), m = strlen (end);

  return n >= m && strcmp (s + n - m, end) == 0;
}

char *
direct_last_lines (struct direct *b)
{
  size_t first = b->nlast > DIRECT_LAST_LINES ? b->nlast - DIRECT_LAST_LINES : 0;
  size_t i;
  char *s = NULL;
  size_t len = 0;
  bool in_trace = false, any = false;
  FILE *f = open_memstream (&s, &len);

  if (f == NULL)
    return NULL;
  for (i = first; i < b->nlast; ++i) {
    const char *line = b->last[i % DIRECT_LAST_LINES];

    /* A panic's stack trace is twenty lines of addresses that would
     * push the panic's own message out of sight. */
    if (ends_with (line, "Call Trace:")) {
      in_trace = true;
      fprintf (f, "%s%s [the stack trace is left out]", any ? "\n" : "",
               line);
      any = true;
      continue;
    }
    if (in_trace) {
      in_trace = !ends_with (line, "</TASK>");
      continue;
    }
    fprintf (f, "%s%s", any ? "\n" : "", line);
    any = true;
  }
  if (fclose (f) != 0) {
    free (s);
    return NULL;
  }
  return s;
}

bool
direct_exited (struct direct *b)
{
  siginfo_t info;

  if (b->pid == 0)
    return true;
  info.si_pid = 0;
  if (waitid (P_PID, b->pid, &info, WEXITED | WNOHANG | WNOWAIT) == -1)
    return errno == ECHILD;     /* reaped behind our back: SIGCHLD ignored */
  return info.si_pid == b->pid;
}

/* direct_wait_fd, and direct_wait_exit with cancellable false. */
static int
wait_fd (struct direct *b, int fd, short events,
         const struct timespec *deadline, bool cancellable)
{
  struct pollfd p[4];
  int n, ms, i_fd = -1, i_out = -1, i_pid = -1, i_cancel = -1, np;

  for (;;) {
    np = 0;
    if (fd >= 0) {
      i_fd = np;
      p[np].fd = fd;
      p[np++].events = events;
    }
    if (b->out_fd >= 0) {
      i_out = np;
      p[np].fd = b->out_fd;
      p[np++].events = POLLIN;
    }
    if (b->pidfd >= 0 && b->pid != 0) {
      i_pid = np;
      p[np].fd = b->pidfd;
      p[np++].events = POLLIN;
    }
    if (cancellable) {
      i_cancel = np;
      p[np].fd = qdrive_int_cancel_fd (b->g);
      p[np++].events = POLLIN;
    }
    ms = direct_ms_left (deadline);
    if (b->pidfd < 0 && ms > POLL_FALLBACK_MS)
      ms = POLL_FALLBACK_MS;
    n = poll (p, np, ms);
    if (n == -1) {
      if (errno == EINTR)
        continue;
      set_perror (b->g, "poll");
      return -1;
    }
    if (i_cancel >= 0 && p[i_cancel].revents &&
        qdrive_int_cancelled (b->g))
      return -1;
    if (i_out >= 0 && p[i_out].revents)
      direct_drain_output (b);
    if (i_fd >= 0 && p[i_fd].revents)
      return 1;
    if ((i_pid >= 0 && p[i_pid].revents) ||
        (b->pidfd < 0 && direct_exited (b)))
      return -2;
    if (direct_ms_left (deadline) == 0)
      return 0;
  }
}

int
direct_wait_fd (struct direct *b, int fd, short events,
                const struct timespec *deadline)
{
  return wait_fd (b, fd, events, deadline, !b->cancel_held);
}

/* Not cancellable: it is how qemu is cleaned up after. */
bool
direct_wait_exit (struct direct *b, const struct timespec *deadline)
{
  if (b->pid == 0)
    return true;
  return wait_fd (b, -1, 0, deadline, false) == -2 || direct_exited (b);
}

char *
direct_reap (struct direct *b)
{
  int status;
  pid_t r;
  char *s = NULL;

  if (b->pid == 0)
    return strdup ("had exited");
  /* Let the watcher go first: it may kill qemu by pid (no pidfd), which
   * is only safe while qemu is not reaped. */
  qdrive_int_watcher_stop (&b->watcher);
  /* Whatever is left in qemu's process group (what a wrapper script
   * or qemu started) goes with it; the group's id is safe to use while
   * its leader is not reaped. */
  kill (-b->pid, SIGKILL);
  do
    r = waitpid (b->pid, &status, 0);
  while (r == -1 && errno == EINTR);
  b->pid = 0;
  if (b->pidfd >= 0) {
    close (b->pidfd);
    b->pidfd = -1;
  }
  /* The pipe is at EOF now, unless qemu handed it to a child of its. */
  direct_drain_output (b);

  if (r == -1) {
    b->status_lost = true;
    s = strdup ("exited (its status is unknown: SIGCHLD is ignored)");
  }
  else if (WIFEXITED (status) &&
           asprintf (&s, "exited with status %d", WEXITSTATUS (status)) == -1)
    s = NULL;
  else if (WIFSIGNALED (status) &&
           asprintf (&s, "was killed by signal %d (%s)", WTERMSIG (status),
                     strsignal (WTERMSIG (status))) == -1)
    s = NULL;
  return s;
}

void
direct_kill (struct direct *b)
{
  if (b->pid != 0)
    qdrive_int_kill (b->pid, b->pidfd);
}

void
direct_note_death (struct direct *b)
{
  if (b->death != NULL)
    return;
  b->death = direct_reap (b);
  if (b->death == NULL)
    b->death = strdup ("exited");
}

/* A network drive qemu could not open, by the "-drive ...,id=hdN,
 * if=none: message" line it printed, described with its server
 * (malloc'd "drive hd1 (nbd server unix:/s, \"exp\") could not be
 * opened: "), or NULL. */
static char *
failed_network_drive (struct direct *b, const char *lines)
{
  const char *p = lines;
  char *end, *what, *lead;
  unsigned long i;

  while (lines && (p = strstr (p, ",id=hd")) != NULL) {
    p += 6;
    i = strtoul (p, &end, 10);
    if (end != p && strncmp (end, ",if=none: ", 10) == 0 &&
        i < b->g->ndrives && b->g->drives[i].net != NULL) {
      what = qdrive_int_net_describe (&b->g->drives[i]);
      if (what == NULL || asprintf (&lead, "drive hd%lu (%s) could not be "
                                    "opened: ", i, what) == -1)
        lead = NULL;
      free (what);
      return lead;
    }
  }
  return NULL;
}

void
direct_report_death (struct direct *b)
{
  char *lines = direct_last_lines (b);
  const char *how = b->death ? b->death : "exited";
  char *lead = b->ready ? NULL : failed_network_drive (b, lines);
  bool appliance = b->g->guest == QDRIVE_INT_GUEST_APPLIANCE;
  const char *more = lines && *lines
    ? (appliance ? "; the last lines of its console:\n"
       : "; its last messages:\n") : "";

  if (appliance)
    set_error (b->g, "%sthe appliance stopped %s (qemu %s)%s%s",
               lead ? lead : "",
               b->ready ? "unexpectedly" : "before it was ready", how, more,
               lines ? lines : "");
  else if (b->ready)
    set_error (b->g, "qemu stopped unexpectedly: it %s%s%s", how, more,
               lines ? lines : "");
  else
    set_error (b->g, "%sqemu %s before it was ready%s%s", lead ? lead : "",
               how, more, lines ? lines : "");
  free (lead);
  free (lines);
  b->death_reported = true;
}
