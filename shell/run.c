/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive shell: finding commands, running them, help, and scripts. */

#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"

const char *const qd_builtins[] = { "help", "quit", "exit", "q", NULL };

volatile sig_atomic_t qd_signal;
qdrive_h *volatile qd_waiting;

int
qd_check_signal (void)
{
  if (qd_signal == 0)
    return 0;
  qd_error ("stopped by a signal: %s", strsignal (qd_signal));
  return -1;
}

/* Commands may be written with underscores too (add_drive), as the
 * calls are named in the C API. */
static int
same_name (const char *a, const char *b)
{
  for (; *a && *b; a++, b++) {
    char x = *a == '_' ? '-' : *a, y = *b == '_' ? '-' : *b;
    if (x != y)
      return 0;
  }
  return *a == *b;
}

const struct qd_command *
qd_find_command (const char *name)
{
  size_t i;

  for (i = 0; i < qd_ncommands; ++i)
    if (same_name (name, qd_commands[i].name) ||
        (qd_commands[i].alias && strcmp (name, qd_commands[i].alias) == 0))
      return &qd_commands[i];
  return NULL;
}

static void
list_commands (void)
{
  size_t i;

  printf ("Commands:\n");
  for (i = 0; i < qd_ncommands; ++i) {
    const struct qd_command *c = &qd_commands[i];
    char names[64];

    if (c->internal)
      continue;
    snprintf (names, sizeof names, "%s%s%s", c->name,
              c->alias ? ", " : "", c->alias ? c->alias : "");
    printf ("  %-24s %s\n", names, c->shortdesc);
  }
  printf ("\nBuilt-in commands:\n");
  printf ("  %-24s %s\n", "help [COMMAND]",
          "list the commands, or document one");
  printf ("  %-24s %s\n", "quit, exit, q", "leave qdrive");
  printf ("\nType 'help COMMAND' for one command's documentation; "
          "see also qdrive(1).\n");
}

static int
help (size_t argc, char **argv)
{
  const struct qd_command *cmd;

  if (argc == 1) {
    list_commands ();
    return QD_OK;
  }
  if (argc > 2) {
    qd_error ("help: unexpected argument \"%s\"; usage: help [COMMAND]",
              argv[2]);
    return QD_ERROR;
  }
  if (strcmp (argv[1], "help") == 0) {
    printf ("help - list the commands, or show one command's "
            "documentation\n\nUsage: help [COMMAND]\n");
    return QD_OK;
  }
  if (strcmp (argv[1], "quit") == 0 || strcmp (argv[1], "exit") == 0 ||
      strcmp (argv[1], "q") == 0) {
    printf ("quit - leave qdrive\n\nUsage: quit\n\nAlso: exit, q\n");
    return QD_OK;
  }
  cmd = qd_find_command (argv[1]);
  if (cmd == NULL) {
    qd_error ("help: \"%s\": unknown command; 'help' lists the commands",
              argv[1]);
    return QD_ERROR;
  }
  fputs (cmd->help, stdout);
  return QD_OK;
}

int
qd_run_command (qdrive_h *g, size_t argc, char **argv)
{
  const struct qd_command *cmd;
  int r;

  if (strcmp (argv[0], "help") == 0)
    return help (argc, argv);
  if (strcmp (argv[0], "quit") == 0 || strcmp (argv[0], "exit") == 0 ||
      strcmp (argv[0], "q") == 0) {
    if (argc > 1) {
      qd_error ("%s: unexpected argument \"%s\"; usage: %s",
                argv[0], argv[1], argv[0]);
      return QD_ERROR;
    }
    return QD_QUIT;
  }
  cmd = qd_find_command (argv[0]);
  if (cmd == NULL) {
    qd_error ("%s: unknown command; 'help' lists the commands", argv[0]);
    return QD_ERROR;
  }
  /* While a command that may wait runs, a signal cancels it. */
  if (cmd->blocking)
    qd_waiting = g;
  r = cmd->run (g, cmd, argc - 1, argv + 1);
  qd_waiting = NULL;
  return r == -1 ? QD_ERROR : QD_OK;
}

int
qd_run_sequence (qdrive_h *g, size_t argc, char **argv, const int *quoted)
{
  size_t start = 0, i;

  for (i = 0; i <= argc; ++i) {
    if (i == argc ||
        (strcmp (argv[i], ":") == 0 && (quoted == NULL || !quoted[i]))) {
      /* Empty commands (": :", a trailing ":") are nothing to run. */
      if (i > start) {
        int r;

        if (qd_check_signal () == -1)
          return QD_ERROR;
        r = qd_run_command (g, i - start, argv + start);
        if (r != QD_OK)
          return r;
      }
      start = i + 1;
    }
  }
  return QD_OK;
}

/* Reads one command line of a script into *line (malloc'd, *size
 * bytes): a physical line, and the ones a backslash before the newline
 * joins to it.  *lineno is the number of the last line read, first the
 * first one's.  Returns 1, 0 at the end of the file, or -1 after
 * printing an error (a NUL byte: a script is text, and C would see the
 * line end there; a read error), or -2 when a signal stopped the wait
 * (the caller reports it). */
static int
read_command_line (struct qd_input *in, const char *name, char **line,
                   size_t *size, unsigned long *lineno, unsigned long *first)
{
  struct qd_line_state st = { 0, 0 };
  char *part = NULL;
  size_t psize = 0, len = 0;
  ssize_t n;
  int r = 0;

  for (;;) {
    n = qd_input_getline (in, &part, &psize);
    if (n == -1)
      break;                    /* the end, after a joining backslash too */
    if (n == -3) {
      r = -2;
      break;
    }
    if (n == -2) {
      qd_error ("%s: %s", name, strerror (errno));
      r = -1;
      break;
    }
    ++*lineno;
    if (len == 0)
      *first = *lineno;
    if (memchr (part, '\0', n) != NULL) {
      char location[1024];

      snprintf (location, sizeof location, "%s:%lu", name, *lineno);
      qd_location = location;
      qd_error ("a NUL byte at byte %zu of the line; allowed: text "
                "without NUL bytes",
                (size_t) ((char *) memchr (part, '\0', n) - part) + 1);
      qd_location = NULL;
      r = -1;
      break;
    }
    if (len + n + 1 > *size) {
      size_t want = len + n + 1 > 2 * *size ? len + n + 1 : 2 * *size;
      char *p = realloc (*line, want);

      if (p == NULL) {
        qd_error ("%s", strerror (errno));
        r = -1;
        break;
      }
      *line = p;
      *size = want;
    }
    memcpy (*line + len, part, n + 1);
    len += n;
    r = 1;
    if (!qd_line_continues (part, 1, &st))
      break;
  }
  free (part);
  return r;
}

int
qd_run_script (qdrive_h *g, FILE *f, const char *name)
{
  char *line = NULL;
  size_t size = 0;
  unsigned long lineno = 0, first = 0;
  struct qd_input *in = malloc (sizeof *in);
  int r = QD_OK, got;

  if (in == NULL) {
    qd_error ("%s", strerror (errno));
    return QD_ERROR;
  }
  /* f is read through its descriptor from here on (see input.c). */
  qd_input_init (in, fileno (f));
  while (r == QD_OK && qd_signal == 0) {
    char location[1024];
    struct qd_words w;
    const char *errmsg;

    got = read_command_line (in, name, &line, &size, &lineno, &first);
    if (got != 1) {
      if (got == -1)
        r = QD_ERROR;
      break;
    }
    /* A joined line is named by its first line. */
    snprintf (location, sizeof location, "%s:%lu", name, first);
    qd_location = location;
    if (qd_split_words (line, 1, &w, &errmsg) == -1) {
      qd_error ("%s", errmsg);
      r = QD_ERROR;
    }
    else {
      r = qd_run_sequence (g, w.len, w.word, w.quoted);
      qd_free_words (&w);
    }
    qd_location = NULL;
  }
  /* A signal between commands, or during the wait for the next line
   * (a command it stopped has said so). */
  if (r == QD_OK && qd_check_signal () == -1)
    r = QD_ERROR;
  free (in);
  free (line);
  return r;
}
