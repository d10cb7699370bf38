/* qdrive Perl binding: the hand-written helpers of the generated XS
 * (perl/Qdrive.xs): finding the handle in a Sys::Qdrive object, and
 * converting Perl values to C with the error texts every binding
 * shares.  Declared in qdrive-perl.h; the handle's life cycle (new,
 * close, DESTROY) is in handle.xsh. */

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qdrive-perl.h"

/* The class's stash, looked up once at boot: the fast path of
 * qdrive_perl_handle. */
HV *qdrive_perl_stash;

qdrive_h *
qdrive_perl_handle (pTHX_ SV *sv, const char *call)
{
  SV *obj;
  struct perl_handle *ph;

  if (!SvROK (sv) || !SvOBJECT (obj = SvRV (sv)) || SvTYPE (obj) > SVt_PVMG
      || (SvSTASH (obj) != qdrive_perl_stash && !sv_derived_from (sv, "Sys::Qdrive")))
    croak ("%s: not a Sys::Qdrive handle", call);
  ph = INT2PTR (struct perl_handle *, SvIV (obj));
  if (ph == NULL)
    croak ("%s: the handle is closed", call);
  return ph->g;
}

/* Takes the handle out of the object, which then reads as closed. */
struct perl_handle *
qdrive_perl_take_handle (pTHX_ SV *sv, const char *call)
{
  SV *obj;
  struct perl_handle *ph;

  if (!SvROK (sv) || !SvOBJECT (obj = SvRV (sv)) || SvTYPE (obj) > SVt_PVMG)
    croak ("%s: not a Sys::Qdrive handle", call);
  ph = INT2PTR (struct perl_handle *, SvIV (obj));
  if (ph != NULL) {
    SvREADONLY_off (obj);
    sv_setiv (obj, 0);
    SvREADONLY_on (obj);
  }
  return ph;
}

/* Croaks with the C library's message for the call that just failed. */
void
qdrive_perl_croak (pTHX_ qdrive_h *g)
{
  const char *msg = qdrive_last_error (g);

  croak ("%s", msg != NULL ? msg : "unknown error");
}

/* undef is passed to C as NULL, so that C's own "must not be NULL"
 * error reaches the caller. */
const char *
qdrive_perl_string (pTHX_ SV *sv)
{
  SvGETMAGIC (sv);
  return SvOK (sv) ? SvPV_nomg_nolen (sv) : NULL;
}

/* An integer in [min, max]: a Perl integer, an integral float, or a
 * string that is a plain decimal integer.  Anything else croaks with
 * the wording C uses for out-of-range values. */
int64_t
qdrive_perl_integer (pTHX_ SV *sv, const char *call, const char *name,
               int64_t min, int64_t max)
{
  IV iv = 0;
  int ok = 0;

  SvGETMAGIC (sv);
  if (SvIOK (sv) && !SvROK (sv)) {
    if (!SvIsUV (sv) || SvUVX (sv) <= (UV) IV_MAX) {
      iv = SvIVX (sv);
      ok = 1;
    }
  }
  else if (SvNOK (sv) && !SvROK (sv)) {
    NV nv = SvNVX (sv);
    /* In range before the cast (casting one out of range is undefined);
     * NaN fails every comparison. */
    if (nv >= -9223372036854775808.0 && nv < 9223372036854775808.0
        && nv == (NV) (IV) nv) {
      iv = (IV) nv;
      ok = 1;
    }
  }
  else if (SvPOK (sv) && !SvROK (sv)) {
    STRLEN len;
    const char *p = SvPV_nomg (sv, len);
    UV uv;
    int flags = grok_number (p, len, &uv);

    if ((flags & IS_NUMBER_IN_UV) && !(flags & IS_NUMBER_NOT_INT)
        && !(flags & IS_NUMBER_GREATER_THAN_UV_MAX)) {
      if (!(flags & IS_NUMBER_NEG) && uv <= (UV) IV_MAX) {
        iv = (IV) uv;
        ok = 1;
      }
      else if ((flags & IS_NUMBER_NEG) && uv <= (UV) IV_MAX + 1) {
        iv = uv == (UV) IV_MAX + 1 ? IV_MIN : -(IV) uv;
        ok = 1;
      }
    }
  }
  if (!ok || iv < min || iv > max) {
    if (SvOK (sv))
      croak ("%s: %s: \"%s\" is not valid; allowed: an integer from %"
             PRId64 " to %" PRId64, call, name, SvPV_nomg_nolen (sv), min, max);
    else
      croak ("%s: %s: undef is not valid; allowed: an integer from %"
             PRId64 " to %" PRId64, call, name, min, max);
  }
  return iv;
}

/* An array reference of strings, as a NULL-terminated char ** whose
 * memory is a mortal SV: freed by Perl even if a later step croaks.
 * undef gives NULL, for C's "must not be NULL". */
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
    croak ("%s: %s: not an array reference; allowed: a reference to an array of strings",
           call, name);
  av = (AV *) SvRV (sv);
  n = av_len (av) + 1;
  buf = sv_2mortal (newSV ((n + 1) * sizeof (char *)));
  list = (char **) SvPVX (buf);
  for (i = 0; i < n; ++i) {
    SV **e = av_fetch (av, i, 0);
    const char *s = e != NULL ? qdrive_perl_string (aTHX_ *e) : NULL;
    if (s == NULL)
      croak ("%s: %s: element %ld is undef; allowed: strings", call, name,
             (long) i);
    list[i] = (char *) s;
  }
  list[n] = NULL;
  return list;
}
