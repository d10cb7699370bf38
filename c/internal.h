/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdrive: the library's internal interface, shared by the hand-written
 * implementation files and the generated wrappers (actions.c). */

#ifndef QDRIVE_INTERNAL_H
#define QDRIVE_INTERNAL_H

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "qdrive.h"
#include "actions.h"
#include "enums.h"

/* Limits of what one controller can hold, checked by add_drive.
 * virtio-scsi addresses 256 targets with 16,384 LUNs each.  Each
 * virtio-blk disk takes a PCI slot: 32 on the bus, less the host
 * bridge, the PIIX3 and the virtio-scsi controller.  The PC's IDE
 * controller has two buses of two units. */
#define QDRIVE_SCSI_TARGETS 256
#define QDRIVE_SCSI_LUNS 16384
#define QDRIVE_MAX_SCSI_DRIVES (QDRIVE_SCSI_TARGETS * QDRIVE_SCSI_LUNS)
#define QDRIVE_MAX_VIRTIO_DRIVES 29
#define QDRIVE_MAX_IDE_DRIVES 4

#define QDRIVE_LABEL_MAX 20

/* One server of a network drive (netdrive.c). */
struct drive_server {
  char *host;                   /* host name, IPv6 address without
                                 * brackets, or socket path */
  uint16_t port;                /* the protocol's default filled in */
  bool is_unix;
};

/* What makes a drive a network drive: NULL for a local file. */
struct drive_net {
  uint8_t protocol;             /* QDRIVE_INT_PROTOCOL_*, never FILE */
  struct drive_server *servers;
  size_t nservers;
  char *username;               /* NULL: none */
  char *secret;                 /* NULL: none; never shown anywhere */
  unsigned char secret_uuid[16]; /* the libvirt secret's, if secret */
};

/* One drive, as add_drive accepted it.  Kept small: a handle may hold
 * a hundred thousand of them. */
struct drive {
  char *filename;               /* absolute; for a network drive the
                                 * name on the server */
  struct drive_net *net;        /* NULL: a local file */
  const char *format;           /* interned in g->formats; NULL: probe */
  char *label;                  /* NULL: none */
  char *name;                   /* NULL: none */
  uint16_t blocksize;           /* 0: qemu's default */
  uint8_t iface;                /* QDRIVE_INT_IFACE_* */
  uint8_t cachemode;            /* QDRIVE_INT_CACHEMODE_* */
  uint8_t discard;              /* QDRIVE_INT_DISCARD_* */
  bool readonly;
  bool copyonread;
  bool scratch;                 /* made by add_drive_scratch */
};

/* CONFIG: being described.  LAUNCHED: running.  DONE: shut down; it
 * cannot be launched again. */
enum handle_state { STATE_CONFIG, STATE_LAUNCHED, STATE_DONE };

struct error_record;            /* errors.c */
struct error_handler;           /* errors.c */
struct event_handler;           /* events.c */
struct backend_ops;             /* backends */
struct drive_files;             /* config-params.c: whether config may pass param (and value, NULL
 * for none) to qemu; the error is set if not. */
extern int qdrive_int_check_config (qdrive_h *g, const char *param,
                                    const char *value);

/* drive-files.c */

struct qdrive_h {
  /* Held by every call for its whole duration (see actions.c). */
  pthread_mutex_t lock;

  /* Errors: see errors.c.  Guarded by error_lock, not lock, because
   * errors are set while lock is held. */
  pthread_mutex_t error_lock;
  struct error_record *errors;
  struct error_handler *handlers; /* top of the stack is current */

  int trace;                    /* read without the lock: atomic access */
  int verbose;

  /* Event callbacks: events.c's alone; slot i is event handle i. */
  struct event_handler *events;
  size_t nevents;
  uint64_t event_mask;          /* every event some callback is for */

  char *hv;
  int memsize;
  int smp;
  int accel;                    /* QDRIVE_INT_ACCEL_* */
  char *backend;                /* "direct", "libvirt", "libvirt:URI" */

  char **config;                /* extra qemu arguments, NULL-terminated */
  size_t nconfig;

  /* The drives: drives.c's alone. */
  struct drive *drives;
  size_t ndrives, drives_alloc;
  size_t count_by_iface[QDRIVE_INT_IFACE_COUNT];
  char **formats;               /* distinct format strings */
  size_t nformats;
  struct drive_files *files;    /* drive-files.c: the local drives' files */

  char *tmpdir;                 /* created on first use, removed at close */
  size_t nscratch;

  int launch_timeout;            /* seconds */

  int cancel_fd;                /* eventfd: qdrive_user_cancel (cancel.c) */

  int guest;                    /* QDRIVE_INT_GUEST_* */
  char *kernel;                 /* the appliance's kernel; "": find one */
  char *cachedir;               /* where the appliance is cached */

  uint64_t libvirt_serial;      /* libvirt-xml.c: names the domain; 0
                                 * until first needed */

  /* calls.c */
  pid_t owner;                  /* the process that created it */
  unsigned calls;               /* calls in progress (atomic) */
  int closing;                  /* qdrive_close has begun (atomic) */
  qdrive_h *next, *prev;        /* handles.c: every handle of the process */

  enum handle_state state;
  const struct backend_ops *ops;  /* while launched */
  void *backend_data;             /* the backend's own state */
};

/* errors.c */
extern void qdrive_int_enter (qdrive_h *g, const char *call);
/* The call this thread is in, which errors are reported for. */
extern const char *qdrive_int_current_call (void);
extern void qdrive_int_error (qdrive_h *g, int errnum, const char *fs, ...)
  __attribute__((format (printf, 3, 4)));
/* Error with strerror (errno) appended, and that errno recorded. */
extern void qdrive_int_perror (qdrive_h *g, const char *fs, ...)
  __attribute__((format (printf, 2, 3)));
extern int qdrive_int_init_errors (qdrive_h *g);
/* settings.c: what the integer settings' generated set_ calls do. */
extern int qdrive_int_set_in_range (qdrive_h *g, const char *arg, int value,
                                    int min, int max, const char *unit,
                                    int *field);
/* This thread's last error on g, inside a call: its errno (0: none)
 * and, if msg is not NULL, its message (valid until the next error). */
extern int qdrive_int_last_error (qdrive_h *g, const char **msg);
/* While muted, this thread's errors are recorded but not passed to the
 * error handler: for clean-up whose failure is not the call's error. */
extern void qdrive_int_mute_errors (bool mute);
/* qdrive_create's error ("create: " is put in front) and its success,
 * for qdrive_last_error (NULL). */
extern void qdrive_int_create_error (int errnum, const char *fs, ...)
  __attribute__((format (printf, 2, 3)));
extern void qdrive_int_create_ok (void);
extern void qdrive_int_free_errors (qdrive_h *g);
#define set_error(g, ...) qdrive_int_error ((g), EINVAL, __VA_ARGS__)
#define set_perror(g, ...) qdrive_int_perror ((g), __VA_ARGS__)

/* error-text.c: a message built in a buffer: p starts as the caller's
 * (heap false, size bytes) and moves to the heap when it fills up. */
struct qdrive_int_text {
  char *p;
  size_t len, size;
  bool heap;
};
extern void qdrive_int_text_add (struct qdrive_int_text *t, const char *s,
                                 size_t n);
/* printf's format and arguments, each string argument with its
 * control characters escaped (\n, \t, \xNN): see error-text.c. */
extern void qdrive_int_text_vformat (struct qdrive_int_text *t,
                                     const char *fs, va_list args)
  __attribute__((format (printf, 2, 0)));

/* calls.c: calls in progress, and the owning process (see there). */
/* Makes a new handle this process's. */
extern void qdrive_int_own (qdrive_h *g);
/* Whether this process created g (not a child made by fork). */
extern bool qdrive_int_owned (qdrive_h *g);
/* Counts a call in progress on g: -1 if g is being closed (then
 * nothing is counted, and g must not be touched). */
extern int qdrive_int_hold (qdrive_h *g);
extern void qdrive_int_release (qdrive_h *g);
/* For qdrive_close: marks g closing, and waits for the calls in
 * progress. */
extern void qdrive_int_retire (qdrive_h *g);

/* handles.c */
/* What each generated call does first and last: hold, name the call
 * for its errors, and refuse (error set, -1) a handle this process did
 * not create. */
extern int qdrive_int_begin (qdrive_h *g, const char *call);
extern void qdrive_int_end (qdrive_h *g);
/* Puts a new handle on the process's list of handles, which exit
 * closes; qdrive_close takes it off. */
extern void qdrive_int_register (qdrive_h *g);
extern void qdrive_int_unregister (qdrive_h *g);

/* handle.c */
/* Takes the handle for a call.  -1, with the error set (EDEADLK), if
 * this thread is delivering an event of the handle: the call that it
 * comes from holds the handle (see events.c). */
extern int qdrive_int_lock (qdrive_h *g);
extern void qdrive_int_unlock (qdrive_h *g);
#define QDRIVE_INT_ANY_STATE 0
#define QDRIVE_INT_CONFIG_ONLY 1
#define QDRIVE_INT_LAUNCHED_ONLY 2
extern int qdrive_int_check_state (qdrive_h *g, int need);

/* tmpdir.c: the handle's private temporary directory. */
extern const char *qdrive_int_tmpdir (qdrive_h *g);
/* Removes it, in the process that owns g; forgets it in any other. */
extern void qdrive_int_remove_tmpdir (qdrive_h *g);

/* trace.c */
extern int qdrive_int_tracing (qdrive_h *g);
extern FILE *qdrive_int_trace_open (qdrive_h *g, const char *call);
extern void qdrive_int_trace_close (qdrive_h *g, FILE *tr);
extern void qdrive_int_trace_string (FILE *tr, const char *s);
extern void qdrive_int_trace_string_list (FILE *tr, char *const *l);
extern void qdrive_int_trace_bool (FILE *tr, int b);
extern void qdrive_int_trace_int64 (FILE *tr, int64_t i);
extern void qdrive_int_trace_flags (FILE *tr, uint64_t v,
                                    const char *const *names);
extern void qdrive_int_trace_callback (FILE *tr, int given);
extern void qdrive_int_trace_opt_flags (FILE *tr, const char *name, uint64_t v,
                                        const char *const *names);
extern void qdrive_int_trace_opt_string (FILE *tr, const char *name, const char *s);
extern void qdrive_int_trace_opt_secret (FILE *tr, const char *name, const char *s);
extern void qdrive_int_trace_opt_string_list (FILE *tr, const char *name, char *const *l);
extern void qdrive_int_trace_opt_bool (FILE *tr, const char *name, int b);
extern void qdrive_int_trace_opt_int64 (FILE *tr, const char *name, int64_t i);
extern void qdrive_int_trace_ret_int (qdrive_h *g, const char *call, int r);
extern void qdrive_int_trace_ret_bool (qdrive_h *g, const char *call, int r);
extern void qdrive_int_trace_ret_int64 (qdrive_h *g, const char *call, int64_t r);
extern void qdrive_int_trace_ret_string (qdrive_h *g, const char *call, const char *r);
extern void qdrive_int_trace_ret_string_list (qdrive_h *g, const char *call, char **r);
extern void qdrive_int_trace_ret_struct (qdrive_h *g, const char *call, int ok);
extern void qdrive_int_trace_ret_struct_list (qdrive_h *g, const char *call, long len);
/* Writes s as a C string literal (quotes, escapes): trace and echo. */
extern void qdrive_int_fput_quoted (FILE *f, const char *s);
extern void qdrive_int_fput_string_list (FILE *f, char *const *l);

/* utf8.c */
/* A file name qemu reported for drive id (hdN): the drive's own name
 * if qemu's is that name with its non-UTF-8 bytes replaced by U+FFFD,
 * else name itself. */
extern const char *qdrive_int_name_from_qemu (qdrive_h *g, const char *id,
                                              const char *name);

/* cancel.c: qdrive_user_cancel's requests.  A cancellable wait polls
 * qdrive_int_cancel_fd (readable while a request is pending) and, when
 * it wakes, calls qdrive_int_cancelled: true (and the error "cancelled",
 * errno ECANCELED, set) if there was a request, which is then used up.
 * qdrive_int_cancel_clear drops a pending request. */
extern int qdrive_int_cancel_init (qdrive_h *g);
extern void qdrive_int_cancel_free (qdrive_h *g);
extern int qdrive_int_cancel_fd (qdrive_h *g);
extern bool qdrive_int_cancelled (qdrive_h *g);
extern void qdrive_int_cancel_clear (qdrive_h *g);

/* events.c: delivering events, with the handle held by the call they
 * come from.  qdrive_int_verbose: a message of the library's, while
 * verbose (to the "library" callbacks, or stderr); qemu_line: a line
 * qemu wrote; progress: launch's step of steps. */
extern bool qdrive_int_in_callback (qdrive_h *g);
extern bool qdrive_int_has_callback (qdrive_h *g, uint64_t event);
/* At exit: no callback is called any more (the program's runtime, a
 * language's interpreter say, may be gone); what they were for goes
 * where it goes without them.  They stay, for qdrive_close to free. */
extern void qdrive_int_mute_events (qdrive_h *g);
extern void qdrive_int_event (qdrive_h *g, uint64_t event, const char *message,
                              const int64_t *array, size_t array_len);
/* The event to its callbacks, or if it has none the message on stderr
 * after prefix. */
extern void qdrive_int_event_or_stderr (qdrive_h *g, uint64_t event,
                                       const char *message, const char *prefix);
extern void qdrive_int_verbose (qdrive_h *g, const char *fs, ...)
  __attribute__((format (printf, 2, 3)));
extern void qdrive_int_qemu_line (qdrive_h *g, const char *line);
extern void qdrive_int_progress (qdrive_h *g, int step, int steps,
                                 const char *what);
extern void qdrive_int_free_events (qdrive_h *g);

/* launch.c */
extern void qdrive_int_shutdown_if_launched (qdrive_h *g);
/* The libvirt URI the backend setting names ("libvirt:URI"), or NULL
 * ("direct", or "libvirt": libvirt's default).  Inline: the libvirt
 * backend's files use it, and launch.c uses them. */
static inline const char *
qdrive_int_backend_uri (qdrive_h *g)
{
  return strncmp (g->backend, "libvirt:", 8) == 0 ? g->backend + 8 : NULL;
}
/* Whether the drives' files are on the host of a libvirt daemon that
 * may be another (the backend's URI is remote): then add_drive leaves
 * checking them to that host, at launch. */
extern bool qdrive_int_files_are_remote (qdrive_h *g);
/* In a process that does not own g: drops the backend's state without
 * touching the machine. */
extern void qdrive_int_forget_if_launched (qdrive_h *g);

/* drives.c: frees the drives and what they share (formats). */
extern void qdrive_int_free_drives (qdrive_h *g);

/* drive-files.c */
struct stat;
/* Whether path is a file qemu can use as a disk (a regular file or a
 * block device, following symbolic links); fills *st.  The error
 * starts with what ("filename", "drive hd3"). */
extern int qdrive_int_check_disk_file (qdrive_h *g, const char *what,
                                       const char *path, struct stat *st);
/* Whether a drive on that file (as stat'ed) may be added beside the
 * drives already there: no file is shared unless every drive on it is
 * readonly.  Then qdrive_int_note_drive_file records the drive, which
 * cannot fail once this has succeeded. */
extern int qdrive_int_check_shared_file (qdrive_h *g, const char *path,
                                         const struct stat *st, bool readonly);
extern void qdrive_int_note_drive_file (qdrive_h *g, const struct stat *st,
                                        size_t index, bool readonly);
extern void qdrive_int_free_drive_files (qdrive_h *g);

/* What add_drive and add_drive_scratch were asked for, before it is
 * checked.  Strings are borrowed from the caller. */
struct drive_request {
  const char *filename;
  const char *format;
  const char *label;
  const char *name;
  char *const *server;          /* NULL: none given */
  const char *username;
  const char *secret;
  int blocksize;
  int iface, cachemode, discard, protocol;
  bool readonly, copyonread;
};

/* netdrive.c */
/* Checks the network part of the request (everything for protocol
 * "file" but the file itself); *net is NULL for a local file. */
extern int qdrive_int_check_net (qdrive_h *g, const struct drive_request *rq,
                                 struct drive_net **net);
extern void qdrive_int_free_net (struct drive_net *net);
/* The servers as list_drives reports them, in the order given: a
 * malloc'd NULL-terminated list (just the NULL for none or for a local
 * file), NULL if out of memory. */
extern char **qdrive_int_net_servers (const struct drive_net *net);
/* "nbd server unix:/s, \"export\"", for errors (malloc'd). */
extern char *qdrive_int_net_describe (const struct drive *d);
/* The direct backend's secret files, tmpdir/secret-hdN. */
extern int qdrive_int_write_secrets (qdrive_h *g, const char *tmpdir);
extern void qdrive_int_remove_secrets (qdrive_h *g, const char *tmpdir);

#endif /* QDRIVE_INTERNAL_H */
