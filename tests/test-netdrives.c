/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive C tests: network drives without a server: every refusal of
 * add_drive's protocol, server, username and secret (with the handle
 * unchanged), what list_drives reports, the exact qemu -drive of each
 * protocol, and the secret kept out of the trace, the errors,
 * list_drives and the command line.  (Launches against real servers
 * are in test-network.c; the libvirt XML in libvirt-xml.c.) */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "testlib.h"
#include "api-facts.h"

static qdrive_h *g;

static void
setup (void)
{
  g = quiet_handle ();
}

static void
teardown (void)
{
  qdrive_close (g);
}

/* One add_drive call: NULL fields are not given. */
struct net_case {
  const char *filename;
  const char *protocol;
  const char *server[4];          /* NULL-terminated; server_given says
                                   * whether the list is given at all */
  bool server_given;
  const char *username, *secret;
  bool readonly;
  const char *discard;
  const char *error;              /* NULL: accepted */
};

static int
add (const struct net_case *c)
{
  struct qdrive_add_drive_opts_argv o = { .bitmask = 0 };

  if (c->protocol) {
    o.bitmask |= QDRIVE_ADD_DRIVE_OPTS_PROTOCOL_BITMASK;
    o.protocol = c->protocol;
  }
  if (c->server_given) {
    o.bitmask |= QDRIVE_ADD_DRIVE_OPTS_SERVER_BITMASK;
    o.server = (char *const *) c->server;
  }
  if (c->username) {
    o.bitmask |= QDRIVE_ADD_DRIVE_OPTS_USERNAME_BITMASK;
    o.username = c->username;
  }
  if (c->secret) {
    o.bitmask |= QDRIVE_ADD_DRIVE_OPTS_SECRET_BITMASK;
    o.secret = c->secret;
  }
  if (c->readonly) {
    o.bitmask |= QDRIVE_ADD_DRIVE_OPTS_READONLY_BITMASK;
    o.readonly = 1;
  }
  if (c->discard) {
    o.bitmask |= QDRIVE_ADD_DRIVE_OPTS_DISCARD_BITMASK;
    o.discard = c->discard;
    o.bitmask |= QDRIVE_ADD_DRIVE_OPTS_FORMAT_BITMASK;
    o.format = "raw";
  }
  return qdrive_add_drive_opts_argv (g, c->filename, &o);
}

#define S(...) .server = { __VA_ARGS__, NULL }, .server_given = true
#define ALLOWED_SERVERS "; allowed: HOST, HOST:PORT, tcp:HOST, " \
  "tcp:HOST:PORT, unix:/PATH, with PORT from 1 to 65535 and an IPv6 HOST " \
  "in brackets"

/* Every refusal: libguestfs 1.48's, and the ones qdrive adds. */
static const struct net_case refused[] = {
  /* Protocols qemu 7.2 lacks. */
  { "x", "sheepdog", S ("h"), .error = "add_drive: protocol: \"sheepdog\" "
    "is refused: qemu 7.2 no longer has the Sheepdog driver; allowed: "
    "file, nbd, http, https, ftp, ftps, ssh, iscsi, rbd, gluster" },
  { "/x", "tftp", S ("h"), .readonly = true, .error = "add_drive: "
    "protocol: \"tftp\" is refused: qemu 7.2 has no TFTP driver; allowed: "
    "file, nbd, http, https, ftp, ftps, ssh, iscsi, rbd, gluster" },
  { "x", "bogus", .error = "add_drive: protocol: \"bogus\" is not valid; "
    "allowed: " FACT_PROTOCOL_ALLOWED },
  /* file takes none of them. */
  { "/dev/null", "file", S ("h"), .error = "add_drive: server: a drive "
    "of protocol \"file\" takes no server; give protocol for a network "
    "drive" },
  { "/dev/null", NULL, .server_given = true, .error = "add_drive: server: "
    "a drive of protocol \"file\" takes no server; give protocol for a "
    "network drive" },
  { "/dev/null", NULL, .username = "u", .error = "add_drive: username: a "
    "drive of protocol \"file\" takes no username" },
  { "/dev/null", "file", .secret = "s", .error = "add_drive: secret: a "
    "drive of protocol \"file\" takes no secret" },
  /* How many servers. */
  { "e", "nbd", .error = "add_drive: server: protocol \"nbd\" takes exactly "
    "1 server, and 0 were given" },
  { "e", "nbd", S ("a", "b"), .error = "add_drive: server: protocol \"nbd\" "
    "takes exactly 1 server, and 2 were given" },
  { "/p", "ssh", S ("a", "b"), .error = "add_drive: server: protocol "
    "\"ssh\" takes exactly 1 server, and 2 were given" },
  { "/p", "http", S ("a", "b"), .readonly = true, .error = "add_drive: "
    "server: protocol \"http\" takes exactly 1 server, and 2 were given" },
  { "i/0", "iscsi", .server_given = true, .error = "add_drive: server: "
    "protocol \"iscsi\" takes exactly 1 server, and 0 were given" },
  { "v/p", "gluster", S ("a", "b", "c"), .error = "add_drive: server: "
    "protocol \"gluster\" takes exactly 1 server, and 3 were given" },
  /* Credentials where the protocol has none. */
  { "e", "nbd", S ("h"), .username = "u", .error = "add_drive: username: "
    "protocol \"nbd\" takes no username" },
  { "e", "nbd", S ("h"), .secret = "s", .error = "add_drive: secret: "
    "protocol \"nbd\" takes no secret" },
  { "v/p", "gluster", S ("h"), .username = "u", .error = "add_drive: "
    "username: protocol \"gluster\" takes no username" },
  { "v/p", "gluster", S ("h"), .secret = "s", .error = "add_drive: secret: "
    "protocol \"gluster\" takes no secret" },
  { "/p", "ssh", S ("h"), .secret = "s", .error = "add_drive: secret: "
    "protocol \"ssh\" takes no secret: qemu's ssh driver logs in only with "
    "keys from ssh-agent" },
  { "/p", "ssh", S ("h"), .username = "", .error = "add_drive: username: "
    "\"\" is not valid; allowed: a non-empty name" },
  { "/p", "http", S ("h"), .readonly = true, .username = "u", .secret = "",
    .error = "add_drive: secret: the empty string is not valid; allowed: a "
    "non-empty secret" },
  { "/p", "https", S ("h"), .readonly = true, .secret = "s", .error =
    "add_drive: secret: protocol \"https\" needs a username with the "
    "secret" },
  { "i/0", "iscsi", S ("h"), .secret = "s", .error = "add_drive: secret: "
    "protocol \"iscsi\" needs a username with the secret" },
  { "i/0", "iscsi", S ("h"), .username = "u", .error = "add_drive: "
    "username: protocol \"iscsi\" needs a secret with the username (CHAP "
    "takes both)" },
  { "p/i", "rbd", .secret = "not base64!", .error = "add_drive: secret: the "
    "value given is not valid for protocol \"rbd\"; allowed: a Ceph key in "
    "base64, as in a keyring file" },
  /* Server strings. */
  { "e", "nbd", S ("localhost:abc"), .error = "add_drive: server: "
    "\"localhost:abc\" is not valid: the port \"abc\" is not a number"
    ALLOWED_SERVERS },
  { "e", "nbd", S ("localhost:"), .error = "add_drive: server: "
    "\"localhost:\" is not valid: the port \"\" is not a number"
    ALLOWED_SERVERS },
  { "e", "nbd", S ("h:0"), .error = "add_drive: server: \"h:0\" is not "
    "valid: the port 0 is outside 1-65535" ALLOWED_SERVERS },
  { "e", "nbd", S ("h:65536"), .error = "add_drive: server: \"h:65536\" is "
    "not valid: the port 65536 is outside 1-65535" ALLOWED_SERVERS },
  { "e", "nbd", S ("h:-1"), .error = "add_drive: server: \"h:-1\" is not "
    "valid: the port \"-1\" is not a number" ALLOWED_SERVERS },
  { "e", "nbd", S ("::1"), .error = "add_drive: server: \"::1\" is not "
    "valid: the host is empty" ALLOWED_SERVERS },
  { "e", "nbd", S ("fe80::1"), .error = "add_drive: server: \"fe80::1\" is "
    "not valid: the port \":1\" is not a number (an IPv6 address goes in "
    "brackets: [ADDRESS]:PORT)" ALLOWED_SERVERS },
  { "e", "nbd", S (""), .error = "add_drive: server: \"\" is not valid: the "
    "host is empty" ALLOWED_SERVERS },
  { "e", "nbd", S (":10809"), .error = "add_drive: server: \":10809\" is not "
    "valid: the host is empty" ALLOWED_SERVERS },
  { "e", "nbd", S ("tcp:"), .error = "add_drive: server: \"tcp:\" is not "
    "valid: the host is empty" ALLOWED_SERVERS },
  { "e", "nbd", S ("a b"), .error = "add_drive: server: \"a b\" is not "
    "valid: the host has characters other than letters, digits, '-' and "
    "'.'" ALLOWED_SERVERS },
  { "e", "nbd", S ("[::1"), .error = "add_drive: server: \"[::1\" is not "
    "valid: the IPv6 address has no closing bracket" ALLOWED_SERVERS },
  { "e", "nbd", S ("[]:80"), .error = "add_drive: server: \"[]:80\" is not "
    "valid: the brackets do not hold an IPv6 address" ALLOWED_SERVERS },
  { "e", "nbd", S ("[::1]x"), .error = "add_drive: server: \"[::1]x\" is "
    "not valid: only \":PORT\" may follow the IPv6 address"
    ALLOWED_SERVERS },
  { "e", "nbd", S ("unix:"), .error = "add_drive: server: \"unix:\" is not "
    "valid: the socket path must be absolute" ALLOWED_SERVERS },
  { "e", "nbd", S ("unix:rel.sock"), .error = "add_drive: server: "
    "\"unix:rel.sock\" is not valid: the socket path must be absolute"
    ALLOWED_SERVERS },
  { "e", "nbd", S ("unix:/a b"), .error = "add_drive: server: \"unix:/a b\" "
    "is not valid: the socket path has white space" ALLOWED_SERVERS },
  { "/p", "http", S ("unix:/s"), .readonly = true, .error = "add_drive: "
    "server: \"unix:/s\" is a unix socket, which protocol \"http\" does "
    "not take; allowed with http: HOST, HOST:PORT, tcp:HOST, tcp:HOST:PORT" },
  { "/p", "ssh", S ("unix:/s"), .error = "add_drive: server: \"unix:/s\" is "
    "a unix socket, which protocol \"ssh\" does not take; allowed with ssh: "
    "HOST, HOST:PORT, tcp:HOST, tcp:HOST:PORT" },
  { "i/0", "iscsi", S ("unix:/s"), .error = "add_drive: server: \"unix:/s\" "
    "is a unix socket, which protocol \"iscsi\" does not take; allowed "
    "with iscsi: HOST, HOST:PORT, tcp:HOST, tcp:HOST:PORT" },
  { "p/i", "rbd", S ("m1", "unix:/s"), .error = "add_drive: server: "
    "\"unix:/s\" is a unix socket, which protocol \"rbd\" does not take; "
    "allowed with rbd: HOST, HOST:PORT, tcp:HOST, tcp:HOST:PORT" },
  /* The name on the server. */
  { "p", "http", S ("h"), .readonly = true, .error = "add_drive: filename: "
    "\"p\" is not valid for protocol \"http\": it does not start with /; "
    "allowed: the path on the server, starting with /" },
  { "", "ftp", S ("h"), .readonly = true, .error = "add_drive: filename: "
    "\"\" is not valid for protocol \"ftp\": it does not start with /; "
    "allowed: the path on the server, starting with /" },
  { "p", "ssh", S ("h"), .error = "add_drive: filename: \"p\" is not valid "
    "for protocol \"ssh\": it does not start with /; allowed: the path on "
    "the server, starting with /" },
  { "/iqn.x/0", "iscsi", S ("h"), .error = "add_drive: filename: "
    "\"/iqn.x/0\" is not valid for protocol \"iscsi\": it starts with /; "
    "allowed: TARGET-IQN/LUN, with LUN from 0 to 16383" },
  { "", "iscsi", S ("h"), .error = "add_drive: filename: \"\" is not valid "
    "for protocol \"iscsi\"; allowed: TARGET-IQN/LUN, with LUN from 0 to "
    "16383" },
  { "iqn.x/lun", "iscsi", S ("h"), .error = "add_drive: filename: "
    "\"iqn.x/lun\" is not valid for protocol \"iscsi\": the LUN \"lun\" is "
    "not a number from 0 to 16383; allowed: TARGET-IQN/LUN, with LUN from 0 "
    "to 16383" },
  { "iqn.x/16384", "iscsi", S ("h"), .error = "add_drive: filename: "
    "\"iqn.x/16384\" is not valid for protocol \"iscsi\": the LUN \"16384\" "
    "is not a number from 0 to 16383; allowed: TARGET-IQN/LUN, with LUN "
    "from 0 to 16383" },
  { "/pool/img", "rbd", .error = "add_drive: filename: \"/pool/img\" is not "
    "valid for protocol \"rbd\": it starts with /; allowed: POOL/IMAGE" },
  { "img", "rbd", .error = "add_drive: filename: \"img\" is not valid for "
    "protocol \"rbd\"; allowed: POOL/IMAGE" },
  { "p/i/x", "rbd", .error = "add_drive: filename: \"p/i/x\" is not valid "
    "for protocol \"rbd\"; allowed: POOL/IMAGE" },
  { "/vol/img", "gluster", S ("h"), .error = "add_drive: filename: "
    "\"/vol/img\" is not valid for protocol \"gluster\": it starts with /; "
    "allowed: VOLUME/PATH" },
  { "vol/", "gluster", S ("h"), .error = "add_drive: filename: \"vol/\" is "
    "not valid for protocol \"gluster\"; allowed: VOLUME/PATH" },
  /* Writing where qemu cannot, discarding where nothing is written. */
  { "/p", "https", S ("h"), .error = "add_drive: readonly: protocol "
    "\"https\" needs readonly true: qemu's curl driver cannot write" },
  { "e", "nbd", S ("h"), .readonly = true, .discard = "enable", .error =
    "add_drive: discard: \"enable\" is refused for a readonly drive; "
    "allowed with readonly: disable, besteffort" },
};

START_TEST (test_refused)
{
  const struct net_case *c = &refused[_i];

  ck_assert_int_eq (add (c), -1);
  ck_assert_error (g, c->error);
  ck_assert_int_eq (qdrive_last_errno (g), EINVAL);
  ck_assert_uint_eq (count_drives (g), 0);
}
END_TEST

START_TEST (test_long_export)
{
  char name[4098];
  struct net_case c = { name, "nbd", S ("h") };

  memset (name, 'e', 4097);
  name[4097] = '\0';
  ck_assert_int_eq (add (&c), -1);
  ck_assert_error (g, "add_drive: filename: the export name is 4097 bytes "
                   "long; allowed for nbd: at most 4096 bytes");
  name[4096] = '\0';
  ck_assert_int_eq (add (&c), 0);
}
END_TEST

/* Accepted drives: list_drives' protocol, server and username, and the
 * -drive (with its -object secret) the direct backend writes. */
struct accepted {
  struct net_case c;
  const char *server[3];          /* as list_drives reports it */
  const char *args;               /* drive_args, T for the tmpdir */
};

static const struct accepted accepted[] = {
  { { "exp", "nbd", S ("unix:/run/nbd,1.sock") },
    { "unix:/run/nbd,1.sock", NULL },
    "-drive file.driver=nbd,file.server.type=unix,"
    "file.server.path=/run/nbd,,1.sock,file.export=exp,cache=writeback,"
    "id=hd0,if=none -device scsi-hd,drive=hd0" },
  { { "", "nbd", S ("localhost") }, { "tcp:localhost:10809", NULL },
    "-drive file.driver=nbd,file.server.type=inet,file.server.host=localhost,"
    "file.server.port=10809,cache=writeback,id=hd0,if=none "
    "-device scsi-hd,drive=hd0" },
  { { "a,b", "nbd", S ("tcp:[::1]:1234"), .readonly = true },
    { "tcp:[::1]:1234", NULL },
    "-drive file.driver=nbd,file.server.type=inet,file.server.host=::1,"
    "file.server.port=1234,file.export=a,,b,cache=writeback,snapshot=on,"
    "id=hd0,if=none -device scsi-hd,drive=hd0" },
  { { "/d i,r/x?y#z%.img", "http", S ("web.example:8080"), .readonly = true },
    { "tcp:web.example:8080", NULL },
    "-drive file.driver=http,file.url=http://web.example:8080/"
    "d%20i%2Cr/x%3Fy%23z%25.img,cache=writeback,snapshot=on,id=hd0,if=none "
    "-device scsi-hd,drive=hd0" },
  { { "/x.img", "https", S ("[2001:db8::1]"), .readonly = true,
      .username = "bob,b", .secret = "pa,ss" }, { "tcp:[2001:db8::1]:443", NULL },
    "-object secret,id=sec-hd0,file=T/secret-hd0,format=raw "
    "-drive file.driver=https,file.url=https://[2001:db8::1]:443/x.img,"
    "file.username=bob,,b,file.password-secret=sec-hd0,cache=writeback,"
    "snapshot=on,id=hd0,if=none -device scsi-hd,drive=hd0" },
  { { "/x.img", "ftp", S ("f"), .readonly = true }, { "tcp:f:21", NULL },
    "-drive file.driver=ftp,file.url=ftp://f:21/x.img,cache=writeback,"
    "snapshot=on,id=hd0,if=none -device scsi-hd,drive=hd0" },
  { { "/x.img", "ftps", S ("f:2990"), .readonly = true }, { "tcp:f:2990", NULL },
    "-drive file.driver=ftps,file.url=ftps://f:2990/x.img,cache=writeback,"
    "snapshot=on,id=hd0,if=none -device scsi-hd,drive=hd0" },
  { { "/home/me/a,b.img", "ssh", S ("tcp:ssh.example"), .username = "me" },
    { "tcp:ssh.example:22", NULL },
    "-drive file.driver=ssh,file.server.host=ssh.example,file.server.port=22,"
    "file.path=/home/me/a,,b.img,file.user=me,cache=writeback,id=hd0,"
    "if=none -device scsi-hd,drive=hd0" },
  { { "iqn.2024-01.org.example:disk/3", "iscsi", S ("10.0.0.1:3261"),
      .username = "alice", .secret = "s" }, { "tcp:10.0.0.1:3261", NULL },
    "-object secret,id=sec-hd0,file=T/secret-hd0,format=raw "
    "-drive file.driver=iscsi,file.transport=tcp,file.portal=10.0.0.1:3261,"
    "file.target=iqn.2024-01.org.example:disk,file.lun=3,file.user=alice,"
    "file.password-secret=sec-hd0,cache=writeback,id=hd0,if=none "
    "-device scsi-hd,drive=hd0" },
  { { "iqn.x:y/0", "iscsi", S ("[::1]") }, { "tcp:[::1]:3260", NULL },
    "-drive file.driver=iscsi,file.transport=tcp,file.portal=[::1]:3260,"
    "file.target=iqn.x:y,file.lun=0,cache=writeback,id=hd0,if=none "
    "-device scsi-hd,drive=hd0" },
  { { "pool/img", "rbd", S ("mon1", "mon2:6790"), .username = "admin",
      .secret = "AQAAAAAAAAAAABAA8tFrSvzb/WuQp9VY5PZkZw==" },
    { "tcp:mon1:6789", "tcp:mon2:6790", NULL },
    "-object secret,id=sec-hd0,file=T/secret-hd0,format=base64 "
    "-drive file.driver=rbd,file.pool=pool,file.image=img,"
    "file.server.0.host=mon1,file.server.0.port=6789,file.server.1.host=mon2,"
    "file.server.1.port=6790,file.user=admin,file.key-secret=sec-hd0,"
    "file.auth-client-required.0=cephx,cache=writeback,id=hd0,if=none "
    "-device scsi-hd,drive=hd0" },
  { { "pool/img", "rbd", .server_given = false }, { NULL },
    "-drive file.driver=rbd,file.pool=pool,file.image=img,cache=writeback,"
    "id=hd0,if=none -device scsi-hd,drive=hd0" },
  { { "vol/dir/img", "gluster", S ("unix:/run/glusterd.sock") },
    { "unix:/run/glusterd.sock", NULL },
    "-drive file.driver=gluster,file.volume=vol,file.path=dir/img,"
    "file.server.0.type=unix,file.server.0.path=/run/glusterd.sock,"
    "cache=writeback,id=hd0,if=none -device scsi-hd,drive=hd0" },
  { { "vol/img", "gluster", S ("gl.example") }, { "tcp:gl.example:24007", NULL },
    "-drive file.driver=gluster,file.volume=vol,file.path=img,"
    "file.server.0.type=inet,file.server.0.host=gl.example,"
    "file.server.0.port=24007,cache=writeback,id=hd0,if=none "
    "-device scsi-hd,drive=hd0" },
};

/* drive_args with the handle's private directory written T. */
static char *
args_with_tmpdir (void)
{
  char **argv = qdrive_get_qemu_command_line (g);
  char *args = drive_args (g), *tmpdir = NULL, *p, *out;
  size_t i, len;
  FILE *f;

  ck_assert_ptr_nonnull (argv);
  for (i = 0; argv[i]; ++i)
    if ((p = strstr (argv[i], "path=")) && strstr (p, "/qmp.sock"))
      tmpdir = strndup (p + 5, strstr (p, "/qmp.sock") - p - 5);
  ck_assert_ptr_nonnull (tmpdir);
  f = open_memstream (&out, &len);
  for (p = args; *p; ) {
    if (strncmp (p, tmpdir, strlen (tmpdir)) == 0) {
      putc ('T', f);
      p += strlen (tmpdir);
    }
    else
      putc (*p++, f);
  }
  fclose (f);
  free (args);
  free (tmpdir);
  qdrive_free_string_list (argv);
  return out;
}

START_TEST (test_accepted)
{
  const struct accepted *a = &accepted[_i];
  struct qdrive_drive_list *l;
  char *args;
  size_t i;

  ck_assert_msg (add (&a->c) == 0, "%s", qdrive_last_error (g));
  l = qdrive_list_drives (g);
  ck_assert_ptr_nonnull (l);
  ck_assert_uint_eq (l->len, 1);
  ck_assert_str_eq (l->val[0].protocol, a->c.protocol);
  ck_assert_str_eq (l->val[0].filename, a->c.filename);
  for (i = 0; a->server[i] != NULL; ++i) {
    ck_assert_ptr_nonnull (l->val[0].server[i]);
    ck_assert_str_eq (l->val[0].server[i], a->server[i]);
  }
  ck_assert_ptr_null (l->val[0].server[i]);
  ck_assert_str_eq (l->val[0].username, a->c.username ? a->c.username : "");
  qdrive_free_drive_list (l);
  args = args_with_tmpdir ();
  ck_assert_str_eq (args, a->args);
  free (args);
}
END_TEST

/* A local file reports protocol "file" and no server. */
START_TEST (test_file_protocol)
{
  struct qdrive_drive_list *l;
  char file[] = "/tmp/qdrive-test-file.XXXXXX";
  int fd = mkstemp (file);

  ck_assert_int_ge (fd, 0);
  close (fd);
  ck_assert_int_eq (qdrive_add_drive_opts (g, file,
                                           QDRIVE_ADD_DRIVE_OPTS_PROTOCOL,
                                           "file", -1), 0);
  unlink (file);
  l = qdrive_list_drives (g);
  ck_assert_str_eq (l->val[0].protocol, "file");
  ck_assert_ptr_nonnull (l->val[0].server);
  ck_assert_ptr_null (l->val[0].server[0]);
  ck_assert_str_eq (l->val[0].username, "");
  qdrive_free_drive_list (l);
}
END_TEST

/* The secret is in no trace line, no error message, no list_drives
 * field and no argument of the command line. */
START_TEST (test_secret_hidden)
{
  static const char secret[] = "Sup3r-S3cret-Value";
  char *buf = NULL, **argv;
  size_t len, i, j;
  FILE *mem;
  int saved, fds[2];
  struct qdrive_drive_list *l;
  ssize_t n;
  char trace[8192];

  /* Tracing goes to stderr: catch it in a pipe. */
  ck_assert_int_eq (pipe (fds), 0);
  fflush (stderr);
  saved = dup (2);
  dup2 (fds[1], 2);
  qdrive_set_trace (g, 1);
  ck_assert_int_eq (qdrive_add_drive_opts (g, "/x", QDRIVE_ADD_DRIVE_OPTS_PROTOCOL,
                                           "https", QDRIVE_ADD_DRIVE_OPTS_SERVER,
                                           (char *[]) { "h", NULL },
                                           QDRIVE_ADD_DRIVE_OPTS_READONLY, 1,
                                           QDRIVE_ADD_DRIVE_OPTS_USERNAME, "u",
                                           QDRIVE_ADD_DRIVE_OPTS_SECRET, secret,
                                           -1), 0);
  /* Refused with the secret given: the error does not show it. */
  ck_assert_int_eq (qdrive_add_drive_opts (g, "p/i", QDRIVE_ADD_DRIVE_OPTS_PROTOCOL,
                                           "rbd", QDRIVE_ADD_DRIVE_OPTS_SECRET,
                                           secret, -1), -1);
  ck_assert_ptr_null (strstr (qdrive_last_error (g), secret));
  qdrive_set_trace (g, 0);
  fflush (stderr);
  dup2 (saved, 2);
  close (saved);
  close (fds[1]);
  n = read (fds[0], trace, sizeof trace - 1);
  close (fds[0]);
  ck_assert_int_gt (n, 0);
  trace[n] = '\0';
  ck_assert_msg (strstr (trace, "\"secret:<hidden>\"") != NULL, "%s", trace);
  ck_assert_msg (strstr (trace, secret) == NULL, "%s", trace);

  l = qdrive_list_drives (g);
  mem = open_memstream (&buf, &len);
  for (i = 0; i < l->len; ++i) {
    fprintf (mem, "%s %s %s %s", l->val[i].filename, l->val[i].username,
             l->val[i].protocol, l->val[i].name);
    for (j = 0; l->val[i].server[j] != NULL; ++j)
      fprintf (mem, " %s", l->val[i].server[j]);
    putc ('\n', mem);
  }
  fclose (mem);
  ck_assert_ptr_null (strstr (buf, secret));
  free (buf);
  qdrive_free_drive_list (l);

  argv = qdrive_get_qemu_command_line (g);
  for (i = 0; argv[i]; ++i)
    ck_assert_msg (strstr (argv[i], secret) == NULL, "%s", argv[i]);
  qdrive_free_string_list (argv);
}
END_TEST

static Suite *
netdrives_suite (void)
{
  Suite *s = suite_create ("netdrives");
  TCase *tc = tcase_create ("netdrives");

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_loop_test (tc, test_refused, 0,
                       sizeof refused / sizeof refused[0]);
  tcase_add_test (tc, test_long_export);
  tcase_add_loop_test (tc, test_accepted, 0,
                       sizeof accepted / sizeof accepted[0]);
  tcase_add_test (tc, test_file_protocol);
  tcase_add_test (tc, test_secret_hidden);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return run_suite (netdrives_suite ());
}
