/* qdrive: the qemu command line of the direct backend.
 *
 * This is the one place that quotes for qemu: every value placed in a
 * qemu "key=value,..." list goes through qdrive_int_fput_qemu_value,
 * which doubles its commas.  File names are always absolute, so qemu
 * never reads a "protocol:" prefix from them. */

#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void
qdrive_int_fput_qemu_value (FILE *f, const char *s)
{
  for (; *s; ++s) {
    if (*s == ',')
      putc (',', f);
    putc (*s, f);
  }
}

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

/* Builders for one argument: open, write with fprintf and the quoting
 * function, then hand the result to the vector. */
struct arg {
  FILE *f;
  char *buf;
  size_t len;
};

static FILE *
arg_open (struct arg *x)
{
  x->buf = NULL;
  x->f = open_memstream (&x->buf, &x->len);
  return x->f;
}

static void
arg_close (struct argv *a, struct arg *x)
{
  if (x->f == NULL || fclose (x->f) != 0) {
    free (x->buf);
    argv_take (a, NULL);
    return;
  }
  argv_take (a, x->buf);
}

/* The -drive list of drive i, in the order libguestfs writes it. */
static void
add_drive_arg (struct argv *a, const struct drive *d, size_t i)
{
  struct arg x;

  argv_add (a, "-drive");
  if (arg_open (&x) != NULL) {
    fputs ("file=", x.f);
    qdrive_int_fput_qemu_value (x.f, d->filename);
    fprintf (x.f, ",cache=%s", qdrive_int_cachemode_names[d->cachemode]);
    if (d->readonly)
      fputs (",snapshot=on", x.f);
    if (d->format) {
      fputs (",format=", x.f);
      qdrive_int_fput_qemu_value (x.f, d->format);
    }
    if (d->discard != QDRIVE_INT_DISCARD_DISABLE)
      fputs (",discard=unmap", x.f);
    if (d->copyonread)
      fputs (",copy-on-read=on", x.f);
    fprintf (x.f, ",id=hd%zu,if=none", i);
  }
  arg_close (a, &x);
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
  struct arg x;

  argv_add (a, "-device");
  if (arg_open (&x) != NULL) {
    fprintf (x.f, "%s,drive=hd%zu", device[d->iface], i);
    /* qemu numbers the first 256 SCSI disks itself, as targets 0-255
     * on LUN 0; the ones after need an explicit target and LUN. */
    if (d->iface == QDRIVE_INT_IFACE_SCSI && n >= QDRIVE_SCSI_TARGETS)
      fprintf (x.f, ",scsi-id=%zu,lun=%zu",
               n % QDRIVE_SCSI_TARGETS, n / QDRIVE_SCSI_TARGETS);
    /* qemu does not place a third IDE disk by itself. */
    if (d->iface == QDRIVE_INT_IFACE_IDE)
      fprintf (x.f, ",bus=ide.%zu,unit=%zu", n / 2, n % 2);
    if (d->label) {
      fputs (",serial=", x.f);
      qdrive_int_fput_qemu_value (x.f, d->label);
    }
    if (d->blocksize)
      fprintf (x.f, ",physical_block_size=%u,logical_block_size=%u",
               d->blocksize, d->blocksize);
  }
  arg_close (a, &x);
}

char **
qdrive_impl_get_qemu_command_line (qdrive_h *g)
{
  struct argv a = { NULL, 0, 0, 0 };
  struct arg x;
  const char *tmpdir;
  size_t i, n_by_iface[3] = { 0, 0, 0 };
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
  if (arg_open (&x) != NULL) {
    fputs ("socket,id=qmp,path=", x.f);
    qdrive_int_fput_qemu_value (x.f, tmpdir);
    fputs ("/qmp.sock,server=on,wait=off", x.f);
  }
  arg_close (&a, &x);
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
