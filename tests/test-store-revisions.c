/* SPDX-License-Identifier: MIT
 *
 * Tests of store's schedule revisions (src/store-revisions.c): baselines
 * and catch-ups saved and loaded back.
 */
#define G_LOG_DOMAIN "prospectd-test-store-revisions"

#include "store-fixture.h"

static void
test_revisions (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  const char *db = f->db;
  g_autoptr (PdStore) store = open_with_campaign (db, "q1");
  g_autoptr (PdRevision) baseline = NULL;
  g_autoptr (PdRevision) catchup = NULL;
  g_autoptr (PdRevision) duplicate = NULL;
  g_autoptr (PdRevision) loaded = NULL;
  g_autoptr (PdRevision) loaded_baseline = NULL;
  g_autoptr (PdRevision) none = NULL;
  g_autoptr (PdRevision) again = NULL;
  GDate jan4 = ymd (2027, 1, 4), jan5 = ymd (2027, 1, 5), jan6 = ymd (2027, 1, 6);
  const PdRevisionDay *day;
  gint64 baseline_id = 0, catchup_id = 0, id = -1;

  /* None yet: NULL, not an error. */
  none = (PdRevision *) 0x1;
  assert_true (pd_store_load_latest_revision (store, "q1", &none, &error));
  assert_null (error);
  assert_null (none);

  baseline = pd_revision_new ("q1", PD_REVISION_BASELINE, &jan4, 1800000000);
  pd_revision_add_day (baseline, "bob", &jan4, 8);
  pd_revision_add_day (baseline, "alice", &jan5, 16);
  pd_revision_add_day (baseline, "alice", &jan4, 17);
  baseline->source = g_strdup ("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  assert_true (pd_store_save_revision (store, baseline, &baseline_id, &error));
  assert_null (error);
  assert_true (baseline_id > 0);

  catchup = pd_revision_new ("q1", PD_REVISION_CATCHUP, &jan5, 1800086400);
  pd_revision_add_rebased_day (catchup, "alice", &jan5, 20, 9);
  pd_revision_add_day (catchup, "alice", &jan6, 19);
  assert_true (pd_store_save_revision (store, catchup, &catchup_id, &error));
  assert_true (catchup_id > baseline_id);

  assert_true (pd_store_load_latest_revision (store, "q1", &loaded, &error));
  assert_non_null (loaded);
  assert_int_equal (loaded->id, catchup_id);
  assert_string_equal (loaded->campaign, "q1");
  assert_int_equal (loaded->kind, PD_REVISION_CATCHUP);
  assert_date (&loaded->as_of, 2027, 1, 5);
  assert_int_equal (loaded->created, 1800086400);
  assert_int_equal (loaded->days->len, 2);
  assert_null (loaded->source); /* a catch-up names no source */
  day = &g_array_index (loaded->days, PdRevisionDay, 0);
  assert_int_equal (day->contacts, 20);
  assert_int_equal (day->base, 9); /* the count restarts at 9 contacts done */
  day = &g_array_index (loaded->days, PdRevisionDay, 1);
  assert_string_equal (day->rep, "alice");
  assert_date (&day->date, 2027, 1, 6);
  assert_int_equal (day->contacts, 19);
  assert_int_equal (day->base, -1);

  assert_true (pd_store_load_baseline (store, "q1", &loaded_baseline, &error));
  assert_non_null (loaded_baseline);
  assert_int_equal (loaded_baseline->id, baseline_id);
  assert_int_equal (loaded_baseline->kind, PD_REVISION_BASELINE);
  assert_date (&loaded_baseline->as_of, 2027, 1, 4);
  assert_int_equal (loaded_baseline->created, 1800000000);
  assert_int_equal (loaded_baseline->days->len, 3);
  assert_string_equal (loaded_baseline->source, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  /* Its head alone: the same without days. */
  {
    g_autoptr (PdRevision) head = NULL;

    assert_true (pd_store_load_baseline_head (store, "q1", &head, &error));
    assert_int_equal (head->id, baseline_id);
    assert_int_equal (head->kind, PD_REVISION_BASELINE);
    assert_date (&head->as_of, 2027, 1, 4);
    assert_int_equal (head->created, 1800000000);
    assert_int_equal (head->days->len, 0);
    assert_string_equal (head->source, loaded_baseline->source);
  }
  /* By rep, then date. */
  day = &g_array_index (loaded_baseline->days, PdRevisionDay, 0);
  assert_string_equal (day->rep, "alice");
  assert_date (&day->date, 2027, 1, 4);
  assert_int_equal (day->contacts, 17);
  day = &g_array_index (loaded_baseline->days, PdRevisionDay, 1);
  assert_string_equal (day->rep, "alice");
  assert_date (&day->date, 2027, 1, 5);
  assert_int_equal (day->contacts, 16);
  day = &g_array_index (loaded_baseline->days, PdRevisionDay, 2);
  assert_string_equal (day->rep, "bob");
  assert_date (&day->date, 2027, 1, 4);
  assert_int_equal (day->contacts, 8);

  /* The same rep and day twice: rejected, and nothing of it is kept. */
  duplicate = pd_revision_new ("q1", PD_REVISION_CATCHUP, &jan6, 1800172800);
  pd_revision_add_day (duplicate, "bob", &jan6, 1);
  pd_revision_add_day (duplicate, "bob", &jan6, 2);
  assert_false (pd_store_save_revision (store, duplicate, &id, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID));
  assert_int_equal (id, -1);
  g_clear_error (&error);
  assert_true (pd_store_load_latest_revision (store, "q1", &again, &error));
  assert_int_equal (again->id, catchup_id);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM revisions"), 2);
  /* The baseline's days by revision, the catch-up's by rep. */
  assert_int_equal (raw_int (db, "SELECT count(*) FROM revision_days"), 3);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM catchup_days"), 2);

  /* A new catch-up replaces the earlier one (and its days); the baseline
   * stays. */
  {
    g_autoptr (PdRevision) second = pd_revision_new ("q1", PD_REVISION_CATCHUP, &jan6, 1800172800);
    g_autoptr (PdRevision) latest = NULL;
    gint64 second_id = 0;

    pd_revision_add_day (second, "bob", &jan6, 9);
    assert_true (pd_store_save_revision (store, second, &second_id, &error));
    assert_true (second_id > catchup_id);
    assert_true (pd_store_load_latest_revision (store, "q1", &latest, &error));
    assert_int_equal (latest->id, second_id);
    assert_int_equal (latest->days->len, 1);
    assert_int_equal (raw_int (db, "SELECT count(*) FROM revisions"), 2);
    assert_int_equal (raw_int (db, "SELECT count(*) FROM revisions WHERE kind = 'baseline'"), 1);
    assert_int_equal (raw_int (db, "SELECT count(*) FROM revision_days"), 3);
    assert_int_equal (raw_int (db, "SELECT count(*) FROM catchup_days"), 1);
  }

  /* Unknown campaign. */
  g_free (duplicate->campaign);
  duplicate->campaign = g_strdup ("nope");
  assert_false (pd_store_save_revision (store, duplicate, &id, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND));
}

/* A catch-up of some reps replaces those reps' days and keeps the
 * others' (pd_store_save_catchup_reps). */
static void
test_catchup_reps (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  const char *db = f->db;
  g_autoptr (PdStore) store = open_with_campaign (db, "q1");
  g_autoptr (PdRevision) whole = NULL;
  g_autoptr (PdRevision) part = NULL;
  g_autoptr (PdRevision) stray = NULL;
  g_autoptr (PdRevision) latest = NULL;
  GDate jan6 = ymd (2027, 1, 6), jan7 = ymd (2027, 1, 7), jan8 = ymd (2027, 1, 8);
  const char *bob_and_carol[] = { "bob", "carol" };
  const char *bob[] = { "bob" };
  gint64 whole_id = 0, part_id = 0, id = -1;

  whole = pd_revision_new ("q1", PD_REVISION_CATCHUP, &jan6, 1800000000);
  pd_revision_add_rebased_day (whole, "alice", &jan6, 20, 40);
  pd_revision_add_day (whole, "alice", &jan7, 21);
  pd_revision_add_day (whole, "bob", &jan6, 9);
  pd_revision_add_day (whole, "carol", &jan7, 3);
  assert_true (pd_store_save_revision (store, whole, &whole_id, &error));

  /* bob's days replaced, carol's removed (listed, no day), alice's kept. */
  part = pd_revision_new ("q1", PD_REVISION_CATCHUP, &jan7, 1800003600);
  pd_revision_add_rebased_day (part, "bob", &jan7, 11, 5);
  pd_revision_add_day (part, "bob", &jan8, 12);
  assert_true (pd_store_save_catchup_reps (store, part, bob_and_carol, 2, &part_id, &error));
  assert_null (error);
  assert_true (part_id > whole_id);
  assert_true (pd_store_load_latest_catchup (store, "q1", &latest, &error));
  assert_int_equal (latest->id, part_id);
  assert_date (&latest->as_of, 2027, 1, 7);
  assert_int_equal (latest->created, 1800003600);
  {
    GString *days = g_string_new (NULL);
    g_autofree char *text = NULL;

    for (guint i = 0; i < latest->days->len; i++)
      {
        const PdRevisionDay *day = &g_array_index (latest->days, PdRevisionDay, i);
        g_string_append_printf (days, "%s %u-%02u %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n", day->rep,
                                (guint) g_date_get_month (&day->date), (guint) g_date_get_day (&day->date),
                                day->contacts, day->base);
      }
    text = g_string_free (days, FALSE);
    assert_string_equal (text, "alice 1-06 20 40\n"
                               "alice 1-07 21 -1\n"
                               "bob 1-07 11 5\n"
                               "bob 1-08 12 -1\n");
  }
  /* One catch-up row: the earlier one went. */
  assert_int_equal (raw_int (db, "SELECT count(*) FROM revisions WHERE kind = 'catchup'"), 1);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM catchup_days"), 4);

  /* A day of a rep not listed: refused, nothing written. */
  stray = pd_revision_new ("q1", PD_REVISION_CATCHUP, &jan8, 1800007200);
  pd_revision_add_day (stray, "alice", &jan8, 1);
  assert_false (pd_store_save_catchup_reps (store, stray, bob, 1, &id, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID));
  assert_string_equal (error->message,
                       "Cannot save the schedule revision: rep 'alice' is not among the reps it replaces");
  assert_int_equal (id, -1);
  g_clear_error (&error);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM revisions WHERE kind = 'catchup'"), 1);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM catchup_days"), 4);
}

/* A campaign's first catch-up and its baseline saved in one transaction
 * (pd_store_save_first_catchup): the catch-up's parent is the new
 * baseline; a conditional save whose parent is no longer the latest
 * writes neither. */
static void
test_first_catchup (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  const char *db = f->db;
  g_autoptr (PdStore) store = open_with_campaign (db, "q1");
  g_autoptr (PdRevision) baseline = NULL;
  g_autoptr (PdRevision) catchup = NULL;
  g_autoptr (PdRevision) latest = NULL;
  g_autoptr (PdRevision) loaded_baseline = NULL;
  GDate jan4 = ymd (2027, 1, 4), jan5 = ymd (2027, 1, 5);
  gint64 id = -1, again = -1;

  baseline = pd_revision_new ("q1", PD_REVISION_BASELINE, &jan4, 1800000000);
  pd_revision_add_day (baseline, "alice", &jan4, 17);
  pd_revision_add_day (baseline, "alice", &jan5, 16);
  baseline->parent = 0; /* computed from no revision */
  catchup = pd_revision_new ("q1", PD_REVISION_CATCHUP, &jan5, 1800000000);
  pd_revision_add_rebased_day (catchup, "alice", &jan5, 20, 9);
  catchup->parent = 12345; /* ignored: the baseline's id is used */
  assert_true (pd_store_save_first_catchup (store, baseline, catchup, &id, &error));
  assert_null (error);

  assert_true (pd_store_load_latest_head (store, "q1", &latest, &error));
  assert_int_equal (latest->id, id);
  assert_int_equal (latest->kind, PD_REVISION_CATCHUP);
  assert_true (pd_store_load_baseline (store, "q1", &loaded_baseline, &error));
  assert_int_equal (loaded_baseline->days->len, 2);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM revisions"), 2);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM revisions WHERE kind = 'catchup' AND parent = "
                                 "(SELECT id FROM revisions WHERE kind = 'baseline')"),
                    1);
  assert_int_equal (loaded_baseline->id, id - 1);

  /* A second process computed the same from no revision: it lost. */
  assert_false (pd_store_save_first_catchup (store, baseline, catchup, &again, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_CONFLICT));
  assert_string_equal (error->message,
                       "Cannot save the schedule revision: another process saved a schedule revision of 'q1' first");
  assert_int_equal (again, -1);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM revisions"), 2);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM revision_days"), 2);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM catchup_days"), 1);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_revisions, setup, teardown),
    cmocka_unit_test_setup_teardown (test_catchup_reps, setup, teardown),
    cmocka_unit_test_setup_teardown (test_first_catchup, setup, teardown),
  };
  int failed;

  if (!store_tests_begin ("prospectd-test-store-revisions-XXXXXX"))
    return 1;
  failed = store_tests_run ("test-store-revisions", tests, G_N_ELEMENTS (tests), NULL, 0, NULL, 0);
  store_tests_end ();
  return failed;
}
