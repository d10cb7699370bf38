/* qdrive: the qemu command line of the direct backend.
 *
 * This is the one place that quotes for qemu: every value placed in a
 * qemu "key=value,..." list goes through arg_put_qemu_value, which
 * doubles its commas.  File names are always absolute, so qemu
 * never reads a "protocol:" prefix from them. */

#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* A growing argument vector, NULL-terminated at every step. */
struct argv {
  char **v;
  size_t len, alloc;
  int failed;
};

static void
argv_take (struct argv *a, char *s)
{
  if (s == NULL)
    a->failed = 1;
  if (a->failed) {
    free (s);
    return;
  }
  if (a->len + 2 > a->alloc) {
    size_t n = a->alloc ? a->alloc * 2 : 64;
    char **v = realloc (a->v, n * sizeof (char *));
    if (v == NULL) {
      a->failed = 1;
      free (s);
      return;
    }
    a->v = v;
    a->alloc = n;
  }
  a->v[a->len++] = s;
  a->v[a->len] = NULL;
}

static void
argv_add (struct argv *a, const char *s)
{
  argv_take (a, strdup (s));
}

/* One argument being built.  (glibc's open_memstream zeroes a large
 * buffer on every open, which made it most of the cost of a command
 * line; this is a plain growing string.) */
struct arg {
  char *s;
  size_t len, cap;
  int failed;
};

static void
arg_putn (struct arg *x, const char *s, size_t n)
{
  if (x->failed)
    return;
  if (x->len + n + 1 > x->cap) {
    size_t cap = x->cap ? x->cap : 64;
    char *p;

    while (cap < x->len + n + 1)
      cap *= 2;
    p = realloc (x->s, cap);
    if (p == NULL) {
      x->failed = 1;
      return;
    }
    x->s = p;
    x->cap = cap;
  }
  memcpy (x->s + x->len, s, n);
  x->len += n;
  x->s[x->len] = '\0';
}

static void
arg_puts (struct arg *x, const char *s)
{
  arg_putn (x, s, strlen (s));
}

/* A decimal number (snprintf's generality costs more than the rest of
 * a drive's argument). */
static void
arg_putu (struct arg *x, size_t u)
{
  char buf[24];
  char *p = buf + sizeof buf;

  do {
    *--p = '0' + u % 10;
    u /= 10;
  } while (u > 0);
  arg_putn (x, p, buf + sizeof buf - p);
}

/* The one place that quotes for qemu: a value inside a key=value,...
 * list has every comma doubled. */
static void
arg_put_qemu_value (struct arg *x, const char *s)
{
  const char *comma;

  while ((comma = strchr (s, ',')) != NULL) {
    arg_putn (x, s, comma - s + 1);
    arg_putn (x, ",", 1);
    s = comma + 1;
  }
  arg_puts (x, s);
}

/* Hands the finished argument to the vector. */
static void
arg_done (struct argv *a, struct arg *x)
{
  if (x->failed || x->s == NULL) {
    free (x->s);
    argv_take (a, NULL);
    return;
  }
  argv_take (a, x->s);
}

/* The -drive list of drive i, in the order libguestfs writes it. */
static void
add_drive_arg (struct argv *a, const struct drive *d, size_t i)
{
  struct arg x = { NULL, 0, 0, 0 };

  argv_add (a, "-drive");
  arg_puts (&x, "file=");
  arg_put_qemu_value (&x, d->filename);
  arg_puts (&x, ",cache=");
  arg_puts (&x, qdrive_int_cachemode_names[d->cachemode]);
  if (d->readonly)
    arg_puts (&x, ",snapshot=on");
  if (d->format) {
    arg_puts (&x, ",format=");
    arg_put_qemu_value (&x, d->format);
  }
  if (d->discard != QDRIVE_INT_DISCARD_DISABLE)
    arg_puts (&x, ",discard=unmap");
  if (d->copyonread)
    arg_puts (&x, ",copy-on-read=on");
  arg_puts (&x, ",id=hd");
  arg_putu (&x, i);
  arg_puts (&x, ",if=none");
  arg_done (a, &x);
}

/* The -device of drive i; n is its position among the drives of the
 * same interface. */
static void
add_device_arg (struct argv *a, const struct drive *d, size_t i, size_t n)
{
  static const char *const device[] = {
    [QDRIVE_INT_IFACE_SCSI] = "scsi-hd",
    [QDRIVE_INT_IFACE_VIRTIO] = "virtio-blk-pci",
    [QDRIVE_INT_IFACE_IDE] = "ide-hd",
  };
  struct arg x = { NULL, 0, 0, 0 };

  argv_add (a, "-device");
  arg_puts (&x, device[d->iface]);
  arg_puts (&x, ",drive=hd");
  arg_putu (&x, i);
  /* qemu numbers the first 256 SCSI disks itself, as targets 0-255
   * on LUN 0; the ones after need an explicit target and LUN. */
  if (d->iface == QDRIVE_INT_IFACE_SCSI && n >= QDRIVE_SCSI_TARGETS) {
    arg_puts (&x, ",scsi-id=");
    arg_putu (&x, n % QDRIVE_SCSI_TARGETS);
    arg_puts (&x, ",lun=");
    arg_putu (&x, n / QDRIVE_SCSI_TARGETS);
  }
  /* qemu does not place a third IDE disk by itself. */
  if (d->iface == QDRIVE_INT_IFACE_IDE) {
    arg_puts (&x, ",bus=ide.");
    arg_putu (&x, n / 2);
    arg_puts (&x, ",unit=");
    arg_putu (&x, n % 2);
  }
  if (d->label) {
    arg_puts (&x, ",serial=");
    arg_put_qemu_value (&x, d->label);
  }
  if (d->blocksize) {
    arg_puts (&x, ",physical_block_size=");
    arg_putu (&x, d->blocksize);
    arg_puts (&x, ",logical_block_size=");
    arg_putu (&x, d->blocksize);
  }
  arg_done (a, &x);
}

char **
qdrive_impl_get_qemu_command_line (qdrive_h *g)
{
  struct argv a = { NULL, 0, 0, 0 };
  struct arg x = { NULL, 0, 0, 0 };
  const char *tmpdir;
  size_t i, n_by_iface[QDRIVE_INT_IFACE_COUNT] = { 0 };
  char buf[64];

  tmpdir = qdrive_int_tmpdir (g);
  if (tmpdir == NULL)
    return NULL;

  argv_add (&a, g->hv);
  argv_add (&a, "-S");
  argv_add (&a, "-no-user-config");
  argv_add (&a, "-nodefaults");
  argv_add (&a, "-display");
  argv_add (&a, "none");
  argv_add (&a, "-machine");
  snprintf (buf, sizeof buf, "accel=%s", qdrive_int_accel_names[g->accel]);
  argv_add (&a, buf);
  argv_add (&a, "-m");
  snprintf (buf, sizeof buf, "%d", g->memsize);
  argv_add (&a, buf);
  argv_add (&a, "-smp");
  snprintf (buf, sizeof buf, "%d", g->smp);
  argv_add (&a, buf);

  /* QMP on a socket in the private directory. */
  argv_add (&a, "-chardev");
  arg_puts (&x, "socket,id=qmp,path=");
  arg_put_qemu_value (&x, tmpdir);
  arg_puts (&x, "/qmp.sock,server=on,wait=off");
  arg_done (&a, &x);
  argv_add (&a, "-mon");
  argv_add (&a, "chardev=qmp,mode=control");

  argv_add (&a, "-device");
  argv_add (&a, "virtio-scsi-pci,id=scsi0");
  for (i = 0; i < g->ndrives; ++i) {
    const struct drive *d = &g->drives[i];
    add_drive_arg (&a, d, i);
    add_device_arg (&a, d, i, n_by_iface[d->iface]++);
  }

  for (i = 0; i < g->nconfig; ++i)
    argv_add (&a, g->config[i]);

  if (a.failed) {
    errno = ENOMEM;
    set_perror (g, "cannot build the command line");
    qdrive_free_string_list (a.v);
    return NULL;
  }
  return a.v;
}
