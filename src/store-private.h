/* SPDX-License-Identifier: MIT
 *
 * store-private: what the files of the SQLite backend of
 * include/prospectd/store.h share, and only they include. Owns the
 * connection (struct _PdStore), the statement cache and its ids, the
 * plumbing every query goes through (prepare, bind, step, transactions,
 * the translation of SQLite errors into PD_STORE_ERROR) and the text form
 * of dates in the schema.
 *
 * Which file owns what:
 *   store.c               the connection: open (pragmas, file modes), the
 *                         dry run's copy, close, the file watched
 *   store-sql.c           the plumbing: errors, statements, transactions
 *   store-schema.c        the schema text and its migrations
 *   store-common.c        what any backend shares (store-common.h)
 *   store-campaigns.c     campaigns and the first days of their reps
 *   store-activity.c      activity entries: log, list, edit, remove
 *   store-totals.c        the sums the status reads (the per-day tables)
 *   store-revisions.c     schedule revisions: baselines and catch-ups
 *   store-notifications.c notifications already sent
 *   store-meta.c          the database's id and the feed tokens
 *
 * A PdStore opened on a PostgreSQL URI has no SQLite connection: each
 * public function hands it to the function of the same name in
 * src/store-pg.h first thing after its argument checks.
 *
 * Functions shared between these files are named store_* (internal to the
 * backend, not part of the module's API); the static inline helpers keep
 * their short names.
 */
#pragma once

#include <string.h>

#include <glib.h>
#include <glib/gi18n.h>
#include <sqlite3.h>

#include "prospectd/store.h"
#include "store-common.h"
#include "store-pg.h"

/* A statement of PdStore's cache (store_prepare_cached()), lent to one call:
 * g_autoptr (CachedStmt) resets it and clears its bindings when the
 * caller is done, instead of finalizing it. The reset matters: until
 * then a read keeps its snapshot (and blocks WAL checkpoints past it). */
typedef sqlite3_stmt CachedStmt;

static inline void
release_cached (CachedStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

/* Kept together: the cleanup functions of SQLite types, here since only
 * the files of the SQLite backend may include sqlite3.h. */
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
  CACHED_FIND_FEED_TOKEN, /* the feed server's lookup, once per request */
  CACHED_PROSPECTS_OF_REP, /* the call lists read the prospect file rep after rep */
  CACHED_ATTRIBUTES_OF_REP,
  CACHED_SOURCES_OF_REP,
  CACHED_CALLS_OF_REP,
  CACHED_CALLED_OF_REP,
  CACHED_RUNNING_AT,     /* the status's reads of the running sums (schema 16) */
  CACHED_RUNNING_CONTACTS_AT,
  CACHED_REP_RUNNING_AT,
  CACHED_REP_REACHED,
  N_CACHED
} CachedId;

struct _PdStore {
  sqlite3 *db;                     /* NULL on PostgreSQL */
  PgStore *pg;                     /* the PostgreSQL backend's, or NULL on SQLite (store-pg.h) */
  char *path;
  sqlite3_stmt *cached[N_CACHED]; /* owned; NULL until first used */
  guint tightened_from;            /* the file's mode when open made it 0600, else 0 */
  gint64 schema_found;             /* the schema version open found (0: none, created) */
  guint64 device, inode;           /* the file opened (0, 0 in memory) */
  guint64 companions[2][2];        /* device and inode of its -wal and -shm once opened */
  char *desktop;                   /* whose notifications (pd_store_set_desktop()): "" none */
};

/* ------------------------------------------------------------ plumbing */

/* Binds a C string, NULL as SQL NULL. SQLITE_TRANSIENT: the caller's
 * string need not outlive the statement. */
static inline int
bind_text (sqlite3_stmt *stmt, int index, const char *text)
{
  if (text == NULL)
    return sqlite3_bind_null (stmt, index);
  return sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

/* The edge where SQLite's errors become GErrors. Callers add what they
 * were doing with g_prefix_error(). Must run before anything (ROLLBACK)
 * resets the connection's error message. */
void store_set_error (GError **error, sqlite3 *db, int rc);

/* A new statement, to be finalized by the caller (g_autoptr (sqlite3_stmt)). */
sqlite3_stmt *store_prepare (PdStore *store, const char *sql, GError **error);

/* The statement `id`, prepared from `sql` on first use and kept by the
 * store. Each id has one SQL text, and one user at a time (none of these
 * nest): hold it in a g_autoptr (CachedStmt). */
CachedStmt *store_prepare_cached (PdStore *store, CachedId id, const char *sql, GError **error);

/* Steps a statement that returns no row (or whose rows are ignored). */
gboolean store_step_done (PdStore *store, sqlite3_stmt *stmt, GError **error);

/* Runs constant SQL without parameters (transaction control, DDL). */
gboolean store_exec (PdStore *store, const char *sql, GError **error);

/* A constant query returning one integer (PRAGMAs). */
gboolean store_query_int (PdStore *store, const char *sql, gint64 *ret_value, GError **error);

/* Transactions. A write begins with BEGIN IMMEDIATE: a deferred transaction
 * that reads and then writes gets SQLITE_BUSY at once when another writer
 * committed in between, whatever the busy timeout; taking the write lock
 * first waits on the busy handler like any other lock. A read of more than
 * one statement begins a deferred transaction: one consistent snapshot.
 * store_finish() commits when `ok`, else rolls back (error is set already),
 * and returns whether everything was committed. */
gboolean store_begin_write (PdStore *store, GError **error);
gboolean store_begin_read (PdStore *store, GError **error);
gboolean store_finish (PdStore *store, gboolean ok, GError **error);

/* ---------------------------------------------------------- the schema */

/* Brings the schema to PD_STORE_SCHEMA_VERSION (store-schema.c). */
gboolean store_migrate (PdStore *store, GError **error);

/* Inside a transaction: NOT_FOUND unless campaign `id` is known
 * (store-campaigns.c). */
gboolean store_require_campaign (PdStore *store, const char *id, GError **error);

/* A change-mark table's latest mark (`mark_sql`) and the reps of
 * `campaign` past `since` (`reps_sql`: ?1 since, ?2 campaign), in one
 * snapshot (store-activity.c; pd_store_activity_changes(),
 * pd_store_prospect_changes()). */
gboolean store_change_marks (PdStore *store,
                             const char *mark_sql,
                             const char *reps_sql,
                             const char *campaign,
                             gint64 since,
                             gint64 *ret_mark,
                             GStrv *ret_reps,
                             GError **error);
