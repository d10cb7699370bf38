/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdrive C tests: events (set_event_callback, delete_event_callback).
 *
 * What each event class carries, that a class with a callback no
 * longer reaches stderr (and does again once deleted), the order of
 * callbacks and the event handles, free_opaque's one call in every
 * case, calls from a callback (refused on the same handle, with
 * EDEADLK and nothing changed; working on another, whose error does
 * not become the outer call's), another thread's call waiting for a
 * running callback, and one real launch for the library, qemu and
 * progress events. */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <time.h>

#include "testlib.h"
#include "api-facts.h"

/* What callbacks saw: one line per event, "HANDLE EVENT MESSAGE
 * [A, B]" with the event's name. */
struct seen {
  char *text;
  size_t len;
  FILE *f;
  int freed;                    /* free_opaque calls */
};

static void
seen_init (struct seen *s)
{
  memset (s, 0, sizeof *s);
  s->f = open_memstream (&s->text, &s->len);
  ck_assert_ptr_nonnull (s->f);
}

/* What was seen so far (the buffer is the memstream's). */
static const char *
seen_text (struct seen *s)
{
  fflush (s->f);
  return s->text;
}

static void
seen_free (struct seen *s)
{
  fclose (s->f);
  free (s->text);
}

static void
record (qdrive_h *g, void *opaque, uint64_t event, int event_handle,
        const char *message, const int64_t *array, size_t array_len)
{
  struct seen *s = opaque;
  size_t i;

  (void) g;
  fprintf (s->f, "%d %s %s", event_handle, fact_event_name (event), message);
  if (array_len > 0) {
    fputs (" [", s->f);
    for (i = 0; i < array_len; ++i)
      fprintf (s->f, "%s%" PRIi64, i > 0 ? ", " : "", array[i]);
    putc (']', s->f);
  }
  putc ('\n', s->f);
}

static void
count_free (void *opaque)
{
  ((struct seen *) opaque)->freed++;
}

/* ---- trace, registration, deletion ----------------------------------- */

START_TEST (test_trace_events)
{
  qdrive_h *g = quiet_handle ();
  struct seen s;
  char *err;
  int h;

  seen_init (&s);
  h = qdrive_set_event_callback (g, record, &s, count_free, QDRIVE_EVENT_TRACE);
  ck_assert_int_eq (h, 0);
  stderr_capture_begin ();
  ck_assert_int_eq (qdrive_set_trace (g, 1), 0);
  ck_assert_int_eq (qdrive_set_memsize (g, 512), 0);
  ck_assert_int_eq (qdrive_internal_rint (g, "x"), -1);
  ck_assert_int_eq (qdrive_delete_event_callback (g, h), 0);
  ck_assert_int_eq (s.freed, 1);
  /* Without a callback, trace lines go to stderr again. */
  ck_assert_int_eq (qdrive_get_smp (g), 1);
  qdrive_close (g);
  err = stderr_capture_end ();
  ck_assert_str_eq (seen_text (&s),
                    "0 trace set_memsize 512\n"
                    "0 trace set_memsize = 0\n"
                    "0 trace internal_rint \"x\"\n"
                    "0 trace internal_rint = -1 (error)\n"
                    "0 trace delete_event_callback 0\n");
  ck_assert_str_eq (err,
                    "qdrive: trace: delete_event_callback = 0\n"
                    "qdrive: trace: get_smp\n"
                    "qdrive: trace: get_smp = 1\n");
  ck_assert_int_eq (s.freed, 1);
  free (err);
  seen_free (&s);
}
END_TEST

/* Several callbacks: each event to each one registered for it, in the
 * order of registration; handles are the lowest free numbers; close
 * frees what is left. */
START_TEST (test_several_callbacks)
{
  qdrive_h *g = quiet_handle ();
  struct seen s;
  int a, b, c, d;

  seen_init (&s);
  a = qdrive_set_event_callback (g, record, &s, count_free, QDRIVE_EVENT_TRACE);
  b = qdrive_set_event_callback (g, record, &s, NULL, QDRIVE_EVENT_ALL);
  c = qdrive_set_event_callback (g, record, &s, count_free,
                                 QDRIVE_EVENT_LIBRARY | QDRIVE_EVENT_QEMU);
  ck_assert_int_eq (a, 0);
  ck_assert_int_eq (b, 1);
  ck_assert_int_eq (c, 2);
  ck_assert_int_eq (qdrive_delete_event_callback (g, b), 0);
  d = qdrive_set_event_callback (g, record, &s, count_free, QDRIVE_EVENT_TRACE);
  ck_assert_int_eq (d, 1);
  qdrive_set_trace (g, 1);
  qdrive_get_memsize (g);
  ck_assert_str_eq (seen_text (&s),
                    "0 trace get_memsize\n"
                    "1 trace get_memsize\n"
                    "0 trace get_memsize = 256\n"
                    "1 trace get_memsize = 256\n");
  ck_assert_int_eq (s.freed, 0);
  qdrive_close (g);
  ck_assert_int_eq (s.freed, 3);
  seen_free (&s);
}
END_TEST

START_TEST (test_bad_arguments)
{
  qdrive_h *g = quiet_handle ();
  struct seen s;

  seen_init (&s);
  /* A refused registration gives its opaque pointer back at once. */
  ck_assert_int_eq (qdrive_set_event_callback (g, NULL, &s, count_free,
                                               QDRIVE_EVENT_TRACE), -1);
  ck_assert_error (g, "set_event_callback: cb: must not be NULL");
  ck_assert_int_eq (qdrive_last_errno (g), EINVAL);
  ck_assert_int_eq (s.freed, 1);
  ck_assert_int_eq (qdrive_set_event_callback (g, record, &s, count_free, 0), -1);
  ck_assert_error (g, "set_event_callback: events: the set is empty; allowed: "
                   "one or more of library, trace, qemu, progress");
  ck_assert_int_eq (s.freed, 2);
  ck_assert_int_eq (qdrive_set_event_callback (g, record, &s, count_free,
                                               QDRIVE_EVENT_TRACE | (UINT64_C(1) << 40)), -1);
  ck_assert_error (g, "set_event_callback: events: 0x10000000002 has bits "
                   "that are no event; allowed: one or more of library, "
                   "trace, qemu, progress (0xf)");
  ck_assert_int_eq (s.freed, 3);
  ck_assert_int_eq (qdrive_set_event_callback (g, record, &s, NULL, QDRIVE_EVENT_ALL), 0);
  ck_assert_int_eq (qdrive_delete_event_callback (g, 1), -1);
  ck_assert_error (g, "delete_event_callback: event_handle: 1 is not valid; "
                   "allowed: a number set_event_callback returned, for a "
                   "callback not deleted yet");
  ck_assert_int_eq (qdrive_delete_event_callback (g, -1), -1);
  ck_assert_int_eq (qdrive_delete_event_callback (g, 0), 0);
  ck_assert_int_eq (qdrive_delete_event_callback (g, 0), -1);
  ck_assert_int_eq (qdrive_last_errno (g), EINVAL);
  qdrive_close (g);
  ck_assert_int_eq (s.freed, 3);
  seen_free (&s);
}
END_TEST

/* ---- calls from a callback ------------------------------------------- */

struct reenter {
  qdrive_h *other;              /* a second handle */
  struct seen *seen;
  int done;
};

static void
reenter (qdrive_h *g, void *opaque, uint64_t event, int event_handle,
         const char *message, const int64_t *array, size_t array_len)
{
  struct reenter *r = opaque;
  char *s;

  (void) event;
  (void) event_handle;
  (void) array;
  (void) array_len;
  /* Once, at the first trace line of add_drive. */
  if (r->done++ > 0 || strncmp (message, "add_drive ", 10) != 0)
    return;
  ck_assert_int_eq (qdrive_in_event_callback (g), 1);
  ck_assert_int_eq (qdrive_in_event_callback (r->other), 0);
  /* The same handle: refused at once, the handle unchanged. */
  ck_assert_int_eq (qdrive_get_memsize (g), -1);
  ck_assert_error (g, "get_memsize: not allowed in an event callback of the "
                   "same handle: the call the event comes from holds the "
                   "handle");
  ck_assert_int_eq (qdrive_last_errno (g), EDEADLK);
  ck_assert_int_eq (qdrive_set_memsize (g, 1024), -1);
  ck_assert_int_eq (qdrive_delete_event_callback (g, 0), -1);
  ck_assert_int_eq (qdrive_last_errno (g), EDEADLK);
  qdrive_close (g);             /* refused: the handle stays */
  ck_assert_error (g, "close: not allowed in an event callback of the same "
                   "handle: the call the event comes from holds the handle");
  /* Another handle works, its own events included, and its error stays
   * its own. */
  ck_assert_int_eq (qdrive_set_memsize (r->other, 1), -1);
  ck_assert_error (r->other, "set_memsize: memsize: 1 is out of range; "
                   "allowed: 128 to 1048576 (MiB)");
  s = qdrive_get_hv (r->other);
  ck_assert_ptr_nonnull (s);
  free (s);
}

START_TEST (test_calls_from_a_callback)
{
  qdrive_h *g = quiet_handle (), *g2 = quiet_handle ();
  struct seen s;
  struct reenter r = { .other = g2, .seen = &s };

  seen_init (&s);
  ck_assert_int_eq (qdrive_set_event_callback (g, reenter, &r, NULL,
                                               QDRIVE_EVENT_TRACE), 0);
  ck_assert_int_eq (qdrive_set_event_callback (g2, record, &s, NULL,
                                               QDRIVE_EVENT_TRACE), 0);
  qdrive_set_trace (g, 1);
  qdrive_set_trace (g2, 1);
  /* add_drive's own error is add_drive's, after the callback's calls. */
  ck_assert_int_eq (qdrive_add_drive_opts (g, "/nonexistent/x.img",
                                           QDRIVE_ADD_DRIVE_OPTS_CACHEMODE, "fast",
                                           -1), -1);
  ck_assert_error (g, "add_drive: cachemode: \"fast\" is not valid; allowed: "
                   "writeback, unsafe");
  ck_assert_int_eq (r.done, 2);
  ck_assert_str_eq (seen_text (&s),
                    "0 trace set_memsize 1\n"
                    "0 trace set_memsize = -1 (error)\n"
                    "0 trace get_hv\n"
                    "0 trace get_hv = \"qemu-system-x86_64\"\n");
  ck_assert_int_eq (qdrive_in_event_callback (g), 0);
  /* Nothing the callback tried changed the handle. */
  ck_assert_int_eq (qdrive_get_memsize (g), 256);
  ck_assert_int_eq (count_drives (g), 0);
  qdrive_close (g);
  qdrive_close (g2);
  seen_free (&s);
}
END_TEST

/* Another thread's call on the handle waits while a callback runs, and
 * then runs: no deadlock, and the events stay in order. */
struct slow {
  pthread_mutex_t m;
  pthread_cond_t c;
  int in_callback;
  struct seen *seen;
};

static void
slow_record (qdrive_h *g, void *opaque, uint64_t event, int event_handle,
             const char *message, const int64_t *array, size_t array_len)
{
  struct slow *sl = opaque;
  struct timespec ts = { .tv_sec = 0, .tv_nsec = 200 * 1000 * 1000 };

  record (g, sl->seen, event, event_handle, message, array, array_len);
  if (strcmp (message, "get_smp") == 0) {
    pthread_mutex_lock (&sl->m);
    sl->in_callback = 1;
    pthread_cond_signal (&sl->c);
    pthread_mutex_unlock (&sl->m);
    nanosleep (&ts, NULL);
  }
}

static void *
call_get_smp (void *gv)
{
  ck_assert_int_eq (qdrive_get_smp (gv), 1);
  return NULL;
}

static void *
call_set_memsize (void *gv)
{
  ck_assert_int_eq (qdrive_set_memsize (gv, 512), 0);
  return NULL;
}

START_TEST (test_other_thread_waits)
{
  qdrive_h *g = quiet_handle ();
  struct seen s;
  struct slow sl = { .m = PTHREAD_MUTEX_INITIALIZER,
                     .c = PTHREAD_COND_INITIALIZER, .seen = &s };
  pthread_t first, second;

  seen_init (&s);
  qdrive_set_event_callback (g, slow_record, &sl, NULL, QDRIVE_EVENT_TRACE);
  qdrive_set_trace (g, 1);
  /* get_smp's callback sleeps; set_memsize, made meanwhile from another
   * thread, waits for get_smp to end. */
  ck_assert_int_eq (pthread_create (&first, NULL, call_get_smp, g), 0);
  pthread_mutex_lock (&sl.m);
  while (!sl.in_callback)
    pthread_cond_wait (&sl.c, &sl.m);
  pthread_mutex_unlock (&sl.m);
  ck_assert_int_eq (pthread_create (&second, NULL, call_set_memsize, g), 0);
  ck_assert_int_eq (pthread_join (first, NULL), 0);
  ck_assert_int_eq (pthread_join (second, NULL), 0);
  ck_assert_int_eq (qdrive_get_memsize (g), 512);
  ck_assert_str_eq (seen_text (&s),
                    "0 trace get_smp\n"
                    "0 trace get_smp = 1\n"
                    "0 trace set_memsize 512\n"
                    "0 trace set_memsize = 0\n"
                    "0 trace get_memsize\n"
                    "0 trace get_memsize = 512\n");
  qdrive_close (g);
  seen_free (&s);
}
END_TEST

/* ---- one real launch: library, qemu and progress events -------------- */

/* text without its lines that start with prefix (malloc'd). */
static char *
without_lines (const char *text, const char *prefix)
{
  char *r = malloc (strlen (text) + 1), *q = r;
  const char *p = text, *end;
  size_t n = strlen (prefix);

  ck_assert_ptr_nonnull (r);
  for (; *p; p = end) {
    end = strchr (p, '\n');
    end = end ? end + 1 : p + strlen (p);
    if (strncmp (p, prefix, n) != 0) {
      memcpy (q, p, end - p);
      q += end - p;
    }
  }
  *q = '\0';
  return r;
}

START_TEST (test_launch_events)
{
  qdrive_h *g = quiet_handle ();
  struct seen s;
  char *err, *t;

  seen_init (&s);
  qdrive_set_verbose (g, 1);
  qdrive_set_memsize (g, 128);
  ck_assert_msg (qdrive_add_drive_scratch (g, 1024 * 1024, -1) == 0, "%s",
                 qdrive_last_error (g));
  ck_assert_int_eq (qdrive_set_event_callback (g, record, &s, count_free,
                                               QDRIVE_EVENT_LIBRARY |
                                               QDRIVE_EVENT_QEMU |
                                               QDRIVE_EVENT_PROGRESS), 0);
  stderr_capture_begin ();
  if (qdrive_launch (g) == -1) {
    err = stderr_capture_end ();
    ck_abort_msg ("launch: %s (is qemu-system-x86_64 installed? Debian "
                  "package qemu-system-x86)\n%s", qdrive_last_error (g), err);
  }
  ck_assert_int_eq (qdrive_shutdown (g), 0);
  qdrive_close (g);
  err = stderr_capture_end ();
  /* Verbose output went to the callback, none to stderr.  qemu's own
   * lines (warnings about the host's CPU, say) vary with the host. */
  ck_assert_str_eq (err, "");
  t = without_lines (seen_text (&s), "0 qemu ");
  ck_assert_msg (strncmp (t, "0 library running: qemu-system-x86_64 -S ", 41) == 0,
                 "%s", t);
  ck_assert_msg (strstr (t, "\n0 progress starting qemu [1, 4]\n"
                            "0 progress connecting to qemu's QMP socket [2, 4]\n"
                            "0 progress asking qemu for its drives [3, 4]\n"
                            "0 library qemu (pid ") != NULL, "%s", t);
  ck_assert_msg (strstr (t, ") is ready\n0 progress ready [4, 4]\n"
                         "0 library qemu has exited\n") != NULL, "%s", t);
  free (t);
  ck_assert_int_eq (s.freed, 1);
  free (err);
  seen_free (&s);
}
END_TEST

/* qemu's own lines, when it refuses a device: each a "qemu" event, and
 * still in launch's error; only progress 1 (and 2) happened. */
START_TEST (test_qemu_lines)
{
  qdrive_h *g = quiet_handle ();
  struct seen s;
  const char *t;

  seen_init (&s);
  qdrive_set_memsize (g, 128);
  ck_assert_int_eq (qdrive_config (g, "-device", "no-such-device-qdrive"), 0);
  ck_assert_int_eq (qdrive_set_event_callback (g, record, &s, NULL,
                                               QDRIVE_EVENT_QEMU |
                                               QDRIVE_EVENT_PROGRESS), 0);
  ck_assert_int_eq (qdrive_launch (g), -1);
  t = seen_text (&s);
  ck_assert_msg (strncmp (t, "0 progress starting qemu [1, 4]\n", 32) == 0, "%s", t);
  ck_assert_msg (strstr (t, "\n0 qemu qemu-system-x86_64: -device "
                         "no-such-device-qdrive: 'no-such-device-qdrive' is "
                         "not a valid device model name\n") != NULL, "%s", t);
  ck_assert_msg (strstr (qdrive_last_error (g), "'no-such-device-qdrive' is "
                         "not a valid device model name") != NULL,
                 "%s", qdrive_last_error (g));
  ck_assert_msg (strstr (t, "[3, 4]") == NULL, "%s", t);
  qdrive_close (g);
  seen_free (&s);
}
END_TEST

static Suite *
events_suite (void)
{
  Suite *s = suite_create ("events");
  TCase *tc = tcase_create ("events");

  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_trace_events);
  tcase_add_test (tc, test_several_callbacks);
  tcase_add_test (tc, test_bad_arguments);
  tcase_add_test (tc, test_calls_from_a_callback);
  tcase_add_test (tc, test_other_thread_waits);
  tcase_add_test (tc, test_launch_events);
  tcase_add_test (tc, test_qemu_lines);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return run_suite (events_suite ());
}
