/* SPDX-License-Identifier: MIT
 *
 * Tests of the agenda on the example campaign (config/campaigns/example.conf,
 * read from the top directory; Europe/Paris, reminder 10m, daily check
 * 17:30): alice's first blocks are 2027-01-04 09:00-09:16 and 14:00-14:16
 * CET (8 contacts each: her two windows share the day), bob's 09:00-09:16
 * (8). In January 09:00 CET is 08:00Z, so the reminder is due at 07:50Z,
 * alice's afternoon one at 12:50Z, and the daily check is at 16:30Z; after the switch to
 * summer time (2027-03-28) 09:00 CEST is 07:00Z and 17:30 is 15:30Z.
 * Easter Monday (2027-03-29) is a French holiday: no block, no check.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "prospectd/agenda.h"
#include "prospectd/config.h"
#include "prospectd/plan.h"
#include "prospectd/schedule.h"
#include "prospectd/workcal.h"

typedef struct {
  PdCampaign *campaign;
  PdPlan plan;
  PdSchedule *schedule;
  GHashTable *recorded; /* keys, owned */
} Fixture;

static const char *const everyone[] = { "*", NULL };

static int
setup (void **state)
{
  Fixture *f = g_new0 (Fixture, 1);
  g_autoptr (GError) error = NULL;

  f->campaign = pd_config_load_campaign ("config/campaigns/example.conf", &error);
  assert_non_null (f->campaign);
  pd_workcal_prepare (f->campaign);
  assert_true (pd_plan_compute (&f->campaign->plan, &f->plan, &error));
  f->schedule = pd_schedule_build (f->campaign, &f->plan, &error);
  assert_non_null (f->schedule);
  f->recorded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  *state = f;
  return 0;
}

static int
teardown (void **state)
{
  Fixture *f = *state;

  pd_campaign_free (f->campaign);
  pd_schedule_free (f->schedule);
  g_hash_table_destroy (f->recorded);
  g_free (f);
  return 0;
}

/* Unix seconds of a UTC instant written as "2027-01-04T07:50:00Z". */
static gint64
utc (const char *text)
{
  g_autoptr (GDateTime) instant = g_date_time_new_from_iso8601 (text, NULL);
  assert_non_null (instant);
  return g_date_time_to_unix (instant);
}

static gboolean
in_set (const char *key, gpointer user_data)
{
  return g_hash_table_contains (user_data, key);
}

static void
record (Fixture *f, const char *key)
{
  g_hash_table_add (f->recorded, g_strdup (key));
}

static const PdReminder *
find (const GArray *reminders, const char *key)
{
  for (guint i = 0; i < reminders->len; i++)
    if (g_str_equal (g_array_index (reminders, PdReminder, i).key, key))
      return &g_array_index (reminders, PdReminder, i);
  return NULL;
}

static char *
date_text (const GDate *date)
{
  char buffer[16];
  g_date_strftime (buffer, sizeof buffer, "%Y-%m-%d", date);
  return g_strdup (buffer);
}

/* ------------------------------------------------------------- tests */

static void
test_reminder_instants (void **state)
{
  Fixture *f = *state;
  g_autoptr (GArray) reminders = pd_agenda_reminders (f->campaign, f->schedule, everyone);
  const PdReminder *first = &g_array_index (reminders, PdReminder, 0);
  const PdReminder *second = &g_array_index (reminders, PdReminder, 1);

  /* 124 blocks for alice (two a day), bob's on his days. */
  assert_int_equal (reminders->len, f->schedule->blocks->len);
  assert_string_equal (first->key, "reminder:alice:2027-01-04:1");
  assert_int_equal (first->remind_at, utc ("2027-01-04T07:50:00Z"));
  assert_int_equal (first->start, utc ("2027-01-04T08:00:00Z"));
  assert_int_equal (first->end, utc ("2027-01-04T08:16:00Z"));
  assert_int_equal (first->block.contacts, 8);
  /* Same instant: schedule (rep) order. */
  assert_string_equal (second->key, "reminder:bob:2027-01-04:1");
  assert_int_equal (second->remind_at, utc ("2027-01-04T07:50:00Z"));
  assert_int_equal (second->end, utc ("2027-01-04T08:16:00Z"));
  for (guint i = 1; i < reminders->len; i++)
    assert_true (g_array_index (reminders, PdReminder, i - 1).remind_at
                 <= g_array_index (reminders, PdReminder, i).remind_at);
}

static void
test_reminders_keep_local_time_across_dst (void **state)
{
  Fixture *f = *state;
  g_autoptr (GArray) reminders = pd_agenda_reminders (f->campaign, f->schedule, everyone);
  const PdReminder *before = find (reminders, "reminder:alice:2027-03-26:1");
  const PdReminder *after = find (reminders, "reminder:alice:2027-03-30:1");

  /* Friday before the change: 09:00 CET; Tuesday after: 09:00 CEST. */
  assert_non_null (before);
  assert_non_null (after);
  assert_int_equal (before->remind_at, utc ("2027-03-26T07:50:00Z"));
  assert_int_equal (after->remind_at, utc ("2027-03-30T06:50:00Z"));
  assert_int_equal (after->start, utc ("2027-03-30T07:00:00Z"));
  /* Easter Monday: no block, no reminder. */
  assert_null (find (reminders, "reminder:alice:2027-03-29:1"));
}

static void
test_reminder_states (void **state)
{
  Fixture *f = *state;
  g_autoptr (GArray) reminders = pd_agenda_reminders (f->campaign, f->schedule, everyone);
  const PdReminder *r = &g_array_index (reminders, PdReminder, 0);

  assert_int_equal (pd_agenda_reminder_state (r, r->remind_at - 1), PD_REMINDER_PENDING);
  assert_int_equal (pd_agenda_reminder_state (r, r->remind_at), PD_REMINDER_DUE);
  /* Late but the block is under way: still worth a reminder. */
  assert_int_equal (pd_agenda_reminder_state (r, r->start + 60), PD_REMINDER_DUE);
  assert_int_equal (pd_agenda_reminder_state (r, r->end - 1), PD_REMINDER_DUE);
  assert_int_equal (pd_agenda_reminder_state (r, r->end), PD_REMINDER_MISSED);
}

static void
test_notify_filter (void **state)
{
  Fixture *f = *state;
  static const char *const only_bob[] = { "bob", NULL };
  static const char *const nobody[] = { NULL };
  g_autoptr (GArray) bob = pd_agenda_reminders (f->campaign, f->schedule, only_bob);
  g_autoptr (GArray) none = pd_agenda_reminders (f->campaign, f->schedule, nobody);
  g_autoptr (GArray) null = pd_agenda_reminders (f->campaign, f->schedule, NULL);

  assert_true (bob->len > 0);
  for (guint i = 0; i < bob->len; i++)
    assert_int_equal (g_array_index (bob, PdReminder, i).block.rep_index, 1);
  assert_int_equal (none->len, 0);
  assert_int_equal (null->len, 0);
  assert_true (pd_agenda_notifies (everyone, "carol"));
  assert_false (pd_agenda_notifies (only_bob, "alice"));
}

static void
test_first_morning (void **state)
{
  Fixture *f = *state;
  g_autoptr (PdAgenda) agenda = pd_agenda_evaluate (f->campaign, f->schedule, everyone,
                                                    utc ("2027-01-04T07:50:00Z"), G_MININT64, in_set, f->recorded);
  g_autofree char *next_check = NULL;

  assert_int_equal (agenda->due->len, 2);
  assert_string_equal (g_array_index (agenda->due, PdReminder, 0).key, "reminder:alice:2027-01-04:1");
  assert_string_equal (g_array_index (agenda->due, PdReminder, 1).key, "reminder:bob:2027-01-04:1");
  assert_int_equal (agenda->missed->len, 0);
  assert_false (agenda->has_check);
  /* Next: alice's afternoon block at 14:00 CET, before the daily check
   * at 17:30 CET. */
  assert_int_equal (agenda->next_wakeup, utc ("2027-01-04T12:50:00Z"));
  assert_int_equal (agenda->next_check_at, utc ("2027-01-04T16:30:00Z"));
  next_check = date_text (&agenda->next_check_date);
  assert_string_equal (next_check, "2027-01-04");
  assert_string_equal (agenda->next_reminder, "reminder:alice:2027-01-04:2");
}

static void
test_recorded_reminders_are_not_due (void **state)
{
  Fixture *f = *state;
  g_autoptr (PdAgenda) agenda = NULL;

  record (f, "reminder:alice:2027-01-04:1");
  agenda = pd_agenda_evaluate (f->campaign, f->schedule, everyone, utc ("2027-01-04T07:55:00Z"),
                               G_MININT64, in_set, f->recorded);
  assert_int_equal (agenda->due->len, 1);
  assert_string_equal (g_array_index (agenda->due, PdReminder, 0).key, "reminder:bob:2027-01-04:1");
}

static void
test_before_wakeup_is_the_reminder (void **state)
{
  Fixture *f = *state;
  g_autoptr (PdAgenda) agenda = pd_agenda_evaluate (f->campaign, f->schedule, everyone,
                                                    utc ("2027-01-01T12:00:00Z"), G_MININT64, NULL, NULL);

  assert_int_equal (agenda->due->len, 0);
  assert_int_equal (agenda->missed->len, 0);
  assert_false (agenda->has_check);
  assert_int_equal (agenda->next_wakeup, utc ("2027-01-04T07:50:00Z"));
  assert_string_equal (agenda->next_reminder, "reminder:alice:2027-01-04:1");
}

/* The summary rule: after a sleep from Monday morning to Friday 08:55,
 * the blocks that ended unreminded are "missed" (one summary), the
 * blocks of the morning still due, and only Thursday's check runs. */
static void
test_long_sleep (void **state)
{
  Fixture *f = *state;
  g_autoptr (PdAgenda) agenda = NULL;
  g_autoptr (PdAgenda) again = NULL;
  g_autofree char *check = NULL;
  gint64 now = utc ("2027-01-08T07:55:00Z");

  record (f, "reminder:alice:2027-01-04:1");
  record (f, "reminder:bob:2027-01-04:1");
  agenda = pd_agenda_evaluate (f->campaign, f->schedule, everyone, now, G_MININT64, in_set, f->recorded);
  /* alice's Monday afternoon, then two blocks of hers and one of bob's
   * each day to Thursday. */
  assert_int_equal (agenda->missed->len, 10);
  assert_string_equal (g_array_index (agenda->missed, PdReminder, 0).key, "reminder:alice:2027-01-04:2");
  assert_string_equal (g_array_index (agenda->missed, PdReminder, 8).key, "reminder:bob:2027-01-07:1");
  assert_string_equal (g_array_index (agenda->missed, PdReminder, 9).key, "reminder:alice:2027-01-07:2");
  assert_int_equal (agenda->due->len, 2);
  assert_string_equal (g_array_index (agenda->due, PdReminder, 0).key, "reminder:alice:2027-01-08:1");
  assert_true (agenda->has_check);
  check = date_text (&agenda->check_date);
  assert_string_equal (check, "2027-01-07");
  assert_int_equal (agenda->check_at, utc ("2027-01-07T16:30:00Z"));
  assert_int_equal (agenda->next_wakeup, utc ("2027-01-08T12:50:00Z"));

  /* Once recorded (the daemon records them with the summary), nothing is
   * missed any more: the summary is sent once. */
  for (guint i = 0; i < agenda->missed->len; i++)
    record (f, g_array_index (agenda->missed, PdReminder, i).key);
  for (guint i = 0; i < agenda->due->len; i++)
    record (f, g_array_index (agenda->due, PdReminder, i).key);
  again = pd_agenda_evaluate (f->campaign, f->schedule, everyone, now, G_MININT64, in_set, f->recorded);
  assert_int_equal (again->missed->len, 0);
  assert_int_equal (again->due->len, 0);
}

/* What an earlier evaluation handled is not looked at again: with nothing
 * recorded, blocks that ended by `handled_until` are neither missed nor
 * asked about; later ones are. */
static void
test_handled_until (void **state)
{
  Fixture *f = *state;
  g_autoptr (PdAgenda) all = NULL;
  g_autoptr (PdAgenda) later = NULL;
  g_autoptr (PdAgenda) none = NULL;
  gint64 now = utc ("2027-01-08T07:55:00Z");

  all = pd_agenda_evaluate (f->campaign, f->schedule, everyone, now, G_MININT64, NULL, NULL);
  assert_int_equal (all->missed->len, 12);
  later = pd_agenda_evaluate (f->campaign, f->schedule, everyone, now, utc ("2027-01-05T23:00:00Z"), NULL, NULL);
  assert_int_equal (later->missed->len, 6);
  assert_string_equal (g_array_index (later->missed, PdReminder, 0).key, "reminder:alice:2027-01-06:1");
  assert_string_equal (g_array_index (later->missed, PdReminder, 4).key, "reminder:bob:2027-01-07:1");
  assert_string_equal (g_array_index (later->missed, PdReminder, 5).key, "reminder:alice:2027-01-07:2");
  assert_int_equal (later->due->len, 2);
  none = pd_agenda_evaluate (f->campaign, f->schedule, everyone, now, now, NULL, NULL);
  assert_int_equal (none->missed->len, 0);
  assert_int_equal (none->due->len, 2);
  assert_string_equal (g_array_index (none->due, PdReminder, 0).key, "reminder:alice:2027-01-08:1");
  assert_int_equal (none->next_wakeup, utc ("2027-01-08T12:50:00Z"));
}

static void
test_check_days (void **state)
{
  Fixture *f = *state;
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 8, 1, 2027);
  assert_true (pd_agenda_is_check_day (f->campaign, &date));
  g_date_set_dmy (&date, 9, 1, 2027);   /* Saturday */
  assert_false (pd_agenda_is_check_day (f->campaign, &date));
  g_date_set_dmy (&date, 29, 3, 2027);  /* Easter Monday */
  assert_false (pd_agenda_is_check_day (f->campaign, &date));
  g_date_set_dmy (&date, 3, 1, 2027);   /* before the start */
  assert_false (pd_agenda_is_check_day (f->campaign, &date));
  g_date_set_dmy (&date, 1, 4, 2027);   /* after the end */
  assert_false (pd_agenda_is_check_day (f->campaign, &date));
  g_date_set_dmy (&date, 30, 3, 2027);
  assert_int_equal (pd_agenda_check_instant (f->campaign, &date), utc ("2027-03-30T15:30:00Z"));
}

static void
test_weekend_wakes_on_monday (void **state)
{
  Fixture *f = *state;
  g_autoptr (PdAgenda) agenda = pd_agenda_evaluate (f->campaign, f->schedule, everyone,
                                                    utc ("2027-01-08T17:00:00Z"), G_MININT64, NULL, NULL);
  g_autofree char *check = date_text (&agenda->check_date);

  assert_string_equal (check, "2027-01-08");
  assert_int_equal (agenda->next_wakeup, utc ("2027-01-11T07:50:00Z"));
}

/* A checkpoint on a day nobody works is still a check day. */
static void
test_checkpoint_on_a_saturday (void **state)
{
  Fixture *f = *state;
  PdCheckpoint *cp = &g_array_index (f->campaign->checkpoints, PdCheckpoint, 0);
  GDate saturday;

  g_date_clear (&saturday, 1);
  g_date_set_dmy (&saturday, 30, 1, 2027);
  cp->date = saturday;
  assert_true (pd_agenda_is_check_day (f->campaign, &saturday));
}

static void
test_after_the_end (void **state)
{
  Fixture *f = *state;
  g_autoptr (PdAgenda) agenda = pd_agenda_evaluate (f->campaign, f->schedule, everyone,
                                                    utc ("2027-04-02T00:00:00Z"), G_MININT64, NULL, NULL);
  g_autofree char *check = date_text (&agenda->check_date);

  assert_int_equal (agenda->next_wakeup, 0);
  assert_null (agenda->next_reminder);
  assert_true (agenda->has_check);
  assert_string_equal (check, "2027-03-31");
  assert_int_equal (agenda->due->len, 0);
  assert_int_equal (agenda->missed->len, f->schedule->blocks->len);
  pd_agenda_free (NULL);
}

/* The blocks pd_agenda_window() names (the daemon's schedule in force
 * keeps its days only and makes those): each rep's days in the window,
 * then its first day after it with contacts, made from `schedule`'s days. */
static PdSchedule *
window_schedule (const PdCampaign *campaign, const PdSchedule *schedule, gint64 now, gint64 handled_until)
{
  PdSchedule *window = g_new0 (PdSchedule, 1);
  g_autoptr (GArray) picked = g_array_new (FALSE, FALSE, sizeof (PdDay));
  g_autoptr (GError) error = NULL;
  guint32 first_julian, last_julian;

  pd_agenda_window (campaign, now, handled_until, &first_julian, &last_julian);
  window->rep_contacts = g_array_ref (schedule->rep_contacts);
  window->days = g_array_new (FALSE, FALSE, sizeof (PdDay));
  window->blocks = g_array_new (FALSE, FALSE, sizeof (PdBlock));
  for (guint r = 0; r < campaign->reps->len; r++)
    {
      gboolean after = FALSE;

      for (guint i = 0; i < schedule->days->len && !after; i++)
        {
          const PdDay *day = &g_array_index (schedule->days, PdDay, i);
          guint32 julian = g_date_get_julian (&day->date);

          if (day->rep_index != r || julian < first_julian)
            continue;
          if (julian > last_julian && day->contacts == 0)
            continue;
          after = julian > last_julian;
          g_array_append_val (picked, *day);
        }
    }
  assert_true (pd_schedule_append_blocks (campaign, (const PdDay *) picked->data, picked->len, window->blocks,
                                          &error));
  if (handled_until != G_MININT64)
    assert_true (window->blocks->len < schedule->blocks->len); /* a few days' */
  return window;
}

/* What an evaluation must find, worked out the long way: every reminder
 * of the campaign (pd_agenda_reminders() resolves each block's instants)
 * with its state at `now`. */
static void
assert_same_as_every_reminder (const PdCampaign *campaign, const PdSchedule *schedule, const GArray *all,
                               gint64 now, gint64 handled_until)
{
  g_autoptr (PdAgenda) agenda = pd_agenda_evaluate (campaign, schedule, everyone, now, handled_until, NULL, NULL);
  g_autoptr (GString) expected_due = g_string_new (NULL);
  g_autoptr (GString) expected_missed = g_string_new (NULL);
  g_autoptr (GString) due = g_string_new (NULL);
  g_autoptr (GString) missed = g_string_new (NULL);
  const char *next = NULL;
  gint64 next_at = 0;

  for (guint i = 0; i < all->len; i++)
    {
      const PdReminder *reminder = &g_array_index (all, PdReminder, i);
      PdReminderState state = pd_agenda_reminder_state (reminder, now);

      if (state == PD_REMINDER_PENDING && next == NULL)
        {
          next = reminder->key;
          next_at = reminder->remind_at;
        }
      if (reminder->end <= handled_until || state == PD_REMINDER_PENDING)
        continue;
      g_string_append_printf (state == PD_REMINDER_DUE ? expected_due : expected_missed, "%s ", reminder->key);
    }
  for (guint i = 0; i < agenda->due->len; i++)
    g_string_append_printf (due, "%s ", g_array_index (agenda->due, PdReminder, i).key);
  for (guint i = 0; i < agenda->missed->len; i++)
    g_string_append_printf (missed, "%s ", g_array_index (agenda->missed, PdReminder, i).key);
  assert_string_equal (due->str, expected_due->str);
  assert_string_equal (missed->str, expected_missed->str);
  assert_string_equal (agenda->next_reminder != NULL ? agenda->next_reminder : "-", next != NULL ? next : "-");
  if (next != NULL)
    assert_true (agenda->next_wakeup != 0 && agenda->next_wakeup <= next_at);

  /* The same from the blocks of the window alone. */
  {
    g_autoptr (PdSchedule) window = window_schedule (campaign, schedule, now, handled_until);
    g_autoptr (PdAgenda) near = pd_agenda_evaluate (campaign, window, everyone, now, handled_until, NULL, NULL);
    g_autoptr (GString) near_due = g_string_new (NULL);
    g_autoptr (GString) near_missed = g_string_new (NULL);

    for (guint i = 0; i < near->due->len; i++)
      g_string_append_printf (near_due, "%s ", g_array_index (near->due, PdReminder, i).key);
    for (guint i = 0; i < near->missed->len; i++)
      g_string_append_printf (near_missed, "%s ", g_array_index (near->missed, PdReminder, i).key);
    assert_string_equal (near_due->str, due->str);
    assert_string_equal (near_missed->str, missed->str);
    assert_string_equal (near->next_reminder != NULL ? near->next_reminder : "-",
                         agenda->next_reminder != NULL ? agenda->next_reminder : "-");
    assert_int_equal (near->next_wakeup, agenda->next_wakeup);
    assert_int_equal (near->has_check, agenda->has_check);
    assert_int_equal (near->check_at, agenda->check_at);
  }
}

/* An evaluation looks closely only at the days near now; what it finds
 * is what every reminder of the campaign says, at any instant: every 37
 * minutes through the campaign (nights, weekends, Easter Monday, the
 * change to summer time), from the start and after a day handled. */
static void
test_evaluation_is_every_reminder (void **state)
{
  Fixture *f = *state;
  g_autoptr (GArray) all = pd_agenda_reminders (f->campaign, f->schedule, everyone);

  for (gint64 now = utc ("2027-01-01T00:00:00Z"); now < utc ("2027-04-02T00:00:00Z"); now += 37 * 60)
    {
      assert_same_as_every_reminder (f->campaign, f->schedule, all, now, G_MININT64);
      assert_same_as_every_reminder (f->campaign, f->schedule, all, now, now - 86400 - 3600);
    }
}

/* Ten years of one-minute blocks (tests/data/ten-years.conf, some
 * 119 000 of them): a wake-up (an evaluation, every few minutes) resolves
 * the local times of the blocks of the days near now only, not every
 * block's, which is what it did (a third of a second of the daemon's loop
 * per reminder); and finds the same. Counted, not timed. */
static void
test_ten_years_of_one_minute_blocks (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PdCampaign) campaign = pd_config_load_campaign ("tests/data/ten-years.conf", &error);
  g_autoptr (PdSchedule) schedule = NULL;
  g_autoptr (GArray) all = NULL;
  gint64 now = utc ("2031-06-10T07:01:30Z");
  gint64 handled = now - 600;
  GDate first, last;
  guint near_now = 0;
  PdPlan plan;

  (void) state;
  assert_non_null (campaign);
  pd_workcal_prepare (campaign);
  assert_true (pd_plan_compute (&campaign->plan, &plan, &error));
  schedule = pd_schedule_build (campaign, &plan, &error);
  assert_non_null (schedule);
  assert_true (schedule->blocks->len > 110000);

  all = pd_agenda_reminders (campaign, schedule, everyone);
  g_date_clear (&first, 1);
  g_date_clear (&last, 1);
  g_date_set_dmy (&first, 9, G_DATE_JUNE, 2031);
  g_date_set_dmy (&last, 12, G_DATE_JUNE, 2031);

  /* The days it looks at: from the day before handled_until's (Monday 9
   * June) to two days after now's (Thursday 12 June). */
  for (guint i = 0; i < schedule->blocks->len; i++)
    {
      const PdBlock *block = &g_array_index (schedule->blocks, PdBlock, i);
      if (block->contacts > 0 && g_date_compare (&block->date, &first) >= 0
          && g_date_compare (&block->date, &last) <= 0)
        near_now++;
    }
  assert_true (near_now > 0 && near_now < schedule->blocks->len / 100);
  g_autoptr (PdAgenda) agenda = pd_agenda_evaluate (campaign, schedule, everyone, now, handled, NULL, NULL);
  assert_int_equal (agenda->blocks_resolved, near_now);
  assert_same_as_every_reminder (campaign, schedule, all, now, handled);
  assert_same_as_every_reminder (campaign, schedule, all, utc ("2036-12-31T16:30:00Z"), G_MININT64);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_reminder_instants, setup, teardown),
    cmocka_unit_test_setup_teardown (test_handled_until, setup, teardown),
    cmocka_unit_test_setup_teardown (test_reminders_keep_local_time_across_dst, setup, teardown),
    cmocka_unit_test_setup_teardown (test_reminder_states, setup, teardown),
    cmocka_unit_test_setup_teardown (test_notify_filter, setup, teardown),
    cmocka_unit_test_setup_teardown (test_first_morning, setup, teardown),
    cmocka_unit_test_setup_teardown (test_recorded_reminders_are_not_due, setup, teardown),
    cmocka_unit_test_setup_teardown (test_before_wakeup_is_the_reminder, setup, teardown),
    cmocka_unit_test_setup_teardown (test_long_sleep, setup, teardown),
    cmocka_unit_test_setup_teardown (test_check_days, setup, teardown),
    cmocka_unit_test_setup_teardown (test_weekend_wakes_on_monday, setup, teardown),
    cmocka_unit_test_setup_teardown (test_checkpoint_on_a_saturday, setup, teardown),
    cmocka_unit_test_setup_teardown (test_after_the_end, setup, teardown),
    cmocka_unit_test_setup_teardown (test_evaluation_is_every_reminder, setup, teardown),
    cmocka_unit_test (test_ten_years_of_one_minute_blocks),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
