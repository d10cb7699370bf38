/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive Perl binding: what the generated XS (perl/Qdrive.xs) and the
 * hand-written frame (qdrive-perl.c, handle.xsh) share. */

#ifndef QDRIVE_PERL_H
#define QDRIVE_PERL_H

#define PERL_NO_GET_CONTEXT
#include "EXTERN.h"
#include "perl.h"
#include "XSUB.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <unistd.h>

#include "qdrive.h"

/* A Perl handle is a blessed reference to a scalar carrying the
 * binding's own magic, which points to this; close frees it and
 * leaves NULL behind, so every later call croaks.  The pid keeps a
 * child made by fork from closing its parent's handle (and removing
 * its files) when its copy goes. */
struct perl_handle {
  qdrive_h *g;
  pid_t pid;
};

/* The class's stash, looked up once at boot: the fast path of
 * qdrive_perl_handle. */
extern HV *qdrive_perl_stash;

/* Around a call that waits (launch, shutdown, sh...): while it waits,
 * SIGINT first cancels it (qdrive_user_cancel), then goes on to Perl's
 * handler, which runs the program's $SIG{INT} once the call has
 * returned (see qdrive-perl.c).  Nothing changes when SIGINT has its
 * default action (the process dies, and qemu's watcher cleans up) or
 * is ignored. */
struct qdrive_perl_wait {
  int sigint;                   /* our handler was installed */
  struct sigaction old;
};
extern void qdrive_perl_wait_begin (qdrive_h *g, struct qdrive_perl_wait *w);
extern void qdrive_perl_wait_end (struct qdrive_perl_wait *w);

/* A new object of the class for ph (new). */
extern SV *qdrive_perl_new_object (pTHX_ struct perl_handle *ph,
                                   const char *class);

/* Holds a reference to each argument of the XSUB until it returns:
 * Perl's stack does not, and converting one argument may run code
 * that frees another. */
extern void qdrive_perl_hold_arguments (pTHX_ I32 ax, I32 items);

/* The handle of a Sys::Qdrive object; croaks "CALL: ..." if sv is not
 * one (an object new made), or is closed. */
extern qdrive_h *qdrive_perl_handle (pTHX_ SV *sv, const char *call);

/* Takes the handle out of the object, which then reads as closed;
 * NULL if it was closed already.  If sv is not a handle's object it
 * croaks "CALL: ...", or returns NULL if call is NULL (DESTROY). */
extern struct perl_handle *qdrive_perl_take_handle (pTHX_ SV *sv,
                                                    const char *call);

/* Every error the binding raises is a Sys::Qdrive::Error object (its
 * class is in the generated Sys/Qdrive.pm) holding the message, its
 * errno, and the text croak would have died with: the message, then
 * " at FILE line N.", which is what the object stringifies to. */
extern void qdrive_perl_error (pTHX_ int errnum, const char *fs, ...)
  __attribute__((noreturn, format (printf, 3, 4)));

/* Raises the C library's error for the call that just failed. */
extern void qdrive_perl_croak (pTHX_ qdrive_h *g) __attribute__((noreturn));

/* An event callback: a Perl function, held until the library frees it
 * (qdrive_perl_callback_free).  A callback argument is first checked
 * and held like the others (qdrive_perl_code_ref, which may run Perl
 * code: a tied scalar's FETCH); the library's struct is made in the
 * call itself (qdrive_perl_callback_new, which runs none).  The
 * generated C function of its type pushes its arguments and calls
 * qdrive_perl_callback_call, which calls the function in an eval: a
 * die is turned into a warning, and the call goes on. */
struct qdrive_perl_callback {
  SV *fn;                       /* a reference to the function */
  void *perl;                   /* the interpreter (threaded perls) */
};
extern CV *qdrive_perl_code_ref (pTHX_ SV *sv, const char *call,
                                 const char *name);
extern struct qdrive_perl_callback *qdrive_perl_callback_new (pTHX_ CV *cv);
extern void qdrive_perl_callback_free (void *opaque);
extern void qdrive_perl_callback_call (pTHX_ qdrive_h *g,
                                       struct qdrive_perl_callback *cb);

/* A string, fetched once and copied into a mortal, or NULL for undef
 * (so that C's "must not be NULL" error reaches the caller); croaks
 * "CALL: NAME: ..." if it holds a NUL byte. */
extern const char *qdrive_perl_string (pTHX_ SV *sv, const char *call,
                                       const char *name);

/* A caller's string for an error message, its control characters
 * escaped as the C library's messages do (a mortal's buffer). */
extern const char *qdrive_perl_escaped (pTHX_ SV *sv);

/* An integer in [min, max] (a string must be plain decimal), or a
 * croak naming the argument. */
extern int64_t qdrive_perl_integer (pTHX_ SV *sv, const char *call,
                                    const char *name, int64_t min,
                                    int64_t max);

/* An array reference of strings as a NULL-terminated array, freed by
 * Perl (a mortal SV); NULL for undef. */
extern char **qdrive_perl_string_list (pTHX_ SV *sv, const char *call,
                                       const char *name);

/* A reference to a new array of the strings of a NULL-terminated list
 * (a struct's string list field), as the other strings are returned. */
extern SV *qdrive_perl_string_list_to_av (pTHX_ char *const *list);

#endif /* QDRIVE_PERL_H */
