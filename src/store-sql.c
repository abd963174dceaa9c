/* SPDX-License-Identifier: MIT
 *
 * store-sql: the plumbing every query of the SQLite backend goes through:
 * the translation of SQLite errors into PD_STORE_ERROR, preparing
 * statements (the statement cache of the hot paths, prepared once per
 * connection), stepping them, transactions. Every statement is prepared
 * with bound parameters. Below the connection (store.c) and the schema
 * (store-schema.c), which both use it.
 *
 * Transactions: every write runs in BEGIN IMMEDIATE ... COMMIT. A deferred
 * transaction that reads and then writes gets SQLITE_BUSY at once when
 * another writer committed in between, whatever the busy timeout
 * (docs/pitfalls.md 14); BEGIN IMMEDIATE takes the write lock first and so
 * waits on the busy handler like any other lock. Reads that run more than
 * one statement use a deferred (read) transaction for one consistent
 * snapshot.
 */
#define G_LOG_DOMAIN "prospectd-store"

#include "store-private.h"

#include <glib.h>
#include <glib/gi18n.h>
#include <sqlite3.h>

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
void
store_set_error (GError **error, sqlite3 *db, int rc)
{
  g_set_error_literal (error, PD_STORE_ERROR, error_code (rc),
                       db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
}

/* ---------------------------------------------------------- statements */

sqlite3_stmt *
store_prepare (PdStore *store, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (store->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      store_set_error (error, store->db, rc);
      sqlite3_finalize (stmt);
      return NULL;
    }
  return stmt;
}

/* The statement `id`, prepared from `sql` on first use. Each id has one
 * SQL text, and one user at a time (none of these nest). */
CachedStmt *
store_prepare_cached (PdStore *store, CachedId id, const char *sql, GError **error)
{
  int rc;

  if (store->cached[id] != NULL)
    return store->cached[id];
  rc = sqlite3_prepare_v3 (store->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                           &store->cached[id], NULL);
  if (rc != SQLITE_OK)
    {
      store_set_error (error, store->db, rc);
      g_clear_pointer (&store->cached[id], sqlite3_finalize);
      return NULL;
    }
  return store->cached[id];
}

/* Steps a statement that returns no row (or whose rows are ignored). */
gboolean
store_step_done (PdStore *store, sqlite3_stmt *stmt, GError **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;
  if (rc != SQLITE_DONE)
    {
      store_set_error (error, store->db, rc);
      return FALSE;
    }
  return TRUE;
}

/* Runs constant SQL without parameters (transaction control, DDL). */
gboolean
store_exec (PdStore *store, const char *sql, GError **error)
{
  int rc = sqlite3_exec (store->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      store_set_error (error, store->db, rc);
      return FALSE;
    }
  return TRUE;
}

/* A constant query returning one integer (PRAGMAs). */
gboolean
store_query_int (PdStore *store, const char *sql, gint64 *ret_value, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = store_prepare (store, sql, error);
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
        store_set_error (error, store->db, rc);
      return FALSE;
    }
  *ret_value = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/* -------------------------------------------------------- transactions */

gboolean
store_begin_write (PdStore *store, GError **error)
{
  return store_exec (store, "BEGIN IMMEDIATE", error);
}

gboolean
store_begin_read (PdStore *store, GError **error)
{
  return store_exec (store, "BEGIN", error);
}

static void
rollback (PdStore *store)
{
  /* A failed COMMIT may already have ended the transaction. */
  if (!sqlite3_get_autocommit (store->db))
    sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Ends the transaction begun by store_begin_write() or store_begin_read(): commits when
 * `ok`, else rolls back (error is set already). Returns whether everything
 * was committed. */
gboolean
store_finish (PdStore *store, gboolean ok, GError **error)
{
  if (ok && store_exec (store, "COMMIT", error))
    return TRUE;
  rollback (store);
  return FALSE;
}
