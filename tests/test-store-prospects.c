/* SPDX-License-Identifier: MIT
 *
 * Tests of the prospect file in the store (src/store-prospects.c,
 * src/store-pg-prospects.c; schema 11) on both backends: an import round
 * trip (attributes, sources, import order), the same sources twice adding
 * nothing, the listing filters, reps, calls moving states (an illegal
 * move writes nothing), erasure keeping the calls without the person;
 * on PostgreSQL a rep's login sees and writes its own prospects only.
 */
#define G_LOG_DOMAIN "prospectd-test-store-prospects"

#include "store-fixture.h"
#include "prospectd/store-prospects.h"
#include "prospectd/team.h"

static PdProspect *
make_prospect (const char *company, const char *rep, const char *source, gint64 line)
{
  PdProspect *p = pd_prospect_new ();

  p->company = g_strdup (company);
  p->rep = g_strdup (rep);
  if (source != NULL)
    pd_prospect_add_source (p, source, line);
  return p;
}

static PdProspect *
prospect_at (GPtrArray *prospects, guint i)
{
  return g_ptr_array_index (prospects, i);
}

/* "id company phone [source:line ...]": what matching reads of one. */
static char *
prospect_text (const PdProspect *p)
{
  GString *text = g_string_new (NULL);

  g_string_printf (text, "%" G_GINT64_FORMAT " %s %s [", p->id, p->company, p->phone != NULL ? p->phone : "-");
  for (guint s = 0; s < p->sources->len; s++)
    {
      const PdProspectSource *source = p->sources->pdata[s];
      g_string_append_printf (text, " %s:%" G_GINT64_FORMAT, source->source, source->line);
    }
  g_string_append (text, " ]");
  return g_string_free (text, FALSE);
}

static void
foreach_text (const PdProspect *p, gpointer data)
{
  g_ptr_array_add (data, prospect_text (p));
}

/* Three prospects in campaign q1: Acme (alice, salon line 2, two
 * attributes), Bolt (bob, salon line 3), Cyan (no rep, annuaire 7). */
static void
import_three (PdStore *store, gint64 ids[3])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_prospect_free);
  PdProspect *acme = make_prospect ("Acme SARL", "alice", "salon", 2);
  gint64 added = -1, sources = -1;

  acme->contact = g_strdup ("Dupont");
  acme->first_name = g_strdup ("Jeanne");
  acme->phone = g_strdup ("+33123456789");
  acme->email = g_strdup ("jeanne@acme.fr");
  acme->city = g_strdup ("Lyon");
  acme->postcode = g_strdup ("69002");
  acme->sector = g_strdup ("industrie");
  acme->size = g_strdup ("50");
  acme->notes = g_strdup ("rappeler « après 10 h »");
  pd_prospect_add_attribute (acme, "Région", "Sud");
  pd_prospect_add_attribute (acme, "CA", "1,5 M€");
  acme->created = 1800000000;
  g_ptr_array_add (batch, acme);
  g_ptr_array_add (batch, make_prospect ("Bolt", "bob", "salon", 3));
  g_ptr_array_add (batch, make_prospect ("Cyan", NULL, "annuaire", 7));
  assert_true (pd_store_import_prospects (store, "q1", batch, &added, &sources, &error));
  assert_null (error);
  assert_int_equal (added, 3);
  assert_int_equal (sources, 3);
  for (guint i = 0; i < 3; i++)
    {
      ids[i] = prospect_at (batch, i)->id;
      assert_true (ids[i] > 0);
    }
  assert_true (ids[0] < ids[1] && ids[1] < ids[2]);
}

static void
test_import_round_trip (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = open_with_campaign (f->db, "q1");
  g_autoptr (GPtrArray) all = NULL, again = NULL, batch = NULL;
  g_autoptr (PdProspect) acme = NULL;
  const PdProspect *p;
  const PdAttribute *a;
  gint64 ids[3], added = -1, sources = -1;

  import_three (store, ids);
  all = pd_store_list_prospects (store, "q1", NULL, &error);
  assert_null (error);
  assert_int_equal (all->len, 3);
  p = prospect_at (all, 0);
  assert_int_equal (p->id, ids[0]);
  assert_string_equal (p->campaign, "q1");
  assert_string_equal (p->rep, "alice");
  assert_string_equal (p->company, "Acme SARL");
  assert_string_equal (p->contact, "Dupont");
  assert_string_equal (p->first_name, "Jeanne");
  assert_string_equal (p->phone, "+33123456789");
  assert_null (p->mobile);
  assert_string_equal (p->email, "jeanne@acme.fr");
  assert_string_equal (p->city, "Lyon");
  assert_string_equal (p->postcode, "69002");
  assert_string_equal (p->sector, "industrie");
  assert_string_equal (p->size, "50");
  assert_string_equal (p->notes, "rappeler « après 10 h »");
  assert_int_equal (p->state, PD_PROSPECT_NEW);
  assert_int_equal (p->attempts, 0);
  assert_false (g_date_valid (&p->follow_up));
  assert_false (p->spontaneous);
  assert_int_equal (p->import_order, 1);
  assert_int_equal (p->created, 1800000000);
  assert_int_equal (p->attributes->len, 2);
  a = g_ptr_array_index (p->attributes, 0);
  assert_string_equal (a->name, "Région");
  assert_string_equal (a->value, "Sud");
  a = g_ptr_array_index (p->attributes, 1);
  assert_string_equal (a->name, "CA");
  assert_string_equal (a->value, "1,5 M€");
  assert_int_equal (p->sources->len, 1);
  assert_string_equal (((PdProspectSource *) p->sources->pdata[0])->source, "salon");
  assert_int_equal (((PdProspectSource *) p->sources->pdata[0])->line, 2);
  assert_null (prospect_at (all, 2)->rep);
  assert_int_equal (prospect_at (all, 2)->import_order, 3);

  /* Acme found again in another file: one more source; the same again
   * adds nothing. */
  batch = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_prospect_free);
  g_ptr_array_add (batch, make_prospect ("ignored", NULL, "achat", 12));
  prospect_at (batch, 0)->id = ids[0];
  pd_prospect_add_source (prospect_at (batch, 0), "salon", 2);
  g_ptr_array_add (batch, make_prospect ("Delta", NULL, "achat", 13));
  assert_true (pd_store_import_prospects (store, "q1", batch, &added, &sources, &error));
  assert_int_equal (added, 1);
  assert_int_equal (sources, 2); /* achat 12 for Acme, achat 13 for Delta */
  assert_int_equal (prospect_at (batch, 0)->id, ids[0]);
  assert_true (pd_store_import_prospects (store, "q1", batch, &added, &sources, &error));
  assert_int_equal (added, 0);
  assert_int_equal (sources, 0);

  assert_true (pd_store_get_prospect (store, "q1", ids[0], &acme, &error));
  assert_int_equal (acme->sources->len, 2);
  assert_string_equal (((PdProspectSource *) acme->sources->pdata[0])->source, "achat");
  assert_int_equal (((PdProspectSource *) acme->sources->pdata[0])->line, 12);
  assert_string_equal (((PdProspectSource *) acme->sources->pdata[1])->source, "salon");
  again = pd_store_list_prospects (store, "q1", NULL, &error);
  assert_int_equal (again->len, 4);
  assert_string_equal (prospect_at (again, 3)->company, "Delta");
  assert_int_equal (prospect_at (again, 3)->import_order, 4);
}

static void
test_import_refused (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = open_with_campaign (f->db, "q1");
  g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_prospect_free);
  g_autoptr (GPtrArray) none = NULL;
  g_autoptr (PdProspect) missing = NULL;

  g_ptr_array_add (batch, make_prospect ("Acme", NULL, "salon", 2));
  g_ptr_array_add (batch, make_prospect ("", NULL, "salon", 3));
  assert_false (pd_store_import_prospects (store, "q1", batch, NULL, NULL, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID));
  assert_string_equal (error->message, "Cannot store the prospects: Empty company");
  g_clear_error (&error);
  g_ptr_array_remove_index (batch, 1);
  assert_false (pd_store_import_prospects (store, "nope", batch, NULL, NULL, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND));
  g_clear_error (&error);
  /* A known id that is not there: nothing written, Acme neither. */
  g_ptr_array_add (batch, make_prospect ("x", NULL, "salon", 4));
  prospect_at (batch, 1)->id = 999;
  assert_false (pd_store_import_prospects (store, "q1", batch, NULL, NULL, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND));
  assert_string_equal (error->message, "Cannot store the prospects: No prospect 999 in campaign 'q1'");
  g_clear_error (&error);
  assert_int_equal (prospect_at (batch, 0)->id, 0);
  none = pd_store_list_prospects (store, "q1", NULL, &error);
  assert_int_equal (none->len, 0);
  assert_false (pd_store_get_prospect (store, "q1", 1, &missing, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND));
  assert_string_equal (error->message, "No prospect 1 in campaign 'q1'");
}

/* A feed of `n` prospects made on the fly (each borrowed until the next
 * call), as an import of a large file gives them: prospect i is
 * "Société i" of alice, bob or nobody, found in `source` at line i + 2;
 * every seventh has an attribute whose text needs quoting in an array
 * literal; every fifth, once `known` is set, is known prospect known[i]
 * instead (its id, one source line). After `fail_after` prospects
 * (0: never) the feed fails. */
typedef struct {
  guint n, next, fail_after, restarts;
  const char *source;
  const gint64 *known;
  PdProspect *given;
} TestFeed;

static PdProspect *
test_feed (gpointer data, gboolean restart, GError **error)
{
  TestFeed *t = data;
  static const char *const reps[] = { "alice", "bob", NULL };
  g_autofree char *company = NULL;
  PdProspect *p;
  guint i;

  g_clear_pointer (&t->given, pd_prospect_free);
  if (restart)
    {
      t->next = 0;
      t->restarts++;
    }
  if (t->fail_after > 0 && t->next == t->fail_after)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO, "the feed broke at %u", t->next);
      return NULL;
    }
  if (t->next >= t->n)
    return NULL;
  i = t->next++;
  company = g_strdup_printf ("Société %u", i);
  p = make_prospect (company, reps[i % 3], t->source, i + 2);
  if (t->known != NULL && i % 5 == 0)
    p->id = t->known[i];
  if (i % 7 == 0)
    pd_prospect_add_attribute (p, "Note", "a \"quoted\", {braced} \\ NULL");
  if (i == 1)
    pd_prospect_add_source (p, t->source, 100000);
  p->phone = i % 2 == 0 ? g_strdup_printf ("+3312%07u", i) : NULL;
  t->given = p;
  return p;
}

/* pd_store_import_feed() in batches: 2 500 prospects (PostgreSQL's
 * batches of 1 000 crossed), then the same file's rows again with every
 * fifth one known, then a feed that fails half-way: nothing written.
 * pd_store_foreach_prospect() gives them back in import order with their
 * sources. */
static void
test_import_feed (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = open_with_campaign (f->db, "q1");
  g_autoptr (GPtrArray) all = NULL, after = NULL;
  g_autofree gint64 *ids = g_new0 (gint64, 2500);
  TestFeed t = { 2500, 0, 0, 0, "salon", NULL, NULL };
  gint64 added = -1, sources = -1;
  guint n_sources = 0;

  assert_true (pd_store_import_feed (store, "q1", test_feed, &t, &added, &sources, &error));
  assert_null (error);
  assert_null (t.given);
  assert_int_equal (t.restarts, 1);
  assert_int_equal (added, 2500);
  assert_int_equal (sources, 2501);
  all = pd_store_list_prospects (store, "q1", NULL, &error);
  assert_non_null (all);
  assert_int_equal (all->len, 2500);
  for (guint i = 0; i < all->len; i++)
    {
      const PdProspect *p = prospect_at (all, i);
      g_autofree char *company = g_strdup_printf ("Société %u", i);
      const PdProspectSource *s = p->sources->pdata[0];

      ids[i] = p->id;
      assert_string_equal (p->company, company);
      assert_string_equal (p->rep != NULL ? p->rep : "-", i % 3 == 0 ? "alice" : i % 3 == 1 ? "bob" : "-");
      assert_int_equal (p->import_order, i + 1);
      assert_int_equal (p->attributes->len, i % 7 == 0 ? 1 : 0);
      if (i % 7 == 0)
        assert_string_equal (((PdAttribute *) p->attributes->pdata[0])->value, "a \"quoted\", {braced} \\ NULL");
      assert_int_equal (p->sources->len, i == 1 ? 2 : 1);
      assert_string_equal (s->source, "salon");
      assert_int_equal (s->line, i + 2);
      if (i % 2 == 0)
        {
          g_autofree char *phone = g_strdup_printf ("+3312%07u", i);
          assert_string_equal (p->phone, phone);
        }
      else
        assert_null (p->phone);
      assert_true (i == 0 || p->id > ids[i - 1]);
    }
  assert_int_equal (((PdProspectSource *) prospect_at (all, 1)->sources->pdata[1])->line, 100000);

  /* The rows of another file: every fifth a prospect known (one more
   * source line), the others new. */
  t = (TestFeed) { 2500, 0, 0, 0, "achat", ids, NULL };
  assert_true (pd_store_import_feed (store, "q1", test_feed, &t, &added, &sources, &error));
  assert_null (error);
  assert_int_equal (added, 2000);
  assert_int_equal (sources, 2501);
  /* The same again: nothing new for the known ones, the others again. */
  t = (TestFeed) { 2500, 0, 0, 0, "achat", ids, NULL };
  assert_true (pd_store_import_feed (store, "q1", test_feed, &t, &added, &sources, &error));
  assert_int_equal (added, 2000);
  assert_int_equal (sources, 2001);

  /* A feed that breaks: nothing of it written; a known id that is not
   * there neither. */
  t = (TestFeed) { 2500, 0, 1500, 0, "panne", NULL, NULL };
  assert_false (pd_store_import_feed (store, "q1", test_feed, &t, &added, &sources, &error));
  assert_string_equal (error->message, "Cannot store the prospects: the feed broke at 1500");
  g_clear_error (&error);
  {
    gint64 missing[2500] = { 0 };

    missing[1000] = 987654321;
    t = (TestFeed) { 2500, 0, 0, 0, "panne", missing, NULL };
    assert_false (pd_store_import_feed (store, "q1", test_feed, &t, &added, &sources, &error));
    assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND));
    assert_string_equal (error->message, "Cannot store the prospects: No prospect 987654321 in campaign 'q1'");
    g_clear_error (&error);
  }
  g_clear_pointer (&t.given, pd_prospect_free);
  after = pd_store_list_prospects (store, "q1", NULL, &error);
  assert_int_equal (after->len, 6500);
  for (guint i = 0; i < after->len; i++)
    {
      const PdProspect *p = prospect_at (after, i);

      for (guint s = 0; s < p->sources->len; s++)
        {
          assert_string_not_equal (((PdProspectSource *) p->sources->pdata[s])->source, "panne");
          n_sources++;
        }
    }
  assert_int_equal (n_sources, 2501 + 2501 + 2001);

  /* Given one at a time: the same prospects, sources and order. */
  {
    GPtrArray *seen = g_ptr_array_new_with_free_func (g_free);

    assert_true (pd_store_foreach_prospect (store, "q1", foreach_text, seen, &error));
    assert_null (error);
    assert_int_equal (seen->len, after->len);
    for (guint i = 0; i < after->len; i++)
      {
        g_autofree char *expected = prospect_text (prospect_at (after, i));
        assert_string_equal (seen->pdata[i], expected);
      }
    g_ptr_array_set_size (seen, 0);
    assert_true (pd_store_foreach_prospect (store, "nope", foreach_text, seen, &error));
    assert_int_equal (seen->len, 0);
    g_ptr_array_unref (seen);
  }
}

static PdCall *
make_call (gint64 prospect, const char *rep, GDate date, PdCallOutcome outcome)
{
  PdCall *call = pd_call_new ();

  call->campaign = g_strdup ("q1");
  call->prospect = prospect;
  call->rep = g_strdup (rep);
  call->date = date;
  call->outcome = outcome;
  return call;
}

static void
test_calls_move_states (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = open_with_campaign (f->db, "q1");
  g_autoptr (PdCall) no_answer = NULL, latent = NULL, bad = NULL, active = NULL, won = NULL;
  g_autoptr (PdProspect) after = NULL, cyan = NULL;
  g_autoptr (GPtrArray) calls = NULL, alices = NULL;
  gint64 ids[3], id = 0;
  const PdCall *c;

  import_three (store, ids);
  no_answer = make_call (ids[0], "alice", ymd (2027, 1, 4), PD_OUTCOME_NO_ANSWER);
  assert_true (pd_store_record_call (store, no_answer, &id, &after, &error));
  assert_null (error);
  assert_true (id > 0);
  assert_int_equal (after->state, PD_PROSPECT_ATTEMPTED);
  assert_int_equal (after->attempts, 1);
  g_clear_pointer (&after, pd_prospect_free);

  /* Latent without a date: refused, nothing written. */
  latent = make_call (ids[0], "alice", ymd (2027, 1, 5), PD_OUTCOME_LATENT);
  assert_false (pd_store_record_call (store, latent, NULL, NULL, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID));
  assert_string_equal (error->message, "latent needs a follow-up date (--follow-up DATE)");
  g_clear_error (&error);
  latent->follow_up = ymd (2027, 3, 1);
  latent->note = g_strdup ("budget en mars");
  assert_true (pd_store_record_call (store, latent, NULL, &after, &error));
  assert_int_equal (after->state, PD_PROSPECT_LATENT);
  assert_int_equal (after->attempts, 2);
  assert_date (&after->follow_up, 2027, 3, 1);
  g_clear_pointer (&after, pd_prospect_free);

  bad = make_call (ids[0], "alice", ymd (2027, 1, 6), PD_OUTCOME_WON);
  assert_false (pd_store_record_call (store, bad, NULL, NULL, &error));
  assert_string_equal (error->message, "won may not follow latent: a deal is won after a proposal");
  g_clear_error (&error);

  /* Active leaves latent: the follow-up goes. */
  active = make_call (ids[0], "alice", ymd (2027, 3, 1), PD_OUTCOME_ACTIVE);
  assert_true (pd_store_record_call (store, active, NULL, &after, &error));
  assert_int_equal (after->state, PD_PROSPECT_ACTIVE);
  assert_int_equal (after->attempts, 3);
  assert_false (g_date_valid (&after->follow_up));
  g_clear_pointer (&after, pd_prospect_free);

  /* A call of a prospect of nobody makes it the caller's. */
  won = make_call (ids[2], "carol", ymd (2027, 1, 4), PD_OUTCOME_ACTIVE);
  assert_true (pd_store_record_call (store, won, NULL, &cyan, &error));
  assert_string_equal (cyan->rep, "carol");

  calls = pd_store_list_calls (store, "q1", NULL, 0, NULL, NULL, &error);
  assert_null (error);
  assert_int_equal (calls->len, 4);
  c = g_ptr_array_index (calls, 0);
  assert_int_equal (c->prospect, ids[0]);
  assert_int_equal (c->outcome, PD_OUTCOME_NO_ANSWER);
  assert_int_equal (c->state_before, PD_PROSPECT_NEW);
  assert_int_equal (c->state_after, PD_PROSPECT_ATTEMPTED);
  c = g_ptr_array_index (calls, 1);
  assert_string_equal (c->rep, "carol");
  c = g_ptr_array_index (calls, 2);
  assert_int_equal (c->outcome, PD_OUTCOME_LATENT);
  assert_date (&c->follow_up, 2027, 3, 1);
  assert_string_equal (c->note, "budget en mars");
  alices = pd_store_list_calls (store, "q1", "alice", 0, NULL, NULL, &error);
  assert_int_equal (alices->len, 3);
  {
    GDate from = ymd (2027, 1, 5), to = ymd (2027, 2, 28);
    g_autoptr (GPtrArray) window = pd_store_list_calls (store, "q1", "alice", ids[0], &from, &to, &error);

    assert_null (error);
    assert_int_equal (window->len, 1);
    assert_int_equal (((PdCall *) window->pdata[0])->outcome, PD_OUTCOME_LATENT);
  }
  /* The calls' days reach the running sums (schema 16): alice's on
   * 1 March, after her calls of 4 and 5 January. */
  assert_running_exact (f->db);
  assert_int_equal (raw_int (f->db, "SELECT contacts FROM activity_running WHERE rep = 'alice'"
                                    " AND date = '2027-03-01'"), 3);
  /* Her prospect was reached (new, then latent) on 5 January only. */
  assert_int_equal (raw_int (f->db, "SELECT qualified_prospects FROM activity_running WHERE rep = 'alice'"
                                    " AND date = '2027-03-01'"), 1);
}

static void
test_filters_and_reps (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = open_with_campaign (f->db, "q1");
  g_autoptr (PdCall) latent = NULL;
  gint64 ids[3];
  PdProspectFilter filter = { 0 };
  const char *reps[2] = { "bob", NULL };

  import_three (store, ids);
  latent = make_call (ids[1], "bob", ymd (2027, 1, 4), PD_OUTCOME_LATENT);
  latent->follow_up = ymd (2027, 2, 1);
  assert_true (pd_store_record_call (store, latent, NULL, NULL, &error));

  filter.rep = "bob";
  {
    g_autoptr (GPtrArray) got = pd_store_list_prospects (store, "q1", &filter, &error);
    assert_int_equal (got->len, 1);
    assert_string_equal (prospect_at (got, 0)->company, "Bolt");
  }
  memset (&filter, 0, sizeof filter);
  filter.source = "salon";
  {
    g_autoptr (GPtrArray) got = pd_store_list_prospects (store, "q1", &filter, &error);
    assert_int_equal (got->len, 2);
  }
  memset (&filter, 0, sizeof filter);
  filter.by_state = TRUE;
  filter.state = PD_PROSPECT_NEW;
  {
    g_autoptr (GPtrArray) got = pd_store_list_prospects (store, "q1", &filter, &error);
    assert_int_equal (got->len, 2);
    assert_string_equal (prospect_at (got, 0)->company, "Acme SARL");
    assert_string_equal (prospect_at (got, 1)->company, "Cyan");
  }
  memset (&filter, 0, sizeof filter);
  filter.due = ymd (2027, 1, 31);
  {
    g_autoptr (GPtrArray) got = pd_store_list_prospects (store, "q1", &filter, &error);
    assert_int_equal (got->len, 0);
  }
  filter.due = ymd (2027, 2, 1);
  {
    g_autoptr (GPtrArray) got = pd_store_list_prospects (store, "q1", &filter, &error);
    assert_int_equal (got->len, 1);
    assert_string_equal (prospect_at (got, 0)->company, "Bolt");
  }
  memset (&filter, 0, sizeof filter);
  filter.uncalled = TRUE;
  {
    g_autoptr (GPtrArray) got = pd_store_list_prospects (store, "q1", &filter, &error);
    assert_int_equal (got->len, 2);
  }

  /* Acme to bob, Cyan to nobody. */
  {
    const gint64 which[2] = { ids[0], ids[2] };
    const gint64 bad[1] = { 4242 };
    g_autoptr (GPtrArray) got = NULL;

    assert_true (pd_store_set_prospect_reps (store, "q1", which, reps, 2, &error));
    assert_null (error);
    memset (&filter, 0, sizeof filter);
    filter.rep = "bob";
    got = pd_store_list_prospects (store, "q1", &filter, &error);
    assert_int_equal (got->len, 2);
    assert_false (pd_store_set_prospect_reps (store, "q1", bad, reps, 1, &error));
    assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND));
  }
}

/* A rep's listing (its own statements, by the index on (campaign, rep))
 * with the other filters; the feeds' lean listing (no attributes, no
 * sources); the counts and whether there is any; the rep's prospects called since a date, by
 * whomever: Acme is alice's but called by bob after a reassignment. */
static void
test_rep_reads (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = open_with_campaign (f->db, "q1");
  g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_prospect_free);
  g_autoptr (PdCall) on_acme = NULL;
  g_autoptr (PdCall) by_bob = NULL;
  g_autoptr (PdCall) early = NULL;
  PdProspectFilter filter = { 0 };
  GDate from = ymd (2027, 1, 5);
  gint64 ids[3], prospects = -1, spontaneous = -1;
  PdProspect *spont;

  gboolean any = TRUE;

  assert_true (pd_store_count_prospects (store, "q1", &prospects, &spontaneous, &error));
  assert_int_equal (prospects, 0);
  assert_int_equal (spontaneous, 0);
  assert_true (pd_store_any_prospect (store, "q1", &any, &error));
  assert_false (any);
  import_three (store, ids);
  spont = make_prospect ("Dune", "alice", "salon", 9);
  spont->spontaneous = TRUE;
  spont->state = PD_PROSPECT_ACTIVE;
  g_ptr_array_add (batch, spont);
  g_ptr_array_add (batch, make_prospect ("Echo", "alice", NULL, 0));
  assert_true (pd_store_import_prospects (store, "q1", batch, NULL, NULL, &error));
  assert_true (pd_store_count_prospects (store, "q1", &prospects, &spontaneous, &error));
  assert_int_equal (prospects, 5);
  assert_int_equal (spontaneous, 1);
  assert_true (pd_store_count_prospects (store, "q2", &prospects, NULL, &error));
  assert_int_equal (prospects, 0);
  assert_true (pd_store_any_prospect (store, "q1", &any, &error));
  assert_true (any);
  any = TRUE;
  assert_true (pd_store_any_prospect (store, "q2", &any, &error));
  assert_false (any);

  /* alice's, in import order, with the other filters. */
  filter.rep = "alice";
  {
    g_autoptr (GPtrArray) got = pd_store_list_prospects (store, "q1", &filter, &error);

    assert_non_null (got);
    assert_int_equal (got->len, 3);
    assert_string_equal (prospect_at (got, 0)->company, "Acme SARL");
    assert_int_equal (prospect_at (got, 0)->attributes->len, 2);
    assert_int_equal (prospect_at (got, 0)->sources->len, 1);
    assert_string_equal (prospect_at (got, 1)->company, "Dune");
    assert_string_equal (prospect_at (got, 2)->company, "Echo");
  }
  filter.uncalled = TRUE;
  filter.source = "salon";
  {
    g_autoptr (GPtrArray) got = pd_store_list_prospects (store, "q1", &filter, &error);

    assert_int_equal (got->len, 1);
    assert_string_equal (prospect_at (got, 0)->company, "Acme SARL");
  }
  memset (&filter, 0, sizeof filter);
  filter.rep = "alice";
  filter.keys_only = TRUE;
  filter.without_sources = TRUE;
  {
    g_autoptr (GPtrArray) got = pd_store_list_prospects (store, "q1", &filter, &error);

    assert_int_equal (got->len, 3);
    assert_string_equal (prospect_at (got, 0)->phone, "+33123456789");
    assert_string_equal (prospect_at (got, 0)->sector, "industrie");
    assert_int_equal (prospect_at (got, 0)->attributes->len, 0);
    assert_int_equal (prospect_at (got, 0)->sources->len, 0);
  }
  filter.rep = "carol";
  {
    g_autoptr (GPtrArray) got = pd_store_list_prospects (store, "q1", &filter, &error);

    assert_int_equal (got->len, 0);
  }

  /* Calls: Bolt by bob on 01-05, Acme by bob on 01-06 (alice's), Echo by
   * alice on 01-04 (before `from`). */
  by_bob = make_call (ids[1], "bob", ymd (2027, 1, 5), PD_OUTCOME_NO_ANSWER);
  assert_true (pd_store_record_call (store, by_bob, NULL, NULL, &error));
  on_acme = make_call (ids[0], "bob", ymd (2027, 1, 6), PD_OUTCOME_NO_ANSWER);
  assert_true (pd_store_record_call (store, on_acme, NULL, NULL, &error));
  early = make_call (prospect_at (batch, 1)->id, "alice", ymd (2027, 1, 4), PD_OUTCOME_NO_ANSWER);
  assert_true (pd_store_record_call (store, early, NULL, NULL, &error));
  assert_null (error);
  {
    g_autoptr (GArray) alice = pd_store_list_called (store, "q1", "alice", &from, &error);
    g_autoptr (GArray) bob = pd_store_list_called (store, "q1", "bob", &from, &error);
    g_autoptr (GArray) carol = pd_store_list_called (store, "q1", "carol", &from, &error);

    assert_non_null (alice);
    assert_int_equal (alice->len, 1);
    assert_int_equal (g_array_index (alice, gint64, 0), ids[0]);
    assert_int_equal (bob->len, 1);
    assert_int_equal (g_array_index (bob, gint64, 0), ids[1]);
    assert_int_equal (carol->len, 0);
  }
  from = ymd (2027, 1, 4);
  {
    g_autoptr (GArray) alice = pd_store_list_called (store, "q1", "alice", &from, &error);

    assert_int_equal (alice->len, 2);
    assert_int_equal (g_array_index (alice, gint64, 0), ids[0]);
    assert_int_equal (g_array_index (alice, gint64, 1), prospect_at (batch, 1)->id);
  }
  /* One rep's calls (their own statement) and every rep's. */
  {
    g_autoptr (GPtrArray) bob = pd_store_list_calls (store, "q1", "bob", 0, &from, NULL, &error);
    g_autoptr (GPtrArray) all = pd_store_list_calls (store, "q1", NULL, 0, &from, NULL, &error);

    assert_int_equal (bob->len, 2);
    assert_int_equal (((PdCall *) g_ptr_array_index (bob, 0))->prospect, ids[1]);
    assert_int_equal (((PdCall *) g_ptr_array_index (bob, 1))->prospect, ids[0]);
    assert_int_equal (all->len, 3);
  }
}

static void
test_erase (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = open_with_campaign (f->db, "q1");
  g_autoptr (PdCall) call = NULL;
  g_autoptr (GPtrArray) calls = NULL, left = NULL;
  g_autoptr (PdProspect) gone = NULL;
  gint64 ids[3];

  import_three (store, ids);
  call = make_call (ids[0], "alice", ymd (2027, 1, 4), PD_OUTCOME_ARID);
  call->note = g_strdup ("Jeanne Dupont: pas intéressée");
  assert_true (pd_store_record_call (store, call, NULL, NULL, &error));
  assert_true (pd_store_erase_prospect (store, "q1", ids[0], &error));
  assert_null (error);
  assert_false (pd_store_get_prospect (store, "q1", ids[0], &gone, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND));
  g_clear_error (&error);
  calls = pd_store_list_calls (store, "q1", NULL, 0, NULL, NULL, &error);
  assert_int_equal (calls->len, 1);
  assert_int_equal (((PdCall *) calls->pdata[0])->prospect, 0);
  assert_null (((PdCall *) calls->pdata[0])->note);
  assert_int_equal (((PdCall *) calls->pdata[0])->outcome, PD_OUTCOME_ARID);
  assert_int_equal (raw_int (f->db, "SELECT count(*) FROM prospect_attributes"), 0);
  assert_int_equal (raw_int (f->db, "SELECT count(*) FROM prospect_sources"), 2);
  left = pd_store_list_prospects (store, "q1", NULL, &error);
  assert_int_equal (left->len, 2);
  assert_false (pd_store_erase_prospect (store, "q1", ids[0], &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND));
  /* The erased prospect's call still counts. */
  assert_running_exact (f->db);
  assert_int_equal (raw_int (f->db, "SELECT contacts FROM activity_running WHERE rep = 'alice'"), 1);
}

static gint
compare_names (gconstpointer a, gconstpointer b, gpointer data)
{
  (void) data;
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The reps of q1 whose prospect change mark is past `since`, sorted and
 * joined by ','; the store's latest mark into *ret_mark. */
static char *
changed_since (PdStore *store, gint64 since, gint64 *ret_mark)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) reps = NULL;

  assert_true (pd_store_prospect_changes (store, "q1", since, ret_mark, &reps, &error));
  assert_null (error);
  g_qsort_with_data (reps, (gint) g_strv_length (reps), sizeof (char *), compare_names, NULL);
  return g_strjoinv (",", reps);
}

/* What moves the prospects' change marks (schema 17), rep by rep: an
 * import (each rep of its new prospects, and the rep of a known prospect
 * given a new source), a call (its prospect's rep), a reassignment (the
 * old and the new rep), an erasure, an attribute changed or a call
 * removed behind the store's back; not a prospect of no rep, not another
 * campaign's reps, not a log; and no prospect write moves the activity's
 * marks (a reassignment re-spreads no one). An import that fails moves
 * nothing. */
static void
test_prospect_changes (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = open_with_campaign (f->db, "q1");
  gint64 ids[3], mark = -1, before = 0, activity = -1, activity_after = -1;
  g_autofree char *reps = NULL;

  assert_true (pd_store_ensure_campaign (store, "q2", "Q2", &error));
  reps = changed_since (store, 0, &mark);
  assert_string_equal (reps, "");
  assert_int_equal (mark, 0);
  assert_true (pd_store_activity_changes (store, "q1", 0, &activity, NULL, &error));

  /* Acme (alice), Bolt (bob), Cyan (nobody's). */
  import_three (store, ids);
  g_free (reps);
  reps = changed_since (store, 0, &mark);
  assert_string_equal (reps, "alice,bob");
  assert_true (mark > 0);
  before = mark;
  g_free (reps);
  reps = changed_since (store, before, &mark);
  assert_string_equal (reps, "");
  assert_int_equal (mark, before);

  /* A call to Bolt. */
  {
    g_autoptr (PdCall) call = make_call (ids[1], "bob", ymd (2027, 1, 4), PD_OUTCOME_NO_ANSWER);

    assert_true (pd_store_record_call (store, call, NULL, NULL, &error));
    assert_null (error);
  }
  g_free (reps);
  reps = changed_since (store, before, &mark);
  assert_string_equal (reps, "bob");
  assert_true (mark > before);
  before = mark;

  /* Acme from alice to carol; Cyan stays nobody's. */
  {
    const gint64 which[2] = { ids[0], ids[2] };
    const char *const to[2] = { "carol", NULL };

    assert_true (pd_store_set_prospect_reps (store, "q1", which, to, 2, &error));
    assert_null (error);
  }
  g_free (reps);
  reps = changed_since (store, before, &mark);
  assert_string_equal (reps, "alice,carol");
  before = mark;
  /* Not the activity's: a prospect's rep changing re-spreads no one. */
  assert_true (pd_store_activity_changes (store, "q1", 0, &activity_after, NULL, &error));
  assert_int_equal (activity_after, activity + 1); /* the call to Bolt alone */

  /* An import: Bolt again from another file (a new source), a new
   * prospect of dave's, a new one of nobody's. */
  {
    g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_prospect_free);
    PdProspect *bolt = make_prospect ("Bolt", NULL, "annuaire", 9);

    bolt->id = ids[1];
    g_ptr_array_add (batch, bolt);
    g_ptr_array_add (batch, make_prospect ("Delta", "dave", "annuaire", 10));
    g_ptr_array_add (batch, make_prospect ("Echo", NULL, "annuaire", 11));
    assert_true (pd_store_import_prospects (store, "q1", batch, NULL, NULL, &error));
    assert_null (error);
  }
  g_free (reps);
  reps = changed_since (store, before, &mark);
  assert_string_equal (reps, "bob,dave");
  before = mark;

  /* An import that fails (a known prospect that is not there): nothing. */
  {
    g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_prospect_free);
    PdProspect *ghost = make_prospect ("Ghost", NULL, "annuaire", 12);

    g_ptr_array_add (batch, make_prospect ("Foxtrot", "erin", "annuaire", 13));
    ghost->id = 4242;
    g_ptr_array_add (batch, ghost);
    assert_false (pd_store_import_prospects (store, "q1", batch, NULL, NULL, &error));
    assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND));
    g_clear_error (&error);
  }
  g_free (reps);
  reps = changed_since (store, before, &mark);
  assert_string_equal (reps, "");
  assert_int_equal (mark, before);

  /* Erasing Cyan (nobody's) moves nothing; erasing Bolt moves bob. */
  assert_true (pd_store_erase_prospect (store, "q1", ids[2], &error));
  g_free (reps);
  reps = changed_since (store, before, &mark);
  assert_string_equal (reps, "");
  assert_true (pd_store_erase_prospect (store, "q1", ids[1], &error));
  g_free (reps);
  reps = changed_since (store, before, &mark);
  assert_string_equal (reps, "bob");
  before = mark;

  /* Behind the store's back: Acme's attribute (carol's), then a call to
   * Delta removed (dave's). */
  {
    g_autoptr (PdCall) call = make_call (0, "dave", ymd (2027, 1, 5), PD_OUTCOME_NO_ANSWER);
    g_autoptr (GPtrArray) delta = NULL;
    PdProspectFilter filter = { 0 };

    filter.rep = "dave";
    delta = pd_store_list_prospects (store, "q1", &filter, &error);
    assert_int_equal (delta->len, 1);
    call->prospect = prospect_at (delta, 0)->id;
    assert_true (pd_store_record_call (store, call, NULL, NULL, &error));
    assert_null (error);
  }
  g_free (reps);
  reps = changed_since (store, before, &mark);
  assert_string_equal (reps, "dave");
  before = mark;
  raw_exec (f->db, "UPDATE prospect_attributes SET value = 'Nord' WHERE name = 'Région'");
  g_free (reps);
  reps = changed_since (store, before, &mark);
  assert_string_equal (reps, "carol");
  before = mark;
  raw_exec (f->db, "DELETE FROM calls WHERE rep = 'dave'");
  g_free (reps);
  reps = changed_since (store, before, &mark);
  assert_string_equal (reps, "dave");
  before = mark;

  /* Another campaign's prospect: a later mark, not q1's reps; a log: no
   * prospect mark at all. */
  {
    g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_prospect_free);

    g_ptr_array_add (batch, make_prospect ("Golf", "alice", "salon", 2));
    assert_true (pd_store_import_prospects (store, "q2", batch, NULL, NULL, &error));
    assert_null (error);
  }
  g_free (reps);
  reps = changed_since (store, before, &mark);
  assert_string_equal (reps, "");
  assert_int_equal (mark, before + 1);
  before = mark;
  {
    g_autoptr (PdActivity) entry = make_activity ("q1", "alice", ymd (2027, 1, 4), 5);

    assert_true (pd_store_add_activity (store, entry, NULL, &error));
    assert_null (error);
  }
  g_free (reps);
  reps = changed_since (store, before, &mark);
  assert_string_equal (reps, "");
  assert_int_equal (mark, before);
}

/* A rep's login sees its own prospects only, and may store none for
 * another rep (row-level security); a manager's login sees all. */
static void
test_pg_rep_login (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) owner = open_with_campaign (f->db, "q1");
  g_autofree char *role = g_strdup_printf ("pd_test_alice_%d", (int) getpid ());
  g_autofree char *create = g_strdup_printf ("CREATE ROLE %s LOGIN", role);
  g_autofree char *drop_owned = g_strdup_printf ("DROP OWNED BY %s", role);
  g_autofree char *drop = g_strdup_printf ("DROP ROLE IF EXISTS %s", role);
  g_autofree char *uri = g_strdup_printf ("%s?user=%s", f->db, role);
  g_autoptr (PdStore) alice = NULL;
  g_autoptr (GPtrArray) seen = NULL, batch = NULL;
  g_autoptr (PdProspect) bolt = NULL;
  g_autoptr (PdCall) call = NULL;
  PGconn *admin = pg_connect (NULL);
  gint64 ids[3];

  pg_must (admin, drop);
  pg_must (admin, create);
  import_three (owner, ids);
  assert_true (pd_team_grant (owner, role, "alice", &error));
  alice = pd_store_open (uri, &error);
  assert_non_null (alice);
  seen = pd_store_list_prospects (alice, "q1", NULL, &error);
  assert_null (error);
  assert_int_equal (seen->len, 1);
  assert_string_equal (prospect_at (seen, 0)->company, "Acme SARL");
  assert_false (pd_store_get_prospect (alice, "q1", ids[1], &bolt, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND));
  g_clear_error (&error);
  call = make_call (ids[1], "alice", ymd (2027, 1, 4), PD_OUTCOME_ARID);
  assert_false (pd_store_record_call (alice, call, NULL, NULL, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND));
  g_clear_error (&error);
  batch = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_prospect_free);
  g_ptr_array_add (batch, make_prospect ("Echo", "bob", "salon", 9));
  assert_false (pd_store_import_prospects (alice, "q1", batch, NULL, NULL, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_IO)
               || g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID));
  g_clear_error (&error);
  g_free (prospect_at (batch, 0)->rep);
  prospect_at (batch, 0)->rep = g_strdup ("alice");
  assert_true (pd_store_import_prospects (alice, "q1", batch, NULL, NULL, &error));
  assert_null (error);
  g_clear_pointer (&seen, g_ptr_array_unref);
  seen = pd_store_list_prospects (owner, "q1", NULL, &error);
  assert_int_equal (seen->len, 4);
  g_clear_pointer (&alice, pd_store_close);
  {
    PGconn *in_db = pg_connect (f->db);

    pg_must (in_db, drop_owned);
    PQfinish (in_db);
  }
  pg_must (admin, drop);
  PQfinish (admin);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_import_round_trip, setup, teardown),
    cmocka_unit_test_setup_teardown (test_import_refused, setup, teardown),
    cmocka_unit_test_setup_teardown (test_import_feed, setup, teardown),
    cmocka_unit_test_setup_teardown (test_calls_move_states, setup, teardown),
    cmocka_unit_test_setup_teardown (test_filters_and_reps, setup, teardown),
    cmocka_unit_test_setup_teardown (test_rep_reads, setup, teardown),
    cmocka_unit_test_setup_teardown (test_erase, setup, teardown),
    cmocka_unit_test_setup_teardown (test_prospect_changes, setup, teardown),
  };
  const struct CMUnitTest pg_only[] = {
    cmocka_unit_test_setup_teardown (test_pg_rep_login, setup, teardown),
  };
  int failed;

  if (!store_tests_begin ("prospectd-test-store-prospects-XXXXXX"))
    return 1;
  failed = store_tests_run ("test-store-prospects", tests, G_N_ELEMENTS (tests), NULL, 0, pg_only,
                            G_N_ELEMENTS (pg_only));
  store_tests_end ();
  return failed;
}
