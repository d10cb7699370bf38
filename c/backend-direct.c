/* qdrive: the direct backend: runs qemu itself and talks QMP to it.
 * PLACEHOLDER until the launch work lands: refuses to launch. */

#include <config.h>

#include "backend.h"

static int
direct_launch (qdrive_h *g)
{
  set_error (g, "the direct backend cannot launch yet");
  return -1;
}

static struct qdrive_block_info_list *
direct_block_info (qdrive_h *g)
{
  set_error (g, "the direct backend cannot launch yet");
  return NULL;
}

static int
direct_shutdown (qdrive_h *g)
{
  return 0;
}

const struct backend_ops qdrive_int_backend_direct = {
  .name = "direct",
  .launch = direct_launch,
  .block_info = direct_block_info,
  .shutdown = direct_shutdown,
};
