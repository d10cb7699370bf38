# SPDX-License-Identifier: LGPL-2.1-or-later
# qdrive Perl binding: the handle's life cycle, included by the
# generated Qdrive.xs (INCLUDE: handle.xsh).  The helpers it calls are
# in qdrive-perl.c.

BOOT:
    qdrive_perl_stash = gv_stashpv ("Sys::Qdrive", GV_ADD);

SV *
new (class)
    const char *class;
  PREINIT:
    qdrive_h *g;
    struct perl_handle *ph;
  CODE:
    g = qdrive_create ();
    if (g == NULL) {
      /* The library's message: why it could not (a bad $QDRIVE_ACCEL). */
      const char *why = qdrive_last_error (NULL);
      if (why != NULL)
        qdrive_perl_error (aTHX_ qdrive_last_errno (NULL), "%s", why);
      qdrive_perl_error (aTHX_ errno, "create: %s", strerror (errno));
    }
    /* Errors are raised (Sys::Qdrive::Error); the library prints nothing. */
    qdrive_set_error_handler (g, NULL, NULL);
    Newx (ph, 1, struct perl_handle);
    ph->g = g;
    ph->pid = getpid ();
    RETVAL = qdrive_perl_new_object (aTHX_ ph, class);
  OUTPUT:
    RETVAL

void
close (g)
    SV *g;
  PREINIT:
    struct perl_handle *ph;
  PPCODE:
    /* Idempotent: the object is emptied before the handle is closed. */
    ph = qdrive_perl_take_handle (aTHX_ g, "close");
    if (ph != NULL) {
      qdrive_close (ph->g);
      Safefree (ph);
    }

void
DESTROY (g)
    SV *g;
  PREINIT:
    struct perl_handle *ph;
  PPCODE:
    /* NULL for an object new did not make: nothing to free. */
    ph = qdrive_perl_take_handle (aTHX_ g, NULL);
    if (ph != NULL) {
      /* In a child made by fork, the handle (its qemu, its temporary
       * files) is the parent's: leave it alone. */
      if (ph->pid == getpid ())
        qdrive_close (ph->g);
      Safefree (ph);
    }

int
CLONE_SKIP (...)
  CODE:
    /* A new Perl thread gets undef, not a second owner of the handle. */
    PERL_UNUSED_VAR (items);
    RETVAL = 1;
  OUTPUT:
    RETVAL
