/* SPDX-License-Identifier: MIT
 *
 * What the tests of store share (tests/test-store*.c, one binary per file
 * of the backend): a temporary directory per test with its database, direct
 * access to look at the database behind the store's back (which only tests
 * may do), the released schemas of old versions, and the brute-force checks
 * of the per-day sums. Helpers are static inline: each binary uses some of
 * them.
 *
 * One suite, two backends: with PD_TEST_DB=pg each test's database is a
 * new PostgreSQL database (created in the cluster the PG* variables and
 * PD_TEST_PG_URI name, tests/pg-cluster.sh) instead of an SQLite file, and
 * the direct access goes through libpq. Each binary runs its common tests
 * on either backend, plus those only one backend has (file modes, WAL and
 * old SQLite schemas; advisory locks and URIs). A cluster that cannot be
 * reached fails the tests: nothing is skipped.
 */
#pragma once

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
#include <libpq-fe.h>
#include <sqlite3.h>

#include "prospectd/store.h"
#include "prospectd/token.h"

static char *root_dir; /* the tests' temporary root, removed at the end */

typedef struct {
  char *dir; /* this test's own directory */
  char *db;  /* dir/store.db, or a new PostgreSQL database's URI; kept
              * here, reachable from cmocka's state, so that a forked
              * child exiting under valgrind leaks nothing */
} Fixture;

/* Whether this run is the PostgreSQL one (PD_TEST_DB=pg). */
static inline gboolean
store_test_pg (void)
{
  return g_strcmp0 (g_getenv ("PD_TEST_DB"), "pg") == 0;
}

/* What differs between the backends' own words (an error the server
 * phrases), chosen by the run. */
static inline const char *
backend_text (const char *sqlite, const char *pg)
{
  return store_test_pg () ? pg : sqlite;
}

/* A connection to `uri` (the cluster's maintenance database when NULL),
 * with the schema prospectd first on the search path. */
static inline PGconn *
pg_connect (const char *uri)
{
  const char *maintenance = g_getenv ("PD_TEST_PG_URI");
  PGconn *conn = PQconnectdb (uri != NULL ? uri : maintenance != NULL ? maintenance : "postgresql:///postgres");
  PGresult *result;

  if (PQstatus (conn) != CONNECTION_OK)
    fail_msg ("cannot reach the PostgreSQL test cluster: %s", PQerrorMessage (conn));
  result = PQexec (conn, "SET search_path = prospectd, pg_catalog; SET client_min_messages = warning");
  PQclear (result);
  return conn;
}

/* Runs SQL on a connection; fails the test when the server refuses it. */
static inline void
pg_must (PGconn *conn, const char *sql)
{
  PGresult *result = PQexec (conn, sql);
  ExecStatusType status = PQresultStatus (result);

  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    fail_msg ("%s: %s", sql, PQresultErrorMessage (result));
  PQclear (result);
}

/* ------------------------------------------------------------- helpers */

static inline void
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

static inline int
setup (void **state)
{
  static unsigned counter;
  Fixture *f = g_new0 (Fixture, 1);
  g_autofree char *name = g_strdup_printf ("t%u", counter++);

  f->dir = g_build_filename (root_dir, name, NULL);
  f->db = g_build_filename (f->dir, "store.db", NULL);
  if (g_mkdir (f->dir, 0700) != 0)
    return -1;
  if (store_test_pg ())
    {
      /* A database of its own, empty: pd_store_open() makes the schema. */
      g_autofree char *database = g_strdup_printf ("pd_test_%d_%s", (int) getpid (), name);
      g_autofree char *create = g_strdup_printf ("CREATE DATABASE %s", database);
      g_autofree char *drop = g_strdup_printf ("DROP DATABASE IF EXISTS %s WITH (FORCE)", database);
      PGconn *conn = pg_connect (NULL);

      pg_must (conn, drop);
      pg_must (conn, create);
      PQfinish (conn);
      g_free (f->db);
      f->db = g_strdup_printf ("postgresql:///%s", database);
    }
  *state = f;
  return 0;
}

static inline int
teardown (void **state)
{
  Fixture *f = *state;

  if (store_test_pg ())
    {
      g_autofree char *drop = g_strdup_printf ("DROP DATABASE IF EXISTS %s WITH (FORCE)",
                                               f->db + strlen ("postgresql:///"));
      PGconn *conn = pg_connect (NULL);

      pg_must (conn, drop);
      PQfinish (conn);
    }
  remove_tree (f->dir);
  g_free (f->db);
  g_free (f->dir);
  g_free (f);
  return 0;
}

static inline char *
path_in (const Fixture *f, const char *name)
{
  return g_build_filename (f->dir, name, NULL);
}

static inline GDate
ymd (unsigned year, unsigned month, unsigned day)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  return date;
}

static inline void
assert_date (const GDate *date, unsigned year, unsigned month, unsigned day)
{
  assert_true (g_date_valid (date));
  assert_int_equal (g_date_get_year (date), year);
  assert_int_equal (g_date_get_month (date), month);
  assert_int_equal (g_date_get_day (date), day);
}

static inline unsigned
file_mode (const char *path)
{
  struct stat st;

  assert_int_equal (g_stat (path, &st), 0);
  return (unsigned) (st.st_mode & 07777);
}

/* Runs `sql` (the same text on both backends: $1, $2... parameters, each
 * compared before it is tested for NULL so that PostgreSQL infers its type)
 * with text parameters (NULL: SQL NULL) on a direct connection to the
 * database at `path` (file or URI). Returns its rows, each a GStrv of its
 * columns as text ("" for NULL). */
static inline GPtrArray *
raw_rows (const char *path, const char *sql, int n_values, const char *const *values)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  if (pd_store_name_is_server (path))
    {
      PGconn *conn = pg_connect (path);
      PGresult *result = PQexecParams (conn, sql, n_values, NULL, values, NULL, NULL, 0);

      if (PQresultStatus (result) != PGRES_TUPLES_OK)
        fail_msg ("%s: %s", sql, PQresultErrorMessage (result));
      for (int r = 0; r < PQntuples (result); r++)
        {
          char **row = g_new0 (char *, (gsize) PQnfields (result) + 1);

          for (int c = 0; c < PQnfields (result); c++)
            row[c] = g_strdup (PQgetvalue (result, r, c));
          g_ptr_array_add (rows, row);
        }
      PQclear (result);
      PQfinish (conn);
    }
  else
    {
      sqlite3 *db = NULL;
      sqlite3_stmt *stmt = NULL;

      assert_int_equal (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
      sqlite3_busy_timeout (db, 5000);
      if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
        fail_msg ("%s: %s", sql, sqlite3_errmsg (db));
      for (int i = 0; i < n_values; i++)
        sqlite3_bind_text (stmt, i + 1, values[i], -1, SQLITE_TRANSIENT);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          char **row = g_new0 (char *, (gsize) sqlite3_column_count (stmt) + 1);

          for (int c = 0; c < sqlite3_column_count (stmt); c++)
            row[c] = g_strdup (sqlite3_column_text (stmt, c) != NULL
                               ? (const char *) sqlite3_column_text (stmt, c) : "");
          g_ptr_array_add (rows, row);
        }
      sqlite3_finalize (stmt);
      sqlite3_close (db);
    }
  return rows;
}

/* Runs `sql` on a direct connection and returns the first column of the
 * first row as text (newly allocated), or NULL when there is no row. */
static inline char *
raw_text (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  if (pd_store_name_is_server (path))
    {
      g_autoptr (GPtrArray) rows = raw_rows (path, sql, 0, NULL);

      return rows->len > 0 ? g_strdup (((char **) rows->pdata[0])[0]) : NULL;
    }
  assert_int_equal (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  assert_int_equal (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return text;
}

static inline gint64
raw_int (const char *path, const char *sql)
{
  g_autofree char *text = raw_text (path, sql);

  assert_non_null (text);
  return g_ascii_strtoll (text, NULL, 10);
}

static inline void
raw_exec (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;
  int rc;

  if (pd_store_name_is_server (path))
    {
      PGconn *conn = pg_connect (path);

      pg_must (conn, sql);
      PQfinish (conn);
      return;
    }
  assert_int_equal (sqlite3_open_v2 (path, &db,
                                     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
                    SQLITE_OK);
  rc = sqlite3_exec (db, sql, NULL, NULL, &message);
  if (rc != SQLITE_OK)
    fail_msg ("%s: %s", sql, message);
  sqlite3_close (db);
}

static inline PdActivity *
make_activity (const char *campaign, const char *rep, GDate date, gint64 contacts)
{
  PdActivity *activity = pd_activity_new ();

  activity->campaign = g_strdup (campaign);
  activity->rep = g_strdup (rep);
  activity->date = date;
  activity->contacts = contacts;
  return activity;
}

static inline PdStore *
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
static inline gboolean
child_succeeded (pid_t pid)
{
  int status = 0;

  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return FALSE;
  return WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

/* The schema of version 1, as released: a fixed text, on purpose not
 * taken from src/store-schema.c, so that an edit of the released step shows here. */
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

static inline void
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
static inline PdTotals
brute_totals (const char *path, const char *campaign, const char *rep, const char *up_to)
{
  const char *values[3] = { campaign, rep, up_to };
  g_autoptr (GPtrArray) rows = raw_rows (path,
                                         "SELECT count(*), coalesce(sum(contacts), 0),"
                                         " coalesce(sum(prospects), 0), coalesce(sum(active), 0),"
                                         " coalesce(sum(latent), 0), coalesce(sum(arid), 0),"
                                         " coalesce(sum(proposals), 0), coalesce(sum(deals), 0),"
                                         " coalesce(sum(revenue_cents), 0) FROM activity"
                                         " WHERE campaign = $1 AND (rep = $2 OR $2 IS NULL)"
                                         " AND (date <= $3 OR $3 IS NULL)",
                                         3, values);
  char **row;

  assert_int_equal (rows->len, 1);
  row = rows->pdata[0];
  return (PdTotals) {
    .entries = g_ascii_strtoll (row[0], NULL, 10),
    .contacts = g_ascii_strtoll (row[1], NULL, 10),
    .prospects = g_ascii_strtoll (row[2], NULL, 10),
    .active = g_ascii_strtoll (row[3], NULL, 10),
    .latent = g_ascii_strtoll (row[4], NULL, 10),
    .arid = g_ascii_strtoll (row[5], NULL, 10),
    .proposals = g_ascii_strtoll (row[6], NULL, 10),
    .deals = g_ascii_strtoll (row[7], NULL, 10),
    .revenue_cents = g_ascii_strtoll (row[8], NULL, 10),
  };
}

static inline void
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
static inline void
assert_daily_matches (PdStore *store, const char *path, const char *campaign,
                      const char *rep, const GDate *up_to)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) days = pd_store_daily_contacts (store, campaign, rep, up_to, &error);
  char up_to_text[16] = "";
  const char *values[3] = { campaign, rep, up_to != NULL ? up_to_text : NULL };
  g_autoptr (GPtrArray) rows = NULL;
  const char *previous_rep = NULL;
  gint64 cumulative = 0;
  guint i = 0;

  assert_null (error);
  assert_non_null (days);
  if (up_to != NULL)
    g_date_strftime (up_to_text, sizeof up_to_text, "%Y-%m-%d", up_to);
  rows = raw_rows (path,
                   "SELECT rep, date, sum(contacts) FROM activity"
                   " WHERE campaign = $1 AND (rep = $2 OR $2 IS NULL)"
                   " AND (date <= $3 OR $3 IS NULL)"
                   " GROUP BY rep, date ORDER BY rep, date",
                   3, values);
  for (; i < rows->len; i++)
    {
      char **row = rows->pdata[i];
      const PdDailyContacts *day;
      char date[16];

      assert_true (i < days->len);
      day = &g_array_index (days, PdDailyContacts, i);
      g_date_strftime (date, sizeof date, "%Y-%m-%d", &day->date);
      assert_string_equal (day->rep, row[0]);
      assert_string_equal (date, row[1]);
      assert_int_equal (day->contacts, g_ascii_strtoll (row[2], NULL, 10));
      if (previous_rep == NULL || strcmp (previous_rep, day->rep) != 0)
        cumulative = 0;
      cumulative += day->contacts;
      assert_int_equal (day->cumulative, cumulative);
      previous_rep = day->rep;
    }
  assert_int_equal (days->len, i);
}

/* Every read of the status, for each rep and the team, up to each date,
 * against the brute force. */
static inline void
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

/* Schema 16's running sums, recomputed from activity_days by window
 * sums: each rep's sums to and including each of its days, with the
 * observed rates' conditional sums (PdRates). */
#define RUNNING_FROM_DAYS \
  "SELECT campaign, rep, date, sum (entries) OVER w, sum (contacts) OVER w, sum (prospects) OVER w," \
  " sum (active) OVER w, sum (latent) OVER w, sum (arid) OVER w, sum (proposals) OVER w," \
  " sum (deals) OVER w, sum (revenue_cents) OVER w," \
  " sum (CASE WHEN prospects > 0 AND active + latent + arid > 0 THEN active ELSE 0 END) OVER w," \
  " sum (CASE WHEN prospects > 0 AND active + latent + arid > 0 THEN prospects ELSE 0 END) OVER w," \
  " sum (CASE WHEN prospects > 0 AND contacts > 0 THEN contacts ELSE 0 END) OVER w," \
  " sum (CASE WHEN prospects > 0 AND contacts > 0 THEN prospects ELSE 0 END) OVER w," \
  " sum (CASE WHEN deals > 0 AND revenue_cents > 0 THEN deals ELSE 0 END) OVER w," \
  " sum (CASE WHEN deals > 0 AND revenue_cents > 0 THEN revenue_cents ELSE 0 END) OVER w" \
  " FROM activity_days WINDOW w AS (PARTITION BY campaign, rep ORDER BY date ROWS UNBOUNDED PRECEDING)"
#define ACTIVITY_RUNNING \
  "SELECT campaign, rep, date, entries, contacts, prospects, active, latent, arid, proposals, deals," \
  " revenue_cents, qualified_active, qualified_prospects, reached_contacts, reached_prospects," \
  " won_deals, won_revenue_cents FROM activity_running"

/* Schema 18: each rep's last running row, and as it should be. */
#define ACTIVITY_RUNNING_LAST \
  "SELECT campaign, rep, date, entries, contacts, prospects, active, latent, arid, proposals, deals," \
  " revenue_cents, qualified_active, qualified_prospects, reached_contacts, reached_prospects," \
  " won_deals, won_revenue_cents FROM activity_running_last"
#define LAST_OF_RUNNING \
  ACTIVITY_RUNNING " AS r WHERE date = (SELECT max (date) FROM activity_running" \
  " WHERE campaign = r.campaign AND rep = r.rep)"

/* The running sums hold exactly the recomputation: no row missing, none
 * extra, none off; and each rep's last row is its last one. */
static inline void
assert_running_exact (const char *path)
{
  assert_int_equal (raw_int (path, "SELECT count(*) FROM (" RUNNING_FROM_DAYS " EXCEPT " ACTIVITY_RUNNING ") AS t"),
                    0);
  assert_int_equal (raw_int (path, "SELECT count(*) FROM (" ACTIVITY_RUNNING " EXCEPT " RUNNING_FROM_DAYS ") AS t"),
                    0);
  assert_int_equal (raw_int (path, "SELECT count(*) FROM activity_running"),
                    raw_int (path, "SELECT count(*) FROM activity_days"));
  assert_int_equal (raw_int (path, "SELECT count(*) FROM (" LAST_OF_RUNNING " EXCEPT " ACTIVITY_RUNNING_LAST ") AS t"),
                    0);
  assert_int_equal (raw_int (path, "SELECT count(*) FROM (" ACTIVITY_RUNNING_LAST " EXCEPT " LAST_OF_RUNNING ") AS t"),
                    0);
  assert_int_equal (raw_int (path, "SELECT count(*) FROM activity_running_last"),
                    raw_int (path, "SELECT count(*) FROM (SELECT DISTINCT campaign, rep FROM activity_days) AS t"));
}

/* The per-day tables hold exactly the GROUP BY of activity: no row
 * missing, none extra (a day with no entry left included), none off. */
static inline void
assert_summaries_exact (const char *path)
{
  g_autofree char *integrity = NULL;

  assert_int_equal (raw_int (path, "SELECT count(*) FROM (" GROUP_ACTIVITY_BY_DAY
                                   " EXCEPT " ACTIVITY_DAYS ") AS t"),
                    0);
  assert_int_equal (raw_int (path, "SELECT count(*) FROM (" ACTIVITY_DAYS
                                   " EXCEPT " GROUP_ACTIVITY_BY_DAY ") AS t"),
                    0);
  assert_int_equal (raw_int (path, "SELECT count(*) FROM (" GROUP_ACTIVITY_BY_TEAM_DAY
                                   " EXCEPT " ACTIVITY_TEAM_DAYS ") AS t"),
                    0);
  assert_int_equal (raw_int (path, "SELECT count(*) FROM (" ACTIVITY_TEAM_DAYS
                                   " EXCEPT " GROUP_ACTIVITY_BY_TEAM_DAY ") AS t"),
                    0);
  assert_int_equal (raw_int (path, "SELECT count(*) FROM activity_days WHERE entries <= 0"), 0);
  assert_int_equal (raw_int (path, "SELECT count(*) FROM activity_team_days WHERE entries <= 0"), 0);
  assert_running_exact (path);
  if (pd_store_name_is_server (path))
    return; /* the server checks its own pages */
  integrity = raw_text (path, "PRAGMA integrity_check");
  assert_string_equal (integrity, "ok");
}

static inline gboolean
is_database_id (const char *id)
{
  if (id == NULL || strlen (id) != 32)
    return FALSE;
  for (const char *c = id; *c != '\0'; c++)
    if (!g_ascii_isxdigit (*c) || g_ascii_isupper (*c))
      return FALSE;
  return TRUE;
}

/* Before and after cmocka_run_group_tests(): the tests' temporary root
 * (`template` for g_dir_make_tmp()), XDG_DATA_HOME inside it, and its
 * removal. */
static inline gboolean
store_tests_begin (const char *template)
{
  g_autofree char *data_dir = NULL;

  root_dir = g_dir_make_tmp (template, NULL);
  if (root_dir == NULL)
    return FALSE;
  /* Before anything asks GLib for it: g_get_user_data_dir() caches. */
  data_dir = g_build_filename (root_dir, "xdg-data", NULL);
  g_setenv ("XDG_DATA_HOME", data_dir, TRUE);
  return TRUE;
}

/* Runs one binary's tests as one group: `common` on the backend of the
 * run, then those of that backend only (sqlite_only or pg_only; either
 * may be NULL). Its name says which backend ran. */
static inline int
store_tests_run (const char *name,
                 const struct CMUnitTest *common, gsize n_common,
                 const struct CMUnitTest *sqlite_only, gsize n_sqlite_only,
                 const struct CMUnitTest *pg_only, gsize n_pg_only)
{
  g_autoptr (GArray) tests = g_array_new (FALSE, FALSE, sizeof (struct CMUnitTest));
  g_autofree char *group = g_strdup_printf ("%s (%s)", name, store_test_pg () ? "PostgreSQL" : "SQLite");

  g_array_append_vals (tests, common, (guint) n_common);
  if (store_test_pg ())
    {
      if (pg_only != NULL)
        g_array_append_vals (tests, pg_only, (guint) n_pg_only);
    }
  else if (sqlite_only != NULL)
    g_array_append_vals (tests, sqlite_only, (guint) n_sqlite_only);
  return _cmocka_run_group_tests (group, (const struct CMUnitTest *) (gpointer) tests->data, tests->len,
                                  NULL, NULL);
}

static inline void
store_tests_end (void)
{
  remove_tree (root_dir);
  g_clear_pointer (&root_dir, g_free);
}
