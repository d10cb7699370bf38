/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive shell: splitting a line into words.
 *
 * Script and prompt lines are split the way a POSIX shell splits
 * them, so that an argument can hold spaces and colons:
 *
 *   add-drive "my disk.img" label:'a b'     two words: my disk.img, label:a b
 *   add-drive my\ disk.img                  one argument: my disk.img
 *
 * List arguments are split the same way, inside their one argument.
 * The caller needs to know which words were quoted, because only an
 * unquoted lone ":" separates commands.
 *
 * A backslash before a newline (outside single quotes) joins the lines:
 * both are dropped, as in a POSIX shell.  A script's reader asks
 * qd_line_continues whether to read the next line into the same one.
 *
 * Splitting is linear in time and memory: the words are built in one
 * buffer the size of the line, and each is copied out at its size.
 */

#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"

static int
is_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Appends word, growing the arrays by doubling (alloc: their size). */
static int
append (struct qd_words *w, size_t *alloc, char *word, int quoted)
{
  char **nw;
  int *nq;

  if (w->len + 2 > *alloc) {
    size_t n = *alloc ? *alloc * 2 : 8;

    nw = realloc (w->word, n * sizeof *nw);
    if (nw == NULL)
      return -1;
    w->word = nw;
    nq = realloc (w->quoted, n * sizeof *nq);
    if (nq == NULL)
      return -1;
    w->quoted = nq;
    *alloc = n;
  }
  w->word[w->len] = word;
  w->quoted[w->len] = quoted;
  w->len++;
  w->word[w->len] = NULL;     /* so that word is also a string list */
  return 0;
}

void
qd_free_words (struct qd_words *w)
{
  size_t i;

  for (i = 0; i < w->len; ++i)
    free (w->word[i]);
  free (w->word);
  free (w->quoted);
  w->len = 0;
  w->word = NULL;
  w->quoted = NULL;
}

/* Is this a backslash that joins the line to the next? */
static int
joins (const char *p)
{
  return p[0] == '\\' && p[1] == '\n';
}

int
qd_split_words (const char *line, int comments, struct qd_words *w,
                const char **errmsg)
{
  const char *p = line;
  char *buf;                    /* the word being built */
  size_t alloc = 0;

  w->len = 0;
  w->word = NULL;
  w->quoted = NULL;
  *errmsg = NULL;

  /* No word is longer than the line. */
  buf = malloc (strlen (line) + 1);
  if (buf == NULL)
    goto nomem;

  for (;;) {
    char *word;
    size_t n = 0;
    int quoted = 0;

    while (is_blank (*p) || joins (p))
      p += joins (p) ? 2 : 1;
    if (*p == '\0' || (comments && *p == '#'))
      break;

    while (*p != '\0' && !is_blank (*p)) {
      if (joins (p))
        p += 2;
      else if (*p == '\'') {
        /* Single quotes: everything up to the next one, as it is. */
        quoted = 1;
        for (p++; *p != '\0' && *p != '\''; p++)
          buf[n++] = *p;
        if (*p == '\0') {
          *errmsg = "unterminated ' quote";
          goto syntax;
        }
        p++;
      }
      else if (*p == '"') {
        /* Double quotes: backslash escapes " and \, and writes a
         * newline or a tab as \n and \t; before a newline it joins
         * the lines.  Any other backslash is kept. */
        quoted = 1;
        for (p++; *p != '\0' && *p != '"'; p++) {
          if (joins (p))
            p++;
          else if (*p == '\\' && p[1] != '\0' && strchr ("\"\\nt", p[1])) {
            p++;
            buf[n++] = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
          }
          else
            buf[n++] = *p;
        }
        if (*p == '\0') {
          *errmsg = "unterminated \" quote";
          goto syntax;
        }
        p++;
      }
      else if (*p == '\\') {
        /* Outside quotes a backslash takes the next character as it is. */
        quoted = 1;
        p++;
        if (*p == '\0') {
          *errmsg = "backslash at the end of the line";
          goto syntax;
        }
        buf[n++] = *p++;
      }
      else
        buf[n++] = *p++;
    }
    word = strndup (buf, n);
    if (word == NULL)
      goto nomem;
    if (append (w, &alloc, word, quoted) == -1) {
      free (word);
      goto nomem;
    }
  }
  free (buf);

  /* An empty line still gives a (NULL-terminated) empty list. */
  if (w->word == NULL) {
    w->word = calloc (1, sizeof *w->word);
    if (w->word == NULL)
      goto nomem;
  }
  return 0;

 syntax:
  free (buf);
  qd_free_words (w);
  return -1;

 nomem:
  free (buf);
  qd_free_words (w);
  *errmsg = strerror (ENOMEM);
  return -1;
}

int
qd_line_continues (const char *p, int comments, struct qd_line_state *st)
{
  for (; *p != '\0'; p++) {
    if (st->in_dquote) {
      if (joins (p) && p[2] == '\0')
        return 1;
      if (*p == '\\' && p[1] != '\0')
        p++;
      else if (*p == '"')
        st->in_dquote = 0;
      continue;
    }
    if (is_blank (*p)) {
      st->in_word = 0;
      continue;
    }
    if (joins (p))
      return p[2] == '\0';
    if (comments && *p == '#' && !st->in_word)
      return 0;                 /* a comment: the rest is not read */
    st->in_word = 1;
    if (*p == '\'') {
      p = strchr (p + 1, '\'');
      if (p == NULL)
        return 0;               /* unterminated: the splitter says so */
    }
    else if (*p == '"')
      st->in_dquote = 1;
    else if (*p == '\\' && p[1] != '\0')
      p++;
  }
  return 0;
}
