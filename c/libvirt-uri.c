/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: what the libvirt backend reads from a libvirt URI without
 * connecting: whether the daemon may be on another host, and the root
 * directory of the embedded qemu driver (qemu:///embed?root=DIR).
 *
 * libvirt's own URI parser is not public; libxml2's parses the same
 * syntax (RFC 3986). */

#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <libxml/uri.h>

#include "backend-libvirt.h"

/* Whether uri names a daemon reached over a network: it names a server,
 * or a transport other than unix ("driver+tcp", "+ssh", "+tls",
 * "+libssh", "+libssh2", "+ext"; libvirt's default host for those is
 * localhost).  The client cannot tell more than that; a URI it cannot
 * parse counts as local, and libvirt reports it at launch. */
bool
qdrive_int_libvirt_uri_is_remote (const char *uri)
{
  xmlURIPtr u = xmlParseURI (uri);
  const char *plus;
  bool remote = false;

  if (u == NULL)
    return false;
  if (u->server != NULL && *u->server != '\0')
    remote = true;
  else if (u->scheme != NULL && (plus = strchr (u->scheme, '+')) != NULL)
    remote = strcmp (plus + 1, "unix") != 0;
  xmlFreeURI (u);
  return remote;
}

/* Whether uri is the embedded qemu driver's (qemu:///embed): 1, with
 * *root the value of its query parameter "root", unescaped and
 * malloc'd (NULL if there is none: libvirt refuses that at launch); 0
 * for another URI; -1 if out of memory. */
int
qdrive_int_libvirt_embed_root (const char *uri, char **root)
{
  xmlURIPtr u = xmlParseURI (uri);
  const char *p;
  char *v;
  int r = 0;

  *root = NULL;
  if (u == NULL)
    return 0;
  if (u->scheme != NULL && strcmp (u->scheme, "qemu") == 0 &&
      (u->server == NULL || *u->server == '\0') &&
      u->path != NULL && strcmp (u->path, "/embed") == 0) {
    r = 1;
    p = u->query_raw;
    while (p != NULL && strncmp (p, "root=", 5) != 0)
      if ((p = strchr (p, '&')) != NULL)
        p++;
    if (p != NULL) {
      v = xmlURIUnescapeString (p + 5, (int) strcspn (p + 5, "&"), NULL);
      if (v == NULL || (*root = strdup (v)) == NULL)
        r = -1;
      xmlFree (v);
    }
  }
  xmlFreeURI (u);
  return r;
}
