/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: JSON messages over a unix socket, shared by the QMP client
 * (qmp.c) and the guest agent client (qga.c); see json-socket.h.
 *
 * Whatever has been received is fed to json-c's incremental tokener,
 * which hands back each object once it is complete and keeps a partial
 * one for the next read. */

#include <config.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

#include "direct.h"
#include "json-socket.h"

/* How long to wait between two attempts to connect while qemu has not
 * created its socket yet: short, because launch time is mostly this
 * wait. */
#define CONNECT_RETRY_MS 1

/* query-block nests one level per backing file: allow long chains
 * (json-c's default is 32). */
#define JSON_MAX_DEPTH 1024

void
jsock_init (struct jsock *s, const char *peer, const char *sockname,
            const char *dataname, char *path)
{
  s->peer = peer;
  s->sockname = sockname;
  s->dataname = dataname;
  s->path = path;
  s->fd = -1;
  s->tok = NULL;
  s->rstart = s->rend = 0;
}

/* Sets the error for qemu having gone away. */
static void
error_exited (struct direct *b)
{
  direct_note_death (b);
  direct_report_death (b);
}

/* Waits until the socket has data and reads it into the empty buffer.
 * 1: data; 0: deadline (error set); -1: error set. */
static int
fill (struct direct *b, struct jsock *s, const struct timespec *deadline,
      const char *what, int seconds)
{
  qdrive_h *g = b->g;
  ssize_t n;
  int r;

  s->rstart = s->rend = 0;
  r = direct_wait_fd (b, s->fd, POLLIN, deadline);
  if (r == 0) {
    qdrive_int_error (g, ETIMEDOUT, "%s did not answer %s within %d "
                      "second%s", s->peer, what, seconds,
                      seconds == 1 ? "" : "s");
    return 0;
  }
  if (r == -1)
    return -1;                  /* error set: poll failed, or cancelled */
  if (r == -2) {
    error_exited (b);
    return -1;
  }
  do
    n = recv (s->fd, s->rbuf, sizeof s->rbuf, 0);
  while (n == -1 && errno == EINTR);
  if (n == -1 && errno != ECONNRESET) {
    set_perror (g, "reading from %s", s->sockname);
    return -1;
  }
  if (n <= 0) {
    /* qemu closed the connection: it is exiting. */
    if (direct_wait_exit (b, deadline)) {
      error_exited (b);
      return -1;
    }
    set_error (g, "%s closed the connection", s->sockname);
    return -1;
  }
  s->rend = (size_t) n;
  return 1;
}

int
jsock_read (struct direct *b, struct jsock *s, const struct timespec *deadline,
            struct json_object **obj, const char *what, int seconds)
{
  enum json_tokener_error err;
  int r;

  for (;;) {
    if (s->rstart < s->rend) {
      *obj = json_tokener_parse_ex (s->tok, s->rbuf + s->rstart,
                                    (int) (s->rend - s->rstart));
      err = json_tokener_get_error (s->tok);
      /* A complete value; NULL is JSON null. */
      if (*obj != NULL || err == json_tokener_success) {
        s->rstart += json_tokener_get_parse_end (s->tok);
        return 1;
      }
      if (err != json_tokener_continue) {
        set_error (b->g, "%s sent %s that is not valid JSON: %s",
                   s->peer, s->dataname, json_tokener_error_desc (err));
        json_tokener_reset (s->tok);
        return -1;
      }
      /* The tokener keeps the partial object: all was consumed. */
      s->rstart = s->rend;
    }
    r = fill (b, s, deadline, what, seconds);
    if (r != 1)
      return r;
  }
}

int
jsock_skip_past (struct direct *b, struct jsock *s, unsigned char delim,
                 const struct timespec *deadline, const char *what,
                 int seconds)
{
  const char *p;
  int r;

  json_tokener_reset (s->tok);
  for (;;) {
    if (s->rstart < s->rend) {
      p = memchr (s->rbuf + s->rstart, delim, s->rend - s->rstart);
      if (p != NULL) {
        s->rstart = (size_t) (p - s->rbuf) + 1;
        return 1;
      }
    }
    r = fill (b, s, deadline, what, seconds);
    if (r != 1)
      return r;
  }
}

int
jsock_send_raw (struct jsock *s, const void *buf, size_t len)
{
  const char *p = buf;
  ssize_t n;

  while (len > 0) {
    /* MSG_NOSIGNAL: a qemu that died must not kill us with SIGPIPE. */
    n = send (s->fd, p, len, MSG_NOSIGNAL);
    if (n == -1 && errno == EINTR)
      continue;
    if (n == -1)
      return -1;
    p += n;
    len -= (size_t) n;
  }
  return 0;
}

int
jsock_send_command (struct jsock *s, const char *command,
                    struct json_object *args)
{
  struct json_object *cmd = json_object_new_object ();
  const char *text;
  int r = -1;

  if (cmd == NULL) {
    errno = ENOMEM;
    return -1;
  }
  json_object_object_add (cmd, "execute", json_object_new_string (command));
  if (args != NULL)
    json_object_object_add (cmd, "arguments", json_object_get (args));
  text = json_object_to_json_string_ext (cmd, JSON_C_TO_STRING_PLAIN);
  if (text == NULL)
    errno = ENOMEM;
  else if (jsock_send_raw (s, text, strlen (text)) == 0 &&
           jsock_send_raw (s, "\n", 1) == 0)
    r = 0;
  json_object_put (cmd);
  return r;
}

const char *
jsock_type_name (int type)
{
  switch ((enum json_type) type) {
  case json_type_null: return "null";
  case json_type_boolean: return "a boolean";
  case json_type_double: return "a number with a fraction";
  case json_type_int: return "an integer";
  case json_type_object: return "an object";
  case json_type_array: return "a list";
  case json_type_string: return "a string";
  }
  return "of an unknown type";
}

struct json_object *
jsock_execute (struct direct *b, struct jsock *s, const char *command,
               struct json_object *args, const struct timespec *deadline,
               int seconds)
{
  qdrive_h *g = b->g;
  struct json_object *obj, *ret = NULL, *v, *error, *desc;
  char *what;

  if (direct_exited (b)) {
    error_exited (b);
    return NULL;
  }
  if (jsock_send_command (s, command, args) == -1) {
    if (errno == EPIPE || errno == ECONNRESET) {
      if (direct_wait_exit (b, deadline)) {
        error_exited (b);
        return NULL;
      }
    }
    set_perror (g, "sending \"%s\" to %s", command, s->peer);
    return NULL;
  }
  if (asprintf (&what, "the %s command \"%s\"", s->dataname, command) == -1) {
    set_perror (g, "asprintf");
    return NULL;
  }
  /* Skips events until the reply: ret is set (owned) or the error is. */
  for (;;) {
    if (jsock_read (b, s, deadline, &obj, what, seconds) != 1) {
      free (what);
      return NULL;
    }
    if (!json_object_is_type (obj, json_type_object)) {
      set_error (g, "%s's reply to \"%s\" is %s; expected an object",
                 s->peer, command,
                 jsock_type_name (json_object_get_type (obj)));
      break;
    }
    if (json_object_object_get_ex (obj, "return", &v)) {
      /* NULL is the caller's error, which no command answers with. */
      if (v == NULL)
        set_error (g, "%s's reply to \"%s\": member \"return\" is null",
                   s->peer, command);
      else
        ret = json_object_get (v);
      break;
    }
    if (jsock_member (b, s, command, obj, NULL, "error", json_type_object,
                      false, &error) == -1)
      break;
    if (error != NULL) {
      set_error (g, "%s refused %s: %s", s->peer, what,
                 json_object_object_get_ex (error, "desc", &desc) &&
                 json_object_is_type (desc, json_type_string)
                 ? json_object_get_string (desc) : "(no description)");
      break;
    }
    if (!json_object_object_get_ex (obj, "event", NULL)) {
      set_error (g, "%s answered %s with neither \"return\" nor \"error\"",
                 s->peer, what);
      break;
    }
    json_object_put (obj);      /* an event: not ours to act on */
  }
  json_object_put (obj);
  free (what);
  return ret;
}

int
jsock_reply_member (qdrive_h *g, const char *peer, const char *command,
                    struct json_object *o, const char *where,
                    const char *key, int type, bool required,
                    struct json_object **v)
{
  const char *problem;

  *v = NULL;
  if (!json_object_is_type (o, json_type_object)) {
    set_error (g, "%s's reply to \"%s\": %s is %s; expected an object",
               peer, command, where ? where : "the reply",
               jsock_type_name (json_object_get_type (o)));
    return -1;
  }
  if (!json_object_object_get_ex (o, key, v))
    problem = required ? "missing" : NULL;
  else if (!json_object_is_type (*v, (enum json_type) type))
    problem = jsock_type_name (json_object_get_type (*v));
  else
    return 1;
  if (problem == NULL)
    return 0;
  *v = NULL;
  set_error (g, "%s's reply to \"%s\": member \"%s\"%s%s is %s; "
             "expected %s", peer, command, key, where ? " of " : "",
             where ? where : "", problem, jsock_type_name (type));
  return -1;
}

int
jsock_member (struct direct *b, const struct jsock *s, const char *command,
              struct json_object *o, const char *where, const char *key,
              int type, bool required, struct json_object **v)
{
  return jsock_reply_member (b->g, s->peer, command, o, where, key, type,
                             required, v);
}

int
jsock_connect (struct direct *b, struct jsock *s,
               const struct timespec *deadline)
{
  qdrive_h *g = b->g;
  struct sockaddr_un addr;
  struct timespec nap;
  int fd, r;

  if (s->tok == NULL) {
    s->tok = json_tokener_new_ex (JSON_MAX_DEPTH);
    if (s->tok == NULL) {
      set_perror (g, "json_tokener_new_ex");
      return -1;
    }
  }
  memset (&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  /* The length was checked by launch. */
  strncpy (addr.sun_path, s->path, sizeof addr.sun_path - 1);

  for (;;) {
    fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd == -1) {
      set_perror (g, "socket");
      return -1;
    }
    if (connect (fd, (struct sockaddr *) &addr, sizeof addr) == 0) {
      s->fd = fd;
      return 1;
    }
    r = errno;
    close (fd);
    if (r != ENOENT && r != ECONNREFUSED && r != EINTR) {
      errno = r;
      set_perror (g, "connecting to %s %s", s->sockname, s->path);
      return -1;
    }
    /* Wait a little, watching qemu's output and exit. */
    nap = direct_deadline_ms (CONNECT_RETRY_MS);
    if (nap.tv_sec > deadline->tv_sec ||
        (nap.tv_sec == deadline->tv_sec && nap.tv_nsec > deadline->tv_nsec))
      nap = *deadline;
    r = direct_wait_fd (b, -1, 0, &nap);
    if (r == -1)
      return -1;                /* error set: poll failed, or cancelled */
    if (r == -2 || direct_exited (b)) {
      error_exited (b);
      return -1;
    }
    if (direct_ms_left (deadline) == 0)
      return 0;
  }
}

void
jsock_close (struct jsock *s)
{
  if (s->fd >= 0) {
    close (s->fd);
    s->fd = -1;
  }
  if (s->tok != NULL) {
    json_tokener_free (s->tok);
    s->tok = NULL;
  }
  s->rstart = s->rend = 0;
}

void
jsock_free (struct jsock *s)
{
  jsock_close (s);
  if (s->path != NULL) {
    unlink (s->path);
    free (s->path);
    s->path = NULL;
  }
}
