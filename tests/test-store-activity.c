/* SPDX-License-Identifier: MIT
 *
 * Tests of store's activity entries (src/store-activity.c): round trips,
 * input refused, ids never reused, take, update in place, replace a day;
 * the per-day sums stay exact through every change.
 */
#define G_LOG_DOMAIN "prospectd-test-store-activity"

#include "store-fixture.h"

static void
test_activity_round_trip (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  const char *db = f->db;
  g_autoptr (PdStore) store = open_with_campaign (db, "q1");
  g_autoptr (PdActivity) first = make_activity ("q1", "alice", ymd (2027, 1, 6), 30);
  g_autoptr (PdActivity) second = make_activity ("q1", "bob", ymd (2027, 1, 4), 12);
  g_autoptr (PdActivity) third = make_activity ("q1", "alice", ymd (2027, 1, 4), 25);
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) alice = NULL;
  g_autoptr (GPtrArray) after = NULL;
  g_autofree char *name = NULL;
  const PdActivity *a;
  gint64 id1 = 0, id2 = 0, id3 = 0;

  first->prospects = 9;
  first->active = 2;
  first->latent = 3;
  first->arid = 4;
  first->proposals = 1;
  first->deals = 1;
  first->revenue_cents = 2000000;
  first->note = g_strdup ("Acme: l'appel « rappeler jeudi »");
  first->created = 1800000000;
  first->id = 12345; /* ignored */

  assert_true (pd_store_add_activity (store, first, &id1, &error));
  assert_null (error);
  assert_true (pd_store_add_activity (store, second, &id2, &error));
  assert_true (pd_store_add_activity (store, third, &id3, &error));
  assert_null (error);
  assert_int_equal (id1, 1);
  assert_int_equal (id2, 2);
  assert_int_equal (id3, 3);
  assert_true (pd_store_add_activity (store, third, NULL, &error)); /* id optional */

  /* Ordered by date, then id. */
  all = pd_store_list_activity (store, "q1", NULL, &error);
  assert_null (error);
  assert_int_equal (all->len, 4);
  assert_int_equal (((PdActivity *) g_ptr_array_index (all, 0))->id, 2);
  assert_int_equal (((PdActivity *) g_ptr_array_index (all, 1))->id, 3);
  assert_int_equal (((PdActivity *) g_ptr_array_index (all, 2))->id, 4);
  assert_int_equal (((PdActivity *) g_ptr_array_index (all, 3))->id, 1);

  a = g_ptr_array_index (all, 3);
  assert_string_equal (a->campaign, "q1");
  assert_string_equal (a->rep, "alice");
  assert_date (&a->date, 2027, 1, 6);
  assert_int_equal (a->contacts, 30);
  assert_int_equal (a->prospects, 9);
  assert_int_equal (a->active, 2);
  assert_int_equal (a->latent, 3);
  assert_int_equal (a->arid, 4);
  assert_int_equal (a->proposals, 1);
  assert_int_equal (a->deals, 1);
  assert_int_equal (a->revenue_cents, 2000000);
  assert_string_equal (a->note, "Acme: l'appel « rappeler jeudi »");
  assert_int_equal (a->created, 1800000000);

  /* created 0 means now. */
  a = g_ptr_array_index (all, 0);
  assert_null (a->note);
  assert_in_range (a->created, g_get_real_time () / G_USEC_PER_SEC - 60,
                   g_get_real_time () / G_USEC_PER_SEC + 1);

  alice = pd_store_list_activity (store, "q1", "alice", &error);
  assert_null (error);
  assert_int_equal (alice->len, 3);
  assert_int_equal (((PdActivity *) g_ptr_array_index (alice, 0))->id, 3);
  assert_int_equal (((PdActivity *) g_ptr_array_index (alice, 1))->id, 4);
  assert_int_equal (((PdActivity *) g_ptr_array_index (alice, 2))->id, 1);

  /* Remove, then remove again. */
  assert_true (pd_store_remove_activity (store, 3, &error));
  assert_null (error);
  assert_false (pd_store_remove_activity (store, 3, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND));
  assert_non_null (strstr (error->message, "3"));
  g_clear_error (&error);
  assert_false (pd_store_remove_activity (store, 999, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND));
  g_clear_error (&error);

  after = pd_store_list_activity (store, "q1", NULL, &error);
  assert_int_equal (after->len, 3);
  assert_int_equal (((PdActivity *) g_ptr_array_index (after, 0))->id, 2);
  assert_int_equal (((PdActivity *) g_ptr_array_index (after, 1))->id, 4);
  assert_int_equal (((PdActivity *) g_ptr_array_index (after, 2))->id, 1);

  /* Another campaign's list is empty, not an error. */
  g_clear_pointer (&after, g_ptr_array_unref);
  after = pd_store_list_activity (store, "other", NULL, &error);
  assert_null (error);
  assert_non_null (after);
  assert_int_equal (after->len, 0);

  /* ensure_campaign renames, keeps first_seen. */
  raw_exec (db, "UPDATE campaigns SET first_seen = 42 WHERE id = 'q1'");
  assert_true (pd_store_ensure_campaign (store, "q1", "Renamed", &error));
  name = raw_text (db, "SELECT name || ' ' || first_seen FROM campaigns WHERE id = 'q1'");
  assert_string_equal (name, "Renamed 42");
}

static void
test_activity_rejected (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  const char *db = f->db;
  g_autoptr (PdStore) store = open_with_campaign (db, "q1");
  g_autoptr (PdActivity) activity = make_activity ("nope", "alice", ymd (2027, 1, 4), 1);
  g_autoptr (GPtrArray) entries = NULL;
  gint64 id = -7;

  assert_false (pd_store_add_activity (store, activity, &id, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND));
  assert_string_equal (error->message, "Cannot log activity: Unknown campaign: 'nope'");
  assert_int_equal (id, -7); /* untouched */
  g_clear_error (&error);

  g_free (activity->campaign);
  activity->campaign = g_strdup ("q1");
  g_free (activity->rep);
  activity->rep = g_strdup ("");
  assert_false (pd_store_add_activity (store, activity, &id, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID));
  g_clear_error (&error);

  g_free (activity->rep);
  activity->rep = g_strdup ("alice");
  g_date_clear (&activity->date, 1);
  assert_false (pd_store_add_activity (store, activity, &id, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID));
  g_clear_error (&error);

  activity->date = ymd (2027, 1, 4);
  activity->deals = -1;
  assert_false (pd_store_add_activity (store, activity, &id, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID));
  assert_string_equal (error->message, "Cannot log activity: Negative deals: '-1'");
  g_clear_error (&error);

  assert_false (pd_store_ensure_campaign (store, "", "x", &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID));
  g_clear_error (&error);

  entries = pd_store_list_activity (store, "q1", NULL, &error);
  assert_null (error);
  assert_int_equal (entries->len, 0);
  assert_int_equal (id, -7);
}

/* Ids are never reused: removing the last entry does not hand its id to
 * the next one (schema 5's AUTOINCREMENT), across connections too. */
static void
test_activity_ids_never_reused (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdActivity) a = make_activity ("q1", "alice", ymd (2027, 1, 4), 10);
  PdStore *store = open_with_campaign (f->db, "q1");
  gint64 id = 0;

  assert_true (pd_store_add_activity (store, a, &id, &error));
  assert_int_equal (id, 1);
  assert_true (pd_store_add_activity (store, a, &id, &error));
  assert_int_equal (id, 2);
  assert_true (pd_store_remove_activity (store, 2, &error));
  assert_true (pd_store_add_activity (store, a, &id, &error));
  assert_int_equal (id, 3);
  assert_true (pd_store_remove_activity (store, 3, &error));
  assert_true (pd_store_remove_activity (store, 1, &error));
  pd_store_close (store);

  store = pd_store_open (f->db, &error);
  assert_non_null (store);
  assert_true (pd_store_add_activity (store, a, &id, &error));
  assert_null (error);
  assert_int_equal (id, 4);
  pd_store_close (store);
  assert_summaries_exact (f->db);
}

/* take, get, update and replace_day: what they return, the sums after
 * them, and nothing written when they fail. */
static void
test_activity_take_update_replace (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = open_with_campaign (f->db, "q1");
  g_autoptr (PdActivity) a = make_activity ("q1", "alice", ymd (2027, 1, 4), 10);
  g_autoptr (PdActivity) b = make_activity ("q1", "alice", ymd (2027, 1, 4), 15);
  g_autoptr (PdActivity) other_day = make_activity ("q1", "alice", ymd (2027, 1, 5), 7);
  g_autoptr (PdActivity) other_rep = make_activity ("q1", "bob", ymd (2027, 1, 4), 8);
  g_autoptr (PdActivity) replacement = make_activity ("q1", "alice", ymd (2027, 1, 4), 12);
  g_autoptr (PdActivity) taken = NULL;
  g_autoptr (PdActivity) read = NULL;
  g_autoptr (GPtrArray) removed = NULL;
  g_autoptr (GArray) days = NULL;
  PdTotals totals;
  gint64 id_a, id_b, id_day, id_rep, id_new;

  b->prospects = 4;
  b->proposals = 2;
  b->note = g_strdup ("Acme");
  assert_true (pd_store_add_activity (store, a, &id_a, &error));
  assert_true (pd_store_add_activity (store, b, &id_b, &error));
  assert_true (pd_store_add_activity (store, other_day, &id_day, &error));
  assert_true (pd_store_add_activity (store, other_rep, &id_rep, &error));

  /* get */
  assert_true (pd_store_get_activity (store, id_b, &read, &error));
  assert_int_equal (read->id, id_b);
  assert_int_equal (read->contacts, 15);
  assert_int_equal (read->proposals, 2);
  assert_string_equal (read->note, "Acme");
  assert_false (pd_store_get_activity (store, 99, &taken, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND));
  assert_null (taken);
  g_clear_error (&error);

  /* day totals: the rep's day sums both entries. */
  days = pd_store_day_totals (store, "q1", "alice", NULL, NULL, &error);
  assert_non_null (days);
  assert_int_equal (days->len, 2);
  assert_date (&g_array_index (days, PdDayTotals, 0).date, 2027, 1, 4);
  assert_int_equal (g_array_index (days, PdDayTotals, 0).totals.entries, 2);
  assert_int_equal (g_array_index (days, PdDayTotals, 0).totals.contacts, 25);
  assert_int_equal (g_array_index (days, PdDayTotals, 0).totals.proposals, 2);
  assert_int_equal (g_array_index (days, PdDayTotals, 1).totals.contacts, 7);
  g_clear_pointer (&days, g_array_unref);
  {
    GDate jan4 = ymd (2027, 1, 4);
    days = pd_store_day_totals (store, "q1", NULL, &jan4, &jan4, &error);
    assert_int_equal (days->len, 1);
    assert_int_equal (g_array_index (days, PdDayTotals, 0).totals.contacts, 33);
    assert_int_equal (g_array_index (days, PdDayTotals, 0).totals.entries, 3);
    g_clear_pointer (&days, g_array_unref);
  }

  /* update: moves the entry to another day; the sums follow. */
  read->date = ymd (2027, 1, 5);
  read->contacts = 20;
  assert_true (pd_store_update_activity (store, read, &error));
  assert_null (error);
  assert_true (pd_store_totals (store, "q1", "alice", NULL, &totals, &error));
  assert_int_equal (totals.contacts, 10 + 20 + 7);
  assert_summaries_exact (f->db);
  read->id = 99;
  assert_false (pd_store_update_activity (store, read, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND));
  g_clear_error (&error);
  read->id = id_b;
  read->contacts = -1;
  assert_false (pd_store_update_activity (store, read, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID));
  g_clear_error (&error);
  g_clear_pointer (&read, pd_activity_free);
  assert_true (pd_store_get_activity (store, id_b, &read, &error));
  assert_int_equal (read->contacts, 20);

  /* replace_day: alice's 2027-01-05 (two entries now) only. */
  replacement->date = ymd (2027, 1, 5);
  assert_true (pd_store_replace_day (store, replacement, &id_new, &removed, &error));
  assert_null (error);
  assert_int_equal (id_new, id_rep + 1);
  assert_int_equal (removed->len, 2);
  assert_int_equal (((PdActivity *) g_ptr_array_index (removed, 0))->id, id_b);
  assert_int_equal (((PdActivity *) g_ptr_array_index (removed, 1))->id, id_day);
  assert_int_equal (((PdActivity *) g_ptr_array_index (removed, 0))->contacts, 20);
  assert_true (pd_store_totals (store, "q1", "alice", NULL, &totals, &error));
  assert_int_equal (totals.entries, 2);
  assert_int_equal (totals.contacts, 10 + 12);
  assert_true (pd_store_totals (store, "q1", "bob", NULL, &totals, &error));
  assert_int_equal (totals.contacts, 8);
  assert_summaries_exact (f->db);
  g_clear_pointer (&removed, g_ptr_array_unref);
  /* A day without entries: nothing removed. */
  replacement->date = ymd (2027, 1, 6);
  assert_true (pd_store_replace_day (store, replacement, NULL, &removed, &error));
  assert_int_equal (removed->len, 0);

  /* take: returns what was removed. */
  assert_true (pd_store_take_activity (store, id_a, &taken, &error));
  assert_int_equal (taken->id, id_a);
  assert_string_equal (taken->rep, "alice");
  assert_date (&taken->date, 2027, 1, 4);
  assert_int_equal (taken->contacts, 10);
  g_clear_pointer (&taken, pd_activity_free);
  assert_false (pd_store_take_activity (store, id_a, &taken, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND));
  assert_null (taken);
  assert_summaries_exact (f->db);
}

/* Whose activity changed since a mark: added, updated (the old and the
 * new rep), removed; each rep once, the mark only growing. */
static void
test_activity_changes (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = open_with_campaign (f->db, "q1");
  g_autoptr (PdActivity) alice = make_activity ("q1", "alice", ymd (2027, 1, 4), 10);
  g_autoptr (PdActivity) bob = make_activity ("q1", "bob", ymd (2027, 1, 4), 5);
  g_auto (GStrv) reps = NULL;
  gint64 mark = -1, first = 0, second = 0, alice_id = 0, bob_id = 0;

  /* Nothing logged yet: mark 0, nobody. */
  assert_true (pd_store_activity_changes (store, "q1", 0, &mark, &reps, &error));
  assert_int_equal (mark, 0);
  assert_null (reps[0]);
  g_clear_pointer (&reps, g_strfreev);

  assert_true (pd_store_add_activity (store, alice, &alice_id, &error));
  assert_true (pd_store_add_activity (store, bob, &bob_id, &error));
  assert_true (pd_store_add_activity (store, alice, NULL, &error));
  assert_true (pd_store_activity_changes (store, "q1", 0, &first, &reps, &error));
  assert_int_equal (first, 3);
  assert_int_equal (g_strv_length (reps), 2);
  assert_true (g_strv_contains ((const char *const *) reps, "alice"));
  assert_true (g_strv_contains ((const char *const *) reps, "bob"));
  g_clear_pointer (&reps, g_strfreev);

  /* Nothing since: nobody. */
  assert_true (pd_store_activity_changes (store, "q1", first, &mark, &reps, &error));
  assert_int_equal (mark, first);
  assert_null (reps[0]);
  g_clear_pointer (&reps, g_strfreev);

  /* An update moving bob's entry to carol names both; then a removal. */
  bob->id = bob_id;
  g_free (bob->rep);
  bob->rep = g_strdup ("carol");
  assert_true (pd_store_update_activity (store, bob, &error));
  assert_true (pd_store_activity_changes (store, "q1", first, &second, &reps, &error));
  assert_int_equal (second, 5);
  assert_int_equal (g_strv_length (reps), 2);
  assert_true (g_strv_contains ((const char *const *) reps, "bob"));
  assert_true (g_strv_contains ((const char *const *) reps, "carol"));
  g_clear_pointer (&reps, g_strfreev);
  assert_true (pd_store_remove_activity (store, alice_id, &error));
  assert_true (pd_store_activity_changes (store, "q1", second, &mark, &reps, &error));
  assert_int_equal (mark, 6);
  assert_int_equal (g_strv_length (reps), 1);
  assert_string_equal (reps[0], "alice");
  g_clear_pointer (&reps, g_strfreev);

  /* The mark alone. */
  assert_true (pd_store_activity_changes (store, "other", 0, &mark, NULL, &error));
  assert_int_equal (mark, 6);
  assert_null (error);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_activity_round_trip, setup, teardown),
    cmocka_unit_test_setup_teardown (test_activity_rejected, setup, teardown),
    cmocka_unit_test_setup_teardown (test_activity_ids_never_reused, setup, teardown),
    cmocka_unit_test_setup_teardown (test_activity_take_update_replace, setup, teardown),
    cmocka_unit_test_setup_teardown (test_activity_changes, setup, teardown),
  };
  int failed;

  if (!store_tests_begin ("prospectd-test-store-activity-XXXXXX"))
    return 1;
  failed = store_tests_run ("test-store-activity", tests, G_N_ELEMENTS (tests), NULL, 0, NULL, 0);
  store_tests_end ();
  return failed;
}
