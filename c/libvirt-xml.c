/* qdrive: the libvirt domain XML of the drives (get_libvirt_xml).
 * PLACEHOLDER until the libvirt work lands. */

#include <config.h>

#include "internal.h"

char *
qdrive_impl_get_libvirt_xml (qdrive_h *g)
{
  set_error (g, "not implemented yet");
  return NULL;
}
