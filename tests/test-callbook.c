/* SPDX-License-Identifier: MIT
 *
 * Tests of callbook on both backends: the call lists of a rep from the
 * prospects in the store — latent follow-ups due (oldest first), retries
 * (fewest attempts, never at [plan] max_attempts, a prospect called
 * today left for later), new prospects by [prospects] priority (compared
 * without case) then import order; arid, spontaneous and other reps'
 * prospects never; the next day's projection; the feed's lines (contact,
 * E.164 phone, reason) on the schedule's block numbers; the file's size
 * against the plan (spontaneous prospects not counted).
 */
#define G_LOG_DOMAIN "prospectd-test-callbook"

#include "store-fixture.h"
#include "prospectd/callbook.h"
#include "prospectd/config.h"
#include "prospectd/plan.h"
#include "prospectd/schedule.h"
#include "prospectd/store-prospects.h"
#include "prospectd/workcal.h"

static const char campaign_text[] =
  "[campaign]\n"
  "name = Lists\n"
  "start = 2027-01-04\n"
  "end = 2027-01-29\n"
  "timezone = Europe/Paris\n"
  "currency = EUR\n"
  "[plan]\n"
  "objective = 2000\n"
  "average_deal = 20000\n"
  "proposals_per_deal = 3\n"
  "compensation_factor = 4\n"
  "spontaneous_prospects = 8\n"
  "accessibility_rate = 6%\n"
  "contacts_per_prospect = 4\n"
  "minutes_per_contact = 2\n"
  "max_attempts = 3\n"
  "[calendar]\n"
  "workdays = mon-fri\n"
  "call_windows = 09:00-12:00, 14:00-17:00\n"
  "max_daily_calls = 3h\n"
  "max_block = 90m\n"
  "reminder = 10m\n"
  "[prospects]\n"
  "priority = sector = industrie, services\n"
  "[reps]\n"
  "alice = 1\n"
  "bob = 1\n";

static GDate
date_of (int year, int month, int day)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  return date;
}

static PdProspect *
add (GPtrArray *batch, const char *company, const char *rep, PdProspectState state, gint64 attempts,
     const char *sector)
{
  PdProspect *p = pd_prospect_new ();

  p->company = g_strdup (company);
  p->rep = g_strdup (rep);
  p->state = state;
  p->attempts = attempts;
  p->sector = g_strdup (sector);
  pd_prospect_add_source (p, "salon", (gint64) batch->len + 2);
  g_ptr_array_add (batch, p);
  return p;
}

/* The prospects of the tests, in import order; Delta is called today. */
static void
import_file (PdStore *store)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_prospect_free);
  g_autoptr (PdCall) call = pd_call_new ();
  PdProspect *p;
  gint64 delta = 0;

  p = add (batch, "Alpha", "alice", PD_PROSPECT_NEW, 0, "services");
  p->contact = g_strdup ("Martin");
  p->first_name = g_strdup ("Hélène");
  p->phone = g_strdup ("+33123456789");
  add (batch, "Bravo", "alice", PD_PROSPECT_NEW, 0, "industrie");
  add (batch, "Charlie", "alice", PD_PROSPECT_ATTEMPTED, 2, NULL);
  add (batch, "Delta", "alice", PD_PROSPECT_ATTEMPTED, 1, NULL);
  add (batch, "Echo", "alice", PD_PROSPECT_ATTEMPTED, 3, NULL); /* at max_attempts */
  p = add (batch, "Foxtrot", "alice", PD_PROSPECT_LATENT, 1, NULL);
  p->follow_up = date_of (2027, 1, 4);
  p = add (batch, "Golf", "alice", PD_PROSPECT_LATENT, 2, NULL);
  p->follow_up = date_of (2027, 1, 1);
  p->mobile = g_strdup ("+33612345678");
  p = add (batch, "Hotel", "alice", PD_PROSPECT_LATENT, 1, NULL);
  p->follow_up = date_of (2027, 1, 6);
  add (batch, "India", "alice", PD_PROSPECT_ARID, 1, NULL);
  add (batch, "Juliet", "alice", PD_PROSPECT_NEW, 0, "Industrie");
  p = add (batch, "Kilo", "alice", PD_PROSPECT_NEW, 0, "industrie");
  p->spontaneous = TRUE;
  add (batch, "Lima", "bob", PD_PROSPECT_NEW, 0, "industrie");
  add (batch, "Mike", NULL, PD_PROSPECT_NEW, 0, "industrie");
  assert_true (pd_store_import_prospects (store, "lists", batch, NULL, NULL, &error));
  assert_null (error);
  delta = ((PdProspect *) g_ptr_array_index (batch, 3))->id;

  call->campaign = g_strdup ("lists");
  call->prospect = delta;
  call->rep = g_strdup ("alice");
  call->date = date_of (2027, 1, 4);
  call->outcome = PD_OUTCOME_NO_ANSWER;
  g_date_clear (&call->follow_up, 1);
  assert_true (pd_store_record_call (store, call, NULL, NULL, &error));
  assert_null (error);
}

typedef struct {
  PdCampaign *campaign;
  PdSchedule *schedule;
} Plan;

static Plan
plan_load (void)
{
  g_autoptr (GError) error = NULL;
  Plan plan = { 0 };
  PdPlan funnel;

  plan.campaign = pd_config_parse_campaign ("lists.conf", campaign_text, strlen (campaign_text), &error);
  if (plan.campaign == NULL)
    fail_msg ("%s", error->message);
  g_free (plan.campaign->id);
  plan.campaign->id = g_strdup ("lists");
  pd_workcal_prepare (plan.campaign);
  assert_true (pd_plan_compute (&plan.campaign->plan, &funnel, &error));
  plan.schedule = pd_schedule_build (plan.campaign, &funnel, &error);
  assert_non_null (plan.schedule);
  return plan;
}

static void
plan_clear (Plan *plan)
{
  pd_schedule_free (plan->schedule);
  pd_campaign_free (plan->campaign);
}

/* The day's calls as "F:Golf F:Foxtrot R:Charlie ...", and its contacts. */
static char *
day_text (const PdRepCalls *calls, const GDate *date, gint64 *ret_contacts, guint *ret_listed)
{
  GString *text = g_string_new (NULL);

  *ret_contacts = 0;
  *ret_listed = 0;
  for (guint b = 0; b < calls->blocks->len; b++)
    {
      const PdBlock *block = &g_array_index (calls->blocks, PdBlock, b);
      const PdCallBlock *list = &g_array_index (calls->lists->blocks, PdCallBlock, b);

      if (g_date_compare (&block->date, date) != 0)
        continue;
      assert_true (list->has_list);
      assert_int_equal (list->contacts, block->contacts);
      *ret_contacts += block->contacts;
      *ret_listed += list->listed;
      for (guint i = list->first; i < list->first + list->listed; i++)
        {
          const PdListedCall *call = &g_array_index (calls->lists->calls, PdListedCall, i);
          const PdProspect *prospect = g_ptr_array_index (calls->prospects, call->candidate);

          g_string_append_printf (text, "%s%c:%s", text->len > 0 ? " " : "",
                                  call->reason == PD_CALL_FOLLOW_UP ? 'F'
                                  : call->reason == PD_CALL_RETRY ? 'R' : 'N',
                                  prospect->company);
        }
    }
  return g_string_free (text, FALSE);
}

static void
test_rep_lists (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = open_with_campaign (f->db, "lists");
  g_autoptr (PdRepCalls) calls = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  Plan plan = plan_load ();
  GDate today = date_of (2027, 1, 4);
  GDate tomorrow = date_of (2027, 1, 5);
  GDate after = date_of (2027, 1, 6);
  gint64 contacts;
  guint listed;

  import_file (store);
  calls = pd_callbook_rep (store, plan.campaign, plan.schedule, 0, &today, 3, &error);
  assert_null (error);
  assert_non_null (calls);
  assert_int_equal (calls->rep_index, 0);

  /* Today: follow-ups due, oldest first; Charlie's retry (Delta was
   * called today, Echo is at max_attempts 3); new ones by priority
   * (industrie: Bravo, then Juliet's "Industrie"; services: Alpha). */
  first = day_text (calls, &today, &contacts, &listed);
  assert_string_equal (first, "F:Golf F:Foxtrot R:Charlie N:Bravo N:Juliet N:Alpha");
  assert_int_equal (listed, 6);
  assert_true (contacts > 6);
  /* Tomorrow (projected): the new ones come back as retries with 1
   * attempt, then Delta (2); Charlie reached max_attempts. */
  second = day_text (calls, &tomorrow, &contacts, &listed);
  assert_string_equal (second, "R:Bravo R:Juliet R:Alpha R:Delta");
  /* The day after: Hotel's follow-up, then the three with 2 attempts
   * (their third and last: the plan's 4 contacts per prospect capped at
   * max_attempts 3); Delta has had its 3. */
  third = day_text (calls, &after, &contacts, &listed);
  assert_string_equal (third, "F:Hotel R:Bravo R:Juliet R:Alpha");

  /* Bob's list: Lima only. */
  g_clear_pointer (&calls, pd_rep_calls_free);
  g_clear_pointer (&first, g_free);
  calls = pd_callbook_rep (store, plan.campaign, plan.schedule, 1, &today, 1, &error);
  assert_non_null (calls);
  first = day_text (calls, &today, &contacts, &listed);
  assert_string_equal (first, "N:Lima");

  /* Spontaneous prospects are not to contact: 12 of the 13. */
  assert_int_equal (pd_callbook_file_size (store, plan.campaign, &error), 12);
  assert_null (error);
  plan_clear (&plan);
}

/* The feed's lines: on the schedule's own block numbers, the contact's
 * full name, the phone (the mobile when there is no phone), the reason. */
static void
test_feed_calls (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = open_with_campaign (f->db, "lists");
  g_autoptr (PdFeedCalls) feed = NULL;
  Plan plan = plan_load ();
  GDate today = date_of (2027, 1, 4);
  guint with_list = 0;
  gboolean first_seen = FALSE;

  import_file (store);
  feed = pd_callbook_feed_calls (store, plan.campaign, plan.schedule, NULL, &today, &error);
  assert_null (error);
  assert_non_null (feed);
  assert_int_equal (pd_feed_calls_n_blocks (feed), plan.schedule->blocks->len);
  for (guint b = 0; b < plan.schedule->blocks->len; b++)
    {
      const PdBlock *block = &g_array_index (plan.schedule->blocks, PdBlock, b);
      const PdCallBlock *list = pd_feed_calls_block (feed, b);
      GDate last = date_of (2027, 1, 10);

      /* Today and the six days after it: 01-04 to 01-10. */
      assert_int_equal (list != NULL, g_date_compare (&block->date, &last) <= 0);
      if (list == NULL)
        continue;
      with_list++;
      assert_true (list->has_list);
      assert_int_equal (list->contacts, block->contacts);
      if (block->rep_index == 0 && block->index == 1 && g_date_compare (&block->date, &today) == 0)
        {
          PdCallLine golf = pd_feed_calls_line (feed, list->first);

          first_seen = TRUE;
          assert_int_equal (list->listed, MIN (6, block->contacts));
          assert_string_equal (golf.company, "Golf");
          assert_null (golf.contact);
          assert_string_equal (golf.phone, "+33612345678");
          assert_int_equal (golf.reason, PD_CALL_FOLLOW_UP);
          if (list->listed == 6)
            {
              PdCallLine alpha = pd_feed_calls_line (feed, list->first + 5);

              assert_string_equal (alpha.company, "Alpha");
              assert_string_equal (alpha.contact, "Hélène Martin");
              assert_string_equal (alpha.phone, "+33123456789");
              assert_int_equal (alpha.reason, PD_CALL_NEW);
            }
        }
    }
  assert_true (first_seen);
  assert_true (with_list > 0);
  plan_clear (&plan);
}

/* A file without any prospect: the feeds get no list (a campaign
 * followed with `log` alone); with a prospect of bob's only, alice's
 * blocks say they have none. */
static void
test_feed_without_file (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = open_with_campaign (f->db, "lists");
  g_autoptr (PdFeedCalls) none = NULL;
  g_autoptr (PdFeedCalls) some = NULL;
  g_autoptr (PdFeedCalls) alice_only = NULL;
  g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_prospect_free);
  g_autofree gboolean *reps = g_new0 (gboolean, 2);
  Plan plan = plan_load ();
  GDate today = date_of (2027, 1, 4);
  guint listed = 0, with_list = 0;

  reps[0] = TRUE;
  none = pd_callbook_feed_calls (store, plan.campaign, plan.schedule, NULL, &today, &error);
  assert_non_null (none);
  assert_int_equal (pd_feed_calls_n_blocks (none), plan.schedule->blocks->len);
  for (guint b = 0; b < plan.schedule->blocks->len; b++)
    assert_null (pd_feed_calls_block (none, b));
  g_clear_pointer (&none, pd_feed_calls_free);
  none = pd_callbook_feed_calls (store, plan.campaign, plan.schedule, reps, &today, &error);
  assert_non_null (none);
  for (guint b = 0; b < plan.schedule->blocks->len; b++)
    assert_null (pd_feed_calls_block (none, b));

  add (batch, "Lima", "bob", PD_PROSPECT_NEW, 0, NULL);
  assert_true (pd_store_import_prospects (store, "lists", batch, NULL, NULL, &error));
  some = pd_callbook_feed_calls (store, plan.campaign, plan.schedule, NULL, &today, &error);
  alice_only = pd_callbook_feed_calls (store, plan.campaign, plan.schedule, reps, &today, &error);
  assert_non_null (some);
  assert_non_null (alice_only);
  for (guint b = 0; b < plan.schedule->blocks->len; b++)
    {
      const PdBlock *block = &g_array_index (plan.schedule->blocks, PdBlock, b);
      const PdCallBlock *list = pd_feed_calls_block (some, b);
      const PdCallBlock *alice = pd_feed_calls_block (alice_only, b);

      with_list += list != NULL;
      listed += list != NULL ? list->listed : 0;
      if (block->rep_index == 0)
        {
          assert_int_equal (alice != NULL, list != NULL);
          if (alice != NULL)
            assert_int_equal (alice->listed, 0);
        }
      else
        assert_null (alice);
    }
  assert_true (with_list > 0);
  /* Lima on three days: new, then twice a retry (3 attempts: the plan's 4
   * contacts per prospect capped at max_attempts). */
  assert_int_equal (listed, 3);
  assert_int_equal (pd_feed_calls_n_lines (some), 3);
  for (guint i = 0; i < 3; i++)
    {
      assert_string_equal (pd_feed_calls_line (some, i).company, "Lima");
      assert_int_equal (pd_feed_calls_line (some, i).reason, i == 0 ? PD_CALL_NEW : PD_CALL_RETRY);
    }
  plan_clear (&plan);
}

/* The feed's lines of rep `rep_index` on `date`, as day_text() writes them. */
static char *
feed_day_text (const PdFeedCalls *feed, const PdSchedule *schedule, guint rep_index, const GDate *date)
{
  GString *text = g_string_new (NULL);

  for (guint b = 0; b < schedule->blocks->len; b++)
    {
      const PdBlock *block = &g_array_index (schedule->blocks, PdBlock, b);
      const PdCallBlock *list = pd_feed_calls_block (feed, b);

      if (block->rep_index != rep_index || g_date_compare (&block->date, date) != 0 || list == NULL)
        continue;
      for (guint i = list->first; i < list->first + list->listed; i++)
        {
          PdCallLine line = pd_feed_calls_line (feed, i);

          g_string_append_printf (text, "%s%c:%s", text->len > 0 ? " " : "",
                                  line.reason == PD_CALL_FOLLOW_UP ? 'F' : line.reason == PD_CALL_RETRY ? 'R' : 'N',
                                  line.company);
        }
    }
  return g_string_free (text, FALSE);
}

/* The campaign's priority replaced by one clause. */
static void
set_priority (PdCampaign *campaign, const char *attribute, const char *const *values)
{
  PdPriority *clause = g_new0 (PdPriority, 1);

  clause->attribute = g_strdup (attribute);
  clause->values = g_strdupv ((char **) values);
  g_ptr_array_set_size (campaign->priority, 0);
  g_ptr_array_add (campaign->priority, clause);
}

/* The feeds read the prospects without attributes or sources unless the
 * priority names one: an attribute (compared without case or accents),
 * the source; a priority over more values than a clause remembers the
 * rank of (1 100 cities) ranks each one still. The feed's order is the
 * `calls` command's. */
static void
test_feed_priority_reads (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = open_with_campaign (f->db, "lists");
  g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_prospect_free);
  const char *const regions[] = { "Île-de-France", "Bretagne", NULL };
  const char *const sources[] = { "annuaire", NULL };
  const char *const cities[] = { "ville 1050", "VILLE 0007", NULL };
  Plan plan = plan_load ();
  GDate today = date_of (2027, 1, 4);
  PdProspect *p;

  p = add (batch, "Oscar", "alice", PD_PROSPECT_NEW, 0, NULL);
  pd_prospect_add_attribute (p, "region", "Bretagne");
  g_ptr_array_set_size (p->sources, 0);
  pd_prospect_add_source (p, "annuaire", 3);
  p = add (batch, "Papa", "alice", PD_PROSPECT_NEW, 0, NULL);
  pd_prospect_add_attribute (p, "region", "ile-de-FRANCE");
  add (batch, "Quebec", "alice", PD_PROSPECT_NEW, 0, NULL);
  p = add (batch, "Romeo", "alice", PD_PROSPECT_NEW, 0, NULL);
  pd_prospect_add_attribute (p, "region", "bretagne");
  for (guint i = 1; i <= 1100; i++)
    {
      g_autofree char *company = g_strdup_printf ("B%04u", i);

      p = add (batch, company, "bob", PD_PROSPECT_NEW, 0, NULL);
      p->city = g_strdup_printf ("Ville %04u", i);
    }
  assert_true (pd_store_import_prospects (store, "lists", batch, NULL, NULL, &error));
  assert_null (error);

  set_priority (plan.campaign, "region", regions);
  {
    g_autoptr (PdFeedCalls) feed = pd_callbook_feed_calls (store, plan.campaign, plan.schedule, NULL, &today, &error);
    g_autoptr (PdRepCalls) calls = pd_callbook_rep (store, plan.campaign, plan.schedule, 0, &today, 1, &error);
    g_autofree char *text = feed_day_text (feed, plan.schedule, 0, &today);
    g_autofree char *command = NULL;
    gint64 contacts;
    guint listed;

    assert_non_null (feed);
    command = day_text (calls, &today, &contacts, &listed);
    assert_string_equal (text, "N:Papa N:Oscar N:Romeo N:Quebec");
    assert_string_equal (command, text);
  }
  set_priority (plan.campaign, "source", sources);
  {
    g_autoptr (PdFeedCalls) feed = pd_callbook_feed_calls (store, plan.campaign, plan.schedule, NULL, &today, &error);
    g_autofree char *text = feed_day_text (feed, plan.schedule, 0, &today);

    assert_string_equal (text, "N:Oscar N:Papa N:Quebec N:Romeo");
  }
  set_priority (plan.campaign, "city", cities);
  {
    g_autoptr (PdFeedCalls) feed = pd_callbook_feed_calls (store, plan.campaign, plan.schedule, NULL, &today, &error);
    g_autofree char *text = feed_day_text (feed, plan.schedule, 1, &today);

    assert_true (g_str_has_prefix (text, "N:B1050 N:B0007 N:B0001 N:B0002 N:B0003 "));
  }
  plan_clear (&plan);
}

/* No database yet: no prospect, every block short. */
static void
test_no_store (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PdRepCalls) calls = NULL;
  Plan plan = plan_load ();
  GDate today = date_of (2027, 1, 4);
  g_autofree char *text = NULL;
  gint64 contacts;
  guint listed;

  (void) state;
  calls = pd_callbook_rep (NULL, plan.campaign, plan.schedule, 0, &today, 1, &error);
  assert_non_null (calls);
  text = day_text (calls, &today, &contacts, &listed);
  assert_string_equal (text, "");
  assert_int_equal (listed, 0);
  assert_true (contacts > 0);
  assert_int_equal (pd_callbook_file_size (NULL, plan.campaign, &error), 0);
  plan_clear (&plan);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_rep_lists, setup, teardown),
    cmocka_unit_test_setup_teardown (test_feed_calls, setup, teardown),
    cmocka_unit_test_setup_teardown (test_feed_without_file, setup, teardown),
    cmocka_unit_test_setup_teardown (test_feed_priority_reads, setup, teardown),
    cmocka_unit_test (test_no_store),
  };
  int failed;

  if (!store_tests_begin ("prospectd-test-callbook-XXXXXX"))
    return 1;
  failed = store_tests_run ("test-callbook", tests, G_N_ELEMENTS (tests), NULL, 0, NULL, 0);
  store_tests_end ();
  return failed;
}
