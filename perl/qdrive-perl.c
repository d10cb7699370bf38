/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive Perl binding: the hand-written helpers of the generated XS
 * (perl/Qdrive.xs): finding the handle in a Sys::Qdrive object, and
 * converting Perl values to C with the error texts every binding
 * shares.  Declared in qdrive-perl.h; the handle's life cycle (new,
 * close, DESTROY) is in handle.xsh.
 *
 * Perl code can run while arguments are converted: a tied scalar's
 * FETCH, an object's overloaded "", a tied array.  That code can change
 * or free any other argument, or close the handle.  So each XSUB holds
 * a reference to every argument (Perl's stack does not), converts each
 * once into memory of its own (strings are copied into mortals, freed
 * when the call returns, even by croak), and looks the handle up only
 * after that, right before the C call. */

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qdrive-escape.h"
#include "qdrive-perl.h"

/* The class's stash, looked up once at boot: the fast path of
 * qdrive_perl_handle. */
HV *qdrive_perl_stash;

/* A handle's object is a scalar with this magic attached, whose
 * mg_ptr is the struct perl_handle.  Perl code cannot attach it, so an
 * object made in Perl (bless \(my $x = 1234), 'Sys::Qdrive') is not
 * taken for a handle.  The table's address is what identifies it. */
static MGVTBL handle_vtbl;

SV *
qdrive_perl_new_object (pTHX_ struct perl_handle *ph, const char *class)
{
  SV *obj = newSV_type (SVt_PVMG);
  SV *rv;

  sv_magicext (obj, NULL, PERL_MAGIC_ext, &handle_vtbl, (const char *) ph, 0);
  rv = sv_bless (newRV_noinc (obj), gv_stashpv (class, GV_ADD));
  SvREADONLY_on (obj);
  return rv;
}

/* Where the object sv refers to keeps its struct perl_handle pointer,
 * or NULL if sv is not a handle's object. */
static MAGIC *
handle_magic (pTHX_ SV *sv)
{
  SV *obj;

  if (!SvROK (sv) || !SvOBJECT (obj = SvRV (sv)) || SvTYPE (obj) != SVt_PVMG)
    return NULL;
  return mg_findext (obj, PERL_MAGIC_ext, &handle_vtbl);
}

void
qdrive_perl_hold_arguments (pTHX_ I32 ax, I32 items)
{
  I32 i;

  for (i = 0; i < items; ++i)
    sv_2mortal (SvREFCNT_inc_simple_NN (ST (i)));
}

qdrive_h *
qdrive_perl_handle (pTHX_ SV *sv, const char *call)
{
  MAGIC *mg;
  struct perl_handle *ph;

  SvGETMAGIC (sv);
  mg = handle_magic (aTHX_ sv);
  if (mg == NULL || (SvSTASH (SvRV (sv)) != qdrive_perl_stash &&
                     !sv_derived_from (sv, "Sys::Qdrive")))
    qdrive_perl_error (aTHX_ EINVAL, "%s: not a Sys::Qdrive handle", call);
  ph = (struct perl_handle *) mg->mg_ptr;
  if (ph == NULL)
    qdrive_perl_error (aTHX_ EBADF, "%s: the handle is closed", call);
  /* Held until the caller's statement ends: an event callback of the
   * call that drops the last reference cannot destroy it meanwhile. */
  sv_2mortal (SvREFCNT_inc_simple_NN (SvRV (sv)));
  return ph->g;
}

/* Takes the handle out of the object, which then reads as closed. */
struct perl_handle *
qdrive_perl_take_handle (pTHX_ SV *sv, const char *call)
{
  MAGIC *mg = handle_magic (aTHX_ sv);
  struct perl_handle *ph;

  if (mg == NULL) {
    if (call == NULL)
      return NULL;
    qdrive_perl_error (aTHX_ EINVAL, "%s: not a Sys::Qdrive handle", call);
  }
  ph = (struct perl_handle *) mg->mg_ptr;
  if (ph != NULL && call != NULL && qdrive_in_event_callback (ph->g))
    qdrive_perl_error (aTHX_ EDEADLK, "%s: not allowed in an event callback "
                       "of the same handle: the call the event comes from "
                       "holds the handle", call);
  mg->mg_ptr = NULL;
  return ph;
}

void
qdrive_perl_error (pTHX_ int errnum, const char *fs, ...)
{
  va_list args;
  SV *msg, *text;
  HV *hv;

  va_start (args, fs);
  msg = vnewSVpvf (fs, &args);
  va_end (args);
  /* What croak would have died with: mess adds the caller's place. */
  text = newSVsv (mess_sv (msg, 0));
  hv = newHV ();
  (void) hv_stores (hv, "message", msg);
  (void) hv_stores (hv, "errno", newSViv (errnum));
  (void) hv_stores (hv, "text", text);
  croak_sv (sv_2mortal (sv_bless (newRV_noinc ((SV *) hv),
                                  gv_stashpvs ("Sys::Qdrive::Error", GV_ADD))));
}

/* The C library's message and errno for the call that just failed. */
/* A call cancelled by Control-C: the program's $SIG{INT}, which Perl
 * runs at its next safe point, runs first, here, so that what it does
 * (die, say) is what the program sees; if it returns, the call's
 * error follows. */
void
qdrive_perl_croak (pTHX_ qdrive_h *g)
{
  const char *msg = qdrive_last_error (g);
  int err = qdrive_last_errno (g);
  SV *text = sv_2mortal (newSVpv (msg != NULL ? msg : "unknown error", 0));

  if (err == ECANCELED)
    PERL_ASYNC_CHECK ();
  qdrive_perl_error (aTHX_ err, "%s", SvPV_nolen (text));
}

/* ---- waiting calls and Control-C ----------------------------------

   Perl's SIGINT handler (for a $SIG{INT} sub) only notes the signal;
   the sub runs between Perl's operations, so not while the library
   waits.  So while a call waits, SIGINT goes to this handler first,
   which cancels the call and passes the signal on to the handler it
   replaced.  One waiting call at a time: another thread's waits keep
   Perl's handler. */

static qdrive_h *volatile sigint_g;
static struct sigaction sigint_old;

static void
sigint_cancel (int sig, siginfo_t *info, void *context)
{
  qdrive_h *g = sigint_g;

  if (g != NULL)
    qdrive_user_cancel (g);     /* async-signal-safe */
  if (sigint_old.sa_flags & SA_SIGINFO)
    sigint_old.sa_sigaction (sig, info, context);
  else if (sigint_old.sa_handler != SIG_DFL &&
           sigint_old.sa_handler != SIG_IGN)
    sigint_old.sa_handler (sig);
}

void
qdrive_perl_wait_begin (qdrive_h *g, struct qdrive_perl_wait *w)
{
  struct sigaction sa;

  w->sigint = 0;
  if (g == NULL || sigint_g != NULL ||
      sigaction (SIGINT, NULL, &w->old) == -1 ||
      (!(w->old.sa_flags & SA_SIGINFO) &&
       (w->old.sa_handler == SIG_DFL || w->old.sa_handler == SIG_IGN)))
    return;
  sigint_old = w->old;
  sigint_g = g;
  memset (&sa, 0, sizeof sa);
  sa.sa_sigaction = sigint_cancel;
  sa.sa_flags = SA_SIGINFO | (w->old.sa_flags & SA_RESTART);
  sigemptyset (&sa.sa_mask);
  w->sigint = sigaction (SIGINT, &sa, NULL) == 0;
  if (!w->sigint)
    sigint_g = NULL;
}

void
qdrive_perl_wait_end (struct qdrive_perl_wait *w)
{
  if (!w->sigint)
    return;
  sigaction (SIGINT, &w->old, NULL);
  sigint_g = NULL;
}

/* A caller's string for an error message, written as the C library
 * writes one (qdrive-escape.h, a copy of c/escape.h), so that it
 * cannot add a line or reach the terminal.  A mortal's buffer. */
static const char *
escaped (pTHX_ const char *str, STRLEN n)
{
  SV *out = sv_2mortal (newSVpvs (""));
  const unsigned char *s = (const unsigned char *) str;
  size_t len;
  char esc[16];

  while (n > 0) {
    len = qdrive_escape_next (s, n, esc);
    if (esc[0] != '\0')
      sv_catpv (out, esc);
    else
      sv_catpvn (out, (const char *) s, len);
    s += len;
    n -= len;
  }
  return SvPVX (out);
}

const char *
qdrive_perl_escaped (pTHX_ SV *sv)
{
  STRLEN len;
  const char *p = SvPV (sv, len);

  return escaped (aTHX_ p, len);
}

CV *
qdrive_perl_code_ref (pTHX_ SV *sv, const char *call, const char *name)
{
  SvGETMAGIC (sv);
  if (!SvROK (sv) || SvTYPE (SvRV (sv)) != SVt_PVCV)
    qdrive_perl_error (aTHX_ EINVAL, "%s: %s: not a code reference; "
                       "allowed: a reference to a function", call, name);
  return (CV *) sv_2mortal (SvREFCNT_inc_simple_NN (SvRV (sv)));
}

struct qdrive_perl_callback *
qdrive_perl_callback_new (pTHX_ CV *cv)
{
  struct qdrive_perl_callback *cb;

  Newx (cb, 1, struct qdrive_perl_callback);
  cb->fn = newRV_inc ((SV *) cv);
#ifdef MULTIPLICITY
  cb->perl = aTHX;
#else
  cb->perl = NULL;
#endif
  return cb;
}

void
qdrive_perl_callback_free (void *opaque)
{
  struct qdrive_perl_callback *cb = opaque;
  dTHXa (cb->perl);

  SvREFCNT_dec (cb->fn);
  Safefree (cb);
}

/* The arguments are pushed; $@ is the caller's again afterwards. */
void
qdrive_perl_callback_call (pTHX_ qdrive_h *g, struct qdrive_perl_callback *cb)
{
  PERL_UNUSED_ARG (g);
  save_scalar (PL_errgv);
  call_sv (cb->fn, G_VOID | G_DISCARD | G_EVAL);
  if (SvTRUE (ERRSV))
    warn ("Sys::Qdrive: an event callback died: %" SVf, SVfARG (ERRSV));
}

/* undef is passed to C as NULL, so that C's own "must not be NULL"
 * error reaches the caller. */
const char *
qdrive_perl_string (pTHX_ SV *sv, const char *call, const char *name)
{
  STRLEN len;
  const char *p;

  SvGETMAGIC (sv);
  if (!SvOK (sv))
    return NULL;
  p = SvPV_nomg (sv, len);      /* an object's overloaded "" runs here */
  if (memchr (p, '\0', len) != NULL)
    qdrive_perl_error (aTHX_ EINVAL, "%s: %s: the string contains a NUL "
                       "byte; allowed: strings without NUL bytes", call, name);
  return SvPVX (sv_2mortal (newSVpvn (p, len)));
}

/* A plain decimal integer: an optional '-', then digits, nothing else
 * (no '+', no blanks, no '_', no exponent), as the shell takes it.
 * 1: *r set; 0: not such an integer; -1: one, out of the IV range. */
static int
decimal (const char *p, STRLEN len, IV *r)
{
  bool neg = len > 0 && p[0] == '-';
  STRLEN i = neg;
  UV v = 0, limit = neg ? (UV) IV_MAX + 1 : (UV) IV_MAX;
  bool over = false;

  if (i == len)
    return 0;
  for (; i < len; ++i) {
    if (p[i] < '0' || p[i] > '9')
      return 0;
    if (v > (limit - (UV) (p[i] - '0')) / 10)
      over = true;
    else
      v = v * 10 + (UV) (p[i] - '0');
  }
  if (over)
    return -1;
  *r = neg ? (v == (UV) IV_MAX + 1 ? IV_MIN : -(IV) v) : (IV) v;
  return 1;
}

/* The number sv holds as a number (not a string): 1 and *r set if it
 * is an integer in the IV range; -1 if it is a whole number outside
 * it; 0 if it is not a whole number. */
static int
numeric (pTHX_ SV *sv, IV *r)
{
  if (SvIOK (sv)) {
    if (SvIsUV (sv) && SvUVX (sv) > (UV) IV_MAX)
      return 0;
    *r = SvIVX (sv);
    return 1;
  }
  if (SvNOK (sv)) {
    NV nv = SvNVX (sv);
    /* In range before the cast (casting one out of range is undefined);
     * NaN fails every comparison. */
    if (nv >= -9223372036854775808.0 && nv < 9223372036854775808.0
        && nv == (NV) (IV) nv) {
      *r = (IV) nv;
      return 1;
    }
    /* Finite and that big: a whole number (NaN and inf give NaN). */
    if (nv - nv == 0 && (nv < -9223372036854775808.0 || nv >= 9223372036854775808.0))
      return -1;
  }
  return 0;
}

/* Is the string p what Perl writes for the number sv holds?  Then it
 * was made from the number (print "$n"), and the number counts. */
static bool
is_numbers_string (pTHX_ SV *sv, const char *p, STRLEN len)
{
  SV *tmp = sv_2mortal (newSV (0));
  STRLEN tlen;
  const char *t;

  if (SvIOK (sv))
    sv_setiv (tmp, SvIVX (sv));
  else
    sv_setnv (tmp, SvNVX (sv));
  t = SvPV (tmp, tlen);
  return tlen == len && memcmp (t, p, len) == 0;
}

/* An integer in [min, max]: a Perl integer, an integral float, or a
 * string that is a plain decimal integer (as the shell takes them; a
 * string that was numified is still judged as the string it is).
 * Anything else croaks with the shell's texts. */
int64_t
qdrive_perl_integer (pTHX_ SV *sv, const char *call, const char *name,
                     int64_t min, int64_t max)
{
  IV iv = 0;
  int ok = 0;
  STRLEN len = 0;
  const char *p = NULL;

  SvGETMAGIC (sv);
  if (SvROK (sv))
    ok = 0;
  else if (SvPOK (sv)) {
    p = SvPV_nomg (sv, len);
    ok = decimal (p, len, &iv);
    if (ok == 0 && (SvIOK (sv) || SvNOK (sv)) && is_numbers_string (aTHX_ sv, p, len))
      ok = numeric (aTHX_ sv, &iv);
  }
  else
    ok = numeric (aTHX_ sv, &iv);
  if (ok == 1 && iv >= min && iv <= max)
    return iv;
  if (!SvOK (sv))
    qdrive_perl_error (aTHX_ EINVAL, "%s: %s: undef is not valid; allowed: "
                       "an integer from %" PRId64 " to %" PRId64,
                       call, name, min, max);
  if (p == NULL)
    p = SvPV_nomg (sv, len);
  qdrive_perl_error (aTHX_ EINVAL, "%s: %s: \"%s\" is %s; allowed: an "
                     "integer from %" PRId64 " to %" PRId64, call, name,
                     escaped (aTHX_ p, len),
                     ok == 0 ? "not valid" : "out of range", min, max);
}

/* An array reference of strings, as a NULL-terminated char ** whose
 * memory is a mortal SV: freed by Perl even if a later step croaks.
 * The array is held while its elements are fetched (a FETCH may drop
 * the last other reference to it).  undef gives NULL, for C's "must
 * not be NULL". */
char **
qdrive_perl_string_list (pTHX_ SV *sv, const char *call, const char *name)
{
  AV *av;
  SSize_t i, n;
  SV *buf;
  char **list;

  SvGETMAGIC (sv);
  if (!SvOK (sv))
    return NULL;
  if (!SvROK (sv) || SvTYPE (SvRV (sv)) != SVt_PVAV)
    qdrive_perl_error (aTHX_ EINVAL, "%s: %s: not an array reference; "
                       "allowed: a reference to an array of strings",
                       call, name);
  av = (AV *) sv_2mortal (SvREFCNT_inc_simple_NN (SvRV (sv)));
  n = av_len (av) + 1;
  buf = sv_2mortal (newSV ((n + 1) * sizeof (char *)));
  list = (char **) SvPVX (buf);
  for (i = 0; i < n; ++i) {
    SV **e = av_fetch (av, i, 0);
    const char *s = e != NULL ? qdrive_perl_string (aTHX_ *e, call, name) : NULL;
    if (s == NULL)
      qdrive_perl_error (aTHX_ EINVAL, "%s: %s: element %ld is undef; "
                         "allowed: strings", call, name, (long) i);
    list[i] = (char *) s;
  }
  list[n] = NULL;
  return list;
}

SV *
qdrive_perl_string_list_to_av (pTHX_ char *const *list)
{
  AV *av = newAV ();
  size_t i;

  for (i = 0; list[i] != NULL; ++i)
    av_push (av, newSVpv (list[i], 0));
  return newRV_noinc ((SV *) av);
}
