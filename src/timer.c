/* SPDX-License-Identifier: MIT
 *
 * timer: a CLOCK_REALTIME timerfd in the GLib main loop (see the header).
 */
#define G_LOG_DOMAIN "prospectd-timer"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/timerfd.h>
#include <glib-unix.h>

#include "prospectd/timer.h"

G_DEFINE_QUARK (pd-timer-error-quark, pd_timer_error)

struct _PdTimer {
  int fd;
  guint source_id;
  gint64 armed_at;
  PdTimerFunc func;
  gpointer user_data;
};

static gboolean
on_readable (int fd, GIOCondition condition, gpointer data)
{
  PdTimer *timer = data;
  guint64 expirations;
  ssize_t n;
  PdTimerEvent event;

  (void) condition;
  n = read (fd, &expirations, sizeof expirations);
  if (n < 0 && errno == EAGAIN)
    return G_SOURCE_CONTINUE; /* spurious wake-up */
  /* ECANCELED: the clock was set while the timer was armed. Any other
   * failure is treated the same way: re-planning re-arms the timer. */
  event = n == (ssize_t) sizeof expirations ? PD_TIMER_EXPIRED : PD_TIMER_CLOCK_CHANGED;
  pd_timer_disarm (timer);
  timer->func (timer, event, timer->user_data);
  return G_SOURCE_CONTINUE;
}

PdTimer *
pd_timer_new (PdTimerFunc func, gpointer user_data, GError **error)
{
  PdTimer *timer;
  int fd = timerfd_create (CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, PD_TIMER_ERROR, PD_TIMER_ERROR_FAILED, "timerfd_create: %s", g_strerror (saved));
      return NULL;
    }
  timer = g_new0 (PdTimer, 1);
  timer->fd = fd;
  timer->func = func;
  timer->user_data = user_data;
  timer->source_id = g_unix_fd_add (fd, G_IO_IN, on_readable, timer);
  return timer;
}

gboolean
pd_timer_arm (PdTimer *timer, gint64 at_usec, GError **error)
{
  struct itimerspec spec = { 0 };

  /* 0 would disarm: an instant at or before the epoch fires at once. */
  if (at_usec < 1)
    at_usec = 1;
  spec.it_value.tv_sec = (time_t) (at_usec / G_USEC_PER_SEC);
  spec.it_value.tv_nsec = (long) (at_usec % G_USEC_PER_SEC) * 1000;
  if (timerfd_settime (timer->fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec, NULL) < 0)
    {
      int saved = errno;
      g_set_error (error, PD_TIMER_ERROR, PD_TIMER_ERROR_FAILED, "timerfd_settime: %s", g_strerror (saved));
      return FALSE;
    }
  timer->armed_at = at_usec;
  return TRUE;
}

void
pd_timer_disarm (PdTimer *timer)
{
  struct itimerspec spec = { 0 };

  timerfd_settime (timer->fd, TFD_TIMER_ABSTIME, &spec, NULL);
  timer->armed_at = 0;
}

gint64
pd_timer_armed_at (const PdTimer *timer)
{
  return timer->armed_at;
}

void
pd_timer_free (PdTimer *timer)
{
  if (timer == NULL)
    return;
  if (timer->source_id != 0)
    g_source_remove (timer->source_id);
  close (timer->fd);
  g_free (timer);
}
