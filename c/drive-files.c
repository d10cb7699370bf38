/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: the local files of a handle's drives, as add_drive checks
 * them: what kind of file each is, and which drives share one.
 *
 * qemu uses a regular file or a block device as a disk.  Anything else
 * fails at launch, and not always clearly: qemu opening a FIFO waits
 * for a writer, and launch then times out blaming QMP.
 *
 * qemu locks each image it opens, and refuses a drive on a file that
 * another drive writes to: two writable drives on one file, or a
 * writable and a readonly one (a readonly drive reads the file under a
 * throw-away overlay, and needs it unchanging).  Readonly drives may
 * share a file.  A file is known by its identity, so hard links and
 * symbolic links to it are the same file; a block device by its
 * device number, whichever node names it.
 *
 * The identities are kept in an open-addressing hash table, so adding
 * a drive costs the same with a hundred thousand drives as with one.
 * The table is grown before a drive is checked, so that recording the
 * drive afterwards cannot fail. */

#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

struct file_slot {
  dev_t dev;                    /* 0 and ino 0: an empty slot */
  ino_t ino;
  size_t first;                 /* the index of the first drive on it */
  bool writable;                /* some drive on it is writable */
};

struct drive_files {
  struct file_slot *slots;
  size_t nslots;                /* a power of 2, or 0 */
  size_t used;
};

/* A block device is known by its device number: dev 0 cannot be a
 * file system's, and the high bit keeps it apart from an inode. */
static void
identity (const struct stat *st, dev_t *dev, ino_t *ino)
{
  if (S_ISBLK (st->st_mode)) {
    *dev = 0;
    *ino = (ino_t) st->st_rdev | ((ino_t) 1 << (sizeof (ino_t) * 8 - 1));
  }
  else {
    *dev = st->st_dev;
    *ino = st->st_ino;
  }
}

static size_t
hash (dev_t dev, ino_t ino)
{
  uint64_t h = ((uint64_t) dev * 0x9e3779b97f4a7c15ULL) ^ (uint64_t) ino;

  h ^= h >> 31;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 29;
  return (size_t) h;
}

static bool
slot_empty (const struct file_slot *s)
{
  return s->dev == 0 && s->ino == 0;
}

/* The slot of (dev, ino): its own, or the empty one it would take. */
static struct file_slot *
lookup (struct drive_files *f, dev_t dev, ino_t ino)
{
  size_t mask = f->nslots - 1, i = hash (dev, ino) & mask;

  while (!slot_empty (&f->slots[i]) &&
         (f->slots[i].dev != dev || f->slots[i].ino != ino))
    i = (i + 1) & mask;
  return &f->slots[i];
}

/* Room for one more file, the table at most half full. */
static int
reserve (qdrive_h *g)
{
  struct drive_files *f = g->files;
  struct drive_files bigger;
  size_t i;

  if (f == NULL) {
    f = g->files = calloc (1, sizeof *f);
    if (f == NULL) {
      set_perror (g, "calloc");
      return -1;
    }
  }
  if ((f->used + 1) * 2 <= f->nslots)
    return 0;
  bigger.nslots = f->nslots ? f->nslots * 2 : 16;
  bigger.used = f->used;
  bigger.slots = calloc (bigger.nslots, sizeof *bigger.slots);
  if (bigger.slots == NULL) {
    set_perror (g, "calloc");
    return -1;
  }
  for (i = 0; i < f->nslots; ++i)
    if (!slot_empty (&f->slots[i]))
      *lookup (&bigger, f->slots[i].dev, f->slots[i].ino) = f->slots[i];
  free (f->slots);
  *f = bigger;
  return 0;
}

/* What the file is, if qemu cannot use it as a disk; NULL if it can. */
static const char *
unusable_kind (mode_t mode)
{
  if (S_ISREG (mode) || S_ISBLK (mode))
    return NULL;
  if (S_ISDIR (mode))
    return "a directory";
  if (S_ISFIFO (mode))
    return "a FIFO (named pipe)";
  if (S_ISSOCK (mode))
    return "a socket";
  if (S_ISCHR (mode))
    return "a character device";
  return "not a regular file";
}

int
qdrive_int_check_disk_file (qdrive_h *g, const char *what, const char *path,
                            struct stat *st)
{
  const char *kind;

  if (stat (path, st) == -1) {
    set_perror (g, "%s: \"%s\"", what, path);
    return -1;
  }
  kind = unusable_kind (st->st_mode);
  if (kind != NULL) {
    qdrive_int_error (g, EINVAL, "%s: \"%s\" is %s; allowed: a regular "
                      "file or a block device", what, path, kind);
    return -1;
  }
  return 0;
}

int
qdrive_int_check_shared_file (qdrive_h *g, const char *path,
                              const struct stat *st, bool readonly)
{
  const struct file_slot *s;
  dev_t dev;
  ino_t ino;

  if (reserve (g) == -1)
    return -1;
  identity (st, &dev, &ino);
  s = lookup (g->files, dev, ino);
  if (!slot_empty (s) && (s->writable || !readonly)) {
    set_error (g, "filename: \"%s\" is the file of drive hd%zu (\"%s\") "
               "already; qemu opens a file for several drives only if "
               "all of them are readonly", path, s->first,
               g->drives[s->first].filename);
    return -1;
  }
  return 0;
}

void
qdrive_int_note_drive_file (qdrive_h *g, const struct stat *st, size_t index,
                            bool readonly)
{
  struct file_slot *s;
  dev_t dev;
  ino_t ino;

  identity (st, &dev, &ino);
  s = lookup (g->files, dev, ino);
  if (slot_empty (s)) {
    s->dev = dev;
    s->ino = ino;
    s->first = index;
    g->files->used++;
  }
  if (!readonly)
    s->writable = true;
}

void
qdrive_int_free_drive_files (qdrive_h *g)
{
  if (g->files != NULL) {
    free (g->files->slots);
    free (g->files);
    g->files = NULL;
  }
}
