/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: JSON messages over a unix socket, as both of qemu's
 * protocols use them: QMP (qmp.c) and the guest agent's (qga.c).
 *
 * Each side sends {"execute": NAME, "arguments": {...}} and the peer
 * answers {"return": ...} or {"error": {"desc": ...}}.  Replies are
 * parsed with json-c's incremental tokener.  Every wait is bounded by a
 * deadline and watches qemu at the same time (direct_wait_fd), so a
 * qemu that dies is reported as such, with its last messages. */

#ifndef QDRIVE_JSON_SOCKET_H
#define QDRIVE_JSON_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct direct;
struct qdrive_h;
struct json_object;
struct json_tokener;

struct jsock {
  /* For messages: who answers ("qemu", "the guest agent"), the name of
   * its socket ("qemu's QMP socket"), and of what it sends ("QMP"). */
  const char *peer, *sockname, *dataname;
  char *path;                   /* the socket, which qemu listens on */
  int fd;
  struct json_tokener *tok;
  char rbuf[65536];
  size_t rstart, rend;
};

/* Sets up s (no connection yet); path is taken over (freed by
 * jsock_free). */
extern void jsock_init (struct jsock *s, const char *peer,
                        const char *sockname, const char *dataname,
                        char *path);

/* Connects, retrying while qemu has not created and is not yet
 * listening on the socket.  1: connected; 0: the deadline passed
 * (no error set); -1: error set. */
extern int jsock_connect (struct direct *b, struct jsock *s,
                          const struct timespec *deadline);

/* Reads the next JSON object.  1: *obj is set (owned by the caller);
 * 0: the deadline passed (error set, errno ETIMEDOUT); -1: error set.
 * what (e.g. "the QMP command \"quit\"") and seconds are for the
 * message. */
extern int jsock_read (struct direct *b, struct jsock *s,
                       const struct timespec *deadline,
                       struct json_object **obj, const char *what,
                       int seconds);

/* Discards what is received up to and including the first byte equal
 * to delim, and any partial object; returns as jsock_read. */
extern int jsock_skip_past (struct direct *b, struct jsock *s,
                            unsigned char delim,
                            const struct timespec *deadline,
                            const char *what, int seconds);

/* Sends bytes as they are.  -1 with errno set on failure. */
extern int jsock_send_raw (struct jsock *s, const void *buf, size_t len);

/* Sends {"execute": command, "arguments": args} (args may be NULL; it
 * is not consumed).  -1 with errno set on failure (no error set). */
extern int jsock_send_command (struct jsock *s, const char *command,
                               struct json_object *args);

/* Sends one command and returns the "return" member of its reply,
 * owned by the caller; NULL with the error set if the peer answered
 * with an error or something else, went away, or did not answer in
 * time.  Objects with an "event" member are skipped (QMP's events). */
extern struct json_object *jsock_execute (struct direct *b, struct jsock *s,
                                          const char *command,
                                          struct json_object *args,
                                          const struct timespec *deadline,
                                          int seconds);

/* Checks one member of a reply: key in o (in the message: "member KEY
 * of WHERE" if where is not NULL), of JSON type type.  1: *v is set (a
 * borrowed reference); 0: absent and not required; -1: absent and
 * required, of another type, or o is not an object: the error is set,
 * naming the peer, the command and the member. */
extern int jsock_member (struct direct *b, const struct jsock *s,
                         const char *command, struct json_object *o,
                         const char *where, const char *key, int type,
                         bool required, struct json_object **v);

/* The same for a reply that came another way (qemu's, through
 * libvirt): peer names who answered, g gets the error. */
extern int jsock_reply_member (struct qdrive_h *g, const char *peer,
                               const char *command, struct json_object *o,
                               const char *where, const char *key, int type,
                               bool required, struct json_object **v);

/* The name of a JSON type, for messages: "null", "a string", ... */
extern const char *jsock_type_name (int type);

/* Closes the connection (the socket file stays). */
extern void jsock_close (struct jsock *s);

/* Closes, removes the socket file and frees the path. */
extern void jsock_free (struct jsock *s);

#endif /* QDRIVE_JSON_SOCKET_H */
