/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive tests: a program posing as qemu that speaks QMP as a script
 * tells it, for the one kind of test where a real qemu cannot serve: a
 * peer that misbehaves (replies of the wrong JSON type, no greeting,
 * ...).  The tests run it with set_hv.
 *
 * It takes the QMP socket's path from the -chardev argument qdrive
 * gives qemu, listens there, accepts one connection, greets, and
 * answers each command from the script named by $FAKE_QEMU_SCRIPT, one
 * line per reply:
 *
 *   COMMAND REPLY     REPLY is sent as it is (it need not be JSON) to the
 *                     Nth COMMAND received, from the Nth line naming
 *                     it; the last such line serves any further one
 *   greeting REPLY    the greeting, instead of a real one
 *   COMMAND silent    no answer at all (greeting silent: no greeting)
 *   COMMAND exit N    no answer: exit with status N
 *
 * A command the script does not name gets {"return": {}}; quit gets
 * that too and ends the program with status 0.  Lines starting with #
 * are comments.  When the connection closes, it exits with status 0. */

#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

#define GREETING "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, " \
  "\"minor\": 2, \"major\": 7}, \"package\": \"fake\"}, \"capabilities\": []}}"

struct line {
  char *command, *reply;
  int used;
};

static struct line *lines;
static size_t nlines;

static void
die (const char *what)
{
  fprintf (stderr, "fake-qemu: %s: %s\n", what, strerror (errno));
  exit (2);
}

static void
load_script (const char *path)
{
  FILE *f = fopen (path, "r");
  char *buf = NULL, *sp;
  size_t alloc = 0;
  ssize_t n;

  if (f == NULL)
    die (path);
  while ((n = getline (&buf, &alloc, f)) != -1) {
    if (n > 0 && buf[n - 1] == '\n')
      buf[--n] = '\0';
    if (n == 0 || buf[0] == '#')
      continue;
    sp = strchr (buf, ' ');
    if (sp == NULL) {
      fprintf (stderr, "fake-qemu: %s: no reply in \"%s\"\n", path, buf);
      exit (2);
    }
    lines = realloc (lines, (nlines + 1) * sizeof *lines);
    if (lines == NULL)
      die ("realloc");
    *sp = '\0';
    lines[nlines].command = strdup (buf);
    lines[nlines].reply = strdup (sp + 1);
    lines[nlines].used = 0;
    nlines++;
  }
  free (buf);
  fclose (f);
}

/* The reply for the next use of command, or NULL if the script does
 * not name it. */
static const char *
reply_for (const char *command)
{
  struct line *last = NULL;
  size_t i;

  for (i = 0; i < nlines; ++i) {
    if (strcmp (lines[i].command, command) != 0)
      continue;
    last = &lines[i];
    if (!lines[i].used) {
      lines[i].used = 1;
      return lines[i].reply;
    }
  }
  return last ? last->reply : NULL;
}

static void
send_line (int fd, const char *s)
{
  size_t len = strlen (s);

  if (send (fd, s, len, MSG_NOSIGNAL) != (ssize_t) len ||
      send (fd, "\r\n", 2, MSG_NOSIGNAL) != 2)
    exit (0);                   /* qdrive went away */
}

/* Acts on a scripted reply: sent, withheld, or the end of the program. */
static void
answer (int fd, const char *reply)
{
  if (strcmp (reply, "silent") == 0)
    return;
  if (strncmp (reply, "exit ", 5) == 0)
    exit (atoi (reply + 5));
  send_line (fd, reply);
}

/* The socket path in "socket,id=qmp,path=P,server=on,wait=off", with
 * qemu's doubled commas undone. */
static char *
socket_path (int argc, char **argv)
{
  const char *key = "socket,id=qmp,path=", *p;
  char *path, *q;
  int i;

  for (i = 1; i < argc; ++i) {
    if (strncmp (argv[i], key, strlen (key)) != 0)
      continue;
    path = q = malloc (strlen (argv[i]) + 1);
    if (path == NULL)
      die ("malloc");
    for (p = argv[i] + strlen (key); *p && (*p != ',' || p[1] == ','); ++p) {
      *q++ = *p;
      if (*p == ',')
        ++p;
    }
    *q = '\0';
    return path;
  }
  fprintf (stderr, "fake-qemu: no QMP -chardev in the arguments\n");
  exit (2);
}

int
main (int argc, char **argv)
{
  const char *script = getenv ("FAKE_QEMU_SCRIPT");
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  struct json_tokener *tok = json_tokener_new ();
  struct json_object *cmd, *execute;
  char buf[65536];
  const char *reply, *command;
  char *path;
  int lfd, fd;
  ssize_t n;

  if (script == NULL) {
    fprintf (stderr, "fake-qemu: set FAKE_QEMU_SCRIPT\n");
    return 2;
  }
  load_script (script);
  path = socket_path (argc, argv);
  snprintf (addr.sun_path, sizeof addr.sun_path, "%s", path);
  lfd = socket (AF_UNIX, SOCK_STREAM, 0);
  if (lfd == -1 || bind (lfd, (struct sockaddr *) &addr, sizeof addr) == -1 ||
      listen (lfd, 1) == -1)
    die (path);
  fd = accept (lfd, NULL, NULL);
  if (fd == -1)
    die ("accept");

  reply = reply_for ("greeting");
  answer (fd, reply ? reply : GREETING);
  for (;;) {
    n = recv (fd, buf, sizeof buf, 0);
    if (n == -1 && errno == EINTR)
      continue;
    if (n <= 0)
      return 0;
    /* qdrive sends one command per line: whole objects, one at a time. */
    cmd = json_tokener_parse_ex (tok, buf, (int) n);
    if (cmd == NULL)
      continue;
    json_tokener_reset (tok);
    command = json_object_object_get_ex (cmd, "execute", &execute)
      ? json_object_get_string (execute) : "";
    reply = reply_for (command);
    answer (fd, reply ? reply : "{\"return\": {}}");
    if (strcmp (command, "quit") == 0 && reply == NULL)
      return 0;
    json_object_put (cmd);
  }
}
