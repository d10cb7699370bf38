/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: the drives a handle holds: add_drive, add_drive_ro,
 * add_drive_scratch, list_drives, and freeing them.  This file alone
 * changes g->drives and what goes with them (count_by_iface, the
 * interned formats).
 *
 * A drive is checked whole before anything is changed, so a refused
 * call leaves the handle as it was. */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static const size_t max_by_iface[] = {
  [QDRIVE_INT_IFACE_SCSI] = QDRIVE_MAX_SCSI_DRIVES,
  [QDRIVE_INT_IFACE_VIRTIO] = QDRIVE_MAX_VIRTIO_DRIVES,
  [QDRIVE_INT_IFACE_IDE] = QDRIVE_MAX_IDE_DRIVES,
};

/* A request (struct drive_request, internal.h) with every option at
 * its default: the one place both add_drive and add_drive_scratch
 * start from. */
static struct drive_request
drive_request_defaults (void)
{
  struct drive_request rq = {
    .iface = QDRIVE_INT_IFACE_DEFAULT,
    .cachemode = QDRIVE_INT_CACHEMODE_DEFAULT,
    .discard = QDRIVE_INT_DISCARD_DEFAULT,
    .protocol = QDRIVE_INT_PROTOCOL_DEFAULT,
  };

  return rq;
}

/* Letters, digits and _ (in the C locale, whatever the program's). */
static int
is_word_char (unsigned char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
    (c >= '0' && c <= '9') || c == '_';
}

static int
valid_label (const char *s)
{
  size_t n;

  for (n = 0; s[n] != '\0'; ++n)
    if (n >= QDRIVE_LABEL_MAX || !is_word_char (s[n]))
      return 0;
  return n > 0;
}

static int
valid_format (const char *s)
{
  const char *p;

  for (p = s; *p != '\0'; ++p)
    if (!is_word_char (*p) && *p != '-')
      return 0;
  return p > s;
}

/* Checks everything about the request except the file itself. */
static int
check_options (qdrive_h *g, const struct drive_request *rq)
{
  if (rq->label && !valid_label (rq->label)) {
    set_error (g, "label: \"%s\" is not valid; allowed: 1 to %d "
               "characters, each a letter, a digit or _",
               rq->label, QDRIVE_LABEL_MAX);
    return -1;
  }
  if (rq->format && !valid_format (rq->format)) {
    set_error (g, "format: \"%s\" is not valid; allowed: a non-empty "
               "name of letters, digits, _ and -", rq->format);
    return -1;
  }
  if (rq->name && *rq->name == '\0') {
    set_error (g, "name: \"\" is not valid; allowed: a non-empty string");
    return -1;
  }
  if (rq->blocksize != 0 && rq->blocksize != 512 && rq->blocksize != 4096) {
    set_error (g, "blocksize: %d is not valid; allowed: 512, 4096",
               rq->blocksize);
    return -1;
  }
  /* qemu's IDE disks only do 512-byte sectors (their discard
   * granularity is fixed at 512, and must be a multiple of the block
   * size). */
  if (rq->blocksize == 4096 && rq->iface == QDRIVE_INT_IFACE_IDE) {
    set_error (g, "blocksize: 4096 is not valid with iface \"ide\"; "
               "allowed with ide: 512");
    return -1;
  }
  if (rq->discard == QDRIVE_INT_DISCARD_ENABLE && rq->format == NULL) {
    set_error (g, "discard: \"enable\" needs the format to be given; "
               "give format, or use discard \"besteffort\"");
    return -1;
  }
  if (rq->discard == QDRIVE_INT_DISCARD_ENABLE && rq->readonly) {
    set_error (g, "discard: \"enable\" is refused for a readonly drive; "
               "allowed with readonly: disable, besteffort");
    return -1;
  }
  if (g->count_by_iface[rq->iface] >= max_by_iface[rq->iface]) {
    set_error (g, "iface: \"%s\" can hold at most %zu drives, and the "
               "handle has that many already",
               qdrive_int_iface_names[rq->iface], max_by_iface[rq->iface]);
    return -1;
  }
  return 0;
}

/* Format names repeat across drives: each distinct one is stored once. */
static const char *
intern_format (qdrive_h *g, const char *format)
{
  size_t i;
  char **formats;

  for (i = 0; i < g->nformats; ++i)
    if (strcmp (g->formats[i], format) == 0)
      return g->formats[i];
  formats = realloc (g->formats, (g->nformats + 1) * sizeof (char *));
  if (formats == NULL)
    return NULL;
  g->formats = formats;
  formats[g->nformats] = strdup (format);
  if (formats[g->nformats] == NULL)
    return NULL;
  return formats[g->nformats++];
}

static void
free_drive (struct drive *d)
{
  free (d->filename);
  qdrive_int_free_net (d->net);
  free (d->label);
  free (d->name);
}

/* Appends the checked request, taking ownership of abs_filename and
 * net on success only.  Only allocation can fail here, and then the
 * handle is unchanged. */
static int
append_drive (qdrive_h *g, const struct drive_request *rq, char *abs_filename,
              struct drive_net *net)
{
  struct drive d = {
    .filename = abs_filename,
    .net = net,
    .blocksize = rq->blocksize,
    .iface = rq->iface,
    .cachemode = rq->cachemode,
    .discard = rq->discard,
    .readonly = rq->readonly,
    .copyonread = rq->copyonread,
  };

  if (g->ndrives == g->drives_alloc) {
    size_t n = g->drives_alloc ? g->drives_alloc + g->drives_alloc / 2 : 8;
    struct drive *drives = realloc (g->drives, n * sizeof *drives);
    if (drives == NULL)
      goto nomem;
    g->drives = drives;
    g->drives_alloc = n;
  }
  if (rq->format && (d.format = intern_format (g, rq->format)) == NULL)
    goto nomem;
  if (rq->label && (d.label = strdup (rq->label)) == NULL)
    goto nomem;
  if (rq->name && (d.name = strdup (rq->name)) == NULL)
    goto nomem;
  g->drives[g->ndrives++] = d;
  g->count_by_iface[d.iface]++;
  return 0;

 nomem:
  set_perror (g, "cannot store the drive");
  d.filename = NULL;
  d.net = NULL;
  free_drive (&d);
  return -1;
}

static char *
absolute_path (qdrive_h *g, const char *filename)
{
  char *cwd, *path;

  if (filename[0] == '/') {
    path = strdup (filename);
    if (path == NULL)
      set_perror (g, "strdup");
    return path;
  }
  cwd = getcwd (NULL, 0);
  if (cwd == NULL) {
    set_perror (g, "filename: \"%s\" is relative and the current "
                "directory is unknown", filename);
    return NULL;
  }
  if (asprintf (&path, "%s/%s", cwd, filename) == -1) {
    set_perror (g, "asprintf");
    path = NULL;
  }
  free (cwd);
  return path;
}

/* A drive on a server: filename is its name there, kept as given. */
static int
add_network_drive (qdrive_h *g, const struct drive_request *rq)
{
  struct drive_net *net;
  char *name;

  if (check_options (g, rq) == -1 || qdrive_int_check_net (g, rq, &net) == -1)
    return -1;
  name = strdup (rq->filename);
  if (name == NULL) {
    set_perror (g, "strdup");
    qdrive_int_free_net (net);
    return -1;
  }
  if (append_drive (g, rq, name, net) == -1) {
    free (name);
    qdrive_int_free_net (net);
    return -1;
  }
  return 0;
}

/* The file on this machine: made absolute, and it must be there with
 * the access the drive needs, and be a file qemu can use as a disk
 * (launch may check again); *st is filled. */
static char *
checked_local_path (qdrive_h *g, const char *filename, bool readonly,
                    struct stat *st)
{
  char *path = absolute_path (g, filename);

  if (path == NULL)
    return NULL;
  if (access (path, readonly ? R_OK : R_OK | W_OK) == -1) {
    set_perror (g, "filename: \"%s\"%s", path,
                errno == EACCES && !readonly
                ? " (must be readable and writable unless readonly is true)"
                : "");
    free (path);
    return NULL;
  }
  if (qdrive_int_check_disk_file (g, "filename", path, st) == -1) {
    free (path);
    return NULL;
  }
  return path;
}

/* A file on the host of a remote libvirt daemon: this machine cannot
 * tell whether it exists there, nor resolve a relative name against a
 * directory there.  The daemon checks it at launch. */
static char *
remote_path (qdrive_h *g, const char *filename)
{
  char *path;

  if (filename[0] != '/') {
    set_error (g, "filename: \"%s\" is relative; allowed with the remote "
               "libvirt URI %s: an absolute path on the daemon's host",
               filename, qdrive_int_backend_uri (g));
    return NULL;
  }
  path = strdup (filename);
  if (path == NULL)
    set_perror (g, "strdup");
  return path;
}

int
qdrive_impl_add_drive (qdrive_h *g, const char *filename,
                       const struct qdrive_add_drive_opts_argv *optargs)
{
  struct drive_request rq = drive_request_defaults ();
  uint64_t set = optargs->bitmask;
  struct drive_net *net;
  struct stat st;
  char *path;
  bool local;

  rq.filename = filename;
  /* Enum values were checked by the generated wrapper. */
  if (set & QDRIVE_ADD_DRIVE_OPTS_READONLY_BITMASK)
    rq.readonly = optargs->readonly != 0;
  if (set & QDRIVE_ADD_DRIVE_OPTS_FORMAT_BITMASK)
    rq.format = optargs->format;
  if (set & QDRIVE_ADD_DRIVE_OPTS_IFACE_BITMASK)
    rq.iface = qdrive_int_iface_index (optargs->iface);
  if (set & QDRIVE_ADD_DRIVE_OPTS_NAME_BITMASK)
    rq.name = optargs->name;
  if (set & QDRIVE_ADD_DRIVE_OPTS_LABEL_BITMASK)
    rq.label = optargs->label;
  if (set & QDRIVE_ADD_DRIVE_OPTS_CACHEMODE_BITMASK)
    rq.cachemode = qdrive_int_cachemode_index (optargs->cachemode);
  if (set & QDRIVE_ADD_DRIVE_OPTS_DISCARD_BITMASK)
    rq.discard = qdrive_int_discard_index (optargs->discard);
  if (set & QDRIVE_ADD_DRIVE_OPTS_COPYONREAD_BITMASK)
    rq.copyonread = optargs->copyonread != 0;
  if (set & QDRIVE_ADD_DRIVE_OPTS_BLOCKSIZE_BITMASK) {
    rq.blocksize = optargs->blocksize;
    if (rq.blocksize == 0) {
      set_error (g, "blocksize: 0 is not valid; allowed: 512, 4096");
      return -1;
    }
  }
  if (set & QDRIVE_ADD_DRIVE_OPTS_PROTOCOL_BITMASK)
    rq.protocol = qdrive_int_protocol_index (optargs->protocol);
  if (set & QDRIVE_ADD_DRIVE_OPTS_SERVER_BITMASK)
    rq.server = optargs->server;
  if (set & QDRIVE_ADD_DRIVE_OPTS_USERNAME_BITMASK)
    rq.username = optargs->username;
  if (set & QDRIVE_ADD_DRIVE_OPTS_SECRET_BITMASK)
    rq.secret = optargs->secret;

  if (rq.protocol != QDRIVE_INT_PROTOCOL_FILE)
    return add_network_drive (g, &rq);
  if (qdrive_int_check_net (g, &rq, &net) == -1)
    return -1;
  if (*filename == '\0') {
    set_error (g, "filename: \"\" is not valid; allowed: the path of an "
               "existing file");
    return -1;
  }
  if (check_options (g, &rq) == -1)
    return -1;
  local = !qdrive_int_files_are_remote (g);
  if (local)
    path = checked_local_path (g, filename, rq.readonly, &st);
  else
    path = remote_path (g, filename);
  if (path == NULL)
    return -1;
  /* Whether another drive has the file: only this machine's files. */
  if (local && qdrive_int_check_shared_file (g, path, &st, rq.readonly) == -1) {
    free (path);
    return -1;
  }
  if (append_drive (g, &rq, path, NULL) == -1) {
    free (path);
    return -1;
  }
  if (local)
    qdrive_int_note_drive_file (g, &st, g->ndrives - 1, rq.readonly);
  return 0;
}

int
qdrive_impl_add_drive_ro (qdrive_h *g, const char *filename)
{
  const struct qdrive_add_drive_opts_argv optargs = {
    .bitmask = QDRIVE_ADD_DRIVE_OPTS_READONLY_BITMASK,
    .readonly = 1,
  };

  return qdrive_impl_add_drive (g, filename, &optargs);
}

int
qdrive_impl_add_drive_scratch (qdrive_h *g, int64_t size,
                               const struct qdrive_add_drive_scratch_argv *optargs)
{
  struct drive_request rq = drive_request_defaults ();
  uint64_t set = optargs->bitmask;
  const char *tmpdir;
  struct stat st;
  char *path;
  int fd, r;

  /* A sparse raw file whose contents do not outlive the handle. */
  rq.format = "raw";
  rq.cachemode = QDRIVE_INT_CACHEMODE_UNSAFE;
  if (set & QDRIVE_ADD_DRIVE_SCRATCH_NAME_BITMASK)
    rq.name = optargs->name;
  if (set & QDRIVE_ADD_DRIVE_SCRATCH_LABEL_BITMASK)
    rq.label = optargs->label;
  if (set & QDRIVE_ADD_DRIVE_SCRATCH_BLOCKSIZE_BITMASK) {
    rq.blocksize = optargs->blocksize;
    if (rq.blocksize == 0) {
      set_error (g, "blocksize: 0 is not valid; allowed: 512, 4096");
      return -1;
    }
  }
  if (size <= 0) {
    set_error (g, "size: %" PRIi64 " is not valid; allowed: 1 or more bytes",
               size);
    return -1;
  }
  if (check_options (g, &rq) == -1)
    return -1;

  tmpdir = qdrive_int_tmpdir (g);
  if (tmpdir == NULL)
    return -1;
  if (asprintf (&path, "%s/scratch%zu.img", tmpdir, g->nscratch) == -1) {
    set_perror (g, "asprintf");
    return -1;
  }
  fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd == -1) {
    set_perror (g, "cannot create the scratch file %s", path);
    free (path);
    return -1;
  }
  if (ftruncate (fd, size) == -1) {
    set_perror (g, "size: cannot make %s %" PRIi64 " bytes long", path, size);
    close (fd);
    unlink (path);
    free (path);
    return -1;
  }
  /* Recorded like any file, so that add_drive of its name is refused. */
  if (fstat (fd, &st) == -1) {
    set_perror (g, "fstat: %s", path);
    r = -1;
  }
  else
    r = qdrive_int_check_shared_file (g, path, &st, false);
  close (fd);
  rq.filename = path;
  if (r == -1 || append_drive (g, &rq, path, NULL) == -1) {
    unlink (path);
    free (path);
    return -1;
  }
  g->drives[g->ndrives - 1].scratch = true;
  qdrive_int_note_drive_file (g, &st, g->ndrives - 1, false);
  g->nscratch++;
  return 0;
}

void
qdrive_int_free_drives (qdrive_h *g)
{
  size_t i;

  for (i = 0; i < g->ndrives; ++i)
    free_drive (&g->drives[i]);
  free (g->drives);
  g->drives = NULL;
  g->ndrives = g->drives_alloc = 0;
  for (i = 0; i < g->nformats; ++i)
    free (g->formats[i]);
  free (g->formats);
  g->formats = NULL;
  g->nformats = 0;
  memset (g->count_by_iface, 0, sizeof g->count_by_iface);
  qdrive_int_free_drive_files (g);
}

static char *
strdup_or_empty (const char *s)
{
  return strdup (s ? s : "");
}

struct qdrive_drive_list *
qdrive_impl_list_drives (qdrive_h *g)
{
  struct qdrive_drive_list *l;
  size_t i;

  l = calloc (1, sizeof *l);
  if (l == NULL || (g->ndrives > 0 &&
                    (l->val = calloc (g->ndrives, sizeof *l->val)) == NULL)) {
    set_perror (g, "calloc");
    free (l);
    return NULL;
  }
  for (i = 0; i < g->ndrives; ++i) {
    const struct drive *d = &g->drives[i];
    struct qdrive_drive *out = &l->val[i];

    l->len = i + 1;             /* so a failure frees what is filled */
    out->index = i;
    out->readonly = d->readonly;
    out->copyonread = d->copyonread;
    out->blocksize = d->blocksize;
    out->filename = strdup (d->filename);
    out->format = strdup_or_empty (d->format);
    out->iface = strdup (qdrive_int_iface_names[d->iface]);
    out->cachemode = strdup (qdrive_int_cachemode_names[d->cachemode]);
    out->discard = strdup (qdrive_int_discard_names[d->discard]);
    out->label = strdup_or_empty (d->label);
    out->name = strdup_or_empty (d->name);
    out->protocol = strdup (qdrive_int_protocol_names[d->net
                                                      ? d->net->protocol
                                                      : QDRIVE_INT_PROTOCOL_FILE]);
    out->server = qdrive_int_net_servers (d->net);
    out->username = strdup_or_empty (d->net ? d->net->username : NULL);
    if (!out->filename || !out->format || !out->iface || !out->cachemode ||
        !out->discard || !out->label || !out->name || !out->protocol ||
        !out->server || !out->username) {
      set_perror (g, "strdup");
      qdrive_free_drive_list (l);
      return NULL;
    }
  }
  return l;
}
