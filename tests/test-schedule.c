/* SPDX-License-Identifier: MIT
 *
 * Tests of schedule: the split by weight, checkpoint targets, the exact
 * blocks of the example campaign (config/campaigns/example.conf) for one
 * and two reps, the block rule (max_block, window room, DST gaps), the
 * capacity and no-day errors with their exact messages, catch-up
 * re-spreading and the planned-to-date curve. Campaigns are written as
 * text and read by config; plans come from plan. Expected values are
 * worked out by hand in the comments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "prospectd/config.h"
#include "prospectd/format.h"
#include "prospectd/plan.h"
#include "prospectd/schedule.h"
#include "prospectd/workcal.h"

/* The example campaign, as config/campaigns/example.conf has it. */
static const char example_text[] =
  "[campaign]\n"
  "name = New customers Q1 2027\n"
  "start = 2027-01-04\n"
  "end = 2027-03-31\n"
  "timezone = Europe/Paris\n"
  "currency = EUR\n"
  "\n"
  "[plan]\n"
  "objective = 60000\n"
  "average_deal = 20000\n"
  "proposals_per_deal = 3\n"
  "compensation_factor = 4\n"
  "spontaneous_prospects = 8\n"
  "accessibility_rate = 6%\n"
  "contacts_per_prospect = 4\n"
  "minutes_per_contact = 2\n"
  "rounding = up\n"
  "\n"
  "[calendar]\n"
  "workdays = mon-fri\n"
  "call_windows = 09:00-12:00, 14:00-17:00\n"
  "holidays = fr, 2027-05-07\n"
  "max_daily_calls = 2h\n"
  "max_block = 90m\n"
  "reminder = 10m\n"
  "\n"
  "[checkpoints]\n"
  "2027-01-29 = 25%\n"
  "2027-02-26 = 60%\n"
  "\n"
  "[reps]\n"
  "alice = 1\n"
  "bob = 0.5\n"
  "\n"
  "[rep bob]\n"
  "days_off = 2027-02-15..2027-02-19\n"
  "call_windows = 09:00-12:00\n"
  "\n"
  "[alerts]\n"
  "behind_threshold = 10%\n"
  "daily_check = 17:30\n";

#define BOB_GROUP "[rep bob]\ndays_off = 2027-02-15..2027-02-19\ncall_windows = 09:00-12:00\n"
#define CHECKPOINTS "2027-01-29 = 25%\n2027-02-26 = 60%\n"

/* ------------------------------------------------------------ helpers */

static GDate
make_date (guint year, guint month, guint day)
{
  GDate date;
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  return date;
}

/* The example with edits: pairs of (text found once, replacement), NULL
 * ended. */
static PdCampaign *
example_variant (const char *first_old, ...)
{
  g_autoptr (GString) text = g_string_new (example_text);
  va_list edits;
  va_start (edits, first_old);
  for (const char *old = first_old; old != NULL; old = va_arg (edits, const char *))
    {
      const char *replacement = va_arg (edits, const char *);
      if (g_string_replace (text, old, replacement, 0) != 1)
        fail_msg ("fixture edit not found once: %s", old);
    }
  va_end (edits);

  g_autoptr (GError) error = NULL;
  PdCampaign *campaign = pd_config_parse_campaign ("schedule-test.conf", text->str, text->len, &error);
  if (campaign == NULL)
    fail_msg ("campaign rejected: %s", error->message);
  pd_workcal_prepare (campaign);
  return campaign;
}

static PdPlan
plan_of (const PdCampaign *campaign)
{
  PdPlan plan;
  g_autoptr (GError) error = NULL;
  if (!pd_plan_compute (&campaign->plan, &plan, &error))
    fail_msg ("plan failed: %s", error->message);
  return plan;
}

static PdSchedule *
build (const PdCampaign *campaign)
{
  PdPlan plan = plan_of (campaign);
  g_autoptr (GError) error = NULL;
  PdSchedule *schedule = pd_schedule_build (campaign, &plan, &error);
  if (schedule == NULL)
    fail_msg ("schedule failed: %s", error->message);
  return schedule;
}

static gint64
rep_contacts (const PdSchedule *schedule, guint rep)
{
  return g_array_index (schedule->rep_contacts, gint64, rep);
}

/* A rep's blocks on a date as "start-end:contacts,..." (wall minutes);
 * "" for none. */
static char *
blocks_on (const PdSchedule *schedule, guint rep, guint year, guint month, guint day)
{
  GDate date = make_date (year, month, day);
  GString *text = g_string_new (NULL);
  guint expected_index = 1;
  for (guint i = 0; i < schedule->blocks->len; i++)
    {
      const PdBlock *block = &g_array_index (schedule->blocks, PdBlock, i);
      if (block->rep_index != rep || g_date_compare (&block->date, &date) != 0)
        continue;
      assert_int_equal (block->index, expected_index++);
      g_string_append_printf (text, "%s%u-%u:%lld", text->len > 0 ? "," : "",
                              block->start_minute, block->end_minute,
                              (long long) block->contacts);
    }
  return g_string_free (text, FALSE);
}

static const PdDay *
day_of (const PdSchedule *schedule, guint rep, guint year, guint month, guint day)
{
  GDate date = make_date (year, month, day);
  for (guint i = 0; i < schedule->days->len; i++)
    {
      const PdDay *candidate = &g_array_index (schedule->days, PdDay, i);
      if (candidate->rep_index == rep && g_date_compare (&candidate->date, &date) == 0)
        return candidate;
    }
  return NULL;
}

static gint64
planned (const PdSchedule *schedule, guint rep, guint year, guint month, guint day)
{
  GDate date = make_date (year, month, day);
  return pd_schedule_planned_to_date (schedule, rep, &date);
}

/* Invariants every schedule keeps: days by rep then date, cumulative
 * running, minutes = ceil(contacts x minutes per contact); blocks by rep,
 * date, index, inside the day's windows, in order, a break apart within a
 * window, at most max_block, each holding at least one contact and lasting
 * ceil(its contacts x minutes per contact), summing to their day (their
 * minutes to the day's when minutes per contact is whole); every rep's
 * blocks sum to the rep's last cumulative. */
static void
assert_consistent (const PdCampaign *campaign, const PdSchedule *schedule)
{
  guint b = 0;
  for (guint i = 0; i < schedule->days->len; i++)
    {
      const PdDay *day = &g_array_index (schedule->days, PdDay, i);
      const PdRep *rep = g_ptr_array_index (campaign->reps, day->rep_index);
      if (i > 0)
        {
          const PdDay *previous = &g_array_index (schedule->days, PdDay, i - 1);
          assert_true (previous->rep_index < day->rep_index
                       || (previous->rep_index == day->rep_index
                           && g_date_compare (&previous->date, &day->date) < 0));
          if (day->rebased)
            assert_true (day->cumulative >= day->contacts); /* restarts at a catch-up */
          else if (previous->rep_index == day->rep_index)
            assert_int_equal (day->cumulative, previous->cumulative + day->contacts);
          else
            assert_int_equal (day->cumulative, day->contacts);
        }
      else if (!day->rebased)
        assert_int_equal (day->cumulative, day->contacts);
      assert_true (pd_workcal_is_available (campaign, rep, &day->date));
      assert_int_equal (day->minutes,
                        (day->contacts * campaign->plan.minutes_per_contact + PD_MILLI - 1) / PD_MILLI);

      g_autoptr (GArray) windows = pd_workcal_day_windows (campaign, rep, &day->date);
      gint64 contacts = 0, minutes = 0;
      guint index = 0, last_end = 0, last_window = G_MAXUINT;
      for (; b < schedule->blocks->len; b++)
        {
          const PdBlock *block = &g_array_index (schedule->blocks, PdBlock, b);
          if (block->rep_index != day->rep_index || g_date_compare (&block->date, &day->date) != 0)
            break;
          assert_int_equal (block->index, ++index);
          assert_true (block->start_minute >= last_end);
          assert_true (block->end_minute > block->start_minute);
          assert_true (block->end_minute - block->start_minute <= campaign->max_block_minutes);
          guint inside = G_MAXUINT;
          for (guint w = 0; w < windows->len; w++)
            {
              const PdWindow *window = &g_array_index (windows, PdWindow, w);
              if (block->start_minute >= window->start_minute
                  && block->end_minute <= window->end_minute)
                inside = w;
            }
          assert_true (inside != G_MAXUINT);
          if (inside == last_window)
            assert_true (block->start_minute >= last_end + campaign->break_minutes);
          last_window = inside;
          assert_int_equal (block->day_contacts, day->contacts);
          assert_int_equal (block->cumulative, day->cumulative);
          assert_true (block->contacts >= 1);
          assert_int_equal (block->end_minute - block->start_minute,
                            (block->contacts * campaign->plan.minutes_per_contact + PD_MILLI - 1) / PD_MILLI);
          contacts += block->contacts;
          minutes += block->end_minute - block->start_minute;
          last_end = block->end_minute;
        }
      assert_int_equal (contacts, day->contacts);
      if (campaign->plan.minutes_per_contact % PD_MILLI == 0)
        assert_int_equal (minutes, day->contacts > 0 ? day->minutes : 0);
      else
        assert_true (minutes >= (day->contacts > 0 ? day->minutes : 0));
      assert_true (minutes <= rep->max_daily_minutes);
    }
  assert_int_equal (b, schedule->blocks->len); /* no block outside a day */
}

/* Sum of a rep's block contacts. */
static gint64
block_total (const PdSchedule *schedule, guint rep)
{
  gint64 total = 0;
  for (guint i = 0; i < schedule->blocks->len; i++)
    {
      const PdBlock *block = &g_array_index (schedule->blocks, PdBlock, i);
      if (block->rep_index == rep)
        total += block->contacts;
    }
  return total;
}

/* Every block of a schedule, one line each. */
static char *
all_blocks_text (const PdSchedule *schedule)
{
  GString *text = g_string_new (NULL);
  for (guint i = 0; i < schedule->blocks->len; i++)
    {
      const PdBlock *block = &g_array_index (schedule->blocks, PdBlock, i);
      g_string_append_printf (text, "%u %u %u %u %u-%u %lld %lld %lld\n", block->rep_index,
                              (guint) g_date_get_julian (&block->date), block->index,
                              block->start_minute, block->start_minute, block->end_minute,
                              (long long) block->contacts, (long long) block->day_contacts,
                              (long long) block->cumulative);
    }
  return g_string_free (text, FALSE);
}

/* ------------------------------------------------------------ split */

static void
assert_split (const char *reps, gint64 contacts, const gint64 *want, guint n_want)
{
  g_autoptr (PdCampaign) campaign = example_variant ("alice = 1\nbob = 0.5\n", reps,
                                                     BOB_GROUP, "", NULL);
  g_autoptr (GArray) shares = pd_schedule_split (campaign, contacts);
  assert_int_equal (shares->len, n_want);
  for (guint i = 0; i < n_want; i++)
    assert_int_equal (g_array_index (shares, gint64, i), want[i]);
}

static void
test_split (void **state)
{
  (void) state;
  /* 1864 x 2/3 = 1242.67, 1864 x 1/3 = 621.33: alice takes the remainder. */
  assert_split ("alice = 1\nbob = 0.5\n", 1864, (const gint64[]) { 1243, 621 }, 2);
  /* 1868 x 2/3 = 1245.33, 1868 x 1/3 = 622.67: bob takes it. */
  assert_split ("alice = 1\nbob = 0.5\n", 1868, (const gint64[]) { 1245, 623 }, 2);
  /* Ties go to the earlier rep. */
  assert_split ("alice = 1\nbob = 1\n", 3, (const gint64[]) { 2, 1 }, 2);
  assert_split ("alice = 1\nbob = 1\ncarol = 1\n", 5, (const gint64[]) { 2, 2, 1 }, 3);
  assert_split ("alice = 1\nbob = 1\ncarol = 1\n", 2, (const gint64[]) { 1, 1, 0 }, 3);
  /* 11 x (0.3, 0.3, 0.4) = 3.3, 3.3, 4.4: the largest remainder wins. */
  assert_split ("alice = 0.3\nbob = 0.3\ncarol = 0.4\n", 11, (const gint64[]) { 3, 3, 5 }, 3);
  assert_split ("alice = 0.3\nbob = 0.3\ncarol = 0.4\n", 10, (const gint64[]) { 3, 3, 4 }, 3);
  assert_split ("alice = 1\nbob = 0.5\n", 0, (const gint64[]) { 0, 0 }, 2);
  assert_split ("alice = 2.5\n", 1868, (const gint64[]) { 1868 }, 1);

  /* 301 reps of four weights (ties everywhere): the largest remainders
   * first, the earlier rep on a tie, as one pass per contact left over
   * picks them. */
  g_autoptr (GString) reps = g_string_new (NULL);
  const char *const weights[] = { "1", "0.5", "0.7", "1.3" };
  for (guint r = 0; r < 301; r++)
    g_string_append_printf (reps, "rep%03u = %s\n", r, weights[(r * 7 + r / 5) % 4]);
  g_autoptr (PdCampaign) many = example_variant ("alice = 1\nbob = 0.5\n", reps->str, BOB_GROUP, "", NULL);
  for (gint64 contacts = 0; contacts < 2000; contacts += 37)
    {
      g_autoptr (GArray) shares = pd_schedule_split (many, contacts);
      gint64 total_weight = 0, assigned = 0;
      gint64 remainders[301];
      gint64 want[301];

      for (guint r = 0; r < 301; r++)
        total_weight += ((const PdRep *) g_ptr_array_index (many->reps, r))->weight;
      for (guint r = 0; r < 301; r++)
        {
          gint64 product = contacts * ((const PdRep *) g_ptr_array_index (many->reps, r))->weight;

          want[r] = product / total_weight;
          remainders[r] = product % total_weight;
          assigned += want[r];
        }
      for (gint64 left = contacts - assigned; left > 0; left--)
        {
          guint best = 0;

          for (guint r = 1; r < 301; r++)
            if (remainders[r] > remainders[best])
              best = r;
          want[best]++;
          remainders[best] = -1;
        }
      assert_int_equal (shares->len, 301);
      assert_memory_equal (shares->data, want, sizeof want);
    }
}

static void
test_checkpoint_target (void **state)
{
  (void) state;
  g_autoptr (PdCampaign) campaign = example_variant (NULL);

  assert_int_equal (campaign->checkpoints->len, 3);
  /* alice 1245: 311.25 -> 312, 747 -> 747, 1245. */
  assert_int_equal (pd_schedule_checkpoint_target (campaign, 0, 1245), 312);
  assert_int_equal (pd_schedule_checkpoint_target (campaign, 1, 1245), 747);
  assert_int_equal (pd_schedule_checkpoint_target (campaign, 2, 1245), 1245);
  /* bob 623: 155.75 -> 156, 373.8 -> 374, 623. */
  assert_int_equal (pd_schedule_checkpoint_target (campaign, 0, 623), 156);
  assert_int_equal (pd_schedule_checkpoint_target (campaign, 1, 623), 374);
  assert_int_equal (pd_schedule_checkpoint_target (campaign, 2, 623), 623);
  assert_int_equal (pd_schedule_checkpoint_target (campaign, 0, 0), 0);
  assert_int_equal (pd_schedule_checkpoint_target (campaign, 0, 4), 1);
}

/* ------------------------------------------------------------ the example */

static void
test_example_two_reps (void **state)
{
  (void) state;
  g_autoptr (PdCampaign) campaign = example_variant (NULL);
  g_autoptr (PdSchedule) schedule = build (campaign);

  assert_int_equal (plan_of (campaign).contacts, 1868);
  assert_int_equal (schedule->rep_contacts->len, 2);
  assert_int_equal (rep_contacts (schedule, 0), 1245);
  assert_int_equal (rep_contacts (schedule, 1), 623);
  assert_consistent (campaign, schedule);

  /* Every available day, with or without contacts: alice 20 + 20 + 22
   * (Easter Monday out), bob 20 + 15 (days off) + 22. */
  assert_int_equal (schedule->days->len, 62 + 57);

  /* alice, segment 1: 312 over 20 days = 15 r 12 -> 16 x 12 days, then 15;
   * her two 3-hour windows share a day's contacts half and half, the
   * earlier one taking an odd contact: 16 -> 8 + 8, 2 min each, from
   * 09:00 and 14:00. */
  g_autofree char *alice_first = blocks_on (schedule, 0, 2027, 1, 4);
  g_autofree char *alice_jan28 = blocks_on (schedule, 0, 2027, 1, 28);
  g_autofree char *alice_jan29 = blocks_on (schedule, 0, 2027, 1, 29);
  /* segment 2: 747 - 312 = 435 over 20 days = 21 r 15 -> 22 first. */
  g_autofree char *alice_feb1 = blocks_on (schedule, 0, 2027, 2, 1);
  /* segment 3: 1245 - 747 = 498 over 22 days = 22 r 14 -> 23 x 14, then 22. */
  g_autofree char *alice_mar1 = blocks_on (schedule, 0, 2027, 3, 1);
  g_autofree char *alice_last = blocks_on (schedule, 0, 2027, 3, 31);
  assert_string_equal (alice_first, "540-556:8,840-856:8");
  assert_string_equal (alice_jan28, "540-556:8,840-854:7");
  assert_string_equal (alice_jan29, "540-556:8,840-854:7");
  assert_string_equal (alice_feb1, "540-562:11,840-862:11");
  assert_string_equal (alice_mar1, "540-564:12,840-862:11");
  assert_string_equal (alice_last, "540-562:11,840-862:11");

  /* bob, segment 1: 156 over 20 = 7 r 16 -> 8 x 16, then 7. Segment 2:
   * 374 - 156 = 218 over 15 days = 14 r 8 -> 15 first. Segment 3:
   * 623 - 374 = 249 over 22 = 11 r 7 -> 11 last. */
  g_autofree char *bob_first = blocks_on (schedule, 1, 2027, 1, 4);
  g_autofree char *bob_jan28 = blocks_on (schedule, 1, 2027, 1, 28);
  g_autofree char *bob_jan29 = blocks_on (schedule, 1, 2027, 1, 29);
  g_autofree char *bob_feb1 = blocks_on (schedule, 1, 2027, 2, 1);
  g_autofree char *bob_last = blocks_on (schedule, 1, 2027, 3, 31);
  assert_string_equal (bob_first, "540-556:8");
  assert_string_equal (bob_jan28, "540-554:7");
  assert_string_equal (bob_jan29, "540-554:7");
  assert_string_equal (bob_feb1, "540-570:15");
  assert_string_equal (bob_last, "540-562:11");

  /* The checkpoints are met exactly. */
  assert_int_equal (day_of (schedule, 0, 2027, 1, 29)->cumulative, 312);
  assert_int_equal (day_of (schedule, 0, 2027, 2, 26)->cumulative, 747);
  assert_int_equal (day_of (schedule, 0, 2027, 3, 31)->cumulative, 1245);
  assert_int_equal (day_of (schedule, 1, 2027, 1, 29)->cumulative, 156);
  assert_int_equal (day_of (schedule, 1, 2027, 2, 26)->cumulative, 374);
  assert_int_equal (day_of (schedule, 1, 2027, 3, 31)->cumulative, 623);

  /* Every contact scheduled once. */
  assert_int_equal (block_total (schedule, 0), 1245);
  assert_int_equal (block_total (schedule, 1), 623);
  assert_int_equal (block_total (schedule, 0) + block_total (schedule, 1), 1868);

  /* Easter Monday: no day, no block; bob: nothing during his days off. */
  g_autofree char *easter_alice = blocks_on (schedule, 0, 2027, 3, 29);
  g_autofree char *easter_bob = blocks_on (schedule, 1, 2027, 3, 29);
  assert_string_equal (easter_alice, "");
  assert_string_equal (easter_bob, "");
  assert_null (day_of (schedule, 0, 2027, 3, 29));
  for (guint d = 15; d <= 19; d++)
    {
      g_autofree char *off = blocks_on (schedule, 1, 2027, 2, d);
      assert_string_equal (off, "");
      assert_null (day_of (schedule, 1, 2027, 2, d));
      assert_non_null (day_of (schedule, 0, 2027, 2, d));
    }
  assert_null (day_of (schedule, 0, 2027, 1, 9)); /* Saturday */
}

static void
test_example_one_rep (void **state)
{
  (void) state;
  g_autoptr (PdCampaign) campaign = example_variant ("alice = 1\nbob = 0.5\n", "alice = 1\n",
                                                     BOB_GROUP, "", NULL);
  g_autoptr (PdSchedule) schedule = build (campaign);

  assert_int_equal (rep_contacts (schedule, 0), 1868);
  assert_int_equal (schedule->days->len, 62);
  assert_consistent (campaign, schedule);

  /* Targets 467 (466.25 up), 1121 (1120.8 up), 1868. Segment 1: 467 / 20
   * = 23 r 7; segment 2: 654 / 20 = 32 r 14; segment 3: 747 / 22 = 33 r 21. */
  g_autofree char *first = blocks_on (schedule, 0, 2027, 1, 4);
  g_autofree char *jan28 = blocks_on (schedule, 0, 2027, 1, 28);
  g_autofree char *jan29 = blocks_on (schedule, 0, 2027, 1, 29);
  g_autofree char *feb1 = blocks_on (schedule, 0, 2027, 2, 1);
  g_autofree char *mar30 = blocks_on (schedule, 0, 2027, 3, 30);
  g_autofree char *last = blocks_on (schedule, 0, 2027, 3, 31);
  assert_string_equal (first, "540-564:12,840-864:12");
  assert_string_equal (jan28, "540-564:12,840-862:11");
  assert_string_equal (jan29, "540-564:12,840-862:11");
  assert_string_equal (feb1, "540-574:17,840-872:16");
  assert_string_equal (mar30, "540-574:17,840-874:17");
  assert_string_equal (last, "540-574:17,840-872:16");

  assert_int_equal (day_of (schedule, 0, 2027, 1, 29)->cumulative, 467);
  assert_int_equal (day_of (schedule, 0, 2027, 2, 26)->cumulative, 1121);
  assert_int_equal (block_total (schedule, 0), 1868);
}

static void
test_example_one_rep_long_calls (void **state)
{
  (void) state;
  /* 5 min a contact and 3 h a day: the days need several blocks. */
  g_autoptr (PdCampaign) campaign = example_variant (
    "alice = 1\nbob = 0.5\n", "alice = 1\n", BOB_GROUP, "",
    "minutes_per_contact = 2\n", "minutes_per_contact = 5\n",
    "max_daily_calls = 2h\n", "max_daily_calls = 3h\n", NULL);
  g_autoptr (PdSchedule) schedule = build (campaign);
  assert_consistent (campaign, schedule);

  /* A block holds at most 90 / 5 = 18 contacts. 24 -> 12 + 12 in the two
   * windows, 60 min each. */
  g_autofree char *first = blocks_on (schedule, 0, 2027, 1, 4);
  /* 23 -> 12 + 11: 60 and 55 min. */
  g_autofree char *jan29 = blocks_on (schedule, 0, 2027, 1, 29);
  /* 33 -> 17 + 16: 85 and 80 min. 34 -> 17 + 17. */
  g_autofree char *feb1 = blocks_on (schedule, 0, 2027, 2, 1);
  g_autofree char *mar30 = blocks_on (schedule, 0, 2027, 3, 30);
  assert_string_equal (first, "540-600:12,840-900:12");
  assert_string_equal (jan29, "540-600:12,840-895:11");
  assert_string_equal (feb1, "540-625:17,840-920:16");
  assert_string_equal (mar30, "540-625:17,840-925:17");
  assert_int_equal (block_total (schedule, 0), 1868);
}

static void
test_example_file (void **state)
{
  (void) state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdCampaign) from_file = pd_config_load_campaign ("config/campaigns/example.conf", &error);
  if (from_file == NULL)
    skip (); /* not run from the source tree */

  /* The file and the fixture above give the same schedule. */
  g_autoptr (PdCampaign) fixture = example_variant (NULL);
  g_autoptr (PdSchedule) file_schedule = build (from_file);
  g_autoptr (PdSchedule) fixture_schedule = build (fixture);
  g_autofree char *file_blocks = all_blocks_text (file_schedule);
  g_autofree char *fixture_blocks = all_blocks_text (fixture_schedule);
  assert_string_equal (file_blocks, fixture_blocks);
}

/* ------------------------------------------------------------ block rule */

static PdSchedule *
build_contacts (const PdCampaign *campaign, gint64 contacts, GError **error)
{
  /* Only the contacts matter to the scheduler. */
  PdPlan plan = { .contacts = contacts };
  return pd_schedule_build (campaign, &plan, error);
}

static void
test_blocks_fill_windows (void **state)
{
  (void) state;
  g_autoptr (PdCampaign) campaign = example_variant (
    "alice = 1\nbob = 0.5\n", "alice = 1\n", BOB_GROUP, "", CHECKPOINTS, "",
    "end = 2027-03-31\n", "end = 2027-01-08\n",
    "minutes_per_contact = 2\n", "minutes_per_contact = 2.5\n",
    "max_daily_calls = 2h\n", "max_daily_calls = 4h\n", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (PdSchedule) schedule = build_contacts (campaign, 443, &error);
  assert_null (error);
  assert_consistent (campaign, schedule);

  /* 443 / 5 = 88 r 3: 89 x 3 days, then 88. A block holds at most
   * 90 / 2.5 = 36 contacts. 89 -> 45 + 44 (44.5 each, the morning first),
   * each window two blocks 10 min apart: 23 (57.5 -> 58 min) + 22 (55),
   * then 22 + 22. 88 -> 44 + 44. */
  g_autofree char *monday = blocks_on (schedule, 0, 2027, 1, 4);
  g_autofree char *thursday = blocks_on (schedule, 0, 2027, 1, 7);
  assert_string_equal (monday, "540-598:23,608-663:22,840-895:22,905-960:22");
  assert_string_equal (thursday, "540-595:22,605-660:22,840-895:22,905-960:22");
  assert_int_equal (day_of (schedule, 0, 2027, 1, 4)->minutes, 223);
  assert_int_equal (block_total (schedule, 0), 443);
}

static void
test_blocks_round_down (void **state)
{
  (void) state;
  g_autoptr (PdCampaign) campaign = example_variant (
    "alice = 1\nbob = 0.5\n", "alice = 1\n", BOB_GROUP, "", CHECKPOINTS, "",
    "end = 2027-03-31\n", "end = 2027-01-08\n",
    "minutes_per_contact = 2\n", "minutes_per_contact = 3.5\n",
    "max_daily_calls = 2h\n", "max_daily_calls = 4h\n", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (PdSchedule) schedule = build_contacts (campaign, 300, &error);
  assert_null (error);
  assert_consistent (campaign, schedule);

  /* 60 a day, 210 min. 90 min hold 25.7 contacts: a block holds 25 at
   * most. 30 + 30 in the two windows, each two blocks of 15 lasting
   * 52.5 -> 53 min (each block is rounded up on its own). */
  g_autofree char *monday = blocks_on (schedule, 0, 2027, 1, 4);
  assert_string_equal (monday, "540-593:15,603-656:15,840-893:15,903-956:15");
  assert_int_equal (day_of (schedule, 0, 2027, 1, 4)->minutes, 210);
}

/* A week of one rep (alice alone, no checkpoint) with edits of the
 * calendar: pairs of (text found once, replacement), NULL ended. */
#define ONE_WEEK "alice = 1\nbob = 0.5\n", "alice = 1\n", BOB_GROUP, "", CHECKPOINTS, "", \
                 "end = 2027-03-31\n", "end = 2027-01-08\n"

static void
test_blocks_proportional (void **state)
{
  (void) state;
  /* A 3-hour morning and a 1-hour afternoon share a day's contacts 3 to
   * 1: 40 -> 30 (60 min) + 10 (20 min), not the whole morning first. */
  g_autoptr (PdCampaign) campaign = example_variant (
    ONE_WEEK, "call_windows = 09:00-12:00, 14:00-17:00\n", "call_windows = 09:00-12:00, 14:00-15:00\n",
    NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (PdSchedule) schedule = build_contacts (campaign, 200, &error);
  assert_null (error);
  assert_consistent (campaign, schedule);
  g_autofree char *monday = blocks_on (schedule, 0, 2027, 1, 4);
  assert_string_equal (monday, "540-600:30,840-860:10");

  /* 42 -> 31.5 + 10.5: the tie goes to the earlier window, 32 + 10. */
  g_autoptr (PdSchedule) tie = build_contacts (campaign, 210, &error);
  assert_null (error);
  g_autofree char *tie_monday = blocks_on (tie, 0, 2027, 1, 4);
  assert_string_equal (tie_monday, "540-604:32,840-860:10");
}

static void
test_blocks_one_window_break (void **state)
{
  (void) state;
  /* One window, 60 contacts = 120 min: two blocks of 30, the second one
   * 10 min (the default break) after the first ends. */
  g_autoptr (PdCampaign) campaign = example_variant (
    ONE_WEEK, "call_windows = 09:00-12:00, 14:00-17:00\n", "call_windows = 09:00-12:00\n", NULL);
  assert_int_equal (campaign->break_minutes, 10);
  g_autoptr (GError) error = NULL;
  g_autoptr (PdSchedule) schedule = build_contacts (campaign, 300, &error);
  assert_null (error);
  assert_consistent (campaign, schedule);
  g_autofree char *monday = blocks_on (schedule, 0, 2027, 1, 4);
  assert_string_equal (monday, "540-600:30,610-670:30");

  /* break = 25m and break = 0m. */
  g_autoptr (PdCampaign) long_break = example_variant (
    ONE_WEEK, "call_windows = 09:00-12:00, 14:00-17:00\n", "call_windows = 09:00-12:00\n",
    "max_block = 90m\n", "max_block = 90m\nbreak = 25m\n", NULL);
  g_autoptr (PdSchedule) long_schedule = build_contacts (long_break, 300, &error);
  assert_null (error);
  assert_consistent (long_break, long_schedule);
  g_autofree char *long_monday = blocks_on (long_schedule, 0, 2027, 1, 4);
  assert_string_equal (long_monday, "540-600:30,625-685:30");

  g_autoptr (PdCampaign) no_break = example_variant (
    ONE_WEEK, "call_windows = 09:00-12:00, 14:00-17:00\n", "call_windows = 09:00-12:00\n",
    "max_block = 90m\n", "max_block = 90m\nbreak = 0m\n", NULL);
  g_autoptr (PdSchedule) no_schedule = build_contacts (no_break, 300, &error);
  assert_null (error);
  g_autofree char *no_monday = blocks_on (no_schedule, 0, 2027, 1, 4);
  assert_string_equal (no_monday, "540-600:30,600-660:30");
}

static void
test_blocks_near_capacity (void **state)
{
  (void) state;
  /* 09:00-12:00 holds 90 + 10 (break) + 80 min of calls = 85 contacts,
   * 14:00-15:00 holds 60 min = 30: 115 contacts, 230 min, a day. Breaks
   * take window time but are not calls: max_daily_calls = 3h50m is
   * enough. 115 shared 3 to 1 is 86.25 + 28.75 -> 86 + 29: the morning
   * holds only 85, so it keeps 85 and the afternoon takes the other 30. */
  g_autoptr (PdCampaign) campaign = example_variant (
    ONE_WEEK, "call_windows = 09:00-12:00, 14:00-17:00\n", "call_windows = 09:00-12:00, 14:00-15:00\n",
    "max_daily_calls = 2h\n", "max_daily_calls = 3h50m\n", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (PdSchedule) full = build_contacts (campaign, 575, &error);
  assert_null (error);
  assert_consistent (campaign, full);
  g_autofree char *monday = blocks_on (full, 0, 2027, 1, 4);
  assert_string_equal (monday, "540-626:43,636-720:42,840-900:30");

  /* One contact more a day (116, 232 min) does not fit. */
  g_autoptr (PdSchedule) none = build_contacts (campaign, 580, &error);
  assert_null (none);
  assert_true (g_error_matches (error, PD_SCHEDULE_ERROR, PD_SCHEDULE_ERROR_INFEASIBLE));
  assert_string_equal (error->message,
                       "2027-01-04: rep alice needs 232 min of calls but the day holds 230 min "
                       "(call windows 09:00-12:00, 14:00-15:00; max_daily_calls 3h50m). "
                       "Lengthen the call windows, add reps, or raise max_daily_calls.");
}

static void
test_blocks_dst (void **state)
{
  (void) state;
  /* Every day, 01:00-04:00 and 09:00-12:00, around the spring change. */
  g_autoptr (PdCampaign) campaign = example_variant (
    "alice = 1\nbob = 0.5\n", "alice = 1\n", BOB_GROUP, "", CHECKPOINTS, "",
    "start = 2027-01-04\n", "start = 2027-03-27\n",
    "end = 2027-03-31\n", "end = 2027-03-28\n",
    "workdays = mon-fri\n", "workdays = mon-sun\n",
    "call_windows = 09:00-12:00, 14:00-17:00\n", "call_windows = 01:00-04:00\n",
    "max_daily_calls = 2h\n", "max_daily_calls = 3h\n", NULL);
  g_autoptr (GError) error = NULL;

  /* 110 contacts: 55 a day, 110 min. Saturday: one window, two blocks
   * (28 + 27) a break apart. On 2027-03-28, 02:00-03:00 does not exist:
   * the window is two, 01:00-02:00 and 03:00-04:00, back to back in real
   * time, so the second starts with a break (room 60 and 50): 30 + 25. */
  g_autoptr (PdSchedule) schedule = build_contacts (campaign, 110, &error);
  assert_null (error);
  assert_consistent (campaign, schedule);
  g_autofree char *saturday = blocks_on (schedule, 0, 2027, 3, 27);
  g_autofree char *sunday = blocks_on (schedule, 0, 2027, 3, 28);
  assert_string_equal (saturday, "60-116:28,126-180:27");
  assert_string_equal (sunday, "60-120:30,190-240:25");

  /* 112 contacts: 56 a day, 112 min; Sunday holds only 60 + 50. */
  g_autoptr (PdSchedule) none = build_contacts (campaign, 112, &error);
  assert_null (none);
  assert_true (g_error_matches (error, PD_SCHEDULE_ERROR, PD_SCHEDULE_ERROR_INFEASIBLE));
  assert_string_equal (error->message,
                       "2027-03-28: rep alice needs 112 min of calls but the day holds "
                       "110 min (call windows 01:00-02:00, 03:00-04:00; max_daily_calls "
                       "3h). Lengthen the call windows, add reps, or raise max_daily_calls.");
}

static void
test_blocks_keep_local_time (void **state)
{
  (void) state;
  /* Fridays and Mondays around both 2027 changes in Europe/Paris. */
  g_autoptr (PdCampaign) campaign = example_variant (
    "alice = 1\nbob = 0.5\n", "alice = 1\n", BOB_GROUP, "", CHECKPOINTS, "",
    "start = 2027-01-04\n", "start = 2027-03-26\n",
    "end = 2027-03-31\n", "end = 2027-11-01\n", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (PdSchedule) schedule = build_contacts (campaign, 5000, &error);
  assert_null (error);
  assert_consistent (campaign, schedule);

  static const struct {
    guint month, day;
    const char *utc;
  } cases[] = {
    { 3, 26, "2027-03-26T08:00:00Z" },
    { 3, 29, "2027-03-29T07:00:00Z" },
    { 10, 29, "2027-10-29T07:00:00Z" },
    { 11, 1, "2027-11-01T08:00:00Z" }, /* All Saints' Day: a holiday */
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GDate date = make_date (2027, cases[i].month, cases[i].day);
      g_autoptr (GDateTime) nine = pd_workcal_local_instant (campaign->tz, &date, 9 * 60);
      g_autoptr (GDateTime) utc = g_date_time_to_utc (nine);
      g_autofree char *text = g_date_time_format (utc, "%FT%TZ");
      assert_string_equal (text, cases[i].utc);
    }

  /* The blocks themselves start at 09:00 local on both sides. */
  const PdDay *friday = day_of (schedule, 0, 2027, 3, 26);
  const PdDay *monday = day_of (schedule, 0, 2027, 3, 29);
  const PdDay *october = day_of (schedule, 0, 2027, 10, 29);
  assert_non_null (friday);
  assert_non_null (october);
  assert_null (monday); /* Easter Monday */
  assert_null (day_of (schedule, 0, 2027, 11, 1));
  g_autofree char *friday_blocks = blocks_on (schedule, 0, 2027, 3, 26);
  g_autofree char *tuesday_blocks = blocks_on (schedule, 0, 2027, 3, 30);
  g_autofree char *november_blocks = blocks_on (schedule, 0, 2027, 10, 29);
  assert_true (g_str_has_prefix (friday_blocks, "540-"));
  assert_true (g_str_has_prefix (tuesday_blocks, "540-"));
  assert_true (g_str_has_prefix (november_blocks, "540-"));
}

/* ------------------------------------------------------------ errors */

static void
test_infeasible (void **state)
{
  (void) state;
  /* The method's table (down: 1864 contacts, 3728 min, about 62 h) in one
   * week at 1 h a day. alice 1243 / 5 = 248 r 3 -> 249 = 498 min. */
  g_autoptr (PdCampaign) campaign = example_variant (
    "rounding = up\n", "rounding = down\n", CHECKPOINTS, "",
    "end = 2027-03-31\n", "end = 2027-01-08\n",
    "max_daily_calls = 2h\n", "max_daily_calls = 1h\n", NULL);
  PdPlan plan = plan_of (campaign);
  assert_int_equal (plan.contacts, 1864);
  assert_int_equal (plan.call_minutes, 3728);

  g_autoptr (GError) error = NULL;
  g_autoptr (PdSchedule) schedule = pd_schedule_build (campaign, &plan, &error);
  assert_null (schedule);
  assert_true (g_error_matches (error, PD_SCHEDULE_ERROR, PD_SCHEDULE_ERROR_INFEASIBLE));
  assert_string_equal (error->message,
                       "2027-01-04: rep alice needs 498 min of calls but the day holds 60 min "
                       "(call windows 09:00-12:00, 14:00-17:00; max_daily_calls 1h). "
                       "Lengthen the call windows, add reps, or raise max_daily_calls.");
}

static void
test_infeasible_one_rep (void **state)
{
  (void) state;
  /* 1864 / 5 = 372 r 4 -> 373 contacts, 746 min; a 90-minute cap. */
  g_autoptr (PdCampaign) campaign = example_variant (
    "rounding = up\n", "rounding = down\n", CHECKPOINTS, "",
    "alice = 1\nbob = 0.5\n", "alice = 1\n", BOB_GROUP, "",
    "end = 2027-03-31\n", "end = 2027-01-08\n",
    "max_daily_calls = 2h\n", "max_daily_calls = 90m\n", NULL);
  PdPlan plan = plan_of (campaign);
  g_autoptr (GError) error = NULL;
  g_autoptr (PdSchedule) schedule = pd_schedule_build (campaign, &plan, &error);
  assert_null (schedule);
  assert_string_equal (error->message,
                       "2027-01-04: rep alice needs 746 min of calls but the day holds 90 min "
                       "(call windows 09:00-12:00, 14:00-17:00; max_daily_calls 1h30m). "
                       "Lengthen the call windows, add reps, or raise max_daily_calls.");
}

static void
test_infeasible_windows (void **state)
{
  (void) state;
  /* The windows are the limit, not the 8 h cap: each 3-hour window holds
   * 90 + 80 min of calls around a 10-minute break, 340 min in all. With
   * 1864 contacts in a week, alice's first day: 249 -> 498 min > 340. */
  g_autoptr (PdCampaign) campaign = example_variant (
    "rounding = up\n", "rounding = down\n", CHECKPOINTS, "",
    "end = 2027-03-31\n", "end = 2027-01-08\n",
    "max_daily_calls = 2h\n", "max_daily_calls = 8h\n", NULL);
  PdPlan plan = plan_of (campaign);
  g_autoptr (GError) error = NULL;
  g_autoptr (PdSchedule) schedule = pd_schedule_build (campaign, &plan, &error);
  assert_null (schedule);
  assert_string_equal (error->message,
                       "2027-01-04: rep alice needs 498 min of calls but the day holds 340 min "
                       "(call windows 09:00-12:00, 14:00-17:00; max_daily_calls 8h). "
                       "Lengthen the call windows, add reps, or raise max_daily_calls.");
}

static void
test_infeasible_by_one_minute (void **state)
{
  (void) state;
  /* Round the clock, 745 min allowed, 746 needed (373 contacts). */
  g_autoptr (PdCampaign) campaign = example_variant (
    "rounding = up\n", "rounding = down\n", CHECKPOINTS, "",
    "alice = 1\nbob = 0.5\n", "alice = 1\n", BOB_GROUP, "",
    "end = 2027-03-31\n", "end = 2027-01-08\n",
    "call_windows = 09:00-12:00, 14:00-17:00\n", "call_windows = 00:00-24:00\n",
    "max_block = 90m\n", "max_block = 13h\n",
    "max_daily_calls = 2h\n", "max_daily_calls = 12h25m\n", NULL);
  PdPlan plan = plan_of (campaign);
  g_autoptr (GError) error = NULL;
  g_autoptr (PdSchedule) schedule = pd_schedule_build (campaign, &plan, &error);
  assert_null (schedule);
  assert_string_equal (error->message,
                       "2027-01-04: rep alice needs 746 min of calls but the day holds 745 min "
                       "(call windows 00:00-24:00; max_daily_calls 12h25m). "
                       "Lengthen the call windows, add reps, or raise max_daily_calls.");
  g_clear_error (&error);

  /* 746 min fit exactly: one block from midnight. */
  g_autoptr (PdCampaign) roomy = example_variant (
    "rounding = up\n", "rounding = down\n", CHECKPOINTS, "",
    "alice = 1\nbob = 0.5\n", "alice = 1\n", BOB_GROUP, "",
    "end = 2027-03-31\n", "end = 2027-01-08\n",
    "call_windows = 09:00-12:00, 14:00-17:00\n", "call_windows = 00:00-24:00\n",
    "max_block = 90m\n", "max_block = 13h\n",
    "max_daily_calls = 2h\n", "max_daily_calls = 12h26m\n", NULL);
  g_autoptr (PdSchedule) fits = build (roomy);
  assert_consistent (roomy, fits);
  g_autofree char *monday = blocks_on (fits, 0, 2027, 1, 4);
  g_autofree char *friday = blocks_on (fits, 0, 2027, 1, 8);
  assert_string_equal (monday, "0-746:373");
  assert_string_equal (friday, "0-744:372");
}

static void
test_no_days (void **state)
{
  (void) state;
  /* bob is off the whole first week, which ends on a 10 % checkpoint:
   * ceil(623 x 10 %) = 63 contacts with nowhere to go. */
  g_autoptr (PdCampaign) campaign = example_variant (
    CHECKPOINTS, "2027-01-08 = 10%\n" CHECKPOINTS,
    "days_off = 2027-02-15..2027-02-19\n", "days_off = 2027-01-04..2027-01-08\n", NULL);
  PdPlan plan = plan_of (campaign);
  g_autoptr (GError) error = NULL;
  g_autoptr (PdSchedule) schedule = pd_schedule_build (campaign, &plan, &error);
  assert_null (schedule);
  assert_true (g_error_matches (error, PD_SCHEDULE_ERROR, PD_SCHEDULE_ERROR_NO_DAYS));
  assert_string_equal (error->message,
                       "rep bob: 63 contacts are due from 2027-01-04 to 2027-01-08 but the "
                       "rep has no available day then. Move the checkpoint, or shorten the "
                       "rep's days off.");
}

/* ------------------------------------------------------------ catch-up */

/* A rep's load and cumulative figure on a day, as "contacts/cumulative". */
static char *
load_on (const PdSchedule *schedule, guint rep, guint year, guint month, guint day)
{
  const PdDay *found = day_of (schedule, rep, year, month, day);
  assert_non_null (found);
  return g_strdup_printf ("%lld/%lld", (long long) found->contacts, (long long) found->cumulative);
}

static PdSchedule *
respread (const PdCampaign *campaign, const PdSchedule *baseline, const PdSchedule *current,
          const GDate *from, const gint64 *actual, GArray **ret_reps)
{
  g_autoptr (GError) error = NULL;
  PdSchedule *schedule = pd_schedule_respread (campaign, baseline, current, from, actual, ret_reps, &error);
  if (schedule == NULL)
    fail_msg ("respread failed: %s", error->message);
  assert_consistent (campaign, schedule);
  return schedule;
}

static void
test_respread (void **state)
{
  (void) state;
  g_autoptr (PdCampaign) campaign = example_variant (NULL);
  g_autoptr (PdSchedule) baseline = build (campaign);
  GDate from = make_date (2027, 1, 18);
  g_autoptr (GArray) reps = NULL;

  /* Issue 11's case: alice 56 behind on Friday 15 January (planned 10 x
   * 16 = 160, done 104); bob on plan (8 a day: 80). */
  g_autoptr (PdSchedule) caught_up =
    respread (campaign, baseline, baseline, &from, (const gint64[]) { 104, 80 }, &reps);
  assert_int_equal (caught_up->days->len, baseline->days->len);
  assert_int_equal (rep_contacts (caught_up, 0), 1245);
  assert_int_equal (rep_contacts (caught_up, 1), 623);

  /* History is untouched, cumulative figures included. */
  for (guint i = 0; i < caught_up->days->len; i++)
    {
      const PdDay *day = &g_array_index (caught_up->days, PdDay, i);
      const PdDay *base = &g_array_index (baseline->days, PdDay, i);
      assert_int_equal (g_date_compare (&day->date, &base->date), 0);
      if (day->rep_index == 1 || g_date_compare (&day->date, &from) < 0)
        {
          assert_int_equal (day->contacts, base->contacts);
          assert_int_equal (day->cumulative, base->cumulative);
        }
    }

  /* Back on the curve by the 29 January checkpoint (312): 312 - 104 =
   * 208 over its 10 days = 20 r 8, 21 on the first 8; the baseline's
   * loads after it. The cumulative figures run from the 104 done: 125 on
   * the first day, 312 at the checkpoint, the rep's total at the end (not
   * 1 245 + 56). */
  g_autofree char *jan15 = load_on (caught_up, 0, 2027, 1, 15);
  g_autofree char *jan18 = load_on (caught_up, 0, 2027, 1, 18);
  g_autofree char *jan27 = load_on (caught_up, 0, 2027, 1, 27);
  g_autofree char *jan28 = load_on (caught_up, 0, 2027, 1, 28);
  g_autofree char *jan29 = load_on (caught_up, 0, 2027, 1, 29);
  g_autofree char *feb1 = load_on (caught_up, 0, 2027, 2, 1);
  g_autofree char *mar31 = load_on (caught_up, 0, 2027, 3, 31);
  assert_string_equal (jan15, "16/160");
  assert_string_equal (jan18, "21/125");
  assert_string_equal (jan27, "21/272");
  assert_string_equal (jan28, "20/292");
  assert_string_equal (jan29, "20/312");
  assert_string_equal (feb1, "22/334");
  assert_string_equal (mar31, "22/1245");
  assert_true (day_of (caught_up, 0, 2027, 1, 18)->rebased);
  assert_false (day_of (caught_up, 1, 2027, 1, 18)->rebased); /* bob: 80 done, 80 planned */
  assert_int_equal (block_total (caught_up, 0), 160 + 1245 - 104); /* history planned + ahead */
  assert_int_equal (block_total (caught_up, 1), 623);

  const PdRespread *alice = &g_array_index (reps, PdRespread, 0);
  const PdRespread *bob = &g_array_index (reps, PdRespread, 1);
  g_autofree char *back_on = pd_format_date (&alice->back_on);
  assert_int_equal (alice->actual, 104);
  assert_int_equal (alice->shortfall, 56);
  assert_int_equal (alice->checkpoint, 0);
  assert_true (alice->on_time);
  assert_string_equal (back_on, "2027-01-29");
  assert_int_equal (alice->days, 10);
  assert_int_equal (alice->contacts, 208);
  assert_int_equal (alice->most, 21);
  assert_int_equal (alice->uncovered, 0);
  assert_int_equal (bob->shortfall, 0);
  assert_false (g_date_valid (&bob->back_on));

  /* Followed exactly to Friday 22 January (104 + 5 x 21 = 209), a second
   * catch-up keeps the first one's history and gives the same days:
   * 312 - 209 = 103 over 5 = 21, 21, 21, 20, 20. */
  GDate later = make_date (2027, 1, 25);
  g_autoptr (GArray) again_reps = NULL;
  g_autoptr (PdSchedule) again =
    respread (campaign, baseline, caught_up, &later, (const gint64[]) { 209, 120 }, &again_reps);
  g_autofree char *again_jan18 = load_on (again, 0, 2027, 1, 18);
  g_autofree char *again_jan25 = load_on (again, 0, 2027, 1, 25);
  g_autofree char *again_jan29 = load_on (again, 0, 2027, 1, 29);
  assert_string_equal (again_jan18, "21/125");
  assert_string_equal (again_jan25, "21/230");
  assert_string_equal (again_jan29, "20/312");
  assert_false (day_of (again, 0, 2027, 1, 25)->rebased); /* 209 is where the count stands */
  assert_int_equal (g_array_index (again_reps, PdRespread, 0).shortfall, 237 - 209);
  assert_int_equal (g_array_index (again_reps, PdRespread, 0).most, 21);

  /* A rep ahead keeps the baseline's loads; the figures run from what
   * was done. */
  g_autoptr (PdSchedule) ahead =
    respread (campaign, baseline, baseline, &from, (const gint64[]) { 170, 80 }, NULL);
  g_autofree char *ahead_jan18 = load_on (ahead, 0, 2027, 1, 18);
  g_autofree char *ahead_mar31 = load_on (ahead, 0, 2027, 3, 31);
  assert_string_equal (ahead_jan18, "16/186");
  assert_string_equal (ahead_mar31, "22/1255");
}

/* One rep at a time, patched in place, gives what the whole re-spread
 * gives: the same days, the same blocks, the same PdRespread. */
static void
test_respread_rep_in_place (void **state)
{
  (void) state;
  g_autoptr (PdCampaign) campaign = example_variant (NULL);
  g_autoptr (PdSchedule) baseline = build (campaign);
  GDate from = make_date (2027, 1, 18);
  const gint64 actual[] = { 104, 91 };
  g_autoptr (GArray) reps = NULL;
  g_autoptr (PdSchedule) whole = respread (campaign, baseline, baseline, &from, actual, &reps);
  g_autoptr (PdSchedule) patched = pd_schedule_from_days (campaign, baseline, (const PdDay *) baseline->days->data,
                                                          baseline->days->len, NULL);
  g_autofree char *want = all_blocks_text (whole);
  g_autofree char *before = all_blocks_text (baseline);
  g_autofree char *got = NULL;

  for (guint r = 0; r < 2; r++)
    {
      g_autoptr (GArray) days = g_array_new (FALSE, FALSE, sizeof (PdDay));
      g_autoptr (GArray) blocks = g_array_new (FALSE, FALSE, sizeof (PdBlock));
      g_autoptr (GError) error = NULL;
      PdRespread info;

      assert_true (pd_schedule_respread_rep (campaign, baseline, patched, &from, r, actual[r], days, blocks, &info,
                                             &error));
      assert_memory_equal (&info, &g_array_index (reps, PdRespread, r), sizeof info);
      pd_schedule_replace_ahead (patched, r, &from, days, blocks);
    }
  got = all_blocks_text (patched);
  assert_string_equal (got, want);
  assert_int_equal (patched->days->len, whole->days->len);
  for (guint i = 0; i < whole->days->len; i++)
    {
      const PdDay *x = &g_array_index (patched->days, PdDay, i), *y = &g_array_index (whole->days, PdDay, i);

      assert_int_equal (x->contacts, y->contacts);
      assert_int_equal (x->cumulative, y->cumulative);
      assert_int_equal (x->rebased, y->rebased);
    }
  /* The re-spread changed blocks (alice catches up): not a copy. */
  assert_string_not_equal (got, before);
}

static void
test_respread_nothing_behind (void **state)
{
  (void) state;
  g_autoptr (PdCampaign) campaign = example_variant (NULL);
  g_autoptr (PdSchedule) baseline = build (campaign);
  GDate from = make_date (2027, 2, 10);
  g_autofree char *want = all_blocks_text (baseline);

  /* Exactly on the baseline (alice 16 x 20 + 22 x 7 = 466... as it
   * planned it), or NULL: the baseline itself. */
  GDate as_of = make_date (2027, 2, 9);
  gint64 on_plan[] = { planned (baseline, 0, 2027, 2, 9), planned (baseline, 1, 2027, 2, 9) };
  assert_true (pd_schedule_planned_to_date (baseline, 0, &as_of) == on_plan[0]);
  g_autoptr (PdSchedule) same = respread (campaign, baseline, baseline, &from, on_plan, NULL);
  g_autofree char *got = all_blocks_text (same);
  assert_string_equal (got, want);

  g_autoptr (PdSchedule) also_same = respread (campaign, baseline, baseline, &from, NULL, NULL);
  g_autofree char *also = all_blocks_text (also_same);
  assert_string_equal (also, want);
}

/* max_daily_calls 50m: 25 contacts a day at 2 minutes each. */
static PdCampaign *
tight_campaign (void)
{
  return example_variant ("max_daily_calls = 2h\n", "max_daily_calls = 50m\n", NULL);
}

static void
test_respread_capacity (void **state)
{
  (void) state;
  g_autoptr (PdCampaign) campaign = tight_campaign ();
  g_autoptr (PdSchedule) baseline = build (campaign);
  GDate from = make_date (2027, 1, 18);
  GDate jan18 = from;

  assert_int_equal (pd_schedule_day_capacity (campaign, 0, &jan18), 25);

  /* alice did 20 by 15 January, 140 short: 292 due by the 29th will not
   * go in 10 days of 25. Every day takes 25 until the count meets the
   * curve: 270 on the 29th (42 short of 312), then 3 a day gained on
   * February's 22-contact days: 13 of them leave 3 short, and 18
   * February takes just what meets the curve, 22 + 3 = 25 (620). */
  g_autoptr (GArray) reps = NULL;
  g_autoptr (PdSchedule) late =
    respread (campaign, baseline, baseline, &from, (const gint64[]) { 20, 80 }, &reps);
  const PdRespread *alice = &g_array_index (reps, PdRespread, 0);
  g_autofree char *back_on = pd_format_date (&alice->back_on);
  g_autofree char *jan29 = load_on (late, 0, 2027, 1, 29);
  g_autofree char *feb18 = load_on (late, 0, 2027, 2, 18);
  g_autofree char *feb19 = load_on (late, 0, 2027, 2, 19);
  assert_string_equal (jan29, "25/270");
  assert_false (alice->on_time);
  assert_string_equal (back_on, "2027-02-18");
  assert_string_equal (feb18, "25/620");
  assert_string_equal (feb19, "22/642");
  assert_int_equal (planned (baseline, 0, 2027, 2, 18), 620);
  assert_int_equal (alice->days, 24);
  assert_int_equal (alice->contacts, 24 * 25);
  assert_int_equal (alice->most, 25);
  assert_int_equal (alice->uncovered, 0);
  assert_int_equal (planned (late, 0, 2027, 3, 31), 1245);

  /* bob, 30 short, gets his own catch-up whatever alice's: one rep over
   * capacity does not stop the others'. */
  g_autoptr (GArray) both_reps = NULL;
  g_autoptr (PdSchedule) both =
    respread (campaign, baseline, baseline, &from, (const gint64[]) { 20, 50 }, &both_reps);
  assert_int_equal (g_array_index (both_reps, PdRespread, 1).shortfall, 30);
  assert_true (g_array_index (both_reps, PdRespread, 1).on_time);
  g_autofree char *bob_jan18 = load_on (both, 1, 2027, 1, 18);
  assert_string_equal (bob_jan18, "11/61"); /* 156 - 50 = 106 over 10 days */

  /* Nothing done by 12 March: 12 days of 25 left, 300 of the 1 245. */
  GDate march = make_date (2027, 3, 15);
  g_autoptr (GArray) short_reps = NULL;
  g_autoptr (PdSchedule) short_ =
    respread (campaign, baseline, baseline, &march, (const gint64[]) { 0, 0 }, &short_reps);
  alice = &g_array_index (short_reps, PdRespread, 0);
  assert_false (alice->on_time);
  assert_false (g_date_valid (&alice->back_on));
  assert_int_equal (alice->days, 12);
  assert_int_equal (alice->contacts, 300);
  assert_int_equal (alice->uncovered, 945);
  assert_int_equal (planned (short_, 0, 2027, 3, 31), 300);
}

static void
test_respread_no_days_left (void **state)
{
  (void) state;
  g_autoptr (PdCampaign) campaign = example_variant (NULL);
  g_autoptr (PdSchedule) baseline = build (campaign);
  GDate after = make_date (2027, 4, 1);
  g_autoptr (GArray) reps = NULL;

  /* 12 short after the end: nothing to spread them on, reported. */
  g_autoptr (PdSchedule) history =
    respread (campaign, baseline, baseline, &after, (const gint64[]) { 1233, 623 }, &reps);
  assert_int_equal (g_array_index (reps, PdRespread, 0).shortfall, 12);
  assert_int_equal (g_array_index (reps, PdRespread, 0).uncovered, 12);
  assert_int_equal (g_array_index (reps, PdRespread, 0).days, 0);
  g_autofree char *want = all_blocks_text (baseline);
  g_autofree char *got = all_blocks_text (history);
  assert_string_equal (got, want);
}

/* ------------------------------------------------------------ rep start */

static void
test_rep_start (void **state)
{
  (void) state;
  /* bob starts on 1 February: no day before it; the 156 due by 29
   * January go with the 374 due by 26 February over his 15 days of
   * February (15-19 off): 374 = 24 r 14, 25 on the first 14. */
  g_autoptr (PdCampaign) campaign =
    example_variant (BOB_GROUP, "[rep bob]\nstart = 2027-02-01\n" "days_off = 2027-02-15..2027-02-19\n"
                                "call_windows = 09:00-12:00\n", NULL);
  g_autoptr (PdSchedule) schedule = build (campaign);
  const PdRep *bob = g_ptr_array_index (campaign->reps, 1);
  GDate jan29 = make_date (2027, 1, 29), feb1 = make_date (2027, 2, 1);

  assert_true (bob->start_given);
  assert_false (pd_workcal_is_available (campaign, bob, &jan29));
  assert_true (pd_workcal_is_available (campaign, bob, &feb1));
  assert_consistent (campaign, schedule);
  assert_null (day_of (schedule, 1, 2027, 1, 29));
  assert_int_equal (planned (schedule, 1, 2027, 1, 29), 0);
  assert_int_equal (day_of (schedule, 1, 2027, 2, 1)->contacts, 25);
  assert_int_equal (day_of (schedule, 1, 2027, 2, 25)->contacts, 25);
  assert_int_equal (day_of (schedule, 1, 2027, 2, 26)->contacts, 24);
  assert_int_equal (planned (schedule, 1, 2027, 2, 26), 374);
  assert_int_equal (planned (schedule, 1, 2027, 3, 31), 623);
  /* alice is not affected. */
  assert_int_equal (planned (schedule, 0, 2027, 1, 29), 312);
}

/* ------------------------------------------------------------ curve */

static void
test_planned_to_date (void **state)
{
  (void) state;
  g_autoptr (PdCampaign) campaign = example_variant (NULL);
  g_autoptr (PdSchedule) schedule = build (campaign);

  assert_int_equal (planned (schedule, 0, 2026, 12, 31), 0);
  assert_int_equal (planned (schedule, 0, 2027, 1, 3), 0);
  assert_int_equal (planned (schedule, 0, 2027, 1, 4), 16);
  assert_int_equal (planned (schedule, 0, 2027, 1, 5), 32);
  assert_int_equal (planned (schedule, 0, 2027, 1, 9), 80); /* Saturday: Friday's */
  assert_int_equal (planned (schedule, 0, 2027, 1, 29), 312);
  assert_int_equal (planned (schedule, 0, 2027, 1, 31), 312);
  assert_int_equal (planned (schedule, 0, 2027, 2, 26), 747);
  assert_int_equal (planned (schedule, 0, 2027, 3, 31), 1245);
  assert_int_equal (planned (schedule, 0, 2028, 1, 1), 1245);
  assert_int_equal (planned (schedule, 1, 2027, 1, 4), 8);
  assert_int_equal (planned (schedule, 1, 2027, 2, 19), planned (schedule, 1, 2027, 2, 12));
  assert_int_equal (planned (schedule, 1, 2027, 4, 1), 623);
  assert_int_equal (planned (schedule, 7, 2027, 4, 1), 0); /* no such rep */
}

/* ------------------------------------------------------------ one rep */

/* Each rep built alone (pd_schedule_builder_rep) is that rep's slice of
 * the whole team's schedule, byte for byte. */
static void
assert_builder_slices (const PdCampaign *campaign)
{
  PdPlan plan = plan_of (campaign);
  g_autoptr (PdSchedule) team = build (campaign);
  g_autoptr (PdScheduleBuilder) builder = pd_schedule_builder_new (campaign, &plan);
  guint day = 0, block = 0;

  for (guint r = 0; r < campaign->reps->len; r++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PdSchedule) one = pd_schedule_builder_rep (builder, r, &error);
      guint first_day = day, first_block = block;

      assert_non_null (one);
      assert_int_equal (one->rep_contacts->len, team->rep_contacts->len);
      assert_memory_equal (one->rep_contacts->data, team->rep_contacts->data,
                           team->rep_contacts->len * sizeof (gint64));
      while (day < team->days->len && g_array_index (team->days, PdDay, day).rep_index == r)
        day++;
      while (block < team->blocks->len && g_array_index (team->blocks, PdBlock, block).rep_index == r)
        block++;
      assert_int_equal (one->days->len, day - first_day);
      assert_int_equal (one->blocks->len, block - first_block);
      assert_true (one->days->len > 0);
      assert_memory_equal (one->days->data, &g_array_index (team->days, PdDay, first_day),
                           one->days->len * sizeof (PdDay));
      if (one->blocks->len > 0)
        assert_memory_equal (one->blocks->data, &g_array_index (team->blocks, PdBlock, first_block),
                             one->blocks->len * sizeof (PdBlock));
    }
  assert_int_equal (day, team->days->len);
  assert_int_equal (block, team->blocks->len);
}

static void
test_builder_one_rep (void **state)
{
  (void) state;
  /* Four reps of different weights; bob with days off and his own
   * windows, carol starting in February with her own workdays, dave with
   * a lower cap. */
  g_autoptr (PdCampaign) campaign =
    example_variant ("bob = 0.5\n", "bob = 0.5\ncarol = 0.8\ndave = 1.3\n",
                     BOB_GROUP, BOB_GROUP "\n[rep carol]\nstart = 2027-02-01\nworkdays = mon-thu\n"
                                "days_off = 2027-03-01..2027-03-03\n"
                                "\n[rep dave]\nmax_daily_calls = 1h30m\ncall_windows = 14:00-17:00\n",
                     NULL);
  assert_int_equal (campaign->reps->len, 4);
  assert_builder_slices (campaign);

  /* With kept history (past days keep their loads). */
  g_autoptr (PdSchedule) first = build (campaign);
  g_autoptr (GArray) history = g_array_new (FALSE, TRUE, sizeof (PdPlannedDay));
  for (guint i = 0; i < first->days->len; i++)
    {
      const PdDay *d = &g_array_index (first->days, PdDay, i);
      PdPlannedDay kept = { .rep_index = d->rep_index, .date = d->date, .contacts = d->contacts + (i % 3) };
      if (g_date_get_month (&d->date) == G_DATE_JANUARY)
        g_array_append_val (history, kept);
    }
  campaign->history = g_steal_pointer (&history);
  campaign->history_through = make_date (2027, 1, 31);
  assert_builder_slices (campaign);

  /* A rep whose days fail fails alone: the others still build. */
  g_autoptr (PdCampaign) tight =
    example_variant (BOB_GROUP, "[rep bob]\nmax_daily_calls = 10m\n", NULL);
  PdPlan plan = plan_of (tight);
  g_autoptr (PdScheduleBuilder) builder = pd_schedule_builder_new (tight, &plan);
  g_autoptr (GError) error = NULL;
  g_autoptr (PdSchedule) alice = pd_schedule_builder_rep (builder, 0, &error);
  g_autoptr (PdSchedule) bob = NULL;
  assert_non_null (alice);
  bob = pd_schedule_builder_rep (builder, 1, &error);
  assert_null (bob);
  assert_true (g_error_matches (error, PD_SCHEDULE_ERROR, PD_SCHEDULE_ERROR_INFEASIBLE));
  assert_string_equal (error->message,
                       "2027-01-04: rep bob needs 16 min of calls but the day holds 10 min (call windows "
                       "09:00-12:00, 14:00-17:00; max_daily_calls 10m). Lengthen the call windows, add reps, "
                       "or raise max_daily_calls.");
}

/* pd_schedule_builder_rep_days() gives every rep the days
 * pd_schedule_builder_rep() gives it, byte for byte, without blocks, and
 * the same error for a day that does not fit, whether the day's check is
 * worked out or remembered from an earlier rep (both are asked for every
 * rep twice, in one builder each). */
static guint
assert_rep_days_same (const PdCampaign *campaign, gint64 contacts)
{
  guint failed = 0;
  PdPlan plan = { .contacts = contacts };
  g_autoptr (PdScheduleBuilder) whole = pd_schedule_builder_new (campaign, &plan);
  g_autoptr (PdScheduleBuilder) days_only = pd_schedule_builder_new (campaign, &plan);

  for (guint pass = 0; pass < 2; pass++)
    for (guint r = 0; r < campaign->reps->len; r++)
      {
        g_autoptr (GError) error = NULL;
        g_autoptr (GError) days_error = NULL;
        g_autoptr (PdSchedule) one = pd_schedule_builder_rep (whole, r, &error);
        g_autoptr (PdSchedule) days = pd_schedule_builder_rep_days (days_only, r, &days_error);

        if (one == NULL)
          {
            assert_null (days);
            assert_non_null (days_error);
            assert_int_equal (days_error->domain, error->domain);
            assert_int_equal (days_error->code, error->code);
            assert_string_equal (days_error->message, error->message);
            failed++;
            continue;
          }
        assert_non_null (days);
        assert_null (days_error);
        assert_int_equal (days->blocks->len, 0);
        assert_int_equal (days->rep_contacts->len, one->rep_contacts->len);
        assert_memory_equal (days->rep_contacts->data, one->rep_contacts->data,
                             one->rep_contacts->len * sizeof (gint64));
        assert_int_equal (days->days->len, one->days->len);
        assert_true (days->days->len > 0);
        assert_memory_equal (days->days->data, one->days->data, one->days->len * sizeof (PdDay));
      }
  return failed;
}

static void
test_builder_rep_days (void **state)
{
  (void) state;
  /* The reps of test_builder_one_rep: their own windows, days off,
   * workdays, start and cap. */
  g_autoptr (PdCampaign) campaign =
    example_variant ("bob = 0.5\n", "bob = 0.5\ncarol = 0.8\ndave = 1.3\nerin = 1\n",
                     BOB_GROUP, BOB_GROUP "\n[rep carol]\nstart = 2027-02-01\nworkdays = mon-thu\n"
                                "days_off = 2027-03-01..2027-03-03\n"
                                "\n[rep dave]\nmax_daily_calls = 1h30m\ncall_windows = 14:00-17:00\n",
                     NULL);
  PdPlan plan = plan_of (campaign);

  assert_int_equal (campaign->reps->len, 5);
  assert_int_equal (assert_rep_days_same (campaign, plan.contacts), 0);
  /* Twelve times the contacts: four reps' days no longer fit (twice
   * each); the first day that does not is named, as the blocks name it. */
  assert_int_equal (assert_rep_days_same (campaign, plan.contacts * 12), 8);

  /* With kept history (past days keep their loads). */
  g_autoptr (PdSchedule) first = build (campaign);
  g_autoptr (GArray) history = g_array_new (FALSE, TRUE, sizeof (PdPlannedDay));
  for (guint i = 0; i < first->days->len; i++)
    {
      const PdDay *d = &g_array_index (first->days, PdDay, i);
      PdPlannedDay kept = { .rep_index = d->rep_index, .date = d->date, .contacts = d->contacts + (i % 3) };
      if (g_date_get_month (&d->date) == G_DATE_JANUARY)
        g_array_append_val (history, kept);
    }
  campaign->history = g_steal_pointer (&history);
  campaign->history_through = make_date (2027, 1, 31);
  assert_int_equal (assert_rep_days_same (campaign, plan.contacts), 0);

  /* Around the spring change: 2027-03-28 has two windows, 01:00-02:00 and
   * 03:00-04:00, which hold 55 contacts a day but not 56; the other days
   * hold more. */
  g_autoptr (PdCampaign) dst = example_variant (
    "alice = 1\nbob = 0.5\n", "alice = 1\ncarol = 1\n", BOB_GROUP, "", CHECKPOINTS, "",
    "start = 2027-01-04\n", "start = 2027-03-27\n",
    "end = 2027-03-31\n", "end = 2027-03-28\n",
    "workdays = mon-fri\n", "workdays = mon-sun\n",
    "call_windows = 09:00-12:00, 14:00-17:00\n", "call_windows = 01:00-04:00\n",
    "max_daily_calls = 2h\n", "max_daily_calls = 3h\n", NULL);
  assert_int_equal (assert_rep_days_same (dst, 220), 0);
  {
    PdPlan tight = { .contacts = 224 };
    g_autoptr (PdScheduleBuilder) builder = pd_schedule_builder_new (dst, &tight);
    g_autoptr (GError) error = NULL;
    g_autoptr (PdSchedule) alice = pd_schedule_builder_rep_days (builder, 0, &error);

    assert_null (alice);
    assert_string_equal (error->message,
                         "2027-03-28: rep alice needs 112 min of calls but the day holds "
                         "110 min (call windows 01:00-02:00, 03:00-04:00; max_daily_calls "
                         "3h). Lengthen the call windows, add reps, or raise max_daily_calls.");
  }
  assert_int_equal (assert_rep_days_same (dst, 224), 4); /* alice and carol, twice */

  /* A day's windows are remembered for the reps that share them only:
   * bob's one hour between alice's and carol's two windows holds fewer
   * contacts than theirs, and his days (the same loads as theirs) fail
   * where theirs fit, whichever rep's days were worked out before. */
  g_autoptr (PdCampaign) windows =
    example_variant ("bob = 0.5\n", "bob = 1\ncarol = 1\n", BOB_GROUP, "[rep bob]\ncall_windows = 09:00-10:00\n",
                     NULL);
  PdPlan windows_plan = plan_of (windows);
  assert_int_equal (assert_rep_days_same (windows, windows_plan.contacts), 0);
  assert_int_equal (assert_rep_days_same (windows, windows_plan.contacts * 3), 2); /* bob, twice */
}

/* ------------------------------------------------------------ curves */

/* Rep r's curve against its days (pd_schedule_builder_rep_days()), for
 * every date from ten days before the campaign to ten days after it:
 * planned to date; the first day after each date reaching each target
 * (every target from -1 to the total + 1, found by walking the days); the
 * available days between every two dates, counted from
 * pd_workcal_is_available(). */
static void
assert_curve_equals_days (const PdCampaign *campaign, const PdScheduleCurve *curve, const PdSchedule *days,
                          guint r)
{
  const PdRep *rep = g_ptr_array_index (campaign->reps, r);
  GDate first = campaign->start, last = campaign->end;
  gint64 total = g_array_index (days->rep_contacts, gint64, r);
  guint n;

  g_date_subtract_days (&first, 10);
  g_date_add_days (&last, 10);
  n = (guint) g_date_days_between (&first, &last) + 1;
  g_autofree guint *available_before = g_new0 (guint, n + 1);
  for (guint i = 0; i < n; i++)
    {
      GDate date = first;

      g_date_add_days (&date, i);
      available_before[i + 1] = available_before[i] + (pd_workcal_is_available (campaign, rep, &date) ? 1 : 0);
    }
  assert_int_equal (pd_schedule_curve_total (curve), total);
  for (guint i = 0; i < n; i++)
    {
      GDate date = first;

      g_date_add_days (&date, i);
      assert_int_equal (pd_schedule_curve_planned_to_date (curve, &date), pd_schedule_planned_to_date (days, r, &date));
      for (gint64 target = -1; target <= total + 1; target++)
        {
          GDate expected, found;
          gboolean reached;

          g_date_clear (&expected, 1);
          for (guint d = 0; d < days->days->len; d++)
            {
              const PdDay *day = &g_array_index (days->days, PdDay, d);

              if (g_date_compare (&day->date, &date) > 0 && day->cumulative >= target)
                {
                  expected = day->date;
                  break;
                }
            }
          reached = pd_schedule_curve_day_reaching (curve, &date, target, &found);
          assert_int_equal (reached, g_date_valid (&expected));
          assert_int_equal (g_date_valid (&found), g_date_valid (&expected));
          if (reached)
            assert_int_equal (g_date_get_julian (&found), g_date_get_julian (&expected));
        }
      for (guint j = 0; j < n; j++)
        {
          GDate to = first;

          g_date_add_days (&to, j);
          assert_int_equal (pd_schedule_curve_available_days (curve, &date, &to),
                            j >= i ? available_before[j + 1] - available_before[i] : 0);
        }
    }
  /* Every date at once (pd_schedule_curve_add_planned_to_dates()), added
   * to what is there; then every seventh date, and the dates going back
   * to the start again (every other one of the first forty). */
  {
    g_autofree GDate *dates = g_new (GDate, 2 * n);
    g_autofree gint64 *planned = g_new (gint64, 2 * n);
    guint m = 0;

    for (guint i = 0; i < n; i++)
      {
        dates[i] = first;
        g_date_add_days (&dates[i], i);
        planned[i] = 7;
      }
    pd_schedule_curve_add_planned_to_dates (curve, dates, n, planned);
    for (guint i = 0; i < n; i++)
      assert_int_equal (planned[i], 7 + pd_schedule_planned_to_date (days, r, &dates[i]));
    for (guint i = 0; i < n; i += 7)
      {
        dates[m] = first;
        g_date_add_days (&dates[m], i);
        planned[m++] = 0;
      }
    for (guint i = 0; i < MIN (n, 40); i += 2)
      {
        dates[m] = first;
        g_date_add_days (&dates[m], i);
        planned[m++] = 0;
      }
    pd_schedule_curve_add_planned_to_dates (curve, dates, m, planned);
    for (guint i = 0; i < m; i++)
      assert_int_equal (planned[i], pd_schedule_planned_to_date (days, r, &dates[i]));
  }
}

/* Every rep's curve of `campaign` with `contacts` against its days, in
 * two builders asked every rep twice (what is remembered from a rep
 * serves the next); the same error, word for word, when its days fail.
 * Returns the names of the reps whose days failed, each with the code of
 * its error (I: a day does not fit, N: no day in a segment), in a string
 * kept until the next call. */
static const char *
assert_curves (const PdCampaign *campaign, gint64 contacts)
{
  static char *names;
  PdPlan plan = { .contacts = contacts };
  g_autoptr (PdScheduleBuilder) days_builder = pd_schedule_builder_new (campaign, &plan);
  g_autoptr (PdScheduleBuilder) curves = pd_schedule_builder_new (campaign, &plan);
  g_autoptr (GString) failed = g_string_new (NULL);

  for (guint pass = 0; pass < 2; pass++)
    for (guint r = 0; r < campaign->reps->len; r++)
      {
        g_autoptr (GError) days_error = NULL;
        g_autoptr (GError) curve_error = NULL;
        g_autoptr (PdSchedule) days = pd_schedule_builder_rep_days (days_builder, r, &days_error);
        g_autoptr (PdScheduleCurve) curve = pd_schedule_builder_rep_curve (curves, r, &curve_error);

        if (days == NULL)
          {
            assert_null (curve);
            assert_non_null (curve_error);
            assert_int_equal (curve_error->domain, days_error->domain);
            assert_int_equal (curve_error->code, days_error->code);
            assert_string_equal (curve_error->message, days_error->message);
            if (pass == 0)
              g_string_append_printf (failed, "%s%s:%c", failed->len > 0 ? " " : "",
                                      ((const PdRep *) g_ptr_array_index (campaign->reps, r))->name,
                                      curve_error->code == PD_SCHEDULE_ERROR_INFEASIBLE ? 'I' : 'N');
            continue;
          }
        assert_non_null (curve);
        assert_null (curve_error);
        if (pass == 0)
          assert_curve_equals_days (campaign, curve, days, r);
      }
  g_free (names);
  names = g_string_free (g_steal_pointer (&failed), FALSE);
  return names;
}

/* The kept history of test_builder_one_rep: January's loads, plus 0, 1
 * or 2 each; `extra` more on one day of rep `rep`. */
static void
keep_january (PdCampaign *campaign, guint rep, gint64 extra, const GDate *through)
{
  g_autoptr (PdSchedule) first = build (campaign);
  g_autoptr (GArray) history = g_array_new (FALSE, TRUE, sizeof (PdPlannedDay));

  for (guint i = 0; i < first->days->len; i++)
    {
      const PdDay *d = &g_array_index (first->days, PdDay, i);
      PdPlannedDay kept = { .rep_index = d->rep_index, .date = d->date, .contacts = d->contacts + (i % 3) };

      if (d->rep_index == rep && g_date_get_day (&d->date) == 20)
        kept.contacts += extra;
      if (g_date_get_month (&d->date) == G_DATE_JANUARY)
        g_array_append_val (history, kept);
    }
  /* A day that is not the rep's (a Saturday) is not read; a day given
   * twice counts its last load. */
  g_array_append_val (history, ((PdPlannedDay) { .rep_index = 0, .date = make_date (2027, 1, 9), .contacts = 7 }));
  g_array_append_val (history, ((PdPlannedDay) { .rep_index = 1, .date = make_date (2027, 1, 5), .contacts = 99 }));
  g_array_append_val (history, ((PdPlannedDay) { .rep_index = 1, .date = make_date (2027, 1, 5), .contacts = 41 }));
  g_clear_pointer (&campaign->history, g_array_unref);
  campaign->history = g_steal_pointer (&history);
  campaign->history_through = *through;
}

/* A rep's curve (pd_schedule_builder_rep_curve()) answers what its days
 * (pd_schedule_builder_rep_days()) answer, for every rep, date and
 * target, and fails with the same error, in campaigns with reps of their
 * own windows, days off, workdays, start and cap, late starters, kept
 * history, days that do not fit, a daylight-saving week, reps with no
 * contact and reps with fewer contacts than days. */
static void
test_builder_rep_curve (void **state)
{
  (void) state;
  g_autoptr (PdCampaign) campaign =
    example_variant ("bob = 0.5\n", "bob = 0.5\ncarol = 0.8\ndave = 1.3\nerin = 1\n",
                     BOB_GROUP, BOB_GROUP "\n[rep carol]\nstart = 2027-02-01\nworkdays = mon-thu\n"
                                "days_off = 2027-03-01..2027-03-03\n"
                                "\n[rep dave]\nmax_daily_calls = 1h30m\ncall_windows = 14:00-17:00\n",
                     NULL);
  PdPlan plan = plan_of (campaign);
  GDate through = make_date (2027, 1, 31), after_end = make_date (2027, 4, 30);

  assert_int_equal (campaign->reps->len, 5);
  assert_string_equal (assert_curves (campaign, plan.contacts), "");
  assert_string_equal (assert_curves (campaign, plan.contacts * 3), "");
  /* Days that do not fit: four reps, each named at its first such day. */
  assert_string_equal (assert_curves (campaign, plan.contacts * 12), "alice:I carol:I dave:I erin:I");
  /* Fewer contacts than days; then some reps with none at all. */
  assert_string_equal (assert_curves (campaign, 97), "");
  assert_string_equal (assert_curves (campaign, 3), "");
  assert_string_equal (assert_curves (campaign, 0), "");

  /* Kept history: through January, then after the end. */
  keep_january (campaign, 0, 0, &through);
  assert_string_equal (assert_curves (campaign, plan.contacts), "");
  keep_january (campaign, 0, 0, &after_end);
  assert_string_equal (assert_curves (campaign, plan.contacts), "");
  /* A kept day that does not fit (alice's 20 January): her error names
   * it, though later days fail too. */
  keep_january (campaign, 0, 500, &through);
  assert_string_equal (assert_curves (campaign, plan.contacts), "alice:I");
  assert_string_equal (assert_curves (campaign, plan.contacts * 12), "alice:I bob:I carol:I dave:I erin:I");

  /* Late starters: carol after two checkpoints owes their contacts from
   * March; erin starts on Easter Monday, a holiday, and has two days. */
  g_autoptr (PdCampaign) late =
    example_variant ("bob = 0.5\n", "bob = 0.5\ncarol = 1\nerin = 1\n",
                     BOB_GROUP, BOB_GROUP "\n[rep carol]\nstart = 2027-03-01\n\n[rep erin]\nstart = 2027-03-29\n",
                     NULL);
  PdPlan late_plan = plan_of (late);
  assert_string_equal (assert_curves (late, late_plan.contacts), "erin:I");
  assert_string_equal (assert_curves (late, late_plan.contacts * 4), "carol:I erin:I");

  /* A segment without a day: bob's days off cover January. */
  g_autoptr (PdCampaign) no_days =
    example_variant ("days_off = 2027-02-15..2027-02-19\n", "days_off = 2027-01-01..2027-01-31\n", NULL);
  assert_string_equal (assert_curves (no_days, plan_of (no_days).contacts), "bob:N");

  /* Around the spring change: 2027-03-28 has two windows, 01:00-02:00 and
   * 03:00-04:00, which hold 55 contacts a day but not 56; the other days
   * hold more. */
  g_autoptr (PdCampaign) dst = example_variant (
    "alice = 1\nbob = 0.5\n", "alice = 1\ncarol = 1\n", BOB_GROUP, "", CHECKPOINTS, "",
    "start = 2027-01-04\n", "start = 2027-03-22\n",
    "end = 2027-03-31\n", "end = 2027-03-30\n",
    "workdays = mon-fri\n", "workdays = mon-sun\n",
    "call_windows = 09:00-12:00, 14:00-17:00\n", "call_windows = 01:00-04:00\n",
    "max_daily_calls = 2h\n", "max_daily_calls = 3h\n", NULL);
  for (gint64 contacts = 880; contacts <= 1000; contacts += 8)
    assert_string_equal (assert_curves (dst, contacts), contacts < 896 ? "" : "alice:I carol:I");
  {
    PdPlan tight = { .contacts = 896 };
    g_autoptr (PdScheduleBuilder) builder = pd_schedule_builder_new (dst, &tight);
    g_autoptr (GError) error = NULL;
    g_autoptr (PdScheduleCurve) alice = pd_schedule_builder_rep_curve (builder, 0, &error);

    /* 448 contacts over 8 days (Easter Monday is a holiday): 56 a day,
     * which the 28th (its first that does not fit) cannot hold. */
    assert_null (alice);
    assert_string_equal (error->message,
                         "2027-03-28: rep alice needs 112 min of calls but the day holds "
                         "110 min (call windows 01:00-02:00, 03:00-04:00; max_daily_calls "
                         "3h). Lengthen the call windows, add reps, or raise max_daily_calls.");
  }

  /* Windows remembered for the reps that share them only. */
  g_autoptr (PdCampaign) windows =
    example_variant ("bob = 0.5\n", "bob = 1\ncarol = 1\n", BOB_GROUP, "[rep bob]\ncall_windows = 09:00-10:00\n",
                     NULL);
  PdPlan windows_plan = plan_of (windows);
  assert_string_equal (assert_curves (windows, windows_plan.contacts), "");
  assert_string_equal (assert_curves (windows, windows_plan.contacts * 3), "bob:I");
}

/* ------------------------------------------------------------ days only */

/* The blocks of rep r in `team` (by rep, date, index) dated from `first`
 * to `last` (NULL: no bound), copied. */
static GArray *
team_blocks (const PdSchedule *team, guint r, const GDate *first, const GDate *last)
{
  GArray *blocks = g_array_new (FALSE, FALSE, sizeof (PdBlock));

  for (guint i = 0; i < team->blocks->len; i++)
    {
      const PdBlock *block = &g_array_index (team->blocks, PdBlock, i);

      if (block->rep_index == r && (first == NULL || g_date_compare (&block->date, first) >= 0)
          && (last == NULL || g_date_compare (&block->date, last) <= 0))
        g_array_append_val (blocks, *block);
    }
  return blocks;
}

/* A schedule of days only (the daemon's schedule in force) has the days
 * of pd_schedule_from_days() and no blocks; pd_schedule_append_blocks()
 * gives any rep's blocks, or those of some of its days, field by field
 * those of the whole schedule; a re-spread and a patch read and keep it
 * as days only; a day that does not fit is the same error. */
static void
test_days_only (void **state)
{
  (void) state;
  g_autoptr (PdCampaign) campaign =
    example_variant ("bob = 0.5\n", "bob = 0.5\ncarol = 0.8\ndave = 1.3\n",
                     BOB_GROUP, BOB_GROUP "\n[rep carol]\nstart = 2027-02-01\nworkdays = mon-thu\n"
                                "days_off = 2027-03-01..2027-03-03\n"
                                "\n[rep dave]\nmax_daily_calls = 1h30m\ncall_windows = 14:00-17:00\n",
                     NULL);
  g_autoptr (PdSchedule) team = build (campaign);
  g_autoptr (GError) error = NULL;
  g_autoptr (PdSchedule) full = pd_schedule_from_days (campaign, team, (const PdDay *) team->days->data,
                                                       team->days->len, &error);
  g_autoptr (PdSchedule) only = pd_schedule_from_days_only (campaign, team, (const PdDay *) team->days->data,
                                                            team->days->len, &error);
  g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (PdBlock));
  GDate feb1 = make_date (2027, 2, 1), feb28 = make_date (2027, 2, 28);

  assert_int_equal (campaign->reps->len, 4);
  assert_non_null (full);
  assert_non_null (only);
  assert_null (only->blocks);
  assert_int_equal (only->days->len, full->days->len);
  assert_memory_equal (only->days->data, full->days->data, full->days->len * sizeof (PdDay));
  assert_int_equal (only->rep_contacts->len, 4);
  assert_memory_equal (only->rep_contacts->data, full->rep_contacts->data, 4 * sizeof (gint64));
  assert_int_equal (full->blocks->len, team->blocks->len);
  assert_true (team->blocks->len > 200);

  /* Each rep's blocks, then its February's, made from its days alone. */
  for (guint r = 0; r < 4; r++)
    {
      g_autoptr (GArray) want = team_blocks (team, r, NULL, NULL);
      g_autoptr (GArray) want_feb = team_blocks (team, r, &feb1, &feb28);
      g_autoptr (GArray) got = g_array_new (FALSE, FALSE, sizeof (PdBlock));
      g_autoptr (GArray) got_feb = g_array_new (FALSE, FALSE, sizeof (PdBlock));
      g_autoptr (GArray) feb_days = g_array_new (FALSE, FALSE, sizeof (PdDay));

      for (guint i = 0; i < only->days->len; i++)
        {
          const PdDay *day = &g_array_index (only->days, PdDay, i);

          if (day->rep_index == r && g_date_compare (&day->date, &feb1) >= 0
              && g_date_compare (&day->date, &feb28) <= 0)
            g_array_append_val (feb_days, *day);
        }
      assert_true (want->len > 0);
      assert_true (want_feb->len > 0 && want_feb->len < want->len);
      assert_true (pd_schedule_append_blocks (campaign, (const PdDay *) feb_days->data, feb_days->len, got_feb,
                                              &error));
      assert_int_equal (got_feb->len, want_feb->len);
      assert_memory_equal (got_feb->data, want_feb->data, want_feb->len * sizeof (PdBlock));
      for (guint i = 0; i < only->days->len; i++)
        if (g_array_index (only->days, PdDay, i).rep_index == r)
          assert_true (pd_schedule_append_blocks (campaign, &g_array_index (only->days, PdDay, i), 1, got, &error));
      assert_int_equal (got->len, want->len);
      assert_memory_equal (got->data, want->data, want->len * sizeof (PdBlock));
    }
  /* Every rep's in one call: the whole schedule's. */
  assert_true (pd_schedule_append_blocks (campaign, (const PdDay *) only->days->data, only->days->len, all, &error));
  assert_int_equal (all->len, team->blocks->len);
  assert_memory_equal (all->data, team->blocks->data, team->blocks->len * sizeof (PdBlock));
  assert_true (pd_schedule_append_blocks (campaign, NULL, 0, all, &error));
  assert_int_equal (all->len, team->blocks->len);

  /* A re-spread from a schedule of days only is the one from the whole
   * schedule (the history's blocks made from its days). */
  {
    GDate from = make_date (2027, 1, 18);
    const gint64 actual[] = { 104, 91, 0, 120 };
    g_autoptr (GArray) reps_full = NULL;
    g_autoptr (GArray) reps_only = NULL;
    g_autoptr (PdSchedule) from_full = respread (campaign, team, full, &from, actual, &reps_full);
    g_autoptr (PdSchedule) from_only = respread (campaign, team, only, &from, actual, &reps_only);
    g_autofree char *want = all_blocks_text (from_full);
    g_autofree char *got = all_blocks_text (from_only);

    assert_string_equal (got, want);
    assert_int_equal (from_only->days->len, from_full->days->len);
    assert_memory_equal (from_only->days->data, from_full->days->data, from_full->days->len * sizeof (PdDay));
    assert_memory_equal (reps_only->data, reps_full->data, 4 * sizeof (PdRespread));

    /* Patched in place, rep by rep: the days of the re-spread, still
     * without blocks; those made from them are the re-spread's. */
    for (guint r = 0; r < 4; r++)
      {
        g_autoptr (GArray) days = g_array_new (FALSE, FALSE, sizeof (PdDay));
        g_autoptr (GArray) blocks = g_array_new (FALSE, FALSE, sizeof (PdBlock));
        PdRespread info;

        assert_true (pd_schedule_respread_rep (campaign, team, only, &from, r, actual[r], days, blocks, &info,
                                               &error));
        pd_schedule_replace_ahead (only, r, &from, days, blocks);
        assert_null (only->blocks);
      }
    assert_int_equal (only->days->len, from_full->days->len);
    assert_memory_equal (only->days->data, from_full->days->data, from_full->days->len * sizeof (PdDay));
    g_array_set_size (all, 0);
    assert_true (pd_schedule_append_blocks (campaign, (const PdDay *) only->days->data, only->days->len, all,
                                            &error));
    assert_int_equal (all->len, from_full->blocks->len);
    assert_memory_equal (all->data, from_full->blocks->data, all->len * sizeof (PdBlock));
    {
      g_autofree char *before = all_blocks_text (team);

      assert_string_not_equal (want, before); /* (alice and dave catch up) */
    }
  }

  /* A day that does not fit: the same error as with the blocks kept. */
  {
    g_autoptr (PdCampaign) tight = example_variant (BOB_GROUP, "[rep bob]\nmax_daily_calls = 10m\n", NULL);
    g_autoptr (PdCampaign) roomy = example_variant (NULL);
    g_autoptr (PdSchedule) loads = build (roomy);
    g_autoptr (GError) kept_error = NULL;
    g_autoptr (GError) only_error = NULL;
    g_autoptr (GError) append_error = NULL;
    g_autoptr (GArray) blocks = g_array_new (FALSE, FALSE, sizeof (PdBlock));
    const char *want = "2027-01-04: rep bob needs 16 min of calls but the day holds 10 min (call windows "
                       "09:00-12:00, 14:00-17:00; max_daily_calls 10m). Lengthen the call windows, add reps, "
                       "or raise max_daily_calls.";

    assert_null (pd_schedule_from_days (tight, loads, (const PdDay *) loads->days->data, loads->days->len,
                                        &kept_error));
    assert_null (pd_schedule_from_days_only (tight, loads, (const PdDay *) loads->days->data, loads->days->len,
                                             &only_error));
    assert_true (g_error_matches (only_error, PD_SCHEDULE_ERROR, PD_SCHEDULE_ERROR_INFEASIBLE));
    assert_string_equal (kept_error->message, want);
    assert_string_equal (only_error->message, want);
    /* Alice's days fit; bob's first does not: alice's blocks appended. */
    assert_false (pd_schedule_append_blocks (tight, (const PdDay *) loads->days->data, loads->days->len, blocks,
                                             &append_error));
    assert_string_equal (append_error->message, want);
    {
      g_autoptr (GArray) alice = team_blocks (loads, 0, NULL, NULL);

      assert_int_equal (blocks->len, alice->len);
      assert_memory_equal (blocks->data, alice->data, alice->len * sizeof (PdBlock));
    }
  }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_split),
    cmocka_unit_test (test_checkpoint_target),
    cmocka_unit_test (test_example_two_reps),
    cmocka_unit_test (test_example_one_rep),
    cmocka_unit_test (test_example_one_rep_long_calls),
    cmocka_unit_test (test_example_file),
    cmocka_unit_test (test_blocks_fill_windows),
    cmocka_unit_test (test_blocks_round_down),
    cmocka_unit_test (test_blocks_proportional),
    cmocka_unit_test (test_blocks_one_window_break),
    cmocka_unit_test (test_blocks_near_capacity),
    cmocka_unit_test (test_blocks_dst),
    cmocka_unit_test (test_blocks_keep_local_time),
    cmocka_unit_test (test_infeasible),
    cmocka_unit_test (test_infeasible_one_rep),
    cmocka_unit_test (test_infeasible_windows),
    cmocka_unit_test (test_infeasible_by_one_minute),
    cmocka_unit_test (test_no_days),
    cmocka_unit_test (test_respread),
    cmocka_unit_test (test_respread_nothing_behind),
    cmocka_unit_test (test_respread_rep_in_place),
    cmocka_unit_test (test_respread_capacity),
    cmocka_unit_test (test_respread_no_days_left),
    cmocka_unit_test (test_rep_start),
    cmocka_unit_test (test_planned_to_date),
    cmocka_unit_test (test_builder_one_rep),
    cmocka_unit_test (test_builder_rep_days),
    cmocka_unit_test (test_days_only),
    cmocka_unit_test (test_builder_rep_curve),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
