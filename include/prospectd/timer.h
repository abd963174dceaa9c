/* SPDX-License-Identifier: MIT
 *
 * timer: one wall-clock alarm in the GLib main loop.
 *
 * A timerfd on CLOCK_REALTIME armed at an absolute instant
 * (TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET), watched with
 * g_unix_fd_add(). Unlike g_timeout_add() (CLOCK_MONOTONIC, which stops
 * during suspend) it fires at the wall-clock instant after a resume, and
 * when the system clock is set while it is armed it reports that at once
 * (read() fails with ECANCELED) so that the caller re-plans. Between two
 * firings the process makes no system call for it.
 */
#pragma once

#include <glib.h>

#define PD_TIMER_ERROR (pd_timer_error_quark ())
GQuark pd_timer_error_quark (void);

typedef enum {
  PD_TIMER_ERROR_FAILED, /* a timerfd call failed; the message says which and why */
} PdTimerError;

typedef enum {
  PD_TIMER_EXPIRED,       /* the armed instant was reached */
  PD_TIMER_CLOCK_CHANGED, /* the wall clock was set: re-plan */
} PdTimerEvent;

typedef struct _PdTimer PdTimer;

/* Called from the main loop; the timer is disarmed when this runs. */
typedef void (*PdTimerFunc) (PdTimer *timer, PdTimerEvent event, gpointer user_data);

/* A new, disarmed timer attached to the thread-default main context.
 * Returns NULL with error set when timerfd_create() fails. */
PdTimer *pd_timer_new (PdTimerFunc func, gpointer user_data, GError **error);

/* Arms the timer at `at_usec` (Unix microseconds, wall clock), replacing
 * any earlier instant; an instant in the past fires at once. */
gboolean pd_timer_arm (PdTimer *timer, gint64 at_usec, GError **error);

/* Disarms the timer (nothing will fire). */
void pd_timer_disarm (PdTimer *timer);

/* The instant armed, or 0 when disarmed. */
gint64 pd_timer_armed_at (const PdTimer *timer);

/* Removes the watch, closes the fd, frees. Accepts NULL. */
void pd_timer_free (PdTimer *timer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdTimer, pd_timer_free)
