/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive shell: the main program.
 *
 * Options, then commands from one of three places: the command line
 * (separated by a lone ":"), a script (-f), or the prompt when
 * standard input is a terminal (commands are read from standard input
 * otherwise).  The first failing command ends the program with status
 * 1, except at the prompt.
 */

#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shell.h"

enum { OPT_RO = 256, OPT_FORMAT, OPT_CACHEMODE };

static const struct option long_options[] = {
  { "add", required_argument, NULL, 'a' },
  { "ro", no_argument, NULL, OPT_RO },
  { "format", required_argument, NULL, OPT_FORMAT },
  { "cachemode", required_argument, NULL, OPT_CACHEMODE },
  { "file", required_argument, NULL, 'f' },
  { "verbose", no_argument, NULL, 'v' },
  { "trace", no_argument, NULL, 'x' },
  { "help", no_argument, NULL, 'h' },
  { "version", no_argument, NULL, 'V' },
  { NULL, 0, NULL, 0 }
};

/* "writeback, unsafe", from the command table, so that --help never
 * disagrees with the API. */
static void
print_enum_values (const char *command, const char *optarg_name)
{
  const struct qd_command *cmd = qd_find_command (command);
  size_t i, j;

  for (i = 0; cmd != NULL && i < cmd->noptargs; ++i) {
    if (strcmp (cmd->optargs[i].name, optarg_name) == 0 &&
        cmd->optargs[i].values != NULL) {
      for (j = 0; cmd->optargs[i].values[j] != NULL; ++j)
        printf ("%s%s", j ? ", " : "", cmd->optargs[i].values[j]);
      return;
    }
  }
}

static void
usage (int status)
{
  if (status != EXIT_SUCCESS) {
    fprintf (stderr, "Try 'qdrive --help' for more information.\n");
    exit (status);
  }
  printf ("\
qdrive: describe the disks of a qemu virtual machine, and run it\n\
\n\
Usage:\n\
  qdrive [OPTIONS] COMMAND [ARGS...] [: COMMAND [ARGS...]]...\n\
  qdrive [OPTIONS] -f SCRIPT\n\
  qdrive [OPTIONS]        a prompt on a terminal, else commands from stdin\n\
\n\
Examples:\n\
  qdrive add-drive disk.img format:raw cachemode:unsafe : get-qemu-command-line\n\
  qdrive -a disk.img --format raw --ro list-drives\n\
  qdrive help add-drive\n\
\n\
Options:\n\
  -a, --add FILE        add FILE as a drive (with --ro, --format, --cachemode)\n\
      --ro              add the -a drives read-only\n\
      --format FMT      the disk format of the -a drives, such as raw or qcow2\n\
      --cachemode MODE  the cache mode of the -a drives: ");
  print_enum_values ("add-drive", "cachemode");
  printf ("\n\
  -f, --file SCRIPT     run the commands in SCRIPT (- for standard input)\n\
  -v, --verbose         print what the library does\n\
  -x, --trace           print every call of the library and its result\n\
  -h, --help            print this help and exit\n\
  -V, --version         print the version and exit\n\
\n\
Commands are the calls of the qdrive library written with dashes\n\
(add-drive); optional arguments are written key:value.  'qdrive help'\n\
lists the commands and 'qdrive help COMMAND' documents one.  Quote an\n\
argument that holds spaces, or that is a lone ':'.  See qdrive(1).\n");
  exit (EXIT_SUCCESS);
}

/* Adds the -a drives through the add-drive command, so that they get
 * the same checks and error messages as typed commands. */
static int
add_drives (qdrive_h *g, char **files, size_t nfiles, int ro,
            const char *format, const char *cachemode)
{
  char *fmt_arg = NULL, *cache_arg = NULL;
  int r = QD_OK;
  size_t i;

  if ((format && asprintf (&fmt_arg, "format:%s", format) == -1) ||
      (cachemode && asprintf (&cache_arg, "cachemode:%s", cachemode) == -1)) {
    qd_error ("asprintf: %s", strerror (errno));
    r = QD_ERROR;
  }
  for (i = 0; r == QD_OK && i < nfiles; ++i) {
    char *argv[5];
    size_t argc = 0;

    argv[argc++] = (char *) "add-drive";
    argv[argc++] = files[i];
    if (ro)
      argv[argc++] = (char *) "readonly:true";
    if (fmt_arg)
      argv[argc++] = fmt_arg;
    if (cache_arg)
      argv[argc++] = cache_arg;
    r = qd_run_command (g, argc, argv);
  }
  free (fmt_arg);
  free (cache_arg);
  return r;
}

static void
on_signal (int sig)
{
  qdrive_h *g = qd_waiting;

  qd_signal = sig;
  if (g != NULL)
    qdrive_user_cancel (g);     /* async-signal-safe */
}

/* Interrupting qdrive must not leave its temporary files or a qemu
 * behind: the signals set qd_signal and cancel a launch in progress,
 * and qdrive stops between commands and closes the handle.  That is
 * also done for SIGQUIT (whose default would leave a core and the
 * files) and SIGPIPE (a reader of the output that went away: the
 * writes fail, and qdrive stops after the command).  What waits ends
 * on a signal without failing a system call: input.c's waits for input
 * by ppoll (never restarted), the library's by qdrive_user_cancel.  So
 * SA_RESTART: a write to the terminal that the signal came during must
 * not fail (stdio would keep the error, and qdrive would end with
 * status 1 for it). */
static void
catch_signals (void)
{
  struct sigaction sa;
  size_t i;

  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESTART;
  sigemptyset (&sa.sa_mask);
  for (i = 0; qd_stop_signals[i] != 0; ++i)
    sigaction (qd_stop_signals[i], &sa, NULL);
}

static int
run_script_file (qdrive_h *g, const char *script)
{
  FILE *f;
  int r;

  if (strcmp (script, "-") == 0)
    return qd_run_script (g, stdin, "stdin");
  f = fopen (script, "r");
  if (f == NULL) {
    qd_error ("%s: %s", script, strerror (errno));
    return QD_ERROR;
  }
  r = qd_run_script (g, f, script);
  fclose (f);
  return r;
}

int
main (int argc, char *argv[])
{
  char **files;
  size_t nfiles = 0;
  int ro = 0, verbose = 0, trace = 0;
  const char *format = NULL, *cachemode = NULL, *script = NULL;
  qdrive_h *g;
  int c, r;

  /* No more -a files than arguments. */
  files = calloc (argc, sizeof *files);
  if (files == NULL) {
    perror ("qdrive: calloc");
    exit (EXIT_FAILURE);
  }

  /* "+": options end at the first command, whose arguments may start
   * with "-" (config -cpu host).  ":" and opterr: the messages about
   * bad options are ours, in the shell's error format. */
  opterr = 0;
  while ((c = getopt_long (argc, argv, "+:a:f:hvVx", long_options, NULL)) != -1) {
    switch (c) {
    case 'a': files[nfiles++] = optarg; break;
    case OPT_RO: ro = 1; break;
    case OPT_FORMAT: format = optarg; break;
    case OPT_CACHEMODE: cachemode = optarg; break;
    case 'f':
      if (script != NULL) {
        qd_error ("-f given more than once");
        usage (EXIT_FAILURE);
      }
      script = optarg;
      break;
    case 'v': verbose = 1; break;
    case 'x': trace = 1; break;
    case 'h': usage (EXIT_SUCCESS); break;
    case 'V':
      printf ("qdrive %s\n", PACKAGE_VERSION);
      exit (EXIT_SUCCESS);
    case ':':
      if (strncmp (argv[optind - 1], "--", 2) == 0)
        qd_error ("option %s needs an argument", argv[optind - 1]);
      else
        qd_error ("option -%c needs an argument", optopt);
      usage (EXIT_FAILURE);
      break;
    default:
      /* A bad long option is the whole word; a bad short one may be
       * inside a group (-vz): optopt. */
      if (strncmp (argv[optind - 1], "--", 2) == 0)
        qd_error ("unrecognized option %s", argv[optind - 1]);
      else
        qd_error ("unrecognized option -%c", optopt);
      usage (EXIT_FAILURE);
    }
  }
  if (nfiles == 0 && (ro || format || cachemode)) {
    qd_error ("--ro, --format and --cachemode apply to the drives added "
              "with -a, and no -a was given");
    usage (EXIT_FAILURE);
  }
  if (script != NULL && optind < argc) {
    qd_error ("commands on the command line (\"%s\") and -f cannot be "
              "used together", argv[optind]);
    usage (EXIT_FAILURE);
  }

  catch_signals ();
  g = qdrive_create ();
  if (g == NULL) {
    const char *why = qdrive_last_error (NULL);

    if (why != NULL)
      qd_error ("%s", why);
    else
      qd_error ("create: %s", strerror (errno));
    exit (EXIT_FAILURE);
  }
  /* The shell prints the library's errors itself, once, with its
   * location (see errors.c). */
  qdrive_set_error_handler (g, NULL, NULL);

  r = QD_OK;
  if (trace && qdrive_set_trace (g, 1) == -1) {
    qd_lib_error (g);
    r = QD_ERROR;
  }
  if (r == QD_OK && verbose && qdrive_set_verbose (g, 1) == -1) {
    qd_lib_error (g);
    r = QD_ERROR;
  }
  if (r == QD_OK)
    r = add_drives (g, files, nfiles, ro, format, cachemode);

  if (r == QD_OK) {
    if (optind < argc)
      r = qd_run_sequence (g, argc - optind, argv + optind, NULL);
    else if (script != NULL)
      r = run_script_file (g, script);
    else if (isatty (STDIN_FILENO))
      r = qd_interactive (g);
    else
      r = qd_run_script (g, stdin, "stdin");
  }

  qdrive_close (g);
  free (files);

  /* Output that could not be written is an error too (qdrive ... >
   * /dev/full). */
  if (fflush (stdout) == EOF || ferror (stdout)) {
    qd_error ("standard output: %s", strerror (errno));
    r = QD_ERROR;
  }
  exit (r == QD_ERROR ? EXIT_FAILURE : EXIT_SUCCESS);
}
