/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: the appliance's kernel, its cached initramfs, and the kernel
 * command line (see appliance.h).
 *
 * The kernel is the one set_kernel or $QDRIVE_KERNEL names, or else the
 * newest vmlinuz-VERSION whose modules are installed in /boot (or in
 * the directory they name), a cloud kernel first: Debian's cloud kernels are LZ4-compressed and reach
 * /init in about 2 s under TCG where the generic (XZ) ones take 5.
 * Its version is read from the image itself (the bzImage header), so a
 * kernel copied under another name still finds its modules: in
 * ROOT/lib/modules/VERSION for a kernel in ROOT/boot (an unpacked
 * kernel package), in /lib/modules/VERSION for any other.
 *
 * The initramfs is cached in the cache directory as
 * appliance-VERSION-KEY.img, KEY a hash of everything that decides
 * where its contents come from (the kernel's path and version, the
 * modules directory, the format below and the /init script).  Its first
 * member, the manifest, records the size, time, inode and device of
 * every host file it was built from: a launch reads that one member and
 * stats those files, and the appliance is rebuilt as soon as one of
 * them changed (a package upgrade replaces the files).  Building happens
 * under an exclusive lock on the cache directory, into a temporary file
 * renamed into place when complete, so a launch never sees half an
 * appliance and two processes building at once do not both write.
 *
 * Only the appliance just built is kept: each build removes the other
 * appliance-*.img files (older packages, kernels or formats, 11 to 12 MB
 * each), as libguestfs keeps one appliance; a rebuild costs about
 * 0.1 s.  A launch uses its appliance from the check above until qemu
 * has read it (qemu 7.2 reads the initramfs into memory when it starts
 * and keeps no descriptor of it): for that time it holds the file open
 * with a shared flock, and a build removes only files on which it gets
 * an exclusive one at once.  A launch that opened a file just before a
 * build removed it sees, once locked, that its name no longer leads to
 * that file, and builds it again.  A launch by an older qdrive takes no
 * such lock: the worst it meets is a missing file (qemu's error), since
 * files are only ever renamed into place or removed, never rewritten. */

#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "appliance.h"

/* Bumped whenever the builder puts something else in the appliance, so
 * that older cached ones are not used. */
#define APPLIANCE_FORMAT "qdrive-appliance-3"

/* How often a launch waiting for another process's build retries the
 * lock. */
#define LOCK_RETRY_NS (20 * 1000000L)

void
qdrive_int_appliance_free (struct appliance *a)
{
  free (a->kernel);
  free (a->version);
  free (a->modroot);
  free (a->moddir);
  free (a->initrd);
  if (a->initrd_fd >= 0)
    close (a->initrd_fd);       /* and with it, its lock */
  *a = (struct appliance) APPLIANCE_EMPTY;
}

/* ---- the kernel ------------------------------------------------------ */

/* The version of a bzImage, from its setup header: "HdrS" at 0x202,
 * and at 0x20E the offset (from 0x200) of a string that starts with
 * the version.  Malloc'd; NULL if the file is not a bzImage (errno
 * EINVAL) or cannot be read. */
static char *
kernel_version (const char *path)
{
  unsigned char hdr[0x210];
  char buf[256];
  unsigned off;
  ssize_t n;
  size_t len;
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd == -1)
    return NULL;
  n = pread (fd, hdr, sizeof hdr, 0);
  if (n != (ssize_t) sizeof hdr || memcmp (hdr + 0x202, "HdrS", 4) != 0)
    goto not_bzimage;
  off = hdr[0x20E] | (unsigned) hdr[0x20F] << 8;
  if (off == 0)
    goto not_bzimage;
  n = pread (fd, buf, sizeof buf - 1, 0x200 + off);
  if (n <= 0)
    goto not_bzimage;
  buf[n] = '\0';
  len = strcspn (buf, " ");
  if (len == 0 || len == (size_t) n)
    goto not_bzimage;
  close (fd);
  return strndup (buf, len);

 not_bzimage:
  close (fd);
  errno = EINVAL;
  return NULL;
}

/* Where the modules of kernel at path are: its root, ROOT for
 * ROOT/boot/NAME, / otherwise. */
static char *
modules_root (const char *path)
{
  const char *slash = strrchr (path, '/');
  size_t dirlen = slash ? (size_t) (slash - path) : 0;

  if (dirlen >= 5 && memcmp (path + dirlen - 5, "/boot", 5) == 0 &&
      dirlen > 5)
    return strndup (path, dirlen - 5);
  return strdup ("/");
}

/* Fills kernel, version, modroot and moddir for the kernel at path. */
static int
describe_kernel (qdrive_h *g, const char *path, struct appliance *a)
{
  struct stat st;

  a->kernel = strdup (path);
  if (a->kernel == NULL) {
    set_perror (g, "strdup");
    return -1;
  }
  a->version = kernel_version (path);
  if (a->version == NULL) {
    if (errno == EINVAL)
      set_error (g, "kernel: \"%s\" is not a Linux kernel image (no "
                 "bzImage header); allowed: a file such as "
                 "/boot/vmlinuz-VERSION", path);
    else
      set_perror (g, "kernel: cannot read \"%s\"", path);
    return -1;
  }
  a->modroot = modules_root (path);
  if (a->modroot == NULL ||
      asprintf (&a->moddir, "%s/lib/modules/%s",
                strcmp (a->modroot, "/") == 0 ? "" : a->modroot,
                a->version) == -1) {
    a->moddir = NULL;
    set_perror (g, "asprintf");
    return -1;
  }
  if (stat (a->moddir, &st) == -1 || !S_ISDIR (st.st_mode)) {
    set_error (g, "kernel: \"%s\" is version %s, whose modules are not "
               "installed (%s does not exist); install the kernel's "
               "package, or choose another kernel with set_kernel or "
               "$QDRIVE_KERNEL", path, a->version, a->moddir);
    return -1;
  }
  return 0;
}

/* Is /boot/name a kernel with its modules, and better than *best
 * (a cloud kernel first, then the highest version)? */
static bool
better_kernel (const char *name, const char *best)
{
  bool cloud = strstr (name, "-cloud-") != NULL;
  bool best_cloud;

  if (best == NULL)
    return true;
  best_cloud = strstr (best, "-cloud-") != NULL;
  if (cloud != best_cloud)
    return cloud;
  return strverscmp (name, best) > 0;
}

/* Does the kernel at path have its modules installed? */
static bool
has_modules (const char *path)
{
  char *version = kernel_version (path), *root = modules_root (path);
  char moddir[4096];
  struct stat st;
  bool r = false;

  if (version != NULL && root != NULL) {
    snprintf (moddir, sizeof moddir, "%s/lib/modules/%s",
              strcmp (root, "/") == 0 ? "" : root, version);
    r = stat (moddir, &st) == 0 && S_ISDIR (st.st_mode);
  }
  free (version);
  free (root);
  return r;
}

/* The best kernel in directory dir (see the top of this file). */
static int
find_kernel (qdrive_h *g, const char *dir, struct appliance *a)
{
  DIR *d = opendir (dir);
  struct dirent *e;
  char *best = NULL, *path;
  int r;

  if (d != NULL) {
    while ((e = readdir (d)) != NULL) {
      if (strncmp (e->d_name, "vmlinuz-", 8) != 0 ||
          !better_kernel (e->d_name, best))
        continue;
      if (asprintf (&path, "%s/%s", dir, e->d_name) == -1)
        continue;
      if (has_modules (path)) {
        free (best);
        best = strdup (e->d_name);
      }
      free (path);
    }
    closedir (d);
  }
  if (best == NULL) {
    qdrive_int_error (g, ENOENT, "no kernel for the appliance: %s has no "
                      "readable vmlinuz-VERSION with its modules installed; "
                      "install one (Debian: apt-get install "
                      "linux-image-cloud-amd64), or name one with set_kernel "
                      "or $QDRIVE_KERNEL", dir);
    return -1;
  }
  if (asprintf (&path, "%s/%s", dir, best) == -1) {
    free (best);
    set_perror (g, "asprintf");
    return -1;
  }
  free (best);
  r = describe_kernel (g, path, a);
  free (path);
  return r;
}

/* The kernel setting: "" for /boot's best, a directory for its best,
 * or a kernel image. */
static int
choose_kernel (qdrive_h *g, struct appliance *a)
{
  struct stat st;

  if (*g->kernel == '\0')
    return find_kernel (g, "/boot", a);
  if (stat (g->kernel, &st) == 0 && S_ISDIR (st.st_mode))
    return find_kernel (g, g->kernel, a);
  return describe_kernel (g, g->kernel, a);
}

/* ---- where the initramfs is cached ----------------------------------- */

static void
fnv1a (uint64_t *h, const char *s)
{
  /* With the terminating NUL, so that ("ab", "c") and ("a", "bc")
   * differ. */
  do
    *h = (*h ^ (unsigned char) *s) * 0x100000001b3ULL;
  while (*s++);
}

/* The version goes in names for people looking at the directory; only
 * characters that need no quoting anywhere. */
char *
qdrive_int_appliance_name_version (const struct appliance *a)
{
  char *version = strdup (a->version), *p;

  for (p = version; p != NULL && *p; ++p)
    if (!strchr ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                 "0123456789._+-", *p))
      *p = '_';
  return version;
}

static int
initrd_path (qdrive_h *g, struct appliance *a)
{
  uint64_t h = 0xcbf29ce484222325ULL;
  char *version;

  fnv1a (&h, APPLIANCE_FORMAT);
  fnv1a (&h, qdrive_int_appliance_init);
  fnv1a (&h, a->kernel);
  fnv1a (&h, a->version);
  fnv1a (&h, a->moddir);
  version = qdrive_int_appliance_name_version (a);
  if (version == NULL) {
    set_perror (g, "strdup");
    return -1;
  }
  if (asprintf (&a->initrd, "%s/appliance-%s-%016" PRIx64 ".img",
                g->cachedir, version, h) == -1) {
    a->initrd = NULL;
    set_perror (g, "asprintf");
  }
  free (version);
  return a->initrd ? 0 : -1;
}

int
qdrive_int_appliance_locate (qdrive_h *g, struct appliance *a)
{
  *a = (struct appliance) APPLIANCE_EMPTY;
  if (choose_kernel (g, a) == -1 || initrd_path (g, a) == -1) {
    qdrive_int_appliance_free (a);
    return -1;
  }
  return 0;
}

/* ---- is the cached one current? ------------------------------------- */

/* The manifest of the archive open in fd, or NULL (why says why not). */
static char *
read_manifest (int fd, const char **why)
{
  struct archive *ar = archive_read_new ();
  struct archive_entry *e;
  char *text = NULL;
  la_int64_t size;
  la_ssize_t n;

  *why = "it cannot be read";
  if (ar == NULL)
    return NULL;
  archive_read_support_format_cpio (ar);
  if (lseek (fd, 0, SEEK_SET) == -1 ||
      archive_read_open_fd (ar, fd, 65536) != ARCHIVE_OK)
    goto out;
  if (archive_read_next_header (ar, &e) != ARCHIVE_OK ||
      strcmp (archive_entry_pathname (e), APPLIANCE_MANIFEST) != 0 ||
      !archive_entry_size_is_set (e) ||
      (size = archive_entry_size (e)) <= 0 || size > APPLIANCE_MANIFEST_MAX) {
    *why = "it has no manifest";
    goto out;
  }
  text = malloc ((size_t) size + 1);
  if (text == NULL)
    goto out;
  n = archive_read_data (ar, text, (size_t) size);
  if (n != size) {
    free (text);
    text = NULL;
    goto out;
  }
  text[size] = '\0';
 out:
  archive_read_free (ar);
  return text;
}

/* 1: the appliance open in fd was built from the files as they are
 * now; 0: it was not, or is unreadable (why says which). */
static int
is_current (int fd, const char **why)
{
  char *text = read_manifest (fd, why), *line, *next, *file;
  unsigned long long size, ino, dev;
  long long sec;
  long nsec;
  struct stat st;
  int used, r = 1;

  if (text == NULL)
    return 0;
  for (line = text; *line; line = next) {
    next = strchr (line, '\n');
    if (next == NULL) {
      *why = "its manifest is cut short";
      r = 0;
      break;
    }
    *next++ = '\0';
    used = -1;
    if (sscanf (line, "%llu %lld.%ld %llu %llu %n", &size, &sec, &nsec,
                &ino, &dev, &used) != 5 || used <= 0) {
      *why = "its manifest cannot be read";
      r = 0;
      break;
    }
    file = line + used;
    if (stat (file, &st) == -1 || (unsigned long long) st.st_size != size ||
        st.st_mtim.tv_sec != sec || st.st_mtim.tv_nsec != nsec ||
        (unsigned long long) st.st_ino != ino ||
        (unsigned long long) st.st_dev != dev) {
      *why = "a file it was built from has changed";
      r = 0;
      break;
    }
  }
  free (text);
  return r;
}

/* Is the file open in fd still the one named name in directory dirfd
 * (AT_FDCWD: name is a path)? */
static bool
still_named (int fd, int dirfd, const char *name)
{
  struct stat opened, named;

  return fstat (fd, &opened) == 0 &&
    fstatat (dirfd, name, &named, AT_SYMLINK_NOFOLLOW) == 0 &&
    opened.st_dev == named.st_dev && opened.st_ino == named.st_ino;
}

/* Opens the cached appliance a->initrd with a shared lock (see the top
 * of this file) and keeps it open in a->initrd_fd if it is current: 1.
 * 0 if it is missing, was removed meanwhile or is not current (why
 * says which); nothing is left open then. */
static int
use_cached (struct appliance *a, const char **why)
{
  int fd = open (a->initrd, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

  if (fd == -1) {
    *why = errno == ENOENT ? "it does not exist" : "it cannot be opened";
    return 0;
  }
  /* A build holds its exclusive lock only to remove the file. */
  while (flock (fd, LOCK_SH) == -1)
    if (errno != EINTR) {
      *why = "it cannot be locked";
      goto not_used;
    }
  if (!still_named (fd, AT_FDCWD, a->initrd)) {
    *why = "a build removed it while this launch opened it";
    goto not_used;
  }
  if (!is_current (fd, why))
    goto not_used;
  a->initrd_fd = fd;
  return 1;

 not_used:
  close (fd);
  return 0;
}

/* ---- the cache directory and its lock -------------------------------- */

/* mkdir -p, each new directory private to the user. */
static int
make_dirs (const char *dir)
{
  char *copy = strdup (dir), *p;
  int r = 0;

  if (copy == NULL)
    return -1;
  for (p = copy + 1; r == 0; ++p) {
    if (*p == '/' || *p == '\0') {
      char c = *p;
      *p = '\0';
      if (mkdir (copy, 0700) == -1 && errno != EEXIST)
        r = -1;
      *p = c;
      if (c == '\0')
        break;
    }
  }
  free (copy);
  return r;
}

/* Creates the cache directory if needed and checks that it is the
 * user's own: another user could otherwise put an appliance there that
 * this user's guests would boot. */
static int
prepare_cachedir (qdrive_h *g)
{
  struct stat st;

  if (make_dirs (g->cachedir) == -1 || lstat (g->cachedir, &st) == -1) {
    set_perror (g, "cannot create the appliance cache directory %s "
                "(choose another with set_cachedir or $QDRIVE_CACHEDIR)",
                g->cachedir);
    return -1;
  }
  if (!S_ISDIR (st.st_mode)) {
    qdrive_int_error (g, ENOTDIR, "the appliance cache directory %s is not "
                      "a directory (choose another with set_cachedir or "
                      "$QDRIVE_CACHEDIR)", g->cachedir);
    return -1;
  }
  if (st.st_uid != geteuid () || (st.st_mode & 022) != 0) {
    qdrive_int_error (g, EPERM, "the appliance cache directory %s is %s; "
                      "it must be owned by you (uid %d) and writable by "
                      "you only (choose another with set_cachedir or "
                      "$QDRIVE_CACHEDIR)", g->cachedir,
                      st.st_uid != geteuid () ? "another user's"
                      : "writable by others", (int) geteuid ());
    return -1;
  }
  return 0;
}

/* Takes the build lock: an exclusive flock on the directory itself.
 * Returns the locked descriptor, or -1 with the error set. */
static int
lock_cachedir (qdrive_h *g)
{
  struct timespec deadline, now, nap = { 0, LOCK_RETRY_NS };
  int fd = open (g->cachedir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd == -1) {
    set_perror (g, "cannot open the appliance cache directory %s",
                g->cachedir);
    return -1;
  }
  clock_gettime (CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += g->launch_timeout;
  while (flock (fd, LOCK_EX | LOCK_NB) == -1) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      set_perror (g, "cannot lock the appliance cache directory %s",
                  g->cachedir);
      close (fd);
      return -1;
    }
    clock_gettime (CLOCK_MONOTONIC, &now);
    if (now.tv_sec > deadline.tv_sec ||
        (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec)) {
      qdrive_int_error (g, ETIMEDOUT, "another process has been building "
                        "the appliance in %s for more than %d seconds",
                        g->cachedir, g->launch_timeout);
      close (fd);
      return -1;
    }
    nanosleep (&nap, NULL);
  }
  return fd;
}

/* Is name a temporary file that only a builder or verdict writer that
 * died leaves under the lock?  A temporary appliance is written only
 * under the lock; a KVM verdict's may be a writer's at work
 * (appliance-kvm.c, which takes no lock): that writer then fails to
 * rename it, which costs only a later fallback. */
static bool
is_stale_temporary (const char *name)
{
  return (strncmp (name, "appliance-", 10) == 0 &&
          strstr (name, ".img.tmp-") != NULL) ||
    (strncmp (name, APPLIANCE_KVM_VERDICT,
              strlen (APPLIANCE_KVM_VERDICT)) == 0 &&
     strstr (name, APPLIANCE_KVM_VERDICT_TMP) != NULL);
}

/* Is name an appliance (appliance-*.img) other than current? */
static bool
is_other_appliance (const char *name, const char *current)
{
  size_t len = strlen (name);

  return strncmp (name, "appliance-", 10) == 0 && len > 14 &&
    strcmp (name + len - 4, ".img") == 0 && strcmp (name, current) != 0;
}

/* Removes the appliance name from the cache unless a launch is using it
 * (holds a shared lock: see the top of this file). */
static void
remove_unused_appliance (qdrive_h *g, int dirfd, const char *name)
{
  int fd = openat (dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
                   O_NONBLOCK);
  struct stat st;

  if (fd == -1)
    return;
  if (fstat (fd, &st) == -1 || !S_ISREG (st.st_mode))
    ;                           /* not one the builder made */
  else if (flock (fd, LOCK_EX | LOCK_NB) == -1)
    qdrive_int_verbose (g, "appliance: kept %s/%s: a launch is using it",
                        g->cachedir, name);
  else if (still_named (fd, dirfd, name) && unlinkat (dirfd, name, 0) == 0)
    qdrive_int_verbose (g, "appliance: removed %s/%s (not the current "
                        "appliance)", g->cachedir, name);
  close (fd);
}

/* After a build, under the lock: removes the temporaries left behind
 * and every appliance but the one just built (a) that no launch uses. */
static void
sweep_cache (qdrive_h *g, int dirfd, const struct appliance *a)
{
  const char *current = strrchr (a->initrd, '/') + 1;
  DIR *dir;
  struct dirent *d;
  int fd = dup (dirfd);

  if (fd == -1 || (dir = fdopendir (fd)) == NULL) {
    if (fd >= 0)
      close (fd);
    return;
  }
  while ((d = readdir (dir)) != NULL) {
    if (is_stale_temporary (d->d_name))
      unlinkat (dirfd, d->d_name, 0);
    else if (is_other_appliance (d->d_name, current))
      remove_unused_appliance (g, dirfd, d->d_name);
  }
  closedir (dir);
}

static int
build_into_place (qdrive_h *g, const struct appliance *a, int dirfd)
{
  char *tmp;
  int fd;

  if (asprintf (&tmp, "%s.tmp-XXXXXX", a->initrd) == -1) {
    set_perror (g, "asprintf");
    return -1;
  }
  fd = mkostemp (tmp, O_CLOEXEC);
  if (fd == -1) {
    set_perror (g, "cannot create the appliance in the cache directory %s "
                "(choose another with set_cachedir or $QDRIVE_CACHEDIR)",
                g->cachedir);
    free (tmp);
    return -1;
  }
  if (qdrive_int_appliance_build (g, a, fd) == -1)
    goto fail;
  /* On disk before it is renamed: a crash must not leave a truncated
   * appliance under the final name. */
  if (fchmod (fd, 0644) == -1 || fsync (fd) == -1) {
    set_perror (g, "cannot write the appliance %s", tmp);
    goto fail;
  }
  if (close (fd) == -1) {
    fd = -1;
    set_perror (g, "cannot write the appliance %s", tmp);
    goto fail;
  }
  fd = -1;
  if (rename (tmp, a->initrd) == -1) {
    set_perror (g, "cannot rename %s to %s", tmp, a->initrd);
    goto fail;
  }
  free (tmp);
  return 0;

 fail:
  if (fd >= 0)
    close (fd);
  unlink (tmp);
  free (tmp);
  return -1;
}

int
qdrive_int_appliance_ensure (qdrive_h *g, struct appliance *a)
{
  const char *why;
  struct timespec t0, t1;
  int dirfd, r;

  if (qdrive_int_appliance_locate (g, a) == -1)
    return -1;
  if (use_cached (a, &why)) {
    qdrive_int_verbose (g, "appliance: %s (kernel %s) is current",
                        a->initrd, a->kernel);
    return 0;
  }
  if (prepare_cachedir (g) == -1 || (dirfd = lock_cachedir (g)) == -1)
    goto fail;
  /* Another process may have built it while we waited for the lock. */
  if (use_cached (a, &why))
    r = 0;
  else {
    qdrive_int_verbose (g, "appliance: building %s from kernel %s (the "
                        "cached one cannot be used: %s)", a->initrd,
                        a->kernel, why);
    clock_gettime (CLOCK_MONOTONIC, &t0);
    r = build_into_place (g, a, dirfd);
    clock_gettime (CLOCK_MONOTONIC, &t1);
    if (r == 0) {
      qdrive_int_verbose (g, "appliance: built in %.0f ms",
                          (t1.tv_sec - t0.tv_sec) * 1e3 +
                          (t1.tv_nsec - t0.tv_nsec) / 1e6);
      sweep_cache (g, dirfd, a);
      if (!use_cached (a, &why)) {
        set_error (g, "cannot use the appliance %s just built: %s",
                   a->initrd, why);
        r = -1;
      }
    }
  }
  close (dirfd);                /* releases the lock */
  if (r == 0)
    return 0;
 fail:
  qdrive_int_appliance_free (a);
  return -1;
}

/* ---- the kernel command line ----------------------------------------- */

char *
qdrive_int_appliance_cmdline (qdrive_h *g)
{
  char *s;

  /* quiet keeps the serial console short (each character costs time
   * under TCG) unless the caller wants to see the boot; panic=1 with
   * qemu's -no-reboot makes a panic end qemu; acpi=off skips ACPI,
   * whose interpreter costs 0.3 to 0.5 s of boot under TCG and which
   * the appliance does not need (qemu is stopped over QMP).  /init
   * scans only the SCSI targets qdrive.scsi disks occupy (each backend
   * numbers them from target 0: appliance-init.sh). */
  if (asprintf (&s, "console=ttyS0 panic=1 acpi=off%s "
                "qdrive.modules=base%s%s%s qdrive.disks=%zu qdrive.scsi=%zu",
                g->verbose ? "" : " quiet",
                g->count_by_iface[QDRIVE_INT_IFACE_SCSI] ? ",scsi" : "",
                g->count_by_iface[QDRIVE_INT_IFACE_VIRTIO] ? ",virtio" : "",
                g->count_by_iface[QDRIVE_INT_IFACE_IDE] ? ",ide" : "",
                g->ndrives, g->count_by_iface[QDRIVE_INT_IFACE_SCSI]) == -1) {
    set_perror (g, "asprintf");
    return NULL;
  }
  return s;
}
