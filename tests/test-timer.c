/* SPDX-License-Identifier: MIT
 *
 * Tests of the wall-clock timer in a real GLib main loop: it fires at its
 * instant (never before), at once for an instant in the past, not at all
 * once disarmed, and re-arming replaces the instant. (A clock change,
 * ECANCELED, needs CAP_SYS_TIME and is not tested here.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "prospectd/timer.h"

typedef struct {
  GMainLoop *loop;
  guint fired;
  PdTimerEvent event;
  gint64 fired_at;
} Context;

static void
on_fire (PdTimer *timer, PdTimerEvent event, gpointer user_data)
{
  Context *c = user_data;

  c->fired++;
  c->event = event;
  c->fired_at = g_get_real_time ();
  assert_int_equal (pd_timer_armed_at (timer), 0);
  g_main_loop_quit (c->loop);
}

static gboolean
give_up (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

/* Runs the loop until the timer fires or `limit_ms` pass. */
static void
run_for (Context *c, guint limit_ms)
{
  guint id = g_timeout_add (limit_ms, give_up, c->loop);
  g_main_loop_run (c->loop);
  if (c->fired == 0)
    return;
  g_source_remove (id);
}

static void
test_fires_at_instant (void **state)
{
  Context c = { g_main_loop_new (NULL, FALSE), 0, 0, 0 };
  g_autoptr (GError) error = NULL;
  PdTimer *timer = pd_timer_new (on_fire, &c, &error);
  gint64 at = g_get_real_time () + 80 * 1000;

  (void) state;
  assert_non_null (timer);
  assert_true (pd_timer_arm (timer, at, &error));
  assert_int_equal (pd_timer_armed_at (timer), at);
  run_for (&c, 2000);
  assert_int_equal (c.fired, 1);
  assert_int_equal (c.event, PD_TIMER_EXPIRED);
  assert_true (c.fired_at >= at);
  pd_timer_free (timer);
  g_main_loop_unref (c.loop);
}

static void
test_past_instant_fires_at_once (void **state)
{
  Context c = { g_main_loop_new (NULL, FALSE), 0, 0, 0 };
  g_autoptr (GError) error = NULL;
  PdTimer *timer = pd_timer_new (on_fire, &c, &error);

  (void) state;
  assert_true (pd_timer_arm (timer, g_get_real_time () - G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC, &error));
  run_for (&c, 2000);
  assert_int_equal (c.fired, 1);
  assert_int_equal (c.event, PD_TIMER_EXPIRED);
  pd_timer_free (timer);
  g_main_loop_unref (c.loop);
}

static void
test_disarm_and_rearm (void **state)
{
  Context c = { g_main_loop_new (NULL, FALSE), 0, 0, 0 };
  g_autoptr (GError) error = NULL;
  PdTimer *timer = pd_timer_new (on_fire, &c, &error);
  gint64 later;

  (void) state;
  assert_true (pd_timer_arm (timer, g_get_real_time () + 30 * 1000, &error));
  pd_timer_disarm (timer);
  assert_int_equal (pd_timer_armed_at (timer), 0);
  run_for (&c, 200);
  assert_int_equal (c.fired, 0);

  /* Re-arming replaces the instant: the earlier one never fires. */
  assert_true (pd_timer_arm (timer, g_get_real_time () + 20 * 1000, &error));
  later = g_get_real_time () + 150 * 1000;
  assert_true (pd_timer_arm (timer, later, &error));
  run_for (&c, 2000);
  assert_int_equal (c.fired, 1);
  assert_true (c.fired_at >= later);
  pd_timer_free (timer);
  pd_timer_free (NULL);
  g_main_loop_unref (c.loop);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_fires_at_instant),
    cmocka_unit_test (test_past_instant_fires_at_once),
    cmocka_unit_test (test_disarm_and_rearm),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
