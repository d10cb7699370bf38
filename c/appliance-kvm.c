/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: whether KVM can boot the appliance on this host, as learnt by
 * an earlier launch (see appliance.h).
 *
 * On some hosts /dev/kvm opens, so qemu's accel=kvm:tcg picks KVM, yet a
 * guest run with KVM never gets past the kernel's real-mode setup.  A
 * launch with accel kvm:tcg then notices that the appliance shows no
 * sign of life (direct-appliance.c), launches again with TCG, and
 * records the verdict here so that later launches go to TCG at once.
 *
 * The verdict is the file kvm-fails-VERSION in the cache directory:
 *
 *   # qdrive: KVM did not boot this kernel on this host; see qdrive(3)
 *   boot_id e7331fdb-aaa5-409d-9bbe-0615aaf2f350
 *   kernel /boot/vmlinuz-6.1.0-57-cloud-amd64
 *
 * It holds while the host has not restarted (the same boot id: a
 * reboot may bring another host kernel, KVM module or firmware) and
 * the appliance boots the same kernel (the same path: the name's
 * version only keeps one file per kernel); other lines are comments.
 * A verdict that no longer holds is ignored, and replaced by the next
 * fallback.
 *
 * What a wrong verdict costs: one that says KVM fails where it would
 * work only makes launches slower (TCG) until the host restarts; a
 * missing or unreadable one costs one fallback (the bound of
 * direct-appliance.c, a few seconds).  Nothing that decides whether a
 * launch succeeds is read from here, so the file is written without
 * fsync (a crash restarts the host, which voids it anyway) and read
 * leniently.  Writers write a temporary file and rename it into place:
 * two launches falling back at once each rename a complete file, and
 * a reader sees one or the other. */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "appliance.h"

#define BOOT_ID_FILE "/proc/sys/kernel/random/boot_id"

/* The verdict's longest sensible size (a comment, two keys, a path);
 * the rest of a longer file is not read. */
#define VERDICT_MAX 8192

/* The host's boot id into buf ("" if it cannot be read). */
static void
read_boot_id (char *buf, size_t len)
{
  FILE *f = fopen (BOOT_ID_FILE, "re");

  buf[0] = '\0';
  if (f == NULL)
    return;
  if (fgets (buf, (int) len, f) == NULL)
    buf[0] = '\0';
  buf[strcspn (buf, "\n")] = '\0';
  fclose (f);
}

/* The verdict's path for kernel a (malloc'd, NULL if out of memory). */
static char *
verdict_path (qdrive_h *g, const struct appliance *a)
{
  char *version = qdrive_int_appliance_name_version (a), *path;

  if (version == NULL ||
      asprintf (&path, "%s/" APPLIANCE_KVM_VERDICT "%s", g->cachedir,
                version) == -1)
    path = NULL;
  free (version);
  return path;
}

/* The verdict's text for kernel a on this boot, or NULL (out of
 * memory, or no boot id: without one there is no verdict to keep). */
static char *
verdict_text (const struct appliance *a)
{
  char boot_id[64], *s;

  read_boot_id (boot_id, sizeof boot_id);
  if (boot_id[0] == '\0')
    return NULL;
  if (asprintf (&s, "# qdrive: KVM did not boot this kernel on this host; "
                "see qdrive(3)\nboot_id %s\nkernel %s\n", boot_id,
                a->kernel) == -1)
    return NULL;
  return s;
}

/* Is "KEY VALUE" a line of text? */
static bool
has_line (const char *text, const char *key, const char *value)
{
  size_t klen = strlen (key), vlen = strlen (value), len;
  const char *line = text;

  for (;;) {
    len = strcspn (line, "\n");
    if (len == klen + 1 + vlen && memcmp (line, key, klen) == 0 &&
        line[klen] == ' ' && memcmp (line + klen + 1, value, vlen) == 0)
      return true;
    if (line[len] == '\0')
      return false;
    line += len + 1;
  }
}

bool
qdrive_int_appliance_kvm_fails (qdrive_h *g, const struct appliance *a)
{
  char *path = verdict_path (g, a);
  char boot_id[64], buf[VERDICT_MAX + 1];
  ssize_t n = -1;
  int fd;
  bool r;

  read_boot_id (boot_id, sizeof boot_id);
  if (path != NULL && boot_id[0] != '\0' &&
      (fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) >= 0) {
    n = read (fd, buf, VERDICT_MAX);
    close (fd);
  }
  if (n >= 0)
    buf[n] = '\0';
  /* The same boot, the same kernel (other lines are comments). */
  r = n >= 0 && strlen (buf) == (size_t) n &&
    has_line (buf, "boot_id", boot_id) && has_line (buf, "kernel", a->kernel);
  if (r)
    qdrive_int_verbose (g, "appliance: KVM did not boot kernel %s on this "
                        "host before (%s says so until the host restarts): "
                        "running it with TCG", a->kernel, path);
  free (path);
  return r;
}

void
qdrive_int_appliance_kvm_failed (qdrive_h *g, const struct appliance *a)
{
  char *path = verdict_path (g, a);
  char *text = verdict_text (a), *tmp = NULL;
  size_t len;
  int fd = -1, closed;

  if (path == NULL || text == NULL) {
    qdrive_int_verbose (g, "appliance: cannot record that KVM cannot boot "
                        "kernel %s (%s)", a->kernel, path == NULL ?
                        "out of memory" : "no boot id in " BOOT_ID_FILE);
    goto out;
  }
  if (asprintf (&tmp, "%s" APPLIANCE_KVM_VERDICT_TMP "XXXXXX", path) == -1) {
    tmp = NULL;
    goto fail;
  }
  fd = mkostemp (tmp, O_CLOEXEC);
  if (fd == -1) {
    free (tmp);
    tmp = NULL;
    goto fail;
  }
  len = strlen (text);
  if (write (fd, text, len) != (ssize_t) len)
    goto fail;
  closed = close (fd);
  fd = -1;                      /* closed, even when close fails */
  if (closed == -1 || rename (tmp, path) == -1)
    goto fail;
  free (tmp);
  tmp = NULL;
  qdrive_int_verbose (g, "appliance: recorded in %s: later launches with "
                      "accel kvm:tcg run kernel %s with TCG until the host "
                      "restarts", path, a->kernel);
  goto out;

 fail:
  /* Only speed is lost: the next launch tries KVM again. */
  qdrive_int_verbose (g, "appliance: cannot record in %s that KVM cannot "
                      "boot kernel %s (the next launch will try KVM "
                      "again): %m", path, a->kernel);
 out:
  if (fd >= 0)
    close (fd);
  if (tmp != NULL)
    unlink (tmp);
  free (tmp);
  free (path);
  free (text);
}
