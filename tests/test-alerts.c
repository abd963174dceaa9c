/* SPDX-License-Identifier: MIT
 *
 * Tests of alerts: the exact key, slot, urgency, summary and body of every
 * notification the daemon shows (reminder, checkpoint met and missed,
 * behind with each kind of catch-up, catch-up impossible, load changed,
 * the summary of missed reminders), singular and plural, and the one
 * sentence that describes a catch-up. The figures are given by hand (no
 * store, no clock): the module is pure.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "prospectd/alerts.h"
#include "prospectd/config.h"

static const char example_text[] =
  "[campaign]\n"
  "name = New customers Q1 2027\n"
  "start = 2027-01-04\n"
  "end = 2027-03-31\n"
  "timezone = Europe/Paris\n"
  "[plan]\n"
  "objective = 60000\n"
  "average_deal = 20000\n"
  "proposals_per_deal = 3\n"
  "compensation_factor = 4\n"
  "spontaneous_prospects = 8\n"
  "accessibility_rate = 6%\n"
  "contacts_per_prospect = 4\n"
  "minutes_per_contact = 2\n"
  "[calendar]\n"
  "workdays = mon-fri\n"
  "call_windows = 09:00-12:00, 14:00-17:00\n"
  "[checkpoints]\n"
  "2027-01-29 = 25%\n"
  "2027-02-26 = 60%\n"
  "[reps]\n"
  "alice = 1\n"
  "bob = 0.5\n";

static GDate
ymd (guint year, guint month, guint day)
{
  GDate date;
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  return date;
}

static int
setup (void **state)
{
  g_autoptr (GError) error = NULL;
  PdCampaign *campaign = pd_config_parse_campaign ("example.conf", example_text, sizeof example_text - 1, &error);

  assert_non_null (campaign);
  assert_string_equal (campaign->id, "example");
  *state = campaign;
  return 0;
}

static int
teardown (void **state)
{
  pd_campaign_free (*state);
  return 0;
}

static void
assert_alert (const PdAlert *alert, const char *key, const char *slot, PdUrgency urgency, const char *summary,
              const char *body)
{
  assert_non_null (alert);
  assert_string_equal (alert->key, key);
  assert_string_equal (alert->slot, slot);
  assert_int_equal (alert->urgency, urgency);
  assert_string_equal (alert->summary, summary);
  assert_string_equal (alert->body, body);
}

/* A rep's progress at a check: `planned` and `actual` to date, and its
 * checkpoints' states (the rest is not read). */
static PdRepProgress *
rep_progress (gint64 planned, gint64 actual, PdCheckpointState first, PdCheckpointState second)
{
  PdRepProgress *rp = g_new0 (PdRepProgress, 1);
  PdCheckpointProgress cps[2] = {
    { .date = ymd (2027, 1, 29), .target = 312, .actual = actual, .state = first },
    { .date = ymd (2027, 2, 26), .target = 747, .actual = actual, .state = second },
  };

  rp->planned = planned;
  rp->actual = actual;
  rp->gap = actual - planned;
  rp->pace = actual < planned ? PD_PACE_BEHIND : PD_PACE_ON_TRACK;
  rp->checkpoints = g_array_new (FALSE, TRUE, sizeof (PdCheckpointProgress));
  g_array_append_vals (rp->checkpoints, cps, 2);
  return rp;
}

static void
rep_progress_free (PdRepProgress *rp)
{
  g_array_unref (rp->checkpoints);
  g_free (rp);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdRepProgress, rep_progress_free)

static void
test_keys (void **state)
{
  (void) state;
  GDate day = ymd (2027, 1, 8);
  g_autofree char *reminder = pd_alert_reminder_key ("José", &day, 12);
  g_autofree char *check = pd_alert_check_key (&day);

  assert_string_equal (reminder, "reminder:José:2027-01-08:12");
  assert_string_equal (check, "check:2027-01-08");
}

static void
test_reminder (void **state)
{
  const PdCampaign *campaign = *state;
  PdBlock block = { .rep_index = 0, .date = ymd (2027, 1, 4), .index = 1, .start_minute = 9 * 60,
                    .end_minute = 9 * 60 + 16, .contacts = 8, .day_contacts = 16 };
  g_autoptr (PdAlert) plural = pd_alert_reminder (campaign, &block);

  assert_alert (plural, "reminder:alice:2027-01-04:1", "reminder:example:alice", PD_URGENCY_NORMAL,
                "Call block at 09:00 — 8 contacts (New customers Q1 2027)",
                "alice, 09:00–09:16. Target today: 16 contacts.");

  /* One contact in the block and in the day: the singular forms. */
  PdBlock one = { .rep_index = 1, .date = ymd (2027, 3, 31), .index = 2, .start_minute = 14 * 60 + 30,
                  .end_minute = 14 * 60 + 32, .contacts = 1, .day_contacts = 1 };
  g_autoptr (PdAlert) singular = pd_alert_reminder (campaign, &one);
  assert_alert (singular, "reminder:bob:2027-03-31:2", "reminder:example:bob", PD_URGENCY_NORMAL,
                "Call block at 14:30 — 1 contact (New customers Q1 2027)",
                "bob, 14:30–14:32. Target today: 1 contact.");

  /* Thousands are grouped; one contact in a block of a bigger day. */
  PdBlock big = { .rep_index = 0, .date = ymd (2027, 1, 5), .index = 3, .start_minute = 16 * 60,
                  .end_minute = 16 * 60 + 2, .contacts = 1, .day_contacts = 1200 };
  g_autoptr (PdAlert) mixed = pd_alert_reminder (campaign, &big);
  assert_alert (mixed, "reminder:alice:2027-01-05:3", "reminder:example:alice", PD_URGENCY_NORMAL,
                "Call block at 16:00 — 1 contact (New customers Q1 2027)",
                "alice, 16:00–16:02. Target today: 1 200 contacts.");
}

static void
test_checkpoint (void **state)
{
  const PdCampaign *campaign = *state;
  PdCheckpointProgress met = { .date = ymd (2027, 1, 29), .target = 312, .actual = 320,
                               .state = PD_CHECKPOINT_MET };
  PdCheckpointProgress missed = { .date = ymd (2027, 2, 26), .target = 1245, .actual = 290,
                                  .state = PD_CHECKPOINT_MISSED };
  PdCheckpointProgress upcoming = { .date = ymd (2027, 2, 26), .target = 747, .actual = 10,
                                    .state = PD_CHECKPOINT_UPCOMING };
  PdCheckpointProgress before_start = { .date = ymd (2027, 1, 29), .target = 0, .actual = 0,
                                        .state = PD_CHECKPOINT_MET };
  g_autoptr (PdAlert) a = pd_alert_checkpoint (campaign, 0, &met);
  g_autoptr (PdAlert) b = pd_alert_checkpoint (campaign, 1, &missed);

  assert_alert (a, "checkpoint:alice:2027-01-29", "checkpoint:example:alice", PD_URGENCY_NORMAL,
                "Checkpoint 2027-01-29 met: alice (New customers Q1 2027)",
                "320 of 312 contacts done by 2027-01-29 (102.6%).");
  /* 290 / 1 245 = 23.29...%: 23.3%. */
  assert_alert (b, "checkpoint:bob:2027-02-26", "checkpoint:example:bob", PD_URGENCY_CRITICAL,
                "Checkpoint 2027-02-26 missed: bob (New customers Q1 2027)",
                "290 of 1 245 contacts done by 2027-02-26 (23.3%).");
  assert_null (pd_alert_checkpoint (campaign, 0, &upcoming));
  assert_null (pd_alert_checkpoint (campaign, 0, &before_start));
}

static void
test_behind (void **state)
{
  const PdCampaign *campaign = *state;
  GDate jan8 = ymd (2027, 1, 8);
  /* 80 planned, 58 done: 22 short, 27.5%. */
  g_autoptr (PdRepProgress) rp = rep_progress (80, 58, PD_CHECKPOINT_UPCOMING, PD_CHECKPOINT_UPCOMING);
  PdRespread on_time = { .actual = 58, .shortfall = 22, .checkpoint = 0, .on_time = TRUE,
                         .back_on = ymd (2027, 1, 29), .days = 15, .contacts = 254, .most = 17 };
  PdRespread made_up = { .actual = 80, .shortfall = 0, .checkpoint = 0 };
  g_autoptr (PdAlert) a = pd_alert_behind (campaign, 0, rp, &jan8, &on_time);
  g_autoptr (PdAlert) b = pd_alert_behind (campaign, 0, rp, &jan8, &made_up);
  g_autoptr (PdAlert) c = pd_alert_behind (campaign, 0, rp, &jan8, NULL);

  assert_alert (a, "behind:alice:2027-01-08", "alert:example:alice", PD_URGENCY_NORMAL,
                "alice is behind target (New customers Q1 2027)",
                "Planned 80 contacts by 2027-01-08, done 58: 22 short (27.5%).\n"
                "Catch-up scheduled: back on target by 2027-01-29 (312 contacts): 254 contacts over 15 "
                "working days, at most 17 a day.");
  /* The catch-up owes the rep nothing: the shortfall line alone. */
  assert_alert (b, "behind:alice:2027-01-08", "alert:example:alice", PD_URGENCY_NORMAL,
                "alice is behind target (New customers Q1 2027)",
                "Planned 80 contacts by 2027-01-08, done 58: 22 short (27.5%).");
  /* The last day of the campaign. */
  assert_alert (c, "behind:alice:2027-01-08", "alert:example:alice", PD_URGENCY_NORMAL,
                "alice is behind target (New customers Q1 2027)",
                "Planned 80 contacts by 2027-01-08, done 58: 22 short (27.5%).\n"
                "The campaign ends today: no day left to catch up.");

  /* A missed checkpoint makes it critical; over capacity, what is left. */
  GDate mar26 = ymd (2027, 3, 26);
  g_autoptr (PdRepProgress) late = rep_progress (1203, 0, PD_CHECKPOINT_MISSED, PD_CHECKPOINT_MISSED);
  PdRespread full = { .actual = 0, .shortfall = 1203, .checkpoint = -1, .days = 2, .contacts = 120, .most = 60,
                      .uncovered = 1125 };
  g_date_clear (&full.back_on, 1);
  g_autoptr (PdAlert) d = pd_alert_behind (campaign, 1, late, &mar26, &full);
  assert_alert (d, "behind:bob:2027-03-26", "alert:example:bob", PD_URGENCY_CRITICAL,
                "bob is behind target (New customers Q1 2027)",
                "Planned 1 203 contacts by 2027-03-26, done 0: 1 203 short (100%).\n"
                "Catch-up scheduled: at full capacity to the end: 120 contacts over 2 working days, at most 60 "
                "a day; 1 125 contacts left uncovered.");
}

static void
test_catchup_impossible (void **state)
{
  const PdCampaign *campaign = *state;
  GDate jan8 = ymd (2027, 1, 8);
  g_autoptr (PdRepProgress) rp = rep_progress (3, 1, PD_CHECKPOINT_UPCOMING, PD_CHECKPOINT_UPCOMING);
  g_autoptr (PdAlert) alert = pd_alert_catchup_impossible (campaign, 1, rp, &jan8,
                                                          "rep 'bob' on 2027-01-11: 90 contacts do not fit");

  /* 2 of 3 short: 66.666...%, 66.7%. */
  assert_alert (alert, "catchup-impossible:bob:2027-01-08", "alert:example:bob", PD_URGENCY_CRITICAL,
                "Catch-up impossible: bob (New customers Q1 2027)",
                "Planned 3 contacts by 2027-01-08, done 1: 2 short (66.7%).\n"
                "rep 'bob' on 2027-01-11: 90 contacts do not fit");
}

static void
test_load_changed (void **state)
{
  const PdCampaign *campaign = *state;
  GDate jan15 = ymd (2027, 1, 15);
  PdRespread again = { .actual = 114, .shortfall = 46, .checkpoint = 0, .on_time = TRUE,
                       .back_on = ymd (2027, 1, 29), .days = 1, .contacts = 198, .most = 198 };
  PdRespread on_plan = { .actual = 1, .shortfall = 0, .checkpoint = 0 };
  g_autoptr (PdAlert) a = pd_alert_load_changed (campaign, 0, &jan15, &again, 7);
  g_autoptr (PdAlert) b = pd_alert_load_changed (campaign, 1, &jan15, &on_plan, 12);

  /* One working day: the singular. */
  assert_alert (a, "load-changed:alice:2027-01-15:7", "alert:example:alice", PD_URGENCY_NORMAL,
                "Your calls after 2027-01-15 changed: alice (New customers Q1 2027)",
                "114 contacts done by 2027-01-15, 46 short. New catch-up: back on target by 2027-01-29 "
                "(312 contacts): 198 contacts over 1 working day, at most 198 a day.");
  assert_alert (b, "load-changed:bob:2027-01-15:12", "alert:example:bob", PD_URGENCY_NORMAL,
                "Your calls after 2027-01-15 changed: bob (New customers Q1 2027)",
                "1 contact done by 2027-01-15: on plan, back to the plan's loads.");
}

static void
test_missed (void **state)
{
  (void) state;
  GDate jan6 = ymd (2027, 1, 6), jan7 = ymd (2027, 1, 7);
  gint64 now = 1799307600; /* 2027-01-07T07:40:00Z */
  g_autoptr (PdAlert) one = pd_alert_missed (1, &jan6, &jan6, now);
  g_autoptr (PdAlert) day = pd_alert_missed (3, &jan6, &jan6, now);
  g_autoptr (PdAlert) days = pd_alert_missed (10, &jan6, &jan7, now + 59);

  assert_alert (one, "summary:2027-01-07T07:40:00Z", "summary", PD_URGENCY_NORMAL, "Missed 1 call-block reminder",
                "The call block on 2027-01-06 ended while prospectd was not running or the computer was "
                "asleep.");
  assert_alert (day, "summary:2027-01-07T07:40:00Z", "summary", PD_URGENCY_NORMAL, "Missed 3 call-block reminders",
                "Call blocks on 2027-01-06 ended while prospectd was not running or the computer was asleep.");
  assert_alert (days, "summary:2027-01-07T07:40:59Z", "summary", PD_URGENCY_NORMAL,
                "Missed 10 call-block reminders",
                "Call blocks from 2027-01-06 to 2027-01-07 ended while prospectd was not running or the "
                "computer was asleep.");
}

/* The follow-ups due: one, several (contact and phone when known), and
 * more than ten (the first ten, then how many more). */
static void
test_follow_ups (void **state)
{
  const PdCampaign *campaign = *state;
  GDate jan11 = ymd (2027, 1, 11);
  PdFollowUp many[12];
  const PdFollowUp three[] = {
    { 12, "Acme", "Jean Dupont", "+33123456789", ymd (2027, 1, 8) },
    { 3, "Dupont & Fils", NULL, "+33140000000", ymd (2027, 1, 11) },
    { 40, "Zeta", "Ana", NULL, ymd (2027, 1, 11) },
  };
  g_autoptr (PdAlert) one = pd_alert_follow_ups (campaign, 1, &jan11, three, 1);
  g_autoptr (PdAlert) several = pd_alert_follow_ups (campaign, 0, &jan11, three, 3);
  g_autoptr (PdAlert) more = NULL;
  g_autoptr (GString) expected = g_string_new (NULL);

  assert_alert (one, "follow-ups:bob:2027-01-11", "follow-ups:example:bob", PD_URGENCY_NORMAL,
                "1 follow-up due today: bob (New customers Q1 2027)",
                "#12 Acme, Jean Dupont, +33123456789 (set for 2027-01-08)");
  assert_alert (several, "follow-ups:alice:2027-01-11", "follow-ups:example:alice", PD_URGENCY_NORMAL,
                "3 follow-ups due today: alice (New customers Q1 2027)",
                "#12 Acme, Jean Dupont, +33123456789 (set for 2027-01-08)\n"
                "#3 Dupont & Fils, +33140000000 (set for 2027-01-11)\n"
                "#40 Zeta, Ana (set for 2027-01-11)");
  for (guint i = 0; i < G_N_ELEMENTS (many); i++)
    {
      many[i] = (PdFollowUp) { i + 1, "Co", NULL, NULL, ymd (2027, 1, 4) };
      if (i < 10)
        g_string_append_printf (expected, "%s#%u Co (set for 2027-01-04)", i > 0 ? "\n" : "", i + 1);
    }
  g_string_append (expected, "\n…and 2 more (prospectctl prospects list --due)");
  more = pd_alert_follow_ups (campaign, 0, &jan11, many, G_N_ELEMENTS (many));
  assert_alert (more, "follow-ups:alice:2027-01-11", "follow-ups:example:alice", PD_URGENCY_NORMAL,
                "12 follow-ups due today: alice (New customers Q1 2027)", expected->str);
}

/* The three forms of a catch-up, and none for a rep not behind. */
static void
test_catchup_text (void **state)
{
  const PdCampaign *campaign = *state;
  PdRespread none = { .actual = 10, .shortfall = 0, .checkpoint = 0 };
  PdRespread after = { .actual = 400, .shortfall = 242, .checkpoint = 1, .on_time = FALSE,
                       .back_on = ymd (2027, 3, 2), .days = 7, .contacts = 393, .most = 60 };
  PdRespread no_checkpoint = after;
  no_checkpoint.checkpoint = -1;
  g_autofree char *a = pd_alert_catchup_text (campaign, &after);
  g_autofree char *b = pd_alert_catchup_text (campaign, &no_checkpoint);

  assert_null (pd_alert_catchup_text (campaign, &none));
  assert_string_equal (a, "at full capacity, back on target on 2027-03-02 (793 contacts), after the 2027-02-26 "
                          "checkpoint: 393 contacts over 7 working days, at most 60 a day.");
  assert_string_equal (b, "at full capacity, back on target on 2027-03-02 (793 contacts): 393 contacts over 7 "
                          "working days, at most 60 a day.");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_keys),
    cmocka_unit_test_setup_teardown (test_reminder, setup, teardown),
    cmocka_unit_test_setup_teardown (test_checkpoint, setup, teardown),
    cmocka_unit_test_setup_teardown (test_behind, setup, teardown),
    cmocka_unit_test_setup_teardown (test_catchup_impossible, setup, teardown),
    cmocka_unit_test_setup_teardown (test_load_changed, setup, teardown),
    cmocka_unit_test (test_missed),
    cmocka_unit_test_setup_teardown (test_follow_ups, setup, teardown),
    cmocka_unit_test_setup_teardown (test_catchup_text, setup, teardown),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
