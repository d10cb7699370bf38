/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: the libvirt domain XML of the drives (get_libvirt_xml, and
 * the libvirt backend's launch).
 *
 * The XML is written with libxml2's xmlTextWriter, which escapes every
 * value, so a file name holding quotes, '<' or '&' comes back from
 * libvirt unchanged.  Commas need nothing here: libvirt quotes for
 * qemu itself.
 *
 * get_libvirt_xml does not connect to libvirt, so it writes the domain
 * for a local qemu: type "kvm" ("qemu" when the accelerator is "tcg"),
 * arch x86_64, machine "pc" (the one with an IDE controller), and no
 * uuid.  launch writes the same XML with the type, arch and machine
 * the connection's capabilities offer and a uuid of its own (see
 * backend-libvirt.c). */

#include <config.h>

#include <inttypes.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

#include <libxml/xmlstring.h>
#include <libxml/xmlwriter.h>

#include "appliance.h"
#include "escape.h"
#include "libvirt-xml.h"

/* The domain name must differ between handles, also between processes
 * and hosts using one libvirt, and must not change between
 * get_libvirt_xml and launch.  Each handle takes a serial number from a
 * counter of the process's (its address would not do: the next handle
 * often gets the address of the one just closed, and a domain of the
 * same name may still be going away in libvirt), and the name is that
 * number multiplied by an odd constant and XORed with a random key
 * drawn once per process: distinct for distinct serials, saying
 * nothing about how many handles the process made, and unlikely to
 * meet another process's names. */
static uint64_t name_key;
static pthread_once_t name_key_once = PTHREAD_ONCE_INIT;
static uint64_t last_serial;

static void
init_name_key (void)
{
  if (getrandom (&name_key, sizeof name_key, 0) != sizeof name_key)
    name_key = ((uint64_t) getpid () << 32) ^ (uint64_t) time (NULL);
}

void
qdrive_int_libvirt_name (qdrive_h *g, char *buf)
{
  pthread_once (&name_key_once, init_name_key);
  /* The caller holds the handle's lock. */
  if (g->libvirt_serial == 0)
    g->libvirt_serial = __atomic_add_fetch (&last_serial, 1, __ATOMIC_RELAXED);
  snprintf (buf, QDRIVE_LIBVIRT_NAME_LEN, "qdrive-%016" PRIx64,
            (g->libvirt_serial * UINT64_C(0x9e3779b97f4a7c15)) ^ name_key);
}

/* libvirt's disk names: prefix then a..z, aa..zz, aaa...: the letters
 * are the index in base 26 where each digit is one more than usual. */
static void
disk_name (char *buf, size_t len, const char *prefix, size_t index)
{
  char letters[16];
  size_t n = sizeof letters - 1;

  letters[n] = '\0';
  for (;;) {
    letters[--n] = 'a' + index % 26;
    if (index < 26)
      break;
    index = index / 26 - 1;
  }
  snprintf (buf, len, "%s%s", prefix, &letters[n]);
}

/* The code point of the valid UTF-8 sequence of len bytes at p (as
 * qdrive_utf8_length checks it: strictly, where libxml2's xmlCheckUTF8
 * lets overlong forms through, which the parser then refuses; the
 * fuzzer found that). */
static long
code_point (const unsigned char *p, size_t len)
{
  static const unsigned char lead_bits[] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
  long c = p[0] & lead_bits[len];
  size_t i;

  for (i = 1; i < len; ++i)
    c = (c << 6) | (p[i] & 0x3f);
  return c;
}

/* XML 1.0 holds only valid UTF-8 of its Char production: tab, newline,
 * return, and U+0020 up, less U+FFFE and U+FFFF.  Tab, newline and
 * return are refused too: every value goes in an attribute, and libvirt
 * writes them raw in the domain XML it gives back, where the parser
 * turns each into a space (block_info would report another file name,
 * and qemu get another argument). */
static int
check_xml_text (qdrive_h *g, const char *what, const char *s)
{
  const unsigned char *p = (const unsigned char *) s;
  size_t left = strlen (s), len;
  long c;

  while (left > 0) {
    len = qdrive_utf8_length (p, left);
    if (len == 0) {
      set_error (g, "%s: \"%s\" cannot be written in libvirt XML: it is "
                 "not valid UTF-8", what, s);
      return -1;
    }
    c = code_point (p, len);
    if (c == '\t' || c == '\n' || c == '\r') {
      set_error (g, "%s: \"%s\" cannot be written in libvirt XML: it holds "
                 "the character U+%04lX, which libvirt turns into a space",
                 what, s, c);
      return -1;
    }
    if (c < 0x20 || c == 0xfffe || c == 0xffff) {
      set_error (g, "%s: \"%s\" cannot be written in libvirt XML: it holds "
                 "the character U+%04lX, which XML does not allow",
                 what, s, c);
      return -1;
    }
    p += len;
    left -= len;
  }
  return 0;
}

const char *
qdrive_int_libvirt_secret_type (const struct drive_net *n)
{
  return n->protocol == QDRIVE_INT_PROTOCOL_RBD ? "ceph" : "iscsi";
}

/* What libvirt 9.0's schema cannot hold of a network drive. */
static int
check_network_drive (qdrive_h *g, const struct drive *d, size_t i)
{
  const struct drive_net *n = d->net;
  const char *c;
  size_t k;

  for (k = 0; k < n->nservers; ++k)
    if (check_xml_text (g, "server", n->servers[k].host) == -1)
      return -1;
  if (n->protocol == QDRIVE_INT_PROTOCOL_SSH) {
    set_error (g, "protocol: drive hd%zu is \"ssh\", which libvirt 9.0's "
               "domain XML does not have; use the direct backend", i);
    return -1;
  }
  if (n->username && n->secret == NULL) {
    set_error (g, "username: drive hd%zu has a username and no secret, "
               "which libvirt's <auth> cannot hold; give secret too, or "
               "use the direct backend", i);
    return -1;
  }
  if (n->username) {
    for (c = n->username; *c; ++c)
      if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
            (*c >= '0' && *c <= '9') || strchr ("_+-", *c))) {
        set_error (g, "username: \"%s\" cannot be written in libvirt XML; "
                   "allowed with the libvirt backend: letters, digits, _, + "
                   "and -", n->username);
        return -1;
      }
  }
  return 0;
}

/* The formats the libvirt backend takes: qdrive's format names are
 * qemu's (the direct backend hands them to qemu as they are), and each
 * is written as the name libvirt's qemu driver has for it.  These are
 * the formats that driver opens from a file (libvirt 9.0): its schema
 * names more (dir, iso, fat, cow, luks), which its test driver takes
 * and the real one refuses. */
static const struct {
  const char *qemu, *libvirt;
} libvirt_formats[] = {
  { "raw", "raw" }, { "qcow2", "qcow2" }, { "qcow", "qcow" },
  { "qed", "qed" }, { "vmdk", "vmdk" }, { "vdi", "vdi" }, { "vpc", "vpc" },
  { "vhdx", "vhd" }, { "parallels", "ploop" }, { "bochs", "bochs" },
  { "cloop", "cloop" }, { "dmg", "dmg" },
};
#define N_LIBVIRT_FORMATS (sizeof libvirt_formats / sizeof libvirt_formats[0])

/* libvirt's name for the qemu format, or NULL. */
static const char *
libvirt_format (const char *format)
{
  size_t i;

  for (i = 0; i < N_LIBVIRT_FORMATS; ++i)
    if (strcmp (format, libvirt_formats[i].qemu) == 0)
      return libvirt_formats[i].libvirt;
  return NULL;
}

static int
check_format (qdrive_h *g, const char *format)
{
  char allowed[256] = "";
  size_t i;

  if (libvirt_format (format) != NULL)
    return 0;
  for (i = 0; i < N_LIBVIRT_FORMATS; ++i) {
    if (i > 0)
      strcat (allowed, ", ");
    strcat (allowed, libvirt_formats[i].qemu);
  }
  set_error (g, "format: \"%s\" is not valid with the libvirt backend; "
             "allowed: %s", format, allowed);
  return -1;
}

/* Orders drives (indices into g->drives) by file name, then index. */
static int
compare_by_file (const void *pa, const void *pb, void *vg)
{
  const qdrive_h *g = vg;
  size_t a = *(const size_t *) pa, b = *(const size_t *) pb;
  int c = strcmp (g->drives[a].filename, g->drives[b].filename);

  return c ? c : (a > b) - (a < b);
}

/* libvirt names a <transient/> disk's overlay after its file and the
 * domain, so one domain cannot hold the same file read-only twice (its
 * qemu driver refuses, its test driver does not).  Sorted, so that a
 * hundred thousand drives cost no more than sorting them. */
static int
check_transient_files (qdrive_h *g)
{
  size_t *v, i, n = 0;
  int r = 0;

  for (i = 0; i < g->ndrives; ++i)
    n += g->drives[i].readonly && g->drives[i].net == NULL;
  if (n < 2)
    return 0;
  v = malloc (n * sizeof *v);
  if (v == NULL) {
    set_perror (g, "malloc");
    return -1;
  }
  for (i = 0, n = 0; i < g->ndrives; ++i)
    if (g->drives[i].readonly && g->drives[i].net == NULL)
      v[n++] = i;
  qsort_r (v, n, sizeof *v, compare_by_file, g);
  for (i = 1; i < n && r == 0; ++i)
    if (strcmp (g->drives[v[i - 1]].filename, g->drives[v[i]].filename) == 0) {
      set_error (g, "readonly: drives hd%zu and hd%zu are the same file \"%s\" "
                 "read-only, which the libvirt backend cannot do (libvirt "
                 "names the overlay of a read-only drive after its file); "
                 "add the file once, or use the direct backend",
                 v[i - 1], v[i], g->drives[v[i]].filename);
      r = -1;
    }
  free (v);
  return r;
}

/* SCSI targets libvirt's schema allows (two digits), and the drives
 * they hold with qemu's 16,384 LUNs each. */
#define LIBVIRT_SCSI_TARGETS 100
#define LIBVIRT_MAX_SCSI_DRIVES (LIBVIRT_SCSI_TARGETS * QDRIVE_SCSI_LUNS)

static const char *const target_prefix[] = {
  [QDRIVE_INT_IFACE_SCSI] = "sd",
  [QDRIVE_INT_IFACE_VIRTIO] = "vd",
  [QDRIVE_INT_IFACE_IDE] = "hd",
};

/* The elements are written in the order libvirt itself uses. */
#define W(call) do { if ((call) < 0) return -1; } while (0)
#define ATTR(w, name, value) \
  W (xmlTextWriterWriteAttribute ((w), BAD_CAST (name), BAD_CAST (value)))
#define ATTRF(w, name, ...) \
  W (xmlTextWriterWriteFormatAttribute ((w), BAD_CAST (name), __VA_ARGS__))
#define START(w, name) W (xmlTextWriterStartElement ((w), BAD_CAST (name)))
#define END(w) W (xmlTextWriterEndElement (w))

void
qdrive_int_libvirt_secret_uuid (const struct drive_net *n, char *buf)
{
  const unsigned char *u = n->secret_uuid;

  snprintf (buf, QDRIVE_LIBVIRT_UUID_LEN,
            "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
            "%02x%02x%02x%02x%02x%02x",
            u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
            u[10], u[11], u[12], u[13], u[14], u[15]);
}

/* <source protocol= name=> with its <host>s and <auth> (libvirt's
 * schema: domaincommon.rng, diskSourceNetwork*).  The secret is named
 * by its UUID: launch defines it (backend-libvirt.c). */
static int
write_network_source (xmlTextWriterPtr w, const struct drive *d)
{
  const struct drive_net *n = d->net;
  char uuid[QDRIVE_LIBVIRT_UUID_LEN];
  size_t k;

  START (w, "source");
  ATTR (w, "protocol", qdrive_int_protocol_names[n->protocol]);
  if (d->filename[0] != '\0')  /* NBD's default export has no name */
    ATTR (w, "name", d->filename);
  for (k = 0; k < n->nservers; ++k) {
    START (w, "host");
    if (n->servers[k].is_unix) {
      ATTR (w, "transport", "unix");
      ATTR (w, "socket", n->servers[k].host);
    }
    else {
      ATTR (w, "name", n->servers[k].host);
      ATTRF (w, "port", "%u", n->servers[k].port);
    }
    END (w);
  }
  if (n->secret) {
    START (w, "auth");
    /* Ceph's own default user when none is given. */
    ATTR (w, "username", n->username ? n->username : "admin");
    START (w, "secret");
    ATTR (w, "type", qdrive_int_libvirt_secret_type (n));
    qdrive_int_libvirt_secret_uuid (n, uuid);
    ATTR (w, "uuid", uuid);
    END (w);
    END (w);
  }
  END (w);
  return 0;
}

void
qdrive_int_libvirt_target_dev (const struct drive *d, size_t n, char *buf,
                               size_t len)
{
  disk_name (buf, len, target_prefix[d->iface], n);
}

/* Drive i, the n-th of its interface; a file drive from the file
 * source. */
static int
write_disk (xmlTextWriterPtr w, const struct drive *d, const char *source,
            size_t i, size_t n)
{
  char dev[32];

  START (w, "disk");
  ATTR (w, "type", d->net ? "network" : "file");
  ATTR (w, "device", "disk");

  START (w, "driver");
  ATTR (w, "name", "qemu");
  if (d->format)
    ATTR (w, "type", libvirt_format (d->format));
  ATTR (w, "cache", qdrive_int_cachemode_names[d->cachemode]);
  /* besteffort too: where the format cannot discard, qemu ignores it. */
  if (d->discard != QDRIVE_INT_DISCARD_DISABLE)
    ATTR (w, "discard", "unmap");
  if (d->copyonread)
    ATTR (w, "copy_on_read", "on");
  END (w);

  if (d->net)
    W (write_network_source (w, d));
  else {
    START (w, "source");
    ATTR (w, "file", source);
    END (w);
  }

  if (d->blocksize) {
    START (w, "blockio");
    ATTRF (w, "logical_block_size", "%u", d->blocksize);
    ATTRF (w, "physical_block_size", "%u", d->blocksize);
    END (w);
  }

  qdrive_int_libvirt_target_dev (d, n, dev, sizeof dev);
  START (w, "target");
  ATTR (w, "dev", dev);
  ATTR (w, "bus", qdrive_int_iface_names[d->iface]);
  END (w);

  /* The guest's writes go to an overlay that is thrown away.  (Not
   * shareBacking='yes', with which qemu would open the file read-only,
   * so that other domains could use it too: libvirt 9.0 then hotplugs
   * the disk, which fails for every bus here.)  libvirt has no
   * transient network disks: those are read-only for the guest too,
   * and the server is not written either way. */
  if (d->readonly) {
    START (w, d->net ? "readonly" : "transient");
    END (w);
  }

  if (d->label)
    W (xmlTextWriterWriteElement (w, BAD_CAST "serial", BAD_CAST d->label));

  START (w, "alias");
  ATTRF (w, "name", QDRIVE_LIBVIRT_ALIAS_PREFIX "hd%zu", i);
  END (w);

  /* Every SCSI disk on the one virtio-scsi controller: targets 0-99
   * on LUN 0 (as the direct backend places its first 100), then the
   * next LUN.  libvirt's schema allows two-digit targets only.
   * (Without addresses libvirt would put 16 disks per controller and
   * add controllers of its default model; and the appliance's /init
   * scans only targets from 0 up.)  IDE disks are placed by their
   * names, hda-hdd. */
  if (d->iface == QDRIVE_INT_IFACE_SCSI) {
    START (w, "address");
    ATTR (w, "type", "drive");
    ATTR (w, "controller", "0");
    ATTR (w, "bus", "0");
    ATTRF (w, "target", "%zu", n % LIBVIRT_SCSI_TARGETS);
    ATTRF (w, "unit", "%zu", n / LIBVIRT_SCSI_TARGETS);
    END (w);
  }

  END (w); /* disk */
  return 0;
}

#define QEMU_NS "http://libvirt.org/schemas/domain/qemu/1.0"

/* ---- the appliance (guest "appliance") --------------------------------
 * The same guest the direct backend boots (see appliance.h and
 * backend-direct-argv.c): the host's kernel and qdrive's initramfs with
 * its command line, and no reboot (a panic, panic=1, ends the domain).
 * What the daemon needs of it is its own: the serial console a pty
 * (virsh console shows it while the domain runs), and the guest agent's
 * virtio-serial port a unix socket that libvirt places and connects to
 * itself (mode 'bind', no path), for its agent API (libvirt-qmp.c).
 * launch gives the kernel and initramfs as volumes of the daemon's
 * storage (libvirt-volumes.c). */

static int
write_appliance_os (xmlTextWriterPtr w, qdrive_h *g,
                    const struct libvirt_target *t,
                    const struct appliance *app)
{
  char *cmdline = qdrive_int_appliance_cmdline (g);
  int r = -1;

  if (cmdline == NULL)
    return -1;
  if (xmlTextWriterWriteElement (w, BAD_CAST "kernel", BAD_CAST
                                 (t->kernel ? t->kernel : app->kernel)) >= 0 &&
      xmlTextWriterWriteElement (w, BAD_CAST "initrd", BAD_CAST
                                 (t->initrd ? t->initrd : app->initrd)) >= 0 &&
      xmlTextWriterWriteElement (w, BAD_CAST "cmdline",
                                 BAD_CAST cmdline) >= 0)
    r = 0;
  free (cmdline);
  return r;
}

static int
write_appliance_lifecycle (xmlTextWriterPtr w)
{
  W (xmlTextWriterWriteElement (w, BAD_CAST "on_poweroff", BAD_CAST "destroy"));
  W (xmlTextWriterWriteElement (w, BAD_CAST "on_reboot", BAD_CAST "destroy"));
  W (xmlTextWriterWriteElement (w, BAD_CAST "on_crash", BAD_CAST "destroy"));
  return 0;
}

static int
write_appliance_devices (xmlTextWriterPtr w)
{
  START (w, "serial");
  ATTR (w, "type", "pty");
  START (w, "target");
  ATTR (w, "port", "0");
  END (w);
  END (w); /* serial */

  START (w, "channel");
  ATTR (w, "type", "unix");
  START (w, "source");
  ATTR (w, "mode", "bind");
  END (w);
  START (w, "target");
  ATTR (w, "type", "virtio");
  ATTR (w, "name", APPLIANCE_AGENT_PORT);
  END (w);
  END (w); /* channel */
  return 0;
}

/* ---- the domain ---------------------------------------------------- */

/* app: the appliance, or NULL for guest "stopped". */
static int
write_domain (xmlTextWriterPtr w, qdrive_h *g, const struct libvirt_target *t,
              const struct appliance *app)
{
  char name[QDRIVE_LIBVIRT_NAME_LEN];
  size_t i, n_by_iface[QDRIVE_INT_IFACE_COUNT] = { 0 };

  W (xmlTextWriterSetIndent (w, 1));
  W (xmlTextWriterSetIndentString (w, BAD_CAST "  "));

  START (w, "domain");
  ATTR (w, "type", t->type);
  if (g->nconfig > 0)
    ATTR (w, "xmlns:qemu", QEMU_NS);

  qdrive_int_libvirt_name (g, name);
  W (xmlTextWriterWriteElement (w, BAD_CAST "name", BAD_CAST name));
  if (t->uuid)
    W (xmlTextWriterWriteElement (w, BAD_CAST "uuid", BAD_CAST t->uuid));

  START (w, "memory");
  ATTR (w, "unit", "MiB");
  W (xmlTextWriterWriteFormatString (w, "%d", g->memsize));
  END (w);
  W (xmlTextWriterWriteFormatElement (w, BAD_CAST "vcpu", "%d", g->smp));

  START (w, "os");
  START (w, "type");
  ATTR (w, "arch", t->arch);
  if (t->machine)
    ATTR (w, "machine", t->machine);
  W (xmlTextWriterWriteString (w, BAD_CAST "hvm"));
  END (w);
  if (app != NULL && write_appliance_os (w, g, t, app) == -1)
    return -1;
  END (w); /* os */
  if (app != NULL && write_appliance_lifecycle (w) == -1)
    return -1;

  START (w, "devices");
  for (i = 0; i < g->ndrives; ++i) {
    const struct drive *d = &g->drives[i];
    const char *source = t->sources && t->sources[i] ? t->sources[i]
      : d->filename;
    if (write_disk (w, d, source, i, n_by_iface[d->iface]++) == -1)
      return -1;
  }
  if (g->count_by_iface[QDRIVE_INT_IFACE_SCSI] > 0) {
    START (w, "controller");
    ATTR (w, "type", "scsi");
    ATTR (w, "index", "0");
    ATTR (w, "model", "virtio-scsi");
    END (w);
  }
  if (app != NULL && write_appliance_devices (w) == -1)
    return -1;
  END (w); /* devices */

  /* The extra qemu parameters of the config call, passed through
   * libvirt's qemu namespace.  Only the qemu driver uses them. */
  if (g->nconfig > 0) {
    START (w, "qemu:commandline");
    for (i = 0; i < g->nconfig; ++i) {
      START (w, "qemu:arg");
      ATTR (w, "value", g->config[i]);
      END (w);
    }
    END (w);
  }

  END (w); /* domain */
  return 0;
}

char *
qdrive_int_libvirt_xml (qdrive_h *g, const struct libvirt_target *t)
{
  xmlBufferPtr buf;
  xmlTextWriterPtr w;
  char *xml = NULL;
  size_t i;
  int r;
  struct appliance app;
  bool appliance = g->guest == QDRIVE_INT_GUEST_APPLIANCE;

  for (i = 0; i < g->ndrives; ++i)
    if (check_xml_text (g, "filename", g->drives[i].filename) == -1 ||
        (g->drives[i].format && check_format (g, g->drives[i].format) == -1) ||
        (g->drives[i].net && check_network_drive (g, &g->drives[i], i) == -1))
      return NULL;
  for (i = 0; i < g->nconfig; ++i)
    if (check_xml_text (g, "config", g->config[i]) == -1)
      return NULL;
  if (check_transient_files (g) == -1)
    return NULL;
  if (g->count_by_iface[QDRIVE_INT_IFACE_SCSI] > LIBVIRT_MAX_SCSI_DRIVES) {
    set_error (g, "iface: the libvirt backend places at most %d \"scsi\" "
               "drives (libvirt numbers SCSI targets up to 99), and the "
               "handle has %zu", LIBVIRT_MAX_SCSI_DRIVES,
               g->count_by_iface[QDRIVE_INT_IFACE_SCSI]);
    return NULL;
  }
  /* The appliance's files (not built here: launch does that). */
  if (appliance) {
    if (qdrive_int_appliance_locate (g, &app) == -1)
      return NULL;
    if (check_xml_text (g, "kernel", t->kernel ? t->kernel : app.kernel) == -1 ||
        check_xml_text (g, "cachedir",
                        t->initrd ? t->initrd : app.initrd) == -1) {
      qdrive_int_appliance_free (&app);
      return NULL;
    }
  }

  buf = xmlBufferCreate ();
  w = buf ? xmlNewTextWriterMemory (buf, 0) : NULL;
  if (w == NULL) {
    if (buf != NULL)
      xmlBufferFree (buf);
    if (appliance)
      qdrive_int_appliance_free (&app);
    set_error (g, "cannot create an XML writer");
    return NULL;
  }
  r = write_domain (w, g, t, appliance ? &app : NULL);
  if (r == 0 && xmlTextWriterEndDocument (w) < 0)
    r = -1;
  xmlFreeTextWriter (w);        /* flushes into buf */
  if (r == 0) {
    /* Ending with a newline, as a text file does. */
    if (asprintf (&xml, "%s\n", (const char *) xmlBufferContent (buf)) == -1) {
      xml = NULL;
      set_perror (g, "asprintf");
    }
  }
  else
    set_error (g, "cannot write the libvirt domain XML");
  xmlBufferFree (buf);
  if (appliance)
    qdrive_int_appliance_free (&app);
  return xml;
}

char *
qdrive_impl_get_libvirt_xml (qdrive_h *g)
{
  const struct libvirt_target offline = {
    .type = g->accel == QDRIVE_INT_ACCEL_TCG ? "qemu" : "kvm",
    .arch = "x86_64",
    .machine = "pc",
    .uuid = NULL,
    .sources = NULL,
    .kernel = NULL,
    .initrd = NULL,
  };

  return qdrive_int_libvirt_xml (g, &offline);
}
