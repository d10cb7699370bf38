/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive shell: the interactive prompt, with line editing, history
 * and tab completion from libedit's readline-compatible interface.
 *
 * The history is kept between sessions in ~/.qdrive_history, as
 * guestfish keeps ~/.guestfish.
 *
 * Completion knows the command table: the first word of a command
 * completes to command names; after a command, a positional argument
 * of an enum type completes to its values, add-drive's file name to
 * file names, and the optional arguments to "key:" and then, for enums
 * and booleans, to "key:value" (cachemode:un<TAB> gives
 * cachemode:unsafe).
 */

#include <config.h>

#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <editline/readline.h>

#include "shell.h"

/* The candidates for the completion in progress, and the generator
 * that hands out those matching the word, as readline asks. */
static char **cands;
static size_t ncands;

static void
clear_cands (void)
{
  size_t i;

  for (i = 0; i < ncands; ++i)
    free (cands[i]);
  free (cands);
  cands = NULL;
  ncands = 0;
}

static void
add_cand2 (const char *prefix, const char *s)
{
  char **n;
  char *c;

  if (asprintf (&c, "%s%s", prefix, s) == -1)
    return;                     /* completion is best effort */
  n = realloc (cands, (ncands + 1) * sizeof *n);
  if (n == NULL) {
    free (c);
    return;
  }
  cands = n;
  cands[ncands++] = c;
}

static void
add_cand (const char *s)
{
  add_cand2 ("", s);
}

static char *
cand_generator (const char *text, int state)
{
  static size_t i, len;

  if (state == 0) {
    i = 0;
    len = strlen (text);
  }
  while (i < ncands) {
    const char *c = cands[i++];
    if (strncmp (c, text, len) == 0)
      return strdup (c);
  }
  return NULL;
}

static void
add_command_names (void)
{
  size_t i;

  for (i = 0; i < qd_ncommands; ++i) {
    if (qd_commands[i].internal)
      continue;
    add_cand (qd_commands[i].name);
    if (qd_commands[i].alias)
      add_cand (qd_commands[i].alias);
  }
  for (i = 0; qd_builtins[i] != NULL; ++i)
    add_cand (qd_builtins[i]);
}

/* Values of one argument, each after prefix ("" or "key:"). */
static void
add_values (const char *prefix, const struct qd_param *p)
{
  size_t i;

  if (p->kind == QD_ENUM)
    for (i = 0; p->values[i] != NULL; ++i)
      add_cand2 (prefix, p->values[i]);
  else if (p->kind == QD_BOOL) {
    add_cand2 (prefix, "true");
    add_cand2 (prefix, "false");
  }
}

static char **
complete (const char *text, int start, int end)
{
  struct qd_words w;
  const char *errmsg;
  const struct qd_command *cmd;
  char *before;
  size_t first = 0, nw, i;
  char **matches;

  (void) end;
  clear_cands ();
  rl_attempted_completion_over = 1;  /* no file names unless asked */
  rl_completion_append_character = ' ';

  /* The words before the one being completed; those of the current
   * command follow the last unquoted ":". */
  before = strndup (rl_line_buffer, start);
  if (before == NULL)
    return NULL;
  if (qd_split_words (before, 0, &w, &errmsg) == -1) {
    free (before);
    return NULL;                /* inside a quote: nothing to offer */
  }
  free (before);
  for (i = 0; i < w.len; ++i)
    if (!w.quoted[i] && strcmp (w.word[i], ":") == 0)
      first = i + 1;
  nw = w.len - first;

  if (nw == 0)
    add_command_names ();
  else if (strcmp (w.word[first], "help") == 0) {
    if (nw == 1)
      add_command_names ();
  }
  else if ((cmd = qd_find_command (w.word[first])) != NULL) {
    size_t pos = nw - 1;        /* which argument is being completed */

    if (pos < cmd->max_args) {
      const struct qd_param *p = &cmd->args[pos];

      if (p->kind == QD_STRING && strcmp (p->name, "filename") == 0)
        rl_attempted_completion_over = 0;
      else
        add_values ("", p);
    }
    else if (cmd->noptargs > 0) {
      const char *colon = strchr (text, ':');

      for (i = 0; i < cmd->noptargs; ++i) {
        const struct qd_param *p = &cmd->optargs[i];
        size_t n = strlen (p->name);

        if (colon == NULL)
          add_cand2 (p->name, ":");
        else if ((size_t) (colon - text) == n &&
                 strncmp (text, p->name, n) == 0) {
          char *prefix;

          if (asprintf (&prefix, "%s:", p->name) != -1) {
            add_values (prefix, p);
            free (prefix);
          }
        }
      }
      /* "key:" is not finished: no space after it. */
      if (colon == NULL)
        rl_completion_append_character = '\0';
    }
  }
  qd_free_words (&w);

  if (rl_attempted_completion_over == 0)
    return NULL;                /* readline completes the file name */
  matches = rl_completion_matches (text, cand_generator);
  return matches;
}

/* The lines of history kept between sessions, and where: ~/.qdrive_history
 * (NULL without a HOME). */
#define HISTORY_LINES 500

static char *
history_file (void)
{
  const char *home = getenv ("HOME");
  char *f;

  if (home == NULL || *home == '\0' ||
      asprintf (&f, "%s/.qdrive_history", home) == -1)
    return NULL;
  return f;
}

/* Written at the end of the session, readable by its owner only (the
 * lines name files).  The history is a convenience: failing to save it
 * is a warning, not an error of the session. */
static void
save_history (const char *file)
{
  mode_t old = umask (077);
  int err = write_history (file);

  umask (old);
  if (err != 0)
    fprintf (stderr, "qdrive: warning: cannot save the history in %s: %s\n",
             file, strerror (err));
}

/* Whether the physical line typed (without its newline) asks for the
 * next one: it ends in a backslash outside single quotes and comments.
 * st carries where it ends (inside double quotes...) to the next. */
static int
asks_for_more (const char *typed, struct qd_line_state *st)
{
  char *physical;
  int r;

  if (asprintf (&physical, "%s\n", typed) == -1)
    return 0;                   /* run what there is */
  r = qd_line_continues (physical, 1, st);
  free (physical);
  return r;
}

/* A line that ends in a backslash goes on on the next, read with the
 * prompt "> ", as in a POSIX shell; the lines are joined with their
 * newline, which splitting then drops with the backslash, as in a
 * script.  Returns the whole line (line is taken), or NULL if a signal
 * came (qd_signal says which).  At the end of the input, what was
 * typed is run, as a script's last line would be. */
static char *
read_continued (char *line)
{
  struct qd_line_state st = { 0, 0 };
  char *more = NULL, *joined;
  const char *last = line;

  while (asks_for_more (last, &st)) {
    free (more);
    more = readline ("> ");
    if (qd_signal != 0) {
      free (more);
      free (line);
      return NULL;
    }
    /* At the end of the input, the newline the backslash asked for. */
    if (asprintf (&joined, "%s\n%s", line, more ? more : "") == -1)
      break;
    free (line);
    line = joined;
    if (more == NULL)
      break;
    last = more;
  }
  free (more);
  return line;
}

int
qd_interactive (qdrive_h *g)
{
  char *histfile = history_file ();

  /* Characters beyond ASCII, as the terminal sends them: libedit
   * decodes what is typed by the locale, and in the C locale would drop
   * every such byte (a file name "café.img" typed would lose its "é").
   * The C locale's terminal is taken to send UTF-8, as Python does. */
  if (setlocale (LC_CTYPE, "") == NULL ||
      strcmp (nl_langinfo (CODESET), "ANSI_X3.4-1968") == 0)
    setlocale (LC_CTYPE, "C.UTF-8");

  rl_readline_name = "qdrive";
  /* Signals are qdrive's (see catch_signals): libedit must not send
   * them on after restoring the terminal.  It reads through
   * qd_readline_getc, which a signal interrupts at any moment (see
   * input.c); set before libedit starts, which is when it looks. */
  rl_catch_signals = 0;
  rl_getc_function = qd_readline_getc;
  rl_attempted_completion_function = complete;
  /* Only blanks end a word: "cachemode:un" is one word to complete.
   * libedit reads the first, GNU readline the second. */
  rl_basic_word_break_characters = " \t\n";
  rl_completer_word_break_characters = (char *) " \t\n";
  using_history ();
  stifle_history (HISTORY_LINES);
  /* A missing or unreadable file is an empty history. */
  if (histfile != NULL)
    read_history (histfile);

  printf ("\n"
          "Welcome to qdrive, which describes the disks of a qemu virtual\n"
          "machine and runs it.\n"
          "\n"
          "Type: 'help' for a list of commands\n"
          "      'help COMMAND' for one command's documentation\n"
          "      'quit' to leave\n"
          "\n");

  for (;;) {
    struct qd_words w;
    const char *errmsg;
    char *line;
    int r;

    line = readline ("qdrive> ");
    if (line != NULL && qd_signal == 0)
      line = read_continued (line);     /* NULL: a signal came */
    if (qd_signal == SIGINT) {
      /* Control-C: the line typed so far is dropped, as in a shell. */
      qd_signal = 0;
      free (line);
      printf ("\n");
      continue;
    }
    if (qd_signal != 0) {       /* SIGTERM, SIGHUP: leave */
      free (line);
      printf ("\n");
      break;
    }
    if (line == NULL) {         /* end of input */
      printf ("\n");
      break;
    }
    if (*line != '\0')
      add_history (line);
    if (qd_split_words (line, 1, &w, &errmsg) == -1) {
      qd_error ("%s", errmsg);
      free (line);
      continue;
    }
    free (line);
    /* At the prompt an error is reported and the next command read. */
    r = qd_run_sequence (g, w.len, w.word, w.quoted);
    qd_free_words (&w);
    fflush (stdout);
    if (r == QD_QUIT)
      break;
    if (qd_signal == SIGINT)    /* it stopped the line's commands */
      qd_signal = 0;
    if (qd_signal != 0)
      break;
  }
  clear_cands ();
  qd_readline_end ();
  if (histfile != NULL)
    save_history (histfile);
  free (histfile);
  return qd_check_signal () == -1 ? QD_ERROR : QD_OK;
}
