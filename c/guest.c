/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: the calls that work inside the appliance (sh, command,
 * list_devices), whatever backend runs it: each checks that the handle
 * was launched with guest "appliance", asks the backend, and turns how
 * the command ended into a result or an error.  Also what both backends
 * use to answer list_devices and blockstats. */

#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"

/* How much of a failed command's standard error goes into the error
 * message: its last lines, within a size. */
#define STDERR_LINES 10
#define STDERR_BYTES 2000

static int
need_appliance (qdrive_h *g)
{
  if (g->guest != QDRIVE_INT_GUEST_APPLIANCE) {
    set_error (g, "the virtual machine was launched with guest \"stopped\": "
               "nothing runs in it; choose guest \"appliance\" (set_guest) "
               "before launch");
    return -1;
  }
  return 0;
}

/* The end of a command's standard error, for a message: its last
 * STDERR_LINES lines, at most STDERR_BYTES bytes, without the final
 * newline. */
static const char *
stderr_tail (char *err, size_t len)
{
  size_t lines = 0, start = len;

  while (len > 0 && err[len - 1] == '\n')
    err[--len] = '\0';
  start = len;
  while (start > 0 && len - start < STDERR_BYTES) {
    if (err[start - 1] == '\n' && ++lines == STDERR_LINES)
      break;
    start--;
  }
  return err + start;
}

/* Runs argv; what names it in messages ("the command", "\"ls\""). */
static char *
run (qdrive_h *g, char *const *argv, const char *what)
{
  struct qga_result r;
  const char *tail;
  char *out, how[128];

  if (need_appliance (g) == -1)
    return NULL;
  if (g->ops->guest_exec == NULL) {
    qdrive_int_error (g, ENOTSUP, "the %s backend cannot run commands in "
                      "the guest", g->ops->name);
    return NULL;
  }
  if (g->ops->guest_exec (g, argv, &r) == -1)
    return NULL;
  tail = stderr_tail (r.err, r.err_len);
  if (r.signalled || r.status != 0) {
    if (r.signalled)
      snprintf (how, sizeof how, "was killed by signal %d (%s)", r.status,
                strsignal (r.status));
    else
      snprintf (how, sizeof how, "exited with status %d", r.status);
    set_error (g, "%s %s%s%s", what, how,
               *tail ? "; the end of its standard error:\n" : "", tail);
    qga_result_free (&r);
    return NULL;
  }
  if (r.out_truncated) {
    set_error (g, "%s wrote more to standard output than the guest agent "
               "passes on (it was cut at %zu bytes)", what, r.out_len);
    qga_result_free (&r);
    return NULL;
  }
  if (memchr (r.out, '\0', r.out_len) != NULL) {
    set_error (g, "%s wrote a NUL byte to standard output (at byte %zu), "
               "which a string cannot hold", what,
               (size_t) ((char *) memchr (r.out, '\0', r.out_len) - r.out));
    qga_result_free (&r);
    return NULL;
  }
  out = r.out;
  r.out = NULL;
  qga_result_free (&r);
  return out;
}

char *
qdrive_impl_sh (qdrive_h *g, const char *command)
{
  /* A login shell, for the appliance's /etc/profile (see
   * appliance-build.c). */
  char *const argv[] = { "/bin/sh", "-l", "-c", (char *) command, NULL };

  return run (g, argv, "the command");
}

char *
qdrive_impl_command (qdrive_h *g, char *const *arguments)
{
  char *what, *out;

  if (arguments[0] == NULL || arguments[0][0] == '\0') {
    set_error (g, "arguments: %s; allowed: a program and its arguments",
               arguments[0] == NULL ? "the list is empty"
               : "the program is \"\"");
    return NULL;
  }
  if (asprintf (&what, "\"%s\"", arguments[0]) == -1) {
    set_perror (g, "asprintf");
    return NULL;
  }
  out = run (g, arguments, what);
  free (what);
  return out;
}

char **
qdrive_impl_list_devices (qdrive_h *g)
{
  if (need_appliance (g) == -1)
    return NULL;
  if (g->ops->list_devices == NULL) {
    qdrive_int_error (g, ENOTSUP, "the %s backend cannot list the guest's "
                      "devices", g->ops->name);
    return NULL;
  }
  return g->ops->list_devices (g);
}

char **
qdrive_int_copy_devices (qdrive_h *g, char *const *devices)
{
  char **copy;
  size_t i;

  copy = calloc (g->ndrives + 1, sizeof *copy);
  if (copy == NULL) {
    set_perror (g, "calloc");
    return NULL;
  }
  for (i = 0; i < g->ndrives; ++i)
    if ((copy[i] = strdup (devices[i])) == NULL) {
      set_perror (g, "strdup");
      qdrive_free_string_list (copy);
      return NULL;
    }
  return copy;
}

struct qdrive_blockstats_list *
qdrive_int_new_blockstats_list (qdrive_h *g)
{
  struct qdrive_blockstats_list *list = calloc (1, sizeof *list);

  /* calloc (0) may return NULL: room for one entry at least. */
  if (list == NULL ||
      (list->val = calloc (g->ndrives ? g->ndrives : 1,
                           sizeof *list->val)) == NULL) {
    set_perror (g, "calloc");
    free (list);
    return NULL;
  }
  return list;
}
