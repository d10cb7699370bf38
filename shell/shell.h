/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive shell: what the hand-written files and the generated command
 * table (cmds.c) share. */

#ifndef QDRIVE_SHELL_H
#define QDRIVE_SHELL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "qdrive.h"
#include "cmds.h"

/* ---- errors.c: reporting ---- */

/* Where the command being run came from, such as "script.qd:3", put
 * in front of every error; NULL on the command line and at the
 * prompt. */
extern const char *qd_location;

/* Prints "qdrive: error: [LOCATION: ]MESSAGE" on stderr. */
extern void qd_error (const char *fs, ...)
  __attribute__((format (printf, 1, 2)));

/* Prints the library's last error on g, unchanged, the same way. */
extern void qd_lib_error (qdrive_h *g);

/* ---- words.c: splitting lines into words ---- */

struct qd_words {
  size_t len;
  char **word;
  int *quoted;                  /* word had quotes or backslashes */
};

/* Splits a line into words the way a POSIX shell does for quoting:
 * "..." (with \" \\ \n \t), '...', a backslash quotes the next
 * character and, if comments is true, an unquoted # starting a word
 * begins a comment.  Returns 0, or -1 with *errmsg set (and w empty);
 * also -1 with errno set if out of memory. */
extern int qd_split_words (const char *line, int comments,
                           struct qd_words *w, const char **errmsg);
extern void qd_free_words (struct qd_words *w);

/* Where a line being read stops, for the next one: inside double
 * quotes, inside a word.  Zero at the start of a command line. */
struct qd_line_state {
  int in_dquote, in_word;
};

/* Whether the physical line p (with its newline) ends with a
 * backslash that joins the next line to it (outside single quotes and
 * comments).  st says where the line starts (zeroed for a new line),
 * and is updated for the next. */
extern int qd_line_continues (const char *p, int comments,
                              struct qd_line_state *st);

/* ---- parse.c: argument values, and printing results ---- */

extern int qd_check_argc (const struct qd_command *cmd, size_t argc,
                          char **argv);
extern int qd_optarg (const struct qd_command *cmd, const char *word,
                      uint64_t *seen, const char **value);
extern const char *qd_optstring (const char *s);
extern int qd_parse_bool (const struct qd_command *cmd, const char *what,
                          const char *s, int *r);
extern int qd_parse_int (const struct qd_command *cmd, const char *what,
                         const char *s, int *r);
extern int qd_parse_int64 (const struct qd_command *cmd, const char *what,
                           const char *s, int64_t *r);
extern int qd_parse_list (const struct qd_command *cmd, const char *what,
                          const char *s, char ***r);
extern void qd_free_list (char **l);

extern void qd_print_bool (int b);
extern void qd_print_string_list (char **l);
/* A struct's string list field, each word as it would be typed. */
extern void qd_print_list_field (const char *name, char **l);

/* ---- input.c: reading input without missing a signal ---- */

/* The signals that stop qdrive (0 ends the list): caught by qdrive.c,
 * blocked by qd_wait_input except while it waits. */
extern const int qd_stop_signals[];

/* Waits until fd can be read (or is at its end, or in error), or a
 * signal has set qd_signal: 1 or 0.  Race-free: a signal that comes
 * at any moment ends the wait. */
extern int qd_wait_input (int fd);

/* readline's rl_getc_function: the next character typed, decoded
 * from the locale's multibyte encoding, or EOF at the end of the input
 * or when a signal stops qdrive (readline then returns NULL). */
extern int qd_readline_getc (FILE *f);
/* Closes what qd_readline_getc opened, at the end of the prompt. */
extern void qd_readline_end (void);

/* A script's input, read in lines without stdio's buffering, so that
 * every wait goes through qd_wait_input. */
struct qd_input {
  int fd;
  size_t start, end;            /* the unread bytes of buf */
  char buf[4096];
};

extern void qd_input_init (struct qd_input *in, int fd);

/* Like getline: the next line with its newline (the last may have
 * none) into *line (malloc'd, *size bytes), NUL-terminated; its length.
 * -1 at the end of the input, -2 on a read error or out of memory
 * (errno set), -3 if a signal stops qdrive. */
extern ssize_t qd_input_getline (struct qd_input *in, char **line,
                                 size_t *size);

/* ---- run.c: finding and running commands ---- */

/* The last SIGINT, SIGTERM, SIGHUP, SIGQUIT or SIGPIPE received, or
 * 0.  The handler sets it, and cancels the command that is waiting (a
 * launch: qdrive_user_cancel on qd_waiting); a command that is
 * running finishes, then no further command runs (at the prompt,
 * SIGINT only discards the line being typed), and qdrive closes its
 * handle, which removes its temporary files and stops qemu. */
extern volatile sig_atomic_t qd_signal;

/* The handle while a blocking command (launch, shutdown) runs, else
 * NULL. */
extern qdrive_h *volatile qd_waiting;

/* If a signal was received: print that, and return -1. */
extern int qd_check_signal (void);

/* What running a command gives. */
#define QD_OK 0
#define QD_ERROR (-1)
#define QD_QUIT 1               /* quit or exit: stop reading commands */

extern const struct qd_command *qd_find_command (const char *name);

/* Runs one command: argv[0] is its name. */
extern int qd_run_command (qdrive_h *g, size_t argc, char **argv);

/* Runs the commands in argv, separated by words that are a lone ":"
 * (not quoted, when quoted is given).  Stops at the first error or
 * quit. */
extern int qd_run_sequence (qdrive_h *g, size_t argc, char **argv,
                            const int *quoted);

/* Reads commands from f, one line at a time (name is used in error
 * locations).  Stops at the first error or quit. */
extern int qd_run_script (qdrive_h *g, FILE *f, const char *name);

/* The built-in commands, which are not calls of the library. */
extern const char *const qd_builtins[];

/* ---- interactive.c: the prompt ---- */

extern int qd_interactive (qdrive_h *g);

#endif /* QDRIVE_SHELL_H */
