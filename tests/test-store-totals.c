/* SPDX-License-Identifier: MIT
 *
 * Tests of store's sums (src/store-totals.c): totals and daily contacts
 * against the brute force over activity, the per-day tables exact after
 * random inserts, removals, updates, overflow and a deleted campaign, and
 * reads that end their snapshot.
 */
#define G_LOG_DOMAIN "prospectd-test-store-totals"

#include "store-fixture.h"
#include "prospectd/progress.h"

static void
test_totals (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  const char *db = f->db;
  g_autoptr (PdStore) store = open_with_campaign (db, "q1");
  struct {
    const char *rep;
    unsigned day;
    gint64 contacts, prospects, active, latent, arid, proposals, deals, revenue;
  } rows[] = {
    { "alice", 4, 40, 10, 2, 3, 5, 1, 0, 0 },
    { "alice", 5, 35, 8, 1, 2, 5, 2, 1, 2000000 },
    { "alice", 8, 50, 12, 3, 4, 5, 0, 0, 0 },
    { "bob", 4, 20, 5, 1, 1, 3, 1, 0, 0 },
    { "bob", 6, 22, 6, 2, 2, 2, 1, 1, 1550075 },
  };
  PdTotals totals = { .entries = -1 };
  GDate jan5 = ymd (2027, 1, 5), jan3 = ymd (2027, 1, 3), bad;

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr (PdActivity) a = make_activity ("q1", rows[i].rep,
                                                ymd (2027, 1, rows[i].day),
                                                rows[i].contacts);

      a->prospects = rows[i].prospects;
      a->active = rows[i].active;
      a->latent = rows[i].latent;
      a->arid = rows[i].arid;
      a->proposals = rows[i].proposals;
      a->deals = rows[i].deals;
      a->revenue_cents = rows[i].revenue;
      assert_true (pd_store_add_activity (store, a, NULL, &error));
    }
  assert_null (error);

  /* The team, everything. */
  assert_true (pd_store_totals (store, "q1", NULL, NULL, &totals, &error));
  assert_null (error);
  assert_int_equal (totals.entries, 5);
  assert_int_equal (totals.contacts, 167);
  assert_int_equal (totals.prospects, 41);
  assert_int_equal (totals.active, 9);
  assert_int_equal (totals.latent, 12);
  assert_int_equal (totals.arid, 20);
  assert_int_equal (totals.proposals, 5);
  assert_int_equal (totals.deals, 2);
  assert_int_equal (totals.revenue_cents, 3550075);

  /* Alice up to the 5th, inclusive. */
  assert_true (pd_store_totals (store, "q1", "alice", &jan5, &totals, &error));
  assert_int_equal (totals.entries, 2);
  assert_int_equal (totals.contacts, 75);
  assert_int_equal (totals.prospects, 18);
  assert_int_equal (totals.active, 3);
  assert_int_equal (totals.latent, 5);
  assert_int_equal (totals.arid, 10);
  assert_int_equal (totals.proposals, 3);
  assert_int_equal (totals.deals, 1);
  assert_int_equal (totals.revenue_cents, 2000000);

  /* The team up to the 5th. */
  assert_true (pd_store_totals (store, "q1", NULL, &jan5, &totals, &error));
  assert_int_equal (totals.entries, 3);
  assert_int_equal (totals.contacts, 95);

  /* Nothing yet; unknown rep; unknown campaign: zeros. */
  assert_true (pd_store_totals (store, "q1", NULL, &jan3, &totals, &error));
  assert_int_equal (totals.entries, 0);
  assert_int_equal (totals.contacts, 0);
  assert_int_equal (totals.revenue_cents, 0);
  assert_true (pd_store_totals (store, "q1", "carol", NULL, &totals, &error));
  assert_int_equal (totals.entries, 0);
  assert_true (pd_store_totals (store, "zz", NULL, NULL, &totals, &error));
  assert_int_equal (totals.contacts, 0);
  assert_null (error);

  /* A bad date is an error and leaves ret_totals alone. */
  g_date_clear (&bad, 1);
  totals.entries = 77;
  assert_false (pd_store_totals (store, "q1", NULL, &bad, &totals, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID));
  assert_int_equal (totals.entries, 77);
}

static void
test_daily_contacts (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  const char *db = f->db;
  g_autoptr (PdStore) store = open_with_campaign (db, "q1");
  g_autoptr (GArray) days = NULL;
  g_autoptr (GArray) bob = NULL;
  const struct { const char *rep; unsigned day; gint64 contacts; } rows[] = {
    { "bob", 5, 7 }, { "alice", 4, 10 }, { "alice", 4, 5 },
    { "alice", 6, 20 }, { "bob", 4, 3 }, { "alice", 11, 1 },
  };
  const PdDailyContacts *d;
  GDate jan6 = ymd (2027, 1, 6);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr (PdActivity) a = make_activity ("q1", rows[i].rep,
                                                ymd (2027, 1, rows[i].day),
                                                rows[i].contacts);

      assert_true (pd_store_add_activity (store, a, NULL, &error));
    }

  days = pd_store_daily_contacts (store, "q1", NULL, &jan6, &error);
  assert_null (error);
  assert_int_equal (days->len, 4);
  d = &g_array_index (days, PdDailyContacts, 0);
  assert_string_equal (d->rep, "alice");
  assert_date (&d->date, 2027, 1, 4);
  assert_int_equal (d->contacts, 15);
  assert_int_equal (d->cumulative, 15);
  d = &g_array_index (days, PdDailyContacts, 1);
  assert_string_equal (d->rep, "alice");
  assert_date (&d->date, 2027, 1, 6);
  assert_int_equal (d->contacts, 20);
  assert_int_equal (d->cumulative, 35);
  d = &g_array_index (days, PdDailyContacts, 2);
  assert_string_equal (d->rep, "bob");
  assert_date (&d->date, 2027, 1, 4);
  assert_int_equal (d->contacts, 3);
  assert_int_equal (d->cumulative, 3);
  d = &g_array_index (days, PdDailyContacts, 3);
  assert_string_equal (d->rep, "bob");
  assert_date (&d->date, 2027, 1, 5);
  assert_int_equal (d->contacts, 7);
  assert_int_equal (d->cumulative, 10);

  bob = pd_store_daily_contacts (store, "q1", "bob", NULL, &error);
  assert_null (error);
  assert_int_equal (bob->len, 2);
  assert_int_equal (g_array_index (bob, PdDailyContacts, 1).cumulative, 10);

  /* A day's other sums come along (the observed rates read rep-days):
   * alice's 2027-01-04 gets an entry with outcomes, added to the day. */
  g_autoptr (PdActivity) outcomes = make_activity ("q1", "alice", ymd (2027, 1, 4), 4);
  outcomes->prospects = 3;
  outcomes->active = 1;
  outcomes->latent = 1;
  outcomes->arid = 1;
  outcomes->proposals = 2;
  outcomes->deals = 1;
  outcomes->revenue_cents = 150000;
  assert_true (pd_store_add_activity (store, outcomes, NULL, &error));
  g_clear_pointer (&days, g_array_unref);
  days = pd_store_daily_contacts (store, "q1", "alice", &jan6, &error);
  assert_null (error);
  d = &g_array_index (days, PdDailyContacts, 0);
  assert_int_equal (d->contacts, 19);
  assert_int_equal (d->prospects, 3);
  assert_int_equal (d->active, 1);
  assert_int_equal (d->latent, 1);
  assert_int_equal (d->arid, 1);
  assert_int_equal (d->proposals, 2);
  assert_int_equal (d->deals, 1);
  assert_int_equal (d->revenue_cents, 150000);
  d = &g_array_index (days, PdDailyContacts, 1);
  assert_int_equal (d->prospects, 0);
  assert_int_equal (d->revenue_cents, 0);
}

/* Random adds, removals and raw updates in two campaigns: after each
 * round, every status read equals the sums over activity, and the per-day
 * tables hold exactly its GROUP BY. */
static void
test_summary_random (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  const char *db = f->db;
  g_autoptr (PdStore) store = open_with_campaign (db, "q1");
  g_autoptr (GRand) rand = g_rand_new_with_seed (20270104);
  g_autoptr (GArray) live = g_array_new (FALSE, FALSE, sizeof (gint64));
  const char *const campaigns[] = { "q1", "q2" };
  const char *const reps[] = { "alice", "bob", "carol", "zo\xc3\xab" };
  guint removed = 0, updated = 0;

  assert_true (pd_store_ensure_campaign (store, "q2", "Other", &error));
  for (guint round = 0; round < 8; round++)
    {
      for (guint op = 0; op < 40; op++)
        {
          gint32 choice = g_rand_int_range (rand, 0, 10);

          if (choice < 6 || live->len == 0)
            {
              g_autoptr (PdActivity) a =
                make_activity (campaigns[g_rand_int_range (rand, 0, 2)],
                               reps[g_rand_int_range (rand, 0, G_N_ELEMENTS (reps))],
                               ymd (2027, 1, (unsigned) g_rand_int_range (rand, 4, 12)),
                               g_rand_int_range (rand, 0, 30));
              gint64 id = 0;

              a->prospects = g_rand_int_range (rand, 0, 8);
              a->active = g_rand_int_range (rand, 0, 3);
              a->latent = g_rand_int_range (rand, 0, 3);
              a->arid = g_rand_int_range (rand, 0, 3);
              a->proposals = g_rand_int_range (rand, 0, 2);
              a->deals = g_rand_int_range (rand, 0, 2);
              a->revenue_cents = a->deals * g_rand_int_range (rand, 100000, 5000000);
              assert_true (pd_store_add_activity (store, a, &id, &error));
              assert_null (error);
              g_array_append_val (live, id);
            }
          else if (choice < 9)
            {
              guint index = (guint) g_rand_int_range (rand, 0, (gint32) live->len);

              assert_true (pd_store_remove_activity (store, g_array_index (live, gint64, index),
                                                     &error));
              assert_null (error);
              g_array_remove_index_fast (live, index);
              removed++;
            }
          else
            {
              /* Another writer (a sqlite3 shell) moves an entry. */
              g_autofree char *sql =
                g_strdup_printf ("UPDATE activity SET campaign = '%s', rep = '%s',"
                                 " date = '2027-01-%02d', contacts = contacts + %d"
                                 " WHERE id = %" G_GINT64_FORMAT,
                                 campaigns[g_rand_int_range (rand, 0, 2)],
                                 reps[g_rand_int_range (rand, 0, G_N_ELEMENTS (reps))],
                                 g_rand_int_range (rand, 4, 12), g_rand_int_range (rand, 0, 5),
                                 g_array_index (live, gint64,
                                                g_rand_int_range (rand, 0, (gint32) live->len)));

              raw_exec (db, sql);
              updated++;
            }
        }
      assert_summaries_exact (db);
      for (gsize c = 0; c < G_N_ELEMENTS (campaigns); c++)
        assert_reads_match (store, db, campaigns[c]);
    }
  /* The seed exercised all three. */
  assert_true (removed > 20);
  assert_true (updated > 5);

  /* Everything removed: no day left, all sums zero. */
  for (guint i = 0; i < live->len; i++)
    assert_true (pd_store_remove_activity (store, g_array_index (live, gint64, i), &error));
  assert_int_equal (raw_int (db, "SELECT count(*) FROM activity_days"), 0);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM activity_team_days"), 0);
  assert_reads_match (store, db, "q1");
  assert_summaries_exact (db);
}

/* Removals, by hand: a day stays while it has an entry, with the exact
 * sums of what is left, and disappears with its last entry. */
static void
test_summary_removals (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  const char *db = f->db;
  g_autoptr (PdStore) store = open_with_campaign (db, "q1");
  g_autoptr (PdActivity) a1 = make_activity ("q1", "alice", ymd (2027, 1, 4), 10);
  g_autoptr (PdActivity) a2 = make_activity ("q1", "alice", ymd (2027, 1, 4), 5);
  g_autoptr (PdActivity) b1 = make_activity ("q1", "bob", ymd (2027, 1, 4), 3);
  g_autoptr (GArray) days = NULL;
  gint64 id_a1 = 0, id_a2 = 0, id_b1 = 0;
  PdTotals totals;

  a1->prospects = 4;
  a1->revenue_cents = 150000;
  a2->prospects = 2;
  a2->deals = 1;
  a2->revenue_cents = 990000;
  b1->prospects = 1;
  assert_true (pd_store_add_activity (store, a1, &id_a1, &error));
  assert_true (pd_store_add_activity (store, a2, &id_a2, &error));
  assert_true (pd_store_add_activity (store, b1, &id_b1, &error));
  assert_null (error);

  assert_true (pd_store_totals (store, "q1", "alice", NULL, &totals, &error));
  assert_int_equal (totals.entries, 2);
  assert_int_equal (totals.contacts, 15);
  assert_int_equal (totals.prospects, 6);
  assert_int_equal (totals.deals, 1);
  assert_int_equal (totals.revenue_cents, 1140000);
  assert_true (pd_store_totals (store, "q1", NULL, NULL, &totals, &error));
  assert_int_equal (totals.entries, 3);
  assert_int_equal (totals.contacts, 18);
  assert_int_equal (totals.prospects, 7);

  /* Alice's first entry out: her day stays, with the second's sums. */
  assert_true (pd_store_remove_activity (store, id_a1, &error));
  assert_true (pd_store_totals (store, "q1", "alice", NULL, &totals, &error));
  assert_int_equal (totals.entries, 1);
  assert_int_equal (totals.contacts, 5);
  assert_int_equal (totals.prospects, 2);
  assert_int_equal (totals.deals, 1);
  assert_int_equal (totals.revenue_cents, 990000);
  days = pd_store_daily_contacts (store, "q1", NULL, NULL, &error);
  assert_int_equal (days->len, 2);
  assert_string_equal (g_array_index (days, PdDailyContacts, 0).rep, "alice");
  assert_int_equal (g_array_index (days, PdDailyContacts, 0).contacts, 5);
  assert_int_equal (g_array_index (days, PdDailyContacts, 1).contacts, 3);
  g_clear_pointer (&days, g_array_unref);

  /* Her last: her day goes (a day appears only with an entry); the
   * team's day stays for Bob. */
  assert_true (pd_store_remove_activity (store, id_a2, &error));
  days = pd_store_daily_contacts (store, "q1", NULL, NULL, &error);
  assert_int_equal (days->len, 1);
  assert_string_equal (g_array_index (days, PdDailyContacts, 0).rep, "bob");
  assert_int_equal (g_array_index (days, PdDailyContacts, 0).cumulative, 3);
  g_clear_pointer (&days, g_array_unref);
  assert_true (pd_store_totals (store, "q1", "alice", NULL, &totals, &error));
  assert_int_equal (totals.entries, 0);
  assert_int_equal (totals.revenue_cents, 0);
  assert_true (pd_store_totals (store, "q1", NULL, NULL, &totals, &error));
  assert_int_equal (totals.entries, 1);
  assert_int_equal (totals.contacts, 3);
  assert_int_equal (totals.prospects, 1);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM activity_days"), 1);
  assert_int_equal (raw_int (db, "SELECT entries FROM activity_team_days"), 1);

  /* The last entry of the day: the team's day goes too. */
  assert_true (pd_store_remove_activity (store, id_b1, &error));
  assert_null (error);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM activity_days"), 0);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM activity_team_days"), 0);
  days = pd_store_daily_contacts (store, "q1", NULL, NULL, &error);
  assert_int_equal (days->len, 0);
  assert_summaries_exact (db);
}

/* prospectd never updates an entry, but another writer may: each change
 * moves the sums from the old campaign, rep and day to the new ones. */
static void
test_summary_update (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  const char *db = f->db;
  g_autoptr (PdStore) store = open_with_campaign (db, "q1");
  g_autoptr (PdActivity) a = make_activity ("q1", "alice", ymd (2027, 1, 4), 10);
  g_autoptr (PdActivity) b = make_activity ("q1", "bob", ymd (2027, 1, 5), 7);
  gint64 id = 0;
  PdTotals totals;
  GDate jan4 = ymd (2027, 1, 4);

  assert_true (pd_store_ensure_campaign (store, "q2", NULL, &error));
  a->prospects = 3;
  a->revenue_cents = 500;
  assert_true (pd_store_add_activity (store, a, &id, &error));
  assert_true (pd_store_add_activity (store, b, NULL, &error));
  assert_int_equal (id, 1);

  /* Counts. */
  raw_exec (db, "UPDATE activity SET contacts = 25, prospects = 4, revenue_cents = 800 WHERE id = 1");
  assert_true (pd_store_totals (store, "q1", "alice", NULL, &totals, &error));
  assert_int_equal (totals.entries, 1);
  assert_int_equal (totals.contacts, 25);
  assert_int_equal (totals.prospects, 4);
  assert_int_equal (totals.revenue_cents, 800);
  assert_true (pd_store_totals (store, "q1", NULL, NULL, &totals, &error));
  assert_int_equal (totals.contacts, 32);

  /* Rep: alice's day goes, bob has two. */
  raw_exec (db, "UPDATE activity SET rep = 'bob' WHERE id = 1");
  assert_true (pd_store_totals (store, "q1", "alice", NULL, &totals, &error));
  assert_int_equal (totals.entries, 0);
  assert_true (pd_store_totals (store, "q1", "bob", NULL, &totals, &error));
  assert_int_equal (totals.entries, 2);
  assert_int_equal (totals.contacts, 32);

  /* Date: onto bob's other day, which now has both entries. */
  raw_exec (db, "UPDATE activity SET date = '2027-01-05' WHERE id = 1");
  assert_true (pd_store_totals (store, "q1", NULL, &jan4, &totals, &error));
  assert_int_equal (totals.entries, 0);
  assert_int_equal (raw_int (db, "SELECT entries FROM activity_days WHERE rep = 'bob'"), 2);
  assert_int_equal (raw_int (db, "SELECT contacts FROM activity_team_days"), 32);

  /* Campaign. */
  raw_exec (db, "UPDATE activity SET campaign = 'q2' WHERE id = 1");
  assert_true (pd_store_totals (store, "q1", NULL, NULL, &totals, &error));
  assert_int_equal (totals.entries, 1);
  assert_int_equal (totals.contacts, 7);
  assert_true (pd_store_totals (store, "q2", "bob", NULL, &totals, &error));
  assert_int_equal (totals.entries, 1);
  assert_int_equal (totals.contacts, 25);
  assert_int_equal (totals.prospects, 4);
  assert_int_equal (totals.revenue_cents, 800);

  /* A note or the id: sums untouched. */
  raw_exec (db, "UPDATE activity SET note = 'called back', id = 10 WHERE id = 1");
  assert_true (pd_store_totals (store, "q2", NULL, NULL, &totals, &error));
  assert_int_equal (totals.entries, 1);
  assert_int_equal (totals.contacts, 25);
  assert_null (error);
  assert_summaries_exact (db);
}

/* A sum beyond 64 bits is an error, never a wrapped or rounded number:
 * within a day the write that would overflow is refused (the day's sums
 * are stored), across days the read fails as before. */
static void
test_summary_overflow (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  const char *db = f->db;
  g_autoptr (PdStore) store = open_with_campaign (db, "q1");
  g_autoptr (PdActivity) big = make_activity ("q1", "alice", ymd (2027, 1, 4), G_MAXINT64);
  g_autoptr (PdActivity) one = make_activity ("q1", "alice", ymd (2027, 1, 4), 1);
  g_autoptr (PdActivity) rich = make_activity ("q1", "carol", ymd (2027, 1, 6), 0);
  g_autoptr (GArray) days = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  gint64 id = -7, next_day = 0;
  PdTotals totals = { .entries = 77 };

  assert_true (pd_store_add_activity (store, big, NULL, &error));
  assert_null (error);

  /* The same rep and day. */
  assert_false (pd_store_add_activity (store, one, &id, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID));
  assert_non_null (strstr (error->message, backend_text ("day_sums_are_integers", "bigint out of range")));
  assert_int_equal (id, -7);
  g_clear_error (&error);

  /* Another rep, the same day: the team's day would overflow. */
  g_free (one->rep);
  one->rep = g_strdup ("bob");
  assert_false (pd_store_add_activity (store, one, &id, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID));
  g_clear_error (&error);
  entries = pd_store_list_activity (store, "q1", NULL, &error);
  assert_int_equal (entries->len, 1); /* nothing of either was written */

  /* The next day, the same rep: its running sums (schema 16) would pass
   * 64 bits: refused, nothing written. */
  one->date = ymd (2027, 1, 5);
  g_free (one->rep);
  one->rep = g_strdup ("alice");
  assert_false (pd_store_add_activity (store, one, &id, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID));
  assert_non_null (strstr (error->message, backend_text ("running_sums_are_integers", "bigint out of range")));
  assert_int_equal (id, -7);
  g_clear_error (&error);
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = pd_store_list_activity (store, "q1", NULL, &error);
  assert_int_equal (entries->len, 1);

  /* Another rep, the next day: written; the team's sums over both days
   * fail, each rep's stay exact. */
  g_free (one->rep);
  one->rep = g_strdup ("bob");
  assert_true (pd_store_add_activity (store, one, &next_day, &error));
  assert_null (error);
  assert_false (pd_store_totals (store, "q1", NULL, NULL, &totals, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_FAILED));
  assert_non_null (strstr (error->message, backend_text ("integer overflow", "bigint out of range")));
  assert_int_equal (totals.entries, 77); /* untouched */
  g_clear_error (&error);
  assert_true (pd_store_totals (store, "q1", "alice", NULL, &totals, &error));
  assert_int_equal (totals.contacts, G_MAXINT64);
  assert_summaries_exact (db);

  /* Up to the first day, or after the removal of the second: exact. */
  {
    GDate jan4 = ymd (2027, 1, 4);

    assert_true (pd_store_totals (store, "q1", "alice", &jan4, &totals, &error));
    assert_int_equal (totals.contacts, G_MAXINT64);
  }
  assert_true (pd_store_remove_activity (store, next_day, &error));
  assert_true (pd_store_totals (store, "q1", NULL, NULL, &totals, &error));
  assert_int_equal (totals.entries, 1);
  assert_int_equal (totals.contacts, G_MAXINT64);
  days = pd_store_daily_contacts (store, "q1", NULL, NULL, &error);
  assert_non_null (days);
  assert_int_equal (g_array_index (days, PdDailyContacts, 0).cumulative, G_MAXINT64);

  /* Every count is guarded, revenue included. */
  rich->revenue_cents = G_MAXINT64 - 10;
  assert_true (pd_store_add_activity (store, rich, NULL, &error));
  rich->revenue_cents = 11;
  assert_false (pd_store_add_activity (store, rich, NULL, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID));
  g_clear_error (&error);
  rich->revenue_cents = 10;
  assert_true (pd_store_add_activity (store, rich, NULL, &error));
  assert_true (pd_store_totals (store, "q1", "carol", NULL, &totals, &error));
  assert_int_equal (totals.revenue_cents, G_MAXINT64);
  assert_null (error);
  assert_summaries_exact (db);
}

/* Deleting a campaign (the foreign keys' cascade) takes its days along
 * and leaves the other campaign's. */
static void
test_summary_campaign_deleted (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  const char *db = f->db;
  g_autoptr (PdStore) store = open_with_campaign (db, "q1");
  g_autoptr (PdActivity) a = make_activity ("q1", "alice", ymd (2027, 1, 4), 10);
  g_autoptr (PdActivity) b = make_activity ("q2", "alice", ymd (2027, 1, 4), 4);
  PdTotals totals;

  assert_true (pd_store_ensure_campaign (store, "q2", NULL, &error));
  assert_true (pd_store_add_activity (store, a, NULL, &error));
  assert_true (pd_store_add_activity (store, a, NULL, &error));
  assert_true (pd_store_add_activity (store, b, NULL, &error));
  raw_exec (db, backend_text ("PRAGMA foreign_keys = ON; DELETE FROM campaigns WHERE id = 'q1'",
                              "DELETE FROM campaigns WHERE id = 'q1'"));

  assert_int_equal (raw_int (db, "SELECT count(*) FROM activity"), 1);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM activity_days WHERE campaign = 'q1'"), 0);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM activity_team_days WHERE campaign = 'q1'"),
                    0);
  assert_true (pd_store_totals (store, "q1", NULL, NULL, &totals, &error));
  assert_int_equal (totals.entries, 0);
  assert_true (pd_store_totals (store, "q2", NULL, NULL, &totals, &error));
  assert_int_equal (totals.entries, 1);
  assert_int_equal (totals.contacts, 4);
  assert_null (error);
  assert_summaries_exact (db);
}

/* The status reads reuse their statements: each call must still end its
 * read, or the store would keep an old snapshot and block checkpoints. */
static void
test_reads_end_their_snapshot (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  const char *db = f->db;
  g_autoptr (PdStore) store = open_with_campaign (db, "q1");
  g_autoptr (PdStore) other = pd_store_open (db, &error);
  g_autoptr (PdActivity) a = make_activity ("q1", "alice", ymd (2027, 1, 4), 10);
  g_autoptr (GArray) days = NULL;
  g_autofree char *checkpoint = NULL;
  PdTotals totals;
  GDate bad;

  assert_true (pd_store_add_activity (store, a, NULL, &error));
  assert_true (pd_store_totals (store, "q1", "alice", NULL, &totals, &error));
  assert_true (pd_store_totals (store, "q1", NULL, NULL, &totals, &error));
  days = pd_store_daily_contacts (store, "q1", "alice", NULL, &error);
  g_clear_pointer (&days, g_array_unref);
  days = pd_store_daily_contacts (store, "q1", NULL, NULL, &error);
  g_clear_pointer (&days, g_array_unref);
  assert_null (error);

  /* Another process's commit is seen at once, by the same statements. */
  assert_true (pd_store_add_activity (other, a, NULL, &error));
  assert_true (pd_store_totals (store, "q1", "alice", NULL, &totals, &error));
  assert_int_equal (totals.contacts, 20);
  assert_true (pd_store_totals (store, "q1", NULL, NULL, &totals, &error));
  assert_int_equal (totals.contacts, 20);
  days = pd_store_daily_contacts (store, "q1", NULL, NULL, &error);
  assert_int_equal (g_array_index (days, PdDailyContacts, 0).contacts, 20);
  g_clear_pointer (&days, g_array_unref);

  /* Failed calls release their statements too: a bad date, an unknown
   * campaign, a day's sum out of range (the INSERT's trigger fails). */
  g_date_clear (&bad, 1);
  assert_false (pd_store_totals (store, "q1", NULL, &bad, &totals, &error));
  g_clear_error (&error);
  g_free (a->campaign);
  a->campaign = g_strdup ("nope");
  assert_false (pd_store_add_activity (store, a, NULL, &error));
  g_clear_error (&error);
  g_free (a->campaign);
  a->campaign = g_strdup ("q1");
  a->contacts = G_MAXINT64;
  assert_false (pd_store_add_activity (store, a, NULL, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID));
  g_clear_error (&error);

  /* No reader left: a truncating checkpoint completes (busy = 0). */
  checkpoint = raw_text (db, "PRAGMA wal_checkpoint(TRUNCATE)");
  assert_string_equal (checkpoint, "0");
  assert_true (pd_store_totals (store, "q1", NULL, NULL, &totals, &error));
  assert_int_equal (totals.entries, 2);
  assert_int_equal (totals.contacts, 20);
  a->contacts = 1;
  assert_true (pd_store_add_activity (store, a, NULL, &error));
  assert_true (pd_store_totals (store, "q1", NULL, NULL, &totals, &error));
  assert_int_equal (totals.contacts, 21);
  assert_null (error);
}

/* A day of entries with the rates' counts: prospects, active, latent,
 * arid, proposals, deals, revenue. */
static PdActivity *
make_day (const char *rep, GDate date, gint64 contacts, gint64 prospects, gint64 active, gint64 latent,
          gint64 deals, gint64 revenue_cents)
{
  PdActivity *a = make_activity ("q1", rep, date, contacts);

  a->prospects = prospects;
  a->active = active;
  a->latent = latent;
  a->proposals = deals > 0 ? deals + 1 : 0;
  a->deals = deals;
  a->revenue_cents = revenue_cents;
  return a;
}

/* Every read of the running sums against pd_progress_running_sums()
 * over the store's days, at each date of January (and before it). */
static void
assert_running_reads (PdStore *store)
{
  const char *const reps[] = { "alice", "bob", "zo\xc3\xab", "nobody" };

  for (guint day = 1; day <= 31; day++)
    {
      g_autoptr (GError) error = NULL;
      GDate date = ymd (day == 1 ? 2026 : 2027, day == 1 ? 12 : 1, day);
      g_autoptr (GArray) every = pd_store_running_at (store, "q1", &date, &error);
      g_autoptr (GArray) days = pd_store_daily_contacts (store, "q1", NULL, &date, &error);
      guint listed = 0;

      assert_null (error);
      assert_non_null (every);
      for (gsize r = 0; r < G_N_ELEMENTS (reps); r++)
        {
          PdRunningSums expected, got = { .totals.entries = -1 };
          const PdRepRunning *running = listed < every->len ? &g_array_index (every, PdRepRunning, listed) : NULL;
          gboolean has_days = FALSE;
          GDate last;

          g_date_clear (&last, 1);
          pd_progress_running_sums (days, reps[r], NULL, &expected);
          for (guint i = 0; i < days->len; i++)
            if (strcmp (g_array_index (days, PdDailyContacts, i).rep, reps[r]) == 0)
              {
                has_days = TRUE;
                last = g_array_index (days, PdDailyContacts, i).date;
              }
          assert_true (pd_store_rep_running_at (store, "q1", reps[r], &date, &got, &error));
          assert_null (error);
          got.totals.entries = expected.totals.entries; /* the days do not carry it */
          assert_memory_equal (&got, &expected, sizeof got);
          if (!has_days)
            continue;
          assert_non_null (running);
          assert_string_equal (running->rep, reps[r]);
          assert_int_equal (g_date_compare (&running->date, &last), 0);
          got = running->sums;
          got.totals.entries = expected.totals.entries;
          assert_memory_equal (&got, &expected, sizeof got);
          listed++;
          /* The day each number of contacts was first reached. */
          for (gint64 n = 0; n <= expected.totals.contacts + 1; n += 3)
            {
              GDate reached, want;
              gint64 cumulative = 0;

              g_date_clear (&want, 1);
              for (guint i = 0; i < days->len && !g_date_valid (&want); i++)
                if (strcmp (g_array_index (days, PdDailyContacts, i).rep, reps[r]) == 0
                    && (cumulative += g_array_index (days, PdDailyContacts, i).contacts) >= n)
                  want = g_array_index (days, PdDailyContacts, i).date;
              assert_true (pd_store_rep_contacts_reached (store, "q1", reps[r], n, &date, &reached, &error));
              assert_null (error);
              assert_int_equal (g_date_valid (&reached), g_date_valid (&want));
              if (g_date_valid (&want))
                assert_int_equal (g_date_compare (&reached, &want), 0);
            }
        }
      assert_int_equal (every->len, listed);
    }

  /* Every date at once (pd_store_running_contacts_at()): each rep's
   * contacts at each date, as the one-date reads give them, for the reps
   * that logged by then only, each once. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GArray) at = NULL;
    GDate dates[31];
    guint expected_rows = 0;

    for (guint day = 1; day <= 31; day++)
      dates[day - 1] = ymd (day == 1 ? 2026 : 2027, day == 1 ? 12 : 1, day);
    at = pd_store_running_contacts_at (store, "q1", dates, G_N_ELEMENTS (dates), &error);
    assert_null (error);
    assert_non_null (at);
    for (gsize r = 0; r < G_N_ELEMENTS (reps); r++)
      for (guint k = 0; k < G_N_ELEMENTS (dates); k++)
        {
          g_autoptr (GArray) days = pd_store_daily_contacts (store, "q1", reps[r], &dates[k], &error);
          PdRunningSums one;
          guint found = 0;

          assert_non_null (days);
          assert_true (pd_store_rep_running_at (store, "q1", reps[r], &dates[k], &one, &error));
          for (guint i = 0; i < at->len; i++)
            {
              const PdRepContactsAt *c = &g_array_index (at, PdRepContactsAt, i);

              if (c->date_index != k || strcmp (c->rep, reps[r]) != 0)
                continue;
              found++;
              assert_int_equal (c->contacts, one.totals.contacts);
            }
          assert_int_equal (found, days->len > 0 ? 1 : 0);
          expected_rows += days->len > 0 ? 1 : 0;
        }
    assert_int_equal (at->len, expected_rows);
    assert_true (expected_rows > 0);
  }
}

/* Schema 16: each rep's running sums follow every write, back-dated ones
 * in the middle of a rep's days included, and read back exact. */
static void
test_running_sums (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = open_with_campaign (f->db, "q1");
  g_autoptr (PdActivity) a1 = make_day ("alice", ymd (2027, 1, 4), 20, 8, 3, 2, 0, 0);
  g_autoptr (PdActivity) a2 = make_day ("alice", ymd (2027, 1, 6), 12, 0, 0, 0, 1, 90000);
  g_autoptr (PdActivity) a3 = make_day ("alice", ymd (2027, 1, 11), 30, 10, 0, 0, 0, 0);
  g_autoptr (PdActivity) b1 = make_day ("bob", ymd (2027, 1, 5), 7, 2, 1, 0, 0, 0);
  g_autoptr (PdActivity) z1 = make_day ("zo\xc3\xab", ymd (2027, 1, 7), 9, 3, 0, 1, 1, 0);
  g_autoptr (PdActivity) middle = make_day ("alice", ymd (2027, 1, 5), 5, 4, 1, 0, 0, 0);
  g_autoptr (PdActivity) other = make_activity ("q2", "alice", ymd (2027, 1, 5), 100);
  g_autoptr (GPtrArray) removed = NULL;
  PdRunningSums sums;
  gint64 id_a2 = 0, id_middle = 0, id_b1 = 0;

  assert_true (pd_store_ensure_campaign (store, "q2", NULL, &error));
  assert_true (pd_store_add_activity (store, other, NULL, &error));
  assert_true (pd_store_add_activity (store, a1, NULL, &error));
  assert_true (pd_store_add_activity (store, a2, &id_a2, &error));
  assert_true (pd_store_add_activity (store, a3, NULL, &error));
  assert_true (pd_store_add_activity (store, b1, &id_b1, &error));
  assert_true (pd_store_add_activity (store, z1, NULL, &error));
  assert_null (error);
  assert_summaries_exact (f->db);
  assert_running_reads (store);

  /* Exact values: alice on the 11th, her three days. */
  {
    GDate jan11 = ymd (2027, 1, 11);

    assert_true (pd_store_rep_running_at (store, "q1", "alice", &jan11, &sums, &error));
    assert_int_equal (sums.totals.entries, 3);
    assert_int_equal (sums.totals.contacts, 62);
    assert_int_equal (sums.totals.prospects, 18);
    assert_int_equal (sums.qualified_active, 3);     /* the 4th only: the 11th qualifies nobody */
    assert_int_equal (sums.qualified_prospects, 8);
    assert_int_equal (sums.reached_contacts, 50);    /* the 4th and the 11th */
    assert_int_equal (sums.reached_prospects, 18);
    assert_int_equal (sums.won_deals, 1);
    assert_int_equal (sums.won_revenue_cents, 90000);
    assert_int_equal (sums.totals.proposals, 2);
  }

  /* A day put in the middle of alice's: her later rows move. */
  assert_true (pd_store_add_activity (store, middle, &id_middle, &error));
  assert_summaries_exact (f->db);
  assert_running_reads (store);
  assert_int_equal (raw_int (f->db, "SELECT contacts FROM activity_running WHERE campaign = 'q1'"
                                    " AND rep = 'alice' AND date = '2027-01-11'"), 67);
  /* A second entry on the same middle day, then an update that moves it
   * to another day, then its removal. */
  assert_true (pd_store_add_activity (store, middle, &id_middle, &error));
  assert_summaries_exact (f->db);
  middle->id = id_middle;
  middle->date = ymd (2027, 1, 8);
  middle->contacts = 2;
  middle->deals = 2;
  middle->revenue_cents = 5000;
  assert_true (pd_store_update_activity (store, middle, &error));
  assert_null (error);
  assert_summaries_exact (f->db);
  assert_running_reads (store);
  /* An entry moved to another rep. */
  b1->id = id_b1;
  g_free (b1->rep);
  b1->rep = g_strdup ("alice");
  assert_true (pd_store_update_activity (store, b1, &error));
  assert_summaries_exact (f->db);
  assert_running_reads (store);
  /* A day replaced, then removals in the middle and at the end. */
  assert_true (pd_store_replace_day (store, a1, NULL, &removed, &error));
  assert_null (error);
  assert_summaries_exact (f->db);
  assert_running_reads (store);
  assert_true (pd_store_remove_activity (store, id_middle, &error));
  assert_true (pd_store_remove_activity (store, id_a2, &error));
  assert_null (error);
  assert_summaries_exact (f->db);
  assert_running_reads (store);
  assert_int_equal (raw_int (f->db, "SELECT count(*) FROM activity_running WHERE campaign = 'q2'"), 1);
}

/* Back to schema 17: no last running rows (step 18), the running sums'
 * apply triggers as step 16 made them (SQLite). */
static void
drop_running_last (const char *db)
{
  if (store_test_pg ())
    raw_exec (db, "DROP FUNCTION activity_running_last_trigger () CASCADE; DROP FUNCTION running_last;"
                  "DROP TABLE activity_running_last;"
                  "UPDATE meta SET value = '17' WHERE key = 'schema_version'");
  else
    raw_exec (db, "DROP TRIGGER running_put_apply; DROP TRIGGER running_take_apply;"
                  "CREATE TRIGGER running_put_apply INSTEAD OF INSERT ON running_put BEGIN SELECT 1; END;"
                  "CREATE TRIGGER running_take_apply INSTEAD OF INSERT ON running_take BEGIN SELECT 1; END;"
                  "DROP TABLE activity_running_last; PRAGMA user_version = 17");
}

/* 15 -> 16 on a database holding entries: the running sums are made
 * from activity_days. */
static void
test_running_migration (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = open_with_campaign (f->db, "q1");
  g_autoptr (PdActivity) a1 = make_day ("alice", ymd (2027, 1, 4), 20, 8, 3, 2, 0, 0);
  g_autoptr (PdActivity) a2 = make_day ("alice", ymd (2027, 1, 6), 12, 3, 0, 0, 1, 90000);
  g_autoptr (PdActivity) b1 = make_day ("bob", ymd (2027, 1, 5), 7, 2, 1, 0, 0, 0);

  assert_true (pd_store_add_activity (store, a2, NULL, &error));
  assert_true (pd_store_add_activity (store, a1, NULL, &error));
  assert_true (pd_store_add_activity (store, b1, NULL, &error));
  assert_true (pd_store_add_activity (store, b1, NULL, &error));
  g_clear_pointer (&store, pd_store_close);
  /* Back to 15: without the running sums and their last rows (step
   * 18), nor the prospects' change marks of step 17. */
  drop_running_last (f->db);
  if (store_test_pg ())
    raw_exec (f->db, "DROP FUNCTION activity_running_trigger () CASCADE; DROP TABLE activity_running CASCADE;"
                     "DROP FUNCTION prospect_changes_trigger () CASCADE; DROP TABLE prospect_changes;"
                     "UPDATE meta SET value = '15' WHERE key = 'schema_version'");
  else
    raw_exec (f->db, "DROP TRIGGER activity_running_insert; DROP TRIGGER activity_running_delete;"
                     "DROP TRIGGER activity_running_update;"
                     "DROP TABLE activity_running; DROP VIEW running_take; DROP VIEW running_put;"
                     "DROP TABLE prospect_changes; DROP TRIGGER prospect_changes_delete;"
                     "DROP TRIGGER prospect_changes_update; DROP TRIGGER prospect_attributes_changes_delete;"
                     "DROP TRIGGER prospect_attributes_changes_update; DROP TRIGGER prospect_sources_changes_delete;"
                     "DROP TRIGGER prospect_sources_changes_update; DROP TRIGGER prospect_changes_call_insert;"
                     "DROP TRIGGER prospect_changes_call_delete; DROP TRIGGER prospect_changes_call_update;"
                     "PRAGMA user_version = 15");
  store = pd_store_open (f->db, &error);
  assert_null (error);
  assert_int_equal (raw_int (f->db, "SELECT count(*) FROM activity_running"), 3);
  assert_int_equal (raw_int (f->db, "SELECT contacts FROM activity_running WHERE rep = 'alice'"
                                    " AND date = '2027-01-06'"), 32);
  assert_int_equal (raw_int (f->db, "SELECT won_revenue_cents FROM activity_running WHERE rep = 'alice'"
                                    " AND date = '2027-01-06'"), 90000);
  assert_int_equal (raw_int (f->db, "SELECT entries FROM activity_running WHERE rep = 'bob'"), 2);
  assert_summaries_exact (f->db);
  assert_running_reads (store);
  /* And kept from there on. */
  assert_true (pd_store_add_activity (store, b1, NULL, &error));
  assert_summaries_exact (f->db);
}

/* 17 -> 18 on a database holding entries: each rep's last running row
 * is copied (alice's of 01-06, bob's of 01-05), then kept: a day after
 * the last replaces it, a back-dated one moves it, removing the last day
 * brings back the one before, and a rep with no day left has none. */
static void
test_running_last_migration (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = open_with_campaign (f->db, "q1");
  g_autoptr (PdActivity) a1 = make_day ("alice", ymd (2027, 1, 4), 20, 8, 3, 2, 0, 0);
  g_autoptr (PdActivity) a2 = make_day ("alice", ymd (2027, 1, 6), 12, 3, 0, 0, 1, 90000);
  g_autoptr (PdActivity) b1 = make_day ("bob", ymd (2027, 1, 5), 7, 2, 1, 0, 0, 0);
  g_autoptr (PdActivity) a3 = make_day ("alice", ymd (2027, 1, 8), 5, 0, 0, 0, 0, 0);
  g_autoptr (PdActivity) a0 = make_day ("alice", ymd (2027, 1, 1), 100, 0, 0, 0, 0, 0);
  gint64 id3 = 0, bob_id = 0;

  assert_true (pd_store_add_activity (store, a2, NULL, &error));
  assert_true (pd_store_add_activity (store, a1, NULL, &error));
  assert_true (pd_store_add_activity (store, b1, &bob_id, &error));
  g_clear_pointer (&store, pd_store_close);
  drop_running_last (f->db);
  store = pd_store_open (f->db, &error);
  assert_null (error);
  assert_int_equal (raw_int (f->db, "SELECT count(*) FROM activity_running_last"), 2);
  assert_int_equal (raw_int (f->db, backend_text ("SELECT contacts FROM activity_running_last WHERE rep = 'alice'"
                                                  " AND date = '2027-01-06'",
                                                  "SELECT contacts FROM activity_running_last WHERE rep = 'alice'"
                                                  " AND date = '2027-01-06'::date")),
                    32);
  assert_int_equal (raw_int (f->db, "SELECT won_revenue_cents FROM activity_running_last WHERE rep = 'alice'"), 90000);
  assert_int_equal (raw_int (f->db, "SELECT contacts FROM activity_running_last WHERE rep = 'bob'"), 7);
  assert_summaries_exact (f->db);
  assert_running_reads (store);

  /* A day after alice's last: hers is 37 to 01-08. */
  assert_true (pd_store_add_activity (store, a3, &id3, &error));
  assert_int_equal (raw_int (f->db, "SELECT contacts FROM activity_running_last WHERE rep = 'alice'"), 37);
  assert_summaries_exact (f->db);
  /* Back-dated: the last row moved by it, 137. */
  assert_true (pd_store_add_activity (store, a0, NULL, &error));
  assert_int_equal (raw_int (f->db, "SELECT contacts FROM activity_running_last WHERE rep = 'alice'"), 137);
  assert_summaries_exact (f->db);
  assert_running_reads (store);
  /* Her last day removed: 01-06's row, 132, is her last again. */
  assert_true (pd_store_remove_activity (store, id3, &error));
  assert_int_equal (raw_int (f->db, "SELECT contacts FROM activity_running_last WHERE rep = 'alice'"), 132);
  assert_summaries_exact (f->db);
  /* Bob's one day removed: no row of his. */
  assert_true (pd_store_remove_activity (store, bob_id, &error));
  assert_int_equal (raw_int (f->db, "SELECT count(*) FROM activity_running_last WHERE rep = 'bob'"), 0);
  assert_summaries_exact (f->db);
  assert_running_reads (store);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_totals, setup, teardown),
    cmocka_unit_test_setup_teardown (test_daily_contacts, setup, teardown),
    cmocka_unit_test_setup_teardown (test_summary_random, setup, teardown),
    cmocka_unit_test_setup_teardown (test_summary_removals, setup, teardown),
    cmocka_unit_test_setup_teardown (test_summary_update, setup, teardown),
    cmocka_unit_test_setup_teardown (test_summary_overflow, setup, teardown),
    cmocka_unit_test_setup_teardown (test_summary_campaign_deleted, setup, teardown),
    cmocka_unit_test_setup_teardown (test_running_sums, setup, teardown),
    cmocka_unit_test_setup_teardown (test_running_migration, setup, teardown),
    cmocka_unit_test_setup_teardown (test_running_last_migration, setup, teardown),
  };
  const struct CMUnitTest sqlite_only[] = {
    cmocka_unit_test_setup_teardown (test_reads_end_their_snapshot, setup, teardown),
  };
  int failed;

  if (!store_tests_begin ("prospectd-test-store-totals-XXXXXX"))
    return 1;
  failed = store_tests_run ("test-store-totals", tests, G_N_ELEMENTS (tests), sqlite_only,
                           G_N_ELEMENTS (sqlite_only), NULL, 0);
  store_tests_end ();
  return failed;
}
