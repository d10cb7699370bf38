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

static int
append (struct qd_words *w, char *word, int quoted)
{
  char **nw;
  int *nq;

  nw = realloc (w->word, (w->len + 2) * sizeof *nw);
  if (nw == NULL)
    return -1;
  w->word = nw;
  nq = realloc (w->quoted, (w->len + 1) * sizeof *nq);
  if (nq == NULL)
    return -1;
  w->quoted = nq;
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

int
qd_split_words (const char *line, int comments, struct qd_words *w,
                const char **errmsg)
{
  const char *p = line;

  w->len = 0;
  w->word = NULL;
  w->quoted = NULL;
  *errmsg = NULL;

  for (;;) {
    char *word;
    size_t n = 0;
    int quoted = 0;

    while (is_blank (*p))
      p++;
    if (*p == '\0' || (comments && *p == '#'))
      break;

    /* A word is never longer than what is left of the line. */
    word = malloc (strlen (p) + 1);
    if (word == NULL)
      goto nomem;
    while (*p != '\0' && !is_blank (*p)) {
      if (*p == '\'') {
        /* Single quotes: everything up to the next one, as it is. */
        quoted = 1;
        for (p++; *p != '\0' && *p != '\''; p++)
          word[n++] = *p;
        if (*p == '\0') {
          *errmsg = "unterminated ' quote";
          goto syntax;
        }
        p++;
      }
      else if (*p == '"') {
        /* Double quotes: backslash escapes " and \, and writes a
         * newline or a tab as \n and \t.  Any other backslash is kept. */
        quoted = 1;
        for (p++; *p != '\0' && *p != '"'; p++) {
          if (*p == '\\' && p[1] != '\0' && strchr ("\"\\nt", p[1])) {
            p++;
            word[n++] = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
          }
          else
            word[n++] = *p;
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
        word[n++] = *p++;
      }
      else
        word[n++] = *p++;
    }
    word[n] = '\0';
    if (append (w, word, quoted) == -1) {
      free (word);
      goto nomem;
    }
    continue;

  syntax:
    free (word);
    qd_free_words (w);
    return -1;
  }

  /* An empty line still gives a (NULL-terminated) empty list. */
  if (w->word == NULL) {
    w->word = calloc (1, sizeof *w->word);
    if (w->word == NULL)
      goto nomem;
  }
  return 0;

 nomem:
  qd_free_words (w);
  *errmsg = strerror (ENOMEM);
  return -1;
}
