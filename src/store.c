/* SPDX-License-Identifier: MIT
 *
 * store: the SQLite backend of include/prospectd/store.h.
 *
 * The only file of prospectd that speaks SQL or includes sqlite3.h. It owns
 * the schema and its migrations, the connection settings (WAL, busy
 * timeout, foreign keys, file modes) and the translation of SQLite errors
 * into PD_STORE_ERROR. Every statement is prepared with bound parameters;
 * the only SQL text built at run time is the `PRAGMA user_version = N` of a
 * migration step, N being a constant of the table below (PRAGMA takes no
 * parameters). The status sums read per-day tables that triggers on
 * activity keep up to date (schema 4), and the statements of the hot paths
 * are prepared once per connection.
 *
 * Transactions: every write runs in BEGIN IMMEDIATE ... COMMIT. A deferred
 * transaction that reads and then writes gets SQLITE_BUSY at once when
 * another writer committed in between, whatever the busy timeout
 * (PITFALLS 14); BEGIN IMMEDIATE takes the write lock first and so waits
 * on the busy handler like any other lock. Reads that run more than one
 * statement use a deferred (read) transaction for one consistent snapshot.
 */
#define G_LOG_DOMAIN "prospectd-store"

#include "prospectd/store.h"
#include "prospectd/token.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <glib.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

/* A statement of PdStore's cache (prepare_cached()), lent to one call:
 * g_autoptr (CachedStmt) resets it and clears its bindings when the
 * caller is done, instead of finalizing it. The reset matters: until
 * then a read keeps its snapshot (and blocks WAL checkpoints past it). */
typedef sqlite3_stmt CachedStmt;

static void
release_cached (CachedStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

/* Kept together: the cleanup functions of SQLite types. They cannot live in
 * a header, since only this file may include sqlite3.h. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CachedStmt, release_cached)

#define BUSY_TIMEOUT_MS 5000

/* The statements of the hot paths (logging an outcome, the status reads),
 * prepared once per connection. Preparing the INSERT into activity costs
 * more than running it: it compiles the summary triggers (about 90 us
 * against 10 without them), and the status reads run the same two
 * queries over and over in the daemon. */
typedef enum {
  CACHED_REQUIRE_CAMPAIGN,
  CACHED_INSERT_ACTIVITY,
  CACHED_TOTALS_REP,
  CACHED_TOTALS_TEAM,
  CACHED_DAILY_REP,
  CACHED_DAILY_TEAM,
  N_CACHED
} CachedId;

struct _PdStore {
  sqlite3 *db;
  char *path;
  sqlite3_stmt *cached[N_CACHED]; /* owned; NULL until first used */
  guint tightened_from;            /* the file's mode when open made it 0600, else 0 */
  guint64 device, inode;           /* the file opened (0, 0 in memory) */
  guint64 companions[2][2];        /* device and inode of its -wal and -shm once opened */
};

static const char *const companion_suffixes[] = { "-wal", "-shm" };

/* Device and inode of the file at `path`, or zeros. */
static void
file_identity (const char *path, guint64 ret_identity[2])
{
  GStatBuf info;

  ret_identity[0] = ret_identity[1] = 0;
  if (g_stat (path, &info) == 0)
    {
      ret_identity[0] = (guint64) info.st_dev;
      ret_identity[1] = (guint64) info.st_ino;
    }
}

G_DEFINE_QUARK (pd-store-error-quark, pd_store_error)

/* ------------------------------------------------------------- schema */

/* The sums of a day (schema 4's activity_days and activity_team_days),
 * and adding a change to them: written once for both tables. */
#define DAY_SUM_COLUMNS \
  "  entries INTEGER NOT NULL CHECK (entries >= 0)," \
  "  contacts INTEGER NOT NULL CHECK (contacts >= 0)," \
  "  prospects INTEGER NOT NULL CHECK (prospects >= 0)," \
  "  active INTEGER NOT NULL CHECK (active >= 0)," \
  "  latent INTEGER NOT NULL CHECK (latent >= 0)," \
  "  arid INTEGER NOT NULL CHECK (arid >= 0)," \
  "  proposals INTEGER NOT NULL CHECK (proposals >= 0)," \
  "  deals INTEGER NOT NULL CHECK (deals >= 0)," \
  "  revenue_cents INTEGER NOT NULL CHECK (revenue_cents >= 0)," \
  "  CONSTRAINT day_sums_are_integers CHECK (" \
  "    typeof (entries) = 'integer' AND typeof (contacts) = 'integer'" \
  "    AND typeof (prospects) = 'integer' AND typeof (active) = 'integer'" \
  "    AND typeof (latent) = 'integer' AND typeof (arid) = 'integer'" \
  "    AND typeof (proposals) = 'integer' AND typeof (deals) = 'integer'" \
  "    AND typeof (revenue_cents) = 'integer'),"
#define DAY_SUMS_ADD_NEW \
  "      entries = entries + NEW.entries," \
  "      contacts = contacts + NEW.contacts," \
  "      prospects = prospects + NEW.prospects," \
  "      active = active + NEW.active," \
  "      latent = latent + NEW.latent," \
  "      arid = arid + NEW.arid," \
  "      proposals = proposals + NEW.proposals," \
  "      deals = deals + NEW.deals," \
  "      revenue_cents = revenue_cents + NEW.revenue_cents"

/* The triggers that keep schema 4's day sums (written once: step 4
 * creates them, step 5 again on the rebuilt activity table). */
#define ACTIVITY_DAY_TRIGGERS \
    "CREATE TRIGGER activity_days_insert AFTER INSERT ON activity BEGIN" \
    "  INSERT INTO activity_day_changes VALUES (NEW.campaign, NEW.rep, NEW.date, 1," \
    "    NEW.contacts, NEW.prospects, NEW.active, NEW.latent, NEW.arid," \
    "    NEW.proposals, NEW.deals, NEW.revenue_cents);" \
    "END;" \
    "CREATE TRIGGER activity_days_delete AFTER DELETE ON activity BEGIN" \
    "  INSERT INTO activity_day_changes VALUES (OLD.campaign, OLD.rep, OLD.date, -1," \
    "    -OLD.contacts, -OLD.prospects, -OLD.active, -OLD.latent, -OLD.arid," \
    "    -OLD.proposals, -OLD.deals, -OLD.revenue_cents);" \
    "END;" \
    "CREATE TRIGGER activity_days_update AFTER UPDATE OF campaign, rep, date," \
    "    contacts, prospects, active, latent, arid, proposals, deals, revenue_cents" \
    "    ON activity BEGIN" \
    "  INSERT INTO activity_day_changes VALUES (OLD.campaign, OLD.rep, OLD.date, -1," \
    "    -OLD.contacts, -OLD.prospects, -OLD.active, -OLD.latent, -OLD.arid," \
    "    -OLD.proposals, -OLD.deals, -OLD.revenue_cents);" \
    "  INSERT INTO activity_day_changes VALUES (NEW.campaign, NEW.rep, NEW.date, 1," \
    "    NEW.contacts, NEW.prospects, NEW.active, NEW.latent, NEW.arid," \
    "    NEW.proposals, NEW.deals, NEW.revenue_cents);" \
    "END;"

/* Migration steps: step i brings user_version from i to i + 1 by running
 * its texts in order (several texts only where one would pass the 4 095
 * characters ISO C guarantees for a literal). Append, never edit: a
 * released step has run on users' files. */
#define MIGRATION_TEXTS 4
static const char *const migrations[][MIGRATION_TEXTS] = {
  /* 0 -> 1: campaigns, activity, notifications. */
  { "CREATE TABLE campaigns ("
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
  ");" },

  /* 1 -> 2: schedule revisions; an index for per-rep sums up to a date
   * (covering: the totals of contacts never touch the table). */
  { "CREATE TABLE revisions ("
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
  "CREATE INDEX activity_by_rep_date ON activity (campaign, rep, date, contacts);" },

  /* 2 -> 3: the secret of each rep's feed URL (the feed server). */
  { "CREATE TABLE feed_tokens ("
  "  campaign TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,"
  "  rep TEXT NOT NULL,"
  "  token TEXT NOT NULL,"
  "  created INTEGER NOT NULL,"
  "  PRIMARY KEY (campaign, rep)"
  ") WITHOUT ROWID;" },

  /* 3 -> 4: the sums of each rep's day and of the team's day, kept by
   * triggers on activity, so that the status reads a few hundred rows
   * instead of every entry (issue 7, BENCHMARKS.md). They are derived
   * data: a row exists while at least one entry does, so a rep's day
   * appears in pd_store_daily_contacts() exactly when an entry is logged
   * for it.
   *
   * No foreign key: the sums follow activity and nothing else. Deleting
   * a campaign cascades to its activity, and the cascade fires the delete
   * trigger like any DELETE. A foreign key would add nothing to that, but
   * would make the backfill fail on a file holding entries of an unknown
   * campaign (written with foreign_keys off).
   *
   * Sums stay exact or fail. SQLite's "+" turns an integer overflow into
   * a REAL, which day_sums_are_integers rejects: a write that would take
   * a day's sum beyond 64 bits fails instead of storing a rounded number.
   * Sums over days use sum(), which fails on overflow, as before. The
   * backfill uses sum() too: a file whose days overflow already stays at
   * version 3, with an error.
   *
   * The index of step 2 served the sums that read these tables now. It
   * cost every logged outcome a page, and made listing slower: at
   * 1 000 000 rows, one rep's entries took 209 ms through it against 106
   * ms by reading the table, the whole team's 4.2 s against 0.7 s. */
  { "DROP INDEX activity_by_rep_date;"
    "CREATE TABLE activity_days ("
    "  campaign TEXT NOT NULL,"
    "  rep TEXT NOT NULL,"
    "  date TEXT NOT NULL,"
    DAY_SUM_COLUMNS
    "  PRIMARY KEY (campaign, rep, date)"
    ") WITHOUT ROWID;"
    "CREATE TABLE activity_team_days ("
    "  campaign TEXT NOT NULL,"
    "  date TEXT NOT NULL,"
    DAY_SUM_COLUMNS
    "  PRIMARY KEY (campaign, date)"
    ") WITHOUT ROWID;"
    "INSERT INTO activity_days (campaign, rep, date, entries, contacts, prospects,"
    "    active, latent, arid, proposals, deals, revenue_cents)"
    "  SELECT campaign, rep, date, count(*), sum(contacts), sum(prospects),"
    "    sum(active), sum(latent), sum(arid), sum(proposals), sum(deals),"
    "    sum(revenue_cents)"
    "  FROM activity GROUP BY campaign, rep, date;"
    "INSERT INTO activity_team_days (campaign, date, entries, contacts, prospects,"
    "    active, latent, arid, proposals, deals, revenue_cents)"
    "  SELECT campaign, date, sum(entries), sum(contacts), sum(prospects),"
    "    sum(active), sum(latent), sum(arid), sum(proposals), sum(deals),"
    "    sum(revenue_cents)"
    "  FROM activity_days GROUP BY campaign, date;",

    /* The arithmetic, written once: a change (an entry added: entries 1
     * and its counts; taken out: entries -1 and minus its counts) inserted
     * into this view, which nothing reads, is added to both tables by the
     * view's INSTEAD OF trigger. An addition first makes sure the day has
     * a row (all zeros: an UPSERT cannot take a removal, whose negative
     * row would fail the CHECKs before any conflict is seen); a removal
     * deletes the day once its entries fall to 0. The tests of
     * NEW.entries are evaluated once, before any lookup. */
    "CREATE VIEW activity_day_changes AS"
    "  SELECT campaign, rep, date, entries, contacts, prospects, active, latent,"
    "    arid, proposals, deals, revenue_cents"
    "  FROM activity_days WHERE 0;"
    "CREATE TRIGGER activity_day_changes_apply"
    "  INSTEAD OF INSERT ON activity_day_changes BEGIN"
    "  INSERT INTO activity_days (campaign, rep, date, entries, contacts, prospects,"
    "      active, latent, arid, proposals, deals, revenue_cents)"
    "    SELECT NEW.campaign, NEW.rep, NEW.date, 0, 0, 0, 0, 0, 0, 0, 0, 0"
    "    WHERE NEW.entries > 0"
    "    ON CONFLICT DO NOTHING;"
    "  UPDATE activity_days SET"
    DAY_SUMS_ADD_NEW
    "    WHERE campaign = NEW.campaign AND rep = NEW.rep AND date = NEW.date;"
    "  DELETE FROM activity_days"
    "    WHERE NEW.entries < 0 AND campaign = NEW.campaign AND rep = NEW.rep"
    "      AND date = NEW.date AND entries = 0;"
    "  INSERT INTO activity_team_days (campaign, date, entries, contacts, prospects,"
    "      active, latent, arid, proposals, deals, revenue_cents)"
    "    SELECT NEW.campaign, NEW.date, 0, 0, 0, 0, 0, 0, 0, 0, 0"
    "    WHERE NEW.entries > 0"
    "    ON CONFLICT DO NOTHING;"
    "  UPDATE activity_team_days SET"
    DAY_SUMS_ADD_NEW
    "    WHERE campaign = NEW.campaign AND date = NEW.date;"
    "  DELETE FROM activity_team_days"
    "    WHERE NEW.entries < 0 AND campaign = NEW.campaign AND date = NEW.date"
    "      AND entries = 0;"
    "END;",

    /* The changes of activity. An update takes the old values out before
     * putting the new ones in, so that a change of campaign, rep or date
     * moves the sums and no intermediate sum can overflow. prospectd never
     * writes activity with REPLACE, whose deletions fire no trigger unless
     * recursive_triggers is on. */
    ACTIVITY_DAY_TRIGGERS },

  /* 4 -> 5: entry ids are never reused (AUTOINCREMENT): SQLite would
   * hand the id of a removed last entry to the next one, and a rep who
   * removed #12 and logs again must not see a new #12. The table is
   * rebuilt (SQLite cannot add AUTOINCREMENT in place); the copy seeds
   * sqlite_sequence with the highest id kept. An id removed before this
   * upgrade above the highest kept one cannot be known. Dropping the old
   * table drops its triggers and fires none; the sums stay as they were.
   * Entries of a campaign never recorded (a file written with foreign
   * keys off) would fail the copy's foreign key, and foreign keys cannot
   * be turned off inside the upgrade's transaction: such a campaign is
   * recorded, named by its id, so that its entries are kept. */
  { "CREATE TABLE activity_new ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
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
    "INSERT INTO campaigns (id, name, first_seen)"
    "  SELECT DISTINCT campaign, campaign, 0 FROM activity"
    "  WHERE campaign NOT IN (SELECT id FROM campaigns);"
    "INSERT INTO activity_new (id, campaign, rep, date, contacts, prospects, active,"
    "    latent, arid, proposals, deals, revenue_cents, note, created)"
    "  SELECT id, campaign, rep, date, contacts, prospects, active, latent, arid,"
    "    proposals, deals, revenue_cents, note, created FROM activity;"
    "DROP TABLE activity;"
    "ALTER TABLE activity_new RENAME TO activity;",
    ACTIVITY_DAY_TRIGGERS },

  /* 5 -> 6: a catch-up restarts a rep's cumulative count at the contacts
   * logged (issue 11): the day it restarts carries that count. */
  { "ALTER TABLE revision_days ADD COLUMN base INTEGER CHECK (base IS NULL OR base >= 0);" },

  /* 6 -> 7: what the database says about itself; first, its id: 128
   * random bits (SQLite's generator, seeded by the system's), made once,
   * so that a feeds directory can name the database it belongs to
   * whatever path the file is opened at (issue 11). */
  { "CREATE TABLE meta ("
    "  key TEXT PRIMARY KEY NOT NULL,"
    "  value TEXT NOT NULL"
    ") WITHOUT ROWID;"
    "INSERT INTO meta (key, value) VALUES ('database_id', lower (hex (randomblob (16))));" },

  /* 7 -> 8: the day each rep first appeared in a campaign, the default
   * start of a rep added mid-campaign (issue 11). */
  { "CREATE TABLE rep_starts ("
    "  campaign TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,"
    "  rep TEXT NOT NULL,"
    "  first_seen TEXT NOT NULL,"
    "  PRIMARY KEY (campaign, rep)"
    ") WITHOUT ROWID;" },
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == PD_STORE_SCHEMA_VERSION);

/* ------------------------------------------------------------- errors */

static PdStoreError
error_code (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return PD_STORE_ERROR_BUSY;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_FORMAT:
      return PD_STORE_ERROR_CORRUPT;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_FULL:
    case SQLITE_AUTH:
      return PD_STORE_ERROR_IO;
    case SQLITE_CONSTRAINT:
    case SQLITE_TOOBIG:
    case SQLITE_RANGE:
    case SQLITE_MISMATCH:
      return PD_STORE_ERROR_INVALID;
    default:
      return PD_STORE_ERROR_FAILED;
    }
}

/* The edge where SQLite's errors become GErrors. Callers add what they
 * were doing with g_prefix_error(). Must run before anything (ROLLBACK)
 * resets the connection's error message. */
static void
set_sqlite_error (GError **error, sqlite3 *db, int rc)
{
  g_set_error_literal (error, PD_STORE_ERROR, error_code (rc),
                       db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
}

/* ---------------------------------------------------------- statements */

static sqlite3_stmt *
prepare (PdStore *store, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (store->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, store->db, rc);
      sqlite3_finalize (stmt);
      return NULL;
    }
  return stmt;
}

/* The statement `id`, prepared from `sql` on first use. Each id has one
 * SQL text, and one user at a time (none of these nest). */
static CachedStmt *
prepare_cached (PdStore *store, CachedId id, const char *sql, GError **error)
{
  int rc;

  if (store->cached[id] != NULL)
    return store->cached[id];
  rc = sqlite3_prepare_v3 (store->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                           &store->cached[id], NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, store->db, rc);
      g_clear_pointer (&store->cached[id], sqlite3_finalize);
      return NULL;
    }
  return store->cached[id];
}

/* Binds a C string, NULL as SQL NULL. SQLITE_TRANSIENT: the caller's
 * string need not outlive the statement. */
static int
bind_text (sqlite3_stmt *stmt, int index, const char *text)
{
  if (text == NULL)
    return sqlite3_bind_null (stmt, index);
  return sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

/* Steps a statement that returns no row (or whose rows are ignored). */
static gboolean
step_done (PdStore *store, sqlite3_stmt *stmt, GError **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, store->db, rc);
      return FALSE;
    }
  return TRUE;
}

/* Runs constant SQL without parameters (transaction control, DDL). */
static gboolean
exec_sql (PdStore *store, const char *sql, GError **error)
{
  int rc = sqlite3_exec (store->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, store->db, rc);
      return FALSE;
    }
  return TRUE;
}

/* A constant query returning one integer (PRAGMAs). */
static gboolean
query_int (PdStore *store, const char *sql, gint64 *ret_value, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = prepare (store, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_FAILED,
                     _("No result from '%s'"), sql);
      else
        set_sqlite_error (error, store->db, rc);
      return FALSE;
    }
  *ret_value = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/* -------------------------------------------------------- transactions */

static gboolean
begin_write (PdStore *store, GError **error)
{
  return exec_sql (store, "BEGIN IMMEDIATE", error);
}

static gboolean
begin_read (PdStore *store, GError **error)
{
  return exec_sql (store, "BEGIN", error);
}

static void
rollback (PdStore *store)
{
  /* A failed COMMIT may already have ended the transaction. */
  if (!sqlite3_get_autocommit (store->db))
    sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Ends the transaction begun by begin_write() or begin_read(): commits when
 * `ok`, else rolls back (error is set already). Returns whether everything
 * was committed. */
static gboolean
finish (PdStore *store, gboolean ok, GError **error)
{
  if (ok && exec_sql (store, "COMMIT", error))
    return TRUE;
  rollback (store);
  return FALSE;
}

/* --------------------------------------------------------------- dates */

#define DATE_TEXT_SIZE sizeof "YYYY-MM-DD"

static gboolean
check_date (const GDate *date, const char *what, GError **error)
{
  if (date == NULL || !g_date_valid (date)
      || g_date_get_year (date) < 1 || g_date_get_year (date) > 9999)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                   _("Invalid %s date"), what);
      return FALSE;
    }
  return TRUE;
}

/* YYYY-MM-DD, which sorts as text in date order for years 1 to 9999. */
static void
format_date (const GDate *date, char text[DATE_TEXT_SIZE])
{
  g_snprintf (text, DATE_TEXT_SIZE, "%04u-%02u-%02u",
              (unsigned) g_date_get_year (date),
              (unsigned) g_date_get_month (date),
              (unsigned) g_date_get_day (date));
}

static gboolean
parse_date (const unsigned char *text, GDate *ret_date, GError **error)
{
  unsigned year = 0, month = 0, day = 0;
  const char *s = (const char *) text;

  if (s != NULL && strlen (s) == DATE_TEXT_SIZE - 1
      && g_ascii_isdigit (s[0]) && g_ascii_isdigit (s[1])
      && g_ascii_isdigit (s[2]) && g_ascii_isdigit (s[3]) && s[4] == '-'
      && g_ascii_isdigit (s[5]) && g_ascii_isdigit (s[6]) && s[7] == '-'
      && g_ascii_isdigit (s[8]) && g_ascii_isdigit (s[9]))
    {
      year = (unsigned) ((s[0] - '0') * 1000 + (s[1] - '0') * 100
                         + (s[2] - '0') * 10 + (s[3] - '0'));
      month = (unsigned) ((s[5] - '0') * 10 + (s[6] - '0'));
      day = (unsigned) ((s[8] - '0') * 10 + (s[9] - '0'));
    }
  if (year < 1 || month < 1 || month > 12
      || !g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT,
                   _("Invalid date in the database: '%s'"), s != NULL ? s : "");
      return FALSE;
    }
  g_date_clear (ret_date, 1);
  g_date_set_dmy (ret_date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  return TRUE;
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static gboolean
check_name (const char *value, const char *what, GError **error)
{
  if (value == NULL || *value == '\0')
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                   _("Empty %s"), what);
      return FALSE;
    }
  return TRUE;
}

/* Inside a transaction: NOT_FOUND unless campaign `id` is known. Checked
 * rather than left to the foreign key, whose error does not say which. */
static gboolean
require_campaign (PdStore *store, const char *id, GError **error)
{
  g_autoptr (CachedStmt) stmt =
    prepare_cached (store, CACHED_REQUIRE_CAMPAIGN, "SELECT 1 FROM campaigns WHERE id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc == SQLITE_DONE)
    g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND,
                 _("Unknown campaign: '%s'"), id);
  else
    set_sqlite_error (error, store->db, rc);
  return FALSE;
}

/* ------------------------------------------------------ open and close */

char *
pd_store_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "prospectd", "prospectd.db",
                           NULL);
}

/* Brings the schema to PD_STORE_SCHEMA_VERSION. The version is re-read
 * once the write lock is held: another process may have migrated the file
 * between our first look and the lock (PITFALLS 16). Steps and version bump
 * commit together, so a crash leaves the old version intact. */
static gboolean
migrate (PdStore *store, GError **error)
{
  gint64 version = 0;
  gboolean ok;

  if (!query_int (store, "PRAGMA user_version", &version, error))
    return FALSE;
  if (version == PD_STORE_SCHEMA_VERSION)
    return TRUE;
  if (version < 0 || version > PD_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_VERSION,
                   _("Schema version %" G_GINT64_FORMAT
                     " is not supported (this prospectd knows up to %d)"),
                   version, PD_STORE_SCHEMA_VERSION);
      return FALSE;
    }

  if (!begin_write (store, error))
    return FALSE;
  ok = query_int (store, "PRAGMA user_version", &version, error);
  for (; ok && version < PD_STORE_SCHEMA_VERSION; version++)
    {
      /* A constant from this file, not user input (PRAGMA binds nothing). */
      g_autofree char *bump =
        g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT, version + 1);

      ok = TRUE;
      for (guint i = 0; ok && i < MIGRATION_TEXTS && migrations[version][i] != NULL; i++)
        ok = exec_sql (store, migrations[version][i], error);
      ok = ok && exec_sql (store, bump, error);
      if (!ok)
        g_prefix_error (error, _("Upgrade to schema version %" G_GINT64_FORMAT
                                 " failed: "), version + 1);
    }
  return finish (store, ok, error);
}

/* Connection settings, then the schema. */
static gboolean
configure (PdStore *store, gboolean in_memory, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  const char *mode;
  int rc;

  sqlite3_extended_result_codes (store->db, 1);
  /* Every lock, BEGIN IMMEDIATE's included, waits up to this long. */
  sqlite3_busy_timeout (store->db, BUSY_TIMEOUT_MS);

  /* The first statement to read the file: a file that is not a database
   * fails here with SQLITE_NOTADB. journal_mode=WAL is persistent (stored
   * in the file) and answers the mode in effect. */
  stmt = prepare (store, "PRAGMA journal_mode = WAL", error);
  if (stmt == NULL)
    return FALSE;
  /* Switching a rollback-journal file to WAL needs an exclusive lock, and
   * when several processes open the file at once SQLite answers
   * SQLITE_BUSY without calling the busy handler (it would deadlock
   * otherwise). Retry for as long as busy_timeout would have waited. */
  rc = sqlite3_step (stmt);
  for (int waited = 0; (rc & 0xff) == SQLITE_BUSY && waited < BUSY_TIMEOUT_MS; waited += 10)
    {
      sqlite3_reset (stmt);
      g_usleep (10 * 1000);
      rc = sqlite3_step (stmt);
    }
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (error, store->db, rc);
      return FALSE;
    }
  mode = (const char *) sqlite3_column_text (stmt, 0);
  if (g_strcmp0 (mode, in_memory ? "memory" : "wal") != 0)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_IO,
                   _("Cannot use write-ahead logging (journal mode is '%s'); "
                     "is the file on a network file system?"),
                   mode != NULL ? mode : "");
      return FALSE;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  /* Why NORMAL and not FULL: in WAL mode a commit is complete once its
   * frames are written to the -wal file, i.e. handed to the kernel. A
   * process killed (SIGKILL, crash) right after pd_store_add_activity()
   * returned loses nothing: the kernel still writes the page cache out and
   * the next open replays the WAL. What NORMAL gives up is the fsync at
   * each commit, so a power loss or kernel crash may lose the last
   * commits (never corrupt the file: WAL is fsynced at each checkpoint).
   * For a log of calls that the rep can re-enter, that is the right trade
   * against an fsync per `prospectctl log`. */
  return exec_sql (store, "PRAGMA synchronous = NORMAL", error)
         && exec_sql (store, "PRAGMA foreign_keys = ON", error)
         && migrate (store, error);
}

/* The existing file at store->path (a symbolic link is followed: a
 * database kept elsewhere is a choice) must be a regular file; one that
 * others may read or write is made 0600, its -wal and -shm too, and the
 * mode it had is kept for pd_store_tightened_mode(). A missing file is
 * created later, 0600 under umask 077. */
static gboolean
check_file (PdStore *store, GError **error)
{
  GStatBuf info;

  if (g_stat (store->path, &info) != 0)
    return TRUE; /* missing: created; anything else: SQLite says it */
  if (!S_ISREG (info.st_mode))
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_IO,
                   _("Cannot open the database '%s': not a regular file"), store->path);
      return FALSE;
    }
  if ((info.st_mode & 077) == 0)
    return TRUE;
  if (g_chmod (store->path, info.st_mode & 0700) != 0)
    return TRUE; /* not ours to change: used as it is */
  store->tightened_from = info.st_mode & 0777;
  for (guint i = 0; i < G_N_ELEMENTS (companion_suffixes); i++)
    {
      g_autofree char *companion = g_strconcat (store->path, companion_suffixes[i], NULL);
      GStatBuf companion_info;

      if (g_lstat (companion, &companion_info) == 0 && S_ISREG (companion_info.st_mode))
        g_chmod (companion, companion_info.st_mode & 0700);
    }
  return TRUE;
}

guint
pd_store_tightened_mode (const PdStore *store)
{
  g_return_val_if_fail (store != NULL, 0);
  return store->tightened_from;
}

PdStore *
pd_store_open (const char *path, GError **error)
{
  g_autoptr (PdStore) store = g_new0 (PdStore, 1);
  gboolean in_memory = g_strcmp0 (path, ":memory:") == 0;
  mode_t old_umask;
  gboolean ok;
  int rc;

  if (path != NULL && *path == '\0')
    {
      /* SQLite would open a private temporary database: not what anyone meant. */
      g_set_error_literal (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                           _("Cannot open the database: empty path"));
      return NULL;
    }
  store->path = path != NULL ? g_strdup (path) : pd_store_default_path ();

  /* The data is one user's business: directory 0700, files 0600. SQLite
   * gives -wal and -shm the database file's mode (PITFALLS 17), and the
   * database file gets 0666 & ~umask: hence umask 077 while it may be
   * created. umask is per process, hence the warning in the header. */
  old_umask = umask (077);

  if (!in_memory)
    {
      g_autofree char *dir = g_path_get_dirname (store->path);

      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          int saved_errno = errno;

          umask (old_umask);
          g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_IO,
                       _("Cannot create the database directory '%s': %s"),
                       dir, g_strerror (saved_errno));
          return NULL;
        }
    }

  if (!in_memory && !check_file (store, error))
    {
      umask (old_umask);
      return NULL;
    }

  /* NOMUTEX: a PdStore is used from one thread at a time (store.h), so
   * the connection's own mutex only costs: SQLite takes it in every
   * sqlite3_step() and sqlite3_column_*() call, 14 % of the instructions
   * of the team's daily contacts (340 000 rows, make bench). */
  rc = sqlite3_open_v2 (store->path, &store->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, store->db, rc);
      ok = FALSE;
    }
  else
    ok = configure (store, in_memory, error);

  umask (old_umask);

  if (!ok)
    {
      g_prefix_error (error, _("Cannot open the database '%s': "), store->path);
      return NULL;
    }
  if (!in_memory)
    {
      guint64 identity[2];

      file_identity (store->path, identity);
      store->device = identity[0];
      store->inode = identity[1];
      for (guint i = 0; i < G_N_ELEMENTS (companion_suffixes); i++)
        {
          g_autofree char *companion = g_strconcat (store->path, companion_suffixes[i], NULL);

          file_identity (companion, store->companions[i]);
        }
    }
  return g_steal_pointer (&store);
}

/* A dry run's database: the file's content, copied with SQLite's backup
 * API into a private in-memory database that then takes every write.
 *
 * The file is opened read-write but never created and with query_only on:
 * a read-only connection to a WAL database creates its -wal and -shm files
 * when they are missing and leaves them behind, while a read-write one, if
 * it is the last to close, removes them again. Closing does not write to
 * the file either, unless the -wal of a crashed process still holds
 * commits (the checkpoint any opening would do: the content stays the
 * same). The copy is one read transaction: a consistent snapshot, even
 * with the daemon writing. */
PdStore *
pd_store_open_copy (const char *path, gboolean *ret_missing, GError **error)
{
  g_autoptr (PdStore) store = g_new0 (PdStore, 1);
  sqlite3 *source = NULL;
  gboolean missing;
  gboolean ok = TRUE;
  int rc;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (path != NULL && *path == '\0')
    {
      g_set_error_literal (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                           _("Cannot open the database: empty path"));
      return NULL;
    }
  store->path = path != NULL ? g_strdup (path) : pd_store_default_path ();
  missing = !g_file_test (store->path, G_FILE_TEST_EXISTS);

  rc = sqlite3_open_v2 (":memory:", &store->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, store->db, rc);
      ok = FALSE;
    }
  if (ok && !missing)
    {
      rc = sqlite3_open_v2 (store->path, &source, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
      if (rc == SQLITE_OK)
        {
          sqlite3_extended_result_codes (source, 1);
          sqlite3_busy_timeout (source, BUSY_TIMEOUT_MS);
          rc = sqlite3_exec (source, "PRAGMA query_only = ON", NULL, NULL, NULL);
        }
      if (rc == SQLITE_OK)
        {
          sqlite3_backup *backup = sqlite3_backup_init (store->db, "main", source, "main");

          if (backup == NULL)
            rc = sqlite3_errcode (store->db);
          else
            {
              rc = sqlite3_backup_step (backup, -1);
              sqlite3_backup_finish (backup);
              rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
            }
        }
      if (rc != SQLITE_OK)
        {
          set_sqlite_error (error, source != NULL ? source : store->db, rc);
          ok = FALSE;
        }
      sqlite3_close_v2 (source);
    }
  ok = ok && configure (store, TRUE, error);
  if (!ok)
    {
      g_prefix_error (error, _("Cannot open the database '%s': "), store->path);
      return NULL;
    }
  if (ret_missing != NULL)
    *ret_missing = missing;
  return g_steal_pointer (&store);
}

void
pd_store_close (PdStore *store)
{
  if (store == NULL)
    return;
  for (gsize i = 0; i < G_N_ELEMENTS (store->cached); i++)
    g_clear_pointer (&store->cached[i], sqlite3_finalize);
  /* close_v2: a statement left unfinalized (a bug) delays the close rather
   * than leaking the connection. The last connection to close checkpoints
   * the WAL and removes -wal and -shm. */
  sqlite3_close_v2 (store->db);
  g_free (store->path);
  g_free (store);
}

PdStoreFile
pd_store_file_state (const PdStore *store)
{
  GStatBuf info;

  g_return_val_if_fail (store != NULL, PD_STORE_FILE_SAME);

  if (store->device == 0 && store->inode == 0)
    return PD_STORE_FILE_SAME; /* in memory */
  if (g_stat (store->path, &info) != 0)
    return errno == ENOENT ? PD_STORE_FILE_GONE : PD_STORE_FILE_SAME;
  if ((guint64) info.st_dev != store->device || (guint64) info.st_ino != store->inode)
    return PD_STORE_FILE_REPLACED;
  return PD_STORE_FILE_SAME;
}

void
pd_store_abandon (PdStore *store)
{
  g_autofree char *path = NULL;
  gboolean own[G_N_ELEMENTS (companion_suffixes)];

  if (store == NULL)
    return;
  /* SQLite skips the checkpoint on close, and with it the removal of
   * -wal and -shm, once the file has moved (its path names another file
   * or none). Those of another database (the path removed with its -wal
   * and -shm, then a new database created there) must indeed stay; but
   * this file's own, left at the path, would be read as the new file's
   * WAL: they are removed here. */
  for (guint i = 0; i < G_N_ELEMENTS (companion_suffixes); i++)
    {
      g_autofree char *companion = g_strconcat (store->path, companion_suffixes[i], NULL);
      guint64 identity[2];

      file_identity (companion, identity);
      own[i] = (identity[0] != 0 || identity[1] != 0)
               && identity[0] == store->companions[i][0] && identity[1] == store->companions[i][1];
    }
  path = g_strdup (store->path);
  pd_store_close (store);
  for (guint i = 0; i < G_N_ELEMENTS (companion_suffixes); i++)
    {
      g_autofree char *companion = g_strconcat (path, companion_suffixes[i], NULL);

      if (own[i])
        g_unlink (companion);
    }
}

void
pd_store_free (PdStore *store)
{
  pd_store_close (store);
}

const char *
pd_store_path (const PdStore *store)
{
  g_return_val_if_fail (store != NULL, NULL);
  return store->path;
}

char *
pd_store_database_id (PdStore *store, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  const unsigned char *id;
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = prepare (store, "SELECT value FROM meta WHERE key = 'database_id'", error);
  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      set_sqlite_error (error, store->db, rc);
      return NULL;
    }
  id = rc == SQLITE_ROW ? sqlite3_column_text (stmt, 0) : NULL;
  if (id == NULL || *id == '\0')
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT,
                   _("The database '%s' has no id"), store->path);
      return NULL;
    }
  return g_strdup ((const char *) id);
}

/* ------------------------------------------------------------ campaigns */

gboolean
pd_store_ensure_campaign (PdStore *store,
                          const char *id,
                          const char *name,
                          GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_name (id, _("campaign id"), error))
    return FALSE;
  if (!begin_write (store, error))
    goto fail;
  stmt = prepare (store,
                  "INSERT INTO campaigns (id, name, first_seen) VALUES (?1, ?2, ?3)"
                  " ON CONFLICT (id) DO UPDATE SET name = excluded.name"
                  " WHERE name IS NOT excluded.name",
                  error);
  ok = stmt != NULL;
  if (ok)
    {
      bind_text (stmt, 1, id);
      bind_text (stmt, 2, name != NULL ? name : id);
      sqlite3_bind_int64 (stmt, 3, now_seconds ());
      ok = step_done (store, stmt, error);
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (finish (store, ok, error))
    return TRUE;
fail:
  g_prefix_error (error, _("Cannot record the campaign '%s': "), id);
  return FALSE;
}

/* The recorded first days of a campaign's reps, inside a transaction. */
static gboolean
read_rep_starts (PdStore *store, const char *campaign, GHashTable *starts, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = prepare (store, "SELECT rep, first_seen FROM rep_starts WHERE campaign = ?1",
                                           error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, campaign);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      GDate date;

      if (!parse_date (sqlite3_column_text (stmt, 1), &date, error))
        return FALSE;
      g_hash_table_insert (starts, g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                           GUINT_TO_POINTER (g_date_get_julian (&date)));
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, store->db, rc);
      return FALSE;
    }
  return TRUE;
}

gboolean
pd_store_rep_starts (PdStore *store, const char *campaign, const char *const *reps, guint n_reps,
                     const GDate *today, const GDate *founding, gboolean record, GDate *ret_dates,
                     GError **error)
{
  g_autoptr (GHashTable) starts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean ok, missing = FALSE;

  g_return_val_if_fail (store != NULL && campaign != NULL, FALSE);
  g_return_val_if_fail (today != NULL && founding != NULL && ret_dates != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Read first: once every rep is known (the usual case), nothing is written. */
  if (!begin_read (store, error))
    goto fail;
  ok = read_rep_starts (store, campaign, starts, error);
  if (!finish (store, ok, error))
    goto fail;
  for (guint i = 0; i < n_reps; i++)
    missing = missing || !g_hash_table_contains (starts, reps[i]);

  if (missing && !record)
    {
      /* Not recorded: the day they would be recorded with. */
      GDate day = g_hash_table_size (starts) == 0 ? *founding : *today;
      for (guint i = 0; i < n_reps; i++)
        if (!g_hash_table_contains (starts, reps[i]))
          g_hash_table_insert (starts, g_strdup (reps[i]), GUINT_TO_POINTER (g_date_get_julian (&day)));
      missing = FALSE;
    }
  if (missing)
    {
      g_autoptr (sqlite3_stmt) stmt = NULL;
      char date[DATE_TEXT_SIZE];

      if (!begin_write (store, error))
        goto fail;
      g_hash_table_remove_all (starts);
      ok = require_campaign (store, campaign, error) && read_rep_starts (store, campaign, starts, error);
      /* The reps of a campaign seen for the first time are its founding team. */
      format_date (g_hash_table_size (starts) == 0 ? founding : today, date);
      if (ok)
        ok = (stmt = prepare (store, "INSERT INTO rep_starts (campaign, rep, first_seen) VALUES (?1, ?2, ?3)",
                              error)) != NULL;
      for (guint i = 0; ok && i < n_reps; i++)
        {
          if (g_hash_table_contains (starts, reps[i]))
            continue;
          sqlite3_reset (stmt);
          bind_text (stmt, 1, campaign);
          bind_text (stmt, 2, reps[i]);
          bind_text (stmt, 3, date);
          ok = step_done (store, stmt, error);
          if (ok)
            {
              GDate day;
              ok = parse_date ((const unsigned char *) date, &day, error);
              g_hash_table_insert (starts, g_strdup (reps[i]), GUINT_TO_POINTER (g_date_get_julian (&day)));
            }
        }
      g_clear_pointer (&stmt, sqlite3_finalize);
      if (!finish (store, ok, error))
        goto fail;
    }

  for (guint i = 0; i < n_reps; i++)
    {
      g_date_clear (&ret_dates[i], 1);
      g_date_set_julian (&ret_dates[i], GPOINTER_TO_UINT (g_hash_table_lookup (starts, reps[i])));
    }
  return TRUE;

fail:
  g_prefix_error (error, _("Cannot record the reps of '%s': "), campaign);
  return FALSE;
}

/* ------------------------------------------------------------- activity */

PdActivity *
pd_activity_new (void)
{
  PdActivity *activity = g_new0 (PdActivity, 1);

  g_date_clear (&activity->date, 1);
  return activity;
}

void
pd_activity_free (PdActivity *activity)
{
  if (activity == NULL)
    return;
  g_free (activity->campaign);
  g_free (activity->rep);
  g_free (activity->note);
  g_free (activity);
}

static gboolean
check_activity (const PdActivity *activity, GError **error)
{
  const struct {
    const char *name;
    gint64 value;
  } counts[] = {
    { "contacts", activity->contacts },
    { "prospects", activity->prospects },
    { "active", activity->active },
    { "latent", activity->latent },
    { "arid", activity->arid },
    { "proposals", activity->proposals },
    { "deals", activity->deals },
    { "revenue", activity->revenue_cents },
  };

  if (!check_name (activity->campaign, _("campaign id"), error)
      || !check_name (activity->rep, _("rep name"), error)
      || !check_date (&activity->date, _("activity"), error))
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (counts); i++)
    if (counts[i].value < 0)
      {
        g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                     _("Negative %s: '%" G_GINT64_FORMAT "'"),
                     counts[i].name, counts[i].value);
        return FALSE;
      }
  return TRUE;
}

static gboolean
insert_activity (PdStore *store, const PdActivity *activity, gint64 *ret_id,
                 GError **error)
{
  g_autoptr (CachedStmt) stmt = NULL;
  char date[DATE_TEXT_SIZE];

  if (!require_campaign (store, activity->campaign, error))
    return FALSE;
  stmt = prepare_cached (store, CACHED_INSERT_ACTIVITY,
                         "INSERT INTO activity (campaign, rep, date, contacts, prospects,"
                         " active, latent, arid, proposals, deals, revenue_cents, note,"
                         " created)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                         error);
  if (stmt == NULL)
    return FALSE;
  format_date (&activity->date, date);
  bind_text (stmt, 1, activity->campaign);
  bind_text (stmt, 2, activity->rep);
  bind_text (stmt, 3, date);
  sqlite3_bind_int64 (stmt, 4, activity->contacts);
  sqlite3_bind_int64 (stmt, 5, activity->prospects);
  sqlite3_bind_int64 (stmt, 6, activity->active);
  sqlite3_bind_int64 (stmt, 7, activity->latent);
  sqlite3_bind_int64 (stmt, 8, activity->arid);
  sqlite3_bind_int64 (stmt, 9, activity->proposals);
  sqlite3_bind_int64 (stmt, 10, activity->deals);
  sqlite3_bind_int64 (stmt, 11, activity->revenue_cents);
  bind_text (stmt, 12, activity->note);
  sqlite3_bind_int64 (stmt, 13,
                      activity->created != 0 ? activity->created : now_seconds ());
  if (!step_done (store, stmt, error))
    return FALSE;
  *ret_id = sqlite3_last_insert_rowid (store->db);
  return TRUE;
}

gboolean
pd_store_add_activity (PdStore *store,
                       const PdActivity *activity,
                       gint64 *ret_id,
                       GError **error)
{
  gint64 id = 0;
  gboolean ok;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (activity != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_activity (activity, error))
    goto fail;
  if (!begin_write (store, error))
    goto fail;
  ok = insert_activity (store, activity, &id, error);
  if (!finish (store, ok, error))
    goto fail;
  if (ret_id != NULL)
    *ret_id = id;
  return TRUE;

fail:
  g_prefix_error (error, _("Cannot log activity: "));
  return FALSE;
}

static PdActivity *
activity_from_row (sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (PdActivity) activity = pd_activity_new ();
  const unsigned char *note;

  activity->id = sqlite3_column_int64 (stmt, 0);
  activity->campaign = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  activity->rep = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  if (!parse_date (sqlite3_column_text (stmt, 3), &activity->date, error))
    return NULL;
  activity->contacts = sqlite3_column_int64 (stmt, 4);
  activity->prospects = sqlite3_column_int64 (stmt, 5);
  activity->active = sqlite3_column_int64 (stmt, 6);
  activity->latent = sqlite3_column_int64 (stmt, 7);
  activity->arid = sqlite3_column_int64 (stmt, 8);
  activity->proposals = sqlite3_column_int64 (stmt, 9);
  activity->deals = sqlite3_column_int64 (stmt, 10);
  activity->revenue_cents = sqlite3_column_int64 (stmt, 11);
  note = sqlite3_column_text (stmt, 12);
  activity->note = note != NULL ? g_strdup ((const char *) note) : NULL;
  activity->created = sqlite3_column_int64 (stmt, 13);
  return g_steal_pointer (&activity);
}

GPtrArray *
pd_store_list_activity (PdStore *store,
                        const char *campaign,
                        const char *rep,
                        GError **error)
{
  g_autoptr (GPtrArray) entries =
    g_ptr_array_new_with_free_func ((GDestroyNotify) pd_activity_free);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (campaign != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = prepare (store,
                  "SELECT id, campaign, rep, date, contacts, prospects, active,"
                  " latent, arid, proposals, deals, revenue_cents, note, created"
                  " FROM activity"
                  " WHERE campaign = ?1 AND (?2 IS NULL OR rep = ?2)"
                  " ORDER BY date, id",
                  error);
  if (stmt == NULL)
    goto fail;
  bind_text (stmt, 1, campaign);
  bind_text (stmt, 2, rep);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PdActivity *activity = activity_from_row (stmt, error);

      if (activity == NULL)
        goto fail;
      g_ptr_array_add (entries, activity);
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, store->db, rc);
      goto fail;
    }
  return g_steal_pointer (&entries);

fail:
  g_prefix_error (error, _("Cannot list the activity of '%s': "), campaign);
  return NULL;
}

/* g_ptr_array_sort() order of PdActivity* by id. */
static int
compare_entry_ids (gconstpointer a, gconstpointer b)
{
  gint64 x = (*(const PdActivity *const *) a)->id, y = (*(const PdActivity *const *) b)->id;

  return (x > y) - (x < y);
}

#define ACTIVITY_COLUMNS \
  "id, campaign, rep, date, contacts, prospects, active, latent, arid, proposals," \
  " deals, revenue_cents, note, created"

/* Inside a transaction: the entries that `stmt` returns (ACTIVITY_COLUMNS),
 * appended to `entries`. */
static gboolean
read_entries (PdStore *store, sqlite3_stmt *stmt, GPtrArray *entries, GError **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PdActivity *activity = activity_from_row (stmt, error);

      if (activity == NULL)
        return FALSE;
      g_ptr_array_add (entries, activity);
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, store->db, rc);
      return FALSE;
    }
  return TRUE;
}

/* Runs `sql` (one bound id, ACTIVITY_COLUMNS returned) and writes the one
 * entry it returns to ret_activity; NOT_FOUND when there is none. */
static gboolean
one_entry (PdStore *store, const char *sql, gint64 id, PdActivity **ret_activity, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = prepare (store, sql, error);
  g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_activity_free);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!read_entries (store, stmt, entries, error))
    return FALSE;
  if (entries->len == 0)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND,
                   _("No such entry: '%" G_GINT64_FORMAT "'"), id);
      return FALSE;
    }
  if (ret_activity != NULL)
    *ret_activity = g_ptr_array_steal_index (entries, 0);
  return TRUE;
}

gboolean
pd_store_get_activity (PdStore *store, gint64 id, PdActivity **ret_activity, GError **error)
{
  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (ret_activity != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (one_entry (store, "SELECT " ACTIVITY_COLUMNS " FROM activity WHERE id = ?1", id, ret_activity, error))
    return TRUE;
  g_prefix_error (error, _("Cannot read activity: "));
  return FALSE;
}

gboolean
pd_store_take_activity (PdStore *store, gint64 id, PdActivity **ret_removed, GError **error)
{
  g_autoptr (PdActivity) removed = NULL;
  gboolean ok;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!begin_write (store, error))
    goto fail;
  ok = one_entry (store, "DELETE FROM activity WHERE id = ?1 RETURNING " ACTIVITY_COLUMNS, id,
                  &removed, error);
  if (finish (store, ok, error))
    {
      if (ret_removed != NULL)
        *ret_removed = g_steal_pointer (&removed);
      return TRUE;
    }
fail:
  g_prefix_error (error, _("Cannot remove activity: "));
  return FALSE;
}

gboolean
pd_store_remove_activity (PdStore *store, gint64 id, GError **error)
{
  return pd_store_take_activity (store, id, NULL, error);
}

gboolean
pd_store_update_activity (PdStore *store, const PdActivity *activity, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  char date[DATE_TEXT_SIZE];
  gboolean ok;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (activity != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_activity (activity, error) || !begin_write (store, error))
    goto fail;
  ok = require_campaign (store, activity->campaign, error);
  if (ok)
    {
      stmt = prepare (store,
                      "UPDATE activity SET campaign = ?2, rep = ?3, date = ?4, contacts = ?5,"
                      " prospects = ?6, active = ?7, latent = ?8, arid = ?9, proposals = ?10,"
                      " deals = ?11, revenue_cents = ?12, note = ?13 WHERE id = ?1",
                      error);
      ok = stmt != NULL;
    }
  if (ok)
    {
      format_date (&activity->date, date);
      sqlite3_bind_int64 (stmt, 1, activity->id);
      bind_text (stmt, 2, activity->campaign);
      bind_text (stmt, 3, activity->rep);
      bind_text (stmt, 4, date);
      sqlite3_bind_int64 (stmt, 5, activity->contacts);
      sqlite3_bind_int64 (stmt, 6, activity->prospects);
      sqlite3_bind_int64 (stmt, 7, activity->active);
      sqlite3_bind_int64 (stmt, 8, activity->latent);
      sqlite3_bind_int64 (stmt, 9, activity->arid);
      sqlite3_bind_int64 (stmt, 10, activity->proposals);
      sqlite3_bind_int64 (stmt, 11, activity->deals);
      sqlite3_bind_int64 (stmt, 12, activity->revenue_cents);
      bind_text (stmt, 13, activity->note);
      ok = step_done (store, stmt, error);
    }
  if (ok && sqlite3_changes (store->db) == 0)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND,
                   _("No such entry: '%" G_GINT64_FORMAT "'"), activity->id);
      ok = FALSE;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (finish (store, ok, error))
    return TRUE;
fail:
  g_prefix_error (error, _("Cannot change activity: "));
  return FALSE;
}

gboolean
pd_store_replace_day (PdStore *store,
                      const PdActivity *activity,
                      gint64 *ret_id,
                      GPtrArray **ret_removed,
                      GError **error)
{
  g_autoptr (GPtrArray) removed = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_activity_free);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  char date[DATE_TEXT_SIZE];
  gint64 id = 0;
  gboolean ok;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (activity != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_activity (activity, error) || !begin_write (store, error))
    goto fail;
  stmt = prepare (store,
                  "DELETE FROM activity WHERE campaign = ?1 AND rep = ?2 AND date = ?3"
                  " RETURNING " ACTIVITY_COLUMNS,
                  error);
  ok = stmt != NULL;
  if (ok)
    {
      format_date (&activity->date, date);
      bind_text (stmt, 1, activity->campaign);
      bind_text (stmt, 2, activity->rep);
      bind_text (stmt, 3, date);
      ok = read_entries (store, stmt, removed, error);
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  ok = ok && insert_activity (store, activity, &id, error);
  if (!finish (store, ok, error))
    goto fail;
  /* RETURNING gives no order. */
  g_ptr_array_sort (removed, compare_entry_ids);
  if (ret_id != NULL)
    *ret_id = id;
  if (ret_removed != NULL)
    *ret_removed = g_steal_pointer (&removed);
  return TRUE;

fail:
  g_prefix_error (error, _("Cannot log activity: "));
  return FALSE;
}

gboolean
pd_store_totals (PdStore *store,
                 const char *campaign,
                 const char *rep,
                 const GDate *up_to,
                 PdTotals *ret_totals,
                 GError **error)
{
  g_autoptr (CachedStmt) stmt = NULL;
  char date[DATE_TEXT_SIZE];
  int rc;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (campaign != NULL, FALSE);
  g_return_val_if_fail (ret_totals != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (up_to != NULL && !check_date (up_to, _("end"), error))
    goto fail;
  /* The per-day sums of migration 4: a few hundred rows, one per day the
   * rep (or anyone, for the team) logged something. sum() rather than
   * total(): an overflow is an error, not a rounded float. sum() of no
   * rows is NULL, hence coalesce(). */
#define TOTALS_SELECT \
  "SELECT coalesce(sum(entries), 0), coalesce(sum(contacts), 0)," \
  " coalesce(sum(prospects), 0), coalesce(sum(active), 0)," \
  " coalesce(sum(latent), 0), coalesce(sum(arid), 0)," \
  " coalesce(sum(proposals), 0), coalesce(sum(deals), 0)," \
  " coalesce(sum(revenue_cents), 0)"
  stmt = rep != NULL
    ? prepare_cached (store, CACHED_TOTALS_REP,
                      TOTALS_SELECT " FROM activity_days"
                      " WHERE campaign = ?1 AND rep = ?2 AND (?3 IS NULL OR date <= ?3)",
                      error)
    : prepare_cached (store, CACHED_TOTALS_TEAM,
                      TOTALS_SELECT " FROM activity_team_days"
                      " WHERE campaign = ?1 AND ?2 IS NULL AND (?3 IS NULL OR date <= ?3)",
                      error);
#undef TOTALS_SELECT
  if (stmt == NULL)
    goto fail;
  bind_text (stmt, 1, campaign);
  bind_text (stmt, 2, rep);
  if (up_to != NULL)
    {
      format_date (up_to, date);
      bind_text (stmt, 3, date);
    }
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (error, store->db, rc);
      goto fail;
    }
  *ret_totals = (PdTotals) {
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
  return TRUE;

fail:
  g_prefix_error (error, _("Cannot sum the activity of '%s': "), campaign);
  return FALSE;
}

GArray *
pd_store_day_totals (PdStore *store,
                     const char *campaign,
                     const char *rep,
                     const GDate *from,
                     const GDate *to,
                     GError **error)
{
  g_autoptr (GArray) days = g_array_new (FALSE, TRUE, sizeof (PdDayTotals));
  g_autoptr (sqlite3_stmt) stmt = NULL;
  char from_text[DATE_TEXT_SIZE], to_text[DATE_TEXT_SIZE];
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (campaign != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((from != NULL && !check_date (from, _("start"), error)) ||
      (to != NULL && !check_date (to, _("end"), error)))
    goto fail;
#define DAY_TOTALS_SELECT \
  "SELECT date, entries, contacts, prospects, active, latent, arid, proposals, deals," \
  " revenue_cents"
#define DAY_TOTALS_WHERE \
  " (?3 IS NULL OR date >= ?3) AND (?4 IS NULL OR date <= ?4) ORDER BY date"
  stmt = rep != NULL
    ? prepare (store, DAY_TOTALS_SELECT " FROM activity_days WHERE campaign = ?1 AND rep = ?2 AND"
               DAY_TOTALS_WHERE, error)
    : prepare (store, DAY_TOTALS_SELECT " FROM activity_team_days WHERE campaign = ?1 AND ?2 IS NULL AND"
               DAY_TOTALS_WHERE, error);
#undef DAY_TOTALS_SELECT
#undef DAY_TOTALS_WHERE
  if (stmt == NULL)
    goto fail;
  bind_text (stmt, 1, campaign);
  bind_text (stmt, 2, rep);
  if (from != NULL)
    {
      format_date (from, from_text);
      bind_text (stmt, 3, from_text);
    }
  if (to != NULL)
    {
      format_date (to, to_text);
      bind_text (stmt, 4, to_text);
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PdDayTotals day = { 0 };

      if (!parse_date (sqlite3_column_text (stmt, 0), &day.date, error))
        goto fail;
      day.totals = (PdTotals) {
        .entries = sqlite3_column_int64 (stmt, 1),
        .contacts = sqlite3_column_int64 (stmt, 2),
        .prospects = sqlite3_column_int64 (stmt, 3),
        .active = sqlite3_column_int64 (stmt, 4),
        .latent = sqlite3_column_int64 (stmt, 5),
        .arid = sqlite3_column_int64 (stmt, 6),
        .proposals = sqlite3_column_int64 (stmt, 7),
        .deals = sqlite3_column_int64 (stmt, 8),
        .revenue_cents = sqlite3_column_int64 (stmt, 9),
      };
      g_array_append_val (days, day);
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, store->db, rc);
      goto fail;
    }
  return g_steal_pointer (&days);

fail:
  g_prefix_error (error, _("Cannot sum the days of '%s': "), campaign);
  return NULL;
}

/* The days' rep strings are GRefStrings, one per rep shared by its days:
 * 1 000 allocations instead of 340 000 for a large team (make bench). */
static void
clear_daily_contacts (gpointer data)
{
  PdDailyContacts *day = data;

  g_clear_pointer (&day->rep, g_ref_string_release);
}

GArray *
pd_store_daily_contacts (PdStore *store,
                         const char *campaign,
                         const char *rep,
                         const GDate *up_to,
                         GError **error)
{
  g_autoptr (GArray) days = g_array_new (FALSE, TRUE, sizeof (PdDailyContacts));
  g_autoptr (CachedStmt) stmt = NULL;
  char date[DATE_TEXT_SIZE];
  char *current_rep = NULL; /* GRefString, one reference of ours */
  gint64 cumulative = 0;
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (campaign != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_array_set_clear_func (days, clear_daily_contacts);
  if (up_to != NULL && !check_date (up_to, _("end"), error))
    goto fail;
  /* One row per rep and day in activity_days (migration 4), which is in
   * this order already: its primary key. */
  stmt = rep != NULL
    ? prepare_cached (store, CACHED_DAILY_REP,
                      "SELECT rep, date, contacts, prospects, active, latent, arid, proposals,"
                      " deals, revenue_cents FROM activity_days"
                      " WHERE campaign = ?1 AND rep = ?2 AND (?3 IS NULL OR date <= ?3)"
                      " ORDER BY rep, date",
                      error)
    : prepare_cached (store, CACHED_DAILY_TEAM,
                      "SELECT rep, date, contacts, prospects, active, latent, arid, proposals,"
                      " deals, revenue_cents FROM activity_days"
                      " WHERE campaign = ?1 AND ?2 IS NULL AND (?3 IS NULL OR date <= ?3)"
                      " ORDER BY rep, date",
                      error);
  if (stmt == NULL)
    goto fail;
  bind_text (stmt, 1, campaign);
  bind_text (stmt, 2, rep);
  if (up_to != NULL)
    {
      format_date (up_to, date);
      bind_text (stmt, 3, date);
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *row_rep = (const char *) sqlite3_column_text (stmt, 0);
      PdDailyContacts day = { 0 };

      if (!parse_date (sqlite3_column_text (stmt, 1), &day.date, error))
        goto fail;
      if (current_rep == NULL || strcmp (current_rep, row_rep) != 0)
        {
          g_clear_pointer (&current_rep, g_ref_string_release);
          current_rep = g_ref_string_new (row_rep);
          cumulative = 0;
        }
      day.contacts = sqlite3_column_int64 (stmt, 2);
      /* Counts are >= 0 (CHECK constraint), so only this can overflow. */
      if (day.contacts < 0 || day.contacts > G_MAXINT64 - cumulative)
        {
          g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_FAILED,
                       _("Sum of contacts out of range"));
          goto fail;
        }
      cumulative += day.contacts;
      day.cumulative = cumulative;
      day.prospects = sqlite3_column_int64 (stmt, 3);
      day.active = sqlite3_column_int64 (stmt, 4);
      day.latent = sqlite3_column_int64 (stmt, 5);
      day.arid = sqlite3_column_int64 (stmt, 6);
      day.proposals = sqlite3_column_int64 (stmt, 7);
      day.deals = sqlite3_column_int64 (stmt, 8);
      day.revenue_cents = sqlite3_column_int64 (stmt, 9);
      day.rep = g_ref_string_acquire (current_rep);
      g_array_append_val (days, day);
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, store->db, rc);
      goto fail;
    }
  g_clear_pointer (&current_rep, g_ref_string_release);
  return g_steal_pointer (&days);

fail:
  g_clear_pointer (&current_rep, g_ref_string_release);
  g_prefix_error (error, _("Cannot sum the daily contacts of '%s': "), campaign);
  return NULL;
}

/* -------------------------------------------------------- notifications */

gboolean
pd_store_notification_claim (PdStore *store,
                             const char *campaign,
                             const char *key,
                             gint64 sent_at,
                             gboolean *ret_claimed,
                             GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean claimed = FALSE;
  gboolean ok;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (campaign != NULL, FALSE);
  g_return_val_if_fail (ret_claimed != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_name (key, _("notification key"), error))
    goto fail;
  if (!begin_write (store, error))
    goto fail;
  /* The UNIQUE constraint decides: of concurrent callers, exactly one
   * inserts a row, and only it sees one change. */
  stmt = prepare (store,
                  "INSERT INTO notifications (campaign, key, sent_at)"
                  " VALUES (?1, ?2, ?3) ON CONFLICT (campaign, key) DO NOTHING",
                  error);
  ok = stmt != NULL;
  if (ok)
    {
      bind_text (stmt, 1, campaign);
      bind_text (stmt, 2, key);
      sqlite3_bind_int64 (stmt, 3, sent_at);
      ok = step_done (store, stmt, error);
      claimed = ok && sqlite3_changes (store->db) == 1;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (!finish (store, ok, error))
    goto fail;
  *ret_claimed = claimed;
  return TRUE;

fail:
  g_prefix_error (error, _("Cannot record the notification '%s': "),
                  key != NULL ? key : "");
  return FALSE;
}

gboolean
pd_store_notification_sent (PdStore *store,
                            const char *campaign,
                            const char *key,
                            gboolean *ret_sent,
                            gint64 *ret_sent_at,
                            GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (campaign != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (ret_sent != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  stmt = prepare (store,
                  "SELECT sent_at FROM notifications WHERE campaign = ?1 AND key = ?2",
                  error);
  if (stmt == NULL)
    goto fail;
  bind_text (stmt, 1, campaign);
  bind_text (stmt, 2, key);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *ret_sent = TRUE;
      if (ret_sent_at != NULL)
        *ret_sent_at = sqlite3_column_int64 (stmt, 0);
      return TRUE;
    }
  if (rc == SQLITE_DONE)
    {
      *ret_sent = FALSE;
      return TRUE;
    }
  set_sqlite_error (error, store->db, rc);
fail:
  g_prefix_error (error, _("Cannot look up the notification '%s': "), key);
  return FALSE;
}

/* ------------------------------------------------------------ revisions */

static const char *
kind_to_text (PdRevisionKind kind)
{
  return kind == PD_REVISION_BASELINE ? "baseline" : "catchup";
}

static void
clear_revision_day (gpointer data)
{
  PdRevisionDay *day = data;

  g_clear_pointer (&day->rep, g_free);
}

PdRevision *
pd_revision_new (const char *campaign,
                 PdRevisionKind kind,
                 const GDate *as_of,
                 gint64 created)
{
  PdRevision *revision = g_new0 (PdRevision, 1);

  revision->campaign = g_strdup (campaign);
  revision->kind = kind;
  g_date_clear (&revision->as_of, 1);
  if (as_of != NULL)
    revision->as_of = *as_of;
  revision->created = created;
  revision->days = g_array_new (FALSE, TRUE, sizeof (PdRevisionDay));
  g_array_set_clear_func (revision->days, clear_revision_day);
  return revision;
}

void
pd_revision_add_rebased_day (PdRevision *revision,
                             const char *rep,
                             const GDate *date,
                             gint64 contacts,
                             gint64 base)
{
  PdRevisionDay day = { 0 };

  g_return_if_fail (revision != NULL);
  g_return_if_fail (date != NULL);

  day.rep = g_strdup (rep);
  day.date = *date;
  day.contacts = contacts;
  day.base = base;
  g_array_append_val (revision->days, day);
}

void
pd_revision_add_day (PdRevision *revision,
                     const char *rep,
                     const GDate *date,
                     gint64 contacts)
{
  pd_revision_add_rebased_day (revision, rep, date, contacts, -1);
}

void
pd_revision_free (PdRevision *revision)
{
  if (revision == NULL)
    return;
  g_free (revision->campaign);
  g_clear_pointer (&revision->days, g_array_unref);
  g_free (revision);
}

static gboolean
check_revision (const PdRevision *revision, GError **error)
{
  if (!check_name (revision->campaign, _("campaign id"), error)
      || !check_date (&revision->as_of, _("revision"), error))
    return FALSE;
  if (revision->kind != PD_REVISION_BASELINE && revision->kind != PD_REVISION_CATCHUP)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                   _("Unknown revision kind: '%d'"), (int) revision->kind);
      return FALSE;
    }
  for (guint i = 0; i < revision->days->len; i++)
    {
      const PdRevisionDay *day = &g_array_index (revision->days, PdRevisionDay, i);

      if (!check_name (day->rep, _("rep name"), error)
          || !check_date (&day->date, _("schedule"), error))
        return FALSE;
      if (day->contacts < 0 || day->base < -1)
        {
          g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                       _("Negative contacts: '%" G_GINT64_FORMAT "'"),
                       day->contacts < 0 ? day->contacts : day->base);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
insert_revision (PdStore *store, const PdRevision *revision, gint64 *ret_id,
                 GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  char date[DATE_TEXT_SIZE];
  gint64 id;

  if (!require_campaign (store, revision->campaign, error))
    return FALSE;
  stmt = prepare (store,
                  "INSERT INTO revisions (campaign, kind, as_of, created)"
                  " VALUES (?1, ?2, ?3, ?4)",
                  error);
  if (stmt == NULL)
    return FALSE;
  format_date (&revision->as_of, date);
  bind_text (stmt, 1, revision->campaign);
  bind_text (stmt, 2, kind_to_text (revision->kind));
  bind_text (stmt, 3, date);
  sqlite3_bind_int64 (stmt, 4, revision->created);
  if (!step_done (store, stmt, error))
    return FALSE;
  id = sqlite3_last_insert_rowid (store->db);
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = prepare (store,
                  "INSERT INTO revision_days (revision, rep, date, contacts, base)"
                  " VALUES (?1, ?2, ?3, ?4, ?5)",
                  error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < revision->days->len; i++)
    {
      const PdRevisionDay *day = &g_array_index (revision->days, PdRevisionDay, i);
      int rc;

      format_date (&day->date, date);
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, id);
      bind_text (stmt, 2, day->rep);
      bind_text (stmt, 3, date);
      sqlite3_bind_int64 (stmt, 4, day->contacts);
      if (day->base >= 0)
        sqlite3_bind_int64 (stmt, 5, day->base);
      else
        sqlite3_bind_null (stmt, 5);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        {
          g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                       _("Two schedule entries for %s on %s"), day->rep, date);
          return FALSE;
        }
      if (rc != SQLITE_DONE)
        {
          set_sqlite_error (error, store->db, rc);
          return FALSE;
        }
    }
  *ret_id = id;
  return TRUE;
}

gboolean
pd_store_save_revision (PdStore *store,
                        const PdRevision *revision,
                        gint64 *ret_id,
                        GError **error)
{
  gint64 id = 0;
  gboolean ok;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (revision != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_revision (revision, error))
    goto fail;
  if (!begin_write (store, error))
    goto fail;
  ok = insert_revision (store, revision, &id, error);
  if (ok && revision->kind == PD_REVISION_CATCHUP)
    {
      /* Only the latest catch-up is ever read, and it carries the days
       * it froze: the ones it replaces go (their days by cascade), so the
       * file stops growing by a schedule's worth at every catch-up. */
      g_autoptr (sqlite3_stmt) stmt = prepare (store,
                                               "DELETE FROM revisions WHERE campaign = ?1"
                                               " AND kind = 'catchup' AND id < ?2",
                                               error);
      ok = stmt != NULL;
      if (ok)
        {
          bind_text (stmt, 1, revision->campaign);
          sqlite3_bind_int64 (stmt, 2, id);
          ok = step_done (store, stmt, error);
        }
    }
  if (!finish (store, ok, error))
    goto fail;
  if (ret_id != NULL)
    *ret_id = id;
  return TRUE;

fail:
  g_prefix_error (error, _("Cannot save the schedule revision: "));
  return FALSE;
}

/* Inside a read transaction. `kind` NULL: either kind. */
static gboolean
load_revision (PdStore *store, const char *campaign, const char *kind, gboolean with_days,
               PdRevision **ret_revision, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (PdRevision) revision = NULL;
  GDate as_of;
  int rc;

  stmt = prepare (store,
                  "SELECT id, kind, as_of, created FROM revisions"
                  " WHERE campaign = ?1 AND (?2 IS NULL OR kind = ?2)"
                  " ORDER BY id DESC LIMIT 1",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, campaign);
  bind_text (stmt, 2, kind);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      *ret_revision = NULL;
      return TRUE;
    }
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (error, store->db, rc);
      return FALSE;
    }
  if (!parse_date (sqlite3_column_text (stmt, 2), &as_of, error))
    return FALSE;
  revision = pd_revision_new (campaign,
                              g_strcmp0 ((const char *) sqlite3_column_text (stmt, 1),
                                         "baseline") == 0
                                ? PD_REVISION_BASELINE : PD_REVISION_CATCHUP,
                              &as_of, sqlite3_column_int64 (stmt, 3));
  revision->id = sqlite3_column_int64 (stmt, 0);
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (!with_days)
    {
      *ret_revision = g_steal_pointer (&revision);
      return TRUE;
    }

  stmt = prepare (store,
                  "SELECT rep, date, contacts, base FROM revision_days"
                  " WHERE revision = ?1 ORDER BY rep, date",
                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, revision->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      GDate date;

      if (!parse_date (sqlite3_column_text (stmt, 1), &date, error))
        return FALSE;
      pd_revision_add_rebased_day (revision, (const char *) sqlite3_column_text (stmt, 0),
                                   &date, sqlite3_column_int64 (stmt, 2),
                                   sqlite3_column_type (stmt, 3) == SQLITE_NULL
                                     ? -1 : sqlite3_column_int64 (stmt, 3));
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, store->db, rc);
      return FALSE;
    }
  *ret_revision = g_steal_pointer (&revision);
  return TRUE;
}

static gboolean
load_revision_snapshot (PdStore *store, const char *campaign, const char *kind, gboolean with_days,
                      PdRevision **ret_revision, GError **error)
{
  PdRevision *revision = NULL;
  gboolean ok;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (campaign != NULL, FALSE);
  g_return_val_if_fail (ret_revision != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Two statements, one snapshot: a revision saved meanwhile by another
   * process cannot mix its days into ours. */
  if (!begin_read (store, error))
    goto fail;
  ok = load_revision (store, campaign, kind, with_days, &revision, error);
  if (!finish (store, ok, error))
    {
      pd_revision_free (revision);
      goto fail;
    }
  *ret_revision = revision;
  return TRUE;

fail:
  g_prefix_error (error, _("Cannot load the schedule of '%s': "), campaign);
  return FALSE;
}

gboolean
pd_store_load_latest_revision (PdStore *store,
                               const char *campaign,
                               PdRevision **ret_revision,
                               GError **error)
{
  return load_revision_snapshot (store, campaign, NULL, TRUE, ret_revision, error);
}

gboolean
pd_store_load_latest_head (PdStore *store,
                           const char *campaign,
                           PdRevision **ret_revision,
                           GError **error)
{
  return load_revision_snapshot (store, campaign, NULL, FALSE, ret_revision, error);
}

gboolean
pd_store_load_latest_catchup (PdStore *store,
                              const char *campaign,
                              PdRevision **ret_revision,
                              GError **error)
{
  return load_revision_snapshot (store, campaign, kind_to_text (PD_REVISION_CATCHUP), TRUE, ret_revision,
                                 error);
}

gboolean
pd_store_load_baseline (PdStore *store,
                        const char *campaign,
                        PdRevision **ret_revision,
                        GError **error)
{
  return load_revision_snapshot (store, campaign, kind_to_text (PD_REVISION_BASELINE), TRUE,
                               ret_revision, error);
}

/* ---------------------------------------------------------------- misc */

gboolean
pd_store_data_version (PdStore *store, gint64 *ret_version, GError **error)
{
  gint64 version;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (ret_version != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!query_int (store, "PRAGMA data_version", &version, error))
    {
      g_prefix_error (error, _("Cannot read the database version: "));
      return FALSE;
    }
  *ret_version = version;
  return TRUE;
}

/* ---------------------------------------------------------- feed tokens */

/* Inside a write transaction: the token of (campaign, rep), or NULL in
 * *ret_token when there is none. */
static gboolean
select_feed_token (PdStore *store, const char *campaign, const char *rep, char **ret_token,
                   GError **error)
{
  g_autoptr (sqlite3_stmt) stmt =
    prepare (store, "SELECT token FROM feed_tokens WHERE campaign = ?1 AND rep = ?2", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, campaign);
  bind_text (stmt, 2, rep);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *ret_token = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      return TRUE;
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, store->db, rc);
      return FALSE;
    }
  *ret_token = NULL;
  return TRUE;
}

/* Inside a write transaction: stores a new token for (campaign, rep),
 * replacing any previous one, and hands it back. */
static gboolean
replace_feed_token (PdStore *store, const char *campaign, const char *rep, char **ret_token,
                    GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *token = pd_token_new (error);

  if (token == NULL || !require_campaign (store, campaign, error))
    return FALSE;
  stmt = prepare (store,
                  "INSERT INTO feed_tokens (campaign, rep, token, created) VALUES (?1, ?2, ?3, ?4)"
                  " ON CONFLICT (campaign, rep) DO UPDATE SET token = excluded.token,"
                  " created = excluded.created",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, campaign);
  bind_text (stmt, 2, rep);
  bind_text (stmt, 3, token);
  sqlite3_bind_int64 (stmt, 4, now_seconds ());
  if (!step_done (store, stmt, error))
    return FALSE;
  *ret_token = g_steal_pointer (&token);
  return TRUE;
}

gboolean
pd_store_feed_token (PdStore *store,
                     const char *campaign,
                     const char *rep,
                     gboolean create,
                     char **ret_token,
                     GError **error)
{
  char *token = NULL;
  gboolean ok;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (ret_token != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_name (campaign, _("campaign id"), error) || !check_name (rep, _("rep"), error))
    goto fail;
  if (!create)
    {
      /* One statement: its own read snapshot, no transaction needed. */
      if (!select_feed_token (store, campaign, rep, &token, error))
        goto fail;
      *ret_token = token;
      return TRUE;
    }
  /* Read then maybe write: the write lock first (PITFALLS 14), so that two
   * processes asking at once get the same token. */
  if (!begin_write (store, error))
    goto fail;
  ok = select_feed_token (store, campaign, rep, &token, error);
  if (ok && token == NULL)
    ok = replace_feed_token (store, campaign, rep, &token, error);
  if (!finish (store, ok, error))
    {
      g_free (token);
      goto fail;
    }
  *ret_token = token;
  return TRUE;

fail:
  g_prefix_error (error, _("Cannot read the feed token of '%s' in '%s': "), rep != NULL ? rep : "",
                  campaign != NULL ? campaign : "");
  return FALSE;
}

gboolean
pd_store_rotate_feed_token (PdStore *store,
                            const char *campaign,
                            const char *rep,
                            char **ret_token,
                            GError **error)
{
  char *token = NULL;
  gboolean ok;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (ret_token != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_name (campaign, _("campaign id"), error) || !check_name (rep, _("rep"), error))
    goto fail;
  if (!begin_write (store, error))
    goto fail;
  ok = replace_feed_token (store, campaign, rep, &token, error);
  if (!finish (store, ok, error))
    {
      g_free (token);
      goto fail;
    }
  *ret_token = token;
  return TRUE;

fail:
  g_prefix_error (error, _("Cannot issue a feed token for '%s' in '%s': "), rep != NULL ? rep : "",
                  campaign != NULL ? campaign : "");
  return FALSE;
}
