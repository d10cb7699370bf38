/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive shell: turning words into argument values, and printing
 * results.  The generated run functions (cmds.c) call these; each
 * parser prints its own error, naming the command, the argument, the
 * value and what is allowed, and returns -1. */

#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "shell.h"

int
qd_check_argc (const struct qd_command *cmd, size_t argc, char **argv)
{
  if (argc < cmd->min_args) {
    qd_error ("%s: missing argument %s; usage: %s",
              cmd->name, cmd->args[argc].name, cmd->synopsis);
    return -1;
  }
  /* With key:value arguments, extra words are checked by qd_optarg. */
  if (cmd->noptargs == 0 && argc > cmd->max_args) {
    qd_error ("%s: unexpected argument \"%s\"; usage: %s",
              cmd->name, argv[cmd->max_args], cmd->synopsis);
    return -1;
  }
  return 0;
}

/* "readonly, format, ..." for error messages; a static fallback if
 * there is no memory for it. */
static char *
optarg_names (const struct qd_command *cmd)
{
  char *buf = NULL;
  size_t len, i;
  FILE *f = open_memstream (&buf, &len);

  if (f == NULL)
    return NULL;
  for (i = 0; i < cmd->noptargs; ++i)
    fprintf (f, "%s%s", i ? ", " : "", cmd->optargs[i].name);
  if (fclose (f) != 0) {
    free (buf);
    return NULL;
  }
  return buf;
}

int
qd_optarg (const struct qd_command *cmd, const char *word,
           uint64_t *seen, const char **value)
{
  const char *colon = strchr (word, ':');
  char *names;
  size_t i;

  if (colon != NULL) {
    size_t keylen = colon - word;

    for (i = 0; i < cmd->noptargs; ++i) {
      const char *name = cmd->optargs[i].name;

      if (strlen (name) == keylen && strncmp (word, name, keylen) == 0) {
        if (*seen & (UINT64_C(1) << i)) {
          qd_error ("%s: optional argument \"%s\" given more than once",
                    cmd->name, name);
          return -1;
        }
        *seen |= UINT64_C(1) << i;
        *value = colon + 1;
        return i;
      }
    }
  }

  names = optarg_names (cmd);
  if (colon == NULL)
    qd_error ("%s: unexpected argument \"%s\"; optional arguments are "
              "written key:value, with key one of: %s",
              cmd->name, word, names ? names : "(out of memory)");
  else
    qd_error ("%s: unknown optional argument \"%.*s\"; allowed: %s",
              cmd->name, (int) (colon - word), word,
              names ? names : "(out of memory)");
  free (names);
  return -1;
}

const char *
qd_optstring (const char *s)
{
  return strcmp (s, "NULL") == 0 ? NULL : s;
}

int
qd_parse_bool (const struct qd_command *cmd, const char *what,
               const char *s, int *r)
{
  if (strcasecmp (s, "true") == 0 || strcasecmp (s, "yes") == 0 ||
      strcmp (s, "1") == 0) {
    *r = 1;
    return 0;
  }
  if (strcasecmp (s, "false") == 0 || strcasecmp (s, "no") == 0 ||
      strcmp (s, "0") == 0) {
    *r = 0;
    return 0;
  }
  qd_error ("%s: %s: \"%s\" is not valid; allowed: true, false, yes, no, 1, 0",
            cmd->name, what, s);
  return -1;
}

/* The units a 64-bit integer (a size, such as add-drive-scratch's)
 * may end with, each 1024 times the one before: 1K is 1024, 1G is
 * 1073741824.  Either case: 512m is 512M. */
static const char units[] = "KMGTPE";
#define UNITS_ALLOWED ", optionally followed by K, M, G, T, P or E " \
  "(powers of 1024: 1G is 1073741824)"

/* Plain decimal only: an optional '-', then digits, nothing before or
 * after (strtoll alone would take "+5" and " 5") but, if with_units,
 * one of the units. */
static int
parse_integer (const struct qd_command *cmd, const char *what,
               const char *s, int64_t min, int64_t max, int with_units,
               int64_t *r)
{
  const char *allowed = with_units ? UNITS_ALLOWED : "";
  const char *unit;
  char *end;
  long long v;
  int64_t scale = 1;
  const char *digits = *s == '-' ? s + 1 : s;

  errno = 0;
  v = strtoll (s, &end, 10);
  if (with_units && end != s && *end != '\0' && end[1] == '\0' &&
      (unit = strchr (units, toupper ((unsigned char) *end))) != NULL) {
    scale = (int64_t) 1 << 10 * (unit - units + 1);
    ++end;
  }
  if (!isdigit ((unsigned char) *digits) || *end != '\0') {
    qd_error ("%s: %s: \"%s\" is not valid; allowed: an integer from %"
              PRIi64 " to %" PRIi64 "%s", cmd->name, what, s, min, max,
              allowed);
    return -1;
  }
  /* The number times the unit must fit too. */
  if (errno == ERANGE || v < min / scale || v > max / scale) {
    qd_error ("%s: %s: \"%s\" is out of range; allowed: an integer from %"
              PRIi64 " to %" PRIi64 "%s", cmd->name, what, s, min, max,
              allowed);
    return -1;
  }
  *r = v * scale;
  return 0;
}

int
qd_parse_int (const struct qd_command *cmd, const char *what,
              const char *s, int *r)
{
  int64_t v;

  if (parse_integer (cmd, what, s, INT32_MIN, INT32_MAX, 0, &v) == -1)
    return -1;
  *r = v;
  return 0;
}

int
qd_parse_int64 (const struct qd_command *cmd, const char *what,
                const char *s, int64_t *r)
{
  return parse_integer (cmd, what, s, INT64_MIN, INT64_MAX, 1, r);
}

/* A list is written as one argument holding words, split like a line
 * (without comments): 'a "b c"' is the list a, b c. */
int
qd_parse_list (const struct qd_command *cmd, const char *what,
               const char *s, char ***r)
{
  struct qd_words w;
  const char *errmsg;

  if (qd_split_words (s, 0, &w, &errmsg) == -1) {
    qd_error ("%s: %s: \"%s\" is not a valid list: %s",
              cmd->name, what, s, errmsg);
    return -1;
  }
  /* The words become the list; it is NULL-terminated already. */
  *r = w.word;
  free (w.quoted);
  return 0;
}

void
qd_free_list (char **l)
{
  qdrive_free_string_list (l);
}

void
qd_print_bool (int b)
{
  printf ("%s\n", b ? "true" : "false");
}

/* A word of a list as it would be typed: quoted if it is empty or
 * holds a blank, a quote or a backslash (single quotes, a single quote
 * inside written '\''), so that qd_parse_list reads it back. */
static void
print_list_word (const char *w)
{
  const char *p;

  if (*w != '\0' && strpbrk (w, " \t\n\r'\"\\") == NULL) {
    fputs (w, stdout);
    return;
  }
  putchar ('\'');
  for (p = w; *p; ++p) {
    if (*p == '\'')
      fputs ("'\\''", stdout);
    else
      putchar (*p);
  }
  putchar ('\'');
}

/* A struct's string list field, "name: a b 'c d'", in the form a list
 * argument is typed in (an empty list: "name: "). */
void
qd_print_list_field (const char *name, char **l)
{
  size_t i;

  printf ("%s: ", name);
  for (i = 0; l[i] != NULL; ++i) {
    if (i > 0)
      putchar (' ');
    print_list_word (l[i]);
  }
  putchar ('\n');
}

void
qd_print_string_list (char **l)
{
  size_t i;

  for (i = 0; l[i] != NULL; ++i)
    printf ("%s\n", l[i]);
}
