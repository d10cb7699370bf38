/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: the direct backend's qemu argument vector, which
 * get_qemu_command_line returns too.
 *
 * This is the one place that quotes for qemu: every value placed in a
 * qemu "key=value,..." list goes through arg_put_qemu_value, which
 * doubles its commas.  File names are always absolute, so qemu
 * never reads a "protocol:" prefix from them; network drives are
 * written as structured options (see below). */

#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appliance.h"
#include "direct.h"

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

/* key (",format=" say) and value, quoted for qemu. */
static void
arg_put_key_value (struct arg *x, const char *key, const char *value)
{
  arg_puts (x, key);
  arg_put_qemu_value (x, value);
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

/* ---- network drives -------------------------------------------------
 *
 * qemu's structured options (file.driver=nbd,file.server.host=...), not
 * its URIs (nbd://host:port/export, libguestfs's choice): every value is
 * then a value of its own key, quoted for qemu by arg_put_qemu_value
 * like any other, with no URI escaping of export names, paths, users
 * or socket paths, and with no ambiguity where the legacy forms
 * (nbd:host:port:exportname=...) split on ':'.  The one URI left is the
 * url of qemu's curl driver, which takes nothing else; its path is
 * percent-encoded below.  Secrets never appear: the drive names a
 * -object secret whose file the backend writes (qdrive_int_secret_path). */

static void
arg_put_server_port (struct arg *x, const char *prefix,
                     const struct drive_server *sv)
{
  arg_puts (x, prefix);
  arg_put_key_value (x, "host=", sv->host);
  arg_puts (x, prefix);
  arg_puts (x, "port=");
  arg_putu (x, sv->port);
}

/* "inet" or "unix" server at prefix (file.server. or file.server.N.). */
static void
arg_put_socket_address (struct arg *x, const char *prefix,
                        const struct drive_server *sv)
{
  arg_puts (x, prefix);
  if (sv->is_unix) {
    arg_puts (x, "type=unix");
    arg_puts (x, prefix);
    arg_put_key_value (x, "path=", sv->host);
  }
  else {
    arg_puts (x, "type=inet");
    arg_put_server_port (x, prefix, sv);
  }
}

/* The curl driver's url: scheme://host:port/path, the path
 * percent-encoded but for unreserved characters and '/'. */
static void
arg_put_url (struct arg *x, const char *scheme, const struct drive_server *sv,
             const char *path)
{
  static const char hex[] = "0123456789ABCDEF";
  struct arg url = { NULL, 0, 0, 0 };
  const unsigned char *p;
  char esc[3] = { '%', 0, 0 };

  arg_puts (&url, scheme);
  arg_puts (&url, "://");
  if (strchr (sv->host, ':')) {
    arg_puts (&url, "[");
    arg_puts (&url, sv->host);
    arg_puts (&url, "]");
  }
  else
    arg_puts (&url, sv->host);
  arg_puts (&url, ":");
  arg_putu (&url, sv->port);
  for (p = (const unsigned char *) path; *p; ++p) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
        (*p >= '0' && *p <= '9') || strchr ("-._~/", *p))
      arg_putn (&url, (const char *) p, 1);
    else {
      esc[1] = hex[*p >> 4];
      esc[2] = hex[*p & 15];
      arg_putn (&url, esc, 3);
    }
  }
  if (url.failed)
    x->failed = 1;
  else
    arg_put_qemu_value (x, url.s);
  free (url.s);
}

/* A name in two parts at slash (pool/image, volume/path, target/lun):
 * before_key and the part before it, after_key and the rest. */
static void
arg_put_split (struct arg *x, const char *name, const char *slash,
               const char *before_key, const char *after_key)
{
  char *before = strndup (name, slash - name);

  if (before == NULL)
    x->failed = 1;
  else
    arg_put_key_value (x, before_key, before);
  free (before);
  arg_put_key_value (x, after_key, slash + 1);
}

static void
arg_put_secret_ref (struct arg *x, const char *key, size_t i)
{
  arg_puts (x, key);
  arg_puts (x, "=sec-hd");
  arg_putu (x, i);
}

/* file.driver=... and its options, for network drive i. */
static void
arg_put_network_file (struct arg *x, const struct drive *d, size_t i)
{
  const struct drive_net *n = d->net;
  const char *slash;
  size_t k;
  char prefix[48];

  arg_puts (x, "file.driver=");
  arg_puts (x, qdrive_int_protocol_names[n->protocol]);
  switch (n->protocol) {
  case QDRIVE_INT_PROTOCOL_NBD:
    arg_put_socket_address (x, ",file.server.", &n->servers[0]);
    if (d->filename[0] != '\0')
      arg_put_key_value (x, ",file.export=", d->filename);
    break;
  case QDRIVE_INT_PROTOCOL_HTTP:
  case QDRIVE_INT_PROTOCOL_HTTPS:
  case QDRIVE_INT_PROTOCOL_FTP:
  case QDRIVE_INT_PROTOCOL_FTPS:
    arg_puts (x, ",file.url=");
    arg_put_url (x, qdrive_int_protocol_names[n->protocol], &n->servers[0],
                 d->filename);
    if (n->username)
      arg_put_key_value (x, ",file.username=", n->username);
    if (n->secret)
      arg_put_secret_ref (x, ",file.password-secret", i);
    break;
  case QDRIVE_INT_PROTOCOL_SSH:
    arg_put_server_port (x, ",file.server.", &n->servers[0]);
    arg_put_key_value (x, ",file.path=", d->filename);
    if (n->username)
      arg_put_key_value (x, ",file.user=", n->username);
    break;
  case QDRIVE_INT_PROTOCOL_ISCSI:
    slash = strrchr (d->filename, '/');
    arg_puts (x, ",file.transport=tcp,file.portal=");
    if (strchr (n->servers[0].host, ':')) {
      arg_puts (x, "[");
      arg_put_qemu_value (x, n->servers[0].host);
      arg_puts (x, "]");
    }
    else
      arg_put_qemu_value (x, n->servers[0].host);
    arg_puts (x, ":");
    arg_putu (x, n->servers[0].port);
    arg_put_split (x, d->filename, slash, ",file.target=", ",file.lun=");
    if (n->username) {
      arg_put_key_value (x, ",file.user=", n->username);
      arg_put_secret_ref (x, ",file.password-secret", i);
    }
    break;
  case QDRIVE_INT_PROTOCOL_RBD:
    slash = strchr (d->filename, '/');
    arg_put_split (x, d->filename, slash, ",file.pool=", ",file.image=");
    for (k = 0; k < n->nservers; ++k) {
      snprintf (prefix, sizeof prefix, ",file.server.%zu.", k);
      arg_put_server_port (x, prefix, &n->servers[k]);
    }
    if (n->username)
      arg_put_key_value (x, ",file.user=", n->username);
    if (n->secret) {
      arg_put_secret_ref (x, ",file.key-secret", i);
      arg_puts (x, ",file.auth-client-required.0=cephx");
    }
    break;
  case QDRIVE_INT_PROTOCOL_GLUSTER:
    slash = strchr (d->filename, '/');
    arg_put_split (x, d->filename, slash, ",file.volume=", ",file.path=");
    arg_put_socket_address (x, ",file.server.0.", &n->servers[0]);
    break;
  default:
    abort ();                   /* refused by add_drive */
  }
}

/* -object secret for network drive i, if it has a secret.  Ceph keys
 * are base64 already, and qemu hands rbd its secret base64-encoded:
 * format=base64 keeps the key as given. */
static void
add_secret_arg (struct argv *a, const char *tmpdir, const struct drive *d,
                size_t i)
{
  struct arg x = { NULL, 0, 0, 0 };

  if (d->net == NULL || d->net->secret == NULL)
    return;
  argv_add (a, "-object");
  arg_puts (&x, "secret,id=sec-hd");
  arg_putu (&x, i);
  arg_put_key_value (&x, ",file=", tmpdir);
  arg_puts (&x, "/secret-hd");
  arg_putu (&x, i);
  arg_puts (&x, d->net->protocol == QDRIVE_INT_PROTOCOL_RBD
            ? ",format=base64" : ",format=raw");
  arg_done (a, &x);
}

/* The -drive list of drive i, in the order libguestfs writes it. */
static void
add_drive_arg (struct argv *a, const struct drive *d, size_t i)
{
  struct arg x = { NULL, 0, 0, 0 };

  argv_add (a, "-drive");
  if (d->net)
    arg_put_network_file (&x, d, i);
  else
    arg_put_key_value (&x, "file=", d->filename);
  arg_puts (&x, ",cache=");
  arg_puts (&x, qdrive_int_cachemode_names[d->cachemode]);
  if (d->readonly)
    arg_puts (&x, ",snapshot=on");
  if (d->format)
    arg_put_key_value (&x, ",format=", d->format);
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
   * on LUN 0; the ones after need an explicit target and LUN.  (The
   * appliance's /init scans only the targets this uses.) */
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
  if (d->label)
    arg_put_key_value (&x, ",serial=", d->label);
  if (d->blocksize) {
    arg_puts (&x, ",physical_block_size=");
    arg_putu (&x, d->blocksize);
    arg_puts (&x, ",logical_block_size=");
    arg_putu (&x, d->blocksize);
  }
  arg_done (a, &x);
}

/* What boots the appliance: its kernel, initramfs and command line,
 * the console on the serial port, which qemu writes to its stdout
 * (kept by the library for its messages), and no reboot, so that a
 * panic (panic=1) ends qemu. */
static void
add_appliance_boot_args (struct argv *a, qdrive_h *g,
                         const struct appliance *app)
{
  argv_add (a, "-no-reboot");
  argv_add (a, "-kernel");      /* qemu takes these three as they are */
  argv_add (a, app->kernel);
  argv_add (a, "-initrd");
  argv_add (a, app->initrd);
  argv_add (a, "-append");
  argv_take (a, qdrive_int_appliance_cmdline (g));
  argv_add (a, "-serial");
  argv_add (a, "stdio");
}

/* The guest agent's port: a virtio-serial port named as qemu-ga
 * expects, on a socket in the private directory. */
static void
add_appliance_agent_args (struct argv *a, const char *tmpdir)
{
  struct arg x = { NULL, 0, 0, 0 };

  argv_add (a, "-device");
  argv_add (a, "virtio-serial-pci,id=vser0");
  argv_add (a, "-chardev");
  arg_put_key_value (&x, "socket,id=qga,path=", tmpdir);
  arg_puts (&x, "/" DIRECT_QGA_SOCKET ",server=on,wait=off");
  arg_done (a, &x);
  argv_add (a, "-device");
  argv_add (a, "virtserialport,bus=vser0.0,chardev=qga,name="
            APPLIANCE_AGENT_PORT);
}

char **
direct_argv (qdrive_h *g, const struct appliance *app, int accel)
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
  if (app == NULL)
    argv_add (&a, "-S");
  else
    add_appliance_boot_args (&a, g, app);
  argv_add (&a, "-no-user-config");
  argv_add (&a, "-nodefaults");
  argv_add (&a, "-display");
  argv_add (&a, "none");
  argv_add (&a, "-machine");
  snprintf (buf, sizeof buf, "accel=%s", qdrive_int_accel_names[accel]);
  argv_add (&a, buf);
  argv_add (&a, "-m");
  snprintf (buf, sizeof buf, "%d", g->memsize);
  argv_add (&a, buf);
  argv_add (&a, "-smp");
  snprintf (buf, sizeof buf, "%d", g->smp);
  argv_add (&a, buf);

  /* QMP on a socket in the private directory. */
  argv_add (&a, "-chardev");
  arg_put_key_value (&x, "socket,id=qmp,path=", tmpdir);
  arg_puts (&x, "/" DIRECT_QMP_SOCKET ",server=on,wait=off");
  arg_done (&a, &x);
  argv_add (&a, "-mon");
  argv_add (&a, "chardev=qmp,mode=control");

  argv_add (&a, "-device");
  argv_add (&a, "virtio-scsi-pci,id=scsi0");
  for (i = 0; i < g->ndrives; ++i) {
    const struct drive *d = &g->drives[i];
    add_secret_arg (&a, tmpdir, d, i);
    add_drive_arg (&a, d, i);
    add_device_arg (&a, d, i, n_by_iface[d->iface]++);
  }
  if (app != NULL)
    add_appliance_agent_args (&a, tmpdir);

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

char **
qdrive_impl_get_qemu_command_line (qdrive_h *g)
{
  struct appliance app;
  char **argv;

  if (g->guest == QDRIVE_INT_GUEST_STOPPED)
    return direct_argv (g, NULL, g->accel);
  if (qdrive_int_appliance_locate (g, &app) == -1)
    return NULL;
  argv = direct_argv (g, &app, g->accel);
  qdrive_int_appliance_free (&app);
  return argv;
}
