/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: what config passes to qemu.
 *
 * An allow-list (Api.config_params, with the reasons there): a
 * parameter is taken if it is on the list, in either of the spellings
 * qemu 7.2 reads (-NAME, --NAME), with a value exactly when it takes
 * one (qemu reads a word that no parameter takes as the file of a
 * disk).  Then the values that could get around add_drive or the
 * handle's settings are read as qemu reads them:
 *
 *   -device   qemu's QemuOpts: DRIVER,KEY=VALUE,... where a later
 *             driver=X wins, so every driver named is checked
 *   -object   keyval: TYPE,KEY=VALUE,... (qom-type=X)
 *   -netdev, -nic   TYPE,KEY=VALUE,... (type=X), and the user
 *             backend's options that run programs
 *   -serial   a character device: not mon: (a monitor), not chardev:
 *
 * In all of them ",," is a comma inside a value.  qemu reads a value
 * of -device, -object or -netdev starting with '{' as JSON; config
 * refuses that form rather than read JSON as qemu would. */

#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The entry of param (-NAME or --NAME) in qdrive_int_config_params,
 * or NULL. */
static const struct qdrive_int_config_param *
find_param (const char *param)
{
  const struct qdrive_int_config_param *p;
  const char *name = param[1] == '-' ? param + 1 : param;

  for (p = qdrive_int_config_params; p->name != NULL; ++p)
    if (strcmp (name, p->name) == 0)
      return p;
  return NULL;
}

static bool
in_list (const char *const *list, const char *s)
{
  for (; *list != NULL; ++list)
    if (strcmp (*list, s) == 0)
      return true;
  return false;
}

/* Whether param is one qdrive sets itself, in either spelling. */
static bool
is_managed (const char *param)
{
  return in_list (qdrive_int_managed_qemu_params,
                  param[1] == '-' ? param + 1 : param);
}

/* One KEY=VALUE of a qemu option list. */
struct option {
  char *key, *value;
};

static void
free_options (struct option *opts, size_t n)
{
  size_t i;

  for (i = 0; i < n; ++i) {
    free (opts[i].key);
    free (opts[i].value);
  }
  free (opts);
}

/* Splits qemu's "A,KEY=VALUE,KEY,..." into options, ",," standing for
 * a comma: the first element without '=' is the value of implied, a
 * later one without '=' is KEY=on.  The options are malloc'd; NULL on
 * allocation failure. */
static struct option *
split_options (const char *s, const char *implied, size_t *n)
{
  size_t len = strlen (s), count = 1, i;
  struct option *opts;
  char *buf, *elem, *eq;
  const char *p;

  for (p = s; *p; ++p)
    if (*p == ',')
      count++;
  opts = calloc (count, sizeof *opts);
  buf = malloc (len + 1);
  if (opts == NULL || buf == NULL) {
    free (opts);
    free (buf);
    return NULL;
  }
  *n = 0;
  for (p = s;;) {
    elem = buf;
    for (i = 0; *p && (*p != ',' || p[1] == ','); ++p) {
      elem[i++] = *p;
      if (*p == ',')
        ++p;
    }
    elem[i] = '\0';
    eq = strchr (elem, '=');
    if (eq != NULL) {
      *eq = '\0';
      opts[*n].key = strdup (elem);
      opts[*n].value = strdup (eq + 1);
    }
    else {
      opts[*n].key = strdup (*n == 0 ? implied : elem);
      opts[*n].value = strdup (*n == 0 ? elem : "on");
    }
    if (opts[*n].key == NULL || opts[*n].value == NULL) {
      free (opts[*n].key);
      free (opts[*n].value);
      break;
    }
    (*n)++;
    if (*p == '\0') {
      free (buf);
      return opts;
    }
    ++p;                        /* the separating comma */
  }
  free_options (opts, *n);
  free (buf);
  return NULL;
}

/* Checks the options of a -device, -object, -netdev or -nic value: each
 * value of key (the implied one included) must be allowed (allowed
 * list) or not refused (refused list), and no key of refused_keys may
 * be there. */
static int
check_options (qdrive_h *g, const char *param, const char *value,
               const char *key, const char *const *allowed,
               const char *allowed_text, const char *const *refused,
               const char *const *refused_keys)
{
  struct option *opts;
  size_t n, i;
  int r = 0;

  if (value[strspn (value, " \t\n")] == '{') {
    set_error (g, "qemuvalue: \"%s\" is not valid for %s: it is JSON; "
               "allowed: qemu's %s,KEY=VALUE,... form", value, param, key);
    return -1;
  }
  opts = split_options (value, key, &n);
  if (opts == NULL) {
    set_perror (g, "qemuvalue");
    return -1;
  }
  for (i = 0; i < n && r == 0; ++i) {
    if (strcmp (opts[i].key, key) == 0) {
      if (allowed != NULL && !in_list (allowed, opts[i].value)) {
        set_error (g, "qemuvalue: \"%s\" is not valid for %s: %s \"%s\" is "
                   "not one config adds; allowed: %s", value, param, key,
                   opts[i].value, allowed_text);
        r = -1;
      }
      if (refused != NULL && in_list (refused, opts[i].value)) {
        set_error (g, "qemuvalue: \"%s\" is not valid for %s: \"%s\" is a "
                   "storage device, or gives the guest a host device or "
                   "file; allowed: other devices (disks are added with "
                   "add_drive)", value, param, opts[i].value);
        r = -1;
      }
    }
    else if (refused_keys != NULL && in_list (refused_keys, opts[i].key)) {
      set_error (g, "qemuvalue: \"%s\" is not valid for %s: %s= is refused "
                 "(it starts a server that leaves qemu, or runs commands); "
                 "allowed: the other options", value, param, opts[i].key);
      r = -1;
    }
  }
  free_options (opts, n);
  return r;
}

/* The value of a parameter that can get around add_drive or the
 * handle's settings. */
static int
check_value (qdrive_h *g, const char *param, const char *name,
             const char *value)
{
  if (strcmp (name, "-device") == 0)
    return check_options (g, param, value, "driver", NULL, NULL,
                          qdrive_int_config_refused_devices, NULL);
  if (strcmp (name, "-object") == 0)
    return check_options (g, param, value, "qom-type",
                          qdrive_int_config_object_types,
                          QDRIVE_INT_CONFIG_OBJECT_TYPES_TEXT, NULL, NULL);
  if (strcmp (name, "-netdev") == 0 || strcmp (name, "-nic") == 0)
    return check_options (g, param, value, "type",
                          qdrive_int_config_netdev_types,
                          QDRIVE_INT_CONFIG_NETDEV_TYPES_TEXT, NULL,
                          qdrive_int_config_refused_netdev_options);
  if (strcmp (name, "-serial") == 0 &&
      (strncmp (value, "mon:", 4) == 0 || strncmp (value, "chardev:", 8) == 0)) {
    set_error (g, "qemuvalue: \"%s\" is not valid for %s: it would be a "
               "monitor or another character device's; allowed: a "
               "character device of its own (file:PATH, pty, null, ...)",
               value, param);
    return -1;
  }
  return 0;
}

int
qdrive_int_check_config (qdrive_h *g, const char *param, const char *value)
{
  const struct qdrive_int_config_param *p;

  if (param[0] != '-' || param[1] == '\0' ||
      (param[1] == '-' && param[2] == '\0')) {
    set_error (g, "qemuparam: \"%s\" is not valid; allowed: a qemu "
               "parameter starting with -", param);
    return -1;
  }
  if (is_managed (param)) {
    set_error (g, "qemuparam: \"%s\" is set by qdrive itself; not allowed: %s",
               param, QDRIVE_INT_MANAGED_QEMU_PARAMS_TEXT);
    return -1;
  }
  p = find_param (param);
  if (p == NULL) {
    set_error (g, "qemuparam: \"%s\" is not one config passes to qemu; "
               "allowed: %s (also as --NAME)", param,
               QDRIVE_INT_CONFIG_PARAMS_TEXT);
    return -1;
  }
  if (p->takes_value && value == NULL) {
    set_error (g, "qemuvalue: NULL is not valid for %s, which takes a "
               "value; allowed: a string", param);
    return -1;
  }
  if (!p->takes_value && value != NULL) {
    set_error (g, "qemuvalue: \"%s\" is not valid for %s, which takes "
               "none (qemu would read it as a disk's file); allowed: NULL",
               value, param);
    return -1;
  }
  return value ? check_value (g, param, p->name, value) : 0;
}
