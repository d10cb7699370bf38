/* qdrive: the libvirt backend: runs the machine through libvirt.
 * PLACEHOLDER until the libvirt work lands: refuses to launch. */

#include <config.h>

#include "backend.h"

static int
libvirt_launch (qdrive_h *g)
{
  set_error (g, "the libvirt backend cannot launch yet");
  return -1;
}

static struct qdrive_block_info_list *
libvirt_block_info (qdrive_h *g)
{
  set_error (g, "the libvirt backend cannot launch yet");
  return NULL;
}

static int
libvirt_shutdown (qdrive_h *g)
{
  return 0;
}

const struct backend_ops qdrive_int_backend_libvirt = {
  .name = "libvirt",
  .launch = libvirt_launch,
  .block_info = libvirt_block_info,
  .shutdown = libvirt_shutdown,
};
