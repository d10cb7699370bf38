/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive: tests of get_libvirt_xml.
 *
 * Every add_drive option, alone and combined, is rendered as libvirt
 * domain XML; each XML is checked element by element (parsed with
 * libxml2) against what the drive asked for, and validated by
 * libvirt's own schema with virt-xml-validate. */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include <check.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "qdrive.h"

#ifndef VIRT_XML_VALIDATE
#define VIRT_XML_VALIDATE "virt-xml-validate"
#endif

#define TMPDIR_TEMPLATE "/tmp/qdrive-libvirt-xml-XXXXXX"
#include "libvirt-testlib.h"

/* A file in tmpdir, created empty; returns its path (static buffer). */
static const char *
make_file (const char *name)
{
  static char path[4096];

  return tmpdir_file (path, sizeof path, name);
}

/* Runs virt-xml-validate on xml; fails the test with its output. */
static void
validate (const char *xml)
{
  char path[1024], out[1024], cmd[4096];
  FILE *f;
  int status, fd;
  ssize_t n;

  if (access (VIRT_XML_VALIDATE, X_OK) == -1 &&
      strchr (VIRT_XML_VALIDATE, '/') != NULL)
    ck_abort_msg ("%s is missing: apt-get install libvirt-clients "
                  "libxml2-utils", VIRT_XML_VALIDATE);
  snprintf (path, sizeof path, "%s/domain.xml", tmpdir);
  f = fopen (path, "w");
  ck_assert_ptr_nonnull (f);
  fputs (xml, f);
  ck_assert_int_eq (fclose (f), 0);
  snprintf (out, sizeof out, "%s/validate.out", tmpdir);
  snprintf (cmd, sizeof cmd, "%s '%s' domain >'%s' 2>&1",
            VIRT_XML_VALIDATE, path, out);
  status = system (cmd);
  if (status != 0) {
    char text[2048] = "";
    fd = open (out, O_RDONLY);
    if (fd >= 0) {
      n = read (fd, text, sizeof text - 1);
      text[n > 0 ? n : 0] = '\0';
      close (fd);
    }
    /* Check's messages are short: the XML goes to stderr. */
    fprintf (stderr, "refused XML:\n%s", xml);
    ck_abort_msg ("virt-xml-validate refused the XML (status %d):\n%.1500s",
                  status, text);
  }
}

/* ---- reading the XML back ---- */

struct parsed {
  xmlDocPtr doc;
  xmlXPathContextPtr ctx;
};

static void
parse (struct parsed *p, const char *xml)
{
  p->doc = xmlReadMemory (xml, strlen (xml), NULL, NULL, XML_PARSE_NONET);
  ck_assert_msg (p->doc != NULL, "not XML:\n%s", xml);
  p->ctx = xmlXPathNewContext (p->doc);
  ck_assert_ptr_nonnull (p->ctx);
}

static void
unparse (struct parsed *p)
{
  xmlXPathFreeContext (p->ctx);
  xmlFreeDoc (p->doc);
}

/* The string value of expr (printf-style); the caller frees it. */
static char *
str (struct parsed *p, const char *fs, ...)
{
  char expr[512], *s;
  xmlXPathObjectPtr r;
  va_list args;

  va_start (args, fs);
  vsnprintf (expr, sizeof expr, fs, args);
  va_end (args);
  r = xmlXPathEvalExpression (BAD_CAST expr, p->ctx);
  ck_assert_msg (r != NULL, "bad XPath %s", expr);
  s = strdup (r->type == XPATH_STRING ? (const char *) r->stringval : "?");
  xmlXPathFreeObject (r);
  return s;
}

static double
num (struct parsed *p, const char *fs, ...)
{
  char expr[512];
  xmlXPathObjectPtr r;
  double d;
  va_list args;

  va_start (args, fs);
  vsnprintf (expr, sizeof expr, fs, args);
  va_end (args);
  r = xmlXPathEvalExpression (BAD_CAST expr, p->ctx);
  ck_assert_msg (r != NULL && r->type == XPATH_NUMBER, "bad XPath %s", expr);
  d = r->floatval;
  xmlXPathFreeObject (r);
  return d;
}

#define ck_assert_xstr_eq(p, want, ...) do {         \
    char *got_ = str ((p), __VA_ARGS__);              \
    ck_assert_str_eq (got_, (want));                  \
    free (got_);                                      \
  } while (0)

/* ---- one drive as asked, and what its <disk> must hold ---- */

struct dopt {
  const char *format, *iface, *label, *cachemode, *discard, *name;
  int readonly, copyonread;     /* -1: not given */
  int blocksize;                /* 0: not given */
};

#define NOT_GIVEN .readonly = -1, .copyonread = -1

static void
add (qdrive_h *g, const char *file, const struct dopt *o)
{
  struct qdrive_add_drive_opts_argv a = { .bitmask = 0 };

#define SET(field, BIT) \
  if (o->field) { a.bitmask |= QDRIVE_ADD_DRIVE_OPTS_##BIT##_BITMASK; \
                  a.field = o->field; }
  SET (format, FORMAT);
  SET (iface, IFACE);
  SET (label, LABEL);
  SET (cachemode, CACHEMODE);
  SET (discard, DISCARD);
  SET (name, NAME);
  SET (blocksize, BLOCKSIZE);
#undef SET
  if (o->readonly >= 0) {
    a.bitmask |= QDRIVE_ADD_DRIVE_OPTS_READONLY_BITMASK;
    a.readonly = o->readonly;
  }
  if (o->copyonread >= 0) {
    a.bitmask |= QDRIVE_ADD_DRIVE_OPTS_COPYONREAD_BITMASK;
    a.copyonread = o->copyonread;
  }
  ck_assert_msg (qdrive_add_drive_opts_argv (g, file, &a) == 0,
                 "add_drive: %s", qdrive_last_error (g));
}

/* Checks disk number i (from 1, in document order), the n-th (from 0)
 * of its bus. */
static void
check_disk (struct parsed *p, int i, const char *file, const struct dopt *o,
            int n)
{
  static const char *const letters = "abcdefghijklmnopqrstuvwxyz";
  const char *iface = o->iface ? o->iface : "scsi";
  const char *prefix = strcmp (iface, "scsi") == 0 ? "sd"
    : strcmp (iface, "virtio") == 0 ? "vd" : "hd";
  char d[8], id[16];
  int discards = o->discard && strcmp (o->discard, "disable") != 0;

#define DISK "/domain/devices/disk[%d]"
  ck_assert_xstr_eq (p, "file", "string(" DISK "/@type)", i);
  ck_assert_xstr_eq (p, "disk", "string(" DISK "/@device)", i);
  ck_assert_xstr_eq (p, "qemu", "string(" DISK "/driver/@name)", i);
  ck_assert_xstr_eq (p, o->format ? o->format : "",
                     "string(" DISK "/driver/@type)", i);
  ck_assert_int_eq (num (p, "count(" DISK "/driver/@type)", i),
                    o->format ? 1 : 0);
  ck_assert_xstr_eq (p, o->cachemode ? o->cachemode : "writeback",
                     "string(" DISK "/driver/@cache)", i);
  ck_assert_xstr_eq (p, discards ? "unmap" : "",
                     "string(" DISK "/driver/@discard)", i);
  ck_assert_int_eq (num (p, "count(" DISK "/driver/@discard)", i), discards);
  ck_assert_xstr_eq (p, o->copyonread > 0 ? "on" : "",
                     "string(" DISK "/driver/@copy_on_read)", i);
  ck_assert_int_eq (num (p, "count(" DISK "/driver/@copy_on_read)", i),
                    o->copyonread > 0);
  ck_assert_xstr_eq (p, file, "string(" DISK "/source/@file)", i);
  ck_assert_xstr_eq (p, iface, "string(" DISK "/target/@bus)", i);
  if (n < 26) {
    snprintf (d, sizeof d, "%s%c", prefix, letters[n]);
    ck_assert_xstr_eq (p, d, "string(" DISK "/target/@dev)", i);
  }
  ck_assert_xstr_eq (p, o->label ? o->label : "",
                     "string(" DISK "/serial)", i);
  ck_assert_int_eq (num (p, "count(" DISK "/serial)", i), o->label != NULL);
  ck_assert_int_eq (num (p, "count(" DISK "/blockio)", i), o->blocksize != 0);
  if (o->blocksize) {
    ck_assert_int_eq (num (p, "number(" DISK "/blockio/@logical_block_size)",
                           i), o->blocksize);
    ck_assert_int_eq (num (p, "number(" DISK "/blockio/@physical_block_size)",
                           i), o->blocksize);
  }
  ck_assert_int_eq (num (p, "count(" DISK "/transient)", i),
                    o->readonly > 0);
  /* readonly means the file is never written, not a read-only disk. */
  ck_assert_int_eq (num (p, "count(" DISK "/readonly)", i), 0);
  snprintf (id, sizeof id, "ua-hd%d", i - 1);
  ck_assert_xstr_eq (p, id, "string(" DISK "/alias/@name)", i);
  if (strcmp (iface, "scsi") == 0) {
    ck_assert_xstr_eq (p, "drive", "string(" DISK "/address/@type)", i);
    ck_assert_int_eq (num (p, "number(" DISK "/address/@controller)", i), 0);
    ck_assert_int_eq (num (p, "number(" DISK "/address/@target)", i),
                      n % 100);
    ck_assert_int_eq (num (p, "number(" DISK "/address/@unit)", i), n / 100);
  }
#undef DISK
}

/* ---- the cases ---- */

struct xcase {
  const char *what;
  int ndrives;
  struct dopt d[4];
};

static const struct xcase cases[] = {
  { "no optargs", 1, { { NOT_GIVEN } } },
  { "format raw", 1, { { .format = "raw", NOT_GIVEN } } },
  { "format qcow2", 1, { { .format = "qcow2", NOT_GIVEN } } },
  { "iface scsi", 1, { { .iface = "scsi", NOT_GIVEN } } },
  { "iface virtio", 1, { { .iface = "virtio", NOT_GIVEN } } },
  { "iface ide", 1, { { .iface = "ide", NOT_GIVEN } } },
  { "cachemode writeback", 1, { { .cachemode = "writeback", NOT_GIVEN } } },
  { "cachemode unsafe", 1, { { .cachemode = "unsafe", NOT_GIVEN } } },
  { "readonly true", 1, { { .readonly = 1, .copyonread = -1 } } },
  { "readonly false", 1, { { .readonly = 0, .copyonread = -1 } } },
  { "discard disable", 1, { { .discard = "disable", NOT_GIVEN } } },
  { "discard enable", 1,
    { { .discard = "enable", .format = "raw", NOT_GIVEN } } },
  { "discard besteffort", 1, { { .discard = "besteffort", NOT_GIVEN } } },
  { "copyonread true", 1, { { .copyonread = 1, .readonly = -1 } } },
  { "copyonread false", 1, { { .copyonread = 0, .readonly = -1 } } },
  { "label", 1, { { .label = "Disk_01", NOT_GIVEN } } },
  { "name", 1, { { .name = "the <system> & \"disk\"", NOT_GIVEN } } },
  { "blocksize 512", 1, { { .blocksize = 512, NOT_GIVEN } } },
  { "blocksize 4096", 1, { { .blocksize = 4096, NOT_GIVEN } } },
  { "everything on virtio", 1,
    { { .format = "raw", .iface = "virtio", .label = "V1",
        .cachemode = "unsafe", .discard = "enable", .name = "n",
        .readonly = 0, .copyonread = 1, .blocksize = 4096 } } },
  { "readonly ide with label and besteffort", 1,
    { { .iface = "ide", .readonly = 1, .discard = "besteffort",
        .label = "RO", .format = "qcow2", .copyonread = -1,
        .cachemode = "writeback", .blocksize = 512 } } },
  { "one drive per iface, mixed options", 4,
    { { .iface = "ide", .cachemode = "unsafe", .format = "raw",
        NOT_GIVEN },
      { .iface = "scsi", .label = "S0", .readonly = 1, .copyonread = -1 },
      { .iface = "virtio", .discard = "besteffort", .copyonread = 1,
        .readonly = -1 },
      { .iface = "scsi", .cachemode = "unsafe", .blocksize = 4096,
        .readonly = 1, .copyonread = 1, .discard = "besteffort" } } },
  { "four ide drives", 4,
    { { .iface = "ide", NOT_GIVEN }, { .iface = "ide", NOT_GIVEN },
      { .iface = "ide", NOT_GIVEN }, { .iface = "ide", NOT_GIVEN } } },
};

START_TEST (test_case)
{
  const struct xcase *c = &cases[_i];
  qdrive_h *g = qdrive_create ();
  struct parsed p;
  char *xml, file[64];
  const char *path;
  char paths[4][4096];
  int i, n_by_bus[3] = { 0, 0, 0 }, scsi = 0;

  ck_assert_ptr_nonnull (g);
  qdrive_set_error_handler (g, NULL, NULL);
  for (i = 0; i < c->ndrives; ++i) {
    snprintf (file, sizeof file, "disk%d.img", i);
    path = make_file (file);
    strcpy (paths[i], path);
    add (g, path, &c->d[i]);
  }
  xml = qdrive_get_libvirt_xml (g);
  ck_assert_msg (xml != NULL, "%s: %s", c->what, qdrive_last_error (g));

  parse (&p, xml);
  ck_assert_int_eq (num (&p, "count(/domain/devices/disk)"), c->ndrives);
  for (i = 0; i < c->ndrives; ++i) {
    const char *iface = c->d[i].iface ? c->d[i].iface : "scsi";
    int bus = strcmp (iface, "scsi") == 0 ? 0
      : strcmp (iface, "virtio") == 0 ? 1 : 2;
    scsi += bus == 0;
    check_disk (&p, i + 1, paths[i], &c->d[i], n_by_bus[bus]++);
  }
  /* One virtio-scsi controller when there is a SCSI drive. */
  ck_assert_int_eq (num (&p, "count(/domain/devices/controller)"),
                    scsi > 0);
  if (scsi) {
    ck_assert_xstr_eq (&p, "scsi", "string(/domain/devices/controller/@type)");
    ck_assert_xstr_eq (&p, "virtio-scsi",
                       "string(/domain/devices/controller/@model)");
  }
  /* The drive's name is qdrive's own: it is not in the XML. */
  if (c->d[0].name)
    ck_assert_ptr_null (strstr (xml, "system"));
  unparse (&p);

  validate (xml);
  free (xml);
  qdrive_close (g);
}
END_TEST

/* The domain itself: name, memory, CPUs, and the offline choice of
 * type, arch and machine. */
START_TEST (test_domain)
{
  qdrive_h *g = qdrive_create (), *g2 = qdrive_create ();
  struct parsed p;
  char *xml, *xml2, *name;

  ck_assert_ptr_nonnull (g);
  ck_assert_ptr_nonnull (g2);
  ck_assert_int_eq (qdrive_set_memsize (g, 1024), 0);
  ck_assert_int_eq (qdrive_set_smp (g, 4), 0);
  xml = qdrive_get_libvirt_xml (g);
  ck_assert_ptr_nonnull (xml);
  parse (&p, xml);
  ck_assert_xstr_eq (&p, "kvm", "string(/domain/@type)");
  ck_assert_xstr_eq (&p, "MiB", "string(/domain/memory/@unit)");
  ck_assert_int_eq (num (&p, "number(/domain/memory)"), 1024);
  ck_assert_int_eq (num (&p, "number(/domain/vcpu)"), 4);
  ck_assert_xstr_eq (&p, "hvm", "string(/domain/os/type)");
  ck_assert_xstr_eq (&p, "x86_64", "string(/domain/os/type/@arch)");
  ck_assert_xstr_eq (&p, "pc", "string(/domain/os/type/@machine)");
  ck_assert_int_eq (num (&p, "count(/domain/uuid)"), 0);
  ck_assert_int_eq (num (&p, "count(/domain/devices/*)"), 0);
  name = str (&p, "string(/domain/name)");
  ck_assert_int_eq (strlen (name), 23);
  ck_assert_int_eq (strncmp (name, "qdrive-", 7), 0);
  unparse (&p);
  validate (xml);

  /* The same name on every call; another handle has another. */
  xml2 = qdrive_get_libvirt_xml (g);
  ck_assert_str_eq (xml, xml2);
  free (xml2);
  xml2 = qdrive_get_libvirt_xml (g2);
  parse (&p, xml2);
  {
    char *name2 = str (&p, "string(/domain/name)");
    ck_assert_str_ne (name, name2);
    free (name2);
  }
  unparse (&p);
  free (xml2);
  free (name);
  free (xml);

  /* TCG only: libvirt's "qemu" type. */
  ck_assert_int_eq (qdrive_set_accel (g, "tcg"), 0);
  xml = qdrive_get_libvirt_xml (g);
  parse (&p, xml);
  ck_assert_xstr_eq (&p, "qemu", "string(/domain/@type)");
  unparse (&p);
  validate (xml);
  free (xml);

  qdrive_close (g);
  qdrive_close (g2);
}
END_TEST

/* The domain name of a new handle, and the handle's address. */
static char *
fresh_domain_name (void **address)
{
  qdrive_h *g = qdrive_create ();
  struct parsed p;
  char *xml, *name;

  ck_assert_ptr_nonnull (g);
  xml = qdrive_get_libvirt_xml (g);
  ck_assert_ptr_nonnull (xml);
  parse (&p, xml);
  name = str (&p, "string(/domain/name)");
  unparse (&p);
  free (xml);
  *address = g;
  qdrive_close (g);
  return name;
}

/* Successive handles have names of their own.  malloc places many of
 * them where an earlier one was (not under valgrind, which holds freed
 * memory back), so names made from addresses repeated here. */
START_TEST (test_domain_name_reused_address)
{
  enum { N = 100 };
  void *address[N];
  char *name[N];
  int i, j;

  for (i = 0; i < N; ++i) {
    name[i] = fresh_domain_name (&address[i]);
    for (j = 0; j < i; ++j)
      ck_assert_msg (strcmp (name[i], name[j]) != 0, "handles %d and %d (at "
                     "%p and %p) are both named %s", j, i, address[j],
                     address[i], name[i]);
  }
  for (i = 0; i < N; ++i)
    free (name[i]);
}
END_TEST

/* Extra qemu parameters go through libvirt's qemu namespace. */
START_TEST (test_config)
{
  qdrive_h *g = qdrive_create ();
  struct parsed p;
  char *xml;

  ck_assert_int_eq (qdrive_config (g, "-device", "isa-debugcon,iobase=0x402"), 0);
  ck_assert_int_eq (qdrive_config (g, "-no-reboot", NULL), 0);
  xml = qdrive_get_libvirt_xml (g);
  ck_assert_ptr_nonnull (xml);
  parse (&p, xml);
  xmlXPathRegisterNs (p.ctx, BAD_CAST "q",
                      BAD_CAST "http://libvirt.org/schemas/domain/qemu/1.0");
  ck_assert_int_eq (num (&p, "count(/domain/q:commandline/q:arg)"), 3);
  ck_assert_xstr_eq (&p, "-device", "string(/domain/q:commandline/q:arg[1]/@value)");
  ck_assert_xstr_eq (&p, "isa-debugcon,iobase=0x402",
                     "string(/domain/q:commandline/q:arg[2]/@value)");
  ck_assert_xstr_eq (&p, "-no-reboot", "string(/domain/q:commandline/q:arg[3]/@value)");
  unparse (&p);
  validate (xml);
  free (xml);
  qdrive_close (g);
}
END_TEST

/* A file name with XML's special characters and commas is escaped,
 * and reads back unchanged. */
START_TEST (test_escaping)
{
  static const char *const names[] = {
    "a'b\"c<d&e,f>g.img", "&amp;,,.img", "]]>.img", "sp ace.img",
    "caf\xc3\xa9.img",
  };
  qdrive_h *g = qdrive_create ();
  struct parsed p;
  char *xml, paths[5][4096];
  size_t i;

  qdrive_set_error_handler (g, NULL, NULL);
  for (i = 0; i < 5; ++i) {
    strcpy (paths[i], make_file (names[i]));
    ck_assert_int_eq (qdrive_add_drive (g, paths[i]), 0);
  }
  xml = qdrive_get_libvirt_xml (g);
  ck_assert_ptr_nonnull (xml);
  /* The writer escaped them: no raw '<' inside an attribute. */
  ck_assert_ptr_null (strstr (xml, "c<d"));
  parse (&p, xml);
  for (i = 0; i < 5; ++i)
    ck_assert_xstr_eq (&p, paths[i],
                       "string(/domain/devices/disk[%zu]/source/@file)", i + 1);
  unparse (&p);
  validate (xml);
  free (xml);
  qdrive_close (g);
}
END_TEST

/* get_libvirt_xml fails on g: its error (g's until its next call). */
static const char *
refused_error (qdrive_h *g)
{
  ck_assert_ptr_null (qdrive_get_libvirt_xml (g));
  return qdrive_last_error (g);
}

/* get_libvirt_xml fails on g with an error that starts with start and
 * says says; closes g. */
static void
assert_refused (qdrive_h *g, const char *start, const char *says)
{
  const char *err = refused_error (g);

  ck_assert_msg (strncmp (err, start, strlen (start)) == 0 &&
                 strstr (err, says) != NULL, "%s", err);
  qdrive_close (g);
}

/* What XML cannot hold is refused with a clear error.  Tab, newline
 * and return: XML has them, but libvirt gives them back as spaces; in
 * file names and in config's values. */
START_TEST (test_unwritable_names)
{
  static const struct {
    const char *name, *says;
  } files[] = {
    { "bad\001name.img", "cannot be written in libvirt XML: it holds the "
      "character U+0001, which XML does not allow" },
    { "t\tab.img", "cannot be written in libvirt XML: it holds the "
      "character U+0009, which libvirt turns into a space" },
    { "new\nline.img", "cannot be written in libvirt XML: it holds the "
      "character U+000A, which libvirt turns into a space" },
    { "car\rriage.img", "cannot be written in libvirt XML: it holds the "
      "character U+000D, which libvirt turns into a space" },
    { "latin1-\xe9.img", "it is not valid UTF-8" },
  };
  /* A server's socket path goes in an attribute too. */
  char *const servers[] = { (char *) "unix:/tmp/a\001b.sock", NULL };
  qdrive_h *g;
  size_t i;

  for (i = 0; i < sizeof files / sizeof files[0]; ++i) {
    g = quiet_handle ();
    ck_assert_int_eq (qdrive_add_drive (g, make_file (files[i].name)), 0);
    assert_refused (g, "get_libvirt_xml: filename: \"", files[i].says);
  }
  g = quiet_handle ();
  ck_assert_int_eq (qdrive_config (g, "-name", "a\tb"), 0);
  assert_refused (g, "get_libvirt_xml: config: \"", "cannot be written in "
                  "libvirt XML: it holds the character U+0009, which libvirt "
                  "turns into a space");
  g = quiet_handle ();
  ck_assert_int_eq (qdrive_add_drive_opts (g, "export",
                                           QDRIVE_ADD_DRIVE_OPTS_PROTOCOL, "nbd",
                                           QDRIVE_ADD_DRIVE_OPTS_SERVER, servers,
                                           -1), 0);
  assert_refused (g, "get_libvirt_xml: server: \"",
                  "it holds the character U+0001");
}
END_TEST

/* Every format libvirt's qemu driver opens is written, by libvirt's
 * name for it; others are refused, also those of libvirt's schema that
 * its qemu driver refuses. */
START_TEST (test_formats)
{
  static const char *const formats[][2] = {
    { "raw", "raw" }, { "qcow2", "qcow2" }, { "qcow", "qcow" },
    { "qed", "qed" }, { "vmdk", "vmdk" }, { "vdi", "vdi" }, { "vpc", "vpc" },
    { "vhdx", "vhd" }, { "parallels", "ploop" }, { "bochs", "bochs" },
    { "cloop", "cloop" }, { "dmg", "dmg" },
  };
  static const char *const refused[] = {
    "dir", "iso", "fat", "cow", "luks", "vhd", "ploop", "nosuchformat",
  };
  const size_t n = sizeof formats / sizeof formats[0];
  qdrive_h *g = qdrive_create ();
  struct parsed p;
  char *xml, want[512];
  const char *path = make_file ("f.img");
  size_t i;

  qdrive_set_error_handler (g, NULL, NULL);
  for (i = 0; i < n; ++i) {       /* one file each: they are writable */
    char name[32];

    snprintf (name, sizeof name, "f%zu.img", i);
    ck_assert_int_eq (qdrive_add_drive_opts (g, make_file (name),
                                             QDRIVE_ADD_DRIVE_OPTS_FORMAT,
                                             formats[i][0], -1), 0);
  }
  xml = qdrive_get_libvirt_xml (g);
  ck_assert_ptr_nonnull (xml);
  parse (&p, xml);
  for (i = 0; i < n; ++i)
    ck_assert_xstr_eq (&p, formats[i][1],
                       "string(/domain/devices/disk[%zu]/driver/@type)", i + 1);
  unparse (&p);
  validate (xml);
  free (xml);
  qdrive_close (g);

  for (i = 0; i < sizeof refused / sizeof refused[0]; ++i) {
    g = quiet_handle ();
    ck_assert_int_eq (qdrive_add_drive_opts (g, path,
                                             QDRIVE_ADD_DRIVE_OPTS_FORMAT,
                                             refused[i], -1), 0);
    snprintf (want, sizeof want, "get_libvirt_xml: format: \"%s\" is not "
              "valid with the libvirt backend; allowed: raw, qcow2, qcow, "
              "qed, vmdk, vdi, vpc, vhdx, parallels, bochs, cloop, dmg",
              refused[i]);
    ck_assert_str_eq (refused_error (g), want);
    qdrive_close (g);
  }
}
END_TEST

/* One domain cannot hold the same file read-only twice (libvirt names
 * the overlay after the file): refused, naming both drives; other
 * files are fine (add_drive refuses the same file writable beside). */
START_TEST (test_same_file_readonly_twice)
{
  qdrive_h *g = qdrive_create ();
  char a[4096], b[4096], want[1024];
  char *xml;

  qdrive_set_error_handler (g, NULL, NULL);
  tmpdir_file (a, sizeof a, "a.img");
  tmpdir_file (b, sizeof b, "b.img");
  ck_assert_int_eq (qdrive_add_drive_ro (g, a), 0);
  ck_assert_int_eq (qdrive_add_drive_ro (g, b), 0);
  ck_assert_int_eq (qdrive_add_drive (g, make_file ("c.img")), 0);
  xml = qdrive_get_libvirt_xml (g);
  ck_assert_ptr_nonnull (xml);
  free (xml);
  ck_assert_int_eq (qdrive_add_drive_ro (g, a), 0);
  snprintf (want, sizeof want, "get_libvirt_xml: readonly: drives hd0 and "
            "hd3 are the same file \"%s\" read-only, which the libvirt "
            "backend cannot do (libvirt names the overlay of a read-only "
            "drive after its file); add the file once, or use the direct "
            "backend", a);
  ck_assert_str_eq (refused_error (g), want);
  qdrive_close (g);
}
END_TEST

/* Many SCSI drives: each gets its own name and, past target 99, the
 * next LUN, all on the one controller. */
START_TEST (test_many_scsi)
{
  qdrive_h *g = qdrive_create ();
  struct parsed p;
  char *xml, *s, name[32];
  int i;

  for (i = 0; i < 300; ++i) {     /* one file each: drives share none */
    snprintf (name, sizeof name, "many%d.img", i);
    ck_assert_int_eq (qdrive_add_drive_opts (g, make_file (name),
                                             QDRIVE_ADD_DRIVE_OPTS_CACHEMODE,
                                             "unsafe", -1), 0);
  }
  xml = qdrive_get_libvirt_xml (g);
  ck_assert_ptr_nonnull (xml);
  parse (&p, xml);
  ck_assert_int_eq (num (&p, "count(/domain/devices/disk)"), 300);
  ck_assert_int_eq (num (&p, "count(/domain/devices/controller)"), 1);
  /* Every target name distinct. */
  ck_assert_int_eq (num (&p, "count(/domain/devices/disk[target/@dev = "
                         "preceding-sibling::disk/target/@dev])"), 0);
  ck_assert_xstr_eq (&p, "sdz", "string(/domain/devices/disk[26]/target/@dev)");
  ck_assert_xstr_eq (&p, "sdaa", "string(/domain/devices/disk[27]/target/@dev)");
  ck_assert_xstr_eq (&p, "sdkn", "string(/domain/devices/disk[300]/target/@dev)");
  ck_assert_int_eq (num (&p, "number(/domain/devices/disk[100]/address/@target)"), 99);
  ck_assert_int_eq (num (&p, "number(/domain/devices/disk[100]/address/@unit)"), 0);
  ck_assert_int_eq (num (&p, "number(/domain/devices/disk[101]/address/@target)"), 0);
  ck_assert_int_eq (num (&p, "number(/domain/devices/disk[101]/address/@unit)"), 1);
  ck_assert_int_eq (num (&p, "number(/domain/devices/disk[300]/address/@target)"), 99);
  ck_assert_int_eq (num (&p, "number(/domain/devices/disk[300]/address/@unit)"), 2);
  s = str (&p, "string(/domain/devices/disk[300]/alias/@name)");
  ck_assert_str_eq (s, "ua-hd299");
  free (s);
  unparse (&p);
  validate (xml);
  free (xml);
  qdrive_close (g);
}
END_TEST

/* A scratch disk is an unsafe raw file. */
START_TEST (test_scratch)
{
  qdrive_h *g = qdrive_create ();
  struct parsed p;
  char *xml;

  ck_assert_int_eq (qdrive_add_drive_scratch (g, 1 << 20,
                                              QDRIVE_ADD_DRIVE_SCRATCH_LABEL,
                                              "scratch", -1), 0);
  xml = qdrive_get_libvirt_xml (g);
  ck_assert_ptr_nonnull (xml);
  parse (&p, xml);
  ck_assert_xstr_eq (&p, "unsafe", "string(/domain/devices/disk/driver/@cache)");
  ck_assert_xstr_eq (&p, "scratch", "string(/domain/devices/disk/serial)");
  unparse (&p);
  validate (xml);
  free (xml);
  qdrive_close (g);
}
END_TEST

/* Network drives: <disk type='network'> with its <source protocol
 * name>, <host>s and <auth>, valid by libvirt's schema. */
START_TEST (test_network)
{
  qdrive_h *g = qdrive_create ();
  struct parsed p;
  char *xml, *uuid;

#define ADD(file, proto, ...) \
  ck_assert_msg (qdrive_add_drive_opts (g, (file), \
                                        QDRIVE_ADD_DRIVE_OPTS_PROTOCOL, (proto), \
                                        __VA_ARGS__, -1) == 0, \
                 "%s", qdrive_last_error (g))
  ADD ("exp", "nbd", QDRIVE_ADD_DRIVE_OPTS_SERVER,
       (char *[]) { "unix:/run/nbd.sock", NULL });
  ADD ("", "nbd", QDRIVE_ADD_DRIVE_OPTS_SERVER, (char *[]) { "[::1]:10810", NULL },
       QDRIVE_ADD_DRIVE_OPTS_READONLY, 1);
  ADD ("/d/x.img", "https", QDRIVE_ADD_DRIVE_OPTS_SERVER,
       (char *[]) { "web.example", NULL }, QDRIVE_ADD_DRIVE_OPTS_READONLY, 1,
       QDRIVE_ADD_DRIVE_OPTS_USERNAME, "bob", QDRIVE_ADD_DRIVE_OPTS_SECRET, "pw");
  ADD ("iqn.2024-01.org.x:d/1", "iscsi", QDRIVE_ADD_DRIVE_OPTS_SERVER,
       (char *[]) { "10.0.0.1", NULL }, QDRIVE_ADD_DRIVE_OPTS_USERNAME, "al",
       QDRIVE_ADD_DRIVE_OPTS_SECRET, "chap");
  ADD ("pool/img", "rbd", QDRIVE_ADD_DRIVE_OPTS_SERVER,
       (char *[]) { "m1", "m2:6790", NULL }, QDRIVE_ADD_DRIVE_OPTS_SECRET,
       "AQAAAAAAAAAAABAA8tFrSvzb/WuQp9VY5PZkZw==");
  ADD ("vol/dir/img", "gluster", QDRIVE_ADD_DRIVE_OPTS_SERVER,
       (char *[]) { "unix:/run/gl.sock", NULL });
#undef ADD
  xml = qdrive_get_libvirt_xml (g);
  ck_assert_ptr_nonnull (xml);
  ck_assert_ptr_null (strstr (xml, "chap"));
  ck_assert_ptr_null (strstr (xml, "AQAAAAAAAAAAABAA8tFrSvzb"));
  parse (&p, xml);
  ck_assert_int_eq (num (&p, "count(/domain/devices/disk[@type='network'])"), 6);
#define D "/domain/devices/disk[alias/@name='ua-hd%d']"
  ck_assert_xstr_eq (&p, "nbd", "string(" D "/source/@protocol)", 0);
  ck_assert_xstr_eq (&p, "exp", "string(" D "/source/@name)", 0);
  ck_assert_xstr_eq (&p, "unix", "string(" D "/source/host/@transport)", 0);
  ck_assert_xstr_eq (&p, "/run/nbd.sock", "string(" D "/source/host/@socket)", 0);
  ck_assert_int_eq (num (&p, "count(" D "/source/@name)", 1), 0);
  ck_assert_xstr_eq (&p, "::1", "string(" D "/source/host/@name)", 1);
  ck_assert_xstr_eq (&p, "10810", "string(" D "/source/host/@port)", 1);
  ck_assert_int_eq (num (&p, "count(" D "/readonly)", 1), 1);
  ck_assert_int_eq (num (&p, "count(" D "/transient)", 1), 0);
  ck_assert_xstr_eq (&p, "/d/x.img", "string(" D "/source/@name)", 2);
  ck_assert_xstr_eq (&p, "443", "string(" D "/source/host/@port)", 2);
  ck_assert_xstr_eq (&p, "bob", "string(" D "/source/auth/@username)", 2);
  ck_assert_xstr_eq (&p, "iscsi", "string(" D "/source/auth/secret/@type)", 2);
  ck_assert_xstr_eq (&p, "iqn.2024-01.org.x:d/1", "string(" D "/source/@name)", 3);
  ck_assert_xstr_eq (&p, "3260", "string(" D "/source/host/@port)", 3);
  ck_assert_xstr_eq (&p, "pool/img", "string(" D "/source/@name)", 4);
  ck_assert_int_eq (num (&p, "count(" D "/source/host)", 4), 2);
  ck_assert_xstr_eq (&p, "6789", "string(" D "/source/host[1]/@port)", 4);
  ck_assert_xstr_eq (&p, "admin", "string(" D "/source/auth/@username)", 4);
  ck_assert_xstr_eq (&p, "ceph", "string(" D "/source/auth/secret/@type)", 4);
  uuid = str (&p, "string(" D "/source/auth/secret/@uuid)", 4);
  ck_assert_uint_eq (strlen (uuid), 36);
  free (uuid);
  ck_assert_xstr_eq (&p, "vol/dir/img", "string(" D "/source/@name)", 5);
#undef D
  unparse (&p);
  validate (xml);
  /* The same on every call: the secrets' UUIDs too. */
  uuid = qdrive_get_libvirt_xml (g);
  ck_assert_str_eq (uuid, xml);
  free (uuid);
  free (xml);
  qdrive_close (g);
}
END_TEST

/* What libvirt 9.0's XML cannot hold is refused by name.  Each case's
 * optional arguments as the _argv form holds them, so that one call
 * serves every row. */
START_TEST (test_network_unwritable)
{
#define NET (QDRIVE_ADD_DRIVE_OPTS_PROTOCOL_BITMASK | \
             QDRIVE_ADD_DRIVE_OPTS_SERVER_BITMASK)
  static char *const servers[] = { (char *) "h", NULL };
  static const struct {
    const char *filename;
    struct qdrive_add_drive_opts_argv opts;
    const char *error;
  } refused[] = {
    { "/x", { .bitmask = NET, .protocol = "ssh", .server = servers },
      "get_libvirt_xml: protocol: drive hd0 is \"ssh\", which libvirt 9.0's "
      "domain XML does not have; use the direct backend" },
    { "/x", { .bitmask = NET | QDRIVE_ADD_DRIVE_OPTS_READONLY_BITMASK |
              QDRIVE_ADD_DRIVE_OPTS_USERNAME_BITMASK, .protocol = "http",
              .server = servers, .readonly = 1, .username = "u" },
      "get_libvirt_xml: username: drive hd0 has a username and no secret, "
      "which libvirt's <auth> cannot hold; give secret too, or use the "
      "direct backend" },
    { "i/0", { .bitmask = NET | QDRIVE_ADD_DRIVE_OPTS_USERNAME_BITMASK |
               QDRIVE_ADD_DRIVE_OPTS_SECRET_BITMASK, .protocol = "iscsi",
               .server = servers, .username = "a b", .secret = "s" },
      "get_libvirt_xml: username: \"a b\" cannot be written in libvirt XML; "
      "allowed with the libvirt backend: letters, digits, _, + and -" },
  };
#undef NET
  qdrive_h *g;
  size_t i;

  for (i = 0; i < sizeof refused / sizeof refused[0]; ++i) {
    g = quiet_handle ();
    ck_assert_int_eq (qdrive_add_drive_opts_argv (g, refused[i].filename,
                                                  &refused[i].opts), 0);
    ck_assert_str_eq (refused_error (g), refused[i].error);
    qdrive_close (g);
  }
}
END_TEST

/* With guest "appliance": the kernel, initramfs and command line the
 * direct backend uses, no reboot, the console on a pty and the agent's
 * channel on a socket that libvirt places itself (no path). */
START_TEST (test_appliance)
{
  qdrive_h *g = qdrive_create ();
  struct parsed p;
  char **cmd, *xml;
  const char *kernel = NULL, *initrd = NULL, *append = NULL;
  size_t i;

  ck_assert_ptr_nonnull (g);
  ck_assert_int_eq (qdrive_set_guest (g, "appliance"), 0);
  ck_assert_int_eq (qdrive_add_drive_scratch (g, 1 << 20, -1), 0);
  ck_assert_int_eq (qdrive_add_drive_scratch (g, 1 << 20,
                                              QDRIVE_ADD_DRIVE_SCRATCH_LABEL,
                                              "L", -1), 0);
  cmd = qdrive_get_qemu_command_line (g);
  ck_assert_msg (cmd != NULL, "%s", qdrive_last_error (g));
  for (i = 0; cmd[i] != NULL; ++i) {
    if (strcmp (cmd[i], "-kernel") == 0) kernel = cmd[i + 1];
    if (strcmp (cmd[i], "-initrd") == 0) initrd = cmd[i + 1];
    if (strcmp (cmd[i], "-append") == 0) append = cmd[i + 1];
  }
  ck_assert (kernel && initrd && append);
  xml = qdrive_get_libvirt_xml (g);
  ck_assert_msg (xml != NULL, "%s", qdrive_last_error (g));
  parse (&p, xml);
  ck_assert_xstr_eq (&p, kernel, "string(/domain/os/kernel)");
  ck_assert_xstr_eq (&p, initrd, "string(/domain/os/initrd)");
  ck_assert_xstr_eq (&p, append, "string(/domain/os/cmdline)");
  ck_assert_xstr_eq (&p, "destroy", "string(/domain/on_reboot)");
  ck_assert_xstr_eq (&p, "destroy", "string(/domain/on_crash)");
  ck_assert_xstr_eq (&p, "pty", "string(/domain/devices/serial/@type)");
  ck_assert_xstr_eq (&p, "unix", "string(/domain/devices/channel/@type)");
  ck_assert_xstr_eq (&p, "bind",
                     "string(/domain/devices/channel/source/@mode)");
  ck_assert_xstr_eq (&p, "org.qemu.guest_agent.0",
                     "string(/domain/devices/channel/target/@name)");
  ck_assert_int_eq (num (&p, "count(/domain/devices/channel/source/@path)"),
                    0);
  ck_assert_int_eq (num (&p, "count(/domain/devices/disk)"), 2);
  unparse (&p);
  validate (xml);
  free (xml);
  qdrive_free_string_list (cmd);
  qdrive_close (g);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("libvirt-xml");
  TCase *tc = tcase_create ("xml");

  tcase_add_unchecked_fixture (tc, make_tmpdir, remove_tmpdir);
  tcase_add_loop_test (tc, test_case, 0, sizeof cases / sizeof cases[0]);
  tcase_add_test (tc, test_domain);
  tcase_add_test (tc, test_domain_name_reused_address);
  tcase_add_test (tc, test_config);
  tcase_add_test (tc, test_escaping);
  tcase_add_test (tc, test_unwritable_names);
  tcase_add_test (tc, test_formats);
  tcase_add_test (tc, test_same_file_readonly_twice);
  tcase_add_test (tc, test_many_scsi);
  tcase_add_test (tc, test_scratch);
  tcase_add_test (tc, test_network);
  tcase_add_test (tc, test_network_unwritable);
  tcase_add_test (tc, test_appliance);
  suite_add_tcase (s, tc);
  return run_suite (s);
}
