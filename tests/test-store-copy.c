/* SPDX-License-Identifier: MIT
 *
 * Tests of store-copy: a history copied between SQLite files and into and
 * out of a PostgreSQL database of the test cluster (tests/pg-cluster.sh,
 * PD_TEST_PG_URI), exactly: counts, entries with their ids, the next id
 * after a removed one, tokens, revisions, notifications, the database's
 * id; a target holding data, a missing source and the same database twice
 * are refused and write nothing.
 */
#include "dir-fixture.h"

#include <libpq-fe.h>

#include "prospectd/store.h"
#include "prospectd/store-copy.h"
#include "prospectd/store-prospects.h"

static GDate
ymd (unsigned year, unsigned month, unsigned day)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  return date;
}

static void
add (PdStore *store, const char *rep, GDate date, gint64 contacts, const char *note, gint64 *ret_id)
{
  g_autoptr (PdActivity) a = pd_activity_new ();
  g_autoptr (GError) error = NULL;

  a->campaign = g_strdup ("q1");
  a->rep = g_strdup (rep);
  a->date = date;
  a->contacts = contacts;
  a->deals = contacts / 5;
  a->revenue_cents = contacts * 1000;
  a->note = g_strdup (note);
  assert_true (pd_store_add_activity (store, a, ret_id, &error));
  assert_null (error);
}

/* A small history: 3 entries (the last removed), a token, a baseline,
 * a notification, the reps' first days. Returns the token. */
static char *
fill (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = pd_store_open (path, &error);
  g_autoptr (PdRevision) baseline = NULL;
  GDate start = ymd (2027, 1, 4), dates[2];
  const char *reps[2] = { "alice", "bob" };
  gboolean claimed = FALSE;
  char *token = NULL;
  gint64 id = 0;

  assert_non_null (store);
  assert_true (pd_store_ensure_campaign (store, "q1", "Q1", &error));
  assert_true (pd_store_rep_starts (store, "q1", reps, 2, &start, &start, TRUE, dates, &error));
  add (store, "alice", ymd (2027, 1, 4), 12, "tab\there, back\\slash\nnew line", NULL);
  add (store, "bob", ymd (2027, 1, 4), 7, NULL, NULL);
  add (store, "alice", ymd (2027, 1, 5), 3, NULL, &id);
  assert_int_equal (id, 3);
  assert_true (pd_store_remove_activity (store, id, &error));
  assert_true (pd_store_feed_token (store, "q1", "alice", TRUE, &token, &error));
  baseline = pd_revision_new ("q1", PD_REVISION_BASELINE, &start, 1800000000);
  pd_revision_add_day (baseline, "alice", &start, 16);
  pd_revision_add_day (baseline, "bob", &start, 8);
  baseline->source = g_strdup ("5e1f");
  assert_true (pd_store_save_revision (store, baseline, NULL, &error));
  assert_true (pd_store_notification_claim (store, "q1", "checkpoint:2027-01-29", 1800000001, &claimed, &error));
  assert_true (claimed);
  assert_null (error);

  /* The prospect file: three prospects (the third erased), attributes,
   * sources, a spontaneous one, calls. */
  {
    g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_prospect_free);
    PdProspect *acme = pd_prospect_new (), *bolt = pd_prospect_new (), *gone = pd_prospect_new ();
    g_autoptr (PdCall) call = pd_call_new ();

    acme->company = g_strdup ("Acme « SARL »");
    acme->rep = g_strdup ("alice");
    acme->phone = g_strdup ("+33123456789");
    acme->created = 1800000002;
    pd_prospect_add_attribute (acme, "Région", "Sud");
    pd_prospect_add_source (acme, "salon", 2);
    pd_prospect_add_source (acme, "annuaire", 7);
    bolt->company = g_strdup ("Bolt");
    bolt->rep = g_strdup ("bob");
    bolt->spontaneous = TRUE;
    bolt->state = PD_PROSPECT_ACTIVE;
    bolt->prescriber = g_strdup ("CCI");
    bolt->created = 1800000003;
    pd_prospect_add_source (bolt, "added", 0);
    gone->company = g_strdup ("Gone");
    gone->created = 1800000004;
    g_ptr_array_add (batch, acme);
    g_ptr_array_add (batch, bolt);
    g_ptr_array_add (batch, gone);
    assert_true (pd_store_import_prospects (store, "q1", batch, NULL, NULL, &error));
    call->campaign = g_strdup ("q1");
    call->prospect = acme->id;
    call->rep = g_strdup ("alice");
    call->date = ymd (2027, 1, 5);
    call->outcome = PD_OUTCOME_LATENT;
    call->follow_up = ymd (2027, 3, 1);
    call->note = g_strdup ("budget en mars");
    call->created = 1800000005;
    assert_true (pd_store_record_call (store, call, NULL, NULL, &error));
    call->prospect = bolt->id;
    call->rep = (g_free (call->rep), g_strdup ("bob"));
    call->outcome = PD_OUTCOME_PROPOSAL;
    g_date_clear (&call->follow_up, 1);
    assert_true (pd_store_record_call (store, call, NULL, NULL, &error));
    assert_true (pd_store_erase_prospect (store, "q1", gone->id, &error));
    assert_null (error);
  }
  return token;
}

/* What a store holds, as text: entries, totals, token, baseline,
 * notification, database id. */
static char *
describe (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = pd_store_open (path, &error);
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (PdRevision) baseline = NULL;
  g_autofree char *token = NULL, *id = NULL;
  GString *out = g_string_new (NULL);
  PdTotals totals;
  gboolean sent = FALSE;
  gint64 sent_at = 0;

  assert_non_null (store);
  entries = pd_store_list_activity (store, "q1", NULL, &error);
  assert_non_null (entries);
  for (guint i = 0; i < entries->len; i++)
    {
      const PdActivity *a = g_ptr_array_index (entries, i);

      g_string_append_printf (out, "#%" G_GINT64_FORMAT " %s %u-%u %" G_GINT64_FORMAT " %" G_GINT64_FORMAT
                              " %" G_GINT64_FORMAT " [%s]\n", a->id, a->rep, g_date_get_month (&a->date),
                              g_date_get_day (&a->date), a->contacts, a->deals, a->revenue_cents,
                              a->note != NULL ? a->note : "-");
    }
  assert_true (pd_store_totals (store, "q1", NULL, NULL, &totals, &error));
  assert_true (pd_store_feed_token (store, "q1", "alice", FALSE, &token, &error));
  assert_true (pd_store_load_baseline (store, "q1", &baseline, &error));
  assert_true (pd_store_notification_sent (store, "q1", "checkpoint:2027-01-29", &sent, &sent_at, &error));
  {
    g_autoptr (GPtrArray) prospects = pd_store_list_prospects (store, "q1", NULL, &error);
    g_autoptr (GPtrArray) calls = pd_store_list_calls (store, "q1", NULL, 0, NULL, NULL, &error);

    assert_non_null (prospects);
    assert_non_null (calls);
    for (guint i = 0; i < prospects->len; i++)
      {
        const PdProspect *p = g_ptr_array_index (prospects, i);

        g_string_append_printf (out, "prospect #%" G_GINT64_FORMAT " %s %s %s %d %s %" G_GINT64_FORMAT " %s"
                                " order %" G_GINT64_FORMAT " created %" G_GINT64_FORMAT,
                                p->id, p->company, p->rep, pd_prospect_state_name (p->state), p->spontaneous,
                                p->phone != NULL ? p->phone : "-", p->attempts,
                                p->prescriber != NULL ? p->prescriber : "-", p->import_order, p->created);
        for (guint a = 0; a < p->attributes->len; a++)
          g_string_append_printf (out, " [%s=%s]", ((PdAttribute *) p->attributes->pdata[a])->name,
                                  ((PdAttribute *) p->attributes->pdata[a])->value);
        for (guint a = 0; a < p->sources->len; a++)
          g_string_append_printf (out, " %s:%" G_GINT64_FORMAT, ((PdProspectSource *) p->sources->pdata[a])->source,
                                  ((PdProspectSource *) p->sources->pdata[a])->line);
        g_string_append_c (out, '\n');
      }
    for (guint i = 0; i < calls->len; i++)
      {
        const PdCall *c = g_ptr_array_index (calls, i);

        g_string_append_printf (out, "call #%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %s %u-%u %s %s->%s %s %d\n",
                                c->id, c->prospect, c->rep, g_date_get_month (&c->date), g_date_get_day (&c->date),
                                pd_call_outcome_name (c->outcome), pd_prospect_state_name (c->state_before),
                                pd_prospect_state_name (c->state_after), c->note != NULL ? c->note : "-",
                                g_date_valid (&c->follow_up));
      }
  }
  id = pd_store_database_id (store, &error);
  assert_null (error);
  g_string_append_printf (out, "team contacts %" G_GINT64_FORMAT "\ntoken %s\nbaseline days %u from %s\nsent %d %"
                          G_GINT64_FORMAT "\nid %s\n", totals.contacts, token, baseline->days->len, baseline->source, sent, sent_at, id);
  return g_string_free (out, FALSE);
}

static void
assert_counts (const PdStoreCopyCounts *n)
{
  assert_int_equal (n->campaigns, 1);
  assert_int_equal (n->rep_starts, 2);
  assert_int_equal (n->entries, 2);
  assert_int_equal (n->revisions, 1);
  assert_int_equal (n->revision_days, 2);
  assert_int_equal (n->catchup_days, 0);
  assert_int_equal (n->notifications, 1);
  assert_int_equal (n->feed_tokens, 1);
  assert_int_equal (n->prospects, 2);
  assert_int_equal (n->calls, 2);
}

/* The next entry's id in the store at `path`. */
static gint64
next_id (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = pd_store_open (path, &error);
  gint64 id = 0;

  assert_non_null (store);
  add (store, "bob", ymd (2027, 1, 6), 1, NULL, &id);
  return id;
}

/* The next prospect's id in the store at `path`. */
static gint64
next_prospect_id (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = pd_store_open (path, &error);
  g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_prospect_free);
  PdProspect *p = pd_prospect_new ();

  assert_non_null (store);
  p->company = g_strdup ("Next");
  g_ptr_array_add (batch, p);
  assert_true (pd_store_import_prospects (store, "q1", batch, NULL, NULL, &error));
  return p->id;
}

/* A new, empty database of the test cluster; its URI. */
static char *
new_server_database (const char *name)
{
  const char *uri = g_getenv ("PD_TEST_PG_URI");
  g_autofree char *drop = g_strdup_printf ("DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
  g_autofree char *create = g_strdup_printf ("CREATE DATABASE %s", name);
  PGconn *conn;
  PGresult *result;

  if (uri == NULL)
    fail_msg ("PD_TEST_PG_URI is not set: run the tests through tests/run-all (tests/pg-cluster.sh)");
  conn = PQconnectdb (uri);
  assert_int_equal (PQstatus (conn), CONNECTION_OK);
  result = PQexec (conn, "SET client_min_messages = warning");
  PQclear (result);
  result = PQexec (conn, drop);
  assert_int_equal (PQresultStatus (result), PGRES_COMMAND_OK);
  PQclear (result);
  result = PQexec (conn, create);
  assert_int_equal (PQresultStatus (result), PGRES_COMMAND_OK);
  PQclear (result);
  PQfinish (conn);
  return g_strdup_printf ("postgresql:///%s?host=%s&port=%s", name, g_getenv ("PGHOST"), g_getenv ("PGPORT"));
}

static void
test_sqlite_to_sqlite (void **state)
{
  g_autofree char *from = g_build_filename (*state, "solo.db", NULL);
  g_autofree char *to = g_build_filename (*state, "copy.db", NULL);
  g_autofree char *token = fill (from);
  g_autofree char *expected = NULL, *actual = NULL;
  g_autoptr (GError) error = NULL;
  PdStoreCopyCounts n = { 0 };

  assert_true (pd_store_copy (from, to, &n, &error));
  assert_null (error);
  assert_counts (&n);
  expected = describe (from);
  actual = describe (to);
  assert_string_equal (actual, expected);
  assert_non_null (strstr (actual, token));
  /* #3 was removed: the copy never hands it out again. */
  assert_int_equal (next_id (to), 4);
  assert_non_null (strstr (actual, "prospect #1 Acme « SARL » alice latent 0 +33123456789 1 - order 1 created 1800000002"
                                   " [Région=Sud] annuaire:7 salon:2\n"
                                   "prospect #2 Bolt bob proposal 1 - 1 CCI order 2 created 1800000003 added:0\n"
                                   "call #1 1 alice 1-5 latent new->latent budget en mars 1\n"
                                   "call #2 2 bob 1-5 proposal active->proposal budget en mars 0\n"));
  /* Prospect #3 was erased: never handed out again either. */
  assert_int_equal (next_prospect_id (to), 4);
}

static void
test_refusals (void **state)
{
  g_autofree char *from = g_build_filename (*state, "solo.db", NULL);
  g_autofree char *to = g_build_filename (*state, "copy.db", NULL);
  g_autofree char *missing = g_build_filename (*state, "missing.db", NULL);
  g_autofree char *token = fill (from);
  g_autofree char *before = NULL, *after = NULL;
  g_autoptr (GError) error = NULL;

  assert_true (pd_store_copy (from, to, NULL, &error));
  before = describe (to);
  assert_false (pd_store_copy (from, to, NULL, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID));
  assert_non_null (strstr (error->message, "the target already holds data"));
  after = describe (to);
  assert_string_equal (after, before);
  g_clear_error (&error);

  assert_false (pd_store_copy (missing, to, NULL, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND));
  assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  assert_false (pd_store_copy (from, from, NULL, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID));
}

static void
test_server_and_back (void **state)
{
  g_autofree char *from = g_build_filename (*state, "solo.db", NULL);
  g_autofree char *back = g_build_filename (*state, "back.db", NULL);
  g_autofree char *server = new_server_database ("store_copy");
  g_autofree char *token = fill (from);
  g_autofree char *expected = NULL, *on_server = NULL, *on_return = NULL;
  g_autoptr (GError) error = NULL;
  PdStoreCopyCounts n = { 0 };

  assert_true (pd_store_copy (from, server, &n, &error));
  assert_null (error);
  assert_counts (&n);
  assert_true (pd_store_copy (server, back, &n, &error));
  assert_null (error);
  assert_counts (&n);
  expected = describe (from);
  on_server = describe (server);
  on_return = describe (back);
  assert_string_equal (on_server, expected);
  assert_string_equal (on_return, expected);
  assert_int_equal (next_id (server), 4);
  assert_int_equal (next_id (back), 4);
  assert_int_equal (next_prospect_id (server), 4);
  assert_int_equal (next_prospect_id (back), 4);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_sqlite_to_sqlite, setup_directory, teardown_directory),
    cmocka_unit_test_setup_teardown (test_refusals, setup_directory, teardown_directory),
    cmocka_unit_test_setup_teardown (test_server_and_back, setup_directory, teardown_directory),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
