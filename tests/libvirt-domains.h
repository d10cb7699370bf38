/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive C tests: watching the domains a handle makes, through the
 * test's own libvirt connection (libvirt-launch.c against the test
 * driver, libvirt-daemon.c against a private daemon). */

#ifndef QDRIVE_LIBVIRT_DOMAINS_H
#define QDRIVE_LIBVIRT_DOMAINS_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "qdrive.h"

/* The handle's domain name, read from its XML. */
static inline void
domain_name (qdrive_h *g, char *buf, size_t len)
{
  char *xml = qdrive_get_libvirt_xml (g), *p, *q;

  ck_assert_ptr_nonnull (xml);
  p = strstr (xml, "<name>");
  q = strstr (xml, "</name>");
  ck_assert (p != NULL && q != NULL && q - p - 6 < (ptrdiff_t) len);
  p += 6;
  memcpy (buf, p, q - p);
  buf[q - p] = '\0';
  free (xml);
}

static inline int
domain_exists (virConnectPtr conn, const char *name)
{
  virDomainPtr dom = virDomainLookupByName (conn, name);

  if (dom == NULL)
    return 0;
  virDomainFree (dom);
  return 1;
}

/* Every domain of the connection, running or not. */
static inline int
count_domains (virConnectPtr conn)
{
  virDomainPtr *doms;
  int i, n = virConnectListAllDomains (conn, &doms, 0);

  ck_assert_msg (n >= 0, "virConnectListAllDomains: %s",
                 virGetLastErrorMessage ());
  for (i = 0; i < n; ++i)
    virDomainFree (doms[i]);
  free (doms);
  return n;
}

#endif /* QDRIVE_LIBVIRT_DOMAINS_H */
