/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: network drives: add_drive's protocol, server, username and
 * secret, checked once here; the backends only render what was
 * accepted (command-line.c, libvirt-xml.c).
 *
 * Every combination libguestfs 1.48 refuses is refused, with an error
 * naming the argument, the bad value and what is allowed, and a few
 * more that it lets through to fail later in qemu: a port that is not
 * a number ("localhost:abc", which libguestfs takes for a host name), a
 * relative or over-long unix socket path, a writable drive on a
 * read-only protocol, a secret for ssh (qemu's ssh driver has no
 * password), half of a CHAP login, a malformed iSCSI/RBD/Gluster name.
 * One refusal of libguestfs is dropped: it demands a port on every RBD
 * monitor, where Ceph's default, 6789, is meant.
 *
 * The secret is never part of any message. */

#include <config.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/un.h>
#include <unistd.h>

#include "internal.h"

/* The longest NBD export name the protocol allows. */
#define NBD_MAX_EXPORT 4096
/* The highest LUN qemu's iSCSI driver addresses (flat space). */
#define ISCSI_MAX_LUN 16383

#define SERVER_FORMS "HOST, HOST:PORT, tcp:HOST, tcp:HOST:PORT, unix:/PATH"
#define TCP_FORMS "HOST, HOST:PORT, tcp:HOST, tcp:HOST:PORT"

/* How filename names the disk on the server. */
enum name_form {
  NAME_EXPORT,                  /* anything, "" included (NBD) */
  NAME_PATH,                    /* an absolute path */
  NAME_TWO_PARTS,               /* A/B, neither empty, no leading / */
};

struct protocol_rule {
  const char *refused;          /* why the protocol is refused, or NULL */
  int max_servers;              /* -1: any number */
  bool servers_optional;        /* rbd: none means Ceph's configuration */
  bool unix_socket;
  bool username, secret;        /* accepted at all */
  bool pair;                    /* secret needs username (and for iSCSI,
                                 * username needs secret) */
  const char *no_secret_why;    /* said when a secret is refused */
  bool readonly_only;
  int default_port;
  enum name_form name;
  const char *name_forms;       /* for NAME_TWO_PARTS */
};

static const struct protocol_rule rules[QDRIVE_INT_PROTOCOL_COUNT] = {
  [QDRIVE_INT_PROTOCOL_FILE] = { .max_servers = 0 },
  [QDRIVE_INT_PROTOCOL_NBD] = {
    .max_servers = 1, .unix_socket = true, .default_port = 10809,
    .name = NAME_EXPORT },
  [QDRIVE_INT_PROTOCOL_HTTP] = {
    .max_servers = 1, .username = true, .secret = true, .pair = true,
    .readonly_only = true, .default_port = 80, .name = NAME_PATH },
  [QDRIVE_INT_PROTOCOL_HTTPS] = {
    .max_servers = 1, .username = true, .secret = true, .pair = true,
    .readonly_only = true, .default_port = 443, .name = NAME_PATH },
  [QDRIVE_INT_PROTOCOL_FTP] = {
    .max_servers = 1, .username = true, .secret = true, .pair = true,
    .readonly_only = true, .default_port = 21, .name = NAME_PATH },
  [QDRIVE_INT_PROTOCOL_FTPS] = {
    .max_servers = 1, .username = true, .secret = true, .pair = true,
    .readonly_only = true, .default_port = 990, .name = NAME_PATH },
  [QDRIVE_INT_PROTOCOL_TFTP] = {
    .refused = "qemu 7.2 has no TFTP driver" },
  [QDRIVE_INT_PROTOCOL_SSH] = {
    .max_servers = 1, .username = true,
    .no_secret_why = ": qemu's ssh driver logs in only with keys from "
    "ssh-agent",
    .default_port = 22, .name = NAME_PATH },
  [QDRIVE_INT_PROTOCOL_ISCSI] = {
    .max_servers = 1, .username = true, .secret = true, .pair = true,
    .default_port = 3260, .name = NAME_TWO_PARTS,
    .name_forms = "TARGET-IQN/LUN, with LUN from 0 to 16383" },
  [QDRIVE_INT_PROTOCOL_RBD] = {
    .max_servers = -1, .servers_optional = true, .username = true,
    .secret = true, .default_port = 6789, .name = NAME_TWO_PARTS,
    .name_forms = "POOL/IMAGE" },
  [QDRIVE_INT_PROTOCOL_GLUSTER] = {
    .max_servers = 1, .unix_socket = true, .default_port = 24007,
    .name = NAME_TWO_PARTS, .name_forms = "VOLUME/PATH" },
  [QDRIVE_INT_PROTOCOL_SHEEPDOG] = {
    .refused = "qemu 7.2 no longer has the Sheepdog driver" },
};

static const char *
pname (int protocol)
{
  return qdrive_int_protocol_names[protocol];
}

/* The protocols that are not refused, for the error that lists them. */
static const char *
usable_protocols (void)
{
  static char buf[256];
  size_t i, len = 0;

  if (buf[0] == '\0')
    for (i = 0; i < QDRIVE_INT_PROTOCOL_COUNT; ++i)
      if (rules[i].refused == NULL)
        len += snprintf (buf + len, sizeof buf - len, "%s%s",
                         len ? ", " : "", qdrive_int_protocol_names[i]);
  return buf;
}

static bool
is_host_char (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
    (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static bool
is_ipv6_char (char c)
{
  return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
    (c >= '0' && c <= '9') || c == ':' || c == '.';
}

/* Sets the error for server string s: why, then what is allowed. */
#define server_error(g, s, why, ...)                                    \
  set_error ((g), "server: \"%s\" is not valid: " why "; allowed: "     \
             SERVER_FORMS ", with PORT from 1 to 65535 and an IPv6 "    \
             "HOST in brackets", (s), ##__VA_ARGS__)

/* Parses "PORT" (decimal, 1-65535) into *port. */
static int
parse_port (qdrive_h *g, const char *server, const char *p, uint16_t *port)
{
  unsigned long n = 0;
  const char *q;

  for (q = p; *q >= '0' && *q <= '9' && q - p < 6; ++q)
    n = n * 10 + (*q - '0');
  if (q == p || *q != '\0') {
    server_error (g, server, "the port \"%s\" is not a number%s", p,
                  strchr (p, ':') ? " (an IPv6 address goes in brackets: "
                  "[ADDRESS]:PORT)" : "");
    return -1;
  }
  if (n < 1 || n > 65535) {
    server_error (g, server, "the port %s is outside 1-65535", p);
    return -1;
  }
  *port = n;
  return 0;
}

/* Parses one server string into *sv (sv->host malloc'd). */
static int
parse_server (qdrive_h *g, const char *s, const struct protocol_rule *rule,
              int protocol, struct drive_server *sv)
{
  const char *p = s, *host, *end;
  size_t hostlen;

  memset (sv, 0, sizeof *sv);
  if (strncmp (p, "unix:", 5) == 0) {
    p += 5;
    if (!rule->unix_socket) {
      set_error (g, "server: \"%s\" is a unix socket, which protocol \"%s\" "
                 "does not take; allowed with %s: " TCP_FORMS,
                 s, pname (protocol), pname (protocol));
      return -1;
    }
    if (*p != '/') {
      server_error (g, s, "the socket path must be absolute");
      return -1;
    }
    /* list_drives separates servers with spaces. */
    if (strpbrk (p, " \t\n\r\v\f") != NULL) {
      server_error (g, s, "the socket path has white space");
      return -1;
    }
    if (strlen (p) >= sizeof ((struct sockaddr_un *) 0)->sun_path) {
      server_error (g, s, "the socket path is longer than %zu bytes",
                    sizeof ((struct sockaddr_un *) 0)->sun_path - 1);
      return -1;
    }
    sv->is_unix = true;
    sv->host = strdup (p);
    goto done;
  }
  if (strncmp (p, "tcp:", 4) == 0)
    p += 4;

  if (*p == '[') {
    host = p + 1;
    end = strchr (host, ']');
    if (end == NULL) {
      server_error (g, s, "the IPv6 address has no closing bracket");
      return -1;
    }
    hostlen = end - host;
    for (p = host; p < end; ++p)
      if (!is_ipv6_char (*p)) {
        server_error (g, s, "the IPv6 address has characters other than "
                      "hex digits, ':' and '.'");
        return -1;
      }
    if (hostlen == 0 || memchr (host, ':', hostlen) == NULL) {
      server_error (g, s, "the brackets do not hold an IPv6 address");
      return -1;
    }
    p = end + 1;
    if (*p != '\0' && *p != ':') {
      server_error (g, s, "only \":PORT\" may follow the IPv6 address");
      return -1;
    }
  }
  else {
    host = p;
    while (*p != '\0' && *p != ':')
      ++p;
    hostlen = p - host;
    if (hostlen == 0) {
      server_error (g, s, "the host is empty");
      return -1;
    }
    for (end = host; end < p; ++end)
      if (!is_host_char (*end)) {
        server_error (g, s, "the host has characters other than letters, "
                      "digits, '-' and '.'");
        return -1;
      }
  }
  if (hostlen > 255) {
    server_error (g, s, "the host is longer than 255 characters");
    return -1;
  }
  if (*p == ':') {
    if (parse_port (g, s, p + 1, &sv->port) == -1)
      return -1;
  }
  else
    sv->port = rule->default_port;
  sv->host = strndup (host, hostlen);

 done:
  if (sv->host == NULL) {
    set_perror (g, "strdup");
    return -1;
  }
  return 0;
}

/* Checks filename as the name of the disk on the server. */
static int
check_name (qdrive_h *g, const char *name, int protocol,
            const struct protocol_rule *rule)
{
  const char *slash, *p;
  unsigned long lun = 0;

  switch (rule->name) {
  case NAME_EXPORT:
    if (strlen (name) > NBD_MAX_EXPORT) {
      set_error (g, "filename: the export name is %zu bytes long; allowed "
                 "for %s: at most %d bytes", strlen (name), pname (protocol),
                 NBD_MAX_EXPORT);
      return -1;
    }
    return 0;
  case NAME_PATH:
    if (name[0] != '/') {
      set_error (g, "filename: \"%s\" is not valid for protocol \"%s\": it "
                 "does not start with /; allowed: the path on the server, "
                 "starting with /", name, pname (protocol));
      return -1;
    }
    return 0;
  case NAME_TWO_PARTS:
    slash = protocol == QDRIVE_INT_PROTOCOL_ISCSI
      ? strrchr (name, '/') : strchr (name, '/');
    if (name[0] == '/' || slash == NULL || slash[1] == '\0' ||
        (protocol == QDRIVE_INT_PROTOCOL_RBD && strchr (slash + 1, '/'))) {
      set_error (g, "filename: \"%s\" is not valid for protocol \"%s\"%s; "
                 "allowed: %s", name, pname (protocol),
                 name[0] == '/' ? ": it starts with /" : "",
                 rule->name_forms);
      return -1;
    }
    if (protocol == QDRIVE_INT_PROTOCOL_ISCSI) {
      for (p = slash + 1; *p >= '0' && *p <= '9' && lun <= ISCSI_MAX_LUN; ++p)
        lun = lun * 10 + (*p - '0');
      if (*p != '\0' || lun > ISCSI_MAX_LUN) {
        set_error (g, "filename: \"%s\" is not valid for protocol \"%s\": "
                   "the LUN \"%s\" is not a number from 0 to %d; allowed: %s",
                   name, pname (protocol), slash + 1, ISCSI_MAX_LUN,
                   rule->name_forms);
        return -1;
      }
    }
    return 0;
  }
  abort ();
}

/* Ceph keys are base64 (RFC 4648, padded): qemu hands them to Ceph as
 * such, through a secret object of format=base64. */
static bool
is_base64 (const char *s)
{
  size_t n = strlen (s), i, pad = 0;

  if (n == 0 || n % 4 != 0)
    return false;
  for (i = 0; i < n; ++i) {
    char c = s[i];
    if (c == '=') {
      if (i < n - 2)
        return false;
      pad++;
    }
    else if (pad || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                      (c >= '0' && c <= '9') || c == '+' || c == '/'))
      return false;
  }
  return true;
}

static int
check_credentials (qdrive_h *g, const struct drive_request *rq,
                   const struct protocol_rule *rule)
{
  const char *p = pname (rq->protocol);

  if (rq->username && !rule->username) {
    set_error (g, "username: protocol \"%s\" takes no username", p);
    return -1;
  }
  if (rq->secret && !rule->secret) {
    set_error (g, "secret: protocol \"%s\" takes no secret%s", p,
               rule->no_secret_why ? rule->no_secret_why : "");
    return -1;
  }
  if (rq->username && rq->username[0] == '\0') {
    set_error (g, "username: \"\" is not valid; allowed: a non-empty name");
    return -1;
  }
  if (rq->secret && rq->secret[0] == '\0') {
    set_error (g, "secret: the empty string is not valid; allowed: a "
               "non-empty secret");
    return -1;
  }
  if (rule->pair && rq->secret && !rq->username) {
    set_error (g, "secret: protocol \"%s\" needs a username with the secret",
               p);
    return -1;
  }
  if (rq->protocol == QDRIVE_INT_PROTOCOL_ISCSI && rq->username &&
      !rq->secret) {
    set_error (g, "username: protocol \"%s\" needs a secret with the "
               "username (CHAP takes both)", p);
    return -1;
  }
  if (rq->protocol == QDRIVE_INT_PROTOCOL_RBD && rq->secret &&
      !is_base64 (rq->secret)) {
    set_error (g, "secret: the value given is not valid for protocol "
               "\"%s\"; allowed: a Ceph key in base64, as in a keyring file",
               p);
    return -1;
  }
  return 0;
}

void
qdrive_int_free_net (struct drive_net *net)
{
  size_t i;

  if (net == NULL)
    return;
  for (i = 0; i < net->nservers; ++i)
    free (net->servers[i].host);
  free (net->servers);
  free (net->username);
  if (net->secret) {
    explicit_bzero (net->secret, strlen (net->secret));
    free (net->secret);
  }
  free (net);
}

int
qdrive_int_check_net (qdrive_h *g, const struct drive_request *rq,
                      struct drive_net **net_ret)
{
  const struct protocol_rule *rule = &rules[rq->protocol];
  const char *p = pname (rq->protocol);
  struct drive_net *net;
  size_t i, n = 0;

  *net_ret = NULL;
  if (rule->refused) {
    set_error (g, "protocol: \"%s\" is refused: %s; allowed: %s",
               p, rule->refused, usable_protocols ());
    return -1;
  }
  if (rq->server)
    while (rq->server[n])
      ++n;
  if (rq->protocol == QDRIVE_INT_PROTOCOL_FILE) {
    if (rq->server) {
      set_error (g, "server: a drive of protocol \"file\" takes no server; "
                 "give protocol for a network drive");
      return -1;
    }
    if (rq->username || rq->secret) {
      set_error (g, "%s: a drive of protocol \"file\" takes no %s",
                 rq->username ? "username" : "secret",
                 rq->username ? "username" : "secret");
      return -1;
    }
    return 0;
  }
  if (rule->max_servers >= 0 && n != (size_t) rule->max_servers) {
    set_error (g, "server: protocol \"%s\" takes exactly %d server, and "
               "%zu %s given", p, rule->max_servers, n,
               n == 1 ? "was" : "were");
    return -1;
  }
  if (check_credentials (g, rq, rule) == -1 ||
      check_name (g, rq->filename, rq->protocol, rule) == -1)
    return -1;
  if (rule->readonly_only && !rq->readonly) {
    set_error (g, "readonly: protocol \"%s\" needs readonly true: qemu's "
               "curl driver cannot write", p);
    return -1;
  }

  net = calloc (1, sizeof *net);
  if (net == NULL || (n > 0 && (net->servers = calloc (n, sizeof *net->servers)) == NULL)) {
    set_perror (g, "calloc");
    free (net);
    return -1;
  }
  net->protocol = rq->protocol;
  for (i = 0; i < n; ++i) {
    if (parse_server (g, rq->server[i], rule, rq->protocol,
                      &net->servers[i]) == -1)
      goto fail;
    net->nservers++;
  }
  if ((rq->username && (net->username = strdup (rq->username)) == NULL) ||
      (rq->secret && (net->secret = strdup (rq->secret)) == NULL)) {
    set_perror (g, "strdup");
    goto fail;
  }
  /* libvirt keeps the secret under a UUID of its own. */
  if (rq->secret &&
      getrandom (net->secret_uuid, sizeof net->secret_uuid, 0) !=
      sizeof net->secret_uuid) {
    set_perror (g, "getrandom");
    goto fail;
  }
  *net_ret = net;
  return 0;

 fail:
  qdrive_int_free_net (net);
  return -1;
}

/* One server as list_drives reports it: "tcp:HOST:PORT" (an IPv6
 * address in brackets) or "unix:PATH". */
static char *
server_text (const struct drive_server *sv)
{
  char *s;

  if (sv->is_unix)
    return asprintf (&s, "unix:%s", sv->host) == -1 ? NULL : s;
  if (strchr (sv->host, ':'))
    return asprintf (&s, "tcp:[%s]:%u", sv->host, sv->port) == -1 ? NULL : s;
  return asprintf (&s, "tcp:%s:%u", sv->host, sv->port) == -1 ? NULL : s;
}

char **
qdrive_int_net_servers (const struct drive_net *net)
{
  size_t n = net ? net->nservers : 0, i;
  char **list = calloc (n + 1, sizeof *list);

  if (list == NULL)
    return NULL;
  for (i = 0; i < n; ++i)
    if ((list[i] = server_text (&net->servers[i])) == NULL) {
      qdrive_free_string_list (list);
      return NULL;
    }
  return list;
}

/* The secrets' files, for the direct backend: qemu reads each one when
 * it creates the secret object, at start-up, and they are removed as
 * soon as qemu answers (or fails).  Mode 0600 in the 0700 private
 * directory; O_EXCL and O_NOFOLLOW so that nothing planted there is
 * written through. */
static int
secret_path (qdrive_h *g, const char *tmpdir, size_t i, char **path)
{
  if (asprintf (path, "%s/secret-hd%zu", tmpdir, i) == -1) {
    set_perror (g, "asprintf");
    return -1;
  }
  return 0;
}

void
qdrive_int_remove_secrets (qdrive_h *g, const char *tmpdir)
{
  size_t i;
  char *path;

  for (i = 0; i < g->ndrives; ++i)
    if (g->drives[i].net && g->drives[i].net->secret &&
        secret_path (g, tmpdir, i, &path) == 0) {
      unlink (path);
      free (path);
    }
}

int
qdrive_int_write_secrets (qdrive_h *g, const char *tmpdir)
{
  size_t i, len;
  char *path;
  int fd;

  for (i = 0; i < g->ndrives; ++i) {
    const struct drive_net *n = g->drives[i].net;
    if (n == NULL || n->secret == NULL)
      continue;
    if (secret_path (g, tmpdir, i, &path) == -1)
      goto fail;
    unlink (path);              /* left by a launch that was killed */
    fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
               0600);
    len = strlen (n->secret);
    if (fd == -1 || write (fd, n->secret, len) != (ssize_t) len ||
        close (fd) == -1) {
      set_perror (g, "cannot write the secret of drive hd%zu to %s", i, path);
      if (fd >= 0)
        close (fd);
      free (path);
      goto fail;
    }
    free (path);
  }
  return 0;

 fail:
  qdrive_int_remove_secrets (g, tmpdir);
  return -1;
}

char *
qdrive_int_net_describe (const struct drive *d)
{
  char *servers = NULL, *s = NULL;
  size_t len = 0, i;
  FILE *f = open_memstream (&servers, &len);

  if (f == NULL)
    return NULL;
  /* The servers separated by spaces: for a message, not for parsing. */
  for (i = 0; i < d->net->nservers; ++i) {
    char *one = server_text (&d->net->servers[i]);

    if (one == NULL) {
      fclose (f);
      free (servers);
      return NULL;
    }
    fprintf (f, "%s%s", i > 0 ? " " : "", one);
    free (one);
  }
  if (fclose (f) != 0 ||
      asprintf (&s, "%s server %s, \"%s\"",
                qdrive_int_protocol_names[d->net->protocol],
                *servers ? servers : "from Ceph's configuration",
                d->filename) == -1)
    s = NULL;
  free (servers);
  return s;
}
