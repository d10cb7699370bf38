/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: building the appliance's initramfs from host files.
 *
 * The archive (cpio "newc", written with libarchive, uncompressed:
 * under TCG the kernel unpacks 12 MB of plain cpio faster than it
 * decompresses a third of that) holds:
 *
 *   qdrive-manifest      the host files it was built from (appliance.c)
 *   init                 appliance-init.sh
 *   busybox              /bin/sh too, with a link per applet
 *                        (busybox --list-full), and /etc/profile
 *   qemu-ga, mke2fs, e2fsck (and mkfs.ext4 etc. as links)
 *   the shared libraries of all of these, found with ldd
 *   /etc/mke2fs.conf     so that mke2fs makes what it makes on the host
 *   kernel modules       per group, as modprobe --show-depends lists
 *                        them for the appliance's kernel, dependencies
 *                        first, uncompressed and unsigned (see
 *                        strip_signature); qdrive/modules.GROUP lists
 *                        the order, and modules.dep and
 *                        /etc/modprobe.d/qdrive.conf are for busybox's
 *                        modprobe (add_dep_line)
 *   /var/run             a link to ../run
 *
 * Every file keeps its host path, so the dynamic loader finds the
 * libraries where ldd found them.  The host programs run here (ldd,
 * modprobe, busybox) get a fixed PATH and environment: the caller's
 * LD_PRELOAD or LD_LIBRARY_PATH must not change what ldd reports. */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "appliance.h"

/* The environment of the host programs run here. */
#define CLEAN_PATH "/usr/sbin:/usr/bin:/sbin:/bin"
static char *const clean_env[] = { "PATH=" CLEAN_PATH, "LC_ALL=C", NULL };

/* What a host program may print before it is cut off. */
#define PROGRAM_OUTPUT_MAX (4 * 1024 * 1024)

/* The kernel modules, by group: the kernel command line names the
 * groups the drives need (appliance.c), and /init loads those. */
static const struct {
  const char *group;
  const char *modules[4];
} module_groups[] = {
  { "base", { "virtio_pci", "virtio_console", "ext4", NULL } },
  { "scsi", { "virtio_scsi", "sd_mod", NULL } },
  { "virtio", { "virtio_blk", NULL } },
  { "ide", { "ata_piix", "sd_mod", NULL } },
};

/* The programs, each with where Debian puts it, the package that
 * brings it, its path in the appliance (NULL: as on the host) and the
 * links to it there (NAME: in its directory; /PATH: there). */
static const struct {
  const char *name;
  const char *paths[3];
  const char *package;
  const char *guest;
  const char *links[4];
} programs[] = {
  /* At a fixed place: the "#!" line of /init names it.  It is /bin/sh
   * too: a static program starts in a tenth of the time a dynamic one
   * takes under TCG (8 ms against 80 for dash). */
  { "busybox", { "/bin/busybox", "/usr/bin/busybox", NULL },
    "busybox-static", "/bin/busybox", { NULL } },
  { "qemu-ga", { "/usr/sbin/qemu-ga", "/usr/bin/qemu-ga", NULL },
    "qemu-guest-agent", NULL, { NULL } },
  { "mke2fs", { "/usr/sbin/mke2fs", "/sbin/mke2fs", NULL },
    "e2fsprogs", NULL, { "mkfs.ext2", "mkfs.ext3", "mkfs.ext4" } },
  { "e2fsck", { "/usr/sbin/e2fsck", "/sbin/e2fsck", NULL },
    "e2fsprogs", NULL, { "fsck.ext2", "fsck.ext3", "fsck.ext4" } },
};

#define NPROGRAMS (sizeof programs / sizeof programs[0])

enum member_type { M_DIR, M_FILE, M_LINK, M_CONSOLE };

struct member {
  char *name;                   /* in the archive: no leading slash */
  enum member_type type;
  char *host;                   /* M_FILE: copied from this host file, */
  char *data;                   /* or else these bytes */
  size_t len;
  char *target;                 /* M_LINK */
  mode_t mode;
};

struct build {
  qdrive_h *g;
  const struct appliance *a;
  struct member *m;
  size_t n, alloc;
  FILE *manifest;               /* open_memstream */
  char *manifest_text;
  size_t manifest_len;
  struct timespec deadline;     /* for the host programs */
  char *program_path[NPROGRAMS]; /* each program's path in the appliance */
  bool strip_signatures;        /* see strip_signature */
  char *moddep;                 /* modules.dep: see add_dep_line */
  size_t moddep_len;
};

/* ---- members --------------------------------------------------------- */

static struct member *
find_member (struct build *b, const char *name)
{
  size_t i;

  for (i = 0; i < b->n; ++i)
    if (strcmp (b->m[i].name, name) == 0)
      return &b->m[i];
  return NULL;
}

/* Adds a member (name without its leading slashes); the strings are
 * copied.  NULL with the error set on failure; the existing member if
 * there is one already. */
static struct member *
add_member (struct build *b, const char *name, enum member_type type,
            mode_t mode)
{
  struct member *m;

  while (*name == '/')
    name++;
  m = find_member (b, name);
  if (m != NULL)
    return m;
  if (b->n == b->alloc) {
    size_t alloc = b->alloc ? 2 * b->alloc : 256;
    m = realloc (b->m, alloc * sizeof *m);
    if (m == NULL) {
      set_perror (b->g, "realloc");
      return NULL;
    }
    b->m = m;
    b->alloc = alloc;
  }
  m = &b->m[b->n];
  memset (m, 0, sizeof *m);
  m->name = strdup (name);
  if (m->name == NULL) {
    set_perror (b->g, "strdup");
    return NULL;
  }
  m->type = type;
  m->mode = mode;
  b->n++;
  return m;
}

static void
free_members (struct build *b)
{
  size_t i;

  for (i = 0; i < b->n; ++i) {
    free (b->m[i].name);
    free (b->m[i].host);
    free (b->m[i].data);
    free (b->m[i].target);
  }
  free (b->m);
}

/* Records a host file in the manifest. */
static int
note_host_file (struct build *b, const char *path, struct stat *st)
{
  if (stat (path, st) == -1) {
    set_perror (b->g, "appliance: cannot use %s", path);
    return -1;
  }
  if (strchr (path, '\n') != NULL) {
    set_error (b->g, "appliance: the file name \"%s\" has a newline", path);
    return -1;
  }
  fprintf (b->manifest, "%llu %lld.%09ld %llu %llu %s\n",
           (unsigned long long) st->st_size, (long long) st->st_mtim.tv_sec,
           st->st_mtim.tv_nsec, (unsigned long long) st->st_ino,
           (unsigned long long) st->st_dev, path);
  return 0;
}

/* Copies host file path to name in the archive (following links). */
static int
add_host_file (struct build *b, const char *name, const char *path)
{
  struct member *m;
  struct stat st;

  while (*name == '/')
    name++;
  if (find_member (b, name) != NULL)
    return 0;
  if (note_host_file (b, path, &st) == -1)
    return -1;
  if (!S_ISREG (st.st_mode)) {
    set_error (b->g, "appliance: %s is not a regular file", path);
    return -1;
  }
  m = add_member (b, name, M_FILE, st.st_mode & 0755);
  if (m == NULL)
    return -1;
  m->host = strdup (path);
  if (m->host == NULL) {
    set_perror (b->g, "strdup");
    return -1;
  }
  return 0;
}

/* A member with the given contents (taken over). */
static int
add_data (struct build *b, const char *name, char *data, size_t len,
          mode_t mode)
{
  struct member *m = add_member (b, name, M_FILE, mode);

  if (m == NULL) {
    free (data);
    return -1;
  }
  free (m->data);
  m->data = data;
  m->len = len;
  return 0;
}

static int
add_link (struct build *b, const char *name, const char *target)
{
  struct member *m;

  while (*name == '/')
    name++;
  if (find_member (b, name) != NULL)
    return 0;
  m = add_member (b, name, M_LINK, 0777);
  if (m == NULL)
    return -1;
  m->target = strdup (target);
  if (m->target == NULL) {
    set_perror (b->g, "strdup");
    return -1;
  }
  return 0;
}

/* ---- running host programs ------------------------------------------- */

/* The program name found in CLEAN_PATH, or NULL with the error set. */
static char *
find_program (struct build *b, const char *name, const char *package)
{
  const char *p = CLEAN_PATH, *end;
  char *path;

  for (;;) {
    end = strchrnul (p, ':');
    if (asprintf (&path, "%.*s/%s", (int) (end - p), p, name) == -1) {
      set_perror (b->g, "asprintf");
      return NULL;
    }
    if (access (path, X_OK) == 0)
      return path;
    free (path);
    if (*end == '\0')
      break;
    p = end + 1;
  }
  qdrive_int_error (b->g, ENOENT, "appliance: %s was not found in %s; "
                    "install it (Debian: apt-get install %s)",
                    name, CLEAN_PATH, package);
  return NULL;
}

/* Runs argv (argv[0] a path) with stdout and stderr into *out (NUL-
 * terminated, malloc'd), and returns its exit status (256 if it was
 * killed), or -1 with the error set. */
static int
run_program (struct build *b, char *const *argv, char **out)
{
  posix_spawn_file_actions_t fa;
  int fds[2], status, err, ms;
  pid_t pid;
  char *buf = NULL;
  size_t len = 0, alloc = 0;
  ssize_t n;
  struct pollfd p;
  struct timespec now;
  bool timed_out = false;

  *out = NULL;
  if (pipe2 (fds, O_CLOEXEC) == -1) {
    set_perror (b->g, "pipe2");
    return -1;
  }
  posix_spawn_file_actions_init (&fa);
  posix_spawn_file_actions_addopen (&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2 (&fa, fds[1], 1);
  posix_spawn_file_actions_adddup2 (&fa, fds[1], 2);
  err = posix_spawn (&pid, argv[0], &fa, NULL, argv, clean_env);
  posix_spawn_file_actions_destroy (&fa);
  close (fds[1]);
  if (err != 0) {
    close (fds[0]);
    errno = err;
    set_perror (b->g, "appliance: cannot run %s", argv[0]);
    return -1;
  }
  for (;;) {
    if (len + 4096 + 1 > alloc && len < PROGRAM_OUTPUT_MAX) {
      char *nb = realloc (buf, alloc ? 2 * alloc : 8192);
      if (nb == NULL)
        break;
      buf = nb;
      alloc = alloc ? 2 * alloc : 8192;
    }
    p.fd = fds[0];
    p.events = POLLIN;
    clock_gettime (CLOCK_MONOTONIC, &now);
    ms = (int) ((b->deadline.tv_sec - now.tv_sec) * 1000 +
                (b->deadline.tv_nsec - now.tv_nsec) / 1000000);
    if (ms <= 0) {
      timed_out = true;
      break;
    }
    if (poll (&p, 1, ms) == -1) {
      if (errno == EINTR)
        continue;
      break;
    }
    if (len + 4096 + 1 > alloc)
      break;                    /* too much: the rest is not read */
    n = read (fds[0], buf + len, alloc - len - 1);
    if (n == -1 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    len += (size_t) n;
  }
  close (fds[0]);
  if (timed_out)
    kill (pid, SIGKILL);
  while (waitpid (pid, &status, 0) == -1 && errno == EINTR)
    ;
  if (buf == NULL) {
    set_perror (b->g, "realloc");
    return -1;
  }
  buf[len] = '\0';
  *out = buf;
  if (timed_out) {
    qdrive_int_error (b->g, ETIMEDOUT, "appliance: %s did not finish within "
                      "%d seconds", argv[0], b->g->launch_timeout);
    return -1;
  }
  return WIFEXITED (status) ? WEXITSTATUS (status) : 256;
}

/* ---- programs and their libraries ------------------------------------ */

/* Adds the shared libraries of the host program at path, from ldd's
 * lines "NAME => PATH (ADDR)" and "PATH (ADDR)". */
static int
add_libraries (struct build *b, const char *ldd, const char *path)
{
  char *const argv[] = { (char *) ldd, (char *) path, NULL };
  char *out, *line, *next, *lib, *end;
  int status = run_program (b, argv, &out);

  if (status == -1)
    return -1;
  if (status != 0) {
    /* A static program: nothing to add. */
    if (strstr (out, "not a dynamic executable") != NULL ||
        strstr (out, "statically linked") != NULL) {
      free (out);
      return 0;
    }
    set_error (b->g, "appliance: ldd %s failed: %s", path, out);
    free (out);
    return -1;
  }
  for (line = out; *line; line = next) {
    next = strchrnul (line, '\n');
    if (*next)
      *next++ = '\0';
    if (strstr (line, "=> not found") != NULL) {
      set_error (b->g, "appliance: %s needs a library that is not "
                 "installed: %s", path, line + strspn (line, " \t"));
      free (out);
      return -1;
    }
    lib = strstr (line, "=> ");
    lib = lib ? lib + 3 : line + strspn (line, " \t");
    if (*lib != '/')
      continue;                 /* linux-vdso.so.1 and the like */
    end = strstr (lib, " (");
    if (end != NULL)
      *end = '\0';
    if (add_host_file (b, lib, lib) == -1) {
      free (out);
      return -1;
    }
  }
  free (out);
  return 0;
}

/* Adds programs[i], its libraries and its links; sets *guest to its
 * path in the appliance. */
static int
add_program (struct build *b, size_t i, const char *ldd, char **guest)
{
  const char *found = NULL, *path, *slash, *name;
  char *link;
  size_t j;
  int r;

  for (j = 0; programs[i].paths[j] != NULL && found == NULL; ++j)
    if (access (programs[i].paths[j], X_OK) == 0)
      found = programs[i].paths[j];
  if (found == NULL) {
    qdrive_int_error (b->g, ENOENT, "appliance: %s was not found (looked "
                      "for %s%s%s); install it (Debian: apt-get install %s)",
                      programs[i].name, programs[i].paths[0],
                      programs[i].paths[1] ? ", " : "",
                      programs[i].paths[1] ? programs[i].paths[1] : "",
                      programs[i].package);
    return -1;
  }
  path = programs[i].guest ? programs[i].guest : found;
  if (add_host_file (b, path, found) == -1 ||
      add_libraries (b, ldd, found) == -1)
    return -1;
  slash = strrchr (path, '/');
  for (j = 0; j < 4 && (name = programs[i].links[j]) != NULL; ++j) {
    if (name[0] == '/')
      r = add_link (b, name, path);
    else {
      if (asprintf (&link, "%.*s/%s", (int) (slash - path), path, name) == -1) {
        set_perror (b->g, "asprintf");
        return -1;
      }
      r = add_link (b, link, slash + 1);
      free (link);
    }
    if (r == -1)
      return -1;
  }
  *guest = strdup (path);
  if (*guest == NULL) {
    set_perror (b->g, "strdup");
    return -1;
  }
  return 0;
}

/* Is name (a path) one of our programs other than busybox, or a link
 * to one?  Then its path in the appliance (after add_program); else
 * NULL.  busybox has applets of the same names (mke2fs), whose links
 * must not take the programs' place. */
static const char *
real_program (struct build *b, const char *name)
{
  const char *base = strrchr (name, '/'), *link;
  size_t i, j;

  base = base ? base + 1 : name;
  for (i = 1; i < NPROGRAMS; ++i) {
    if (strcmp (base, programs[i].name) == 0)
      return b->program_path[i];
    for (j = 0; j < 4 && (link = programs[i].links[j]) != NULL; ++j) {
      if (strrchr (link, '/'))
        link = strrchr (link, '/') + 1;
      if (strcmp (base, link) == 0)
        return b->program_path[i];
    }
  }
  return NULL;
}

/* A link to busybox for each of its applets, where busybox itself
 * would install them; and /etc/profile.
 *
 * busybox's sh runs an applet of the name it is given before looking in
 * PATH, so in it "mke2fs" would be busybox's, which makes only ext2.
 * /etc/profile, which sh reads as a login shell (the sh call runs
 * sh -l), defines a function for each applet that one of our programs
 * must win over. */
static int
add_busybox_links (struct build *b, const char *busybox)
{
  char *const argv[] = { (char *) busybox, "--list-full", NULL };
  char *out, *line, *next, *profile = NULL;
  const char *real, *base;
  size_t len;
  FILE *f;
  int status = run_program (b, argv, &out);

  if (status == -1)
    return -1;
  if (status != 0) {
    set_error (b->g, "appliance: %s --list-full failed: %s", busybox, out);
    free (out);
    return -1;
  }
  f = open_memstream (&profile, &len);
  if (f == NULL) {
    set_perror (b->g, "open_memstream");
    free (out);
    return -1;
  }
  fprintf (f, "# qdrive appliance: read by sh -l (see appliance-build.c).\n");
  for (line = out; *line; line = next) {
    next = strchrnul (line, '\n');
    if (*next)
      *next++ = '\0';
    if (*line == '\0' || strstr (line, "..") != NULL)
      continue;
    if ((real = real_program (b, line)) != NULL) {
      base = strrchr (line, '/') ? strrchr (line, '/') + 1 : line;
      fprintf (f, "%s () { %s \"$@\"; }\n", base, real);
      continue;
    }
    if (add_link (b, line, busybox) == -1) {
      fclose (f);
      free (profile);
      free (out);
      return -1;
    }
  }
  free (out);
  if (fclose (f) != 0) {
    set_perror (b->g, "open_memstream");
    free (profile);
    return -1;
  }
  return add_data (b, "etc/profile", profile, len, 0644);
}

/* ---- kernel modules -------------------------------------------------- */

/* Reads a module into memory, uncompressed (.ko, or .ko.xz, .ko.zst,
 * .ko.gz through libarchive's decompressors).  NULL with the error
 * set. */
static char *
read_module (struct build *b, const char *path, size_t *len)
{
  struct archive *ar = archive_read_new ();
  struct archive_entry *e;
  char *buf = NULL, *nb;
  size_t alloc = 0;
  la_ssize_t n;

  *len = 0;
  if (ar == NULL) {
    set_perror (b->g, "archive_read_new");
    return NULL;
  }
  archive_read_support_filter_all (ar);
  archive_read_support_format_raw (ar);
  if (archive_read_open_filename (ar, path, 65536) != ARCHIVE_OK ||
      archive_read_next_header (ar, &e) != ARCHIVE_OK)
    goto error;
  for (;;) {
    if (*len + 65536 > alloc) {
      nb = realloc (buf, alloc + 262144);
      if (nb == NULL)
        goto error;
      buf = nb;
      alloc += 262144;
    }
    n = archive_read_data (ar, buf + *len, 65536);
    if (n < 0)
      goto error;
    if (n == 0)
      break;
    *len += (size_t) n;
  }
  archive_read_free (ar);
  return buf;

 error:
  set_error (b->g, "appliance: cannot read the kernel module %s: %s",
             path, archive_error_string (ar) ? archive_error_string (ar)
             : strerror (errno));
  archive_read_free (ar);
  free (buf);
  return NULL;
}

/* The signature a module may end with: the signature, then a struct
 * module_signature (12 bytes, the signature's length big-endian in its
 * last 4), then this marker. */
#define MODULE_SIG_MARKER "~Module signature appended~\n"

/* Cuts a module's signature off, so that the appliance's kernel does
 * not check it: that costs about 0.1 s of the boot under TCG, and the
 * modules come from the kernel's own package anyway.  (Not done for a
 * kernel that refuses unsigned modules: see strip_signatures.) */
static void
strip_signature (char *data, size_t *len)
{
  size_t mlen = sizeof MODULE_SIG_MARKER - 1, siglen;
  const unsigned char *info;

  if (*len < mlen + 12 ||
      memcmp (data + *len - mlen, MODULE_SIG_MARKER, mlen) != 0)
    return;
  info = (const unsigned char *) data + *len - mlen - 12;
  siglen = (size_t) info[8] << 24 | (size_t) info[9] << 16 |
    (size_t) info[10] << 8 | info[11];
  if (siglen <= *len - mlen - 12)
    *len -= mlen + 12 + siglen;
}

/* Adds one module file, uncompressed, as name (its path in the guest,
 * ending ".ko"). */
static int
add_module_file (struct build *b, const char *name, const char *path)
{
  struct stat st;
  size_t len;
  char *data;

  if (find_member (b, name + (*name == '/')) != NULL)
    return 0;
  if (note_host_file (b, path, &st) == -1)
    return -1;
  data = read_module (b, path, &len);
  if (data == NULL)
    return -1;
  if (b->strip_signatures)
    strip_signature (data, &len);
  return add_data (b, name, data, len, 0644);
}

/* Is item one of the lines of list? */
static bool
list_has (const char *list, const char *item)
{
  size_t n = strlen (item);
  const char *p;

  for (p = list; p != NULL && *p; p = strchr (p, '\n'), p = p ? p + 1 : p)
    if (strncmp (p, item, n) == 0 && p[n] == '\n')
      return true;
  return false;
}

static void
free_strings (char **v, size_t n)
{
  while (n > 0)
    free (v[--n]);
}

/* The guest's modules.dep, for busybox's modprobe, with which /init
 * loads all the modules in one process (each insmod is a fork and exec
 * of busybox, 4.5 ms under TCG): a line for each module, relative to
 * /lib/modules/VERSION, followed by the modules modprobe --show-depends
 * listed before it, last first as depmod writes them.  Those are all
 * the modules it can need, and all in the appliance.  A module met
 * again (in another group) keeps its first line.
 *
 * module: the name in modules.dep; before: guest paths, whose first
 * skip bytes are /lib/modules/VERSION/. */
static int
add_dep_line (struct build *b, const char *module, char *const *before,
              size_t n, size_t skip)
{
  size_t mlen = strlen (module), len = mlen + 2, i;
  const char *p;
  char *q;

  for (p = b->moddep; p != NULL && *p; p = strchr (p, '\n') + 1)
    if (strncmp (p, module, mlen) == 0 && p[mlen] == ':')
      return 0;
  for (i = 0; i < n; ++i)
    len += strlen (before[i] + skip) + 1;
  q = realloc (b->moddep, b->moddep_len + len + 1);
  if (q == NULL) {
    set_perror (b->g, "realloc");
    return -1;
  }
  b->moddep = q;
  q += b->moddep_len;
  q += sprintf (q, "%s:", module);
  for (i = n; i > 0; --i)
    q += sprintf (q, " %s", before[i - 1] + skip);
  strcpy (q, "\n");
  b->moddep_len += len;
  return 0;
}

/* What busybox's modprobe reads in the guest: modules.dep (above), and
 * scsi_mod's option: /init scans the SCSI targets itself
 * (appliance-init.sh). */
static int
add_modprobe_files (struct build *b)
{
  char *name, *conf = strdup ("options scsi_mod scan=manual\n");
  int r;

  if (conf == NULL ||
      (b->moddep == NULL && (b->moddep = strdup ("")) == NULL)) {
    free (conf);
    set_perror (b->g, "strdup");
    return -1;
  }
  if (add_data (b, "etc/modprobe.d/qdrive.conf", conf, strlen (conf),
                0644) == -1)
    return -1;
  if (asprintf (&name, "lib/modules/%s/modules.dep", b->a->version) == -1) {
    set_perror (b->g, "asprintf");
    return -1;
  }
  r = add_data (b, name, b->moddep, b->moddep_len, 0644);
  b->moddep = NULL;             /* taken over */
  free (name);
  return r;
}

/* Adds the modules of one group, and qdrive/modules.GROUP listing them
 * in load order; and their lines in modules.dep. */
static int
add_module_group (struct build *b, size_t gi, const char *modprobe)
{
  const struct appliance *a = b->a;
  bool rooted = strcmp (a->modroot, "/") != 0;
  size_t moddir_len = strlen (a->moddir), j, len;
  char *list = NULL, *out, *line, *next, *path, *guest, *name;
  char *before[32];             /* of one module asked for */
  size_t nbefore = 0, deproot_len = strlen ("/lib/modules/") +
    strlen (a->version) + 1;
  const char *rel, *ko;
  FILE *f = open_memstream (&list, &len);
  int status;

  if (f == NULL) {
    set_perror (b->g, "open_memstream");
    return -1;
  }
  for (j = 0; module_groups[gi].modules[j] != NULL; ++j) {
    const char *module = module_groups[gi].modules[j];
    /* -C /dev/null: the host's modprobe.d (blacklists, options) is the
     * host's business, not the appliance's. */
    char *argv[10];
    size_t k = 0;

    argv[k++] = (char *) modprobe;
    argv[k++] = "-C";
    argv[k++] = "/dev/null";
    argv[k++] = "-S";
    argv[k++] = a->version;
    if (rooted) {
      argv[k++] = "-d";
      argv[k++] = a->modroot;
    }
    argv[k++] = "--show-depends";
    argv[k++] = (char *) module;
    argv[k] = NULL;
    status = run_program (b, argv, &out);
    if (status == -1)
      goto error;
    if (status != 0) {
      qdrive_int_error (b->g, ENOENT, "appliance: kernel %s has no module "
                        "%s in %s (modprobe says: %.*s); the appliance needs "
                        "it; install the kernel's full package, or choose "
                        "another kernel with set_kernel or $QDRIVE_KERNEL",
                        a->version, module, a->moddir,
                        (int) strcspn (out, "\n"), out);
      free (out);
      goto error;
    }
    for (line = out; *line; line = next) {
      next = strchrnul (line, '\n');
      if (*next)
        *next++ = '\0';
      if (*line == '\0' || strncmp (line, "builtin ", 8) == 0)
        continue;
      if (strncmp (line, "insmod ", 7) != 0) {
        set_error (b->g, "appliance: unexpected line from modprobe "
                   "--show-depends %s: %s", module, line);
        goto error_out;
      }
      path = line + 7;
      *strchrnul (path, ' ') = '\0';  /* no options, with -C /dev/null */
      /* modprobe -d ROOT writes ROOT/lib/modules/VERSION/... */
      rel = path + moddir_len;
      ko = strstr (rel, ".ko");
      if (strncmp (path, a->moddir, moddir_len) != 0 || *rel != '/' ||
          ko == NULL) {
        set_error (b->g, "appliance: modprobe --show-depends %s names %s, "
                   "which is not a module file in %s", module, path,
                   a->moddir);
        goto error_out;
      }
      /* In the guest: /lib/modules/VERSION/..., always uncompressed. */
      if (asprintf (&guest, "/lib/modules/%s%.*s.ko", a->version,
                    (int) (ko - rel), rel) == -1) {
        set_perror (b->g, "asprintf");
        goto error_out;
      }
      if (nbefore == sizeof before / sizeof before[0]) {
        set_error (b->g, "appliance: module %s needs more than %zu others",
                   module, nbefore);
        free (guest);
        goto error_out;
      }
      before[nbefore++] = guest;
      if (add_module_file (b, guest, path) == -1 ||
          add_dep_line (b, guest + deproot_len, before, nbefore - 1,
                        deproot_len) == -1)
        goto error_out;
      fflush (f);
      if (!list_has (list, guest))
        fprintf (f, "%s\n", guest);
    }
    free_strings (before, nbefore);
    nbefore = 0;
    free (out);
  }
  if (fclose (f) != 0) {
    set_perror (b->g, "open_memstream");
    free (list);
    return -1;
  }
  if (asprintf (&name, "qdrive/modules.%s", module_groups[gi].group) == -1) {
    set_perror (b->g, "asprintf");
    free (list);
    return -1;
  }
  status = add_data (b, name, list, len, 0644);
  free (name);
  return status;

 error_out:
  free_strings (before, nbefore);
  free (out);
 error:
  fclose (f);
  free (list);
  return -1;
}

/* ---- writing the archive --------------------------------------------- */

/* Every directory a member needs, and the fixed ones /init mounts on. */
static int
add_directories (struct build *b)
{
  static const char *const fixed[] = {
    "proc", "sys", "dev", "tmp", "run", "mnt", "root", "etc", "var", NULL
  };
  size_t i, n = b->n;
  char *dir, *slash;

  for (i = 0; fixed[i] != NULL; ++i)
    if (add_member (b, fixed[i], M_DIR, 0755) == NULL)
      return -1;
  for (i = 0; i < n; ++i) {
    dir = strdup (b->m[i].name);
    if (dir == NULL) {
      set_perror (b->g, "strdup");
      return -1;
    }
    while ((slash = strrchr (dir, '/')) != NULL) {
      *slash = '\0';
      if (add_member (b, dir, M_DIR, 0755) == NULL) {
        free (dir);
        return -1;
      }
    }
    free (dir);
  }
  return 0;
}

/* Directories first, each before what it holds (sorted by name: a
 * parent sorts before its children); the rest in the order added. */
static int
compare_members (const void *pa, const void *pb)
{
  const struct member *a = pa, *b = pb;

  if ((a->type == M_DIR) != (b->type == M_DIR))
    return a->type == M_DIR ? -1 : 1;
  if (a->type == M_DIR)
    return strcmp (a->name, b->name);
  return 0;
}

static int
write_error (struct build *b, struct archive *ar, const char *what)
{
  set_error (b->g, "appliance: cannot write %s: %s", what,
             archive_error_string (ar) ? archive_error_string (ar)
             : "unknown error");
  return -1;
}

/* Writes the contents of host file m->host, which has size bytes. */
static int
write_host_data (struct build *b, struct archive *ar, const struct member *m,
                 la_int64_t size)
{
  char buf[65536];
  la_int64_t done = 0;
  ssize_t n;
  int fd = open (m->host, O_RDONLY | O_CLOEXEC);

  if (fd == -1) {
    set_perror (b->g, "appliance: cannot read %s", m->host);
    return -1;
  }
  while (done < size) {
    n = read (fd, buf, sizeof buf);
    if (n == -1 && errno == EINTR)
      continue;
    if (n <= 0 || done + n > size) {
      set_error (b->g, "appliance: %s changed while it was copied", m->host);
      close (fd);
      return -1;
    }
    if (archive_write_data (ar, buf, (size_t) n) != n) {
      close (fd);
      return write_error (b, ar, m->name);
    }
    done += n;
  }
  close (fd);
  return 0;
}

static int
write_member (struct build *b, struct archive *ar, struct archive_entry *e,
              const struct member *m)
{
  struct stat st;
  la_int64_t size = 0;

  archive_entry_clear (e);
  archive_entry_set_pathname (e, m->name);
  archive_entry_set_uid (e, 0);
  archive_entry_set_gid (e, 0);
  archive_entry_set_perm (e, m->mode);
  archive_entry_set_nlink (e, m->type == M_DIR ? 2 : 1);
  archive_entry_set_size (e, 0);
  switch (m->type) {
  case M_DIR:
    archive_entry_set_filetype (e, AE_IFDIR);
    break;
  case M_LINK:
    archive_entry_set_filetype (e, AE_IFLNK);
    archive_entry_set_symlink (e, m->target);
    break;
  case M_CONSOLE:
    archive_entry_set_filetype (e, AE_IFCHR);
    archive_entry_set_rdev (e, makedev (5, 1));
    break;
  case M_FILE:
    archive_entry_set_filetype (e, AE_IFREG);
    if (m->host != NULL) {
      if (stat (m->host, &st) == -1) {
        set_perror (b->g, "appliance: cannot use %s", m->host);
        return -1;
      }
      size = st.st_size;
    }
    else
      size = (la_int64_t) m->len;
    archive_entry_set_size (e, size);
    break;
  }
  if (archive_write_header (ar, e) != ARCHIVE_OK)
    return write_error (b, ar, m->name);
  if (m->type != M_FILE)
    return 0;
  if (m->host != NULL)
    return write_host_data (b, ar, m, size);
  if (m->len > 0 && archive_write_data (ar, m->data, m->len) != (la_ssize_t) m->len)
    return write_error (b, ar, m->name);
  return 0;
}

static int
write_archive (struct build *b, int fd)
{
  struct archive *ar = archive_write_new ();
  struct archive_entry *e = archive_entry_new ();
  struct member manifest = {
    .name = (char *) APPLIANCE_MANIFEST, .type = M_FILE,
    .data = b->manifest_text, .len = b->manifest_len, .mode = 0644,
  };
  size_t i;
  int r = -1;

  if (ar == NULL || e == NULL) {
    set_perror (b->g, "libarchive");
    goto out;
  }
  if (archive_write_set_format_cpio_newc (ar) != ARCHIVE_OK ||
      archive_write_set_bytes_in_last_block (ar, 1) != ARCHIVE_OK ||
      archive_write_open_fd (ar, fd) != ARCHIVE_OK) {
    write_error (b, ar, "the appliance");
    goto out;
  }
  /* The manifest first: a launch reads only that (appliance.c). */
  if (write_member (b, ar, e, &manifest) == -1)
    goto out;
  qsort (b->m, b->n, sizeof *b->m, compare_members);
  for (i = 0; i < b->n; ++i)
    if (write_member (b, ar, e, &b->m[i]) == -1)
      goto out;
  if (archive_write_close (ar) != ARCHIVE_OK) {
    write_error (b, ar, "the appliance");
    goto out;
  }
  r = 0;
 out:
  if (e != NULL)
    archive_entry_free (e);
  if (ar != NULL)
    archive_write_free (ar);
  return r;
}

/* ---- the whole appliance --------------------------------------------- */

/* Does the kernel load unsigned modules?  Its configuration says so
 * (ROOT/boot/config-VERSION, from the kernel's package), unless it has
 * CONFIG_MODULE_SIG_FORCE; without a configuration to read, assume it
 * does not. */
static bool
unsigned_modules_load (const struct appliance *a)
{
  char *path, *line = NULL;
  size_t n = 0;
  bool r = false;
  FILE *f;

  if (asprintf (&path, "%s/boot/config-%s",
                strcmp (a->modroot, "/") == 0 ? "" : a->modroot,
                a->version) == -1)
    return false;
  f = fopen (path, "re");
  free (path);
  if (f == NULL)
    return false;
  r = true;
  while (getline (&line, &n, f) != -1)
    if (strcmp (line, "CONFIG_MODULE_SIG_FORCE=y\n") == 0)
      r = false;
  free (line);
  fclose (f);
  return r;
}

static int
collect (struct build *b)
{
  const struct appliance *a = b->a;
  char *ldd = NULL, *modprobe = NULL, *path, *dep;
  struct stat st;
  size_t i;
  int r = -1;

  /* The kernel is not in the archive, but the appliance is only valid
   * with it (and with its modules' index). */
  if (note_host_file (b, a->kernel, &st) == -1)
    return -1;
  if (asprintf (&dep, "%s/modules.dep", a->moddir) == -1) {
    set_perror (b->g, "asprintf");
    return -1;
  }
  if (note_host_file (b, dep, &st) == -1) {
    free (dep);
    return -1;
  }
  free (dep);

  if ((ldd = find_program (b, "ldd", "libc-bin")) == NULL ||
      (modprobe = find_program (b, "modprobe", "kmod")) == NULL)
    goto out;
  for (i = 0; i < NPROGRAMS; ++i)
    if (add_program (b, i, ldd, &b->program_path[i]) == -1)
      goto out;
  if (add_busybox_links (b, b->program_path[0]) == -1)
    goto out;
  if (access ("/etc/mke2fs.conf", R_OK) == 0 &&
      add_host_file (b, "/etc/mke2fs.conf", "/etc/mke2fs.conf") == -1)
    goto out;
  b->strip_signatures = unsigned_modules_load (a);
  for (i = 0; i < sizeof module_groups / sizeof module_groups[0]; ++i)
    if (add_module_group (b, i, modprobe) == -1)
      goto out;
  if (add_modprobe_files (b) == -1)
    goto out;
  path = strdup (qdrive_int_appliance_init);
  if (path == NULL) {
    set_perror (b->g, "strdup");
    goto out;
  }
  /* /var/run for the agent, as a link made here costs /init nothing. */
  if (add_data (b, "init", path, strlen (path), 0755) == -1 ||
      add_link (b, "var/run", "../run") == -1 ||
      add_member (b, "dev/console", M_CONSOLE, 0600) == NULL ||
      add_directories (b) == -1)
    goto out;
  r = 0;
 out:
  free (ldd);
  free (modprobe);
  return r;
}

int
qdrive_int_appliance_build (qdrive_h *g, const struct appliance *a, int fd)
{
  struct build b = { .g = g, .a = a };
  size_t i;
  int r = -1;

  clock_gettime (CLOCK_MONOTONIC, &b.deadline);
  b.deadline.tv_sec += g->launch_timeout;
  b.manifest = open_memstream (&b.manifest_text, &b.manifest_len);
  if (b.manifest == NULL) {
    set_perror (g, "open_memstream");
    return -1;
  }
  if (collect (&b) == -1) {
    fclose (b.manifest);
    goto out;
  }
  if (fclose (b.manifest) != 0) {
    set_perror (g, "open_memstream");
    goto out;
  }
  r = write_archive (&b, fd);
 out:
  free (b.manifest_text);
  free (b.moddep);
  free_members (&b);
  for (i = 0; i < NPROGRAMS; ++i)
    free (b.program_path[i]);
  return r;
}
