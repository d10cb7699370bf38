/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Hand-written, not generated: support code for the "same as C"
 * comparison, included by same-as-c.c (which is the generated file,
 * written by generator/same_as_c.ml).  It holds the C reference's
 * printing and checking.
 *
 * The first line is "version => MAJOR.MINOR.RELEASE (package VERSION)":
 * the library's version, and the one the program knows its package by
 * (config.h's here, __version__ in Python, $VERSION in Perl,
 * package_version in OCaml).
 *
 * Each call prints "TAG CALL => ok" or "TAG CALL => error: MESSAGE
 * (errno: TEXT)" (strerror's text of qdrive_last_errno, left out if it
 * is 0);
 * each case ends with "TAG argv => ARG ARG ...", the qemu command line
 * left on the handle, with the QMP socket's path (random) shown as QMP.
 * Every binding prints the same lines for the same calls.  Besides,
 * this program checks what each case expects of C, where "D/" stands
 * for the current directory. */

#ifndef SAME_AS_C_LIB_H
#define SAME_AS_C_LIB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qdrive.h"

enum expect { EXPECT_OK, EXPECT_ERROR, EXPECT_EITHER };

static char *cwd;
static int failures;

static void
same_as_c_init (void)
{
  cwd = getcwd (NULL, 0);
  if (cwd == NULL) {
    perror ("getcwd");
    exit (EXIT_FAILURE);
  }
}

static int
same_as_c_status (void)
{
  free (cwd);
  if (failures > 0)
    fprintf (stderr, "same-as-c: %d expectation(s) not met by C\n", failures);
  return failures > 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* Is lang one of the space-separated words of langs? */
static int
lang_in (const char *lang, const char *langs)
{
  size_t n = strlen (lang);
  const char *p = langs;

  while ((p = strstr (p, lang)) != NULL) {
    if ((p == langs || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
      return 1;
    p += n;
  }
  return 0;
}

static qdrive_h *
new_handle (void)
{
  qdrive_h *g = qdrive_create ();

  if (g == NULL) {
    perror ("qdrive_create");
    exit (EXIT_FAILURE);
  }
  qdrive_set_error_handler (g, NULL, NULL);
  return g;
}

static void fail (const char *tag, const char *what, const char *detail);

/* Prints "error: MESSAGE (errno: TEXT)", or without the errno if it
 * is 0, and the end of the line. */
static void
print_error (qdrive_h *g)
{
  int errnum = qdrive_last_errno (g);

  printf ("error: %s", qdrive_last_error (g));
  if (errnum != 0)
    printf (" (errno: %s)", strerror (errnum));
  putchar ('\n');
}

/* The "version =>" line; the library's version must be the header's. */
static void
print_version (void)
{
  qdrive_h *g = new_handle ();
  struct qdrive_version *v = qdrive_version (g);

  if (v == NULL) {
    printf ("version => ");
    print_error (g);
    fail ("version", "qdrive_version", qdrive_last_error (g));
  }
  else {
    printf ("version => %d.%d.%d (package %s)\n", v->major, v->minor,
            v->release, PACKAGE_VERSION);
    if (v->major != QDRIVE_VERSION_MAJOR || v->minor != QDRIVE_VERSION_MINOR ||
        v->release != QDRIVE_VERSION_RELEASE)
      fail ("version", "qdrive_version", "not qdrive.h's QDRIVE_VERSION_*");
  }
  qdrive_free_version (v);
  qdrive_close (g);
}

/* want with each "D/" replaced by the current directory. */
static char *
expand (const char *want)
{
  size_t n = strlen (want) + 1;
  const char *p;
  char *r, *q;

  for (p = want; (p = strstr (p, "D/")) != NULL; p += 2)
    n += strlen (cwd);
  r = q = malloc (n);
  if (r == NULL) {
    perror ("malloc");
    exit (EXIT_FAILURE);
  }
  for (p = want; *p; ) {
    if (p[0] == 'D' && p[1] == '/') {
      q = stpcpy (q, cwd);
      *q++ = '/';
      p += 2;
    }
    else
      *q++ = *p++;
  }
  *q = '\0';
  return r;
}

static void
fail (const char *tag, const char *what, const char *detail)
{
  fprintf (stderr, "FAIL %s: %s: %s\n", tag, what, detail);
  failures++;
}

static void
step (qdrive_h *g, const char *tag, const char *call, int failed,
      enum expect expect, const char *error)
{
  const char *msg = failed ? qdrive_last_error (g) : NULL;

  if (failed) {
    printf ("%s %s => ", tag, call);
    print_error (g);
  }
  else
    printf ("%s %s => ok\n", tag, call);
  if (expect == EXPECT_OK && failed)
    fail (tag, call, "refused, expected to succeed");
  if (expect == EXPECT_ERROR) {
    char *want = expand (error);
    if (!failed)
      fail (tag, call, "succeeded, expected to be refused");
    else if (strstr (msg, want) == NULL)
      fail (tag, call, want);
    free (want);
  }
}

/* Prints the command line; checks it contains every string of has and
 * none of lacks (both NULL-terminated). */
static void
print_argv (qdrive_h *g, const char *tag, const char **has, const char **lacks)
{
  char **argv = qdrive_get_qemu_command_line (g);
  char *line = NULL;
  size_t len = 0, i;
  FILE *f;

  if (argv == NULL) {
    printf ("%s argv => ", tag);
    print_error (g);
    fail (tag, "get_qemu_command_line", qdrive_last_error (g));
    return;
  }
  f = open_memstream (&line, &len);
  for (i = 0; argv[i] != NULL; ++i)
    fprintf (f, "%s%s", i > 0 ? " " : "",
             i > 0 && strcmp (argv[i - 1], "-chardev") == 0 ? "QMP" : argv[i]);
  fclose (f);
  printf ("%s argv => %s\n", tag, line);
  for (; *has != NULL; ++has) {
    char *want = expand (*has);
    if (strstr (line, want) == NULL)
      fail (tag, "command line lacks", want);
    free (want);
  }
  for (; *lacks != NULL; ++lacks)
    if (strstr (line, *lacks) != NULL)
      fail (tag, "command line has", *lacks);
  free (line);
  qdrive_free_string_list (argv);
}

#endif /* SAME_AS_C_LIB_H */
