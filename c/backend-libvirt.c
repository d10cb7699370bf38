/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: the libvirt backend: runs the machine through libvirt.
 *
 * launch connects to the URI of the backend setting ("libvirt:URI",
 * or libvirt's default for "libvirt"), reads the connection's
 * capabilities to choose the domain type, arch and machine, makes a
 * volume of the daemon's storage for each scratch drive
 * (libvirt-volumes.c), and creates a transient domain from the drives'
 * XML (libvirt-xml.c): paused, and destroyed by libvirt when the
 * connection closes, so a crashed caller leaves nothing behind.  With
 * guest "appliance" it uploads the appliance's kernel and initramfs
 * the same way, lets the domain run, and waits for its guest agent
 * (libvirt-guest.c).  The
 * embedded driver (qemu:///embed) gets an event loop and a watcher
 * instead (libvirt-embed.c).  Nothing here assumes the daemon is on
 * this machine: file names are the daemon host's, and it checks them.
 *
 * block_info asks the real qemu behind libvirt (query-block through
 * libvirt's QMP pass-through, libvirt-qmp.c), and reads the answer as
 * the direct backend does (qemu-block-info.c), so both report a drive
 * alike.  A driver that is not qemu (libvirt's test driver) has no
 * qemu to ask: there block_info reads the domain's XML as libvirt
 * reports it.  shutdown destroys the domain, deletes the scratch
 * volumes and closes the connection.
 *
 * libvirt prints every error to stderr unless told otherwise; qdrive
 * reports libvirt's messages in its own errors instead, so the
 * default printing is silenced (for the process: libvirt has no
 * per-call setting for the errors of virConnectOpen). */

#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include <json-c/json.h>

#include "backend.h"
#include "appliance.h"
#include "backend-libvirt.h"
#include "libvirt-xml.h"
#include "qemu-block-info.h"

/* launch's steps, for progress events: connecting, creating the
 * domain, reading its disks, ready; with the appliance, waiting for its
 * agent and finding the drives before ready. */
#define LAUNCH_STEPS 4
#define APPLIANCE_LAUNCH_STEPS 6

static void
ignore_libvirt_error (void *opaque, virErrorPtr err)
{
  (void) opaque;
  (void) err;
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void
init_libraries (void)
{
  xmlInitParser ();
  virInitialize ();
  virSetErrorFunc (NULL, ignore_libvirt_error);
}


/* ---- XML parsing (capabilities and the domain's live XML) ---- */

static xmlDocPtr
parse_xml (const char *xml)
{
  return xmlReadMemory (xml, strlen (xml), NULL, NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR |
                        XML_PARSE_NOWARNING);
}

/* The nodes expr selects under node, or NULL for none. */
static xmlXPathObjectPtr
select_nodes (xmlXPathContextPtr ctx, xmlNodePtr node, const char *expr)
{
  xmlXPathObjectPtr r;

  ctx->node = node;
  r = xmlXPathEvalExpression (BAD_CAST expr, ctx);
  if (r != NULL && (r->type != XPATH_NODESET || r->nodesetval == NULL ||
                    r->nodesetval->nodeNr == 0)) {
    xmlXPathFreeObject (r);
    r = NULL;
  }
  return r;
}

/* The string value of expr evaluated at node (strdup'd, "" when it
 * selects nothing), or NULL if out of memory. */
static char *
select_string (xmlXPathContextPtr ctx, xmlNodePtr node, const char *expr)
{
  xmlXPathObjectPtr r;
  char *s;

  ctx->node = node;
  r = xmlXPathEvalExpression (BAD_CAST expr, ctx);
  if (r == NULL)
    return NULL;
  s = strdup (r->type == XPATH_STRING && r->stringval
              ? (const char *) r->stringval : "");
  xmlXPathFreeObject (r);
  return s;
}

static int
select_bool (xmlXPathContextPtr ctx, xmlNodePtr node, const char *expr)
{
  xmlXPathObjectPtr r;
  int b;

  ctx->node = node;
  r = xmlXPathEvalExpression (BAD_CAST expr, ctx);
  if (r == NULL)
    return 0;
  b = r->type == XPATH_BOOLEAN && r->boolval;
  xmlXPathFreeObject (r);
  return b;
}

/* ---- choosing the domain from the capabilities ---- */

struct choice {
  char *type, *arch, *machine;  /* machine NULL: libvirt's default */
};

static void
free_choice (struct choice *c)
{
  free (c->type);
  free (c->arch);
  free (c->machine);
}

/* Whether the <arch> node offers domain type t (listed as <domain
 * type=t/>). */
static int
offers_type (xmlXPathContextPtr ctx, xmlNodePtr arch, const char *t)
{
  char expr[64];

  snprintf (expr, sizeof expr, "boolean(domain[@type='%s'])", t);
  return select_bool (ctx, arch, expr);
}

/* The domain type for the accelerator setting.  A qemu connection
 * offers "qemu" (TCG) and, where KVM is usable, "kvm": the setting is
 * honoured strictly there.  A connection offering neither (such as
 * libvirt's test driver, type "test") gets the first type it offers. */
static char *
choose_type (qdrive_h *g, xmlXPathContextPtr ctx, xmlNodePtr arch)
{
  int kvm = offers_type (ctx, arch, "kvm");
  int tcg = offers_type (ctx, arch, "qemu");
  const char *want = NULL;

  if (!kvm && !tcg) {
    char *t = select_string (ctx, arch, "string(domain[1]/@type)");
    if (t != NULL && *t == '\0') {
      free (t);
      set_error (g, "libvirt at %s offers no domain type", uri_text (g));
      return NULL;
    }
    if (t == NULL)
      set_perror (g, "strdup");
    return t;
  }
  switch (g->accel) {
  case QDRIVE_INT_ACCEL_KVM: want = kvm ? "kvm" : NULL; break;
  case QDRIVE_INT_ACCEL_TCG: want = tcg ? "qemu" : NULL; break;
  default: want = kvm ? "kvm" : "qemu"; break;
  }
  if (want == NULL) {
    set_error (g, "accel: \"%s\" is not offered by libvirt at %s (it "
               "offers domain type %s only)",
               qdrive_int_accel_names[g->accel], uri_text (g),
               kvm ? "kvm" : "qemu");
    return NULL;
  }
  {
    char *t = strdup (want);
    if (t == NULL)
      set_perror (g, "strdup");
    return t;
  }
}

/* Chooses from the capabilities: the hvm guest for x86_64 (the
 * machine qdrive's drive limits assume), else for the host's arch,
 * else the first hvm guest; its domain type (choose_type); machine
 * "pc" (it has the IDE controller) if the arch or type lists it,
 * otherwise libvirt's default. */
static int
choose (qdrive_h *g, const char *caps, struct choice *c)
{
  static const char *const arch_exprs[] = {
    "/capabilities/guest[os_type='hvm']/arch[@name='x86_64']",
    "/capabilities/guest[os_type='hvm']/arch[@name=/capabilities/host/cpu/arch]",
    "/capabilities/guest[os_type='hvm']/arch",
  };
  xmlDocPtr doc;
  xmlXPathContextPtr ctx = NULL;
  xmlXPathObjectPtr archs = NULL;
  xmlNodePtr arch;
  size_t i;
  int r = -1;

  memset (c, 0, sizeof *c);
  doc = parse_xml (caps);
  if (doc == NULL) {
    set_error (g, "cannot parse the capabilities of libvirt at %s",
               uri_text (g));
    return -1;
  }
  ctx = xmlXPathNewContext (doc);
  if (ctx == NULL) {
    set_error (g, "cannot create an XPath context");
    goto out;
  }
  for (i = 0; i < sizeof arch_exprs / sizeof arch_exprs[0]; ++i)
    if ((archs = select_nodes (ctx, NULL, arch_exprs[i])) != NULL)
      break;
  if (archs == NULL) {
    set_error (g, "libvirt at %s offers no hvm guest", uri_text (g));
    goto out;
  }
  arch = archs->nodesetval->nodeTab[0];

  c->type = choose_type (g, ctx, arch);
  if (c->type == NULL)
    goto out;
  c->arch = select_string (ctx, arch, "string(@name)");
  if (c->arch == NULL) {
    set_perror (g, "strdup");
    goto out;
  }
  {
    char expr[128];
    snprintf (expr, sizeof expr,
              "boolean(machine[.='pc'] | domain[@type='%s']/machine[.='pc'])",
              c->type);
    if (select_bool (ctx, arch, expr) && (c->machine = strdup ("pc")) == NULL) {
      set_perror (g, "strdup");
      goto out;
    }
  }
  r = 0;

 out:
  if (r == -1)
    free_choice (c);
  xmlXPathFreeObject (archs);
  xmlXPathFreeContext (ctx);
  xmlFreeDoc (doc);
  return r;
}

/* ---- launch ---- */

/* A random (version 4) UUID.  launch names its domain by it, so that
 * after a failed create it finds and destroys only its own domain. */
static int
make_uuid (qdrive_h *g, char *buf, size_t len)
{
  unsigned char u[16];

  if (getrandom (u, sizeof u, 0) != sizeof u) {
    set_perror (g, "getrandom");
    return -1;
  }
  u[6] = (u[6] & 0x0f) | 0x40;
  u[8] = (u[8] & 0x3f) | 0x80;
  snprintf (buf, len,
            "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
            "%02x%02x%02x%02x%02x%02x",
            u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7],
            u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
  return 0;
}

/* Creates the domain paused (the guest runs nothing; the appliance
 * runs) and, unless embedded, destroyed by libvirt if the connection
 * closes (so a
 * crashed caller leaves nothing behind).  A driver that refuses those
 * flags as such (libvirt's test driver: "unsupported flags", an
 * invalid argument) is asked again with fewer; any other refusal is
 * the domain's and reported as it is. */
static virDomainPtr
create_domain (virConnectPtr conn, const char *xml, bool embedded,
               bool paused)
{
  static const unsigned int flags[] = {
    VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_AUTODESTROY,
    VIR_DOMAIN_START_PAUSED,
    0,
  };
  unsigned int running = paused ? ~0U : ~(unsigned int) VIR_DOMAIN_START_PAUSED;
  virDomainPtr dom = NULL;
  virErrorPtr err;
  size_t i;

  /* The embedded driver has no auto-destroy (libvirt-embed.c). */
  for (i = embedded ? 1 : 0; i < sizeof flags / sizeof flags[0]; ++i) {
    dom = virDomainCreateXML (conn, xml, flags[i] & running);
    err = virGetLastError ();
    if (dom != NULL || err == NULL || err->code != VIR_ERR_INVALID_ARG)
      break;
  }
  return dom;
}

/* Destroys the domain whose uuid is uuid, if it exists: after a
 * failed create (a remote daemon may have created it before the
 * answer was lost) or a failed check.  The caller's error stands. */
static void
destroy_by_uuid (virConnectPtr conn, const char *uuid)
{
  virDomainPtr dom = virDomainLookupByUUIDString (conn, uuid);

  if (dom != NULL) {
    virDomainDestroy (dom);
    virDomainFree (dom);
  }
}

/* The live XML's disks, parsed: the one place block_info and launch
 * read it. */
struct live {
  xmlDocPtr doc;
  xmlXPathContextPtr ctx;
  xmlXPathObjectPtr disks;      /* NULL: no disk */
};

static void
free_live (struct live *l)
{
  xmlXPathFreeObject (l->disks);
  xmlXPathFreeContext (l->ctx);
  xmlFreeDoc (l->doc);
}

static int
read_live (qdrive_h *g, virDomainPtr dom, struct live *l)
{
  char *xml;

  memset (l, 0, sizeof *l);
  xml = virDomainGetXMLDesc (dom, 0);
  if (xml == NULL) {
    set_error (g, "cannot get the domain's XML from libvirt at %s: %s",
               uri_text (g), libvirt_message ());
    return -1;
  }
  l->doc = parse_xml (xml);
  free (xml);
  if (l->doc == NULL) {
    set_error (g, "cannot parse the domain's XML from libvirt at %s",
               uri_text (g));
    return -1;
  }
  l->ctx = xmlXPathNewContext (l->doc);
  if (l->ctx == NULL) {
    set_error (g, "cannot create an XPath context");
    free_live (l);
    return -1;
  }
  l->disks = select_nodes (l->ctx, NULL, "/domain/devices/disk");
  return 0;
}

static size_t
live_ndisks (const struct live *l)
{
  return l->disks ? (size_t) l->disks->nodesetval->nodeNr : 0;
}

/* ---- secrets of network drives ----
 *
 * Each is defined ephemeral (never written to disk by libvirt) and
 * private (never read back through the API), under the UUID the
 * domain XML names, for the life of the domain. */

static void
undefine_secrets (struct libvirt_state *s)
{
  size_t i;

  for (i = 0; i < s->nsecrets; ++i) {
    virSecretUndefine (s->secrets[i]);
    virSecretFree (s->secrets[i]);
  }
  free (s->secrets);
  s->secrets = NULL;
  s->nsecrets = 0;
}

static int
define_secrets (qdrive_h *g, struct libvirt_state *s)
{
  char uuid[QDRIVE_LIBVIRT_UUID_LEN], name[QDRIVE_LIBVIRT_NAME_LEN];
  char *xml;
  size_t i;
  virSecretPtr sec;

  qdrive_int_libvirt_name (g, name);
  for (i = 0; i < g->ndrives; ++i) {
    const struct drive_net *n = g->drives[i].net;
    const char *type;
    if (n == NULL || n->secret == NULL)
      continue;
    if (s->secrets == NULL &&
        (s->secrets = calloc (g->ndrives, sizeof *s->secrets)) == NULL) {
      set_perror (g, "calloc");
      return -1;
    }
    type = qdrive_int_libvirt_secret_type (n);
    qdrive_int_libvirt_secret_uuid (n, uuid);
    if (asprintf (&xml, "<secret ephemeral='yes' private='yes'>"
                  "<uuid>%s</uuid><usage type='%s'><%s>%s-hd%zu</%s>"
                  "</usage></secret>", uuid, type,
                  strcmp (type, "ceph") == 0 ? "name" : "target", name, i,
                  strcmp (type, "ceph") == 0 ? "name" : "target") == -1) {
      set_perror (g, "asprintf");
      return -1;
    }
    sec = virSecretDefineXML (s->conn, xml, 0);
    free (xml);
    if (sec == NULL) {
      set_error (g, "libvirt at %s cannot define the secret of drive hd%zu: "
                 "%s", uri_text (g), i, libvirt_message ());
      return -1;
    }
    s->secrets[s->nsecrets++] = sec;
    if (virSecretSetValue (sec, (const unsigned char *) n->secret,
                           strlen (n->secret), 0) == -1) {
      set_error (g, "libvirt at %s cannot set the secret of drive hd%zu: "
                 "%s", uri_text (g), i, libvirt_message ());
      return -1;
    }
  }
  return 0;
}

/* Frees s, first making sure nothing of it is left: the domain
 * destroyed (found by uuid if it never reached us), the secrets
 * undefined, the volumes deleted, the watcher gone. */
static void
free_state (struct libvirt_state *s, const char *uuid)
{
  if (s->dom != NULL) {
    virDomainDestroy (s->dom);
    virDomainFree (s->dom);
  }
  else if (s->conn != NULL && *uuid != '\0')
    destroy_by_uuid (s->conn, uuid);
  undefine_secrets (s);
  qdrive_int_libvirt_delete_volumes (&s->volumes);
  if (s->devices != NULL)
    qdrive_free_string_list (s->devices);
  qdrive_int_watcher_stop (&s->watcher);
  if (s->qemu_pidfd >= 0)
    close (s->qemu_pidfd);
  if (s->conn != NULL)
    virConnectClose (s->conn);
  free (s);
}

/* launch returns once libvirt reports every drive.  (qemu is not asked
 * here: libvirt started it with the disks or failed, and a domain that
 * qemu was asked about through libvirt's pass-through is marked
 * tainted in libvirt's log, which only block_info needs.) */
static int
check_drives (qdrive_h *g, struct libvirt_state *s)
{
  struct live l;
  size_t n;

  if (read_live (g, s->dom, &l) == -1)
    return -1;
  n = live_ndisks (&l);
  free_live (&l);
  if (n != g->ndrives) {
    set_error (g, "libvirt at %s reports %zu disks for the domain's %zu "
               "drives", uri_text (g), n, g->ndrives);
    return -1;
  }
  return 0;
}

/* The connection and the domain's type, arch and machine. */
static int
connect_and_choose (qdrive_h *g, struct libvirt_state *s, struct choice *c,
                    int steps)
{
  const char *type;
  char *caps;
  int r;

  qdrive_int_verbose (g, "connecting to libvirt at %s", uri_text (g));
  qdrive_int_progress (g, 1, steps, "connecting to libvirt");
  s->conn = virConnectOpen (qdrive_int_backend_uri (g));
  if (s->conn == NULL) {
    set_error (g, "cannot connect to libvirt at %s: %s",
               uri_text (g), libvirt_message ());
    return -1;
  }
  virConnSetErrorFunc (s->conn, NULL, ignore_libvirt_error);
  type = virConnectGetType (s->conn);
  s->qemu = type != NULL && strcmp (type, "QEMU") == 0;

  caps = virConnectGetCapabilities (s->conn);
  if (caps == NULL) {
    set_error (g, "cannot get the capabilities of libvirt at %s: %s",
               uri_text (g), libvirt_message ());
    return -1;
  }
  r = choose (g, caps, c);
  free (caps);
  return r;
}

/* With guest "appliance": its files, current (built if need be), in
 * app, and where the daemon is to read them. */
static int
prepare_appliance (qdrive_h *g, struct libvirt_state *s, bool embedded,
                   struct appliance *app)
{
  if (!s->qemu) {
    qdrive_int_error (g, ENOTSUP, "guest \"appliance\" through libvirt "
                      "needs libvirt's qemu driver, and libvirt at %s runs "
                      "its %s driver; use a qemu URI (qemu:///session, "
                      "qemu+ssh://HOST/system...), or guest \"stopped\"",
                      uri_text (g), virConnectGetType (s->conn));
    return -1;
  }
  if (qdrive_int_appliance_ensure (g, app) == -1)
    return -1;
  /* The embedded driver's qemu runs as us, here: it reads them where
   * they are. */
  return embedded ? 0 : qdrive_int_libvirt_upload_appliance (g, s->conn, app,
                                                             &s->volumes);
}

static int
libvirt_launch (qdrive_h *g)
{
  const char *uri = qdrive_int_backend_uri (g);
  bool appliance = g->guest == QDRIVE_INT_GUEST_APPLIANCE;
  int steps = appliance ? APPLIANCE_LAUNCH_STEPS : LAUNCH_STEPS;
  struct libvirt_state *s = NULL;
  struct choice c = { NULL, NULL, NULL };
  /* Held until qemu has read the appliance (see appliance.h). */
  struct appliance app = APPLIANCE_EMPTY;
  struct libvirt_target t;
  char uuid[VIR_UUID_STRING_BUFLEN] = "";
  char name[QDRIVE_LIBVIRT_NAME_LEN];
  char *root = NULL, *xml;
  size_t n;
  int embedded = 0;

  pthread_once (&init_once, init_libraries);

  s = calloc (1, sizeof *s);
  if (s == NULL) {
    set_perror (g, "calloc");
    return -1;
  }
  s->watcher = (struct watcher) WATCHER_INIT;
  s->qemu_pidfd = -1;
  if (uri != NULL &&
      (embedded = qdrive_int_libvirt_embed_root (uri, &root)) == -1) {
    set_perror (g, "cannot read the URI %s", uri);
    goto fail;
  }
  if (embedded && qdrive_int_libvirt_event_loop (g) == -1)
    goto fail;
  if (connect_and_choose (g, s, &c, steps) == -1 ||
      make_uuid (g, uuid, sizeof uuid) == -1)
    goto fail;
  /* The embedded driver has no storage driver, and its qemu runs as
   * us, here: it uses the scratch files as they are. */
  if (!embedded &&
      qdrive_int_libvirt_create_scratch (g, s->conn, &s->volumes) == -1)
    goto fail;
  if (appliance && prepare_appliance (g, s, embedded, &app) == -1)
    goto fail;

  t.type = c.type;
  t.arch = c.arch;
  t.machine = c.machine;
  t.uuid = uuid;
  t.sources = s->volumes.paths;
  t.kernel = s->volumes.kernel;
  t.initrd = s->volumes.initrd;
  xml = qdrive_int_libvirt_xml (g, &t);
  if (xml == NULL)
    goto fail;
  n = strlen (xml);             /* the message without its last newline */
  qdrive_int_verbose (g, "creating the libvirt domain:\n%.*s",
                      (int) (n > 0 && xml[n - 1] == '\n' ? n - 1 : n), xml);
  qdrive_int_progress (g, 2, steps, "creating the libvirt domain");
  if (define_secrets (g, s) == -1) {
    free (xml);
    goto fail;
  }
  s->dom = create_domain (s->conn, xml, embedded, !appliance);
  free (xml);
  if (s->dom == NULL) {
    set_error (g, "libvirt at %s cannot create the domain: %s",
               uri_text (g), libvirt_message ());
    goto fail;
  }
  qdrive_int_libvirt_name (g, name);
  if (embedded &&
      qdrive_int_libvirt_watch_embedded (g, s, root, name) == -1)
    goto fail;
  qdrive_int_progress (g, 3, steps, "asking libvirt for the drives");
  if (check_drives (g, s) == -1)
    goto fail;
  if (appliance && qdrive_int_libvirt_appliance_start (g, s, 4, steps) == -1)
    goto fail;

  free_choice (&c);
  free (root);
  qdrive_int_appliance_free (&app);
  g->backend_data = s;
  qdrive_int_progress (g, steps, steps, "ready");
  return 0;

 fail:
  free_choice (&c);
  free (root);
  qdrive_int_appliance_free (&app);
  free_state (s, uuid);
  return -1;
}

/* ---- block_info ---- */

/* The cache flags qemu gets for libvirt's cache attribute.  No
 * attribute, or "default", is qemu's default: writeback. */
static int
cache_flags (const char *cache, struct qdrive_block_info *b)
{
  static const struct {
    const char *name;
    bool writeback, direct, no_flush;
  } modes[] = {
    { "", true, false, false },
    { "default", true, false, false },
    { "writeback", true, false, false },
    { "unsafe", true, false, true },
    { "none", true, true, false },
    { "writethrough", false, false, false },
    { "directsync", false, true, false },
  };
  size_t i;

  for (i = 0; i < sizeof modes / sizeof modes[0]; ++i)
    if (strcmp (cache, modes[i].name) == 0) {
      b->cache_writeback = modes[i].writeback;
      b->cache_direct = modes[i].direct;
      b->cache_no_flush = modes[i].no_flush;
      return 0;
    }
  return -1;
}

/* Fills b from the <disk> node; b's strings are NULL on entry. */
static int
disk_info (qdrive_h *g, xmlXPathContextPtr ctx, xmlNodePtr disk,
           struct qdrive_block_info *b)
{
  char *alias, *cache;
  const size_t plen = strlen (QDRIVE_LIBVIRT_ALIAS_PREFIX);
  int r;

  alias = select_string (ctx, disk, "string(alias/@name)");
  b->filename = select_string (ctx, disk,
                               "string(source/@file|source/@name)");
  b->format = select_string (ctx, disk, "string(driver/@type)");
  /* libvirt's name for what qemu calls the protocol driver. */
  b->protocol = select_string (ctx, disk,
                               "string(source/@protocol|"
                               "source[@file]/../@type)");
  cache = select_string (ctx, disk, "string(driver/@cache)");
  if (alias == NULL || b->filename == NULL || b->format == NULL ||
      b->protocol == NULL || cache == NULL) {
    free (alias);
    free (cache);
    set_perror (g, "strdup");
    return -1;
  }
  /* qdrive's id without libvirt's prefix for user aliases; a disk
   * libvirt renamed keeps libvirt's name. */
  if (strncmp (alias, QDRIVE_LIBVIRT_ALIAS_PREFIX, plen) == 0)
    memmove (alias, alias + plen, strlen (alias + plen) + 1);
  b->id = alias;
  /* A <transient/> disk's file is never written (the guest's writes
   * go to an overlay), which is what readonly means to qdrive; the
   * direct backend reports its drives the same way. */
  b->readonly = select_bool (ctx, disk, "boolean(readonly|transient)");
  r = cache_flags (cache, b);
  if (r == -1)
    set_error (g, "libvirt reports the cache mode \"%s\" for %s, which "
               "qdrive does not know", cache, b->filename);
  free (cache);
  return r;
}

/* Whether id is qdrive's "hdN", and N. */
static int
drive_index (const char *id, unsigned long *n)
{
  char *end;

  if (strncmp (id, "hd", 2) != 0 || id[2] < '0' || id[2] > '9')
    return 0;
  errno = 0;
  *n = strtoul (id + 2, &end, 10);
  return *end == '\0' && errno == 0;
}

/* libvirt lists disks by bus; block_info lists the drives in the
 * order they were added (as list_drives does), then any disk libvirt
 * added itself, by id. */
static int
compare_info (const void *pa, const void *pb)
{
  const struct qdrive_block_info *a = pa, *b = pb;
  unsigned long na, nb;
  int qa = drive_index (a->id, &na), qb = drive_index (b->id, &nb);

  if (qa && qb)
    return na < nb ? -1 : na > nb;
  if (qa != qb)
    return qb - qa;
  return strcmp (a->id, b->id);
}

/* block_info from the domain's XML, for a driver that is not qemu. */
static struct qdrive_block_info_list *
block_info_from_xml (qdrive_h *g, struct libvirt_state *s)
{
  struct qdrive_block_info_list *list;
  struct live l;
  size_t i, n;

  if (read_live (g, s->dom, &l) == -1)
    return NULL;
  n = live_ndisks (&l);
  list = malloc (sizeof *list);
  if (list != NULL)
    list->val = calloc (n ? n : 1, sizeof *list->val);
  if (list == NULL || list->val == NULL) {
    set_perror (g, "cannot allocate the block_info list");
    free (list);
    free_live (&l);
    return NULL;
  }
  list->len = n;
  for (i = 0; i < n; ++i)
    if (disk_info (g, l.ctx, l.disks->nodesetval->nodeTab[i],
                   &list->val[i]) == -1) {
      qdrive_free_block_info_list (list);
      free_live (&l);
      return NULL;
    }
  free_live (&l);
  return list;
}

/* The QMP runner the shared interpreter gets: the domain's qemu,
 * through libvirt. */
struct libvirt_runner {
  qdrive_h *g;
  virDomainPtr dom;
};

static struct json_object *
libvirt_execute (void *opaque, const char *command, struct json_object *args)
{
  struct libvirt_runner *r = opaque;

  return qdrive_int_libvirt_qmp (r->g, r->dom, command, args);
}

/* block_info from qemu's own answer, read as the direct backend reads
 * it. */
static struct qdrive_block_info_list *
block_info_from_qemu (qdrive_h *g, struct libvirt_state *s)
{
  struct libvirt_runner r = { g, s->dom };
  const struct qmp_runner run = { libvirt_execute, &r };
  struct json_object *devices;
  struct qdrive_block_info_list *list;

  devices = qdrive_int_libvirt_qmp (g, s->dom, "query-block", NULL);
  if (devices == NULL)
    return NULL;
  list = qdrive_int_qemu_block_info (g, devices, &run);
  json_object_put (devices);
  return list;
}

static struct qdrive_block_info_list *
libvirt_block_info (qdrive_h *g)
{
  struct libvirt_state *s = g->backend_data;
  struct qdrive_block_info_list *list;

  list = s->qemu ? block_info_from_qemu (g, s) : block_info_from_xml (g, s);
  if (list != NULL)
    qsort (list->val, list->len, sizeof *list->val, compare_info);
  return list;
}

/* ---- shutdown ---- */

/* The connection is shared with the owner: closing it here would close
 * the owner's (and libvirt would destroy the domain with it), so the
 * libvirt objects are left as they are, and only this process's memory
 * and descriptors go. */
static void
libvirt_forget (qdrive_h *g)
{
  struct libvirt_state *s = g->backend_data;

  free (s->secrets);
  qdrive_int_libvirt_forget_volumes (&s->volumes);
  if (s->devices != NULL)
    qdrive_free_string_list (s->devices);
  if (s->watcher.fd >= 0)       /* our copy: the owner keeps its own */
    close (s->watcher.fd);
  if (s->qemu_pidfd >= 0)
    close (s->qemu_pidfd);
  free (s);
  g->backend_data = NULL;
}

static int
libvirt_shutdown (qdrive_h *g)
{
  struct libvirt_state *s = g->backend_data;
  int r = 0;

  if (s == NULL)
    return 0;
  if (virDomainDestroy (s->dom) == -1) {
    virErrorPtr err = virGetLastError ();
    /* Already gone (destroyed by someone else, or the guest stopped):
     * what shutdown is for is done. */
    if (err == NULL || (err->code != VIR_ERR_NO_DOMAIN &&
                        err->code != VIR_ERR_OPERATION_INVALID)) {
      set_error (g, "libvirt at %s cannot destroy the domain: %s",
                 uri_text (g), libvirt_message ());
      r = -1;
    }
  }
  virDomainFree (s->dom);
  s->dom = NULL;
  free_state (s, "");
  g->backend_data = NULL;
  return r;
}

const struct backend_ops qdrive_int_backend_libvirt = {
  .name = "libvirt",
  .launch = libvirt_launch,
  .block_info = libvirt_block_info,
  .blockstats = qdrive_int_libvirt_blockstats,
  .guest_exec = qdrive_int_libvirt_guest_exec,
  .list_devices = qdrive_int_libvirt_list_devices,
  .shutdown = libvirt_shutdown,
  .forget = libvirt_forget,
};
