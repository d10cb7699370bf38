/* qdrive: libFuzzer target over the optional-argument path, the qemu
 * argument builder and the libvirt XML builder.
 *
 * The input is cut into an optarg bitmask, flag bytes and NUL-separated
 * strings (file name, format, iface, name, label, cachemode, discard).
 * The file name is made to exist in a private directory where it can,
 * so that drives get accepted.  Checked for every input:
 *  - no crash, no sanitizer report (the build adds ASan and UBSan);
 *  - a refused call leaves the handle without drives;
 *  - an accepted drive's -drive value splits back, undoing the comma
 *    doubling, into exactly the keys written, with the file name and
 *    cache mode intact, and its -device value carries the label;
 *  - the libvirt XML, where it is produced, parses, and its one disk's
 *    source file is the file name.
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

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  if (mkdtemp (dir) == NULL)
    abort ();
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

static void
check_command_line (qdrive_h *g, const char *path, const char *cachemode,
                    const char *label)
{
  char **argv = qdrive_get_qemu_command_line (g);
  char keys[16][64], *values[16];
  size_t i, n, k;

  if (argv == NULL)
    abort ();
  for (i = 0; argv[i] && strcmp (argv[i], "-drive") != 0; ++i)
    ;
  if (argv[i] == NULL || argv[i + 1] == NULL)
    abort ();
  n = split_qemu (argv[i + 1], keys, values, 16);
  /* file first, cache second, id and if last: nothing injected. */
  if (n < 4 || strcmp (keys[0], "file") != 0 ||
      strcmp (values[0], path) != 0 ||
      strcmp (keys[1], "cache") != 0 ||
      strcmp (values[1], cachemode ? cachemode : "writeback") != 0 ||
      strcmp (keys[n - 2], "id") != 0 || strcmp (values[n - 2], "hd0") != 0 ||
      strcmp (keys[n - 1], "if") != 0 || strcmp (values[n - 1], "none") != 0)
    abort ();
  for (k = 2; k < n - 2; ++k)
    if (strcmp (keys[k], "snapshot") != 0 && strcmp (keys[k], "format") != 0 &&
        strcmp (keys[k], "discard") != 0 &&
        strcmp (keys[k], "copy-on-read") != 0)
      abort ();
  for (k = 0; k < n; ++k)
    free (values[k]);

  if (strcmp (argv[i + 2], "-device") != 0)
    abort ();
  n = split_qemu (strchr (argv[i + 3], ',') + 1, keys, values, 16);
  if (strcmp (keys[0], "drive") != 0 || strcmp (values[0], "hd0") != 0)
    abort ();
  for (k = 1; k < n; ++k)
    if (strcmp (keys[k], "serial") == 0 &&
        (label == NULL || strcmp (values[k], label) != 0))
      abort ();
  for (k = 0; k < n; ++k)
    free (values[k]);
  qdrive_free_string_list (argv);
}

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
  obj = xmlXPathEvalExpression (BAD_CAST "/domain/devices/disk/source/@file",
                                ctx);
  if (obj == NULL || obj->nodesetval == NULL ||
      obj->nodesetval->nodeNr != 1)
    abort ();
  {
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
  o.bitmask = bits & 0x1ff;
  o.readonly = flags & 1;
  o.copyonread = (flags >> 1) & 1;
  o.blocksize = (flags & 0x0c) == 0 ? 512 : (flags & 0x0c) == 4 ? 4096
    : (flags & 0x0c) == 8 ? 0 : (int) flags * 7;
  name = next_string (&p, end);
  if (name == NULL)
    return 0;
  o.format = next_string (&p, end);
  o.iface = next_string (&p, end);
  o.name = next_string (&p, end);
  o.label = next_string (&p, end);
  o.cachemode = next_string (&p, end);
  o.discard = next_string (&p, end);

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
    check_command_line (g, l->val[0].filename,
                        (o.bitmask & QDRIVE_ADD_DRIVE_OPTS_CACHEMODE_BITMASK)
                        ? o.cachemode : NULL,
                        (o.bitmask & QDRIVE_ADD_DRIVE_OPTS_LABEL_BITMASK)
                        ? o.label : NULL);
    check_xml (g, l->val[0].filename);
  }
  else if (qdrive_last_error (g) == NULL)
    abort ();
  qdrive_free_drive_list (l);
  qdrive_close (g);
  if (made)
    unlink (path);
  return 0;
}
