/* SPDX-License-Identifier: MIT
 *
 * Tests of catchup: a catch-up over a store (in memory) with the example
 * campaign (config/campaigns/example.conf): the cumulative figures after
 * it are the contacts logged plus the days ahead, the rep is back on the
 * curve by the next checkpoint, each rep gets what fits and the rest is
 * reported, the revision stored reads back as the same schedule, a second
 * run with nothing new stores nothing, and the sentences that report it.
 * Expected values are worked out by hand in the comments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "prospectd/catchup.h"
#include "prospectd/config.h"
#include "prospectd/format.h"
#include "prospectd/plan.h"
#include "prospectd/schedule.h"

static const char example_text[] =
  "[campaign]\n"
  "name = New customers Q1 2027\n"
  "start = 2027-01-04\n"
  "end = 2027-03-31\n"
  "timezone = Europe/Paris\n"
  "currency = EUR\n"
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
  "[calendar]\n"
  "workdays = mon-fri\n"
  "call_windows = 09:00-12:00, 14:00-17:00\n"
  "holidays = fr\n"
  "max_daily_calls = 2h\n"
  "max_block = 90m\n"
  "[checkpoints]\n"
  "2027-01-29 = 25%\n"
  "2027-02-26 = 60%\n"
  "[reps]\n"
  "alice = 1\n"
  "bob = 0.5\n"
  "[rep bob]\n"
  "days_off = 2027-02-15..2027-02-19\n"
  "call_windows = 09:00-12:00\n";

typedef struct {
  PdCampaign *campaign;
  PdSchedule *baseline;
  PdStore *store;
} Fixture;

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
  Fixture *f = g_new0 (Fixture, 1);
  g_autoptr (GError) error = NULL;
  PdPlan plan;

  f->campaign = pd_config_parse_campaign ("example.conf", example_text, sizeof example_text - 1, &error);
  assert_non_null (f->campaign);
  assert_true (pd_plan_compute (&f->campaign->plan, &plan, &error));
  f->baseline = pd_schedule_build (f->campaign, &plan, &error);
  assert_non_null (f->baseline);
  f->store = pd_store_open (":memory:", &error);
  assert_non_null (f->store);
  assert_true (pd_store_ensure_campaign (f->store, f->campaign->id, f->campaign->name, &error));
  *state = f;
  return 0;
}

static int
teardown (void **state)
{
  Fixture *f = *state;
  pd_store_close (f->store);
  pd_schedule_free (f->baseline);
  pd_campaign_free (f->campaign);
  g_free (f);
  return 0;
}

static void
log_contacts (Fixture *f, const char *rep, GDate date, gint64 contacts)
{
  g_autoptr (PdActivity) activity = pd_activity_new ();
  g_autoptr (GError) error = NULL;

  activity->campaign = g_strdup (f->campaign->id);
  activity->rep = g_strdup (rep);
  activity->date = date;
  activity->contacts = contacts;
  activity->created = 1800000000;
  assert_true (pd_store_add_activity (f->store, activity, NULL, &error));
}

/* A catch-up as the daemon and `prospectctl reschedule` run it: the
 * schedule in force and the day sums read first, then handed over. */
static PdCatchup *
catchup_run (PdStore *store, const PdCampaign *campaign, const PdSchedule *baseline, const GDate *as_of,
             gint64 now, GError **error)
{
  g_autoptr (PdSchedule) current = NULL;
  g_autoptr (GArray) daily = NULL;
  gint64 revision_time = 0;

  if (!pd_catchup_current (store, campaign, baseline, 0, &current, &revision_time, error))
    return NULL;
  daily = pd_store_daily_contacts (store, campaign->id, NULL, as_of, error);
  if (daily == NULL)
    return NULL;
  return pd_catchup_run (store, campaign, baseline, current, daily, as_of, now, error);
}

/* "contacts/cumulative" of a rep's day. */
static char *
day_text (const PdSchedule *schedule, guint rep, GDate date)
{
  for (guint i = 0; i < schedule->days->len; i++)
    {
      const PdDay *day = &g_array_index (schedule->days, PdDay, i);
      if (day->rep_index == rep && g_date_compare (&day->date, &date) == 0)
        return g_strdup_printf ("%lld/%lld", (long long) day->contacts, (long long) day->cumulative);
    }
  return g_strdup ("none");
}

static void
test_catchup_on_time (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  GDate as_of = ymd (2027, 1, 15);

  /* Issue 11's figures: alice 56 short on 15 January (planned 10 x 16 =
   * 160, done 104), bob 30 short (80 planned, 50 done). */
  log_contacts (f, "alice", ymd (2027, 1, 14), 100);
  log_contacts (f, "alice", ymd (2027, 1, 15), 4);
  log_contacts (f, "bob", ymd (2027, 1, 15), 50);
  g_autoptr (PdCatchup) catchup = catchup_run (f->store, f->campaign, f->baseline, &as_of, 1800000100, &error);
  assert_null (error);
  assert_non_null (catchup);
  assert_true (catchup->changed);
  assert_true (catchup->revision_id > 0);
  assert_true (g_array_index (catchup->load_changed, gboolean, 0));
  assert_true (g_array_index (catchup->load_changed, gboolean, 1));

  /* Back on target by the 29 January checkpoint: 312 - 104 = 208 over 10
   * days, at most 21; bob 156 - 50 = 106, at most 11. The checkpoint
   * day's cumulative is the checkpoint's target; the end, the rep's
   * total (not 1 245 + 56). */
  const PdRespread *alice = &g_array_index (catchup->reps, PdRespread, 0);
  g_autofree char *alice_text = pd_catchup_describe (f->campaign, alice);
  g_autofree char *bob_text = pd_catchup_describe (f->campaign, &g_array_index (catchup->reps, PdRespread, 1));
  assert_int_equal (alice->shortfall, 56);
  assert_string_equal (alice_text,
                       "back on target by 2027-01-29 (312 contacts): 208 contacts over 10 working days, "
                       "at most 21 a day.");
  assert_string_equal (bob_text,
                       "back on target by 2027-01-29 (156 contacts): 106 contacts over 10 working days, "
                       "at most 11 a day.");
  g_autofree char *jan18 = day_text (catchup->schedule, 0, ymd (2027, 1, 18));
  g_autofree char *jan29 = day_text (catchup->schedule, 0, ymd (2027, 1, 29));
  g_autofree char *mar31 = day_text (catchup->schedule, 0, ymd (2027, 3, 31));
  assert_string_equal (jan18, "21/125");
  assert_string_equal (jan29, "20/312");
  assert_string_equal (mar31, "22/1245");

  /* The stored revision reads back as the same schedule, the count
   * restarting at 104 on the first day ahead. */
  g_autoptr (PdSchedule) current = NULL;
  gint64 revision_time = 0;
  assert_true (pd_catchup_current (f->store, f->campaign, f->baseline, 1, &current, &revision_time, &error));
  assert_int_equal (revision_time, 1800000100);
  g_autofree char *read_jan18 = day_text (current, 0, ymd (2027, 1, 18));
  g_autofree char *read_mar31 = day_text (current, 0, ymd (2027, 3, 31));
  g_autofree char *read_bob = day_text (current, 1, ymd (2027, 1, 18));
  assert_string_equal (read_jan18, "21/125");
  assert_string_equal (read_mar31, "22/1245");
  assert_string_equal (read_bob, "11/61");
  for (guint i = 0; i < current->days->len; i++)
    {
      const PdDay *a = &g_array_index (current->days, PdDay, i);
      const PdDay *b = &g_array_index (catchup->schedule->days, PdDay, i);
      assert_int_equal (a->contacts, b->contacts);
      assert_int_equal (a->cumulative, b->cumulative);
    }

  /* Nothing new: the same catch-up, nothing stored. */
  g_autoptr (PdCatchup) again = catchup_run (f->store, f->campaign, f->baseline, &as_of, 1800000200, &error);
  assert_non_null (again);
  assert_false (again->changed);
  assert_int_equal (again->revision_id, 0);
  assert_false (g_array_index (again->load_changed, gboolean, 0));

  /* A late log for 15 January (alice +10): new loads, and said so. */
  log_contacts (f, "alice", ymd (2027, 1, 15), 10);
  g_autoptr (PdCatchup) later = catchup_run (f->store, f->campaign, f->baseline, &as_of, 1800000300, &error);
  assert_true (later->changed);
  assert_true (g_array_index (later->load_changed, gboolean, 0));
  assert_false (g_array_index (later->load_changed, gboolean, 1));
  g_autofree char *later_text = pd_catchup_describe (f->campaign, &g_array_index (later->reps, PdRespread, 0));
  assert_string_equal (later_text,
                       "back on target by 2027-01-29 (312 contacts): 198 contacts over 10 working days, "
                       "at most 20 a day.");
}

static void
test_catchup_over_capacity (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  GDate as_of = ymd (2027, 3, 26);

  /* Nothing logged by 26 March, two days left at 60 contacts each: each
   * rep gets those, the rest is uncovered; neither stops the other. */
  g_autoptr (PdCatchup) catchup = catchup_run (f->store, f->campaign, f->baseline, &as_of, 1800000100, &error);
  assert_null (error);
  assert_non_null (catchup);
  g_autofree char *alice = pd_catchup_describe (f->campaign, &g_array_index (catchup->reps, PdRespread, 0));
  g_autofree char *bob = pd_catchup_describe (f->campaign, &g_array_index (catchup->reps, PdRespread, 1));
  assert_string_equal (alice, "at full capacity to the end: 120 contacts over 2 working days, at most 60 a day; "
                              "1 125 contacts left uncovered.");
  assert_string_equal (bob, "at full capacity to the end: 120 contacts over 2 working days, at most 60 a day; "
                            "503 contacts left uncovered.");
  g_autofree char *mar31 = day_text (catchup->schedule, 0, ymd (2027, 3, 31));
  assert_string_equal (mar31, "60/120");

  /* Late but reachable. 400 done by 29 January, nothing since: on 19
   * February 312 + 15 x 22 = 642 are planned, 242 short; the 747 due by
   * the 26th would take 347 in 5 days, more than 5 x 60. At 60 a day
   * against the curve's 21 she gains 39 a day (47 short on the 26th),
   * then 37 against March's 23: 10 short on 1 March, and 2 March takes
   * just what meets the curve, 23 + 10 = 33 (793). */
  g_autoptr (PdStore) other = pd_store_open (":memory:", &error);
  assert_true (pd_store_ensure_campaign (other, f->campaign->id, NULL, &error));
  PdStore *kept = f->store;
  f->store = other;
  log_contacts (f, "alice", ymd (2027, 1, 29), 400);
  f->store = kept;
  GDate feb19 = ymd (2027, 2, 19);
  g_autoptr (PdCatchup) late = catchup_run (other, f->campaign, f->baseline, &feb19, 1800000100, &error);
  assert_non_null (late);
  const PdRespread *r = &g_array_index (late->reps, PdRespread, 0);
  g_autofree char *late_text = pd_catchup_describe (f->campaign, r);
  g_autofree char *mar1 = day_text (late->schedule, 0, ymd (2027, 3, 1));
  g_autofree char *mar2 = day_text (late->schedule, 0, ymd (2027, 3, 2));
  g_autofree char *mar3 = day_text (late->schedule, 0, ymd (2027, 3, 3));
  assert_int_equal (r->shortfall, 242);
  assert_false (r->on_time);
  assert_string_equal (late_text,
                       "at full capacity, back on target on 2027-03-02 (793 contacts), after the 2027-02-26 "
                       "checkpoint: 393 contacts over 7 working days, at most 60 a day.");
  assert_string_equal (mar1, "60/760");
  assert_string_equal (mar2, "33/793");
  assert_string_equal (mar3, "23/816");
}

/* The kept loads of `campaign`'s rep `rep` on `date` (campaign->history),
 * -1 when there is no history or no such day in it. */
static gint64
kept_load (const PdCampaign *campaign, guint rep, GDate date)
{
  if (campaign->history == NULL)
    return -1;
  for (guint i = 0; i < campaign->history->len; i++)
    {
      const PdPlannedDay *kept = &g_array_index (campaign->history, PdPlannedDay, i);
      if (kept->rep_index == rep && g_date_compare (&kept->date, &date) == 0)
        return kept->contacts;
    }
  return -1;
}

/* The campaign file gains a rep, carol (weight 1), on Monday 18 January:
 * alice's share falls from 1 245 to 747, bob's from 623 to 374. Past days
 * keep their loads (alice 160 and bob 80 planned by the 15th, not 97 and
 * 46); the rest of each rep's new share is spread from the 18th: alice
 * 187 - 160 = 27 by the 29th over 10 days, 3 on the first 7. */
static void
test_campaign_edit (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  GDate jan11 = ymd (2027, 1, 11), jan15 = ymd (2027, 1, 15), jan18 = ymd (2027, 1, 18),
        jan19 = ymd (2027, 1, 19);
  PdPlan plan;

  /* The first load records the founding reps and the baseline. */
  assert_true (pd_catchup_rep_starts (f->store, f->campaign, &jan11, TRUE, &error));
  assert_true (pd_catchup_freeze_past (f->store, f->campaign, &jan11, 1800000000, TRUE, &error));
  assert_null (f->campaign->history); /* nothing stored before: the file alone */
  /* A catch-up on the 15th (alice 104 done), from the 18th. */
  log_contacts (f, "alice", jan15, 104);
  g_autoptr (PdCatchup) catchup = catchup_run (f->store, f->campaign, f->baseline, &jan15, 1800000100, &error);
  assert_true (catchup->changed);

  g_autoptr (GString) edited = g_string_new (example_text);
  g_string_replace (edited, "bob = 0.5\n", "bob = 0.5\ncarol = 1\n", 1);
  g_autoptr (PdCampaign) campaign = pd_config_parse_campaign ("example.conf", edited->str, edited->len, &error);
  assert_non_null (campaign);
  assert_true (pd_plan_compute (&campaign->plan, &plan, &error));

  /* Read only: the same figures, nothing written. */
  g_autoptr (PdRevision) head = NULL;
  assert_true (pd_catchup_rep_starts (f->store, campaign, &jan18, FALSE, &error));
  assert_true (pd_catchup_freeze_past (f->store, campaign, &jan18, 1800000200, FALSE, &error));
  assert_true (pd_store_load_latest_head (f->store, campaign->id, &head, &error));
  assert_int_equal (head->kind, PD_REVISION_CATCHUP);
  g_clear_pointer (&head, pd_revision_free);

  assert_true (pd_catchup_rep_starts (f->store, campaign, &jan18, TRUE, &error));
  assert_true (pd_catchup_freeze_past (f->store, campaign, &jan18, 1800000200, TRUE, &error));
  g_autofree char *carol_start = pd_format_date (&((const PdRep *) g_ptr_array_index (campaign->reps, 2))->start);
  assert_string_equal (carol_start, "2027-01-18");
  g_autoptr (PdSchedule) baseline = pd_schedule_build (campaign, &plan, &error);
  assert_non_null (baseline);
  assert_int_equal (pd_schedule_planned_to_date (baseline, 0, &jan15), 160);
  assert_int_equal (pd_schedule_planned_to_date (baseline, 1, &jan15), 80);
  assert_int_equal (pd_schedule_planned_to_date (baseline, 2, &jan15), 0);
  g_autofree char *alice18 = day_text (baseline, 0, jan18);
  g_autofree char *alice29 = day_text (baseline, 0, ymd (2027, 1, 29));
  g_autofree char *carol18 = day_text (baseline, 2, jan18);
  g_autofree char *alice_end = day_text (baseline, 0, ymd (2027, 3, 31));
  assert_string_equal (alice18, "3/163");
  assert_string_equal (alice29, "2/187");
  assert_string_equal (carol18, "19/19");
  assert_int_equal (pd_schedule_planned_to_date (baseline, 0, &f->campaign->end), 747);

  /* Stored as a baseline from the 18th; the catch-up of the 15th no
   * longer applies from that day. */
  assert_true (pd_store_load_latest_head (f->store, campaign->id, &head, &error));
  g_autofree char *head_as_of = pd_format_date (&head->as_of);
  assert_int_equal (head->kind, PD_REVISION_BASELINE);
  assert_string_equal (head_as_of, "2027-01-18");
  g_autoptr (PdSchedule) current = NULL;
  gint64 revision_time = 0;
  assert_true (pd_catchup_current (f->store, campaign, baseline, 1, &current, &revision_time, &error));
  assert_int_equal (revision_time, 1800000200);
  g_autofree char *current18 = day_text (current, 0, jan18);
  g_autofree char *current15 = day_text (current, 0, jan15);
  assert_string_equal (current18, "3/163");
  assert_string_equal (current15, "16/160");

  /* The next day, the same file: nothing new stored; the baseline was
   * made from this text, so its past is kept without building a day. */
  gint64 id = head->id;
  g_clear_pointer (&head, pd_revision_free);
  assert_true (pd_catchup_freeze_past (f->store, campaign, &jan19, 1800000300, TRUE, &error));
  assert_true (campaign->source_planned);
  assert_true (pd_store_load_latest_head (f->store, campaign->id, &head, &error));
  assert_int_equal (head->id, id);
  assert_string_equal (head->source, campaign->source_digest);
  assert_true (pd_catchup_freeze_past (f->store, campaign, &jan19, 1800000300, FALSE, &error));
  assert_true (campaign->source_planned);
  assert_int_equal (kept_load (campaign, 0, jan15), 16);
  g_autoptr (PdSchedule) again = pd_schedule_build (campaign, &plan, &error);
  assert_non_null (again);
  assert_int_equal (pd_schedule_planned_to_date (again, 0, &jan15), 160);
  g_autofree char *again18 = day_text (again, 0, jan18);
  assert_string_equal (again18, "3/163");
}

/* A baseline names the campaign text it was made from (schema 14), so
 * that a command loading an unchanged file knows its past without reading
 * the baseline's days. To show which days are read, the store's latest
 * baseline below is the file's days but for alice's 4 January: 30
 * contacts, not 16. */
static void
test_baseline_source (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  GDate jan4 = ymd (2027, 1, 4), jan11 = ymd (2027, 1, 11), jan12 = ymd (2027, 1, 12);
  g_autoptr (PdRevision) head = NULL;
  PdPlan plan;

  /* The digest: SHA-256 of the version's line, then the text. */
  g_checksum_update (checksum, (const guchar *) "prospectd " PD_VERSION "\n", -1);
  g_checksum_update (checksum, (const guchar *) example_text, sizeof example_text - 1);
  assert_string_equal (f->campaign->source_digest, g_checksum_get_string (checksum));

  /* The first baseline is recorded with it. */
  assert_true (pd_catchup_rep_starts (f->store, f->campaign, &jan11, TRUE, &error));
  assert_true (pd_catchup_freeze_past (f->store, f->campaign, &jan11, 1800000000, TRUE, &error));
  assert_false (f->campaign->source_planned); /* nothing was stored before */
  assert_true (pd_store_load_baseline_head (f->store, f->campaign->id, &head, &error));
  assert_non_null (head);
  assert_string_equal (head->source, f->campaign->source_digest);
  assert_int_equal (head->days->len, 0);
  assert_int_equal (g_date_compare (&head->as_of, &f->campaign->start), 0);
  gint64 first_id = head->id;
  g_clear_pointer (&head, pd_revision_free);

  g_autoptr (PdRevision) edited = pd_catchup_revision_new (f->campaign, f->baseline, NULL, PD_REVISION_BASELINE,
                                                           &f->campaign->start, 1800000050);
  for (guint i = 0; i < edited->days->len; i++)
    {
      PdRevisionDay *day = &g_array_index (edited->days, PdRevisionDay, i);
      if (g_str_equal (day->rep, "alice") && g_date_compare (&day->date, &jan4) == 0)
        {
          assert_int_equal (day->contacts, 16);
          day->contacts = 30;
        }
    }
  edited->source = g_strdup (f->campaign->source_digest);
  assert_true (pd_store_save_revision (f->store, edited, NULL, &error));

  /* The same text, read only or recorded: its days are the file's (the
   * 30 is not read), nothing is stored. */
  assert_true (pd_catchup_freeze_past (f->store, f->campaign, &jan12, 1800000100, FALSE, &error));
  assert_true (f->campaign->source_planned);
  assert_null (f->campaign->history);
  assert_true (pd_catchup_freeze_past (f->store, f->campaign, &jan12, 1800000100, TRUE, &error));
  assert_true (f->campaign->source_planned);
  assert_null (f->campaign->history);
  assert_true (pd_store_load_latest_head (f->store, f->campaign->id, &head, &error));
  assert_int_equal (head->id, first_id + 1);
  g_clear_pointer (&head, pd_revision_free);

  /* Another text (a comment added): the baseline's days are read, the 30
   * kept as alice's past, and a schedule built then keeps it. */
  g_autofree char *commented = g_strconcat (example_text, "# edited\n", NULL);
  g_autoptr (PdCampaign) other = pd_config_parse_campaign ("example.conf", commented, strlen (commented), &error);
  assert_non_null (other);
  assert_string_not_equal (other->source_digest, f->campaign->source_digest);
  assert_true (pd_catchup_rep_starts (f->store, other, &jan12, FALSE, &error));
  assert_true (pd_catchup_freeze_past (f->store, other, &jan12, 1800000100, FALSE, &error));
  assert_false (other->source_planned);
  assert_int_equal (kept_load (other, 0, jan4), 30);
  assert_true (pd_plan_compute (&other->plan, &plan, &error));
  g_autoptr (PdSchedule) kept = pd_schedule_build (other, &plan, &error);
  assert_non_null (kept);
  g_autofree char *alice4 = day_text (kept, 0, jan4);
  assert_string_equal (alice4, "30/30");

  /* A baseline saved before schema 14 (no source): read as before, and
   * with the same days recorded, nothing new is stored. */
  g_autoptr (PdRevision) unnamed = pd_catchup_revision_new (f->campaign, f->baseline, NULL, PD_REVISION_BASELINE,
                                                            &f->campaign->start, 1800000150);
  assert_true (pd_store_save_revision (f->store, unnamed, NULL, &error));
  assert_true (pd_catchup_freeze_past (f->store, f->campaign, &jan12, 1800000200, FALSE, &error));
  assert_false (f->campaign->source_planned);
  assert_int_equal (kept_load (f->campaign, 0, jan4), 16);
  assert_true (pd_catchup_freeze_past (f->store, f->campaign, &jan12, 1800000200, TRUE, &error));
  assert_false (f->campaign->source_planned);
  assert_true (pd_store_load_latest_head (f->store, f->campaign->id, &head, &error));
  assert_int_equal (head->id, first_id + 2);
  assert_null (head->source);
}

/* pd_catchup_run() reads neither the day sums nor the schedule in force:
 * it works from those it is given (the store holds no activity here),
 * ignores sums after as_of, and returns the schedule in force, the one
 * pd_catchup_current() reads back once it is stored. */
static void
test_catchup_from_given_sums (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) daily = g_array_new (FALSE, TRUE, sizeof (PdDailyContacts));
  GDate as_of = ymd (2027, 1, 15);
  PdDailyContacts sums[] = {
    { .rep = (char *) "alice", .date = ymd (2027, 1, 14), .contacts = 100 },
    { .rep = (char *) "alice", .date = ymd (2027, 1, 15), .contacts = 4 },
    { .rep = (char *) "alice", .date = ymd (2027, 1, 18), .contacts = 500 }, /* after as_of: ignored */
    { .rep = (char *) "bob", .date = ymd (2027, 1, 15), .contacts = 50 },
  };

  g_array_append_vals (daily, sums, G_N_ELEMENTS (sums));
  g_autoptr (PdCatchup) catchup = pd_catchup_run (f->store, f->campaign, f->baseline, f->baseline, daily, &as_of,
                                                  1800000100, &error);
  assert_null (error);
  assert_non_null (catchup);
  assert_true (catchup->changed);
  /* The figures of test_catchup_on_time, where the store held them. */
  g_autofree char *alice_text = pd_catchup_describe (f->campaign, &g_array_index (catchup->reps, PdRespread, 0));
  g_autofree char *bob_text = pd_catchup_describe (f->campaign, &g_array_index (catchup->reps, PdRespread, 1));
  assert_string_equal (alice_text,
                       "back on target by 2027-01-29 (312 contacts): 208 contacts over 10 working days, "
                       "at most 21 a day.");
  assert_string_equal (bob_text,
                       "back on target by 2027-01-29 (156 contacts): 106 contacts over 10 working days, "
                       "at most 11 a day.");

  g_autoptr (PdSchedule) current = NULL;
  gint64 revision_time = 0;
  assert_true (pd_catchup_current (f->store, f->campaign, f->baseline, 1, &current, &revision_time, &error));
  assert_int_equal (revision_time, 1800000100);
  assert_int_equal (current->days->len, catchup->schedule->days->len);
  assert_int_equal (current->blocks->len, catchup->schedule->blocks->len);
  for (guint i = 0; i < current->days->len; i++)
    {
      const PdDay *a = &g_array_index (current->days, PdDay, i);
      const PdDay *b = &g_array_index (catchup->schedule->days, PdDay, i);
      assert_int_equal (a->contacts, b->contacts);
      assert_int_equal (a->cumulative, b->cumulative);
    }
  for (guint i = 0; i < current->blocks->len; i++)
    {
      const PdBlock *a = &g_array_index (current->blocks, PdBlock, i);
      const PdBlock *b = &g_array_index (catchup->schedule->blocks, PdBlock, i);
      assert_int_equal (g_date_compare (&a->date, &b->date), 0);
      assert_int_equal (a->rep_index, b->rep_index);
      assert_int_equal (a->start_minute, b->start_minute);
      assert_int_equal (a->end_minute, b->end_minute);
      assert_int_equal (a->contacts, b->contacts);
      assert_int_equal (a->day_contacts, b->day_contacts);
      assert_int_equal (a->cumulative, b->cumulative);
    }

  /* No activity in the store: run from it, everyone is short by the
   * whole plan to date (alice 160, bob 80). */
  g_autoptr (PdCatchup) from_store = catchup_run (f->store, f->campaign, f->baseline, &as_of, 1800000200, &error);
  assert_non_null (from_store);
  assert_int_equal (g_array_index (from_store->reps, PdRespread, 0).shortfall, 160);
  assert_int_equal (g_array_index (from_store->reps, PdRespread, 1).shortfall, 80);
}

/* Two schedules with the same days and blocks, field by field. */
static void
assert_same_schedule (const PdSchedule *a, const PdSchedule *b)
{
  assert_int_equal (a->days->len, b->days->len);
  assert_int_equal (a->blocks->len, b->blocks->len);
  for (guint i = 0; i < a->days->len; i++)
    {
      const PdDay *x = &g_array_index (a->days, PdDay, i);
      const PdDay *y = &g_array_index (b->days, PdDay, i);

      assert_int_equal (x->rep_index, y->rep_index);
      assert_int_equal (g_date_compare (&x->date, &y->date), 0);
      assert_int_equal (x->contacts, y->contacts);
      assert_int_equal (x->minutes, y->minutes);
      assert_int_equal (x->cumulative, y->cumulative);
      assert_int_equal (x->rebased, y->rebased);
    }
  for (guint i = 0; i < a->blocks->len; i++)
    {
      const PdBlock *x = &g_array_index (a->blocks, PdBlock, i);
      const PdBlock *y = &g_array_index (b->blocks, PdBlock, i);

      assert_int_equal (x->rep_index, y->rep_index);
      assert_int_equal (g_date_compare (&x->date, &y->date), 0);
      assert_int_equal (x->index, y->index);
      assert_int_equal (x->start_minute, y->start_minute);
      assert_int_equal (x->end_minute, y->end_minute);
      assert_int_equal (x->contacts, y->contacts);
      assert_int_equal (x->day_contacts, y->day_contacts);
      assert_int_equal (x->cumulative, y->cumulative);
    }
}

/* The latest catch-up stored in `store`, a line per day. */
static char *
stored_catchup_text (PdStore *store, const char *campaign)
{
  g_autoptr (PdRevision) revision = NULL;
  g_autoptr (GError) error = NULL;
  GString *text = g_string_new ("");

  assert_true (pd_store_load_latest_catchup (store, campaign, &revision, &error));
  assert_non_null (revision);
  for (guint i = 0; i < revision->days->len; i++)
    {
      const PdRevisionDay *day = &g_array_index (revision->days, PdRevisionDay, i);
      g_autofree char *date = pd_format_date (&day->date);

      g_string_append_printf (text, "%s %s %lld %lld\n", day->rep, date, (long long) day->contacts,
                              (long long) day->base);
    }
  return g_string_free (text, FALSE);
}

/* `want` and `in_force` have the same days and blocks; a schedule of
 * days only (no blocks held) has those its days make. */
static void
assert_same_in_force (const PdCampaign *campaign, const PdSchedule *want, const PdSchedule *in_force)
{
  g_autoptr (PdSchedule) made = NULL;
  g_autoptr (GError) error = NULL;

  if (in_force->blocks != NULL)
    {
      assert_same_schedule (want, in_force);
      return;
    }
  made = g_new0 (PdSchedule, 1);
  made->rep_contacts = g_array_ref (in_force->rep_contacts);
  made->days = g_array_ref (in_force->days);
  made->blocks = g_array_new (FALSE, FALSE, sizeof (PdBlock));
  assert_true (pd_schedule_append_blocks (campaign, (const PdDay *) in_force->days->data, in_force->days->len,
                                          made->blocks, &error));
  assert_true (made->blocks->len > 0);
  assert_same_schedule (want, made);
}

/* The whole catch-up made a rep at a time in the schedule in force (the
 * daemon's daily check) gives what pd_catchup_run_from() gives beside it:
 * the same result, the same schedule (days and blocks), the same rows
 * stored; twice in a row (the second from a schedule in force that is
 * already a catch-up, kept patched in place as the daemon keeps it); and
 * nothing stored when nothing changed. With `days_only`, the schedule in
 * force is the daemon's, of days only (pd_catchup_current_days()): it
 * stays one, and the blocks its days make are the whole run's. */
static void
check_in_place (void **state, gboolean days_only)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) other = pd_store_open (":memory:", &error);
  g_autoptr (PdSchedule) in_force = NULL;
  g_autoptr (PdRevision) head = NULL;
  gint64 revision_time = 0;
  const GDate checks[] = { ymd (2027, 1, 15), ymd (2027, 1, 22) };

  assert_non_null (other);
  /* `other` starts empty: the in-place run records the campaign and the
   * baseline itself. */
  for (guint k = 0; k < G_N_ELEMENTS (checks); k++)
    {
      PdStore *stores[] = { f->store, other };
      g_autoptr (PdCatchup) whole = NULL;
      g_autoptr (PdCatchup) in_place = NULL;
      g_autoptr (GArray) daily = NULL;
      g_autofree char *whole_rows = NULL;
      g_autofree char *in_place_rows = NULL;
      gint64 whole_parent = 0;

      /* alice short each week; bob ahead the first, short the second. */
      for (guint s = 0; s < G_N_ELEMENTS (stores); s++)
        {
          PdStore *saved = f->store;

          f->store = stores[s];
          if (s == 1 && k == 0)
            assert_true (pd_store_ensure_campaign (other, f->campaign->id, f->campaign->name, &error));
          log_contacts (f, "alice", checks[k], 60);
          log_contacts (f, "bob", checks[k], k == 0 ? 90 : 10);
          f->store = saved;
        }

      g_clear_pointer (&head, pd_revision_free);
      assert_true (pd_store_load_latest_head (f->store, f->campaign->id, &head, &error));
      whole_parent = head != NULL ? head->id : 0;
      {
        g_autoptr (PdSchedule) current = NULL;

        assert_true (pd_catchup_current (f->store, f->campaign, f->baseline, 0, &current, &revision_time, &error));
        daily = pd_store_daily_contacts (f->store, f->campaign->id, NULL, &checks[k], &error);
        assert_non_null (daily);
        whole = pd_catchup_run_from (f->store, f->campaign, f->baseline, current, whole_parent, daily, &checks[k],
                                     1800000100 + k, &error);
        assert_non_null (whole);
      }

      g_clear_pointer (&head, pd_revision_free);
      assert_true (pd_store_load_latest_head (other, f->campaign->id, &head, &error));
      if (in_force == NULL)
        assert_true ((days_only ? pd_catchup_current_days : pd_catchup_current) (other, f->campaign, f->baseline, 0,
                                                                                  &in_force, &revision_time, &error));
      assert_true (days_only == (in_force->blocks == NULL));
      g_clear_pointer (&daily, g_array_unref);
      daily = pd_store_daily_contacts (other, f->campaign->id, NULL, &checks[k], &error);
      assert_non_null (daily);
      in_place = pd_catchup_run_in_place_from (other, f->campaign, f->baseline, in_force, head != NULL ? head->id : 0,
                                               daily, &checks[k], 1800000100 + k, &error);
      assert_null (error);
      assert_non_null (in_place);

      assert_true (whole->changed);
      assert_true (in_place->changed);
      assert_false (in_place->by_other);
      assert_null (in_place->schedule);
      assert_true (in_place->revision_id > 0);
      for (guint r = 0; r < f->campaign->reps->len; r++)
        {
          const PdRespread *x = &g_array_index (whole->reps, PdRespread, r);
          const PdRespread *y = &g_array_index (in_place->reps, PdRespread, r);
          g_autofree char *x_text = pd_catchup_describe (f->campaign, x);
          g_autofree char *y_text = pd_catchup_describe (f->campaign, y);

          assert_int_equal (x->actual, y->actual);
          assert_int_equal (x->shortfall, y->shortfall);
          assert_int_equal (x->uncovered, y->uncovered);
          assert_string_equal (x_text != NULL ? x_text : "-", y_text != NULL ? y_text : "-");
          assert_int_equal (g_array_index (whole->load_changed, gboolean, r),
                            g_array_index (in_place->load_changed, gboolean, r));
          assert_int_equal (g_array_index (whole->days_changed, gboolean, r),
                            g_array_index (in_place->days_changed, gboolean, r));
        }
      assert_true (days_only == (in_force->blocks == NULL));
      assert_same_in_force (f->campaign, whole->schedule, in_force);
      whole_rows = stored_catchup_text (f->store, f->campaign->id);
      in_place_rows = stored_catchup_text (other, f->campaign->id);
      assert_string_equal (whole_rows, in_place_rows);
      assert_true (strlen (in_place_rows) > 0);
    }
  /* Each check's figures, worked out by test_catchup_on_time's rules:
   * on 22 January alice has logged 120 of 240 planned. */
  {
    g_autofree char *alice_jan25 = day_text (in_force, 0, ymd (2027, 1, 25));
    g_autoptr (PdSchedule) read_back = NULL;
    g_autoptr (PdCatchup) again = NULL;
    g_autoptr (GArray) daily = pd_store_daily_contacts (other, f->campaign->id, NULL, &checks[1], &error);
    g_autoptr (PdRevision) before = NULL;
    g_autoptr (PdRevision) after = NULL;

    assert_string_equal (alice_jan25, "39/159");
    /* What is patched in place is what the store reads back. */
    assert_true (pd_catchup_current (other, f->campaign, f->baseline, 0, &read_back, &revision_time, &error));
    assert_same_in_force (f->campaign, read_back, in_force);
    if (days_only)
      {
        g_autoptr (PdSchedule) days_back = NULL;

        assert_true (pd_catchup_current_days (other, f->campaign, f->baseline, 0, &days_back, &revision_time,
                                              &error));
        assert_null (days_back->blocks);
        assert_int_equal (days_back->days->len, read_back->days->len);
        assert_memory_equal (days_back->days->data, read_back->days->data, read_back->days->len * sizeof (PdDay));
      }
    /* Nothing new: nothing stored, the same schedule. */
    assert_true (pd_store_load_latest_head (other, f->campaign->id, &before, &error));
    again = pd_catchup_run_in_place_from (other, f->campaign, f->baseline, in_force, before->id, daily, &checks[1],
                                          1800000200, &error);
    assert_non_null (again);
    assert_false (again->changed);
    assert_int_equal (again->revision_id, 0);
    assert_true (pd_store_load_latest_head (other, f->campaign->id, &after, &error));
    assert_int_equal (after->id, before->id);
    assert_same_in_force (f->campaign, read_back, in_force);
    assert_true (days_only == (in_force->blocks == NULL));
  }
}

static void
test_catchup_in_place (void **state)
{
  check_in_place (state, FALSE);
}

static void
test_catchup_in_place_days_only (void **state)
{
  check_in_place (state, TRUE);
}

/* What one daemon does at the daily check, from `head` (the latest
 * revision it read): the catch-up, stored only when nobody else stored
 * one since. */
static PdCatchup *
catchup_from (PdStore *store, const PdCampaign *campaign, const PdSchedule *baseline, const GDate *as_of,
              gint64 now, GError **error)
{
  g_autoptr (PdSchedule) current = NULL;
  g_autoptr (GArray) daily = NULL;
  g_autoptr (PdRevision) head = NULL;
  gint64 revision_time = 0;

  if (!pd_store_load_latest_head (store, campaign->id, &head, error)
      || !pd_catchup_current (store, campaign, baseline, 0, &current, &revision_time, error))
    return NULL;
  daily = pd_store_daily_contacts (store, campaign->id, NULL, as_of, error);
  if (daily == NULL)
    return NULL;
  return pd_catchup_run_from (store, campaign, baseline, current, head != NULL ? head->id : 0, daily, as_of, now,
                              error);
}

/* One of test_catchup_stored_once's processes: reads everything, says so
 * on `ready`, waits for `go` to close, runs the check and writes
 * (by_other, revision id) to `results`. Returns its exit status;
 * everything it allocated is freed first (the caller _exit()s, which runs
 * no cleanup). */
static int
catchup_child (Fixture *f, const char *db, int ready, int go, int results, const GDate *as_of)
{
  g_autoptr (PdStore) mine = pd_store_open (db, NULL);
  g_autoptr (PdCatchup) catchup = NULL;
  g_autoptr (PdRevision) head = NULL;
  g_autoptr (PdSchedule) current = NULL;
  g_autoptr (GArray) daily = NULL;
  gint64 revision_time = 0;
  gint64 result[2];
  char byte;

  /* Everything read before the others store anything. */
  if (mine == NULL || !pd_store_load_latest_head (mine, f->campaign->id, &head, NULL)
      || !pd_catchup_current (mine, f->campaign, f->baseline, 0, &current, &revision_time, NULL)
      || (daily = pd_store_daily_contacts (mine, f->campaign->id, NULL, as_of, NULL)) == NULL)
    return 1;
  if (write (ready, "r", 1) != 1 || read (go, &byte, 1) != 0)
    return 1;
  catchup = pd_catchup_run_from (mine, f->campaign, f->baseline, current, head != NULL ? head->id : 0,
                                 daily, as_of, 1800000100, NULL);
  if (catchup == NULL || !catchup->changed)
    return 1;
  result[0] = catchup->by_other;
  result[1] = catchup->revision_id;
  if (write (results, result, sizeof result) != sizeof result)
    return 1;
  return 0;
}

/* Three daemons run the same check at once (three processes released
 * together): the catch-up is stored once (one baseline, one catch-up);
 * the two others learn that another process stored it, and its id. */
static void
test_catchup_stored_once (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("prospectd-test-catchup-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "team.db", NULL);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db, "-shm", NULL);
  GDate as_of = ymd (2027, 1, 15);
  PdStore *store = pd_store_open (db, &error);
  pid_t children[3];
  int ready[2], go[2], results[2];
  char byte;
  gint64 result[2];
  guint stored = 0, by_other = 0;
  gint64 ids[3] = { 0 };
  guint n = 0;

  assert_non_null (store);
  assert_true (pd_store_ensure_campaign (store, f->campaign->id, f->campaign->name, &error));
  pd_store_close (f->store);
  f->store = store;
  log_contacts (f, "alice", ymd (2027, 1, 14), 100);
  log_contacts (f, "bob", ymd (2027, 1, 15), 50);
  pd_store_close (g_steal_pointer (&f->store)); /* no connection across fork() */
  f->store = pd_store_open (":memory:", &error);

  assert_int_equal (pipe (ready), 0);
  assert_int_equal (pipe (go), 0);
  assert_int_equal (pipe (results), 0);
  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    {
      children[i] = fork ();
      assert_true (children[i] >= 0);
      if (children[i] == 0)
        {
          int code;

          close (ready[0]);
          close (go[1]);
          close (results[0]);
          code = catchup_child (f, db, ready[1], go[0], results[1], &as_of);
          /* This process's copies of the test's strings: _exit() runs no
           * g_autofree. */
          g_free (dir);
          g_free (db);
          g_free (wal);
          g_free (shm);
          _exit (code);
        }
    }
  close (results[1]);
  close (go[0]);
  close (ready[1]);
  /* Every child has read everything (under valgrind that takes seconds:
   * a child still reading once another stored would read the new head). */
  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    assert_int_equal (read (ready[0], &byte, 1), 1);
  close (ready[0]);
  close (go[1]);
  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    {
      int status = 0;

      assert_int_equal (waitpid (children[i], &status, 0), children[i]);
      assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
    }
  while (read (results[0], result, sizeof result) == sizeof result)
    {
      stored += result[0] ? 0 : 1;
      by_other += result[0] ? 1 : 0;
      ids[n++] = result[1];
    }
  close (results[0]);
  assert_int_equal (n, 3);
  assert_int_equal (stored, 1);
  assert_int_equal (by_other, 2);
  assert_true (ids[0] > 0);
  assert_int_equal (ids[1], ids[0]);
  assert_int_equal (ids[2], ids[0]);

  store = pd_store_open (db, &error);
  assert_non_null (store);
  {
    g_autoptr (PdRevision) head = NULL;
    g_autoptr (PdRevision) baseline = NULL;
    g_autoptr (PdCatchup) again = NULL;

    assert_true (pd_store_load_latest_head (store, f->campaign->id, &head, &error));
    assert_int_equal (head->id, ids[0]);
    assert_int_equal (head->kind, PD_REVISION_CATCHUP);
    assert_true (pd_store_load_baseline (store, f->campaign->id, &baseline, &error));
    assert_int_equal (baseline->id, ids[0] - 1); /* one baseline, saved just before */
    /* A later check from the winner's revision: nothing new to store. */
    again = catchup_from (store, f->campaign, f->baseline, &as_of, 1800000200, &error);
    assert_non_null (again);
    assert_false (again->changed);
    assert_false (again->by_other);
  }
  pd_store_close (store);
  g_remove (wal);
  g_remove (shm);
  g_remove (db);
  g_rmdir (dir);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_catchup_on_time, setup, teardown),
    cmocka_unit_test_setup_teardown (test_catchup_over_capacity, setup, teardown),
    cmocka_unit_test_setup_teardown (test_campaign_edit, setup, teardown),
    cmocka_unit_test_setup_teardown (test_baseline_source, setup, teardown),
    cmocka_unit_test_setup_teardown (test_catchup_from_given_sums, setup, teardown),
    cmocka_unit_test_setup_teardown (test_catchup_in_place, setup, teardown),
    cmocka_unit_test_setup_teardown (test_catchup_in_place_days_only, setup, teardown),
    cmocka_unit_test_setup_teardown (test_catchup_stored_once, setup, teardown),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
