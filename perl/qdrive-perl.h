/* qdrive Perl binding: what the generated XS (perl/Qdrive.xs) and the
 * hand-written frame (qdrive-perl.c, handle.xsh) share. */

#ifndef QDRIVE_PERL_H
#define QDRIVE_PERL_H

#define PERL_NO_GET_CONTEXT
#include "EXTERN.h"
#include "perl.h"
#include "XSUB.h"

#include <stdint.h>
#include <unistd.h>

#include "qdrive.h"

/* A Perl handle is a blessed reference to a read-only scalar holding a
 * pointer to this; close frees it and sets the scalar to 0, so every
 * later call croaks.  The pid keeps a child made by fork from closing
 * its parent's handle (and removing its files) when its copy goes. */
struct perl_handle {
  qdrive_h *g;
  pid_t pid;
};

/* The class's stash, looked up once at boot: the fast path of
 * qdrive_perl_handle. */
extern HV *qdrive_perl_stash;

/* The handle of a Sys::Qdrive object; croaks "CALL: ..." if sv is not
 * one, or is closed. */
extern qdrive_h *qdrive_perl_handle (pTHX_ SV *sv, const char *call);

/* Takes the handle out of the object, which then reads as closed;
 * NULL if it was closed already. */
extern struct perl_handle *qdrive_perl_take_handle (pTHX_ SV *sv,
                                                    const char *call);

/* Croaks with the C library's message for the call that just failed. */
extern void qdrive_perl_croak (pTHX_ qdrive_h *g) __attribute__((noreturn));

/* A string, or NULL for undef (so that C's "must not be NULL" error
 * reaches the caller). */
extern const char *qdrive_perl_string (pTHX_ SV *sv);

/* An integer in [min, max], or a croak naming the argument. */
extern int64_t qdrive_perl_integer (pTHX_ SV *sv, const char *call,
                                    const char *name, int64_t min,
                                    int64_t max);

/* An array reference of strings as a NULL-terminated array, freed by
 * Perl (a mortal SV); NULL for undef. */
extern char **qdrive_perl_string_list (pTHX_ SV *sv, const char *call,
                                       const char *name);

#endif /* QDRIVE_PERL_H */
