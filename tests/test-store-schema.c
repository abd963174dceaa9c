/* SPDX-License-Identifier: MIT
 *
 * Tests of store's schema and migrations (src/store-schema.c): files of
 * older versions (their released schemas, fixed text) upgraded with their
 * data, an upgrade that cannot complete, several processes upgrading one
 * file at once, a newer schema refused; on PostgreSQL, the schema made
 * under its advisory lock by one of several processes, a newer one
 * refused, a login that is not the owner refused.
 */
#define G_LOG_DOMAIN "prospectd-test-store-schema"

#include "store-fixture.h"

static void
test_migration_from_v1 (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (PdRevision) revision = NULL;
  g_autoptr (PdRevision) loaded = NULL;
  g_autoptr (GArray) days = NULL;
  const char *db = f->db;
  g_autofree char *journal = NULL;
  g_autofree char *integrity = NULL;
  const PdActivity *a;
  PdTotals totals;
  GDate as_of = ymd (2027, 1, 4);
  gboolean sent = FALSE;
  gint64 sent_at = 0, id = 0;

  create_v1 (db);
  assert_int_equal (raw_int (db, "PRAGMA user_version"), 1);

  store = pd_store_open (db, &error);
  assert_null (error);
  assert_non_null (store);
  assert_int_equal (raw_int (db, "PRAGMA user_version"), PD_STORE_SCHEMA_VERSION);
  journal = raw_text (db, "PRAGMA journal_mode");
  assert_string_equal (journal, "wal");

  /* The rows of version 1, intact. */
  entries = pd_store_list_activity (store, "q1", NULL, &error);
  assert_null (error);
  assert_int_equal (entries->len, 2);
  a = g_ptr_array_index (entries, 0);
  assert_int_equal (a->id, 9);
  assert_string_equal (a->campaign, "q1");
  assert_string_equal (a->rep, "bob");
  assert_date (&a->date, 2027, 1, 4);
  assert_int_equal (a->contacts, 20);
  assert_int_equal (a->prospects, 6);
  assert_int_equal (a->active, 2);
  assert_int_equal (a->latent, 2);
  assert_int_equal (a->arid, 2);
  assert_int_equal (a->proposals, 1);
  assert_int_equal (a->deals, 1);
  assert_int_equal (a->revenue_cents, 2000000);
  assert_null (a->note);
  assert_int_equal (a->created, 1700000200);
  a = g_ptr_array_index (entries, 1);
  assert_int_equal (a->id, 7);
  assert_string_equal (a->rep, "alice");
  assert_date (&a->date, 2027, 1, 5);
  assert_int_equal (a->contacts, 40);
  assert_string_equal (a->note, "first day");
  assert_int_equal (a->created, 1700000100);

  assert_true (pd_store_notification_sent (store, "q1", "behind:alice:2027-01-29",
                                           &sent, &sent_at, &error));
  assert_true (sent);
  assert_int_equal (sent_at, 1700000300);

  /* The sums of version 4, backfilled from those rows. */
  assert_true (pd_store_totals (store, "q1", NULL, NULL, &totals, &error));
  assert_null (error);
  assert_int_equal (totals.entries, 2);
  assert_int_equal (totals.contacts, 60);
  assert_int_equal (totals.prospects, 18);
  assert_int_equal (totals.active, 5);
  assert_int_equal (totals.latent, 7);
  assert_int_equal (totals.arid, 6);
  assert_int_equal (totals.proposals, 2);
  assert_int_equal (totals.deals, 1);
  assert_int_equal (totals.revenue_cents, 2000000);
  days = pd_store_daily_contacts (store, "q1", NULL, NULL, &error);
  assert_non_null (days);
  assert_int_equal (days->len, 2);
  assert_string_equal (g_array_index (days, PdDailyContacts, 0).rep, "alice");
  assert_int_equal (g_array_index (days, PdDailyContacts, 0).contacts, 40);
  assert_string_equal (g_array_index (days, PdDailyContacts, 1).rep, "bob");
  assert_int_equal (g_array_index (days, PdDailyContacts, 1).cumulative, 20);

  /* What version 2 added works on the upgraded file. */
  revision = pd_revision_new ("q1", PD_REVISION_BASELINE, &as_of, 1700000400);
  pd_revision_add_day (revision, "alice", &as_of, 10);
  assert_true (pd_store_save_revision (store, revision, &id, &error));
  assert_null (error);
  assert_true (pd_store_load_baseline (store, "q1", &loaded, &error));
  assert_non_null (loaded);
  assert_int_equal (loaded->id, id);
  assert_int_equal (loaded->days->len, 1);

  integrity = raw_text (db, "PRAGMA integrity_check");
  assert_string_equal (integrity, "ok");
}

/* The body of a forked child: frees what it allocates before returning
 * its exit code, so valgrind finds no leak in the child either. */
static int
opener_child (const char *db)
{
  g_autoptr (PdStore) store = pd_store_open (db, NULL);

  return store != NULL ? 0 : 1;
}

/* Several processes open the same old file at once: one migrates, the
 * others see the new version once they hold the lock and do nothing. */
static void
test_migration_race (void **state)
{
  Fixture *f = *state;
  const char *db = f->db;
  pid_t children[4];
  guint succeeded = 0;

  create_v1 (db);
  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    {
      children[i] = fork ();
      assert_true (children[i] >= 0);
      if (children[i] == 0)
        _exit (opener_child (db));
    }
  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    succeeded += child_succeeded (children[i]) ? 1 : 0; /* reap all, then assert */
  assert_int_equal (succeeded, G_N_ELEMENTS (children));

  assert_int_equal (raw_int (db, "PRAGMA user_version"), PD_STORE_SCHEMA_VERSION);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM activity"), 2);
  /* Backfilled once, not once per process. */
  assert_int_equal (raw_int (db, "SELECT count(*) FROM activity_days"), 2);
  assert_int_equal (raw_int (db, "SELECT sum(entries) FROM activity_team_days"), 2);
}

static void
test_newer_schema_refused (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  const char *db = f->db;
  PdStore *store;

  raw_exec (db, "CREATE TABLE t (x); PRAGMA user_version = 99;");
  store = pd_store_open (db, &error);
  assert_null (store);
  assert_non_null (error);
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_VERSION));
  assert_non_null (strstr (error->message, db));
  assert_non_null (strstr (error->message, "99"));
  assert_int_equal (raw_int (db, "PRAGMA user_version"), 99);
}

/* A file of version 3 with entries (one of a campaign unknown, as a tool
 * with foreign_keys off may leave): the upgrade fills the per-day tables
 * from them, drops the index of version 2, and the sums are exact. */
static void
test_migration_from_v3 (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  const char *db = f->db;
  g_autoptr (PdStore) store = NULL;
  g_autoptr (PdActivity) more = make_activity ("q1", "bob", ymd (2027, 1, 5), 1);
  g_autoptr (GArray) days = NULL;
  PdTotals totals;
  GDate jan5 = ymd (2027, 1, 5);

  raw_exec (db, schema_v1);
  raw_exec (db, schema_v2_v3);
  raw_exec (db,
            "INSERT INTO campaigns VALUES ('q1', 'New customers Q1', 1700000000);"
            "INSERT INTO activity (campaign, rep, date, contacts, prospects, active, latent,"
            "  arid, proposals, deals, revenue_cents, note, created) VALUES"
            "  ('q1', 'alice', '2027-01-04', 40, 12, 3, 5, 4, 1, 0, 0, NULL, 1),"
            "  ('q1', 'alice', '2027-01-04', 2, 1, 0, 1, 0, 0, 0, 0, NULL, 1),"
            "  ('q1', 'alice', '2027-01-06', 30, 9, 2, 3, 4, 2, 1, 2500000, NULL, 1),"
            "  ('q1', 'bob', '2027-01-04', 20, 6, 2, 2, 2, 1, 1, 2000000, NULL, 1),"
            "  ('q1', 'bob', '2027-01-05', 11, 0, 0, 0, 0, 0, 0, 0, NULL, 1),"
            "  ('gone', 'alice', '2027-01-04', 5, 0, 0, 0, 0, 0, 0, 0, NULL, 1);"
            /* A baseline and two catch-ups, each with its days. */
            "INSERT INTO revisions VALUES (1, 'q1', 'baseline', '2027-01-04', 10),"
            "  (2, 'q1', 'catchup', '2027-01-05', 20), (3, 'q1', 'catchup', '2027-01-06', 30);"
            "INSERT INTO revision_days VALUES (1, 'alice', '2027-01-04', 40),"
            "  (1, 'bob', '2027-01-04', 20), (2, 'alice', '2027-01-05', 41),"
            "  (3, 'alice', '2027-01-06', 42), (3, 'bob', '2027-01-06', 22);");
  assert_int_equal (raw_int (db, "PRAGMA user_version"), 3);

  store = pd_store_open (db, &error);
  assert_null (error);
  assert_non_null (store);
  assert_int_equal (raw_int (db, "PRAGMA user_version"), PD_STORE_SCHEMA_VERSION);
  /* Step 9: the latest catch-up's days by rep in catchup_days; the
   * earlier catch-up gone; the baseline's days where they were. */
  {
    g_autoptr (PdRevision) latest = NULL;

    assert_true (pd_store_load_latest_catchup (store, "q1", &latest, &error));
    assert_int_equal (latest->id, 3);
    assert_date (&latest->as_of, 2027, 1, 6);
    assert_int_equal (latest->days->len, 2);
    assert_string_equal (g_array_index (latest->days, PdRevisionDay, 0).rep, "alice");
    assert_int_equal (g_array_index (latest->days, PdRevisionDay, 0).contacts, 42);
    assert_int_equal (g_array_index (latest->days, PdRevisionDay, 0).base, -1);
    assert_string_equal (g_array_index (latest->days, PdRevisionDay, 1).rep, "bob");
    assert_int_equal (g_array_index (latest->days, PdRevisionDay, 1).contacts, 22);
  }
  assert_int_equal (raw_int (db, "SELECT count(*) FROM revisions"), 2);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM catchup_days"), 2);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM revision_days WHERE revision = 1"), 2);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM revision_days"), 2);
  /* Entries logged before the upgrade have no change mark: none changed since. */
  assert_int_equal (raw_int (db, "SELECT count(*) FROM activity_changes"), 0);
  /* Step 8: the day each rep first appeared. */
  assert_int_equal (raw_int (db, "SELECT count(*) FROM sqlite_schema WHERE name = 'rep_starts'"), 1);
  /* Step 6: revision days carry the count a catch-up restarts from. */
  assert_int_equal (raw_int (db, "SELECT count(*) FROM pragma_table_info('revision_days')"
                                 " WHERE name = 'base'"),
                    1);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM sqlite_schema"
                                 " WHERE name = 'activity_by_rep_date'"),
                    0);
  /* Step 5 rebuilt activity with its triggers and seeded the sequence
   * with the highest id kept. */
  assert_int_equal (raw_int (db, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'"
                                 " AND tbl_name = 'activity' AND name NOT LIKE 'activity_changes_%'"),
                    3);
  /* Step 9: a change mark per rep, moved by three triggers. */
  assert_int_equal (raw_int (db, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'"
                                 " AND tbl_name = 'activity' AND name LIKE 'activity_changes_%'"),
                    3);
  assert_int_equal (raw_int (db, "SELECT seq FROM sqlite_sequence WHERE name = 'activity'"), 6);
  /* The entries of a campaign never recorded (a file written with
   * foreign keys off) are kept: the campaign is recorded by its id. */
  assert_int_equal (raw_int (db, "SELECT count(*) FROM campaigns WHERE id = 'gone' AND name = 'gone'"), 1);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM activity"), 6);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM activity_days"), 5);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM activity_team_days"), 4);
  assert_summaries_exact (db);

  /* By hand. */
  assert_true (pd_store_totals (store, "q1", NULL, NULL, &totals, &error));
  assert_null (error);
  assert_int_equal (totals.entries, 5);
  assert_int_equal (totals.contacts, 103);
  assert_int_equal (totals.prospects, 28);
  assert_int_equal (totals.active, 7);
  assert_int_equal (totals.latent, 11);
  assert_int_equal (totals.arid, 10);
  assert_int_equal (totals.proposals, 4);
  assert_int_equal (totals.deals, 2);
  assert_int_equal (totals.revenue_cents, 4500000);
  assert_true (pd_store_totals (store, "q1", "alice", &jan5, &totals, &error));
  assert_int_equal (totals.entries, 2);
  assert_int_equal (totals.contacts, 42);
  assert_int_equal (totals.prospects, 13);
  assert_true (pd_store_totals (store, "gone", NULL, NULL, &totals, &error));
  assert_int_equal (totals.contacts, 5);
  days = pd_store_daily_contacts (store, "q1", NULL, NULL, &error);
  assert_int_equal (days->len, 4);
  assert_string_equal (g_array_index (days, PdDailyContacts, 0).rep, "alice");
  assert_date (&g_array_index (days, PdDailyContacts, 0).date, 2027, 1, 4);
  assert_int_equal (g_array_index (days, PdDailyContacts, 0).contacts, 42);
  assert_int_equal (g_array_index (days, PdDailyContacts, 1).cumulative, 72);
  assert_string_equal (g_array_index (days, PdDailyContacts, 3).rep, "bob");
  assert_int_equal (g_array_index (days, PdDailyContacts, 3).cumulative, 31);
  assert_reads_match (store, db, "q1");

  /* And kept from then on. */
  assert_true (pd_store_add_activity (store, more, NULL, &error));
  assert_true (pd_store_totals (store, "q1", "bob", NULL, &totals, &error));
  assert_int_equal (totals.entries, 3);
  assert_int_equal (totals.contacts, 32);
  assert_null (error);
  assert_summaries_exact (db);
}

/* A version 3 file whose entries of one day already sum beyond 64 bits
 * (version 3 accepted them, and failed only when summing): the upgrade
 * fails with an error and leaves the file as it was, never a wrapped
 * sum. */
static void
test_migration_overflow_refused (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  const char *db = f->db;
  PdStore *store;

  raw_exec (db, schema_v1);
  raw_exec (db, schema_v2_v3);
  raw_exec (db,
            "INSERT INTO campaigns VALUES ('q1', 'New customers Q1', 1700000000);"
            "INSERT INTO activity (campaign, rep, date, contacts, created) VALUES"
            "  ('q1', 'alice', '2027-01-04', 9223372036854775807, 1),"
            "  ('q1', 'alice', '2027-01-04', 1, 1);");
  store = pd_store_open (db, &error);
  assert_null (store);
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_FAILED));
  assert_non_null (strstr (error->message, "Upgrade to schema version 4 failed"));
  assert_non_null (strstr (error->message, "integer overflow"));
  assert_int_equal (raw_int (db, "PRAGMA user_version"), 3);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM sqlite_schema"
                                 " WHERE name IN ('activity_days', 'activity_team_days')"),
                    0);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM sqlite_schema"
                                 " WHERE name = 'activity_by_rep_date'"),
                    1);
}

/* ------------------------------------------------------ either backend */

/* A new database gets the current schema, and an id that stays. */
static void
test_schema_current (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = pd_store_open (f->db, &error);
  g_autoptr (PdStore) again = NULL;
  g_autofree char *id = NULL, *id_again = NULL;

  assert_null (error);
  assert_non_null (store);
  assert_int_equal (raw_int (f->db, backend_text ("PRAGMA user_version",
                                                  "SELECT value FROM meta WHERE key = 'schema_version'")),
                    PD_STORE_SCHEMA_VERSION);
  id = pd_store_database_id (store, &error);
  assert_true (is_database_id (id));
  again = pd_store_open (f->db, &error);
  assert_non_null (again);
  id_again = pd_store_database_id (again, &error);
  assert_string_equal (id, id_again);
  assert_int_equal (raw_int (f->db, "SELECT count(*) FROM meta WHERE key = 'database_id'"), 1);
  assert_null (error);
}

/* ---------------------------------------------------------- PostgreSQL */

#define SCHEMA_LOCK "8102661221190558580" /* src/store-pg-private.h's PG_SCHEMA_LOCK */

/* Opens `db` and writes the database's id (32 characters) to `fd`. */
static int
id_child (const char *db, int fd)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = pd_store_open (db, &error);
  g_autofree char *id = store != NULL ? pd_store_database_id (store, &error) : NULL;

  if (id == NULL)
    {
      g_printerr ("opener: %s\n", error->message);
      return 1;
    }
  return write (fd, id, 32) == 32 ? 0 : 1;
}

/* Three processes open the database at `db` while another holds the
 * upgrade's advisory lock: all three wait for it (the server shows them
 * waiting, the schema still at `version`); once it is released, one
 * upgrades the schema and the two others find it done: every process
 * reads the same id, stored once, and the version is the current one. */
static void
open_during_upgrade (const char *db, gint64 version)
{
  PGconn *holder = pg_connect (db);
  PGresult *result;
  pid_t children[3];
  int fds[2];
  char ids[G_N_ELEMENTS (children)][33];
  guint succeeded = 0, waiting = 0;

  pg_must (holder, "BEGIN");
  pg_must (holder, "SELECT pg_advisory_xact_lock (" SCHEMA_LOCK ")");
  assert_int_equal (pipe (fds), 0);
  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    {
      children[i] = fork ();
      assert_true (children[i] >= 0);
      if (children[i] == 0)
        {
          close (fds[0]);
          _exit (id_child (db, fds[1]));
        }
    }
  close (fds[1]);
  for (guint tries = 0; tries < 1000 && waiting < G_N_ELEMENTS (children); tries++)
    {
      PGconn *observer = pg_connect (NULL);

      result = PQexec (observer, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
      waiting = (guint) g_ascii_strtoull (PQgetvalue (result, 0, 0), NULL, 10);
      PQclear (result);
      PQfinish (observer);
      if (waiting < G_N_ELEMENTS (children))
        g_usleep (10 * 1000);
    }
  assert_int_equal (waiting, G_N_ELEMENTS (children));
  result = PQexec (holder, version == 0 ? "SELECT to_regclass ('prospectd.meta') IS NULL"
                                        : "SELECT value FROM meta WHERE key = 'schema_version'");
  assert_string_equal (PQgetvalue (result, 0, 0), version == 0 ? "t" : "8");
  PQclear (result);
  pg_must (holder, "COMMIT");
  PQfinish (holder);

  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    succeeded += child_succeeded (children[i]) ? 1 : 0;
  assert_int_equal (succeeded, G_N_ELEMENTS (children));
  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    {
      assert_int_equal (read (fds[0], ids[i], 32), 32);
      ids[i][32] = '\0';
      assert_true (is_database_id (ids[i]));
      assert_string_equal (ids[i], ids[0]);
    }
  close (fds[0]);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM meta WHERE key = 'database_id'"), 1);
  assert_int_equal (raw_int (db, "SELECT value FROM meta WHERE key = 'schema_version'"), PD_STORE_SCHEMA_VERSION);
}

/* A database without the schema, then one at version 8 (with a catch-up
 * whose days move to catchup_days): each made current once. */
static void
test_pg_schema_race (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = NULL;
  g_autoptr (PdRevision) loaded = NULL;
  g_autofree char *id = NULL;

  open_during_upgrade (f->db, 0);

  /* Back to version 8 as released: the catch-up's days in revision_days,
   * no change marks (step 9); one claim per key, no parent, no
   * announcements (step 10); no prospect file (step 11); no day parts
   * (step 12: apply_day_change keeps its body of step 12, and nothing
   * writes before the upgrade); no feed token index (step 13); no running
   * sums (step 16); no prospect change marks (step 17) nor last running
   * rows (step 18). */
  store = open_with_campaign (f->db, "q1");
  id = pd_store_database_id (store, &error);
  g_clear_pointer (&store, pd_store_close);
  raw_exec (f->db, "DROP TABLE calls, prospect_attributes, prospect_sources, prospects;"
                   "DROP TABLE log_days, call_days;"
                   "DROP FUNCTION recompute_day, apply_call_day_change, apply_call, call_days_trigger;"
                   "DROP INDEX feed_tokens_by_selector;"
                   "DROP FUNCTION activity_running_last_trigger () CASCADE; DROP FUNCTION running_last;"
                   "DROP TABLE activity_running_last;"
                   "DROP FUNCTION activity_running_trigger () CASCADE;"
                   "DROP TABLE activity_running CASCADE;"
                   "DROP FUNCTION prospect_changes_trigger () CASCADE;"
                   "DROP TABLE prospect_changes;");
  raw_exec (f->db, "DROP TRIGGER notify_change ON activity; DROP TRIGGER notify_change ON revisions;"
                   "DROP TRIGGER notify_change ON rep_starts; DROP TRIGGER notify_change ON catchup_days;"
                   "DROP FUNCTION notify_change (); DROP INDEX revisions_catchup_once;"
                   "ALTER TABLE revisions DROP COLUMN parent, DROP COLUMN source;"
                   "ALTER TABLE notifications DROP CONSTRAINT notifications_pkey;"
                   "ALTER TABLE notifications DROP COLUMN desktop;"
                   "ALTER TABLE notifications ADD PRIMARY KEY (campaign, key);");
  raw_exec (f->db, "DROP TABLE catchup_days; DROP TABLE activity_changes;"
                   "DROP TRIGGER activity_changes ON activity; DROP FUNCTION activity_changes_trigger ();"
                   "INSERT INTO revisions (id, campaign, kind, as_of, created)"
                   "  VALUES (1, 'q1', 'catchup', '2027-01-03', 1700000000),"
                   "    (2, 'q1', 'catchup', '2027-01-04', 1700000001);"
                   "INSERT INTO revision_days VALUES (1, 'alice', '2027-01-04', 7, NULL),"
                   "  (2, 'alice', '2027-01-04', 9, 30), (2, 'bob', '2027-01-05', 4, NULL);"
                   "UPDATE meta SET value = '8' WHERE key = 'schema_version'");
  open_during_upgrade (f->db, 8);
  assert_int_equal (raw_int (f->db, "SELECT count(*) FROM revision_days"), 0);
  assert_int_equal (raw_int (f->db, "SELECT count(*) FROM revisions"), 1);
  store = pd_store_open (f->db, &error);
  assert_true (pd_store_load_latest_catchup (store, "q1", &loaded, &error));
  assert_non_null (loaded);
  assert_int_equal (loaded->id, 2);
  assert_int_equal (loaded->days->len, 2);
  assert_string_equal (g_array_index (loaded->days, PdRevisionDay, 0).rep, "alice");
  assert_date (&g_array_index (loaded->days, PdRevisionDay, 0).date, 2027, 1, 4);
  assert_int_equal (g_array_index (loaded->days, PdRevisionDay, 0).contacts, 9);
  assert_int_equal (g_array_index (loaded->days, PdRevisionDay, 0).base, 30);
  assert_string_equal (g_array_index (loaded->days, PdRevisionDay, 1).rep, "bob");
  assert_int_equal (g_array_index (loaded->days, PdRevisionDay, 1).base, -1);
  {
    g_autofree char *after = pd_store_database_id (store, &error);

    assert_string_equal (after, id);
  }
  assert_null (error);
}

static void
test_pg_newer_schema_refused (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  PdStore *store = pd_store_open (f->db, &error);

  assert_non_null (store);
  pd_store_close (store);
  raw_exec (f->db, "UPDATE meta SET value = '99' WHERE key = 'schema_version'");
  store = pd_store_open (f->db, &error);
  assert_null (store);
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_VERSION));
  {
    g_autofree char *expected =
      g_strdup_printf ("Cannot open the database '%s': Schema version 99 is not supported (this prospectd knows"
                       " up to %d)", f->db, PD_STORE_SCHEMA_VERSION);

    assert_string_equal (error->message, expected);
  }
  assert_int_equal (raw_int (f->db, "SELECT value FROM meta WHERE key = 'schema_version'"), 99);
}

/* A login that is not the database's owner (a rep) may not create the
 * schema: a clear error, and nothing created. */
static void
test_pg_not_the_owner (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autofree char *role = g_strdup_printf ("pd_test_rep_%d", (int) getpid ());
  g_autofree char *create = g_strdup_printf ("CREATE ROLE %s LOGIN", role);
  g_autofree char *drop = g_strdup_printf ("DROP ROLE IF EXISTS %s", role);
  g_autofree char *uri = g_strdup_printf ("%s?user=%s", f->db, role);
  g_autofree char *expected =
    g_strdup_printf ("Cannot open the database '%s': the schema prospectd is at version 0 and this prospectd"
                     " needs %d; only the database's owner may create or upgrade it (prospectctl team init):"
                     " Upgrade to schema version 8 failed: permission denied for database %s",
                     uri, PD_STORE_SCHEMA_VERSION, f->db + strlen ("postgresql:///"));
  PGconn *admin = pg_connect (NULL);
  PdStore *store;

  pg_must (admin, drop);
  pg_must (admin, create);
  store = pd_store_open (uri, &error);
  assert_null (store);
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_IO));
  assert_string_equal (error->message, expected);
  assert_null (raw_text (f->db, "SELECT 1 FROM pg_namespace WHERE nspname = 'prospectd'"));
  /* The owner's first open creates it. */
  store = pd_store_open (f->db, NULL);
  assert_non_null (store);
  pd_store_close (store);
  {
    g_autofree char *schema = raw_text (f->db, "SELECT 1 FROM pg_namespace WHERE nspname = 'prospectd'");

    assert_non_null (schema);
  }
  pg_must (admin, drop);
  PQfinish (admin);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_schema_current, setup, teardown),
  };
  const struct CMUnitTest sqlite_only[] = {
    cmocka_unit_test_setup_teardown (test_migration_from_v1, setup, teardown),
    cmocka_unit_test_setup_teardown (test_migration_from_v3, setup, teardown),
    cmocka_unit_test_setup_teardown (test_migration_overflow_refused, setup, teardown),
    cmocka_unit_test_setup_teardown (test_migration_race, setup, teardown),
    cmocka_unit_test_setup_teardown (test_newer_schema_refused, setup, teardown),
  };
  const struct CMUnitTest pg_only[] = {
    cmocka_unit_test_setup_teardown (test_pg_schema_race, setup, teardown),
    cmocka_unit_test_setup_teardown (test_pg_newer_schema_refused, setup, teardown),
    cmocka_unit_test_setup_teardown (test_pg_not_the_owner, setup, teardown),
  };
  int failed;

  if (!store_tests_begin ("prospectd-test-store-schema-XXXXXX"))
    return 1;
  failed = store_tests_run ("test-store-schema", tests, G_N_ELEMENTS (tests), sqlite_only,
                           G_N_ELEMENTS (sqlite_only), pg_only, G_N_ELEMENTS (pg_only));
  store_tests_end ();
  return failed;
}
