/* SPDX-License-Identifier: MIT
 *
 * Tests of store: real SQLite files in a temporary directory. Besides the
 * round trips, the failures SQLite itself tests for: concurrent writers in
 * several processes, a writer killed mid-loop, a corrupt file, an old
 * schema, a newer schema, a place where nothing can be created. The tests
 * look at the files with sqlite3 directly, which only tests may do.
 */
#define G_LOG_DOMAIN "prospectd-test-store"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "prospectd/store.h"
#include "prospectd/token.h"

static char *root_dir; /* the tests' temporary root, removed at the end */

typedef struct {
  char *dir; /* this test's own directory */
  char *db;  /* dir/store.db; kept here, reachable from cmocka's state, so
              * that a forked child exiting under valgrind leaks nothing */
} Fixture;

/* ------------------------------------------------------------- helpers */

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);

  if (dir != NULL)
    {
      const char *name;

      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
      g_dir_close (dir);
    }
  g_remove (path);
}

static int
setup (void **state)
{
  static unsigned counter;
  Fixture *f = g_new0 (Fixture, 1);
  g_autofree char *name = g_strdup_printf ("t%u", counter++);

  f->dir = g_build_filename (root_dir, name, NULL);
  f->db = g_build_filename (f->dir, "store.db", NULL);
  if (g_mkdir (f->dir, 0700) != 0)
    return -1;
  *state = f;
  return 0;
}

static int
teardown (void **state)
{
  Fixture *f = *state;

  remove_tree (f->dir);
  g_free (f->db);
  g_free (f->dir);
  g_free (f);
  return 0;
}

static char *
path_in (const Fixture *f, const char *name)
{
  return g_build_filename (f->dir, name, NULL);
}

static GDate
ymd (unsigned year, unsigned month, unsigned day)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  return date;
}

static void
assert_date (const GDate *date, unsigned year, unsigned month, unsigned day)
{
  assert_true (g_date_valid (date));
  assert_int_equal (g_date_get_year (date), year);
  assert_int_equal (g_date_get_month (date), month);
  assert_int_equal (g_date_get_day (date), day);
}

static unsigned
file_mode (const char *path)
{
  struct stat st;

  assert_int_equal (g_stat (path, &st), 0);
  return (unsigned) (st.st_mode & 07777);
}

/* Runs `sql` on a direct connection and returns the first column of the
 * first row as text (newly allocated), or NULL when there is no row. */
static char *
raw_text (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  assert_int_equal (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  assert_int_equal (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return text;
}

static gint64
raw_int (const char *path, const char *sql)
{
  g_autofree char *text = raw_text (path, sql);

  assert_non_null (text);
  return g_ascii_strtoll (text, NULL, 10);
}

static void
raw_exec (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;
  int rc;

  assert_int_equal (sqlite3_open_v2 (path, &db,
                                     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
                    SQLITE_OK);
  rc = sqlite3_exec (db, sql, NULL, NULL, &message);
  if (rc != SQLITE_OK)
    fail_msg ("%s: %s", sql, message);
  sqlite3_close (db);
}

static PdActivity *
make_activity (const char *campaign, const char *rep, GDate date, gint64 contacts)
{
  PdActivity *activity = pd_activity_new ();

  activity->campaign = g_strdup (campaign);
  activity->rep = g_strdup (rep);
  activity->date = date;
  activity->contacts = contacts;
  return activity;
}

static PdStore *
open_with_campaign (const char *path, const char *campaign)
{
  g_autoptr (GError) error = NULL;
  PdStore *store = pd_store_open (path, &error);

  assert_null (error);
  assert_non_null (store);
  assert_true (pd_store_ensure_campaign (store, campaign, "Campaign", &error));
  assert_null (error);
  return store;
}

/* Waits for a child and says whether it exited with status 0. */
static gboolean
child_succeeded (pid_t pid)
{
  int status = 0;

  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return FALSE;
  return WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

/* The schema of version 1, as released: a fixed text, on purpose not
 * taken from store.c, so that an edit of the released step shows here. */
static const char schema_v1[] =
  "CREATE TABLE campaigns ("
  "  id TEXT PRIMARY KEY NOT NULL,"
  "  name TEXT NOT NULL,"
  "  first_seen INTEGER NOT NULL"
  ");"
  "CREATE TABLE activity ("
  "  id INTEGER PRIMARY KEY,"
  "  campaign TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,"
  "  rep TEXT NOT NULL,"
  "  date TEXT NOT NULL,"
  "  contacts INTEGER NOT NULL DEFAULT 0 CHECK (contacts >= 0),"
  "  prospects INTEGER NOT NULL DEFAULT 0 CHECK (prospects >= 0),"
  "  active INTEGER NOT NULL DEFAULT 0 CHECK (active >= 0),"
  "  latent INTEGER NOT NULL DEFAULT 0 CHECK (latent >= 0),"
  "  arid INTEGER NOT NULL DEFAULT 0 CHECK (arid >= 0),"
  "  proposals INTEGER NOT NULL DEFAULT 0 CHECK (proposals >= 0),"
  "  deals INTEGER NOT NULL DEFAULT 0 CHECK (deals >= 0),"
  "  revenue_cents INTEGER NOT NULL DEFAULT 0 CHECK (revenue_cents >= 0),"
  "  note TEXT,"
  "  created INTEGER NOT NULL"
  ");"
  "CREATE TABLE notifications ("
  "  campaign TEXT NOT NULL,"
  "  key TEXT NOT NULL,"
  "  sent_at INTEGER NOT NULL,"
  "  UNIQUE (campaign, key)"
  ");"
  "PRAGMA user_version = 1;";

static void
create_v1 (const char *path)
{
  raw_exec (path, schema_v1);
  raw_exec (path,
            "INSERT INTO campaigns VALUES ('q1', 'New customers Q1', 1700000000);"
            "INSERT INTO activity VALUES (7, 'q1', 'alice', '2027-01-05',"
            "  40, 12, 3, 5, 4, 1, 0, 0, 'first day', 1700000100);"
            "INSERT INTO activity VALUES (9, 'q1', 'bob', '2027-01-04',"
            "  20, 6, 2, 2, 2, 1, 1, 2000000, NULL, 1700000200);"
            "INSERT INTO notifications VALUES ('q1', 'behind:alice:2027-01-29', 1700000300);");
}

/* Steps 2 and 3 as released, fixed text as schema_v1 is. */
static const char schema_v2_v3[] =
  "CREATE TABLE revisions ("
  "  id INTEGER PRIMARY KEY,"
  "  campaign TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,"
  "  kind TEXT NOT NULL CHECK (kind IN ('baseline', 'catchup')),"
  "  as_of TEXT NOT NULL,"
  "  created INTEGER NOT NULL"
  ");"
  "CREATE INDEX revisions_by_campaign ON revisions (campaign, kind, id);"
  "CREATE TABLE revision_days ("
  "  revision INTEGER NOT NULL REFERENCES revisions (id) ON DELETE CASCADE,"
  "  rep TEXT NOT NULL,"
  "  date TEXT NOT NULL,"
  "  contacts INTEGER NOT NULL CHECK (contacts >= 0),"
  "  PRIMARY KEY (revision, rep, date)"
  ") WITHOUT ROWID;"
  "CREATE INDEX activity_by_rep_date ON activity (campaign, rep, date, contacts);"
  "CREATE TABLE feed_tokens ("
  "  campaign TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,"
  "  rep TEXT NOT NULL,"
  "  token TEXT NOT NULL,"
  "  created INTEGER NOT NULL,"
  "  PRIMARY KEY (campaign, rep)"
  ") WITHOUT ROWID;"
  "PRAGMA user_version = 3;";

/* The sums straight from activity, as version 3 computed them: what the
 * per-day tables of version 4 must reproduce. `rep` and `up_to`
 * (YYYY-MM-DD) may be NULL. */
static PdTotals
brute_totals (const char *path, const char *campaign, const char *rep, const char *up_to)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  PdTotals totals;

  assert_int_equal (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  assert_int_equal (sqlite3_prepare_v2 (db,
                                        "SELECT count(*), coalesce(sum(contacts), 0),"
                                        " coalesce(sum(prospects), 0), coalesce(sum(active), 0),"
                                        " coalesce(sum(latent), 0), coalesce(sum(arid), 0),"
                                        " coalesce(sum(proposals), 0), coalesce(sum(deals), 0),"
                                        " coalesce(sum(revenue_cents), 0) FROM activity"
                                        " WHERE campaign = ?1 AND (?2 IS NULL OR rep = ?2)"
                                        " AND (?3 IS NULL OR date <= ?3)",
                                        -1, &stmt, NULL),
                    SQLITE_OK);
  sqlite3_bind_text (stmt, 1, campaign, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, rep, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, up_to, -1, SQLITE_STATIC);
  assert_int_equal (sqlite3_step (stmt), SQLITE_ROW);
  totals = (PdTotals) {
    .entries = sqlite3_column_int64 (stmt, 0),
    .contacts = sqlite3_column_int64 (stmt, 1),
    .prospects = sqlite3_column_int64 (stmt, 2),
    .active = sqlite3_column_int64 (stmt, 3),
    .latent = sqlite3_column_int64 (stmt, 4),
    .arid = sqlite3_column_int64 (stmt, 5),
    .proposals = sqlite3_column_int64 (stmt, 6),
    .deals = sqlite3_column_int64 (stmt, 7),
    .revenue_cents = sqlite3_column_int64 (stmt, 8),
  };
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return totals;
}

static void
assert_totals_equal (const PdTotals *got, const PdTotals *expected)
{
  assert_int_equal (got->entries, expected->entries);
  assert_int_equal (got->contacts, expected->contacts);
  assert_int_equal (got->prospects, expected->prospects);
  assert_int_equal (got->active, expected->active);
  assert_int_equal (got->latent, expected->latent);
  assert_int_equal (got->arid, expected->arid);
  assert_int_equal (got->proposals, expected->proposals);
  assert_int_equal (got->deals, expected->deals);
  assert_int_equal (got->revenue_cents, expected->revenue_cents);
}

/* pd_store_daily_contacts() against a GROUP BY over activity. */
static void
assert_daily_matches (PdStore *store, const char *path, const char *campaign,
                      const char *rep, const GDate *up_to)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) days = pd_store_daily_contacts (store, campaign, rep, up_to, &error);
  char up_to_text[16] = "";
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  const char *previous_rep = NULL;
  gint64 cumulative = 0;
  guint i = 0;

  assert_null (error);
  assert_non_null (days);
  if (up_to != NULL)
    g_date_strftime (up_to_text, sizeof up_to_text, "%Y-%m-%d", up_to);
  assert_int_equal (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  assert_int_equal (sqlite3_prepare_v2 (db,
                                        "SELECT rep, date, sum(contacts) FROM activity"
                                        " WHERE campaign = ?1 AND (?2 IS NULL OR rep = ?2)"
                                        " AND (?3 IS NULL OR date <= ?3)"
                                        " GROUP BY rep, date ORDER BY rep, date",
                                        -1, &stmt, NULL),
                    SQLITE_OK);
  sqlite3_bind_text (stmt, 1, campaign, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, rep, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, up_to != NULL ? up_to_text : NULL, -1, SQLITE_STATIC);
  for (; sqlite3_step (stmt) == SQLITE_ROW; i++)
    {
      const PdDailyContacts *day;
      char date[16];

      assert_true (i < days->len);
      day = &g_array_index (days, PdDailyContacts, i);
      g_date_strftime (date, sizeof date, "%Y-%m-%d", &day->date);
      assert_string_equal (day->rep, (const char *) sqlite3_column_text (stmt, 0));
      assert_string_equal (date, (const char *) sqlite3_column_text (stmt, 1));
      assert_int_equal (day->contacts, sqlite3_column_int64 (stmt, 2));
      if (previous_rep == NULL || strcmp (previous_rep, day->rep) != 0)
        cumulative = 0;
      cumulative += day->contacts;
      assert_int_equal (day->cumulative, cumulative);
      previous_rep = day->rep;
    }
  assert_int_equal (days->len, i);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

/* Every read of the status, for each rep and the team, up to each date,
 * against the brute force. */
static void
assert_reads_match (PdStore *store, const char *path, const char *campaign)
{
  const char *const reps[] = { NULL, "alice", "bob", "carol", "zo\xc3\xab", "nobody" };
  const struct {
    const char *text;
    unsigned day; /* of January 2027 */
  } up_to[] = { { NULL, 0 }, { "2027-01-03", 3 }, { "2027-01-04", 4 }, { "2027-01-07", 7 },
                { "2027-01-15", 15 } };

  for (gsize r = 0; r < G_N_ELEMENTS (reps); r++)
    for (gsize d = 0; d < G_N_ELEMENTS (up_to); d++)
      {
        g_autoptr (GError) error = NULL;
        PdTotals totals = { .entries = -1 }, expected;
        GDate date = ymd (2027, 1, up_to[d].day == 0 ? 1 : up_to[d].day);
        const GDate *date_or_null = up_to[d].text != NULL ? &date : NULL;

        expected = brute_totals (path, campaign, reps[r], up_to[d].text);
        assert_true (pd_store_totals (store, campaign, reps[r], date_or_null, &totals, &error));
        assert_null (error);
        assert_totals_equal (&totals, &expected);
        assert_daily_matches (store, path, campaign, reps[r], date_or_null);
      }
}

#define GROUP_ACTIVITY_BY_DAY \
  "SELECT campaign, rep, date, count(*), sum(contacts), sum(prospects), sum(active)," \
  " sum(latent), sum(arid), sum(proposals), sum(deals), sum(revenue_cents)" \
  " FROM activity GROUP BY campaign, rep, date"
#define ACTIVITY_DAYS \
  "SELECT campaign, rep, date, entries, contacts, prospects, active, latent, arid," \
  " proposals, deals, revenue_cents FROM activity_days"
#define GROUP_ACTIVITY_BY_TEAM_DAY \
  "SELECT campaign, date, count(*), sum(contacts), sum(prospects), sum(active)," \
  " sum(latent), sum(arid), sum(proposals), sum(deals), sum(revenue_cents)" \
  " FROM activity GROUP BY campaign, date"
#define ACTIVITY_TEAM_DAYS \
  "SELECT campaign, date, entries, contacts, prospects, active, latent, arid," \
  " proposals, deals, revenue_cents FROM activity_team_days"

/* The per-day tables hold exactly the GROUP BY of activity: no row
 * missing, none extra (a day with no entry left included), none off. */
static void
assert_summaries_exact (const char *path)
{
  g_autofree char *integrity = NULL;

  assert_int_equal (raw_int (path, "SELECT count(*) FROM (" GROUP_ACTIVITY_BY_DAY
                                   " EXCEPT " ACTIVITY_DAYS ")"),
                    0);
  assert_int_equal (raw_int (path, "SELECT count(*) FROM (" ACTIVITY_DAYS
                                   " EXCEPT " GROUP_ACTIVITY_BY_DAY ")"),
                    0);
  assert_int_equal (raw_int (path, "SELECT count(*) FROM (" GROUP_ACTIVITY_BY_TEAM_DAY
                                   " EXCEPT " ACTIVITY_TEAM_DAYS ")"),
                    0);
  assert_int_equal (raw_int (path, "SELECT count(*) FROM (" ACTIVITY_TEAM_DAYS
                                   " EXCEPT " GROUP_ACTIVITY_BY_TEAM_DAY ")"),
                    0);
  assert_int_equal (raw_int (path, "SELECT count(*) FROM activity_days WHERE entries <= 0"), 0);
  assert_int_equal (raw_int (path, "SELECT count(*) FROM activity_team_days WHERE entries <= 0"), 0);
  integrity = raw_text (path, "PRAGMA integrity_check");
  assert_string_equal (integrity, "ok");
}

/* ---------------------------------------------------------------- open */

static void
test_open_default_path_modes (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = NULL;
  g_autofree char *data_dir = g_build_filename (root_dir, "xdg-data", NULL);
  g_autofree char *dir = g_build_filename (data_dir, "prospectd", NULL);
  g_autofree char *db = g_build_filename (dir, "prospectd.db", NULL);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db, "-shm", NULL);
  g_autofree char *default_path = pd_store_default_path ();

  (void) state;
  assert_string_equal (default_path, db);
  assert_false (g_file_test (data_dir, G_FILE_TEST_EXISTS));

  umask (022);
  store = pd_store_open (NULL, &error);
  assert_null (error);
  assert_non_null (store);
  assert_string_equal (pd_store_path (store), db);
  assert_int_equal (umask (022), 022); /* restored */

  assert_int_equal (file_mode (data_dir), 0700);
  assert_int_equal (file_mode (dir), 0700);
  assert_int_equal (file_mode (db), 0600);
  assert_int_equal (file_mode (wal), 0600);
  assert_int_equal (file_mode (shm), 0600);

  g_clear_pointer (&store, pd_store_close);
  remove_tree (data_dir);
}

static void
test_open_wal_and_schema (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autofree char *db = path_in (f, "sub/dir/store.db");
  g_autofree char *journal = NULL;
  PdStore *store;

  store = pd_store_open (db, &error);
  assert_null (error);
  assert_non_null (store);

  journal = raw_text (db, "PRAGMA journal_mode");
  assert_string_equal (journal, "wal");
  assert_int_equal (raw_int (db, "PRAGMA user_version"), PD_STORE_SCHEMA_VERSION);
  assert_int_equal (PD_STORE_SCHEMA_VERSION, 8);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
                                 " AND name IN ('campaigns', 'activity', 'notifications',"
                                 " 'revisions', 'revision_days', 'feed_tokens',"
                                 " 'activity_days', 'activity_team_days', 'meta')"),
                    9);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'"
                                 " AND tbl_name = 'activity'"),
                    3);
  /* Version 4 dropped the index of version 2 (the sums read activity_days). */
  assert_int_equal (raw_int (db, "SELECT count(*) FROM sqlite_schema"
                                 " WHERE name = 'activity_by_rep_date'"),
                    0);
  pd_store_close (store);

  /* Opening again is a no-op on the schema. */
  store = pd_store_open (db, &error);
  assert_null (error);
  assert_non_null (store);
  pd_store_close (store);
  assert_int_equal (raw_int (db, "PRAGMA user_version"), PD_STORE_SCHEMA_VERSION);

  pd_store_close (NULL);
  pd_store_free (NULL);
}

/* SHA-256 of a file's bytes, newly allocated. */
static char *
file_digest (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

static gboolean
is_database_id (const char *id)
{
  if (id == NULL || strlen (id) != 32)
    return FALSE;
  for (const char *c = id; *c != '\0'; c++)
    if (!g_ascii_isxdigit (*c) || g_ascii_isupper (*c))
      return FALSE;
  return TRUE;
}

/* The id: made at creation, stored, the same at every opening and in a
 * copy of the file, different for another database, made by the upgrade
 * of an older one. */
static void
test_database_id (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autofree char *other_db = path_in (f, "other.db");
  g_autofree char *copy_db = path_in (f, "moved/copy.db");
  g_autofree char *old_db = path_in (f, "old.db");
  g_autofree char *id = NULL, *again = NULL, *other = NULL, *copied = NULL, *upgraded = NULL;
  g_autofree char *stored = NULL, *bytes = NULL;
  gsize length = 0;
  PdStore *store;

  store = pd_store_open (f->db, &error);
  assert_non_null (store);
  id = pd_store_database_id (store, &error);
  assert_null (error);
  assert_true (is_database_id (id));
  pd_store_close (store);
  stored = raw_text (f->db, "SELECT value FROM meta WHERE key = 'database_id'");
  assert_string_equal (stored, id);

  store = pd_store_open (f->db, &error);
  again = pd_store_database_id (store, &error);
  assert_string_equal (again, id);
  pd_store_close (store);

  store = pd_store_open (other_db, &error);
  other = pd_store_database_id (store, &error);
  assert_true (is_database_id (other));
  assert_string_not_equal (other, id);
  pd_store_close (store);

  {
    g_autofree char *moved = path_in (f, "moved");
    assert_int_equal (g_mkdir (moved, 0700), 0);
  }
  assert_true (g_file_get_contents (f->db, &bytes, &length, NULL));
  assert_true (g_file_set_contents (copy_db, bytes, (gssize) length, NULL));
  store = pd_store_open (copy_db, &error);
  copied = pd_store_database_id (store, &error);
  assert_string_equal (copied, id);
  pd_store_close (store);

  raw_exec (old_db, schema_v1);
  raw_exec (old_db, schema_v2_v3);
  store = pd_store_open (old_db, &error);
  assert_non_null (store);
  upgraded = pd_store_database_id (store, &error);
  assert_null (error);
  assert_true (is_database_id (upgraded));
  assert_string_not_equal (upgraded, id);
  pd_store_close (store);

  /* A file without its id (damaged by hand) says so. */
  raw_exec (old_db, "DELETE FROM meta");
  store = pd_store_open (old_db, &error);
  assert_null (pd_store_database_id (store, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT));
  {
    g_autofree char *expected = g_strdup_printf ("The database '%s' has no id", old_db);
    assert_string_equal (error->message, expected);
  }
  pd_store_close (store);
}

/* A dry run's copy: the file's content and id, every write kept in
 * memory; the file and its directory as they were (bytes, time, no -wal
 * or -shm left), and a missing file is not created. */
static void
test_open_copy (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autofree char *wal = g_strconcat (f->db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (f->db, "-shm", NULL);
  g_autofree char *missing_db = path_in (f, "nowhere/none.db");
  g_autofree char *id = NULL, *copy_id = NULL, *digest = NULL, *after = NULL, *fresh_id = NULL;
  g_autoptr (PdActivity) entry = make_activity ("q1", "alice", ymd (2027, 1, 4), 12);
  g_autoptr (GPtrArray) listed = NULL;
  gboolean missing = TRUE;
  gboolean claimed = FALSE;
  struct stat before_stat, after_stat;
  PdStore *store;
  PdStore *copy;

  store = open_with_campaign (f->db, "q1");
  assert_true (pd_store_add_activity (store, entry, NULL, &error));
  id = pd_store_database_id (store, &error);
  pd_store_close (store);
  assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  digest = file_digest (f->db);
  assert_int_equal (g_stat (f->db, &before_stat), 0);

  copy = pd_store_open_copy (f->db, &missing, &error);
  assert_null (error);
  assert_non_null (copy);
  assert_false (missing);
  assert_string_equal (pd_store_path (copy), f->db);
  copy_id = pd_store_database_id (copy, &error);
  assert_string_equal (copy_id, id);
  listed = pd_store_list_activity (copy, "q1", NULL, &error);
  assert_int_equal (listed->len, 1);
  /* Writes land in the copy. */
  assert_true (pd_store_add_activity (copy, entry, NULL, &error));
  assert_true (pd_store_notification_claim (copy, "q1", "reminder:alice:2027-01-04:1", 1, &claimed, &error));
  assert_true (claimed);
  g_clear_pointer (&listed, g_ptr_array_unref);
  listed = pd_store_list_activity (copy, "q1", NULL, &error);
  assert_int_equal (listed->len, 2);
  assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  assert_false (g_file_test (shm, G_FILE_TEST_EXISTS));
  pd_store_close (copy);

  after = file_digest (f->db);
  assert_string_equal (after, digest);
  assert_int_equal (g_stat (f->db, &after_stat), 0);
  assert_int_equal (after_stat.st_mtim.tv_sec, before_stat.st_mtim.tv_sec);
  assert_int_equal (after_stat.st_mtim.tv_nsec, before_stat.st_mtim.tv_nsec);
  assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  assert_false (g_file_test (shm, G_FILE_TEST_EXISTS));
  assert_int_equal (raw_int (f->db, "SELECT count(*) FROM activity"), 1);
  assert_int_equal (raw_int (f->db, "SELECT count(*) FROM notifications"), 0);

  /* No file: an empty database of its own, nothing created. */
  copy = pd_store_open_copy (missing_db, &missing, &error);
  assert_null (error);
  assert_non_null (copy);
  assert_true (missing);
  fresh_id = pd_store_database_id (copy, &error);
  assert_true (is_database_id (fresh_id));
  assert_string_not_equal (fresh_id, id);
  assert_true (pd_store_ensure_campaign (copy, "q1", NULL, &error));
  pd_store_close (copy);
  assert_false (g_file_test (missing_db, G_FILE_TEST_EXISTS));
  {
    g_autofree char *parent = path_in (f, "nowhere");
    assert_false (g_file_test (parent, G_FILE_TEST_EXISTS));
  }

  /* An older schema is upgraded in the copy only. */
  {
    g_autofree char *old_db = path_in (f, "old.db");
    g_autofree char *old_digest = NULL, *old_after = NULL, *old_id = NULL;

    raw_exec (old_db, schema_v1);
    raw_exec (old_db, schema_v2_v3);
    old_digest = file_digest (old_db);
    copy = pd_store_open_copy (old_db, &missing, &error);
    assert_null (error);
    assert_false (missing);
    old_id = pd_store_database_id (copy, &error);
    assert_true (is_database_id (old_id));
    pd_store_close (copy);
    old_after = file_digest (old_db);
    assert_string_equal (old_after, old_digest);
    assert_int_equal (raw_int (old_db, "PRAGMA user_version"), 3);
  }

  /* Not a database: the error names the file. */
  {
    g_autofree char *junk = path_in (f, "junk.db");
    g_autofree char *expected = NULL;

    assert_true (g_file_set_contents (junk, "not a database, not at all, really not one", -1, NULL));
    copy = pd_store_open_copy (junk, NULL, &error);
    assert_null (copy);
    assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT));
    expected = g_strdup_printf ("Cannot open the database '%s': ", junk);
    assert_true (g_str_has_prefix (error->message, expected));
  }
}

static void
test_open_memory (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = NULL;
  g_autoptr (PdActivity) activity = make_activity ("m", "alice", ymd (2027, 1, 4), 3);
  gint64 id = 0;

  (void) state;
  store = pd_store_open (":memory:", &error);
  assert_null (error);
  assert_non_null (store);
  assert_true (pd_store_ensure_campaign (store, "m", "In memory", &error));
  assert_true (pd_store_add_activity (store, activity, &id, &error));
  assert_null (error);
  assert_int_equal (id, 1);
}

/* ----------------------------------------------------------- migration */

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

/* ------------------------------------------------------------ activity */

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

/* ------------------------------------------------------ per-day sums */

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
  assert_non_null (strstr (error->message, "day_sums_are_integers"));
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

  /* The next day: written; the sums over both days fail. */
  one->date = ymd (2027, 1, 5);
  g_free (one->rep);
  one->rep = g_strdup ("alice");
  assert_true (pd_store_add_activity (store, one, &next_day, &error));
  assert_null (error);
  assert_false (pd_store_totals (store, "q1", "alice", NULL, &totals, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_FAILED));
  assert_non_null (strstr (error->message, "integer overflow"));
  assert_int_equal (totals.entries, 77); /* untouched */
  g_clear_error (&error);
  assert_false (pd_store_totals (store, "q1", NULL, NULL, &totals, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_FAILED));
  g_clear_error (&error);
  days = pd_store_daily_contacts (store, "q1", NULL, NULL, &error);
  assert_null (days);
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_FAILED));
  assert_non_null (strstr (error->message, "out of range"));
  g_clear_error (&error);

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
  raw_exec (db, "PRAGMA foreign_keys = ON; DELETE FROM campaigns WHERE id = 'q1'");

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
            "  ('gone', 'alice', '2027-01-04', 5, 0, 0, 0, 0, 0, 0, 0, NULL, 1);");
  assert_int_equal (raw_int (db, "PRAGMA user_version"), 3);

  store = pd_store_open (db, &error);
  assert_null (error);
  assert_non_null (store);
  assert_int_equal (raw_int (db, "PRAGMA user_version"), PD_STORE_SCHEMA_VERSION);
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
                                 " AND tbl_name = 'activity'"),
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

/* ------------------------------------------------------- notifications */

static void
test_notification_claim (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  const char *db = f->db;
  g_autoptr (PdStore) store = open_with_campaign (db, "q1");
  gboolean claimed = FALSE, sent = TRUE;
  gint64 sent_at = 0;

  assert_true (pd_store_notification_sent (store, "q1", "reminder:alice:1", &sent,
                                           &sent_at, &error));
  assert_false (sent);
  assert_int_equal (sent_at, 0);

  assert_true (pd_store_notification_claim (store, "q1", "reminder:alice:1",
                                            1800000000, &claimed, &error));
  assert_null (error);
  assert_true (claimed);
  assert_true (pd_store_notification_claim (store, "q1", "reminder:alice:1",
                                            1800000999, &claimed, &error));
  assert_null (error);
  assert_false (claimed);

  assert_true (pd_store_notification_sent (store, "q1", "reminder:alice:1", &sent,
                                           &sent_at, &error));
  assert_true (sent);
  assert_int_equal (sent_at, 1800000000); /* the first claim's time */

  /* Keys are per campaign; "" is the daemon's own. */
  assert_true (pd_store_notification_claim (store, "q2", "reminder:alice:1",
                                            1, &claimed, &error));
  assert_true (claimed);
  assert_true (pd_store_notification_claim (store, "", "resume-summary",
                                            2, &claimed, &error));
  assert_true (claimed);

  claimed = TRUE;
  assert_false (pd_store_notification_claim (store, "q1", "", 3, &claimed, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID));
  assert_true (claimed); /* untouched */
}

/* Claims keys k0..k99 and writes how many it won to `fd`. */
static int
claimer_child (const char *db, int fd)
{
  g_autoptr (PdStore) store = pd_store_open (db, NULL);
  gint64 won = 0;
  int code = store != NULL ? 0 : 1;

  for (int k = 0; store != NULL && k < 100; k++)
    {
      char key[32];
      gboolean claimed = FALSE;

      g_snprintf (key, sizeof key, "k%d", k);
      if (!pd_store_notification_claim (store, "q1", key, k, &claimed, NULL))
        code = 1;
      won += claimed ? 1 : 0;
    }
  if (write (fd, &won, sizeof won) != sizeof won)
    code = 1;
  return code;
}

/* Four processes race for the same 100 keys: each key is claimed once. */
static void
test_notification_claim_race (void **state)
{
  Fixture *f = *state;
  const char *db = f->db;
  PdStore *store = open_with_campaign (db, "q1");
  pid_t children[4];
  guint succeeded = 0;
  int fds[2];
  gint64 total = 0;
  gint64 count;

  pd_store_close (store); /* no connection across fork() */
  assert_int_equal (pipe (fds), 0);
  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    {
      children[i] = fork ();
      assert_true (children[i] >= 0);
      if (children[i] == 0)
        {
          close (fds[0]);
          _exit (claimer_child (db, fds[1]));
        }
    }
  close (fds[1]);
  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    succeeded += child_succeeded (children[i]) ? 1 : 0; /* reap all, then assert */
  assert_int_equal (succeeded, G_N_ELEMENTS (children));
  while (read (fds[0], &count, sizeof count) == sizeof count)
    total += count;
  close (fds[0]);
  assert_int_equal (total, 100);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM notifications"), 100);
}

/* ----------------------------------------------------------- rep starts */

static void
test_rep_starts (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = open_with_campaign (f->db, "q1");
  const char *const team[] = { "alice", "bob", "carol" };
  GDate founding = ymd (2027, 1, 4), jan20 = ymd (2027, 1, 20), feb10 = ymd (2027, 2, 10),
        mar1 = ymd (2027, 3, 1);
  GDate starts[3];

  /* The first reps recorded are the founding team: the campaign's start. */
  assert_true (pd_store_rep_starts (store, "q1", team, 2, &jan20, &founding, TRUE, starts, &error));
  assert_null (error);
  assert_date (&starts[0], 2027, 1, 4);
  assert_date (&starts[1], 2027, 1, 4);
  /* carol appears on 10 February; the others keep their day. */
  assert_true (pd_store_rep_starts (store, "q1", team, 3, &feb10, &founding, TRUE, starts, &error));
  assert_date (&starts[0], 2027, 1, 4);
  assert_date (&starts[2], 2027, 2, 10);
  /* Not recorded: dave would start today, and is not written. */
  const char *const later[] = { "alice", "dave" };
  assert_true (pd_store_rep_starts (store, "q1", later, 2, &mar1, &founding, FALSE, starts, &error));
  assert_date (&starts[1], 2027, 3, 1);
  assert_int_equal (raw_int (f->db, "SELECT count(*) FROM rep_starts"), 3);
  /* Known reps keep their day, whatever today is. */
  assert_true (pd_store_rep_starts (store, "q1", team, 3, &mar1, &founding, TRUE, starts, &error));
  assert_date (&starts[2], 2027, 2, 10);
  assert_int_equal (raw_int (f->db, "SELECT count(*) FROM rep_starts"), 3);
  /* An unknown campaign. */
  assert_false (pd_store_rep_starts (store, "nope", team, 1, &mar1, &founding, TRUE, starts, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND));
}

/* ----------------------------------------------------------- revisions */

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
  assert_int_equal (raw_int (db, "SELECT count(*) FROM revision_days"), 5);

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
    assert_int_equal (raw_int (db, "SELECT count(*) FROM revision_days"), 4);
  }

  /* Unknown campaign. */
  g_free (duplicate->campaign);
  duplicate->campaign = g_strdup ("nope");
  assert_false (pd_store_save_revision (store, duplicate, &id, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND));
}

/* ---------------------------------------------------------------- misc */

static void
test_data_version (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  const char *db = f->db;
  g_autoptr (PdStore) mine = open_with_campaign (db, "q1");
  g_autoptr (PdStore) theirs = pd_store_open (db, &error);
  g_autoptr (PdActivity) activity = make_activity ("q1", "alice", ymd (2027, 1, 4), 1);
  gint64 v1 = 0, v2 = 0, v3 = 0, v4 = 0;

  assert_non_null (theirs);
  assert_true (pd_store_data_version (mine, &v1, &error));
  assert_true (pd_store_data_version (mine, &v2, &error));
  assert_int_equal (v1, v2);

  assert_true (pd_store_add_activity (theirs, activity, NULL, &error));
  assert_true (pd_store_data_version (mine, &v3, &error));
  assert_true (v3 != v2);

  /* Our own commit does not change it (PITFALLS 15). */
  assert_true (pd_store_add_activity (mine, activity, NULL, &error));
  assert_true (pd_store_data_version (mine, &v4, &error));
  assert_int_equal (v4, v3);
  assert_null (error);
}

/* Adds 500 entries as rep<number>, each 1 contact and `number` prospects;
 * exits 1 if any add failed. */
static int
writer_child (const char *db, guint number)
{
  g_autoptr (PdStore) store = pd_store_open (db, NULL);
  g_autofree char *rep = g_strdup_printf ("rep%u", number);
  int code = store != NULL ? 0 : 1;

  for (unsigned k = 0; store != NULL && k < 500; k++)
    {
      g_autoptr (PdActivity) a = make_activity ("q1", rep, ymd (2027, 1, 4 + k % 20), 1);
      g_autoptr (GError) error = NULL;

      a->prospects = number;
      if (!pd_store_add_activity (store, a, NULL, &error))
        {
          g_printerr ("writer %u: %s\n", number, error->message);
          code = 1;
        }
    }
  return code;
}

/* Four writer processes, 500 entries each, while the parent keeps summing:
 * no writer sees "database is locked", no entry is lost, and every sum the
 * reader sees is a consistent snapshot. */
static void
test_concurrent_writers (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  const char *db = f->db;
  PdStore *store = open_with_campaign (db, "q1");
  pid_t children[4];
  guint running = G_N_ELEMENTS (children);
  guint failures = 0, reads = 0;
  gint64 last = 0;
  PdTotals totals;

  pd_store_close (store); /* no connection across fork() */
  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    {
      children[i] = fork ();
      assert_true (children[i] >= 0);
      if (children[i] == 0)
        _exit (writer_child (db, i + 1));
    }

  store = pd_store_open (db, &error);
  assert_non_null (store);
  while (running > 0)
    {
      int status;

      assert_true (pd_store_totals (store, "q1", NULL, NULL, &totals, &error));
      assert_null (error);
      assert_int_equal (totals.contacts, totals.entries);
      assert_true (totals.entries >= last);
      last = totals.entries;
      reads++;
      /* Our children only: waitpid (-1) would also reap what an earlier
       * failed test left behind. */
      for (guint i = 0; i < G_N_ELEMENTS (children); i++)
        if (children[i] > 0 && waitpid (children[i], &status, WNOHANG) == children[i])
          {
            children[i] = 0;
            running--;
            if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
              failures++;
          }
    }
  assert_int_equal (failures, 0);
  assert_true (reads > 0);

  assert_true (pd_store_totals (store, "q1", NULL, NULL, &totals, &error));
  assert_int_equal (totals.entries, 2000);
  assert_int_equal (totals.contacts, 2000);
  assert_int_equal (totals.prospects, 500 * (1 + 2 + 3 + 4));
  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    {
      g_autofree char *rep = g_strdup_printf ("rep%u", i + 1);

      assert_true (pd_store_totals (store, "q1", rep, NULL, &totals, &error));
      assert_int_equal (totals.entries, 500);
    }
  pd_store_close (store);
  assert_int_equal (raw_int (db, "SELECT count(*) FROM activity"), 2000);
}

/* Adds entries until killed, writing each id to `fd` once the add
 * returned. Returns (exit code 1) only on a failure. */
static int
logger_child (const char *db, int fd)
{
  g_autoptr (PdStore) store = pd_store_open (db, NULL);

  for (gint64 k = 0; store != NULL; k++)
    {
      g_autoptr (PdActivity) a = make_activity ("q1", "alice", ymd (2027, 1, 4), 1);
      gint64 id = 0;

      a->note = g_strdup_printf ("entry %" G_GINT64_FORMAT, k);
      if (!pd_store_add_activity (store, a, &id, NULL)
          || write (fd, &id, sizeof id) != sizeof id)
        break;
    }
  return 1;
}

/* A writer killed with SIGKILL in the middle of its loop: every id it
 * reported (after pd_store_add_activity() returned) is in the file, and the
 * file is sound. */
static void
test_durability_sigkill (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  const char *db = f->db;
  g_autofree char *integrity = NULL;
  g_autoptr (GArray) reported = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GHashTable) present = g_hash_table_new (g_int64_hash, g_int64_equal);
  PdStore *store = open_with_campaign (db, "q1");
  pid_t child;
  int fds[2];
  int status = 0;
  gint64 id;

  pd_store_close (store);
  assert_int_equal (pipe (fds), 0);
  child = fork ();
  assert_true (child >= 0);
  if (child == 0)
    {
      close (fds[0]);
      _exit (logger_child (db, fds[1]));
    }
  close (fds[1]);

  /* Let it commit a good number, then kill it wherever it is. */
  while (reported->len < 300 && read (fds[0], &id, sizeof id) == sizeof id)
    g_array_append_val (reported, id);
  assert_int_equal (reported->len, 300);
  assert_int_equal (kill (child, SIGKILL), 0);
  assert_int_equal (waitpid (child, &status, 0), child);
  assert_true (WIFSIGNALED (status));
  assert_int_equal (WTERMSIG (status), SIGKILL);
  /* What it wrote to the pipe before dying. */
  while (read (fds[0], &id, sizeof id) == sizeof id)
    g_array_append_val (reported, id);
  close (fds[0]);

  store = pd_store_open (db, &error);
  assert_null (error);
  assert_non_null (store);
  entries = pd_store_list_activity (store, "q1", NULL, &error);
  assert_null (error);
  for (guint i = 0; i < entries->len; i++)
    {
      PdActivity *a = g_ptr_array_index (entries, i);

      g_hash_table_add (present, &a->id);
    }
  for (guint i = 0; i < reported->len; i++)
    if (!g_hash_table_contains (present, &g_array_index (reported, gint64, i)))
      fail_msg ("entry %" G_GINT64_FORMAT " was reported but is missing",
                g_array_index (reported, gint64, i));
  /* At most the one entry committed but not yet reported. */
  assert_in_range (entries->len, reported->len, reported->len + 1);
  pd_store_close (store);

  integrity = raw_text (db, "PRAGMA integrity_check");
  assert_string_equal (integrity, "ok");
}

/* ---------------------------------------------------------- bad places */

static void
test_corrupt_file (void **state)
{
  Fixture *f = *state;
  g_autofree char *db = path_in (f, "garbage.db");
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *text = path_in (f, "text.db");
  g_autofree char *after = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (20270104);
  guint8 garbage[16384];
  gsize length = 0;
  const char *const files[] = { db, text };

  for (gsize i = 0; i < sizeof garbage; i++)
    garbage[i] = (guint8) g_rand_int_range (rand, 0, 256);
  assert_true (g_file_set_contents (db, (const char *) garbage, sizeof garbage, NULL));
  assert_true (g_file_set_contents (text, "[campaign]\nname = not a database\n"
                                          "and a little more text to pass one hundred bytes "
                                          "of header, just in case.\n",
                                    -1, NULL));

  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *expected = g_strdup_printf ("Cannot open the database '%s': "
                                                   "file is not a database", files[i]);
      PdStore *store = pd_store_open (files[i], &error);

      assert_null (store);
      assert_non_null (error);
      assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT));
      assert_string_equal (error->message, expected);
    }

  /* Untouched: no byte changed, no WAL left behind. */
  assert_true (g_file_get_contents (db, &after, &length, NULL));
  assert_int_equal (length, sizeof garbage);
  assert_memory_equal (after, garbage, sizeof garbage);
  assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
}

static void
test_unwritable_place (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autofree char *plain = path_in (f, "plain");
  g_autofree char *below = g_build_filename (plain, "sub", "x.db", NULL);
  g_autofree char *dir = path_in (f, "a-directory");
  PdStore *store;

  /* A parent that is a regular file: fails even for root. */
  assert_true (g_file_set_contents (plain, "x", -1, NULL));
  umask (022);
  store = pd_store_open (below, &error);
  assert_null (store);
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_IO));
  assert_non_null (strstr (error->message, "plain/sub"));
  assert_int_equal (umask (022), 022);
  g_clear_error (&error);

  /* The path is a directory. */
  assert_int_equal (g_mkdir (dir, 0700), 0);
  store = pd_store_open (dir, &error);
  assert_null (store);
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_IO));
  assert_non_null (strstr (error->message, dir));
  assert_int_equal (umask (022), 022);
  g_clear_error (&error);

  store = pd_store_open ("", &error);
  assert_null (store);
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID));
}

/* ---------------------------------------------------------- feed tokens */

static void
test_feed_tokens (void **state)
{
  Fixture *f = *state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdStore) store = pd_store_open (f->db, &error);
  g_autoptr (PdStore) other = NULL;
  g_autofree char *none = NULL, *first = NULL, *again = NULL, *bob = NULL, *rotated = NULL;
  g_autofree char *seen = NULL;
  char *untouched = (char *) "untouched";

  assert_non_null (store);
  /* Unknown campaign: no token to read, none can be made. */
  assert_true (pd_store_feed_token (store, "q1", "alice", FALSE, &none, &error));
  assert_null (none);
  assert_false (pd_store_feed_token (store, "q1", "alice", TRUE, &untouched, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND));
  assert_string_equal (untouched, "untouched");
  g_clear_error (&error);
  assert_false (pd_store_feed_token (store, "q1", "", TRUE, &untouched, &error));
  assert_true (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID));
  g_clear_error (&error);

  assert_true (pd_store_ensure_campaign (store, "q1", NULL, &error));
  /* Reading does not create. */
  assert_true (pd_store_feed_token (store, "q1", "alice", FALSE, &none, &error));
  assert_null (none);
  assert_true (pd_store_feed_token (store, "q1", "alice", TRUE, &first, &error));
  assert_non_null (first);
  assert_int_equal (strlen (first), PD_TOKEN_LENGTH);
  assert_true (pd_store_feed_token (store, "q1", "alice", TRUE, &again, &error));
  assert_string_equal (first, again);
  assert_true (pd_store_feed_token (store, "q1", "bob", TRUE, &bob, &error));
  assert_string_not_equal (first, bob);

  /* Another connection (the daemon) sees the rotation at once. */
  other = pd_store_open (f->db, &error);
  assert_non_null (other);
  assert_true (pd_store_rotate_feed_token (store, "q1", "alice", &rotated, &error));
  assert_string_not_equal (first, rotated);
  assert_true (pd_store_feed_token (other, "q1", "alice", FALSE, &seen, &error));
  assert_string_equal (seen, rotated);
  assert_null (error);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_open_default_path_modes, setup, teardown),
    cmocka_unit_test_setup_teardown (test_open_wal_and_schema, setup, teardown),
    cmocka_unit_test_setup_teardown (test_open_memory, setup, teardown),
    cmocka_unit_test_setup_teardown (test_migration_from_v1, setup, teardown),
    cmocka_unit_test_setup_teardown (test_migration_from_v3, setup, teardown),
    cmocka_unit_test_setup_teardown (test_migration_overflow_refused, setup, teardown),
    cmocka_unit_test_setup_teardown (test_migration_race, setup, teardown),
    cmocka_unit_test_setup_teardown (test_newer_schema_refused, setup, teardown),
    cmocka_unit_test_setup_teardown (test_activity_round_trip, setup, teardown),
    cmocka_unit_test_setup_teardown (test_activity_rejected, setup, teardown),
    cmocka_unit_test_setup_teardown (test_activity_ids_never_reused, setup, teardown),
    cmocka_unit_test_setup_teardown (test_activity_take_update_replace, setup, teardown),
    cmocka_unit_test_setup_teardown (test_totals, setup, teardown),
    cmocka_unit_test_setup_teardown (test_daily_contacts, setup, teardown),
    cmocka_unit_test_setup_teardown (test_summary_random, setup, teardown),
    cmocka_unit_test_setup_teardown (test_summary_removals, setup, teardown),
    cmocka_unit_test_setup_teardown (test_summary_update, setup, teardown),
    cmocka_unit_test_setup_teardown (test_summary_overflow, setup, teardown),
    cmocka_unit_test_setup_teardown (test_summary_campaign_deleted, setup, teardown),
    cmocka_unit_test_setup_teardown (test_reads_end_their_snapshot, setup, teardown),
    cmocka_unit_test_setup_teardown (test_notification_claim, setup, teardown),
    cmocka_unit_test_setup_teardown (test_notification_claim_race, setup, teardown),
    cmocka_unit_test_setup_teardown (test_rep_starts, setup, teardown),
    cmocka_unit_test_setup_teardown (test_revisions, setup, teardown),
    cmocka_unit_test_setup_teardown (test_feed_tokens, setup, teardown),
    cmocka_unit_test_setup_teardown (test_data_version, setup, teardown),
    cmocka_unit_test_setup_teardown (test_database_id, setup, teardown),
    cmocka_unit_test_setup_teardown (test_open_copy, setup, teardown),
    cmocka_unit_test_setup_teardown (test_concurrent_writers, setup, teardown),
    cmocka_unit_test_setup_teardown (test_durability_sigkill, setup, teardown),
    cmocka_unit_test_setup_teardown (test_corrupt_file, setup, teardown),
    cmocka_unit_test_setup_teardown (test_unwritable_place, setup, teardown),
  };
  g_autofree char *data_dir = NULL;
  int failed;

  root_dir = g_dir_make_tmp ("prospectd-test-store-XXXXXX", NULL);
  if (root_dir == NULL)
    return 1;
  /* Before anything asks GLib for it: g_get_user_data_dir() caches. */
  data_dir = g_build_filename (root_dir, "xdg-data", NULL);
  g_setenv ("XDG_DATA_HOME", data_dir, TRUE);

  failed = cmocka_run_group_tests (tests, NULL, NULL);

  remove_tree (root_dir);
  g_clear_pointer (&root_dir, g_free);
  return failed;
}
