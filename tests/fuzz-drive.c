/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive: libFuzzer target over the optional-argument path, the qemu
 * argument builder and the libvirt XML builder.
 *
 * The input is cut into an optarg bitmask, a flag byte and NUL-separated
 * strings: the file name, then add_drive's string and enum options in
 * api.ml's order (format, iface, name, label, cachemode, discard, ...);
 * the generated fuzz-optargs.h does the cutting, so a new option is
 * fuzzed as soon as api.ml has it.  The file name is made to exist in
 * a private directory where it can, so that drives get accepted.
 * Checked for every input:
 *  - no crash, no sanitizer report (the build adds ASan and UBSan);
 *  - a refused call leaves the handle without drives;
 *  - an accepted drive's -drive and -device values split back, undoing
 *    the comma doubling, into the same keys, in the same order, as the
 *    same drive with plain strings ("x") gets: no value adds a key; a
 *    local file's name, the cache mode, format and label come back
 *    intact (a network drive, protocol and server given, keeps its name
 *    on the server in the plain drive);
 *  - the libvirt XML, where it is produced, parses, and has one disk,
 *    whose source file is a local drive's file name.
 * Run by `make check-fuzz` (tests/Makefile.am). */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "qdrive.h"

static char dir[] = "/tmp/qdrive-fuzz.XXXXXX";
static char plain_file[sizeof dir + 16];

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  int fd;

  if (mkdtemp (dir) == NULL)
    abort ();
  snprintf (plain_file, sizeof plain_file, "%s/plain.img", dir);
  fd = open (plain_file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd == -1)
    abort ();
  close (fd);
  return 0;
}

/* Takes the next NUL-terminated string from the input, or NULL. */
static const char *
next_string (const char **p, const char *end)
{
  const char *s = *p;
  const char *nul;

  if (s >= end)
    return NULL;
  nul = memchr (s, '\0', end - s);
  if (nul == NULL)
    return NULL;
  *p = nul + 1;
  return s;
}

/* An int option: 512, 4096, 0 or something else, from two bits of
 * flags. */
static int
fuzz_int (unsigned flags, int shift)
{
  switch ((flags >> shift) & 3) {
  case 0: return 512;
  case 1: return 4096;
  case 2: return 0;
  default: return (int) flags * 7;
  }
}

/* A string list option: the input's next string alone, or NULL at the
 * end of the input.  A few lists at once (one per list option). */
static char *const *
fuzz_string_list (const char **p, const char *end)
{
  static const char *lists[8][2];
  static size_t n;
  const char **l = lists[n++ % 8];

  l[0] = next_string (p, end);
  l[1] = NULL;
  return l[0] != NULL ? (char *const *) l : NULL;
}

#include "fuzz-optargs.h"

/* Splits "k1=v1,k2=v2" with ",," meaning a literal comma: returns the
 * number of keys, each key and value written into the arrays. */
static size_t
split_qemu (const char *s, char keys[][64], char **values, size_t max)
{
  size_t n = 0;

  while (*s && n < max) {
    const char *eq = strchr (s, '=');
    char *v;
    size_t k;

    if (eq == NULL || (size_t) (eq - s) >= 64)
      abort ();
    memcpy (keys[n], s, eq - s);
    keys[n][eq - s] = '\0';
    s = eq + 1;
    v = malloc (strlen (s) + 1);
    for (k = 0; *s; ) {
      if (s[0] == ',' && s[1] == ',') {
        v[k++] = ',';
        s += 2;
      }
      else if (s[0] == ',') {
        s++;
        break;
      }
      else
        v[k++] = *s++;
    }
    v[k] = '\0';
    values[n++] = v;
  }
  return n;
}

/* The values of the -drive and -device of the one drive. */
static void
drive_and_device (qdrive_h *g, char **drive, char **device)
{
  char **argv = qdrive_get_qemu_command_line (g);
  size_t i;

  if (argv == NULL)
    abort ();
  for (i = 0; argv[i] && strcmp (argv[i], "-drive") != 0; ++i)
    ;
  if (argv[i] == NULL || argv[i + 1] == NULL || argv[i + 2] == NULL ||
      strcmp (argv[i + 2], "-device") != 0 || argv[i + 3] == NULL ||
      strchr (argv[i + 3], ',') == NULL)
    abort ();
  *drive = strdup (argv[i + 1]);
  /* After the device's driver name, a key=value list too. */
  *device = strdup (strchr (argv[i + 3], ',') + 1);
  qdrive_free_string_list (argv);
}

/* Compares a value list of the fuzzed drive with the plain drive's:
 * the same keys in the same order.  want_key's value must be want
 * (when want is not NULL). */
static void
same_keys (const char *got, const char *plain,
           const char *want_key, const char *want,
           const char *want_key2, const char *want2)
{
  char keys[32][64], pkeys[32][64], *values[32], *pvalues[32];
  size_t n = split_qemu (got, keys, values, 32);
  size_t pn = split_qemu (plain, pkeys, pvalues, 32);
  size_t k;

  if (n != pn)
    abort ();
  for (k = 0; k < n; ++k) {
    if (strcmp (keys[k], pkeys[k]) != 0)
      abort ();
    if (want_key && want && strcmp (keys[k], want_key) == 0 &&
        strcmp (values[k], want) != 0)
      abort ();
    if (want_key2 && want2 && strcmp (keys[k], want_key2) == 0 &&
        strcmp (values[k], want2) != 0)
      abort ();
    free (values[k]);
    free (pvalues[k]);
  }
}

/* The accepted drive, against the same drive with plain strings.  path
 * is the local file's absolute name, or NULL for a network drive, whose
 * name on the server (name, as given) is kept in the plain drive. */
static void
check_command_line (qdrive_h *g, const struct qdrive_add_drive_opts_argv *o,
                    const char *path, const char *name)
{
  struct qdrive_add_drive_opts_argv plain_o = *o;
  qdrive_h *p = qdrive_create ();
  char *drive, *device, *pdrive, *pdevice;
  uint64_t set = o->bitmask;

  if (p == NULL)
    abort ();
  qdrive_set_error_handler (p, NULL, NULL);
  fuzz_add_drive_plain (&plain_o);
  if (qdrive_add_drive_opts_argv (p, path ? plain_file : name, &plain_o) == -1)
    abort ();                   /* refused with plain strings only */
  drive_and_device (g, &drive, &device);
  drive_and_device (p, &pdrive, &pdevice);
  /* A local file first, as the plain drive's. */
  if (path && (strncmp (drive, "file=", 5) != 0 ||
               strncmp (pdrive, "file=", 5) != 0))
    abort ();
  same_keys (drive, pdrive, "file", path, "format",
             (set & QDRIVE_ADD_DRIVE_OPTS_FORMAT_BITMASK) ? o->format : NULL);
  same_keys (drive, pdrive, "cache",
             (set & QDRIVE_ADD_DRIVE_OPTS_CACHEMODE_BITMASK)
             ? o->cachemode : QDRIVE_CACHEMODE_WRITEBACK, NULL, NULL);
  same_keys (device, pdevice, "serial",
             (set & QDRIVE_ADD_DRIVE_OPTS_LABEL_BITMASK) ? o->label : NULL,
             NULL, NULL);
  free (drive);
  free (device);
  free (pdrive);
  free (pdevice);
  qdrive_close (p);
}

/* The XML parses; a local drive's source is its file (path NULL: a
 * network drive, which has one disk). */
static void
check_xml (qdrive_h *g, const char *path)
{
  char *xml = qdrive_get_libvirt_xml (g);
  xmlDocPtr doc;
  xmlXPathContextPtr ctx;
  xmlXPathObjectPtr obj;

  /* Refusing a name XML cannot hold is allowed; an XML that does not
   * say what was asked is not. */
  if (xml == NULL)
    return;
  doc = xmlReadMemory (xml, strlen (xml), NULL, NULL, XML_PARSE_NONET);
  if (doc == NULL)
    abort ();
  ctx = xmlXPathNewContext (doc);
  obj = xmlXPathEvalExpression (BAD_CAST (path ? "/domain/devices/disk/source/@file"
                                          : "/domain/devices/disk"), ctx);
  if (obj == NULL || obj->nodesetval == NULL ||
      obj->nodesetval->nodeNr != 1)
    abort ();
  if (path) {
    xmlChar *file = xmlNodeGetContent (obj->nodesetval->nodeTab[0]);
    if (strcmp ((const char *) file, path) != 0)
      abort ();
    xmlFree (file);
  }
  xmlXPathFreeObject (obj);
  xmlXPathFreeContext (ctx);
  xmlFreeDoc (doc);
  free (xml);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *p = (const char *) data, *end = p + size;
  struct qdrive_add_drive_opts_argv o = { 0 };
  const char *name;
  char path[8192];
  uint64_t bits;
  uint8_t flags;
  int made = 0, r;
  qdrive_h *g;
  struct qdrive_drive_list *l;

  if (size < 9)
    return 0;
  memcpy (&bits, p, 8);
  flags = p[8];
  p += 9;
  name = next_string (&p, end);
  if (name == NULL)
    return 0;
  fuzz_add_drive_optargs (&o, bits, flags, &p, end);

  /* Make the file exist where the name allows, so drives get added. */
  if (name[0] != '/' && strchr (name, '/') == NULL && strlen (name) < 255 &&
      strcmp (name, ".") != 0 && strcmp (name, "..") != 0 && *name) {
    int fd;
    snprintf (path, sizeof path, "%s/%s", dir, name);
    fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
      close (fd);
      made = 1;
    }
  }

  g = qdrive_create ();
  if (g == NULL)
    abort ();
  qdrive_set_error_handler (g, NULL, NULL);
  r = qdrive_add_drive_opts_argv (g, made ? path : name, &o);
  l = qdrive_list_drives (g);
  if (l == NULL || l->len != (r == 0 ? 1 : 0))
    abort ();
  if (r == 0) {
    const char *file = strcmp (l->val[0].protocol, "file") == 0
      ? l->val[0].filename : NULL;
    check_command_line (g, &o, file, made ? path : name);
    check_xml (g, file);
  }
  else if (qdrive_last_error (g) == NULL)
    abort ();
  qdrive_free_drive_list (l);
  qdrive_close (g);
  if (made)
    unlink (path);
  return 0;
}
