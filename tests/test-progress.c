/* SPDX-License-Identifier: MIT
 *
 * Tests of progress on the example campaign (config/campaigns/example.conf,
 * read from the top directory): its baseline gives alice 1 245 contacts
 * (16 a day from 2027-01-04, 312 by the 2027-01-29 checkpoint, 334 by
 * 2027-02-01, 747 by 2027-02-26) and bob 623 (8 a day, 40 by 2027-01-08,
 * 156 by 2027-01-29, 171 by 2027-02-01, days off 2027-02-15..19). Every
 * expected value is worked out by hand in the comments: gap and pace
 * (threshold 10 %), checkpoints, the next checkpoint's daily need, projected
 * completion dates (past the campaign's end, skipping weekends, French
 * holidays and the campaign's own 2027-05-07), observed rates and the
 * funnel re-projected from them, and what the computation must ignore.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "prospectd/config.h"
#include "prospectd/plan.h"
#include "prospectd/progress.h"
#include "prospectd/schedule.h"
#include "prospectd/workcal.h"
#include "prospectd/store.h"

typedef struct {
  PdCampaign *campaign;
  PdPlan plan;
  PdSchedule *baseline;
  GArray *daily; /* PdDailyContacts */
} Fixture;

/* ------------------------------------------------------------ helpers */

static GDate
make_date (guint year, guint month, guint day)
{
  GDate date;
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  return date;
}

static void
clear_daily (gpointer data)
{
  PdDailyContacts *day = data;
  g_free (day->rep);
}

static void
add_day (Fixture *f, const char *rep, guint year, guint month, guint day, gint64 contacts)
{
  PdDailyContacts entry = { 0 };
  entry.rep = g_strdup (rep);
  entry.date = make_date (year, month, day);
  entry.contacts = contacts;
  g_array_append_val (f->daily, entry);
}

/* A rep-day with outcomes (revenue in cents). */
static void
add_outcomes (Fixture *f, const char *rep, guint month, guint day, gint64 contacts, gint64 prospects,
              gint64 active, gint64 latent, gint64 arid, gint64 proposals, gint64 deals, gint64 revenue_cents)
{
  PdDailyContacts entry = { 0 };
  entry.rep = g_strdup (rep);
  entry.date = make_date (2027, month, day);
  entry.contacts = contacts;
  entry.prospects = prospects;
  entry.active = active;
  entry.latent = latent;
  entry.arid = arid;
  entry.proposals = proposals;
  entry.deals = deals;
  entry.revenue_cents = revenue_cents;
  g_array_append_val (f->daily, entry);
}

/* `contacts` a day on every weekday from `first` to `last` of January. */
static void
add_january (Fixture *f, const char *rep, guint first, guint last, gint64 contacts)
{
  for (guint day = first; day <= last; day++)
    {
      GDate date = make_date (2027, 1, day);
      if (g_date_get_weekday (&date) < G_DATE_SATURDAY)
        add_day (f, rep, 2027, 1, day, contacts);
    }
}

static PdProgress *
compute (const Fixture *f, guint year, guint month, guint day, const PdTotals *totals)
{
  GDate as_of = make_date (year, month, day);
  PdProgress *progress = pd_progress_compute (f->campaign, &f->plan, f->baseline,
                                              &as_of, f->daily, totals);
  assert_non_null (progress);
  return progress;
}

static const PdRepProgress *
rep_at (const PdProgress *progress, guint index)
{
  assert_int_equal (progress->reps->len, 2);
  const PdRepProgress *rep = g_ptr_array_index (progress->reps, index);
  assert_int_equal (rep->rep_index, index);
  return rep;
}

static const PdCheckpointProgress *
checkpoint_at (const PdRepProgress *rep, guint index)
{
  assert_int_equal (rep->checkpoints->len, 3);
  return &g_array_index (rep->checkpoints, PdCheckpointProgress, index);
}

static void
assert_date (const GDate *date, guint year, guint month, guint day)
{
  assert_true (g_date_valid (date));
  char text[16];
  g_snprintf (text, sizeof text, "%04u-%02u-%02u", g_date_get_year (date),
              g_date_get_month (date), g_date_get_day (date));
  g_autofree char *expected = g_strdup_printf ("%04u-%02u-%02u", year, month, day);
  assert_string_equal (text, expected);
}

static void
assert_checkpoint (const PdCheckpointProgress *cp, gint64 target, gint64 actual,
                   PdCheckpointState state)
{
  assert_int_equal (cp->target, target);
  assert_int_equal (cp->actual, actual);
  assert_string_equal (pd_checkpoint_state_name (cp->state), pd_checkpoint_state_name (state));
}

static int
setup (void **state)
{
  g_autoptr (GError) error = NULL;
  Fixture *f = g_new0 (Fixture, 1);

  f->campaign = pd_config_load_campaign ("config/campaigns/example.conf", &error);
  if (f->campaign == NULL)
    fail_msg ("example.conf (run from the top directory): %s", error->message);
  pd_workcal_prepare (f->campaign);
  assert_true (pd_plan_compute (&f->campaign->plan, &f->plan, &error));
  assert_int_equal (f->plan.contacts, 1868);
  f->baseline = pd_schedule_build (f->campaign, &f->plan, &error);
  assert_non_null (f->baseline);
  assert_int_equal (g_array_index (f->baseline->rep_contacts, gint64, 0), 1245);
  assert_int_equal (g_array_index (f->baseline->rep_contacts, gint64, 1), 623);
  f->daily = g_array_new (FALSE, TRUE, sizeof (PdDailyContacts));
  g_array_set_clear_func (f->daily, clear_daily);
  *state = f;
  return 0;
}

static int
teardown (void **state)
{
  Fixture *f = *state;
  g_array_unref (f->daily);
  pd_schedule_free (f->baseline);
  pd_campaign_free (f->campaign);
  g_free (f);
  return 0;
}

/* ------------------------------------------------------------ pace */

/* As of Friday 2027-01-08 the baseline has alice at 5 x 16 = 80 and bob at
 * 5 x 8 = 40. Alice did 80 (on track, gap 0); bob did 4 a day = 20:
 * gap -20, -20/40 = -500 000 ppm, behind (20 < 36). The team: 100 of 120,
 * gap -20, -20e6/120 = -166 666.67 truncated toward zero to -166 666,
 * behind (100 < 108). */
static void
test_pace_on_plan_and_half (void **state)
{
  Fixture *f = *state;
  add_january (f, "alice", 4, 8, 16);
  add_january (f, "bob", 4, 8, 4);
  g_autoptr (PdProgress) p = compute (f, 2027, 1, 8, NULL);

  const PdRepProgress *alice = rep_at (p, 0);
  assert_int_equal (alice->total, 1245);
  assert_int_equal (alice->planned, 80);
  assert_int_equal (alice->actual, 80);
  assert_int_equal (alice->gap, 0);
  assert_int_equal (alice->gap_ppm, 0);
  assert_string_equal (pd_pace_name (alice->pace), "on_track");

  const PdRepProgress *bob = rep_at (p, 1);
  assert_int_equal (bob->total, 623);
  assert_int_equal (bob->planned, 40);
  assert_int_equal (bob->actual, 20);
  assert_int_equal (bob->gap, -20);
  assert_int_equal (bob->gap_ppm, -500000);
  assert_string_equal (pd_pace_name (bob->pace), "behind");

  assert_int_equal (p->team->rep_index, G_MAXUINT);
  assert_int_equal (p->team->total, 1868);
  assert_int_equal (p->team->planned, 120);
  assert_int_equal (p->team->actual, 100);
  assert_int_equal (p->team->gap, -20);
  assert_int_equal (p->team->gap_ppm, -166666);
  assert_string_equal (pd_pace_name (p->team->pace), "behind");
  assert_date (&p->as_of, 2027, 1, 8);
}

/* One contact over plan is ahead: alice 81 of 80, gap 1 = 12 500 ppm. */
static void
test_pace_ahead (void **state)
{
  Fixture *f = *state;
  add_january (f, "alice", 4, 8, 16);
  add_day (f, "alice", 2027, 1, 8, 1);
  add_january (f, "bob", 4, 8, 8);
  g_autoptr (PdProgress) p = compute (f, 2027, 1, 8, NULL);

  const PdRepProgress *alice = rep_at (p, 0);
  assert_int_equal (alice->actual, 81);
  assert_int_equal (alice->gap, 1);
  assert_int_equal (alice->gap_ppm, 12500);
  assert_int_equal (alice->pace, PD_PACE_AHEAD);
  assert_string_equal (pd_pace_name (alice->pace), "ahead");
  assert_int_equal (rep_at (p, 1)->pace, PD_PACE_ON_TRACK);
  /* team 121 of 120: ahead, 1e6/120 = 8 333.33 -> 8 333 */
  assert_int_equal (p->team->gap_ppm, 8333);
  assert_int_equal (p->team->pace, PD_PACE_AHEAD);
}

/* Threshold 10 %: alice's 80 x 0.9 = 72 is on track and 71 behind
 * (-9e6/80 = -112 500 ppm); bob's 40 x 0.9 = 36 on track, 35 behind. */
static void
test_pace_threshold_boundary (void **state)
{
  Fixture *f = *state;
  add_day (f, "alice", 2027, 1, 8, 72);
  add_day (f, "bob", 2027, 1, 8, 36);
  {
    g_autoptr (PdProgress) p = compute (f, 2027, 1, 8, NULL);
    assert_int_equal (rep_at (p, 0)->gap_ppm, -100000);
    assert_int_equal (rep_at (p, 0)->pace, PD_PACE_ON_TRACK);
    assert_int_equal (rep_at (p, 1)->pace, PD_PACE_ON_TRACK);
    /* team 108 of 120: exactly 90 % */
    assert_int_equal (p->team->pace, PD_PACE_ON_TRACK);
  }
  g_array_set_size (f->daily, 0);
  add_day (f, "alice", 2027, 1, 8, 71);
  add_day (f, "bob", 2027, 1, 8, 35);
  {
    g_autoptr (PdProgress) p = compute (f, 2027, 1, 8, NULL);
    assert_int_equal (rep_at (p, 0)->gap, -9);
    assert_int_equal (rep_at (p, 0)->gap_ppm, -112500);
    assert_int_equal (rep_at (p, 0)->pace, PD_PACE_BEHIND);
    assert_int_equal (rep_at (p, 1)->pace, PD_PACE_BEHIND);
    assert_int_equal (p->team->pace, PD_PACE_BEHIND);
  }
}

/* Before the start nothing is planned: gap_ppm is 0, not a division by 0;
 * nothing logged is on track, and there is no pace to project from. */
static void
test_before_start (void **state)
{
  Fixture *f = *state;
  g_autoptr (PdProgress) p = compute (f, 2027, 1, 1, NULL);
  const PdRepProgress *alice = rep_at (p, 0);
  assert_int_equal (alice->planned, 0);
  assert_int_equal (alice->actual, 0);
  assert_int_equal (alice->gap_ppm, 0);
  assert_int_equal (alice->pace, PD_PACE_ON_TRACK);
  assert_false (g_date_valid (&alice->projected_completion));
  assert_false (g_date_valid (&p->team->projected_completion));
  assert_int_equal (alice->next_checkpoint, 0);
  /* alice's days in (01-01, 01-29]: 4-8, 11-15, 18-22, 25-29 = 20 */
  assert_int_equal (alice->days_left, 20);
  assert_int_equal (alice->needed, 312);
  assert_int_equal (alice->needed_per_day, 16); /* 312 / 20 = 15.6 */
}

/* ------------------------------------------------------------ checkpoints */

/* As of Monday 2027-02-01: alice logged 312 on 01-29 (target
 * ceil(1245 x 25 %) = 312: met) and 20 today; bob 155 on 01-28 (target
 * ceil(623 x 25 %) = 156: missed) and 10 today. Today's entries count for
 * the day, not for the checkpoint. The team's 467 of 468 misses it. */
static void
test_checkpoint_met_and_missed (void **state)
{
  Fixture *f = *state;
  add_day (f, "alice", 2027, 1, 29, 312);
  add_day (f, "alice", 2027, 2, 1, 20);
  add_day (f, "bob", 2027, 1, 28, 155);
  add_day (f, "bob", 2027, 2, 1, 10);
  g_autoptr (PdProgress) p = compute (f, 2027, 2, 1, NULL);

  const PdRepProgress *alice = rep_at (p, 0);
  const PdRepProgress *bob = rep_at (p, 1);
  const PdRepProgress *team = p->team;

  assert_checkpoint (checkpoint_at (alice, 0), 312, 312, PD_CHECKPOINT_MET);
  assert_checkpoint (checkpoint_at (bob, 0), 156, 155, PD_CHECKPOINT_MISSED);
  assert_checkpoint (checkpoint_at (team, 0), 468, 467, PD_CHECKPOINT_MISSED);
  assert_date (&checkpoint_at (team, 0)->date, 2027, 1, 29);

  /* 2027-02-26 at 60 %: 747, ceil(373.8) = 374, 1 121; upcoming with the
   * actual to date. The end, 100 %: 1 245, 623, 1 868. */
  assert_checkpoint (checkpoint_at (alice, 1), 747, 332, PD_CHECKPOINT_UPCOMING);
  assert_checkpoint (checkpoint_at (bob, 1), 374, 165, PD_CHECKPOINT_UPCOMING);
  assert_checkpoint (checkpoint_at (team, 1), 1121, 497, PD_CHECKPOINT_UPCOMING);
  assert_checkpoint (checkpoint_at (alice, 2), 1245, 332, PD_CHECKPOINT_UPCOMING);
  assert_checkpoint (checkpoint_at (bob, 2), 623, 165, PD_CHECKPOINT_UPCOMING);
  assert_checkpoint (checkpoint_at (team, 2), 1868, 497, PD_CHECKPOINT_UPCOMING);
  assert_date (&checkpoint_at (team, 2)->date, 2027, 3, 31);

  /* Next checkpoint 02-26. Alice: 747 - 332 = 415 over her 19 days in
   * (02-01, 02-26] = 21.84 -> 22. Bob, without 02-15..19: 374 - 165 = 209
   * over 14 days = 14.93 -> 15. Team: 1 121 - 497 = 624 over 19 = 32.84
   * -> 33. */
  assert_int_equal (alice->next_checkpoint, 1);
  assert_int_equal (alice->needed, 415);
  assert_int_equal (alice->days_left, 19);
  assert_int_equal (alice->needed_per_day, 22);
  assert_int_equal (bob->next_checkpoint, 1);
  assert_int_equal (bob->needed, 209);
  assert_int_equal (bob->days_left, 14);
  assert_int_equal (bob->needed_per_day, 15);
  assert_int_equal (team->next_checkpoint, 1);
  assert_int_equal (team->needed, 624);
  assert_int_equal (team->days_left, 19);
  assert_int_equal (team->needed_per_day, 33);

  /* Pace against the baseline (334, 171, 505): alice 332, gap -2 =
   * -5 988.02 -> -5 988 ppm; bob 165, gap -6 = -35 087.72 -> -35 087, still
   * >= ceil(171 x 0.9) = 154: on track; team 497 of 505, -15 841. */
  assert_int_equal (alice->planned, 334);
  assert_int_equal (alice->gap_ppm, -5988);
  assert_int_equal (bob->planned, 171);
  assert_int_equal (bob->gap_ppm, -35087);
  assert_int_equal (bob->pace, PD_PACE_ON_TRACK);
  assert_int_equal (team->planned, 505);
  assert_int_equal (team->gap_ppm, -15841);
  assert_int_equal (team->pace, PD_PACE_ON_TRACK);
}

/* As of 2027-01-08 every checkpoint is upcoming. Next: 01-29, 15 days
 * left for both (11-15, 18-22, 25-29). Alice 312 - 80 = 232 -> 15.47 ->
 * 16 a day; bob 156 - 20 = 136 -> 9.07 -> 10; team 468 - 100 = 368 ->
 * 24.53 -> 25. */
static void
test_checkpoints_upcoming (void **state)
{
  Fixture *f = *state;
  add_january (f, "alice", 4, 8, 16);
  add_january (f, "bob", 4, 8, 4);
  g_autoptr (PdProgress) p = compute (f, 2027, 1, 8, NULL);

  for (guint k = 0; k < 3; k++)
    {
      assert_int_equal (checkpoint_at (rep_at (p, 0), k)->state, PD_CHECKPOINT_UPCOMING);
      assert_int_equal (checkpoint_at (rep_at (p, 0), k)->actual, 80);
      assert_int_equal (checkpoint_at (p->team, k)->actual, 100);
    }
  assert_string_equal (pd_checkpoint_state_name (PD_CHECKPOINT_UPCOMING), "upcoming");
  assert_string_equal (pd_checkpoint_state_name (PD_CHECKPOINT_MET), "met");
  assert_string_equal (pd_checkpoint_state_name (PD_CHECKPOINT_MISSED), "missed");

  assert_int_equal (rep_at (p, 0)->next_checkpoint, 0);
  assert_int_equal (rep_at (p, 0)->days_left, 15);
  assert_int_equal (rep_at (p, 0)->needed, 232);
  assert_int_equal (rep_at (p, 0)->needed_per_day, 16);
  assert_int_equal (rep_at (p, 1)->days_left, 15);
  assert_int_equal (rep_at (p, 1)->needed, 136);
  assert_int_equal (rep_at (p, 1)->needed_per_day, 10);
  assert_int_equal (p->team->next_checkpoint, 0);
  assert_int_equal (p->team->days_left, 15);
  assert_int_equal (p->team->needed, 368);
  assert_int_equal (p->team->needed_per_day, 25);
}

/* A rep ahead of the next checkpoint needs 0, not a negative count. After
 * the end there is no next checkpoint: -1, 0 needed, 0 days, 0 a day. */
static void
test_checkpoint_needed_never_negative (void **state)
{
  Fixture *f = *state;
  add_day (f, "alice", 2027, 1, 8, 400);
  add_day (f, "bob", 2027, 3, 31, 623);
  {
    g_autoptr (PdProgress) p = compute (f, 2027, 1, 8, NULL);
    assert_int_equal (rep_at (p, 0)->needed, 0);
    assert_int_equal (rep_at (p, 0)->needed_per_day, 0);
    assert_int_equal (rep_at (p, 0)->days_left, 15);
  }
  {
    g_autoptr (PdProgress) p = compute (f, 2027, 4, 5, NULL);
    for (guint i = 0; i < 2; i++)
      {
        const PdRepProgress *rep = rep_at (p, i);
        assert_int_equal (rep->next_checkpoint, -1);
        assert_int_equal (rep->needed, 0);
        assert_int_equal (rep->days_left, 0);
        assert_int_equal (rep->needed_per_day, 0);
      }
    assert_int_equal (p->team->next_checkpoint, -1);
    assert_int_equal (p->team->days_left, 0);
    assert_int_equal (p->team->needed_per_day, 0);
    /* Alice's 400 miss the end (1 245); bob's 623 meet it; the team's
     * 1 023 of 1 868 miss it. Everything is planned by now. */
    assert_checkpoint (checkpoint_at (rep_at (p, 0), 2), 1245, 400, PD_CHECKPOINT_MISSED);
    assert_checkpoint (checkpoint_at (rep_at (p, 1), 2), 623, 623, PD_CHECKPOINT_MET);
    assert_checkpoint (checkpoint_at (p->team, 2), 1868, 1023, PD_CHECKPOINT_MISSED);
    assert_checkpoint (checkpoint_at (rep_at (p, 1), 0), 156, 0, PD_CHECKPOINT_MISSED);
    assert_int_equal (p->team->planned, 1868);
  }
}

/* ------------------------------------------------------------ projection */

/* The projection follows the plan's curve: a rep keeps doing actual /
 * planned of it. As of 2027-02-01 (the entries of the checkpoint test):
 * alice 332 of the 334 planned, 913 left take ceil (913 x 334 / 332) =
 * ceil (918.49) = 919 of the curve's contacts: 334 + 919 = 1 253, 8 past
 * her total of 1 245; past the end the curve goes on at 1 245 over her 62
 * days, ceil (8 x 62 / 1 245) = 1 day: 2027-04-01. Bob 165 of 171: 458 x
 * 171 / 165 = 474.65 -> 475, 171 + 475 = 646, 23 past his 623, at 623
 * over his 57 days: ceil (23 x 57 / 623) = ceil (2.10) = 3 days: 04-01,
 * 04-02, 2027-04-05. (At the pace of January, linear, they were 04-23 and
 * 05-03: the curve is back-loaded, 25 % by 01-29.) The team finishes with
 * the last rep, bob. */
static void
test_projection_past_end (void **state)
{
  Fixture *f = *state;
  add_day (f, "alice", 2027, 1, 29, 312);
  add_day (f, "alice", 2027, 2, 1, 20);
  add_day (f, "bob", 2027, 1, 28, 155);
  add_day (f, "bob", 2027, 2, 1, 10);
  g_autoptr (PdProgress) p = compute (f, 2027, 2, 1, NULL);
  assert_date (&rep_at (p, 0)->projected_completion, 2027, 4, 1);
  assert_date (&rep_at (p, 1)->projected_completion, 2027, 4, 5);
  assert_date (&p->team->projected_completion, 2027, 4, 5);
  assert_int_equal (p->team_projection_rep, 1);
}

/* As of the end, 2027-03-31, all of the curve is planned: alice 700 of
 * 1 245, 545 left x 1 245 / 700 = 969.3 -> 970 of the curve past the end,
 * at 1 245 over 62 days: 970 x 62 / 1 245 = 48.3 -> 49 days: 22 in April; May 3-5 (25), skipping Thursday 05-06
 * (Ascension), Friday 05-07 (the campaign's holiday), 05-17 (Whit Monday):
 * 10-14 (30), 18-21 (34), 24-28 (39), 31 (40); June 1-4 (44), 7-11: 06-11.
 * Bob 400 of 623: 223 x 623 / 400 = 347.3 -> 348, x 57 / 623 = 31.8 ->
 * 32: 22 in April, then 3, 4, 5, 10..14, 18, 19: 05-19. As of 04-15, after
 * the end, alice's 49 days count from then: 11 April days (16, 19-23,
 * 26-30), 18 in May, June 1-4, 7-11, 14-18, 21-25, 28: 2027-06-28. */
static void
test_projection_skips_holidays (void **state)
{
  Fixture *f = *state;
  add_day (f, "alice", 2027, 3, 31, 700);
  add_day (f, "bob", 2027, 3, 1, 400);
  g_autoptr (PdProgress) p = compute (f, 2027, 3, 31, NULL);
  assert_date (&rep_at (p, 0)->projected_completion, 2027, 6, 11);
  assert_date (&rep_at (p, 1)->projected_completion, 2027, 5, 19);
  assert_date (&p->team->projected_completion, 2027, 6, 11);
  assert_int_equal (p->team_projection_rep, 0);
  g_autoptr (PdProgress) later = compute (f, 2027, 4, 15, NULL);
  assert_date (&rep_at (later, 0)->projected_completion, 2027, 6, 28);
}

/* As of 2027-01-08: alice 80 of 80, exactly on the curve: she finishes
 * with it, on its last day, 2027-03-31 (linear, 04-22). Bob 20 of 40,
 * half the curve: 603 left take 1 206 of the curve, 623 past his total,
 * at 623 over 57 days: 57 days after 03-31: 22 in April, 18 in May (6,
 * 7 and 17 skipped), June 1-4, 7-11, 14-18, 21-23: 2027-06-23. Without
 * any contact, bob has no projection and neither has the team. */
static void
test_projection_team_and_none (void **state)
{
  Fixture *f = *state;
  add_january (f, "alice", 4, 8, 16);
  {
    g_autoptr (PdProgress) p = compute (f, 2027, 1, 8, NULL);
    assert_date (&rep_at (p, 0)->projected_completion, 2027, 3, 31);
    assert_false (g_date_valid (&rep_at (p, 1)->projected_completion));
    assert_false (g_date_valid (&p->team->projected_completion));
    assert_int_equal (p->team_projection_rep, -1);
  }
  add_january (f, "bob", 4, 8, 4);
  {
    g_autoptr (PdProgress) p = compute (f, 2027, 1, 8, NULL);
    assert_date (&rep_at (p, 1)->projected_completion, 2027, 6, 23);
    assert_date (&p->team->projected_completion, 2027, 6, 23);
    assert_int_equal (p->team_projection_rep, 1);
  }
}

/* A rep ahead of the curve finishes by the end: as of
 * 2027-01-08, bob 42 of 40 planned: 581 left x 40 / 42 = 553.3 -> 554 of
 * the curve, 40 + 554 = 594, which his baseline reaches on 2027-03-26
 * (579 on 03-24, 590 on 03-25, 601 on 03-26); linear, 581 x 5 / 42 = 70
 * days, he was 2027-04-26. Alice 64 of 80: 1 181 x 80 / 64 = 1 476.25 ->
 * 1 477, 80 + 1 477 = 1 557, 312 past 1 245: 312 x 62 / 1 245 = 15.5 ->
 * 16 days after 03-31: 2027-04-22, the team's, alice's. */
static void
test_projection_ahead_by_the_end (void **state)
{
  Fixture *f = *state;
  add_january (f, "alice", 4, 7, 16);
  add_january (f, "bob", 4, 7, 8);
  add_day (f, "bob", 2027, 1, 8, 10);
  g_autoptr (PdProgress) p = compute (f, 2027, 1, 8, NULL);
  assert_int_equal (rep_at (p, 1)->pace, PD_PACE_AHEAD);
  assert_date (&rep_at (p, 1)->projected_completion, 2027, 3, 26);
  assert_date (&rep_at (p, 0)->projected_completion, 2027, 4, 22);
  assert_date (&p->team->projected_completion, 2027, 4, 22);
  assert_int_equal (p->team_projection_rep, 0);
}

/* A rep who already reached the total: the completion is the day the
 * cumulative reached it (entries in any order; days after as_of ignored). */
static void
test_projection_done (void **state)
{
  Fixture *f = *state;
  add_day (f, "alice", 2027, 3, 15, 300);
  add_day (f, "alice", 2027, 3, 1, 1000);
  add_day (f, "alice", 2027, 3, 20, 5);
  add_day (f, "bob", 2027, 3, 1, 623);
  add_day (f, "bob", 2027, 3, 18, 1000);
  g_autoptr (PdProgress) p = compute (f, 2027, 3, 16, NULL);
  assert_int_equal (rep_at (p, 0)->actual, 1300);
  assert_date (&rep_at (p, 0)->projected_completion, 2027, 3, 15);
  assert_date (&rep_at (p, 1)->projected_completion, 2027, 3, 1);
  assert_date (&p->team->projected_completion, 2027, 3, 15);
}

/* ------------------------------------------------------------ ignored */

/* Entries after as_of and reps not in the campaign change nothing. */
static void
test_ignores_future_and_strangers (void **state)
{
  Fixture *f = *state;
  add_january (f, "alice", 4, 8, 16);
  add_january (f, "bob", 4, 8, 4);
  add_day (f, "alice", 2027, 1, 11, 500);
  add_day (f, "bob", 2027, 1, 9, 500);
  add_day (f, "carol", 2027, 1, 5, 1000);
  add_day (f, "Alice", 2027, 1, 5, 1000);
  g_autoptr (PdProgress) p = compute (f, 2027, 1, 8, NULL);
  assert_int_equal (rep_at (p, 0)->actual, 80);
  assert_int_equal (rep_at (p, 1)->actual, 20);
  assert_int_equal (p->team->actual, 100);
  assert_int_equal (rep_at (p, 1)->gap_ppm, -500000);
  assert_date (&rep_at (p, 0)->projected_completion, 2027, 3, 31);
  assert_int_equal (checkpoint_at (p->team, 0)->actual, 100);
}

/* ------------------------------------------------------------ rates */

/* Each rate reads the rep-days that carry its counts. Bob 01-08: 200
 * contacts, 50 prospects (2 active, 10 latent, 38 arid), 6 proposals, 2
 * deals, 50 000 €. Alice 01-08: 16 contacts, 4 prospects not qualified;
 * 01-07: a deal without proposal or revenue; other days: calls only.
 *   accessibility  2 / 50 = 4 % (alice's 4 unqualified prospects left out)
 *   contacts/prospect  (200 + 16) / (50 + 4) = 4 (calls-only days left out:
 *                  all contacts over all prospects made 296 / 54 = 5.48)
 *   proposals/deal  6 / 2 = 3 (alice logs no proposals: her deal left out)
 *   average deal   50 000 € / 2 = 25 000 € (the deal without revenue left out)
 * Funnel at these rates, rounding up: ceil(60 000 / 25 000) = 3 deals, 9
 * proposals, 36 active, 28 after spontaneous, 28 / 4 % = 700 prospects,
 * 2 800 contacts. Team actual 48 + 16 + 16 (alice) + 16 + 200 (bob) = 296:
 * (2 800 - 296) x 2 = 5 008 minutes; at the plan's rates (1 868 - 296) x 2
 * = 3 144. The totals given only fill progress->totals. */
static void
test_observed_rates_and_reprojection (void **state)
{
  Fixture *f = *state;
  add_january (f, "alice", 4, 6, 16);
  add_outcomes (f, "alice", 1, 7, 16, 0, 0, 0, 0, 0, 1, 0);
  add_outcomes (f, "alice", 1, 8, 16, 4, 0, 0, 0, 0, 0, 0);
  add_january (f, "bob", 4, 7, 4);
  add_outcomes (f, "bob", 1, 8, 200, 50, 2, 10, 38, 6, 2, 5000000);
  PdTotals totals = { .entries = 10, .contacts = 296, .prospects = 54, .active = 2,
                      .latent = 10, .arid = 38, .proposals = 6, .deals = 3,
                      .revenue_cents = 5000000 };
  g_autoptr (PdProgress) p = compute (f, 2027, 1, 8, &totals);

  assert_true (p->observed.has_accessibility_rate);
  assert_int_equal (p->observed.accessibility_rate, 40000);
  assert_int_equal (p->observed.accessibility_n, 50);
  assert_true (p->observed.has_contacts_per_prospect);
  assert_int_equal (p->observed.contacts_per_prospect, 4000000);
  assert_int_equal (p->observed.contacts_per_prospect_n, 54);
  assert_true (p->observed.has_proposals_per_deal);
  assert_int_equal (p->observed.proposals_per_deal, 3000000);
  assert_int_equal (p->observed.proposals_per_deal_n, 2);
  assert_true (p->observed.has_average_deal);
  assert_int_equal (p->observed.average_deal_cents, 2500000);
  assert_int_equal (p->observed.average_deal_n, 2);
  assert_int_equal (p->observed.accessibility_active, 2);
  assert_int_equal (p->observed.contacts_per_prospect_contacts, 216);
  assert_int_equal (p->observed.proposals_per_deal_proposals, 6);
  assert_int_equal (p->observed.average_deal_revenue_cents, 5000000);
  assert_int_equal (p->revenue_cents, 5000000);
  assert_int_equal (p->totals.prospects, 54);
  assert_int_equal (p->totals.entries, 10);

  assert_int_equal (p->team->actual, 296);
  assert_true (p->has_reprojection);
  assert_int_equal (p->reprojected_contacts, 2800);
  assert_int_equal (p->remaining_call_minutes, 5008);
  assert_int_equal (p->remaining_call_minutes_assumed, 3144);
  assert_false (p->remaining_at_least_gap);
}

/* Rates that do not divide (bob 01-08: 100 contacts, 30 prospects, 1
 * active, 7 proposals, 3 deals, 50 000 €): 1 / 30 = 33 333.33 -> 33 333
 * ppm; 100 / 30 -> 3 333 333; 7 / 3 -> 2 333 333; 5 000 000 / 3 cents ->
 * 1 666 666. Funnel: ceil(6 000 000 / 1 666 666) = ceil(3.0000012) = 4
 * deals; ceil(4 x 2.333333) = 10 proposals; 40 active; 32; ceil(32 /
 * 0.033333) = ceil(960.0096) = 961 prospects; ceil(961 x 3.333333) =
 * ceil(3 203.333) = 3 204 contacts. With 1.5 minutes a contact and 80 + 16
 * + 100 + 1 = 197 done: (3 204 - 197) x 1.5 = 4 510.5 -> 4 511; assumed
 * (1 868 - 197) x 1.5 = 2 506.5 -> 2 507. */
static void
test_rates_rounding (void **state)
{
  Fixture *f = *state;
  f->campaign->plan.minutes_per_contact = 1500000;
  add_january (f, "alice", 4, 8, 16);
  add_day (f, "alice", 2027, 1, 8, 1);
  add_january (f, "bob", 4, 7, 4);
  add_outcomes (f, "bob", 1, 8, 100, 30, 1, 0, 0, 7, 3, 5000000);
  g_autoptr (PdProgress) p = compute (f, 2027, 1, 8, NULL);

  assert_int_equal (p->observed.accessibility_rate, 33333);
  assert_int_equal (p->observed.contacts_per_prospect, 3333333);
  assert_int_equal (p->observed.proposals_per_deal, 2333333);
  assert_int_equal (p->observed.average_deal_cents, 1666666);
  assert_int_equal (p->team->actual, 197);
  assert_int_equal (p->reprojected_contacts, 3204);
  assert_int_equal (p->remaining_call_minutes, 4511);
  assert_int_equal (p->remaining_call_minutes_assumed, 2507);
}

/* Nothing to divide by: no rate, the plan's funnel stands. Prospects
 * qualified but no active one: contacts per prospect is known (3),
 * accessibility is not (0 % cannot recompute the funnel); a deal from a
 * rep who logs no proposals gives no proposals per deal, and no revenue no
 * average deal: 28 / 6 % = 467 prospects x 3 = 1 401 contacts, (1 401 -
 * 30) x 2 = 2 742 min. Done beyond the plan: 0 minutes left, never
 * negative (and the team is ahead). */
static void
test_rates_missing (void **state)
{
  Fixture *f = *state;
  {
    PdTotals totals = { 0 };
    g_autoptr (PdProgress) p = compute (f, 2027, 1, 8, &totals);
    assert_false (p->observed.has_accessibility_rate);
    assert_false (p->observed.has_contacts_per_prospect);
    assert_false (p->observed.has_proposals_per_deal);
    assert_false (p->observed.has_average_deal);
    assert_int_equal (p->reprojected_contacts, 1868);
    assert_int_equal (p->remaining_call_minutes, 3736);
    assert_int_equal (p->remaining_call_minutes_assumed, 3736);
  }
  {
    g_autoptr (PdProgress) p = compute (f, 2027, 1, 8, NULL);
    assert_false (p->observed.has_contacts_per_prospect);
    assert_int_equal (p->revenue_cents, 0);
    assert_int_equal (p->reprojected_contacts, 1868);
  }
  add_outcomes (f, "bob", 1, 8, 30, 10, 0, 4, 6, 0, 1, 0);
  {
    g_autoptr (PdProgress) p = compute (f, 2027, 1, 8, NULL);
    assert_false (p->observed.has_accessibility_rate);
    assert_int_equal (p->observed.accessibility_n, 10);
    assert_true (p->observed.has_contacts_per_prospect);
    assert_int_equal (p->observed.contacts_per_prospect, 3000000);
    assert_false (p->observed.has_proposals_per_deal);
    assert_int_equal (p->observed.proposals_per_deal_n, 0);
    assert_false (p->observed.has_average_deal);
    assert_int_equal (p->observed.average_deal_n, 0);
    assert_int_equal (p->reprojected_contacts, 1401);
    assert_int_equal (p->remaining_call_minutes, 2742);
    assert_false (p->remaining_at_least_gap);
  }
  add_day (f, "alice", 2027, 1, 8, 2000);
  {
    g_autoptr (PdProgress) p = compute (f, 2027, 1, 8, NULL);
    assert_int_equal (p->remaining_call_minutes, 0);
    assert_int_equal (p->remaining_call_minutes_assumed, 0);
    assert_false (p->remaining_at_least_gap);
  }
}

/* A team behind is never told "0 min" at the observed rates.
 * Alice 01-08: 40 contacts, 10 prospects, 5 active, 1 proposal, 1 deal of
 * 60 000 €: 1 deal, 1 proposal, 4 active, all covered by the 8
 * spontaneous prospects: 0 contacts at these rates. The team did 40 of the
 * 120 planned (behind): the observed-rate time is the gap's, (120 - 40) x
 * 2 = 160 min. */
static void
test_remaining_while_behind (void **state)
{
  Fixture *f = *state;
  add_outcomes (f, "alice", 1, 8, 40, 10, 5, 5, 0, 1, 1, 6000000);
  g_autoptr (PdProgress) p = compute (f, 2027, 1, 8, NULL);
  assert_int_equal (p->team->pace, PD_PACE_BEHIND);
  assert_int_equal (p->reprojected_contacts, 0);
  assert_true (p->remaining_at_least_gap);
  assert_int_equal (p->remaining_call_minutes, 160);
  assert_int_equal (p->remaining_call_minutes_assumed, 3656);
}

/* bob joins on 1 February ([rep bob] start): nothing is due from him
 * before, so he is never behind then; the 156 of the 29 January
 * checkpoint are due with the 374 of 26 February, over his 15 days of
 * February (days off 15-19): 25 a day, one 24. */
static void
test_rep_start (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  PdRep *bob = g_ptr_array_index (f->campaign->reps, 1);

  bob->start = make_date (2027, 2, 1);
  pd_schedule_free (f->baseline);
  f->baseline = pd_schedule_build (f->campaign, &f->plan, &error);
  assert_non_null (f->baseline);
  add_january (f, "alice", 4, 29, 16);

  g_autoptr (PdProgress) january = compute (f, 2027, 1, 29, NULL);
  const PdRepProgress *b = rep_at (january, 1);
  assert_int_equal (b->planned, 0);
  assert_int_equal (b->actual, 0);
  assert_string_equal (pd_pace_name (b->pace), "on_track");
  assert_checkpoint (checkpoint_at (b, 0), 0, 0, PD_CHECKPOINT_MET);
  assert_checkpoint (checkpoint_at (b, 1), 374, 0, PD_CHECKPOINT_UPCOMING);
  assert_int_equal (b->next_checkpoint, 1);
  assert_int_equal (b->days_left, 15);
  assert_int_equal (b->needed_per_day, 25);
  /* The team's January checkpoint is alice's alone. */
  assert_checkpoint (checkpoint_at (january->team, 0), 312, 16 * 20, PD_CHECKPOINT_MET);

  /* Two days in, 30 done of 50 planned: behind. */
  add_day (f, "bob", 2027, 2, 1, 30);
  g_autoptr (PdProgress) february = compute (f, 2027, 2, 2, NULL);
  b = rep_at (february, 1);
  assert_int_equal (b->planned, 50);
  assert_string_equal (pd_pace_name (b->pace), "behind");
}

static void
test_names (void **state)
{
  (void) state;
  assert_string_equal (pd_pace_name (PD_PACE_AHEAD), "ahead");
  assert_string_equal (pd_pace_name (PD_PACE_ON_TRACK), "on_track");
  assert_string_equal (pd_pace_name (PD_PACE_BEHIND), "behind");
  pd_progress_free (NULL);
}

/* ------------------------------------------------------------ a rep at a time */

static void
assert_rep_progress_equal (const PdRepProgress *a, const PdRepProgress *b)
{
  assert_int_equal (a->rep_index, b->rep_index);
  assert_int_equal (a->total, b->total);
  assert_int_equal (a->planned, b->planned);
  assert_int_equal (a->actual, b->actual);
  assert_int_equal (a->gap, b->gap);
  assert_int_equal (a->gap_ppm, b->gap_ppm);
  assert_int_equal (a->pace, b->pace);
  assert_int_equal (a->next_checkpoint, b->next_checkpoint);
  assert_int_equal (a->needed, b->needed);
  assert_int_equal (a->days_left, b->days_left);
  assert_int_equal (a->needed_per_day, b->needed_per_day);
  assert_int_equal (g_date_valid (&a->projected_completion), g_date_valid (&b->projected_completion));
  if (g_date_valid (&a->projected_completion))
    assert_int_equal (g_date_get_julian (&a->projected_completion), g_date_get_julian (&b->projected_completion));
  assert_int_equal (a->checkpoints->len, b->checkpoints->len);
  for (guint k = 0; k < a->checkpoints->len; k++)
    {
      const PdCheckpointProgress *x = checkpoint_at (a, k), *y = checkpoint_at (b, k);
      assert_int_equal (g_date_get_julian (&x->date), g_date_get_julian (&y->date));
      assert_int_equal (x->target, y->target);
      assert_int_equal (x->actual, y->actual);
      assert_int_equal (x->state, y->state);
    }
}

/* Built a rep at a time (each rep's baseline curve alone, each rep's
 * days alone) the progress is pd_progress_compute()'s, field for field. */
static void
test_builder_same_as_compute (void **state)
{
  Fixture *f = *state;
  add_january (f, "alice", 4, 20, 16);
  add_outcomes (f, "alice", 1, 21, 16, 0, 0, 0, 0, 0, 1, 0);
  add_outcomes (f, "alice", 1, 22, 16, 4, 1, 0, 3, 2, 0, 0);
  add_outcomes (f, "alice", 2, 3, 500, 9, 2, 2, 2, 0, 0, 0); /* after as_of: ignored */
  add_january (f, "bob", 4, 27, 30);
  add_outcomes (f, "bob", 1, 28, 200, 50, 2, 10, 38, 6, 2, 5000000);
  add_outcomes (f, "carol", 1, 28, 70, 7, 1, 1, 1, 1, 1, 100); /* not in the campaign */
  PdTotals totals = { .entries = 40, .contacts = 1234, .revenue_cents = 5000000 };
  GDate as_of = make_date (2027, 1, 29);
  g_autoptr (PdProgress) whole = pd_progress_compute (f->campaign, &f->plan, f->baseline, &as_of, f->daily, &totals);
  g_autoptr (PdScheduleBuilder) schedules = pd_schedule_builder_new (f->campaign, &f->plan);
  g_autoptr (PdProgressBuilder) builder = pd_progress_builder_new (f->campaign, &f->plan, &as_of);
  g_autoptr (PdProgress) by_rep = NULL;

  for (guint r = f->campaign->reps->len; r-- > 0;) /* any order */
    {
      const PdRep *rep = g_ptr_array_index (f->campaign->reps, r);
      g_autoptr (PdScheduleCurve) curve = pd_schedule_builder_rep_curve (schedules, r, NULL);
      g_autoptr (GArray) days = g_array_new (FALSE, TRUE, sizeof (PdDailyContacts));

      assert_non_null (curve);
      for (guint i = 0; i < f->daily->len; i++)
        if (g_str_equal (g_array_index (f->daily, PdDailyContacts, i).rep, rep->name))
          g_array_append_val (days, g_array_index (f->daily, PdDailyContacts, i));
      pd_progress_builder_add_rep (builder, r, curve, days);
    }
  by_rep = pd_progress_builder_finish (builder, &totals);
  assert_non_null (by_rep);

  assert_int_equal (whole->reps->len, by_rep->reps->len);
  for (guint r = 0; r < whole->reps->len; r++)
    assert_rep_progress_equal (rep_at (whole, r), rep_at (by_rep, r));
  assert_rep_progress_equal (whole->team, by_rep->team);
  assert_int_equal (whole->team->actual, 16 * 13 + 16 + 16 + 30 * 18 + 200);
  assert_int_equal (whole->team_projection_rep, by_rep->team_projection_rep);
  assert_memory_equal (&whole->totals, &by_rep->totals, sizeof whole->totals);
  assert_memory_equal (&whole->observed, &by_rep->observed, sizeof whole->observed);
  assert_true (by_rep->observed.has_proposals_per_deal);
  assert_int_equal (by_rep->observed.proposals_per_deal, 2666666);
  assert_int_equal (whole->revenue_cents, by_rep->revenue_cents);
  assert_int_equal (whole->remaining_call_minutes_assumed, by_rep->remaining_call_minutes_assumed);
  assert_int_equal (whole->remaining_call_minutes, by_rep->remaining_call_minutes);
  assert_int_equal (whole->reprojected_contacts, by_rep->reprojected_contacts);
  assert_int_equal (whole->remaining_at_least_gap, by_rep->remaining_at_least_gap);
  assert_int_equal (whole->has_reprojection, by_rep->has_reprojection);
}

/* The reached day of a rep's days, as the store answers it from its
 * running sums: the first day on or before as_of whose running contacts
 * reach the number. */
typedef struct {
  const GArray *days; /* one rep's */
  GDate as_of;
  guint calls;
} ReachedDays;

static void
reached_from_days (gint64 contacts, GDate *ret_date, gpointer user_data)
{
  ReachedDays *reached = user_data;
  gint64 running = 0;

  reached->calls++;
  g_date_clear (ret_date, 1);
  for (guint i = 0; i < reached->days->len; i++)
    {
      const PdDailyContacts *day = &g_array_index (reached->days, PdDailyContacts, i);

      if (g_date_compare (&day->date, &reached->as_of) > 0)
        continue;
      running += day->contacts;
      if (running >= contacts && (!g_date_valid (ret_date) || g_date_compare (&day->date, ret_date) < 0))
        *ret_date = day->date;
    }
}

/* Built from each rep's running sums, as status builds it from those the
 * store keeps (the sums at as_of and at each checkpoint, the day a total
 * was reached asked when needed), the progress is pd_progress_compute()'s
 * over the days, field for field; bob has reached his total. */
static void
test_builder_from_sums (void **state)
{
  Fixture *f = *state;
  add_january (f, "alice", 4, 20, 16);
  add_outcomes (f, "alice", 1, 21, 16, 0, 0, 0, 0, 0, 1, 0);
  add_outcomes (f, "alice", 1, 22, 16, 4, 1, 0, 3, 2, 0, 0);
  add_outcomes (f, "alice", 2, 3, 500, 9, 2, 2, 2, 0, 0, 0);
  add_outcomes (f, "alice", 3, 3, 500, 9, 2, 2, 2, 0, 0, 0); /* after as_of: ignored */
  add_january (f, "bob", 4, 27, 30);
  add_outcomes (f, "bob", 1, 28, 200000, 50, 2, 10, 38, 6, 2, 5000000);
  add_outcomes (f, "carol", 1, 28, 70, 7, 1, 1, 1, 1, 1, 100); /* not in the campaign */
  GDate as_of = make_date (2027, 2, 26);
  g_autoptr (PdProgress) whole = pd_progress_compute (f->campaign, &f->plan, f->baseline, &as_of, f->daily, NULL);
  g_autoptr (PdScheduleBuilder) schedules = pd_schedule_builder_new (f->campaign, &f->plan);
  g_autoptr (PdProgressBuilder) builder = pd_progress_builder_new (f->campaign, &f->plan, &as_of);
  g_autoptr (PdProgress) by_sums = NULL;
  guint reached_calls = 0;

  for (guint r = 0; r < f->campaign->reps->len; r++)
    {
      const PdRep *rep = g_ptr_array_index (f->campaign->reps, r);
      g_autoptr (PdScheduleCurve) curve = pd_schedule_builder_rep_curve (schedules, r, NULL);
      g_autofree gint64 *checkpoints = g_new0 (gint64, f->campaign->checkpoints->len + 1);
      ReachedDays reached = { NULL, as_of, 0 };
      PdRepLogged logged = { .checkpoint_contacts = checkpoints, .reached = reached_from_days,
                             .reached_data = &reached };
      g_autoptr (GArray) days = g_array_new (FALSE, TRUE, sizeof (PdDailyContacts));

      for (guint i = 0; i < f->daily->len; i++)
        if (g_str_equal (g_array_index (f->daily, PdDailyContacts, i).rep, rep->name))
          g_array_append_val (days, g_array_index (f->daily, PdDailyContacts, i));
      reached.days = days;
      pd_progress_running_sums (f->daily, rep->name, &as_of, &logged.sums);
      for (guint k = 0; k < f->campaign->checkpoints->len; k++)
        {
          PdRunningSums then;

          pd_progress_running_sums (f->daily, rep->name,
                                    &g_array_index (f->campaign->checkpoints, PdCheckpoint, k).date, &then);
          checkpoints[k] = then.totals.contacts;
        }
      pd_progress_builder_add_rep_logged (builder, r, curve, &logged);
      reached_calls += reached.calls;
    }
  by_sums = pd_progress_builder_finish (builder, NULL);

  for (guint r = 0; r < whole->reps->len; r++)
    assert_rep_progress_equal (rep_at (whole, r), rep_at (by_sums, r));
  assert_rep_progress_equal (whole->team, by_sums->team);
  assert_memory_equal (&whole->observed, &by_sums->observed, sizeof whole->observed);
  assert_int_equal (whole->remaining_call_minutes, by_sums->remaining_call_minutes);
  /* bob reached his total on 28 January: asked once, for him alone. */
  assert_int_equal (reached_calls, 1);
  assert_true (g_date_valid (&rep_at (by_sums, 1)->projected_completion));
  assert_int_equal (g_date_get_day (&rep_at (by_sums, 1)->projected_completion), 28);
  assert_int_equal (rep_at (by_sums, 0)->actual, 16 * 13 + 16 + 16 + 500);
}

/* The team's contacts to its checkpoints given by the caller (status
 * --rep, from the team's days less those of reps not in the campaign):
 * the team's past checkpoints take them, and a rep added without its own
 * (bob, not shown) costs no read. As of 2027-02-01, by the 2027-01-29
 * checkpoint alice has 20 x 16 = 320, bob 13 x 8 = 104 (to 01-20): the
 * team 424 of its 468 due, missed; carol's 70 are not the team's. */
static void
test_builder_team_checkpoints (void **state)
{
  Fixture *f = *state;
  add_january (f, "alice", 4, 29, 16);
  add_january (f, "bob", 4, 20, 8);
  add_day (f, "carol", 2027, 1, 28, 70); /* not in the campaign */
  GDate as_of = make_date (2027, 2, 1);
  /* The upcoming ones are not read: whatever they hold. */
  const gint64 team_contacts[3] = { 424, -5, -6 };
  g_autoptr (PdProgress) whole = pd_progress_compute (f->campaign, &f->plan, f->baseline, &as_of, f->daily, NULL);
  g_autoptr (PdScheduleBuilder) schedules = pd_schedule_builder_new (f->campaign, &f->plan);
  g_autoptr (PdProgressBuilder) builder = pd_progress_builder_new (f->campaign, &f->plan, &as_of);
  g_autoptr (PdProgressBuilder) summed = pd_progress_builder_new (f->campaign, &f->plan, &as_of);
  g_autoptr (PdProgress) given = NULL, without = NULL;

  for (guint r = 0; r < f->campaign->reps->len; r++)
    {
      const PdRep *rep = g_ptr_array_index (f->campaign->reps, r);
      g_autoptr (PdScheduleCurve) curve = pd_schedule_builder_rep_curve (schedules, r, NULL);
      gint64 checkpoints[3] = { 0 };
      PdRepLogged logged = { 0 };

      pd_progress_running_sums (f->daily, rep->name, &as_of, &logged.sums);
      if (r == 0) /* alice's shown: her own, read */
        {
          PdRunningSums then;
          GDate first = make_date (2027, 1, 29);

          pd_progress_running_sums (f->daily, rep->name, &first, &then);
          checkpoints[0] = then.totals.contacts;
          logged.checkpoint_contacts = checkpoints;
        }
      pd_progress_builder_add_rep_logged (builder, r, curve, &logged);
      pd_progress_builder_add_rep_logged (summed, r, curve, &logged);
    }
  pd_progress_builder_set_team_checkpoint_contacts (builder, team_contacts);
  given = pd_progress_builder_finish (builder, NULL);
  without = pd_progress_builder_finish (summed, NULL);

  assert_int_equal (checkpoint_at (given->team, 0)->actual, 424);
  assert_int_equal (checkpoint_at (given->team, 0)->target, 468);
  assert_int_equal (checkpoint_at (given->team, 0)->state, PD_CHECKPOINT_MISSED);
  assert_int_equal (checkpoint_at (given->team, 1)->actual, 424);
  assert_int_equal (checkpoint_at (given->team, 1)->state, PD_CHECKPOINT_UPCOMING);
  assert_int_equal (checkpoint_at (given->team, 2)->actual, 424);
  assert_rep_progress_equal (whole->team, given->team);
  assert_rep_progress_equal (rep_at (whole, 0), rep_at (given, 0));
  assert_int_equal (checkpoint_at (rep_at (given, 0), 0)->actual, 320);
  /* bob's own past checkpoint, not read, reads 0; without the team's
   * given, the team's would be the reps' summed: 320. */
  assert_int_equal (checkpoint_at (rep_at (given, 1), 0)->actual, 0);
  assert_int_equal (checkpoint_at (without->team, 0)->actual, 320);
}

/* The progress built a rep at a time as status builds it (each rep's
 * curve, pd_schedule_builder_rep_curve(), and its own rows) equals
 * pd_progress_compute() over the whole team's days, field for field. */
static PdProgress *
assert_builder_same (const PdCampaign *campaign, const PdPlan *plan, const PdSchedule *baseline,
                     const GArray *daily, const GDate *as_of)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PdScheduleBuilder) schedules = pd_schedule_builder_new (campaign, plan);
  g_autoptr (PdProgressBuilder) builder = pd_progress_builder_new (campaign, plan, as_of);
  g_autoptr (PdProgress) whole = pd_progress_compute (campaign, plan, baseline, as_of, daily, NULL);
  g_autoptr (PdProgress) by_rep = NULL;

  for (guint r = 0; r < campaign->reps->len; r++)
    {
      const PdRep *rep = g_ptr_array_index (campaign->reps, r);
      g_autoptr (PdScheduleCurve) curve = pd_schedule_builder_rep_curve (schedules, r, &error);
      g_autoptr (GArray) rows = g_array_new (FALSE, TRUE, sizeof (PdDailyContacts));

      assert_non_null (curve);
      for (guint i = 0; i < daily->len; i++)
        if (g_str_equal (g_array_index (daily, PdDailyContacts, i).rep, rep->name))
          g_array_append_val (rows, g_array_index (daily, PdDailyContacts, i));
      pd_progress_builder_add_rep (builder, r, curve, rows);
    }
  by_rep = pd_progress_builder_finish (builder, NULL);
  assert_non_null (by_rep);

  assert_int_equal (whole->reps->len, campaign->reps->len);
  assert_int_equal (by_rep->reps->len, campaign->reps->len);
  for (guint r = 0; r < whole->reps->len; r++)
    assert_rep_progress_equal (g_ptr_array_index (whole->reps, r), ((const PdRepProgress *) g_ptr_array_index (by_rep->reps, r)));
  assert_rep_progress_equal (whole->team, by_rep->team);
  assert_int_equal (whole->team_projection_rep, by_rep->team_projection_rep);
  assert_memory_equal (&whole->observed, &by_rep->observed, sizeof whole->observed);
  assert_int_equal (whole->remaining_call_minutes, by_rep->remaining_call_minutes);
  assert_int_equal (whole->team->days_left, by_rep->team->days_left);
  return g_steal_pointer (&by_rep);
}

/* The example campaign with four reps, three of them on one calendar
 * (one with a start of her own). */
static PdCampaign *
four_reps (PdPlan *ret_plan, PdSchedule **ret_baseline)
{
  g_autofree char *text = NULL;
  g_autoptr (GString) edited = NULL;
  g_autoptr (GError) error = NULL;
  PdCampaign *campaign;

  assert_true (g_file_get_contents ("config/campaigns/example.conf", &text, NULL, NULL));
  edited = g_string_new (text);
  assert_int_equal (g_string_replace (edited, "alice = 1\nbob = 0.5\n",
                                      "alice = 1\nbob = 0.5\ncarol = 0.7\ndave = 1.2\n"
                                      "\n[rep dave]\nstart = 2027-01-18\n", 0), 1);
  campaign = pd_config_parse_campaign ("progress-test.conf", edited->str, edited->len, &error);
  assert_non_null (campaign);
  pd_workcal_prepare (campaign);
  assert_int_equal (campaign->reps->len, 4);
  assert_true (pd_plan_compute (&campaign->plan, ret_plan, &error));
  *ret_baseline = pd_schedule_build (campaign, ret_plan, &error);
  assert_non_null (*ret_baseline);
  return campaign;
}

/* pd_progress_builder_add_rep() and _finish() (each rep's curve, the
 * available days of one calendar shared by its reps) against
 * pd_progress_compute() over the whole team's schedule, field for field:
 * four reps, three of them on one calendar (one with a start of her own),
 * behind the curve so that their projections pass the end; carol's rows
 * come out of date order. */
static void
test_builder_shared_calendars (void **state)
{
  Fixture *f = *state;
  g_autoptr (PdSchedule) baseline = NULL;
  g_autoptr (PdProgress) by_rep = NULL;
  GDate as_of = make_date (2027, 3, 10);
  PdPlan plan;
  g_autoptr (PdCampaign) campaign = four_reps (&plan, &baseline);

  add_january (f, "alice", 4, 29, 9);
  add_january (f, "bob", 4, 29, 3);
  add_january (f, "carol", 4, 29, 5);
  add_january (f, "carol", 4, 8, 5);
  add_january (f, "dave", 18, 29, 7);
  add_outcomes (f, "dave", 3, 1, 40, 12, 3, 2, 7, 2, 1, 150000);
  add_outcomes (f, "alice", 3, 10, 30, 8, 2, 1, 5, 1, 0, 0);
  by_rep = assert_builder_same (campaign, &plan, baseline, f->daily, &as_of);
  for (guint r = 0; r < by_rep->reps->len; r++)
    {
      /* Every rep is behind: each projection is past the end. */
      assert_true (g_date_valid (&((const PdRepProgress *) g_ptr_array_index (by_rep->reps, r))->projected_completion));
      assert_true (g_date_compare (&((const PdRepProgress *) g_ptr_array_index (by_rep->reps, r))->projected_completion, &campaign->end) > 0);
    }
}

/* The days after the end are walked once per calendar and kept (the
 * first 4 096 of them): projections far past them, and ones that run
 * into the year 10000, still equal pd_progress_compute()'s, which walks
 * them for every rep. Alice and carol share a calendar and log one
 * contact each (their projections are centuries away); bob and dave
 * log more. As of 9999-11-15 (the campaign long over), no rep has a
 * date: bob's 38 or so days needed are fewer than the 46 days left in
 * the calendar but more than its working days, found by walking them. */
static void
test_builder_far_projections (void **state)
{
  Fixture *f = *state;
  g_autoptr (PdSchedule) baseline = NULL;
  PdPlan plan;
  g_autoptr (PdCampaign) campaign = four_reps (&plan, &baseline);
  const GDate dates[] = { make_date (2027, 3, 10), make_date (2027, 3, 31), make_date (9999, 11, 15) };
  guint far = 0, none = 0;

  add_day (f, "alice", 2027, 1, 4, 1);
  add_day (f, "carol", 2027, 1, 5, 1);
  add_january (f, "bob", 4, 29, 3);
  add_day (f, "bob", 2027, 3, 1, 105); /* 165 of his 275: some 38 days to go */
  add_january (f, "dave", 18, 29, 7);
  for (guint d = 0; d < G_N_ELEMENTS (dates); d++)
    {
      g_autoptr (PdProgress) by_rep = assert_builder_same (campaign, &plan, baseline, f->daily, &dates[d]);

      for (guint r = 0; r < by_rep->reps->len; r++)
        {
          const PdRepProgress *p = g_ptr_array_index (by_rep->reps, r);

          if (!g_date_valid (&p->projected_completion))
            none++;
          /* 4 096 available days are more than 15 years. */
          else if (g_date_get_year (&p->projected_completion) > 2045)
            far++;
        }
    }
  /* alice and carol, at each of the first two dates. */
  assert_int_equal (far, 4);
  /* As of 9999-11-15: every rep (each is short of its total). */
  assert_int_equal (none, 4);
}

/* The days kept for the projections are bounded in all (16 384, four
 * calendars' 4 096): six reps with days off of their own (six calendars),
 * each one contact done, so each is projected more than 4 096 days past
 * the end; the fifth and sixth find nothing left to keep and walk, and
 * every projection still equals pd_progress_compute()'s. */
static void
test_builder_projection_budget (void **state)
{
  Fixture *f = *state;
  g_autofree char *text = NULL;
  g_autoptr (GString) edited = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdCampaign) campaign = NULL;
  g_autoptr (PdSchedule) baseline = NULL;
  g_autoptr (PdProgress) by_rep = NULL;
  const char *const reps[] = { "alice", "bob", "carol", "dave", "erin", "frank" };
  GDate as_of = make_date (2027, 3, 10);
  PdPlan plan;

  assert_true (g_file_get_contents ("config/campaigns/example.conf", &text, NULL, NULL));
  edited = g_string_new (text);
  assert_int_equal (g_string_replace (edited, "alice = 1\nbob = 0.5\n",
                                      "alice = 1\nbob = 0.5\ncarol = 0.7\ndave = 1.2\nerin = 1\nfrank = 0.9\n"
                                      "\n[rep alice]\ndays_off = 2027-02-01..2027-02-02\n"
                                      "\n[rep carol]\ndays_off = 2027-02-03..2027-02-04\n"
                                      "\n[rep dave]\ndays_off = 2027-02-08..2027-02-09\n"
                                      "\n[rep erin]\ndays_off = 2027-02-10..2027-02-11\n"
                                      "\n[rep frank]\ndays_off = 2027-02-22..2027-02-23\n", 0), 1);
  campaign = pd_config_parse_campaign ("progress-test.conf", edited->str, edited->len, &error);
  assert_non_null (campaign);
  pd_workcal_prepare (campaign);
  assert_int_equal (campaign->reps->len, 6);
  assert_true (pd_plan_compute (&campaign->plan, &plan, &error));
  baseline = pd_schedule_build (campaign, &plan, &error);
  assert_non_null (baseline);

  for (guint r = 0; r < G_N_ELEMENTS (reps); r++)
    add_day (f, reps[r], 2027, 1, 4 + r % 3, 1);
  by_rep = assert_builder_same (campaign, &plan, baseline, f->daily, &as_of);
  for (guint r = 0; r < by_rep->reps->len; r++)
    {
      const PdRepProgress *p = g_ptr_array_index (by_rep->reps, r);

      /* 4 096 available days are more than 15 years. */
      assert_true (g_date_valid (&p->projected_completion));
      assert_true (g_date_get_year (&p->projected_completion) > 2045);
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_builder_shared_calendars, setup, teardown),
    cmocka_unit_test_setup_teardown (test_builder_far_projections, setup, teardown),
    cmocka_unit_test_setup_teardown (test_builder_projection_budget, setup, teardown),
    cmocka_unit_test_setup_teardown (test_pace_on_plan_and_half, setup, teardown),
    cmocka_unit_test_setup_teardown (test_pace_ahead, setup, teardown),
    cmocka_unit_test_setup_teardown (test_pace_threshold_boundary, setup, teardown),
    cmocka_unit_test_setup_teardown (test_before_start, setup, teardown),
    cmocka_unit_test_setup_teardown (test_checkpoint_met_and_missed, setup, teardown),
    cmocka_unit_test_setup_teardown (test_checkpoints_upcoming, setup, teardown),
    cmocka_unit_test_setup_teardown (test_checkpoint_needed_never_negative, setup, teardown),
    cmocka_unit_test_setup_teardown (test_projection_past_end, setup, teardown),
    cmocka_unit_test_setup_teardown (test_projection_skips_holidays, setup, teardown),
    cmocka_unit_test_setup_teardown (test_projection_team_and_none, setup, teardown),
    cmocka_unit_test_setup_teardown (test_projection_ahead_by_the_end, setup, teardown),
    cmocka_unit_test_setup_teardown (test_projection_done, setup, teardown),
    cmocka_unit_test_setup_teardown (test_ignores_future_and_strangers, setup, teardown),
    cmocka_unit_test_setup_teardown (test_observed_rates_and_reprojection, setup, teardown),
    cmocka_unit_test_setup_teardown (test_rates_rounding, setup, teardown),
    cmocka_unit_test_setup_teardown (test_rates_missing, setup, teardown),
    cmocka_unit_test_setup_teardown (test_remaining_while_behind, setup, teardown),
    cmocka_unit_test_setup_teardown (test_rep_start, setup, teardown),
    cmocka_unit_test_setup_teardown (test_builder_from_sums, setup, teardown),
    cmocka_unit_test_setup_teardown (test_builder_team_checkpoints, setup, teardown),
    cmocka_unit_test_setup_teardown (test_builder_same_as_compute, setup, teardown),
    cmocka_unit_test (test_names),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
