/* qdrive: QMP, the qemu machine protocol, over the unix socket qemu
 * listens on in the handle's private directory.
 *
 * QMP is a stream of JSON objects.  qemu greets with {"QMP": ...};
 * each command is answered by {"return": ...} or {"error": ...}, and
 * events ({"event": ...}) may come in between at any time.  Parsing is
 * json-c's incremental tokener: whatever has been received is fed to
 * it, and it hands back each object once complete. */

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

/* How long to wait between two attempts to connect while qemu has not
 * created its socket yet: short, because launch time is mostly this
 * wait. */
#define CONNECT_RETRY_MS 1

/* query-block nests one level per backing file: allow long chains
 * (json-c's default is 32). */
#define JSON_MAX_DEPTH 1024

/* Sets the error for qemu having gone away. */
static void
error_exited (struct direct *b)
{
  direct_note_death (b);
  direct_report_death (b);
}

/* Reads the next object.  1: *obj is set (owned by the caller);
 * 0: the deadline passed; -1: error set. */
static int
read_object (struct direct *b, const struct timespec *deadline,
             struct json_object **obj, const char *what, int seconds)
{
  qdrive_h *g = b->g;
  enum json_tokener_error err;
  ssize_t n;
  int r;

  for (;;) {
    if (b->rstart < b->rend) {
      *obj = json_tokener_parse_ex (b->tok, b->rbuf + b->rstart,
                                    (int) (b->rend - b->rstart));
      err = json_tokener_get_error (b->tok);
      if (*obj != NULL) {
        b->rstart += json_tokener_get_parse_end (b->tok);
        return 1;
      }
      if (err != json_tokener_continue) {
        set_error (g, "qemu sent QMP that is not valid JSON: %s",
                   json_tokener_error_desc (err));
        json_tokener_reset (b->tok);
        return -1;
      }
      /* The tokener keeps the partial object: all was consumed. */
      b->rstart = b->rend;
    }
    b->rstart = b->rend = 0;

    r = direct_wait_fd (b, b->qmp_fd, POLLIN, deadline);
    if (r == 0) {
      qdrive_int_error (g, ETIMEDOUT, "qemu did not answer %s within %d "
                        "second%s", what, seconds, seconds == 1 ? "" : "s");
      return 0;
    }
    if (r == -1)
      return -1;
    if (r == -2) {
      error_exited (b);
      return -1;
    }
    do
      n = recv (b->qmp_fd, b->rbuf, sizeof b->rbuf, 0);
    while (n == -1 && errno == EINTR);
    if (n == -1 && errno != ECONNRESET) {
      set_perror (g, "reading from qemu's QMP socket");
      return -1;
    }
    if (n <= 0) {
      /* qemu closed the connection: it is exiting. */
      if (direct_wait_exit (b, deadline)) {
        error_exited (b);
        return -1;
      }
      set_error (g, "qemu closed its QMP connection");
      return -1;
    }
    b->rend = (size_t) n;
  }
}

static int
send_all (struct direct *b, const char *s, size_t len)
{
  ssize_t n;

  while (len > 0) {
    /* MSG_NOSIGNAL: a qemu that died must not kill us with SIGPIPE. */
    n = send (b->qmp_fd, s, len, MSG_NOSIGNAL);
    if (n == -1 && errno == EINTR)
      continue;
    if (n == -1)
      return -1;
    s += n;
    len -= (size_t) n;
  }
  return 0;
}

static int
send_command (struct direct *b, const char *command, struct json_object *args)
{
  struct json_object *cmd = json_object_new_object ();
  const char *text;
  int r = -1;

  if (cmd == NULL)
    return -1;
  json_object_object_add (cmd, "execute", json_object_new_string (command));
  if (args != NULL)
    json_object_object_add (cmd, "arguments", json_object_get (args));
  text = json_object_to_json_string_ext (cmd, JSON_C_TO_STRING_PLAIN);
  if (text != NULL && send_all (b, text, strlen (text)) == 0 &&
      send_all (b, "\n", 1) == 0)
    r = 0;
  json_object_put (cmd);
  return r;
}

int
qmp_send (struct direct *b, const char *command)
{
  return send_command (b, command, NULL);
}

struct json_object *
qmp_execute (struct direct *b, const char *command, struct json_object *args,
             const struct timespec *deadline, int seconds)
{
  qdrive_h *g = b->g;
  struct json_object *obj, *ret, *error, *desc;
  char *what;
  int r;

  if (direct_exited (b)) {
    error_exited (b);
    return NULL;
  }
  if (send_command (b, command, args) == -1) {
    if (errno == EPIPE || errno == ECONNRESET) {
      if (direct_wait_exit (b, deadline)) {
        error_exited (b);
        return NULL;
      }
    }
    set_perror (g, "sending \"%s\" to qemu", command);
    return NULL;
  }
  if (asprintf (&what, "the QMP command \"%s\"", command) == -1) {
    set_perror (g, "asprintf");
    return NULL;
  }
  for (;;) {
    r = read_object (b, deadline, &obj, what, seconds);
    if (r != 1) {
      free (what);
      return NULL;
    }
    if (json_object_object_get_ex (obj, "return", &ret)) {
      json_object_get (ret);
      json_object_put (obj);
      free (what);
      return ret;
    }
    if (json_object_object_get_ex (obj, "error", &error)) {
      set_error (g, "qemu refused %s: %s", what,
                 json_object_object_get_ex (error, "desc", &desc)
                 ? json_object_get_string (desc) : "(no description)");
      json_object_put (obj);
      free (what);
      return NULL;
    }
    json_object_put (obj);      /* an event: not ours to act on */
  }
}

/* Connects, retrying until qemu has created and is listening on its
 * socket.  1: connected; 0: deadline; -1: error set. */
static int
connect_socket (struct direct *b, const struct timespec *deadline)
{
  qdrive_h *g = b->g;
  struct sockaddr_un addr;
  struct timespec nap;
  int fd, r;

  memset (&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  /* The length was checked by launch. */
  strncpy (addr.sun_path, b->sock_path, sizeof addr.sun_path - 1);

  for (;;) {
    fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd == -1) {
      set_perror (g, "socket");
      return -1;
    }
    if (connect (fd, (struct sockaddr *) &addr, sizeof addr) == 0) {
      b->qmp_fd = fd;
      return 1;
    }
    r = errno;
    close (fd);
    if (r != ENOENT && r != ECONNREFUSED && r != EINTR) {
      errno = r;
      set_perror (g, "connecting to qemu's QMP socket %s", b->sock_path);
      return -1;
    }
    /* Wait a little, watching qemu's output and exit. */
    clock_gettime (CLOCK_MONOTONIC, &nap);
    nap.tv_nsec += CONNECT_RETRY_MS * 1000000L;
    if (nap.tv_nsec >= 1000000000L) {
      nap.tv_sec++;
      nap.tv_nsec -= 1000000000L;
    }
    if (nap.tv_sec > deadline->tv_sec ||
        (nap.tv_sec == deadline->tv_sec && nap.tv_nsec > deadline->tv_nsec))
      nap = *deadline;
    r = direct_wait_fd (b, -1, 0, &nap);
    if (r == -1)
      return -1;
    if (r == -2 || direct_exited (b)) {
      error_exited (b);
      return -1;
    }
    if (direct_ms_left (deadline) == 0)
      return 0;
  }
}

int
qmp_open (struct direct *b, const struct timespec *deadline, int seconds)
{
  qdrive_h *g = b->g;
  struct json_object *greeting, *ret;
  int r;

  b->tok = json_tokener_new_ex (JSON_MAX_DEPTH);
  if (b->tok == NULL) {
    set_perror (g, "json_tokener_new_ex");
    return -1;
  }
  r = connect_socket (b, deadline);
  if (r == 0) {
    qdrive_int_error (g, ETIMEDOUT, "qemu did not open its QMP socket %s "
                      "within %d second%s", b->sock_path, seconds,
                      seconds == 1 ? "" : "s");
    return -1;
  }
  if (r == -1)
    return -1;

  if (read_object (b, deadline, &greeting, "on its QMP socket (greeting)",
                   seconds) != 1)
    return -1;
  if (!json_object_object_get_ex (greeting, "QMP", NULL)) {
    set_error (g, "qemu's QMP socket did not greet with \"QMP\": %s",
               json_object_to_json_string_ext (greeting,
                                               JSON_C_TO_STRING_PLAIN));
    json_object_put (greeting);
    return -1;
  }
  json_object_put (greeting);

  ret = qmp_execute (b, "qmp_capabilities", NULL, deadline, seconds);
  if (ret == NULL)
    return -1;
  json_object_put (ret);
  return 0;
}

void
qmp_close (struct direct *b)
{
  if (b->qmp_fd >= 0) {
    close (b->qmp_fd);
    b->qmp_fd = -1;
  }
  if (b->tok != NULL) {
    json_tokener_free (b->tok);
    b->tok = NULL;
  }
  b->rstart = b->rend = 0;
}
